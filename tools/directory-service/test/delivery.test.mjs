// node --test tools/directory-service/test/
// Webhook deliveries of recorded events, and the delivery faults: drop, repeat, reorder, tamper.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startDirectoryService, normalizeDeliveryFaults } from '../server.mjs';
import { fateOf } from '../delivery.mjs';
import { accessToken, allEvents, call, startReceiver, waitFor } from '../testing.mjs';

/** a service with one empty directory, a receiver subscribed to it, and `n` recorded events */
async function setup({ seed = 31, deliveryFaults, n = 0, retrySchedule = [0] } = {}) {
  const svc = await startDirectoryService({ seed, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0, deliveryFaults });
  const rx = await startReceiver(svc.webhookSecret);
  await svc.setWebhookEndpoint({ url: rx.url, retrySchedule });
  const dir = svc.seed.organizations[0].directories[0].id;
  makeEvents(svc, dir, n);
  return { svc, rx, dir, close: async () => { await svc.close(); await rx.close(); } };
}

/** n events: users created, then some updated and deleted */
function makeEvents(svc, dir, n) {
  const ids = [];
  for (let k = 0; k < n; k++) {
    if (k % 4 === 3 && ids.length) svc.updateUser(ids[k % ids.length], { title: `T${k}` });
    else if (k % 10 === 9 && ids.length > 1) svc.deleteUser(ids.shift());
    else ids.push(svc.createUser(dir, { given_name: `N${k}` }).id);
  }
}

/** event ids of the received deliveries that verified, in arrival order */
const validIds = (rx) => rx.received.filter((r) => r.valid).map((r) => r.body.id);

describe('webhook subscriber', () => {
  test('every recorded event is delivered once, in order, with the bytes and id the events API serves', async () => {
    const { svc, rx, close } = await setup({ n: 30 });
    try {
      const st = await svc.flushWebhooks();
      assert.equal(st.queued, 0);
      assert.equal(st.held, 0);
      const log = svc.events();
      assert.equal(log.length, 30);
      assert.ok(rx.received.every((r) => r.valid));
      assert.deepEqual(validIds(rx), log.map((e) => e.id));
      const tok = await accessToken(svc);
      const page = await call(svc, tok, 'POST', '/api/v1/events/paginated', { query: { page_size: 100 }, body: {} });
      for (const r of rx.received) assert.ok(page.text.includes(r.raw), 'the delivered body is the served envelope, byte for byte');
      assert.equal(new Set(rx.received.map((r) => r.webhookId)).size, 30);
      assert.deepEqual({ sent: st.sent, delivered: st.delivered, failures: st.failures }, { sent: 30, delivered: 30, failures: 0 });
      assert.equal(svc.stats().webhooks.delivered, 30);
      // unsubscribing stops deliveries; the events are still recorded
      await svc.setWebhookEndpoint(null);
      svc.createGroup(svc.seed.organizations[0].directories[0].id, {});
      await svc.flushWebhooks();
      assert.equal(rx.received.length, 30);
      assert.equal(svc.events().length, 31);
    } finally { await close(); }
  });
});

