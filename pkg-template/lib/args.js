// Checks of arguments' JS types and option names; the core checks their values and owns the
// lists of names and the default limits.
import * as wasm from "./glue.js";
import { ScimkitError } from "./errors.js";

/** Throws `ErrorClass` `invalid_argument` for an options object with unknown names (typos). */
export function checkOptions(options, allowed, where, ErrorClass = ScimkitError) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw new ErrorClass("invalid_argument", `${where} must be an object, got ${typeof options}`);
  }
  let keys;
  try {
    keys = Object.keys(options);
  } catch (err) {
    throw new ErrorClass("invalid_argument", `${where} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const key of keys) {
    if (!allowed.includes(key)) {
      throw new ErrorClass("invalid_argument", `unknown option "${key}" in ${where} (expected one of: ${allowed.join(", ")})`);
    }
  }
  return options;
}

let names;
let defaults;

/**
 * The option names each function accepts, from the core's binding (`verify`, `sign`, `event`,
 * `normalize`, `patch`, `scimRequest`, `request`): asked once, never restated here.
 */
export function optionNames() {
  return (names ??= wasm.optionNames());
}

/**
 * The core's default limits (`maxBodyBytes`, `maxHeaderBytes`, `maxHeaderValues`, `maxInputBytes`,
 * `maxResourceBytes`): asked once, copied into an object literal of one fixed shape (its loads stay
 * monomorphic on the hot paths).
 */
export function defaultLimits() {
  if (defaults === undefined) {
    const d = wasm.defaultLimits();
    defaults = Object.freeze({
      maxBodyBytes: d.maxBodyBytes,
      maxHeaderBytes: d.maxHeaderBytes,
      maxHeaderValues: d.maxHeaderValues,
      maxInputBytes: d.maxInputBytes,
      maxResourceBytes: d.maxResourceBytes,
    });
  }
  return defaults;
}

/**
 * The limit `name` of `options` (an object already checked by `checkOptions`): its default when
 * absent (`undefined` or `null`: "not given"), else the value the core accepts (a non-negative
 * integer; anything else, `NaN` and `-1` included, is `invalid_argument` naming the option).
 */
export function limitOf(options, name, where = "options") {
  const v = options[name];
  return v === undefined || v === null ? defaultLimits()[name] : wasm.checkLimit(`${where}.${name}`, v);
}

/**
 * Runs `read`, which only reads the caller's arguments, turning what a hostile argument throws (a
 * revoked Proxy, a throwing getter or `toString`, a Symbol where text goes) into `invalid_argument`
 * naming `what`. scimkit's own errors pass through, and so does a trap of the wasm module.
 */
export function readArgument(what, read, ErrorClass = ScimkitError) {
  try {
    return read();
  } catch (err) {
    if (err instanceof ScimkitError || err instanceof WebAssembly.RuntimeError) throw err;
    throw new ErrorClass("invalid_argument", `${what} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}
