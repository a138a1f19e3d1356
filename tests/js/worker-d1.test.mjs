// The Worker example (examples/worker-d1) under Miniflare with a real D1 and a real Queue, against
// the local directory service on 127.0.0.1: the Worker bundled as wrangler would (the installed
// tarball's workerd entry and scimkit/d1), wrapped by tests/js/d1/test-worker.mjs, which injects
// faults at random points — commits that die before or after their batch, steps that die before
// or after enqueuing their continuation, continuations delivered twice, consumers that vanish
// holding the lease. Miniflare's queue delivers and retries the messages itself; the test only
// plays the Cron Trigger (scheduled(), and "ticks" that revive a run whose lease expired).
// Then: the store equals the directory, each generation's counts equal those of one clean full
// sync of the same directory (run in Node over memoryStore), and no change was reported twice.
// WORKER_D1_USERS (default 20,000 per directory, 2 directories: 40,000 users, about 2 minutes on a busy 2-core machine) sizes the directory.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { prepareProject, repoRoot } from "./lib/harness.mjs";
import { assertStoreEqualsDirectory, directories, pickSome, prng, signWebhook, startDirectoryService } from "./sync-e2e/lib.mjs";

const USERS = Number(process.env.WORKER_D1_USERS ?? 20_000);
const FAULT_RATE = Number(process.env.WORKER_D1_FAULT_RATE ?? 0.08);
const SEED = Number(process.env.WORKER_D1_SEED ?? 11);
const QUEUE = "scimkit-full-sync";
const CRON = "0 */6 * * *";

let proj;
let svc;
let mf;
let pkg;
let d1Store;
let db;
let dirs;
let reference;

before(async () => {
  proj = prepareProject("worker-d1");
  svc = await startDirectoryService({ seed: `worker-d1-${SEED}`, orgs: 2, usersPerDirectory: USERS, groupsPerDirectory: 25, membershipsPerUser: 2 });
  const src = join(proj.project, "worker-src");
  cpSync(join(repoRoot, "examples", "worker-d1", "src", "worker.js"), join(src, "worker.js"));
  cpSync(join(repoRoot, "tests", "js", "d1", "test-worker.mjs"), join(src, "test-worker.mjs"));
  const out = await build({
    entryPoints: [join(src, "test-worker.mjs")],
    absWorkingDir: proj.project,
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    plugins: [
      {
        name: "wasm-external",
        setup(b) {
          b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./scimkit_bg.wasm", external: true }));
        },
      },
    ],
    logLevel: "warning",
  });
  mf = new Miniflare({
    compatibilityDate: "2026-04-01",
    modules: [
      { type: "ESModule", path: "worker.mjs", contents: out.outputFiles[0].text },
      { type: "CompiledWasm", path: "scimkit_bg.wasm", contents: readFileSync(join(proj.installed, "scimkit_bg.wasm")) },
    ],
    d1Databases: { DB: "scimkit-directory" },
    queueProducers: { SYNC_QUEUE: { queueName: QUEUE } },
    queueConsumers: { [QUEUE]: { maxBatchSize: 1, maxBatchTimeout: 1, maxRetries: 100, retryDelay: 0 } },
    bindings: {
      DIRECTORY_URL: svc.url,
      DIRECTORY_CLIENT_ID: svc.clientId,
      DIRECTORY_CLIENT_SECRET: svc.clientSecret,
      DIRECTORY_WEBHOOK_SECRET: svc.webhookSecret,
      ADMIN_TOKEN: "worker-admin-token",
      FULL_SYNC_PAGES_PER_STEP: "12",
      FULL_SYNC_LEASE_SECONDS: "2",
      FAULT_RATE: String(FAULT_RATE),
      FAULT_SEED: String(SEED),
      ...(process.env.WORKER_D1_LOG_STEPS ? { LOG_STEPS: "1" } : {}),
    },
  });
  await mf.ready;
  pkg = await import(pathToFileURL(join(proj.installed, "node.mjs")).href);
  ({ d1Store } = await import(pathToFileURL(join(proj.installed, "lib", "d1.js")).href));
  db = await mf.getD1Database("DB");
  dirs = await directories(svc);
  // One clean full sync of each directory in Node, over memoryStore: what each generation's
  // counts must be.
  const client = new pkg.DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  reference = { sync: new pkg.DirectorySync({ client, store: pkg.memoryStore() }) };
});

after(async () => {
  await mf?.dispose();
  await svc?.close();
  proj?.cleanup();
});