describe('delivery faults', () => {
  test('fates are a pure function of seed and position, in the configured fractions', () => {
    const f = normalizeDeliveryFaults({ drop: 0.1, repeat: 0.2, reorder: 0.3, tamper: 0.05, seed: 'x' });
    const n = 20_000;
    const c = { drop: 0, repeat: 0, reorder: 0, tamper: 0, body: 0 };
    for (let p = 1; p <= n; p++) {
      const a = fateOf(f, p);
      assert.deepEqual(a, fateOf(f, p));
      if (a.drop) { c.drop++; assert.equal(a.tamper ?? a.repeatAfter ?? (a.holdFor || null), null, 'a dropped message has no other fate'); }
      if (a.repeatAfter !== null) { c.repeat++; assert.ok(a.repeatAfter >= 0 && a.repeatAfter <= 5); }
      if (a.holdFor) { c.reorder++; assert.ok(a.holdFor >= 1 && a.holdFor <= 5); }
      if (a.tamper) { c.tamper++; if (a.tamper === 'body') c.body++; }
    }
    const near = (k, want) => Math.abs(k / n - want) < 0.015;
    assert.ok(near(c.drop, 0.1), `drop ${c.drop / n}`);
    assert.ok(near(c.repeat, 0.2 * 0.9), `repeat ${c.repeat / n}`); // of the messages not dropped
    assert.ok(near(c.reorder, 0.3 * 0.9), `reorder ${c.reorder / n}`);
    assert.ok(near(c.tamper, 0.05 * 0.9), `tamper ${c.tamper / n}`);
    assert.ok(c.body > c.tamper * 0.35 && c.body < c.tamper * 0.65, 'mixed: body and signature alike');
    const g = normalizeDeliveryFaults({ drop: 0.1, seed: 'y' });
    let same = 0;
    for (let p = 1; p <= 1000; p++) if (fateOf(g, p).drop === fateOf({ ...f, repeat: 0, reorder: 0, tamper: 0 }, p).drop) same++;
    assert.ok(same < 1000, 'another seed, other fates');
    for (const bad of [{ drop: 2 }, { drop: -0.1 }, { repeat: '0.5' }, { reorderWindow: 0 }, { holdMs: -1 }, { tamperMode: 'x' }, { shuffle: 1 }]) {
      assert.throws(() => normalizeDeliveryFaults(bad), RangeError, JSON.stringify(bad));
    }
  });

  test('drop: dropped messages never arrive; the rest do; the events API still has all', async () => {
    const { svc, rx, close } = await setup({ n: 80, deliveryFaults: { drop: 0.25, seed: 'drop' } });
    try {
      const st = await svc.flushWebhooks();
      const entries = svc.webhookDeliveries();
      const dropped = new Set(entries.filter((e) => e.dropped).map((e) => e.event_id));
      assert.equal(st.dropped, dropped.size);
      assert.ok(dropped.size >= 8 && dropped.size <= 35, `${dropped.size} of 80 dropped`);
      const log = svc.events().map((e) => e.id);
      assert.deepEqual(validIds(rx), log.filter((id) => !dropped.has(id)));
      assert.equal(rx.received.length, 80 - dropped.size);
      const tok = await accessToken(svc);
      assert.equal((await allEvents(svc, tok)).length, 80);
      assert.equal(svc.stats().webhooks.dropped, dropped.size);
    } finally { await close(); }
  });

  test('repeat: the same message (webhook-id, body) arrives again, sometimes after later ones', async () => {
    const { svc, rx, close } = await setup({ n: 60, deliveryFaults: { repeat: 0.3, reorderWindow: 3, holdMs: 0, seed: 'rep' } });
    try {
      const st = await svc.flushWebhooks();
      assert.ok(st.repeated >= 6, `${st.repeated} repeated`);
      assert.equal(rx.received.length, 60 + st.repeated);
      assert.ok(rx.received.every((r) => r.valid));
      const byId = new Map();
      rx.received.forEach((r, k) => byId.set(r.webhookId, [...(byId.get(r.webhookId) ?? []), { ...r, k }]));
      const twice = [...byId.values()].filter((v) => v.length === 2);
      assert.equal(twice.length, st.repeated);
      assert.ok([...byId.values()].every((v) => v.length <= 2));
      for (const [a, b] of twice) assert.equal(a.raw, b.raw);
      assert.ok(twice.some(([a, b]) => b.k - a.k > 1), 'some copies arrive after later messages');
      assert.deepEqual([...new Set(validIds(rx))].sort(), svc.events().map((e) => e.id).sort());
    } finally { await close(); }
  });

  test('reorder: every message arrives once, some after newer ones, never more than reorderWindow newer ones first', async () => {
    const { svc, rx, close } = await setup({ n: 60, deliveryFaults: { reorder: 0.3, reorderWindow: 4, holdMs: 0, seed: 'ord' } });
    try {
      const st = await svc.flushWebhooks();
      assert.ok(st.reordered >= 6, `${st.reordered} reordered`);
      const log = svc.events().map((e) => e.id);
      const order = validIds(rx).map((id) => log.indexOf(id));
      assert.equal(order.length, 60);
      assert.deepEqual([...order].sort((a, b) => a - b), log.map((_, k) => k));
      let inversions = 0;
      order.forEach((seq, k) => {
        const newerFirst = order.slice(0, k).filter((s) => s > seq).length;
        assert.ok(newerFirst <= 4, `event ${seq} arrived after ${newerFirst} newer ones`);
        inversions += newerFirst;
      });
      assert.ok(inversions > 0);
    } finally { await close(); }
  });

  test('reorder: a held message goes out after holdMs even when nothing newer comes', async () => {
    const { svc, rx, dir, close } = await setup({ deliveryFaults: { reorder: 1, holdMs: 150, seed: 'hold' } });
    try {
      const t0 = Date.now();
      svc.createGroup(dir, {});
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(rx.received.length, 0, 'held back');
      assert.equal(svc.webhookStatus().held, 1);
      await waitFor(() => rx.received.length === 1, 5000, 'the held message');
      assert.ok(Date.now() - t0 >= 140, `sent after ${Date.now() - t0} ms`);
      assert.equal(rx.received[0].valid, true);
    } finally { await close(); }
  });

  test('tamper: forged bodies and broken signatures never verify; the genuine event stays in the events API', async () => {
    const { svc, rx, close } = await setup({ n: 50, deliveryFaults: { tamper: 0.4, tamperMode: 'mixed', seed: 'tam' } });
    try {
      const st = await svc.flushWebhooks();
      const entries = svc.webhookDeliveries();
      const tampered = entries.filter((e) => e.tampered);
      assert.equal(st.tampered, tampered.length);
      assert.ok(tampered.some((e) => e.tampered === 'body') && tampered.some((e) => e.tampered === 'signature'));
      const genuine = new Map(svc.events().map((e) => [e.id, e]));
      for (const e of entries) {
        const got = rx.received.filter((r) => r.webhookId === e.webhook_id);
        assert.equal(got.length, e.attempts);
        if (!e.tampered) {
          assert.ok(got.every((r) => r.valid));
          assert.equal(e.delivered, true);
          continue;
        }
        // retried per schedule, rejected every time
        assert.equal(e.attempts, 2);
        assert.deepEqual(e.statuses, [400, 400]);
        assert.equal(e.delivered, false);
        for (const r of got) {
          assert.equal(r.valid, false);
          assert.equal(r.body.id, e.event_id, 'still names the event');
          if (e.tampered === 'signature') assert.deepEqual(r.body, genuine.get(e.event_id));
          else {
            assert.notDeepEqual(r.body.data, genuine.get(e.event_id).data);
            assert.match(JSON.stringify(r.body.data), /mallory|Mallory|forged/);
          }
        }
      }
      assert.equal(st.failures, tampered.length);
      const tok = await accessToken(svc);
      const served = await allEvents(svc, tok);
      for (const e of tampered) assert.deepEqual(served.find((x) => x.id === e.event_id), genuine.get(e.event_id));
    } finally { await close(); }
  });

  test('all four at once are reproducible: same seed, same operations -> same fates and arrival order', async () => {
    const faults = { drop: 0.15, repeat: 0.15, reorder: 0.2, tamper: 0.1, holdMs: 0, seed: 7 };
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const { svc, rx, close } = await setup({ seed: 40 + k, n: 60, deliveryFaults: faults });
      try {
        await svc.flushWebhooks();
        const log = svc.events().map((e) => e.id);
        runs.push({
          fates: svc.webhookDeliveries().map((e) => [log.indexOf(e.event_id), e.dropped, e.reordered, e.repeated, e.tampered, e.delivered]),
          arrivals: rx.received.map((r) => [log.indexOf(r.body?.id), r.valid]),
        });
      } finally { await close(); }
    }
    assert.deepEqual(runs[0].fates, runs[1].fates, 'the service seed does not matter, the fault seed does');
    assert.deepEqual(runs[0].arrivals, runs[1].arrivals);
    assert.ok(runs[0].fates.some((f) => f[1]) && runs[0].fates.some((f) => f[2]) && runs[0].fates.some((f) => f[3]) && runs[0].fates.some((f) => f[4]));
  });

  test('deliverWebhooks() applies them too, and can replay the event log', async () => {
    const { svc, rx, dir, close } = await setup();
    try {
      await svc.setWebhookEndpoint(null);
      makeEvents(svc, dir, 40);
      svc.setDeliveryFaults({ drop: 0.3, seed: 'batch' });
      const report = await svc.deliverWebhooks({ url: rx.url, events: 'log', retrySchedule: [] });
      const log = svc.events();
      const dropped = report.events.filter((e) => e.dropped);
      assert.equal(report.dropped, dropped.length);
      assert.ok(dropped.length > 3);
      assert.equal(rx.received.length, 40 - dropped.length);
      const byId = new Map(log.map((e) => [e.id, e]));
      for (const r of rx.received) {
        assert.ok(r.valid);
        assert.deepEqual(r.body, byId.get(r.body.id), 'the recorded envelope, same id');
      }
      // explicit events go through the same faults (positions = list indexes)
      const events = Array.from({ length: 30 }, (_, k) => ({ type: 'organization.directory_enabled', organization_id: 'org_1', data: { id: `dir_${k}` } }));
      const again = await svc.deliverWebhooks({ url: rx.url, events, retrySchedule: [] });
      assert.ok(again.dropped > 0);
      assert.equal(again.delivered + again.dropped, again.events.length);
    } finally { await close(); }
  });
});

