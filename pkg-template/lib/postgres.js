// scimkit/postgres: the sync store in PostgreSQL, over a `pg` (node-postgres, v8) Pool, for apps
// that run many Node processes on one database. A subpath of its own that the main entry never
// loads. It only moves rows: every decision is the core's (DirectorySync); the commit checks what
// the port's contract says (event id new, guards hold) in one transaction, and that check holds
// across processes because the database enforces it (COMMIT_FUNCTION below), never a lock in here.
//
// The package imports itself ("scimkit") rather than ./errors.js so that, in Node, the error
// classes are the very ones the main entry exports (node.cjs bundles its own copy of lib/). It does
// not import `pg`: the app hands it a Pool (an optional peer dependency of the package).
import { ScimkitError, SyncError } from "scimkit";
import { conflict, dataText, idList, invalid, requireString, scopeOf } from "./store-args.js";

/**
 * The first key of scimkit's advisory locks (the second is a hash of what is locked): the
 * two-key space, which never overlaps the one-key `pg_advisory_lock(bigint)` apps commonly use.
 */
const LOCK_CLASS = 0x5c1e_0001;
/** The advisory lock that serializes migrations (second key; row keys are hashes, a clash only waits). */
const MIGRATION_LOCK = 0;

const USER_COLUMNS = "id, organization_id, directory_id, version, deleted, groups_version, generation, revision, active, data";
const GROUP_COLUMNS = "id, organization_id, directory_id, version, deleted, generation, revision, data";

/**
 * `scimkit_commit(plan)`: one changeset, checked and written by one statement (its own
 * transaction), so a commit is one round trip however many rows it writes. `plan` is what
 * `commitPlan` makes (JSON). A lost race raises SQLSTATE SK409 (→ store_conflict) and the
 * statement's transaction rolls back whole. How the checks hold with many writers, at the
 * database's default READ COMMITTED (each statement in a volatile function reads the commits made
 * before it started):
 * 1. The event id is inserted first, into its primary key: a second writer of the same id waits
 *    for the first transaction and then inserts nothing (→ conflict), or inserts it if the first
 *    rolled back.
 * 2. Every user, group and checkpoint the changeset guards or writes is locked, with a
 *    transaction-scoped advisory lock on (LOCK_CLASS, hash of kind and id), all in one statement
 *    in key order (the sub-select's ORDER BY keeps it from being flattened). Not
 *    `SELECT … FOR UPDATE`: that cannot lock a row that does not exist, and the core guards absent
 *    rows it does not write (a user's groups naming a group never seen, a lease not taken yet).
 *    Every commit that writes a key holds its lock until it ends, and PostgreSQL makes a commit
 *    visible before it releases its locks, so:
 * 3. the guards, read after the locks, see the last committed state of each key, and no other
 *    commit can change those keys before this one ends. A guard that fails → conflict.
 * Events first, then locks in one global order: a transaction that waits holds nothing another
 * one waits for, except memberships (unguarded, written in key order); a deadlock there, or a
 * serialization failure where the database's default isolation is stricter, is reported by the
 * server and answered as store_conflict too.
 */
