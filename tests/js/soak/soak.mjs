// The soak: a seeded stream of malformed inputs of every kind through one loaded scimkit module
// (webhook bodies, headers and options, secrets and keys, signing input, events, SCIM users,
// groups, PATCH bodies and SCIM requests, Fetch requests, Directory API responses, and values of
// the wrong JavaScript type), then checks that the same instance still verifies, normalizes and
// patches correctly. Runtime-neutral: only web-platform globals (the Node driver and the workerd
// Worker both import it).
//
// Every call must either return or throw a ScimkitError subclass with a non-empty string `code`
// and a message that holds no secret or expected signature; anything else (a TypeError, a
// RangeError, a thrown string, a hang) is a failure, reported with the input's seed and index.
import { prng, sensitive, SECRET, SECRET2, utf8 } from "../suite/helpers.mjs";
import { assert } from "../suite/assert.mjs";
import { fixturesOf, mismatch, runFixture } from "../suite/normalize-fixtures.mjs";

/** Svix's test key pair (tests/webhook_v1a.rs). */
const SECRET_KEY = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const PUBLIC_KEY = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const TS = 1_700_000_000;
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Building blocks: random values, text and structural mutations

const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', '\\u0000', '\\ud800', 'null', 'true', '-0', '1e999', '0.1', '"value"',
  '"members"', '"Operations"', '"op"', '"path"', '"password"', '"schemas"', "\u0000", "\ud800", "\udfff", "😀", "é", "\u2028", " ", "\n", "\t"];
const NAMES = ["value", "display", "type", "primary", "members", "emails", "name", "givenName", "active", "userName", "displayName",
  "externalId", "id", "meta", "schemas", "Operations", "op", "path", "password", "Password", "$ref", "roles", "groups", "manager",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager",
  "__proto__", "constructor", "toString", "data", "type", "occurred_at", "timestamp", "organization_id", "users", "next_page_token", ""];
const PATHS = ["members", 'members[value eq "u1"]', 'emails[type eq "work"].value', "name.givenName", "name.nicknames", "active",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "password", "roles", 'addresses[type eq "work" and primary pr].locality',
  'members[not (value eq "x") or display co "a"]', "emails[", "emails]", "[", "a.b.c.d", "urn:", "", " ", `members[${'value eq "a" and '.repeat(70)}value pr]`];
/** Signature entries: well-formed ones that match nothing, other versions, debris. */
const ENTRIES = ["v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", `v1a,${"A".repeat(86)}`,
  "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==", "v2,x", ",", "v1,", "v1,====", "v1a"];
const OPS = ["add", "remove", "replace", "Add", "REPLACE", "move", "copy", "test", "", null, 1];

function randomString(rnd, max = 40) {
  const n = rnd.int(max + 1);
  let s = "";
  for (let i = 0; i < n; i++) s += rnd.next() < 0.8 ? String.fromCharCode(32 + rnd.int(95)) : rnd.pick(TOKENS);
  return s;
}

function randomScalar(rnd) {
  switch (rnd.int(9)) {
    case 0: return null;
    case 1: return rnd.next() < 0.5;
    case 2: return rnd.int(2 ** 31) - 2 ** 30;
    case 3: return rnd.pick([0, -0.5, 1e21, 2 ** 53 + 1, -1e-7, Number.MAX_VALUE]);
    case 4: return rnd.pick(["True", "false", "FALSE", "1", "0", "yes", "invalid", ""]);
    case 5: return rnd.pick(NAMES);
    default: return randomString(rnd);
  }
}

function randomValue(rnd, depth = 0) {
  if (depth > 3 || rnd.next() < 0.5) return randomScalar(rnd);
  if (rnd.next() < 0.5) return Array.from({ length: rnd.int(4) }, () => randomValue(rnd, depth + 1));
  const o = {};
  for (let i = rnd.int(4); i > 0; i--) o[rnd.pick(NAMES)] = randomValue(rnd, depth + 1);
  return o;
}

/** Deep nesting of `n` levels (JSON text: a value form this deep would overflow the JS stack first). */
function deepText(rnd, n) {
  return rnd.next() < 0.5 ? `${"[".repeat(n)}1${"]".repeat(n)}` : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
}

/**
 * A long string: one in ten is 64 KiB to 512 KiB (within every documented bound on its own), the
 * rest 1 KiB to 8 KiB (so the stream stays fast enough to run 100,000 inputs in each runtime).
 */
