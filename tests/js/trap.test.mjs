// Trap runner: the package survives a trap of its WebAssembly instance (pkg-template/lib/state.js,
// scripts/glue-guard.mjs). Runs tests/js/trap/cases.mjs against the packed trap-test package
// (build/pkg-trap-test, from `node scripts/build.mjs --trap-test`: the release package plus
// exports that trap on purpose) in Node (CJS and ESM sharing one instance), workerd (Miniflare)
// and Chromium, with the local directory service for the Directory API cases; and checks that
// the release package (pkg/) has no such export.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize, sep } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { chromium } from "playwright-core";
import { startSuiteDirectory } from "./lib/directory.mjs";
import { jsDir, parseSummary, prepareProject, reportCases, repoRoot, run } from "./lib/harness.mjs";
import { cases } from "./trap/cases.mjs";

const trapPkg = join(repoRoot, "build", "pkg-trap-test");
const releasePkg = join(repoRoot, "pkg");
const TRAP_EXPORTS = ["trapForTest", "trapForTestLater"];
const CASES = cases.length; // the Node driver adds one
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

let proj;
let directory;

/** Files of pkg-template/lib that the trap-test package must hold unchanged (else it is stale). */
function checkNotStale() {
  const template = join(repoRoot, "pkg-template", "lib");
  for (const name of readdirSync(template)) {
    if (name === "api.js" || name === "node-entry.js") continue; // api.js gains the test exports; node-entry.js is bundled
    const built = join(trapPkg, "lib", name);
    assert.ok(existsSync(built), `${built} missing: rebuild with node scripts/build.mjs --trap-test`);
    assert.equal(readFileSync(built, "utf8"), readFileSync(join(template, name), "utf8"), `build/pkg-trap-test/lib/${name} differs from pkg-template: rebuild with node scripts/build.mjs --trap-test`);
  }
  assert.ok(statSync(join(trapPkg, "lib", "glue.js")).mtimeMs >= statSync(join(repoRoot, "scripts", "glue-guard.mjs")).mtimeMs, "glue older than scripts/glue-guard.mjs: rebuild with --trap-test");
}

before(async () => {
  assert.ok(existsSync(join(trapPkg, "package.json")), `${trapPkg} missing: build it with node scripts/build.mjs --trap-test`);
  checkNotStale();
  proj = prepareProject("trap", { pkgDir: trapPkg });
  cpSync(join(jsDir, "trap"), join(proj.harness, "trap"), { recursive: true });
  directory = await startSuiteDirectory();
});
after(async () => {
  await directory?.close();
  proj?.cleanup();
});

test("the release package has no trap export (its .wasm, its Node entry, its files)", () => {
  const wasm = new WebAssembly.Module(readFileSync(join(releasePkg, "scimkit_bg.wasm")));
  const names = WebAssembly.Module.exports(wasm).map((e) => e.name);
  const trapWasm = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(trapPkg, "scimkit_bg.wasm")))).map((e) => e.name);
  for (const name of TRAP_EXPORTS) {
    assert.ok(!names.includes(name), `release .wasm exports ${name}`);
    assert.ok(trapWasm.includes(name), `trap-test .wasm exports ${name}`);
  }
  // Otherwise the same exports (closure shims are named by a hash that differs between builds).
  const plain = (list) => list.map((n) => n.replace(/__h[0-9a-f]{16}$/, "__h…")).sort();
  assert.deepEqual(plain(trapWasm.filter((n) => !TRAP_EXPORTS.includes(n))), plain(names), "otherwise the same exports");
  const js = Object.keys(createRequire(import.meta.url)(join(releasePkg, "node.cjs")));
  for (const name of TRAP_EXPORTS) assert.ok(!js.includes(name), `release node.cjs exports ${name}`);
  assert.ok(!existsSync(join(releasePkg, "lib", "trap-test.js")), "no lib/trap-test.js in the release package");
  for (const f of ["lib/api.js", "lib/glue.js", "node.cjs", "node.mjs"]) {
    assert.ok(!/trapForTest/.test(readFileSync(join(releasePkg, f), "utf8")), `${f} mentions trapForTest`);
  }
});