const COMMIT_FUNCTION = `CREATE FUNCTION scimkit_commit(plan jsonb) RETURNS void LANGUAGE plpgsql AS $commit$
DECLARE
  bad text;
BEGIN
  IF plan->'event' <> 'null' THEN
    INSERT INTO scimkit_events (id, occurred_at) VALUES (plan->'event'->>'id', plan->'event'->>'occurred_at') ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'event % is already applied', plan->'event'->>'id' USING ERRCODE = 'SK409';
    END IF;
  END IF;
  PERFORM count(pg_advisory_xact_lock(${LOCK_CLASS}, k))
    FROM (SELECT DISTINCT hashtext(x) AS k FROM jsonb_array_elements_text(plan->'locks') AS x ORDER BY 1) AS s;
  SELECT g->>'id' INTO bad FROM jsonb_array_elements(plan->'user_guards') AS g LEFT JOIN scimkit_users AS r ON r.id = g->>'id'
    WHERE r.revision IS DISTINCT FROM (g->>'revision')::bigint LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'user % changed since it was read', bad USING ERRCODE = 'SK409';
  END IF;
  SELECT g->>'id' INTO bad FROM jsonb_array_elements(plan->'group_guards') AS g LEFT JOIN scimkit_groups AS r ON r.id = g->>'id'
    WHERE r.revision IS DISTINCT FROM (g->>'revision')::bigint LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'group % changed since it was read', bad USING ERRCODE = 'SK409';
  END IF;
  SELECT g->>'key' INTO bad FROM jsonb_array_elements(plan->'checkpoint_guards') AS g LEFT JOIN scimkit_checkpoints AS c ON c.key = g->>'key'
    WHERE c.value IS DISTINCT FROM g->>'value' LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'checkpoint % changed since it was read', bad USING ERRCODE = 'SK409';
  END IF;
  INSERT INTO scimkit_users (${USER_COLUMNS})
    SELECT ${USER_COLUMNS} FROM jsonb_to_recordset(plan->'users') AS r(id text, organization_id text, directory_id text, version text,
      deleted boolean, groups_version text, generation bigint, revision bigint, active boolean, data text)
    ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, directory_id = excluded.directory_id,
      version = excluded.version, deleted = excluded.deleted, groups_version = excluded.groups_version,
      generation = excluded.generation, revision = excluded.revision, active = excluded.active, data = excluded.data;
  INSERT INTO scimkit_groups (${GROUP_COLUMNS})
    SELECT ${GROUP_COLUMNS} FROM jsonb_to_recordset(plan->'groups') AS r(id text, organization_id text, directory_id text, version text,
      deleted boolean, generation bigint, revision bigint, data text)
    ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, directory_id = excluded.directory_id,
      version = excluded.version, deleted = excluded.deleted, generation = excluded.generation,
      revision = excluded.revision, data = excluded.data;
  -- Removed before added, as the contract says (a changeset never names one pair in both).
  DELETE FROM scimkit_memberships AS m USING jsonb_to_recordset(plan->'remove') AS r(group_id text, user_id text)
    WHERE m.group_id = r.group_id AND m.user_id = r.user_id;
  INSERT INTO scimkit_memberships (group_id, user_id, organization_id, directory_id)
    SELECT group_id, user_id, organization_id, directory_id
    FROM jsonb_to_recordset(plan->'add') AS r(group_id text, user_id text, organization_id text, directory_id text)
    ON CONFLICT (group_id, user_id) DO NOTHING;
  INSERT INTO scimkit_checkpoints (key, value) SELECT key, value FROM jsonb_to_recordset(plan->'checkpoints') AS r(key text, value text)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END
$commit$;`;

/**
 * The schema, one migration per version (index 0 makes version 1), in the tables the pool's
 * connections see first on their `search_path`. The version is recorded in `scimkit_meta` (key
 * `schema_version`). Never edit a released migration: add the next one.
 *
 * Version 1 (the same tables and columns as the SQLite store's version 1):
 * - `scimkit_users`: one row per user ever seen, tombstones included (`deleted` true). `version`
 *   is the time of the state held (fixed-width RFC 3339 text, so text order is time order),
 *   `groups_version` when its group list was last stated, `generation` the full sync that last
 *   listed it, `revision` counts its writes (commits compare it), `data` the user in the
 *   normalized model as JSON text (`groups` always `[]`: memberships are rows of their own).
 * - `scimkit_groups`: the same for groups (`data` without members).
 * - `scimkit_memberships`: one row per (group, user).
 * - `scimkit_events`: the id of every event applied (the primary key makes each apply once).
 * - `scimkit_checkpoints`: sync positions (`events`, `full:{organization}:{directory}`) and leases.
 * - the function `scimkit_commit(jsonb)`: a commit (COMMIT_FUNCTION).
 * Ids collate as "C" (bytes): the port's order is the byte order of UTF-8, whatever the
 * database's default collation says. `data` is text, not jsonb: reads hand it to the core as
 * stored, never parsed (cast it, `data::jsonb`, to query it).
 */
