// Normalization: JSON text into the core, the normalized model back as JSON text.
import * as wasm from "./glue.js";
import { checkOptions } from "./args.js";
import { NormalizationError, ScimkitError } from "./errors.js";
import { writeInputs } from "./input.js";
import { ensureReady } from "./state.js";

/** Accepts JSON text, UTF-8 bytes or an already-parsed value. */
function jsonText(value, what) {
  if (typeof value === "string" || value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value === undefined) throw new NormalizationError("invalid_json", `${what} is missing`, { pointer: "" });
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new NormalizationError("invalid_json", `${what} cannot be serialized as JSON: ${err.message}`, { pointer: "" });
  }
}

function providerOf(options, where) {
  const { provider } = checkOptions(options, ["provider"], where);
  if (provider !== undefined && typeof provider !== "string") {
    throw new ScimkitError("invalid_argument", `${where}.provider must be a string, got ${typeof provider}`);
  }
  return provider;
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
  const now = o.now === undefined ? new Date() : o.now;
  const context = JSON.stringify({
    organization_id: o.organizationId,
    directory_id: o.directoryId,
    provider: o.provider,
    now: now instanceof Date ? now.toISOString() : now,
  });
  const body = r.body === undefined || r.body === null || r.body === "" ? undefined : jsonText(r.body, "request.body");
  const current = o.current === undefined || o.current === null ? undefined : jsonText(o.current, "options.current");
  const lens = writeInputs([r.method, r.path, body, context, current]);
  return JSON.parse(wasm.normalizeScimRequestInput(...lens));
}
