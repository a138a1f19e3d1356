// The normalization fixtures (tests/fixtures/normalize, the same files tests/normalize_fixtures.rs
// runs) through the package's JS API, plus password, hostile-input and argument-type cases.
// The runners load every fixture (with `$file`/`$pointer` resolved) into ctx.fixtures
// ({ format, count, cases: [{ name, function, args, expected }] }), because workerd and Chromium
// cannot read files.
//
// Mapping of the Rust fixture functions to the JS API:
//   normalize_event        → normalizeEvent(payload)            (payload_text: raw text only)
//   normalize_user/_group  → normalizeUser/Group(resource, options)
//   apply_scim_patch       → applyScimPatch(resource, patch)
//   normalize_scim_request → normalizeScimRequest(request, { organizationId, directoryId, provider,
//                            current, now }); a context without `now` passes `now: null` (JS
//                            defaults an absent `now` to the current time; Rust to none)
//   user_/group_from_reference → no JS export: run as the `data` of a user_created/group_created
//                            event through normalizeEvent (the core uses those functions for event
//                            data); expected error pointers get the `/data` prefix
//   detect_provider        → no JS export, and its result is not observable: covered indirectly, the
//                            resource must normalize identically with the provider detected and with
//                            the expected provider passed explicitly (only Google changes the output)
//
// Every JSON argument is passed in each form the API accepts: a value, JSON text, UTF-8 bytes
// (Uint8Array) and an ArrayBuffer; the outputs must be the same for all forms.
import { utf8 } from "./helpers.mjs";

const FORMS = ["object", "string", "bytes", "arraybuffer"];