const CHANGE_KINDS = ["user_created", "user_updated", "user_deactivated", "user_reactivated", "user_deleted", "group_created", "group_updated", "group_deleted", "member_added", "member_removed", "unchanged"];
const countsOf = (summary) => Object.fromEntries(CHANGE_KINDS.map((k) => [k, summary[k] ?? 0]));

async function progress() {
  await d1Store(db).ready(); // the tables exist before the Worker's first step made them
  const rows = (await db.prepare("SELECT key, value FROM scimkit_checkpoints WHERE key LIKE 'full:%'").all()).results;
  return new Map(rows.map((r) => [r.key.slice(5), JSON.parse(r.value)]));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every directory's run of `generation` is done (bounded), playing the Cron Trigger:
 * every `tickMs` a job for each directory not done yet, with a new owner and that generation
 * (it is busy while a live step holds the lease, takes the run over once the lease expired).
 */
async function untilDone(generation, starts, { timeoutMs = 240_000, tickMs = 3000 } = {}) {
  const producer = await mf.getQueueProducer("SYNC_QUEUE");
  const start = Date.now();
  let ticks = 0;
  let lastTick = Date.now();
  for (;;) {
    const p = await progress();
    const pending = dirs.filter((d) => {
      const run = p.get(`${d.organizationId}:${d.directoryId}`);
      return !(run && run.generation === generation && run.phase === "done");
    });
    if (pending.length === 0) return { ms: Date.now() - start, ticks, progress: p };
    assert.ok(Date.now() - start < timeoutMs, `generation ${generation} not done after ${timeoutMs} ms: ${JSON.stringify([...p])}`);
    if (Date.now() - lastTick >= tickMs) {
      lastTick = Date.now();
      ticks++;
      for (const d of pending) {
        const run = p.get(`${d.organizationId}:${d.directoryId}`);
        assert.ok(!run || run.generation <= generation, `no generation after ${generation} began: ${JSON.stringify(run)}`);
        // The run in progress: a job by a new owner. Not begun yet (its start may still be
        // queued, or died before its first commit): the same start again — a start delivered
        // twice begins one run, a start of a new owner would begin another.
        const key = `${d.organizationId}:${d.directoryId}`;
        const job = run && run.generation === generation ? { organizationId: d.organizationId, directoryId: d.directoryId, owner: randomUUID(), generation } : starts.get(key);
        if (job) await producer.send(job);
      }
    }
    await sleep(250);
  }
}

/**
 * The store's reads for the comparison, with memberships read in one query (the comparison asks
 * for each user's groups: one D1 round trip each from Node would take minutes at this size).
 */
async function storeReads() {
  const store = d1Store(db);
  const rows = (await db.prepare("SELECT group_id, user_id FROM scimkit_memberships").all()).results;
  const byUser = new Map();
  const byGroup = new Map();
  for (const { group_id: g, user_id: u } of rows) {
    byUser.set(u, [...(byUser.get(u) ?? []), g]);
    byGroup.set(g, [...(byGroup.get(g) ?? []), u]);
  }
  return {
    listUsers: (o) => store.listUsers(o),
    listGroups: (o) => store.listGroups(o),
    listUserGroups: async (id) => byUser.get(id) ?? [],
    listMembers: async (id) => byGroup.get(id) ?? [],
  };
}

/** Changes the log holds more than once, per generation (there should be none). */
async function repeatedChanges() {
  const rows = (
    await db
      .prepare("SELECT kind, id, group_id, count(*) AS n FROM test_change_log GROUP BY kind, id, group_id HAVING count(*) > 1 LIMIT 10")
      .all()
  ).results;
  return rows;
}

async function expectReference(gen, label, t) {
  const p = await progress();
  for (const d of dirs) {
    const t0 = Date.now();
    const want = countsOf(await reference.sync.fullSync({ organizationId: d.organizationId, directoryId: d.directoryId }));
    t.diagnostic(`${label}, ${d.directoryId}: the reference full sync (Node, memoryStore) took ${Date.now() - t0} ms`);
    const run = p.get(`${d.organizationId}:${d.directoryId}`);
    assert.equal(run.generation, gen);
    assert.deepEqual(countsOf(run.counts), want, `${label}, ${d.directoryId}: the run's counts (committed with its changes) are those of one clean full sync`);
  }
}

test(`a full sync of ${2 * USERS} users through the queue, with faults at random points, equals the directory and applies each change once`, async (t) => {
  const worker = await mf.getWorker();
  // The Cron Trigger: catch-up, then a job per directory. It may itself hit a fault (a commit of
  // the catch-up): a later cron tick runs it again.
  let scheduled;
  for (let i = 0; i < 20; i++) {
    scheduled = await worker.scheduled({ cron: CRON });
    if (scheduled.outcome === "ok") break;
  }
  assert.equal(scheduled.outcome, "ok");
  const first = await untilDone(1, new Map());
  t.diagnostic(`generation 1: ${2 * USERS} users in ${first.ms} ms, ${first.ticks} cron ticks`);
  await sleep(1500); // let late duplicates run: they must change nothing
  assert.deepEqual(await repeatedChanges(), [], "no change reported twice");
  await expectReference(1, "generation 1", t);
  const cmp = await assertStoreEqualsDirectory(svc, await storeReads(), "after generation 1");
  t.diagnostic(`compared: ${JSON.stringify(cmp.sizes)}`);
  const faults = await (await mf.dispatchFetch("http://worker/__test/faults")).json();
  t.diagnostic(`faults injected: ${JSON.stringify(faults)}`);
  for (const point of ["commit_before", "commit_after", "died_before_continuation", "died_after_continuation", "duplicate_delivery", "vanish_holding_lease"]) {
    assert.ok(faults[point] > 0, `the fault "${point}" happened at least once (${JSON.stringify(faults)})`);
  }

  // Generation 2: the directory changes (deletions, deactivations, new users, memberships)
  // with no webhook delivered; a new run (a job without generation) finds every change.
  const rand = prng(SEED);
  for (const d of dirs) {
    const ids = Array.from({ length: USERS }, (_, i) => svc.seed.user(d.directoryId, i).id);
    const picked = pickSome(rand, ids, Math.ceil(USERS * 0.06));
    const third = Math.floor(picked.length / 3);
    for (const id of picked.slice(0, third)) svc.deleteUser(id);
    for (const id of picked.slice(third, 2 * third)) svc.updateUser(id, { active: false, title: "Former" });
    for (const id of picked.slice(2 * third)) svc.updateUser(id, { family_name: "Renamed", groups: [] });
    for (let i = 0; i < 20; i++) svc.createUser(d.directoryId, { given_name: "New", family_name: `Hire${i}` });
  }
  await db.prepare("DELETE FROM test_change_log").run();
  const producer = await mf.getQueueProducer("SYNC_QUEUE");
  const starts = new Map(dirs.map((d) => [`${d.organizationId}:${d.directoryId}`, { organizationId: d.organizationId, directoryId: d.directoryId, owner: randomUUID() }]));
  for (const job of starts.values()) await producer.send(job);
  const second = await untilDone(2, starts);
  t.diagnostic(`generation 2: ${second.ms} ms, ${second.ticks} cron ticks`);
  await sleep(1500);
  assert.deepEqual(await repeatedChanges(), [], "no change reported twice in generation 2");
  await expectReference(2, "generation 2", t);
  await assertStoreEqualsDirectory(svc, await storeReads(), "after generation 2", { missingDeactivated: true });
});

test("webhooks: a signed delivery is applied (201) once (a repeat: 200); a tampered one is refused (400) with nothing stored", async () => {
  const [d] = dirs;
  const user = svc.seed.user(d.directoryId, 1);
  svc.updateUser(user.id, { title: "Webhook title" });
  const event = svc.events().at(-1);
  const body = JSON.stringify(event);
  const send = async (text, id = `msg_${randomUUID()}`) => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await mf.dispatchFetch("http://worker/webhooks/directory", {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signWebhook(svc.webhookSecret, id, ts, body) },
      body: text,
    });
    return res.status;
  };
  const before = await d1Store(db).getUser(user.id);
  assert.equal(await send(body.replace("Webhook title", "Forged title")), 400);
  assert.deepEqual(await d1Store(db).getUser(user.id), before, "nothing stored");
  // The store may fail at random (the fault rate): the sender retries a 500.
  let status = 500;
  for (let i = 0; i < 20 && status === 500; i++) status = await send(body);
  assert.equal(status, 201);
  assert.equal((await d1Store(db).getUser(user.id)).title, "Webhook title");
  status = 500;
  for (let i = 0; i < 20 && status === 500; i++) status = await send(body);
  assert.equal(status, 200);
  const unauthorized = await mf.dispatchFetch("http://worker/sync", { method: "POST" });
  assert.equal(unauthorized.status, 401);
});
