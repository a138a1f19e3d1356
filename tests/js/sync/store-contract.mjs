// The sync store contract (index.d.ts `SyncStorePort` + `SyncStoreReads`), run against every store:
// memoryStore() (the core's own, the reference) and sqliteStore(db) over each SQLite driver. A case
// gets a fresh empty store. Written for node:assert only, so a child process under another Node
// (tests/js/sync/node-sqlite-child.mjs) runs the same cases.
import assert from "node:assert/strict";

/** `version` text as the engine writes it: fixed width, so text order is time order. */
export const V = (sec) => `2024-01-01T00:00:${String(sec).padStart(2, "0")}.000000000Z`;

/** Record reads may answer JSON text (the SQLite store does). */
const rows = (answer) => (typeof answer === "string" ? JSON.parse(answer) : answer);
const byId = (list) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const sorted = (list) => [...list].sort();
const byKey = (list) => [...list].sort((a, b) => `${a.group_id}\0${a.user_id}`.localeCompare(`${b.group_id}\0${b.user_id}`));

export function makeRecords(pkg) {
  const user = (id, o = {}) => ({
    id,
    organization_id: o.org ?? "org_1",
    directory_id: o.dir === undefined ? "dir_1" : o.dir,
    version: o.version ?? V(1),
    deleted: o.deleted ?? false,
    groups_version: o.groupsVersion ?? null,
    generation: o.generation ?? 0,
    revision: o.revision ?? 1,
    active: o.active ?? true,
    data: {
      ...pkg.normalizeUser({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        id,
        userName: `${id}@example.com`,
        name: { givenName: o.given ?? "Ada", familyName: "Lovelace" },
        emails: [{ value: `${id}@example.com`, primary: true }],
        active: o.active ?? true,
      }),
      organization_id: o.org ?? "org_1",
      directory_id: o.dir === undefined ? "dir_1" : o.dir,
    },
  });
  const group = (id, o = {}) => ({
    id,
    organization_id: o.org ?? "org_1",
    directory_id: o.dir === undefined ? "dir_1" : o.dir,
    version: o.version ?? V(1),
    deleted: o.deleted ?? false,
    generation: o.generation ?? 0,
    revision: o.revision ?? 1,
    data: {
      ...pkg.normalizeGroup({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id, displayName: o.name ?? `Group ${id}` }),
      organization_id: o.org ?? "org_1",
      directory_id: o.dir === undefined ? "dir_1" : o.dir,
    },
  });
  const member = (group_id, user_id, o = {}) => ({ group_id, user_id, organization_id: o.org ?? "org_1", directory_id: o.dir === undefined ? "dir_1" : o.dir });
  const changeset = (parts) => ({ event: null, guards: [], put_users: [], put_groups: [], add_members: [], remove_members: [], checkpoints: [], ...parts });
  return { user, group, member, changeset };
}

async function rejectsWith(promise, code, pkg, what) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `${what}: expected a rejection with ${code}`);
  assert.equal(err.code, code, `${what}: code (${err.message})`);
  if (code === "store_conflict") assert.ok(err instanceof pkg.SyncError, `${what}: a SyncError (${err.constructor.name})`);
  if (code === "invalid_argument") assert.ok(err instanceof pkg.ScimkitError, `${what}: a ScimkitError (${err.constructor.name})`);
  assert.ok(typeof err.message === "string" && err.message.length > 0, `${what}: a message`);
  return err;
}

