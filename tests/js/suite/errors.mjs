// The error contract: classes, codes, no secret leaks, and robustness against junk arguments.
import { SECRET, SECRET2, expectScimkitError, signed } from "./helpers.mjs";

const BODY = '{"type":"user.created","id":"u_1"}';

export default [
  {
    name: "exports: functions and the error class hierarchy",
    run: async (scimkit, { assert }) => {
      for (const fn of ["verifyWebhook", "verifySignature", "signWebhook", "init"]) assert.equal(typeof scimkit[fn], "function", fn);
      assert.equal(typeof scimkit.ScalekitClient, "function", "ScalekitClient");
      const { ScimkitError, WebhookVerificationError, NormalizationError, DirectoryApiError } = scimkit;
      for (const [name, cls] of Object.entries({ WebhookVerificationError, NormalizationError, DirectoryApiError })) {
        assert.equal(typeof cls, "function", name);
        assert.ok(cls.prototype instanceof ScimkitError, `${name} extends ScimkitError`);
        const e = new cls("some_code", "msg");
        assert.ok(e instanceof Error && e instanceof ScimkitError && e instanceof cls, `${name} instance`);
        assert.equal(e.name, name);
        assert.equal(e.code, "some_code");
        assert.equal(e.message, "msg");
      }
      assert.ok(ScimkitError.prototype instanceof Error, "ScimkitError extends Error");
      assert.equal(new ScimkitError("c", "m").name, "ScimkitError");
      const r = scimkit.init();
      assert.ok(r && typeof r.then === "function", "init() returns a promise");
      await r;
    },
  },
  {
    name: "every error is an Error and ScimkitError with a string code, never leaking secrets or signatures",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      const sig = h["webhook-signature"];
      const leak = { secrets: [SECRET, SECRET2], signatures: [sig] };
      const cases = [
        ["invalid_signature", () => scimkit.verifySignature(SECRET2, h, BODY, { now })],
        ["invalid_signature", () => scimkit.verifyWebhook([SECRET2], h, `${BODY} `, { now })],
        ["invalid_signature", () => scimkit.verifyWebhook(SECRET, { ...h, "webhook-signature": `v1,${sig.slice(3, -2)}A=` }, BODY, { now })],
        ["timestamp_too_old", () => scimkit.verifyWebhook(SECRET, h, BODY, { now: now + 10_000_000 })],
        ["timestamp_too_new", () => scimkit.verifyWebhook(SECRET, h, BODY, { now: now - 10_000_000 })],
        ["invalid_timestamp", () => scimkit.verifyWebhook(SECRET, { ...h, "webhook-timestamp": "soon" }, BODY, { now })],
        ["missing_header", () => scimkit.verifyWebhook(SECRET, { "webhook-id": "x" }, BODY, { now })],
        ["invalid_header", () => scimkit.verifyWebhook(SECRET, "webhook-id: x", BODY, { now })],
        ["invalid_secret", () => scimkit.verifyWebhook(`${SECRET}!`, h, BODY, { now })],
        ["invalid_secret", () => scimkit.signWebhook("whsec_", { body: BODY })],
        ["parsed_body", () => scimkit.verifyWebhook(SECRET, h, JSON.parse(BODY), { now })],
        ["payload_too_large", () => scimkit.verifyWebhook(SECRET, h, BODY, { now, maxBodyBytes: 3 })],
        ["invalid_json", () => scimkit.verifyWebhook(SECRET, signed(scimkit, "nope").headers, "nope", { now })],
      ];
      const seen = new Set();
      for (const [code, fn] of cases) {
        const e = expectScimkitError(scimkit, assert, fn, { code }, leak);
        assert.equal(e.name, "WebhookVerificationError");
        assert.ok(typeof e.stack === "string", "has a stack");
        seen.add(code);
      }
      assert.equal(seen.size, 10, "all ten webhook codes exercised");
    },
  },
  {
    name: "garbage arguments throw a ScimkitError (never a string or RuntimeError); the instance is not poisoned",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      const junk = [undefined, null, 0, 1, -1, 3.14, Number.NaN, Number.POSITIVE_INFINITY, "", "x", "whsec_", true, false, {}, [], [null], [1, 2], () => 1, new Date(0), 10n, new Map(), new Uint8Array(3), { length: 5 }];
      let count = 0;
      const check = (label, fn) => {
        count++;
        let r;
        try {
          r = fn();
        } catch (e) {
          assert.ok(e instanceof Error, `${label}: threw a non-Error ${typeof e}`);
          assert.ok(e instanceof scimkit.ScimkitError, `${label}: threw ${e?.constructor?.name} ${e?.message}`);
          assert.ok(!(e instanceof WebAssembly.RuntimeError), `${label}: RuntimeError`);
          assert.equal(typeof e.code, "string", `${label}: code`);
          return;
        }
        assert.ok(r !== undefined, `${label}: returned undefined without throwing`);
      };
      for (const j of junk) {
        check(`verifyWebhook(secret=${String(j)})`, () => scimkit.verifyWebhook(j, h, BODY, { now }));
        check(`verifyWebhook(headers=${String(j)})`, () => scimkit.verifyWebhook(SECRET, j, BODY, { now }));
        check(`verifyWebhook(body=${String(j)})`, () => scimkit.verifyWebhook(SECRET, h, j, { now }));
        check(`verifyWebhook(options=${String(j)})`, () => scimkit.verifyWebhook(SECRET, h, BODY, j));
        check(`verifyWebhook(now=${String(j)})`, () => scimkit.verifyWebhook(SECRET, h, BODY, { now: j }));
        check(`verifySignature(tolerance=${String(j)})`, () => scimkit.verifySignature(SECRET, h, BODY, { now, toleranceSeconds: j }));
        check(`verifySignature(maxBodyBytes=${String(j)})`, () => scimkit.verifySignature(SECRET, h, BODY, { now, maxBodyBytes: j }));
        check(`verifySignature(all=${String(j)})`, () => scimkit.verifySignature(j, j, j, j));
        check(`signWebhook(secret=${String(j)})`, () => scimkit.signWebhook(j, { body: BODY }));
        check(`signWebhook(message=${String(j)})`, () => scimkit.signWebhook(SECRET, j));
        check(`signWebhook(id=${String(j)})`, () => scimkit.signWebhook(SECRET, { id: j, body: BODY }));
        check(`signWebhook(timestamp=${String(j)})`, () => scimkit.signWebhook(SECRET, { timestamp: j, body: BODY }));
        check(`signWebhook(body=${String(j)})`, () => scimkit.signWebhook(SECRET, { body: j }));
        check(`header values=${String(j)}`, () => scimkit.verifySignature(SECRET, { "webhook-id": j, "webhook-timestamp": j, "webhook-signature": j }, BODY, { now }));
        check(`ScalekitClient(${String(j)})`, () => new scimkit.ScalekitClient(j, j, j).verifyWebhookPayload(j, j, j));
      }
      check("no arguments verifyWebhook", () => scimkit.verifyWebhook());
      check("no arguments signWebhook", () => scimkit.signWebhook());
      assert.ok(count > 300, `ran ${count} junk calls`);
      // Not poisoned: a valid call still works after all that.
      assert.deepEqual(scimkit.verifyWebhook(SECRET, h, BODY, { now }), scimkit.normalizeEvent(BODY));
      assert.deepEqual(scimkit.signWebhook(SECRET, { id: "msg_fixture", timestamp: 1700000000, body: BODY }), h);
    },
  },
  {
    name: "invalid options are rejected with a ScimkitError code",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      for (const options of [{ now: "yesterday" }, { now, toleranceSeconds: -1 }, { now, toleranceSeconds: 1.5 }, { now, maxBodyBytes: -5 }, { now, maxBodyBytes: "1mb" }]) {
        const e = expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, BODY, options), { class: scimkit.ScimkitError });
        assert.match(e.code, /^[a-z_]+$/, `code for ${JSON.stringify(options)}`);
      }
    },
  },
  {
    name: "many distinct secrets (beyond any cache) keep verifying correctly",
    run: async (scimkit, { assert }) => {
      const secrets = [];
      for (let i = 0; i < 40; i++) secrets.push(`whsec_${btoa(`rotation-test-secret-number-${String(i).padStart(4, "0")}`)}`);
      const signedBy = secrets.map((s) => signed(scimkit, BODY, { secret: s }));
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < secrets.length; i++) {
          assert.deepEqual(scimkit.verifyWebhook(secrets[i], signedBy[i].headers, BODY, { now: signedBy[i].now }), scimkit.normalizeEvent(BODY), `secret ${i}`);
          const j = (i + 1) % secrets.length;
          expectScimkitError(scimkit, assert, () => scimkit.verifySignature(secrets[j], signedBy[i].headers, BODY, { now: signedBy[i].now }), { code: "invalid_signature" }, { secrets: [secrets[i], secrets[j]] });
        }
      }
    },
  },
  {
    name: "NormalizationError carries the RFC 7644 §3.12 scimType of its code, from the core and from the façade",
    run: async (scimkit, { assert }) => {
      const user = { userName: "u", name: { givenName: "A" } };
      const cases = [
        ["invalid_json", "invalidSyntax", () => scimkit.applyScimPatch("{", { Operations: [] })],
        ["invalid_json", "invalidSyntax", () => scimkit.applyScimPatch(user, undefined)],
        ["invalid_json", "invalidSyntax", () => scimkit.normalizeUser({ big: 1n })],
        ["invalid_patch", "invalidSyntax", () => scimkit.applyScimPatch(user, { Operations: [{ op: "move", path: "x" }] })],
        ["invalid_path", "invalidPath", () => scimkit.applyScimPatch(user, { Operations: [{ op: "add", path: "a b", value: 1 }] })],
        ["invalid_filter", "invalidFilter", () => scimkit.applyScimPatch(user, { Operations: [{ op: "add", path: 'emails[type zz "w"]', value: 1 }] })],
        ["invalid_value", "invalidValue", () => scimkit.applyScimPatch(user, { Operations: [{ op: "add", path: "name", value: "x" }] })],
        ["no_target", "noTarget", () => scimkit.applyScimPatch(user, { Operations: [{ op: "remove" }] })],
        ["too_complex", "tooMany", () => scimkit.applyScimPatch(user, { Operations: Array.from({ length: 1001 }, () => ({ op: "remove", path: "x" })) })],
        ["unsupported_resource", "invalidSyntax", () => scimkit.normalizeScimRequest({ method: "POST", path: "/Things", body: {} }, { now: null })],
      ];
      for (const [code, scimType, fn] of cases) {
        const e = assert.throws(fn, { class: scimkit.NormalizationError, code }, code);
        assert.equal(e.scimType, scimType, `${code} → ${scimType}`);
      }
    },
  },
];
