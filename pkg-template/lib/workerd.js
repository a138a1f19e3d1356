// Cloudflare Workers entry: Workers forbid compiling wasm from bytes at run time, so the .wasm is
// imported statically (wrangler and workerd hand it over as a compiled WebAssembly.Module).
import wasmModule from "../scimkit_bg.wasm";
import { initSync } from "./glue.js";
import { markReady } from "./state.js";

markReady(initSync({ module: wasmModule }));

export * from "./api.js";

/** Already initialized at import; kept so the same code runs in every runtime. */
export function init() {
  return Promise.resolve();
}
