// Shared by the end-to-end sync tests: the example app (examples/express-sqlite) installed against
// the packed scimkit tarball and started as a child process, the local directory service, and the
// comparison of the app's store (SQLite or PostgreSQL) with the directory's own listings. Every
// wait is bounded.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { prepareProject, repoRoot } from "../lib/harness.mjs";

export { repoRoot };
export const exampleDir = join(repoRoot, "examples", "express-sqlite");
const serviceDir = join(repoRoot, "tools", "directory-service");

export const { startDirectoryService, signWebhook } = await import(pathToFileURL(join(serviceDir, "server.mjs")).href);
export const { accessToken, call } = await import(pathToFileURL(join(serviceDir, "testing.mjs")).href);

/** A seeded PRNG in [0, 1) (mulberry32), so a failing run can be replayed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const pickOne = (rand, list) => list[Math.floor(rand() * list.length)];
export function pickSome(rand, list, n) {
  const copy = [...list];
  const out = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]);
  return out;
}

/**
 * The example installed as a user would: a fresh project with the packed scimkit tarball, the
 * example's modules copied in, and express, better-sqlite3 and pg linked from the repo's
 * node_modules (the same versions the example's package.json asks for). `load()` imports scimkit,
 * scimkit/sqlite, scimkit/postgres, better-sqlite3 and pg as that project resolves them (for the
 * test's own reads of the store).
 */
export function prepareExample(label) {
  const p = prepareProject(label);
  for (const f of ["app.mjs"]) copyFileSync(join(exampleDir, f), join(p.project, f));
  for (const dep of ["express", "better-sqlite3", "pg"]) {
    const from = join(repoRoot, "node_modules", dep);
    if (!existsSync(join(from, "package.json"))) throw new Error(`${dep} is not installed in ${repoRoot}/node_modules: run npm install there`);
    symlinkSync(from, join(p.project, "node_modules", dep), "dir");
  }
  const probe = join(p.project, "probe.mjs");
  writeFileSync(
    probe,
    'export * as scimkit from "scimkit";\nexport { sqliteStore } from "scimkit/sqlite";\nexport { postgresStore } from "scimkit/postgres";\n' +
      'export { default as Database } from "better-sqlite3";\nexport { default as pg } from "pg";\n',
  );
  return { ...p, appPath: join(p.project, "app.mjs"), load: () => import(pathToFileURL(probe).href) };
}

/** The environment that points the app at a directory service. */
export function appEnv(svc, dbPath, extra = {}) {
  return {
    PORT: "0",
    DB_PATH: dbPath,
    DIRECTORY_URL: svc.url,
    DIRECTORY_CLIENT_ID: svc.clientId,
    DIRECTORY_CLIENT_SECRET: svc.clientSecret,
    DIRECTORY_WEBHOOK_SECRET: svc.webhookSecret,
    ADMIN_TOKEN: "e2e-admin-token",
    SYNC_ON_START: "none",
    CATCH_UP_INTERVAL_MS: "0",
    FULL_SYNC_INTERVAL_MS: "0",
    ...extra,
  };
}

/**
 * Starts the example app (`node app.mjs`) and waits until it listens. Its output is kept as
 * lines; `waitForLine(re, ms)` waits for one (bounded). `kill(signal)` / `stop()` end it.
 */