const MIGRATIONS = [
  `CREATE TABLE scimkit_meta (key text PRIMARY KEY, value text NOT NULL);
   CREATE TABLE scimkit_users (
     id text COLLATE "C" PRIMARY KEY,
     organization_id text COLLATE "C" NOT NULL,
     directory_id text COLLATE "C",
     version text NOT NULL,
     deleted boolean NOT NULL,
     groups_version text,
     generation bigint NOT NULL,
     revision bigint NOT NULL,
     active boolean NOT NULL,
     data text NOT NULL
   );
   CREATE INDEX scimkit_users_scope ON scimkit_users (organization_id, directory_id, id);
   CREATE TABLE scimkit_groups (
     id text COLLATE "C" PRIMARY KEY,
     organization_id text COLLATE "C" NOT NULL,
     directory_id text COLLATE "C",
     version text NOT NULL,
     deleted boolean NOT NULL,
     generation bigint NOT NULL,
     revision bigint NOT NULL,
     data text NOT NULL
   );
   CREATE INDEX scimkit_groups_scope ON scimkit_groups (organization_id, directory_id, id);
   CREATE TABLE scimkit_memberships (
     group_id text COLLATE "C" NOT NULL,
     user_id text COLLATE "C" NOT NULL,
     organization_id text NOT NULL,
     directory_id text,
     PRIMARY KEY (group_id, user_id)
   );
   CREATE INDEX scimkit_memberships_by_user ON scimkit_memberships (user_id, group_id);
   CREATE TABLE scimkit_events (id text COLLATE "C" PRIMARY KEY, occurred_at text);
   CREATE TABLE scimkit_checkpoints (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
   ${COMMIT_FUNCTION}`,
];

/** The schema version this scimkit writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The SQLSTATE scimkit_commit raises for a lost race (a class no PostgreSQL error uses). */
const COMMIT_CONFLICT = "SK409";
/** SQLSTATEs that mean "lost a race, nothing written": serialization failure, deadlock, unique key. */
const RACE_STATES = new Set(["40001", "40P01", "23505"]);

/** A port read's rows as JSON text: `data` is already JSON, so it is spliced in, not parsed. bigint columns come as digit strings and are spliced as numbers. */
const q = JSON.stringify;
const userText = (r) =>
  `{"id":${q(r.id)},"organization_id":${q(r.organization_id)},"directory_id":${q(r.directory_id)},"version":${q(r.version)},` +
  `"deleted":${r.deleted === true},"groups_version":${q(r.groups_version)},"generation":${r.generation},"revision":${r.revision},` +
  `"active":${r.active === true},"data":${r.data}}`;
const groupText = (r) =>
  `{"id":${q(r.id)},"organization_id":${q(r.organization_id)},"directory_id":${q(r.directory_id)},"version":${q(r.version)},` +
  `"deleted":${r.deleted === true},"generation":${r.generation},"revision":${r.revision},"data":${r.data}}`;
const listOf = (rows, text) => `[${rows.map(text).join(",")}]`;
const headText = (r) => `{"id":${q(r.id)},"version":${q(r.version)},"deleted":${r.deleted === true},"revision":${r.revision}}`;

/**
 * `readUsersPage` in one statement (one round trip): the users' rows (kind `u`), their
 * memberships (`m`: `id` is the user, `group_id` the group; looked up per user as `userGroups`
 * does) and the named groups' heads (`g`), as rows of one shape. The first branch types the columns.
 */
const USERS_PAGE_SQL =
  `SELECT 'u' AS kind, ${USER_COLUMNS}, NULL AS group_id FROM scimkit_users WHERE id = ANY($1::text[]) ` +
  "UNION ALL SELECT 'm', m.user_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, m.group_id FROM unnest($1::text[]) AS u(id), " +
  "LATERAL (SELECT group_id, user_id FROM scimkit_memberships WHERE user_id = u.id OFFSET 0) AS m " +
  "UNION ALL SELECT 'g', id, NULL, NULL, version, deleted, NULL, NULL, revision, NULL, NULL, NULL FROM scimkit_groups WHERE id = ANY($2::text[])";

/**
 * A driver or server error as the port's: a lost race (see RACE_STATES) is `store_conflict`
 * (the core reads and decides again), anything else `store_failed`. The message is the server's
 * (or the socket's) and its SQLSTATE — never the pool's configuration, so no password or
 * connection string; the original error is the `cause`.
 */
function storeError(err, what) {
  if (err instanceof ScimkitError) return err;
  const state = typeof err?.code === "string" ? err.code : undefined;
  const message = `PostgreSQL, ${what}: ${err?.message ?? String(err)}${state ? ` (${/^[0-9A-Z]{5}$/.test(state) ? "SQLSTATE " : ""}${state})` : ""}`;
  return new SyncError(state && RACE_STATES.has(state) ? "store_conflict" : "store_failed", message, { cause: err });
}

/** The last of each key: a batch statement may not touch one row twice (ON CONFLICT DO UPDATE). */
function lastBy(items, key) {
  const m = new Map();
  for (const item of items) m.set(key(item), item);
  return [...m.values()];
}

