// Randomized round trips against an independent WebCrypto HMAC (runs in every runtime).
import { SECRET, expectScimkitError, prng, randomBody, randomId, randomSecret, referenceSignature, signed, utf8 } from "./helpers.mjs";

export default [
  {
    name: "randomized: scimkit signatures equal WebCrypto HMAC and verify; 1-byte tampering fails (120 iterations)",
    run: async (scimkit, { assert, seed = 20261129 }) => {
      const rnd = prng(seed);
      for (let i = 0; i < 120; i++) {
        const secret = randomSecret(rnd);
        const id = randomId(rnd);
        const timestamp = 1_000_000_000 + rnd.int(1_500_000_000);
        const body = i % 10 === 0 ? "" : randomBody(rnd, i % 3 === 0 ? 2000 : 80);
        const label = `seed ${seed} iteration ${i}`;
        const h = scimkit.signWebhook(secret, { id, timestamp, body });
        assert.equal(h["webhook-signature"], await referenceSignature(secret, id, timestamp, body), label);
        const asBytes = rnd.int(2) === 1;
        const now = timestamp * 1000 + (rnd.int(600_001) - 300_000);
        assert.deepEqual(scimkit.verifySignature(secret, h, asBytes ? utf8(body) : body, { now }), { id, timestamp }, label);
        const bytes = utf8(body);
        if (bytes.length > 0) {
          const t = bytes.slice();
          t[rnd.int(t.length)] ^= 1 << rnd.int(8);
          expectScimkitError(scimkit, assert, () => scimkit.verifySignature(secret, h, t, { now }), { code: "invalid_signature" }, { secrets: [secret], signatures: [h["webhook-signature"]] });
        }
      }
    },
  },
  {
    name: "every body length 0–300 and non-ASCII strings around the encoder's piece boundaries sign exactly like WebCrypto HMAC",
    run: async (scimkit, { assert }) => {
      // The wasm build hashes with its own SHA-256 (src/webhook/sha256_wasm.rs); lengths 0–300
      // cross every padding case (55/56/63/64/119/120 … bytes), in bytes and as strings.
      const bodies = [];
      for (let n = 0; n <= 300; n++) bodies.push("a".repeat(n), utf8("b".repeat(n)));
      // Strings are encoded into wasm memory in pieces of 512 or 2048 UTF-16 units; put
      // multi-byte and astral characters (surrogate pairs) right at those edges.
      for (const edge of [511, 512, 513, 2047, 2048, 2049, 4095, 4096]) {
        bodies.push(`${"x".repeat(edge - 1)}é${"y".repeat(64)}`, `${"x".repeat(edge - 1)}😀${"z".repeat(3000)}`, `${"é".repeat(edge)}`);
      }
      for (const body of bodies) {
        const { headers, now, id, timestamp } = signed(scimkit, body);
        const label = `${typeof body === "string" ? "string" : "bytes"} of ${body.length}`;
        assert.equal(headers["webhook-signature"], await referenceSignature(SECRET, id, timestamp, body), label);
        assert.deepEqual(scimkit.verifySignature(SECRET, headers, body, { now }), { id, timestamp }, label);
      }
    },
  },
];
