// Webhook delivery for the local directory service: signed POSTs with retries, the delivery faults
// (drop, repeat, reorder, tamper — seeded, so a run is reproducible), the one-shot deliver() behind
// deliverWebhooks() and the Dispatcher that sends each recorded event to a subscribed URL.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { fnv1a, hash, mulberry32 } from './data.mjs';
import { envelopeOf, seedSequence, signWebhook } from './webhooks.mjs';

// ---------- delivery faults ----------
const DELIVERY_FAULT_KEYS = ['drop', 'repeat', 'reorder', 'tamper', 'tamperMode', 'reorderWindow', 'holdMs', 'seed'];
const TAMPER_MODES = ['body', 'signature', 'mixed'];

/**
 * Validate + normalize a delivery fault config; throws RangeError on nonsense.
 * drop/repeat/reorder/tamper are fractions of messages in [0, 1].
 */
export function normalizeDeliveryFaults(f = {}, defaultSeed = 1) {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) throw new RangeError('delivery faults must be an object');
  for (const k of Object.keys(f)) if (!DELIVERY_FAULT_KEYS.includes(k)) throw new RangeError(`unknown delivery fault "${k}" (known: ${DELIVERY_FAULT_KEYS.join(', ')})`);
  const fraction = (name) => {
    const v = f[name] ?? 0;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${name} must be a fraction in [0, 1], got ${v}`);
    return v;
  };
  const out = {
    drop: fraction('drop'),
    repeat: fraction('repeat'),
    reorder: fraction('reorder'),
    tamper: fraction('tamper'),
    tamperMode: f.tamperMode ?? 'mixed',
    reorderWindow: f.reorderWindow ?? 5,
    holdMs: f.holdMs ?? 1000,
    seed: f.seed ?? defaultSeed,
  };
  if (!TAMPER_MODES.includes(out.tamperMode)) throw new RangeError(`tamperMode must be one of ${TAMPER_MODES.join(', ')}`);
  if (!Number.isInteger(out.reorderWindow) || out.reorderWindow < 1 || out.reorderWindow > 1000) throw new RangeError('reorderWindow must be an integer in [1, 1000]');
  if (!Number.isInteger(out.holdMs) || out.holdMs < 0 || out.holdMs > 600_000) throw new RangeError('holdMs must be an integer in [0, 600000] (0 = no time limit)');
  if (typeof out.seed !== 'number' && typeof out.seed !== 'string') throw new RangeError('seed must be a number or a string');
  return out;
}

/** the config as set (only what is on), for GET /_admin/delivery-faults */
export function activeDeliveryFaults(f) {
  if (!(f.drop || f.repeat || f.reorder || f.tamper)) return {};
  const o = {};
  for (const k of ['drop', 'repeat', 'reorder', 'tamper']) if (f[k]) o[k] = f[k];
  if (f.tamper) o.tamperMode = f.tamperMode;
  if (f.reorder || f.repeat) Object.assign(o, { reorderWindow: f.reorderWindow, holdMs: f.holdMs });
  o.seed = f.seed;
  return o;
}

/**
 * What happens to the message at `position` (the event's sequence number, or its index in a
 * one-shot run). A pure function of the seed and the position, so the same run meets the same
 * faults whatever the timing.
 */
export function fateOf(faults, position) {
  const rng = mulberry32(hash(fnv1a(`delivery-faults:${faults.seed}`), position >>> 0, Math.floor(position / 2 ** 32), 0x5eed));
  const u = [rng(), rng(), rng(), rng(), rng(), rng(), rng()]; // always seven draws: decisions are independent
  const drop = u[0] < faults.drop;
  return {
    drop,
    tamper: !drop && u[1] < faults.tamper ? (faults.tamperMode === 'mixed' ? (u[6] < 0.5 ? 'body' : 'signature') : faults.tamperMode) : null,
    // held back until this many later messages have gone by (or holdMs passed, or a flush)
    holdFor: !drop && u[2] < faults.reorder ? 1 + Math.floor(u[4] * faults.reorderWindow) : 0,
    // a second copy after this many later messages (0 = right after); null = none
    repeatAfter: !drop && u[3] < faults.repeat ? Math.floor(u[5] * (faults.reorderWindow + 1)) : null,
  };
}

/** the body with its visible fields changed (still valid JSON): a forgery that must not verify */
export function tamperBody(body) {
  let env;
  try { env = JSON.parse(body); } catch { return `${body} `; }
  if (env === null || typeof env !== 'object') return `${body} `;
  const d = env.data !== null && typeof env.data === 'object' ? env.data : (env.data = {});
  let touched = false;
  for (const k of ['email', 'preferred_username']) if (typeof d[k] === 'string') { d[k] = `mallory.${d[k]}`; touched = true; }
  if (typeof d.given_name === 'string') { d.given_name = 'Mallory'; touched = true; }
  if (typeof d.display_name === 'string') { d.display_name = `${d.display_name} (forged)`; touched = true; }
  if (typeof d.active === 'boolean') { d.active = !d.active; touched = true; }
  if (!touched) d.forged = true;
  return JSON.stringify(env);
}

/** a v1 signature with its first MAC byte flipped */
function brokenSignature(sig) {
  const mac = Buffer.from(sig.slice(3), 'base64');
  mac[0] ^= 0xff;
  return `v1,${mac.toString('base64')}`;
}

// ---------- transport ----------
export function postOnce(url, headers, body, timeoutMs, signal) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r) => { if (!settled) { settled = true; resolve(r); } };
    let u;
    try { u = new URL(url); } catch { return done({ ok: false, error: 'invalid url' }); }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body), connection: 'close' },
      agent: false,
      timeout: timeoutMs,
      signal,
    }, (res) => {
      res.resume();
      res.on('end', () => done({ ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode }));
      res.on('error', (e) => done({ ok: false, status: res.statusCode, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (e) => done({ ok: false, error: e.message }));
    req.end(body);
  });
}

export const sleep = (ms, signal) => new Promise((resolve) => {
  if (ms <= 0 || signal?.aborted) return resolve();
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); resolve(); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

const newWebhookId = () => `msg_${randomBytes(16).toString('base64url').replace(/[-_]/g, '').slice(0, 20)}`;

export const freshDeliveryCounters = () => ({ sent: 0, delivered: 0, retried: 0, duplicates: 0, failures: 0, dropped: 0, reordered: 0, repeated: 0, tampered: 0 });

export function validateTarget({ url, secret, retrySchedule, timeoutMs }) {
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw Object.assign(new Error('webhook url (http/https) required'), { status: 400 });
  if (typeof secret !== 'string' || secret.length === 0) throw Object.assign(new Error('webhook secret required'), { status: 400 });
  if (!Array.isArray(retrySchedule) || retrySchedule.length > 10 || retrySchedule.some((d) => !(Number.isFinite(d) && d >= 0 && d <= 60_000))) {
    throw Object.assign(new Error('retrySchedule: at most 10 delays, each 0..60000 ms'), { status: 400 });
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= 120_000)) throw Object.assign(new Error('timeoutMs must be in (0, 120000]'), { status: 400 });
}

/**
 * Sends messages one at a time, in order, applying the delivery faults. Bounded: a message is
 * attempted 1 + retrySchedule.length times; a held message waits for at most `reorderWindow` later
 * messages or `holdMs`, and release() sends whatever is still held.
 * A message: { position, webhookId, eventId, type, body }.
 */
export class Courier {
  /**
   * @param {object} o
   * @param {string} o.url
   * @param {string} o.secret
   * @param {number[]} o.retrySchedule  ms before each retry ([] = no retries)
   * @param {number} o.timeoutMs        per attempt
   * @param {() => object} o.faults     current normalized delivery faults (read per message)
   * @param {(key: string) => void} o.count  counter sink
   * @param {(entry: object) => void} o.onEntry  called once per message, when it is first handled
   * @param {(msg: object, entry: object) => boolean} [o.wantDuplicate]  deliver()'s own `duplicates` rule
   * @param {AbortSignal} [o.signal]
   */
  constructor(o) {
    Object.assign(this, o);
    /** @type {Array<{msg, entry, remaining: number, deadline: number, kind: 'reorder'|'repeat'}>} */
    this.held = [];
  }

  /** one POST (tampered as the message's fate says) */
  async #post(msg, entry) {
    const ts = Math.floor(Date.now() / 1000);
    let body = msg.body;
    let signature = signWebhook(this.secret, msg.webhookId, ts, msg.body);
    if (entry.tampered === 'body') body = tamperBody(msg.body); // signed over the genuine body
    else if (entry.tampered === 'signature') signature = brokenSignature(signature);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'scimkit-directory-service/1',
      'webhook-id': msg.webhookId,
      'webhook-timestamp': String(ts),
      'webhook-signature': signature,
    };
    this.count('sent');
    const r = await postOnce(this.url, headers, body, this.timeoutMs, this.signal);
    entry.statuses.push(r.status ?? `error: ${r.error}`);
    return r;
  }

  /** attempts with retries; then this.wantDuplicate / a repeat fate */
  async #transmit(msg, entry, fate) {
    for (let attempt = 0; attempt <= this.retrySchedule.length; attempt++) {
      if (attempt > 0) {
        await sleep(this.retrySchedule[attempt - 1], this.signal);
        if (this.signal?.aborted) break;
        this.count('retried');
      }
      entry.attempts++;
      if ((await this.#post(msg, entry)).ok) { entry.delivered = true; break; }
      if (this.signal?.aborted) break;
    }
    if (!entry.delivered) { this.count('failures'); return; }
    this.count('delivered');
    if (this.wantDuplicate?.(msg, entry) && !this.signal?.aborted) {
      entry.duplicated = true;
      this.count('duplicates');
      await this.#post(msg, entry);
    }
    if (fate.repeatAfter === 0) await this.#repeat(msg, entry);
    else if (fate.repeatAfter !== null) this.#hold(msg, entry, fate.repeatAfter, 'repeat');
  }

  /** the same message again (same webhook-id, same body), one attempt */
  async #repeat(msg, entry) {
    if (this.signal?.aborted) return;
    entry.repeated = true;
    this.count('repeated');
    await this.#post(msg, entry);
  }

  #hold(msg, entry, remaining, kind) {
    const holdMs = this.faults().holdMs;
    this.held.push({ msg, entry, remaining, deadline: holdMs > 0 ? Date.now() + holdMs : Infinity, kind, fate: msg.fate });
  }

  async #sendHeld(h) {
    if (h.kind === 'repeat') await this.#repeat(h.msg, h.entry);
    else await this.#transmit(h.msg, h.entry, h.fate);
  }

  /** a later message went by: count down the held ones and send those that are due */
  async #tick() {
    const due = [];
    for (const h of this.held) if (--h.remaining <= 0) due.push(h);
    if (due.length === 0) return;
    this.held = this.held.filter((h) => !due.includes(h));
    for (const h of due) await this.#sendHeld(h);
  }

  /** handle the next message in order */
  async process(msg) {
    const fate = fateOf(this.faults(), msg.position);
    msg.fate = fate;
    const entry = {
      webhook_id: msg.webhookId, event_id: msg.eventId, type: msg.type, attempts: 0, statuses: [],
      delivered: false, duplicated: false, dropped: fate.drop, reordered: fate.holdFor > 0, repeated: false, tampered: fate.tamper,
    };
    this.onEntry(entry);
    if (fate.tamper) this.count('tampered');
    if (fate.drop) {
      this.count('dropped');
      await this.#tick();
    } else if (fate.holdFor > 0) {
      this.count('reordered');
      await this.#tick();
      this.#hold(msg, entry, fate.holdFor, 'reorder');
    } else {
      await this.#transmit(msg, entry, fate);
      await this.#tick();
    }
  }

  /** earliest deadline among held messages (Infinity when none) */
  nextDeadline() {
    let d = Infinity;
    for (const h of this.held) if (h.deadline < d) d = h.deadline;
    return d;
  }

  /** send held messages whose deadline has passed (all of them with all = true), oldest hold first */
  async release({ all = false, nowMs = Date.now() } = {}) {
    while (this.held.length && !this.signal?.aborted) {
      const k = all ? 0 : this.held.findIndex((h) => h.deadline <= nowMs);
      if (k < 0) break;
      const [h] = this.held.splice(k, 1);
      await this.#sendHeld(h);
    }
  }
}

/**
 * Delivers a list of events once (deliverWebhooks()). Sequential and bounded: at most maxEvents
 * messages; see Courier for retries and faults.
 * @param {object} store
 * @param {object} opts  see README (url, secret, events, duplicates, retrySchedule, …)
 * @param {object} ctx   { environmentId, signal, faults (normalized delivery faults), log (EventLog) }
 */
export async function deliver(store, opts, { environmentId, signal, faults, log } = {}) {
  const {
    url,
    secret,
    events = 'seed-sequence',
    duplicates = false,
    retryOnFailure = true,
    retrySchedule = [0, 50, 200],
    timeoutMs = 5000,
    maxEvents = 20_000,
    envelope = 'full',
    organizationId,
    directoryId,
    maxUsers,
    maxGroups,
    types,
  } = opts || {};
  validateTarget({ url, secret, retrySchedule, timeoutMs });
  let list;
  if (events === 'log') {
    if (!log) throw Object.assign(new Error("events: 'log' needs the service's event log"), { status: 400 });
    list = log.entries().map((e) => ({ type: e.type, eventId: e.id, body: e.json }));
  } else if (events === 'seed-sequence' || events === undefined) list = seedSequence(store, { organizationId, directoryId, maxUsers, maxGroups });
  else if (Array.isArray(events)) list = events.map((e) => ({ ...e }));
  else throw Object.assign(new Error("events must be 'seed-sequence', 'log' or an array of {type, data, organization_id?, object?}"), { status: 400 });
  if (Array.isArray(types)) list = list.filter((e) => types.includes(e.type));
  list = list.slice(0, Math.max(0, Math.min(maxEvents, 20_000)));

  // which messages get a duplicate: true -> every 5th; n -> n evenly spread
  let dupEvery = 0;
  let dupMax = 0;
  if (duplicates === true) { dupEvery = 5; dupMax = list.length; }
  else if (Number.isInteger(duplicates) && duplicates > 0) { dupMax = Math.min(duplicates, list.length); dupEvery = Math.max(1, Math.floor(list.length / dupMax)); }

  const report = { ...freshDeliveryCounters(), events: [] };
  const courier = new Courier({
    url,
    secret,
    retrySchedule: retryOnFailure ? retrySchedule : [],
    timeoutMs,
    faults: () => faults ?? normalizeDeliveryFaults({}),
    count: (k) => { report[k]++; },
    onEntry: (entry) => report.events.push(entry),
    wantDuplicate: (msg) => dupEvery > 0 && report.duplicates < dupMax && msg.position % dupEvery === 0,
    signal,
  });
  for (let k = 0; k < list.length && !signal?.aborted; k++) {
    const item = list[k];
    let body = item.body;
    let eventId = item.eventId;
    if (body === undefined) {
      const env = envelopeOf(item, { environmentId, shape: envelope });
      body = JSON.stringify(env);
      eventId = env.id;
    }
    await courier.process({ position: k, webhookId: newWebhookId(), eventId, type: item.type, body });
  }
  await courier.release({ all: true });
  return report;
}

/**
 * Sends every recorded event to the subscribed URL, in the background, in order, through one
 * Courier (so the delivery faults apply). flush() sends what is held and waits until nothing is
 * pending. The fate of each message is decided by the event's sequence number.
 */
export class Dispatcher {
  /**
   * @param {object} o
   * @param {() => object} o.faults  current normalized delivery faults
   * @param {(key: string) => void} o.count  counter sink (the service's stats)
   * @param {number} [o.logLimit]  how many delivery entries deliveries() keeps (newest)
   */
  constructor({ faults, count, logLimit = 10_000 }) {
    this.faults = faults;
    this.countOut = count;
    this.logLimit = logLimit;
    this.target = null;
    this.courier = null;
    this.queue = [];
    this.running = false;
    this.flushing = 0;
    this.idle = [];
    this.wake = null;
    this.timer = null;
    this.log = [];
    this.counters = freshDeliveryCounters();
    this.ac = new AbortController();
  }

  /** subscribe ({url, secret, retrySchedule, timeoutMs}) or unsubscribe (null); pending messages go to the old URL first */
  async configure(target) {
    if (target) validateTarget(target);
    await this.flush();
    this.target = target ? { ...target } : null;
    this.courier = target
      ? new Courier({
        ...this.target,
        faults: this.faults,
        count: (k) => { this.counters[k]++; this.countOut(k); },
        onEntry: (entry) => { this.log.push(entry); if (this.log.length > this.logLimit * 2) this.log = this.log.slice(-this.logLimit); },
        signal: this.ac.signal,
      })
      : null;
    return this.status();
  }

  /** queue one recorded event (a LogEntry); no-op without a subscriber */
  push(entry) {
    if (!this.courier || this.ac.signal.aborted) return;
    this.queue.push({ position: entry.seq, webhookId: newWebhookId(), eventId: entry.id, type: entry.type, body: entry.json });
    this.#kick();
  }

  #kick() {
    if (this.running) { this.wake?.(); return; }
    this.running = true;
    this.#run().catch((e) => {
      // a bug, not a delivery failure (those are counted): keep the service up, say what happened
      this.lastError = String(e?.message ?? e);
      console.error('[directory-service] webhook dispatcher:', e);
    }).finally(() => {
      this.running = false;
      for (const r of this.idle.splice(0)) r();
    });
  }

  async #run() {
    const c = this.courier;
    while (!this.ac.signal.aborted) {
      if (this.queue.length) { await c.process(this.queue.shift()); continue; }
      if (c.held.length === 0) break;
      if (this.flushing) { await c.release({ all: true }); continue; }
      const wait = c.nextDeadline() - Date.now();
      if (wait <= 0) { await c.release(); continue; }
      await new Promise((resolve) => {
        this.wake = resolve;
        this.timer = Number.isFinite(wait) ? setTimeout(resolve, wait) : null;
      });
      clearTimeout(this.timer);
      this.wake = null;
    }
  }

  /** send everything queued or held now; resolves when nothing is pending */
  async flush() {
    if (!this.running) return this.status();
    this.flushing++;
    try {
      const done = new Promise((resolve) => this.idle.push(resolve));
      this.wake?.();
      await done;
    } finally {
      this.flushing--;
    }
    return this.status();
  }

  status() {
    return {
      url: this.target?.url ?? null, queued: this.queue.length, held: this.courier?.held.length ?? 0, busy: this.running,
      ...this.counters, ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** the newest delivery entries (one per message), oldest first */
  deliveries() { return this.log.slice(-this.logLimit); }

  close() {
    this.ac.abort();
    this.queue.length = 0;
    clearTimeout(this.timer);
    this.wake?.();
  }
}
