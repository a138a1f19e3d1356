// ScalekitClient drop-in: verifyWebhookPayload returns true or throws WebhookVerificationError.
import { SECRET, SECRET2, expectScimkitError } from "./helpers.mjs";

const BODY = '{"type":"organization.directory.user_created","data":{"id":"u_1"}}';

export default [
  {
    name: "ScalekitClient.verifyWebhookPayload returns true for a fresh, valid delivery",
    run: async (scimkit, { assert }) => {
      const client = new scimkit.ScalekitClient("https://example.scalekit.test", "skc_client", "client-secret-value");
      const headers = scimkit.signWebhook(SECRET, { body: BODY });
      assert.equal(client.verifyWebhookPayload(SECRET, headers, BODY), true);
      assert.equal(client.verifyWebhookPayload(SECRET, new Headers(headers), new TextEncoder().encode(BODY)), true);
      assert.equal(client.verifyWebhookPayload([SECRET2, SECRET], headers, BODY), true, "rotation array");
      assert.ok(!JSON.stringify(client).includes("client-secret-value"), "client secret not enumerable");
    },
  },
  {
    name: "ScalekitClient.verifyWebhookPayload throws WebhookVerificationError for bad deliveries",
    run: async (scimkit, { assert }) => {
      const client = new scimkit.ScalekitClient("https://example.scalekit.test", "skc_client", "client-secret-value");
      const headers = scimkit.signWebhook(SECRET, { body: BODY });
      const leak = { secrets: [SECRET, SECRET2, "client-secret-value"], signatures: [headers["webhook-signature"]] };
      expectScimkitError(scimkit, assert, () => client.verifyWebhookPayload(SECRET2, headers, BODY), { code: "invalid_signature" }, leak);
      expectScimkitError(scimkit, assert, () => client.verifyWebhookPayload(SECRET, headers, `${BODY} `), { code: "invalid_signature" }, leak);
      expectScimkitError(scimkit, assert, () => client.verifyWebhookPayload(SECRET, { ...headers, "webhook-id": undefined }, BODY), { code: "missing_header" }, leak);
      const old = scimkit.signWebhook(SECRET, { timestamp: Math.floor(Date.now() / 1000) - 3600, body: BODY });
      expectScimkitError(scimkit, assert, () => client.verifyWebhookPayload(SECRET, old, BODY), { code: "timestamp_too_old" }, leak);
      expectScimkitError(scimkit, assert, () => client.verifyWebhookPayload(SECRET, headers, JSON.parse(BODY)), { code: "parsed_body" }, leak);
    },
  },
];
