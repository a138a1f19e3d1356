// Many processes on one PostgreSQL database, end to end (issue 11): four processes of the example
// app (examples/express-sqlite with DATABASE_URL, so scimkit/postgres) behind a load balancer get
// one stream of the local directory service's signed webhook deliveries — with drops, repeats,
// reordering and forgeries — each delivery sent to a random process, one in five to two processes
// at the same moment, several deliveries in flight at once (as a sender with parallel workers);
// meanwhile a fifth process runs full syncs back to back. Then `catchUp()`. Asserted: no event
// applied twice (at most one 201 per event over every process, and the catch-up finds exactly the
// delivered events already applied), no lost update (after the catch-up, the store equals the
// directory in every field the events carry: a lost write would stay lost, as its event id is
// stored), and after a full sync the store equals the directory in every field. The server is a
// throwaway cluster the test starts (tests/js/lib/postgres-server.mjs) and stops.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startPostgres } from "../lib/postgres-server.mjs";
import { makeHistory } from "./history.mjs";
import {
  appEnv, assertStoreEqualsDirectory, changesOf, directories, pickOne, pickSome, prepareExample, prng, startApp,
  startDirectoryService,
} from "./lib.mjs";

const SEED = 5005;
const WEBHOOK_PROCESSES = 4;
const FAULTS = { drop: 0.1, repeat: 0.05, reorder: 0.1, tamper: 0.03, holdMs: 500 };

let example;
let mod;
let server;
before(async () => {
  example = prepareExample("sync-e2e-postgres");
  mod = await example.load();
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
  example?.cleanup();
});

/**
 * A load balancer in front of the app processes, fed by the directory service's courier (which
 * sends one message at a time and waits for the answer). It answers the courier 202 at once and
 * forwards in the background — at most `inFlight` deliveries at a time — to one random process, or
 * with probability `pairShare` to two at the same moment; a 500 or a network error is retried
 * (3 times, as a sender would). Every answer is recorded per delivery.
 */
