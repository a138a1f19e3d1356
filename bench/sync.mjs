#!/usr/bin/env node
// DirectorySync into SQLite (better-sqlite3, a file in a temp dir, WAL) against the local directory
// service (a child process, so the measured process holds only the client and the store).
//   node bench/sync.mjs [--quick] [--users N] [--events N]
// 1. Full sync of N users (default 100,000; 50 groups, 2 memberships each) into an empty database,
//    next to the bare walk of the same listings (scimkit's DirectoryClient: groups and users,
//    include_detail, page size 30 — what the full sync reads); then the same full sync again (nothing
//    to change). Each in a fresh process: wall time, peak RSS, and memory retained after a GC at
//    every tenth of the run (flat = nothing grows with the directory). Also the first full sync
//    into memoryStore() (the core's own store, no SQL), and into a store that keeps nothing (the
//    engine, the binding and the HTTP without any storage), to tell the engine's cost from the store's.
// 2. Webhook apply throughput: `handleWebhook` (verify + apply) and `applyEvent` (apply only) of
//    20,000 signed events (10,000 user_created, then 10,000 user_updated stating 2 groups), one
//    after the other, into SQLite; and applyEvent into memoryStore().
// SQLite as the example app opens it: WAL, synchronous = NORMAL.
// 3. catchUp over 10,000 events recorded by the service's control API (the events API, 100 per
//    page), into an empty database; then again (every event a duplicate).
// --quick: 20,000 users, 5,000 events. --pkg DIR: the built package to measure (default pkg/; for
// an A/B of two builds on one loaded machine, run each in turn). --parts 1,2,3: which parts.
// --page-ms N: every API response delayed N ms (the service's slow fault), for the reference API's pace
// (100–300 ms a page); default 0, the local service's own pace (a few ms a page).
// --cache-kib N: SQLite's page cache for the database (PRAGMA cache_size = -N); by default the driver's
// (better-sqlite3 builds SQLite with 16,000 KiB; SQLite's own default is 2,000 KiB), which is most of
// what a full sync's peak RSS holds above the walk's.
// --sqlite-only: part 1 without the memoryStore() and keeps-nothing rows (at the reference pace each
// run takes as long as the walk: six minutes at 100,000 users).
// Prints one markdown table per part.
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openSqlite, paceArgs, startDirectoryService } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const USERS = opt("--users", quick ? 20_000 : 100_000);
const PAGE_MS = opt("--page-ms", 0);
const pace = paceArgs(PAGE_MS);
const EVENTS = opt("--events", quick ? 5_000 : 10_000);
const WEBHOOKS = quick ? 10_000 : 20_000;
const PKG = argv.includes("--pkg") ? argv[argv.indexOf("--pkg") + 1] : join(root, "pkg");
const SQLITE_ONLY = argv.includes("--sqlite-only");
const CACHE_KIB = opt("--cache-kib", 0);
const PARTS = argv.includes("--parts") ? argv[argv.indexOf("--parts") + 1].split(",").map(Number) : [1, 2, 3];
const mib = (b) => (b / 1024 / 1024).toFixed(1);
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** scimkit from pkg/ or --pkg (the main entry and the `./sqlite` subpath, as its exports map says). */
async function loadScimkit() {
  const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  const entry = (spec) => {
    let e = manifest.exports[spec];
    while (e && typeof e === "object") e = e.node?.import ?? e.node ?? e.import ?? e.default;
    if (typeof e !== "string") throw new Error(`pkg/package.json: no Node entry for "${spec}"`);
    return pathToFileURL(join(PKG, e)).href;
  };
  const main = await import(entry("."));
  const { sqliteStore } = await import(entry("./sqlite"));
  const Database = createRequire(join(root, "package.json"))("better-sqlite3");
  return { ...main, sqliteStore, Database };
}

