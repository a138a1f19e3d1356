// The retained event log behind the events API (POST /api/v1/events/paginated).
// Every change the control API makes is appended here as the same envelope its webhook delivery
// carries (same `evt_…` id, same bytes). Entries are in occurrence order: `occurred_at` comes from a
// clock that never repeats or goes back, so the sequence number and the time order agree and a page
// cursor can be a sequence number.
import { randomBytes } from 'node:crypto';
import { monotonicClock, nsToRfc3339 } from './time.mjs';

export const DEFAULT_EVENT_RETENTION = 100_000;
export const EVENT_SOURCES = ['SCALEKIT', 'DIR_SYNC'];

const eventId = () => {
  let s = String(1 + (randomBytes(1)[0] % 9));
  for (const b of randomBytes(16)) s += b % 10;
  return `evt_${s}`;
};

/**
 * @typedef {object} LogEntry
 * @property {number} seq          1, 2, 3… in occurrence order
 * @property {string} id           evt_…
 * @property {string} type
 * @property {string} organizationId
 * @property {string} source       DIR_SYNC (every event this service records)
 * @property {bigint} ns           occurred_at in ns
 * @property {number} visibleAtMs  when the events API starts to show it (late visibility)
 * @property {string} json         the envelope, serialized once
 */

export class EventLog {
  /**
   * @param {object} o
   * @param {string} o.environmentId
   * @param {number} [o.retention]  how many of the newest events are kept
   * @param {() => bigint} [o.clock]  ns clock (tests may pass their own)
   */
  constructor({ environmentId, retention = DEFAULT_EVENT_RETENTION, clock = monotonicClock() }) {
    if (!Number.isInteger(retention) || retention < 1 || retention > 10_000_000) throw new RangeError('eventRetention must be an integer in [1, 10000000]');
    this.environmentId = environmentId;
    this.retention = retention;
    this.clock = clock;
    /** @type {LogEntry[]} entries; those before `start` are no longer retained */
    this.items = [];
    this.start = 0;
    this.nextSeq = 1;
    this.lastNs = -1n;
    this.recorded = 0;
    /** entries that were late when appended (pruned once visible) */
    this.late = new Set();
  }

  /** allocate the next `occurred_at` (call append with it before stamping again) */
  stamp() {
    const ns = this.clock();
    return { ns, iso: nsToRfc3339(ns) };
  }

  /**
   * Record one event. `stamp` must come from stamp() and be newer than the last appended one.
   * @returns {LogEntry & {envelope: object}}
   */
  append({ type, object, organizationId, data, stamp, lateMs = 0, nowMs = Date.now() }) {
    if (stamp.ns <= this.lastNs) throw new Error('event log: stamps must be appended in order');
    this.lastNs = stamp.ns;
    const envelope = {
      spec_version: '1',
      id: eventId(),
      type,
      occurred_at: stamp.iso,
      environment_id: this.environmentId,
      organization_id: organizationId,
      object,
      data,
      display_name: '',
    };
    const entry = {
      seq: this.nextSeq++,
      id: envelope.id,
      type,
      organizationId,
      source: 'DIR_SYNC',
      ns: stamp.ns,
      visibleAtMs: lateMs > 0 ? nowMs + lateMs : 0,
      json: JSON.stringify(envelope),
    };
    this.items.push(entry);
    this.recorded++;
    if (lateMs > 0) this.late.add(entry);
    if (this.items.length - this.start > this.retention) {
      const gone = this.items[this.start++];
      this.late.delete(gone);
      // compact when half the array is dropped entries: amortized O(1) per append
      if (this.start > this.items.length / 2) { this.items = this.items.slice(this.start); this.start = 0; }
    }
    return { ...entry, envelope };
  }

  get retained() { return this.items.length - this.start; }

  /** late entries not visible yet at nowMs */
  hiddenCount(nowMs = Date.now()) {
    for (const e of this.late) if (e.visibleAtMs <= nowMs) this.late.delete(e);
    return this.late.size;
  }

  /** make every late entry visible now; returns how many were still hidden */
  release(nowMs = Date.now()) {
    const n = this.hiddenCount(nowMs);
    for (const e of this.late) e.visibleAtMs = 0;
    this.late.clear();
    return n;
  }

  /** retained entries, oldest first (including hidden ones) */
  entries() { return this.items.slice(this.start); }

  /** first position p in [start, items.length) with key(items[p]) >= v (key ascending) */
  #lowerBound(v, key) {
    let lo = this.start;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (key(this.items[mid]) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * One page, most recent first.
   * @param {object} filter  { types: Set<string>|null, organizationId: string|null, startNs: bigint|null, endNs: bigint|null, source: string|null }
   *   (start and end inclusive)
   * @param {{dir: 'n'|'p', seq: number}|null} cursor  'n': older than seq; 'p': newer than seq
   * @param {number} size
   * @returns {{ entries: LogEntry[], older: number|null, newer: number|null }}
   *   older / newer: the cursor seq for the next (older) / previous (newer) page, null when none
   */
  page(filter, cursor, size, nowMs = Date.now()) {
    const seqKey = (e) => e.seq;
    const nsKey = (e) => e.ns;
    // the time window as a position range [lo, hi)
    const lo = filter.startNs === null ? this.start : this.#lowerBound(filter.startNs, nsKey);
    const hi = filter.endNs === null ? this.items.length : this.#lowerBound(filter.endNs + 1n, nsKey);
    const match = (e) => e.visibleAtMs <= nowMs
      && (filter.types === null || filter.types.has(e.type))
      && (filter.organizationId === null || e.organizationId === filter.organizationId)
      && (filter.source === null || e.source === filter.source);
    const out = [];
    if (cursor && cursor.dir === 'p') {
      // the `size` matches just newer than the cursor, returned newest first
      let p = Math.max(lo, this.#lowerBound(cursor.seq + 1, seqKey));
      for (; p < hi && out.length < size; p++) if (match(this.items[p])) out.push(this.items[p]);
      out.reverse();
    } else {
      let p = cursor ? Math.min(hi, this.#lowerBound(cursor.seq, seqKey)) : hi;
      while (p > lo && out.length < size) { p--; if (match(this.items[p])) out.push(this.items[p]); }
    }
    if (out.length === 0) return { entries: out, older: null, newer: null };
    const newest = out[0].seq;
    const oldest = out[out.length - 1].seq;
    let older = null;
    for (let p = Math.min(hi, this.#lowerBound(oldest, seqKey)) - 1; p >= lo; p--) if (match(this.items[p])) { older = oldest; break; }
    let newer = null;
    for (let p = Math.max(lo, this.#lowerBound(newest + 1, seqKey)); p < hi; p++) if (match(this.items[p])) { newer = newest; break; }
    return { entries: out, older, newer };
  }
}
