#!/usr/bin/env node
// A/B of two (or more) builds of the package in ONE process, rounds alternating, for a machine
// shared with other work where separate runs differ more than the builds do. Reports wall time
// and this process's CPU time (user + system), medians over the rounds.
//   node bench/sync-ab.mjs webhooks N ROUNDS PKG_DIR...   applyEvent of N signed events into SQLite
//   node bench/sync-ab.mjs full USERS ROUNDS PKG_DIR...   bare walk, then fullSync() into SQLite
//     [--groups N] [--memberships N]: the directory's groups and each user's memberships (50, 2)
// PKG_DIR: a built package (pkg/, or a copy of another build's pkg/). SQLite as the example app
// opens it: WAL, synchronous = NORMAL, a fresh file per run. An onChange that counts the changes,
// as bench/sync.mjs has (an app has one: each change crosses to it).
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openSqlite, startDirectoryService } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
/** `--groups N` / `--memberships N` (full mode): the directory's groups and each user's memberships (default 50 and 2). */
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return value;
};
const GROUPS = flag("--groups", "50");
const MEMBERSHIPS = flag("--memberships", "2");
const [mode, countArg, roundsArg, ...pkgs] = args;
const count = Number(countArg);
const rounds = Number(roundsArg);
if (!["webhooks", "full"].includes(mode) || !(count > 0) || !(rounds > 0) || pkgs.length === 0) {
  console.error("usage: node bench/sync-ab.mjs webhooks|full COUNT ROUNDS PKG_DIR...");
  process.exit(2);
}
const Database = createRequire(join(root, "package.json"))("better-sqlite3");
let changes = 0;
const onChange = () => {
  changes++;
};

async function load(pkg) {
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  const entry = (spec) => {
    let e = manifest.exports[spec];
    while (e && typeof e === "object") e = e.node?.import ?? e.node ?? e.import ?? e.default;
    return pathToFileURL(join(pkg, e)).href;
  };
  return { pkg, main: await import(entry(".")), sqlite: await import(entry("./sqlite")), runs: [] };
}

function openDb() {
  const dir = mkdtempSync(join(tmpdir(), "scimkit-sync-ab-"));
  const db = openSqlite(Database, join(dir, "directory.db"));
  return { db, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function measure(f) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, out };
}

/** user_created then user_updated (2 groups) events, as bench/sync.mjs sends them. */
function events(n) {
  const half = n / 2;
  return Array.from({ length: n }, (_, i) => {
    const u = i % half;
    const updated = i >= half;
    return JSON.stringify({
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
        given_name: "Given",
        family_name: `Family${u}`,
        title: updated ? "Senior Engineer" : "Engineer",
        groups: updated ? [{ id: `dirgroup_${u % 50}`, name: "G" }, { id: `dirgroup_${(u * 7 + 1) % 50}`, name: "H" }] : null,
        raw_attributes: { userName: `user${u}@example.test`, active: true, name: { givenName: "Given", familyName: `Family${u}` } },
      },
    });
  });
}

const builds = [];
for (const pkg of pkgs) builds.push(await load(pkg));
let service = null;
if (mode === "full") {
  const svc = await startDirectoryService(["--orgs", "1", "--users", String(count), "--groups", GROUPS, "--memberships", MEMBERSHIPS]);
  service = { svc, org: svc.orgs[0].id, dir: svc.orgs[0].directories[0].id, stop: svc.stop };
}
const bodies = mode === "webhooks" ? events(count) : [];

try {
  for (let r = 0; r < rounds; r++) {
    for (const b of r % 2 ? [...builds].reverse() : builds) {
      const { db, close } = openDb();
      try {
        if (mode === "webhooks") {
          const sync = new b.main.DirectorySync({ store: b.sqlite.sqliteStore(db), onChange });
          const run = await measure(async () => {
            for (const body of bodies) if ((await sync.applyEvent(body)).status !== "applied") throw new Error("not applied");
          });
          b.runs.push(run);
          console.log(`round ${r} ${b.pkg}: ${Math.round((count / run.wall) * 1000)} events/s wall, ${Math.round((count / run.cpu) * 1000)} per CPU-second`);
        } else {
          const { svc, org, dir } = service;
          const client = new b.main.DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
          const walk = await measure(async () => {
            for await (const p of client.directoryGroupPages(org, dir, { pageSize: 30, includeDetail: true })) void p;
            for await (const p of client.directoryUserPages(org, dir, { pageSize: 30, includeDetail: true })) void p;
          });
          const sync = new b.main.DirectorySync({ client, store: b.sqlite.sqliteStore(db), onChange });
          const run = await measure(() => sync.fullSync());
          if (run.out.user_created !== count) throw new Error(`created ${run.out.user_created}, expected ${count}`);
          b.runs.push({ ...run, walk });
          console.log(`round ${r} ${b.pkg}: walk ${(walk.wall / 1000).toFixed(2)} s (CPU ${(walk.cpu / 1000).toFixed(2)}), fullSync ${(run.wall / 1000).toFixed(2)} s (CPU ${(run.cpu / 1000).toFixed(2)})`);
        }
      } finally {
        close();
      }
    }
  }
} finally {
  service?.stop();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const b of builds) {
  if (mode === "webhooks") {
    console.log(`${b.pkg}: median ${Math.round(median(b.runs.map((x) => (count / x.wall) * 1000)))} events/s wall, ${Math.round(median(b.runs.map((x) => (count / x.cpu) * 1000)))} per CPU-second`);
  } else {
    const s = (f) => (median(b.runs.map(f)) / 1000).toFixed(2);
    const x = (f) => median(b.runs.map(f)).toFixed(2);
    console.log(
      `${b.pkg}: median walk ${s((r) => r.walk.wall)} s (CPU ${s((r) => r.walk.cpu)}), fullSync ${s((r) => r.wall)} s (CPU ${s((r) => r.cpu)}), ` +
        `fullSync / walk ${x((r) => r.wall / r.walk.wall)}× wall, ${x((r) => r.cpu / r.walk.cpu)}× CPU`,
    );
  }
}
