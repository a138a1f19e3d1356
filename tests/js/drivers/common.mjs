// Shared by the ESM and CJS drivers (both run from the consumer project's harness/ folder,
// next to a copy of suite/, vectors.json and fixtures.json). Uses only node: APIs that Bun and Deno also provide.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runSuite, toTap } from "./suite/runner.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The local directory service's info (JSON in SCIMKIT_DIRECTORY, from tests/js/lib/directory.mjs). */
function directoryInfo() {
  const raw = process.env.SCIMKIT_DIRECTORY;
  return raw ? JSON.parse(raw) : undefined;
}

/** Host and port a Socket#connect call targets (its argument forms, incl. net.connect's normalized array). */
function connectTarget(args) {
  let a = args[0];
  if (Array.isArray(a)) a = a[0];
  if (a && typeof a === "object") return { host: a.host ?? "localhost", port: Number(a.port), path: a.path };
  return { host: typeof args[1] === "string" ? args[1] : "localhost", port: Number(a) };
}

/**
 * Node-only extras, from absolute package paths in SCIMKIT_NODE_DEPS (JSON), with a network guard:
 * every connection is refused except to the local directory service (127.0.0.1:<its port>).
 */
function nodeExtras(directory) {
  const raw = process.env.SCIMKIT_NODE_DEPS;
  if (!raw) return undefined;
  const deps = JSON.parse(raw);
  const require = createRequire(join(here, "noop.cjs"));
  let attempts = 0;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guarded(...args) {
    const t = connectTarget(args);
    if (directory && !t.path && t.host === "127.0.0.1" && t.port === directory.port) return connect.apply(this, args);
    attempts++;
    this.destroy(new Error("scimkit test harness: network access is not allowed"));
    return this;
  };
  return {
    // node:crypto's Ed25519 (OpenSSL): the independent implementation v1a is checked against.
    crypto: require("node:crypto"),
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
    const directory = directoryInfo();
    summary = await runSuite(scimkit, { vectors, fixtures, runtime, node: nodeExtras(directory), directory, seed: process.env.SCIMKIT_SEED ? Number(process.env.SCIMKIT_SEED) : undefined });
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
