// Webhook verification and signing: adapts headers and bodies, the core does the rest.
import * as wasm from "./glue.js";
import { checkOptions, defaultLimits, limitOf, optionNames, readArgument } from "./args.js";
import { ScimkitError, WebhookVerificationError } from "./errors.js";
import { lens4, writeInputs4 } from "./input.js";
import { ensureReady, onReset } from "./state.js";

const ID = "webhook-id";
const TIMESTAMP = "webhook-timestamp";
const SIGNATURE = "webhook-signature";
// Senders built on Svix name the same three headers svix-*. They are read only when no webhook-*
// header is present at all, so a delivery carrying both sets is checked against webhook-*.
const SVIX_ID = "svix-id";
const SVIX_TIMESTAMP = "svix-timestamp";
const SVIX_SIGNATURE = "svix-signature";
/** Random bytes for a generated secret or key seed (the core's SECRET_BYTES and SEED_BYTES). */
const RANDOM_BYTES = 32;

/**
 * A header's value as one string: repeated lines (an array, as Node gives them) joined as Fetch
 * joins them — the core skips the trailing commas. More lines than `maxValues` are refused before
 * joining (`header_too_large`): a header carries one value per signature at most.
 */
function flatten(value, name, maxValues) {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    if (value.length > maxValues) throw wasm.headerTooLarge(name, value.length, maxValues, true);
    return value.length ? value.map(String).join(", ") : undefined;
  }
  return String(value);
}

function lookupObject(headers, name, maxValues) {
  const direct = headers[name];
  if (direct !== undefined) return flatten(direct, name, maxValues);
  let found;
  let lines = 0;
  for (const key of Object.keys(headers)) {
    if (key.length === name.length && key.toLowerCase() === name) {
      const raw = headers[key];
      lines += Array.isArray(raw) ? raw.length : 1;
      if (lines > maxValues) throw wasm.headerTooLarge(name, lines, maxValues, true);
      const v = flatten(raw, name, maxValues);
      if (v !== undefined) found = found === undefined ? v : `${found}, ${v}`;
    }
  }
  return found;
}

function lookupMap(headers, name, maxValues) {
  const direct = headers.get(name);
  if (direct !== undefined) return flatten(direct, name, maxValues);
  for (const [key, value] of headers) {
    if (typeof key === "string" && key.toLowerCase() === name) return flatten(value, name, maxValues);
  }
  return undefined;
}

function lookupFetch(headers, name) {
  // Fetch Headers: already case-insensitive and joined; a missing header is null.
  return headers.get(name) ?? undefined;
}

/** The webhook-* values, or the svix-* ones when no webhook-* header is present. */
function pickSet(lookup, headers, maxValues) {
  const id = lookup(headers, ID, maxValues);
  const timestamp = lookup(headers, TIMESTAMP, maxValues);
  const signature = lookup(headers, SIGNATURE, maxValues);
  if (id !== undefined || timestamp !== undefined || signature !== undefined) return [id, timestamp, signature];
  return [lookup(headers, SVIX_ID, maxValues), lookup(headers, SVIX_TIMESTAMP, maxValues), lookup(headers, SVIX_SIGNATURE, maxValues)];
}

/**
 * Picks the three Standard Webhooks headers (or their svix-* aliases) out of a Headers, Map or
 * plain object; a header with more than `maxValues` lines is refused.
 */
function readHeaders(headers, maxValues) {
  if (headers === null || typeof headers !== "object") {
    throw new WebhookVerificationError(
      "invalid_header",
      "headers must be a Fetch Headers, a Map or a plain object (e.g. Node's req.headers)",
    );
  }
  if (headers instanceof Map) return pickSet(lookupMap, headers, maxValues);
  if (typeof headers.get === "function") return pickSet(lookupFetch, headers, maxValues);
  // Usual case first: three string values under the lowercase names (Node's req.headers), read
  // with constant keys so each load stays a monomorphic inline cache.
  const id = headers[ID];
  const timestamp = headers[TIMESTAMP];
  const signature = headers[SIGNATURE];
  if (typeof id === "string" && typeof timestamp === "string" && typeof signature === "string") {
    return [id, timestamp, signature];
  }
  return pickSet(lookupObject, headers, maxValues);
}

/**
 * Refuses a header longer than `max` bytes before it is copied into wasm memory: a string's UTF-8
 * length is at least its length, so this only refuses what is certainly over (the core checks the
 * exact size).
 */
function checkHeader(name, value, max) {
  if (value !== undefined && value.length > max) throw wasm.headerTooLarge(name, value.length, max, false);
}

