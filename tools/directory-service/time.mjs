// Nanosecond timestamps for the local directory service. Events carry `occurred_at` with nine
// fraction digits, and the listing's `updated_at` of a changed user or group is that same string,
// so a consumer can order an event against a listing exactly. Nanoseconds since the epoch exceed
// 2^53, hence BigInt.

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 text -> ns since the epoch (BigInt), or null when it is not RFC 3339 */
export function parseRfc3339Ns(text) {
  const m = typeof text === 'string' && RFC3339.exec(text);
  if (!m) return null;
  const secondsMs = Date.parse(`${m[1]}T${m[2]}${m[4].toUpperCase()}`);
  if (!Number.isFinite(secondsMs)) return null;
  return BigInt(secondsMs) * 1_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'));
}

/** ns since the epoch (BigInt) -> "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" */
export function nsToRfc3339(ns) {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n); // floor
  const sub = ns - ms * 1_000_000n;
  return new Date(Number(ms)).toISOString().replace(/Z$/, `${String(sub).padStart(6, '0')}Z`);
}

/** floor(ns / 1e6) as a Number */
export const nsToMs = (ns) => Number(ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n));

/**
 * A clock that never repeats or goes back: each stamp is the wall clock in ns (sub-millisecond
 * digits from the monotonic clock), or 1 ns after the previous stamp when that is later.
 */
export function monotonicClock(now = () => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)) {
  let last = 0n;
  return () => {
    const t = now();
    last = t > last ? t : last + 1n;
    return last;
  };
}
