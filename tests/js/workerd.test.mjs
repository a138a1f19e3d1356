// workerd runner: bundles tests/js/workerd/worker.mjs (importing the *installed tarball's* scimkit
// with conditions workerd/worker/browser; the .wasm import kept external) and runs it in Miniflare
// with the .wasm as a CompiledWasm module. Runs the shared suite (non-node-only cases) inside the
// Worker, then the issue's check: a signed request → 200, a tampered one → 400 with its code.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { startSuiteDirectory } from "./lib/directory.mjs";
import { jsDir, prepareProject, reportCases } from "./lib/harness.mjs";
import { listCases } from "./suite/runner.mjs";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
let proj;
let mf;
let directory;
let bundleInputs = [];

/** Independent Standard Webhooks signer (node:crypto), so the Worker is checked against something else. */
function sign(id, ts, body) {
  const key = Buffer.from(SECRET.slice(6), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`;
}

before(async () => {
  proj = prepareProject("workerd");
  directory = await startSuiteDirectory();
  cpSync(join(jsDir, "workerd", "worker.mjs"), join(proj.harness, "worker.mjs"));
  const wasmExternal = {
    name: "wasm-external",
    setup(b) {
      // lib/workerd.js imports "../scimkit_bg.wasm": keep it as a module import next to the bundle.
      b.onResolve({ filter: /\.wasm$/ }, (args) => {
        assert.match(args.path, /scimkit_bg\.wasm$/);
        return { path: "./scimkit_bg.wasm", external: true };
      });
    },
  };
  const out = await build({
    entryPoints: [join(proj.harness, "worker.mjs")],
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
  bundleInputs = Object.keys(out.metafile.inputs);
  const code = out.outputFiles[0].text;
  mf = new Miniflare({
    compatibilityDate: "2026-04-01",
    modules: [
      { type: "ESModule", path: "worker.mjs", contents: code },
      { type: "CompiledWasm", path: "scimkit_bg.wasm", contents: readFileSync(join(proj.installed, "scimkit_bg.wasm")) },
    ],
    bindings: { WEBHOOK_SECRET: SECRET },
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await directory?.close();
  proj?.cleanup();
});

test("the bundle took the package's workerd entry from the installed tarball", () => {
  const rel = bundleInputs.map((p) => p.replace(/\\/g, "/"));
  assert.ok(rel.includes("node_modules/scimkit/lib/workerd.js"), `inputs: ${rel.join(", ")}`);
  assert.ok(!rel.some((p) => p.endsWith("node.cjs") || p.endsWith("node.mjs") || p.endsWith("lib/web.js")), `no other entry: ${rel.join(", ")}`);
});

test("shared suite inside workerd", async (t) => {
  const res = await mf.dispatchFetch("http://worker.test/suite", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ directory: directory.info }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const summary = await res.json();
  assert.equal(summary.userAgent, "Cloudflare-Workers");
  const expected = listCases().filter((c) => !c.nodeOnly).length;
  await reportCases(t, summary, { expectedTotal: expected, label: "workerd" });
});

test("Worker verifies a signed request (200) and rejects a tampered one (400 + code)", async () => {
  const body = JSON.stringify({ type: "organization.directory.user_created", data: { email: "zoë@example.com" } });
  const id = `msg_${randomBytes(8).toString("hex")}`;
  const ts = Math.floor(Date.now() / 1000);
  const headers = { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sign(id, ts, body) };
  const post = (path, h, b) => mf.dispatchFetch(`http://worker.test${path}`, { method: "POST", headers: h, body: b });

  let res = await post("/webhook", headers, body);
  assert.equal(res.status, 200, await res.clone().text());
  const { ok, event } = await res.json();
  assert.equal(ok, true);
  // The normalized event: the sent fields, plus the model's defaults (active, groups, …).
  assert.equal(event.type, "organization.directory.user_created");
  assert.equal(event.object, "DirectoryUser");
  assert.equal(event.data.email, "zoë@example.com");
  assert.equal(event.data.active, true);
  assert.deepEqual(event.data.groups, []);

  res = await post("/webhook-bytes", headers, body);
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json(), { ok: true, id, timestamp: ts });

  const expectReject = async (path, h, b, code) => {
    const r = await post(path, h, b);
    const j = await r.json();
    assert.equal(r.status, 400, JSON.stringify(j));
    assert.equal(j.code, code);
    assert.equal(j.name, "WebhookVerificationError");
    assert.equal(j.isScimkitError, true);
    assert.ok(!j.message.includes(SECRET.slice(6)) && !j.message.includes(headers["webhook-signature"].slice(3)), "no secret/signature in message");
  };
  await expectReject("/webhook", headers, body.replace("zoë", "eve"), "invalid_signature");
  await expectReject("/webhook-bytes", headers, `${body} `, "invalid_signature");
  await expectReject("/webhook", { ...headers, "webhook-id": `${id}x` }, body, "invalid_signature");
  const { "webhook-signature": _s, ...unsigned } = headers;
  await expectReject("/webhook", unsigned, body, "missing_header");
  await expectReject("/webhook", { ...headers, "webhook-timestamp": String(ts - 3600), "webhook-signature": sign(id, ts - 3600, body) }, body, "timestamp_too_old");
});