function hugeString(rnd) {
  const size = rnd.next() < 0.1 ? (64 * 1024) << rnd.int(4) : 1024 << rnd.int(4);
  return rnd.pick(["a", "é", "\\", '"', "😀", "0"]).repeat(size);
}

/** Text mutations: truncation, deletion, insertion, duplication, byte flips. */
function mutateText(rnd, s) {
  for (let k = 1 + rnd.int(3); k > 0; k--) {
    const at = rnd.int(s.length + 1);
    switch (rnd.int(6)) {
      case 0: s = s.slice(0, at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + rnd.int(16)); break;
      case 2: s = s.slice(0, at) + rnd.pick(TOKENS) + s.slice(at); break;
      case 3: { const end = Math.min(s.length, at + 1 + rnd.int(64)); s = s.slice(0, end) + s.slice(at, end) + s.slice(end); break; }
      case 4: s = s.slice(0, at) + String.fromCharCode(rnd.int(0x10000)) + s.slice(at + 1); break;
      default: s = s.slice(0, at) + randomString(rnd, 8) + s.slice(at); break;
    }
  }
  return s;
}

/** A structural mutation at a random place of a JSON value (a copy; the original is untouched). */
function mutateValue(rnd, v) {
  const copy = structuredClone(v);
  const holder = { root: copy };
  // Walk down a random path, then change what is there.
  let parent = holder;
  let key = "root";
  for (let d = rnd.int(6); d > 0; d--) {
    const cur = parent[key];
    if (cur === null || typeof cur !== "object") break;
    const keys = Object.keys(cur);
    if (keys.length === 0) break;
    parent = cur;
    key = rnd.pick(keys);
  }
  switch (rnd.int(8)) {
    case 0: delete parent[key]; break;
    case 1: parent[key] = randomValue(rnd); break;
    case 2: parent[key] = [parent[key]]; break;
    case 3: if (parent[key] && typeof parent[key] === "object") parent[key][rnd.pick(NAMES)] = randomValue(rnd); else parent[key] = randomScalar(rnd); break;
    case 4: if (typeof key === "string" && !Array.isArray(parent)) { const val = parent[key]; delete parent[key]; parent[rnd.next() < 0.5 ? key.toUpperCase() : rnd.pick(NAMES)] = val; } break;
    case 5: parent[key] = typeof parent[key] === "string" ? mutateText(rnd, parent[key]) : String(parent[key]); break;
    case 6: parent[key] = Array.from({ length: 1 + rnd.int(200) }, (_, i) => ({ value: `u${i % 50}`, display: randomString(rnd, 6) })); break;
    default: parent[key] = JSON.parse(JSON.stringify(parent[key] ?? null)); break;
  }
  return holder.root === undefined ? null : holder.root;
}

/** A JSON input in one of the forms the API takes: value, text, UTF-8 bytes, ArrayBuffer. */
function asForm(rnd, value, text = undefined) {
  const t = text ?? JSON.stringify(value) ?? "null";
  switch (rnd.int(4)) {
    case 0: return text === undefined ? value : t;
    case 1: return t;
    case 2: return utf8(t);
    default: return utf8(t).buffer;
  }
}

/** A malformed JSON input: mutated value or text, random bytes, deep nesting or a huge string. */
function malformed(rnd, base) {
  const r = rnd.next();
  if (r < 0.45) return asForm(rnd, mutateValue(rnd, base));
  if (r < 0.8) return asForm(rnd, undefined, mutateText(rnd, JSON.stringify(base)));
  if (r < 0.88) return Uint8Array.from({ length: rnd.int(300) }, () => rnd.int(256));
  if (r < 0.96) return asForm(rnd, undefined, deepText(rnd, rnd.pick([32, 63, 64, 65, 127, 128, 129, 1000, rnd.next() < 0.1 ? 100_000 : 10_000])));
  if (r < 0.985) return asForm(rnd, undefined, JSON.stringify(mutateText(rnd, "x").slice(0, 1) + hugeString(rnd)));
  const o = structuredClone(base && typeof base === "object" && !Array.isArray(base) ? base : {});
  o[rnd.pick(NAMES) || "x"] = hugeString(rnd);
  return asForm(rnd, o);
}

