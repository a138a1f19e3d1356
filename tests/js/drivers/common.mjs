// Shared by the ESM and CJS drivers (both run from the consumer project's harness/ folder,
// next to a copy of suite/, vectors.json and fixtures.json). Uses only node: APIs that Bun and Deno also provide.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runSuite, toTap } from "./suite/runner.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** Node-only extras, from absolute package paths in SCIMKIT_NODE_DEPS (JSON), with a network guard. */
function nodeExtras() {
  const raw = process.env.SCIMKIT_NODE_DEPS;
  if (!raw) return undefined;
  const deps = JSON.parse(raw);
  const require = createRequire(join(here, "noop.cjs"));
  let attempts = 0;
  net.Socket.prototype.connect = function guarded() {
    attempts++;
    this.destroy(new Error("scimkit test harness: network access is not allowed"));
    return this;
  };
  return {
    Webhook: require(deps.standardwebhooks).Webhook,
    ScalekitSdkClient: require(deps.scalekitSdk).ScalekitClient,
    networkAttempts: () => attempts,
  };
}

function runtimeVersion() {
  if (globalThis.Deno?.version) return `deno ${globalThis.Deno.version.deno}`;
  if (process.versions?.bun) return `bun ${process.versions.bun}`;
  return `node ${process.version}`;
}

/** Runs the suite, prints TAP and a machine-readable summary line, and sets the exit code. */
export async function drive(scimkit, how, entry) {
  const vectors = JSON.parse(readFileSync(join(here, "vectors.json"), "utf8"));
  const fixtures = JSON.parse(readFileSync(join(here, "fixtures.json"), "utf8"));
  const runtime = `${runtimeVersion()} ${how}`;
  let summary;
  try {
    summary = await runSuite(scimkit, { vectors, fixtures, runtime, node: nodeExtras(), seed: process.env.SCIMKIT_SEED ? Number(process.env.SCIMKIT_SEED) : undefined });
  } catch (e) {
    console.log(`Bail out! ${e?.stack ?? e}`);
    process.exitCode = 1;
    return;
  }
  console.log(toTap(summary));
  console.log(`# entry ${entry}`);
  const lite = { ...summary, entry, runtimeVersion: runtimeVersion(), results: summary.results.map(({ name, ok, ms, error }) => ({ name, ok, ms, error })) };
  console.log(`SCIMKIT_SUMMARY ${JSON.stringify(lite)}`);
  process.exitCode = summary.failed === 0 && summary.total > 0 ? 0 : 1;
}
