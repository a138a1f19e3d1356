// Runs the suite against one loaded `scimkit` module; runtime-agnostic (no Node APIs).
import { assert } from "./assert.mjs";
import { adminClient } from "./directory-helpers.mjs";
import files from "./index.mjs";

const CASE_TIMEOUT_MS = 60_000;

/** All cases as [{ id, file, name, nodeOnly, run }], validating names are unique. */
export function listCases() {
  const out = [];
  const ids = new Set();
  for (const { file, cases } of files) {
    if (!Array.isArray(cases) || cases.length === 0) throw new Error(`${file}: default export must be a non-empty array`);
    for (const c of cases) {
      if (typeof c?.name !== "string" || typeof c?.run !== "function") throw new Error(`${file}: every case needs name and run`);
      const id = `${file.replace(/\.mjs$/, "")} › ${c.name}`;
      if (ids.has(id)) throw new Error(`duplicate case ${id}`);
      ids.add(id);
      out.push({ id, file, name: c.name, nodeOnly: !!c.nodeOnly, run: c.run });
    }
  }
  return out;
}

function withTimeout(promise, ms, label) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function describe(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack ? `\n${String(e.stack).split("\n").slice(1, 6).join("\n")}` : ""}`;
  return `non-Error thrown (${typeof e}): ${String(e)}`;
}

/**
 * Runs every case. options: { vectors, fixtures (normalization fixtures, lib/fixtures.mjs), runtime,
 * node (Node-only extras; nodeOnly cases run only when given), seed, directory (the local directory
 * service's info from tests/js/lib/directory.mjs; cases get it as ctx.directory, with an `admin`
 * client added), onResult(result) }. Returns { runtime, total, passed, failed, excluded, results }.
 */
export async function runSuite(scimkit, options = {}) {
  const { vectors, fixtures, runtime = "unknown", node, seed, onResult } = options;
  const directory = options.directory ? { ...options.directory, admin: adminClient(options.directory.url) } : undefined;
  const cases = listCases();
  const results = [];
  let excluded = 0;
  for (const c of cases) {
    if (c.nodeOnly && !node) {
      excluded++;
      continue;
    }
    const ctx = { assert, vectors, fixtures, runtime, node, seed, directory };
    const t0 = Date.now();
    let result;
    try {
      await withTimeout(Promise.resolve().then(() => c.run(scimkit, ctx)), CASE_TIMEOUT_MS, c.id);
      result = { name: c.id, ok: true, ms: Date.now() - t0 };
    } catch (e) {
      result = { name: c.id, ok: false, ms: Date.now() - t0, error: describe(e) };
    }
    results.push(result);
    if (onResult) onResult(result, results.length);
  }
  const passed = results.filter((r) => r.ok).length;
  return { runtime, total: results.length, passed, failed: results.length - passed, excluded, results };
}

/** TAP 13 text for a summary from runSuite. */
export function toTap(summary) {
  const lines = ["TAP version 13", `1..${summary.total}`];
  summary.results.forEach((r, i) => {
    lines.push(`${r.ok ? "ok" : "not ok"} ${i + 1} - ${r.name} # ${r.ms} ms`);
    if (!r.ok) {
      lines.push("  ---");
      for (const l of r.error.split("\n")) lines.push(`  # ${l}`);
      lines.push("  ...");
    }
  });
  lines.push(`# runtime ${summary.runtime}`, `# tests ${summary.total}`, `# pass ${summary.passed}`, `# fail ${summary.failed}`, `# excluded (nodeOnly, not run here) ${summary.excluded}`);
  return lines.join("\n");
}
