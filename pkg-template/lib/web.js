// Browser (and default) entry: call `await init()` once before anything else; safe to call again.
import initGlue, { initSync as initGlueSync } from "./glue.js";
import { markReady } from "./state.js";

export * from "./api.js";

let pending;

/**
 * Loads the WebAssembly module. `input` may be a URL, a Response, bytes or a compiled
 * WebAssembly.Module; by default the .wasm next to this package is fetched.
 */
export function init(input) {
  if (!pending) {
    const module_or_path = input ?? new URL("../scimkit_bg.wasm", import.meta.url);
    pending = initGlue({ module_or_path }).then(
      (exports) => markReady(exports),
      (err) => {
        pending = undefined; // let a later call retry, e.g. after a network failure
        throw err;
      },
    );
  }
  return pending;
}

/** Instantiates synchronously from a compiled `WebAssembly.Module` (or bytes, where allowed). */
export function initSync(module) {
  markReady(initGlueSync({ module }));
  pending = Promise.resolve();
}
