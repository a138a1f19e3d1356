// scimkit local directory service: the reference Directory API REST contract on 127.0.0.1,
// deterministic seeded data, switchable deterministic faults, a control API that changes the
// directory, the events API over every change, signed webhook deliveries with seeded delivery faults.
// Node built-ins only. Node 20+.
import http from 'node:http';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createStore, mulberry32, hash } from './data.mjs';
import { Dispatcher, activeDeliveryFaults, deliver, freshDeliveryCounters, normalizeDeliveryFaults } from './delivery.mjs';
import { EVENT_SOURCES, EventLog } from './events.mjs';
import { MutationError, createMutator } from './mutations.mjs';
import { parseRfc3339Ns } from './time.mjs';

export { signWebhook } from './webhooks.mjs';
export { normalizeDeliveryFaults } from './delivery.mjs';

const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 };
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

class ApiError extends Error {
  constructor(status, code, errorCode, message, headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.errorCode = errorCode;
    this.headers = headers;
  }
}
const errBody = (code, message, errorCode) => ({ code, message, details: [{ '@type': ERROR_INFO, error_code: errorCode }] });
const badArg = (msg) => new ApiError(400, GRPC.INVALID_ARGUMENT, 'INVALID_ARGUMENT', msg);
const notFound = (msg) => new ApiError(404, GRPC.NOT_FOUND, 'NOT_FOUND', msg);

const FAULT_KEYS = ['rateLimitEvery', 'retryAfterSeconds', 'retryAfterHttpDate', 'serverErrorBurst', 'slowEvery', 'slowMs',
  'malformedEvery', 'expireTokensEvery', 'dropConnectionEvery', 'includeTokenEndpoint', 'lateEventEvery', 'lateEventMs',
  'repeatTokenEvery', 'oversizeEvery', 'oversizeBytes', 'oversizeDeclared'];

/** validate + normalize a fault config; throws RangeError on nonsense or on permanently-failing settings */
export function normalizeFaults(f = {}) {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) throw new RangeError('faults must be an object');
  for (const k of Object.keys(f)) if (!FAULT_KEYS.includes(k)) throw new RangeError(`unknown fault "${k}" (known: ${FAULT_KEYS.join(', ')})`);
  const every = (name, v) => {
    if (v === undefined || v === null || v === 0 || v === false) return 0;
    if (!Number.isInteger(v) || v < 2 || v > 1e9) throw new RangeError(`${name} must be an integer >= 2 (1 would fail forever), got ${v}`);
    return v;
  };
  const out = {
    rateLimitEvery: every('rateLimitEvery', f.rateLimitEvery),
    retryAfterSeconds: f.retryAfterSeconds ?? 1,
    retryAfterHttpDate: Boolean(f.retryAfterHttpDate),
    serverErrorBurst: null,
    // 1 (every response slow) is a pace, not a failure: the reference API's 100–300 ms a page.
    slowEvery: f.slowEvery === 1 ? 1 : every('slowEvery', f.slowEvery),
    slowMs: f.slowMs ?? 2000,
    malformedEvery: every('malformedEvery', f.malformedEvery),
    expireTokensEvery: every('expireTokensEvery', f.expireTokensEvery),
    dropConnectionEvery: every('dropConnectionEvery', f.dropConnectionEvery),
    includeTokenEndpoint: Boolean(f.includeTokenEndpoint),
    lateEventEvery: every('lateEventEvery', f.lateEventEvery),
    lateEventMs: f.lateEventMs ?? 2000,
    repeatTokenEvery: every('repeatTokenEvery', f.repeatTokenEvery),
    oversizeEvery: every('oversizeEvery', f.oversizeEvery),
    oversizeBytes: f.oversizeBytes ?? 32 * 1024 * 1024,
    oversizeDeclared: Boolean(f.oversizeDeclared),
  };
  if (!Number.isInteger(out.oversizeBytes) || out.oversizeBytes < 1 || out.oversizeBytes > 2 ** 30) throw new RangeError('oversizeBytes must be an integer in [1, 2^30]');
  if (!Number.isInteger(out.lateEventMs) || out.lateEventMs < 1 || out.lateEventMs > 600_000) throw new RangeError('lateEventMs must be an integer in [1, 600000]');
  if (!Number.isInteger(out.retryAfterSeconds) || out.retryAfterSeconds < 0 || out.retryAfterSeconds > 3600) throw new RangeError('retryAfterSeconds must be an integer in [0, 3600]');
  if (!Number.isInteger(out.slowMs) || out.slowMs < 0 || out.slowMs > 120_000) throw new RangeError('slowMs must be an integer in [0, 120000]');
  if (f.serverErrorBurst) {
    const b = f.serverErrorBurst;
    const e = every('serverErrorBurst.every', b.every);
    const length = b.length ?? 1;
    const status = b.status ?? 503;
    if (!e) throw new RangeError('serverErrorBurst.every required');
    if (!Number.isInteger(length) || length < 1 || length >= e) throw new RangeError('serverErrorBurst.length must be an integer in [1, every-1]');
    if (![500, 502, 503, 504].includes(status)) throw new RangeError('serverErrorBurst.status must be 500, 502, 503 or 504');
    out.serverErrorBurst = { every: e, length, status };
  }
  return out;
}