/** Returns the body as a string or a Uint8Array, refusing anything that is not raw bytes. */
export function rawBody(body) {
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) {
    throw new WebhookVerificationError(
      "parsed_body",
      "no body was given: pass the raw request body (string, Uint8Array/Buffer or ArrayBuffer)",
    );
  }
  throw new WebhookVerificationError(
    "parsed_body",
    `the body is a parsed ${typeof body === "object" ? "object" : typeof body}, but the signature covers the raw bytes ` +
      "as sent: pass the raw request body (string, Uint8Array/Buffer or ArrayBuffer), e.g. with express.raw({ type: 'application/json' }) " +
      "or await request.text() — re-serializing with JSON.stringify does not reproduce the signed bytes",
  );
}

function nowMs(now) {
  if (now === undefined || now === null) return Date.now();
  if (now instanceof Date) return now.getTime();
  if (typeof now !== "number") throw new ScimkitError("invalid_argument", `options.now must be a Date or epoch milliseconds, got ${typeof now}`);
  return now;
}

const MAX_CACHED_SECRETS = 16;
const verifiers = new Map();
onReset(() => verifiers.clear()); // objects of the discarded instance: not freed, never used again

/** The prepared keys for `secret` (a string or an array for rotation), computed once per secret. */
function verifierFor(secret) {
  const key = readArgument("secret", () =>
    typeof secret === "string" ? secret : Array.isArray(secret) ? `\n${secret.join("\n")}` : undefined,
  );
  if (key === undefined) return new wasm.Verifier(secret); // throws invalid_secret
  let v = verifiers.get(key);
  if (v === undefined) {
    v = new wasm.Verifier(secret);
    if (verifiers.size >= MAX_CACHED_SECRETS) {
      const [oldKey, old] = verifiers.entries().next().value;
      verifiers.delete(oldKey);
      old.free();
    }
    verifiers.set(key, v);
  }
  return v;
}

/** Throws `invalid_secret` now for a secret (or key list) that could never verify. */
export function checkSecret(secret) {
  ensureReady();
  verifierFor(secret);
}

/** A number option, or undefined when not given (`undefined` or `null`); the core checks its value. */
function optionalNumber(v, name) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number") throw new ScimkitError("invalid_argument", `options.${name} must be a number, got ${typeof v}`);
  return v;
}

function verifyWith(method, secret, headers, body, options) {
  ensureReady();
  const verifier = verifierFor(secret);
  // Options resolved without allocating on the usual path (no options): the core's defaults.
  // What a hostile argument throws while read (a revoked Proxy, a throwing getter) is invalid_argument.
  const d = defaultLimits();
  let now, tolerance, maxBody, maxHeader, maxValues;
  if (options === undefined || options === null) {
    now = Date.now();
    maxBody = d.maxBodyBytes;
    maxHeader = d.maxHeaderBytes;
    maxValues = d.maxHeaderValues;
  } else {
    [now, tolerance, maxBody, maxHeader, maxValues] = readArgument("options", () => {
      const o = checkOptions(options, optionNames().verify, "options");
      return [
        nowMs(o.now),
        optionalNumber(o.toleranceSeconds, "toleranceSeconds"),
        limitOf(o, "maxBodyBytes"),
        limitOf(o, "maxHeaderBytes"),
        limitOf(o, "maxHeaderValues"),
      ];
    });
  }
  const [id, timestamp, signature] = readArgument("headers", () => readHeaders(headers, maxValues));
  const raw = readArgument("body", () => rawBody(body));
  // A string's UTF-8 length is at least its length: refuse a certainly-oversized body or header
  // before copying it into wasm memory (which never shrinks). The core checks the exact sizes.
  if (raw.length > maxBody) throw wasm.payloadTooLarge(raw.length, maxBody);
  if ((id?.length ?? 0) > maxHeader || (timestamp?.length ?? 0) > maxHeader || (signature?.length ?? 0) > maxHeader) {
    checkHeader(ID, id, maxHeader);
    checkHeader(TIMESTAMP, timestamp, maxHeader);
    checkHeader(SIGNATURE, signature, maxHeader);
  }
  writeInputs4(id, timestamp, signature, raw);
  const result = verifier[method](lens4[0], lens4[1], lens4[2], lens4[3], now, tolerance, maxBody, maxHeader, maxValues);
  return method === "verifyInput" ? { id, timestamp: result } : result;
}

/** Verifies a delivery and returns its event. */
export function verifyWebhook(secret, headers, body, options) {
  return JSON.parse(verifyWith("verifyEventInput", secret, headers, body, options));
}

