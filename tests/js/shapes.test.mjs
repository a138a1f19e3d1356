// Types that cannot drift: every object the package returns is compared, key by key and value kind
// by value kind, with its declaration in pkg/index.d.ts. A field the package returns but the
// declarations omit fails, and so does a declared field that is missing or of another kind.
// The objects come from real calls: every normalization fixture, signed and verified deliveries,
// SCIM requests, and the Directory API against the local directory service on 127.0.0.1.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./lib/harness.mjs";
import { parseDeclarations } from "./lib/declarations.mjs";
import { loadFixtures } from "./lib/fixtures.mjs";

const dts = readFileSync(join(repoRoot, "pkg", "index.d.ts"), "utf8");
const decl = parseDeclarations(dts);
const pkg = await import(pathToFileURL(join(repoRoot, "pkg", "node.mjs")).href);

/** Kind of a JS value as the declarations distinguish them. */
const kindOf = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Checks `value` against the type expression `type` (parsed by parseDeclarations); returns a list
 * of problems, each with the path where it was found. `checked` counts the keys compared.
 */
function check(value, type, path, checked) {
  switch (type.t) {
    case "any":
      return [];
    case "prim":
      return kindOf(value) === type.name ? [] : [`${path}: ${kindOf(value)}, declared ${type.name}`];
    case "literal":
      return value === type.value ? [] : [`${path}: ${JSON.stringify(value)}, declared ${JSON.stringify(type.value)}`];
    case "array":
      if (!Array.isArray(value)) return [`${path}: ${kindOf(value)}, declared an array`];
      return value.flatMap((item, i) => check(item, type.of, `${path}[${i}]`, checked));
    case "union": {
      const tries = type.of.map((alt) => check(value, alt, path, checked));
      return tries.some((p) => p.length === 0) ? [] : [`${path}: matches none of ${type.text} (${tries.map((p) => p[0]).join("; ")})`];
    }
    case "ref": {
      const target = decl.types.get(type.name);
      if (!target) return [`${path}: no declaration named ${type.name}`];
      return check(value, target, path, checked);
    }
    case "object": {
      if (kindOf(value) !== "object") return [`${path}: ${kindOf(value)}, declared an object`];
      const problems = [];
      for (const [key, field] of type.fields) {
        checked.n++;
        if (!(key in value)) {
          if (!field.optional) problems.push(`${path}.${key}: missing (declared ${field.text})`);
          continue;
        }
        if (value[key] === undefined && field.optional) continue;
        problems.push(...check(value[key], field.type, `${path}.${key}`, checked));
      }
      for (const key of Object.keys(value)) {
        if (type.fields.has(key)) continue;
        if (type.index) problems.push(...check(value[key], type.index, `${path}.${key}`, checked));
        else problems.push(`${path}.${key}: returned but not declared`);
      }
      return problems;
    }
    default:
      return [`${path}: cannot check type ${type.text}`];
  }
}

function assertShape(value, typeText, what) {
  const checked = { n: 0 };
  const problems = check(value, decl.parse(typeText), what, checked);
  assert.deepEqual(problems, [], `${what} against \`${typeText}\``);
  return checked.n;
}

/** The declared return type of an exported function or method. */
const returns = (name) => {
  const t = decl.returns.get(name);
  assert.ok(t, `index.d.ts declares ${name}`);
  return t;
};

const { cases } = loadFixtures();

/** The JS call each fixture function maps to (as tests/js/suite/normalize-fixtures.mjs does). */
function callFixture(fx) {
  const a = fx.args ?? {};
  switch (fx.function) {
    case "normalize_event":
      return ["normalizeEvent", pkg.normalizeEvent(a.payload_text ?? a.payload)];
    case "normalize_user":
      return ["normalizeUser", pkg.normalizeUser(a.resource, a.options)];
    case "normalize_group":
      return ["normalizeGroup", pkg.normalizeGroup(a.resource, a.options)];
    case "apply_scim_patch":
      return ["applyScimPatch", pkg.applyScimPatch(a.resource, a.patch)];
    case "normalize_scim_request": {
      const c = a.context ?? {};
      const options = { now: c.now ?? null, organizationId: c.organization_id, directoryId: c.directory_id, provider: c.provider, current: c.current ?? undefined };
      return ["normalizeScimRequest", pkg.normalizeScimRequest(a.request, options)];
    }
    default:
      return [null, null];
  }
}

