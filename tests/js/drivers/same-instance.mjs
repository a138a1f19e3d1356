// require('scimkit') and import('scimkit') must share one instance (no dual-package hazard).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cjs = require("scimkit");
const esm = await import("scimkit");
const checks = {
  ScimkitError: cjs.ScimkitError === esm.ScimkitError,
  WebhookVerificationError: cjs.WebhookVerificationError === esm.WebhookVerificationError,
  verifyWebhook: cjs.verifyWebhook === esm.verifyWebhook,
  ScalekitClient: cjs.ScalekitClient === esm.ScalekitClient,
};
let crossInstanceof = false;
try {
  esm.verifyWebhook("whsec_", {}, "");
} catch (e) {
  crossInstanceof = e instanceof cjs.ScimkitError && e instanceof cjs.WebhookVerificationError;
}
checks.errorFromEsmIsInstanceOfCjsClass = crossInstanceof;
checks.esmNamespaceKeys = Object.keys(esm).filter((k) => k !== "default").sort().join(",");
checks.cjsKeys = Object.keys(cjs).sort().join(",");
console.log(`SCIMKIT_SAME_INSTANCE ${JSON.stringify(checks)}`);