const orNull = (v) => v ?? null;

/** The sync store in PostgreSQL: the port DirectorySync calls, and the app's reads. */
class PostgresStore {
  #pool;
  #ready = null;

  constructor(pool) {
    this.#pool = pool;
  }

  /** The port's `dataAsJson`: `commit` may take each row's `data` as its JSON text, which the plan carries as text. */
  get dataAsJson() {
    return true;
  }

  /**
   * Creates or migrates the `scimkit_*` tables (once per store; every method awaits it). Resolves
   * to SCHEMA_VERSION. Many processes may start at once: an advisory lock makes them take turns.
   */
  migrate() {
    this.#ready ??= migrate(this.#pool).catch((err) => {
      this.#ready = null; // a failed migration (server down…) is tried again by the next call
      throw err;
    });
    return this.#ready;
  }

  /** The database's scimkit schema version (SCHEMA_VERSION once migrated; 0 before). Migrates nothing. */
  async schemaVersion() {
    try {
      return await schemaVersionOf(this.#pool);
    } catch (err) {
      throw storeError(err, "schemaVersion");
    }
  }

  /** One query on the pool, after the migration, its errors as the port's. */
  async #query(what, text, values) {
    await this.migrate();
    try {
      return await this.#pool.query(text, values);
    } catch (err) {
      throw storeError(err, what);
    }
  }

  // ---- The app's reads: the normalized model, tombstones left out, in id order.

  async getUser(id) {
    requireString(id, "id");
    const { rows } = await this.#query("getUser", "SELECT data FROM scimkit_users WHERE id = $1 AND NOT deleted", [id]);
    return rows.length ? JSON.parse(rows[0].data) : null;
  }

  async listUsers(options) {
    const { rows } = await this.#query("listUsers", scopedSql("scimkit_users"), scopeOf(options));
    return rows.map((r) => JSON.parse(r.data));
  }

  async getGroup(id) {
    requireString(id, "id");
    const { rows } = await this.#query("getGroup", "SELECT data FROM scimkit_groups WHERE id = $1 AND NOT deleted", [id]);
    return rows.length ? JSON.parse(rows[0].data) : null;
  }

  async listGroups(options) {
    const { rows } = await this.#query("listGroups", scopedSql("scimkit_groups"), scopeOf(options));
    return rows.map((r) => JSON.parse(r.data));
  }

  async listMembers(groupId) {
    return this.groupMembers(requireString(groupId, "groupId"));
  }

  async listUserGroups(userId) {
    requireString(userId, "userId");
    const { rows } = await this.#query("listUserGroups", "SELECT group_id FROM scimkit_memberships WHERE user_id = $1 ORDER BY group_id", [userId]);
    return rows.map((r) => r.group_id);
  }

  // ---- The port (index.d.ts, SyncStorePort). Record reads answer JSON text.

  async hasEvent(id) {
    requireString(id, "id");
    const { rows } = await this.#query("hasEvent", "SELECT 1 FROM scimkit_events WHERE id = $1", [id]);
    return rows.length > 0;
  }

  async users(ids) {
    idList(ids, "ids");
    const { rows } = await this.#query("users", `SELECT ${USER_COLUMNS} FROM scimkit_users WHERE id = ANY($1::text[])`, [ids]);
    return listOf(rows, userText);
  }

  async groups(ids) {
    idList(ids, "ids");
    const { rows } = await this.#query("groups", `SELECT ${GROUP_COLUMNS} FROM scimkit_groups WHERE id = ANY($1::text[])`, [ids]);
    return listOf(rows, groupText);
  }

  async userGroups(userIds) {
    idList(userIds, "userIds");
    // One index lookup per user, whatever the statistics say: `user_id = ANY(…)` is planned as a
    // sequential scan until the table is first analyzed (a new table's bulk load), and the
    // `OFFSET 0` fence keeps the lateral lookup from being flattened into such a plan.
    const { rows } = await this.#query(
      "userGroups",
      "SELECT m.group_id, m.user_id FROM unnest($1::text[]) AS u(id), LATERAL (SELECT group_id, user_id FROM scimkit_memberships WHERE user_id = u.id OFFSET 0) AS m",
      [userIds],
    );
    return rows.map((r) => ({ group_id: r.group_id, user_id: r.user_id }));
  }

  async groupMembers(groupId) {
    requireString(groupId, "groupId");
    const { rows } = await this.#query("groupMembers", "SELECT user_id FROM scimkit_memberships WHERE group_id = $1 ORDER BY user_id", [groupId]);
    return rows.map((r) => r.user_id);
  }

  async unseenUsers(query) {
    const { rows } = await this.#query("unseenUsers", ...unseenSql("scimkit_users", USER_COLUMNS, query));
    return listOf(rows, userText);
  }

  async unseenGroups(query) {
    const { rows } = await this.#query("unseenGroups", ...unseenSql("scimkit_groups", GROUP_COLUMNS, query));
    return listOf(rows, groupText);
  }

  /**
   * Everything a full sync's page of users reads, in one statement (one round trip instead of
   * three): the users' rows, their memberships, and the heads (no `data`) of the groups they name.
   */
  async readUsersPage(query) {
    if (query === null || typeof query !== "object") throw invalid(`query must be a UsersPageQuery object, got ${query === null ? "null" : typeof query}`);
    const ids = idList(query.users ?? [], "query.users");
    const named = idList(query.groups ?? [], "query.groups");
    const { rows } = await this.#query("readUsersPage", USERS_PAGE_SQL, [ids, named]);
    const users = [];
    const memberships = [];
    const heads = [];
    for (const r of rows) {
      if (r.kind === "u") users.push(r);
      else if (r.kind === "m") memberships.push({ group_id: r.group_id, user_id: r.id });
      else heads.push(r);
    }
    return `{"users":${listOf(users, userText)},"memberships":${q(memberships)},"groups":${listOf(heads, headText)}}`;
  }

  async checkpoint(key) {
    requireString(key, "key");
    const { rows } = await this.#query("checkpoint", "SELECT value FROM scimkit_checkpoints WHERE key = $1", [key]);
    return rows.length ? rows[0].value : null;
  }

  /**
   * Writes the changeset in one transaction, or nothing and `store_conflict` when its event id
   * is stored or a guard no longer holds — with any number of processes committing at once: one
   * statement, `scimkit_commit` (see COMMIT_FUNCTION for how the database enforces the checks).
   */
  async commit(changeset) {
    if (changeset === null || typeof changeset !== "object") throw invalid(`changeset must be an object, got ${changeset === null ? "null" : typeof changeset}`);
    const plan = JSON.stringify(commitPlan(changeset));
    await this.migrate();
    try {
      await this.#pool.query("SELECT scimkit_commit($1::jsonb)", [plan]);
    } catch (err) {
      if (err?.code === COMMIT_CONFLICT) throw conflict(err.message);
      throw storeError(err, "commit");
    }
  }
}

