// The README's Express and Cloudflare Worker examples, extracted from README.md as written and run
// against the packed package: a signed delivery gets 201, a tampered one 400 with the code. Also
// its v1a and verifyRequest examples, run as written.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";
import { symlinkSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { prepareProject, repoRoot } from "./lib/harness.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = JSON.stringify({
  spec_version: "1",
  id: "evt_1",
  type: "organization.directory.user_created",
  occurred_at: "2026-11-29T10:00:00Z",
  organization_id: "org_1",
  data: { id: "diruser_1", organization_id: "org_1", email: "ana@acme.example", given_name: "Ana", family_name: "Lima" },
});

/** Signed independently of scimkit (node:crypto), as the directory service would. */
function signed(body) {
  const id = "msg_readme";
  const ts = String(Math.floor(Date.now() / 1000));
  const mac = createHmac("sha256", Buffer.from(SECRET.slice(6), "base64")).update(`${id}.${ts}.${body}`).digest("base64");
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": `v1,${mac}` };
}

/** The ```js block that follows `heading` in README.md. */
function readmeBlock(heading) {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const at = readme.indexOf(heading);
  assert.ok(at >= 0, `README has "${heading}"`);
  const m = readme.slice(at).match(/```js\n([\s\S]*?)```/);
  assert.ok(m, `a js block follows "${heading}"`);
  return m[1];
}

let project;
before(() => {
  project = prepareProject("readme");
  // express comes from the repo's dev dependencies.
  symlinkSync(join(repoRoot, "node_modules", "express"), join(project.project, "node_modules", "express"), "dir");
});
after(() => project?.cleanup());

test("README Express example: 201 for a signed delivery, 400 + code for a tampered one", async () => {
  const code = readmeBlock("Express — the signature covers");
  const file = join(project.project, "express-example.mjs");
  // Run the example as written, then listen on 127.0.0.1 so the test can post to it.
  writeFileSync(file, `${code}\nconst server = app.listen(0, "127.0.0.1", () => process.send(server.address().port));\nprocess.on("disconnect", () => server.close());\n`);
  const { fork } = await import("node:child_process");
  const child = fork(file, { cwd: project.project, env: { ...process.env, DIRECTORY_WEBHOOK_SECRET: SECRET }, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  try {
    const port = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (c) => reject(new Error(`example exited ${c}`)));
    });
    const url = `http://127.0.0.1:${port}/webhooks/directory`;
    const ok = await fetch(url, { method: "POST", headers: signed(BODY), body: BODY });
    assert.equal(ok.status, 201);
    const bad = await fetch(url, { method: "POST", headers: signed(BODY), body: BODY.replace("Ana", "Eve") });
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), "invalid_signature");
    await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /new user ana@acme\.example \(Ana Lima\)/);
  } finally {
    child.kill();
  }
});

test("README Worker example in workerd: 201 for a signed delivery, 400 + code for a tampered one", async () => {
  const code = readmeBlock("Cloudflare Worker:");
  writeFileSync(join(project.project, "worker-example.mjs"), code);
  const bundle = await build({
    entryPoints: [join(project.project, "worker-example.mjs")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    // The package's workerd entry imports its .wasm statically: keep it as a module next to the bundle.
    plugins: [{ name: "wasm", setup: (b) => b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./scimkit_bg.wasm", external: true })) }],
    write: false,
    logLevel: "error",
  });
  const js = bundle.outputFiles[0].text;
  assert.match(js, /from\s+"\.\/scimkit_bg\.wasm"/, "the bundle took the workerd entry (static .wasm import)");
  const mf = new Miniflare({
    compatibilityDate: "2026-04-01",
    modules: [
      { type: "ESModule", path: "worker.mjs", contents: js },
      { type: "CompiledWasm", path: "scimkit_bg.wasm", contents: readFileSync(join(project.installed, "scimkit_bg.wasm")) },
    ],
    bindings: { WEBHOOK_SECRET: SECRET },
  });
  try {
    const ok = await mf.dispatchFetch("http://worker/", { method: "POST", headers: signed(BODY), body: BODY });
    assert.equal(ok.status, 201);
    const bad = await mf.dispatchFetch("http://worker/", { method: "POST", headers: signed(BODY), body: `${BODY} ` });
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), "invalid_signature");
  } finally {
    await mf.dispose();
  }
});

/** Runs a README block as an ES module in the packed project, with `prelude` before it and `check` after. */
function runBlock(name, prelude, code, check) {
  const file = join(project.project, `${name}.mjs`);
  writeFileSync(file, `${prelude}\n${code}\n${check}\n`);
  return execFileSync(process.execPath, [file], { cwd: project.project, encoding: "utf8" });
}

test("README v1a example runs as written: whsk_ signs, whpk_ verifies, v1 + v1a side by side", () => {
  const code = readmeBlock("### Asymmetric signatures");
  const out = runBlock(
    "v1a-example",
    `const body = ${JSON.stringify(BODY)};\nconst oldSecret = ${JSON.stringify(SECRET)};`,
    code,
    `const both = signWebhook([secretKey, oldSecret], { body });
console.log(JSON.stringify({ sig: headers["webhook-signature"].slice(0, 4), email: event.data.email,
  both: both["webhook-signature"].split(" ").map((s) => s.split(",")[0]),
  old: verifyWebhook(oldSecret, both, body).data.email, secret: /^whsec_/.test(generateWebhookSecret()) }));`,
  );
  assert.deepEqual(JSON.parse(out), { sig: "v1a,", email: "ana@acme.example", both: ["v1a", "v1"], old: "ana@acme.example", secret: true });
});

test("README verifyRequest line runs as written on a Fetch Request", () => {
  const code = readmeBlock("framework route handler that hands you a `Request`, one call");
  const headers = signed(BODY);
  const out = runBlock(
    "request-example",
    `const env = { WEBHOOK_SECRET: ${JSON.stringify(SECRET)} };
const request = new Request("http://127.0.0.1/hook", { method: "POST", headers: ${JSON.stringify(headers)}, body: ${JSON.stringify(BODY)} });`,
    code,
    `console.log(JSON.stringify({ email: event.data.email, used: request.bodyUsed }));`,
  );
  assert.deepEqual(JSON.parse(out), { email: "ana@acme.example", used: true });
});
