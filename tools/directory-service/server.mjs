// scimkit local directory service: the reference Directory API REST contract on 127.0.0.1,
// deterministic seeded data, switchable deterministic faults, signed webhook deliveries.
// Node built-ins only. Node 20+.
import http from 'node:http';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createStore, mulberry32, hash } from './data.mjs';
import { deliver } from './webhooks.mjs';

export { signWebhook } from './webhooks.mjs';

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
  'malformedEvery', 'expireTokensEvery', 'dropConnectionEvery', 'includeTokenEndpoint'];

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
    slowEvery: every('slowEvery', f.slowEvery),
    slowMs: f.slowMs ?? 2000,
    malformedEvery: every('malformedEvery', f.malformedEvery),
    expireTokensEvery: every('expireTokensEvery', f.expireTokensEvery),
    dropConnectionEvery: every('dropConnectionEvery', f.dropConnectionEvery),
    includeTokenEndpoint: Boolean(f.includeTokenEndpoint),
  };
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
  return o;
}

const freshCounters = () => ({ drop: 0, burst: 0, rateLimit: 0, expire: 0, malformed: 0, slow: 0 });
const freshStats = () => ({
  requests: 0,
  apiRequests: 0,
  byEndpoint: {},
  byStatus: {},
  tokenRequests: 0,
  tokensIssued: 0,
  faultsInjected: { rateLimit: 0, serverError: 0, slow: 0, malformed: 0, expireToken: 0, dropConnection: 0 },
  webhooks: { runs: 0, sent: 0, delivered: 0, retried: 0, duplicates: 0, failures: 0 },
});

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
  let counters = freshCounters();
  let stats = freshStats();
  const tokens = new Map(); // token -> { expiresAt }
  const timers = new Map(); // timeout -> resolve
  const deliveries = new Set(); // AbortControllers
  let closed = false;
  let baseUrl = '';

  // ---------- page tokens: base64url(JSON{o,f}) "." base64url(HMAC[:16]) ----------
  const fingerprint = (parts) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
  const macOf = (payload) => createHmac('sha256', pageKey).update(payload).digest().subarray(0, 16);
  function encodePageToken(offset, fp) {
    const payload = Buffer.from(JSON.stringify({ o: offset, f: fp })).toString('base64url');
    return `${payload}.${macOf(payload).toString('base64url')}`;
  }
  function decodePageToken(tok, fp) {
    if (tok === null || tok === undefined || tok === '') return 0;
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
    if (!Number.isInteger(obj.o) || obj.o < 0) throw bad();
    return obj.o;
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
    let body = JSON.stringify(obj);
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

  function apiResponse(route, q) {
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
        const m = store.userMatches(dir, { groupIndex, updatedAfterMs }, fp);
        const pg = page(m.total, decodePageToken(q.get('page_token'), fp), size, fp);
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
        const fp = fingerprint(['groups', dir.id, updatedAfterMs]);
        const m = store.groupMatches(dir, { updatedAfterMs }, fp);
        const pg = page(m.total, decodePageToken(q.get('page_token'), fp), size, fp);
        const groups = [];
        for (let k = pg.start; k < pg.end; k++) groups.push(store.groupJson(dir, m.at(k), detail));
        return { groups, total_size: m.total, next_page_token: pg.next_page_token, prev_page_token: pg.prev_page_token };
      }
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
    let err = null;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, GRPC.UNIMPLEMENTED, 'METHOD_NOT_ALLOWED', 'only GET is supported');
      const { token } = authenticate(req);
      if (faults.expireTokensEvery && ++counters.expire % faults.expireTokensEvery === 0) {
        tokens.set(token, { expiresAt: 0 });
        stats.faultsInjected.expireToken++;
        throw new ApiError(401, GRPC.UNAUTHENTICATED, 'TOKEN_EXPIRED', 'access token expired', { 'www-authenticate': 'Bearer error="invalid_token"' });
      }
      if (!route) throw notFound(`no route for ${u.pathname}`);
      body = apiResponse(route, u.searchParams);
      if (faults.malformedEvery && ++counters.malformed % faults.malformedEvery === 0) { truncate = true; stats.faultsInjected.malformed++; }
    } catch (e) {
      err = e;
    }
    if (slow) await delay(faults.slowMs);
    if (closed) return;
    if (err) return sendError(res, err, endpoint);
    sendJson(res, status, body, { endpoint, truncate });
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
        directories: o.directories.map((d) => ({ id: d.id, name: d.name, provider: d.provider, total_users: d.userCount, total_groups: d.groupCount, enabled: d.enabled })),
      })),
    };
  }
  async function handleAdmin(req, res, u) {
    const endpoint = `admin:${u.pathname.slice('/_admin/'.length)}`;
    const jsonBody = async () => {
      const raw = await readBody(req, 1024 * 1024);
      if (raw.trim() === '') return {};
      try { return JSON.parse(raw); } catch { throw badArg('body must be JSON'); }
    };
    const wrap = (fn) => { try { return fn(); } catch (e) { throw e instanceof RangeError ? badArg(e.message) : e; } };
    const key = `${req.method} ${u.pathname}`;
    switch (key) {
      case 'GET /_admin/stats': return sendJson(res, 200, api.stats(), { endpoint });
      case 'POST /_admin/stats/reset': stats = freshStats(); return sendJson(res, 200, { ok: true }, { endpoint });
      case 'GET /_admin/faults': return sendJson(res, 200, activeFaults(faults), { endpoint });
      case 'POST /_admin/faults': { const f = await jsonBody(); wrap(() => api.setFaults(f)); return sendJson(res, 200, activeFaults(faults), { endpoint }); }
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
    stats: () => structuredClone({ ...stats, activeTokens: tokens.size, faults: activeFaults(faults) }),
    resetStats() { stats = freshStats(); },
    revokeTokens() { tokens.clear(); },
    async deliverWebhooks(opts = {}) {
      const ac = new AbortController();
      deliveries.add(ac);
      try {
        const report = await deliver(store, { secret: webhookSecret, ...opts }, { environmentId, signal: ac.signal });
        const w = stats.webhooks;
        w.runs++;
        for (const k of ['sent', 'delivered', 'retried', 'duplicates', 'failures']) w[k] += report[k];
        return report;
      } finally {
        deliveries.delete(ac);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
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