/** The changeset checked, as `scimkit_commit` takes it (the last write of a key wins, as in SQLite). */
function commitPlan(cs) {
  const list = (v, name) => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw invalid(`changeset.${name} must be an array, got ${typeof v}`);
    return v;
  };
  let event = null;
  if (cs.event !== undefined && cs.event !== null) {
    event = { id: requireString(cs.event.id, "changeset.event.id"), occurred_at: orNull(cs.event.occurred_at) };
  }
  const guards = { user: [], group: [], checkpoint: [] };
  for (const g of list(cs.guards, "guards")) {
    if (g === null || typeof g !== "object" || typeof g.kind !== "string" || !Object.hasOwn(guards, g.kind)) throw invalid(`changeset guard of unknown kind ${q(g?.kind)}`);
    if (g.kind === "checkpoint") {
      guards.checkpoint.push({ key: requireString(g.key, "checkpoint guard key"), value: g.value === null || g.value === undefined ? null : requireString(g.value, "checkpoint guard value") });
    } else {
      guards[g.kind].push({ id: requireString(g.id, `${g.kind} guard id`), revision: orNull(g.revision) });
    }
  }
  // `data` as JSON text inside the plan: stored as the core wrote it, never re-serialized by jsonb
  // (DirectorySync hands it over as that text: dataAsJson).
  const withText = (r) => ({ ...r, data: dataText(r.data) });
  const users = lastBy(list(cs.put_users, "put_users"), (u) => u.id).map(withText);
  const groups = lastBy(list(cs.put_groups, "put_groups"), (g) => g.id).map(withText);
  const checkpoints = lastBy(list(cs.checkpoints, "checkpoints"), (c) => c.key);
  const pair = (m) => `${m.group_id}\u0000${m.user_id}`;
  const byPair = (a, b) => (pair(a) < pair(b) ? -1 : pair(a) > pair(b) ? 1 : 0);
  const remove = [...list(cs.remove_members, "remove_members")].sort(byPair);
  const add = [...list(cs.add_members, "add_members")].sort(byPair);
  const locks = new Set();
  for (const g of guards.user) locks.add(`u:${g.id}`);
  for (const g of guards.group) locks.add(`g:${g.id}`);
  for (const g of guards.checkpoint) locks.add(`c:${g.key}`);
  for (const u of users) locks.add(`u:${u.id}`);
  for (const g of groups) locks.add(`g:${g.id}`);
  for (const c of checkpoints) locks.add(`c:${c.key}`);
  return {
    event,
    locks: [...locks],
    user_guards: guards.user,
    group_guards: guards.group,
    checkpoint_guards: guards.checkpoint,
    users,
    groups,
    remove,
    add,
    checkpoints,
  };
}

