// Standard Webhooks signing and a bounded delivery engine for the local directory service.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { rfc3339 } from './data.mjs';

/**
 * Standard Webhooks v1 signature: "v1," + base64(HMAC-SHA256(key, `${id}.${ts}.${body}`)),
 * key = base64-decoded secret after stripping exactly the "whsec_" prefix.
 * @param {string} secret  "whsec_<base64>" (or bare base64)
 * @param {string} id      webhook-id
 * @param {number|string} ts  webhook-timestamp (Unix seconds)
 * @param {string|Uint8Array} body  raw body
 */
export function signWebhook(secret, id, ts, body) {
  const b64 = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  const key = Buffer.from(b64, 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${ts}.`).update(typeof body === 'string' ? body : Buffer.from(body)).digest('base64');
  return `v1,${mac}`;
}

export function newWebhookSecret(bytes = 32) {
  return `whsec_${randomBytes(bytes).toString('base64')}`;
}

const idDigits = (n = 17) => {
  let s = String(1 + (randomBytes(1)[0] % 9));
  for (const b of randomBytes(n - 1)) s += b % 10;
  return s;
};

// ---------- the seed's provisioning sequence ----------
/**
 * Builds the event list (type/object/organization_id/data) for one directory.
 * Order: user_created * U, group_created * G, group_updated * G (member lists),
 * user_updated (title change), user_updated (active:false), user_deleted, group_deleted.
 */
export function seedSequence(store, { organizationId, directoryId, maxUsers = 100, maxGroups = 20 } = {}) {
  let dir;
  if (directoryId) dir = store.dirById.get(directoryId);
  else {
    const org = organizationId ? store.orgById.get(organizationId) : store.orgs.find((o) => o.directories.length > 0);
    dir = org && org.directories[0];
  }
  if (!dir) throw Object.assign(new Error('no such directory for webhook sequence'), { status: 404 });
  const orgId = dir.org.id;
  const U = Math.min(dir.userCount, Math.max(0, maxUsers | 0), 10_000);
  const G = Math.min(dir.groupCount, Math.max(0, maxGroups | 0), 1_000);
  const events = [];

  const userData = (r, k, extra = {}) => ({
    id: r.id,
    organization_id: orgId,
    active: r.active,
    email: r.email,
    preferred_username: r.email,
    name: `${r.given} ${r.family}`,
    given_name: r.given,
    family_name: r.family,
    dp_id: r.dpId,
    employee_id: r.employeeNumber,
    department: r.department,
    title: r.title,
    locale: 'en-US',
    // like real deliveries: groups is sometimes null
    groups: k % 3 === 0 ? null : r.groups.filter((g) => g < G).map((g) => ({ id: store.groupId(dir, g), name: store.groupRecord(dir, g).name })),
    roles: [{ role_name: 'member' }],
    custom_attributes: {},
    raw_attributes: store.scimUser(dir, r),
    ...extra,
  });
  const groupData = (gr, members) => {
    const raw = store.scimGroup(dir, gr);
    if (members) raw.members = members;
    return {
      id: gr.id,
      organization_id: orgId,
      directory_id: dir.id,
      display_name: gr.name,
      external_id: gr.externalId,
      dp_id: gr.dpId,
      raw_attributes: raw,
    };
  };

  for (let i = 0; i < U; i++) {
    const r = store.userRecord(dir, i);
    events.push({ type: 'organization.directory.user_created', object: 'DirectoryUser', organization_id: orgId, directory_id: dir.id, data: userData(r, i) });
  }
  for (let g = 0; g < G; g++) {
    events.push({ type: 'organization.directory.group_created', object: 'DirectoryGroup', organization_id: orgId, directory_id: dir.id, data: groupData(store.groupRecord(dir, g), []) });
  }
  for (let g = 0; g < G; g++) {
    const gr = store.groupRecord(dir, g);
    const members = [];
    for (const i of store.groupMembers(dir, g)) {
      if (i >= U) break; // members are sorted ascending
      const r = store.userRecord(dir, i);
      members.push({ value: r.scimId, display: `${r.given} ${r.family}` });
    }
    events.push({ type: 'organization.directory.group_updated', object: 'DirectoryGroup', organization_id: orgId, directory_id: dir.id, data: groupData(gr, members) });
  }
  if (U > 0) {
    const r0 = store.userRecord(dir, 0);
    const raw0 = { ...store.scimUser(dir, r0), title: `Principal ${r0.title}` };
    events.push({ type: 'organization.directory.user_updated', object: 'DirectoryUser', organization_id: orgId, directory_id: dir.id, data: userData(r0, 0, { title: raw0.title, raw_attributes: raw0 }) });
  }
  if (U > 1) {
    const r1 = store.userRecord(dir, 1);
    const raw1 = { ...store.scimUser(dir, r1), active: false };
    events.push({ type: 'organization.directory.user_updated', object: 'DirectoryUser', organization_id: orgId, directory_id: dir.id, data: userData(r1, 1, { active: false, raw_attributes: raw1 }) });
  }
  if (U > 0) {
    const r = store.userRecord(dir, U - 1);
    events.push({ type: 'organization.directory.user_deleted', object: 'DirectoryUser', organization_id: orgId, directory_id: dir.id, data: { id: r.id, organization_id: orgId, dp_id: r.dpId, email: r.email } });
  }
  if (G > 0) {
    const gr = store.groupRecord(dir, G - 1);
    events.push({ type: 'organization.directory.group_deleted', object: 'DirectoryGroup', organization_id: orgId, directory_id: dir.id, data: groupData(gr) });
  }
  return events;
}

function envelopeOf(ev, { environmentId, shape }) {
  const id = ev.id || `evt_${idDigits(17)}`;
  const now = Date.now();
  if (shape === 'simple') {
    const d = ev.data || {};
    return {
      id,
      type: ev.type,
      data: {
        email: d.email ?? '',
        name: d.name ?? d.display_name ?? '',
        organization_id: ev.organization_id ?? d.organization_id ?? '',
        directory_id: ev.directory_id ?? d.directory_id ?? '',
      },
      timestamp: rfc3339(now),
    };
  }
  // nanosecond-precision occurred_at, like the reference service
  const occurred = rfc3339(now).replace(/\.(\d{3})Z$/, (_, ms) => `.${ms}${String(process.hrtime.bigint() % 1000000n).padStart(6, '0')}Z`);
  const env = {
    spec_version: '1',
    id,
    type: ev.type,
    occurred_at: occurred,
    environment_id: environmentId,
  };
  if (ev.organization_id !== undefined) env.organization_id = ev.organization_id;
  env.object = ev.object ?? (ev.type.includes('user') ? 'DirectoryUser' : ev.type.includes('group') ? 'DirectoryGroup' : 'Directory');
  env.data = ev.data ?? {};
  env.display_name = ev.display_name ?? '';
  return env;
}

function postOnce(url, headers, body, timeoutMs, signal) {
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

const sleep = (ms, signal) => new Promise((resolve) => {
  if (ms <= 0 || signal?.aborted) return resolve();
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); resolve(); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

/**
 * Delivers events as signed POSTs. Sequential, bounded: at most maxEvents messages,
 * 1 + retrySchedule.length attempts each (schedule ≤ 10 entries, each ≤ 60 s), and duplicates ≤ messages.
 */
export async function deliver(store, opts, { environmentId, signal } = {}) {
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
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw Object.assign(new Error('deliverWebhooks: url (http/https) required'), { status: 400 });
  if (typeof secret !== 'string' || secret.length === 0) throw Object.assign(new Error('deliverWebhooks: secret required'), { status: 400 });
  if (!Array.isArray(retrySchedule) || retrySchedule.length > 10 || retrySchedule.some((d) => !(Number.isFinite(d) && d >= 0 && d <= 60_000))) {
    throw Object.assign(new Error('retrySchedule: at most 10 delays, each 0..60000 ms'), { status: 400 });
  }
  let list;
  if (events === 'seed-sequence' || events === undefined) list = seedSequence(store, { organizationId, directoryId, maxUsers, maxGroups });
  else if (Array.isArray(events)) list = events.map((e) => ({ ...e }));
  else throw Object.assign(new Error("events must be 'seed-sequence' or an array of {type, data, organization_id?, object?}"), { status: 400 });
  if (Array.isArray(types)) list = list.filter((e) => types.includes(e.type));
  list = list.slice(0, Math.max(0, Math.min(maxEvents, 20_000)));

  // which messages get a duplicate: true -> every 5th; n -> n evenly spread
  let dupEvery = 0;
  let dupMax = 0;
  if (duplicates === true) { dupEvery = 5; dupMax = list.length; }
  else if (Number.isInteger(duplicates) && duplicates > 0) { dupMax = Math.min(duplicates, list.length); dupEvery = Math.max(1, Math.floor(list.length / dupMax)); }

  const report = { sent: 0, delivered: 0, retried: 0, duplicates: 0, failures: 0, events: [] };
  const schedule = retryOnFailure ? retrySchedule : [];
  for (let k = 0; k < list.length; k++) {
    if (signal?.aborted) break;
    const env = envelopeOf(list[k], { environmentId, shape: envelope });
    const body = JSON.stringify(env);
    const msgId = `msg_${randomBytes(16).toString('base64url').replace(/[-_]/g, '').slice(0, 20)}`;
    const entry = { webhook_id: msgId, event_id: env.id, type: env.type, attempts: 0, statuses: [], delivered: false, duplicated: false };
    const send = async () => {
      const ts = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'scimkit-directory-service/1',
        'webhook-id': msgId,
        'webhook-timestamp': String(ts),
        'webhook-signature': signWebhook(secret, msgId, ts, body),
      };
      report.sent++;
      const r = await postOnce(url, headers, body, timeoutMs, signal);
      entry.statuses.push(r.status ?? `error: ${r.error}`);
      return r;
    };
    for (let attempt = 0; attempt <= schedule.length; attempt++) {
      if (attempt > 0) {
        await sleep(schedule[attempt - 1], signal);
        if (signal?.aborted) break;
        report.retried++;
      }
      entry.attempts++;
      const r = await send();
      if (r.ok) { entry.delivered = true; break; }
    }
    if (entry.delivered) {
      report.delivered++;
      if (dupEvery && report.duplicates < dupMax && k % dupEvery === 0 && !signal?.aborted) {
        entry.duplicated = true;
        report.duplicates++;
        await send();
      }
    } else report.failures++;
    report.events.push(entry);
  }
  return report;
}
