// Known-answer vectors and negative fixtures from tests/vectors/webhook-vectors.json.
import { SECRET, expectScimkitError, isJson, referenceSignature, vectorPayload, vectorsOf } from "./helpers.mjs";

export default [
  {
    name: "every vector signs to its expected signature",
    run: async (scimkit, { assert, vectors }) => {
      for (const v of vectorsOf({ vectors })) {
        const body = vectorPayload(v);
        const h = scimkit.signWebhook(v.secret, { id: v.msg_id, timestamp: v.timestamp, body });
        assert.deepEqual(
          h,
          { "webhook-id": v.msg_id, "webhook-timestamp": String(v.timestamp), "webhook-signature": v.expected_signature },
          `vector ${v.name}`,
        );
      }
    },
  },
  {
    name: "every vector's expected signature matches an independent WebCrypto HMAC",
    run: async (scimkit, { assert, vectors }) => {
      for (const v of vectorsOf({ vectors })) {
        const ref = await referenceSignature(v.secret, v.msg_id, v.timestamp, vectorPayload(v));
        assert.equal(ref, v.expected_signature, `vector ${v.name}`);
      }
    },
  },
  {
    name: "every vector verifies with now at its timestamp (ms number and Date)",
    run: async (scimkit, { assert, vectors }) => {
      for (const v of vectorsOf({ vectors })) {
        const body = vectorPayload(v);
        const headers = { "webhook-id": v.msg_id, "webhook-timestamp": String(v.timestamp), "webhook-signature": v.expected_signature };
        for (const now of [v.timestamp * 1000, new Date(v.timestamp * 1000)]) {
          assert.deepEqual(scimkit.verifySignature(v.secret, headers, body, { now }), { id: v.msg_id, timestamp: v.timestamp }, `vector ${v.name}`);
          if (isJson(body) && typeof JSON.parse(body)?.type === "string") {
            assert.deepEqual(scimkit.verifyWebhook(v.secret, headers, body, { now }), scimkit.normalizeEvent(body), `vector ${v.name} event`);
          } else {
            // Verified, but not a directory event (the vectors' {"test": …} has no type): verifyWebhook
            // reports invalid_json; verifySignature above is the call for arbitrary payloads.
            expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(v.secret, headers, body, { now }), { code: "invalid_json" }, { secrets: [v.secret], signatures: [v.expected_signature] });
          }
        }
      }
    },
  },
  {
    name: "every vector fails verification with a tampered body and with another secret",
    run: async (scimkit, { assert, vectors }) => {
      for (const v of vectorsOf({ vectors })) {
        const body = vectorPayload(v);
        const headers = { "webhook-id": v.msg_id, "webhook-timestamp": String(v.timestamp), "webhook-signature": v.expected_signature };
        const now = v.timestamp * 1000;
        const leak = { secrets: [v.secret], signatures: [v.expected_signature] };
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(v.secret, headers, `${body.slice(0, -1)}X`, { now }), { code: "invalid_signature" }, leak);
        const other = v.secret === SECRET ? "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD" : SECRET;
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(other, headers, body, { now }), { code: "invalid_signature" }, { secrets: [v.secret, other], signatures: [v.expected_signature] });
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(v.secret, { ...headers, "webhook-id": `${v.msg_id}x` }, body, { now }), { code: "invalid_signature" }, leak);
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(v.secret, { ...headers, "webhook-timestamp": String(v.timestamp + 1) }, body, { now }), { code: "invalid_signature" }, leak);
      }
    },
  },
  {
    name: "negative fixtures: invalid signatures are rejected as invalid_signature",
    run: async (scimkit, { assert, vectors }) => {
      const v = vectorsOf({ vectors }).find((x) => x.name === "stdwh-canonical");
      assert.ok(v, "stdwh-canonical vector present");
      const fixtures = vectors.negative_fixtures_from_tests.invalid_signatures;
      assert.ok(Array.isArray(fixtures) && fixtures.length >= 5, "invalid_signatures fixtures present");
      const sigs = fixtures.map((f) => (f.startsWith("<first 8 chars") ? v.expected_signature.slice(0, 8) : f.split(" ")[0]));
      for (const sig of sigs) {
        const headers = { "webhook-id": v.msg_id, "webhook-timestamp": String(v.timestamp), "webhook-signature": sig };
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(v.secret, headers, v.payload, { now: v.timestamp * 1000 }), { code: "invalid_signature" }, { secrets: [v.secret], signatures: [v.expected_signature] });
      }
    },
  },
  {
    name: "negative fixtures: multi-signature headers verify when one v1 entry is valid",
    run: async (scimkit, { assert, vectors }) => {
      const list = vectorsOf({ vectors });
      const c = list.find((x) => x.name === "stdwh-canonical");
      const bogus = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
      const header = `${bogus} v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${c.expected_signature} ${bogus}`;
      const h = { "webhook-id": c.msg_id, "webhook-timestamp": String(c.timestamp), "webhook-signature": header };
      assert.deepEqual(scimkit.verifySignature(c.secret, h, c.payload, { now: c.timestamp * 1000 }), { id: c.msg_id, timestamp: c.timestamp });

      const r = list.find((x) => x.name === "stdwh-rust");
      const others = vectors.negative_fixtures_from_tests.multi_sig_rust;
      assert.equal(others.length, 3);
      const hr = { "webhook-id": r.msg_id, "webhook-timestamp": String(r.timestamp) };
      const now = r.timestamp * 1000;
      for (let pos = 0; pos <= others.length; pos++) {
        const parts = [...others];
        parts.splice(pos, 0, r.expected_signature);
        assert.deepEqual(scimkit.verifySignature(r.secret, { ...hr, "webhook-signature": parts.join(" ") }, r.payload, { now }), { id: r.msg_id, timestamp: r.timestamp }, `valid at position ${pos}`);
      }
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(r.secret, { ...hr, "webhook-signature": others.join(" ") }, r.payload, { now }), { code: "invalid_signature" }, { secrets: [r.secret], signatures: [r.expected_signature] });
      const noVerify = vectors.negative_fixtures_from_tests.rust_no_verify_signature.split(" ")[0];
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(r.secret, { ...hr, "webhook-signature": noVerify }, r.payload, { now }), { code: "invalid_signature" }, { secrets: [r.secret], signatures: [r.expected_signature] });
    },
  },
  {
    name: "negative fixtures: malformed timestamps and empty secrets",
    run: async (scimkit, { assert, vectors }) => {
      const v = vectorsOf({ vectors }).find((x) => x.name === "stdwh-canonical");
      const base = { "webhook-id": v.msg_id, "webhook-signature": v.expected_signature };
      const now = v.timestamp * 1000;
      const leak = { secrets: [v.secret], signatures: [v.expected_signature] };
      for (const ts of ["hello", "161426533.0", "-161426533", "invalid timestamp", " 1614265330", "1614265330 ", "0x60376f72", "1.614265330e9"]) {
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(v.secret, { ...base, "webhook-timestamp": ts }, v.payload, { now }), { code: "invalid_timestamp" }, leak);
      }
      for (const ts of ["161426533.0", "invalid timestamp", "-161426533", -161426533, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e20]) {
        expectScimkitError(scimkit, assert, () => scimkit.signWebhook(v.secret, { id: v.msg_id, timestamp: ts, body: v.payload }), { code: "invalid_timestamp" }, leak);
      }
      for (const secret of ["", "whsec_", "whsec_!!!not-base64!!!"]) {
        const h = { ...base, "webhook-timestamp": String(v.timestamp) };
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(secret, h, v.payload, { now }), { code: "invalid_secret" }, leak);
        expectScimkitError(scimkit, assert, () => scimkit.signWebhook(secret, { id: v.msg_id, timestamp: v.timestamp, body: v.payload }), { code: "invalid_secret" }, leak);
      }
    },
  },
];
