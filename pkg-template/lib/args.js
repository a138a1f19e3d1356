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
