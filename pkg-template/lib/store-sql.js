// The SQL of the sync store shared by the SQLite adapters (scimkit/sqlite over better-sqlite3 or
// node:sqlite, scimkit/d1 over Cloudflare D1): the versioned schema and the row ↔ port-JSON
// translation. No imports, no driver: each adapter runs it its own way.

/**
 * The schema, one migration per version (index 0 makes version 1). A database records its
 * version in `scimkit_meta` (key `schema_version`), not in `PRAGMA user_version`, which belongs to
 * the app when it shares the database. Never edit a released migration: add the next one.
 *
 * Version 1:
 * - `scimkit_users`: one row per user ever seen, tombstones included (`deleted` 1). `version` is
 *   the time of the state held (fixed-width RFC 3339, so text order is time order),
 *   `groups_version` when its group list was last stated, `generation` the full sync that last
 *   listed it, `revision` counts its writes (commits compare it), `data` the user in the normalized
 *   model as JSON (`groups` always `[]`: memberships are rows of their own).
 * - `scimkit_groups`: the same for groups (`data` without members).
 * - `scimkit_memberships`: one row per (group, user).
 * - `scimkit_events`: the id of every event applied (each is applied once).
 * - `scimkit_checkpoints`: sync positions (`events`, `full:{organization}:{directory}`).
 */
export const MIGRATIONS = [
  `CREATE TABLE scimkit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE scimkit_users (
     id TEXT PRIMARY KEY,
     organization_id TEXT NOT NULL,
     directory_id TEXT,
     version TEXT NOT NULL,
     deleted INTEGER NOT NULL,
     groups_version TEXT,
     generation INTEGER NOT NULL,
     revision INTEGER NOT NULL,
     active INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX scimkit_users_scope ON scimkit_users (organization_id, directory_id, id);
   CREATE TABLE scimkit_groups (
     id TEXT PRIMARY KEY,
     organization_id TEXT NOT NULL,
     directory_id TEXT,
     version TEXT NOT NULL,
     deleted INTEGER NOT NULL,
     generation INTEGER NOT NULL,
     revision INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX scimkit_groups_scope ON scimkit_groups (organization_id, directory_id, id);
   CREATE TABLE scimkit_memberships (
     group_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     organization_id TEXT NOT NULL,
     directory_id TEXT,
     PRIMARY KEY (group_id, user_id)
   ) WITHOUT ROWID;
   CREATE INDEX scimkit_memberships_by_user ON scimkit_memberships (user_id, group_id);
   CREATE TABLE scimkit_events (id TEXT PRIMARY KEY, occurred_at TEXT) WITHOUT ROWID;
   CREATE TABLE scimkit_checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,
];

export const USER_COLUMNS = "id, organization_id, directory_id, version, deleted, groups_version, generation, revision, active, data";
export const GROUP_COLUMNS = "id, organization_id, directory_id, version, deleted, generation, revision, data";

/**
 * The statements of `sqliteStore`'s commit, one row each (its guards' reads, then its writes).
 * Shared with bench/sqlite-floor.mjs, which replays a full sync's commits through them.
 */
export const ROW_WRITES = {
  checkpoint: "SELECT value FROM scimkit_checkpoints WHERE key = ?",
  userRevision: "SELECT revision FROM scimkit_users WHERE id = ?",
  groupRevision: "SELECT revision FROM scimkit_groups WHERE id = ?",
  addEvent: "INSERT INTO scimkit_events (id, occurred_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
  putUser:
    `INSERT INTO scimkit_users (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET ` +
    "organization_id = excluded.organization_id, directory_id = excluded.directory_id, version = excluded.version, " +
    "deleted = excluded.deleted, groups_version = excluded.groups_version, generation = excluded.generation, " +
    "revision = excluded.revision, active = excluded.active, data = excluded.data",
  putGroup:
    `INSERT INTO scimkit_groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET ` +
    "organization_id = excluded.organization_id, directory_id = excluded.directory_id, version = excluded.version, " +
    "deleted = excluded.deleted, generation = excluded.generation, revision = excluded.revision, data = excluded.data",
  addMember:
    "INSERT INTO scimkit_memberships (group_id, user_id, organization_id, directory_id) VALUES (?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO NOTHING",
  removeMember: "DELETE FROM scimkit_memberships WHERE group_id = ? AND user_id = ?",
  putCheckpoint: "INSERT INTO scimkit_checkpoints (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

/** Ids as one JSON parameter: `IN (SELECT value FROM json_each(?))` is one statement for any count. */
export const IN_IDS = "IN (SELECT value FROM json_each(?))";

/** A port read's rows as JSON text: `data` is already JSON, so it is spliced in, not parsed. */
export const q = JSON.stringify;
export const userText = (r) =>
  `{"id":${q(r.id)},"organization_id":${q(r.organization_id)},"directory_id":${q(r.directory_id)},"version":${q(r.version)},` +
  `"deleted":${r.deleted === 1},"groups_version":${q(r.groups_version)},"generation":${r.generation},"revision":${r.revision},` +
  `"active":${r.active === 1},"data":${r.data}}`;
export const groupText = (r) =>
  `{"id":${q(r.id)},"organization_id":${q(r.organization_id)},"directory_id":${q(r.directory_id)},"version":${q(r.version)},` +
  `"deleted":${r.deleted === 1},"generation":${r.generation},"revision":${r.revision},"data":${r.data}}`;
export const listOf = (rows, text) => `[${rows.map(text).join(",")}]`;

/** The columns of a group's head: what a page of users needs of each group it names (no `data`). */
export const GROUP_HEAD_COLUMNS = "id, version, deleted, revision";

/**
 * The port's `readUsersPage` answer as JSON text, from the rows of `users` (USER_COLUMNS), their
 * memberships (`group_id`, `user_id`) and the named groups' heads (GROUP_HEAD_COLUMNS).
 */
export const usersPageText = (users, memberships, heads) =>
  `{"users":${listOf(users, userText)},"memberships":${q(memberships.map((r) => ({ group_id: r.group_id, user_id: r.user_id })))},` +
  `"groups":${q(heads.map((r) => ({ id: r.id, version: r.version, deleted: r.deleted === 1, revision: r.revision })))}}`;

/**
 * Rows a full sync has not listed (the port's `unseenUsers` / `unseenGroups`), in id order from a
 * cursor: `placed` for one directory, `withUnplaced` also the organization's rows of unknown
 * directory — the two ranges read through the scope index each and merged, so a sweep reads each
 * row once however many batches it takes.
 */
export function unseenSql(table, columns) {
  const part = (placed) =>
    `SELECT ${columns} FROM ${table} WHERE organization_id = ? AND ${placed} AND id > ? AND deleted = 0 AND generation < ? ORDER BY id LIMIT ?`;
  return {
    placed: part("directory_id = ?"),
    withUnplaced: `SELECT * FROM (SELECT * FROM (${part("directory_id = ?")}) UNION ALL SELECT * FROM (${part("directory_id IS NULL")})) ORDER BY id LIMIT ?`,
  };
}

/** Which of {@link unseenSql}'s statements an `UnseenQuery` takes, and its parameters. */
export function unseenParams(query) {
  const { organization_id: org, directory_id: dir, include_unplaced: unplaced, generation, after_id: after, limit } = query;
  // Every id sorts after "" (ids are never empty).
  const from = after ?? "";
  if (unplaced) return ["withUnplaced", [org, dir, from, generation, limit, org, from, generation, limit, limit]];
  return ["placed", [org, dir, from, generation, limit]];
}
