// Arguments that throw when read — a revoked Proxy, a throwing getter or toString —
// in every position of every export: each call throws a ScimkitError `invalid_argument` (found by
// the soak, tests/js/soak/soak.mjs, as bare TypeErrors from the webhook, directory and sync
// façades).
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function hostileValues() {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const getter = {};
  Object.defineProperty(getter, "now", { enumerable: true, get: () => { throw new Error("getter"); } });
  Object.defineProperty(getter, "id", { enumerable: true, get: () => { throw new Error("getter"); } });
  Object.defineProperty(getter, "store", { enumerable: true, get: () => { throw new Error("getter"); } });
  Object.defineProperty(getter, "webhook-id", { enumerable: true, get: () => { throw new Error("getter"); } });
  return { "a revoked proxy": revoked.proxy, "a throwing getter": getter };
}

export default [
  {
    name: "a revoked proxy or a throwing getter in any argument is invalid_argument, never a bare TypeError",
    run: async (scimkit, { assert }) => {
      const s = scimkit;
      const sync = new s.DirectorySync({ store: s.memoryStore(), webhookSecret: SECRET });
      const headers = { "webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,x" };
      for (const [label, h] of Object.entries(hostileValues())) {
        const calls = {
          "verifyWebhook secret": () => s.verifyWebhook(h, headers, "{}"),
          "verifySignature secret list": () => s.verifySignature([SECRET, { toString: () => { throw new Error("toString"); } }], headers, "{}"),
          "verifySignature headers": () => s.verifySignature(SECRET, h, "{}"),
          "verifySignature body": () => s.verifySignature(SECRET, headers, h),
          "verifySignature options": () => s.verifySignature(SECRET, headers, "{}", h),
          "verifySignature options.now": () => s.verifySignature(SECRET, headers, "{}", { now: h }),
          "verifyWebhook a header whose toString throws": () => s.verifyWebhook(SECRET, { ...headers, "webhook-id": { toString: () => { throw new Error("toString"); } } }, "{}"),
          "signWebhook secret": () => s.signWebhook(h, { body: "{}" }),
          "signWebhook message": () => s.signWebhook(SECRET, h),
          "verifyRequest request": () => s.verifyRequest(SECRET, h),
          "new DirectoryClient": () => new s.DirectoryClient(h),
          "new DirectorySync store": () => new s.DirectorySync({ store: h }),
          "DirectorySync.applyEvent": () => sync.applyEvent(h),
          "DirectorySync.handleWebhook headers": () => sync.handleWebhook(h, "{}"),
        };
        for (const [what, call] of Object.entries(calls)) {
          let thrown;
          try {
            await call();
          } catch (e) {
            thrown = e;
          }
          const where = `${what} given ${label}`;
          assert.ok(thrown instanceof s.ScimkitError, `${where}: threw ${thrown?.constructor?.name}: ${thrown?.message}`);
          assert.equal(typeof thrown.code, "string", where);
          assert.ok(["invalid_argument", "invalid_header", "invalid_secret", "parsed_body"].includes(thrown.code), `${where}: code ${thrown.code}`);
        }
      }
    },
  },
];