/** Values of the wrong JavaScript type, hostile objects included. */
function hostile(rnd) {
  const cyclic = {};
  cyclic.self = cyclic;
  const throwing = {};
  Object.defineProperty(throwing, "value", { enumerable: true, get() { throw new Error("getter"); } });
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
  return rnd.pick([undefined, null, 0, NaN, -1, Infinity, 2 ** 64, 10n, Symbol("s"), () => 1, true, "", [], {}, cyclic, throwing,
    revocable.proxy, holes, new Date(NaN), /re/, new Map([["a", 1]]), new Uint16Array(4), new DataView(new ArrayBuffer(2)),
    Object.create(null), new (class Custom {})(), { toJSON() { throw new Error("toJSON"); } }, { toJSON: () => undefined }, "x".repeat(70_000)]);
}

// ---------------------------------------------------------------------------------------------
// The kinds of input

/** Header containers: a plain object, a Headers, a Map, array values; svix-* aliases. */
function headersOf(rnd, h) {
  let entries = Object.entries(h);
  if (rnd.next() < 0.1) entries = entries.map(([k, v]) => [k.replace("webhook-", "svix-"), v]);
  if (rnd.next() < 0.1) entries = entries.map(([k, v]) => [k.toUpperCase(), v]);
  if (rnd.next() < 0.15) entries.push([rnd.pick(["webhook-signature", "webhook-id", "svix-timestamp", "x-extra"]), randomString(rnd, 60)]);
  if (rnd.next() < 0.05) entries.splice(rnd.int(entries.length), 1);
  switch (rnd.int(4)) {
    case 0:
      try {
        return new Headers(entries);
      } catch {
        return Object.fromEntries(entries); // not a ByteString: Headers refuses it, not scimkit
      }
    case 1: return new Map(entries.map(([k, v]) => [k, rnd.next() < 0.1 ? [v, v] : v]));
    default: return Object.fromEntries(entries.map(([k, v]) => [k, rnd.next() < 0.05 ? [v] : v]));
  }
}

function verifyOptions(rnd, now) {
  const o = { now: rnd.next() < 0.9 ? now : rnd.pick([new Date(0), -1, NaN, "now", 2 ** 60, new Date(now)]) };
  if (rnd.next() < 0.2) o.toleranceSeconds = rnd.pick([0, 1, 300, Infinity, -1, NaN, 1.5, "300", 2 ** 64]);
  if (rnd.next() < 0.2) o.maxBodyBytes = rnd.pick([0, 1, 16, 1024, MiB, -1, NaN, 2 ** 53, "1"]);
  if (rnd.next() < 0.05) o[rnd.pick(["toleranceSecs", "maxBody", "nope"])] = 1;
  return rnd.next() < 0.03 ? hostile(rnd) : o;
}

function bodyForm(rnd, text) {
  switch (rnd.int(3)) {
    case 0: return text;
    case 1: return utf8(text);
    default: return utf8(text).buffer;
  }
}

function mutatedSecret(rnd) {
  const base = rnd.pick([SECRET, SECRET2, SECRET_KEY, PUBLIC_KEY]);
  switch (rnd.int(6)) {
    case 0: return mutateText(rnd, base);
    case 1: return base.slice(0, rnd.int(base.length));
    case 2: return [base, mutateText(rnd, rnd.pick([SECRET, PUBLIC_KEY]))];
    case 3: return randomString(rnd, 100);
    case 4: return rnd.pick(["", "whsec_", "whpk_", "whsk_", "whsec_====", [], [""], "whsk_" + btoa("x".repeat(64))]);
    default: return hostile(rnd);
  }
}

