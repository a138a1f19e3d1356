// Whether the wasm instance is ready, and its memory (the webhook fast path writes into it).
// Node and workerd entries instantiate synchronously at import; the browser entry after
// `await init()`.
import * as wasm from "./glue.js";
import { DirectoryApiError, NormalizationError, ScimkitError, SyncError, WebhookVerificationError } from "./errors.js";

let memory;

/** Called by each entry with the instance's exports once it exists. */
export function markReady(exports) {
  if (memory) return;
  wasm.registerErrorClasses(WebhookVerificationError, NormalizationError, DirectoryApiError, ScimkitError, SyncError);
  memory = exports.memory;
}

/** Throws a clear error when the browser entry is used before `await init()`. */
export function ensureReady() {
  if (!memory) {
    throw new ScimkitError(
      "not_initialized",
      "scimkit was used before its WebAssembly module was loaded: call `await init()` first",
    );
  }
}

/** A view of `len` bytes of wasm memory at `ptr`; made afresh because memory growth detaches old views. */
export function memoryView(ptr, len) {
  return new Uint8Array(memory.buffer, ptr, len);
}
