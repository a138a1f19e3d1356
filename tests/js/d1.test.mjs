// scimkit/d1 from the built package: the store contract (tests/js/sync/store-contract.mjs, the
// same cases memoryStore and sqliteStore pass) and the engine's event rules against d1Store over a
// real D1 — Miniflare's, driven from Node through getD1Database() — plus what only D1 has: the
// migration batch, guards and the duplicate event failing the whole batch, D1's parameter limit.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { Miniflare } from "miniflare";
import { repoRoot } from "./lib/harness.mjs";
import { engineSmoke } from "./sync/engine-smoke.mjs";
import { contractCases, makeRecords } from "./sync/store-contract.mjs";

const pkgDir = join(repoRoot, "pkg");
const pkg = await import(pathToFileURL(join(pkgDir, "node.mjs")).href);
const { d1Store, SCHEMA_VERSION } = await import(pathToFileURL(join(pkgDir, "lib", "d1.js")).href);

let mf;
let n = 0;
before(async () => {
  // One binding per case: each case gets an empty database.
  const names = Array.from({ length: contractCases().length + 8 }, (_, i) => `DB${i}`);
  mf = new Miniflare({
    compatibilityDate: "2026-04-01",
    modules: true,
    script: "export default { fetch() { return new Response('') } }",
    d1Databases: Object.fromEntries(names.map((b) => [b, `db-${b}`])),
  });
  await mf.ready;
});
after(() => mf?.dispose());

const freshDb = () => mf.getD1Database(`DB${n++}`);

describe("store contract: d1Store(Miniflare D1)", () => {
  for (const [name, run] of contractCases()) test(name, async () => run(d1Store(await freshDb()), { pkg }));
  test("DirectorySync applies events into it: exactly once, order, tombstones, memberships", async () => engineSmoke(d1Store(await freshDb()), { pkg }));
});

describe("d1Store: what is D1's own", () => {
  test("the first use creates the scimkit_* tables at SCHEMA_VERSION in one batch; a second store on the same database migrates nothing", async () => {
    const db = await freshDb();
    const store = d1Store(db);
    await store.ready();
    const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'scimkit_%' ORDER BY name").all()).results.map((r) => r.name);
    assert.deepEqual(tables, ["scimkit_checkpoints", "scimkit_events", "scimkit_groups", "scimkit_guard_failed", "scimkit_memberships", "scimkit_meta", "scimkit_users"]);
    const version = await db.prepare("SELECT value FROM scimkit_meta WHERE key = 'schema_version'").first();
    assert.equal(version.value, String(SCHEMA_VERSION));
    // Two stores starting at once on one database: both end ready.
    const db2 = await freshDb();
    await Promise.all([d1Store(db2).ready(), d1Store(db2).ready()]);
    assert.equal(await d1Store(db2).checkpoint("none"), null);
  });

  test("a page's worth of rows (200 users, 600 memberships) commits in one batch within D1's 100 parameters per statement", async () => {
    const { user, member, changeset } = makeRecords(pkg);
    const store = d1Store(await freshDb());
    const users = Array.from({ length: 200 }, (_, i) => user(`u${String(i).padStart(3, "0")}`));
    const guards = users.map((u) => ({ kind: "user", id: u.id, revision: null }));
    const members = users.flatMap((u) => ["g1", "g2", "g3"].map((g) => member(g, u.id)));
    await store.commit(changeset({ guards, put_users: users, add_members: members, checkpoints: [{ key: "k", value: "v" }] }));
    assert.equal((await store.listUsers()).length, 200);
    assert.equal((await store.listMembers("g2")).length, 200);
    // The same guards again: every row exists now, so all fail together, nothing written.
    await assert.rejects(store.commit(changeset({ guards, remove_members: members.slice(0, 5) })), (e) => e.code === "store_conflict");
    assert.equal((await store.listMembers("g1")).length, 200);
  });

  test("a duplicate event id fails the batch: store_conflict, and the batch's other writes are not there", async () => {
    const { user, changeset } = makeRecords(pkg);
    const store = d1Store(await freshDb());
    await store.commit(changeset({ event: { id: "evt_1", occurred_at: null }, put_users: [user("u1")] }));
    await assert.rejects(
      store.commit(changeset({ event: { id: "evt_1", occurred_at: null }, put_users: [user("u2")], checkpoints: [{ key: "k", value: "1" }] })),
      (e) => e instanceof pkg.SyncError && e.code === "store_conflict" && /evt_1/.test(e.message),
    );
    assert.deepEqual(JSON.parse(await store.users(["u2"])), []);
    assert.equal(await store.checkpoint("k"), null);
  });

  test("a batch D1 refuses for another reason is store_failed, nothing written; d1Store(not a binding) is invalid_argument", async () => {
    const { user, changeset } = makeRecords(pkg);
    const store = d1Store(await freshDb());
    const bad = { ...user("u1"), organization_id: null };
    await assert.rejects(
      store.commit(changeset({ event: { id: "evt_9", occurred_at: null }, put_users: [bad] })),
      (e) => e instanceof pkg.SyncError && e.code === "store_failed" && /NOT NULL/.test(e.message),
    );
    assert.equal(await store.hasEvent("evt_9"), false);
    for (const notDb of [null, {}, { prepare() {} }, "DB"]) {
      assert.throws(() => d1Store(notDb), (e) => e instanceof pkg.ScimkitError && e.code === "invalid_argument");
    }
  });
});