function activeFaults(f) {
  const o = {};
  if (f.rateLimitEvery) Object.assign(o, { rateLimitEvery: f.rateLimitEvery, retryAfterSeconds: f.retryAfterSeconds, retryAfterHttpDate: f.retryAfterHttpDate });
  if (f.serverErrorBurst) o.serverErrorBurst = { ...f.serverErrorBurst };
  if (f.slowEvery) Object.assign(o, { slowEvery: f.slowEvery, slowMs: f.slowMs });
  if (f.malformedEvery) o.malformedEvery = f.malformedEvery;
  if (f.expireTokensEvery) o.expireTokensEvery = f.expireTokensEvery;
  if (f.dropConnectionEvery) o.dropConnectionEvery = f.dropConnectionEvery;
  if (f.includeTokenEndpoint) o.includeTokenEndpoint = true;
  if (f.lateEventEvery) Object.assign(o, { lateEventEvery: f.lateEventEvery, lateEventMs: f.lateEventMs });
  if (f.repeatTokenEvery) o.repeatTokenEvery = f.repeatTokenEvery;
  if (f.oversizeEvery) Object.assign(o, { oversizeEvery: f.oversizeEvery, oversizeBytes: f.oversizeBytes, oversizeDeclared: f.oversizeDeclared });
  return o;
}

const freshCounters = () => ({ drop: 0, burst: 0, rateLimit: 0, expire: 0, malformed: 0, slow: 0, late: 0, repeat: 0, oversize: 0 });
const freshStats = () => ({
  requests: 0,
  apiRequests: 0,
  byEndpoint: {},
  byStatus: {},
  tokenRequests: 0,
  tokensIssued: 0,
  faultsInjected: { rateLimit: 0, serverError: 0, slow: 0, malformed: 0, expireToken: 0, dropConnection: 0, lateEvent: 0, repeatToken: 0, oversize: 0 },
  oversizeBytesSent: 0,
  webhooks: { runs: 0, ...freshDeliveryCounters() },
});

/** a response body serialized already (the events API splices stored envelopes) */
class RawJson {
  constructor(text) { this.text = text; }
}

/** events API page_size: default 10, above 100 clamped to 100 (not rejected, unlike users/groups) */
function parseEventPageSize(v) {
  if (v === null || v === undefined || v === '') return 10;
  if (!/^-?\d{1,9}$/.test(v)) throw badArg(`page_size must be an integer, got "${String(v).slice(0, 40)}"`);
  const n = Number(v);
  if (n < 0) throw badArg(`page_size must not be negative, got ${n}`);
  return n === 0 ? 10 : Math.min(n, 100);
}

function parseBool(v, name) {
  if (v === null || v === undefined || v === '') return false;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badArg(`${name} must be true or false`);
}

