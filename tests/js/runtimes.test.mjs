// Other runtimes: installs pinned Node 22, Node 24, Bun and Deno binaries from npm (tests/js/runtimes/
// package.json + lockfile → tests/js/.work/runtimes, reused while the lockfile is unchanged), then runs
// the ESM and CJS drivers with each binary from a fresh consumer project that installed the tarball.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startSuiteDirectory } from "./lib/directory.mjs";
import { jsDir, nodeDepsEnv, parseSummary, prepareProject, reportCases, run, workDir } from "./lib/harness.mjs";
import { listCases } from "./suite/runner.mjs";

const rtDir = join(workDir, "runtimes");
const nm = join(rtDir, "node_modules");
const allCases = listCases();
let proj;
let directory;

function ensureRuntimes() {
  mkdirSync(rtDir, { recursive: true });
  const src = join(jsDir, "runtimes");
  const lock = readFileSync(join(src, "package-lock.json"));
  const stamp = createHash("sha256").update(readFileSync(join(src, "package.json"))).update(lock).digest("hex");
  const stampFile = join(rtDir, ".installed-stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && existsSync(nm)) return "reused";
  copyFileSync(join(src, "package.json"), join(rtDir, "package.json"));
  copyFileSync(join(src, "package-lock.json"), join(rtDir, "package-lock.json"));
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: rtDir, stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });
  writeFileSync(stampFile, stamp);
  return "installed";
}

// Network: only the local directory service.
const denoArgs = (driver) => ["run", "--allow-read", "--allow-env", `--allow-net=127.0.0.1:${directory.info.port}`, "--node-modules-dir=manual", `harness/${driver}`];

// [label, binary, args for a driver, which drivers]
const RUNTIMES = [
  ["node22", join(nm, "node22", "bin", "node"), (d) => [`harness/${d}`], ["driver.mjs", "driver.cjs"]],
  ["node24", join(nm, "node24", "bin", "node"), (d) => [`harness/${d}`], ["driver.mjs", "driver.cjs"]],
  ["bun", join(nm, "@oven", "bun-linux-x64", "bin", "bun"), (d) => [`harness/${d}`], ["driver.mjs", "driver.cjs"]],
  ["deno", join(nm, "@deno", "linux-x64-glibc", "deno"), denoArgs, ["driver.mjs", "driver.cjs"]],
];

before(async () => {
  const how = ensureRuntimes();
  proj = prepareProject("runtimes");
  directory = await startSuiteDirectory();
  mkdirSync(join(proj.tmp, "deno-dir"));
  console.log(`# runtimes ${how} in ${rtDir}`);
});
after(async () => {
  await directory?.close();
  proj?.cleanup();
});

for (const [label, bin, argsFor, drivers] of RUNTIMES) {
  for (const driver of drivers) {
    const how = driver.endsWith(".cjs") ? "require" : "import";
    test(`${label}: suite via ${how}('scimkit')`, async (t) => {
      assert.ok(existsSync(bin), `${label} binary at ${bin}`);
      const r = await run(bin, argsFor(driver), {
        cwd: proj.project,
        env: {
          SCIMKIT_NODE_DEPS: nodeDepsEnv(),
          SCIMKIT_DIRECTORY: JSON.stringify(directory.info),
          DENO_DIR: join(proj.tmp, "deno-dir"),
          DENO_NO_UPDATE_CHECK: "1",
          DENO_NO_PROMPT: "1",
          NO_COLOR: "1",
        },
        timeoutMs: 120_000,
      });
      const summary = parseSummary(r.stdout);
      await reportCases(t, summary, { expectedTotal: allCases.length, label: `${label} ${how}`, output: r.stdout + r.stderr });
      t.diagnostic(`${summary.runtimeVersion} ${how} → ${summary.entry}`);
      const want = how === "require" ? "node_modules/scimkit/node.cjs" : "node_modules/scimkit/node.mjs";
      assert.ok(summary.entry.endsWith(want), `${label} ${how} resolved ${summary.entry}, expected …/${want}`);
      assert.equal(summary.excluded, 0, "node-only cross-implementation cases ran too");
      assert.equal(r.code, 0, `exit code (stderr: ${r.stderr.slice(-2000)})`);
    });
  }
}
