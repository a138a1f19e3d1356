// Normalization: JSON text into the core, the normalized model back as JSON text.
import * as wasm from "./glue.js";
import { checkOptions } from "./args.js";
import { NormalizationError, ScimkitError } from "./errors.js";
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
    throw new NormalizationError("invalid_json", `${what} cannot be serialized as JSON: ${reason}`, { pointer: "" });
  }
  // JSON.stringify gives undefined for undefined, functions and symbols.
  if (typeof text !== "string") {
    throw new NormalizationError("invalid_json", `${what} is ${value === undefined ? "missing" : `a ${typeof value}, not JSON`}`, { pointer: "" });
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

function providerOf(options, where) {
  return optionalString(checkOptions(options, ["provider"], where).provider, `${where}.provider`);
}

/** A reference-service event (either envelope shape) → `DirectoryEvent`. */
export function normalizeEvent(payload) {
  ensureReady();
  const [len] = writeInputs([jsonText(payload, "payload")]);
  return JSON.parse(wasm.normalizeEventInput(len));
}

/** A raw SCIM (2.0 or 1.x), Google Workspace or reference-service user → `DirectoryUser`. */
export function normalizeUser(resource, options) {
  ensureReady();
  const provider = providerOf(options, "options");
  const [len] = writeInputs([jsonText(resource, "resource")]);
  return JSON.parse(wasm.normalizeUserInput(len, provider));
}

/** A raw SCIM (2.0 or 1.x), Google Workspace or reference-service group → `DirectoryGroup`. */
export function normalizeGroup(resource, options) {
  ensureReady();
  const provider = providerOf(options, "options");
  const [len] = writeInputs([jsonText(resource, "resource")]);
  return JSON.parse(wasm.normalizeGroupInput(len, provider));
}

/** Applies a SCIM PATCH (RFC 7644 §3.5.2, with providers' quirks) and returns the new resource. */
export function applyScimPatch(resource, patch) {
  ensureReady();
  const [resourceLen, patchLen] = writeInputs([jsonText(resource, "resource"), jsonText(patch, "patch")]);
  return JSON.parse(wasm.applyScimPatchInput(resourceLen, patchLen));
}

const REQUEST_OPTIONS = ["organizationId", "directoryId", "provider", "current", "now"];

/**
 * A SCIM request a provider sent your app (`{ method, path, body }`) → the directory events it
 * means and the resulting resource: `{ events, resource }`.
 */
export function normalizeScimRequest(request, options) {
  ensureReady();
  const r = checkOptions(request, ["method", "path", "body"], "request");
  for (const key of ["method", "path"]) {
    if (typeof r[key] !== "string") {
      throw new ScimkitError("invalid_argument", `request.${key} must be a string, got ${r[key] === null ? "null" : typeof r[key]}`);
    }
  }
  const o = checkOptions(options, REQUEST_OPTIONS, "options");
  const context = JSON.stringify({
    organization_id: optionalString(o.organizationId, "options.organizationId"),
    directory_id: optionalString(o.directoryId, "options.directoryId"),
    provider: optionalString(o.provider, "options.provider"),
    now: rfc3339(o.now),
  });
  const body = r.body === undefined || r.body === null || r.body === "" ? undefined : jsonText(r.body, "request.body");
  const current = o.current === undefined || o.current === null ? undefined : jsonText(o.current, "options.current");
  const lens = writeInputs([r.method, r.path, body, context, current]);
  return JSON.parse(wasm.normalizeScimRequestInput(...lens));
}
