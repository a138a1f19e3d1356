// Node-side helpers shared by the runners: pack pkg/, install the tarball into a fresh consumer
// project, copy the suite + drivers next to it, run drivers in child processes, report per case.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFixtures } from "./fixtures.mjs";

export const jsDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(jsDir, "..", "..");
export const workDir = join(jsDir, ".work");

/** Absolute paths of the reference packages the Node-only cases compare against (repo's node_modules). */
export function nodeDepsEnv() {
  const deps = {
    standardwebhooks: join(repoRoot, "node_modules", "standardwebhooks"),
    scalekitSdk: join(repoRoot, "node_modules", "@scalekit-sdk", "node"),
  };
  for (const [k, p] of Object.entries(deps)) {
    if (!existsSync(join(p, "package.json"))) throw new Error(`${k} not installed at ${p}: run npm install in the repo root`);
  }
  return JSON.stringify(deps);
}

function npm(args, cwd) {
  return execFileSync("npm", args, { cwd, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" } });
}

/**
 * `npm pack ./pkg` into a temp dir, `npm install <tarball>` into a fresh consumer project there,
 * and copy the harness (suite/, drivers, vectors.json, fixtures.json) to <project>/harness/.
 * fixtures.json: every normalization fixture with its references resolved (lib/fixtures.mjs),
 * so the drivers, the Worker bundle and the browser page all get them without reading tests/fixtures.
 * `pkgDir`: another built package to pack instead (the trap-test build).
 */
export function prepareProject(label, { pkgDir = join(repoRoot, "pkg") } = {}) {
  if (!existsSync(join(pkgDir, "package.json"))) throw new Error(`${pkgDir} missing: build it first (node scripts/build.mjs)`);
  const tmp = mkdtempSync(join(tmpdir(), `scimkit-${label}-`));
  const packDir = join(tmp, "pack");
  mkdirSync(packDir);
  const packed = JSON.parse(npm(["pack", pkgDir, "--pack-destination", packDir, "--json"], tmp))[0];
  const tarball = join(packDir, packed.filename);
  const project = join(tmp, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: `scimkit-consumer-${label}`, version: "1.0.0", private: true }, null, 2)}\n`);
  npm(["install", tarball, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], project);
  const installed = join(project, "node_modules", "scimkit");
  assert.ok(existsSync(join(installed, "package.json")), "scimkit installed in the consumer project");
  const harness = join(project, "harness");
  cpSync(join(jsDir, "suite"), join(harness, "suite"), { recursive: true });
  cpSync(join(jsDir, "drivers"), harness, { recursive: true });
  cpSync(join(repoRoot, "tests", "vectors", "webhook-vectors.json"), join(harness, "vectors.json"));
  writeFileSync(join(harness, "fixtures.json"), JSON.stringify(loadFixtures()));
  return {
    tmp,
    project,
    harness,
    tarball,
    installed,
    packedFiles: packed.files.map((f) => f.path).sort(),
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

/** Runs a command with a hard timeout; resolves { code, signal, stdout, stderr, ms }. */
export function run(cmd, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** The SCIMKIT_SUMMARY line of a driver's output, or undefined. */
export function parseSummary(stdout) {
  const line = stdout.split("\n").find((l) => l.startsWith("SCIMKIT_SUMMARY "));
  return line ? JSON.parse(line.slice("SCIMKIT_SUMMARY ".length)) : undefined;
}

/**
 * Turns a suite summary into one node:test subtest per case (so failures show by name), then
 * asserts the totals: every expected case ran and passed.
 */
export async function reportCases(t, summary, { expectedTotal, label, output = "" }) {
  assert.ok(summary, `${label}: no SCIMKIT_SUMMARY line in the driver output:\n${output.slice(-4000)}`);
  for (const r of summary.results) {
    await t.test(r.name, () => {
      if (!r.ok) assert.fail(r.error);
    });
  }
  t.diagnostic(`${label}: ${summary.passed}/${summary.total} passed, ${summary.failed} failed, ${summary.excluded} nodeOnly not run`);
  const slowest = [...summary.results].sort((a, b) => b.ms - a.ms).slice(0, 3);
  t.diagnostic(`${label}: slowest cases: ${slowest.map((r) => `${r.name} ${r.ms} ms`).join("; ")}`);
  assert.equal(summary.failed, 0, `${label}: failures`);
  assert.equal(summary.total, expectedTotal, `${label}: expected ${expectedTotal} cases to run`);
  assert.equal(summary.passed, expectedTotal, `${label}: passed count`);
}

/** Reads a JSON file. */
export const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));