const KINDS = {
  /** A signed delivery with its headers, body, secret or options broken. */
  webhook(rnd, c) {
    const d = rnd.pick(c.deliveries);
    let { body } = d;
    const h = { ...d.headers };
    const what = rnd.int(8);
    if (what === 0) body = mutateText(rnd, body);
    else if (what === 1) h["webhook-signature"] = mutateText(rnd, h["webhook-signature"]);
    else if (what === 2) h["webhook-timestamp"] = rnd.pick([mutateText(rnd, h["webhook-timestamp"]), `${TS}000`, "0", "-1", " 1", "1e9", "9".repeat(30), ""]);
    else if (what === 3) h["webhook-id"] = rnd.pick(["", " ", mutateText(rnd, h["webhook-id"]), "x".repeat(5000)]);
    else if (what === 4) h["webhook-signature"] = Array.from({ length: 1 + rnd.int(rnd.next() < 0.1 ? 400 : 8) }, () => rnd.pick(ENTRIES)).join(rnd.pick([" ", ", ", "\t"]));
    else if (what === 5) body = rnd.next() < 0.9 ? hugeString(rnd) : "x".repeat(MiB + rnd.int(3) - 1);
    const secret = rnd.next() < 0.85 ? d.secret : mutatedSecret(rnd);
    const verify = rnd.next() < 0.5 ? c.scimkit.verifyWebhook : c.scimkit.verifySignature;
    return { secret, signatures: [d.headers["webhook-signature"]], call: () => verify(secret, headersOf(rnd, h), bodyForm(rnd, body), verifyOptions(rnd, TS * 1000)) };
  },
  /** Secrets and keys, malformed, through verification and signing. */
  secret(rnd, c) {
    const secret = mutatedSecret(rnd);
    const d = rnd.pick(c.deliveries);
    return rnd.next() < 0.5
      ? { secret, call: () => c.scimkit.verifySignature(secret, d.headers, d.body, { now: TS * 1000 }) }
      : { secret, call: () => c.scimkit.signWebhook(secret, { id: "msg_1", timestamp: TS, body: "{}" }) };
  },
  /** Signing input of every malformed shape. */
  sign(rnd, c) {
    const message = rnd.next() < 0.2 ? hostile(rnd) : {
      id: rnd.pick([undefined, "msg_1", "", " ", randomString(rnd), hostile(rnd)]),
      timestamp: rnd.pick([undefined, TS, -1, NaN, 1.5, 2 ** 63, new Date(NaN), new Date(0), "1700000000", hostile(rnd)]),
      body: rnd.pick([undefined, "", "{}", utf8("x"), new ArrayBuffer(3), randomString(rnd), hostile(rnd)]),
    };
    if (rnd.next() < 0.05 && message && typeof message === "object") {
      try {
        message[rnd.pick(["ts", "payload", "msgId"])] = 1;
      } catch {
        // a frozen or revoked hostile value: sent as it is
      }
    }
    const secret = rnd.next() < 0.8 ? rnd.pick([SECRET, SECRET_KEY, [SECRET, SECRET_KEY]]) : mutatedSecret(rnd);
    return { secret, call: () => c.scimkit.signWebhook(secret, message) };
  },
  event(rnd, c) {
    const input = malformed(rnd, rnd.pick(c.events));
    return { call: () => c.scimkit.normalizeEvent(input) };
  },
  user(rnd, c) {
    const input = malformed(rnd, rnd.pick(c.users));
    const options = rnd.next() < 0.7 ? undefined : rnd.next() < 0.8 ? { provider: rnd.pick(["okta", "entra", "google", "Azure AD", "nope", "", null]) } : hostile(rnd);
    return { call: () => c.scimkit.normalizeUser(input, options) };
  },
  group(rnd, c) {
    const input = malformed(rnd, rnd.pick(c.groups));
    const options = rnd.next() < 0.8 ? undefined : { provider: rnd.pick(["okta", "google", "x"]) };
    return { call: () => c.scimkit.normalizeGroup(input, options) };
  },
  /** PATCH: the fixtures' pairs with the resource, the body or both broken, and random operations. */
  patch(rnd, c) {
    const p = rnd.pick(c.patches);
    let resource = structuredClone(p.resource);
    let patch = structuredClone(p.patch);
    const r = rnd.next();
    if (r < 0.3) patch = malformed(rnd, patch);
    else if (r < 0.45) resource = malformed(rnd, resource);
    else {
      patch = {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: Array.from({ length: rnd.next() < 0.005 ? 1001 : 1 + rnd.int(5) }, () => {
          const op = { op: rnd.pick(OPS) };
          if (rnd.next() < 0.8) op.path = rnd.next() < 0.7 ? rnd.pick(PATHS) : mutateText(rnd, rnd.pick(PATHS));
          if (rnd.next() < 0.9) op.value = rnd.next() < 0.3 ? rnd.pick(c.memberLists) : randomValue(rnd);
          return op;
        }),
      };
      if (rnd.next() < 0.5) patch = asForm(rnd, patch);
    }
    return { call: () => c.scimkit.applyScimPatch(resource, patch) };
  },
  request(rnd, c) {
    const q = rnd.pick(c.requests);
    const request = { method: q.method, path: q.path };
    const m = rnd.int(6);
    if (q.body !== undefined) request.body = m === 0 ? malformed(rnd, q.body ?? {}) : q.body;
    if (m === 1) request.method = rnd.pick(["patch", "GET", "OPTIONS", "", " PUT", hostile(rnd)]);
    if (m === 2) request.path = rnd.pick([mutateText(rnd, q.path), "/Users/%zz", "/Users/%E2%82", "https://x/scim/v2/Groups/", "/Users/a/b", "?#", hostile(rnd)]);
    const options = { now: rnd.pick([null, "2024-01-01T00:00:00Z", "yesterday", 0, -1e20, new Date(NaN)]) };
    if (q.current !== undefined && q.current !== null) options.current = m === 3 ? malformed(rnd, q.current) : q.current;
    if (m === 4) Object.assign(options, rnd.pick([{ organizationId: 1 }, { provider: "nope" }, { directoryId: null }, { current: hostile(rnd) }, { extra: 1 }]));
    return { call: () => c.scimkit.normalizeScimRequest(m === 5 ? hostile(rnd) : request, options) };
  },
  /** Fetch Requests: verifyRequest / verifySignatureRequest (async). */
  fetchRequest(rnd, c) {
    const d = rnd.pick(c.deliveries);
    let body = d.body;
    if (rnd.next() < 0.4) body = mutateText(rnd, body);
    if (rnd.next() < 0.01) body = "x".repeat(MiB + 1);
    const headers = { ...d.headers };
    if (rnd.next() < 0.3) headers["webhook-signature"] = mutateText(rnd, headers["webhook-signature"]);
    if (rnd.next() < 0.1) headers["content-length"] = String(rnd.pick([0, 5, 2 ** 40]));
    let request;
    try {
      request = new Request("https://app.example/webhook", { method: "POST", headers, body });
    } catch {
      request = new Request("https://app.example/webhook", { method: "POST", body });
    }
    if (rnd.next() < 0.05) request = rnd.pick([hostile(rnd), new Request("https://app.example/webhook")]);
    const verify = rnd.next() < 0.5 ? c.scimkit.verifyRequest : c.scimkit.verifySignatureRequest;
    return { secret: d.secret, signatures: [d.headers["webhook-signature"]], call: async () => {
      if (rnd.next() < 0.05 && request instanceof Request) await request.text(); // already read
      return verify(d.secret, request, verifyOptions(rnd, TS * 1000));
    } };
  },
  /** Directory API responses: malformed pages, errors and tokens from an in-process fetch. */
  directory(rnd, c) {
    const status = rnd.pick([200, 200, 200, 200, 400, 401, 404, 429, 500, 503]);
    const page = rnd.pick(c.pages);
    const text = rnd.next() < 0.5 ? JSON.stringify(mutateValue(rnd, JSON.parse(page.body))) : mutateText(rnd, page.body);
    const tokenText = rnd.next() < 0.9 ? '{"access_token":"soak-token-1234567890","expires_in":3600}' : mutateText(rnd, '{"access_token":"soak-token-1234567890","expires_in":3600}');
    const fetch = async (url) => {
      if (String(url).includes("/oauth/token")) return new Response(tokenText, { status: 200 });
      return new Response(text, { status, headers: status === 429 ? { "retry-after": rnd.pick(["1", "x", "-5", "1e99"]) } : {} });
    };
    const options = { environmentUrl: "https://soak.example.test", clientId: "soak", clientSecret: "soak-client-secret-1234567890", fetch, maxRetries: 0, timeoutMs: 0 };
    const client = new c.scimkit.DirectoryClient(options);
    const call = async () => {
      switch (page.kind) {
        case "users": return client.listDirectoryUsers("org_1", "dir_1", { pageSize: 30 });
        case "groups": return client.listDirectoryGroups("org_1", "dir_1");
        case "organizations": return client.listOrganizations();
        case "directories": return client.listDirectories("org_1");
        default: {
          // A walk, served the same page each time: it ends, by its own last page or as a loop.
          let n = 0;
          for await (const u of client.directoryUsers("org_1", "dir_1")) if (++n > 1000 || !u) break;
          return n;
        }
      }
    };
    return { secret: options.clientSecret, extraSecrets: ["soak-token-1234567890"], call };
  },
  /** DirectorySync over one memoryStore for the whole soak: broken deliveries and events. */
  sync(rnd, c) {
    if (rnd.next() < 0.5) {
      const base = rnd.pick(c.syncEvents);
      return { call: () => c.sync.applyEvent(rnd.next() < 0.1 ? asForm(rnd, base) : malformed(rnd, base)) };
    }
    const body = JSON.stringify(rnd.pick(c.syncEvents));
    const headers = c.scimkit.signWebhook(SECRET, { id: `msg_sync_${rnd.int(1000)}`, timestamp: TS, body });
    if (rnd.next() < 0.3) headers["webhook-signature"] = mutateText(rnd, headers["webhook-signature"]);
    const sent = rnd.next() < 0.5 ? mutateText(rnd, body) : body;
    return { secret: SECRET, signatures: [headers["webhook-signature"]], call: () => c.sync.handleWebhook(headersOf(rnd, headers), bodyForm(rnd, sent), verifyOptions(rnd, TS * 1000)) };
  },
  /** Values of the wrong type in every argument of every function. */
  args(rnd, c) {
    const s = c.scimkit;
    const a = () => (rnd.next() < 0.7 ? hostile(rnd) : randomValue(rnd));
    const fns = [
      () => s.verifyWebhook(a(), a(), a(), a()), () => s.verifySignature(SECRET, a(), a()), () => s.verifySignature(SECRET, {}, "", a()),
      () => s.signWebhook(a(), a()), () => s.normalizeEvent(a()), () => s.normalizeUser(a(), a()), () => s.normalizeGroup(a(), a()),
      () => s.applyScimPatch(a(), a()), () => s.normalizeScimRequest(a(), a()), () => new s.DirectoryClient(a()),
      () => new s.DirectoryClient({ environmentUrl: a(), clientId: a(), clientSecret: a() }),
      () => new s.DirectoryClient({ environmentUrl: "https://x.test", clientId: "c", clientSecret: "s", maxRetries: a(), timeoutMs: a(), fetch: a() }),
      () => new s.ScalekitClient(a(), a(), a()),
      () => new s.DirectorySync(a()), () => new s.DirectorySync({ store: a(), webhookSecret: a(), onMissing: a() }),
      () => c.sync.applyEvent(a()), () => c.sync.handleWebhook(a(), a(), a()),
    ];
    return { call: rnd.pick(fns) };
  },
};

