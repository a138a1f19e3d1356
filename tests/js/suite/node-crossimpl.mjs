// Node-only: cross-implementation checks against the `standardwebhooks` npm package and the
// reference `@scalekit-sdk/node` client. The runner passes those modules in ctx.node (this file
// imports nothing Node-specific, so it loads in every runtime; its cases only run where ctx.node is set).
import { MiB, expectScimkitError, prng, randomBody, randomId, randomSecret, utf8 } from "./helpers.mjs";

const ITERATIONS = 200;

function bodyFor(rnd, i) {
  if (i === 7) return "a".repeat(MiB); // one full 1 MiB body
  if (i === 8) return "é".repeat(MiB / 2); // 1 MiB of two-byte UTF-8
  if (i % 25 === 0) return ""; // empty bodies
  if (i % 5 === 0) return JSON.stringify({ type: "user.created", data: { name: randomBody(rnd, 30), n: i } });
  return randomBody(rnd, i % 3 === 0 ? 4000 : 120);
}

function requireNode(ctx) {
  const n = ctx.node;
  if (!n?.Webhook || !n?.ScalekitSdkClient) throw new Error("ctx.node.{Webhook,ScalekitSdkClient} not provided by the runner");
  return n;
}

export default [
  {
    name: `cross-impl: standardwebhooks signs → scimkit verifies (${ITERATIONS} randomized iterations)`,
    nodeOnly: true,
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const { Webhook } = requireNode(ctx);
      const seed = ctx.seed ?? 1337;
      const rnd = prng(seed);
      let checked = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const secret = randomSecret(rnd);
        const id = randomId(rnd);
        const ts = 1_000_000_000 + rnd.int(1_700_000_000);
        const body = bodyFor(rnd, i);
        const label = `seed ${seed} iteration ${i} (body ${body.length} chars)`;
        const sig = new Webhook(secret).sign(id, new Date(ts * 1000), body);
        const headers = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig };
        const now = ts * 1000 + (rnd.int(599_001) - 299_500);
        const asBytes = i % 2 === 1;
        assert.deepEqual(scimkit.verifySignature(secret, headers, asBytes ? utf8(body) : body, { now }), { id, timestamp: ts }, label);
        assert.equal(scimkit.signWebhook(secret, { id, timestamp: ts, body })["webhook-signature"], sig, `${label}: same signature`);
        if (body.length > 0 && body.length < MiB / 2) {
          expectScimkitError(scimkit, assert, () => scimkit.verifySignature(secret, headers, `${body} `, { now }), { code: "invalid_signature" }, { secrets: [secret], signatures: [sig] });
        }
        checked++;
      }
      assert.equal(checked, ITERATIONS);
    },
  },
  {
    name: `cross-impl: scimkit signs → standardwebhooks and @scalekit-sdk/node verify (${ITERATIONS} randomized iterations)`,
    nodeOnly: true,
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const { Webhook, ScalekitSdkClient, networkAttempts } = requireNode(ctx);
      const before = networkAttempts();
      const sdk = new ScalekitSdkClient("http://127.0.0.1:9", "skc_dummy_client", "dummy_client_secret");
      const seed = (ctx.seed ?? 1337) + 1;
      const rnd = prng(seed);
      const nowSec = Math.floor(Date.now() / 1000);
      for (let i = 0; i < ITERATIONS; i++) {
        const secrets = [randomSecret(rnd)];
        if (i % 10 === 3) secrets.push(randomSecret(rnd)); // rotation: two v1 entries
        const id = randomId(rnd);
        const ts = nowSec + rnd.int(401) - 200; // inside both libraries' 5-minute window
        const body = bodyFor(rnd, i);
        const label = `seed ${seed} iteration ${i} (body ${body.length} chars, ${secrets.length} secrets)`;
        const headers = scimkit.signWebhook(secrets.length === 1 ? secrets[0] : secrets, { id, timestamp: ts, body });
        assert.equal(headers["webhook-signature"].split(" ").length, secrets.length, label);
        for (const s of secrets) {
          const json = body.startsWith("{");
          const event = new Webhook(s).verify(body, headers, { jsonParse: json });
          if (json) assert.deepEqual(event, JSON.parse(body), `${label}: standardwebhooks event`);
          else assert.equal(event, undefined, `${label}: standardwebhooks verified (no JSON parse)`);
          assert.equal(sdk.verifyWebhookPayload(s, headers, body), true, `${label}: @scalekit-sdk/node`);
        }
        // And both reject a wrong secret.
        const wrong = randomSecret(rnd);
        let threw = 0;
        try {
          new Webhook(wrong).verify(body, headers);
        } catch {
          threw++;
        }
        try {
          sdk.verifyWebhookPayload(wrong, headers, body);
        } catch {
          threw++;
        }
        assert.equal(threw, 2, `${label}: wrong secret rejected by both`);
      }
      assert.equal(networkAttempts() - before, 0, "@scalekit-sdk/node opened no network connection");
    },
  },
];
