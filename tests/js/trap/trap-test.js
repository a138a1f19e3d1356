// Copied into the trap-test package only (node scripts/build.mjs --trap-test, as lib/trap-test.js,
// exported from lib/api.js): provokes real traps in the package's one instance, through the
// test-only exports of bindings/wasm/src/trap_test.rs. Never part of the release package.
import * as wasm from "./glue.js";
import { ensureReady, pending } from "./state.js";

/** Traps now, inside this call: `"panic"` (a bug) or `"alloc"` (allocation failure). Throws `wasm_trap`. */
export function trapForTest(kind) {
  ensureReady();
  wasm.trapForTest(kind);
}

/**
 * Returns a promise for work that traps in a task of its own once `promise` settles (outside any
 * call the façade made); it rejects with `wasm_trap` like every call waiting on the instance.
 */
export function trapForTestLater(promise) {
  ensureReady();
  return pending(wasm.trapForTestLater(promise));
}
