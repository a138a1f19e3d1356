// v1a (Ed25519) keys, key generation, svix-* header aliases, verifyRequest / verifySignatureRequest,
// toleranceSeconds: Infinity; plus (Node only) a cross-check against node:crypto's Ed25519.
import { SECRET, SECRET2, expectScimkitError, prng, randomBody, randomId, signed, utf8 } from "./helpers.mjs";

// Svix server's asymmetric test (server/svix-server/src/worker.rs, test_asymmetric_key_signing);
// the signature is also the v1a entry of the Standard Webhooks specification's example header.
const SECRET_KEY = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const PUBLIC_KEY = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const V1A = "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
const V1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const NOW = TS * 1000;

const EVENT = JSON.stringify({ type: "organization.directory.user_created", data: { email: "ada@example.com", name: "Ada" } });

const headersOf = (sig, id = ID, ts = TS) => ({ "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig });

/** A Request-shaped object whose body stream records whether it was read (works in every runtime). */
function fakeRequest(headers, chunks) {
  let pulled = 0;
  const body = new ReadableStream(
    {
      pull(controller) {
        if (pulled < chunks.length) controller.enqueue(chunks[pulled++]);
        else controller.close();
      },
    },
    { highWaterMark: 0 }, // pull only when read
  );
  return { headers: new Headers(headers), body, bodyUsed: false, pulled: () => pulled };
}

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

export default [
  {
    name: "v1a: Svix's known answer signs with whsk_ and verifies with whpk_, whsk_ and mixed lists",
    run: async (scimkit, { assert }) => {
      const h = scimkit.signWebhook(SECRET_KEY, { id: ID, timestamp: TS, body: BODY });
      assert.deepEqual(h, headersOf(V1A));
      for (const key of [PUBLIC_KEY, SECRET_KEY, [SECRET, PUBLIC_KEY], [PUBLIC_KEY, SECRET]]) {
        assert.deepEqual(scimkit.verifySignature(key, headersOf(V1A), BODY, { now: NOW }), { id: ID, timestamp: TS });
        assert.deepEqual(scimkit.verifySignature(key, headersOf(V1A), utf8(BODY), { now: NOW }), { id: ID, timestamp: TS });
      }
      // The specification's example header: a v1 and a v1a entry; each key checks its own.
      const both = headersOf(`${V1} ${V1A}`);
      assert.deepEqual(scimkit.verifySignature(PUBLIC_KEY, both, BODY, { now: NOW }), { id: ID, timestamp: TS });
      assert.deepEqual(scimkit.verifySignature(SECRET, both, BODY, { now: NOW }), { id: ID, timestamp: TS });
      // Signing with a list: one entry per key, in order.
      const multi = scimkit.signWebhook([SECRET_KEY, SECRET], { id: ID, timestamp: TS, body: BODY });
      assert.equal(multi["webhook-signature"], `${V1A} ${V1}`);
    },
  },
  {
    name: "v1a: tampering fails; the error names what was checked and leaks no key or signature",
    run: async (scimkit, { assert }) => {
      const leak = { secrets: [SECRET_KEY, PUBLIC_KEY, SECRET], signatures: [V1A, V1] };
      for (const [headers, body] of [
        [headersOf(V1A), `${BODY} `],
        [headersOf(V1A, `${ID}x`), BODY],
        [headersOf(V1A, ID, TS + 1), BODY],
        [headersOf(`v1a,A${V1A.slice(5)}`), BODY],
      ]) {
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(PUBLIC_KEY, headers, body, { now: NOW }), { code: "invalid_signature", messageIncludes: "v1a signature" }, leak);
      }
      // Only v1a entries but only a whsec_ secret: not checkable, and the message says so.
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, headersOf(V1A), BODY, { now: NOW }), { code: "invalid_signature", messageIncludes: "whpk_ public key" }, leak);
      // Only a v1 entry but only a public key: the mirror image.
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(PUBLIC_KEY, headersOf(V1), BODY, { now: NOW }), { code: "invalid_signature", messageIncludes: "whsec_ secret" }, leak);
      // Malformed v1a entries before a valid one do not stop it.
      const noisy = headersOf(`v1a v1a,AAAA v2,x ${V1A}`);
      assert.deepEqual(scimkit.verifySignature(PUBLIC_KEY, noisy, BODY, { now: NOW }), { id: ID, timestamp: TS });
    },
  },
  {
    name: "v1a: malformed keys and signing with a public key are invalid_key, naming the index",
    run: async (scimkit, { assert }) => {
      const seedOnly = `whsk_${b64(unb64(SECRET_KEY.slice(5)).slice(0, 32))}`;
      assert.equal(scimkit.signWebhook(seedOnly, { id: ID, timestamp: TS, body: BODY })["webhook-signature"], V1A, "32-byte seed layout");
      const pair = unb64(SECRET_KEY.slice(5));
      pair[40] ^= 1;
      const bad = ["whpk_", "whsk_", "whpk_AAAA", `whpk_${SECRET_KEY.slice(5)}`, `whsk_${b64(pair)}`, "whpk_!!!"];
      for (const key of bad) {
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature([SECRET, key], headersOf(V1A), BODY, { now: NOW }), { code: "invalid_key", messageIncludes: "at index 1" }, { secrets: [key, SECRET_KEY] });
      }
      expectScimkitError(scimkit, assert, () => scimkit.signWebhook([SECRET, PUBLIC_KEY], { body: BODY }), { code: "invalid_key", messageIncludes: ["index 1", "whsk_"] });
      // Other strings are whsec_ secrets, as before.
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature("whsec_", headersOf(V1A), BODY), { code: "invalid_secret" });
    },
  },
  {
    name: "generateWebhookSecret and generateSigningKeyPair: formats, uniqueness, round trips",
    run: async (scimkit, { assert }) => {
      const secrets = new Set();
      const publics = new Set();
      for (let i = 0; i < 8; i++) {
        const secret = scimkit.generateWebhookSecret();
        assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
        secrets.add(secret);
        const { secretKey, publicKey, ...rest } = scimkit.generateSigningKeyPair();
        assert.deepEqual(rest, {});
        assert.match(secretKey, /^whsk_[A-Za-z0-9+/]{86}==$/);
        assert.match(publicKey, /^whpk_[A-Za-z0-9+/]{43}=$/);
        // The 64-byte layout ends with the public key.
        assert.deepEqual(unb64(secretKey.slice(5)).slice(32), unb64(publicKey.slice(5)));
        publics.add(publicKey);
        const { headers, now } = signed(scimkit, EVENT, { secret: [secret, secretKey] });
        assert.deepEqual(scimkit.verifyWebhook(secret, headers, EVENT, { now }), scimkit.normalizeEvent(EVENT));
        assert.deepEqual(scimkit.verifyWebhook(publicKey, headers, EVENT, { now }), scimkit.normalizeEvent(EVENT));
        expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(PUBLIC_KEY, headers, EVENT, { now }), { code: "invalid_signature" }, { secrets: [secretKey, secret] });
      }
      assert.equal(secrets.size, 8, "secrets differ");
      assert.equal(publics.size, 8, "key pairs differ");
    },
  },
  {
    name: "svix-* headers are aliases, read only when no webhook-* header is present",
    run: async (scimkit, { assert }) => {
      const { headers, now } = signed(scimkit, EVENT, { secret: SECRET });
      const svix = { "svix-id": headers["webhook-id"], "svix-timestamp": headers["webhook-timestamp"], "svix-signature": headers["webhook-signature"] };
      const upper = Object.fromEntries(Object.entries(svix).map(([k, v]) => [k.toUpperCase(), v]));
      for (const h of [svix, upper, new Headers(svix), new Map(Object.entries(svix)), { ...svix, "svix-id": [svix["svix-id"]] }]) {
        assert.deepEqual(scimkit.verifySignature(SECRET, h, EVENT, { now }), { id: "msg_fixture", timestamp: 1700000000 });
      }
      // Both sets: the webhook-* set is the one checked.
      const bad = { "webhook-id": "msg_other", "webhook-timestamp": headers["webhook-timestamp"], "webhook-signature": headers["webhook-signature"] };
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...svix, ...bad }, EVENT, { now }), { code: "invalid_signature" });
      const wrongSvix = { ...svix, "svix-signature": "v1,AAAA" };
      assert.deepEqual(scimkit.verifySignature(SECRET, new Headers({ ...wrongSvix, ...headers }), EVENT, { now }).id, "msg_fixture");
      // One webhook-* header present: the svix-* ones are not read, so the others are missing.
      expectScimkitError(scimkit, assert, () => scimkit.verifySignature(SECRET, { ...svix, "webhook-id": "msg_fixture" }, EVENT, { now }), { code: "missing_header", messageIncludes: ["webhook-timestamp", "svix-timestamp"] });
    },
  },
  {
    name: "toleranceSeconds: Infinity replays a stored delivery; the default and finite windows still refuse it",
    run: async (scimkit, { assert }) => {
      const { headers } = signed(scimkit, EVENT, { secret: SECRET, timestamp: 1000 });
      const later = Date.UTC(2030, 0, 1);
      assert.deepEqual(scimkit.verifyWebhook(SECRET, headers, EVENT, { toleranceSeconds: Infinity, now: later }), scimkit.normalizeEvent(EVENT));
      assert.deepEqual(scimkit.verifySignature(SECRET, headers, EVENT, { toleranceSeconds: Infinity }).timestamp, 1000);
      expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, headers, EVENT, { now: later }), { code: "timestamp_too_old" });
      expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, headers, EVENT, { now: later, toleranceSeconds: 1e9 }), { code: "timestamp_too_old" });
      expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, headers, EVENT, { toleranceSeconds: -Infinity }), { code: "invalid_argument", class: scimkit.ScimkitError });
      // Still signed and still strict about the timestamp's form.
      expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET2, headers, EVENT, { toleranceSeconds: Infinity }), { code: "invalid_signature" });
      expectScimkitError(scimkit, assert, () => scimkit.verifyWebhook(SECRET, { ...headers, "webhook-timestamp": "+1000" }, EVENT, { toleranceSeconds: Infinity }), { code: "invalid_timestamp" });
    },
  },
  {
    name: "verifyRequest reads and consumes a Request's raw body; verifySignatureRequest returns the bytes",
    run: async (scimkit, { assert }) => {
      const pair = scimkit.generateSigningKeyPair();
      const ts = Math.floor(Date.now() / 1000);
      const headers = scimkit.signWebhook(pair.secretKey, { timestamp: ts, body: EVENT });
      const req = new Request("http://127.0.0.1/hook", { method: "POST", headers, body: EVENT });
      assert.deepEqual(await scimkit.verifyRequest(pair.publicKey, req), scimkit.normalizeEvent(EVENT));
      assert.equal(req.bodyUsed, true, "the body is consumed");
      await assert.rejects(() => scimkit.verifyRequest(pair.publicKey, req), { class: scimkit.WebhookVerificationError, code: "parsed_body", messageIncludes: "bodyUsed" });
      const req2 = new Request("http://127.0.0.1/hook", { method: "POST", headers, body: utf8(EVENT) });
      const got = await scimkit.verifySignatureRequest(pair.publicKey, req2);
      assert.deepEqual({ id: got.id, timestamp: got.timestamp, body: new TextDecoder().decode(got.body) }, { id: headers["webhook-id"], timestamp: ts, body: EVENT });
      // Tampered body, wrong key, svix-* names on a Request.
      const tampered = new Request("http://127.0.0.1/hook", { method: "POST", headers, body: `${EVENT} ` });
      await assert.rejects(() => scimkit.verifyRequest(pair.publicKey, tampered), { class: scimkit.WebhookVerificationError, code: "invalid_signature" });
      const svix = { "svix-id": headers["webhook-id"], "svix-timestamp": headers["webhook-timestamp"], "svix-signature": headers["webhook-signature"] };
      const viaSvix = new Request("http://127.0.0.1/hook", { method: "POST", headers: svix, body: EVENT });
      assert.equal((await scimkit.verifySignatureRequest([SECRET, pair.publicKey], viaSvix)).id, headers["webhook-id"]);
      // A bad secret fails before the body is read; so does a non-Request.
      const unread = new Request("http://127.0.0.1/hook", { method: "POST", headers, body: EVENT });
      await assert.rejects(() => scimkit.verifyRequest("whpk_AAAA", unread), { code: "invalid_key" });
      assert.equal(unread.bodyUsed, false, "body left unread after a bad key");
      await assert.rejects(() => scimkit.verifyRequest(pair.publicKey, { body: EVENT }), { class: scimkit.ScimkitError, code: "invalid_argument" });
      const fresh = new Request("http://127.0.0.1/hook", { method: "POST", headers, body: EVENT });
      await assert.rejects(() => scimkit.verifyRequest(pair.publicKey, fresh, "x"), { class: scimkit.ScimkitError, code: "invalid_argument" });
    },
  },
  {
    name: "verifyRequest: bodies over maxBodyBytes are refused without reading them all; chunked bodies verify",
    run: async (scimkit, { assert }) => {
      const { headers, now } = signed(scimkit, EVENT, { secret: SECRET });
      // Declared too large: refused before any chunk is read.
      const declared = fakeRequest({ ...headers, "content-length": String(10_000_000) }, [utf8(EVENT)]);
      await assert.rejects(() => scimkit.verifyRequest(SECRET, declared, { now }), { code: "payload_too_large", messageIncludes: "1048576-byte limit" });
      assert.equal(declared.pulled(), 0, "no chunk read");
      // No content-length, a stream larger than the limit: reading stops past the limit.
      const chunk = new Uint8Array(1000);
      const big = fakeRequest(headers, Array.from({ length: 50 }, () => chunk));
      await assert.rejects(() => scimkit.verifyRequest(SECRET, big, { now, maxBodyBytes: 4000 }), { code: "payload_too_large", messageIncludes: "4000-byte limit" });
      assert.ok(big.pulled() <= 6, `read ${big.pulled()} of 50 chunks`);
      // A body in several chunks is joined before verifying.
      const bytes = utf8(EVENT);
      const parts = [bytes.slice(0, 7), bytes.slice(7, 30), bytes.slice(30)];
      assert.deepEqual(await scimkit.verifyRequest(SECRET, fakeRequest(headers, parts), { now }), scimkit.normalizeEvent(EVENT));
      // A stream that fails mid-way is a WebhookVerificationError, not a bare error.
      const broken = { headers: new Headers(headers), bodyUsed: false, body: new ReadableStream({ pull: (c) => c.error(new Error("connection reset")) }) };
      await assert.rejects(() => scimkit.verifyRequest(SECRET, broken, { now }), { class: scimkit.WebhookVerificationError, code: "parsed_body", messageIncludes: "connection reset" });
    },
  },
  {
    name: "cross-impl: node:crypto Ed25519 signs → scimkit verifies, scimkit signs → node:crypto verifies (random messages)",
    nodeOnly: true,
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const crypto = ctx.node?.crypto;
      if (!crypto?.generateKeyPairSync) throw new Error("ctx.node.crypto not provided by the runner");
      const seed = ctx.seed ?? 4242;
      const rnd = prng(seed);
      const ITERATIONS = 100;
      for (let i = 0; i < ITERATIONS; i++) {
        const label = `seed ${seed} iteration ${i}`;
        const id = randomId(rnd);
        const ts = 1_000_000_000 + rnd.int(1_700_000_000);
        const body = i % 10 === 0 ? "" : randomBody(rnd, i % 3 === 0 ? 20000 : 300);
        const content = Buffer.concat([Buffer.from(`${id}.${ts}.`), Buffer.from(body, "utf8")]);
        const opts = { now: ts * 1000 };

        // node:crypto signs with its own key; scimkit verifies with the whpk_ made from its JWK.
        const { privateKey } = crypto.generateKeyPairSync("ed25519");
        const jwk = privateKey.export({ format: "jwk" });
        const whpk = `whpk_${jwk.x}`; // base64url, unpadded: read as well
        const nodeSig = `v1a,${crypto.sign(null, content, privateKey).toString("base64")}`;
        const h = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": nodeSig };
        assert.deepEqual(scimkit.verifySignature(whpk, h, i % 2 ? utf8(body) : body, opts), { id, timestamp: ts }, label);
        // The seed alone (32-byte whsk_) derives the same key and the same (deterministic) signature.
        const whskSeed = `whsk_${jwk.d}`;
        assert.equal(scimkit.signWebhook(whskSeed, { id, timestamp: ts, body })["webhook-signature"], nodeSig, `${label}: same signature`);
        expectScimkitError(scimkit, assert, () => scimkit.verifySignature(whpk, h, `${body}x`, opts), { code: "invalid_signature" }, { secrets: [whskSeed] });

        // scimkit generates and signs; node:crypto verifies with the whpk_ imported as a JWK.
        const pair = scimkit.generateSigningKeyPair();
        const ours = scimkit.signWebhook(pair.secretKey, { id, timestamp: ts, body })["webhook-signature"];
        const raw = Buffer.from(ours.slice(4), "base64");
        const x = Buffer.from(pair.publicKey.slice(5), "base64").toString("base64url");
        const nodePub = crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
        assert.equal(crypto.verify(null, content, nodePub, raw), true, `${label}: node verifies ours`);
        const flipped = Buffer.from(content);
        flipped[rnd.int(flipped.length)] ^= 1 << rnd.int(8);
        assert.equal(crypto.verify(null, flipped, nodePub, raw), false, `${label}: node refuses a changed message`);
        // node derives the same public key from our seed (the first 32 bytes of whsk_).
        const d = Buffer.from(pair.secretKey.slice(5), "base64").subarray(0, 32).toString("base64url");
        const nodePriv = crypto.createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d, x }, format: "jwk" });
        assert.equal(crypto.createPublicKey(nodePriv).export({ format: "jwk" }).x, x, `${label}: same public key`);
        assert.equal(`v1a,${crypto.sign(null, content, nodePriv).toString("base64")}`, ours, `${label}: node signs the same`);
      }
    },
  },
];
