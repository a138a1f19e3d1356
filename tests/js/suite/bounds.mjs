// Bounds on every input (webhook headers, JSON inputs, Directory API responses, pages per walk),
// each with its default, an option to change it and a typed error; the option refusals (unknown
// names, NaN, -1, non-object messages, out-of-range timeouts) and what `null` means; and no secret,
// token or expected signature in any error these paths throw.
import { assertExactlyAllUsers, checkDirectoryError, clientFor, collectPages, directoryOf, recordingFetch, rejection } from "./directory-helpers.mjs";
import { MiB, SECRET, SECRET2, expectScimkitError, signed } from "./helpers.mjs";

const BODY = '{"type":"organization.directory.user_created","id":"evt_1","data":{"email":"a@example.com"}}';
const PATCH = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "displayName", value: "B" }] };
const encoder = new TextEncoder();

/** Runs fn with the directory service's faults and counters reset before, faults cleared after. */
async function withService(ctx, fn) {
  const d = directoryOf(ctx);
  await d.admin.clearFaults();
  await d.admin.resetStats();
  try {
    return await fn(d);
  } finally {
    await d.admin.clearFaults();
  }
}

/** Everything a thrown error shows: message, String(), JSON, stack. */
function surfaces(err) {
  let json = "";
  try {
    json = JSON.stringify(err);
  } catch {
    // a cyclic error: nothing more to show
  }
  return [String(err?.message), String(err), json, String(err?.stack ?? "")];
}

/** Asserts that no surface of `err` contains any of `secrets` (strings of 8+ characters). */
function assertNoLeak(assert, err, secrets, label) {
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < 8) continue;
    for (const text of surfaces(err)) assert.ok(!text.includes(s), `${label}: leaks ${s.slice(0, 6)}… in ${JSON.stringify(text.slice(0, 160))}`);
  }
}

