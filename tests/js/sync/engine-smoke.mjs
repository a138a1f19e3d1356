// DirectorySync over a given store, without a directory service: the event rules end to end
// through the store (exactly once, order, tombstones, memberships from `groups`, null vs []).
// Shared by sync.test.mjs (every store) and the node:sqlite child.
import assert from "node:assert/strict";

/** A webhook envelope as the reference service sends it. */
export function envelope(id, type, data, second) {
  return {
    spec_version: "1",
    id,
    type: `organization.directory.${type}`,
    occurred_at: `2024-03-01T10:00:${String(second).padStart(2, "0")}.000000000Z`,
    environment_id: "env_1",
    organization_id: "org_1",
    object: type.startsWith("group") ? "DirectoryGroup" : "DirectoryUser",
    data: { organization_id: "org_1", directory_id: "dir_1", ...data },
    display_name: "",
  };
}

export async function engineSmoke(store, { pkg }) {
  const seen = [];
  const sync = new pkg.DirectorySync({ store, onChange: (c) => void seen.push(`${c.kind}:${c.id}`) });
  const apply = async (e) => (await sync.applyEvent(JSON.stringify(e))).status;
  const group = envelope("evt_g1", "group_created", { id: "g1", display_name: "Eng" }, 1);
  const created = envelope("evt_u1", "user_created", { id: "u1", email: "ada@example.com", active: true, groups: [{ id: "g1", name: "Eng" }] }, 2);
  const newer = envelope("evt_u2", "user_updated", { id: "u1", email: "ada@example.com", title: "Countess", active: true, groups: null }, 4);
  const older = envelope("evt_u3", "user_updated", { id: "u1", email: "ada@example.com", title: "Analyst", active: true, groups: null }, 3);
  const deleted = envelope("evt_u4", "user_deleted", { id: "u1", email: "ada@example.com" }, 5);
  const lateCreate = envelope("evt_u5", "user_created", { id: "u1", email: "ada@example.com", active: true }, 4);
  assert.equal(await apply(group), "applied");
  assert.equal(await apply(created), "applied");
  assert.equal(await apply(created), "duplicate");
  assert.deepEqual(await store.listMembers("g1"), ["u1"]);
  assert.equal(await apply(newer), "applied");
  assert.deepEqual(await store.listMembers("g1"), ["u1"], "groups: null leaves the memberships");
  assert.equal(await apply(older), "stale");
  assert.equal((await store.getUser("u1")).title, "Countess");
  assert.equal(await apply(older), "duplicate", "a stale event's id is recorded too");
  assert.equal(await apply(deleted), "applied");
  assert.equal(await store.getUser("u1"), null);
  assert.deepEqual(await store.listMembers("g1"), []);
  assert.equal(await apply(lateCreate), "stale", "an older create does not bring a deleted user back");
  assert.equal(await store.getUser("u1"), null);
  const again = envelope("evt_u6", "user_created", { id: "u1", email: "ada@example.com", active: true, groups: [] }, 6);
  assert.equal(await apply(again), "applied", "a newer create re-provisions");
  assert.equal((await store.getUser("u1")).title, null);
  assert.deepEqual(seen, [
    "group_created:g1",
    "user_created:u1",
    "member_added:u1",
    "user_updated:u1",
    "user_deleted:u1",
    "member_removed:u1",
    "user_created:u1",
  ]);
}
