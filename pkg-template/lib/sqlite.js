// scimkit/sqlite: the sync store in SQLite, over a better-sqlite3 (v12) Database or a node:sqlite
// DatabaseSync. A subpath of its own that the main entry never loads, so Workers and browsers
// never see it. It only moves rows: every decision is the core's (DirectorySync); the commit checks
// what the port's contract says (event id new, guards hold) in one transaction.
//
// The package imports itself ("scimkit") rather than ./errors.js so that, in Node, the error
// classes are the very ones the main entry exports (node.cjs bundles its own copy of lib/).
import { SyncError } from "scimkit";
import { conflict, dataText, idListJson, invalid, requireString, scopeOf } from "./store-args.js";
import { GROUP_COLUMNS, GROUP_HEAD_COLUMNS, IN_IDS, groupText, listOf, MIGRATIONS, q, ROW_WRITES, unseenParams, unseenSql, USER_COLUMNS, userText, usersPageText } from "./store-sql.js";

/** The schema version this scimkit writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function rollback(db) {
  try {
    db.exec("ROLLBACK");
  } catch {
    // No transaction left to roll back (SQLite already ended it): nothing to undo.
  }
}

/** Runs `fn` in a write transaction: BEGIN IMMEDIATE takes the write lock before the first read. */
function writeTransaction(db, fn) {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (err) {
    rollback(db);
    throw err;
  }
}

function schemaVersion(db) {
  const table = db.prepare("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'scimkit_meta'").get();
  if (!table) return 0;
  const row = db.prepare("SELECT value FROM scimkit_meta WHERE key = 'schema_version'").get();
  return row ? Number(row.value) : 0;
}

/** Brings the database's scimkit tables to SCHEMA_VERSION (under the write lock: many processes may start at once). */
function migrate(db) {
  if (schemaVersion(db) === SCHEMA_VERSION) return;
  writeTransaction(db, () => {
    const from = schemaVersion(db);
    if (!Number.isInteger(from) || from < 0 || from > SCHEMA_VERSION) {
      throw new SyncError(
        "store_failed",
        `the database's scimkit schema is version ${from}, which this scimkit (schema ${SCHEMA_VERSION}) does not know: use the scimkit that wrote it, or a newer one`,
      );
    }
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.prepare("INSERT INTO scimkit_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
      String(SCHEMA_VERSION),
    );
  });
}

const bit = (b) => (b ? 1 : 0);
const orNull = (v) => v ?? null;

/** The sync store in SQLite: the port DirectorySync calls, and the app's reads. */
class SqliteStore {
  #db;
  #s;

