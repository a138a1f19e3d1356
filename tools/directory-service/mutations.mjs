// Changes to the directory through the control API: create, update (fields, active flag), delete
// users and groups, add and remove members. Each change updates the data the API serves and
// records one event per changed object (which the server retains for the events API and hands to
// the webhook dispatcher). A change that changes nothing records nothing.
import { userEventData, userGroupRefs, userDeletedData, groupEventData } from './payloads.mjs';
import { MAX_USERS_PER_DIRECTORY, MAX_GROUPS_PER_DIRECTORY } from './data.mjs';

export const MAX_OPERATIONS = 10_000;
const MAX_IDS = 10_000;
const MAX_TEXT = 1_000;

const T = {
  userCreated: 'organization.directory.user_created',
  userUpdated: 'organization.directory.user_updated',
  userDeleted: 'organization.directory.user_deleted',
  groupCreated: 'organization.directory.group_created',
  groupUpdated: 'organization.directory.group_updated',
  groupDeleted: 'organization.directory.group_deleted',
};

/** a bad operation (400), or one naming something that does not exist (404) */
export class MutationError extends Error {
  constructor(message, status = 400) {
    super(message);
    this.name = 'MutationError';
    this.status = status;
  }
}

const USER_FIELDS = ['email', 'emails', 'given_name', 'family_name', 'title', 'department', 'employee_id', 'active', 'groups'];
const GROUP_FIELDS = ['display_name', 'external_id'];
export const OPERATIONS = ['createUser', 'updateUser', 'deleteUser', 'createGroup', 'updateGroup', 'deleteGroup', 'addMembers', 'removeMembers'];

function text(v, where, { nullable = false } = {}) {
  if (nullable && v === null) return null;
  if (typeof v !== 'string' || v.length > MAX_TEXT) throw new MutationError(`${where} must be a string of at most ${MAX_TEXT} characters${nullable ? ' or null' : ''}`);
  return v;
}

function object(v, where, known) {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new MutationError(`${where} must be an object`);
  for (const k of Object.keys(v)) if (!known.includes(k)) throw new MutationError(`${where}: unknown field "${k}" (known: ${known.join(', ')})`);
  return v;
}

