// Trap recovery cases, run against the trap-test package (node scripts/build.mjs --trap-test) in
// Node, workerd and Chromium by tests/js/trap.test.mjs. Runtime-agnostic (no Node APIs). Each case
// provokes a real trap in the package's one instance through the test-only exports
// (bindings/wasm/src/trap_test.rs) and checks that the next calls work on a fresh instance.
import { assert } from "../suite/assert.mjs";
import { assertExactlyAllUsers, clientFor, directoryOf, rejection } from "../suite/directory-helpers.mjs";
import { SECRET, SECRET2, expectScimkitError, referenceSignature } from "../suite/helpers.mjs";

const CASE_TIMEOUT_MS = 60_000;
const BODY = JSON.stringify({
  type: "organization.directory.user_created",
  occurred_at: "2024-05-01T10:00:00Z",
  data: { id: "dirusr_1", email: "zoë@example.com", first_name: "Zoë", active: true },
});
const USER = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id: "u-1",
  userName: "ada@example.com",
  name: { givenName: "Ada", familyName: "Lovelace" },
  emails: [{ value: "ada@example.com", primary: true }],
  active: true,
};
const GROUP = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id: "g-1", displayName: "Eng", members: [{ value: "u-1" }] };
const PATCH = {
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations: [{ op: "add", path: "members", value: [{ value: "u-2" }, { value: "u-3" }] }],
};

/** A delivery signed by WebCrypto (not by the package under test). */
async function delivery(secret = SECRET, body = BODY, id = "msg_trap") {
  const timestamp = 1_700_000_000;
  const signature = await referenceSignature(secret, id, timestamp, body);
  return { headers: { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature }, body, now: timestamp * 1000 };
}

/** What the package answers for one verification, one normalization, one PATCH and one signing. */
async function workload(scimkit) {
  const d = await delivery();
  const d2 = await delivery(SECRET2, `${BODY} `, "msg_trap_2");
  return {
    event: scimkit.verifyWebhook(SECRET, d.headers, d.body, { now: d.now }),
    signature: scimkit.verifySignature([SECRET, SECRET2], d2.headers, new TextEncoder().encode(d2.body), { now: d2.now }),
    user: scimkit.normalizeUser(USER),
    patched: scimkit.applyScimPatch(GROUP, PATCH),
    patchedText: scimkit.applyScimPatch(JSON.stringify(GROUP), JSON.stringify(PATCH)),
    signed: scimkit.signWebhook(SECRET, { id: "msg_sign", timestamp: 1_700_000_000, body: BODY }),
  };
}

/** Errors the core makes are still instances of the package's classes (re-registered on reset). */
async function errorsStillTyped(scimkit) {
  const d = await delivery();
  expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, d.headers, d.body.replace("Zoë", "Eve"), { now: d.now }), {
    class: scimkit.WebhookVerificationError,
    code: "invalid_signature",
  }, { secrets: [SECRET] });
  const err = expectScimkitError(scimkit, assert, () => scimkit.normalizeUser({ ...USER, active: "maybe" }), { class: scimkit.NormalizationError });
  assert.equal(typeof err.pointer, "string", "NormalizationError.pointer");
}

/** Asserts the error of a trap: a ScimkitError (the base class) with code wasm_trap. */
function checkTrap(scimkit, err, { cls, cause } = {}) {
  assert.checkError(err, { class: cls ?? scimkit.ScimkitError, code: "wasm_trap", messageIncludes: ["trapped", "can be retried"] });
  assert.ok(err instanceof scimkit.ScimkitError, "instanceof ScimkitError");
  if (!cls) assert.equal(err.name, "ScimkitError", "the base class (not a subclass)");
  if (cause) assert.equal(err.cause?.name, cause, `cause is a ${cause} (${err.cause})`);
  return err;
}

function trapNow(scimkit, kind, cause) {
  const err = assert.throws(() => scimkit.trapForTest(kind), { code: "wasm_trap" });
  return checkTrap(scimkit, err, { cause });
}

