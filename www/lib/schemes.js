// Signature schemes the Verify and Sign modes offer. Each entry says how its secret is labelled
// and which library calls verify and sign with it; a scheme the library adds later (Standard
// Webhooks' asymmetric `v1a`) becomes one more entry here, with its own key fields.

export const SCHEMES = {
  v1: {
    label: "v1 — HMAC-SHA256",
    /** What an entry of this scheme starts with in webhook-signature. */
    entryPrefix: "v1,",
    secretLabel: "Secret",
    secretHint: "whsec_… — one per line while rotating: any one may match",
    signSecretHint: "whsec_… — one per line signs with each (one v1 entry per secret)",
    verifySignature: (lib, secrets, headers, body, options) => lib.verifySignature(secrets, headers, body, options),
    verifyWebhook: (lib, secrets, headers, body, options) => lib.verifyWebhook(secrets, headers, body, options),
    sign: (lib, secrets, message) => lib.signWebhook(secrets, message),
  },
};

export const DEFAULT_SCHEME = "v1";
