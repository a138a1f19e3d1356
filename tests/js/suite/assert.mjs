// Tiny runtime-agnostic assertions (node:assert is unavailable in browsers and workerd).
// Every failure throws an AssertionError whose message is short (long values are truncated).

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(v) {
  let s;
  try {
    if (typeof v === "string") s = JSON.stringify(v);
    else if (typeof v === "bigint") s = `${v}n`;
    else if (typeof v === "symbol" || typeof v === "function") s = String(v);
    else if (v instanceof Uint8Array) s = `Uint8Array(${v.length})[${Array.from(v.subarray(0, 16)).join(",")}${v.length > 16 ? ",…" : ""}]`;
    else if (v instanceof Error) s = `${v.name}(${v.code ?? ""}): ${v.message}`;
    else if (v instanceof Map) s = `Map(${JSON.stringify([...v])})`;
    else s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
}

function fail(message, extra) {
  throw new AssertionError(extra ? `${extra}: ${message}` : message);
}

export function ok(value, message) {
  if (!value) fail(`expected a truthy value, got ${show(value)}`, message);
}

export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) fail(`expected ${show(expected)}, got ${show(actual)}`, message);
}

export function notEqual(actual, expected, message) {
  if (Object.is(actual, expected)) fail(`expected something other than ${show(expected)}`, message);
}

/** Structural equality: primitives by Object.is, arrays/typed arrays/plain objects/Maps/Dates by content. */
export function isDeepEqual(a, b, seen = new Map()) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return Object.is(a.getTime(), b.getTime());
  if (ArrayBuffer.isView(a)) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !isDeepEqual(v, b.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!isDeepEqual(a[k], b[k], seen)) return false;
  }
  return true;
}

export function deepEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected)) fail(`expected ${show(expected)}, got ${show(actual)}`, message);
}

export function match(string, regex, message) {
  if (typeof string !== "string" || !regex.test(string)) fail(`expected ${show(string)} to match ${regex}`, message);
}

/**
 * Checks a thrown value against `expected`: { code, name, class, messageIncludes, messageExcludes }.
 * messageIncludes/messageExcludes: a string or an array of strings (case-sensitive).
 */
export function checkError(err, expected = {}, message) {
  if (!(err instanceof Error)) fail(`expected an Error to be thrown, got ${typeof err} ${show(err)}`, message);
  if (expected.class && !(err instanceof expected.class)) {
    fail(`expected instance of ${expected.class.name}, got ${err.constructor?.name} ${show(err)}`, message);
  }
  if (expected.name !== undefined && err.name !== expected.name) {
    fail(`expected error name ${show(expected.name)}, got ${show(err.name)} (${show(err)})`, message);
  }
  if (expected.code !== undefined) {
    const codes = Array.isArray(expected.code) ? expected.code : [expected.code];
    if (!codes.includes(err.code)) fail(`expected error code ${show(expected.code)}, got ${show(err.code)} (${show(err)})`, message);
  }
  const msg = String(err.message);
  for (const s of [].concat(expected.messageIncludes ?? [])) {
    if (!msg.includes(s)) fail(`expected message to include ${show(s)}, got ${show(msg)}`, message);
  }
  for (const s of [].concat(expected.messageExcludes ?? [])) {
    if (s && msg.includes(s)) fail(`expected message NOT to include ${show(s)}, got ${show(msg)}`, message);
  }
  return err;
}

/** Calls fn, which must throw synchronously; returns the error after checking it. */
export function throws(fn, expected, message) {
  let threw = false;
  let err;
  try {
    const r = fn();
    if (r && typeof r.then === "function") fail("expected a synchronous throw, got a promise", message);
    err = r;
  } catch (e) {
    if (e instanceof AssertionError) throw e;
    threw = true;
    err = e;
  }
  if (!threw) fail(`expected a throw, but it returned ${show(err)}`, message);
  return checkError(err, expected, message);
}

/** Awaits a promise (or calls fn and awaits); it must reject. Returns the error after checking it. */
export async function rejects(fnOrPromise, expected, message) {
  let value;
  try {
    value = await (typeof fnOrPromise === "function" ? fnOrPromise() : fnOrPromise);
  } catch (e) {
    return checkError(e, expected, message);
  }
  fail(`expected a rejection, but it resolved to ${show(value)}`, message);
}

export const assert = { ok, equal, notEqual, deepEqual, isDeepEqual, match, throws, rejects, checkError, fail: (m) => fail(m) };
export default assert;
