#!/usr/bin/env node
// The floor SQLite sets under a full sync: what its writes alone cost, next to the bare walk.
//   node bench/sqlite-floor.mjs [--users N] [--page-ms N]
// Against the local directory service (a child process; N users, default 100,000, 50 groups,
// 2 memberships each; --page-ms as in bench/sync.mjs):
// 1. the bare walk of the listings (scimkit's DirectoryClient: groups, then users, include_detail,
//    page size 30 — what the full sync reads), twice, in this process;
// 2. a full sync into SQLite (WAL, synchronous = NORMAL, as the example app opens it) through a
//    store that records, for each commit, the statements sqliteStore runs and their parameters;
// 3. those statements alone, replayed into a fresh database: every guard read, every row written,
//    the parameters ready (each row's `data` already JSON text) — no engine, no JSON crossing, no
//    HTTP. Once with one transaction per recorded commit (one listing page, as the full sync
//    commits: each commit carries the checkpoint a crashed run resumes from), then 10 and 100
//    pages a transaction, for what fewer, larger commits would save.
// A full sync can overlap its writes with the server's work on the next page, not with its own
// reading of pages (one thread, and better-sqlite3 blocks it): the walk plus the replay is a lower
// bound for a full sync into SQLite at that commit size, whatever the engine does.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openSqlite, paceArgs, startDirectoryService } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const USERS = opt("--users", 100_000);
const PAGE_MS = opt("--page-ms", 0);

const { DirectoryClient, DirectorySync } = await import(pathToFileURL(join(root, "pkg", "node.mjs")).href);
const { sqliteStore } = await import(pathToFileURL(join(root, "pkg", "lib", "sqlite.js")).href);
const { ROW_WRITES } = await import(pathToFileURL(join(root, "pkg", "lib", "store-sql.js")).href);
const { dataText } = await import(pathToFileURL(join(root, "pkg", "lib", "store-args.js")).href);
const Database = createRequire(join(root, "package.json"))("better-sqlite3");

const dir = mkdtempSync(join(tmpdir(), "scimkit-bench-floor-"));
/** A fresh database file as the example app opens it. */
const openDb = (name) => openSqlite(Database, join(dir, name));
const bit = (b) => (b ? 1 : 0);

/** The statements of sqliteStore's commit, from the package (pkg/lib/store-sql.js). */
function statements(db) {
  sqliteStore(db); // creates the schema
  return Object.fromEntries(Object.entries(ROW_WRITES).map(([name, sql]) => [name, db.prepare(sql)]));
}

/** A commit as the parameters of its statements. */
function recorded(cs) {
  return {
    guards: cs.guards.map((g) => [g.kind, g.kind === "checkpoint" ? g.key : g.id]),
    users: cs.put_users.map((u) => [u.id, u.organization_id, u.directory_id ?? null, u.version, bit(u.deleted), u.groups_version ?? null, u.generation, u.revision, bit(u.active), dataText(u.data)]),
    groups: cs.put_groups.map((g) => [g.id, g.organization_id, g.directory_id ?? null, g.version, bit(g.deleted), g.generation, g.revision, dataText(g.data)]),
    remove: cs.remove_members.map((m) => [m.group_id, m.user_id]),
    add: cs.add_members.map((m) => [m.group_id, m.user_id, m.organization_id, m.directory_id ?? null]),
    checkpoints: cs.checkpoints.map((c) => [c.key, c.value]),
  };
}

/** Replays `commits`, `perTransaction` of them a transaction; wall and CPU ms. */
function replay(commits, perTransaction, db) {
  const s = statements(db);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < commits.length; i += perTransaction) {
    db.exec("BEGIN IMMEDIATE");
    for (let k = i; k < Math.min(commits.length, i + perTransaction); k++) {
      const c = commits[k];
      for (const [kind, key] of c.guards) (kind === "user" ? s.userRevision : kind === "group" ? s.groupRevision : s.checkpoint).get(key);
      for (const u of c.users) s.putUser.run(...u);
      for (const g of c.groups) s.putGroup.run(...g);
      for (const m of c.remove) s.removeMember.run(...m);
      for (const m of c.add) s.addMember.run(...m);
      for (const cp of c.checkpoints) s.putCheckpoint.run(...cp);
    }
    db.exec("COMMIT");
  }
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const svc = await startDirectoryService(["--orgs", "1", "--users", String(USERS), "--groups", "50", "--memberships", "2", ...paceArgs(PAGE_MS)]);
try {
  const client = new DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  const org = svc.orgs[0].id;
  const directory = svc.orgs[0].directories[0].id;
  const walk = async () => {
    const t0 = performance.now();
    let users = 0;
    for await (const _ of client.directoryGroupPages(org, directory, { pageSize: 30, includeDetail: true }));
    for await (const page of client.directoryUserPages(org, directory, { pageSize: 30, includeDetail: true })) users += page.users.length;
    if (users !== USERS) throw new Error(`walked ${users} users, expected ${USERS}`);
    return performance.now() - t0;
  };
  const walks = [await walk(), await walk()];
  const walkMs = Math.min(...walks);

  const commits = [];
  const store = sqliteStore(openDb("recorded.db"));
  const recording = new Proxy(store, {
    get(target, key) {
      if (key === "commit") {
        return (cs) => {
          commits.push(recorded(cs));
          return target.commit(cs);
        };
      }
      const v = target[key];
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const t0 = performance.now();
  const summary = await new DirectorySync({ client, store: recording }).fullSync({ organizationId: org, directoryId: directory });
  const syncMs = performance.now() - t0;
  if (summary.user_created !== USERS) throw new Error(`the full sync created ${summary.user_created} users, expected ${USERS}`);

  const s = (ms) => (ms / 1000).toFixed(2);
  console.log(`# SQLite's floor under a full sync — ${USERS.toLocaleString("en-US")} users, ${PAGE_MS} ms a page, Node ${process.version}, ${new Date().toISOString()}\n`);
  console.log(`bare walk: ${walks.map(s).join(" s, ")} s; the full sync (recording): ${s(syncMs)} s (${(syncMs / walkMs).toFixed(2)}× the faster walk), ${commits.length} commits\n`);
  console.log("| the recorded statements alone | wall s | CPU s | walk + these, × the walk |");
  console.log("|---|---:|---:|---:|");
  for (const per of [1, 10, 100]) {
    const db = openDb(`replay-${per}.db`);
    const r = replay(commits, per, db);
    db.close();
    const label = per === 1 ? "one transaction per commit (a listing page), as the full sync" : `${per} commits a transaction`;
    console.log(`| ${label} | ${s(r.ms)} | ${s(r.cpuMs)} | ${((walkMs + r.ms) / walkMs).toFixed(2)}× |`);
  }
} finally {
  svc.stop();
  rmSync(dir, { recursive: true, force: true });
}