async function startBalancer(apps, rand, { pairShare = 0.2, inFlight = 8 } = {}) {
  const log = [];
  const jobs = new Set();
  const forward = async (send, headers, body) => {
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await sleep(25 * attempt);
      try {
        const res = await fetch(apps[send.proc].webhookUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        send.statuses.push(res.status);
        if (res.status !== 500) return;
      } catch (err) {
        send.statuses.push(`error: ${err.message}`);
      }
    }
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const headers = {};
      for (const h of ["content-type", "webhook-id", "webhook-timestamp", "webhook-signature"]) headers[h] = req.headers[h];
      const procs = rand() < pairShare ? pickSome(rand, [...apps.keys()], 2) : [pickOne(rand, [...apps.keys()])];
      const entry = { webhookId: headers["webhook-id"], pair: procs.length === 2, sends: procs.map((proc) => ({ proc, statuses: [] })) };
      log.push(entry);
      while (jobs.size >= inFlight) await Promise.race(jobs);
      const job = Promise.all(entry.sends.map((s) => forward(s, headers, body))).finally(() => jobs.delete(job));
      jobs.add(job);
      res.writeHead(202).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    log,
    /** Resolves when every forward has its final answer. */
    async drain() {
      while (jobs.size > 0) await Promise.all([...jobs]);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test("4 processes on one PostgreSQL database get one stream of deliveries (some to two at once) while a 5th runs full syncs: each event applied once, no lost update, the store equals the directory", { timeout: 300_000 }, async (t) => {
  const rand = prng(SEED);
  const admin = new mod.pg.Pool({ connectionString: server.url, max: 1 });
  await admin.query("CREATE DATABASE scimkit_e2e");
  await admin.end();
  const databaseUrl = server.urlFor("scimkit_e2e");
  const svc = await startDirectoryService({ seed: SEED, orgs: 3, emptyOrgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0, deliveryFaults: { ...FAULTS, seed: SEED } });
  const apps = [];
  let balancer;
  const pool = new mod.pg.Pool({ connectionString: databaseUrl, max: 2 });
  const store = mod.postgresStore(pool);
  try {
    // Five processes of the example app on the same database; they migrate it together.
    const env = appEnv(svc, "", { DATABASE_URL: databaseUrl, DB_POOL_SIZE: "4" });
    // Every process that started is stopped in `finally`, even when another failed to start.
    const started = await Promise.allSettled(Array.from({ length: WEBHOOK_PROCESSES + 1 }, () => startApp(example.appPath, env)));
    for (const s of started) if (s.status === "fulfilled") apps.push(s.value);
    const failedStart = started.find((s) => s.status === "rejected");
    if (failedStart) throw failedStart.reason;
    const syncer = apps[WEBHOOK_PROCESSES];
    balancer = await startBalancer(apps.slice(0, WEBHOOK_PROCESSES), rand);
    await svc.setWebhookEndpoint({ url: balancer.url, retrySchedule: [0, 10] });
    const dirs = await directories(svc);

    // The history: 1,000 users and 50 groups created, then 1,200 changes. Its events queue up
    // for delivery at once; full syncs run back to back in the 5th process while they flow.
    const { counts } = makeHistory(svc, dirs, [{ groups: 30, users: 600 }, { groups: 20, users: 400 }], { rand, changes: 1200 });
    const events = svc.events();
    const t0 = Date.now();
    let streaming = true;
    const fullSyncs = [];
    const fullLoop = (async () => {
      while (streaming && fullSyncs.length < 30) {
        const started = Date.now() - t0;
        const { fullSync } = await syncer.sync("full", { timeoutMs: 240_000 });
        fullSyncs.push({ started, ended: Date.now() - t0, changes: changesOf(fullSync) });
      }
    })();
    await svc.flushWebhooks();
    await balancer.drain();
    const streamMs = Date.now() - t0;
    streaming = false;
    await fullLoop;
    t.diagnostic(`history: ${JSON.stringify(counts)}; ${events.length} events, streamed in ${streamMs} ms`);
    t.diagnostic(`full syncs while streaming: ${JSON.stringify(fullSyncs)}`);
    assert.ok(fullSyncs.length >= 1 && fullSyncs[0].started < streamMs, "a full sync ran while the deliveries flowed");

    // The stream met every fault; the balancer sent some deliveries to two processes at once.
    const status = svc.webhookStatus();
    t.diagnostic(`deliveries: ${JSON.stringify({ sent: status.sent, dropped: status.dropped, repeated: status.repeated, reordered: status.reordered, tampered: status.tampered })}`);
    for (const k of ["dropped", "repeated", "reordered", "tampered"]) assert.ok(status[k] > 0, `some deliveries were ${k}`);
    const fates = new Map(svc.webhookDeliveries().map((d) => [d.webhook_id, d]));
    const pairs = balancer.log.filter((e) => e.pair);
    const perProcess = Array(WEBHOOK_PROCESSES).fill(0);
    for (const e of balancer.log) for (const s of e.sends) perProcess[s.proc]++;
    t.diagnostic(`balancer: ${balancer.log.length} deliveries, ${pairs.length} to two processes at once; per process ${JSON.stringify(perProcess)}`);
    assert.ok(pairs.length >= 50, "many deliveries went to two processes at once");
    assert.ok(perProcess.every((n) => n > 100), "every process took its share");

    // Each delivery answered as the contract says; each event applied (201) at most once in all.
    const applied = new Map(); // event id → 201 answers over every process
    const accepted = new Set(); // event ids some process answered 200 or 201 for
    const retried = balancer.log.filter((e) => e.sends.some((s) => s.statuses.length > 1));
    for (const e of balancer.log) {
      const fate = fates.get(e.webhookId);
      assert.ok(fate, `the service sent ${e.webhookId}`);
      const finals = e.sends.map((s) => s.statuses.at(-1));
      if (fate.tampered) {
        assert.ok(finals.every((s) => s === 400), `a forged delivery is answered 400: ${JSON.stringify(e)}`);
        continue;
      }
      assert.ok(finals.every((s) => s === 200 || s === 201), `a genuine delivery is answered 200 or 201 in the end: ${JSON.stringify(e)}`);
      accepted.add(fate.event_id);
      const n = e.sends.flatMap((s) => s.statuses).filter((s) => s === 201).length;
      applied.set(fate.event_id, (applied.get(fate.event_id) ?? 0) + n);
    }
    t.diagnostic(`answers retried after a 500 or a network error: ${retried.length}${retried.length ? ` (first: ${JSON.stringify(retried[0])})` : ""}`);
    const twice = [...applied].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], "no event answered 201 (applied) twice");
    const bothAnswered = pairs.filter((e) => !fates.get(e.webhookId).tampered);
    assert.ok(bothAnswered.some((e) => e.sends.map((s) => s.statuses.at(-1)).sort().join() === "200,201"), "a pair: one process applied it, the other found it a duplicate");

    // catchUp() (in one of the processes): the delivered events are duplicates, every other
    // event is applied now (or stale, or ignored).
    const { catchUp } = await apps[0].sync("catch-up");
    t.diagnostic(`catchUp: ${JSON.stringify(catchUp)}`);
    assert.equal(catchUp.rejected, 0, "no event rejected");
    assert.equal(catchUp.duplicate, accepted.size, "every event a process accepted is stored as applied");
    assert.equal(catchUp.applied + catchUp.stale + catchUp.ignored, events.length - accepted.size, "every other event applied (or stale) now");
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM scimkit_events");
    assert.equal(rows[0].n, events.length, "one row per event in scimkit_events");

    // No lost update: every field the events carry equals the directory's.
    const cmp = await assertStoreEqualsDirectory(svc, store, "after catchUp()");
    t.diagnostic(`after catchUp() the store equals the directory in every field: ${JSON.stringify(cmp.sizes)}`);
    assert.ok(cmp.sizes.users > 900 && cmp.sizes.groups >= 45 && cmp.sizes.memberships > 1000, JSON.stringify(cmp.sizes));

    // A full sync then finds nothing to change.
    const { fullSync } = await syncer.sync("full");
    t.diagnostic(`fullSync after: ${JSON.stringify(fullSync)}`);
    assert.deepEqual(changesOf(fullSync), {}, "fullSync() after catchUp() changes nothing");
    await assertStoreEqualsDirectory(svc, store, "after fullSync(), every field");

    // What the database saw: transactions rolled back (lost races, retried by the core) next to
    // those committed. Counted by the server's statistics, flushed as the apps' connections end.
    await Promise.all(apps.map((a) => a.stop()));
    apps.length = 0;
    await sleep(1200);
    const stats = (await pool.query("SELECT xact_commit::int AS commits, xact_rollback::int AS rollbacks, deadlocks::int FROM pg_stat_database WHERE datname = 'scimkit_e2e'")).rows[0];
    t.diagnostic(`database: ${JSON.stringify(stats)}`);
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await balancer?.close();
    await pool.end();
    await svc.close();
  }
});
