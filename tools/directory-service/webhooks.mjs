// Standard Webhooks signing, the seed's canned event sequence and its envelopes, for the local
// directory service. Sending (retries, delivery faults) is in delivery.mjs.
import { createHmac, randomBytes } from 'node:crypto';
import { rfc3339 } from './data.mjs';
import { userEventData, userDeletedData, groupEventData } from './payloads.mjs';

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

  // like real deliveries: groups is sometimes null
  const userData = (r, k, extra = {}) => userEventData(store, dir, r, {
    groups: k % 3 === 0 ? null : r.groups.filter((g) => g < G).map((g) => ({ id: store.groupId(dir, g), name: store.groupRecord(dir, g).name })),
    extra,
  });
  const groupData = (gr, members) => groupEventData(store, dir, gr, members);

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
    events.push({ type: 'organization.directory.user_deleted', object: 'DirectoryUser', organization_id: orgId, directory_id: dir.id, data: userDeletedData(dir, r) });
  }
  if (G > 0) {
    const gr = store.groupRecord(dir, G - 1);
    events.push({ type: 'organization.directory.group_deleted', object: 'DirectoryGroup', organization_id: orgId, directory_id: dir.id, data: groupData(gr) });
  }
  return events;
}

/** the webhook envelope of one seed-sequence / explicit event (`full` or the guide's `simple` shape) */
export function envelopeOf(ev, { environmentId, shape }) {
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
