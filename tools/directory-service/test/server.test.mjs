// node --test tools/directory-service/test/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startDirectoryService, signWebhook } from '../server.mjs';

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

async function token(svc, id = svc.clientId, secret = svc.clientSecret) {
  const res = await fetch(`${svc.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
  });
  return { status: res.status, body: await res.json() };
}

async function get(svc, tok, path, query = {}) {
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${svc.url}${path}${qs ? `?${qs}` : ''}`, { headers: tok ? { authorization: `Bearer ${tok}` } : {} });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: res.status, body, text, headers: res.headers };
}

const firstDir = (svc) => {
  const o = svc.seed.organizations[0];
  return { org: o.id, dir: o.directories[0].id, path: `/api/v1/organizations/${o.id}/directories/${o.directories[0].id}` };
};

function assertError(r, status, code, errorCode) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.code, code);
  assert.equal(typeof r.body.message, 'string');
  assert.equal(r.body.details[0]['@type'], ERROR_INFO);
  if (errorCode) assert.equal(r.body.details[0].error_code, errorCode);
}

/** independent Standard Webhooks verification (node:crypto) */
function verify(secret, headers, rawBody) {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), rawBody])).digest();
  return headers['webhook-signature'].split(' ').some((s) => {
    const [v, sig] = s.split(',');
    if (v !== 'v1' || !sig) return false;
    const got = Buffer.from(sig, 'base64');
    return got.length === want.length && timingSafeEqual(got, want);
  });
}

