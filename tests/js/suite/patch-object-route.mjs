// applyScimPatch with object arguments crosses only the attributes a patch touches (a top-level
// delta, src/scim/apply.rs). These cases pin what that route promises: the caller's object is
// never modified, the result equals the whole-text route's, and values JSON cannot carry fall back
// to the text route with the same outcome.

const USER = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  id: "u1",
  userName: "ana@acme.example",
  active: true,
  name: { givenName: "Ana", familyName: "Lima" },
  emails: [{ value: "ana@acme.example", type: "work", primary: true }],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Eng", manager: { value: "m1" } },
};

const PATCHES = [
  { Operations: [{ op: "Replace", path: "active", value: "False" }] },
  { Operations: [{ op: "replace", path: 'emails[type eq "work"].value', value: "ana@new.example" }] },
  { Operations: [{ op: "add", value: { "name.givenName": "Anna", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Ops" } }] },
  { Operations: [{ op: "remove", path: "name.familyName" }] },
  { Operations: [{ op: "replace", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", value: "m2" }] },
  { Operations: [{ op: "replace", path: "password", value: "pw-canary-route" }] },
];

const clone = (v) => JSON.parse(JSON.stringify(v));

export default [
  {
    name: "applyScimPatch(object) never modifies the caller's resource or patch, and equals the text route",
    run: async (scimkit, { assert }) => {
      for (const patch of PATCHES) {
        const resource = clone(USER);
        const before = JSON.stringify(resource);
        const patchBefore = JSON.stringify(patch);
        const viaObject = scimkit.applyScimPatch(resource, patch);
        assert.equal(JSON.stringify(resource), before, `resource untouched by ${patchBefore}`);
        assert.equal(JSON.stringify(patch), patchBefore, "patch untouched");
        const viaText = scimkit.applyScimPatch(JSON.stringify(USER), JSON.stringify(patch));
        assert.deepEqual(viaObject, viaText, `object and text routes agree for ${patchBefore}`);
        assert.ok(!JSON.stringify(viaObject).includes("pw-canary-route"), "no password in the result");
      }
    },
  },
  {
    name: "applyScimPatch(object): results share untouched attributes (documented), never touched ones",
    run: async (scimkit, { assert }) => {
      const resource = clone(USER);
      const out = scimkit.applyScimPatch(resource, { Operations: [{ op: "replace", path: "name.givenName", value: "Anna" }] });
      assert.ok(out !== resource, "a new top-level object");
      assert.ok(out.emails === resource.emails, "an untouched attribute is shared, not copied");
      assert.ok(out.name !== resource.name, "a touched attribute is a new value");
      assert.equal(resource.name.givenName, "Ana");
      assert.equal(out.name.givenName, "Anna");
    },
  },
  {
    name: "applyScimPatch(object) with values JSON cannot carry (-0, undefined, Date, toJSON) behaves like the text route",
    run: async (scimkit, { assert }) => {
      const patch = { Operations: [{ op: "replace", path: "active", value: false }] };
      for (const [label, extra] of [
        ["-0", { score: -0 }],
        ["undefined member", { nick: undefined }],
        ["a Date", { when: new Date(0) }],
        ["toJSON", { custom: { toJSON: () => "x" } }],
      ]) {
        const resource = { ...clone(USER), ...extra };
        const viaObject = scimkit.applyScimPatch(resource, patch);
        const viaText = scimkit.applyScimPatch(JSON.stringify(resource), JSON.stringify(patch));
        assert.deepEqual(viaObject, viaText, label);
      }
    },
  },
  {
    name: "applyScimPatch(object) on a group's members: values left alone are the caller's, the result equals the text route, passwords never come back",
    run: async (scimkit, { assert }) => {
      const group = {
        displayName: "g",
        members: [
          { value: "a" },
          { value: "b", display: "B" },
          { value: "c", password: "pw-canary-member" },
          { value: "d" },
          { value: "e", primary: true },
        ],
      };
      const before = JSON.stringify(group);
      const patch = {
        Operations: [
          { op: "remove", path: 'members[value eq "b"]' },
          { op: "add", path: "members", value: [{ value: "d", display: "D" }, { value: "f", primary: true }] },
          { op: "remove", path: "members", value: [{ value: "zz" }] },
        ],
      };
      const out = scimkit.applyScimPatch(group, patch);
      assert.equal(JSON.stringify(group), before, "the caller's group is untouched");
      assert.deepEqual(out, scimkit.applyScimPatch(JSON.stringify(group), JSON.stringify(patch)), "object and text routes agree");
      assert.deepEqual(
        out.members.map((m) => m.value),
        ["a", "c", "d", "e", "f"],
      );
      assert.ok(out.members !== group.members, "a new list");
      assert.ok(out.members[0] === group.members[0], "a member left alone is the caller's own value");
      assert.ok(out.members[2] !== group.members[3] && out.members[2].display === "D", "a member written to is a new value");
      assert.equal(out.members[3].primary, false, "one primary: the one written last");
      assert.ok(!JSON.stringify(out).includes("pw-canary-member"), "a member's password never comes back");
      assert.deepEqual(out.members[1], { value: "c" });
    },
  },
];
