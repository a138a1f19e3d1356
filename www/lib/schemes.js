// Signature schemes the Verify and Sign modes offer. Each entry says how its secret is labelled,
// which library calls verify and sign with it, and what the page can tell about its secrets; a
// scheme the library adds later (Standard Webhooks' asymmetric `v1a`) becomes one more entry here,
// with its own key fields, notes and mistakes.

/** base64 (standard alphabet, padded) of UTF-8 text. */
function base64OfText(text) {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

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
    /** What the page can see in one secret line (never echoing it). */
    describeSecret(s) {
      const notes = [];
      if (/^["'`].*["'`]$/.test(s)) notes.push("is wrapped in quotes (copied from a config file?)");
      if (/\s/.test(s)) notes.push("contains whitespace");
      if ((s.match(/whsec_/g) ?? []).length > 1) notes.push("contains whsec_ twice");
      if (!s.startsWith("whsec_")) notes.push(/^[0-9a-f]{32,}$/i.test(s) ? "has no whsec_ prefix and looks like hex, not base64" : "has no whsec_ prefix");
      return notes;
    },
    /** How to fix a secret the library cannot read. */
    secretFix: "Copy it whole from the sender's dashboard: whsec_ followed by base64, no quotes or spaces.",
    /** [cause, key, explanation with #N for the secret's number]: keys a sender gets wrong with this secret, tried by the library. */
    keyMistakes(s) {
      const why = "The signature matches with secret #N's characters as the HMAC key. Standard Webhooks decodes the base64 after whsec_ and uses those bytes; the sender skips that step.";
      return [
        ["The sender uses the secret's text as the key", `whsec_${base64OfText(s)}`, why],
        ["The sender uses the secret's text as the key", `whsec_${base64OfText(s.replace(/^whsec_/, ""))}`, why],
      ];
    },
    /** Causes worth naming when no variant matched. */
    secretDoubts(secrets) {
      const bare = secrets.filter((s) => !s.startsWith("whsec_"));
      if (!bare.length) return [];
      const many = bare.length > 1;
      return [
        {
          title: "The secret lacks its whsec_ prefix",
          text: `Secret${many ? "s" : ""} without whsec_ ${many ? "are" : "is"} still read as base64, so the prefix alone changes nothing — but a value without it is often not the webhook signing secret at all (an API key, a client secret, another endpoint's key). The sender's dashboard shows it as whsec_…`,
        },
      ];
    },
  },
};

export const DEFAULT_SCHEME = "v1";
