// Shared helpers for suite files. Runtime-agnostic: only WebAssembly-era globals
// (TextEncoder, crypto.subtle, crypto.getRandomValues, btoa) are used.

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const SECRET2 = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
export const MiB = 1024 * 1024;

const encoder = new TextEncoder();
export const utf8 = (s) => encoder.encode(s);

/** A vector's payload, expanding `payload_spec` ("'a' repeated N times"). */
export function vectorPayload(v) {
  if (typeof v.payload === "string") return v.payload;
  const m = /^'(.)' repeated (\d+) times$/.exec(v.payload_spec ?? "");
  if (!m) throw new Error(`vector ${v.name}: cannot expand payload_spec ${JSON.stringify(v.payload_spec)}`);
  return m[1].repeat(Number(m[2]));
}

/** The vectors list; fails loudly when the runner passed none (so no case passes vacuously). */
export function vectorsOf(ctx) {
  const list = ctx.vectors?.vectors;
  if (!Array.isArray(list) || list.length < 5) throw new Error("ctx.vectors.vectors missing or too short");
  return list;
}

export function isJson(s) {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Independent reference signer on WebCrypto: v1,base64(HMAC-SHA256(key, id.ts.body)). */
export async function referenceSignature(secret, id, timestamp, body) {
  const b64 = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  const key = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const head = utf8(`${id}.${timestamp}.`);
  const bodyBytes = typeof body === "string" ? utf8(body) : body;
  const msg = new Uint8Array(head.length + bodyBytes.length);
  msg.set(head, 0);
  msg.set(bodyBytes, head.length);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, msg));
  let bin = "";
  for (const b of mac) bin += String.fromCharCode(b);
  return `v1,${btoa(bin)}`;
}

/** Deterministic PRNG (mulberry32) so failures are reproducible from the printed seed. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (arr) => arr[int(arr.length)];
  return { next, int, pick };
}

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz0123456789",
  "{}[]\":,. \n\t\\/",
  "éßüñ€中文日本語한국어",
  "😀🎉🚀",
  "\u0000\u0001\u007f\u0080\u00ff",
];

/** A random string mixing ASCII, JSON punctuation, BMP non-ASCII, astral chars and control chars. */
export function randomBody(rnd, maxLen) {
  const len = rnd.int(maxLen + 1);
  let s = "";
  for (let i = 0; i < len; i++) {
    const a = rnd.pick(ALPHABETS);
    const chars = Array.from(a);
    s += chars[rnd.int(chars.length)];
  }
  return s;
}

export function randomSecret(rnd) {
  const n = 16 + rnd.int(49); // 16..64 key bytes
  let bin = "";
  for (let i = 0; i < n; i++) bin += String.fromCharCode(rnd.int(256));
  return `whsec_${btoa(bin)}`;
}

export function randomId(rnd) {
  const n = 1 + rnd.int(40);
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
  let s = "msg_";
  for (let i = 0; i < n; i++) s += chars[rnd.int(chars.length)];
  return s;
}

/**
 * Strings that must never appear in an error message: the secrets and keys (with and without their
 * whsec_/whsk_/whpk_ prefix) and signatures (with and without v1,/v1a,).
 */
export function sensitive(secrets = [], signatures = []) {
  const out = [];
  for (const s of [].concat(secrets)) {
    if (typeof s !== "string" || s.length < 8) continue;
    out.push(s);
    const m = /^wh(?:sec|sk|pk)_(.+)$/.exec(s);
    if (m && m[1].length >= 8) out.push(m[1]);
  }
  for (const sig of [].concat(signatures)) {
    if (typeof sig !== "string") continue;
    for (const part of sig.split(" ")) {
      const b64 = part.replace(/^v1a?,/, "");
      if (b64.length >= 16) out.push(b64);
    }
  }
  return out;
}

/**
 * Asserts that fn throws a scimkit error with the package's invariants:
 * instanceof Error and ScimkitError (and WebhookVerificationError unless `cls` is given),
 * a string `code` (equal to `code` when given), and a message that leaks no secret or signature.
 */
export function expectScimkitError(scimkit, assert, fn, expected = {}, leak = {}) {
  const { secrets = [], signatures = [] } = leak;
  const err = assert.throws(fn, {
    class: expected.class ?? scimkit.WebhookVerificationError,
    code: expected.code,
    name: expected.name,
    messageIncludes: expected.messageIncludes,
    messageExcludes: [...sensitive(secrets, signatures), ...[].concat(expected.messageExcludes ?? [])],
  });
  assert.ok(err instanceof Error, "instanceof Error");
  assert.ok(err instanceof scimkit.ScimkitError, "instanceof ScimkitError");
  assert.equal(typeof err.code, "string", "error.code is a string");
  assert.ok(err.code.length > 0, "error.code is non-empty");
  assert.equal(typeof err.message, "string", "error.message is a string");
  return err;
}

/** Signs `body` with a fixed id/timestamp and returns { headers, now } to verify it at that time. */
export function signed(scimkit, body, { secret = SECRET, id = "msg_fixture", timestamp = 1700000000 } = {}) {
  const headers = scimkit.signWebhook(secret, { id, timestamp, body });
  return { headers, now: timestamp * 1000, id, timestamp };
}
