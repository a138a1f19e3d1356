// Everything the package exports, whatever the runtime. Entries load the wasm and re-export this.
export { DirectoryApiError, NormalizationError, ScimkitError, SyncError, WebhookVerificationError } from "./errors.js";
export {
  generateSigningKeyPair,
  generateWebhookSecret,
  signWebhook,
  verifyRequest,
  verifySignature,
  verifySignatureRequest,
  verifyWebhook,
} from "./webhook.js";
export { applyScimPatch, normalizeEvent, normalizeGroup, normalizeScimRequest, normalizeUser } from "./normalize.js";
export { DirectoryClient } from "./directory.js";
export { ScalekitClient } from "./scalekit.js";
export { DirectorySync, memoryStore } from "./sync.js";