  constructor(db) {
    this.#db = db;
    migrate(db);
    const p = (sql) => db.prepare(sql);
    const scoped = (table, columns) => ({
      all: p(`SELECT ${columns} FROM ${table} WHERE deleted = 0 ORDER BY id`),
      org: p(`SELECT ${columns} FROM ${table} WHERE deleted = 0 AND organization_id = ? ORDER BY id`),
      dir: p(`SELECT ${columns} FROM ${table} WHERE deleted = 0 AND directory_id = ? ORDER BY id`),
      both: p(`SELECT ${columns} FROM ${table} WHERE deleted = 0 AND organization_id = ? AND directory_id = ? ORDER BY id`),
    });
    const unseen = (table, columns) => {
      const sql = unseenSql(table, columns);
      return { placed: p(sql.placed), withUnplaced: p(sql.withUnplaced) };
    };
    this.#s = {
      hasEvent: p("SELECT 1 AS found FROM scimkit_events WHERE id = ?"),
      users: p(`SELECT ${USER_COLUMNS} FROM scimkit_users WHERE id ${IN_IDS}`),
      groups: p(`SELECT ${GROUP_COLUMNS} FROM scimkit_groups WHERE id ${IN_IDS}`),
      groupHeads: p(`SELECT ${GROUP_HEAD_COLUMNS} FROM scimkit_groups WHERE id ${IN_IDS}`),
      userGroups: p(`SELECT group_id, user_id FROM scimkit_memberships WHERE user_id ${IN_IDS}`),
      groupMembers: p("SELECT user_id FROM scimkit_memberships WHERE group_id = ? ORDER BY user_id"),
      userGroupIds: p("SELECT group_id FROM scimkit_memberships WHERE user_id = ? ORDER BY group_id"),
      unseenUsers: unseen("scimkit_users", USER_COLUMNS),
      unseenGroups: unseen("scimkit_groups", GROUP_COLUMNS),
      // The commit's statements: checkpoint, userRevision, groupRevision, addEvent, putUser, …
      ...Object.fromEntries(Object.entries(ROW_WRITES).map(([name, sql]) => [name, p(sql)])),
      getUser: p("SELECT data FROM scimkit_users WHERE id = ? AND deleted = 0"),
      getGroup: p("SELECT data FROM scimkit_groups WHERE id = ? AND deleted = 0"),
      listUsers: scoped("scimkit_users", "data"),
      listGroups: scoped("scimkit_groups", "data"),
    };
  }

  /**
   * The port's `dataAsJson`: `commit` may take each row's `data` as its JSON text, which is what
   * the `data` column keeps (DirectorySync then never parses it on the way in).
   */
  get dataAsJson() {
    return true;
  }

  /** The schema version of the database (SCHEMA_VERSION once opened). */
  get schemaVersion() {
    return schemaVersion(this.#db);
  }

  // ---- The app's reads: the normalized model, tombstones left out, in id order.

  async getUser(id) {
    const row = this.#s.getUser.get(requireString(id, "id"));
    return row ? JSON.parse(row.data) : null;
  }

  async listUsers(options) {
    return scopedRows(this.#s.listUsers, scopeOf(options)).map((r) => JSON.parse(r.data));
  }

  async getGroup(id) {
    const row = this.#s.getGroup.get(requireString(id, "id"));
    return row ? JSON.parse(row.data) : null;
  }

  async listGroups(options) {
    return scopedRows(this.#s.listGroups, scopeOf(options)).map((r) => JSON.parse(r.data));
  }

  async listMembers(groupId) {
    return this.#s.groupMembers.all(requireString(groupId, "groupId")).map((r) => r.user_id);
  }

  async listUserGroups(userId) {
    return this.#s.userGroupIds.all(requireString(userId, "userId")).map((r) => r.group_id);
  }

  // ---- The port (index.d.ts, SyncStorePort). Record reads answer JSON text: `data` is spliced
  // in as stored, never parsed here.

  async hasEvent(id) {
    return this.#s.hasEvent.get(requireString(id, "id")) !== undefined;
  }

  async users(ids) {
    return listOf(this.#s.users.all(idListJson(ids, "ids")), userText);
  }

  async groups(ids) {
    return listOf(this.#s.groups.all(idListJson(ids, "ids")), groupText);
  }

  async userGroups(userIds) {
    return this.#s.userGroups.all(idListJson(userIds, "userIds")).map((r) => ({ group_id: r.group_id, user_id: r.user_id }));
  }

  async groupMembers(groupId) {
    return this.#s.groupMembers.all(requireString(groupId, "groupId")).map((r) => r.user_id);
  }

  async unseenUsers(query) {
    return listOf(unseenRows(this.#s.unseenUsers, query), userText);
  }

  async unseenGroups(query) {
    return listOf(unseenRows(this.#s.unseenGroups, query), groupText);
  }

  async checkpoint(key) {
    return this.#s.checkpoint.get(requireString(key, "key"))?.value ?? null;
  }

  /**
   * Everything one event reads, in one call (the port's optional `readEvent`): whether its id is
   * stored, then user and group rows, one user's memberships, one group's members — what the
   * single reads answer, as JSON text. Saves the engine a JS↔wasm crossing per read.
   */
  async readEvent(query) {
    if (query === null || typeof query !== "object") throw invalid(`query must be an EventReadQuery object, got ${query === null ? "null" : typeof query}`);
    const s = this.#s;
    const eventId = query.event_id ?? null;
    if (eventId !== null && s.hasEvent.get(requireString(eventId, "query.event_id")) !== undefined) {
      return '{"applied":true,"users":[],"groups":[],"user_groups":[],"group_members":[]}';
    }
    const users = query.users?.length ? listOf(s.users.all(idListJson(query.users, "query.users")), userText) : "[]";
    const groups = query.groups?.length ? listOf(s.groups.all(idListJson(query.groups, "query.groups")), groupText) : "[]";
    const of = query.user_groups_of ?? null;
    const userGroups = of === null ? [] : s.userGroups.all(JSON.stringify([requireString(of, "query.user_groups_of")]));
    const members = query.group_members_of ?? null;
    const groupMembers = members === null ? [] : s.groupMembers.all(requireString(members, "query.group_members_of")).map((r) => r.user_id);
    return `{"applied":false,"users":${users},"groups":${groups},"user_groups":${q(userGroups.map((r) => ({ group_id: r.group_id, user_id: r.user_id })))},"group_members":${q(groupMembers)}}`;
  }

  /**
   * Everything a full sync's page of users reads, in one call (the port's optional
   * `readUsersPage`): the users' rows, their memberships, and the heads (no `data`) of the groups
   * they name, as JSON text.
   */
  async readUsersPage(query) {
    if (query === null || typeof query !== "object") throw invalid(`query must be a UsersPageQuery object, got ${query === null ? "null" : typeof query}`);
    const s = this.#s;
    const ids = idListJson(query.users ?? [], "query.users");
    const heads = query.groups?.length ? s.groupHeads.all(idListJson(query.groups, "query.groups")) : [];
    return usersPageText(s.users.all(ids), s.userGroups.all(ids), heads);
  }

  /**
   * Writes the changeset in one transaction, or nothing and `store_conflict` when its event id
   * is stored or a guard no longer holds. Synchronous inside (both drivers are), so commits of
   * concurrent async calls on this connection never interleave.
   */
  async commit(changeset) {
    if (changeset === null || typeof changeset !== "object") throw invalid(`changeset must be an object, got ${changeset === null ? "null" : typeof changeset}`);
    const s = this.#s;
    writeTransaction(this.#db, () => {
      const event = changeset.event;
      if (event !== undefined && event !== null) {
        if (s.addEvent.run(requireString(event.id, "changeset.event.id"), orNull(event.occurred_at)).changes === 0) {
          throw conflict(`event ${event.id} is already applied`);
        }
      }
      for (const guard of changeset.guards ?? []) {
        if (guard.kind === "checkpoint") {
          const row = s.checkpoint.get(requireString(guard.key, "changeset guard key"));
          if ((row ? row.value : null) !== orNull(guard.value)) throw conflict(`checkpoint ${guard.key} changed since it was read`);
          continue;
        }
        const read = guard.kind === "user" ? s.userRevision : guard.kind === "group" ? s.groupRevision : undefined;
        if (read === undefined) throw invalid(`changeset guard of unknown kind ${q(guard.kind)}`);
        const row = read.get(guard.id);
        if ((row ? row.revision : null) !== orNull(guard.revision)) throw conflict(`${guard.kind} ${guard.id} changed since it was read`);
      }
      for (const u of changeset.put_users ?? []) {
        s.putUser.run(
          u.id,
          u.organization_id,
          orNull(u.directory_id),
          u.version,
          bit(u.deleted),
          orNull(u.groups_version),
          u.generation,
          u.revision,
          bit(u.active),
          dataText(u.data),
        );
      }
      for (const g of changeset.put_groups ?? []) {
        s.putGroup.run(g.id, g.organization_id, orNull(g.directory_id), g.version, bit(g.deleted), g.generation, g.revision, dataText(g.data));
      }
      // Removed before added, as the contract says (a changeset never names one pair in both).
      for (const m of changeset.remove_members ?? []) s.removeMember.run(m.group_id, m.user_id);
      for (const m of changeset.add_members ?? []) s.addMember.run(m.group_id, m.user_id, m.organization_id, orNull(m.directory_id));
      for (const c of changeset.checkpoints ?? []) s.putCheckpoint.run(c.key, c.value);
    });
  }
}

function scopedRows(statements, [org, dir]) {
  if (org !== null && dir !== null) return statements.both.all(org, dir);
  if (org !== null) return statements.org.all(org);
  if (dir !== null) return statements.dir.all(dir);
  return statements.all.all();
}

function unseenRows(statements, query) {
  if (query === null || typeof query !== "object") throw invalid(`query must be an UnseenQuery object, got ${query === null ? "null" : typeof query}`);
  const [which, params] = unseenParams(query);
  return statements[which].all(...params);
}

/**
 * The sync store in a SQLite database: `db` is a better-sqlite3 (v12) `Database` or a node:sqlite
 * `DatabaseSync`. Creates or migrates the `scimkit_*` tables on first use (the app's own tables
 * are untouched).
 */
export function sqliteStore(db) {
  if (db === null || typeof db !== "object" || typeof db.prepare !== "function" || typeof db.exec !== "function") {
    throw invalid("sqliteStore(db) needs a better-sqlite3 Database (v12) or a node:sqlite DatabaseSync");
  }
  return new SqliteStore(db);
}