/** How often each kind comes up (sync kinds are cheap; the async ones cost a few promise turns). */
const SCHEDULE = [
  ...["webhook", "webhook", "webhook", "secret", "sign", "event", "event", "user", "user", "group", "patch", "patch", "patch"],
  ...["request", "request", "args", "fetchRequest", "webhook", "event", "user", "patch", "request"],
  ...["webhook", "webhook", "webhook", "secret", "sign", "event", "event", "user", "user", "group", "patch", "patch", "patch"],
  ...["request", "request", "args", "webhook", "event", "user", "patch", "request", "directory", "sync", "sync"],
];

// ---------------------------------------------------------------------------------------------
// The run

/** The strings in a secret argument (a string or an array of them; hostile values hold none). */
function stringsOf(secret) {
  if (typeof secret === "string") return [secret];
  try {
    return Array.isArray(secret) ? secret.filter((s) => typeof s === "string") : [];
  } catch {
    return [];
  }
}

function describe(e) {
  if (e instanceof Error) return `${e.constructor?.name ?? "Error"}(${String(e.code ?? "")}): ${String(e.message).slice(0, 300)}`;
  return `non-Error thrown (${typeof e}): ${String(e).slice(0, 200)}`;
}

/** What every input draws from: the fixtures, split by what they feed, and signed deliveries. */
function corpusOf(scimkit, fixtures, pages) {
  const cases = fixtures.cases;
  const arg = (fn, name) => cases.filter((x) => x.function === fn && x.args?.[name] !== undefined).map((x) => x.args[name]);
  const events = arg("normalize_event", "payload").filter((p) => p && typeof p === "object");
  const patches = cases.filter((x) => x.function === "apply_scim_patch" && x.args?.resource && x.args?.patch).map((x) => ({ resource: x.args.resource, patch: x.args.patch }));
  const requests = cases.filter((x) => x.function === "normalize_scim_request").map((x) => ({ ...x.args.request, current: x.args.context?.current }));
  const deliveries = [];
  for (const [i, e] of events.entries()) {
    const secret = [SECRET, SECRET_KEY, [SECRET2, SECRET], [PUBLIC_KEY, SECRET]][i % 4];
    const body = JSON.stringify(e);
    const signer = Array.isArray(secret) ? secret.filter((s) => !s.startsWith("whpk_")) : secret;
    const verifier = secret === SECRET_KEY && i % 8 === 1 ? PUBLIC_KEY : secret;
    deliveries.push({ secret: verifier, body, headers: scimkit.signWebhook(signer, { id: `msg_soak_${i}`, timestamp: TS, body }) });
  }
  // Envelopes DirectorySync applies (user and group events of one directory, in a few orders).
  const envelope = (i, type, data) => ({
    spec_version: "1",
    id: `evt_soak_${i}`,
    type: `organization.directory.${type}`,
    occurred_at: `2024-03-01T10:00:${String(i % 60).padStart(2, "0")}.000000000Z`,
    organization_id: "org_1",
    object: type.startsWith("group") ? "DirectoryGroup" : "DirectoryUser",
    data: { organization_id: "org_1", directory_id: "dir_1", ...data },
  });
  const syncEvents = [
    envelope(1, "user_created", { id: "u1", email: "ada@example.com", groups: [{ id: "g1", name: "Eng" }] }),
    envelope(2, "user_updated", { id: "u1", title: "Countess", groups: null }),
    envelope(3, "user_deleted", { id: "u2" }),
    envelope(4, "group_created", { id: "g1", display_name: "Eng" }),
    envelope(5, "group_updated", { id: "g2", display_name: "Ops" }),
    envelope(6, "group_deleted", { id: "g1" }),
  ];
  const memberLists = [[{ value: "u1" }], Array.from({ length: 50 }, (_, i) => ({ value: `u${i}` })), [{ value: "u1" }, { value: "u1" }], [{ display: "no value" }], "u1"];
  const corpus = {
    scimkit,
    events,
    users: arg("normalize_user", "resource"),
    groups: arg("normalize_group", "resource"),
    patches,
    requests,
    deliveries,
    memberLists,
    pages,
    syncEvents,
    store: scimkit.memoryStore(),
  };
  corpus.sync = new scimkit.DirectorySync({ store: corpus.store, webhookSecret: SECRET });
  return corpus;
}