/** `value` as one of the accepted input forms. A JSON string value has no "object" form (a JS string is JSON text). */
function as(form, value) {
  if (form === "object" && typeof value !== "string") return value;
  const text = JSON.stringify(value);
  if (form === "bytes") return utf8(text);
  if (form === "arraybuffer") {
    const b = utf8(text);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
  return text;
}

/** Raw text (possibly invalid JSON) in a text form. */
function rawAs(form, text) {
  if (form === "bytes") return utf8(text);
  if (form === "arraybuffer") return utf8(text).buffer;
  return text;
}

const arg = (args, name) => (args && Object.prototype.hasOwnProperty.call(args, name) ? args[name] : null);

/** Deep copy of JSON data, so no call can see (or leave) another call's mutations. */
const copy = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function requestOptions(context, form) {
  const c = context ?? {};
  const o = { now: Object.prototype.hasOwnProperty.call(c, "now") ? c.now : null };
  if (c.organization_id !== undefined) o.organizationId = c.organization_id;
  if (c.directory_id !== undefined) o.directoryId = c.directory_id;
  if (c.provider !== undefined) o.provider = c.provider;
  if (c.current !== undefined && c.current !== null) o.current = as(form, copy(c.current));
  return o;
}

const REFERENCE_EVENT = { user_from_reference: "organization.directory.user_created", group_from_reference: "organization.directory.group_created" };

/**
 * Runs one fixture in one input form: { value } or { thrown } (the raw thrown value), and the
 * expected output adjusted to what the JS route returns.
 */
export function runFixture(scimkit, fx, form) {
  const a = copy(fx.args) ?? {};
  let expected = fx.expected;
  let call;
  switch (fx.function) {
    case "normalize_event":
      call = () => scimkit.normalizeEvent(typeof a.payload_text === "string" ? rawAs(form, a.payload_text) : as(form, arg(a, "payload")));
      break;
    case "normalize_user":
      call = () => scimkit.normalizeUser(as(form, arg(a, "resource")), a.options);
      break;
    case "normalize_group":
      call = () => scimkit.normalizeGroup(as(form, arg(a, "resource")), a.options);
      break;
    case "apply_scim_patch":
      call = () => scimkit.applyScimPatch(as(form, arg(a, "resource")), as(form, arg(a, "patch")));
      break;
    case "normalize_scim_request": {
      const r = a.request ?? {};
      const request = { method: r.method, path: r.path };
      if (r.body !== undefined) request.body = r.body === null ? null : as(form, r.body);
      call = () => scimkit.normalizeScimRequest(request, requestOptions(a.context, form));
      break;
    }
    case "user_from_reference":
    case "group_from_reference": {
      const payload = { type: REFERENCE_EVENT[fx.function], data: arg(a, "value") };
      call = () => scimkit.normalizeEvent(as(form, payload)).data;
      if (expected && typeof expected === "object" && expected.error) {
        expected = { error: { ...expected.error, pointer: `/data${expected.error.pointer}` } };
      }
      break;
    }
    default:
      throw new Error(`${fx.name}: unknown function ${fx.function}`);
  }
  try {
    return { value: call(), expected };
  } catch (thrown) {
    return { thrown, expected };
  }
}

function show(v) {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 400 ? `${s.slice(0, 400)}…` : s;
}

/** Why `got` does not match the fixture's expectation, or undefined when it does. */
export function mismatch(scimkit, assert, got) {
  const { expected } = got;
  const wantsError = expected !== null && typeof expected === "object" && !Array.isArray(expected) && expected.error && Object.keys(expected).length === 1;
  if (wantsError) {
    if (!("thrown" in got)) return `expected error ${show(expected.error)}, got a value ${show(got.value)}`;
    const e = got.thrown;
    if (!(e instanceof scimkit.NormalizationError) || !(e instanceof scimkit.ScimkitError) || !(e instanceof Error)) {
      return `expected a NormalizationError, got ${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e)}`;
    }
    if (e.code !== expected.error.code || e.pointer !== expected.error.pointer || e.scimType !== expected.error.scim_type) {
      return `expected error ${show(expected.error)}, got ${show({ code: e.code, pointer: e.pointer, scim_type: e.scimType })} (${e.message})`;
    }
    if (typeof e.message !== "string" || e.message.length === 0) return "error message is empty";
    return undefined;
  }
  if ("thrown" in got) {
    const e = got.thrown;
    return `expected a value, threw ${e?.constructor?.name ?? typeof e} ${show({ code: e?.code, pointer: e?.pointer })}: ${String(e?.message ?? e)}`;
  }
  if (!assert.isDeepEqual(got.value, expected)) return `expected ${show(expected)}\n      got ${show(got.value)}`;
  return undefined;
}

/** The fixtures handed over by the runner; fails loudly when there are none (no vacuous passes). */
export function fixturesOf(ctx) {
  const f = ctx.fixtures;
  if (!f || f.format !== 1 || !Array.isArray(f.cases) || f.cases.length < 100 || f.cases.length !== f.count) {
    throw new Error(`ctx.fixtures missing or malformed (count ${f?.count}, cases ${f?.cases?.length})`);
  }
  return f.cases;
}

/** Runs every fixture of the given functions in every form; fails listing every mismatch. */
function checkFunctions(scimkit, ctx, functions, minimum) {
  const { assert } = ctx;
  const cases = fixturesOf(ctx).filter((fx) => functions.includes(fx.function));
  assert.ok(cases.length >= minimum, `at least ${minimum} ${functions.join("/")} fixtures, got ${cases.length}`);
  const failures = [];
  for (const fx of cases) {
    for (const form of FORMS) {
      const why = mismatch(scimkit, assert, runFixture(scimkit, fx, form));
      if (why) failures.push(`${fx.name} [${form}]: ${why}`);
    }
  }
  if (failures.length) assert.fail(`${failures.length} of ${cases.length * FORMS.length} fixture runs differ:\n  ${failures.join("\n  ")}`);
  return cases.length;
}

/** The JSON texts of every output (and error message) of every fixture, in every form. */
function allOutputs(scimkit, ctx) {
  const out = [];
  for (const fx of fixturesOf(ctx)) {
    if (fx.function === "detect_provider") continue;
    for (const form of FORMS) {
      const got = runFixture(scimkit, fx, form);
      out.push({ name: `${fx.name} [${form}]`, text: "thrown" in got ? String(got.thrown?.message) : JSON.stringify(got.value) });
    }
  }
  return out;
}

/** Every string value kept under a key named password (any case, any depth) in a value. */
function passwordValues(v, out = new Set()) {
  if (Array.isArray(v)) for (const x of v) passwordValues(x, out);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (/^password$/i.test(k) && typeof x === "string") out.add(x);
      // PATCH operations setting a password: {"path": "password", "value": "…"}.
      if (/^path$/i.test(k) && typeof x === "string" && /(^|[:.])password$/i.test(x) && typeof v.value === "string") out.add(v.value);
      passwordValues(x, out);
    }
  }
  return out;
}

