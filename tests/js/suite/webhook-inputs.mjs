// verifyWebhook / verifySignature / signWebhook: header shapes, body types, sizes, time window, rotation.
import { MiB, SECRET, SECRET2, expectScimkitError, referenceSignature, signed, utf8 } from "./helpers.mjs";

const EVENT = { type: "organization.directory.user_created", data: { email: "ada@example.com", name: "Ada" } };
const BODY = JSON.stringify(EVENT);

export default [
  {
    name: "verifyWebhook returns the normalized event (model defaults filled, name kept)",
    run: async (scimkit, { assert }) => {
      const { headers, now } = signed(scimkit, BODY);
      const event = scimkit.verifyWebhook(SECRET, headers, BODY, { now });
      assert.equal(event.type, "organization.directory.user_created");
      assert.equal(event.object, "DirectoryUser");
      assert.equal(event.data.email, "ada@example.com");
      assert.equal(event.data.name, "Ada");
      assert.equal(event.data.active, true);
      assert.deepEqual(event.data.groups, []);
      assert.equal(event.partial, false);
    },
  },
  {
    name: "headers as Fetch Headers, Map, plain object (any key case) and array values",
    run: async (scimkit, { assert }) => {
      const { headers: h, now, id, timestamp } = signed(scimkit, BODY);
      const expected = { id, timestamp };
      const forms = {
        "plain lower-case object": { ...h },
        "Fetch Headers": new Headers(h),
        "Fetch Headers (mixed case)": new Headers({ "Webhook-Id": h["webhook-id"], "WEBHOOK-TIMESTAMP": h["webhook-timestamp"], "Webhook-Signature": h["webhook-signature"] }),
        Map: new Map(Object.entries(h)),
        "Map (mixed case keys)": new Map([["Webhook-Id", h["webhook-id"]], ["Webhook-Timestamp", h["webhook-timestamp"]], ["Webhook-Signature", h["webhook-signature"]]]),
        "object with Webhook-Id etc.": { "Webhook-Id": h["webhook-id"], "Webhook-Timestamp": h["webhook-timestamp"], "Webhook-Signature": h["webhook-signature"], "Content-Type": "application/json" },
        "object with UPPER keys": { "WEBHOOK-ID": h["webhook-id"], "WEBHOOK-TIMESTAMP": h["webhook-timestamp"], "WEBHOOK-SIGNATURE": h["webhook-signature"] },
        "object with array values": { "webhook-id": [h["webhook-id"]], "webhook-timestamp": [h["webhook-timestamp"]], "webhook-signature": [h["webhook-signature"]] },
        "array signature values with a bogus entry": { ...h, "webhook-signature": ["v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", h["webhook-signature"]] },
        "Map with array values": new Map([["webhook-id", [h["webhook-id"]]], ["webhook-timestamp", h["webhook-timestamp"]], ["webhook-signature", [h["webhook-signature"]]]]),
      };
      for (const [label, headers] of Object.entries(forms)) {
        assert.deepEqual(scimkit.verifySignature(SECRET, headers, BODY, { now }), expected, label);
        assert.deepEqual(scimkit.verifyWebhook(SECRET, headers, BODY, { now }), scimkit.normalizeEvent(BODY), label);
      }
      // Headers built with append (comma-joined multiple signatures, as Fetch delivers repeated headers).
      const appended = new Headers({ "webhook-id": h["webhook-id"], "webhook-timestamp": h["webhook-timestamp"] });
      appended.append("webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");
      appended.append("webhook-signature", h["webhook-signature"]);
      assert.deepEqual(scimkit.verifySignature(SECRET, appended, BODY, { now }), expected, "appended Headers");
    },
  },
  {
    name: "missing or empty headers → missing_header",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
        const without = { ...h };
        delete without[name];
        const e1 = expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, without, BODY, { now }), { code: "missing_header", messageIncludes: name }, { secrets: [SECRET], signatures: [h["webhook-signature"]] });
        assert.ok(e1);
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, new Headers(without), BODY, { now }), { code: "missing_header", messageIncludes: name });
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, new Map(Object.entries(without)), BODY, { now }), { code: "missing_header", messageIncludes: name });
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...h, [name]: "" }, BODY, { now }), { code: "missing_header", messageIncludes: name });
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...h, [name]: [] }, BODY, { now }), { code: "missing_header", messageIncludes: name });
      }
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, {}, BODY, { now }), { code: "missing_header" });
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, new Headers(), BODY, { now }), { code: "missing_header" });
    },
  },
  {
    name: "body as string, Uint8Array, ArrayBuffer and an offset subarray of a larger buffer",
    run: async (scimkit, { assert }) => {
      const { headers: h, now, id, timestamp } = signed(scimkit, BODY);
      const bytes = utf8(BODY);
      const big = new Uint8Array(bytes.length + 37);
      big.fill(0x7b);
      big.set(bytes, 13);
      const sub = big.subarray(13, 13 + bytes.length);
      assert.equal(sub.byteOffset, 13);
      const dv = new DataView(big.buffer, 13, bytes.length);
      const forms = { string: BODY, Uint8Array: bytes, ArrayBuffer: bytes.slice().buffer, "subarray with byteOffset": sub, DataView: dv };
      if (typeof globalThis.Buffer === "function") {
        forms["Buffer (pooled, with offset)"] = globalThis.Buffer.from(BODY);
        forms["Buffer subarray"] = globalThis.Buffer.from(big.buffer, 13, bytes.length);
      }
      for (const [label, body] of Object.entries(forms)) {
        assert.deepEqual(scimkit.verifySignature(SECRET, h, body, { now }), { id, timestamp }, label);
        assert.deepEqual(scimkit.verifyWebhook(SECRET, h, body, { now }), scimkit.normalizeEvent(BODY), label);
        assert.deepEqual(scimkit.signWebhook(SECRET, { id, timestamp, body }), h, `sign ${label}`);
      }
      // The subarray's surrounding bytes must not leak into the MAC: a neighbouring byte change is harmless.
      big[12] = 0x20;
      big[13 + bytes.length] = 0x20;
      assert.deepEqual(scimkit.verifySignature(SECRET, h, sub, { now }), { id, timestamp }, "neighbour bytes changed");
      big[13] ^= 1;
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, sub, { now }), { code: "invalid_signature" });
    },
  },
  {
    name: "a parsed object body → parsed_body, with a message pointing at the raw body",
    run: async (scimkit, { assert }) => {
      const { headers: h, now } = signed(scimkit, BODY);
      for (const body of [EVENT, JSON.parse(BODY), [1, 2], 42, true]) {
        for (const fn of [scimkit.verifyWebhook, scimkit.verifySignature]) {
          expectScimkitError(scimkit, assert, () => fn(SECRET, h, body, { now }), { code: "parsed_body", messageIncludes: "raw" }, { secrets: [SECRET], signatures: [h["webhook-signature"]] });
        }
      }
      expectScimkitError(scimkit, assert, () => scimkit.signWebhook(SECRET, { body: EVENT }), { code: "parsed_body", messageIncludes: "raw" });
      for (const body of [undefined, null]) {
        expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, h, body, { now }), { code: "parsed_body", messageIncludes: "raw" });
      }
    },
  },
  {
    name: "1 MiB body passes at the default limit; 1 MiB + 1 byte → payload_too_large",
    run: async (scimkit, { assert }) => {
      const exact = "a".repeat(MiB);
      const { headers: h, now, id, timestamp } = signed(scimkit, exact);
      assert.equal(h["webhook-signature"], await referenceSignature(SECRET, id, timestamp, exact));
      assert.deepEqual(scimkit.verifySignature(SECRET, h, exact, { now }), { id, timestamp });
      assert.deepEqual(scimkit.verifySignature(SECRET, h, utf8(exact), { now }), { id, timestamp });
      const over = `${exact}a`;
      const { headers: h2 } = signed(scimkit, over);
      for (const body of [over, utf8(over), utf8(over).buffer]) {
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h2, body, { now }), { code: "payload_too_large" });
        expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, h2, body, { now }), { code: "payload_too_large" });
      }
      // Non-ASCII: 524,288 two-byte chars are exactly 1 MiB of UTF-8; one more ASCII byte is over.
      const wide = "é".repeat(MiB / 2);
      const sw = signed(scimkit, wide);
      assert.deepEqual(scimkit.verifySignature(SECRET, sw.headers, wide, { now }), { id: sw.id, timestamp: sw.timestamp }, "1 MiB of 2-byte chars");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, signed(scimkit, `${wide}a`).headers, `${wide}a`, { now }), { code: "payload_too_large" });
      // maxBodyBytes raises and lowers the limit.
      assert.deepEqual(scimkit.verifySignature(SECRET, h2, over, { now, maxBodyBytes: MiB + 1 }), { id, timestamp }, "raised limit");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, signed(scimkit, BODY).headers, BODY, { now, maxBodyBytes: 10 }), { code: "payload_too_large" });
      // A later normal-size call still works (the large input buffer did not break the instance).
      const small = signed(scimkit, BODY);
      assert.deepEqual(scimkit.verifyWebhook(SECRET, small.headers, BODY, { now: small.now }), scimkit.normalizeEvent(BODY));
    },
  },
  {
    name: "empty body: signs and verifies with verifySignature; verifyWebhook → invalid_json",
    run: async (scimkit, { assert }) => {
      const { headers: h, now, id, timestamp } = signed(scimkit, "");
      assert.equal(h["webhook-signature"], await referenceSignature(SECRET, id, timestamp, ""));
      for (const body of ["", new Uint8Array(0), new ArrayBuffer(0)]) {
        assert.deepEqual(scimkit.verifySignature(SECRET, h, body, { now }), { id, timestamp });
        expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, h, body, { now }), { code: "invalid_json" }, { secrets: [SECRET], signatures: [h["webhook-signature"]] });
      }
      const bad = signed(scimkit, "{not json");
      expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, bad.headers, "{not json", { now: bad.now }), { code: "invalid_json" });
      // signWebhook without a body signs the empty body.
      assert.deepEqual(scimkit.signWebhook(SECRET, { id, timestamp }), h);
    },
  },
  {
    name: "time window: ±300 s pass, ±301 s fail, toleranceSeconds, ms timestamp → timestamp_too_new",
    run: async (scimkit, { assert }) => {
      const { headers: h, now, id, timestamp } = signed(scimkit, BODY);
      const ok = { id, timestamp };
      assert.deepEqual(scimkit.verifySignature(SECRET, h, BODY, { now: now + 300_000 }), ok, "+300 s");
      assert.deepEqual(scimkit.verifySignature(SECRET, h, BODY, { now: now - 300_000 }), ok, "-300 s");
      assert.deepEqual(scimkit.verifySignature(SECRET, h, BODY, { now: new Date(now + 300_000) }), ok, "+300 s Date");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, BODY, { now: now + 301_000 }), { code: "timestamp_too_old" });
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, BODY, { now: now - 301_000 }), { code: "timestamp_too_new" });
      expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, h, BODY, { now: new Date(now + 301_000) }), { code: "timestamp_too_old" });
      assert.deepEqual(scimkit.verifySignature(SECRET, h, BODY, { now: now + 3_600_000, toleranceSeconds: 3600 }), ok, "tolerance 3600");
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, BODY, { now: now + 11_000, toleranceSeconds: 10 }), { code: "timestamp_too_old" });
      assert.deepEqual(scimkit.verifySignature(SECRET, h, BODY, { now, toleranceSeconds: 0 }), ok, "tolerance 0 at the exact second");
      // A millisecond timestamp (signed as such) is far in the future and the message says so.
      const ms = scimkit.signWebhook(SECRET, { id, timestamp: timestamp * 1000, body: BODY });
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, ms, BODY, { now }), { code: "timestamp_too_new", messageIncludes: "milliseconds" });
      // Default now = the clock: a fresh signature verifies without options.
      const fresh = scimkit.signWebhook(SECRET, { body: BODY });
      assert.match(fresh["webhook-id"], /^msg_[0-9a-f]{32}$/, "generated id");
      assert.ok(Math.abs(Number(fresh["webhook-timestamp"]) - Date.now() / 1000) < 60, "default timestamp is now");
      assert.deepEqual(scimkit.verifyWebhook(SECRET, fresh, BODY), scimkit.normalizeEvent(BODY));
      // A Date timestamp when signing.
      assert.deepEqual(scimkit.signWebhook(SECRET, { id, timestamp: new Date(timestamp * 1000 + 999), body: BODY }), h, "Date timestamp floors to seconds");
    },
  },
  {
    name: "secret rotation: an array of secrets verifies with any of them; signing with 2 secrets → two v1 entries",
    run: async (scimkit, { assert }) => {
      const old = signed(scimkit, BODY, { secret: SECRET });
      const neu = signed(scimkit, BODY, { secret: SECRET2 });
      for (const secrets of [[SECRET, SECRET2], [SECRET2, SECRET]]) {
        assert.deepEqual(scimkit.verifyWebhook(secrets, old.headers, BODY, { now: old.now }), scimkit.normalizeEvent(BODY), "old secret");
        assert.deepEqual(scimkit.verifyWebhook(secrets, neu.headers, BODY, { now: neu.now }), scimkit.normalizeEvent(BODY), "new secret");
      }
      const third = "whsec_dGhpcmQtc2VjcmV0LWZvci1yb3RhdGlvbi10ZXN0cw==";
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature([third, SECRET2], old.headers, BODY, { now: old.now }), { code: "invalid_signature" }, { secrets: [SECRET, SECRET2, third], signatures: [old.headers["webhook-signature"]] });
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature([], old.headers, BODY, { now: old.now }), { code: "invalid_secret" });
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature([SECRET, ""], old.headers, BODY, { now: old.now }), { code: "invalid_secret" });

      const both = scimkit.signWebhook([SECRET, SECRET2], { id: old.id, timestamp: old.timestamp, body: BODY });
      const entries = both["webhook-signature"].split(" ");
      assert.equal(entries.length, 2, "two signature entries");
      for (const e of entries) assert.match(e, /^v1,[A-Za-z0-9+/]{43}=$/);
      assert.deepEqual(entries.sort(), [old.headers["webhook-signature"], neu.headers["webhook-signature"]].sort());
      assert.deepEqual(scimkit.verifyWebhook(SECRET, both, BODY, { now: old.now }), scimkit.normalizeEvent(BODY), "verifies with first");
      assert.deepEqual(scimkit.verifyWebhook(SECRET2, both, BODY, { now: old.now }), scimkit.normalizeEvent(BODY), "verifies with second");
    },
  },
  {
    name: "non-ASCII bodies (BMP, astral, combining, NUL) sign like WebCrypto and verify as string and bytes",
    run: async (scimkit, { assert }) => {
      const bodies = [
        JSON.stringify({ type: "organization.directory.user_created", data: { name: "Zoë Ångström", city: "München", note: "naïve café" } }),
        JSON.stringify({ type: "organization.directory.group_created", data: { display_name: "日本語テキスト", kr: "한국어", zh: "中文" } }),
        JSON.stringify({ type: "custom.event", data: { emoji: "😀🎉🚀👩‍👩‍👧", astral: "𝔘𝔫𝔦𝔠𝔬𝔡𝔢" } }),
        JSON.stringify({ type: "organization.directory.user_updated", data: { given_name: "e\u0301", family_name: "مرحبا", nul: "a\u0000b" } }),
        "plain text with \u2028 line separator and \u00a0 nbsp",
      ];
      for (const body of bodies) {
        const { headers: h, now, id, timestamp } = signed(scimkit, body);
        assert.equal(h["webhook-signature"], await referenceSignature(SECRET, id, timestamp, body), `sign ${body.slice(0, 20)}`);
        assert.deepEqual(scimkit.verifySignature(SECRET, h, body, { now }), { id, timestamp });
        assert.deepEqual(scimkit.verifySignature(SECRET, h, utf8(body), { now }), { id, timestamp });
        if (body.startsWith("{")) assert.deepEqual(scimkit.verifyWebhook(SECRET, h, body, { now }), scimkit.normalizeEvent(body));
        // NFC vs NFD differ in bytes, so must not verify interchangeably.
        if (body.normalize("NFD") !== body) {
          expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, h, body.normalize("NFD"), { now }), { code: "invalid_signature" });
        }
      }
      // Non-ASCII ids are signed as UTF-8 too.
      const id = "msg_ünïcødé_😀";
      const h = scimkit.signWebhook(SECRET, { id, timestamp: 1700000000, body: BODY });
      assert.equal(h["webhook-signature"], await referenceSignature(SECRET, id, 1700000000, BODY));
    },
  },
  {
    name: "lone surrogates in a string body are signed and verified consistently",
    run: async (scimkit, { assert }) => {
      const body = `{"x":"\ud800 lone"}`;
      const { headers: h, now, id, timestamp } = signed(scimkit, body);
      // TextEncoder maps a lone surrogate to U+FFFD; the string and its encoded bytes must agree.
      assert.equal(h["webhook-signature"], await referenceSignature(SECRET, id, timestamp, body));
      assert.deepEqual(scimkit.verifySignature(SECRET, h, utf8(body), { now }), { id, timestamp });
      assert.deepEqual(scimkit.verifySignature(SECRET, h, body, { now }), { id, timestamp });
    },
  },
];