/** Verifies a delivery's signature without parsing its body; returns `{ id, timestamp }`. */
export function verifySignature(secret, headers, body, options) {
  return verifyWith("verifyInput", secret, headers, body, options);
}

/**
 * Verifies a Fetch `Request` and returns its event. Reads (and so consumes) the request body:
 * nothing else can read it afterwards.
 */
export async function verifyRequest(secret, request, options) {
  const body = await readRequestBody(secret, request, options);
  return verifyWebhook(secret, readArgument("request", () => request.headers), body, options);
}

/**
 * Verifies a Fetch `Request`'s signature without parsing its body; returns `{ id, timestamp, body }`
 * with the raw body bytes it read (the request's own body is consumed).
 */
export async function verifySignatureRequest(secret, request, options) {
  const body = await readRequestBody(secret, request, options);
  const { id, timestamp } = verifySignature(secret, readArgument("request", () => request.headers), body, options);
  return { id, timestamp, body };
}

/** Reads a Request's raw body, refusing more than maxBodyBytes without reading it all. */
async function readRequestBody(secret, request, options) {
  ensureReady();
  verifierFor(secret); // a bad secret or key fails before the body is consumed
  // What a hostile request or options object throws while read is invalid_argument.
  const [limit, stream] = readArgument("request", () => {
    if (request === null || typeof request !== "object" || typeof request.headers?.get !== "function") {
      throw new ScimkitError("invalid_argument", "request must be a Fetch Request (with headers and a body)");
    }
    const limit = limitOf(checkOptions(options, optionNames().verify, "options"), "maxBodyBytes");
    if (request.bodyUsed) {
      throw new WebhookVerificationError(
        "parsed_body",
        "the request body was already read (request.bodyUsed): call verifyRequest before anything else reads it, " +
          "or pass the raw body you read to verifyWebhook",
      );
    }
    const declared = request.headers.get("content-length");
    if (declared !== null && /^[0-9]{1,15}$/.test(declared) && Number(declared) > limit) {
      throw wasm.payloadTooLarge(Number(declared), limit);
    }
    return [limit, request.body];
  });
  if (stream === null || stream === undefined) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  try {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        throw wasm.payloadTooLarge(size, limit);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ScimkitError) throw err;
    throw new WebhookVerificationError("parsed_body", `could not read the request body: ${err?.message ?? err}`);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

function randomBytes(n) {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** A new `whsec_` secret: 32 random bytes from `crypto.getRandomValues`. */
export function generateWebhookSecret() {
  ensureReady();
  const random = randomBytes(RANDOM_BYTES);
  try {
    return wasm.generateSecret(random);
  } finally {
    random.fill(0);
  }
}

/** A new Ed25519 key pair: `{ secretKey: "whsk_…", publicKey: "whpk_…" }`, seeded by `crypto.getRandomValues`. */
export function generateSigningKeyPair() {
  ensureReady();
  const seed = randomBytes(RANDOM_BYTES);
  try {
    const [secretKey, publicKey] = wasm.generateKeyPair(seed);
    return { secretKey, publicKey };
  } finally {
    seed.fill(0);
  }
}

function randomId() {
  const bytes = randomBytes(16);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `msg_${hex}`;
}

/** Signs a body; returns the three headers to send with it. */
export function signWebhook(secret, message) {
  ensureReady();
  const [id, ts, raw] = readArgument("message", () => {
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      // Never a default: signWebhook(secret, "text") must not sign an empty body.
      const got = message === null ? "null" : Array.isArray(message) ? "an array" : typeof message;
      throw new ScimkitError("invalid_argument", `message must be an object { id?, timestamp?, body }, got ${got}`);
    }
    const m = checkOptions(message, optionNames().sign, "message");
    const ts = m.timestamp ?? Math.floor(Date.now() / 1000);
    return [m.id ?? randomId(), ts instanceof Date ? Math.floor(ts.getTime() / 1000) : ts, rawBody(m.body ?? "")];
  });
  if (typeof id !== "string") throw new WebhookVerificationError("invalid_header", "message.id must be a string");
  if (typeof ts !== "number") {
    throw new WebhookVerificationError("invalid_timestamp", "message.timestamp must be Unix seconds or a Date");
  }
  const verifier = verifierFor(secret);
  writeInputs4(id, undefined, undefined, raw);
  const signature = verifier.signInput(lens4[0], lens4[3], ts);
  return { [ID]: id, [TIMESTAMP]: String(ts), [SIGNATURE]: signature };
}