const CANARY = "pw-canary-7f3a9c";

/** Inputs that carry passwords in every place the API reads. Outputs must not contain "password" at all. */
function passwordInputs() {
  const user = {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    id: "u1",
    userName: "pw@example.com",
    password: `${CANARY}-1`,
    PASSWORD: `${CANARY}-2`,
    name: { givenName: "P", password: `${CANARY}-3` },
    emails: [{ value: "pw@example.com", primary: true, password: `${CANARY}-4` }],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "D", Password: `${CANARY}-5` },
    "urn:example:custom": { password: `${CANARY}-6`, nested: { deeper: [{ password: `${CANARY}-7` }] } },
  };
  const group = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id: "g1", displayName: "G", password: `${CANARY}-8`, members: [{ value: "u1", password: `${CANARY}-9` }] };
  const patchOps = [
    { op: "replace", value: { password: `${CANARY}-10`, active: true } },
    { op: "replace", path: "password", value: `${CANARY}-11` },
    { op: "add", path: "Password", value: `${CANARY}-12` },
    { op: "replace", path: "urn:ietf:params:scim:schemas:core:2.0:User:password", value: `${CANARY}-13` },
    { op: "add", path: "name.password", value: `${CANARY}-14` },
  ];
  const patch = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: patchOps };
  return { user, group, patch, patchOps };
}

function noPassword(assert, label, output) {
  const text = typeof output === "string" ? output : JSON.stringify(output);
  assert.ok(!/password/i.test(text), `${label}: output contains "password": ${text.slice(Math.max(0, text.search(/password/i) - 120), text.search(/password/i) + 120)}`);
  assert.ok(!text.includes(CANARY), `${label}: output contains a password value: ${text.slice(Math.max(0, text.indexOf(CANARY) - 160), text.indexOf(CANARY) + 60)}`);
}

const SMALL_USER = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "still@works.example", name: { givenName: "Still", familyName: "Works" }, emails: [{ value: "still@works.example", primary: true }] };

function stillWorks(scimkit, assert, label) {
  const u = scimkit.normalizeUser(SMALL_USER);
  assert.equal(u.email, "still@works.example", `${label}: instance works afterwards`);
  assert.equal(u.name, "Still Works", `${label}: instance works afterwards`);
  const p = scimkit.applyScimPatch(SMALL_USER, { Operations: [{ op: "replace", path: "active", value: false }] });
  assert.equal(p.active, false, `${label}: PATCH works afterwards`);
}

/**
 * fn must throw a NormalizationError with one of `codes`; then the instance must still work. How
 * long the refusals take is measured by bench/hostile.mjs, not asserted here (a wall-clock limit in
 * a test fails on a loaded machine and proves nothing on a fast one).
 */
function hostile(scimkit, assert, label, fn, codes) {
  const err = assert.throws(fn, { class: scimkit.NormalizationError, code: codes }, label);
  assert.ok(err instanceof scimkit.ScimkitError, `${label}: instanceof ScimkitError`);
  assert.equal(typeof err.pointer, "string", `${label}: pointer is a string`);
  stillWorks(scimkit, assert, label);
  return err;
}