/** A store port kept in JS (so it outlives the instance), as an app's own store would be. */
function jsStore() {
  const users = new Map();
  const groups = new Map();
  const members = new Map(); // "group\u0000user" → membership
  const events = new Set();
  const checkpoints = new Map();
  const revision = (map, id) => map.get(id)?.revision ?? null;
  return {
    rows: users,
    hasEvent: async (id) => events.has(id),
    users: async (ids) => ids.filter((id) => users.has(id)).map((id) => users.get(id)),
    groups: async (ids) => ids.filter((id) => groups.has(id)).map((id) => groups.get(id)),
    userGroups: async (ids) => [...members.values()].filter((m) => ids.includes(m.user_id)).map(({ group_id, user_id }) => ({ group_id, user_id })),
    groupMembers: async (id) => [...members.values()].filter((m) => m.group_id === id).map((m) => m.user_id),
    unseenUsers: async () => [],
    unseenGroups: async () => [],
    checkpoint: async (key) => checkpoints.get(key) ?? null,
    commit: async (cs) => {
      if (cs.event && events.has(cs.event.id)) throw Object.assign(new Error("duplicate"), { code: "store_conflict" });
      for (const g of cs.guards ?? []) {
        const now = g.kind === "user" ? revision(users, g.id) : g.kind === "group" ? revision(groups, g.id) : (checkpoints.get(g.key) ?? null);
        if (now !== (g.kind === "checkpoint" ? g.value : g.revision)) throw Object.assign(new Error("guard"), { code: "store_conflict" });
      }
      if (cs.event) events.add(cs.event.id);
      for (const u of cs.put_users ?? []) users.set(u.id, u);
      for (const g of cs.put_groups ?? []) groups.set(g.id, g);
      for (const m of cs.remove_members ?? []) members.delete(`${m.group_id}\u0000${m.user_id}`);
      for (const m of cs.add_members ?? []) members.set(`${m.group_id}\u0000${m.user_id}`, m);
      for (const c of cs.checkpoints ?? []) checkpoints.set(c.key, c.value);
    },
  };
}

function syncEvent(id, second, email) {
  return JSON.stringify({
    spec_version: "1",
    id,
    type: "organization.directory.user_updated",
    occurred_at: `2024-03-01T10:00:${String(second).padStart(2, "0")}.000000000Z`,
    organization_id: "org_1",
    object: "DirectoryUser",
    data: { id: "u1", organization_id: "org_1", directory_id: "dir_1", email, active: true },
  });
}

