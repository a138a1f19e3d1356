// scimkit/d1: the sync store in Cloudflare D1 (`env.DB` in a Worker). The schema is the SQLite
// store's (lib/store-sql.js); it only moves rows: every decision is the core's (DirectorySync).
//
// D1 has no interactive transaction: a commit is one `db.batch([...])`, which D1 runs as one
// transaction, all statements or none. The checks the port asks for happen inside that batch, as
// statements that fail when a check does not hold, so the whole batch rolls back:
// - the event id is a plain INSERT (no ON CONFLICT): a repeat fails the primary key;
// - every guard is a row the batch tries to insert into `scimkit_guard_failed` when the revision
//   (or checkpoint value) stored is not the one read; that table's CHECK refuses any row.
// Rows travel as one JSON parameter per statement (`json_each`), so a page of any size stays
// within D1's 100 bound parameters per statement and a commit is at most 8 statements.
import { SyncError } from "scimkit";
import { idListJson, invalid, requireString, scopeOf } from "./store-args.js";
import { GROUP_COLUMNS, GROUP_HEAD_COLUMNS, groupText, IN_IDS, listOf, MIGRATIONS, unseenParams, unseenSql, USER_COLUMNS, userText, usersPageText } from "./store-sql.js";

/** The schema version this scimkit writes (the SQLite store's). */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The table a failing guard inserts into: never holds a row (its CHECK refuses every one), so the
 * insert fails and takes the batch with it. Not versioned: created if missing, alongside the
 * schema, and only this adapter uses it.
 */
const GUARD_TABLE = `CREATE TABLE IF NOT EXISTS scimkit_guard_failed (
  violated INTEGER NOT NULL,
  CONSTRAINT scimkit_guard_holds CHECK (violated = 0)
)`;

/** A field of the JSON row `j` (json_each aliased: a bare `value` would be the checkpoints' own column in a subquery). */
const field = (name) => `json_extract(j.value, '$.${name}')`;
const bool = (name) => `CASE WHEN ${field(name)} THEN 1 ELSE 0 END`;