/** The declared type of an event's `data`, from its `object` and `partial`. */
const dataType = (e) => (e.type.endsWith("_deleted") ? "JsonObject" : e.object === "DirectoryGroup" ? "DirectoryGroup" : e.object === "DirectoryUser" ? (e.partial ? "PartialDirectoryUser" : "DirectoryUser") : "JsonObject");

test("every normalization fixture's result matches its declaration, events' data included", () => {
  let keys = 0;
  const seen = {};
  for (const fx of cases) {
    let fn, out;
    try {
      [fn, out] = callFixture(fx);
    } catch {
      continue; // an error fixture: the errors test checks the error classes' shapes
    }
    if (!fn) continue;
    keys += assertShape(out, returns(fn), `${fn}(${fx.name})`);
    seen[fn] = (seen[fn] ?? 0) + 1;
    const events = fn === "normalizeEvent" ? [out] : fn === "normalizeScimRequest" ? out.events : [];
    for (const [i, e] of events.entries()) keys += assertShape(e.data, dataType(e), `${fn}(${fx.name}) event ${i} data`);
  }
  for (const fn of ["normalizeEvent", "normalizeUser", "normalizeGroup", "applyScimPatch", "normalizeScimRequest"]) {
    assert.ok((seen[fn] ?? 0) >= 3, `at least 3 ${fn} fixtures checked (got ${seen[fn] ?? 0})`);
  }
  assert.ok(keys > 1000, `compared ${keys} keys`);
});

test("signWebhook → verifyWebhook / verifySignature: the results match their declarations", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = JSON.stringify({
    id: "evt_1",
    type: "organization.directory.user_created",
    occurred_at: "2024-01-01T00:00:00Z",
    organization_id: "org_1",
    directory_id: "dir_1",
    object: "DirectoryUser",
    data: { id: "u_1", email: "a@example.com", active: true },
  });
  const signed = pkg.signWebhook(secret, { body });
  assertShape(signed, returns("signWebhook"), "signWebhook");
  assertShape(pkg.verifySignature(secret, signed, body), returns("verifySignature"), "verifySignature");
  const event = pkg.verifyWebhook(secret, signed, body);
  assertShape(event, returns("verifyWebhook"), "verifyWebhook");
  assertShape(event.data, "DirectoryUser", "verifyWebhook().data");
});

test("normalizeScimRequest and applyScimPatch: results match their declarations", () => {
  const user = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], id: "42", userName: "a@example.com", active: true, emails: [{ value: "a@example.com", primary: true }] };
  const patch = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "Replace", path: "active", value: "False" }] };
  assertShape(pkg.applyScimPatch(user, patch), returns("applyScimPatch"), "applyScimPatch");
  const opts = { organizationId: "org_1", directoryId: "dir_1", now: 0 };
  for (const [request, options] of [
    [{ method: "POST", path: "/scim/v2/Users", body: user }, opts],
    [{ method: "PATCH", path: "/scim/v2/Users/42", body: patch }, opts],
    [{ method: "PATCH", path: "/scim/v2/Users/42", body: patch }, { ...opts, current: user }],
    [{ method: "DELETE", path: "/scim/v2/Users/42" }, opts],
    [{ method: "POST", path: "/scim/v2/Groups", body: { displayName: "G", members: [{ value: "42" }] } }, opts],
  ]) {
    const out = pkg.normalizeScimRequest(request, options);
    assertShape(out, returns("normalizeScimRequest"), `normalizeScimRequest(${request.method})`);
    for (const [i, e] of out.events.entries()) {
      assertShape(e.data, dataType(e), `normalizeScimRequest(${request.method}).events[${i}].data`);
    }
  }
});

