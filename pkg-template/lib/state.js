// Whether the wasm instance is ready. Node and workerd entries instantiate synchronously at
// import; the browser entry after `await init()`.
import * as wasm from "./glue.js";
import { DirectoryApiError, NormalizationError, ScimkitError, WebhookVerificationError } from "./errors.js";

let ready = false;

/** Called by each entry once the wasm instance exists. */
export function markReady() {
  if (ready) return;
  wasm.registerErrorClasses(WebhookVerificationError, NormalizationError, DirectoryApiError, ScimkitError);
  ready = true;
}

/** Throws a clear error when the browser entry is used before `await init()`. */
export function ensureReady() {
  if (!ready) {
    throw new ScimkitError(
      "not_initialized",
      "scimkit was used before its WebAssembly module was loaded: call `await init()` first",
    );
  }
}
