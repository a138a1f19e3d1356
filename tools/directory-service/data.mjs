// Deterministic, lazily generated directory data for the scimkit local directory service.
// Same options -> byte-identical objects. Nothing here reads the clock or Math.random; changes made
// through the control API (mutations.mjs) live in a per-directory overlay on top of the seeded data.
import { nsToRfc3339 } from './time.mjs';

export const BASE_MS = Date.UTC(2024, 0, 1, 0, 0, 0);
const YEAR_MS = 365 * 24 * 3600 * 1000;
export const MAX_USERS_PER_DIRECTORY = 9_999_999;
export const MAX_GROUPS_PER_DIRECTORY = 9_999_999;

// ---------- hashing / PRNG ----------
export function fnv1a(str) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(String(str), 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** hash of up to four 32-bit integers */
export function hash(a, b = 0, c = 0, d = 0) {
  let h = 0x9e3779b9;
  h = fmix(h ^ Math.imul(a >>> 0, 0xcc9e2d51));
  h = fmix((h + Math.imul(b >>> 0, 0x1b873593)) >>> 0);
  h = fmix((h ^ Math.imul(c >>> 0, 0xe6546b64)) >>> 0);
  h = fmix((h + Math.imul(d >>> 0, 0x85ebca6b)) >>> 0);
  return h;
}

export function mulberry32(a) {
  return function next() {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function digits(rng, n) {
  let s = String(1 + Math.floor(rng() * 9));
  for (let i = 1; i < n; i++) s += Math.floor(rng() * 10);
  return s;
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function base62(rng, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += B62[Math.floor(rng() * 62)];
  return s;
}

const pick = (rng, arr) => arr[Math.floor(rng() * arr.length)];
const pad = (n, w) => String(n).padStart(w, '0');
export const rfc3339 = (ms) => new Date(ms).toISOString();

/** the positions 0..n-1 as matches (see userMatches) */
const rangeMatches = (n) => ({ total: n, at: (k) => k, lowerBound: (o) => Math.min(Math.max(o, 0), n) });
/** an ascending index list as matches */
function listMatches(list) {
  return {
    total: list.length,
    at: (k) => list[k],
    lowerBound(o) {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid] < o) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
  };
}

// ---------- vocabularies ----------
const FIRST = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sofia', 'Lucas', 'Mia', 'Ethan',
  'Amara', 'Kenji', 'Priya', 'Arjun', 'Chloé', 'José', 'Zoë', 'Łukasz', 'Søren', 'Björn',
  'Aoife', 'Siobhán', 'Mónica', 'François', 'Mei', 'Hiroshi', 'Fatima', 'Omar', 'Ingrid', 'Renée',
  'Grace', 'Daniel', 'Hannah', 'Samuel', 'Leila', 'Tomás', 'Yuki', 'Nia', 'Jakub', 'Elif',
];
const LAST = [
  'Smith', 'García', 'Müller', 'Nguyễn', 'Kowalski', "O'Brien", 'Johansson', 'Rossi', 'Dubois', 'Tanaka',
  'Patel', 'Kim', 'Silva', 'Novák', 'Andersen', 'Brown', 'Jones', 'Hernández', 'Wójcik', 'Okafor',
  'Schmidt', 'Ivanova', 'Chen', 'Lefèvre', 'Yılmaz', 'Williams', 'Martin', 'Larsen', 'Costa', 'Singh',
];
const ORG_NAMES = [
  'Acme Corp', 'Globex', 'Initech', 'Umbrella Health', 'Hooli', 'Stark Industries', 'Wayne Enterprises',
  'Soylent', 'Tyrell Systems', 'Cyberdyne', 'Wonka Industries', 'Aperture Labs', 'Vandelay Imports',
  'Massive Dynamic', 'Oscorp', 'Gringotts', 'Monarch Solutions', 'Nakatomi Trading', 'Zorg Industries', 'Prestige Worldwide',
];
const GROUP_NAMES = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Support', 'Admins', 'Design', 'Legal',
  'People Ops', 'Product', 'Security', 'Data', 'IT', 'Operations', 'Research', 'Contractors',
];
const TITLES = [
  'Software Engineer', 'Senior Software Engineer', 'Engineering Manager', 'Account Executive', 'Designer',
  'Product Manager', 'Data Scientist', 'Support Specialist', 'Recruiter', 'Controller', 'Counsel', 'SRE',
];
const DEPARTMENTS = ['R&D', 'Go-to-market', 'G&A', 'Customer Success', 'Operations'];
export const PROVIDERS = ['OKTA', 'MICROSOFT_AD', 'GOOGLE', 'ONELOGIN', 'JUMPCLOUD', 'PING_IDENTITY', 'AUTH0'];
const PROVIDER_LABEL = {
  OKTA: 'Okta', MICROSOFT_AD: 'Microsoft Entra ID', GOOGLE: 'Google Workspace', ONELOGIN: 'OneLogin',
  JUMPCLOUD: 'JumpCloud', PING_IDENTITY: 'PingIdentity', AUTH0: 'Auth0',
};

export function asciiFold(s) {
  return s
    .replace(/[łŁ]/g, 'l').replace(/[øØ]/g, 'o').replace(/ß/g, 'ss').replace(/ı/g, 'i').replace(/[đĐ]/g, 'd').replace(/[æÆ]/g, 'ae')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase().replace(/[^a-z0-9]/g, '');
}

// ---------- options ----------
function int(v, name, min, max, dflt) {
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return n;
}

export function normalizeDataOptions(o = {}) {
  const users = o.usersPerDirectory ?? o.users;
  const usersList = Array.isArray(users) ? users : [users ?? 25];
  if (usersList.length === 0) throw new RangeError('usersPerDirectory array must not be empty');
  return {
    seed: o.seed ?? 1,
    orgs: int(o.orgs, 'orgs', 0, 10_000, 2),
    directoriesPerOrg: int(o.directoriesPerOrg, 'directoriesPerOrg', 0, 100, 1),
    emptyOrgs: int(o.emptyOrgs, 'emptyOrgs', 0, 10_000, 0),
    usersPerDirectory: usersList.map((u) => int(u, 'usersPerDirectory', 0, MAX_USERS_PER_DIRECTORY, 25)),
    groupsPerDirectory: int(o.groupsPerDirectory ?? o.groups, 'groupsPerDirectory', 0, MAX_GROUPS_PER_DIRECTORY, 5),
    membershipsPerUser: int(o.membershipsPerUser ?? o.memberships, 'membershipsPerUser', 0, 64, 2),
  };
}

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

// ---------- the store ----------
export function createStore(options) {
  const opts = normalizeDataOptions(options);
  const S = fnv1a(`scimkit-directory-service:${opts.seed}`);
  const orgs = [];
  const orgById = new Map();
  const dirById = new Map();
  const dirByKey = new Map();
  let dirOrdinal = 0;

  for (let oi = 0; oi < opts.orgs; oi++) {
    const rng = mulberry32(hash(S, 1, oi));
    const base = ORG_NAMES[oi % ORG_NAMES.length];
    const display = oi < ORG_NAMES.length ? base : `${base} ${Math.floor(oi / ORG_NAMES.length) + 1}`;
    const slug = display.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const createMs = BASE_MS - (opts.orgs - oi) * 86400_000 - Math.floor(rng() * 86400_000);
    const org = {
      index: oi,
      id: `org_${digits(rng, 13)}${pad(oi, 4)}`,
      display_name: display,
      slug,
      domain: `${slug.replace(/-/g, '')}.example`,
      external_id: `ext-${slug}-${pad(oi, 4)}`,
      region_code: rng() < 0.7 ? 'US' : 'EU',
      createMs,
      updateMs: createMs + Math.floor(rng() * 30 * 86400_000),
      directories: [],
    };
    const nDirs = oi >= opts.orgs - opts.emptyOrgs ? 0 : opts.directoriesPerOrg;
    for (let di = 0; di < nDirs; di++) {
      const ord = dirOrdinal++;
      const drng = mulberry32(hash(S, 2, ord));
      const key = `${digits(drng, 12)}${pad(ord, 6)}`;
      const provider = PROVIDERS[ord % PROVIDERS.length];
      const G = opts.groupsPerDirectory;
      let step = 1;
      if (G > 2) {
        step = 1 + Math.floor(drng() * (G - 1));
        let guard = 0;
        while (gcd(step, G) !== 1 && guard++ < 10_000) step = (step % (G - 1)) + 1;
        if (gcd(step, G) !== 1) step = 1;
      }
      const dir = {
        ordinal: ord,
        index: di,
        org,
        key,
        seed: hash(S, 3, ord),
        id: `dir_${key}`,
        name: `${PROVIDER_LABEL[provider]} SCIM`,
        provider,
        enabled: di === 0 || di % 2 === 0,
        userCount: opts.usersPerDirectory[ord % opts.usersPerDirectory.length],
        groupCount: G,
        memberships: Math.min(opts.membershipsPerUser, G),
        step,
        createMs: org.createMs + 3600_000 * (di + 1),
        secretSuffix: base62(drng, 4),
        secretId: `dirsec_${digits(drng, 17)}`,
        _index: null,
        _mut: null, // changes made through the control API (see mutable()), null while untouched
      };
      org.directories.push(dir);
      dirById.set(dir.id, dir);
      dirByKey.set(dir.key, dir);
    }
    orgs.push(org);
    orgById.set(org.id, org);
  }

  // --- per-user / per-group derived values (pure functions of indices) ---
  const userUpdatedMs = (dir, i) => BASE_MS + (hash(dir.seed, i, 11) % (YEAR_MS / 1000)) * 1000 + (hash(dir.seed, i, 12) % 1000);
  const groupUpdatedMs = (dir, g) => BASE_MS + (hash(dir.seed, g, 21) % (YEAR_MS / 1000)) * 1000 + (hash(dir.seed, g, 22) % 1000);

  function userGroupIndexes(dir, i) {
    const m = dir.memberships;
    if (m === 0) return [];
    const G = dir.groupCount;
    const start = hash(dir.seed, i, 13) % G;
    const out = new Array(m);
    for (let k = 0; k < m; k++) out[k] = (start + k * dir.step) % G;
    return out;
  }

  const userUpdatedNs = (dir, i) => dir._mut?.users.get(i)?.updatedNs ?? BigInt(userUpdatedMs(dir, i)) * 1_000_000n;
  const groupUpdatedNs = (dir, g) => dir._mut?.groups.get(g)?.updatedNs ?? BigInt(groupUpdatedMs(dir, g)) * 1_000_000n;

  // ---------- changes (the control API) ----------
  // A directory starts as a pure function of the seed. The first change gives it an overlay
  // (`dir._mut`): replaced or created records by index, deleted indexes, the next free indexes and a
  // version that invalidates the index and the cached match lists. Indexes are never reused, so ids
  // stay unique and creation order stays the listing order.
  function mutable(dir) {
    dir._mut ??= {
      version: 1,
      users: new Map(),
      groups: new Map(),
      deletedUsers: new Set(),
      deletedGroups: new Set(),
      nextUser: dir.userCount,
      nextGroup: dir.groupCount,
    };
    return dir._mut;
  }
  const isLiveUser = (dir, i) => Number.isInteger(i) && i >= 0 && i < (dir._mut ? dir._mut.nextUser : dir.userCount) && !dir._mut?.deletedUsers.has(i);
  const isLiveGroup = (dir, g) => Number.isInteger(g) && g >= 0 && g < (dir._mut ? dir._mut.nextGroup : dir.groupCount) && !dir._mut?.deletedGroups.has(g);

  /** the groups user i is in now (indexes, live groups only) */
  function liveGroupsOfUser(dir, i) {
    const mut = dir._mut;
    const gs = mut?.users.get(i)?.groups ?? userGroupIndexes(dir, i);
    return mut && mut.deletedGroups.size > 0 ? gs.filter((g) => !mut.deletedGroups.has(g)) : gs;
  }

  function membershipCsr(G, users, groupsOf) {
    const counts = new Int32Array(G);
    for (const i of users) for (const g of groupsOf(i)) counts[g]++;
    const offsets = new Int32Array(G + 1);
    for (let g = 0; g < G; g++) offsets[g + 1] = offsets[g] + counts[g];
    const members = new Int32Array(offsets[G]);
    const fill = offsets.slice(0, G);
    for (const i of users) for (const g of groupsOf(i)) members[fill[g]++] = i; // users ascending -> members sorted
    return { counts, offsets, members };
  }

  /** 0..n-1, iterable any number of times */
  const range = (n) => ({ *[Symbol.iterator]() { for (let i = 0; i < n; i++) yield i; } });

  /**
   * lazily built per-directory index: group sizes, CSR membership lists, the live users and groups
   * (null = all of 0..count-1), newest timestamps. Rebuilt on the first read after a change.
   */
  function indexOf(dir) {
    const mut = dir._mut;
    if (dir._index && dir._index.version === (mut ? mut.version : 0)) return dir._index;
    dir._index = mut ? changedIndex(dir, mut) : seedIndex(dir);
    return dir._index;
  }

  function seedIndex(dir) {
    const N = dir.userCount;
    const G = dir.groupCount;
    let maxUser = 0;
    for (let i = 0; i < N; i++) {
      const u = userUpdatedMs(dir, i);
      if (u > maxUser) maxUser = u;
    }
    const csr = membershipCsr(G, range(N), (i) => userGroupIndexes(dir, i));
    let maxGroup = 0;
    for (let g = 0; g < G; g++) maxGroup = Math.max(maxGroup, groupUpdatedMs(dir, g));
    maxUser ||= dir.createMs;
    maxGroup ||= dir.createMs;
    return {
      version: 0, ...csr, liveUsers: null, liveGroups: null, userCount: N, groupCount: G,
      userUpdatedAt: rfc3339(maxUser), groupUpdatedAt: rfc3339(maxGroup), lastSyncMs: Math.max(maxUser, maxGroup) + 60_000,
    };
  }

  function changedIndex(dir, mut) {
    const liveUsers = [];
    let maxUser = BigInt(dir.createMs) * 1_000_000n;
    for (let i = 0; i < mut.nextUser; i++) {
      if (mut.deletedUsers.has(i)) continue;
      liveUsers.push(i);
      const ns = userUpdatedNs(dir, i);
      if (ns > maxUser) maxUser = ns;
    }
    const liveGroups = [];
    let maxGroup = BigInt(dir.createMs) * 1_000_000n;
    for (let g = 0; g < mut.nextGroup; g++) {
      if (mut.deletedGroups.has(g)) continue;
      liveGroups.push(g);
      const ns = groupUpdatedNs(dir, g);
      if (ns > maxGroup) maxGroup = ns;
    }
    const csr = membershipCsr(mut.nextGroup, liveUsers, (i) => liveGroupsOfUser(dir, i));
    const newest = maxUser > maxGroup ? maxUser : maxGroup;
    return {
      version: mut.version, ...csr,
      liveUsers: mut.deletedUsers.size ? Int32Array.from(liveUsers) : null,
      liveGroups: mut.deletedGroups.size ? Int32Array.from(liveGroups) : null,
      userCount: liveUsers.length, groupCount: liveGroups.length,
      userUpdatedAt: nsToRfc3339(maxUser), groupUpdatedAt: nsToRfc3339(maxGroup),
      lastSyncMs: Number(newest / 1_000_000n) + 60_000,
    };
  }

  const userId = (dir, i) => `diruser_${dir.key}${pad(i, 7)}`;
  const groupId = (dir, g) => `dirgroup_${dir.key}${pad(g, 7)}`;

  /** index of a live group of dir by id, or -1 */
  function parseGroupId(dir, id) {
    const p = `dirgroup_${dir.key}`;
    if (!id.startsWith(p)) return -1;
    const rest = id.slice(p.length);
    if (!/^\d{7}$/.test(rest)) return -1;
    const g = Number(rest);
    return isLiveGroup(dir, g) ? g : -1;
  }

  /** `{dir, i}` of a live user by id, or null (the key after the prefix names the directory) */
  function findUser(id) {
    const m = typeof id === 'string' && /^diruser_(\d{18})(\d{7})$/.exec(id);
    const dir = m && dirByKey.get(m[1]);
    return dir && isLiveUser(dir, Number(m[2])) ? { dir, i: Number(m[2]) } : null;
  }

  /** `{dir, g}` of a live group by id, or null */
  function findGroup(id) {
    const m = typeof id === 'string' && /^dirgroup_(\d{18})(\d{7})$/.exec(id);
    const dir = m && dirByKey.get(m[1]);
    return dir && isLiveGroup(dir, Number(m[2])) ? { dir, g: Number(m[2]) } : null;
  }

  function groupName(g) {
    const base = GROUP_NAMES[g % GROUP_NAMES.length];
    return g < GROUP_NAMES.length ? base : `${base} ${Math.floor(g / GROUP_NAMES.length) + 1}`;
  }

  /** the seeded record for user i of dir (any i: a created user starts from it) */
  function seedUserRecord(dir, i) {
    const rng = mulberry32(hash(dir.seed, i, 14));
    const given = pick(rng, FIRST);
    const family = pick(rng, LAST);
    const local = `${asciiFold(given)}.${asciiFold(family)}${i + 1}`;
    const email = `${local}@${dir.org.domain}`;
    const emails = [email];
    if (rng() < 0.25) emails.push(`${asciiFold(given)[0]}${asciiFold(family)}${i + 1}@mail.${dir.org.domain}`);
    const updatedMs = userUpdatedMs(dir, i);
    const createdMs = Math.min(updatedMs, dir.createMs + Math.floor(rng() * 30 * 86400_000));
    return {
      index: i,
      id: userId(dir, i),
      dpId: `00u${base62(rng, 17)}`,
      scimId: `${hash(dir.seed, i, 15).toString(16).padStart(8, '0')}-${pad(i, 7)}`,
      given,
      family,
      email,
      emails,
      title: pick(rng, TITLES),
      department: pick(rng, DEPARTMENTS),
      employeeNumber: pad(100000 + i, 7),
      active: i % 50 !== 49,
      createdMs,
      updatedMs,
      groups: userGroupIndexes(dir, i),
    };
  }

  /**
   * internal, full record for user i of dir as it is now (used by the API shape, user_detail and
   * webhooks). A changed record also has `updatedNs`/`updatedAt` (and `createdAt`): the exact
   * `occurred_at` of the event that produced it. Callers must not modify the result.
   */
  function userRecord(dir, i) {
    const mut = dir._mut;
    const r = mut?.users.get(i) ?? seedUserRecord(dir, i);
    if (!mut || mut.deletedGroups.size === 0) return r;
    return { ...r, groups: r.groups.filter((g) => !mut.deletedGroups.has(g)) };
  }

  function seedGroupRecord(dir, g) {
    const rng = mulberry32(hash(dir.seed, g, 24));
    const updatedMs = groupUpdatedMs(dir, g);
    return {
      index: g,
      id: groupId(dir, g),
      dpId: `00g${base62(rng, 17)}`,
      scimId: `${hash(dir.seed, g, 25).toString(16).padStart(8, '0')}-g${pad(g, 6)}`,
      name: groupName(g),
      externalId: g % 3 === 2 ? null : `grp-${asciiFold(groupName(g))}-${g}`,
      createdMs: Math.min(updatedMs, dir.createMs + 60_000 * (g + 1)),
      updatedMs,
    };
  }

  const groupRecord = (dir, g) => dir._mut?.groups.get(g) ?? seedGroupRecord(dir, g);

  // ---------- API shapes ----------
  function groupJson(dir, g, includeDetail = false) {
    const r = groupRecord(dir, g);
    const out = { id: r.id, display_name: r.name, total_users: indexOf(dir).counts[g] ?? 0, updated_at: r.updatedAt ?? rfc3339(r.updatedMs) };
    if (includeDetail) out.group_detail = scimGroup(dir, r);
    return out;
  }

  function scimUser(dir, r) {
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      id: r.scimId,
      externalId: r.dpId,
      userName: r.email,
      name: { givenName: r.given, familyName: r.family, formatted: `${r.given} ${r.family}` },
      displayName: `${r.given} ${r.family}`,
      emails: r.emails.map((value, k) => ({ value, type: k === 0 ? 'work' : 'other', primary: k === 0 })),
      title: r.title,
      locale: 'en-US',
      active: r.active,
      groups: r.groups.map((g) => { const gr = groupRecord(dir, g); return { value: gr.scimId, display: gr.name }; }),
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: r.employeeNumber, department: r.department },
      meta: { resourceType: 'User', created: r.createdAt ?? rfc3339(r.createdMs), lastModified: r.updatedAt ?? rfc3339(r.updatedMs) },
    };
  }

  function scimGroup(dir, r) {
    const out = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: r.scimId,
      displayName: r.name,
      meta: { resourceType: 'Group', created: r.createdAt ?? rfc3339(r.createdMs), lastModified: r.updatedAt ?? rfc3339(r.updatedMs) },
    };
    if (r.externalId !== null) out.externalId = r.externalId;
    return out;
  }

  function userJson(dir, i, includeDetail = false) {
    const r = userRecord(dir, i);
    const out = {
      id: r.id,
      email: r.email,
      preferred_username: r.email,
      given_name: r.given,
      family_name: r.family,
      updated_at: r.updatedAt ?? rfc3339(r.updatedMs),
      emails: r.emails,
      groups: r.groups.map((g) => groupJson(dir, g)),
    };
    if (includeDetail) out.user_detail = scimUser(dir, r);
    return out;
  }

  function orgJson(org) {
    return {
      id: org.id,
      create_time: rfc3339(org.createMs),
      update_time: rfc3339(org.updateMs),
      display_name: org.display_name,
      region_code: org.region_code,
      external_id: org.external_id,
      metadata: { plan: org.index % 3 === 0 ? 'enterprise' : 'team', seeded_by: 'scimkit-directory-service' },
      settings: { features: [{ name: 'sso', enabled: true }, { name: 'dir_sync', enabled: org.directories.length > 0 }] },
      slug: org.slug,
      logo_url: '',
    };
  }

  function directoryJson(dir, baseUrl = '') {
    const ix = indexOf(dir);
    const roleAssignments = dir.groupCount > 0
      ? [{ group_id: groupId(dir, Math.min(5, dir.groupCount - 1)), role_name: 'admin', role_id: `role_${pad(dir.ordinal, 4)}01` },
        { group_id: groupId(dir, 0), role_name: 'member', role_id: `role_${pad(dir.ordinal, 4)}02` }]
      : [];
    const lastSync = ix.lastSyncMs;
    return {
      id: dir.id,
      name: dir.name,
      directory_type: 'SCIM',
      organization_id: dir.org.id,
      enabled: dir.enabled,
      directory_provider: dir.provider,
      last_synced_at: rfc3339(lastSync),
      directory_endpoint: `${baseUrl}/api/v1/directories/${dir.id}/scim/v2`,
      total_users: ix.userCount,
      total_groups: ix.groupCount,
      stats: {
        total_users: ix.userCount,
        total_groups: ix.groupCount,
        group_updated_at: ix.groupUpdatedAt,
        user_updated_at: ix.userUpdatedAt,
      },
      role_assignments: { assignments: roleAssignments },
      attribute_mappings: {
        attributes: [
          { key: 'email', map_to: 'emails[type eq "work"].value' },
          { key: 'given_name', map_to: 'name.givenName' },
          { key: 'family_name', map_to: 'name.familyName' },
          { key: 'preferred_username', map_to: 'userName' },
        ],
      },
      status: dir.enabled ? 'COMPLETED' : 'IN_PROGRESS',
      email: '',
      groups_tracked: 'ALL',
      secrets: [{
        id: dir.secretId,
        create_time: rfc3339(dir.createMs),
        secret_suffix: dir.secretSuffix,
        status: 'ACTIVE',
        expire_time: rfc3339(dir.createMs + 2 * YEAR_MS),
        last_used_time: rfc3339(lastSync),
        directory_id: dir.id,
      }],
    };
  }

  // ---------- queries (match lists are cached; paging is O(page)) ----------
  const matchCache = new Map(); // fingerprint:version -> Int32Array
  const MATCH_CACHE_MAX = 64;
  function cached(key, build) {
    if (matchCache.has(key)) {
      const v = matchCache.get(key);
      matchCache.delete(key);
      matchCache.set(key, v);
      return v;
    }
    const v = build();
    matchCache.set(key, v);
    if (matchCache.size > MATCH_CACHE_MAX) matchCache.delete(matchCache.keys().next().value);
    return v;
  }

  /**
   * Matches are indexes in ascending order: `at(k)` is the kth, `lowerBound(o)` the position of the
   * first index >= o (page tokens name an index, not a position, so a change between two pages
   * neither skips nor repeats anyone).
   * @returns {{ total: number, at: (k:number)=>number, lowerBound: (o:number)=>number }}
   */
  function userMatches(dir, { groupIndex = null, updatedAfterMs = null, updatedAfterNs = null }, fp) {
    const mut = dir._mut;
    if (groupIndex === null && updatedAfterMs === null) {
      if (!mut) return rangeMatches(dir.userCount);
      const ix = indexOf(dir);
      return ix.liveUsers ? listMatches(ix.liveUsers) : rangeMatches(ix.userCount);
    }
    const list = cached(`${fp}:${mut ? mut.version : 0}`, () => {
      const ix = indexOf(dir);
      let src;
      if (groupIndex !== null) src = ix.members.subarray(ix.offsets[groupIndex], ix.offsets[groupIndex + 1]);
      if (updatedAfterMs === null) return src;
      src ??= ix.liveUsers ?? range(ix.userCount);
      const newer = mut ? (i) => userUpdatedNs(dir, i) > updatedAfterNs : (i) => userUpdatedMs(dir, i) > updatedAfterMs;
      const out = [];
      for (const i of src) if (newer(i)) out.push(i);
      return Int32Array.from(out);
    });
    return listMatches(list);
  }

  function groupMatches(dir, { updatedAfterMs = null, updatedAfterNs = null }, fp) {
    const mut = dir._mut;
    if (updatedAfterMs === null) {
      if (!mut) return rangeMatches(dir.groupCount);
      const ix = indexOf(dir);
      return ix.liveGroups ? listMatches(ix.liveGroups) : rangeMatches(ix.groupCount);
    }
    const list = cached(`${fp}:${mut ? mut.version : 0}`, () => {
      const out = [];
      if (!mut) { for (let g = 0; g < dir.groupCount; g++) if (groupUpdatedMs(dir, g) > updatedAfterMs) out.push(g); }
      else {
        const ix = indexOf(dir);
        for (const g of ix.liveGroups ?? range(ix.groupCount)) if (groupUpdatedNs(dir, g) > updatedAfterNs) out.push(g);
      }
      return Int32Array.from(out);
    });
    return listMatches(list);
  }

  return {
    options: opts,
    seedHash: S,
    orgs,
    orgById,
    dirById,
    indexOf,
    userRecord,
    groupRecord,
    userJson,
    groupJson,
    orgJson,
    directoryJson,
    scimUser,
    scimGroup,
    userId,
    groupId,
    parseGroupId,
    findUser,
    findGroup,
    isLiveUser,
    isLiveGroup,
    mutable,
    userMatches,
    groupMatches,
    groupMembers(dir, g) {
      const ix = indexOf(dir);
      return ix.members.subarray(ix.offsets[g], ix.offsets[g + 1]);
    },
  };
}
