// Whether the wasm instance is ready, and its memory (the webhook fast path writes into it).
// Node and workerd entries instantiate synchronously at import; the browser entry after
// `await init()`.
//
// Surviving a trap. The release build aborts on panic, and an aborted call (a trap: a bug, an
// allocation failure on a huge input, a stack overflow) leaves the instance's memory half-updated,
// so nothing may run in it again. The glue (patched by scripts/glue-guard.mjs) reports every
// exception that escapes a call into wasm to `trapped` below, which makes a fresh instance from
// the same compiled module (wasm-bindgen's `__wbg_reset_state`), re-registers the error classes,
// tells the modules that keep wasm objects or addresses to drop them (`onReset`), rejects the
// calls still waiting on the old instance (`pending`), and gives the glue a `ScimkitError`
// `wasm_trap` to throw. The next call runs on the new instance. Every import of the package in a
// process (ESM and CJS alike) shares this one module, so they all move to the new instance.
import * as wasm from "./glue.js";
import { DirectoryApiError, NormalizationError, ScimkitError, SyncError, WebhookVerificationError } from "./errors.js";

let memory;
/** Counts resets: a wasm object made under another epoch belongs to a discarded instance. */
let epoch = 0;
/** Why the last reset failed (then the next `ensureReady` tries again), else undefined. */
let resetFailure;
let resetting = false;
const resetListeners = [];
/** The reject functions of the promises `pending` handed out that have not settled yet. */
const waiting = new Set();

function adopt(exports) {
  wasm.registerErrorClasses(WebhookVerificationError, NormalizationError, DirectoryApiError, ScimkitError, SyncError);
  memory = exports.memory;
}

/** Called by each entry with the instance's exports once it exists. */
export function markReady(exports) {
  if (memory) return;
  adopt(exports);
}

/** Throws a clear error when the browser entry is used before `await init()`, or when the instance could not be reset after a trap. */
export function ensureReady() {
  if (!memory) {
    throw new ScimkitError(
      "not_initialized",
      "scimkit was used before its WebAssembly module was loaded: call `await init()` first",
    );
  }
  if (resetFailure !== undefined) {
    reset();
    if (resetFailure !== undefined) {
      const message = `scimkit's WebAssembly instance trapped and could not be replaced yet (${describe(resetFailure)}): this call failed; the next call tries again`;
      throw new ScimkitError("wasm_trap", message, { cause: resetFailure });
    }
  }
}

/** A view of `len` bytes of wasm memory at `ptr`; made afresh because memory growth detaches old views. */
export function memoryView(ptr, len) {
  return new Uint8Array(memory.buffer, ptr, len);
}

/** The current instance's epoch: compare with the one a wasm object was made under. */
export function instanceEpoch() {
  return epoch;
}

/** Runs `listener()` after every reset (drop cached wasm objects and addresses). */
export function onReset(listener) {
  resetListeners.push(listener);
}

/**
 * `promise` (one a wasm call returned), except that it rejects with `wasm_trap` if the instance
 * traps before it settles: the old instance's tasks never run again, so it would otherwise
 * never settle.
 */
export function pending(promise) {
  return new Promise((resolve, reject) => {
    waiting.add(reject);
    promise.then(
      (value) => {
        waiting.delete(reject);
        resolve(value);
      },
      (err) => {
        waiting.delete(reject);
        reject(err);
      },
    );
  });
}

function describe(cause) {
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function trapError(cause, when, outcome) {
  const message = `scimkit's WebAssembly instance trapped (${describe(cause)})${when}, and ${outcome}`;
  return new ScimkitError("wasm_trap", message, { cause });
}

function outcome() {
  return resetFailure === undefined
    ? "was replaced by a fresh one: this call failed and can be retried"
    : `could not be replaced (${describe(resetFailure)}): the next call tries again`;
}

function reset() {
  resetting = true;
  try {
    wasm.__wbg_reset_state();
    adopt(wasm.initSync()); // initSync returns the live instance's exports once one exists
    resetFailure = undefined;
  } catch (err) {
    resetFailure = err ?? new Error("the reset failed");
  } finally {
    resetting = false;
    epoch++;
  }
  for (const listener of resetListeners) listener();
}

/** The glue's trap handler: resets the instance and returns the error to throw in place of `cause`. */
function trapped(cause) {
  if (resetting) return cause; // the reset itself failed: reset() records it
  reset();
  const rejects = [...waiting];
  waiting.clear();
  for (const reject of rejects) reject(trapError(cause, " while this call was waiting on it", outcome()));
  return trapError(cause, "", outcome());
}

wasm.setTrapHandler(trapped);
