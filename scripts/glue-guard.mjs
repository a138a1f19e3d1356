// Patches wasm-bindgen's glue (generated with --experimental-reset-state-function, which adds
// `__wbg_reset_state`, per-instance ids on wasm objects and closures, and finalizers that skip
// objects of a discarded instance) so that the package survives a trap:
//   - every function the instance exports is wrapped: an exception escaping it means the wasm code
//     was abandoned half-way (a trap, or a JS exception thrown through wasm frames), and is handed
//     to the handler that pkg-template/lib/state.js registers with `setTrapHandler`, which resets
//     the instance and returns the `ScimkitError` to throw instead;
//   - a closure called by the host (a microtask, a timer, a promise reaction) whose wasm code
//     trapped returns quietly once the handler has run: nobody could catch a throw there, and the
//     handler already rejected the calls waiting on the old instance;
//   - a closure or object of a discarded instance does nothing when called or freed, instead of
//     throwing where nobody can catch it (closures) or freeing memory of the new instance (free()
//     and the closures' reference counts are not instance-checked by wasm-bindgen 0.2.130).
// Each patch must match exactly the expected number of times: a different wasm-bindgen fails the
// build here instead of shipping unguarded glue.

const HELPERS = `
// ---- Added by scripts/glue-guard.mjs (not wasm-bindgen): trap handling. ----
let __scimkitTrapHandler = (e) => e;
const __scimkitTraps = new WeakSet();

/** Sets \`handler(error)\`, called when an exception escapes a call into wasm; returns what to throw. */
export function setTrapHandler(handler) {
    __scimkitTrapHandler = handler;
}

function __scimkitTrapped(e) {
    // Already handled by a call nested inside this one (wasm → JS → wasm): pass it outwards.
    if (__scimkitTraps.has(e)) return e;
    const err = __scimkitTrapHandler(e);
    if (err !== null && typeof err === 'object') __scimkitTraps.add(err);
    return err;
}

/** The instance's exports, each function wrapped so that an escaping exception reaches the handler. */
function __scimkitGuardExports(exports) {
    const guarded = {};
    for (const [name, value] of Object.entries(exports)) {
        guarded[name] = typeof value === 'function' ? __scimkitGuard(value) : value;
    }
    return guarded;
}

// Fixed arities (the export's own length; at most 8 here) avoid a rest-parameter array per call.
function __scimkitGuard(f) {
    switch (f.length) {
        case 0: return function () { try { return f(); } catch (e) { throw __scimkitTrapped(e); } };
        case 1: return function (a) { try { return f(a); } catch (e) { throw __scimkitTrapped(e); } };
        case 2: return function (a, b) { try { return f(a, b); } catch (e) { throw __scimkitTrapped(e); } };
        case 3: return function (a, b, c) { try { return f(a, b, c); } catch (e) { throw __scimkitTrapped(e); } };
        case 4: return function (a, b, c, d) { try { return f(a, b, c, d); } catch (e) { throw __scimkitTrapped(e); } };
        case 5: return function (a, b, c, d, g) { try { return f(a, b, c, d, g); } catch (e) { throw __scimkitTrapped(e); } };
        case 6: return function (a, b, c, d, g, h) { try { return f(a, b, c, d, g, h); } catch (e) { throw __scimkitTrapped(e); } };
        case 7: return function (a, b, c, d, g, h, i) { try { return f(a, b, c, d, g, h, i); } catch (e) { throw __scimkitTrapped(e); } };
        case 8: return function (a, b, c, d, g, h, i, j) { try { return f(a, b, c, d, g, h, i, j); } catch (e) { throw __scimkitTrapped(e); } };
        default: return function (...args) { try { return f(...args); } catch (e) { throw __scimkitTrapped(e); } };
    }
}
`;

/** [what, from, to, expected count] */
const PATCHES = [
  ["exports of the first instance", "wasm = instance.exports;", "wasm = __scimkitGuardExports(instance.exports);", 1],
  ["exports of a reset instance", "wasm = wasmInstance.exports;", "wasm = __scimkitGuardExports(wasmInstance.exports);", 1],
  [
    "a closure of a discarded instance",
    "throw new Error('Cannot invoke closure from previous WASM instance');",
    "return;",
    2,
  ],
  [
    "the reference count of a closure of a discarded instance",
    "real._wbg_cb_unref = () => {\n        if (--state.cnt === 0) {",
    "real._wbg_cb_unref = () => {\n        if (state.instance !== __wbg_instance_id) return;\n        if (--state.cnt === 0) {",
    2,
  ],
  [
    "a trap inside a mutable closure",
    "return f(a, state.b, ...args);",
    "try { return f(a, state.b, ...args); } catch (e) { if (__scimkitTraps.has(e)) return; throw e; }",
    1,
  ],
  [
    "a trap inside a closure",
    "return f(state.a, state.b, ...args);",
    "try { return f(state.a, state.b, ...args); } catch (e) { if (__scimkitTraps.has(e)) return; throw e; }",
    1,
  ],
];

/** `free()` of every exported class: a no-op for an object of a discarded instance. */
const FREE = /^( +)free\(\) \{\n/gm;
const FREE_GUARD = "$1free() {\n$1    if (this.__wbg_inst !== undefined && this.__wbg_inst !== __wbg_instance_id) return;\n";

function count(text, s) {
  return text.split(s).length - 1;
}

/** Returns the patched glue; throws if the glue is not what these patches were written for. */
export function guardGlue(glue) {
  let out = glue;
  if (!out.includes("export function __wbg_reset_state")) {
    throw new Error("glue-guard: no __wbg_reset_state in the glue (run wasm-bindgen with --experimental-reset-state-function)");
  }
  for (const [what, from, to, expected] of PATCHES) {
    const n = count(out, from);
    if (n !== expected) throw new Error(`glue-guard: ${what}: expected ${expected} × ${JSON.stringify(from)}, found ${n}`);
    out = out.split(from).join(to);
  }
  const classes = count(out, "\nexport class ");
  const frees = (out.match(FREE) ?? []).length;
  if (frees !== classes) throw new Error(`glue-guard: ${classes} exported classes but ${frees} free() methods`);
  out = out.replace(FREE, FREE_GUARD);
  // Every call into wasm goes through `wasm`, which is only ever assigned guarded exports.
  const assignments = out.match(/\bwasm = [^;\n]*;/g) ?? [];
  for (const a of assignments) {
    if (!a.includes("__scimkitGuardExports(")) throw new Error(`glue-guard: unguarded assignment ${a}`);
  }
  return `${out}${HELPERS}`;
}