export async function startApp(appPath, env, { startTimeoutMs = 20_000 } = {}) {
  const child = spawn(process.execPath, [appPath], {
    cwd: join(appPath, ".."),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines = [];
  const waiters = new Set();
  const onLine = (line) => {
    lines.push(line);
    for (const w of waiters) if (w.re.test(line)) w.resolve(line);
  };
  createInterface({ input: child.stdout }).on("line", onLine);
  createInterface({ input: child.stderr }).on("line", (l) => onLine(`[stderr] ${l}`));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((x) => {
    exitInfo = x;
    for (const w of waiters) w.reject(new Error(`app exited (${x.code ?? x.signal}) while waiting for ${w.re}:\n${lines.slice(-30).join("\n")}`));
  });
  const waitForLine = (re, ms = 30_000, from = 0) => {
    const found = lines.slice(from).find((l) => re.test(l));
    if (found) return Promise.resolve(found);
    if (exitInfo) return Promise.reject(new Error(`app has exited (${exitInfo.code ?? exitInfo.signal}); no line ${re}:\n${lines.slice(-30).join("\n")}`));
    return new Promise((resolve, reject) => {
      const w = { re, resolve: (l) => done(() => resolve(l)), reject: (e) => done(() => reject(e)) };
      const timer = setTimeout(() => w.reject(new Error(`timed out after ${ms} ms waiting for ${re}:\n${lines.slice(-30).join("\n")}`)), ms);
      const done = (f) => {
        clearTimeout(timer);
        waiters.delete(w);
        f();
      };
      waiters.add(w);
    });
  };
  const listening = await waitForLine(/\[app\] listening on http:\/\/127\.0\.0\.1:\d+/, startTimeoutMs);
  const port = Number(listening.match(/127\.0\.0\.1:(\d+)/)[1]);
  const url = `http://127.0.0.1:${port}`;
  const kill = async (signal = "SIGKILL") => {
    if (!exitInfo) child.kill(signal);
    return exited;
  };
  return {
    child,
    pid: child.pid,
    port,
    url,
    webhookUrl: `${url}/webhooks/directory`,
    lines,
    exited,
    waitForLine,
    kill,
    /** SIGTERM, then SIGKILL after 5 s */
    async stop() {
      if (exitInfo) return exitInfo;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      const x = await exited;
      clearTimeout(t);
      return x;
    },
    /** POST /sync?mode=… with the admin token; the JSON answer (throws on a non-2xx) */
    async sync(mode, { timeoutMs = 120_000 } = {}) {
      const res = await fetch(`${url}/sync?mode=${mode}`, {
        method: "POST",
        headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST /sync?mode=${mode}: HTTP ${res.status} ${text.slice(0, 500)}`);
      return JSON.parse(text);
    },
  };
}

/** POSTs a webhook body to the app, signed with `secret` (or with the headers given). */
export async function postWebhook(url, body, { secret, id = `msg_${Date.now()}${Math.random().toString(36).slice(2, 8)}`, headers } = {}) {
  const ts = Math.floor(Date.now() / 1000);
  const h = headers ?? {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(ts),
    "webhook-signature": signWebhook(secret, id, ts, body),
  };
  const res = await fetch(url, { method: "POST", headers: h, body, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

// ---------- what the directory holds, from its own API ----------

const sorted = (a) => [...a].sort();

/** Every page of a listing (bounded), through plain HTTP, not scimkit. */
async function walk(svc, tok, path, key) {
  const out = [];
  let pageToken = "";
  for (let pages = 0; pages < 100_000; pages++) {
    const query = { page_size: "30", include_detail: "true", ...(pageToken ? { page_token: pageToken } : {}) };
    const r = await call(svc, tok, "GET", path, { query });
    assert.equal(r.status, 200, `GET ${path}: ${r.text.slice(0, 300)}`);
    out.push(...r.body[key]);
    pageToken = r.body.next_page_token;
    if (!pageToken) return out;
  }
  throw new Error(`${path}: too many pages`);
}

/** The organizations and their directories (ids), from the service's admin info. */
export async function directories(svc) {
  const info = await (await fetch(`${svc.url}/_admin/info`, { signal: AbortSignal.timeout(10_000) })).json();
  return info.organizations.flatMap((o) => o.directories.map((d) => ({ organizationId: o.id, directoryId: d.id })));
}

/**
 * The directory's state as its listings show it: users (the fields the tests compare, `active`
 * from the SCIM detail) with their group ids, and groups with their members.
 */
export async function directorySnapshot(svc) {
  const tok = await accessToken(svc);
  const users = new Map();
  const groups = new Map();
  for (const { organizationId, directoryId } of await directories(svc)) {
    const base = `/api/v1/organizations/${organizationId}/directories/${directoryId}`;
    for (const g of await walk(svc, tok, `${base}/groups`, "groups")) {
      groups.set(g.id, {
        organization_id: organizationId,
        directory_id: directoryId,
        display_name: g.display_name,
        external_id: g.group_detail?.externalId ?? null,
        members: [],
      });
    }
    for (const u of await walk(svc, tok, `${base}/users`, "users")) {
      const d = u.user_detail ?? {};
      const enterprise = d["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] ?? {};
      users.set(u.id, {
        organization_id: organizationId,
        directory_id: directoryId,
        email: u.email,
        emails: u.emails,
        given_name: u.given_name,
        family_name: u.family_name,
        active: d.active,
        title: d.title ?? null,
        department: enterprise.department ?? null,
        employee_id: enterprise.employeeNumber ?? null,
        groups: sorted(u.groups.map((g) => g.id)),
      });
      for (const g of u.groups) groups.get(g.id)?.members.push(u.id);
    }
  }
  for (const g of groups.values()) g.members.sort();
  return { users, groups };
}

/** The same view of the app's store, read through the store's documented read API. */
export async function storeSnapshot(store, dirs) {
  const users = new Map();
  const groups = new Map();
  const orgs = [...new Set(dirs.map((d) => d.organizationId))];
  for (const organizationId of orgs) {
    for (const u of await store.listUsers({ organizationId })) {
      users.set(u.id, {
        organization_id: u.organization_id,
        directory_id: u.directory_id ?? null,
        email: u.email,
        emails: u.emails,
        given_name: u.given_name,
        family_name: u.family_name,
        active: u.active,
        title: u.title ?? null,
        department: u.department ?? null,
        employee_id: u.employee_id ?? null,
        groups: sorted(await store.listUserGroups(u.id)),
      });
    }
    for (const g of await store.listGroups({ organizationId })) {
      groups.set(g.id, {
        organization_id: g.organization_id,
        directory_id: g.directory_id ?? null,
        display_name: g.display_name,
        external_id: g.external_id ?? null,
        members: sorted(await store.listMembers(g.id)),
      });
    }
  }
  return { users, groups };
}

/** The differences between two snapshots (at most `limit` described), empty when equal. */
export function diffSnapshots(want, got, limit = 12) {
  const out = [];
  let count = 0;
  const byField = {};
  const note = (s, field) => {
    count++;
    byField[field] = (byField[field] ?? 0) + 1;
    if (out.length < limit) out.push(s);
  };
  for (const kind of ["users", "groups"]) {
    for (const [id, w] of want[kind]) {
      const g = got[kind].get(id);
      if (!g) {
        note(`${kind} ${id}: in the directory, not in the store (${JSON.stringify(w).slice(0, 160)})`, `${kind} missing`);
        continue;
      }
      for (const k of Object.keys(w)) {
        if (JSON.stringify(w[k]) !== JSON.stringify(g[k])) note(`${kind} ${id}.${k}: directory ${JSON.stringify(w[k])}, store ${JSON.stringify(g[k])}`, `${kind}.${k}`);
      }
    }
    for (const id of got[kind].keys()) if (!want[kind].has(id)) note(`${kind} ${id}: in the store, not in the directory`, `${kind} extra`);
  }
  if (count > out.length) out.push(`… ${count - out.length} more; all differences by field: ${JSON.stringify(byField)}`);
  Object.defineProperty(out, "count", { value: count }); // not enumerable: deepEqual(diff, []) still holds
  return out;
}

/**
 * Compares the store with the directory: every user's fields, every group, every membership.
 * `ignore`: user fields left out (group fields as `group.<field>`). `missingDeactivated`: users no longer in the
 * directory may remain in the store if they are inactive (what a full sync with onMissing
 * "deactivate" leaves when it saw them missing and no delete event came). Returns `{ diff, ignored, sizes }`: the
 * differences in the fields compared, and those in the ignored fields (described the same way).
 */
export async function compareStoreWithDirectory(svc, store, { ignore = [], missingDeactivated = false } = {}) {
  const dirs = await directories(svc);
  const want = await directorySnapshot(svc);
  const got = await storeSnapshot(store, dirs);
  if (missingDeactivated) {
    // onMissing "deactivate": a user a full sync no longer saw listed stays, inactive, with the
    // memberships it had. Such a user must be inactive; then it and its memberships are set aside.
    for (const [id, u] of got.users) {
      if (want.users.has(id) || u.active) continue;
      got.users.delete(id);
      for (const g of got.groups.values()) g.members = g.members.filter((m) => m !== id);
    }
  }
  // `ignore` names user fields as they are, group fields as `group.<field>`.
  const pick = (rows, prefix, keep) =>
    new Map([...rows].map(([id, r]) => [id, Object.fromEntries(Object.entries(r).filter(([k]) => ignore.includes(prefix + k) === keep))]));
  const only = (snap, keep) => ({ users: pick(snap.users, "", keep), groups: pick(snap.groups, "group.", keep) });
  return {
    diff: diffSnapshots(only(want, false), only(got, false)),
    ignored: ignore.length ? diffSnapshots(only(want, true), only(got, true)) : [],
    sizes: { users: want.users.size, groups: want.groups.size, memberships: [...want.users.values()].reduce((n, u) => n + u.groups.length, 0) },
  };
}

/** Asserts that the store equals the directory in every field but `ignore`d ones; returns the comparison. */
export async function assertStoreEqualsDirectory(svc, store, what, options = {}) {
  const cmp = await compareStoreWithDirectory(svc, store, options);
  assert.deepEqual(cmp.diff, [], `${what}: the store differs from the directory:\n${cmp.diff.join("\n")}`);
  return cmp;
}

/** A digest of every row of every table of a SQLite database (to show that nothing changed). */
export function databaseDigest(db, { except = [] } = {}) {
  const h = createHash("sha256");
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  for (const t of tables) {
    if (except.includes(t)) continue;
    h.update(`table ${t}\n`);
    const rows = db.prepare(`SELECT * FROM "${t.replaceAll('"', '""')}"`).raw().all().map((r) => JSON.stringify(r));
    for (const row of rows.sort()) h.update(`${row}\n`);
  }
  return h.digest("hex");
}

/** The change kinds a summary counts. */
export const CHANGE_KINDS = [
  "user_created", "user_updated", "user_deactivated", "user_reactivated", "user_deleted",
  "group_created", "group_updated", "group_deleted", "member_added", "member_removed",
];
/** The changes a summary reports, kinds with a count of 0 left out. */
export const changesOf = (summary) => Object.fromEntries(CHANGE_KINDS.filter((k) => summary?.[k]).map((k) => [k, summary[k]]));
