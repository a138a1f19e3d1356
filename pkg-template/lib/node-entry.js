// Node (and Bun, Deno) entry, bundled by the build into node.cjs: loads the .wasm synchronously
// at require time, so no init call is needed. node.mjs re-exports this one instance.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "./glue.js";
import { markReady } from "./state.js";

markReady(initSync({ module: new WebAssembly.Module(readFileSync(join(__dirname, "scimkit_bg.wasm"))) }));

export * from "./api.js";

/** Already initialized at load; kept so the same code runs in every runtime. */
export function init() {
  return Promise.resolve();
}
