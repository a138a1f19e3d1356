// Drop-in for the reference SDK's client, so the reference guide's snippets run unchanged.
import { verifySignature } from "./webhook.js";

export class ScalekitClient {
  constructor(environmentUrl, clientId, clientSecret) {
    this.environmentUrl = environmentUrl;
    // Kept off the enumerable surface so logging the client never prints the secret.
    Object.defineProperty(this, "_credentials", { value: { clientId, clientSecret }, enumerable: false });
  }

  /** Returns `true` for a valid delivery, else throws `WebhookVerificationError`. */
  verifyWebhookPayload(secret, headers, payload) {
    verifySignature(secret, headers, payload);
    return true;
  }
}
