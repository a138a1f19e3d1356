// Node runner: packs pkg/, installs the tarball into a fresh project and runs the suite there via
// require() (CJS driver) and import() (ESM driver), in child processes; plus the same-instance check.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startSuiteDirectory } from "./lib/directory.mjs";
import { nodeDepsEnv, parseSummary, prepareProject, reportCases, run } from "./lib/harness.mjs";
import { listCases } from "./suite/runner.mjs";

const allCases = listCases();
let proj;
let directory;

before(async () => {
  proj = prepareProject("node");
  directory = await startSuiteDirectory();
});
after(async () => {
  await directory?.close();
  proj?.cleanup();
});

test("npm pack: the tarball has every entry the exports map points at", () => {
  const files = proj.packedFiles;
  for (const f of ["package.json", "node.cjs", "node.mjs", "lib/web.js", "lib/workerd.js", "lib/glue.js", "lib/api.js", "lib/sync.js", "scimkit_bg.wasm", "lib/sqlite.js", "sqlite.cjs", "sqlite.d.ts", "lib/postgres.js", "postgres.cjs", "postgres.d.ts", "lib/store-sql.js", "lib/store-args.js", "lib/d1.js", "d1.d.ts"]) {
    assert.ok(files.includes(f), `${f} in tarball (files: ${files.join(", ")})`);
  }
});

for (const [driver, how] of [["driver.cjs", "require"], ["driver.mjs", "import"]]) {
  test(`suite via ${how}('scimkit') in Node ${process.version} (${driver})`, async (t) => {
    const r = await run(process.execPath, [`harness/${driver}`], {
      cwd: proj.project,
      env: { SCIMKIT_NODE_DEPS: nodeDepsEnv(), SCIMKIT_DIRECTORY: JSON.stringify(directory.info) },
      timeoutMs: 120_000,
    });
    const summary = parseSummary(r.stdout);
    await reportCases(t, summary, { expectedTotal: allCases.length, label: `node ${how}`, output: r.stdout + r.stderr });
    assert.equal(summary.excluded, 0, "node-only cases ran too");
    const want = how === "require" ? "node_modules/scimkit/node.cjs" : "node_modules/scimkit/node.mjs";
    assert.ok(summary.entry.endsWith(want), `${how} resolved ${summary.entry}, expected …/${want}`);
    assert.equal(r.code, 0, `driver exit code (stderr: ${r.stderr.slice(-2000)})`);
  });
}

test("require('scimkit') and import('scimkit') share one instance", async () => {
  const r = await run(process.execPath, ["harness/same-instance.mjs"], { cwd: proj.project, timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.split("\n").find((l) => l.startsWith("SCIMKIT_SAME_INSTANCE "));
  assert.ok(line, r.stdout);
  const checks = JSON.parse(line.slice("SCIMKIT_SAME_INSTANCE ".length));
  assert.equal(checks.ScimkitError, true, "same ScimkitError class");
  assert.equal(checks.WebhookVerificationError, true, "same WebhookVerificationError class");
  assert.equal(checks.verifyWebhook, true, "same verifyWebhook function");
  assert.equal(checks.ScalekitClient, true, "same ScalekitClient class");
  assert.equal(checks.errorFromEsmIsInstanceOfCjsClass, true, "error thrown via ESM is instanceof the CJS classes");
  assert.equal(checks.esmNamespaceKeys, checks.cjsKeys, "ESM and CJS export the same names");
});