export const cases = [
  {
    name: "a panic throws ScimkitError wasm_trap; verification, normalization, PATCH and signing then work as before",
    run: async (scimkit) => {
      // Warm the state the façade keeps: cached verifiers, a grown input buffer.
      const before = await workload(scimkit);
      scimkit.normalizeUser({ ...USER, displayName: "x".repeat(300_000) });
      const err = trapNow(scimkit, "panic", "RuntimeError");
      assert.match(err.message, /unreachable/i, "the trap's own message is kept");
      assert.deepEqual(await workload(scimkit), before, "same answers on the fresh instance");
      await errorsStillTyped(scimkit);
    },
  },
  {
    name: "an allocation failure (memory exhausted) traps; the next calls work",
    run: async (scimkit) => {
      const before = await workload(scimkit);
      trapNow(scimkit, "alloc", "RuntimeError");
      assert.deepEqual(await workload(scimkit), before, "same answers on the fresh instance");
      await errorsStillTyped(scimkit);
    },
  },
  {
    name: "25 traps in a row, each followed by a working verification",
    run: async (scimkit) => {
      const d = await delivery();
      const want = scimkit.verifyWebhook(SECRET, d.headers, d.body, { now: d.now });
      for (let i = 0; i < 25; i++) {
        trapNow(scimkit, "panic");
        assert.deepEqual(scimkit.verifyWebhook(SECRET, d.headers, d.body, { now: d.now }), want, `verification after trap ${i + 1}`);
      }
    },
  },
  {
    name: "DirectorySync survives a trap: over an app's store it goes on applying, exactly once; a memoryStore() says it was lost",
    run: async (scimkit) => {
      const store = jsStore();
      const sync = new scimkit.DirectorySync({ store });
      assert.equal((await sync.applyEvent(syncEvent("evt_1", 1, "a@example.com"))).status, "applied");
      const memory = scimkit.memoryStore();
      await new scimkit.DirectorySync({ store: memory }).applyEvent(syncEvent("evt_1", 1, "a@example.com"));
      trapNow(scimkit, "panic");
      assert.equal((await sync.applyEvent(syncEvent("evt_1", 1, "a@example.com"))).status, "duplicate", "the event applied before the trap");
      assert.equal((await sync.applyEvent(syncEvent("evt_2", 2, "b@example.com"))).status, "applied", "a new event after the trap");
      assert.equal((await sync.applyEvent(syncEvent("evt_1", 1, "a@example.com"))).status, "duplicate");
      assert.equal(store.rows.get("u1").data.email, "b@example.com");
      // The memory store's rows were in the trapped instance: it says so instead of answering empty.
      let err;
      try {
        await memory.getUser("u1");
      } catch (e) {
        err = e;
      }
      assert.checkError(err, { class: scimkit.SyncError, code: "store_failed", messageIncludes: ["trapped"] });
      const fresh = scimkit.memoryStore();
      assert.equal((await new scimkit.DirectorySync({ store: fresh }).applyEvent(syncEvent("evt_3", 3, "c@example.com"))).status, "applied");
      assert.equal((await fresh.getUser("u1")).email, "c@example.com");
    },
  },
  {
    name: "a bad argument to the test export is an ordinary error, not a trap",
    run: async (scimkit) => {
      assert.throws(() => scimkit.trapForTest("nothing"), { class: scimkit.ScimkitError, code: "invalid_argument" });
      const d = await delivery();
      scimkit.verifyWebhook(SECRET, d.headers, d.body, { now: d.now });
    },
  },
  {
    name: "a trap inside a task rejects every call waiting on the instance; the client works afterwards",
    run: async (scimkit, ctx) => {
      const d = directoryOf(ctx);
      // The first request waits at this gate, so the call is pending when the trap comes.
      let open;
      const gate = new Promise((resolve) => (open = resolve));
      let gated = true;
      const fetchFn = async (url, init) => {
        if (gated) await gate;
        return globalThis.fetch(url, init);
      };
      const client = clientFor(scimkit, d, { fetch: fetchFn });
      const waiting = client.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageSize: 5 });
      const later = scimkit.trapForTestLater(Promise.resolve());
      checkTrap(scimkit, await rejection(assert, later, "trapForTestLater"), { cause: "RuntimeError" });
      checkTrap(scimkit, await rejection(assert, waiting, "the pending Directory API call"), { cause: "RuntimeError" });
      // The old instance's request completes now; its callbacks belong to the discarded instance
      // and must do nothing (no uncaught error, no effect on the new instance).
      gated = false;
      open();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const page = await client.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageSize: 5 });
      assert.equal(page.users.length, 5, "the same client, on the fresh instance");
      assert.deepEqual(Object.keys(await workload(scimkit)).length, 6);
    },
  },
  {
    name: "a walk cut by a trap ends in DirectoryApiError wasm_trap with the pageToken to resume from; resuming completes it",
    run: async (scimkit, ctx) => {
      const d = directoryOf(ctx);
      const dir = d.small;
      const client = clientFor(scimkit, d);
      const ids = [];
      const it = client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30 })[Symbol.asyncIterator]();
      let last;
      for (let i = 0; i < 3; i++) {
        const { value, done } = await it.next();
        assert.equal(done, false, `page ${i + 1}`);
        for (const u of value.users) ids.push(u.id);
        last = value;
      }
      // The next page is being waited for (or was requested ahead) when the instance traps.
      const next = it.next();
      trapNow(scimkit, "panic");
      const err = checkTrap(scimkit, await rejection(assert, next, "the walk"), { cls: scimkit.DirectoryApiError });
      assert.equal(err.name, "DirectoryApiError");
      assert.equal(err.pageToken, last.next_page_token, "pageToken: the page after the last one delivered");
      assert.equal((await it.next()).done, true, "the walk is over");
      let pages = 0;
      for await (const page of client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, pageToken: err.pageToken })) {
        if (++pages > 20) throw new Error("the resumed walk did not end");
        for (const u of page.users) ids.push(u.id);
      }
      await assertExactlyAllUsers(assert, ids, dir, "walk resumed after a trap");

      // A trap between two pages (no call waiting): the next page fails the same way.
      const it2 = client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30 })[Symbol.asyncIterator]();
      const first = (await it2.next()).value;
      trapNow(scimkit, "panic");
      const err2 = checkTrap(scimkit, await rejection(assert, it2.next(), "the second walk"), { cls: scimkit.DirectoryApiError });
      assert.equal(err2.pageToken, first.next_page_token);
      // A walk that had not started yet when the trap came resumes from its start.
      const it3 = client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30 })[Symbol.asyncIterator]();
      trapNow(scimkit, "panic");
      const err3 = checkTrap(scimkit, await rejection(assert, it3.next(), "the third walk"), { cls: scimkit.DirectoryApiError });
      assert.equal(err3.pageToken, undefined, "no token: restart from the beginning");
      assert.match(err3.message, /restart it/);
    },
  },
];

function withTimeout(promise, ms, label) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Runs every case against `scimkit` (the trap-test package); ctx: { directory, extraCases }.
 * Returns a summary shaped like suite/runner.mjs's ({ total, passed, failed, excluded, results }).
 */
export async function runTrapCases(scimkit, ctx = {}) {
  if (typeof scimkit.trapForTest !== "function") throw new Error("not the trap-test package: no trapForTest export (node scripts/build.mjs --trap-test)");
  const results = [];
  for (const c of [...cases, ...(ctx.extraCases ?? [])]) {
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(() => c.run(scimkit, ctx)), CASE_TIMEOUT_MS, c.name);
      results.push({ name: c.name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      const error = e instanceof Error ? `${e.name}: ${e.message}\n${String(e.stack ?? "").split("\n").slice(1, 6).join("\n")}` : String(e);
      results.push({ name: c.name, ok: false, ms: Date.now() - t0, error });
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return { total: results.length, passed, failed: results.length - passed, excluded: 0, results };
}