describe('control endpoints and CLI', () => {
  test('/_admin/delivery-faults, /_admin/webhooks, /_admin/mutate, /_admin/webhooks/flush', async () => {
    const svc = await startDirectoryService({ seed: 33, orgs: 1, usersPerDirectory: 0, groupsPerDirectory: 0 });
    const rx = await startReceiver(svc.webhookSecret);
    try {
      assert.deepEqual((await call(svc, null, 'GET', '/_admin/delivery-faults')).body, {});
      const set = await call(svc, null, 'POST', '/_admin/delivery-faults', { body: { drop: 0.5, tamper: 0.1, tamperMode: 'body', seed: 's' } });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(set.body, { drop: 0.5, tamper: 0.1, tamperMode: 'body', seed: 's' });
      assert.equal((await call(svc, null, 'POST', '/_admin/delivery-faults', { body: { drop: 1.5 } })).status, 400);
      assert.equal((await call(svc, null, 'POST', '/_admin/delivery-faults', { body: { jitter: 1 } })).status, 400);
      assert.deepEqual((await call(svc, null, 'GET', '/_admin/delivery-faults')).body, set.body, 'a rejected config changes nothing');
      assert.equal((await call(svc, null, 'POST', '/_admin/webhooks', { body: { url: 'ftp://x' } })).status, 400);
      const sub = await call(svc, null, 'POST', '/_admin/webhooks', { body: { url: rx.url, retrySchedule: [] } });
      assert.equal(sub.status, 200, sub.text);
      assert.equal(sub.body.url, rx.url);
      const dir = svc.seed.organizations[0].directories[0].id;
      const ops = [];
      for (let k = 0; k < 20; k++) ops.push({ op: 'createUser', directoryId: dir, user: {} });
      assert.equal((await call(svc, null, 'POST', '/_admin/mutate', { body: ops })).status, 200);
      const fl = await call(svc, null, 'POST', '/_admin/webhooks/flush');
      assert.equal(fl.status, 200);
      assert.equal(fl.body.queued + fl.body.held, 0);
      assert.equal(fl.body.dropped + fl.body.delivered + fl.body.failures, 20);
      assert.ok(fl.body.dropped > 0 && fl.body.delivered > 0);
      const st = await call(svc, null, 'GET', '/_admin/webhooks');
      assert.equal(st.body.deliveries.length, 20);
      assert.equal(rx.received.length, 20 - fl.body.dropped);
      const stats = svc.stats();
      assert.equal(stats.webhooks.dropped, fl.body.dropped);
      assert.deepEqual(stats.deliveryFaults, set.body);
      assert.equal(stats.events.recorded, 20);
      assert.deepEqual((await call(svc, null, 'POST', '/_admin/delivery-faults', { body: {} })).body, {});
    } finally {
      await svc.close();
      await rx.close();
    }
  });

  test('cli: --delivery-faults, --webhook-url, late events via --faults', async () => {
    const rx = await startReceiver('whsec_' + Buffer.alloc(32, 7).toString('base64'));
    const cli = fileURLToPath(new URL('../cli.mjs', import.meta.url));
    const child = spawn(process.execPath, [cli, '--json', '--orgs', '1', '--users', '0', '--groups', '0',
      '--webhook-secret', 'whsec_' + Buffer.alloc(32, 7).toString('base64'),
      '--webhook-url', rx.url, '--delivery-faults', '{"repeat":1,"reorderWindow":1,"holdMs":0}', '--faults', '{"lateEventEvery":2,"lateEventMs":600000}'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (c) => { out += c; });
      await waitFor(() => out.includes('\n'), 10_000, 'the startup line');
      const info = JSON.parse(out.split('\n')[0]);
      const svc = { url: info.url, clientId: info.client_id, clientSecret: info.client_secret };
      assert.deepEqual((await call(svc, null, 'GET', '/_admin/delivery-faults')).body, { repeat: 1, reorderWindow: 1, holdMs: 0, seed: 1 });
      const dir = info.organizations[0].directories[0].id;
      const m = await call(svc, null, 'POST', '/_admin/mutate', { body: [{ op: 'createGroup', directoryId: dir }, { op: 'createGroup', directoryId: dir }] });
      assert.equal(m.status, 200, m.text);
      const fl = await call(svc, null, 'POST', '/_admin/webhooks/flush');
      assert.equal(fl.body.repeated, 2);
      assert.equal(rx.received.length, 4);
      assert.ok(rx.received.every((r) => r.valid));
      const tok = await accessToken(svc);
      const evs = await allEvents(svc, tok);
      assert.deepEqual(evs.map((e) => e.id), [m.body.results[0].events[0].id], 'the 2nd event is late');
    } finally {
      clearTimeout(timer);
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rx.close();
    }
  });
});
