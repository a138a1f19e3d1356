// The reference guide's snippets (tests/js/guide/*.mjs), run byte-for-byte unchanged — including
// `import { ScalekitClient } from '@scalekit-sdk/node'` — in Node (ESM) from a fresh project that
// installed the packed scimkit tarball *under that name* (`npm install
// @scalekit-sdk/node@file:scimkit-x.tgz --offline`), with SCALEKIT_* pointing at a local directory
// service. The printed output must carry the seeded values (never `undefined`/`null`).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { jsDir, repoRoot, run } from "./lib/harness.mjs";

const ORGS = 120; // > 2 pages of 50 for the pagination loop
const USERS = 25;
const GROUPS = 5;

let tmp;
let project;
let svc;
let signWebhook;
let env;

function npm(args, cwd) {
  return execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "scimkit-guide-"));
  const packed = JSON.parse(npm(["pack", join(repoRoot, "pkg"), "--pack-destination", tmp, "--json"], tmp))[0];
  project = join(tmp, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "scimkit-guide-consumer", version: "1.0.0", private: true }, null, 2)}\n`);
  // The alias install, offline: the guide's import specifier resolves to scimkit.
  npm(["install", `@scalekit-sdk/node@file:${join(tmp, packed.filename)}`, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], project);
  for (const f of readdirSync(join(jsDir, "guide"))) copyFileSync(join(jsDir, "guide", f), join(project, f));
  copyFileSync(join(jsDir, "lib", "express-raw-server.mjs"), join(project, "express-raw-server.mjs"));

  const mod = await import(pathToFileURL(join(repoRoot, "tools", "directory-service", "server.mjs")).href);
  signWebhook = mod.signWebhook;
  svc = await mod.startDirectoryService({ seed: "scimkit-guide", orgs: ORGS, usersPerDirectory: USERS, groupsPerDirectory: GROUPS });
  env = {
    SCALEKIT_ENVIRONMENT_URL: svc.url,
    SCALEKIT_CLIENT_ID: svc.clientId,
    SCALEKIT_CLIENT_SECRET: svc.clientSecret,
    SCALEKIT_WEBHOOK_SECRET: svc.webhookSecret,
  };
});

after(async () => {
  await svc?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs a snippet with node from the consumer project; returns stdout lines. */
async function runSnippet(file) {
  // The snippet in the project is the file from tests/js/guide, byte for byte.
  assert.deepEqual(readFileSync(join(project, file)), readFileSync(join(jsDir, "guide", file)), `${file} copied unchanged`);
  const r = await run(process.execPath, [file], { cwd: project, env, timeoutMs: 30_000 });
  assert.equal(r.code, 0, `${file} exit code\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.equal(r.stderr, "", `${file} wrote to stderr`);
  assert.ok(!/\b(undefined|null|NaN|\[object Object\])\b/.test(r.stdout), `${file} printed a missing value:\n${r.stdout}`);
  return r.stdout.trimEnd().split("\n");
}

test("the tarball is installed as @scalekit-sdk/node (offline alias install)", () => {
  const installed = JSON.parse(readFileSync(join(project, "node_modules", "@scalekit-sdk", "node", "package.json"), "utf8"));
  assert.equal(installed.name, "scimkit", "the aliased package is scimkit");
  const require = createRequire(join(project, "noop.cjs"));
  assert.match(require.resolve("@scalekit-sdk/node"), /node_modules\/@scalekit-sdk\/node\/node\.cjs$/);
  assert.ok(!existsSync(join(project, "node_modules", "@connectrpc")), "none of the reference SDK's dependencies came along");
});

test("guide: quickstart prints the organization, its primary directory, users and groups", async () => {
  const lines = await runSnippet("quickstart.mjs");
  const org = svc.seed.organizations[0];
  const dir = org.directories[0];
  const want = [`Organization: ${org.display_name}, ID: ${org.id}`, `Directory: ${dir.name}, ID: ${dir.id}`];
  for (let i = 0; i < 10; i++) {
    const u = svc.seed.user(dir.id, i); // the API's JSON for user i; default page size is 10
    want.push(`User: ${u.email}, Name: ${u.given_name} ${u.family_name}`);
  }
  for (let g = 0; g < GROUPS; g++) {
    const grp = svc.seed.group(dir.id, g);
    want.push(`Group: ${grp.display_name}, ID: ${grp.id}`);
  }
  assert.deepEqual(lines, want);
});

test("guide: the pagination loop follows nextPageToken over every organization", async () => {
  const lines = await runSnippet("paginate-organizations.mjs");
  assert.equal(lines[0], `Total organizations: ${ORGS}`);
  assert.deepEqual(lines.slice(1), svc.seed.organizations.map((o) => `Organization: ${o.display_name}, ID: ${o.id}`));
  const stats = svc.stats();
  assert.ok(stats.byEndpoint.listOrganizations.total >= Math.ceil(ORGS / 50), "several pages were requested");
});