/** The commit's statements, each taking one JSON array parameter. */
const COMMIT = {
  addEvent: "INSERT INTO scimkit_events (id, occurred_at) VALUES (?, ?)",
  // Guards: a row into scimkit_guard_failed for each that does not hold (IS NOT: NULL-aware).
  guards:
    "INSERT INTO scimkit_guard_failed (violated) SELECT 1 FROM json_each(?) AS j WHERE " +
    `CASE ${field("kind")} ` +
    `WHEN 'user' THEN (SELECT revision FROM scimkit_users WHERE id = ${field("id")}) IS NOT ${field("revision")} ` +
    `WHEN 'group' THEN (SELECT revision FROM scimkit_groups WHERE id = ${field("id")}) IS NOT ${field("revision")} ` +
    `WHEN 'checkpoint' THEN (SELECT value FROM scimkit_checkpoints WHERE key = ${field("key")}) IS NOT ${field("value")} ` +
    "ELSE 1 END",
  putUsers:
    `INSERT INTO scimkit_users (${USER_COLUMNS}) SELECT ${field("id")}, ${field("organization_id")}, ${field("directory_id")}, ` +
    `${field("version")}, ${bool("deleted")}, ${field("groups_version")}, ${field("generation")}, ${field("revision")}, ` +
    `${bool("active")}, json(json_extract(j.value, '$.data')) FROM json_each(?) AS j WHERE true ON CONFLICT (id) DO UPDATE SET ` +
    "organization_id = excluded.organization_id, directory_id = excluded.directory_id, version = excluded.version, " +
    "deleted = excluded.deleted, groups_version = excluded.groups_version, generation = excluded.generation, " +
    "revision = excluded.revision, active = excluded.active, data = excluded.data",
  putGroups:
    `INSERT INTO scimkit_groups (${GROUP_COLUMNS}) SELECT ${field("id")}, ${field("organization_id")}, ${field("directory_id")}, ` +
    `${field("version")}, ${bool("deleted")}, ${field("generation")}, ${field("revision")}, json(json_extract(j.value, '$.data')) ` +
    "FROM json_each(?) AS j WHERE true ON CONFLICT (id) DO UPDATE SET " +
    "organization_id = excluded.organization_id, directory_id = excluded.directory_id, version = excluded.version, " +
    "deleted = excluded.deleted, generation = excluded.generation, revision = excluded.revision, data = excluded.data",
  // Removed before added, as the contract says (a changeset never names one pair in both).
  removeMembers: `DELETE FROM scimkit_memberships WHERE (group_id, user_id) IN (SELECT ${field("group_id")}, ${field("user_id")} FROM json_each(?) AS j)`,
  addMembers:
    `INSERT INTO scimkit_memberships (group_id, user_id, organization_id, directory_id) SELECT ${field("group_id")}, ${field("user_id")}, ` +
    `${field("organization_id")}, ${field("directory_id")} FROM json_each(?) AS j WHERE true ON CONFLICT (group_id, user_id) DO NOTHING`,
  putCheckpoints:
    `INSERT INTO scimkit_checkpoints (key, value) SELECT ${field("key")}, ${field("value")} FROM json_each(?) AS j WHERE true ` +
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

const SCOPED = (table, columns) => ({
  all: `SELECT ${columns} FROM ${table} WHERE deleted = 0 ORDER BY id`,
  org: `SELECT ${columns} FROM ${table} WHERE deleted = 0 AND organization_id = ? ORDER BY id`,
  dir: `SELECT ${columns} FROM ${table} WHERE deleted = 0 AND directory_id = ? ORDER BY id`,
  both: `SELECT ${columns} FROM ${table} WHERE deleted = 0 AND organization_id = ? AND directory_id = ? ORDER BY id`,
});

const READS = {
  hasEvent: "SELECT 1 AS found FROM scimkit_events WHERE id = ?",
  users: `SELECT ${USER_COLUMNS} FROM scimkit_users WHERE id ${IN_IDS}`,
  groups: `SELECT ${GROUP_COLUMNS} FROM scimkit_groups WHERE id ${IN_IDS}`,
  groupHeads: `SELECT ${GROUP_HEAD_COLUMNS} FROM scimkit_groups WHERE id ${IN_IDS}`,
  userGroups: `SELECT group_id, user_id FROM scimkit_memberships WHERE user_id ${IN_IDS}`,
  groupMembers: "SELECT user_id FROM scimkit_memberships WHERE group_id = ? ORDER BY user_id",
  userGroupIds: "SELECT group_id FROM scimkit_memberships WHERE user_id = ? ORDER BY group_id",
  unseenUsers: unseenSql("scimkit_users", USER_COLUMNS),
  unseenGroups: unseenSql("scimkit_groups", GROUP_COLUMNS),
  checkpoint: "SELECT value FROM scimkit_checkpoints WHERE key = ?",
  getUser: "SELECT data FROM scimkit_users WHERE id = ? AND deleted = 0",
  getGroup: "SELECT data FROM scimkit_groups WHERE id = ? AND deleted = 0",
  listUsers: SCOPED("scimkit_users", "data"),
  listGroups: SCOPED("scimkit_groups", "data"),
};

/** The text of a D1 error and of its causes (D1 wraps SQLite's message). */
function errorText(err) {
  const parts = [];
  for (let e = err, depth = 0; e && depth < 4; e = e.cause, depth++) parts.push(String(e.message ?? e));
  return parts.join(" / ");
}

/** What a failed commit batch means: a check that did not hold (conflict), or a failure. */
function commitError(err, changeset) {
  const text = errorText(err);
  if (/scimkit_guard_holds|CHECK constraint failed/i.test(text)) {
    return new SyncError("store_conflict", "a row or checkpoint the commit was decided from changed since it was read", { cause: err });
  }
  if (changeset.event && /UNIQUE constraint failed: scimkit_events\.id|PRIMARY KEY/i.test(text)) {
    return new SyncError("store_conflict", `event ${changeset.event.id} is already applied`, { cause: err });
  }
  return new SyncError("store_failed", `the D1 batch failed, nothing written: ${text}`, { cause: err });
}

function failed(what, err) {
  return new SyncError("store_failed", `D1 ${what} failed: ${errorText(err)}`, { cause: err });
}

/** Schema checks done per database binding (once per isolate). */
const migrated = new WeakMap();

async function schemaVersion(db) {
  const table = await db.prepare("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'scimkit_meta'").first();
  if (!table) return 0;
  const row = await db.prepare("SELECT value FROM scimkit_meta WHERE key = 'schema_version'").first();
  return row ? Number(row.value) : 0;
}

/** Brings the database to SCHEMA_VERSION in one batch; a concurrent migration that won is fine. */
async function migrate(db) {
  const from = await schemaVersion(db);
  if (!Number.isInteger(from) || from < 0 || from > SCHEMA_VERSION) {
    throw new SyncError(
      "store_failed",
      `the database's scimkit schema is version ${from}, which this scimkit (schema ${SCHEMA_VERSION}) does not know: use the scimkit that wrote it, or a newer one`,
    );
  }
  const statements = [];
  for (let v = from; v < SCHEMA_VERSION; v++) {
    for (const sql of MIGRATIONS[v].split(";")) if (sql.trim()) statements.push(db.prepare(sql.trim()));
  }
  statements.push(db.prepare(GUARD_TABLE));
  if (from < SCHEMA_VERSION) {
    statements.push(
      db
        .prepare("INSERT INTO scimkit_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(String(SCHEMA_VERSION)),
    );
  }
  try {
    await db.batch(statements);
  } catch (err) {
    // Another Worker migrated first (its CREATE TABLEs made ours fail): fine if it got there.
    if ((await schemaVersion(db)) !== SCHEMA_VERSION) throw failed("migration", err);
    await db.prepare(GUARD_TABLE).run();
  }
}

const bind = (db, sql, ...params) => db.prepare(sql).bind(...params);

/** The sync store in D1: the port DirectorySync calls, and the app's reads. */
class D1Store {
  #db;

  constructor(db) {
    this.#db = db;
  }

  /**
   * The port's `dataAsJson`: `commit` may take each row's `data` as its JSON text (the SQL reads
   * `data` with `json(json_extract(…))`, which takes the text or the object alike).
   */
  get dataAsJson() {
    return true;
  }

  /** Resolves once the schema is current (run by every method; checked once per binding). */
  ready() {
    let p = migrated.get(this.#db);
    if (!p) {
      p = migrate(this.#db);
      migrated.set(this.#db, p);
      p.catch(() => migrated.delete(this.#db));
    }
    return p;
  }

  async #all(what, sql, ...params) {
    await this.ready();
    try {
      return (await bind(this.#db, sql, ...params).all()).results;
    } catch (err) {
      throw failed(what, err);
    }
  }

  async #first(what, sql, ...params) {
    await this.ready();
    try {
      return await bind(this.#db, sql, ...params).first();
    } catch (err) {
      throw failed(what, err);
    }
  }

  // ---- The app's reads: the normalized model, tombstones left out, in id order.

  async getUser(id) {
    const row = await this.#first("getUser", READS.getUser, requireString(id, "id"));
    return row ? JSON.parse(row.data) : null;
  }

  async listUsers(options) {
    return (await this.#scoped("listUsers", READS.listUsers, scopeOf(options))).map((r) => JSON.parse(r.data));
  }

  async getGroup(id) {
    const row = await this.#first("getGroup", READS.getGroup, requireString(id, "id"));
    return row ? JSON.parse(row.data) : null;
  }

  async listGroups(options) {
    return (await this.#scoped("listGroups", READS.listGroups, scopeOf(options))).map((r) => JSON.parse(r.data));
  }

  async listMembers(groupId) {
    return (await this.#all("listMembers", READS.groupMembers, requireString(groupId, "groupId"))).map((r) => r.user_id);
  }

  async listUserGroups(userId) {
    return (await this.#all("listUserGroups", READS.userGroupIds, requireString(userId, "userId"))).map((r) => r.group_id);
  }

  #scoped(what, sql, [org, dir]) {
    if (org !== null && dir !== null) return this.#all(what, sql.both, org, dir);
    if (org !== null) return this.#all(what, sql.org, org);
    if (dir !== null) return this.#all(what, sql.dir, dir);
    return this.#all(what, sql.all);
  }

  // ---- The port (index.d.ts, SyncStorePort). Record reads answer JSON text.

  async hasEvent(id) {
    return (await this.#first("hasEvent", READS.hasEvent, requireString(id, "id"))) !== null;
  }

  async users(ids) {
    return listOf(await this.#all("users", READS.users, idListJson(ids, "ids")), userText);
  }

  async groups(ids) {
    return listOf(await this.#all("groups", READS.groups, idListJson(ids, "ids")), groupText);
  }

  async userGroups(userIds) {
    return (await this.#all("userGroups", READS.userGroups, idListJson(userIds, "userIds"))).map((r) => ({ group_id: r.group_id, user_id: r.user_id }));
  }

  async groupMembers(groupId) {
    return (await this.#all("groupMembers", READS.groupMembers, requireString(groupId, "groupId"))).map((r) => r.user_id);
  }

  async unseenUsers(query) {
    return listOf(await this.#unseen("unseenUsers", READS.unseenUsers, query), userText);
  }

  async unseenGroups(query) {
    return listOf(await this.#unseen("unseenGroups", READS.unseenGroups, query), groupText);
  }

  #unseen(what, sql, query) {
    if (query === null || typeof query !== "object") throw invalid(`query must be an UnseenQuery object, got ${query === null ? "null" : typeof query}`);
    const [which, params] = unseenParams(query);
    return this.#all(what, sql[which], ...params);
  }

  async checkpoint(key) {
    return (await this.#first("checkpoint", READS.checkpoint, requireString(key, "key")))?.value ?? null;
  }

  /**
   * Everything a full sync's page of users reads, in one D1 batch (one round trip, one snapshot):
   * the users' rows, their memberships, and the heads (no `data`) of the groups they name.
   */
  async readUsersPage(query) {
    if (query === null || typeof query !== "object") throw invalid(`query must be a UsersPageQuery object, got ${query === null ? "null" : typeof query}`);
    const ids = idListJson(query.users ?? [], "query.users");
    const named = query.groups?.length ? idListJson(query.groups, "query.groups") : null;
    await this.ready();
    const db = this.#db;
    const reads = [bind(db, READS.users, ids), bind(db, READS.userGroups, ids)];
    if (named !== null) reads.push(bind(db, READS.groupHeads, named));
    let results;
    try {
      results = await db.batch(reads);
    } catch (err) {
      throw failed("readUsersPage", err);
    }
    return usersPageText(results[0].results, results[1].results, results[2]?.results ?? []);
  }

  /**
   * Writes the changeset in one D1 batch (one transaction), or nothing and `store_conflict` when
   * its event id is stored or a guard no longer holds.
   */
  async commit(changeset) {
    if (changeset === null || typeof changeset !== "object") throw invalid(`changeset must be an object, got ${changeset === null ? "null" : typeof changeset}`);
    await this.ready();
    const db = this.#db;
    const batch = [];
    const event = changeset.event;
    if (event !== undefined && event !== null) {
      batch.push(bind(db, COMMIT.addEvent, requireString(event.id, "changeset.event.id"), event.occurred_at ?? null));
    }
    const list = (name, statement) => {
      const rows = changeset[name];
      if (rows === undefined || rows === null) return;
      if (!Array.isArray(rows)) throw invalid(`changeset.${name} must be an array`);
      if (rows.length > 0) batch.push(bind(db, statement, JSON.stringify(rows)));
    };
    for (const guard of changeset.guards ?? []) {
      if (!["user", "group", "checkpoint"].includes(guard?.kind)) throw invalid(`changeset guard of unknown kind ${JSON.stringify(guard?.kind)}`);
    }
    list("guards", COMMIT.guards);
    list("put_users", COMMIT.putUsers);
    list("put_groups", COMMIT.putGroups);
    list("remove_members", COMMIT.removeMembers);
    list("add_members", COMMIT.addMembers);
    list("checkpoints", COMMIT.putCheckpoints);
    if (batch.length === 0) return;
    try {
      await db.batch(batch);
    } catch (err) {
      throw commitError(err, changeset);
    }
  }
}

/**
 * The sync store in a D1 database (`env.DB`). Creates or migrates the `scimkit_*` tables on first
 * use (once per binding per isolate; the app's own tables are untouched); `await store.ready()`
 * to do it up front.
 */
export function d1Store(db) {
  if (db === null || typeof db !== "object" || typeof db.prepare !== "function" || typeof db.batch !== "function") {
    throw invalid("d1Store(db) needs a D1 database binding (env.DB in a Worker)");
  }
  return new D1Store(db);
}
