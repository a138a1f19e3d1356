// Crash safety end to end: the example app's process (examples/express-sqlite, SQLite) is killed
// with SIGKILL at seeded random points of full syncs, 20 times, and started again. Each restart
// resumes from the stored checkpoint (the listings are not walked again from the start); in the end
// the database equals the directory and equals a copy that ran the same full sync without a crash,
// and no change was applied twice: the app's change log (its onChange hook, one row per change)
// holds no change twice and nothing the uninterrupted run did not do, and the summary the resumed
// run reports equals the uninterrupted one's.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  appEnv, assertStoreEqualsDirectory, changesOf, diffSnapshots, directories, pickSome, prepareExample, prng, startApp,
  startDirectoryService, storeSnapshot,
} from "./lib.mjs";

const SEED = 4242;
const KILLS = 20;
const USERS = Number(process.env.SYNC_E2E_CRASH_USERS ?? 3000);

let example;
let mod;
before(async () => {
  example = prepareExample("sync-e2e-crash");
  mod = await example.load();
});
after(() => example?.cleanup());

const keyOf = (r) => `${r.kind}|${r.id}|${r.group_id ?? ""}`;
const summaryLine = /^\[sync\] full: \{/;
const parseSummary = (line) => JSON.parse(line.slice("[sync] full: ".length));

/** The change-log rows written after `afterSeq`. */
function changeLog(dbPath, afterSeq = 0) {
  const db = new mod.Database(dbPath, { readonly: true });
  try {
    return db.prepare("SELECT seq, pid, kind, id, group_id FROM app_change_log WHERE seq > ? ORDER BY seq").all(afterSeq);
  } finally {
    db.close();
  }
}
const lastSeq = (dbPath) => {
  const db = new mod.Database(dbPath, { readonly: true });
  try {
    return db.prepare("SELECT coalesce(max(seq), 0) FROM app_change_log").pluck().get();
  } finally {
    db.close();
  }
};
/** `fn(store)` over a connection of its own, closed after. */
async function withStore(dbPath, fn) {
  const db = new mod.Database(dbPath);
  try {
    return await fn(mod.sqliteStore(db));
  } finally {
    db.close();
  }
}
const listingRequests = (svc) => {
  const s = svc.stats().byEndpoint;
  return (s.listUsers?.total ?? 0) + (s.listGroups?.total ?? 0);
};

/** Changes the directory between two full syncs (no webhooks: only the full sync sees them). */
function changeDirectory(svc, directoryId, userIds, groupIds, rand) {
  const live = new Set(userIds);
  const take = (n) => {
    const ids = pickSome(rand, [...live], n);
    return ids;
  };
  for (const id of take(200)) svc.updateUser(id, { family_name: `Family ${Math.floor(rand() * 1e6)}` });
  for (const id of take(80)) svc.updateUser(id, { active: false });
  for (const id of take(60)) svc.updateUser(id, { groups: pickSome(rand, groupIds, 1 + Math.floor(rand() * 3)) });
  for (const id of take(60)) {
    svc.deleteUser(id);
    live.delete(id);
  }
  for (let i = 0; i < 60; i++) live.add(svc.createUser(directoryId, { groups: pickSome(rand, groupIds, Math.floor(rand() * 3)) }).id);
  svc.updateGroup(groupIds[0], { display_name: `Renamed ${Math.floor(rand() * 1e6)}` });
  return [...live];
}

test(`SIGKILL at ${KILLS} random points of full syncs: each restart resumes, the database ends equal to the directory, no change applied twice`, { timeout: 420_000 }, async (t) => {
  const rand = prng(SEED);
  const svc = await startDirectoryService({ seed: SEED, orgs: 1, usersPerDirectory: USERS, groupsPerDirectory: 20, membershipsPerUser: 2 });
  const dbPath = join(example.tmp, "crash.db");
  const env = appEnv(svc, dbPath, { SYNC_ON_START: "full" });
  const dirs = await directories(svc);
  const [{ organizationId, directoryId }] = dirs;
  let userIds = [];
  let groupIds = [];
  let kills = 0;
  const restartsWithoutProgress = [];
  try {
    for (let phase = 1; phase <= 4 && kills < KILLS; phase++) {
      if (phase > 1) {
        if (userIds.length === 0) {
          await withStore(dbPath, async (store) => {
            userIds = (await store.listUsers({ organizationId, directoryId })).filter((u) => u.active).map((u) => u.id);
            groupIds = (await store.listGroups({ organizationId, directoryId })).map((g) => g.id);
          });
        }
        userIds = changeDirectory(svc, directoryId, userIds, groupIds, rand);
      }

      // The same full sync without a crash, on a copy of the database as it is now.
      const refPath = join(example.tmp, `crash-ref-${phase}.db`);
      {
        const db = new mod.Database(dbPath);
        db.exec("CREATE TABLE IF NOT EXISTS app_change_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, pid INTEGER NOT NULL, kind TEXT NOT NULL, organization_id TEXT NOT NULL, directory_id TEXT, id TEXT NOT NULL, group_id TEXT)");
        await db.backup(refPath);
        db.close();
      }
      const refFrom = lastSeq(refPath);
      svc.resetStats();
      const ref = await startApp(example.appPath, { ...env, DB_PATH: refPath });
      await ref.waitForLine(/^\[sync\] full: started$/, 30_000);
      const refT0 = Date.now();
      const refSummary = parseSummary(await ref.waitForLine(summaryLine, 180_000));
      const refMs = Date.now() - refT0;
      await ref.stop();
      const refPages = listingRequests(svc);
      const refLog = changeLog(refPath, refFrom).map(keyOf);
      const refSet = new Set(refLog);
      assert.equal(refSet.size, refLog.length, "the uninterrupted run reports each change once");

      // Killed at random points until it completes (or the kills of this phase are spent).
      const from = lastSeq(dbPath);
      svc.resetStats();
      const budget = phase === 1 ? Math.ceil(KILLS / 2) : KILLS - kills;
      let spent = 0;
      let finalSummary = null;
      let starts = 0;
      const delays = [];
      for (let attempt = 0; attempt < 60 && finalSummary === null; attempt++) {
        const app = await startApp(example.appPath, env);
        starts++;
        await app.waitForLine(/^\[sync\] full: started$/, 30_000);
        if (spent >= budget) {
          finalSummary = parseSummary(await app.waitForLine(summaryLine, 180_000));
          await app.stop();
          break;
        }
        // A random point of what is left of the run (an estimate from the uninterrupted one).
        const left = Math.max(30, refMs - delays.reduce((a, b) => a + b, 0));
        const delay = Math.floor(rand() * Math.min(left, (2 * left) / (budget - spent + 1)));
        const rowsBefore = lastSeq(dbPath);
        await sleep(delay);
        const done = app.lines.find((l) => summaryLine.test(l));
        if (done) {
          finalSummary = parseSummary(done);
          await app.stop();
          break;
        }
        await app.kill("SIGKILL");
        delays.push(delay);
        spent++;
        kills++;
        if (lastSeq(dbPath) === rowsBefore) restartsWithoutProgress.push(delay);
      }
      assert.ok(finalSummary, `phase ${phase}: the full sync completed`);
      const pages = listingRequests(svc);
      const log = changeLog(dbPath, from);
      const keys = log.map(keyOf);
      const seen = new Map();
      for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
      const twice = [...seen].filter(([, n]) => n > 1);
      const extra = keys.filter((k) => !refSet.has(k));
      const missing = refLog.filter((k) => !seen.has(k));
      t.diagnostic(
        `phase ${phase}: ${spent} kills at ${JSON.stringify(delays)} ms (uninterrupted run ${refMs} ms, ${refPages} listing pages); ` +
          `${starts} starts, ${pages} listing pages in all; changes ${keys.length} logged / ${refLog.length} uninterrupted, ` +
          `${missing.length} not logged (killed between a commit and its onChange); summary ${JSON.stringify(changesOf(finalSummary))}`,
      );
      assert.deepEqual(twice.slice(0, 5), [], `phase ${phase}: no change reported twice`);
      assert.deepEqual(extra.slice(0, 5), [], `phase ${phase}: nothing the uninterrupted run did not do`);
      // A kill loses at most the reports of the commit in flight: one page (30 users, each with
      // its memberships) or one sweep batch.
      assert.ok(missing.length <= spent * 150, `phase ${phase}: ${missing.length} changes not reported for ${spent} kills`);
      // The resumed run's counts (kept in the checkpoint across restarts) equal the uninterrupted run's.
      assert.deepEqual(finalSummary, refSummary, `phase ${phase}: the summary of the resumed run`);
      // Each restart resumed: the listings were not walked again from the start (at most the page
      // in flight, and the one fetched ahead, again per restart).
      assert.ok(pages <= refPages + 2 * spent + 2, `phase ${phase}: ${pages} listing pages for ${spent} restarts (one run: ${refPages})`);
      // The database equals the directory, and equals the copy that never crashed.
      await withStore(dbPath, (store) => assertStoreEqualsDirectory(svc, store, `phase ${phase}`, { missingDeactivated: true }));
      const diff = diffSnapshots(await withStore(refPath, (s) => storeSnapshot(s, dirs)), await withStore(dbPath, (s) => storeSnapshot(s, dirs)));
      assert.deepEqual(diff, [], `phase ${phase}: the crashed database equals the uninterrupted one`);
    }
    assert.ok(kills >= KILLS, `${kills} kills at random points of full syncs (want ${KILLS})`);
    t.diagnostic(`kills that landed before any change was reported: ${restartsWithoutProgress.length}`);
  } finally {
    await svc.close();
  }
});
