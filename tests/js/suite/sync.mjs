// DirectorySync over memoryStore() in every runtime (Node, workerd, Chromium, Bun, Deno): the event
// rules through the wasm engine, verification before the store, and a full sync of the suite's
// 300-user directory. The SQLite store is Node-only and tested in tests/js/sync.test.mjs.
import { clientFor, directoryOf } from "./directory-helpers.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function envelope(id, type, data, second) {
  return {
    spec_version: "1",
    id,
    type: `organization.directory.${type}`,
    occurred_at: `2024-03-01T10:00:${String(second).padStart(2, "0")}.000000000Z`,
    organization_id: "org_1",
    object: type.startsWith("group") ? "DirectoryGroup" : "DirectoryUser",
    data: { organization_id: "org_1", directory_id: "dir_1", ...data },
  };
}

export default [
  {
    name: "memoryStore + DirectorySync: each event applies once, an older one never overwrites newer state, a delete leaves a tombstone",
    run: async (scimkit, { assert }) => {
      const store = scimkit.memoryStore();
      const kinds = [];
      const sync = new scimkit.DirectorySync({ store, onChange: (c) => void kinds.push(c.kind) });
      const apply = async (e) => (await sync.applyEvent(JSON.stringify(e))).status;
      const created = envelope("evt_1", "user_created", { id: "u1", email: "ada@example.com", groups: [{ id: "g1", name: "Eng" }] }, 1);
      assert.equal(await apply(created), "applied");
      assert.equal(await apply(created), "duplicate");
      assert.equal(await apply(envelope("evt_3", "user_updated", { id: "u1", title: "Countess", groups: null }, 3)), "applied");
      assert.equal(await apply(envelope("evt_2", "user_updated", { id: "u1", title: "Analyst", groups: null }, 2)), "stale");
      assert.equal((await store.getUser("u1")).title, "Countess");
      assert.deepEqual(await store.listUserGroups("u1"), ["g1"]);
      assert.equal(await apply(envelope("evt_4", "user_deleted", { id: "u1" }, 4)), "applied");
      assert.equal(await apply(envelope("evt_5", "user_updated", { id: "u1", title: "Back?" }, 3)), "stale");
      assert.equal(await store.getUser("u1"), null);
      assert.deepEqual(await store.listMembers("g1"), []);
      assert.deepEqual(kinds, ["user_created", "member_added", "user_updated", "user_deleted", "member_removed"]);
    },
  },
  {
    name: "DirectorySync.handleWebhook: a forged delivery throws WebhookVerificationError and the store is never called; a signed one applies",
    run: async (scimkit, { assert }) => {
      const calls = [];
      const inner = scimkit.memoryStore();
      const store = {};
      for (const m of ["hasEvent", "users", "groups", "userGroups", "groupMembers", "unseenUsers", "unseenGroups", "checkpoint", "commit"]) {
        store[m] = (...args) => {
          calls.push(m);
          return inner[m](...args);
        };
      }
      const sync = new scimkit.DirectorySync({ store, webhookSecret: SECRET });
      const body = JSON.stringify(envelope("evt_1", "user_created", { id: "u1", email: "a@example.com" }, 1));
      const headers = scimkit.signWebhook(SECRET, { body });
      let err;
      try {
        await sync.handleWebhook(headers, body.replace("a@example.com", "mallory@example.com"));
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof scimkit.WebhookVerificationError, `got ${err}`);
      assert.equal(err.code, "invalid_signature");
      assert.deepEqual(calls, []);
      const r = await sync.handleWebhook(headers, new TextEncoder().encode(body));
      assert.equal(r.status, "applied");
      assert.equal((await inner.getUser("u1")).email, "a@example.com");
    },
  },
  {
    name: "DirectorySync.fullSync of the 300-user directory into memoryStore equals the listing; a second run changes nothing",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const d = directoryOf(ctx);
      await d.admin.clearFaults();
      const client = clientFor(scimkit, d);
      const store = scimkit.memoryStore();
      const sync = new scimkit.DirectorySync({ store, client });
      const first = await sync.fullSync({ organizationId: d.small.orgId, directoryId: d.small.dirId });
      assert.equal(first.user_created, d.small.users);
      const listed = [];
      for await (const u of client.directoryUsers(d.small.orgId, d.small.dirId, { pageSize: 30 })) listed.push(u);
      const stored = await store.listUsers({ organizationId: d.small.orgId, directoryId: d.small.dirId });
      assert.deepEqual(stored.map((u) => u.id), listed.map((u) => u.id).sort());
      for (const u of listed.slice(0, 50)) {
        assert.deepEqual(await store.listUserGroups(u.id), u.groups.map((g) => g.id).sort(), `${u.id}'s groups`);
        assert.equal((await store.getUser(u.id)).email, u.email);
      }
      const second = await sync.fullSync({ organizationId: d.small.orgId, directoryId: d.small.dirId });
      assert.equal(second.user_created + second.user_updated + second.member_added + second.member_removed + second.group_created, 0, JSON.stringify(second));
      assert.equal(second.unchanged, first.user_created + first.group_created);
    },
  },
];
