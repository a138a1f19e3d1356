// The demo page (www/), driven in headless Debian Chromium (playwright-core) against the real
// www/serve.mjs, which the test starts on 127.0.0.1 with its local directory service. Each mode
// gets real inputs and the test checks what the page shows: Verify's verdicts and failure
// explanations, Sign's headers (checked by the package in Node) and its curl command (run against
// a receiver started here), SCIM's events and PATCH changes, the Live walk's counts and verified
// deliveries. Modes 1–3 must make no request at all after the page has loaded. Screenshots of
// every mode at 1280 and 390 px land in tests/js/.work/demo/.
// Needs a built pkg/ (node scripts/build.mjs).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { repoRoot, workDir } from "./lib/harness.mjs";

const LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const shots = join(workDir, "demo");
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

let lib;
let server;
let origin;
let directoryUrl;
let context;
let userDataDir;

before(async () => {
  assert.ok(existsSync(join(repoRoot, "pkg", "scimkit_bg.wasm")), "pkg/ is built (node scripts/build.mjs)");
  lib = await import(join(repoRoot, "pkg", "node.mjs"));
  mkdirSync(shots, { recursive: true });
  server = spawn(process.execPath, [join(repoRoot, "www", "serve.mjs"), "--port", "0"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.mjs did not start in 20 s:\n${out}`)), 20_000);
    server.stdout.on("data", (d) => {
      out += d;
      const page = /scimkit demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      const dir = /local directory service: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (page && dir && /stop with Ctrl-C/.test(out)) {
        clearTimeout(timer);
        origin = page[1];
        directoryUrl = dir[1];
        resolve();
      }
    });
    server.stderr.on("data", (d) => (out += d));
    server.on("exit", (code) => reject(new Error(`serve.mjs exited with ${code}:\n${out}`)));
  });
  userDataDir = mkdtempSync(join(tmpdir(), "scimkit-demo-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: "/usr/bin/chromium", args: LAUNCH_ARGS, headless: true, timeout: 60_000 });
});

after(async () => {
  await context?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Opens the page at `hash`; `requests` collects every request made after the page is ready. */
async function open(hash, { width = 1280, allowDirectoryErrors = false } = {}) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
  const all = [];
  const problems = [];
  const fromDirectory = (url) => allowDirectoryErrors && typeof url === "string" && url.startsWith(directoryUrl);
  page.on("request", (r) => all.push(`${r.method()} ${r.url()}`));
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && !fromDirectory(m.location()?.url) && problems.push(`console.error: ${m.text()} (${m.location()?.url ?? ""})`));
  page.on("response", (r) => r.status() >= 400 && !fromDirectory(r.url()) && problems.push(`HTTP ${r.status()} ${r.url()}`));
  await page.goto(`${origin}/${hash}`, { timeout: 30_000 });
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  const loaded = all.splice(0);
  return { page, loaded, requests: all, problems };
}

async function screenshot(page, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const text = (page, sel) => page.locator(sel).first().innerText();
const stepState = (page, step) => page.locator(`#v-out .steps > li[data-step="${step}"]`).getAttribute("class");

test("the page loads from this origin only: its files and the package, no CDN, no font, no config", async () => {
  const { page, loaded, problems } = await open("#verify");
  const paths = loaded.map((r) => {
    const [method, url] = r.split(" ");
    const u = new URL(url);
    assert.equal(u.origin, origin, `${url} is same-origin`);
    assert.equal(method, "GET");
    return u.pathname;
  });
  assert.ok(paths.includes("/pkg/scimkit_bg.wasm"), "the wasm is loaded");
  assert.ok(paths.includes("/style.css") && paths.includes("/app.js"));
  for (const p of paths) assert.ok(p === "/" || /\.(js|css|wasm)$/.test(p), `only page files and the package at load, not ${p}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("every field is labelled, and Ctrl+Enter runs a mode from the keyboard", async () => {
  const { page, problems } = await open("#verify");
  for (const mode of ["verify", "sign", "scim", "live"]) {
    await page.evaluate((m) => (location.hash = m), mode);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea")]
        .filter((el) => el.offsetParent !== null && el.type !== "hidden")
        .filter((el) => !(el.labels?.length || el.getAttribute("aria-label")))
        .map((el) => el.id || el.outerHTML.slice(0, 60)),
    );
    assert.deepEqual(unlabelled, [], `${mode}: every visible control has a label`);
  }
  await page.evaluate(() => (location.hash = "verify"));
  await page.focus("#v-body");
  await page.keyboard.press("End");
  await page.keyboard.type(" ");
  await page.keyboard.press("Control+Enter");
  assert.equal(await text(page, "#v-out .verdict h2"), "Not verified", "the edited body no longer verifies, checked on Ctrl+Enter");
  assert.deepEqual(problems, []);
  await page.close();
});

test("Verify: deliveries pasted as a header block, JSON and curl; each failure named with its likely cause", async () => {
  const { page, requests, problems } = await open("#verify");

  // A delivery signed in Node by the package, pasted as JSON headers.
  const event = { spec_version: "1", id: "evt_node_1", type: "organization.directory.user_updated", occurred_at: "2025-01-01T00:00:00Z", environment_id: "env_1", organization_id: "org_1", object: "DirectoryUser", data: { id: "diruser_1", email: "ana@acme.example", active: false } };
  const body = JSON.stringify(event);
  const headers = lib.signWebhook(SECRET, { id: "msg_node_1", body });
  await page.fill("#v-secret", SECRET);
  await page.fill("#v-headers", JSON.stringify(headers, null, 2));
  await page.fill("#v-body", body);
  await page.click("#v-run");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");
  for (const step of ["secret", "headers", "timestamp", "signature", "event"]) assert.match(await stepState(page, step), /\bok\b/, `${step} passed`);
  assert.match(await text(page, '#v-out .steps > li[data-step="headers"]'), /read as JSON/);
  assert.match(await text(page, '#v-out .steps > li[data-step="signature"]'), /matches secret #1/);
  assert.match(await text(page, "#v-out .card pre"), /"email": "ana@acme\.example"/, "the normalized event is shown");

  // The same delivery, its body pretty-printed by a logger: re-serialization is confirmed.
  await page.fill("#v-body", JSON.stringify(event, null, 2));
  await page.click("#v-run");
  assert.equal(await text(page, "#v-out .verdict h2"), "Not verified");
  assert.equal(await text(page, "#v-out .verdict .codechip"), "invalid_signature");
  assert.match(await text(page, "#v-out .causes"), /The body was re-serialized\s*confirmed by the library/i);
  assert.match(await text(page, "#v-out .causes"), /compact JSON/);
  assert.equal(await page.isVisible('#v-out .steps > li[data-step="event"]'), true, "the event step shows, not reached");
  assert.match(await text(page, '#v-out .steps > li[data-step="event"]'), /not reached: the delivery did not verify/);

  // A secret without its prefix that is not the signing key.
  await page.fill("#v-body", body);
  await page.fill("#v-secret", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx");
  await page.click("#v-run");
  assert.equal(await text(page, "#v-out .verdict .codechip"), "invalid_signature");
  assert.match(await text(page, "#v-out .causes"), /The secret lacks its whsec_ prefix/);
  assert.match(await text(page, '#v-out .steps > li[data-step="secret"]'), /has no whsec_ prefix/);

  // The examples, each signed in the page by the library when picked.
  const cases = {
    late: { code: "timestamp_too_old", cause: /A clock is 7 min( \d+ s)? behind, or the delivery waited/, signature: /valid — at the delivery's own time/ },
    millis: { code: "timestamp_too_new", cause: /The timestamp is in milliseconds/, signature: /valid — at the delivery's own time/ },
    wrongSecret: { code: "invalid_signature", cause: /The secret or the bytes differ/, signature: /invalid_signature/ },
    reserialized: { code: "invalid_signature", cause: /The body was re-serialized/ },
  };
  // svix-* headers are aliases of webhook-* (issue 14): that example now verifies.
  await page.selectOption("#v-example", "svix");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified", "svix-* headers");
  for (const [example, want] of Object.entries(cases)) {
    await page.selectOption("#v-example", example);
    assert.equal(await text(page, "#v-out .verdict h2"), "Not verified", example);
    assert.equal(await text(page, "#v-out .verdict .codechip"), want.code, example);
    assert.match(await text(page, "#v-out .causes"), want.cause, example);
    if (want.signature) assert.match(await text(page, '#v-out .steps > li[data-step="signature"]'), want.signature, example);
    if (want.headers) assert.match(await text(page, '#v-out .steps > li[data-step="headers"]'), want.headers, example);
  }

  // A good signature on a body that is not an event: the signature's verdict is kept apart.
  await page.selectOption("#v-example", "notJson");
  assert.equal(await text(page, "#v-out .verdict h2"), "Signature valid — but the body is not a directory event");
  assert.match(await stepState(page, "signature"), /\bok\b/);
  assert.match(await stepState(page, "event"), /\bbad\b/);
  assert.match(await text(page, '#v-out .steps > li[data-step="event"]'), /invalid_json/);

  // Rotation: the second of two secrets matches. A late delivery checked as of its own time passes.
  await page.selectOption("#v-example", "rotation");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");
  assert.match(await text(page, '#v-out .steps > li[data-step="secret"]'), /2 secrets/);
  assert.match(await text(page, '#v-out .steps > li[data-step="signature"]'), /matches secret #2/);
  await page.selectOption("#v-example", "late");
  await page.check('input[name="v-asof"][value="timestamp"]');
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");
  await page.check('input[name="v-asof"][value="now"]');

  // A curl command carries the body too: the page offers it, and it verifies.
  await page.selectOption("#v-example", "curl");
  assert.equal(await page.isVisible("#v-body-offer"), true);
  assert.match(await text(page, '#v-out .steps > li[data-step="headers"]'), /read as a curl command/);
  await page.click("#v-use-body");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");

  await page.selectOption("#v-example", "reserialized");
  await screenshot(page, "verify");
  assert.deepEqual(requests, [], "Verify made no request");
  assert.deepEqual(problems, []);
  await page.close();
});

test("Sign: the headers verify in Node, the curl command replays the delivery, the fragment keeps no secret", async () => {
  // A receiver that verifies with the package, for the curl command.
  const got = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        const ev = lib.verifyWebhook(SECRET, req.headers, Buffer.concat(chunks));
        got.push({ ok: true, type: ev.type, contentType: req.headers["content-type"] });
        res.writeHead(204).end();
      } catch (err) {
        got.push({ ok: false, code: err.code });
        res.writeHead(400).end(err.code);
      }
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${receiver.address().port}/webhooks/directory`;

  const { page, requests, problems } = await open("#sign");
  const body = JSON.stringify({ id: "evt_sign_1", type: "organization.directory.user_created", occurred_at: "2025-01-01T00:00:00Z", data: { id: "diruser_1", email: "zoe@acme.example", name: "Zoë O'Brien" } });
  await page.fill("#s-secret", SECRET);
  await page.fill("#s-body", body);
  await page.fill("#s-url", endpoint);
  await page.click("#s-form button[type=submit]");
  const block = await text(page, "#s-out .card pre");
  const headers = Object.fromEntries(block.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
  assert.deepEqual(Object.keys(headers), ["webhook-id", "webhook-timestamp", "webhook-signature"]);
  assert.equal(lib.verifySignature(SECRET, headers, body).id, headers["webhook-id"], "the package in Node accepts the page's signature");

  const command = await page.locator("#s-out .card", { hasText: "curl" }).locator("pre").innerText();
  assert.match(command, /--data-binary '/);
  await new Promise((resolve, reject) => execFile("bash", ["-c", command], { timeout: 20_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
  assert.deepEqual(got, [{ ok: true, type: "organization.directory.user_created", contentType: "application/json" }], "the curl command delivered a delivery that verifies (body with a ' in it)");
  receiver.close();

  // The fragment holds the inputs but never the secret; a fixed id and timestamp reproduce the headers.
  await page.fill("#s-id", "msg_fixed_1");
  await page.fill("#s-ts", "1700000000");
  await page.click("#s-form button[type=submit]");
  const hash = decodeURIComponent(new URL(page.url()).hash);
  assert.match(hash, /^#sign\?/);
  assert.ok(hash.includes("evt_sign_1") && hash.includes("msg_fixed_1"), "body and id are in the fragment");
  assert.ok(!hash.includes("whsec_") && !hash.includes(SECRET.slice(6)), "the secret is not");
  const again = await open(new URL(page.url()).hash);
  await again.page.fill("#s-secret", SECRET);
  await again.page.click("#s-form button[type=submit]");
  const expected = lib.signWebhook(SECRET, { id: "msg_fixed_1", timestamp: 1700000000, body });
  assert.equal(await text(again.page, "#s-out .card pre"), Object.entries(expected).map(([k, v]) => `${k}: ${v}`).join("\n"), "restored from the fragment, same headers as Node");
  assert.match(await text(again.page, "#s-out .verdict"), /timestamp_too_old/, "an old fixed timestamp is flagged");
  assert.deepEqual(again.requests, []);
  await again.page.close();

  // "Verify this delivery" takes the current body, also after an edit.
  await page.fill("#s-ts", "");
  const edited = body.replace("user_created", "user_updated");
  await page.fill("#s-body", edited);
  await page.click("#s-form button[type=submit]");
  await page.click("#s-to-verify");
  await page.waitForFunction(() => location.hash === "#verify");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");
  assert.match(await text(page, "#v-out .verdict"), /organization\.directory\.user_updated/);

  await page.evaluate(() => (location.hash = "sign"));
  await screenshot(page, "sign");
  assert.deepEqual(requests, [], "Sign made no request");
  assert.deepEqual(problems, []);
  await page.close();
});

test("Sign and Verify with v1a: a generated key pair signs in the tab, its public key verifies there and in Node; no key in the fragment", async () => {
  const { page, requests, problems } = await open("#sign");
  const body = JSON.stringify({ id: "evt_v1a_1", type: "organization.directory.user_created", occurred_at: "2025-01-01T00:00:00Z", data: { id: "diruser_2", email: "ana@acme.example" } });
  await page.fill("#s-body", body);

  // "Generate whsec_ secret" gives a v1 secret the package reads.
  await page.click("#s-gen-secret");
  const secret = await page.inputValue("#s-secret");
  assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  assert.equal(await page.inputValue("#s-scheme"), "v1");
  const v1Headers = Object.fromEntries((await text(page, "#s-out .card pre")).split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
  assert.match(v1Headers["webhook-signature"], /^v1,/);
  assert.equal(lib.verifySignature(secret, v1Headers, body).id, v1Headers["webhook-id"], "the generated secret signs what Node verifies");

  // "Generate key pair": the secret key fills the field, the public key is shown.
  await page.click("#s-gen-pair");
  const secretKey = await page.inputValue("#s-secret");
  assert.match(secretKey, /^whsk_/);
  assert.equal(await page.inputValue("#s-scheme"), "v1a");
  const publicKey = await text(page, "#s-pubkey-value");
  assert.match(publicKey, /^whpk_/);
  assert.equal(await text(page, "#s-out .card:has-text('Public key') pre"), publicKey);
  const headers = Object.fromEntries((await text(page, "#s-out .card pre")).split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
  assert.match(headers["webhook-signature"], /^v1a,[A-Za-z0-9+/]{86}==$/, "one v1a entry (64-byte Ed25519 signature)");
  assert.equal(lib.verifyWebhook(publicKey, headers, body).id, "evt_v1a_1", "Node verifies the page's v1a signature with the public key alone");
  assert.throws(() => lib.verifySignature(lib.generateSigningKeyPair().publicKey, headers, body), { code: "invalid_signature" }, "another key does not");

  const hash = decodeURIComponent(new URL(page.url()).hash);
  assert.ok(hash.includes("scheme=v1a") && hash.includes("evt_v1a_1"));
  for (const k of [secret, secretKey, publicKey]) assert.ok(!hash.includes(k.slice(5, 25)), "no secret or key in the fragment");

  // Round trip: Verify gets the public key (not the secret key) and verifies, entry by entry.
  await page.click("#s-to-verify");
  await page.waitForFunction(() => location.hash === "#verify");
  assert.equal(await page.inputValue("#v-secret"), publicKey);
  assert.equal(await page.inputValue("#v-scheme"), "v1a");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");
  assert.match(await stepState(page, "secret"), /\bok\b/);
  assert.match(await text(page, '#v-out .steps > li[data-step="signature"]'), /v1a,.*matches secret #1/);
  await screenshot(page, "verify-v1a");

  // Mixed: a whpk_ key next to a whsec_ secret, a header with a v1 and a v1a entry.
  await page.selectOption("#v-example", "mixed");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");
  const entries = await page.$$eval('#v-out .steps > li[data-step="signature"] li', (ls) => ls.map((l) => l.textContent));
  assert.equal(entries.length, 2, entries.join(" | "));
  assert.ok(entries.some((e) => /v1,.*matches secret #2/.test(e)) && entries.some((e) => /v1a,.*matches secret #1/.test(e)), entries.join(" | "));
  // A public key that is not one: the library's invalid_key, named as the key at fault.
  await page.fill("#v-secret", "whpk_notakey");
  await page.click("#v-run");
  assert.match(await text(page, "#v-out .verdict"), /invalid_key/);
  // The v1a example under the other key pair's public key fails as a signature mismatch.
  await page.selectOption("#v-example", "v1a");
  assert.equal(await text(page, "#v-out .verdict h2"), "Verified");
  await page.fill("#v-secret", lib.generateSigningKeyPair().publicKey);
  await page.click("#v-run");
  assert.match(await text(page, "#v-out .verdict"), /invalid_signature/);

  await page.evaluate(() => (location.hash = "sign"));
  await screenshot(page, "sign-v1a");
  assert.deepEqual(requests, [], "Sign made no request");
  assert.deepEqual(problems, []);
  await page.close();
});

test("SCIM in, events out: every provider sample, a PATCH applied to an editable current resource, hints, the fragment", async () => {
  const { page, requests, problems } = await open("#scim");
  const groups = await page.$$eval("#n-sample optgroup", (gs) => gs.map((g) => g.label));
  for (const p of ["Okta", "Microsoft Entra ID", "OneLogin", "JumpCloud", "PingFederate", "Google Workspace", "Generic SCIM (RFC 7644)"]) assert.ok(groups.includes(p), `${p} samples`);
  const ids = await page.$$eval("#n-sample option", (os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(ids.length >= 25, `${ids.length} samples`);
  for (const id of ids) {
    await page.selectOption("#n-sample", id);
    assert.match(await page.locator("#n-out .verdict").first().getAttribute("class"), /\bok\b/, `${id} normalizes: ${await text(page, "#n-out")}`);
  }

  // Entra disables a user with "False" as a string: applied to the current resource, marked.
  await page.selectOption("#n-sample", "entra-disable-user");
  assert.match(await text(page, "#n-out .verdict"), /1 event\s+organization\.directory\.user_updated/);
  assert.match(await text(page, "#n-out .verdict"), /Microsoft Entra ID/);
  assert.equal(await text(page, "#n-out .changes li.changed"), "active: true → false");
  assert.equal((await text(page, "#n-out pre.json .ln.m-changed")).trim(), '"active": false,');
  assert.equal(new URL(page.url()).hash, "#scim?sample=entra-disable-user");

  // Edit the current resource: already inactive, so nothing changes.
  const current = JSON.parse(await page.inputValue("#n-current"));
  await page.fill("#n-current", JSON.stringify({ ...current, active: false, title: "Buyer" }, null, 2));
  await page.click("#n-form button[type=submit]");
  assert.equal(await text(page, "#n-out .card .body"), "No attribute changed.");
  // Without it, the update is partial.
  await page.fill("#n-current", "");
  await page.click("#n-form button[type=submit]");
  assert.match(await text(page, "#n-out .verdict"), /partial/);
  assert.match(await text(page, "#n-out"), /Without the current resource the update is partial/);

  // Okta's membership PATCH: one member out, one in.
  await page.selectOption("#n-sample", "okta-group-membership");
  const changes = await page.$$eval("#n-out .changes li", (ls) => ls.map((l) => `${l.className} ${l.textContent}`));
  assert.equal(changes.length, 2);
  assert.match(changes.find((c) => c.startsWith("added")), /members\[\+\].*23a35c27/);
  assert.match(changes.find((c) => c.startsWith("removed")), /members\[−\].*89bb1940/);
  assert.match(await text(page, "#n-out .verdict"), /group_updated/);

  // Edited input goes into the fragment and comes back from it.
  await page.fill("#n-path", "/scim/v2/Groups/abf4dd94-a4c0-4f67-89c9-76b03340cb9b?x=1");
  await page.click("#n-form button[type=submit]");
  const hash = new URL(page.url()).hash;
  assert.match(hash, /^#scim\?kind=request&method=PATCH&path=/);
  const again = await open(hash);
  assert.equal(await again.page.inputValue("#n-path"), "/scim/v2/Groups/abf4dd94-a4c0-4f67-89c9-76b03340cb9b?x=1");
  assert.deepEqual(await again.page.$$eval("#n-out .changes li", (ls) => ls.map((l) => `${l.className} ${l.textContent}`)), changes);
  assert.deepEqual(again.requests, []);
  await again.page.close();

  // An Entra PATCH pasted as a user resource: the code, a hint, and a one-click way to apply it.
  await page.selectOption("#n-sample", "entra-disable-user");
  await page.selectOption("#n-kind", "user");
  assert.equal(await page.inputValue("#n-body").then((b) => JSON.parse(b).Operations[0].value), "False", "changing the kind keeps the input");
  assert.equal(await text(page, "#n-out .verdict .codechip"), "unsupported_resource");
  assert.match(await text(page, "#n-out .verdict"), /This is a SCIM PATCH body, not a resource/);
  await page.click("#n-out .verdict button.link");
  assert.equal(await page.inputValue("#n-kind"), "request");
  assert.equal(await page.inputValue("#n-method"), "PATCH");
  assert.equal(await text(page, "#n-out .changes li.changed"), "active: true → false");

  // A POST: the password Okta sends is not kept; a Google resource with the provider passed.
  await page.selectOption("#n-sample", "okta-create-user");
  assert.match(await text(page, "#n-out"), /Not kept from the request:\s*−?\s*password/);
  await page.selectOption("#n-sample", "google-user");
  await page.selectOption("#n-provider", "google");
  assert.match(await text(page, "#n-out .verdict"), /google\s+passed as options\.provider/);
  assert.match(await text(page, "#n-out .card pre"), /"email": "liz@example\.com"/);

  // The detected provider, next to the normalized output: Entra's ADSCIM schema URI tells (its
  // group); Okta's payloads and Entra's user create use only standard URIs, so nothing is detected
  // and the page says so.
  await page.selectOption("#n-sample", "entra-create-group");
  assert.match(await text(page, "#n-detected"), /Microsoft Entra ID\s+detectProvider\(resource\) → "entra"/);
  await page.selectOption("#n-sample", "okta-create-user");
  assert.match(await text(page, "#n-detected"), /none\s+detectProvider\(resource\) → null: nothing in this payload tells/);
  await page.selectOption("#n-sample", "entra-create-user");
  assert.match(await text(page, "#n-detected"), /→ null/);
  await page.selectOption("#n-sample", "entra-create-group");
  await page.selectOption("#n-kind", "group");
  assert.match(await text(page, "#n-out .verdict"), /Normalized group/);
  assert.match(await text(page, "#n-detected"), /"entra"/, "shown for a bare resource too");
  await screenshot(page, "scim-detected");

  await page.selectOption("#n-sample", "okta-group-membership");
  await screenshot(page, "scim");
  assert.deepEqual(requests, [], "SCIM mode made no request");
  assert.deepEqual(problems, []);
  await page.close();
});

test("Live: organizations, a user walk through faults with exact counts, and signed deliveries verified in the tab", async () => {
  const { page, problems } = await open("#live", { allowDirectoryErrors: true });
  await page.waitForSelector("#l-orgs tbody tr", { timeout: 20_000 });
  assert.equal(await page.locator("#l-orgs tbody tr").count(), 2);
  await page.waitForSelector("#l-dirs button[data-walk=users]");

  await page.selectOption("#l-faults", "rate");
  await page.click("#l-dirs button[data-walk=users]");
  const summary = page.locator("#l-walk-summary[data-total]");
  await summary.waitFor({ timeout: 30_000 });
  const data = await summary.evaluate((el) => ({ ...el.dataset }));
  assert.deepEqual(data, { total: "250", totalSize: "250", distinct: "250", pages: "9" });
  assert.equal(await page.locator("#l-pages tbody tr").count(), 9);
  assert.match(await summary.innerText(), /each of the 250 exactly once/);
  assert.match(await summary.innerText(), /\d+× 429/, "the injected 429s were retried");

  await page.selectOption("#l-faults", "none");
  await page.fill("#l-page-size", "3");
  await page.click("#l-dirs button[data-walk=groups]");
  await page.locator("#l-walk-summary[data-total]").waitFor({ timeout: 30_000 });
  assert.deepEqual(await page.locator("#l-walk-summary").evaluate((el) => ({ ...el.dataset })), { total: "8", totalSize: "8", distinct: "8", pages: "3" });

  await page.fill("#l-del-users", "4");
  await page.fill("#l-del-dups", "1");
  await page.click("#l-deliver");
  await page.waitForFunction(() => /The service sent \d+ messages/.test(document.querySelector("#l-del-note").textContent), null, { timeout: 30_000 });
  const note = await text(page, "#l-del-note");
  const [, sent, delivered, dups] = /sent (\d+) messages: (\d+) delivered, (\d+) duplicates/.exec(note).map(Number);
  assert.equal(delivered + dups, sent);
  assert.ok(dups >= 1, note);
  await page.waitForFunction((n) => Number(document.querySelector("#l-del-summary").dataset.received) === n, sent, { timeout: 15_000 });
  const counts = await page.locator("#l-del-summary").evaluate((el) => ({ ...el.dataset }));
  assert.deepEqual(counts, { received: String(sent), verified: String(sent), failed: "0", duplicates: String(dups) });
  assert.match(await text(page, "#l-feed"), /duplicate of #\d+: same webhook-id/);
  await screenshot(page, "live");

  // With a wrong secret, every delivery fails verification in the tab.
  await page.fill("#l-webhook-secret", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
  await page.waitForFunction((n) => Number(document.querySelector("#l-del-summary").dataset.failed) === n, sent, { timeout: 5_000 });
  assert.deepEqual(await page.$$eval("#l-feed > li", (ls) => [...new Set(ls.map((l) => l.dataset.verdict))]), ["invalid_signature"]);
  assert.deepEqual(problems, []);
  await page.close();
});

test("Error codes: the key lists every code, and a code in a result links to its entry", async () => {
  const { page, requests, problems } = await open("#verify");
  await page.selectOption("#v-example", "late");
  await page.click("#v-out .verdict a.codechip");
  await page.waitForFunction(() => location.hash.startsWith("#codes"));
  assert.equal(await page.locator("#codes-list dt.flash").getAttribute("data-code"), "timestamp_too_old");
  const listed = await page.$$eval("#codes-list dt", (ds) => ds.map((d) => d.dataset.code));
  for (const code of ["missing_header", "invalid_signature", "parsed_body", "unsupported_resource", "too_complex", "pagination_loop", "not_initialized"]) assert.ok(listed.includes(code), code);
  await screenshot(page, "codes");
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await page.close();
});