/** The cases: `[name, async (store, ctx) => …]`; ctx: `{ pkg }`. */
export function contractCases() {
  return [
    [
      "a commit writes users, groups, memberships, checkpoints and the event id; reads answer them as stored",
      async (store, { pkg }) => {
        const { user, group, member, changeset } = makeRecords(pkg);
        const u1 = user("u1");
        const u2 = user("u2", { dir: null, groupsVersion: V(2), generation: 3, revision: 4, active: false });
        const g1 = group("g1");
        await store.commit(
          changeset({
            event: { id: "evt_1", occurred_at: V(1) },
            put_users: [u1, u2],
            put_groups: [g1],
            add_members: [member("g1", "u1"), member("g1", "u2", { dir: null }), member("g2", "u1")],
            checkpoints: [{ key: "events", value: V(9) }],
          }),
        );
        assert.equal(await store.hasEvent("evt_1"), true);
        assert.equal(await store.hasEvent("evt_2"), false);
        assert.deepEqual(byId(rows(await store.users(["u2", "u1", "nobody"]))), [u1, u2]);
        assert.deepEqual(rows(await store.users([])), []);
        assert.deepEqual(rows(await store.groups(["g1", "g2"])), [g1]);
        assert.deepEqual(byKey(await store.userGroups(["u1", "u2", "u3"])), [
          { group_id: "g1", user_id: "u1" },
          { group_id: "g1", user_id: "u2" },
          { group_id: "g2", user_id: "u1" },
        ]);
        assert.deepEqual(sorted(await store.groupMembers("g1")), ["u1", "u2"]);
        assert.deepEqual(await store.groupMembers("g9"), []);
        assert.equal(await store.checkpoint("events"), V(9));
        assert.equal(await store.checkpoint("full:org_1:dir_1"), null);
      },
    ],
    [
      "readEvent (optional) answers what the single reads answer, in one call",
      async (store, { pkg }) => {
        if (typeof store.readEvent !== "function") return; // optional: the engine then reads one by one
        const { user, group, member, changeset } = makeRecords(pkg);
        const u1 = user("u1");
        const u2 = user("u2", { deleted: true, active: false });
        const g1 = group("g1");
        await store.commit(
          changeset({
            event: { id: "evt_1", occurred_at: V(1) },
            put_users: [u1, u2],
            put_groups: [g1],
            add_members: [member("g1", "u1"), member("g2", "u1"), member("g1", "u3")],
          }),
        );
        const answer = (query) => store.readEvent(query).then((a) => (typeof a === "string" ? JSON.parse(a) : a));
        const a = await answer({ event_id: "evt_2", users: ["u1", "u2", "nobody"], groups: ["g1", "g9"], user_groups_of: "u1", group_members_of: "g1" });
        assert.equal(a.applied, false);
        assert.deepEqual(byId(a.users), [u1, u2], "tombstones included, unknown ids left out");
        assert.deepEqual(a.groups, [g1]);
        assert.deepEqual(byKey(a.user_groups), [
          { group_id: "g1", user_id: "u1" },
          { group_id: "g2", user_id: "u1" },
        ]);
        assert.deepEqual(sorted(a.group_members), ["u1", "u3"]);
        const none = await answer({ event_id: null, users: [], groups: [], user_groups_of: null, group_members_of: null });
        assert.deepEqual(none, { applied: false, users: [], groups: [], user_groups: [], group_members: [] });
        assert.equal((await answer({ event_id: "evt_1", users: ["u1"], groups: [], user_groups_of: null, group_members_of: null })).applied, true, "a stored event id");
      },
    ],
    [
      "readUsersPage (optional) answers the users, their memberships and the named groups' heads, in one call",
      async (store, { pkg }) => {
        if (typeof store.readUsersPage !== "function") return; // optional: the engine then reads one by one
        const { user, group, member, changeset } = makeRecords(pkg);
        const u1 = user("u1");
        const u2 = user("u2", { deleted: true, active: false });
        const g1 = group("g1");
        const g2 = group("g2", { deleted: true, revision: 3 });
        await store.commit(
          changeset({
            put_users: [u1, u2],
            put_groups: [g1, g2],
            add_members: [member("g1", "u1"), member("g2", "u1"), member("g1", "u3")],
          }),
        );
        const answer = (query) => store.readUsersPage(query).then((a) => (typeof a === "string" ? JSON.parse(a) : a));
        const a = await answer({ users: ["u1", "u2", "nobody"], groups: ["g1", "g2", "g9"] });
        assert.deepEqual(byId(a.users), [u1, u2], "tombstones included, unknown ids left out");
        assert.deepEqual(byKey(a.memberships), [
          { group_id: "g1", user_id: "u1" },
          { group_id: "g2", user_id: "u1" },
        ]);
        const head = (g) => ({ id: g.id, version: g.version, deleted: g.deleted, revision: g.revision });
        assert.deepEqual(byId(a.groups), [head(g1), head(g2)], "heads only: no data");
        assert.deepEqual(await answer({ users: [], groups: [] }), { users: [], memberships: [], groups: [] });
      },
    ],
    [
      "an event id commits once: the second commit writes nothing and rejects with store_conflict",
      async (store, { pkg }) => {
        const { user, changeset } = makeRecords(pkg);
        await store.commit(changeset({ event: { id: "evt_1", occurred_at: null }, checkpoints: [{ key: "k", value: "1" }] }));
        await rejectsWith(
          store.commit(changeset({ event: { id: "evt_1", occurred_at: V(2) }, put_users: [user("u9")], checkpoints: [{ key: "k", value: "2" }] })),
          "store_conflict",
          pkg,
          "the same event id again",
        );
        assert.equal(await store.checkpoint("k"), "1");
        assert.deepEqual(rows(await store.users(["u9"])), []);
      },
    ],
    [
      "guards: a row where none was read, or another revision, conflicts with nothing written; the revision read holds",
      async (store, { pkg }) => {
        const { user, group, member, changeset } = makeRecords(pkg);
        await store.commit(changeset({ put_users: [user("u1")], put_groups: [group("g1")], add_members: [member("g1", "u1")] }));
        const removal = { remove_members: [{ group_id: "g1", user_id: "u1" }], checkpoints: [{ key: "k", value: "x" }] };
        for (const guard of [
          { kind: "user", id: "u1", revision: null },
          { kind: "user", id: "u1", revision: 7 },
          { kind: "group", id: "g1", revision: null },
          { kind: "group", id: "g1", revision: 2 },
          { kind: "user", id: "u_absent", revision: 1 },
        ]) {
          await rejectsWith(store.commit(changeset({ guards: [{ kind: "user", id: "u1", revision: 1 }, guard], ...removal })), "store_conflict", pkg, JSON.stringify(guard));
          assert.deepEqual(await store.listMembers("g1"), ["u1"], "nothing removed");
          assert.equal(await store.checkpoint("k"), null, "nothing written");
        }
        await store.commit(
          changeset({
            guards: [
              { kind: "user", id: "u1", revision: 1 },
              { kind: "group", id: "g1", revision: 1 },
              { kind: "user", id: "u_new", revision: null },
            ],
            put_users: [user("u_new")],
            ...removal,
          }),
        );
        assert.deepEqual(await store.listUserGroups("u1"), []);
        assert.equal(await store.checkpoint("k"), "x");
        assert.equal(rows(await store.users(["u_new"])).length, 1);
      },
    ],
    [
      "checkpoint guards (a full sync's lease): the exact value read holds; another value, or a checkpoint where none was read, conflicts with nothing written",
      async (store, { pkg }) => {
        const { user, changeset } = makeRecords(pkg);
        const lease = (value, next, extra = {}) =>
          changeset({ guards: [{ kind: "checkpoint", key: "lease:o:d", value }], checkpoints: [{ key: "lease:o:d", value: next }], ...extra });
        await store.commit(lease(null, '{"owner":"a"}'));
        for (const stale of [null, '{"owner":"b"}', "", '{"owner":"a"} ']) {
          await rejectsWith(store.commit(lease(stale, '{"owner":"c"}', { put_users: [user("u_lost")] })), "store_conflict", pkg, JSON.stringify(stale));
          assert.equal(await store.checkpoint("lease:o:d"), '{"owner":"a"}', "nothing written");
          assert.deepEqual(rows(await store.users(["u_lost"])), []);
        }
        await store.commit(lease('{"owner":"a"}', '{"owner":"b"}', { put_users: [user("u_won")] }));
        assert.equal(await store.checkpoint("lease:o:d"), '{"owner":"b"}');
        assert.equal(rows(await store.users(["u_won"])).length, 1);
        // A guard on a checkpoint that is absent holds while it stays absent.
        await store.commit(changeset({ guards: [{ kind: "checkpoint", key: "never", value: null }], checkpoints: [{ key: "other", value: "1" }] }));
        assert.equal(await store.checkpoint("other"), "1");
      },
    ],
    [
      "put replaces a whole row by id; adding a membership twice keeps one row (the first), removing one that is not there is fine",
      async (store, { pkg }) => {
        const { user, group, member, changeset } = makeRecords(pkg);
        await store.commit(changeset({ put_users: [user("u1")], put_groups: [group("g1")], add_members: [member("g1", "u1")] }));
        const newer = user("u1", { version: V(5), revision: 2, active: false, given: "Grace", groupsVersion: V(5), generation: 2 });
        const tomb = group("g1", { version: V(5), revision: 2, deleted: true, name: "Gone" });
        await store.commit(
          changeset({
            put_users: [newer],
            put_groups: [tomb],
            add_members: [member("g1", "u1", { dir: "dir_other" })],
            remove_members: [{ group_id: "g7", user_id: "u7" }],
          }),
        );
        assert.deepEqual(rows(await store.users(["u1"])), [newer]);
        assert.deepEqual(rows(await store.groups(["g1"])), [tomb]);
        assert.deepEqual(await store.userGroups(["u1"]), [{ group_id: "g1", user_id: "u1" }]);
        await store.commit(changeset({ remove_members: [{ group_id: "g1", user_id: "u1" }], add_members: [member("g2", "u1")] }));
        assert.deepEqual(await store.listUserGroups("u1"), ["g2"]);
      },
    ],
    [
      "unseen rows: not deleted, below the generation, of the organization and directory (and unplaced ones when asked), in id order after the cursor",
      async (store, { pkg }) => {
        const { user, group, changeset } = makeRecords(pkg);
        const make = (f) => [
          f("a", { dir: "dir_1" }),
          f("b", { dir: "dir_2" }),
          f("c", { dir: null }),
          f("d", { dir: "dir_1" }),
          f("e", { dir: "dir_1", generation: 3 }),
          f("f", { dir: "dir_1", deleted: true }),
          f("g", { dir: "dir_1", org: "org_2" }),
          f("h", { dir: "dir_1", generation: 2 }),
        ];
        await store.commit(changeset({ put_users: make(user), put_groups: make(group) }));
        for (const [kind, read] of [
          ["users", (q) => store.unseenUsers(q)],
          ["groups", (q) => store.unseenGroups(q)],
        ]) {
          const ids = async (after_id, include_unplaced, limit) =>
            rows(await read({ organization_id: "org_1", directory_id: "dir_1", include_unplaced, generation: 3, after_id, limit })).map((r) => r.id);
          assert.deepEqual(await ids(null, false, 10), ["a", "d", "h"], kind);
          assert.deepEqual(await ids(null, true, 10), ["a", "c", "d", "h"], kind);
          assert.deepEqual(await ids(null, true, 2), ["a", "c"], kind);
          assert.deepEqual(await ids("c", true, 2), ["d", "h"], kind);
          assert.deepEqual(await ids("b", false, 1), ["d"], kind);
          assert.deepEqual(await ids("h", true, 5), [], kind);
        }
        // The whole row comes back.
        const [row] = rows(await store.unseenUsers({ organization_id: "org_1", directory_id: "dir_1", include_unplaced: false, generation: 3, after_id: null, limit: 1 }));
        assert.deepEqual(row, user("a", { dir: "dir_1" }));
      },
    ],
    [
      "a sweep in small batches over 600 rows returns each unseen row exactly once, in id order",
      async (store, { pkg }) => {
        const { user, changeset } = makeRecords(pkg);
        const all = [];
        for (let i = 0; i < 600; i++) {
          const dir = i % 3 === 0 ? null : i % 3 === 1 ? "dir_1" : "dir_2";
          all.push(user(`u${String((i * 7919) % 600).padStart(4, "0")}`, { dir, generation: i % 5 === 0 ? 9 : 1, deleted: i % 11 === 0 }));
        }
        await store.commit(changeset({ put_users: all }));
        const want = all
          .filter((r) => !r.deleted && r.generation < 9 && (r.directory_id === "dir_1" || r.directory_id === null))
          .map((r) => r.id)
          .sort();
        const got = [];
        let after = null;
        for (let batches = 0; batches < 1000; batches++) {
          const batch = rows(await store.unseenUsers({ organization_id: "org_1", directory_id: "dir_1", include_unplaced: true, generation: 9, after_id: after, limit: 7 }));
          if (batch.length === 0) break;
          assert.ok(batch.length <= 7);
          got.push(...batch.map((r) => r.id));
          after = batch.at(-1).id;
        }
        assert.deepEqual(got, want);
      },
    ],
    [
      "app reads: the normalized model, tombstones left out, scoped by organization and directory, in id order",
      async (store, { pkg }) => {
        const { user, group, member, changeset } = makeRecords(pkg);
        await store.commit(
          changeset({
            put_users: [user("u3", { org: "org_2", dir: "dir_9" }), user("u1"), user("u2", { dir: "dir_2", active: false }), user("u4", { deleted: true, active: false }), user("u5", { dir: null })],
            put_groups: [group("g2"), group("g1", { dir: "dir_2" }), group("g3", { deleted: true })],
            add_members: [member("g2", "u2"), member("g2", "u1"), member("g1", "u1")],
          }),
        );
        assert.deepEqual(await store.getUser("u1"), user("u1").data);
        assert.equal(await store.getUser("u4"), null, "a tombstone is not a user");
        assert.equal(await store.getUser("nobody"), null);
        assert.deepEqual(await store.getGroup("g2"), group("g2").data);
        assert.equal(await store.getGroup("g3"), null);
        const ids = (list) => list.map((x) => x.id);
        assert.deepEqual(ids(await store.listUsers()), ["u1", "u2", "u3", "u5"]);
        assert.deepEqual(ids(await store.listUsers({})), ["u1", "u2", "u3", "u5"]);
        assert.deepEqual(ids(await store.listUsers({ organizationId: "org_1" })), ["u1", "u2", "u5"]);
        assert.deepEqual(ids(await store.listUsers({ directoryId: "dir_1" })), ["u1"]);
        assert.deepEqual(ids(await store.listUsers({ organizationId: "org_1", directoryId: "dir_2" })), ["u2"]);
        assert.deepEqual(ids(await store.listUsers({ organizationId: "org_2", directoryId: "dir_1" })), []);
        assert.equal((await store.listUsers({ directoryId: "dir_2" }))[0].active, false, "deactivated users are listed");
        assert.deepEqual(ids(await store.listGroups()), ["g1", "g2"]);
        assert.deepEqual(ids(await store.listGroups({ directoryId: "dir_1" })), ["g2"]);
        assert.deepEqual(await store.listMembers("g2"), ["u1", "u2"]);
        assert.deepEqual(await store.listUserGroups("u1"), ["g1", "g2"]);
        assert.deepEqual(await store.listUserGroups("nobody"), []);
      },
    ],
    [
      "app reads refuse arguments of the wrong type with ScimkitError invalid_argument",
      async (store, { pkg }) => {
        await rejectsWith(store.getUser(42), "invalid_argument", pkg, "getUser(42)");
        await rejectsWith(store.getGroup(undefined), "invalid_argument", pkg, "getGroup()");
        await rejectsWith(store.listMembers(null), "invalid_argument", pkg, "listMembers(null)");
        await rejectsWith(store.listUserGroups({}), "invalid_argument", pkg, "listUserGroups({})");
        await rejectsWith(store.listUsers({ orgId: "org_1" }), "invalid_argument", pkg, "listUsers({ orgId })");
        await rejectsWith(store.listGroups({ directoryId: 5 }), "invalid_argument", pkg, "listGroups({ directoryId: 5 })");
        await rejectsWith(store.listUsers("org_1"), "invalid_argument", pkg, "listUsers('org_1')");
      },
    ],
    [
      "racing commits on one store: each is atomic, and of writers that all read 'no row' exactly one wins",
      async (store, { pkg }) => {
        const { user, changeset } = makeRecords(pkg);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            store.commit(
              changeset({
                event: { id: `evt_${i}`, occurred_at: V(i) },
                guards: [{ kind: "user", id: "u_race", revision: null }],
                put_users: [user("u_race", { given: `Writer${i}` })],
                checkpoints: [{ key: "winner", value: String(i) }],
              }),
            ),
          ),
        );
        const won = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [i] : []));
        assert.equal(won.length, 1, `one winner, got ${won}`);
        for (const o of outcomes) if (o.status === "rejected") assert.equal(o.reason.code, "store_conflict");
        assert.equal(await store.checkpoint("winner"), String(won[0]));
        assert.equal((await store.getUser("u_race")).given_name, `Writer${won[0]}`);
        for (let i = 0; i < 20; i++) assert.equal(await store.hasEvent(`evt_${i}`), i === won[0], `evt_${i} stored only with its writes`);
      },
    ],
  ];
}
