// The example app's HTTP contract (examples/express-sqlite, its own process, SQLite): the webhook
// route answers 201 applied, 200 duplicate or stale, 400 for a bad signature with nothing stored,
// 500 when the store fails (and the sender's retry then lands); POST /sync sits behind the admin
// token; the scheduled catch-up and full sync run on their own.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  appEnv, assertStoreEqualsDirectory, databaseDigest, directories, postWebhook, prepareExample, signWebhook, startApp, startDirectoryService,
} from "./lib.mjs";

let example;
let mod;
before(async () => {
  example = prepareExample("sync-e2e-app");
  mod = await example.load();
});
after(() => example?.cleanup());

/** The envelope of the event `result` (a control-API result) recorded, as its webhook body. */
const bodyOf = (svc, result, k = 0) => {
  const id = result.events[k].id;
  const ev = svc.events().find((e) => e.id === id);
  assert.ok(ev, `event ${id} recorded`);
  return JSON.stringify(ev);
};

const waitUntil = async (cond, ms, what) => {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test("webhook route: 201 applied, 200 duplicate and stale, 400 forged (nothing stored), 415, 500 when the store fails", { timeout: 90_000 }, async (t) => {
  const svc = await startDirectoryService({ seed: 11, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0 });
  const dbPath = join(example.tmp, "contract.db");
  const app = await startApp(example.appPath, appEnv(svc, dbPath, { DB_BUSY_TIMEOUT_MS: "50" }));
  const db = new mod.Database(dbPath, { timeout: 50 });
  const store = mod.sqliteStore(db);
  const secret = svc.webhookSecret;
  try {
    const [{ directoryId }] = await directories(svc);
    const ann = svc.createUser(directoryId, { given_name: "Ann", title: "One" });
    const created = bodyOf(svc, ann);

    assert.equal((await postWebhook(app.webhookUrl, created, { secret })).status, 201, "applied");
    assert.equal((await store.getUser(ann.id))?.given_name, "Ann");
    assert.equal((await postWebhook(app.webhookUrl, created, { secret })).status, 200, "the same event again: duplicate");

    const older = bodyOf(svc, svc.updateUser(ann.id, { title: "Two" }));
    const newer = bodyOf(svc, svc.updateUser(ann.id, { title: "Three" }));
    assert.equal((await postWebhook(app.webhookUrl, newer, { secret })).status, 201);
    assert.equal((await postWebhook(app.webhookUrl, older, { secret })).status, 200, "an older event after a newer one: stale");
    assert.equal((await store.getUser(ann.id)).title, "Three", "the stale event changed nothing");

    // Forged: a wrong signature, or a body changed after signing. Nothing read or written.
    const bob = svc.createUser(directoryId, { given_name: "Bob" });
    const bobBody = bodyOf(svc, bob);
    const before = databaseDigest(db);
    const wrongKey = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    assert.equal((await postWebhook(app.webhookUrl, bobBody, { secret: wrongKey })).status, 400, "wrong signature");
    const signed = { "content-type": "application/json", "webhook-id": "msg_forged1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)) };
    signed["webhook-signature"] = signWebhook(secret, "msg_forged1", Number(signed["webhook-timestamp"]), bobBody);
    const forgedBody = bobBody.replace('"Bob"', '"Mallory"');
    assert.notEqual(forgedBody, bobBody);
    assert.equal((await postWebhook(app.webhookUrl, forgedBody, { headers: signed })).status, 400, "body changed after signing");
    assert.equal((await postWebhook(app.webhookUrl, bobBody, { headers: { "content-type": "application/json" } })).status, 400, "no signature headers");
    const stale = { ...signed, "webhook-timestamp": String(Math.floor(Date.now() / 1000) - 3600) };
    stale["webhook-signature"] = signWebhook(secret, "msg_forged1", Number(stale["webhook-timestamp"]), bobBody);
    assert.equal((await postWebhook(app.webhookUrl, bobBody, { headers: stale })).status, 400, "timestamp an hour old");
    assert.equal(databaseDigest(db), before, "nothing stored for a forged delivery");
    assert.equal(await store.getUser(bob.id), null);

    const text = await fetch(app.webhookUrl, { method: "POST", headers: { "content-type": "text/plain" }, body: bobBody });
    assert.equal(text.status, 415, "not application/json");

    // The store fails (another connection holds the write lock): 500, nothing applied; the retry lands.
    db.exec("BEGIN IMMEDIATE");
    let locked;
    try {
      locked = await postWebhook(app.webhookUrl, bobBody, { secret, id: "msg_locked" });
      assert.equal(databaseDigest(db), before, "nothing applied while the store failed");
    } finally {
      db.exec("ROLLBACK");
    }
    assert.equal(locked.status, 500, "the store failed: 500 so the sender retries");
    assert.equal((await postWebhook(app.webhookUrl, bobBody, { secret, id: "msg_locked" })).status, 201, "the retry is applied");
    assert.equal((await store.getUser(bob.id))?.given_name, "Bob");

    // The same through the service's own sender: first attempt 500, its retry 201.
    await svc.setWebhookEndpoint({ url: app.webhookUrl, retrySchedule: [0, 400, 800, 1600] });
    db.exec("BEGIN IMMEDIATE");
    let cy;
    try {
      cy = svc.createUser(directoryId, { given_name: "Cy" });
      await waitUntil(() => svc.webhookDeliveries().some((d) => d.event_id === cy.events[0].id && d.statuses.includes(500)), 20_000, "a 500 for the locked store");
    } finally {
      db.exec("ROLLBACK");
    }
    await svc.flushWebhooks();
    await waitUntil(() => svc.webhookDeliveries().some((d) => d.event_id === cy.events[0].id && d.delivered), 20_000, "the retry");
    const entry = svc.webhookDeliveries().find((d) => d.event_id === cy.events[0].id);
    t.diagnostic(`sender's attempts for the locked store: ${JSON.stringify(entry.statuses)}`);
    assert.equal(entry.statuses[0], 500);
    assert.equal(entry.statuses.at(-1), 201);
    assert.equal((await store.getUser(cy.id))?.given_name, "Cy");
    await assertStoreEqualsDirectory(svc, store, "after the webhooks");
  } finally {
    db.close();
    await app.stop();
    await svc.close();
  }
});

test("POST /sync needs the admin token; reads go through the store", { timeout: 60_000 }, async (t) => {
  const svc = await startDirectoryService({ seed: 12, orgs: 2, usersPerDirectory: [40, 25], groupsPerDirectory: 4 });
  const dbPath = join(example.tmp, "admin.db");
  const env = appEnv(svc, dbPath);
  const app = await startApp(example.appPath, env);
  try {
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${env.ADMIN_TOKEN}x`, env.ADMIN_TOKEN]) {
      const res = await fetch(`${app.url}/sync`, { method: "POST", headers: authorization ? { authorization } : {} });
      assert.equal(res.status, 401, `authorization ${authorization}`);
    }
    const bad = await fetch(`${app.url}/sync?mode=everything`, { method: "POST", headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${app.url}/users`)).status, 401);

    const { catchUp, fullSync } = await app.sync("both");
    assert.equal(catchUp.applied, 0, "the seeded directory has no events");
    assert.equal(fullSync.user_created, 65);
    const users = await (await fetch(`${app.url}/users`, { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } })).json();
    assert.equal(users.length, 65);
    const one = await (await fetch(`${app.url}/users/${users[0].id}`, { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } })).json();
    assert.equal(one.id, users[0].id);
    assert.ok(Array.isArray(one.groups) && one.groups.length > 0, "a user's groups");
    const groups = await (await fetch(`${app.url}/groups`, { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } })).json();
    assert.equal(groups.length, 8);
    const db = new mod.Database(dbPath, { readonly: true });
    try {
      // Every field, those the listing has only in user_detail / group_detail (title,
      // department, employee number, a group's external_id) included.
      await assertStoreEqualsDirectory(svc, mod.sqliteStore(db), "after POST /sync");
    } finally {
      db.close();
    }
  } finally {
    await app.stop();
    await svc.close();
  }
});

