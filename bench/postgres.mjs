#!/usr/bin/env node
// DirectorySync into PostgreSQL (scimkit/postgres over a pg Pool) against the local directory
// service (a child process), next to the bare walk of the same listings.
//   node bench/postgres.mjs [--users N] [--fast]
// Full sync of N users (default 100,000; 50 groups, 2 memberships each) into an empty database,
// then again (nothing to change); the bare walk (scimkit's DirectoryClient: groups and users,
// include_detail, page size 30 — what the full sync reads) before each. Each run in a fresh
// process: wall time, peak RSS of that process, memory retained after a GC at every tenth of the
// run. The server is a throwaway cluster (tests/js/lib/postgres-server.mjs) with PostgreSQL's
// default durability (fsync on, synchronous_commit on); --fast turns both off, as the tests do.
// `--users 1000000` for a million (the walk alone is 33,334 pages).
// --page-ms N: every API response delayed N ms (the service's slow fault), for the reference API's pace
// (100–300 ms a page); default 0, the local service's own pace (a few ms a page).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { paceArgs, startDirectoryService } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const USERS = opt("--users", 100_000);
const PAGE_MS = opt("--page-ms", 0);
const pace = paceArgs(PAGE_MS);
const FAST = argv.includes("--fast");
const mib = (b) => (b / 1024 / 1024).toFixed(1);
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** scimkit from pkg/ (the main entry and the `./postgres` subpath, as its exports map says), and pg. */
async function loadScimkit() {
  const manifest = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8"));
  const entry = (spec) => {
    let e = manifest.exports[spec];
    while (e && typeof e === "object") e = e.node?.import ?? e.node?.default ?? e.node ?? e.import ?? e.default;
    if (typeof e !== "string") throw new Error(`pkg/package.json: no Node entry for "${spec}"`);
    return pathToFileURL(join(root, "pkg", e)).href;
  };
  const main = await import(entry("."));
  const { postgresStore } = await import(entry("./postgres"));
  const pg = createRequire(join(root, "package.json"))("pg");
  return { ...main, postgresStore, pg };
}

/** Samples RSS every 5 ms; `gc()` records retained memory after a full GC. */
function memoryProbe() {
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
      return { peakRss: Math.max(peakRss, process.memoryUsage().rss), retained };
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
  let users = 0;
  for await (const page of client.directoryGroupPages(org, dir, { pageSize: 30, includeDetail: true })) void page;
  for await (const page of client.directoryUserPages(org, dir, { pageSize: 30, includeDetail: true })) {
    users += page.users.length;
    if (users % Math.round(svc.users / 10) < 30) probe.gc();
  }
  return { ms: performance.now() - t0, users, ...probe.done() };
}

async function childFullSync(svc, databaseUrl) {
  const { DirectoryClient, DirectorySync, postgresStore, pg } = await loadScimkit();
  const client = new DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const store = postgresStore(pool);
  await store.migrate();
  const probe = memoryProbe();
  let changes = 0;
  const tenth = Math.max(1, Math.round(svc.users / 10));
  let usersSeen = 0;
  const sync = new DirectorySync({
    client,
    store,
    onChange: (c) => {
      changes++;
      if (c.kind === "user_created" && ++usersSeen % tenth === 0) probe.gc();
    },
  });
  const t0 = performance.now();
  const summary = await sync.fullSync();
  const ms = performance.now() - t0;
  const { rows } = await pool.query("SELECT count(*)::int AS users FROM scimkit_users");
  await pool.end();
  return { ms, changes, summary, stored: rows[0].users, ...probe.done() };
}

if (argv[0] === "--child") {
  const [, which, arg1, arg2] = argv;
  const svc = JSON.parse(arg1);
  console.log(JSON.stringify(await (which === "walk" ? childWalk(svc) : childFullSync(svc, arg2))));
  process.exit(0);
}

// ---------- parent ----------

const child = (...args) => {
  const out = execFileSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", ...args], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").pop());
};
const retainedRow = (r) => {
  const at = (f) => mib(r.retained[Math.min(r.retained.length - 1, Math.max(0, Math.round(f * r.retained.length) - 1))] ?? 0);
  return r.retained.length ? `${at(0.1)} / ${at(0.5)} / ${at(1)}` : "–";
};

const { startPostgres } = await import(pathToFileURL(join(root, "tests/js/lib/postgres-server.mjs")).href);
const server = await startPostgres({ settings: FAST ? { fsync: "off", synchronous_commit: "off", full_page_writes: "off" } : {} });
const svc = await startDirectoryService(["--orgs", "1", "--users", String(USERS), "--groups", "50", "--memberships", "2", ...pace]);
try {
  const pg = createRequire(join(root, "package.json"))("pg");
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  const version = (await admin.query("SHOW server_version")).rows[0].server_version;
  await admin.query("CREATE DATABASE bench");
  await admin.end();
  console.log(`# DirectorySync into PostgreSQL ${version} (${FAST ? "fsync off" : "default durability"}) — Node ${process.version}, ${new Date().toISOString()}`);
  const s = JSON.stringify({ url: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret, orgs: svc.orgs, users: USERS });
  const db = server.urlFor("bench");
  const walk = child("walk", s);
  if (walk.users !== USERS) throw new Error(`walked ${walk.users} users, expected ${USERS}`);
  const first = child("fullSync", s, db);
  if (first.summary.user_created !== USERS || first.stored !== USERS) throw new Error(`full sync created ${first.summary.user_created} (${first.stored} stored), expected ${USERS}`);
  const walk2 = child("walk", s);
  const again = child("fullSync", s, db);
  const walkMs = Math.min(walk.ms, walk2.ms);
  console.log(`\n## Full sync of ${fmt(USERS)} users (50 groups, 2 memberships each) into PostgreSQL vs the bare walk of the same listings\n`);
  console.log("| run | wall s | × bare walk | peak RSS MiB | retained after GC at 10 % / 50 % / 100 %, MiB | changes |");
  console.log("|---|---:|---:|---:|---|---:|");
  const row = (label, r, changes) => console.log(`| ${label} | ${(r.ms / 1000).toFixed(2)} | ${(r.ms / walkMs).toFixed(2)}× | ${mib(r.peakRss)} | ${retainedRow(r)} | ${changes} |`);
  row("bare walk (DirectoryClient pages, groups + users, include_detail)", walk, "–");
  row("bare walk, again", walk2, "–");
  row("fullSync() into postgresStore, empty database", first, fmt(first.changes));
  row("fullSync() again, nothing to change", again, fmt(again.changes));
} finally {
  svc.stop();
  await server.stop();
}