/** The list read of a table, narrowed by organization and/or directory when given ($1, $2). */
function scopedSql(table) {
  return `SELECT data FROM ${table} WHERE NOT deleted AND ($1::text IS NULL OR organization_id = $1) AND ($2::text IS NULL OR directory_id = $2) ORDER BY id`;
}

/**
 * Rows a full sync has not listed, in id order after a cursor. With rows of unknown directory
 * included, the two ranges are read through the scope index each and merged, so a sweep reads
 * each row once however many batches it takes.
 */
function unseenSql(table, columns, query) {
  if (query === null || typeof query !== "object") throw invalid(`query must be an UnseenQuery object, got ${query === null ? "null" : typeof query}`);
  const { organization_id: org, directory_id: dir, include_unplaced: unplaced, generation, after_id: after, limit } = query;
  // Every id sorts after "" (ids are never empty).
  const values = [org, dir, after ?? "", generation, limit];
  const part = (placed) =>
    `(SELECT ${columns} FROM ${table} WHERE organization_id = $1 AND ${placed} AND id > $3 AND NOT deleted AND generation < $4 ORDER BY id LIMIT $5)`;
  if (!unplaced) return [part("directory_id = $2"), values];
  return [`SELECT * FROM (${part("directory_id = $2")} UNION ALL ${part("directory_id IS NULL")}) AS u ORDER BY id LIMIT $5`, values];
}

async function schemaVersionOf(db) {
  const { rows } = await db.query("SELECT to_regclass('scimkit_meta') IS NOT NULL AS found");
  if (!rows[0].found) return 0;
  const r = await db.query("SELECT value FROM scimkit_meta WHERE key = 'schema_version'");
  return r.rows.length ? Number(r.rows[0].value) : 0;
}

/** Brings the scimkit tables to SCHEMA_VERSION, one process at a time (an advisory lock). */
async function migrate(pool) {
  let client;
  try {
    client = await pool.connect();
  } catch (err) {
    throw storeError(err, "migrating the schema (connecting)");
  }
  let broken = false;
  try {
    try {
      await client.query("BEGIN");
      await client.query(`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${MIGRATION_LOCK})`);
      const from = await schemaVersionOf(client);
      if (!Number.isInteger(from) || from < 0 || from > SCHEMA_VERSION) {
        throw new SyncError(
          "store_failed",
          `the database's scimkit schema is version ${from}, which this scimkit (schema ${SCHEMA_VERSION}) does not know: use the scimkit that wrote it, or a newer one`,
        );
      }
      for (let v = from; v < SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v]);
      if (from !== SCHEMA_VERSION) {
        await client.query("INSERT INTO scimkit_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [
          String(SCHEMA_VERSION),
        ]);
      }
      await client.query("COMMIT");
      return SCHEMA_VERSION;
    } catch (err) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw err;
    }
  } catch (err) {
    throw storeError(err, "migrating the schema");
  } finally {
    client.release(broken || undefined);
  }
}

/**
 * The sync store in PostgreSQL: `pool` is a `pg` (v8) `Pool`. Creates or migrates the
 * `scimkit_*` tables on first use (the app's own tables are untouched); `await store.migrate()`
 * does it up front. Any number of processes may share the database.
 */
export function postgresStore(pool) {
  if (pool === null || typeof pool !== "object" || typeof pool.query !== "function" || typeof pool.connect !== "function" || !("totalCount" in pool)) {
    throw invalid("postgresStore(pool) needs a pg Pool (node-postgres 8): new pg.Pool({ connectionString })");
  }
  return new PostgresStore(pool);
}
