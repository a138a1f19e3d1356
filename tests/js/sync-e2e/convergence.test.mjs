// Convergence end to end: the example app (examples/express-sqlite, its own process, SQLite) gets
// the local directory service's webhooks with duplicates, reordering, 10 % dropped and some
// tampered, while 1,000 users and 50 groups are created and then changed. After `catchUp()` the
// store equals the directory — every user's fields, every group, every membership, compared with
// the service's own listings — and the tampered deliveries changed nothing; then `fullSync()`
// reports no change. Once with `onMissing: "deactivate"`, once with `"delete"`. And the
// late-visible event: one that shows up in the events API only after a newer one was read is
// applied by the next catch-up.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { activeUsers, makeHistory } from "./history.mjs";
import {
  appEnv, assertStoreEqualsDirectory, changesOf, directories, prepareExample, prng, startApp, startDirectoryService,
} from "./lib.mjs";

let example;
let mod;
before(async () => {
  example = prepareExample("sync-e2e-convergence");
  mod = await example.load();
});
after(() => example?.cleanup());

/** The faults of every delivery in these tests. */
const FAULTS = { drop: 0.1, repeat: 0.05, reorder: 0.1, tamper: 0.03, holdMs: 500 };

async function convergence(t, { onMissing, seed }) {
  const rand = prng(seed);
  const svc = await startDirectoryService({
    seed,
    orgs: 3,
    emptyOrgs: 1,
    usersPerDirectory: 0,
    groupsPerDirectory: 0,
    deliveryFaults: { ...FAULTS, seed },
  });
  const dbPath = join(example.tmp, `convergence-${onMissing}.db`);
  const app = await startApp(example.appPath, appEnv(svc, dbPath, { ON_MISSING: onMissing }));
  const db = new mod.Database(dbPath, { readonly: false });
  const store = mod.sqliteStore(db);
  try {
    // Retries close together: a forged delivery fails every attempt, and the test need not wait.
    await svc.setWebhookEndpoint({ url: app.webhookUrl, retrySchedule: [0, 10] });
    const dirs = await directories(svc);
    assert.equal(dirs.length, 2, "two organizations with a directory each (and one without)");

    // 1,000 users and 50 groups, then 1,200 changes; the webhooks flow while the directory changes.
    const t0 = Date.now();
    const { counts, model } = makeHistory(svc, dirs, [{ groups: 30, users: 600 }, { groups: 20, users: 400 }], { rand, changes: 1200 });
    await svc.flushWebhooks();
    const events = svc.events();
    t.diagnostic(`history: ${JSON.stringify(counts)}; ${events.length} events, delivered in ${Date.now() - t0} ms`);
    assert.equal(counts.createUser >= 1000 && counts.createGroup >= 50, true);

    // The deliveries met every fault, and the app answered each as the contract says.
    const status = svc.webhookStatus();
    t.diagnostic(`deliveries: ${JSON.stringify({ sent: status.sent, delivered: status.delivered, dropped: status.dropped, repeated: status.repeated, reordered: status.reordered, tampered: status.tampered, failures: status.failures })}`);
    for (const k of ["dropped", "repeated", "reordered", "tampered"]) assert.ok(status[k] > 0, `some deliveries were ${k}`);
    const deliveries = svc.webhookDeliveries();
    assert.equal(deliveries.length, events.length, "one delivery entry per event");
    const accepted = new Set();
    for (const d of deliveries) {
      if (d.tampered) assert.ok(d.statuses.length > 0 && d.statuses.every((s) => s === 400), `a tampered delivery is answered 400 every time: ${JSON.stringify(d)}`);
      else if (!d.dropped) assert.ok(d.statuses.length > 0 && d.statuses.every((s) => s === 200 || s === 201), `a genuine delivery is answered 200 or 201: ${JSON.stringify(d)}`);
      if (d.statuses.some((s) => s === 200 || s === 201)) accepted.add(d.event_id);
    }
    const answers = deliveries.flatMap((d) => d.statuses);
    assert.ok(answers.includes(201) && answers.includes(200), "applied (201) and duplicate or stale (200) deliveries");

    // Tampered deliveries changed nothing: no forged value in the store, even before the catch-up.
    const forged = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all()
      .flatMap((tbl) => db.prepare(`SELECT * FROM "${tbl}"`).raw().all().map((r) => JSON.stringify(r)))
      .filter((row) => /mallory\.|"Mallory"|\(forged\)/.test(row));
    assert.deepEqual(forged, [], "no forged value reached the database");

    // catchUp(): every event exactly once — those the webhooks applied are duplicates, the others
    // (dropped, forged) are applied now or were already outdated.
    const { catchUp } = await app.sync("catch-up");
    t.diagnostic(`catchUp: ${JSON.stringify(catchUp)}`);
    assert.equal(catchUp.rejected, 0, "no event rejected");
    assert.equal(catchUp.duplicate, accepted.size, "every event a webhook delivered is a duplicate");
    assert.equal(catchUp.applied + catchUp.stale + catchUp.ignored, events.length - accepted.size, "every other event applied (or stale) now");
    // Every field, `emails` included: an event states `email` only, and every address in its
    // `raw_attributes`, which the normalizer reads.
    const { sizes } = await assertStoreEqualsDirectory(svc, store, "after catchUp(), every field");
    t.diagnostic(`after catchUp() the store equals the directory: ${JSON.stringify(sizes)}`);
    assert.ok(sizes.users > 900 && sizes.groups >= 45 && sizes.memberships > 1000, `a directory of the expected size: ${JSON.stringify(sizes)}`);
    const withSeveral = [...(await store.listUsers({ organizationId: dirs[0].organizationId }))].filter((u) => u.emails.length > 1).length;
    assert.ok(withSeveral > 0, "some users have more than one email (what the events carry only in raw_attributes)");

    // fullSync() finds nothing to change: the listings and the events gave the same users.
    const { fullSync } = await app.sync("full");
    t.diagnostic(`fullSync: ${JSON.stringify(fullSync)}`);
    assert.deepEqual(changesOf(fullSync), {}, "fullSync() after catchUp() reports no change at all");
    await assertStoreEqualsDirectory(svc, store, "after fullSync(), every field");
    assert.deepEqual(changesOf((await app.sync("full")).fullSync), {}, "a second fullSync() reports no change");

    // Users deleted while no webhook arrives: the full sync sees them missing from the listings
    // (deactivates or deletes them, per onMissing); the catch-up then brings the delete events.
    await svc.setWebhookEndpoint(null);
    const gone = activeUsers(model, dirs[0].directoryId).slice(0, 10);
    const membershipsOfGone = gone.reduce((n, id) => n + model.get(dirs[0].directoryId).users.get(id).groups.size, 0);
    for (const id of gone) svc.deleteUser(id);
    const missing = (await app.sync("full")).fullSync;
    t.diagnostic(`fullSync with 10 users missing (${onMissing}): ${JSON.stringify(changesOf(missing))}`);
    if (onMissing === "delete") {
      assert.deepEqual(changesOf(missing), { user_deleted: 10, ...(membershipsOfGone ? { member_removed: membershipsOfGone } : {}) });
      for (const id of gone) assert.equal(await store.getUser(id), null, `${id} deleted`);
    } else {
      assert.deepEqual(changesOf(missing), { user_deactivated: 10 });
      for (const id of gone) assert.equal((await store.getUser(id))?.active, false, `${id} deactivated`);
    }
    const late = (await app.sync("catch-up")).catchUp;
    t.diagnostic(`catchUp after (${onMissing}): ${JSON.stringify(late)}`);
    // Deactivated by the sweep, deleted by its event; a user the sweep deleted is not deleted twice.
    assert.deepEqual(changesOf(late), onMissing === "delete" ? {} : { user_deleted: 10, ...(membershipsOfGone ? { member_removed: membershipsOfGone } : {}) });
    await assertStoreEqualsDirectory(svc, store, "after the deletions, every field");
    const again = (await app.sync("full")).fullSync;
    assert.deepEqual(changesOf(again), {}, "and a full sync after that changes nothing");
  } finally {
    db.close();
    await app.stop();
    await svc.close();
  }
}