test("the scheduled catch-up and full sync run on their own, one at a time", { timeout: 60_000 }, async () => {
  const svc = await startDirectoryService({ seed: 13, orgs: 1, usersPerDirectory: 30, groupsPerDirectory: 3 });
  const dbPath = join(example.tmp, "scheduled.db");
  const app = await startApp(example.appPath, appEnv(svc, dbPath, { SYNC_ON_START: "both", CATCH_UP_INTERVAL_MS: "150", FULL_SYNC_INTERVAL_MS: "400" }));
  try {
    await app.waitForLine(/^\[sync\] full: \{/, 20_000);
    const [{ directoryId }] = await directories(svc);
    const dee = svc.createUser(directoryId, { given_name: "Dee" }); // no webhooks: a scheduled sync brings it
    const db = new mod.Database(dbPath, { readonly: true });
    try {
      const store = mod.sqliteStore(db);
      await waitUntil(async () => (await store.getUser(dee.id))?.given_name === "Dee", 20_000, "Dee in the store");
      await app.waitForLine(/^\[sync\] full: \{/, 20_000, app.lines.length);
      await assertStoreEqualsDirectory(svc, store, "after the scheduled syncs");
    } finally {
      db.close();
    }
    assert.ok(app.lines.filter((l) => l.startsWith("[sync] catch-up: {")).length >= 2, "catch-ups ran on schedule");
    assert.ok(app.lines.filter((l) => l.startsWith("[sync] full: {")).length >= 2, "full syncs ran on schedule");
    // One at a time: every "full: started" is followed by its result before the next sync logs.
    const syncLines = app.lines.filter((l) => l.startsWith("[sync] "));
    syncLines.forEach((l, i) => {
      if (l === "[sync] full: started") assert.match(syncLines[i + 1] ?? "[sync] full: {", /^\[sync\] full: \{/, "no sync interleaves with a full sync");
    });
    assert.ok(!app.lines.some((l) => l.includes("failed")), app.lines.filter((l) => l.includes("failed")).join("\n"));
  } finally {
    await app.stop();
    await svc.close();
  }
});
