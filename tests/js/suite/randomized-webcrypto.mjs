// Randomized round trips against an independent WebCrypto HMAC (runs in every runtime).
import { expectScimkitError, prng, randomBody, randomId, randomSecret, referenceSignature, utf8 } from "./helpers.mjs";

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
];
