// Checks of arguments' JS types; the core checks their values.
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