export default [
  {
    name: "webhook headers: at most maxHeaderBytes (default 8192) each, header_too_large beyond, before hashing",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      const sig = h["webhook-signature"];
      const leak = { secrets: [SECRET], signatures: [sig] };
      // The signature header padded with one skipped entry to exactly the limit: verifies.
      const padTo = (n) => `${sig} ${"x".repeat(n - sig.length - 1)}`;
      assert.equal(padTo(8192).length, 8192);
      assert.equal(scimkit.verifySignature(SECRET, { ...h, "webhook-signature": padTo(8192) }, BODY, { now }).id, "msg_fixture");
      for (const [name, value] of [
        ["webhook-signature", padTo(8193)],
        ["webhook-id", "m".repeat(8193)],
        ["webhook-timestamp", "1".repeat(8193)],
      ]) {
        const e = expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, { ...h, [name]: value }, BODY, { now }), { code: "header_too_large", messageIncludes: [name, "8192"] }, leak);
        assert.equal(e.name, "WebhookVerificationError");
      }
      // Non-ASCII: under the limit in UTF-16 units, over it in UTF-8 bytes — the core's exact check.
      const wide = `${sig} ${"é".repeat(4500)}`;
      assert.ok(wide.length < 8192 && encoder.encode(wide).length > 8192);
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...h, "webhook-signature": wide }, BODY, { now }), { code: "header_too_large" }, leak);
      // The option raises (or lowers) it.
      assert.equal(scimkit.verifySignature(SECRET, { ...h, "webhook-signature": padTo(9000) }, BODY, { now, maxHeaderBytes: 9000 }).id, "msg_fixture");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, BODY, { now, maxHeaderBytes: 10 }), { code: "header_too_large" }, leak);
      // A Fetch Headers, a Map and the svix-* aliases are bounded the same way.
      if (typeof Headers === "function") {
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, new Headers({ ...h, "webhook-signature": padTo(8193) }), BODY, { now }), { code: "header_too_large" }, leak);
      }
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, new Map(Object.entries({ ...h, "webhook-id": "m".repeat(9000) })), BODY, { now }), { code: "header_too_large" }, leak);
      const svix = { "svix-id": h["webhook-id"], "svix-timestamp": h["webhook-timestamp"], "svix-signature": padTo(8193) };
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, svix, BODY, { now }), { code: "header_too_large" }, leak);
    },
  },
  {
    name: "webhook headers: at most maxHeaderValues (default 32) signatures or repeated lines, header_too_large beyond",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      const good = h["webhook-signature"];
      const bad = signed(scimkit, BODY, { secret: SECRET2 }).headers["webhook-signature"];
      const leak = { secrets: [SECRET, SECRET2], signatures: [good, bad] };
      const entries = (n) => [...Array(n - 1).fill(bad), good].join(" ");
      assert.equal(scimkit.verifySignature(SECRET, { ...h, "webhook-signature": entries(32) }, BODY, { now }).id, "msg_fixture");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...h, "webhook-signature": entries(33) }, BODY, { now }), { code: "header_too_large", messageIncludes: ["33", "32"] }, leak);
      assert.equal(scimkit.verifySignature(SECRET, { ...h, "webhook-signature": entries(33) }, BODY, { now, maxHeaderValues: 33 }).id, "msg_fixture");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...h, "webhook-signature": entries(3) }, BODY, { now, maxHeaderValues: 2 }), { code: "header_too_large" }, leak);
      // Repeated header lines (Node gives an array) count before they are joined, for every header.
      const lines = (n) => [...Array(n - 1).fill(bad), good];
      assert.equal(scimkit.verifySignature(SECRET, { ...h, "webhook-signature": lines(32) }, BODY, { now }).id, "msg_fixture");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...h, "webhook-signature": lines(33) }, BODY, { now }), { code: "header_too_large" }, leak);
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...h, "webhook-id": Array(100_000).fill("x") }, BODY, { now }), { code: "header_too_large", messageIncludes: "webhook-id" }, leak);
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, new Map([...Object.entries(h), ["webhook-signature", lines(33)]]), BODY, { now }), { code: "header_too_large" }, leak);
      // Keys in several spellings (a plain object built by hand) count together.
      const spell = (i) => [..."webhook-signature"].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join("");
      const spelled = { "webhook-id": h["webhook-id"], "webhook-timestamp": h["webhook-timestamp"] };
      for (let i = 1; i <= 33; i++) spelled[spell(i)] = good;
      assert.equal(Object.keys(spelled).length, 35);
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, spelled, BODY, { now }), { code: "header_too_large" }, leak);
      delete spelled[spell(33)];
      assert.equal(scimkit.verifySignature(SECRET, spelled, BODY, { now }).id, "msg_fixture");
    },
  },
  {
    name: "inputs: maxInputBytes (default 1 MiB) on every entry point, maxResourceBytes (64 MiB) on stored resources",
    run: async (scimkit, { assert }) => {
      const cls = { class: scimkit.NormalizationError, code: "payload_too_large" };
      const over = "x".repeat(MiB + 1);
      const limit = 1_000;
      const event = JSON.stringify({ type: "t", data: { pad: "p".repeat(limit) } });
      const user = { userName: "u".repeat(limit) };
      const cases = [
        ["normalizeEvent", (o) => scimkit.normalizeEvent(event, o)],
        ["normalizeEvent bytes", (o) => scimkit.normalizeEvent(encoder.encode(event), o)],
        ["normalizeUser", (o) => scimkit.normalizeUser(user, o)],
        ["normalizeGroup", (o) => scimkit.normalizeGroup({ displayName: "g".repeat(limit) }, o)],
        ["detectProvider", (o) => scimkit.detectProvider(user, o)],
        ["applyScimPatch patch", (o) => scimkit.applyScimPatch({ displayName: "A" }, { ...PATCH, Operations: [{ ...PATCH.Operations[0], value: "v".repeat(limit) }] }, o)],
        ["normalizeScimRequest body", (o) => scimkit.normalizeScimRequest({ method: "POST", path: "/scim/v2/Users", body: user }, { organizationId: "org_1", directoryId: "dir_1", ...o })],
        ["normalizeScimRequest path", (o) => scimkit.normalizeScimRequest({ method: "DELETE", path: `/scim/v2/Users/${"u".repeat(limit)}` }, { organizationId: "org_1", directoryId: "dir_1", ...o })],
      ];
      for (const [label, call] of cases) {
        const e = assert.throws(() => call({ maxInputBytes: limit }), { ...cls, messageIncludes: ["maxInputBytes", String(limit)] }, label);
        assert.equal(typeof e.pointer, "string", `${label}: pointer`);
        let ok = true;
        try {
          call({ maxInputBytes: limit * 2 });
        } catch (err) {
          ok = err.code !== "payload_too_large";
        }
        assert.ok(ok, `${label}: a larger maxInputBytes lets it through`);
      }
      // The default: 1 MiB (+1 is refused everywhere, whatever the JSON).
      for (const [label, call] of [
        ["normalizeEvent", () => scimkit.normalizeEvent(over)],
        ["normalizeUser", () => scimkit.normalizeUser(over)],
        ["normalizeGroup", () => scimkit.normalizeGroup(encoder.encode(over))],
        ["detectProvider", () => scimkit.detectProvider(over)],
        ["applyScimPatch", () => scimkit.applyScimPatch({}, over)],
        ["normalizeScimRequest", () => scimkit.normalizeScimRequest({ method: "POST", path: "/Users", body: over })],
      ]) {
        assert.throws(call, { ...cls, messageIncludes: "1048576" }, `${label} default`);
      }
      // Exactly at the limit in UTF-8 bytes passes; one non-ASCII character over is caught by the core.
      const exact = JSON.stringify({ type: "t", data: { name: "é".repeat(100) } });
      const bytes = encoder.encode(exact).length;
      assert.equal(scimkit.normalizeEvent(exact, { maxInputBytes: bytes }).type, "t");
      assert.throws(() => scimkit.normalizeEvent(exact, { maxInputBytes: bytes - 1 }), cls, "UTF-8 bytes, not UTF-16 units");
      // The stored resource: maxResourceBytes, on the text route and on the object route (the
      // attributes the patch touches).
      const res = { displayName: "A", members: Array.from({ length: 50 }, (_, i) => ({ value: `m${i}` })) };
      assert.throws(() => scimkit.applyScimPatch(JSON.stringify(res), PATCH, { maxResourceBytes: 100 }), { ...cls, messageIncludes: "maxResourceBytes" }, "text route");
      assert.throws(() => scimkit.applyScimPatch(res, { ...PATCH, Operations: [{ op: "add", path: "members", value: [{ value: "x" }] }] }, { maxResourceBytes: 100 }), { ...cls, messageIncludes: "maxResourceBytes" }, "object route");
      assert.equal(scimkit.applyScimPatch(res, PATCH, { maxResourceBytes: 100 }).displayName, "B", "untouched attributes do not count");
      assert.throws(
        () => scimkit.normalizeScimRequest({ method: "PATCH", path: "/Groups/g1", body: PATCH }, { current: res, maxResourceBytes: 100 }),
        { ...cls, messageIncludes: ["options.current", "maxResourceBytes"] },
        "current",
      );
    },
  },
  {
    name: "options: unknown names, NaN, -1 and non-integers are invalid_argument naming the option; null means not given",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      const arg = (label, fn, includes) => {
        const e = assert.throws(fn, { class: scimkit.ScimkitError, code: "invalid_argument", messageIncludes: includes }, label);
        assert.equal(e.name, "ScimkitError", `${label}: not a verification or normalization failure`);
        return e;
      };
      // Typos are refused, for every options object.
      arg("verify typo", () => scimkit.verifyWebhook(SECRET, h, BODY, { now, toleranceSecs: 600 }), "toleranceSecs");
      arg("verifySignature typo", () => scimkit.verifySignature(SECRET, h, BODY, { now, maxBody: 5 }), "maxBody");
      arg("sign typo", () => scimkit.signWebhook(SECRET, { body: BODY, timeStamp: 5 }), "timeStamp");
      arg("normalizeEvent typo", () => scimkit.normalizeEvent(BODY, { provider: "okta" }), "provider");
      arg("normalizeUser typo", () => scimkit.normalizeUser({ userName: "a" }, { provder: "okta" }), "provder");
      arg("normalizeGroup typo", () => scimkit.normalizeGroup({ displayName: "a" }, { maxInputByte: 5 }), "maxInputByte");
      arg("detectProvider typo", () => scimkit.detectProvider({ userName: "a" }, { provider: "okta" }), "provider");
      arg("applyScimPatch typo", () => scimkit.applyScimPatch({}, PATCH, { maxResource: 5 }), "maxResource");
      arg("request typo", () => scimkit.normalizeScimRequest({ method: "POST", path: "/Users", body: {} }, { organisationId: "o" }), "organisationId");
      arg("request field typo", () => scimkit.normalizeScimRequest({ method: "POST", path: "/Users", bdy: {} }), "bdy");
      await rejection(assert, scimkit.verifyRequest(SECRET, new Request("http://127.0.0.1/", { method: "POST", body: BODY, headers: h }), { now, tolerance: 5 }), "verifyRequest typo").then((e) => {
        assert.equal(e.code, "invalid_argument");
        assert.ok(e.message.includes("tolerance"), e.message);
      });
      // Limits: NaN, -1, 1.5, Infinity and strings are refused, never a default or payload_too_large.
      for (const bad of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, "1mb", true]) {
        const shown = String(bad);
        arg(`maxBodyBytes ${shown}`, () => scimkit.verifySignature(SECRET, h, BODY, { now, maxBodyBytes: bad }), "options.maxBodyBytes");
        arg(`maxHeaderBytes ${shown}`, () => scimkit.verifySignature(SECRET, h, BODY, { now, maxHeaderBytes: bad }), "options.maxHeaderBytes");
        arg(`maxHeaderValues ${shown}`, () => scimkit.verifySignature(SECRET, h, BODY, { now, maxHeaderValues: bad }), "options.maxHeaderValues");
        arg(`maxInputBytes ${shown}`, () => scimkit.normalizeEvent(BODY, { maxInputBytes: bad }), "options.maxInputBytes");
        arg(`maxResourceBytes ${shown}`, () => scimkit.applyScimPatch({}, PATCH, { maxResourceBytes: bad }), "options.maxResourceBytes");
      }
      // A body far over a bad limit is refused for the limit, not copied in first.
      arg("maxBodyBytes -1 with a big body", () => scimkit.verifySignature(SECRET, h, "x".repeat(2 * MiB), { now, maxBodyBytes: -1 }), "maxBodyBytes");
      // toleranceSeconds: NaN (Number(process.env.X) of a typo) is refused; Infinity stays allowed.
      for (const bad of [Number.NaN, -1, 1.5, Number.NEGATIVE_INFINITY]) {
        arg(`toleranceSeconds ${bad}`, () => scimkit.verifySignature(SECRET, h, BODY, { now, toleranceSeconds: bad }), "options.toleranceSeconds");
      }
      assert.equal(scimkit.verifySignature(SECRET, h, BODY, { now: now + 10 * 365 * 86_400_000, toleranceSeconds: Number.POSITIVE_INFINITY }).id, "msg_fixture");
      // null is "not given": the default, for every option.
      assert.equal(scimkit.verifySignature(SECRET, h, BODY, { now, toleranceSeconds: null, maxBodyBytes: null, maxHeaderBytes: null, maxHeaderValues: null }).id, "msg_fixture");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, BODY, { now: now + 301_000, toleranceSeconds: null }), { code: "timestamp_too_old" });
      assert.equal(scimkit.normalizeEvent(BODY, { maxInputBytes: null }).type, "organization.directory.user_created");
      assert.equal(scimkit.normalizeUser({ userName: "a" }, { provider: null, maxInputBytes: null }).preferred_username, "a");
      assert.equal(scimkit.applyScimPatch({ displayName: "A" }, PATCH, { maxInputBytes: null, maxResourceBytes: null }).displayName, "B");
      const fresh = scimkit.signWebhook(SECRET, { id: "msg_now", body: BODY });
      assert.equal(scimkit.verifySignature(SECRET, fresh, BODY, null).id, "msg_now", "options null");
      assert.deepEqual(scimkit.signWebhook(SECRET, { id: "msg_fixture", timestamp: 1700000000, body: BODY }), scimkit.signWebhook(SECRET, { id: "msg_fixture", timestamp: 1700000000, body: BODY }));
      // signWebhook: a message that is not an object is refused (it never signs an empty body).
      for (const m of ["text", BODY, 5, null, undefined, [BODY], true]) {
        arg(`signWebhook(${String(m).slice(0, 10)})`, () => scimkit.signWebhook(SECRET, m), "message must be an object");
      }
      const empty = scimkit.signWebhook(SECRET, { id: "msg_1", timestamp: 1700000000 });
      assert.equal(scimkit.verifySignature(SECRET, empty, "", { now: 1700000000000 }).id, "msg_1", "an object without body signs the empty body, as documented");
    },
  },
  {
    name: "directory options: timeoutMs at most 2^31-1, no NaN/Infinity, maxResponseBytes and maxPages checked, names in messages",
    run: async (scimkit, { assert }) => {
      const base = { environmentUrl: "http://127.0.0.1:9", clientId: "client_1", clientSecret: "topsecret-client-value" };
      const bad = (label, options, includes) => {
        const e = assert.throws(() => new scimkit.DirectoryClient({ ...base, ...options }), { class: scimkit.DirectoryApiError, code: "invalid_argument", messageIncludes: includes }, label);
        assertNoLeak(assert, e, [base.clientSecret], label);
      };
      bad("timeoutMs 2^31", { timeoutMs: 2 ** 31 }, "timeout_ms");
      bad("timeoutMs 1e12", { timeoutMs: 1e12 }, "timeout_ms");
      bad("timeoutMs NaN", { timeoutMs: Number.NaN }, "options.timeoutMs");
      bad("timeoutMs Infinity", { timeoutMs: Number.POSITIVE_INFINITY }, "options.timeoutMs");
      bad("timeoutMs -1", { timeoutMs: -1 }, "options.timeoutMs");
      bad("maxRetries 1.5", { maxRetries: 1.5 }, "options.maxRetries");
      bad("maxResponseBytes 0", { maxResponseBytes: 0 }, "max_response_bytes");
      bad("maxResponseBytes -1", { maxResponseBytes: -1 }, "options.maxResponseBytes");
      bad("maxResponseBytes NaN", { maxResponseBytes: Number.NaN }, "options.maxResponseBytes");
      bad("typo", { timeoutMS: 5 }, "timeoutMS");
      new scimkit.DirectoryClient({ ...base, timeoutMs: 2 ** 31 - 1, maxResponseBytes: 1, maxRetries: null });
      const client = new scimkit.DirectoryClient(base);
      for (const [label, options, includes] of [
        ["maxPages 0", { maxPages: 0 }, "options.maxPages"],
        ["maxPages -1", { maxPages: -1 }, "options.maxPages"],
        ["maxPages NaN", { maxPages: Number.NaN }, "options.maxPages"],
        ["maxPages 1.5", { maxPages: 1.5 }, "options.maxPages"],
        ["prefetch 1", { prefetch: 1 }, "options.prefetch"],
        ["pageSize NaN", { pageSize: Number.NaN }, "options.pageSize"],
      ]) {
        assert.throws(() => client.directoryUserPages("org_1", "dir_1", options), { class: scimkit.DirectoryApiError, code: "invalid_argument", messageIncludes: includes }, label);
      }
      client.directoryUserPages("org_1", "dir_1", { maxPages: null, prefetch: null });
    },
  },
  {
    name: "directory: a body over maxResponseBytes is invalid_response, not retried, the client stops reading; resumable",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const dir = d.small;
        const rec = recordingFetch();
        for (const declared of [false, true]) {
          await d.admin.setFaults({ oversizeEvery: 2, oversizeBytes: 256 * MiB, oversizeDeclared: declared });
          await d.admin.resetStats();
          const client = clientFor(scimkit, d, { fetch: rec.fetch, maxResponseBytes: MiB, maxRetries: 3 });
          const ids = [];
          let err;
          try {
            for await (const page of client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, prefetch: false })) ids.push(...page.users.map((u) => u.id));
          } catch (e) {
            err = e;
          }
          const label = `declared ${declared}`;
          checkDirectoryError(scimkit, assert, err, { code: "invalid_response", status: 200 }, [d.clientSecret, ...rec.tokens], label);
          assert.ok(err.message.includes("max_response_bytes"), `${label}: ${err.message}`);
          assert.equal(err.attempts, 1, `${label}: not retried`);
          assert.equal(ids.length, 30, `${label}: the first page came through`);
          assert.equal(typeof err.pageToken, "string", `${label}: a token to resume from`);
          const stats = await d.admin.stats();
          assert.equal(stats.faultsInjected.oversize, 1, `${label}: one oversized page`);
          assert.ok(stats.oversizeBytesSent < 48 * MiB, `${label}: the client stopped reading (${stats.oversizeBytesSent} of 256 MiB sent)`);
          // Resuming (faults off) delivers the rest: every user exactly once.
          await d.admin.clearFaults();
          const { ids: rest } = await collectPages(client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, pageToken: err.pageToken }), 20);
          await assertExactlyAllUsers(assert, [...ids, ...rest], dir, label);
        }
      });
    },
  },
  {
    name: "directory: maxPages ends a walk with too_many_pages and the token to resume; a repeated token is pagination_loop, resumable",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const dir = d.small;
        const rec = recordingFetch();
        const client = clientFor(scimkit, d, { fetch: rec.fetch });
        const secrets = [d.clientSecret, ...rec.tokens];
        for (const prefetch of [true, false]) {
          const ids = [];
          let err;
          let pages = 0;
          try {
            for await (const page of client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, maxPages: 4, prefetch })) {
              pages++;
              ids.push(...page.users.map((u) => u.id));
            }
          } catch (e) {
            err = e;
          }
          checkDirectoryError(scimkit, assert, err, { code: "too_many_pages" }, secrets, `maxPages prefetch ${prefetch}`);
          assert.equal(pages, 4);
          const { ids: rest } = await collectPages(client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, pageToken: err.pageToken, prefetch }), 20);
          await assertExactlyAllUsers(assert, [...ids, ...rest], dir, `maxPages prefetch ${prefetch}`);
        }
        // A stuck cursor (the service names a page's own token as its next one): the page is not
        // handed out; the error's token re-requests it.
        await d.admin.setFaults({ repeatTokenEvery: 3 });
        const ids = [];
        let err;
        try {
          for await (const page of client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30 })) ids.push(...page.users.map((u) => u.id));
        } catch (e) {
          err = e;
        }
        checkDirectoryError(scimkit, assert, err, { code: "pagination_loop" }, [...secrets, ...rec.tokens], "repeat");
        assert.equal(typeof err.pageToken, "string");
        await d.admin.clearFaults();
        const { ids: rest } = await collectPages(client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, pageToken: err.pageToken }), 20);
        await assertExactlyAllUsers(assert, [...ids, ...rest], dir, "repeat, resumed");
      });
    },
  },
  {
    name: "secrets: no error from these paths shows a secret, key, token or expected signature (message, String, JSON, stack)",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const { secretKey, publicKey } = scimkit.generateSigningKeyPair();
      const { headers: h, now } = signed(scimkit, BODY);
      const v1a = scimkit.signWebhook([secretKey, SECRET], { id: "msg_fixture", timestamp: 1700000000, body: BODY });
      const expected = [h["webhook-signature"], ...v1a["webhook-signature"].split(" ")].map((s) => s.replace(/^v1a?,/, ""));
      const secrets = [SECRET, SECRET.slice(6), SECRET2, SECRET2.slice(6), secretKey, secretKey.slice(5), publicKey.slice(5), ...expected];
      const errors = [];
      const grab = (fn) => {
        try {
          fn();
        } catch (e) {
          errors.push(e);
          return;
        }
        assert.fail("expected a throw");
      };
      for (const secret of [SECRET2, [SECRET2, publicKey], secretKey]) {
        grab(() => scimkit.verifyWebhook(secret, { ...v1a, "webhook-signature": `${v1a["webhook-signature"]} ${"x".repeat(9000)}` }, BODY, { now }));
        grab(() => scimkit.verifyWebhook(secret, { ...v1a, "webhook-signature": Array(20).fill(v1a["webhook-signature"]) }, BODY, { now }));
        grab(() => scimkit.verifyWebhook(secret, v1a, BODY, { now, maxHeaderValues: 1 }));
        grab(() => scimkit.verifyWebhook(secret, v1a, BODY, { now, maxBodyBytes: Number.NaN }));
        grab(() => scimkit.verifyWebhook(secret, v1a, BODY, { now, toleranceSeconds: Number.NaN }));
        grab(() => scimkit.verifyWebhook(secret, v1a, BODY, { now, toleranceSecs: 1 }));
        grab(() => scimkit.verifyWebhook(secret, h, BODY, { now }));
      }
      grab(() => scimkit.signWebhook(SECRET, "text"));
      grab(() => scimkit.signWebhook([secretKey, SECRET], { body: BODY, bdy: 1 }));
      grab(() => scimkit.normalizeEvent(`{"secret":"${SECRET}","pad":"${"x".repeat(2000)}"}`, { maxInputBytes: 100 }));
      grab(() => scimkit.applyScimPatch({ password: SECRET }, PATCH, { maxInputBytes: 10 }));
      grab(() => scimkit.normalizeScimRequest({ method: "POST", path: "/Users", body: { password: SECRET } }, { maxInputBytes: 10 }));
      assert.ok(errors.length >= 24, `${errors.length} errors`);
      for (const [i, e] of errors.entries()) {
        assert.ok(e instanceof scimkit.ScimkitError, `error ${i} is a ScimkitError (${e?.name})`);
        assertNoLeak(assert, e, secrets, `error ${i} (${e.code})`);
      }
      // The Directory API paths: client secret and tokens.
      const d = directoryOf(ctx);
      const rec = recordingFetch();
      const client = clientFor(scimkit, d, { fetch: rec.fetch, maxResponseBytes: 64 });
      const dirErrors = [];
      dirErrors.push(await rejection(assert, client.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageSize: 30 }), "maxResponseBytes"));
      const ok = clientFor(scimkit, d, { fetch: rec.fetch });
      dirErrors.push(await rejection(assert, collectPages(ok.directoryUserPages(d.small.orgId, d.small.dirId, { pageSize: 30, maxPages: 1 }), 5), "maxPages"));
      for (const options of [{ timeoutMs: 2 ** 32 }, { timeoutMs: Number.NaN }, { maxResponseBytes: 0 }, { clientSecret: `${d.clientSecret}x`, tokenUrl: 1 }]) {
        try {
          clientFor(scimkit, d, options);
        } catch (e) {
          dirErrors.push(e);
        }
      }
      assert.ok(rec.tokens.length > 0, "tokens were issued");
      assert.equal(dirErrors.length, 6);
      for (const e of dirErrors) checkDirectoryError(scimkit, assert, e, { code: e.code }, [d.clientSecret, ...rec.tokens], e.code);
    },
  },
  {
    name: "memory: inputs over a limit are refused before they reach wasm memory (Node: process.memoryUsage().external)",
    nodeOnly: true,
    run: async (scimkit, { assert, runtime }) => {
      if (!runtime.startsWith("node ")) return; // Bun and Deno report wasm memory differently
      const { headers: h, now } = signed(scimkit, BODY);
      const big = "x".repeat(65 * MiB); // over every default, maxResourceBytes (64 MiB) included
      const bigBytes = encoder.encode(big);
      const calls = [
        () => scimkit.verifyWebhook(SECRET, h, big, { now }),
        () => scimkit.verifyWebhook(SECRET, h, bigBytes, { now }),
        () => scimkit.verifyWebhook(SECRET, { ...h, "webhook-signature": big }, BODY, { now }),
        () => scimkit.verifyWebhook(SECRET, { ...h, "webhook-id": big }, BODY, { now, maxHeaderBytes: 4096 }),
        () => scimkit.normalizeEvent(big),
        () => scimkit.normalizeUser(bigBytes),
        () => scimkit.normalizeGroup(big),
        () => scimkit.detectProvider(big),
        () => scimkit.applyScimPatch({}, big),
        () => scimkit.applyScimPatch(big, PATCH),
        () => scimkit.normalizeScimRequest({ method: "POST", path: "/Users", body: big }),
        () => scimkit.normalizeScimRequest({ method: "PATCH", path: "/Users/1", body: PATCH }, { current: big }),
      ];
      for (const call of calls) {
        try {
          call(); // warm up (and fail) once
        } catch {
          // expected
        }
      }
      const before = globalThis.process.memoryUsage().external;
      for (const [i, call] of calls.entries()) {
        for (let k = 0; k < 3; k++) {
          const e = assert.throws(call, { class: scimkit.ScimkitError }, `call ${i}`);
          assert.ok(["payload_too_large", "header_too_large"].includes(e.code), `call ${i}: ${e.code} ${e.message}`);
        }
      }
      const grown = globalThis.process.memoryUsage().external - before;
      // Copying any one of them in would grow wasm memory by at least 64 MiB.
      assert.ok(grown < 4 * MiB, `external memory grew by ${grown} bytes`);
      assert.equal(scimkit.verifySignature(SECRET, h, BODY, { now }).id, "msg_fixture", "still verifies");
    },
  },
];