// A control: the test exports really break the instance. The same package with the trap handler
// left unset (what the glue did before) fails the next calls, each with a bare RuntimeError.
const CONTROL = `
const s = require(process.argv[1]);
const kind = process.argv[2];
const out = { trap: null, after: [] };
try { s.trapForTest(kind); } catch (e) { out.trap = e.name; }
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const calls = [
  () => s.signWebhook(secret, { id: "msg_1", timestamp: 1700000000, body: "{}" }),
  () => s.verifySignature(secret, { "webhook-id": "a", "webhook-timestamp": "1", "webhook-signature": "v1,x" }, "{}"),
  () => s.normalizeUser({ userName: "a@example.com" }),
  () => s.applyScimPatch({ id: "g" }, { Operations: [{ op: "replace", path: "displayName", value: "x" }] }),
];
for (const call of calls) {
  try { call(); out.after.push("ok"); } catch (e) { out.after.push(e.name + (e.code ? ":" + e.code : "")); }
}
console.log(JSON.stringify(out));
`;

test("control: without the reset, a trap from the test exports breaks every later call", async () => {
  const src = readFileSync(join(proj.installed, "node.cjs"), "utf8");
  const hook = "setTrapHandler(trapped);";
  assert.equal(src.split(hook).length - 1, 1, `node.cjs calls ${hook} once`);
  const unguarded = join(proj.installed, "node-unguarded.cjs"); // next to the .wasm it loads
  writeFileSync(unguarded, src.replace(hook, ""));
  for (const kind of ["panic", "alloc"]) {
    const r = await run(process.execPath, ["-e", CONTROL, unguarded, kind], { cwd: proj.project, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.trap, "RuntimeError", `${kind}: the trap itself`);
    assert.deepEqual(out.after, ["RuntimeError", "RuntimeError", "RuntimeError", "RuntimeError"], `${kind}: every later call traps`);
  }
});

// When making the fresh instance fails too (e.g. out of memory), the call says so and the next
// call tries again. WebAssembly.Instance is made to fail once, in a child process of its own.
const RESET_FAILS = `
const s = require("scimkit");
const out = {};
const Real = WebAssembly.Instance;
WebAssembly.Instance = function () { throw new RangeError("WebAssembly.Instance(): Out of memory (simulated)"); };
try { s.trapForTest("panic"); } catch (e) { out.trap = [e.name, e.code, e.message]; }
try { s.normalizeUser({ userName: "a@example.com" }); } catch (e) { out.stillFailing = [e.name, e.code, e.message]; }
WebAssembly.Instance = Real;
out.after = s.normalizeUser({ userName: "a@example.com" }).email;
const h = s.signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", { id: "m", timestamp: 1700000000, body: "{}" });
out.verified = s.verifySignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, "{}", { now: 1700000000000 });
console.log(JSON.stringify(out));
`;

test("a failed reset is reported as wasm_trap and retried by the next call", async () => {
  const r = await run(process.execPath, ["-e", RESET_FAILS], { cwd: proj.project, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.trap.slice(0, 2), ["ScimkitError", "wasm_trap"]);
  assert.match(out.trap[2], /could not be replaced \(RangeError: WebAssembly\.Instance\(\): Out of memory \(simulated\)\): the next call tries again/);
  assert.deepEqual(out.stillFailing.slice(0, 2), ["ScimkitError", "wasm_trap"], "while instantiation fails, calls fail with wasm_trap");
  assert.match(out.stillFailing[2], /could not be replaced yet/);
  assert.equal(out.after, "a@example.com", "once it can, the next call makes the instance and works");
  assert.deepEqual(out.verified, { id: "m", timestamp: 1700000000 });
});

for (const how of ["import", "require"]) {
  test(`Node ${process.version}: trap cases via ${how}('scimkit'), the other import sharing the instance`, async (t) => {
    const r = await run(process.execPath, ["harness/trap/driver.mjs", how], {
      cwd: proj.project,
      env: { SCIMKIT_DIRECTORY: JSON.stringify(directory.info) },
      timeoutMs: 180_000,
    });
    const summary = parseSummary(r.stdout);
    await reportCases(t, summary, { expectedTotal: CASES + 1, label: `node ${how}`, output: r.stdout + r.stderr });
    assert.equal(r.code, 0, `driver exit code (stderr: ${r.stderr.slice(-2000)})`);
    assert.equal(r.stderr, "", "nothing on stderr (no uncaught error, no warning)");
  });
}

/** Independent Standard Webhooks signer (node:crypto). */
function sign(id, ts, body) {
  const key = Buffer.from(SECRET.slice(6), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`;
}

test("workerd: trap cases in a Worker, then a trap in one request and a verification in the next", async (t) => {
  const wasmExternal = {
    name: "wasm-external",
    setup(b) {
      b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./scimkit_bg.wasm", external: true }));
    },
  };
  const out = await build({
    entryPoints: [join(proj.harness, "trap", "worker.mjs")],
    absWorkingDir: proj.project,
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    plugins: [wasmExternal],
    metafile: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(out.metafile.inputs).map((p) => p.replace(/\\/g, "/"));
  assert.ok(inputs.includes("node_modules/scimkit/lib/workerd.js"), `the workerd entry: ${inputs.join(", ")}`);
  let stderr = "";
  const mf = new Miniflare({
    compatibilityDate: "2026-04-01",
    modules: [
      { type: "ESModule", path: "worker.mjs", contents: out.outputFiles[0].text },
      { type: "CompiledWasm", path: "scimkit_bg.wasm", contents: readFileSync(join(proj.installed, "scimkit_bg.wasm")) },
    ],
    bindings: { WEBHOOK_SECRET: SECRET },
    handleRuntimeStdio(stdout, err) {
      stdout.resume();
      err.on("data", (d) => (stderr += d));
    },
  });
  try {
    await mf.ready;
    const post = (path, init) => mf.dispatchFetch(`http://worker.test${path}`, { method: "POST", ...init });
    const res = await post("/trap", { headers: { "content-type": "application/json" }, body: JSON.stringify({ directory: directory.info }) });
    assert.equal(res.status, 200, await res.clone().text());
    const summary = await res.json();
    await reportCases(t, summary, { expectedTotal: CASES, label: "workerd" });

    const trapped = await (await post("/trap-now")).json();
    assert.deepEqual([trapped.trapped, trapped.code, trapped.isScimkitError], [true, "wasm_trap", true], JSON.stringify(trapped));
    const body = JSON.stringify({ type: "organization.directory.user_deleted", data: { id: "dirusr_9", email: "a@example.com" } });
    const id = "msg_after_trap";
    const ts = Math.floor(Date.now() / 1000);
    const verified = await post("/verify", { headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sign(id, ts, body) }, body });
    assert.equal(verified.status, 200, await verified.clone().text());
    assert.equal((await verified.json()).event.data.email, "a@example.com");
    const tampered = await post("/verify", { headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sign(id, ts, body) }, body: `${body} ` });
    assert.equal((await tampered.json()).code, "invalid_signature");
  } finally {
    await mf.dispose();
  }
  assert.ok(!/uncaught|unhandled/i.test(stderr), `workerd reported an uncaught error:\n${stderr.slice(-3000)}`);
});

