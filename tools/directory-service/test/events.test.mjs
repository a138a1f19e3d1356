// node --test tools/directory-service/test/
// The control API (changes that record events) and the events API (POST /api/v1/events/paginated).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDirectoryService } from '../server.mjs';
import { accessToken, call, eventsPage, allEvents } from '../testing.mjs';

const T = (s) => `organization.directory.${s}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function dirPath(svc, o = 0) {
  const org = svc.seed.organizations[o];
  return { org: org.id, dir: org.directories[0].id, path: `/api/v1/organizations/${org.id}/directories/${org.directories[0].id}` };
}

async function listAll(svc, tok, path, key, query = {}) {
  const out = [];
  let pageToken = '';
  for (let i = 0; i < 200; i++) {
    const r = await call(svc, tok, 'GET', path, { query: { page_size: 30, ...query, ...(pageToken ? { page_token: pageToken } : {}) } });
    assert.equal(r.status, 200, r.text);
    out.push(...r.body[key]);
    pageToken = r.body.next_page_token;
    if (!pageToken) return out;
  }
  throw new Error('too many pages');
}

describe('control API: changes show in the listings and record one event each', () => {
  let svc;
  let tok;
  let d;
  before(async () => {
    svc = await startDirectoryService({ seed: 21, orgs: 2, usersPerDirectory: 0, groupsPerDirectory: 0 });
    tok = await accessToken(svc);
    d = dirPath(svc);
  });
  after(() => svc.close());

  test('create, update, deactivate, memberships, delete', async () => {
    const eng = svc.createGroup(d.dir, { display_name: 'Engineering', external_id: 'eng' });
    const ops = svc.createGroup(d.dir, { display_name: 'Ops', external_id: null });
    const ann = svc.createUser(d.dir, { email: 'ann@corp.example', given_name: 'Ann', family_name: 'Lee', groups: [eng.id] });
    const bob = svc.createUser(d.dir, { email: 'bob@corp.example', given_name: 'Bob', family_name: 'Ng', title: 'SRE' });
    for (const r of [eng, ops, ann, bob]) assert.equal(r.events.length, 1);
    assert.equal(ann.events[0].type, T('user_created'));
    assert.equal(eng.events[0].type, T('group_created'));

    let users = await listAll(svc, tok, `${d.path}/users`, 'users', { include_detail: 'true' });
    assert.deepEqual(users.map((u) => u.id), [ann.id, bob.id]);
    assert.equal(users[0].email, 'ann@corp.example');
    assert.deepEqual(users[0].emails, ['ann@corp.example']);
    assert.deepEqual(users[0].groups.map((g) => [g.id, g.display_name, g.total_users]), [[eng.id, 'Engineering', 1]]);
    assert.equal(users[0].user_detail.active, true);
    // the listing's updated_at is the event's occurred_at, to the nanosecond
    assert.equal(users[0].updated_at, ann.events[0].occurred_at);
    assert.match(users[0].updated_at, /\.\d{9}Z$/);

    const upd = svc.updateUser(bob.id, { title: 'Staff SRE', email: 'robert@corp.example' });
    assert.equal(upd.events[0].type, T('user_updated'));
    const off = svc.updateUser(ann.id, { active: false });
    assert.equal(off.events.length, 1);
    assert.deepEqual(svc.updateUser(ann.id, { active: false }).events, [], 'a change that changes nothing records nothing');
    const add = svc.addMembers(ops.id, [ann.id, bob.id, bob.id]);
    assert.equal(add.events.length, 2, 'one user_updated per user whose groups changed');
    assert.deepEqual(svc.addMembers(ops.id, [ann.id]).events, []);
    assert.deepEqual(svc.updateUser(bob.id, { groups: [ops.id] }).events, [], 'same groups');
    const rm = svc.removeMembers(eng.id, [ann.id]);
    assert.equal(rm.events.length, 1);
    const ren = svc.updateGroup(ops.id, { display_name: 'Operations' });
    assert.equal(ren.events[0].type, T('group_updated'));

    users = await listAll(svc, tok, `${d.path}/users`, 'users', { include_detail: 'true' });
    const [a, b] = users;
    assert.equal(a.user_detail.active, false);
    assert.deepEqual(a.groups.map((g) => g.display_name), ['Operations']);
    assert.equal(b.email, 'robert@corp.example');
    assert.deepEqual(b.emails, ['robert@corp.example']);
    assert.equal(b.user_detail.title, 'Staff SRE');
    const members = await listAll(svc, tok, `${d.path}/users`, 'users', { directory_group_id: ops.id });
    assert.deepEqual(members.map((u) => u.id), [ann.id, bob.id]);
    assert.equal((await listAll(svc, tok, `${d.path}/users`, 'users', { directory_group_id: eng.id })).length, 0);

    const delU = svc.deleteUser(bob.id);
    assert.equal(delU.events[0].type, T('user_deleted'));
    const delG = svc.deleteGroup(ops.id);
    assert.equal(delG.events[0].type, T('group_deleted'));
    users = await listAll(svc, tok, `${d.path}/users`, 'users');
    assert.deepEqual(users.map((u) => [u.id, u.groups.length]), [[ann.id, 0]], 'deleted user gone, deleted group gone from its members');
    const groups = await listAll(svc, tok, `${d.path}/groups`, 'groups');
    assert.deepEqual(groups.map((g) => g.id), [eng.id]);
    const dir = (await call(svc, tok, 'GET', d.path)).body.directory;
    assert.equal(dir.total_users, 1);
    assert.equal(dir.total_groups, 1);
    assert.equal((await call(svc, tok, 'GET', `${d.path}/users`, { query: { directory_group_id: ops.id } })).body.total_size, 0);

    // the event log holds exactly these events, in this order, each with its data
    const all = [eng, ops, ann, bob, upd, off, add, rm, ren, delU, delG].flatMap((r) => r.events);
    const log = svc.events();
    assert.deepEqual(log.map((e) => e.id), all.map((e) => e.id));
    assert.deepEqual(log.map((e) => e.occurred_at), all.map((e) => e.occurred_at));
    for (let k = 1; k < log.length; k++) assert.ok(log[k].occurred_at > log[k - 1].occurred_at, 'occurred_at strictly increases');
    const created = log.find((e) => e.id === ann.events[0].id);
    assert.equal(created.spec_version, '1');
    assert.equal(created.object, 'DirectoryUser');
    assert.equal(created.organization_id, d.org);
    assert.equal(created.environment_id, svc.environmentId);
    assert.equal(created.data.directory_id, d.dir);
    assert.deepEqual(created.data.groups, [{ id: eng.id, name: 'Engineering' }]);
    assert.equal(created.data.raw_attributes.userName, 'ann@corp.example');
    const deact = log.find((e) => e.id === off.events[0].id);
    assert.equal(deact.data.active, false);
    const deleted = log.find((e) => e.id === delU.events[0].id);
    assert.deepEqual(Object.keys(deleted.data).sort(), ['dp_id', 'email', 'id', 'organization_id']);
    const gDel = log.find((e) => e.id === delG.events[0].id);
    assert.equal(gDel.object, 'DirectoryGroup');
    assert.equal(gDel.data.directory_id, d.dir);
    assert.equal(gDel.data.display_name, 'Operations');
  });

  test('POST /_admin/mutate: batches, 400 on bad input, 404 on unknown ids, applied whole or not at all', async () => {
    const ok = await call(svc, null, 'POST', '/_admin/mutate', {
      body: { operations: [
        { op: 'createGroup', directoryId: d.dir, group: { display_name: 'Batch' } },
        { op: 'createUser', directoryId: d.dir, user: { given_name: 'Cy' } },
      ] },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.results.length, 2);
    const [g, u] = ok.body.results;
    const one = await call(svc, null, 'POST', '/_admin/mutate', { body: { op: 'addMembers', groupId: g.id, userIds: [u.id] } });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.results[0].events.length, 1);

    const before = svc.events().length;
    const bad = [
      [{ op: 'explode' }, 400],
      [{ op: 'createUser', directoryId: d.dir, user: { shoe_size: 9 } }, 400],
      [{ op: 'createUser', directoryId: d.dir, user: { active: 'yes' } }, 400],
      [{ op: 'createUser', directoryId: 'dir_nope' }, 404],
      [{ op: 'updateUser', id: 'diruser_1', user: {} }, 404],
      [{ op: 'createUser', directoryId: d.dir, user: { groups: ['dirgroup_0'] } }, 404],
      [{ op: 'addMembers', groupId: g.id, userIds: [u.id, 'diruser_missing'] }, 404],
      [{ op: 'deleteGroup', id: g.id, lateMs: -1 }, 400],
    ];
    for (const [op, status] of bad) {
      const r = await call(svc, null, 'POST', '/_admin/mutate', { body: op });
      assert.equal(r.status, status, `${JSON.stringify(op)} -> ${r.text}`);
      assert.equal(typeof r.body.message, 'string');
    }
    assert.equal(svc.events().length, before, 'rejected operations record nothing');
    // a user of another directory cannot join this directory's group
    const other = svc.createUser(dirPath(svc, 1).dir, {});
    assert.throws(() => svc.addMembers(g.id, [other.id]), { name: 'MutationError', status: 400 });
    // a batch stops at the first bad operation and says which ones were applied
    const partial = await call(svc, null, 'POST', '/_admin/mutate', {
      body: [{ op: 'updateGroup', id: g.id, group: { display_name: 'Batch 2' } }, { op: 'deleteUser', id: 'diruser_missing' }],
    });
    assert.equal(partial.status, 404);
    assert.match(partial.body.message, /operations\[1\].*operations\[0\.\.0\] were applied/);
    assert.equal(svc.events().length, before + 2);
  });
});

describe('events API', () => {
  let svc;
  let tok;
  let d0;
  let d1;
  before(async () => {
    svc = await startDirectoryService({ seed: 22, orgs: 2, usersPerDirectory: 3, groupsPerDirectory: 2 });
    tok = await accessToken(svc);
    d0 = dirPath(svc, 0);
    d1 = dirPath(svc, 1);
    // 130 events: 100 in org 0 (60 users created, 40 updated), 30 in org 1 (groups created)
    const ops = [];
    for (let k = 0; k < 60; k++) ops.push({ op: 'createUser', directoryId: d0.dir, user: { given_name: `U${k}` } });
    for (let k = 0; k < 30; k++) ops.push({ op: 'createGroup', directoryId: d1.dir, group: { display_name: `G${k}` } });
    svc.mutate(ops);
    const ids = svc.events().filter((e) => e.type === T('user_created')).map((e) => e.data.id);
    svc.mutate(ids.slice(0, 40).map((id) => ({ op: 'updateUser', id, user: { title: 'Changed' } })));
    assert.equal(svc.events().length, 130);
  });
  after(() => svc.close());

  test('auth like the other endpoints; POST only', async () => {
    const none = await eventsPage(svc, null);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 16);
    assert.equal((await eventsPage(svc, 'not-a-token')).status, 401);
    const get = await call(svc, tok, 'GET', '/api/v1/events/paginated');
    assert.equal(get.status, 405);
    assert.equal((await eventsPage(svc, tok)).status, 200);
    assert.equal(svc.stats().byEndpoint.listEvents.byStatus['200'] >= 1, true);
  });

  test('most recent first; default page 10; page_size clamped to 100; next/prev tokens walk every event once', async () => {
    const log = svc.events();
    const first = await eventsPage(svc, tok);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(Object.keys(first.body), ['events', 'next_page_token', 'prev_page_token']);
    assert.equal(first.body.events.length, 10);
    assert.deepEqual(first.body.events.map((e) => e.id), log.slice(-10).reverse().map((e) => e.id));
    assert.equal(first.body.prev_page_token, '');
    // the events API serves the recorded envelopes unchanged
    assert.deepEqual(first.body.events[0], log.at(-1));

    const big = await eventsPage(svc, tok, {}, { page_size: 1000 });
    assert.equal(big.body.events.length, 100, 'clamped to 100, not rejected');
    assert.equal((await eventsPage(svc, tok, {}, { page_size: -1 })).status, 400);
    assert.equal((await eventsPage(svc, tok, {}, { page_size: 'x' })).status, 400);
    assert.equal((await eventsPage(svc, tok, {}, { page_size: 0 })).body.events.length, 10);

    // walk with page_size 7: every event exactly once, newest to oldest
    const seen = [];
    const pages = [];
    let pageToken = '';
    for (let k = 0; k < 50; k++) {
      const r = await eventsPage(svc, tok, {}, { page_size: 7, ...(pageToken ? { page_token: pageToken } : {}) });
      assert.equal(r.status, 200, r.text);
      if (k === 0) assert.equal(r.body.prev_page_token, '');
      else assert.notEqual(r.body.prev_page_token, '');
      pages.push(r.body);
      seen.push(...r.body.events.map((e) => e.id));
      pageToken = r.body.next_page_token;
      if (!pageToken) break;
    }
    assert.equal(pages.length, 19);
    assert.deepEqual(seen, log.map((e) => e.id).reverse());
    const times = pages.flatMap((p) => p.events.map((e) => e.occurred_at));
    for (let k = 1; k < times.length; k++) assert.ok(times[k] < times[k - 1], 'strictly most recent first');
    // prev token of page 3 gives page 2 again
    const back = await eventsPage(svc, tok, {}, { page_size: 7, page_token: pages[2].prev_page_token });
    assert.deepEqual(back.body.events, pages[1].events);
  });

  test('events recorded while a reader pages neither shift nor repeat its pages', async () => {
    const s = await startDirectoryService({ seed: 23, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0 });
    try {
      const t = await accessToken(s);
      const dir = dirPath(s).dir;
      for (let k = 0; k < 20; k++) s.createUser(dir, {});
      const p1 = await eventsPage(s, t, {}, { page_size: 5 });
      for (let k = 0; k < 5; k++) s.createUser(dir, {}); // newer events arrive mid-walk
      const p2 = await eventsPage(s, t, {}, { page_size: 5, page_token: p1.body.next_page_token });
      const log = s.events();
      assert.deepEqual(p2.body.events.map((e) => e.id), log.slice(10, 15).reverse().map((e) => e.id));
      // the previous page of page 2 is page 1 (the new events are before it)
      const prev = await eventsPage(s, t, {}, { page_size: 5, page_token: p2.body.prev_page_token });
      assert.deepEqual(prev.body.events.map((e) => e.id), p1.body.events.map((e) => e.id));
      assert.notEqual(prev.body.prev_page_token, '', 'and there are newer ones before it now');
      const newest = await eventsPage(s, t, {}, { page_size: 5, page_token: prev.body.prev_page_token });
      assert.deepEqual(newest.body.events.map((e) => e.id), log.slice(20).reverse().map((e) => e.id));
      assert.equal(newest.body.prev_page_token, '');
    } finally { await s.close(); }
  });

  test('filters: event_types, organization_id, start_time/end_time (inclusive), source; camelCase names', async () => {
    const log = svc.events();
    const ids = (list) => list.map((e) => e.id);
    const newestFirst = (list) => ids([...list].reverse());

    const updated = await allEvents(svc, tok, { event_types: [T('user_updated')] }, { pageSize: 15 });
    assert.deepEqual(ids(updated), newestFirst(log.filter((e) => e.type === T('user_updated'))));
    assert.equal(updated.length, 40);
    const two = await allEvents(svc, tok, { eventTypes: [T('group_created'), T('user_updated')] });
    assert.equal(two.length, 70);
    assert.equal((await allEvents(svc, tok, { event_types: [] })).length, 130, 'an empty list filters nothing');

    const org1 = await allEvents(svc, tok, { organization_id: d1.org });
    assert.deepEqual(ids(org1), newestFirst(log.filter((e) => e.organization_id === d1.org)));
    assert.equal(org1.length, 30);
    assert.equal((await allEvents(svc, tok, { organizationId: d0.org, event_types: [T('group_created')] })).length, 0);

    const [a, b] = [log[50], log[80]];
    const win = await allEvents(svc, tok, { start_time: a.occurred_at, end_time: b.occurred_at }, { pageSize: 9 });
    assert.deepEqual(ids(win), newestFirst(log.slice(50, 81)), 'both ends inclusive, to the nanosecond');
    const since = await allEvents(svc, tok, { startTime: log[120].occurred_at });
    assert.deepEqual(ids(since), newestFirst(log.slice(120)));
    const until = await allEvents(svc, tok, { end_time: log[4].occurred_at });
    assert.deepEqual(ids(until), newestFirst(log.slice(0, 5)));
    // a window in another offset notation means the same instant
    const iso = a.occurred_at; // …Z
    const d = new Date(Date.parse(iso));
    const plus2 = `${new Date(d.getTime() + 2 * 3600_000).toISOString().slice(0, 19)}.${iso.slice(20, 29)}+02:00`;
    assert.deepEqual(ids(await allEvents(svc, tok, { start_time: plus2, end_time: plus2 })), [a.id]);

    assert.equal((await allEvents(svc, tok, { source: 'DIR_SYNC' })).length, 130);
    assert.equal((await allEvents(svc, tok, { source: 'SCALEKIT' })).length, 0);
  });

  test('bad filters and tokens -> 400; unknown organization -> 404', async () => {
    const bad = [
      '[1]', 'nope', '{"event_types": "x"}', '{"event_types": [1]}', '{"start_time": "yesterday"}',
      '{"source": "LDAP"}', '{"organization_id": "acme"}', '{"colour": "red"}',
      JSON.stringify({ start_time: '2025-01-02T00:00:00Z', end_time: '2025-01-01T00:00:00Z' }),
    ];
    for (const body of bad) {
      const r = await eventsPage(svc, tok, body);
      assert.equal(r.status, 400, `${body} -> ${r.status} ${r.text}`);
      assert.equal(r.body.code, 3);
    }
    const missing = await eventsPage(svc, tok, { organization_id: 'org_1234567' });
    assert.equal(missing.status, 404);
    assert.equal((await eventsPage(svc, tok, '')).status, 200, 'an empty body is no filter');

    const p = await eventsPage(svc, tok, { event_types: [T('user_updated')] }, { page_size: 5 });
    const t = p.body.next_page_token;
    // a token for another filter, a forged one, a users token
    assert.equal((await eventsPage(svc, tok, {}, { page_token: t })).status, 400);
    const [payload, mac] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url')), c: 1 })).toString('base64url');
    assert.equal((await eventsPage(svc, tok, { event_types: [T('user_updated')] }, { page_token: `${forged}.${mac}` })).status, 400);
    const users = await call(svc, tok, 'GET', `${d0.path}/users`, { query: { page_size: 2 } });
    assert.equal((await eventsPage(svc, tok, {}, { page_token: users.body.next_page_token })).status, 400);
    // the same filter spelled in camelCase is the same query: its token fits
    assert.equal((await eventsPage(svc, tok, { eventTypes: [T('user_updated')] }, { page_token: t })).status, 200);
  });

  test('retention keeps the newest events', async () => {
    const s = await startDirectoryService({ seed: 24, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0, eventRetention: 5 });
    try {
      const t = await accessToken(s);
      const made = [];
      for (let k = 0; k < 12; k++) made.push(s.createGroup(dirPath(s).dir, {}).events[0].id);
      const got = await allEvents(s, t, {}, { pageSize: 2 });
      assert.deepEqual(got.map((e) => e.id), made.slice(-5).reverse());
      assert.deepEqual(s.stats().events, { recorded: 12, retained: 5, hidden: 0 });
    } finally { await s.close(); }
  });
});

describe('late visibility', () => {
  test('lateEventEvery: a late event is missed by a reader whose cursor does not lag, found by one that lags', async () => {
    const svc = await startDirectoryService({ seed: 25, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0 });
    try {
      const tok = await accessToken(svc);
      const dir = dirPath(svc).dir;
      const set = await call(svc, null, 'POST', '/_admin/faults', { body: { lateEventEvery: 3, lateEventMs: 400 } });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body, { lateEventEvery: 3, lateEventMs: 400 });
      const made = [];
      for (let k = 0; k < 5; k++) made.push(svc.createUser(dir, {}).events[0]);
      assert.equal(made[2].visible_after_ms, 400, 'the 3rd event is late');
      assert.equal(made[1].visible_after_ms, undefined);
      assert.equal(svc.stats().events.hidden, 1);

      // t0: the 3rd event is not visible yet, though the 4th and 5th (newer) are
      const t0 = await allEvents(svc, tok);
      assert.deepEqual(t0.map((e) => e.id), [made[4], made[3], made[1], made[0]].map((e) => e.id));
      const checkpoint = t0[0].occurred_at;

      await sleep(450);
      // a reader that resumes exactly at its checkpoint never sees the late event: it occurred before
      const naive = await allEvents(svc, tok, { start_time: checkpoint });
      assert.ok(!naive.some((e) => e.id === made[2].id));
      // a reader that resumes at checkpoint minus a lag window finds it (and dedupes the rest by id)
      const lagStart = new Date(Date.parse(checkpoint) - 5_000).toISOString();
      const lagged = await allEvents(svc, tok, { start_time: lagStart });
      assert.ok(lagged.some((e) => e.id === made[2].id));
      assert.deepEqual(lagged.map((e) => e.id), made.map((e) => e.id).reverse());
      assert.equal(svc.stats().events.hidden, 0);
      assert.equal(svc.stats().faultsInjected.lateEvent, 1);
    } finally { await svc.close(); }
  });

  test('per-operation lateMs; POST /_admin/events/release shows held events at once; a page walk meets an event that appears behind it', async () => {
    const svc = await startDirectoryService({ seed: 26, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0 });
    try {
      const tok = await accessToken(svc);
      const dir = dirPath(svc).dir;
      const a = svc.createGroup(dir, {});
      const late = svc.createGroup(dir, {}, { lateMs: 600_000 });
      const c = svc.createGroup(dir, {});
      assert.deepEqual((await allEvents(svc, tok)).map((e) => e.id), [c, a].map((r) => r.events[0].id));
      // the listing shows the group at once: only the events API is late
      const groups = await call(svc, tok, 'GET', `${dirPath(svc).path}/groups`);
      assert.equal(groups.body.total_size, 3);
      // a reader on page 1 (size 1) sees c; the late event becomes visible; page 2 (older than c) has it
      const p1 = await eventsPage(svc, tok, {}, { page_size: 1 });
      assert.deepEqual(p1.body.events.map((e) => e.id), [c.events[0].id]);
      const rel = await call(svc, null, 'POST', '/_admin/events/release');
      assert.deepEqual(rel.body, { released: 1 });
      const p2 = await eventsPage(svc, tok, {}, { page_size: 1, page_token: p1.body.next_page_token });
      assert.deepEqual(p2.body.events.map((e) => e.id), [late.events[0].id]);
      assert.equal((await call(svc, null, 'POST', '/_admin/events/release')).body.released, 0);
      assert.throws(() => svc.setFaults({ lateEventEvery: 1 }), RangeError);
      assert.throws(() => svc.setFaults({ lateEventEvery: 2, lateEventMs: 0 }), RangeError);
    } finally { await svc.close(); }
  });
});

describe('listings after changes', () => {
  test('page tokens name an index: a delete or create between two pages skips and repeats no one', async () => {
    const svc = await startDirectoryService({ seed: 27, orgs: 1, usersPerDirectory: 25, groupsPerDirectory: 3 });
    try {
      const tok = await accessToken(svc);
      const { dir, path } = dirPath(svc);
      const p1 = await call(svc, tok, 'GET', `${path}/users`, { query: { page_size: 10 } });
      svc.deleteUser(p1.body.users[3].id); // a user already read
      const added = svc.createUser(dir, {});
      const rest = [];
      let pageToken = p1.body.next_page_token;
      for (let k = 0; k < 10 && pageToken; k++) {
        const r = await call(svc, tok, 'GET', `${path}/users`, { query: { page_size: 10, page_token: pageToken } });
        rest.push(...r.body.users.map((u) => u.id));
        pageToken = r.body.next_page_token;
      }
      const expected = [];
      for (let i = 10; i < 25; i++) expected.push(svc.seed.user(dir, i).id);
      assert.deepEqual(rest, [...expected, added.id]);
      const all = await listAll(svc, tok, `${path}/users`, 'users');
      assert.equal(all.length, 25);
      assert.equal((await call(svc, tok, 'GET', `${path}/users`)).body.total_size, 25);
    } finally { await svc.close(); }
  });

  test('updated_after sees exactly the changed users, to the nanosecond', async () => {
    const svc = await startDirectoryService({ seed: 28, orgs: 1, usersPerDirectory: 40, groupsPerDirectory: 3 });
    try {
      const tok = await accessToken(svc);
      const { dir, path } = dirPath(svc);
      const ids = [5, 17, 30].map((i) => svc.seed.user(dir, i).id);
      const changes = ids.map((id) => svc.updateUser(id, { department: 'Moved' }));
      const after = changes[0].events[0].occurred_at; // strict: the first change is not after itself
      const got = await listAll(svc, tok, `${path}/users`, 'users', { updated_after: after });
      assert.deepEqual(got.map((u) => u.id), ids.slice(1));
      const g = svc.updateGroup(svc.seed.group(dir, 1).id, { display_name: 'Renamed' });
      const gs = await listAll(svc, tok, `${path}/groups`, 'groups', { updated_after: changes[2].events[0].occurred_at });
      assert.deepEqual(gs.map((x) => [x.id, x.updated_at]), [[g.id, g.events[0].occurred_at]]);
    } finally { await svc.close(); }
  });
});
