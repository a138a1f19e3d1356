// Signature schemes the Verify and Sign modes offer. Each entry says how its secret is labelled,
// which library calls verify and sign with it, and what the page can tell about its secrets. The
// library reads the kind of each line from its prefix (whsec_ secret, whpk_ public key, whsk_
// secret key), so both schemes call the same functions; they differ in what the page explains.

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

/** Whether a line is an Ed25519 key (`v1a`) rather than a `whsec_` secret. */
const isKey = (s) => s.startsWith("whpk_") || s.startsWith("whsk_");

/** Notes any pasted secret or key may earn. */
function pasteNotes(s) {
  const notes = [];
  if (/^["'`].*["'`]$/.test(s)) notes.push("is wrapped in quotes (copied from a config file?)");
  if (/\s/.test(s)) notes.push("contains whitespace");
  return notes;
}

SCHEMES.v1a = {
  label: "v1a — Ed25519 (public keys; v1 secrets too)",
  entryPrefix: "v1a,",
  /** Entries this scheme checks one by one: v1a under keys, v1 under whsec_ secrets next to them. */
  entryPrefixes: ["v1a,", "v1,"],
  /** Decoded length of a well-formed entry's signature. */
  tagBytes: { "v1a,": 64, "v1,": 32 },
  secretLabel: "Keys",
  secretHint: "whpk_… public key — one per line; whsec_ secrets may sit next to them (moving from v1)",
  signSecretHint: "whsk_… secret key — one per line; a whsec_ line adds a v1 entry",
  verifySignature: SCHEMES.v1.verifySignature,
  verifyWebhook: SCHEMES.v1.verifyWebhook,
  sign: SCHEMES.v1.sign,
  /**
   * Whether the library can read the line: a public key cannot sign, so it is asked to verify a
   * throwaway delivery instead — a readable key gets `invalid_signature`, a bad one `invalid_key`.
   */
  checkSecret(lib, s) {
    try {
      if (s.startsWith("whpk_")) {
        lib.verifySignature(s, { "webhook-id": "msg_check", "webhook-timestamp": "1", "webhook-signature": "v1a,AAAA" }, "", { now: 1000 });
      } else {
        lib.signWebhook(s, { id: "msg_check", timestamp: 0, body: "" });
      }
      return { ok: true };
    } catch (error) {
      return error?.code === "invalid_signature" ? { ok: true } : { ok: false, error };
    }
  },
  describeSecret(s) {
    const notes = pasteNotes(s);
    if (s.startsWith("whsk_")) notes.push("is a secret key: it verifies, but a receiver needs only the public key (whpk_)");
    else if (!isKey(s) && !s.startsWith("whsec_")) notes.push("has no whpk_, whsk_ or whsec_ prefix");
    return notes;
  },
  secretFix: "A public key is whpk_ followed by the base64 of 32 bytes, a secret key whsk_ followed by the base64 of 32 or 64 bytes; copy it whole, no quotes or spaces.",
  keyMistakes: (s) => (isKey(s) ? [] : SCHEMES.v1.keyMistakes(s)),
  secretDoubts(secrets) {
    if (secrets.some(isKey)) return [];
    return [
      {
        title: "No public key given",
        text: "v1a entries verify only under the sender's whpk_ public key (or its whsk_ secret key); whsec_ secrets check v1 entries alone.",
      },
    ];
  },
};

export const DEFAULT_SCHEME = "v1";