/** Starts webhook-handler.mjs behind the express.raw()-like glue; resolves { port, output(), stop() }. */
async function startWebhookHandler() {
  assert.deepEqual(readFileSync(join(project, "webhook-handler.mjs")), readFileSync(join(jsDir, "guide", "webhook-handler.mjs")), "copied unchanged");
  const child = spawn(process.execPath, ["express-raw-server.mjs", "./webhook-handler.mjs", "handleScalekitWebhook"], {
    cwd: project,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const exited = new Promise((resolve) => child.on("close", resolve));
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`handler did not start: ${stdout} ${stderr}`)), 15_000);
    const check = () => {
      const m = /LISTENING (\d+)/.exec(stdout);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on("data", check);
    child.on("close", () => reject(new Error(`handler exited: ${stdout} ${stderr}`)));
  });
  return {
    port,
    output: () => ({ stdout, stderr }),
    stop: async () => {
      child.stdin.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      child.kill("SIGKILL");
      clearTimeout(killer);
    },
  };
}

test("guide: the webhook handler verifies the service's signed deliveries (verifyWebhookPayload → true)", async () => {
  const h = await startWebhookHandler();
  try {
    const url = `http://127.0.0.1:${h.port}/webhooks/scalekit`;
    // 1. One delivery signed with the service's own signWebhook.
    const body = JSON.stringify({ spec_version: "1", id: "evt_guide_1", type: "organization.directory.user_created", occurred_at: new Date().toISOString(), environment_id: svc.environmentId, object: "DirectoryUser", data: { id: "diruser_1", organization_id: "org_1", email: "zoë.guide@acmecorp.example" } });
    const id = "msg_guide_1";
    const ts = Math.floor(Date.now() / 1000);
    const headers = { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signWebhook(svc.webhookSecret, id, ts, body) };
    let res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 201, await res.clone().text());
    assert.deepEqual(await res.json(), { received: true });

    // 2. A tampered one → 400, and the error the snippet logs carries a code and no secret.
    res = await fetch(url, { method: "POST", headers, body: body.replace("zoë", "eve"), signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 400);

    // 3. The service's seeded delivery sequence (users, groups, updates, deletes).
    const report = await svc.deliverWebhooks({ url, maxUsers: 4, maxGroups: 2, duplicates: false, retryOnFailure: false, timeoutMs: 5_000 });
    assert.equal(report.failures, 0, JSON.stringify(report.events.filter((e) => !e.delivered)));
    assert.equal(report.delivered, report.sent);
    assert.ok(report.sent >= 10, `sent ${report.sent}`);
    assert.ok(report.events.every((e) => e.statuses.at(-1) === 201), "every delivery answered 201");

    await new Promise((r) => setTimeout(r, 100));
    const { stdout, stderr } = h.output();
    const verified = stdout.split("\n").filter((l) => l === "verifyWebhookPayload returned true");
    assert.equal(verified.length, 1 + report.sent, `verifyWebhookPayload returned true for every good delivery\n${stdout}`);
    assert.match(stdout, /User created: zoë\.guide@acmecorp\.example/);
    const dirId = svc.seed.organizations[0].directories[0].id;
    for (let i = 0; i < 4; i++) assert.ok(stdout.includes(`User created: ${svc.seed.user(dirId, i).email}`), `user ${i} created\n${stdout}`);
    for (let g = 0; g < 2; g++) assert.ok(stdout.includes(`Group created: ${svc.seed.group(dirId, g).display_name}`), `group ${g} created\n${stdout}`);
    assert.match(stdout, /User updated: \S+@/);
    assert.match(stdout, /User deleted: \S+@/);
    assert.match(stdout, /Group deleted: \S+/);
    assert.ok(!/\b(undefined|null)\b/.test(stdout), `no missing values:\n${stdout}`);
    assert.match(stderr, /^Webhook rejected \(invalid_signature\): /m, stderr);
    assert.ok(!stderr.includes(svc.webhookSecret.slice(6)), "no secret in the logged error");
    assert.equal(stderr.trim().split("\n").length, 1, `only the tampered delivery was rejected:\n${stderr}`);
  } finally {
    await h.stop();
  }
});

test("the raw-body requirement documented in webhook-handler.mjs: a JSON-parsed body → parsed_body", () => {
  const require = createRequire(join(project, "noop.cjs"));
  const { ScalekitClient, WebhookVerificationError } = require("@scalekit-sdk/node");
  const scalekit = new ScalekitClient(svc.url, svc.clientId, svc.clientSecret);
  const body = JSON.stringify({ type: "organization.directory.user_created", data: { id: "diruser_1", organization_id: "org_1" } });
  const ts = Math.floor(Date.now() / 1000);
  const headers = { "webhook-id": "msg_parsed", "webhook-timestamp": String(ts), "webhook-signature": signWebhook(svc.webhookSecret, "msg_parsed", ts, body) };
  assert.equal(scalekit.verifyWebhookPayload(svc.webhookSecret, headers, body), true, "raw body verifies");
  assert.throws(() => scalekit.verifyWebhookPayload(svc.webhookSecret, headers, JSON.parse(body)), (e) => e instanceof WebhookVerificationError && e.code === "parsed_body");
});
