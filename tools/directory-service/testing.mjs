// Helpers for tests that drive the local directory service: tokens, API calls, walking the events
// API, and a webhook receiver on 127.0.0.1 that checks every signature with node:crypto
// (independently of the service's own signer). Every network wait is bounded.
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const TIMEOUT_MS = 10_000;

export async function accessToken(svc) {
  const res = await fetch(`${svc.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: svc.clientId, client_secret: svc.clientSecret }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return (await res.json()).access_token;
}

/** one call; `body` is sent as JSON when it is not a string */
export async function call(svc, tok, method, path, { query = {}, body } = {}) {
  const qs = new URLSearchParams(query).toString();
  const headers = tok ? { authorization: `Bearer ${tok}` } : {};
  const init = { method, headers, signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${svc.url}${path}${qs ? `?${qs}` : ''}`, init);
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, body: json, text, headers: res.headers };
}

/** one page of POST /api/v1/events/paginated */
export const eventsPage = (svc, tok, filter = {}, query = {}) => call(svc, tok, 'POST', '/api/v1/events/paginated', { query, body: filter });

/** every visible event matching `filter`, most recent first, following next_page_token (bounded) */
export async function allEvents(svc, tok, filter = {}, { pageSize = 100, maxPages = 1000 } = {}) {
  const out = [];
  let pageToken = '';
  for (let pages = 0; pages < maxPages; pages++) {
    const r = await eventsPage(svc, tok, filter, { page_size: pageSize, ...(pageToken ? { page_token: pageToken } : {}) });
    if (r.status !== 200) throw new Error(`events: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    out.push(...r.body.events);
    pageToken = r.body.next_page_token;
    if (!pageToken) return out;
  }
  throw new Error(`events: more than ${maxPages} pages`);
}

/** Standard Webhooks check with node:crypto: timestamp within 300 s, any v1 signature matching */
export function verifyWebhook(secret, headers, rawBody) {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof sigs !== 'string' || !/^\d+$/.test(ts ?? '') || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), rawBody])).digest();
  return sigs.split(' ').some((s) => {
    const [v, sig] = s.split(',');
    if (v !== 'v1' || !sig) return false;
    const got = Buffer.from(sig, 'base64');
    return got.length === want.length && timingSafeEqual(got, want);
  });
}

/**
 * A webhook receiver on 127.0.0.1 (port 0). Answers 201 to a verified delivery and 400 to one that
 * fails verification. `received`: every POST in arrival order,
 * `{ webhookId, raw (string), body (parsed or undefined), valid }`.
 */
export async function startReceiver(secret) {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const valid = verifyWebhook(secret, req.headers, raw);
      let body;
      try { body = JSON.parse(raw.toString('utf8')); } catch { body = undefined; }
      received.push({ webhookId: req.headers['webhook-id'], raw: raw.toString('utf8'), body, valid });
      res.statusCode = valid ? 201 : 400;
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** poll `cond` every 10 ms until true or `ms` passed (then throws) */
export async function waitFor(cond, ms = 5000, what = 'condition') {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