/**
 * Runs `count` inputs (seeded) through `scimkit`, then the checks that the instance still works.
 * options: { count, seed, fixtures, vectors, pages: [{ kind, body }], deadlineMs (stop early when
 * past it, reported) }. Returns { runtime summary: inputs, ms, byKind, codes, returned, failures
 * (up to 20 samples), failureCount, after: [what the final checks found wrong] }.
 */
export async function runSoak(scimkit, { count = 100_000, seed = 1, fixtures, vectors, pages, deadlineMs = Infinity } = {}) {
  const t0 = Date.now();
  const c = corpusOf(scimkit, fixtures, pages);
  const rnd = prng(seed);
  const byKind = {};
  const msByKind = {};
  const codes = {};
  const failures = [];
  let failureCount = 0;
  let returned = 0;
  let inputs = 0;
  const fail = (kind, i, why) => {
    failureCount++;
    if (failures.length < 20) failures.push({ kind, index: i, why });
  };
  for (let i = 0; i < count; i++) {
    if ((i & 255) === 0 && Date.now() - t0 > deadlineMs) break;
    const kind = SCHEDULE[i % SCHEDULE.length];
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    inputs++;
    let input;
    const k0 = Date.now();
    try {
      input = KINDS[kind](rnd, c);
    } catch (e) {
      fail(kind, i, `the generator itself failed: ${describe(e)}`);
      continue;
    }
    try {
      const r = input.call();
      if (r && typeof r.then === "function") await r;
      returned++;
    } catch (e) {
      if (!(e instanceof scimkit.ScimkitError) || !(e instanceof Error)) {
        fail(kind, i, `threw something other than a ScimkitError: ${describe(e)}`);
        continue;
      }
      if (typeof e.code !== "string" || e.code.length === 0 || typeof e.message !== "string" || e.message.length === 0) {
        fail(kind, i, `a ScimkitError without a string code and message: ${describe(e)}`);
        continue;
      }
      codes[e.code] = (codes[e.code] ?? 0) + 1;
      const secrets = stringsOf(input.secret);
      const leaks = [...sensitive(secrets, input.signatures ?? []), ...(input.extraSecrets ?? [])].filter((s) => e.message.includes(s));
      if (leaks.length > 0) fail(kind, i, `the message holds a secret or signature: ${e.message.slice(0, 200)}`);
    } finally {
      msByKind[kind] = (msByKind[kind] ?? 0) + Date.now() - k0;
    }
  }
  const after = await stillWorks(scimkit, { fixtures, vectors, corpus: c });
  return { inputs, ms: Date.now() - t0, seed, byKind, msByKind, codes, returned, failureCount, failures, after };
}