function idList(v, where) {
  if (!Array.isArray(v) || v.length > MAX_IDS) throw new MutationError(`${where} must be an array of at most ${MAX_IDS} ids`);
  for (const [k, id] of v.entries()) if (typeof id !== 'string') throw new MutationError(`${where}[${k}] must be a string id`);
  return v;
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * @param {object} store  createStore() result
 * @param {object} io
 * @param {() => {ns: bigint, iso: string}} io.stamp  allocates the next occurred_at
 * @param {(e: {dir, type, object, data, stamp, lateMs}) => {id, type, occurred_at}} io.emit  records one event
 */
export function createMutator(store, { stamp, emit }) {
  const lookupDir = (id, where) => {
    const dir = typeof id === 'string' ? store.dirById.get(id) : undefined;
    if (!dir) throw new MutationError(`${where}: no directory ${JSON.stringify(String(id).slice(0, 60))}`, 404);
    return dir;
  };
  const lookupUser = (id, where) => {
    const u = store.findUser(id);
    if (!u) throw new MutationError(`${where}: no user ${JSON.stringify(String(id).slice(0, 60))}`, 404);
    return u;
  };
  const lookupGroup = (id, where) => {
    const g = store.findGroup(id);
    if (!g) throw new MutationError(`${where}: no group ${JSON.stringify(String(id).slice(0, 60))}`, 404);
    return g;
  };

  /** the record after applying `fields` (validated) to `base` */
  function applyUserFields(dir, base, fields, where) {
    const r = { ...base };
    if ('given_name' in fields) r.given = text(fields.given_name, `${where}.given_name`);
    if ('family_name' in fields) r.family = text(fields.family_name, `${where}.family_name`);
    if ('title' in fields) r.title = text(fields.title, `${where}.title`);
    if ('department' in fields) r.department = text(fields.department, `${where}.department`);
    if ('employee_id' in fields) r.employeeNumber = text(fields.employee_id, `${where}.employee_id`);
    if ('active' in fields) {
      if (typeof fields.active !== 'boolean') throw new MutationError(`${where}.active must be true or false`);
      r.active = fields.active;
    }
    if ('emails' in fields) {
      if (!Array.isArray(fields.emails) || fields.emails.length === 0 || fields.emails.length > 20) throw new MutationError(`${where}.emails must be an array of 1 to 20 strings`);
      r.emails = fields.emails.map((e, k) => text(e, `${where}.emails[${k}]`));
      r.email = 'email' in fields ? text(fields.email, `${where}.email`) : r.emails[0];
    } else if ('email' in fields) {
      r.email = text(fields.email, `${where}.email`);
      r.emails = [r.email, ...base.emails.filter((e) => e !== base.email && e !== r.email)];
    }
    if ('groups' in fields) {
      const gs = [];
      for (const [k, id] of idList(fields.groups, `${where}.groups`).entries()) {
        const g = store.parseGroupId(dir, id);
        if (g < 0) throw new MutationError(`${where}.groups[${k}]: no group ${JSON.stringify(id.slice(0, 60))} in directory ${dir.id}`, 404);
        if (!gs.includes(g)) gs.push(g);
      }
      r.groups = gs;
    }
    return r;
  }

  const USER_KEYS = ['given', 'family', 'email', 'emails', 'title', 'department', 'employeeNumber', 'active', 'groups'];

  /** store user i's new record and record its event */
  function commitUser(dir, i, rec, type, lateMs) {
    const t = stamp();
    Object.assign(rec, { updatedNs: t.ns, updatedAt: t.iso });
    if (type === T.userCreated) rec.createdAt = t.iso;
    const mut = store.mutable(dir);
    mut.users.set(i, rec);
    mut.nextUser = Math.max(mut.nextUser, i + 1);
    mut.version++;
    const live = store.userRecord(dir, i);
    const data = userEventData(store, dir, live, { groups: userGroupRefs(store, dir, live), withDirectoryId: true });
    return emit({ dir, type, object: 'DirectoryUser', data, stamp: t, lateMs });
  }

  function commitGroup(dir, g, rec, type, lateMs) {
    const t = stamp();
    Object.assign(rec, { updatedNs: t.ns, updatedAt: t.iso });
    if (type === T.groupCreated) rec.createdAt = t.iso;
    const mut = store.mutable(dir);
    mut.groups.set(g, rec);
    mut.nextGroup = Math.max(mut.nextGroup, g + 1);
    mut.version++;
    return emit({ dir, type, object: 'DirectoryGroup', data: groupEventData(store, dir, rec, type === T.groupCreated ? [] : undefined), stamp: t, lateMs });
  }

  /** add or remove group g for each user; one user_updated per user whose groups changed */
  function membership(dir, g, userIds, add, lateMs, where) {
    const events = [];
    const targets = [];
    for (const [k, id] of idList(userIds, where).entries()) {
      const u = lookupUser(id, `${where}[${k}]`);
      if (u.dir !== dir) throw new MutationError(`${where}[${k}]: user ${id} is in directory ${u.dir.id}, the group in ${dir.id}`);
      targets.push(u.i);
    }
    for (const i of new Set(targets)) {
      const cur = store.userRecord(dir, i);
      const has = cur.groups.includes(g);
      if (has === add) continue;
      const rec = { ...cur, groups: add ? [...cur.groups, g] : cur.groups.filter((x) => x !== g) };
      events.push(commitUser(dir, i, rec, T.userUpdated, lateMs));
    }
    return events;
  }

  function lateOf(op, where) {
    if (op.lateMs === undefined) return undefined;
    if (!Number.isInteger(op.lateMs) || op.lateMs < 0 || op.lateMs > 600_000) throw new MutationError(`${where}.lateMs must be an integer in [0, 600000]`);
    return op.lateMs;
  }

  const OP_KEYS = {
    createUser: ['directoryId', 'user'],
    updateUser: ['id', 'user'],
    deleteUser: ['id'],
    createGroup: ['directoryId', 'group', 'members'],
    updateGroup: ['id', 'group'],
    deleteGroup: ['id'],
    addMembers: ['groupId', 'userIds'],
    removeMembers: ['groupId', 'userIds'],
  };

  /**
   * Apply one operation.
   * @returns {{op: string, id: string, changed: boolean, events: Array<{id, type, occurred_at}>}}
   */
  function apply(op, where = 'operation') {
    if (op === null || typeof op !== 'object' || Array.isArray(op)) throw new MutationError(`${where} must be an object`);
    if (!OPERATIONS.includes(op.op)) throw new MutationError(`${where}.op must be one of ${OPERATIONS.join(', ')}`);
    for (const k of Object.keys(op)) {
      if (k !== 'op' && k !== 'lateMs' && !OP_KEYS[op.op].includes(k)) throw new MutationError(`${where}: unknown key "${k}" for ${op.op} (known: ${OP_KEYS[op.op].join(', ')}, lateMs)`);
    }
    const lateMs = lateOf(op, where);
    const result = (id, events) => ({ op: op.op, id, changed: events.length > 0, events });
    switch (op.op) {
      case 'createUser': {
        const dir = lookupDir(op.directoryId, `${where}.directoryId`);
        const fields = object(op.user, `${where}.user`, USER_FIELDS);
        const mut = store.mutable(dir);
        if (mut.nextUser >= MAX_USERS_PER_DIRECTORY) throw new MutationError(`${where}: directory ${dir.id} is full (${MAX_USERS_PER_DIRECTORY} users)`);
        const i = mut.nextUser;
        // a new user starts from the seeded record for its index (names, email, dp_id), active, in no
        // group; a given email replaces the seeded addresses
        const s0 = store.userRecord(dir, i);
        const seeded = { ...s0, emails: 'email' in fields ? [s0.email] : s0.emails, active: true, groups: [] };
        const rec = applyUserFields(dir, seeded, fields, `${where}.user`);
        return result(rec.id, [commitUser(dir, i, rec, T.userCreated, lateMs)]);
      }
      case 'updateUser': {
        const { dir, i } = lookupUser(op.id, `${where}.id`);
        const fields = object(op.user, `${where}.user`, USER_FIELDS);
        const cur = store.userRecord(dir, i);
        const rec = applyUserFields(dir, cur, fields, `${where}.user`);
        const same = (k) => (k === 'groups' ? sameJson([...rec.groups].sort(), [...cur.groups].sort()) : sameJson(rec[k], cur[k]));
        if (USER_KEYS.every(same)) return result(cur.id, []); // memberships are a set: order is no change
        return result(cur.id, [commitUser(dir, i, rec, T.userUpdated, lateMs)]);
      }
      case 'deleteUser': {
        const { dir, i } = lookupUser(op.id, `${where}.id`);
        const cur = store.userRecord(dir, i);
        const t = stamp();
        const mut = store.mutable(dir);
        mut.deletedUsers.add(i);
        mut.users.delete(i);
        mut.version++;
        return result(cur.id, [emit({ dir, type: T.userDeleted, object: 'DirectoryUser', data: userDeletedData(dir, cur), stamp: t, lateMs })]);
      }
      case 'createGroup': {
        const dir = lookupDir(op.directoryId, `${where}.directoryId`);
        const fields = object(op.group, `${where}.group`, GROUP_FIELDS);
        const mut = store.mutable(dir);
        if (mut.nextGroup >= MAX_GROUPS_PER_DIRECTORY) throw new MutationError(`${where}: directory ${dir.id} is full (${MAX_GROUPS_PER_DIRECTORY} groups)`);
        const g = mut.nextGroup;
        const rec = { ...store.groupRecord(dir, g) };
        if ('display_name' in fields) rec.name = text(fields.display_name, `${where}.group.display_name`);
        if ('external_id' in fields) rec.externalId = text(fields.external_id, `${where}.group.external_id`, { nullable: true });
        if (op.members !== undefined) idList(op.members, `${where}.members`); // validate before anything changes
        for (const [k, id] of (op.members ?? []).entries()) {
          const u = lookupUser(id, `${where}.members[${k}]`);
          if (u.dir !== dir) throw new MutationError(`${where}.members[${k}]: user ${id} is in directory ${u.dir.id}, not ${dir.id}`);
        }
        const events = [commitGroup(dir, g, rec, T.groupCreated, lateMs)];
        if (op.members) events.push(...membership(dir, g, op.members, true, lateMs, `${where}.members`));
        return result(rec.id, events);
      }
      case 'updateGroup': {
        const { dir, g } = lookupGroup(op.id, `${where}.id`);
        const fields = object(op.group, `${where}.group`, GROUP_FIELDS);
        const cur = store.groupRecord(dir, g);
        const rec = { ...cur };
        if ('display_name' in fields) rec.name = text(fields.display_name, `${where}.group.display_name`);
        if ('external_id' in fields) rec.externalId = text(fields.external_id, `${where}.group.external_id`, { nullable: true });
        if (rec.name === cur.name && rec.externalId === cur.externalId) return result(cur.id, []);
        return result(cur.id, [commitGroup(dir, g, rec, T.groupUpdated, lateMs)]);
      }
      case 'deleteGroup': {
        // members lose the group without an event of their own: the group_deleted event says it
        const { dir, g } = lookupGroup(op.id, `${where}.id`);
        const cur = store.groupRecord(dir, g);
        const t = stamp();
        const mut = store.mutable(dir);
        mut.deletedGroups.add(g);
        mut.groups.delete(g);
        mut.version++;
        return result(cur.id, [emit({ dir, type: T.groupDeleted, object: 'DirectoryGroup', data: groupEventData(store, dir, cur), stamp: t, lateMs })]);
      }
      case 'addMembers':
      case 'removeMembers': {
        const { dir, g } = lookupGroup(op.groupId, `${where}.groupId`);
        return result(store.groupId(dir, g), membership(dir, g, op.userIds, op.op === 'addMembers', lateMs, `${where}.userIds`));
      }
      default:
        throw new MutationError(`${where}.op: unknown`);
    }
  }

  /**
   * Apply operations in order. Stops at the first bad one: the error says which, and that the
   * ones before it were applied (each operation is applied whole or not at all).
   */
  function applyAll(ops) {
    if (!Array.isArray(ops) || ops.length > MAX_OPERATIONS) throw new MutationError(`operations must be an array of at most ${MAX_OPERATIONS}`);
    const results = [];
    for (const [k, op] of ops.entries()) {
      try {
        results.push(apply(op, `operations[${k}]`));
      } catch (e) {
        if (e instanceof MutationError && k > 0) e.message += ` (operations[0..${k - 1}] were applied)`;
        throw e;
      }
    }
    return results;
  }

  return { apply, applyAll };
}