test("errors: every class's fields match its declaration", () => {
  const cases = [
    ["WebhookVerificationError", () => pkg.verifySignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", {}, "")],
    ["NormalizationError", () => pkg.normalizeUser("{")],
    ["ScimkitError", () => pkg.verifySignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", {}, "", { toleranceSeconds: "x" })],
  ];
  for (const [cls, fn] of cases) {
    let err;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof pkg[cls], `${cls} thrown`);
    const fields = decl.classes.get(cls);
    assert.ok(fields, `class ${cls} declared`);
    for (const [key, field] of fields) {
      if (field.optional && err[key] === undefined) continue;
      assert.deepEqual(check(err[key], field.type, `${cls}.${key}`, { n: 0 }), [], `${cls}.${key}`);
    }
  }
});

let svc;
before(async () => {
  const { startDirectoryService } = await import(pathToFileURL(join(repoRoot, "tools", "directory-service", "server.mjs")).href);
  svc = await startDirectoryService({ seed: "shapes", orgs: 2, emptyOrgs: 0, usersPerDirectory: [45], groupsPerDirectory: 3 });
});
after(() => svc?.close());

test("Directory API: pages, walks and errors match their declarations (local directory service)", async () => {
  const client = new pkg.DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  const orgs = await client.listOrganizations({ pageSize: 10 });
  assertShape(orgs, "OrganizationsPage", "listOrganizations");
  const orgId = orgs.organizations[0].id;
  const dirs = await client.listDirectories(orgId);
  assertShape(dirs, "{ directories: Directory[] }", "listDirectories");
  const dirId = dirs.directories[0].id;
  assertShape(await client.getDirectory(orgId, dirId), "Directory", "getDirectory");
  assertShape(await client.listDirectoryUsers(orgId, dirId, { pageSize: 30 }), "UsersPage", "listDirectoryUsers");
  assertShape(await client.listDirectoryGroups(orgId, dirId), "GroupsPage", "listDirectoryGroups");
  let users = 0;
  for await (const page of client.directoryUserPages(orgId, dirId, { pageSize: 30 })) {
    assertShape(page, "UsersPage", "directoryUserPages");
    users += page.users.length;
  }
  assert.equal(users, 45);
  for await (const group of client.directoryGroups(orgId, dirId)) assertShape(group, "DirectoryGroup", "directoryGroups");
  for await (const org of client.organizations()) assertShape(org, "Organization", "organizations");
  try {
    await client.getDirectory(orgId, "dir_missing");
    assert.fail("expected not_found");
  } catch (err) {
    assert.ok(err instanceof pkg.DirectoryApiError, String(err));
    for (const [key, field] of decl.classes.get("DirectoryApiError")) {
      if (field.optional && err[key] === undefined) continue;
      assert.deepEqual(check(err[key], field.type, `DirectoryApiError.${key}`, { n: 0 }), [], key);
    }
  }
  const sdk = new pkg.ScalekitClient(svc.url, svc.clientId, svc.clientSecret);
  const page = await sdk.directory.listDirectoryUsers(orgId, dirId, { pageSize: 10 });
  assertShape(page, "UsersPage & SdkPageAliases", "ScalekitClient.directory.listDirectoryUsers");
});

test("DirectorySync: results, changes, summaries, store reads and port records match their declarations (memoryStore and sqliteStore)", async () => {
  const { createRequire } = await import("node:module");
  const Database = createRequire(import.meta.url)(join(repoRoot, "node_modules", "better-sqlite3"));
  const { sqliteStore } = await import(pathToFileURL(join(repoRoot, "pkg", "lib", "sqlite.js")).href);
  const db = new Database(":memory:");
  const client = new pkg.DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  const org = svc.seed.organizations[0];
  const dir = org.directories[0].id;
  let keys = 0;
  for (const [label, store] of [["memoryStore", pkg.memoryStore()], ["sqliteStore", sqliteStore(db)]]) {
    const seen = [];
    const sync = new pkg.DirectorySync({ store, client, onChange: (c) => void seen.push(c) });
    const full = await sync.fullSync();
    keys += assertShape(full, "SyncSummary", `${label} fullSync`);
    const users = await store.listUsers({ organizationId: org.id });
    keys += assertShape(users, "DirectoryUser[]", `${label} listUsers`);
    const [user] = users;
    keys += assertShape(await store.getUser(user.id), "DirectoryUser", `${label} getUser`);
    const groups = await store.listGroups({ organizationId: org.id, directoryId: dir });
    keys += assertShape(groups, "DirectoryGroup[]", `${label} listGroups`);
    keys += assertShape(await store.getGroup(groups[0].id), "DirectoryGroup", `${label} getGroup`);
    assertShape(await store.listMembers(groups[0].id), "string[]", `${label} listMembers`);
    assertShape(await store.listUserGroups(user.id), "string[]", `${label} listUserGroups`);
    // The port's answers (a record read may be JSON text).
    const rows = (answer) => (typeof answer === "string" ? JSON.parse(answer) : answer);
    keys += assertShape(rows(await store.users([user.id])), "UserRecord[]", `${label} users()`);
    keys += assertShape(rows(await store.groups([groups[0].id])), "GroupRecord[]", `${label} groups()`);
    assertShape(await store.userGroups([user.id]), "MembershipKey[]", `${label} userGroups()`);
    const query = { organization_id: org.id, directory_id: dir, include_unplaced: true, generation: 99, after_id: null, limit: 3 };
    keys += assertShape(rows(await store.unseenUsers(query)), "UserRecord[]", `${label} unseenUsers()`);
    keys += assertShape(rows(await store.unseenGroups(query)), "GroupRecord[]", `${label} unseenGroups()`);
    // An event with every kind of change object: a user (before and after) and memberships.
    svc.updateUser(user.id, { title: `Shapes ${label}`, groups: [groups.at(-1).id] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const caught = await sync.catchUp();
    keys += assertShape(caught, "SyncSummary", `${label} catchUp`);
    const event = svc.events().at(-1);
    const again = await sync.applyEvent(event);
    keys += assertShape(again, "ApplyResult", `${label} applyEvent (duplicate)`);
    const group = JSON.stringify({ id: `evt_shapes_${label}`, type: "organization.directory.group_created", occurred_at: "2099-01-01T00:00:00Z", organization_id: org.id, object: "DirectoryGroup", data: { id: `dirgroup_shapes_${label}`, organization_id: org.id, directory_id: dir, display_name: "Shapes" } });
    keys += assertShape(await sync.applyEvent(group), "ApplyResult", `${label} applyEvent (group)`);
    const kinds = new Set(seen.map((c) => c.kind));
    for (const k of ["user_created", "group_created", "member_added", "user_updated"]) assert.ok(kinds.has(k), `${label}: a ${k} change was checked`);
    for (const [i, c] of seen.entries()) keys += assertShape(c, "Change", `${label} onChange[${i}]`);
  }
  db.close();
  assert.ok(keys > 2000, `compared ${keys} keys`);
  // SyncError's declared fields, from an onChange that throws.
  const failing = new pkg.DirectorySync({ store: pkg.memoryStore(), onChange: () => { throw new Error("no"); } });
  const err = await failing
    .applyEvent({ id: "evt_1", type: "organization.directory.group_created", occurred_at: "2024-01-01T00:00:00Z", organization_id: "org_1", data: { id: "g1" } })
    .then(() => null, (e) => e);
  assert.ok(err instanceof pkg.SyncError, String(err));
  for (const [key, field] of decl.classes.get("SyncError")) {
    if (field.optional && err[key] === undefined) continue;
    assert.deepEqual(check(err[key], field.type, `SyncError.${key}`, { n: 0 }), [], key);
  }
  assertShape(err.failures.map((f) => ({ ...f, error: null })), "ChangeFailure[]", "SyncError.failures");
});