function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), "scimkit-bench-sync-"));
  return { path: join(dir, "directory.db"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** As the example app opens it (and with --cache-kib's page cache). */
const openDb = (Database, path) => openSqlite(Database, path, CACHE_KIB);

/** Samples RSS every 5 ms; `gcAt(k)` records retained memory after a full GC. */
function memoryProbe() {
  const cpu0 = process.cpuUsage();
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const retained = [];
  return {
    gc() {
      globalThis.gc?.();
      const m = process.memoryUsage();
      retained.push(m.heapUsed + m.external + m.arrayBuffers);
      peakRss = Math.max(peakRss, m.rss);
    },
    done() {
      clearInterval(timer);
      // CPU time of this process (user + system): on a machine shared with other work, wall
      // time says what the run waited for as well; this says what it cost.
      const cpu = process.cpuUsage(cpu0);
      return { peakRss: Math.max(peakRss, process.memoryUsage().rss), retained, cpuMs: (cpu.user + cpu.system) / 1000 };
    },
  };
}

// ---------- children: one measurement each, in a fresh process (run with --expose-gc) ----------

async function childWalk(svc) {
  const { DirectoryClient } = await loadScimkit();
  const client = new DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  const org = svc.orgs[0].id;
  const dir = svc.orgs[0].directories[0].id;
  const probe = memoryProbe();
  const t0 = performance.now();
  let groups = 0;
  let users = 0;
  for await (const page of client.directoryGroupPages(org, dir, { pageSize: 30, includeDetail: true })) groups += page.groups.length;
  for await (const page of client.directoryUserPages(org, dir, { pageSize: 30, includeDetail: true })) {
    users += page.users.length;
    if (users % Math.round(svc.users / 10) < 30) probe.gc();
  }
  const ms = performance.now() - t0;
  return { ms, users, groups, ...probe.done() };
}

/**
 * A store port that keeps nothing but checkpoints: every read answers "no rows", every commit is
 * dropped. A full sync into it is the engine (listing, deciding, serializing the changesets, the
 * JS↔wasm crossings) and the HTTP, without any storage: with the SQLite run, it tells the engine's
 * share of the time from the store's. It is a measuring device, not a store (nothing converges).
 */
function nullStore() {
  const checkpoints = new Map();
  const none = async () => "[]";
  return {
    hasEvent: async () => false,
    users: none,
    groups: none,
    userGroups: none,
    groupMembers: none,
    unseenUsers: none,
    unseenGroups: none,
    checkpoint: async (key) => checkpoints.get(key) ?? null,
    commit: async (changeset) => {
      for (const c of changeset.checkpoints) checkpoints.set(c.key, c.value);
    },
  };
}

/**
 * A full sync into SQLite (`dbPath`), into memoryStore() (`dbPath` "memory": the engine without
 * SQL), or into nullStore() (`dbPath` "null": the engine without any storage).
 */
async function childFullSync(svc, dbPath) {
  const { DirectoryClient, DirectorySync, sqliteStore, memoryStore, Database } = await loadScimkit();
  const client = new DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  const db = dbPath === "memory" || dbPath === "null" ? null : openDb(Database, dbPath);
  const probe = memoryProbe();
  let changes = 0;
  const tenth = Math.max(1, Math.round(svc.users / 10));
  let usersSeen = 0;
  const sync = new DirectorySync({
    client,
    store: db ? sqliteStore(db) : dbPath === "null" ? nullStore() : memoryStore(),
    onChange: (c) => {
      changes++;
      if (c.kind === "user_created" && ++usersSeen % tenth === 0) probe.gc();
    },
  });
  const t0 = performance.now();
  const summary = await sync.fullSync();
  const ms = performance.now() - t0;
  db?.close();
  return { ms, changes, summary, ...probe.done() };
}

/** user_created then user_updated events (~0.6 KB), signed as Standard Webhooks deliveries. */
function webhookEvents(n, secret) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const ts = Math.floor(Date.now() / 1000);
  const half = n / 2;
  const out = [];
  for (let i = 0; i < n; i++) {
    const u = i % half;
    const updated = i >= half;
    const body = JSON.stringify({
      spec_version: "1",
      id: `evt_${String(1e15 + i)}`,
      type: `organization.directory.user_${updated ? "updated" : "created"}`,
      occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace("Z", "000000Z"),
      environment_id: "env_1",
      organization_id: "org_1",
      object: "DirectoryUser",
      data: {
        id: `diruser_${String(u).padStart(7, "0")}`,
        organization_id: "org_1",
        directory_id: "dir_1",
        active: true,
        email: `user${u}@example.test`,
        preferred_username: `user${u}@example.test`,
        given_name: "Given",
        family_name: `Family${u}`,
        title: updated ? "Senior Engineer" : "Engineer",
        department: "R&D",
        employee_id: String(100000 + u),
        groups: updated ? [{ id: `dirgroup_${u % 50}`, name: "G" }, { id: `dirgroup_${(u * 7 + 1) % 50}`, name: "H" }] : null,
        roles: [{ role_name: "member" }],
        raw_attributes: { userName: `user${u}@example.test`, active: true, name: { givenName: "Given", familyName: `Family${u}` } },
      },
    });
    const id = `msg_${i}`;
    const sig = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64");
    out.push({ headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": `v1,${sig}`, "content-type": "application/json" }, body: Buffer.from(body) });
  }
  return out;
}

async function childWebhooks(n) {
  const { DirectorySync, sqliteStore, memoryStore, Database, generateWebhookSecret } = await loadScimkit();
  const secret = generateWebhookSecret();
  const events = webhookEvents(n, secret);
  const bytes = events.reduce((s, e) => s + e.body.length, 0) / n;
  const result = { n, bytes };
  for (const mode of ["handleWebhook", "applyEvent", "applyEvent/memory"]) {
    const tmp = tempDb();
    const db = mode.endsWith("memory") ? null : openDb(Database, tmp.path);
    const sync = new DirectorySync({ store: db ? sqliteStore(db) : memoryStore(), webhookSecret: secret });
    const statuses = {};
    const t0 = performance.now();
    for (const e of events) {
      const r = mode === "handleWebhook" ? await sync.handleWebhook(e.headers, e.body) : await sync.applyEvent(e.body);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    const ms = performance.now() - t0;
    db?.close();
    tmp.remove();
    if (statuses.applied !== n) throw new Error(`${mode}: ${JSON.stringify(statuses)}, expected ${n} applied`);
    result[mode] = { ms, perSecond: (n / ms) * 1000 };
  }
  return result;
}

async function childCatchUp(svc, dbPath) {
  const { DirectoryClient, DirectorySync, sqliteStore, Database } = await loadScimkit();
  const client = new DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  const db = openDb(Database, dbPath);
  const sync = new DirectorySync({ client, store: sqliteStore(db) });
  const probe = memoryProbe();
  const t0 = performance.now();
  const first = await sync.catchUp();
  const firstMs = performance.now() - t0;
  const t1 = performance.now();
  const again = await sync.catchUp();
  const againMs = performance.now() - t1;
  db.close();
  return { firstMs, first, againMs, again, ...probe.done() };
}

if (argv[0] === "--child") {
  const [, which, arg1, arg2] = argv;
  const svc = arg1 && arg1.startsWith("{") ? JSON.parse(arg1) : null;
  const run = { walk: () => childWalk(svc), fullSync: () => childFullSync(svc, arg2), webhooks: () => childWebhooks(Number(arg1)), catchUp: () => childCatchUp(svc, arg2) }[which];
  console.log(JSON.stringify(await run()));
  process.exit(0);
}

// ---------- parent ----------

const child = (...args) => {
  const out = execFileSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", ...args, "--pkg", PKG, "--cache-kib", String(CACHE_KIB)], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").pop());
};
const share = (svc, users) => JSON.stringify({ url: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret, orgs: svc.orgs, users });
const retainedRow = (r) => {
  const at = (f) => mib(r.retained[Math.min(r.retained.length - 1, Math.max(0, Math.round(f * r.retained.length) - 1))] ?? 0);
  return r.retained.length ? `${at(0.1)} / ${at(0.5)} / ${at(1)}` : "–";
};

console.log(`# DirectorySync into SQLite — Node ${process.version}, ${new Date().toISOString()}, package ${PKG}`);
console.log(`SQLite page cache: ${CACHE_KIB > 0 ? `${fmt(CACHE_KIB)} KiB (--cache-kib)` : "the driver's default (better-sqlite3: 16,000 KiB)"}; API pace: ${PAGE_MS ? `${PAGE_MS} ms a page` : "the local service's own"}`);

// Part 1.
if (PARTS.includes(1)) {
  const svc = await startDirectoryService(["--orgs", "1", "--users", String(USERS), "--groups", "50", "--memberships", "2", ...pace]);
  const db = tempDb();
  try {
    const s = share(svc, USERS);
    // Each run with the service's CPU over it: at the local pace the two processes share the cores.
    const run = (...args) => {
      const before = svc.cpuMs();
      const r = child(...args);
      const after = svc.cpuMs();
      return { ...r, serviceCpuMs: before === null || after === null ? null : after - before };
    };
    const walk = run("walk", s);
    if (walk.users !== USERS) throw new Error(`walked ${walk.users} users, expected ${USERS}`);
    const first = run("fullSync", s, db.path);
    if (first.summary.user_created !== USERS) throw new Error(`full sync created ${first.summary.user_created}, expected ${USERS}`);
    const walk2 = run("walk", s);
    const again = run("fullSync", s, db.path);
    const memory = SQLITE_ONLY ? null : run("fullSync", s, "memory");
    const nothing = SQLITE_ONLY ? null : run("fullSync", s, "null");
    const walkMs = Math.min(walk.ms, walk2.ms);
    console.log(`\n## 1. Full sync of ${fmt(USERS)} users (50 groups, 2 memberships each) into SQLite vs the bare walk of the same listings\n`);
    const walkCpu = Math.min(walk.cpuMs, walk2.cpuMs);
    console.log("| run | wall s | × bare walk | CPU s (this process) | CPU × bare walk | the service's CPU s | peak RSS MiB | retained after GC at 10 % / 50 % / 100 %, MiB | changes |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---|---:|");
    const row = (label, r, changes) =>
      console.log(
        `| ${label} | ${(r.ms / 1000).toFixed(2)} | ${(r.ms / walkMs).toFixed(2)}× | ${(r.cpuMs / 1000).toFixed(2)} | ${(r.cpuMs / walkCpu).toFixed(2)}× | ${r.serviceCpuMs === null ? "–" : (r.serviceCpuMs / 1000).toFixed(2)} | ${mib(r.peakRss)} | ${retainedRow(r)} | ${changes} |`,
      );
    row("bare walk (DirectoryClient pages, groups + users, include_detail)", walk, "–");
    row("bare walk, again", walk2, "–");
    row("fullSync(), empty database", first, fmt(first.changes));
    row("fullSync() again, nothing to change", again, fmt(again.changes));
    if (memory) row("fullSync() into memoryStore() (no SQL), empty", memory, fmt(memory.changes));
    if (nothing) row("fullSync() into a store that keeps nothing (the engine and HTTP, no storage)", nothing, fmt(nothing.changes));
    console.log(`\n${availableParallelism()} cores. targets: full sync ≤ 1.5× the bare walk; peak RSS ≤ 150 MiB and flat. Second run summary: ${JSON.stringify(Object.fromEntries(Object.entries(again.summary).filter(([, v]) => typeof v === "number" && v)))}`);
  } finally {
    db.remove();
    svc.stop();
  }
}

// Part 2.
if (PARTS.includes(2)) {
  const r = child("webhooks", String(WEBHOOKS));
  console.log(`\n## 2. Webhook apply throughput into SQLite (${fmt(r.n)} events, ${fmt(r.bytes)} bytes each on average, one after the other)\n`);
  console.log("| path | events/s | ms |");
  console.log("|---|---:|---:|");
  console.log(`| handleWebhook (verify + apply) | ${fmt(r.handleWebhook.perSecond)} | ${fmt(r.handleWebhook.ms)} |`);
  console.log(`| applyEvent (apply only) | ${fmt(r.applyEvent.perSecond)} | ${fmt(r.applyEvent.ms)} |`);
  console.log(`| applyEvent into memoryStore() (the engine and the binding, no SQL) | ${fmt(r["applyEvent/memory"].perSecond)} | ${fmt(r["applyEvent/memory"].ms)} |`);
  console.log("\ntarget: ≥ 5,000 events/s");
}

// Part 3.
if (PARTS.includes(3)) {
  const svc = await startDirectoryService(["--orgs", "1", "--users", "0", "--groups", "0", "--event-retention", String(Math.max(100_000, EVENTS))]);
  const db = tempDb();
  try {
    const dirId = svc.orgs[0].directories[0].id;
    const created = [];
    const post = async (ops) => {
      const res = await fetch(`${svc.url}/_admin/mutate`, { method: "POST", body: JSON.stringify(ops) });
      if (!res.ok) throw new Error(`mutate: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()).results;
    };
    for (let i = 0; i < EVENTS / 2; i += 1000) {
      const n = Math.min(1000, EVENTS / 2 - i);
      for (const r of await post(Array.from({ length: n }, () => ({ op: "createUser", directoryId: dirId })))) created.push(r.id);
    }
    for (let i = 0; i < created.length; i += 1000) {
      await post(created.slice(i, i + 1000).map((id, k) => ({ op: "updateUser", id, user: { title: `Title ${i + k}` } })));
    }
    const r = child("catchUp", share(svc, 0), db.path);
    console.log(`\n## 3. catchUp over ${fmt(EVENTS)} events (events API, 100 per page) into SQLite\n`);
    console.log("| run | wall s | events/s | applied | duplicate | peak RSS MiB |");
    console.log("|---|---:|---:|---:|---:|---:|");
    const total = (s) => s.applied + s.duplicate + s.stale + s.ignored + s.rejected;
    console.log(`| first catchUp (empty database) | ${(r.firstMs / 1000).toFixed(2)} | ${fmt((total(r.first) / r.firstMs) * 1000)} | ${fmt(r.first.applied)} | ${fmt(r.first.duplicate)} | ${mib(r.peakRss)} |`);
    console.log(`| catchUp again (every event a duplicate) | ${(r.againMs / 1000).toFixed(2)} | ${fmt((total(r.again) / r.againMs) * 1000)} | ${fmt(r.again.applied)} | ${fmt(r.again.duplicate)} | |`);
    if (total(r.first) !== EVENTS) throw new Error(`the first catch-up read ${total(r.first)} events, expected ${EVENTS}`);
  } finally {
    db.remove();
    svc.stop();
  }
}