function parsePageSize(v, dflt, max) {
  if (v === null || v === undefined || v === '') return dflt;
  if (!/^-?\d{1,9}$/.test(v)) throw badArg(`page_size must be an integer, got "${String(v).slice(0, 40)}"`);
  const n = Number(v);
  if (n < 0 || n > max) throw badArg(`page_size must be between 0 and ${max}, got ${n}`);
  return n === 0 ? dflt : n;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
function parseRfc3339(v, name) {
  if (v === null || v === undefined || v === '') return null;
  const m = RFC3339.exec(v);
  const ms = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 4) : ''}${m[4].toUpperCase()}`) : NaN;
  if (!Number.isFinite(ms)) throw badArg(`${name} must be an RFC 3339 timestamp, got "${String(v).slice(0, 40)}"`);
  return ms;
}

/** the same, to ns (BigInt), for comparisons with changed records and events */
function parseRfc3339ToNs(v, name) {
  if (v === null || v === undefined || v === '') return null;
  const ns = parseRfc3339Ns(v);
  if (ns === null) throw badArg(`${name} must be an RFC 3339 timestamp, got "${String(v).slice(0, 40)}"`);
  return ns;
}

/**
 * Start the service.
 * @param {object} [options]
 * @param {number} [options.port=0]
 * @param {number|string} [options.seed=1]
 * @param {number} [options.orgs=2]
 * @param {number} [options.directoriesPerOrg=1]
 * @param {number|number[]} [options.usersPerDirectory=25]
 * @param {number} [options.groupsPerDirectory=5]
 * @param {number} [options.membershipsPerUser=2]
 * @param {number} [options.emptyOrgs=0]  the last N organizations have no directory
 * @param {number} [options.tokenTtlSeconds=86399]
 * @param {string} [options.clientId] default derived from seed
 * @param {string} [options.clientSecret] default derived from seed
 * @param {string} [options.webhookSecret] default derived from seed ("whsec_…")
 * @param {string} [options.environmentId] default derived from seed ("env_…")
 * @param {object} [options.faults] same shape as setFaults()
 * @param {object} [options.deliveryFaults] same shape as setDeliveryFaults()
 * @param {string|object} [options.webhookUrl] send every recorded event there (see setWebhookEndpoint())
 * @param {number} [options.eventRetention=100000] how many of the newest events the events API keeps
 */
export async function startDirectoryService(options = {}) {
  const store = createStore(options);
  const S = store.seedHash;
  const rng = mulberry32(hash(S, 99));
  const digitsN = (n) => { let s = String(1 + Math.floor(rng() * 9)); for (let i = 1; i < n; i++) s += Math.floor(rng() * 10); return s; };
  const seedBytes = (label, n) => createHash('sha256').update(`scimkit-directory-service:${label}:${store.options.seed}`).digest().subarray(0, n);
  const clientId = options.clientId ?? `skc_${digitsN(17)}`;
  const clientSecret = options.clientSecret ?? `test_${seedBytes('client-secret', 30).toString('base64url')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_${seedBytes('webhook-secret', 32).toString('base64')}`;
  const environmentId = options.environmentId ?? `env_${digitsN(17)}`;
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 86399;
  if (!(Number.isFinite(tokenTtlSeconds) && tokenTtlSeconds > 0)) throw new RangeError('tokenTtlSeconds must be > 0');
  const pageKey = seedBytes('page-token-key', 32);
  const MAX_TOKENS = 10_000;

  let faults = normalizeFaults(options.faults || {});
  let deliveryFaults = normalizeDeliveryFaults(options.deliveryFaults || {}, store.options.seed);
  let counters = freshCounters();
  let stats = freshStats();
  const tokens = new Map(); // token -> { expiresAt }
  const timers = new Map(); // timeout -> resolve
  const deliveries = new Set(); // AbortControllers
  let closed = false;
  let baseUrl = '';

  // ---------- events: the log, late visibility, the webhook dispatcher, the control API ----------
  const eventLog = new EventLog({ environmentId, retention: options.eventRetention ?? undefined });
  const dispatcher = new Dispatcher({ faults: () => deliveryFaults, count: (k) => { stats.webhooks[k]++; } });
  /** record one event: retained for the events API (late if the switch says so), queued for the subscriber */
  function recordEvent({ dir, type, object, data, stamp, lateMs }) {
    let late = lateMs;
    if (late === undefined) late = faults.lateEventEvery && ++counters.late % faults.lateEventEvery === 0 ? faults.lateEventMs : 0;
    if (late > 0) stats.faultsInjected.lateEvent++;
    const entry = eventLog.append({ type, object, organizationId: dir.org.id, data, stamp, lateMs: late });
    dispatcher.push(entry);
    return { id: entry.id, type, occurred_at: stamp.iso, ...(late > 0 ? { visible_after_ms: late } : {}) };
  }
  const mutator = createMutator(store, { stamp: () => eventLog.stamp(), emit: recordEvent });
  function mutate(input) {
    const ops = Array.isArray(input) ? input : input && Array.isArray(input.operations) ? input.operations : null;
    return ops ? mutator.applyAll(ops) : mutator.apply(input);
  }
  const webhookTarget = (t) => {
    if (t === null || t === undefined) return null;
    const o = typeof t === 'string' ? { url: t } : t;
    if (typeof o !== 'object' || Array.isArray(o)) throw new RangeError('webhook endpoint must be a URL string, {url, secret?, retrySchedule?, timeoutMs?} or null');
    for (const k of Object.keys(o)) if (!['url', 'secret', 'retrySchedule', 'timeoutMs'].includes(k)) throw new RangeError(`webhook endpoint: unknown key "${k}"`);
    if (o.url === null) return null;
    return { url: o.url, secret: o.secret ?? webhookSecret, retrySchedule: o.retrySchedule ?? [0, 50, 200], timeoutMs: o.timeoutMs ?? 5000 };
  };
  if (options.webhookUrl) await dispatcher.configure(webhookTarget(options.webhookUrl));

  // ---------- page tokens: base64url(JSON{o,f}) "." base64url(HMAC[:16]) ----------
  const fingerprint = (parts) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
  const macOf = (payload) => createHmac('sha256', pageKey).update(payload).digest().subarray(0, 16);
  function encodeToken(obj) {
    const payload = Buffer.from(JSON.stringify(obj)).toString('base64url');
    return `${payload}.${macOf(payload).toString('base64url')}`;
  }
  /** the token's object (MAC checked, fingerprint fp), or null for no token */
  function decodeToken(tok, fp) {
    if (tok === null || tok === undefined || tok === '') return null;
    const bad = () => badArg('invalid page_token');
    if (tok.length > 512) throw bad();
    const dot = tok.indexOf('.');
    if (dot < 1) throw bad();
    const payload = tok.slice(0, dot);
    const mac = Buffer.from(tok.slice(dot + 1), 'base64url');
    const want = macOf(payload);
    if (mac.length !== want.length || !timingSafeEqual(mac, want)) throw bad();
    let obj;
    try { obj = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { throw bad(); }
    if (!obj || obj.f !== fp) throw badArg('page_token does not belong to this query');
    return obj;
  }
  const encodePageToken = (offset, fp) => encodeToken({ o: offset, f: fp });
  function decodePageToken(tok, fp) {
    const obj = decodeToken(tok, fp);
    if (obj === null) return 0;
    if (!Number.isInteger(obj.o) || obj.o < 0) throw badArg('invalid page_token');
    return obj.o;
  }
  /**
   * A page of users or groups. The token names the index to continue from (`o`: the first index
   * >= o), not a position, so a user created or deleted between two pages shifts nothing.
   */
  function keysetPage(m, token, size, fp) {
    const start = m.lowerBound(decodePageToken(token, fp));
    const end = Math.min(m.total, start + size);
    return {
      start,
      end,
      next_page_token: end < m.total ? encodePageToken(m.at(end - 1) + 1, fp) : '',
      prev_page_token: start > 0 ? encodePageToken(m.at(Math.max(0, start - size)), fp) : '',
    };
  }
  function page(total, offset, size, fp) {
    const end = Math.min(total, offset + size);
    return {
      start: Math.min(offset, total),
      end,
      next_page_token: end < total ? encodePageToken(end, fp) : '',
      prev_page_token: offset > 0 ? encodePageToken(Math.max(0, offset - size), fp) : '',
    };
  }

  // ---------- stats ----------
  function record(endpoint, status) {
    stats.requests++;
    const e = (stats.byEndpoint[endpoint] ??= { total: 0, byStatus: {} });
    e.total++;
    e.byStatus[status] = (e.byStatus[status] ?? 0) + 1;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  }

  // ---------- response helpers ----------
  function setCors(res) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, Content-Length');
  }
  function sendJson(res, status, obj, { headers = {}, endpoint, truncate = false } = {}) {
    let body = obj instanceof RawJson ? obj.text : JSON.stringify(obj);
    if (truncate) body = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
    res.end(body);
    record(endpoint, status);
  }
  function sendError(res, e, endpoint, extra = {}) {
    if (e instanceof ApiError) return sendJson(res, e.status, errBody(e.code, e.message, e.errorCode), { headers: e.headers, endpoint, ...extra });
    return sendJson(res, 500, errBody(GRPC.INTERNAL, 'internal error', 'INTERNAL'), { endpoint, ...extra });
  }
  function delay(ms) {
    return new Promise((resolve) => {
      if (closed) return resolve();
      const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
      timers.set(t, resolve);
    });
  }
  function readBody(req, limit) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let n = 0;
      req.on('data', (c) => {
        n += c.length;
        if (n > limit) { reject(new ApiError(413, GRPC.INVALID_ARGUMENT, 'PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`)); req.destroy(); return; }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  // ---------- faults that precede routing (drop, 5xx burst, 429) ----------
  /** @returns {boolean} true if the request was consumed by a fault */
  function preFaults(req, res, endpoint) {
    if (faults.dropConnectionEvery && ++counters.drop % faults.dropConnectionEvery === 0) {
      stats.faultsInjected.dropConnection++;
      record(endpoint, 'dropped');
      req.socket.destroy();
      return true;
    }
    const b = faults.serverErrorBurst;
    if (b) {
      const pos = counters.burst++ % b.every;
      if (pos >= b.every - b.length) {
        stats.faultsInjected.serverError++;
        sendJson(res, b.status, errBody(GRPC.UNAVAILABLE, `injected ${b.status} (burst)`, 'UNAVAILABLE'), { endpoint, headers: { connection: 'close' } });
        return true;
      }
    }
    if (faults.rateLimitEvery && ++counters.rateLimit % faults.rateLimitEvery === 0) {
      stats.faultsInjected.rateLimit++;
      const s = faults.retryAfterSeconds;
      const retryAfter = faults.retryAfterHttpDate ? new Date(Math.ceil(Date.now() / 1000) * 1000 + s * 1000).toUTCString() : String(s);
      sendJson(res, 429, errBody(GRPC.RESOURCE_EXHAUSTED, 'rate limit exceeded', 'RATE_LIMIT_EXCEEDED'), { endpoint, headers: { 'retry-after': retryAfter } });
      return true;
    }
    return false;
  }

  // ---------- token endpoint ----------
  async function handleToken(req, res) {
    const endpoint = 'token';
    stats.tokenRequests++;
    if (req.method !== 'POST') return sendError(res, new ApiError(405, GRPC.UNIMPLEMENTED, 'METHOD_NOT_ALLOWED', 'use POST'), endpoint);
    if (faults.includeTokenEndpoint) {
      stats.apiRequests++;
      if (preFaults(req, res, endpoint)) return;
    }
    const raw = await readBody(req, 64 * 1024);
    const form = new URLSearchParams(raw);
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization || '');
    if (basic && id === null) {
      const dec = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = dec.indexOf(':');
      if (i >= 0) { id = decodeURIComponent(dec.slice(0, i)); secret = decodeURIComponent(dec.slice(i + 1)); }
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return sendJson(res, 400, errBody(GRPC.INVALID_ARGUMENT, 'grant_type must be client_credentials', 'UNSUPPORTED_GRANT_TYPE'), { endpoint });
    }
    const eq = (a, b) => typeof a === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
    if (!eq(id, clientId) || !eq(secret, clientSecret)) {
      return sendJson(res, 401, errBody(GRPC.UNAUTHENTICATED, 'invalid client credentials', 'INVALID_CLIENT'), { endpoint });
    }
    const token = randomBytes(32).toString('base64url');
    if (tokens.size >= MAX_TOKENS) {
      const now = Date.now();
      for (const [t, v] of tokens) if (v.expiresAt <= now) tokens.delete(t);
      while (tokens.size >= MAX_TOKENS) tokens.delete(tokens.keys().next().value);
    }
    tokens.set(token, { expiresAt: Date.now() + tokenTtlSeconds * 1000 });
    stats.tokensIssued++;
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: Math.ceil(tokenTtlSeconds) }, { endpoint });
  }

  function authenticate(req) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
    if (!m) throw new ApiError(401, GRPC.UNAUTHENTICATED, 'UNAUTHENTICATED', 'missing bearer token', { 'www-authenticate': 'Bearer' });
    const entry = tokens.get(m[1]);
    if (!entry) throw new ApiError(401, GRPC.UNAUTHENTICATED, 'UNAUTHENTICATED', 'unknown access token', { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (entry.expiresAt <= Date.now()) throw new ApiError(401, GRPC.UNAUTHENTICATED, 'TOKEN_EXPIRED', 'access token expired', { 'www-authenticate': 'Bearer error="invalid_token"' });
    return { token: m[1], entry };
  }

  // ---------- API routes ----------
  const ORG_RE = /^org_[A-Za-z0-9]{1,28}$/;
  const DIR_RE = /^dir_[A-Za-z0-9]{1,28}$/;
  function routeApi(path) {
    const p = path.split('/').filter(Boolean); // api v1 organizations ...
    if (p[0] === 'api' && p[1] === 'v1' && p[2] === 'events' && p[3] === 'paginated' && p.length === 4) return { endpoint: 'listEvents', method: 'POST' };
    if (p[0] !== 'api' || p[1] !== 'v1' || p[2] !== 'organizations') return null;
    if (p.length === 3) return { endpoint: 'listOrganizations' };
    const orgId = decodeURIComponent(p[3]);
    if (p.length === 5 && p[4] === 'directories') return { endpoint: 'listDirectories', orgId };
    if (p[4] !== 'directories') return null;
    const dirId = decodeURIComponent(p[5] ?? '');
    if (p.length === 6) return { endpoint: 'getDirectory', orgId, dirId };
    if (p.length === 7 && p[6] === 'users') return { endpoint: 'listUsers', orgId, dirId };
    if (p.length === 7 && p[6] === 'groups') return { endpoint: 'listGroups', orgId, dirId };
    return null;
  }
  function lookupOrg(orgId) {
    if (!ORG_RE.test(orgId)) throw badArg('organization_id must look like org_… (≤ 32 chars)');
    const org = store.orgById.get(orgId);
    if (!org) throw notFound(`organization ${orgId} not found`);
    return org;
  }
  function lookupDir(orgId, dirId) {
    const org = lookupOrg(orgId);
    if (!DIR_RE.test(dirId)) throw badArg('directory_id must look like dir_… (≤ 32 chars)');
    const dir = store.dirById.get(dirId);
    if (!dir || dir.org !== org) throw notFound(`directory ${dirId} not found in organization ${orgId}`);
    return dir;
  }

  /**
   * POST /api/v1/events/paginated: the JSON body is the filter (every member optional, snake_case or
   * the lowerCamel proto-JSON names), page_size and page_token are query parameters. Most recent
   * first, no total. Tokens are keyset cursors (an event sequence number), so events recorded while
   * a reader pages neither shift nor repeat what it sees.
   */
  function listEvents(q, raw) {
    const size = parseEventPageSize(q.get('page_size'));
    let f = {};
    if (raw.trim() !== '') {
      try { f = JSON.parse(raw); } catch { throw badArg('the body must be a JSON object (the event filter)'); }
    }
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw badArg('the body must be a JSON object (the event filter)');
    const NAMES = { event_types: 'eventTypes', start_time: 'startTime', end_time: 'endTime', organization_id: 'organizationId', source: 'source' };
    const known = new Set([...Object.keys(NAMES), ...Object.values(NAMES)]);
    for (const k of Object.keys(f)) if (!known.has(k)) throw badArg(`unknown filter field "${k.slice(0, 40)}" (known: ${Object.keys(NAMES).join(', ')})`);
    const get = (snake) => f[snake] ?? f[NAMES[snake]] ?? null;
    let types = get('event_types');
    if (types !== null) {
      if (!Array.isArray(types) || types.length > 100 || types.some((t) => typeof t !== 'string' || t.length > 200)) throw badArg('event_types must be an array of at most 100 strings');
      types = types.length ? new Set(types) : null;
    }
    const startNs = parseRfc3339ToNs(get('start_time'), 'start_time');
    const endNs = parseRfc3339ToNs(get('end_time'), 'end_time');
    if (startNs !== null && endNs !== null && startNs > endNs) throw badArg('start_time must not be after end_time');
    let orgId = get('organization_id');
    if (orgId === '') orgId = null;
    if (orgId !== null) {
      if (typeof orgId !== 'string') throw badArg('organization_id must be a string');
      lookupOrg(orgId);
    }
    let source = get('source');
    if (source === '' || source === 'SOURCE_UNSPECIFIED') source = null;
    if (source !== null && !EVENT_SOURCES.includes(source)) throw badArg(`source must be one of ${EVENT_SOURCES.join(', ')}`);
    const fp = fingerprint(['events', types ? [...types].sort() : null, startNs?.toString() ?? null, endNs?.toString() ?? null, orgId, source]);
    const tok = decodeToken(q.get('page_token'), fp);
    if (tok !== null && (!Number.isInteger(tok.c) || tok.c < 0 || (tok.d !== 'n' && tok.d !== 'p'))) throw badArg('invalid page_token');
    const pg = eventLog.page({ types, organizationId: orgId, startNs, endNs, source }, tok && { dir: tok.d, seq: tok.c }, size);
    const next = pg.older !== null ? encodeToken({ c: pg.older, d: 'n', f: fp }) : '';
    const prev = pg.newer !== null ? encodeToken({ c: pg.newer, d: 'p', f: fp }) : '';
    return new RawJson(`{"events":[${pg.entries.map((e) => e.json).join(',')}],"next_page_token":${JSON.stringify(next)},"prev_page_token":${JSON.stringify(prev)}}`);
  }

  function apiResponse(route, q, body = '') {
    switch (route.endpoint) {
      case 'listOrganizations': {
        const size = parsePageSize(q.get('page_size'), 10, 100);
        const ext = q.get('external_id') || null;
        const list = ext ? store.orgs.filter((o) => o.external_id === ext) : store.orgs;
        const fp = fingerprint(['orgs', ext]);
        const pg = page(list.length, decodePageToken(q.get('page_token'), fp), size, fp);
        return {
          organizations: list.slice(pg.start, pg.end).map(store.orgJson),
          next_page_token: pg.next_page_token,
          prev_page_token: pg.prev_page_token,
          total_size: list.length,
        };
      }
      case 'listDirectories': {
        const org = lookupOrg(route.orgId);
        return { directories: org.directories.map((d) => store.directoryJson(d, baseUrl)) };
      }
      case 'getDirectory':
        return { directory: store.directoryJson(lookupDir(route.orgId, route.dirId), baseUrl) };
      case 'listUsers': {
        const dir = lookupDir(route.orgId, route.dirId);
        const size = parsePageSize(q.get('page_size'), 10, 30);
        const detail = parseBool(q.get('include_detail'), 'include_detail');
        const updatedAfterMs = parseRfc3339(q.get('updated_after'), 'updated_after');
        const updatedAfterNs = parseRfc3339ToNs(q.get('updated_after'), 'updated_after');
        const gid = q.get('directory_group_id') || null;
        let groupIndex = null;
        if (gid !== null) {
          if (!/^dirgroup_[A-Za-z0-9]{1,28}$/.test(gid)) throw badArg('directory_group_id must look like dirgroup_… (≤ 37 chars)');
          groupIndex = store.parseGroupId(dir, gid);
        }
        const fp = fingerprint(['users', dir.id, gid, updatedAfterMs]);
        if (groupIndex === -1) { // well-formed but not in this directory: no matches
          decodePageToken(q.get('page_token'), fp);
          return { users: [], total_size: 0, next_page_token: '', prev_page_token: '' };
        }
        const m = store.userMatches(dir, { groupIndex, updatedAfterMs, updatedAfterNs }, fp);
        const pg = keysetPage(m, q.get('page_token'), size, fp);
        const users = [];
        for (let k = pg.start; k < pg.end; k++) users.push(store.userJson(dir, m.at(k), detail));
        return { users, total_size: m.total, next_page_token: pg.next_page_token, prev_page_token: pg.prev_page_token };
      }
      case 'listGroups': {
        const dir = lookupDir(route.orgId, route.dirId);
        const size = parsePageSize(q.get('page_size'), 10, 30);
        const detail = parseBool(q.get('include_detail'), 'include_detail');
        parseBool(q.get('include_external_groups'), 'include_external_groups'); // accepted; all seeded groups are SCIM-pushed
        const updatedAfterMs = parseRfc3339(q.get('updated_after'), 'updated_after');
        const updatedAfterNs = parseRfc3339ToNs(q.get('updated_after'), 'updated_after');
        const fp = fingerprint(['groups', dir.id, updatedAfterMs]);
        const m = store.groupMatches(dir, { updatedAfterMs, updatedAfterNs }, fp);
        const pg = keysetPage(m, q.get('page_token'), size, fp);
        const groups = [];
        for (let k = pg.start; k < pg.end; k++) groups.push(store.groupJson(dir, m.at(k), detail));
        return { groups, total_size: m.total, next_page_token: pg.next_page_token, prev_page_token: pg.prev_page_token };
      }
      case 'listEvents':
        return listEvents(q, body);
      default:
        throw notFound('no such endpoint');
    }
  }

  async function handleApi(req, res, u) {
    const route = routeApi(u.pathname);
    const endpoint = route ? route.endpoint : 'unknown';
    stats.apiRequests++;
    if (preFaults(req, res, endpoint)) return;
    let slow = false;
    if (faults.slowEvery && ++counters.slow % faults.slowEvery === 0) { slow = true; stats.faultsInjected.slow++; }
    let status = 200;
    let body;
    let truncate = false;
    let oversize = false;
    let err = null;
    try {
      const method = route?.method ?? 'GET';
      if (method === 'POST' ? req.method !== 'POST' : req.method !== 'GET' && req.method !== 'HEAD') {
        throw new ApiError(405, GRPC.UNIMPLEMENTED, 'METHOD_NOT_ALLOWED', `only ${method} is supported here`);
      }
      const reqBody = method === 'POST' ? await readBody(req, 64 * 1024) : '';
      const { token } = authenticate(req);
      if (faults.expireTokensEvery && ++counters.expire % faults.expireTokensEvery === 0) {
        tokens.set(token, { expiresAt: 0 });
        stats.faultsInjected.expireToken++;
        throw new ApiError(401, GRPC.UNAUTHENTICATED, 'TOKEN_EXPIRED', 'access token expired', { 'www-authenticate': 'Bearer error="invalid_token"' });
      }
      if (!route) throw notFound(`no route for ${u.pathname}`);
      body = apiResponse(route, u.searchParams, reqBody);
      if (faults.malformedEvery && ++counters.malformed % faults.malformedEvery === 0) { truncate = true; stats.faultsInjected.malformed++; }
      // A stuck cursor: the page names the token it was requested with as its next one. Only
      // listing pages asked for with a token and having a next page are eligible (and counted).
      const asked = u.searchParams.get('page_token');
      if (faults.repeatTokenEvery && asked && body?.next_page_token && ['listUsers', 'listGroups', 'listOrganizations'].includes(endpoint)
        && ++counters.repeat % faults.repeatTokenEvery === 0) {
        body = { ...body, next_page_token: asked };
        stats.faultsInjected.repeatToken++;
      }
      if (faults.oversizeEvery && ++counters.oversize % faults.oversizeEvery === 0) oversize = true;
    } catch (e) {
      err = e;
    }
    if (slow) await delay(faults.slowMs);
    if (closed) return;
    if (err) return sendError(res, err, endpoint);
    if (oversize) return sendOversize(res, status, body, endpoint);
    sendJson(res, status, body, { endpoint, truncate });
  }

  /**
   * The `oversize` fault: the page's JSON followed by `oversizeBytes` of whitespace (still valid
   * JSON), streamed in 64 KiB chunks as the client reads them — chunked, or with its true
   * Content-Length when `oversizeDeclared` — so the service never holds it. A client that stops
   * reading ends the stream: `stats.oversizeBytesSent` shows how much it took.
   */
  function sendOversize(res, status, obj, endpoint) {
    stats.faultsInjected.oversize++;
    const head = Buffer.from(obj instanceof RawJson ? obj.text : JSON.stringify(obj));
    const total = head.length + faults.oversizeBytes;
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    if (faults.oversizeDeclared) headers['content-length'] = total;
    res.writeHead(status, headers);
    record(endpoint, status);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = faults.oversizeBytes;
    const count = (n) => { stats.oversizeBytesSent += n; };
    res.write(head);
    count(head.length);
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, chunk.length);
        left -= n;
        count(n);
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => { left = 0; });
    pump();
  }

  // ---------- admin ----------
  function info() {
    return {
      url: baseUrl,
      client_id: clientId,
      client_secret: clientSecret,
      webhook_secret: webhookSecret,
      environment_id: environmentId,
      token_ttl_seconds: tokenTtlSeconds,
      options: store.options,
      organizations: store.orgs.map((o) => ({
        id: o.id,
        display_name: o.display_name,
        external_id: o.external_id,
        directories: o.directories.map((d) => {
          const ix = d._mut ? store.indexOf(d) : d; // live counts once the control API changed it
          return { id: d.id, name: d.name, provider: d.provider, total_users: ix.userCount, total_groups: ix.groupCount, enabled: d.enabled };
        }),
      })),
    };
  }
  async function handleAdmin(req, res, u) {
    const endpoint = `admin:${u.pathname.slice('/_admin/'.length)}`;
    const jsonBody = async () => {
      const raw = await readBody(req, 16 * 1024 * 1024);
      if (raw.trim() === '') return {};
      try { return JSON.parse(raw); } catch { throw badArg('body must be JSON'); }
    };
    const wrap = async (fn) => {
      try { return await fn(); } catch (e) {
        if (e instanceof RangeError) throw badArg(e.message);
        if (e instanceof MutationError) throw e.status === 404 ? notFound(e.message) : badArg(e.message);
        if (e && e.status === 400 && !(e instanceof ApiError)) throw badArg(e.message);
        throw e;
      }
    };
    const key = `${req.method} ${u.pathname}`;
    switch (key) {
      case 'GET /_admin/stats': return sendJson(res, 200, api.stats(), { endpoint });
      case 'POST /_admin/stats/reset': stats = freshStats(); return sendJson(res, 200, { ok: true }, { endpoint });
      case 'GET /_admin/faults': return sendJson(res, 200, activeFaults(faults), { endpoint });
      case 'POST /_admin/faults': { const f = await jsonBody(); await wrap(() => api.setFaults(f)); return sendJson(res, 200, activeFaults(faults), { endpoint }); }
      case 'GET /_admin/delivery-faults': return sendJson(res, 200, api.deliveryFaults(), { endpoint });
      case 'POST /_admin/delivery-faults': { const f = await jsonBody(); return sendJson(res, 200, await wrap(() => api.setDeliveryFaults(f)), { endpoint }); }
      case 'POST /_admin/mutate': {
        const o = await jsonBody();
        const out = await wrap(() => mutate(o));
        return sendJson(res, 200, { results: Array.isArray(out) ? out : [out] }, { endpoint });
      }
      case 'POST /_admin/events/release': return sendJson(res, 200, { released: api.releaseLateEvents() }, { endpoint });
      case 'GET /_admin/webhooks': return sendJson(res, 200, { ...dispatcher.status(), deliveries: dispatcher.deliveries() }, { endpoint });
      case 'POST /_admin/webhooks': { const o = await jsonBody(); return sendJson(res, 200, await wrap(() => api.setWebhookEndpoint(o.url === undefined ? null : o)), { endpoint }); }
      case 'POST /_admin/webhooks/flush': return sendJson(res, 200, await api.flushWebhooks(), { endpoint });
      case 'GET /_admin/info': return sendJson(res, 200, info(), { endpoint });
      case 'POST /_admin/tokens/revoke': { const n = tokens.size; tokens.clear(); return sendJson(res, 200, { revoked: n }, { endpoint }); }
      case 'POST /_admin/deliver': {
        const o = await jsonBody();
        const report = await api.deliverWebhooks({ secret: webhookSecret, ...o });
        return sendJson(res, 200, report, { endpoint });
      }
      default: throw notFound(`no admin route ${key}`);
    }
  }

  // ---------- dispatcher ----------
  async function onRequest(req, res) {
    setCors(res);
    let u;
    try { u = new URL(req.url, 'http://127.0.0.1'); } catch { return sendError(res, badArg('bad url'), 'unknown'); }
    const endpoint = u.pathname === '/oauth/token' ? 'token' : u.pathname.startsWith('/_admin/') ? 'admin' : (routeApi(u.pathname)?.endpoint ?? 'unknown');
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': req.headers['access-control-request-headers'] || 'Authorization, Content-Type',
          'access-control-max-age': '600',
          vary: 'Access-Control-Request-Headers',
          'content-length': 0,
        });
        res.end();
        record('preflight', 204);
        return;
      }
      if (u.pathname === '/oauth/token') return await handleToken(req, res);
      if (u.pathname.startsWith('/_admin/')) return await handleAdmin(req, res, u);
      if (u.pathname.startsWith('/api/')) return await handleApi(req, res, u);
      if (u.pathname === '/' || u.pathname === '/healthz') return sendJson(res, 200, { ok: true, service: 'scimkit-directory-service', docs: 'tools/directory-service/README.md' }, { endpoint: 'health' });
      throw notFound(`no route for ${u.pathname}`);
    } catch (e) {
      if (!(e instanceof ApiError)) console.error('[directory-service]', e);
      sendError(res, e instanceof ApiError ? e : (e && e.status === 404 ? notFound(e.message) : e && e.status ? new ApiError(e.status, GRPC.INVALID_ARGUMENT, 'INVALID_ARGUMENT', e.message) : e), endpoint);
    }
  }

  const server = http.createServer({ keepAliveTimeout: 5000, requestTimeout: 60_000 }, (req, res) => { onRequest(req, res); });
  server.on('clientError', (err, socket) => { if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'); else socket.destroy(); });
  const port = options.port ?? 0;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const actualPort = server.address().port;
  baseUrl = `http://127.0.0.1:${actualPort}`;

  const api = {
    url: baseUrl,
    port: actualPort,
    clientId,
    clientSecret,
    webhookSecret,
    environmentId,
    tokenUrl: `${baseUrl}/oauth/token`,
    /** seeded data: ids and helpers (user/group JSON by index) */
    seed: {
      seed: store.options.seed,
      options: store.options,
      organizations: info().organizations,
      user: (directoryId, i, includeDetail = false) => store.userJson(store.dirById.get(directoryId), i, includeDetail),
      group: (directoryId, g, includeDetail = false) => store.groupJson(store.dirById.get(directoryId), g, includeDetail),
      userRecord: (directoryId, i) => store.userRecord(store.dirById.get(directoryId), i),
      store,
    },
    /** replace the fault config ({} clears); resets fault counters */
    setFaults(f = {}) {
      faults = normalizeFaults(f);
      counters = freshCounters();
      return activeFaults(faults);
    },
    faults: () => activeFaults(faults),
    /** replace the delivery fault config ({} clears); applies to the subscriber and to deliverWebhooks() */
    setDeliveryFaults(f = {}) {
      deliveryFaults = normalizeDeliveryFaults(f, store.options.seed);
      return activeDeliveryFaults(deliveryFaults);
    },
    deliveryFaults: () => activeDeliveryFaults(deliveryFaults),
    stats: () => structuredClone({
      ...stats,
      activeTokens: tokens.size,
      faults: activeFaults(faults),
      deliveryFaults: activeDeliveryFaults(deliveryFaults),
      events: { recorded: eventLog.recorded, retained: eventLog.retained, hidden: eventLog.hiddenCount() },
    }),
    resetStats() { stats = freshStats(); },
    revokeTokens() { tokens.clear(); },
    async deliverWebhooks(opts = {}) {
      const ac = new AbortController();
      deliveries.add(ac);
      try {
        const report = await deliver(store, { secret: webhookSecret, ...opts }, { environmentId, signal: ac.signal, faults: deliveryFaults, log: eventLog });
        const w = stats.webhooks;
        w.runs++;
        for (const k of Object.keys(freshDeliveryCounters())) w[k] += report[k];
        return report;
      } finally {
        deliveries.delete(ac);
      }
    },
    // ---- the control API: changes that record events (see mutations.mjs) ----
    /** apply one operation ({op, …}) or several (an array, or {operations}); see README */
    mutate,
    createUser: (directoryId, user = {}, o = {}) => mutate({ op: 'createUser', directoryId, user, ...o }),
    updateUser: (id, user, o = {}) => mutate({ op: 'updateUser', id, user, ...o }),
    deleteUser: (id, o = {}) => mutate({ op: 'deleteUser', id, ...o }),
    createGroup: (directoryId, group = {}, o = {}) => mutate({ op: 'createGroup', directoryId, group, ...o }),
    updateGroup: (id, group, o = {}) => mutate({ op: 'updateGroup', id, group, ...o }),
    deleteGroup: (id, o = {}) => mutate({ op: 'deleteGroup', id, ...o }),
    addMembers: (groupId, userIds, o = {}) => mutate({ op: 'addMembers', groupId, userIds, ...o }),
    removeMembers: (groupId, userIds, o = {}) => mutate({ op: 'removeMembers', groupId, userIds, ...o }),
    /** every retained event, oldest first, as recorded (hidden late ones included) */
    events: () => eventLog.entries().map((e) => JSON.parse(e.json)),
    /** make every late event visible now; returns how many were hidden */
    releaseLateEvents: () => eventLog.release(),
    /** send every recorded event to url (string or {url, secret?, retrySchedule?, timeoutMs?}); null stops */
    setWebhookEndpoint: async (t) => dispatcher.configure(webhookTarget(t)),
    /** send what is queued or held back now; resolves when nothing is pending, with the counters */
    flushWebhooks: () => dispatcher.flush(),
    webhookStatus: () => dispatcher.status(),
    /** one entry per message sent to the subscriber (newest 10,000), oldest first */
    webhookDeliveries: () => structuredClone(dispatcher.deliveries()),
    async close() {
      if (closed) return;
      closed = true;
      dispatcher.close();
      for (const [t, resolve] of timers) { clearTimeout(t); resolve(); }
      timers.clear();
      for (const ac of deliveries) ac.abort();
      const done = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
  return api;
}

export default startDirectoryService;