/** Calls fn; it must throw a ScimkitError subclass (never a string, TypeError or wasm RuntimeError). */
function garbage(scimkit, assert, label, fn) {
  let thrown;
  let threw = false;
  let value;
  try {
    value = fn();
  } catch (e) {
    threw = true;
    thrown = e;
  }
  if (!threw) return `${label}: returned ${show(value)?.slice(0, 120)} instead of throwing`;
  if (!(thrown instanceof scimkit.ScimkitError) || !(thrown instanceof Error)) {
    return `${label}: threw ${thrown?.constructor?.name ?? typeof thrown} (${String(thrown?.message ?? thrown).slice(0, 160)}), not a ScimkitError`;
  }
  if (typeof thrown.code !== "string" || !thrown.code) return `${label}: error without a code`;
  if (thrown instanceof scimkit.NormalizationError && typeof thrown.pointer !== "string") return `${label}: NormalizationError without a pointer`;
  return undefined;
}

/** Values no argument accepts. (Typed arrays other than Uint8Array serialize as JSON objects and are accepted.) */
function garbageValues() {
  const circular = {};
  circular.self = circular;
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return {
    undefined: undefined,
    "a number": 42,
    NaN: Number.NaN,
    "a boolean": true,
    "a symbol": Symbol("s"),
    "a function": () => ({}),
    "a bigint": 10n,
    "a circular object": circular,
    "toJSON throwing a string": { toJSON() { throw "a string, not an Error"; } },
    "a throwing getter": Object.defineProperty({}, "userName", { enumerable: true, get() { throw new TypeError("getter"); } }),
    "a revoked proxy": revoked.proxy,
    "empty text": "",
    "invalid UTF-8": new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
  };
}