/** The same instance, after the soak: verifies, rejects, normalizes and patches as the fixtures say. */
async function stillWorks(scimkit, { fixtures, vectors, corpus }) {
  const problems = [];
  const check = async (name, fn) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${name}: ${describe(e)}`);
    }
  };
  await check("every webhook vector verifies", () => {
    for (const v of vectors.vectors.filter((x) => typeof x.payload === "string")) {
      const headers = { "webhook-id": v.msg_id, "webhook-timestamp": String(v.timestamp), "webhook-signature": v.expected_signature };
      const got = scimkit.verifySignature(v.secret, headers, v.payload, { now: v.timestamp * 1000 });
      assert.equal(got.id, v.msg_id, v.name);
    }
  });
  await check("a tampered delivery is refused with invalid_signature", () => {
    const v = vectors.vectors[0];
    const headers = { "webhook-id": v.msg_id, "webhook-timestamp": String(v.timestamp), "webhook-signature": v.expected_signature };
    assert.throws(() => scimkit.verifySignature(v.secret, headers, `${v.payload} `, { now: v.timestamp * 1000 }), { class: scimkit.WebhookVerificationError, code: "invalid_signature" });
  });
  await check("sign → verifyWebhook → the event", () => {
    const body = JSON.stringify({ type: "organization.directory.user_created", data: { id: "diruser_1", email: "a@example.com" } });
    for (const secret of [SECRET, SECRET_KEY]) {
      const headers = scimkit.signWebhook(secret, { id: "msg_after", timestamp: TS, body });
      const event = scimkit.verifyWebhook(secret === SECRET_KEY ? PUBLIC_KEY : secret, headers, body, { now: TS * 1000 });
      assert.equal(event.data.email, "a@example.com");
    }
  });
  await check("verifyRequest", async () => {
    const body = JSON.stringify({ type: "organization.directory.group_created", data: { id: "dirgroup_1", display_name: "G" } });
    const headers = scimkit.signWebhook(SECRET, { id: "msg_req", timestamp: TS, body });
    const event = await scimkit.verifyRequest(SECRET, new Request("https://app.example/", { method: "POST", headers, body }), { now: TS * 1000 });
    assert.equal(event.data.display_name, "G");
  });
  await check("the soak's DirectorySync applies a signed delivery and its store reads it back", async () => {
    const body = JSON.stringify({ ...corpus.syncEvents[0], id: "evt_after", data: { ...corpus.syncEvents[0].data, id: "u_after", email: "after@example.com" } });
    const headers = scimkit.signWebhook(SECRET, { id: "msg_after_sync", timestamp: TS, body });
    const r = await corpus.sync.handleWebhook(headers, body, { now: TS * 1000 });
    assert.equal(r.status, "applied");
    assert.equal((await corpus.store.getUser("u_after")).email, "after@example.com");
  });
  await check("every normalization and PATCH fixture, in every input form", () => {
    const ctx = { fixtures };
    const wrong = [];
    for (const fx of fixturesOf(ctx)) {
      if (fx.function === "detect_provider") continue;
      for (const form of ["object", "string", "bytes", "arraybuffer"]) {
        const why = mismatch(scimkit, assert, runFixture(scimkit, fx, form));
        if (why) wrong.push(`${fx.name} [${form}]: ${why}`);
      }
    }
    assert.equal(wrong.length, 0, wrong.slice(0, 5).join("\n"));
  });
  return problems;
}