describe('directory service (1,000 users)', () => {
  let svc;
  let tok;
  before(async () => {
    svc = await startDirectoryService({ seed: 42, orgs: 3, usersPerDirectory: 1000, groupsPerDirectory: 7, membershipsPerUser: 2 });
    tok = (await token(svc)).body.access_token;
  });
  after(() => svc.close());

  test('binds 127.0.0.1 on an OS-picked port', () => {
    assert.match(svc.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(svc.port > 0);
  });

  test('token flow', async () => {
    const bad = await token(svc, svc.clientId, 'nope');
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body.details, [{ '@type': ERROR_INFO, error_code: 'INVALID_CLIENT' }]);
    assert.equal(bad.body.code, 16);
    const before = svc.stats().tokensIssued;
    const ok = await token(svc);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.token_type, 'Bearer');
    assert.equal(ok.body.expires_in, 86399);
    assert.match(ok.body.access_token, /^[A-Za-z0-9_-]{20,}$/);
    assert.equal(svc.stats().tokensIssued, before + 1);
    assertError(await get(svc, null, '/api/v1/organizations'), 401, 16, 'UNAUTHENTICATED');
    assertError(await get(svc, 'garbage', '/api/v1/organizations'), 401, 16, 'UNAUTHENTICATED');
    const r = await get(svc, ok.body.access_token, '/api/v1/organizations');
    assert.equal(r.status, 200);
    assert.equal(r.body.total_size, 3);
    assert.equal(r.body.organizations.length, 3);
    assert.equal(r.body.next_page_token, '');
    assert.equal(r.body.prev_page_token, '');
    const grant = await fetch(`${svc.url}/oauth/token`, { method: 'POST', body: 'grant_type=password' });
    assert.equal(grant.status, 400);
  });

  test('expired token -> 401 TOKEN_EXPIRED', async () => {
    const s = await startDirectoryService({ seed: 1, orgs: 1, usersPerDirectory: 3, tokenTtlSeconds: 0.2 });
    try {
      const t = (await token(s)).body.access_token;
      assert.equal((await get(s, t, '/api/v1/organizations')).status, 200);
      await new Promise((r) => setTimeout(r, 300));
      assertError(await get(s, t, '/api/v1/organizations'), 401, 16, 'TOKEN_EXPIRED');
    } finally { await s.close(); }
  });

  test('organizations, directories, get directory, 404/400 on ids', async () => {
    const { org, dir, path } = firstDir(svc);
    const p1 = await get(svc, tok, '/api/v1/organizations', { page_size: 2 });
    assert.equal(p1.body.organizations.length, 2);
    assert.notEqual(p1.body.next_page_token, '');
    const p2 = await get(svc, tok, '/api/v1/organizations', { page_size: 2, page_token: p1.body.next_page_token });
    assert.equal(p2.body.organizations.length, 1);
    assert.equal(p2.body.next_page_token, '');
    assert.notEqual(p2.body.prev_page_token, '');
    assertError(await get(svc, tok, '/api/v1/organizations', { page_size: 101 }), 400, 3, 'INVALID_ARGUMENT');
    const o = p1.body.organizations[0];
    for (const k of ['id', 'create_time', 'update_time', 'display_name', 'region_code', 'external_id', 'metadata', 'settings', 'slug', 'logo_url']) assert.ok(k in o, k);
    assert.ok(o.id.length <= 32 && o.id.startsWith('org_'));
    const ext = await get(svc, tok, '/api/v1/organizations', { external_id: o.external_id });
    assert.equal(ext.body.total_size, 1);

    const dirs = await get(svc, tok, `/api/v1/organizations/${org}/directories`);
    assert.equal(dirs.body.directories.length, 1);
    const d = (await get(svc, tok, path)).body.directory;
    assert.deepEqual(d, dirs.body.directories[0]);
    assert.equal(d.id, dir);
    assert.ok(d.id.length <= 32);
    assert.equal(d.directory_type, 'SCIM');
    assert.equal(d.organization_id, org);
    assert.equal(d.total_users, 1000);
    assert.equal(d.stats.total_groups, 7);
    assert.ok(['OKTA', 'GOOGLE', 'MICROSOFT_AD', 'AUTH0', 'ONELOGIN', 'JUMPCLOUD', 'PING_IDENTITY'].includes(d.directory_provider));
    for (const k of ['name', 'enabled', 'last_synced_at', 'directory_endpoint', 'role_assignments', 'attribute_mappings', 'status', 'email', 'groups_tracked', 'secrets']) assert.ok(k in d, k);

    assertError(await get(svc, tok, `/api/v1/organizations/${org}/directories/dir_999`), 404, 5, 'NOT_FOUND');
    assertError(await get(svc, tok, '/api/v1/organizations/org_999/directories'), 404, 5, 'NOT_FOUND');
    assertError(await get(svc, tok, `/api/v1/organizations/${org}/directories/nope`), 400, 3);
  });

  test('paging 1,000 users with page_size 30: each exactly once, total_size right', async () => {
    const { path } = firstDir(svc);
    const seen = new Set();
    let pageToken = '';
    let pages = 0;
    let prevTok = null;
    do {
      const r = await get(svc, tok, `${path}/users`, { page_size: 30, ...(pageToken ? { page_token: pageToken } : {}) });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.total_size, 1000);
      if (pages === 0) assert.equal(r.body.prev_page_token, '');
      else assert.notEqual(r.body.prev_page_token, '');
      if (pages === 1) prevTok = r.body.prev_page_token;
      for (const u of r.body.users) {
        assert.ok(!seen.has(u.id), `duplicate ${u.id}`);
        seen.add(u.id);
        assert.ok(u.id.startsWith('diruser_') && u.id.length <= 36);
      }
      pageToken = r.body.next_page_token;
      pages++;
      assert.ok(pages <= 40);
    } while (pageToken);
    assert.equal(seen.size, 1000);
    assert.equal(pages, 34);
    // prev token of page 2 leads back to page 1
    const back = await get(svc, tok, `${path}/users`, { page_size: 30, page_token: prevTok });
    const first = await get(svc, tok, `${path}/users`, { page_size: 30 });
    assert.deepEqual(back.body.users, first.body.users);
    // default page size 10
    assert.equal((await get(svc, tok, `${path}/users`)).body.users.length, 10);
  });

  test('page_size > 30 or < 0 -> 400 INVALID_ARGUMENT; groups the same', async () => {
    const { path } = firstDir(svc);
    assertError(await get(svc, tok, `${path}/users`, { page_size: 31 }), 400, 3, 'INVALID_ARGUMENT');
    assertError(await get(svc, tok, `${path}/users`, { page_size: -1 }), 400, 3, 'INVALID_ARGUMENT');
    assertError(await get(svc, tok, `${path}/users`, { page_size: 'ten' }), 400, 3, 'INVALID_ARGUMENT');
    assertError(await get(svc, tok, `${path}/groups`, { page_size: 31 }), 400, 3, 'INVALID_ARGUMENT');
    assert.equal((await get(svc, tok, `${path}/users`, { page_size: 30 })).body.users.length, 30);
  });

  test('tampered or foreign page_token -> 400', async () => {
    const { path } = firstDir(svc);
    const r = await get(svc, tok, `${path}/users`, { page_size: 5 });
    const t = r.body.next_page_token;
    const [payload, mac] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url')), o: 500 })).toString('base64url');
    assertError(await get(svc, tok, `${path}/users`, { page_token: `${forged}.${mac}` }), 400, 3, 'INVALID_ARGUMENT');
    assertError(await get(svc, tok, `${path}/users`, { page_token: `${t}x` }), 400, 3);
    assertError(await get(svc, tok, `${path}/users`, { page_token: 'garbage' }), 400, 3);
    // token for a different query (groups) is rejected
    assertError(await get(svc, tok, `${path}/groups`, { page_token: t }), 400, 3);
  });

  test('include_detail adds user_detail / group_detail (raw SCIM)', async () => {
    const { path } = firstDir(svc);
    const plain = await get(svc, tok, `${path}/users`, { page_size: 3 });
    for (const u of plain.body.users) assert.ok(!('user_detail' in u));
    const r = await get(svc, tok, `${path}/users`, { page_size: 3, include_detail: 'true' });
    for (const u of r.body.users) {
      assert.deepEqual(u.user_detail.schemas[0], 'urn:ietf:params:scim:schemas:core:2.0:User');
      assert.equal(u.user_detail.userName, u.email);
      assert.equal(u.user_detail.name.givenName, u.given_name);
      const { user_detail, ...rest } = u;
      assert.deepEqual(rest, plain.body.users.shift());
    }
    const u = r.body.users[0];
    for (const k of ['id', 'email', 'preferred_username', 'given_name', 'family_name', 'updated_at', 'emails', 'groups']) assert.ok(k in u, k);
    assert.ok(Array.isArray(u.emails) && u.emails.includes(u.email));
    assert.ok(!Number.isNaN(Date.parse(u.updated_at)));
    const g = await get(svc, tok, `${path}/groups`, { include_detail: 'true', include_external_groups: 'true' });
    assert.equal(g.body.total_size, 7);
    assert.equal(g.body.groups[0].group_detail.displayName, g.body.groups[0].display_name);
  });

  test('directory_group_id filter returns exactly the members', async () => {
    const { path } = firstDir(svc);
    const groups = (await get(svc, tok, `${path}/groups`, { page_size: 30 })).body.groups;
    const g = groups[3];
    assert.ok(g.id.startsWith('dirgroup_') && g.id.length <= 36);
    let pageToken = '';
    const ids = new Set();
    let total;
    for (let i = 0; i < 100; i++) {
      const r = await get(svc, tok, `${path}/users`, { page_size: 30, directory_group_id: g.id, ...(pageToken ? { page_token: pageToken } : {}) });
      assert.equal(r.status, 200, r.text);
      total = r.body.total_size;
      for (const u of r.body.users) {
        assert.ok(u.groups.some((x) => x.id === g.id));
        ids.add(u.id);
      }
      pageToken = r.body.next_page_token;
      if (!pageToken) break;
    }
    assert.equal(total, g.total_users);
    assert.equal(ids.size, g.total_users);
    assert.ok(total > 0 && total < 1000);
    // sum of memberships = users * membershipsPerUser
    assert.equal(groups.reduce((a, x) => a + x.total_users, 0), 2000);
    const none = await get(svc, tok, `${path}/users`, { directory_group_id: 'dirgroup_1' });
    assert.equal(none.body.total_size, 0);
    assertError(await get(svc, tok, `${path}/users`, { directory_group_id: 'grp_1' }), 400, 3);
  });

  test('updated_after filter (RFC 3339)', async () => {
    const { path } = firstDir(svc);
    const all = [];
    let pageToken = '';
    for (let i = 0; i < 40; i++) {
      const r = await get(svc, tok, `${path}/users`, { page_size: 30, ...(pageToken ? { page_token: pageToken } : {}) });
      all.push(...r.body.users);
      pageToken = r.body.next_page_token;
      if (!pageToken) break;
    }
    const cut = '2024-07-01T00:00:00.000000000+00:00';
    const expected = all.filter((u) => Date.parse(u.updated_at) > Date.parse('2024-07-01T00:00:00Z')).map((u) => u.id);
    assert.ok(expected.length > 100 && expected.length < 900);
    const got = [];
    pageToken = '';
    let total;
    for (let i = 0; i < 40; i++) {
      const r = await get(svc, tok, `${path}/users`, { page_size: 30, updated_after: cut, ...(pageToken ? { page_token: pageToken } : {}) });
      assert.equal(r.status, 200, r.text);
      total = r.body.total_size;
      got.push(...r.body.users.map((u) => u.id));
      pageToken = r.body.next_page_token;
      if (!pageToken) break;
    }
    assert.equal(total, expected.length);
    assert.deepEqual(got, expected);
    assertError(await get(svc, tok, `${path}/users`, { updated_after: 'yesterday' }), 400, 3);
    const gr = await get(svc, tok, `${path}/groups`, { updated_after: '2030-01-01T00:00:00Z' });
    assert.equal(gr.body.total_size, 0);
  });

  test('CORS: preflight and allow-origin', async () => {
    const res = await fetch(`${svc.url}/api/v1/organizations`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods'), /GET/);
    assert.match(res.headers.get('access-control-allow-methods'), /POST/);
    assert.match(res.headers.get('access-control-allow-headers'), /authorization/i);
    const r = await get(svc, tok, '/api/v1/organizations');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    const t = await fetch(`${svc.url}/oauth/token`, { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST' } });
    assert.equal(t.status, 204);
  });
});

test('determinism: same seed -> identical pages; other seed differs', async () => {
  const opts = { seed: 'det', orgs: 2, usersPerDirectory: 200, groupsPerDirectory: 6 };
  const [a, b, c] = await Promise.all([startDirectoryService(opts), startDirectoryService(opts), startDirectoryService({ ...opts, seed: 'other' })]);
  try {
    const [ta, tb, tc] = await Promise.all([a, b, c].map(async (s) => (await token(s)).body.access_token));
    assert.equal(a.clientId, b.clientId);
    assert.equal(a.webhookSecret, b.webhookSecret);
    const pa = firstDir(a).path;
    assert.equal(pa, firstDir(b).path);
    for (const q of [{ page_size: 30, include_detail: 'true' }, { page_size: 7, updated_after: '2024-06-01T00:00:00Z' }]) {
      const ra = await get(a, ta, `${pa}/users`, q);
      const rb = await get(b, tb, `${pa}/users`, q);
      assert.equal(ra.text, rb.text);
      const na = await get(a, ta, `${pa}/users`, { ...q, page_token: ra.body.next_page_token });
      const nb = await get(b, tb, `${pa}/users`, { ...q, page_token: rb.body.next_page_token });
      assert.equal(na.text, nb.text);
    }
    assert.equal((await get(a, ta, '/api/v1/organizations')).text, (await get(b, tb, '/api/v1/organizations')).text);
    assert.equal((await get(a, ta, `${pa}/groups`)).text, (await get(b, tb, `${pa}/groups`)).text);
    const rc = await get(c, tc, `${firstDir(c).path}/users`, { page_size: 30 });
    assert.notEqual(JSON.stringify(rc.body.users.map((u) => u.email)), JSON.stringify((await get(a, ta, `${pa}/users`, { page_size: 30 })).body.users.map((u) => u.email)));
    // non-ASCII names appear
    const names = (await get(a, ta, `${pa}/users`, { page_size: 30 })).body.users.map((u) => u.given_name + u.family_name).join('');
    assert.match(names, /[^\x00-\x7f]/);
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});

describe('faults', () => {
  let svc;
  let tok;
  let path;
  before(async () => {
    svc = await startDirectoryService({ seed: 7, orgs: 1, usersPerDirectory: 50 });
    tok = (await token(svc)).body.access_token;
    path = `${firstDir(svc).path}/users`;
  });
  after(() => svc.close());

  test('rateLimitEvery: every nth -> 429 with Retry-After seconds, then recovers', async () => {
    svc.setFaults({ rateLimitEvery: 3, retryAfterSeconds: 0 });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const r = await get(svc, tok, path);
      statuses.push(r.status);
      if (r.status === 429) {
        assert.equal(r.headers.get('retry-after'), '0');
        assert.equal(r.body.code, 8);
      }
    }
    assert.deepEqual(statuses, [200, 200, 429, 200, 200, 429]);
    svc.setFaults({ rateLimitEvery: 2, retryAfterSeconds: 2, retryAfterHttpDate: true });
    await get(svc, tok, path);
    const r = await get(svc, tok, path);
    assert.equal(r.status, 429);
    const when = Date.parse(r.headers.get('retry-after'));
    assert.ok(when > Date.now() && when <= Date.now() + 3000, r.headers.get('retry-after'));
    assert.match(r.headers.get('retry-after'), /GMT$/);
    assert.equal((await get(svc, tok, path)).status, 200);
    assert.ok(svc.stats().faultsInjected.rateLimit >= 3);
  });

  test('serverErrorBurst: bursts of 5xx that end', async () => {
    svc.setFaults({ serverErrorBurst: { every: 5, length: 2, status: 502 } });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await get(svc, tok, path)).status);
    assert.deepEqual(statuses, [200, 200, 200, 502, 502, 200, 200, 200, 502, 502]);
    assert.throws(() => svc.setFaults({ serverErrorBurst: { every: 3, length: 3 } }), RangeError);
    assert.throws(() => svc.setFaults({ rateLimitEvery: 1 }), RangeError);
  });

  test('slowEvery: delayed past a client timeout, then fine', async () => {
    svc.setFaults({ slowEvery: 2, slowMs: 400 });
    assert.equal((await get(svc, tok, path)).status, 200);
    const t0 = Date.now();
    await assert.rejects(fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${tok}` }, signal: AbortSignal.timeout(100) }));
    assert.ok(Date.now() - t0 < 350);
    const r = await get(svc, tok, path);
    assert.equal(r.status, 200);
    assert.equal(svc.stats().faultsInjected.slow, 1);
  });

  test('slowEvery: 1 delays every response (a pace, not a failure)', async () => {
    svc.setFaults({ slowEvery: 1, slowMs: 60 });
    const before = svc.stats().faultsInjected.slow;
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      assert.equal((await get(svc, tok, path)).status, 200);
      assert.ok(Date.now() - t0 >= 55, `response ${i} was delayed`);
    }
    assert.equal(svc.stats().faultsInjected.slow - before, 3);
  });

  test('malformedEvery: 200 with invalid JSON', async () => {
    svc.setFaults({ malformedEvery: 2 });
    const ok = await get(svc, tok, path);
    assert.ok(ok.body);
    const bad = await get(svc, tok, path);
    assert.equal(bad.status, 200);
    assert.equal(bad.body, undefined);
    assert.ok(bad.text.length > 0);
    assert.throws(() => JSON.parse(bad.text));
    assert.ok((await get(svc, tok, path)).body);
  });

  test('expireTokensEvery: token forgotten -> 401, new token works', async () => {
    svc.setFaults({ expireTokensEvery: 2 });
    const t = (await token(svc)).body.access_token;
    assert.equal((await get(svc, t, path)).status, 200);
    assertError(await get(svc, t, path), 401, 16, 'TOKEN_EXPIRED');
    assertError(await get(svc, t, path), 401, 16, 'TOKEN_EXPIRED');
    const t2 = (await token(svc)).body.access_token;
    assert.equal((await get(svc, t2, path)).status, 200);
    tok = t2;
  });

  test('repeatTokenEvery: a page asked for with a token names that token as its next one, then fine', async () => {
    svc.setFaults({ repeatTokenEvery: 2 });
    const users = path;
    const p1 = await get(svc, tok, users, { page_size: 5 });
    const t1 = p1.body.next_page_token;
    const p2 = await get(svc, tok, users, { page_size: 5, page_token: t1 }); // eligible #1
    assert.notEqual(p2.body.next_page_token, t1);
    const p3 = await get(svc, tok, users, { page_size: 5, page_token: p2.body.next_page_token }); // #2: repeats
    assert.equal(p3.body.next_page_token, p2.body.next_page_token, 'the page names its own token');
    assert.deepEqual(p3.body.users.map((u) => u.id), (await get(svc, tok, users, { page_size: 5, page_token: p2.body.next_page_token })).body.users.map((u) => u.id));
    const again = await get(svc, tok, users, { page_size: 5, page_token: p2.body.next_page_token }); // #4: repeats again
    assert.equal(again.body.next_page_token, p2.body.next_page_token);
    assert.equal(svc.stats().faultsInjected.repeatToken, 2);
    assert.throws(() => svc.setFaults({ repeatTokenEvery: 1 }), RangeError);
  });

  test('oversizeEvery: a valid page padded with whitespace, streamed; a reader that stops ends it', async () => {
    for (const declared of [false, true]) {
      svc.setFaults({ oversizeEvery: 2, oversizeBytes: 8 * 1024 * 1024, oversizeDeclared: declared });
      svc.resetStats();
      const users = path;
      assert.equal((await get(svc, tok, users, { page_size: 2 })).status, 200);
      // Read whole: still JSON, 8 MiB longer.
      const big = await get(svc, tok, users, { page_size: 2 });
      assert.equal(big.status, 200);
      assert.equal(big.body.users.length, 2);
      assert.ok(big.text.length > 8 * 1024 * 1024);
      assert.equal(big.headers.get('content-length') !== null, declared);
      // A reader that stops after the first chunk: the service stops streaming.
      svc.setFaults({ oversizeEvery: 2, oversizeBytes: 512 * 1024 * 1024, oversizeDeclared: declared });
      svc.resetStats();
      await get(svc, tok, users, { page_size: 2 });
      const ctrl = new AbortController();
      const res = await fetch(`${svc.url}${users}?page_size=2`, { headers: { authorization: `Bearer ${tok}` }, signal: ctrl.signal });
      const reader = res.body.getReader();
      await reader.read();
      ctrl.abort();
      await reader.cancel().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
      const sent = svc.stats().oversizeBytesSent;
      assert.ok(sent < 64 * 1024 * 1024, `sent ${sent} bytes of 512 MiB`);
      assert.equal(svc.stats().faultsInjected.oversize, 1);
    }
    svc.setFaults({});
  });

  test('dropConnectionEvery: socket destroyed -> network error, retry works', async () => {
    svc.setFaults({ dropConnectionEvery: 2 });
    assert.equal((await get(svc, tok, path)).status, 200);
    await assert.rejects(get(svc, tok, path), TypeError);
    assert.equal((await get(svc, tok, path)).status, 200);
    assert.equal(svc.stats().faultsInjected.dropConnection, 1);
  });

  test('admin endpoints: POST /_admin/faults, GET /_admin/stats, exactly one token request', async () => {
    const s = await startDirectoryService({ seed: 3, orgs: 1, usersPerDirectory: 5 });
    try {
      const set = await fetch(`${s.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ rateLimitEvery: 2, retryAfterSeconds: 0 }) });
      assert.equal(set.status, 200);
      assert.deepEqual(await set.json(), { rateLimitEvery: 2, retryAfterSeconds: 0, retryAfterHttpDate: false });
      const badSet = await fetch(`${s.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ bogus: 1 }) });
      assert.equal(badSet.status, 400);
      const t = (await token(s)).body.access_token;
      const p = `${firstDir(s).path}/users`;
      const st = [];
      for (let i = 0; i < 4; i++) st.push((await get(s, t, p)).status);
      assert.deepEqual(st, [200, 429, 200, 429]);
      const clear = await fetch(`${s.url}/_admin/faults`, { method: 'POST', body: '{}' });
      assert.deepEqual(await clear.json(), {});
      const stats = await (await fetch(`${s.url}/_admin/stats`)).json();
      assert.equal(stats.tokensIssued, 1);
      assert.equal(stats.byEndpoint.token.total, 1);
      assert.equal(stats.byEndpoint.listUsers.byStatus['429'], 2);
      assert.equal(stats.faultsInjected.rateLimit, 2);
      const info = await (await fetch(`${s.url}/_admin/info`)).json();
      assert.equal(info.client_id, s.clientId);
    } finally { await s.close(); }
  });

  test('faults on the token endpoint when includeTokenEndpoint', async () => {
    const s = await startDirectoryService({ seed: 3, orgs: 1, usersPerDirectory: 5, faults: { serverErrorBurst: { every: 2, length: 1, status: 503 }, includeTokenEndpoint: true } });
    try {
      assert.equal((await token(s)).status, 200);
      assert.equal((await token(s)).status, 503);
      assert.equal((await token(s)).status, 200);
    } finally { await s.close(); }
  });
});

test('signWebhook matches the reference vectors', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/webhook-vectors.json', import.meta.url), 'utf8').toString());
  let n = 0;
  for (const v of vectors.vectors) {
    if (typeof v.payload !== 'string' || !v.expected_signature || !v.secret?.startsWith('whsec_')) continue;
    assert.equal(signWebhook(v.secret, v.msg_id, v.timestamp, v.payload), v.expected_signature, v.name);
    n++;
  }
  assert.ok(n >= 2);
});

test('signWebhook canonical vector (inline)', () => {
  assert.equal(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

describe('webhook deliveries', () => {
  test('seed sequence: signed, verified, retried after 500, duplicates', async () => {
    const svc = await startDirectoryService({ seed: 11, orgs: 1, usersPerDirectory: 12, groupsPerDirectory: 3 });
    const received = [];
    let calls = 0;
    const receiver = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        calls++;
        const raw = Buffer.concat(chunks);
        const ok = verify(svc.webhookSecret, req.headers, raw);
        received.push({ id: req.headers['webhook-id'], ok, ct: req.headers['content-type'], body: JSON.parse(raw) });
        // fail the 1st and 2nd call: the first message is retried twice, then succeeds
        res.statusCode = calls <= 2 ? 500 : 201;
        res.end();
      });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${receiver.address().port}/hooks`;
      const report = await svc.deliverWebhooks({ url, duplicates: true, retrySchedule: [0, 20, 50] });
      assert.ok(received.every((r) => r.ok), 'all signatures verify');
      assert.ok(received.every((r) => r.ct === 'application/json'));
      const types = received.map((r) => r.body.type);
      assert.equal(types.filter((t) => t === 'organization.directory.user_created').length >= 12, true);
      const unique = new Map();
      for (const r of received) unique.set(r.id, r.body);
      const uTypes = [...unique.values()].map((b) => b.type);
      assert.equal(uTypes.filter((t) => t === 'organization.directory.user_created').length, 12);
      assert.equal(uTypes.filter((t) => t === 'organization.directory.group_created').length, 3);
      assert.equal(uTypes.filter((t) => t === 'organization.directory.group_updated').length, 3);
      assert.equal(uTypes.filter((t) => t === 'organization.directory.user_updated').length, 2);
      assert.deepEqual(uTypes.slice(-2), ['organization.directory.user_deleted', 'organization.directory.group_deleted']);
      // envelope
      const first = received[0].body;
      assert.equal(first.spec_version, '1');
      assert.match(first.id, /^evt_/);
      assert.match(first.environment_id, /^env_/);
      assert.match(first.occurred_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
      assert.equal(first.object, 'DirectoryUser');
      assert.match(first.data.id, /^diruser_/);
      assert.equal(first.data.organization_id, first.organization_id);
      assert.ok([...unique.values()].some((b) => b.type.endsWith('user_created') && b.data.groups === null));
      const deactivated = [...unique.values()].find((b) => b.type.endsWith('user_updated') && b.data.active === false);
      assert.ok(deactivated);
      const del = [...unique.values()].find((b) => b.type.endsWith('user_deleted'));
      assert.deepEqual(Object.keys(del.data).sort(), ['dp_id', 'email', 'id', 'organization_id']);
      const gu = [...unique.values()].find((b) => b.type.endsWith('group_updated'));
      assert.ok(Array.isArray(gu.data.raw_attributes.members));
      // retries kept the same webhook-id
      assert.equal(received[0].id, received[1].id);
      assert.equal(received[1].id, received[2].id);
      assert.equal(report.retried, 2);
      assert.equal(report.events[0].attempts, 3);
      assert.deepEqual(report.events[0].statuses.slice(0, 3), [500, 500, 201]);
      // duplicates: same webhook-id received twice after success
      assert.ok(report.duplicates >= 4);
      const counts = new Map();
      for (const r of received) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
      const dupIds = report.events.filter((e) => e.duplicated).map((e) => e.webhook_id);
      assert.equal(dupIds.length, report.duplicates);
      for (const id of dupIds) assert.ok(counts.get(id) >= 2);
      assert.equal(report.delivered, unique.size);
      assert.equal(report.failures, 0);
      assert.equal(report.sent, received.length);
      assert.equal(svc.stats().webhooks.sent, received.length);
    } finally {
      await svc.close();
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }
  });

  test('failures are bounded; POST /_admin/deliver works', async () => {
    const svc = await startDirectoryService({ seed: 12, orgs: 1, usersPerDirectory: 2, groupsPerDirectory: 1 });
    let calls = 0;
    const receiver = http.createServer((req, res) => { calls++; req.resume(); res.statusCode = 503; res.end(); });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${receiver.address().port}/`;
      const r1 = await fetch(`${svc.url}/_admin/deliver`, { method: 'POST', body: JSON.stringify({ url, retrySchedule: [0, 10], maxUsers: 2 }) });
      assert.equal(r1.status, 200);
      const rep = await r1.json();
      // 2 created + 1 group_created + 1 group_updated + 2 user_updated + user_deleted + group_deleted = 8 messages x 3 attempts
      assert.equal(rep.failures, 8);
      assert.equal(rep.sent, 24);
      assert.equal(calls, 24);
      const r2 = await svc.deliverWebhooks({ url: 'http://127.0.0.1:1/', retryOnFailure: false, events: [{ type: 'organization.directory_enabled', data: { id: 'dir_1' } }] });
      assert.equal(r2.failures, 1);
      assert.equal(r2.sent, 1);
    } finally {
      await svc.close();
      await new Promise((r) => receiver.close(r));
    }
  });
});

test('100,000-user directory: first and last page served quickly', async () => {
  const svc = await startDirectoryService({ seed: 5, orgs: 1, usersPerDirectory: 100_000, groupsPerDirectory: 20 });
  try {
    const tok = (await token(svc)).body.access_token;
    const { path } = firstDir(svc);
    let t0 = performance.now();
    const first = await get(svc, tok, `${path}/users`, { page_size: 30 });
    const firstMs = performance.now() - t0;
    assert.equal(first.body.total_size, 100_000);
    assert.ok(firstMs < 1000, `first page ${firstMs} ms`);
    // walk to the end (3,334 pages) – each page O(page)
    let pageToken = first.body.next_page_token;
    let count = first.body.users.length;
    let last;
    let pages = 1;
    let lastMs = 0;
    while (pageToken && pages < 4000) {
      t0 = performance.now();
      last = await get(svc, tok, `${path}/users`, { page_size: 30, page_token: pageToken });
      lastMs = performance.now() - t0;
      count += last.body.users.length;
      pageToken = last.body.next_page_token;
      pages++;
    }
    assert.equal(count, 100_000);
    assert.equal(pages, 3334);
    assert.equal(last.body.users.length, 10);
    assert.equal(last.body.users.at(-1).id, svc.seed.user(firstDir(svc).dir, 99_999).id);
    assert.ok(lastMs < 100, `last page ${lastMs} ms`);
    // a group filter over 100k is indexed once, then O(page)
    const g = (await get(svc, tok, `${path}/groups`)).body.groups[0];
    t0 = performance.now();
    const f = await get(svc, tok, `${path}/users`, { page_size: 30, directory_group_id: g.id });
    assert.equal(f.body.total_size, g.total_users);
    assert.ok(performance.now() - t0 < 500);
  } finally {
    await svc.close();
  }
});