const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".wasm": "application/wasm" };

test("Chromium: trap cases in a page (browser entry after init())", async (t) => {
  const entry = `/pkg/${JSON.parse(readFileSync(join(proj.installed, "package.json"), "utf8")).exports["."].browser.replace(/^\.\//, "")}`;
  const routes = [
    ["/pkg/", proj.installed],
    ["/suite/", join(proj.harness, "suite")],
    ["/trap/", join(proj.harness, "trap")],
  ];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/directory.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(directory.info));
      return;
    }
    for (const [prefix, root] of routes) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(root, path.slice(prefix.length)));
      if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) break;
      let body = readFileSync(file);
      if (extname(file) === ".html") body = Buffer.from(body.toString("utf8").replaceAll("__SCIMKIT_ENTRY__", entry));
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    headless: true,
    timeout: 60_000,
  });
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console.error: ${m.text()}`));
    await page.goto(`${origin}/trap/index.html`, { timeout: 30_000 });
    await page.waitForFunction(() => window.__scimkitResult !== undefined, null, { timeout: 150_000 });
    const result = await page.evaluate(() => window.__scimkitResult);
    assert.equal(result.fatal, undefined, result.fatal);
    await reportCases(t, result, { expectedTotal: CASES, label: "chromium" });
    assert.deepEqual(problems, [], "no page errors or console errors (a callback of a discarded instance stays quiet)");
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