test("webhooks with faults, then catchUp(): the store equals the directory; fullSync() changes nothing (onMissing: deactivate)", { timeout: 240_000 }, (t) =>
  convergence(t, { onMissing: "deactivate", seed: 1001 }));

test("the same with onMissing: delete", { timeout: 240_000 }, (t) => convergence(t, { onMissing: "delete", seed: 2002 }));

test("a late-visible event (readable only after a newer one was read) is applied by the next catchUp()", { timeout: 60_000 }, async (t) => {
  const svc = await startDirectoryService({ seed: 3003, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0 });
  const dbPath = join(example.tmp, "late.db");
  const app = await startApp(example.appPath, appEnv(svc, dbPath));
  const db = new mod.Database(dbPath);
  const store = mod.sqliteStore(db);
  try {
    const [{ directoryId }] = await directories(svc);
    // No webhooks here: the events API is the only way in.
    const early = svc.createUser(directoryId, { given_name: "Early", title: "Before" });
    const first = await app.sync("catch-up");
    assert.equal(first.catchUp.applied, 1);

    const hidden = svc.createUser(directoryId, { given_name: "Hidden" }, { lateMs: 600_000 }); // visible in 10 min
    const renamed = svc.updateUser(early.id, { title: "After" }, { lateMs: 600_000 });
    const newer = svc.createUser(directoryId, { given_name: "Newer" });
    assert.ok(hidden.events[0].occurred_at < newer.events[0].occurred_at && renamed.events[0].occurred_at < newer.events[0].occurred_at);

    const second = await app.sync("catch-up");
    assert.equal(second.catchUp.applied, 1, "only the newer event is readable yet");
    assert.ok(await store.getUser(newer.id), "the newer user is there");
    assert.equal(await store.getUser(hidden.id), null, "the late one is not readable yet");
    assert.equal((await store.getUser(early.id)).title, "Before");

    assert.equal(svc.releaseLateEvents(), 2, "two late events become readable, older than what was read");
    const third = await app.sync("catch-up");
    t.diagnostic(`catchUp after the release: ${JSON.stringify(third.catchUp)}`);
    assert.equal(third.catchUp.applied, 2, "both late events applied");
    assert.equal((await store.getUser(hidden.id))?.given_name, "Hidden");
    assert.equal((await store.getUser(early.id)).title, "After");
    await assertStoreEqualsDirectory(svc, store, "after the late events, every field");
  } finally {
    db.close();
    await app.stop();
    await svc.close();
  }
});