export default [
  {
    name: "the runner handed over every fixture (resolved, each with an expected output)",
    run: async (scimkit, ctx) => {
      const cases = fixturesOf(ctx);
      const known = new Set(["normalize_event", "normalize_user", "normalize_group", "apply_scim_patch", "normalize_scim_request", "user_from_reference", "group_from_reference", "detect_provider"]);
      const names = new Set();
      for (const fx of cases) {
        ctx.assert.ok(known.has(fx.function), `${fx.name}: known function ${fx.function}`);
        ctx.assert.ok(fx.expected !== undefined, `${fx.name}: has an expected output`);
        ctx.assert.ok(!JSON.stringify(fx.args).includes('"$file"'), `${fx.name}: $file references resolved`);
        ctx.assert.ok(!names.has(fx.name), `${fx.name}: unique`);
        names.add(fx.name);
      }
      ctx.assert.ok(cases.length >= 165, `at least 165 fixtures, got ${cases.length}`);
    },
  },
  { name: "apply_scim_patch fixtures → applyScimPatch (value, text, bytes, ArrayBuffer)", run: async (s, ctx) => void checkFunctions(s, ctx, ["apply_scim_patch"], 50) },
  { name: "normalize_user fixtures → normalizeUser", run: async (s, ctx) => void checkFunctions(s, ctx, ["normalize_user"], 40) },
  { name: "normalize_group fixtures → normalizeGroup", run: async (s, ctx) => void checkFunctions(s, ctx, ["normalize_group"], 10) },
  { name: "normalize_event fixtures → normalizeEvent", run: async (s, ctx) => void checkFunctions(s, ctx, ["normalize_event"], 15) },
  { name: "normalize_scim_request fixtures → normalizeScimRequest", run: async (s, ctx) => void checkFunctions(s, ctx, ["normalize_scim_request"], 30) },
  {
    name: "user_/group_from_reference fixtures → normalizeEvent data (no JS export of their own)",
    run: async (s, ctx) => void checkFunctions(s, ctx, ["user_from_reference", "group_from_reference"], 3),
  },
  {
    name: "detect_provider fixtures → detectProvider (value, text, bytes); auto-detection normalizes like the provider passed explicitly",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const cases = fixturesOf(ctx).filter((fx) => fx.function === "detect_provider");
      assert.ok(cases.length >= 7, `detect_provider fixtures: ${cases.length}`);
      for (const fx of cases) {
        const resource = fx.args.resource;
        const text = JSON.stringify(resource);
        for (const input of [copy(resource), text, new TextEncoder().encode(text)]) {
          assert.equal(scimkit.detectProvider(input), fx.expected, `${fx.name}: detectProvider`);
        }
        if (fx === cases[0]) {
          const err = assert.throws(() => scimkit.detectProvider("{"), { class: scimkit.NormalizationError, code: "invalid_json" }, "detectProvider: text that is not JSON");
          assert.equal(typeof err.pointer, "string");
        }
        const isGroup = JSON.stringify(resource.schemas ?? []).includes(":Group") || ("members" in resource && !("userName" in resource));
        const fn = isGroup ? scimkit.normalizeGroup : scimkit.normalizeUser;
        const auto = fn(copy(resource));
        const explicit = fn(copy(resource), fx.expected === null ? {} : { provider: fx.expected });
        assert.deepEqual(auto, explicit, `${fx.name}: detected (${fx.expected}) = explicit`);
      }
    },
  },
  {
    name: "no output of any fixture holds a password key or a password value from its input",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const byName = new Map(fixturesOf(ctx).map((fx) => [fx.name, fx]));
      const bad = [];
      for (const { name, text } of allOutputs(scimkit, ctx)) {
        const fx = byName.get(name.replace(/ \[\w+\]$/, ""));
        if (/"password"\s*:/i.test(text)) bad.push(`${name}: has a "password" key`);
        for (const pw of passwordValues(fx.args)) if (pw.length >= 4 && text.includes(pw)) bad.push(`${name}: holds the input's password ${JSON.stringify(pw)}`);
      }
      if (bad.length) assert.fail(bad.join("\n  "));
    },
  },
  {
    name: "password never appears in any output: user, group, event, PATCH, POST/PUT/PATCH requests",
    run: async (scimkit, { assert }) => {
      const { user, group, patch } = passwordInputs();
      noPassword(assert, "normalizeUser", scimkit.normalizeUser(user));
      noPassword(assert, "normalizeUser okta", scimkit.normalizeUser(JSON.stringify(user), { provider: "okta" }));
      noPassword(assert, "normalizeGroup", scimkit.normalizeGroup(group));
      noPassword(assert, "applyScimPatch", scimkit.applyScimPatch(user, patch));
      for (const type of ["organization.directory.user_created", "organization.directory.user_updated", "organization.directory.user_deleted"]) {
        noPassword(assert, `normalizeEvent ${type}`, scimkit.normalizeEvent({ type, id: "evt_1", data: { id: "u1", email: "pw@example.com", password: `${CANARY}-r`, user_detail: user, custom_attributes: { password: `${CANARY}-e`, nested: { Password: `${CANARY}-f` } } } }));
      }
      noPassword(assert, "normalizeEvent group", scimkit.normalizeEvent({ type: "organization.directory.group_created", data: { id: "g1", display_name: "G", password: `${CANARY}-g`, group_detail: group } }));
      noPassword(assert, "normalizeEvent unknown type", scimkit.normalizeEvent({ type: "x.y", data: { password: `${CANARY}-u`, deep: [{ Password: `${CANARY}-v` }] } }));
      noPassword(assert, "normalizeEvent partial", scimkit.normalizeEvent({ type: "organization.directory.user_updated", partial: true, data: { raw_attributes: { password: `${CANARY}-p` }, custom_attributes: { password: `${CANARY}-q` } } }));
      const ctxOpts = { organizationId: "org_1", directoryId: "dir_1", now: "2024-01-01T00:00:00Z" };
      noPassword(assert, "POST /Users", scimkit.normalizeScimRequest({ method: "POST", path: "/scim/v2/Users", body: user }, ctxOpts));
      noPassword(assert, "PUT /Users/u1 with current", scimkit.normalizeScimRequest({ method: "PUT", path: "/scim/v2/Users/u1", body: user }, { ...ctxOpts, current: user }));
      noPassword(assert, "POST /Groups", scimkit.normalizeScimRequest({ method: "POST", path: "/scim/v2/Groups", body: group }, ctxOpts));
      noPassword(assert, "PATCH /Users/u1 with current", scimkit.normalizeScimRequest({ method: "PATCH", path: "/scim/v2/Users/u1", body: patch }, { ...ctxOpts, current: user }));
      noPassword(assert, "DELETE /Users/u1 with current", scimkit.normalizeScimRequest({ method: "DELETE", path: "/scim/v2/Users/u1" }, { ...ctxOpts, current: user }));
    },
  },
  {
    name: "password never appears in partial events of password-setting PATCH requests (no current)",
    run: async (scimkit, { assert }) => {
      const { patchOps } = passwordInputs();
      const ctxOpts = { organizationId: "org_1", directoryId: "dir_1", now: "2024-01-01T00:00:00Z" };
      const bad = [];
      for (const [i, op] of patchOps.entries()) {
        for (const path of ["/scim/v2/Users/u1", "/scim/v2/Groups/g1"]) {
          const body = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [op] };
          const text = JSON.stringify(scimkit.normalizeScimRequest({ method: "PATCH", path, body }, ctxOpts));
          // The operation itself stays visible (op and path), its value never does.
          if (text.includes(CANARY)) bad.push(`PATCH ${path} op #${i} ${JSON.stringify(op)}: …${text.slice(Math.max(0, text.search(/password/i) - 80), text.search(/password/i) + 80)}…`);
        }
      }
      if (bad.length) assert.fail(`${bad.length} outputs keep a password:\n  ${bad.join("\n  ")}`);
    },
  },
  {
    name: "hostile: 10,000 nested arrays (as a string) → too_complex quickly, everywhere; the instance still works",
    run: async (scimkit, { assert }) => {
      const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
      const deepObj = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
      const codes = ["too_complex", "invalid_json"];
      for (const text of [deep, deepObj]) {
        const kind = text === deep ? "arrays" : "objects";
        hostile(scimkit, assert, `normalizeEvent ${kind}`, () => scimkit.normalizeEvent(text), codes);
        hostile(scimkit, assert, `normalizeEvent bytes ${kind}`, () => scimkit.normalizeEvent(utf8(text)), codes);
        hostile(scimkit, assert, `normalizeUser ${kind}`, () => scimkit.normalizeUser(text), codes);
        hostile(scimkit, assert, `normalizeGroup ${kind}`, () => scimkit.normalizeGroup(text), codes);
        hostile(scimkit, assert, `applyScimPatch resource ${kind}`, () => scimkit.applyScimPatch(text, { Operations: [] }), codes);
        hostile(scimkit, assert, `applyScimPatch patch ${kind}`, () => scimkit.applyScimPatch(SMALL_USER, text), codes);
        hostile(scimkit, assert, `normalizeScimRequest body ${kind}`, () => scimkit.normalizeScimRequest({ method: "POST", path: "/Users", body: text }, { now: null }), codes);
        hostile(scimkit, assert, `normalizeScimRequest current ${kind}`, () => scimkit.normalizeScimRequest({ method: "DELETE", path: "/Users/1" }, { now: null, current: text }), codes);
      }
      // Deep but valid JSON inside a value: depth checks apply to nested values too.
      const nested = JSON.parse(`${'{"a":'.repeat(100)}1${"}".repeat(100)}`);
      hostile(scimkit, assert, "normalizeUser value 100 deep", () => scimkit.normalizeUser({ userName: "d", deep: nested }), ["too_complex"]);
      const err = hostile(scimkit, assert, "exact code for arrays", () => scimkit.normalizeUser(deep), ["too_complex"]);
      assert.equal(err.pointer, "", "deep input: pointer is the whole input");
    },
  },
  {
    name: "hostile: 1 MB filter and 100k operations → too_complex; the instance still works",
    run: async (scimkit, { assert }) => {
      const resource = { ...SMALL_USER, emails: [{ value: "a@b.c", type: "work" }] };
      // Over the default maxInputBytes (1 MiB) these are refused by size (payload_too_large,
      // before parsing); given room, the inner bounds refuse them (too_complex).
      const room = { maxInputBytes: 16 << 20 };
      let terms = [];
      while (terms.length * 22 < 1 << 20) terms.push('value eq "x@example.com"');
      const manyTerms = `emails[${terms.join(" or ")}]`;
      const longString = `emails[value eq "${"x".repeat(1 << 20)}"]`;
      const parens = `emails[${"(".repeat(1 << 19)}value eq "a"${")".repeat(1 << 19)}]`;
      for (const [label, path] of [["many terms", manyTerms], ["long literal", longString], ["nested parens", parens]]) {
        assert.ok(path.length >= 1 << 20, `${label}: filter is ≥ 1 MiB (${path.length})`);
        hostile(scimkit, assert, `1 MB filter (${label})`, () => scimkit.applyScimPatch(resource, { Operations: [{ op: "remove", path }] }, room), ["too_complex"]);
        hostile(scimkit, assert, `1 MB filter (${label}), default limit`, () => scimkit.applyScimPatch(resource, { Operations: [{ op: "remove", path }] }), ["payload_too_large"]);
        hostile(scimkit, assert, `1 MB filter (${label}) in a request`, () => scimkit.normalizeScimRequest({ method: "PATCH", path: "/Users/1", body: { Operations: [{ op: "remove", path }] } }, { now: null, ...room }), ["too_complex"]);
      }
      const ops = Array.from({ length: 100_000 }, (_, i) => ({ op: "add", path: "title", value: `t${i}` }));
      const err = hostile(scimkit, assert, "100k operations", () => scimkit.applyScimPatch(resource, { Operations: ops }, room), ["too_complex"]);
      assert.equal(err.pointer, "/Operations", "100k operations: pointer");
      const text = JSON.stringify({ Operations: ops });
      hostile(scimkit, assert, "100k operations as bytes", () => scimkit.applyScimPatch(resource, utf8(text), room), ["too_complex"]);
      hostile(scimkit, assert, "100k operations in a request", () => scimkit.normalizeScimRequest({ method: "PATCH", path: "/Users/1", body: text }, { now: null, ...room }), ["too_complex"]);
      hostile(scimkit, assert, "100k operations in a request with current", () => scimkit.normalizeScimRequest({ method: "PATCH", path: "/Users/1", body: text }, { now: null, current: resource, ...room }), ["too_complex"]);
    },
  },
  {
    name: "garbage JSON arguments (resource, patch, payload, request, body, current) throw ScimkitError subclasses",
    run: async (scimkit, { assert }) => {
      const failures = [];
      const check = (label, fn) => {
        const why = garbage(scimkit, assert, label, fn);
        if (why) failures.push(why);
      };
      for (const [what, v] of Object.entries(garbageValues())) {
        check(`normalizeEvent(${what})`, () => scimkit.normalizeEvent(v));
        check(`normalizeUser(${what})`, () => scimkit.normalizeUser(v));
        check(`normalizeGroup(${what})`, () => scimkit.normalizeGroup(v));
        check(`applyScimPatch(${what}, patch)`, () => scimkit.applyScimPatch(v, { Operations: [] }));
        check(`applyScimPatch(user, ${what})`, () => scimkit.applyScimPatch(SMALL_USER, v));
        check(`normalizeScimRequest(${what})`, () => scimkit.normalizeScimRequest(v, { now: null }));
        check(`normalizeScimRequest POST body ${what}`, () => scimkit.normalizeScimRequest({ method: "POST", path: "/Users", body: v }, { now: null }));
        // `current: undefined` (and null) means "not known"; NaN serializes as null, so it is too.
        if (v !== undefined && !Number.isNaN(v)) check(`normalizeScimRequest current ${what}`, () => scimkit.normalizeScimRequest({ method: "DELETE", path: "/Users/1" }, { now: null, current: v }));
        if (v !== undefined && typeof v !== "string") {
          check(`normalizeScimRequest method ${what}`, () => scimkit.normalizeScimRequest({ method: v, path: "/Users" }, { now: null }));
          check(`normalizeScimRequest path ${what}`, () => scimkit.normalizeScimRequest({ method: "GET", path: v }, { now: null }));
        }
      }
      check("normalizeScimRequest unknown request key", () => scimkit.normalizeScimRequest({ method: "GET", path: "/Users", headers: {} }, { now: null }));
      stillWorks(scimkit, assert, "after garbage");
      if (failures.length) assert.fail(`${failures.length} calls misbehaved:\n  ${failures.join("\n  ")}`);
    },
  },
  {
    name: "garbage options (options object, provider, organizationId, directoryId, now) throw ScimkitError subclasses",
    run: async (scimkit, { assert }) => {
      const failures = [];
      const check = (label, fn) => {
        const why = garbage(scimkit, assert, label, fn);
        if (why) failures.push(why);
      };
      const post = { method: "POST", path: "/Users", body: SMALL_USER };
      for (const [what, v] of Object.entries(garbageValues())) {
        if (v === undefined) continue;
        if (typeof v !== "object") {
          check(`normalizeUser(user, ${what} as options)`, () => scimkit.normalizeUser(SMALL_USER, v));
          check(`normalizeGroup(group, ${what} as options)`, () => scimkit.normalizeGroup({ displayName: "g" }, v));
          check(`normalizeScimRequest(request, ${what} as options)`, () => scimkit.normalizeScimRequest({ method: "GET", path: "/Users" }, v));
        }
        if (typeof v === "string") continue;
        check(`normalizeUser provider ${what}`, () => scimkit.normalizeUser(SMALL_USER, { provider: v }));
        check(`normalizeGroup provider ${what}`, () => scimkit.normalizeGroup({ displayName: "g" }, { provider: v }));
        check(`normalizeScimRequest provider ${what}`, () => scimkit.normalizeScimRequest(post, { now: null, provider: v }));
        check(`normalizeScimRequest organizationId ${what}`, () => scimkit.normalizeScimRequest(post, { now: null, organizationId: v }));
        check(`normalizeScimRequest directoryId ${what}`, () => scimkit.normalizeScimRequest(post, { now: null, directoryId: v }));
        // `now` accepts epoch milliseconds (like verifyWebhook's options.now) and `undefined` (= now).
        if (typeof v !== "number" || Number.isNaN(v)) {
          if (v !== undefined) check(`normalizeScimRequest now ${what}`, () => scimkit.normalizeScimRequest(post, { now: v }));
        }
      }
      check("normalizeUser unknown provider", () => scimkit.normalizeUser(SMALL_USER, { provider: "not-a-provider" }));
      check("normalizeUser unknown option", () => scimkit.normalizeUser(SMALL_USER, { provder: "okta" }));
      check("normalizeScimRequest unknown provider", () => scimkit.normalizeScimRequest(post, { now: null, provider: "not-a-provider" }));
      check("normalizeScimRequest unknown option", () => scimkit.normalizeScimRequest({ method: "GET", path: "/Users" }, { organisationId: "o" }));
      check("normalizeScimRequest now: invalid Date", () => scimkit.normalizeScimRequest(post, { now: new Date(Number.NaN) }));
      stillWorks(scimkit, assert, "after garbage options");
      if (failures.length) assert.fail(`${failures.length} calls misbehaved:\n  ${failures.join("\n  ")}`);
    },
  },
];
