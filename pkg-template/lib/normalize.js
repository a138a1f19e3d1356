// Normalization: JSON text into the core, the normalized model back as JSON text.
import * as wasm from "./glue.js";
import { checkOptions, defaultLimits, limitOf, optionNames } from "./args.js";
import { ScimkitError } from "./errors.js";
import { writeInputs } from "./input.js";
import { ensureReady } from "./state.js";

/** Accepts JSON text, UTF-8 bytes or an already-parsed value. */
function jsonText(value, what) {
  let text;
  try {
    if (typeof value === "string" || value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    text = JSON.stringify(value);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw wasm.jsonInputError(`${what} cannot be serialized as JSON: ${reason}`);
  }
  // JSON.stringify gives undefined for undefined, functions and symbols.
  if (typeof text !== "string") {
    throw wasm.jsonInputError(`${what} is ${value === undefined ? "missing" : `a ${typeof value}, not JSON`}`);
  }
  return text;
}

function optionalString(value, name) {
  if (value === undefined || value === null || typeof value === "string") return value ?? undefined;
  throw new ScimkitError("invalid_argument", `${name} must be a string, got ${typeof value}`);
}

/** `now` as RFC 3339: a Date, an RFC 3339 string, or epoch milliseconds; default the current time. */
function rfc3339(now) {
  if (now === null) return null;
  let date;
  try {
    date = now === undefined ? new Date() : typeof now === "number" || now instanceof Date ? new Date(now) : undefined;
  } catch (err) {
    throw new ScimkitError("invalid_argument", `options.now cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (date === undefined) return optionalString(now, "options.now");
  if (Number.isNaN(date.getTime())) throw new ScimkitError("invalid_argument", "options.now is not a valid time");
  return date.toISOString();
}

/**
 * Refuses JSON text or bytes over `limit` before they are copied into wasm memory (which never
 * shrinks): a string's UTF-8 length is at least its length, so this refuses only what is certainly
 * over; the core checks the exact size. `option` names the setting that raises the limit.
 */
function checkSize(input, what, limit, option, pointer = "") {
  if (input !== undefined && input.length > limit) throw wasm.inputTooLarge(what, pointer, input.length, limit, option);
  return input;
}

/** The options of a normalize call, checked: unknown names are refused (names from the core). */
function optionsOf(options, kind) {
  return checkOptions(options, optionNames()[kind], "options");
}

/** `maxInputBytes` of checked options (the core's default when not given). */
const maxInput = (o) => limitOf(o, "maxInputBytes");
/** `maxResourceBytes` of checked options (the core's default when not given). */
const maxResource = (o) => limitOf(o, "maxResourceBytes");

/** The core's default [maxInputBytes, maxResourceBytes], made once (never modified). */
let defaultPair;

/** `[maxInputBytes, maxResourceBytes]` of a call's options (of `kind`, checked), or the defaults. */
function limitsOf(options, kind) {
  if (options === undefined || options === null) {
    const d = defaultLimits();
    return (defaultPair ??= [d.maxInputBytes, d.maxResourceBytes]);
  }
  const o = optionsOf(options, kind);
  return [maxInput(o), maxResource(o)];
}

/** A reference-service event (either envelope shape) → `DirectoryEvent`. */
export function normalizeEvent(payload, options) {
  ensureReady();
  const max = limitsOf(options, "event")[0];
  const [len] = writeInputs([checkSize(jsonText(payload, "payload"), "payload", max, "maxInputBytes")]);
  return JSON.parse(wasm.normalizeEventInput(len, max));
}

function normalizeResource(resource, options, exported) {
  ensureReady();
  let provider;
  let max;
  if (options === undefined || options === null) {
    max = defaultLimits().maxInputBytes;
  } else {
    const o = optionsOf(options, "normalize");
    provider = optionalString(o.provider, "options.provider");
    max = maxInput(o);
  }
  const [len] = writeInputs([checkSize(jsonText(resource, "resource"), "resource", max, "maxInputBytes")]);
  return JSON.parse(exported(len, provider, max));
}

/**
 * The provider a raw user or group resource shows (`"okta"`, `"entra"`, …), or `null` when nothing
 * in the payload tells; the same detection the normalizers use when no provider is given.
 */
export function detectProvider(resource, options) {
  ensureReady();
  const max = limitsOf(options, "event")[0];
  const [len] = writeInputs([checkSize(jsonText(resource, "resource"), "resource", max, "maxInputBytes")]);
  return wasm.detectProviderInput(len, max) ?? null;
}

/** A raw SCIM (2.0 or 1.x), Google Workspace or reference-service user → `DirectoryUser`. */
export function normalizeUser(resource, options) {
  return normalizeResource(resource, options, wasm.normalizeUserInput);
}

/** A raw SCIM (2.0 or 1.x), Google Workspace or reference-service group → `DirectoryGroup`. */
export function normalizeGroup(resource, options) {
  return normalizeResource(resource, options, wasm.normalizeGroupInput);
}

/** Applies a SCIM PATCH (RFC 7644 §3.5.2, with providers' quirks) and returns the new resource. */
export function applyScimPatch(resource, patch, options) {
  ensureReady();
  const limits = limitsOf(options, "patch");
  const shape = resource !== null && typeof resource === "object" ? plainShape(resource) : undefined;
  let part;
  let patchText;
  let sent;
  if (shape === undefined) {
    // JSON text or bytes, or an object that is not plain JSON data: the whole resource as text.
    part = checkSize(jsonText(resource, "resource"), "resource", limits[1], "maxResourceBytes");
    patchText = checkSize(jsonText(patch, "patch"), "patch", limits[0], "maxInputBytes");
  } else {
    patchText = checkSize(jsonText(patch, "patch"), "patch", limits[0], "maxInputBytes");
    ({ part, sent } = partOf(shape, patchText, limits));
    checkSize(part, "resource (the attributes the patch touches)", limits[1], "maxResourceBytes");
  }
  const [partLen, patchLen] = writeInputs([part, patchText]);
  if (sent === undefined) return JSON.parse(wasm.applyScimPatchInput(partLen, patchLen, limits[0], limits[1]));
  const { members: patched, runs } = JSON.parse(wasm.applyScimPatchPartInput(partLen, patchLen, limits[0], limits[1]));
  const { keys, values } = shape;
  // Member lists the PATCH only added to or removed from come back as runs: positions of the
  // caller's own array (values unchanged, shared) and values written (src/scim/apply.rs).
  for (const key of Object.keys(runs)) {
    const given = values[keys.indexOf(key)];
    const items = [];
    for (const run of runs[key]) {
      if (Array.isArray(run)) for (let j = run[0]; j < run[1]; j++) items.push(given[j]);
      else items.push(run.v);
    }
    setOwn(patched, key, items);
  }
  // A shallow copy of the caller's object: the members not sent as they are, the ones sent and
  // returned in their places with their new values, the ones sent and not returned (removed) left
  // out, then the members the PATCH added.
  const out = {};
  for (let i = 0; i < keys.length; i++) {
    if (sent[i] === 0 || Object.hasOwn(patched, keys[i])) setOwn(out, keys[i], values[i]);
  }
  const patchedKeys = Object.keys(patched);
  for (let i = 0; i < patchedKeys.length; i++) setOwn(out, patchedKeys[i], patched[patchedKeys[i]]);
  return out;
}

// applyScimPatch on an object. Why: stringifying the whole resource in and parsing the whole
// result out costs about as much as a pure-JS PATCH library's entire call (bench/normalize.mjs),
// while a PATCH touches a few top-level attributes. So the core is told the resource's top-level
// keys and answers which ones it needs (src/scim/apply.rs decides: the attributes the operations
// name, any spelling; extension objects; password keys), only those are stringified, and the core
// returns them patched, put into a shallow copy of the caller's object. No SCIM logic
// lives here: this layer only checks that the resource is plain JSON data (so the copy is what a
// JSON round trip would give) and reports which attributes hold one of the core's
// `passwordKeys` somewhere inside, which the core must see to strip nested passwords as it does
// for the whole resource. The result is a new object; attributes the PATCH leaves alone are the
// caller's own values (shared, not copied), and the caller's object is never modified.

const NOT_PLAIN = -1;
const OBJECT_PROTO = Object.prototype;
const ARRAY_PROTO = Array.prototype;

// What the walk needs from the core (patchPartRules), read once: the deepest object or array the
// walk accepts, and the password keys (lower case) with a table of their lengths to skip most
// keys without lower-casing them.
let plainDepth = -1;
let passwordKeys;
let passwordKeyLength;

function loadRules() {
  const rules = JSON.parse(wasm.patchPartRules());
  // An object or array at walk depth d (a member of the resource is at 1) nests d + 1 levels
  // counting the resource, as the core counts them: deeper than the core accepts goes the whole
  // resource's way, where the core reports it (`too_complex`).
  plainDepth = rules.maxDepth - 1;
  passwordKeys = new Set(rules.passwordKeys.map((k) => k.toLowerCase()));
  passwordKeyLength = new Uint8Array(Math.max(...rules.passwordKeys.map((k) => k.length)) + 1);
  for (const k of rules.passwordKeys) passwordKeyLength[k.length] = 1;
}

function isPasswordKey(k) {
  return k.length < passwordKeyLength.length && passwordKeyLength[k.length] === 1 && passwordKeys.has(k.toLowerCase());
}

/**
 * 0 when `v` is plain JSON data that JSON.stringify + JSON.parse gives back unchanged (finite
 * numbers other than -0, strings, booleans, null, arrays without holes, objects with a plain
 * prototype and no toJSON), 1 when it is and holds a password key, NOT_PLAIN otherwise.
 */
function scan(v, depth) {
  switch (typeof v) {
    case "string":
    case "boolean":
      return 0;
    case "number":
      return Number.isFinite(v) && !Object.is(v, -0) ? 0 : NOT_PLAIN;
    case "object": {
      if (v === null) return 0;
      if (depth > plainDepth) return NOT_PLAIN;
      let flag = 0;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== ARRAY_PROTO) return NOT_PLAIN;
        for (let i = 0; i < v.length; i++) {
          const r = scan(v[i], depth + 1);
          if (r === NOT_PLAIN) return NOT_PLAIN;
          flag |= r;
        }
        return flag;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== OBJECT_PROTO && proto !== null) return NOT_PLAIN;
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (isPasswordKey(k)) flag = 1;
        const r = scan(v[k], depth + 1);
        if (r === NOT_PLAIN) return NOT_PLAIN;
        flag |= r;
      }
      return flag;
    }
    default:
      return NOT_PLAIN; // undefined, functions, symbols, bigints
  }
}

/**
 * `{ keys, values, flagged }` for a plain-data object resource, else undefined (whole-text way).
 * Exported (not from the package) for bench/patch-floor, which times the façade's own steps.
 */
export function plainShape(resource) {
  if (plainDepth < 0) loadRules();
  try {
    if (Array.isArray(resource)) return undefined;
    const proto = Object.getPrototypeOf(resource);
    if (proto !== OBJECT_PROTO && proto !== null) return undefined;
    const keys = Object.keys(resource);
    const values = new Array(keys.length);
    let flagged;
    for (let i = 0; i < keys.length; i++) {
      const v = resource[keys[i]];
      const r = scan(v, 1);
      if (r === NOT_PLAIN) return undefined;
      if (r === 1) (flagged ??= []).push(i);
      values[i] = v;
    }
    return { keys, values, flagged };
  } catch {
    return undefined; // a throwing getter, a revoked proxy…: the whole-text way reports it
  }
}

/**
 * `{ part, sent }`: the members the core asks for and those holding a password key, as one JSON
 * object's text, and which of the keys those are (1 for sent).
 */
function partOf({ keys, values, flagged }, patchText, [maxInputBytes, maxResourceBytes]) {
  const keysText = checkSize(JSON.stringify(keys), "resource (its attribute names)", maxResourceBytes, "maxResourceBytes");
  const [keysLen, patchLen] = writeInputs([keysText, patchText]);
  const needed = wasm.planScimPatchInput(keysLen, patchLen, maxInputBytes, maxResourceBytes);
  const send = new Uint8Array(keys.length);
  for (let i = 0; i < needed.length; i++) send[needed[i]] = 1;
  if (flagged) for (const i of flagged) send[i] = 1;
  let part = "{";
  for (let i = 0; i < keys.length; i++) {
    if (send[i] === 0) continue;
    if (part.length > 1) part += ",";
    part += `${JSON.stringify(keys[i])}:${JSON.stringify(values[i])}`;
  }
  return { part: `${part}}`, sent: send };
}

/** `o[k] = v`, except that `__proto__` becomes an own property (as JSON.parse makes it). */
export function setOwn(o, k, v) {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/**
 * A SCIM request a provider sent your app (`{ method, path, body }`) → the directory events it
 * means and the resulting resource: `{ events, resource }`.
 */
export function normalizeScimRequest(request, options) {
  ensureReady();
  const names = optionNames();
  const r = checkOptions(request, names.scimRequest, "request");
  for (const key of ["method", "path"]) {
    if (typeof r[key] !== "string") {
      throw new ScimkitError("invalid_argument", `request.${key} must be a string, got ${r[key] === null ? "null" : typeof r[key]}`);
    }
  }
  const o = checkOptions(options, names.request, "options");
  const limits = [maxInput(o), maxResource(o)];
  const context = JSON.stringify({
    organization_id: optionalString(o.organizationId, "options.organizationId"),
    directory_id: optionalString(o.directoryId, "options.directoryId"),
    provider: optionalString(o.provider, "options.provider"),
    now: rfc3339(o.now),
  });
  const body = r.body === undefined || r.body === null || r.body === "" ? undefined : jsonText(r.body, "request.body");
  const sent = r.method.length + r.path.length + (body?.length ?? 0);
  if (sent > limits[0]) throw wasm.inputTooLarge("request (method, path and body)", "", sent, limits[0], "maxInputBytes");
  const current = o.current === undefined || o.current === null ? undefined : jsonText(o.current, "options.current");
  checkSize(current, "options.current", limits[1], "maxResourceBytes");
  const lens = writeInputs([r.method, r.path, body, context, current]);
  return JSON.parse(wasm.normalizeScimRequestInput(...lens, limits[0], limits[1]));
}
