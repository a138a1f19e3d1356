// Type declarations for scimkit/sqlite (Node): the sync store in SQLite.
import type { EventReadQuery, SyncStore, UsersPageQuery } from "./index.js";

/**
 * What `sqliteStore` needs of a database: a better-sqlite3 (v12) `Database` or a node:sqlite
 * `DatabaseSync` (both synchronous drivers).
 */
export interface SqliteDatabase {
  prepare(sql: string): unknown;
  exec(sql: string): unknown;
}

/** The schema version this scimkit writes (recorded in the table `scimkit_meta`). */
export const SCHEMA_VERSION: number;

/** The sync store in SQLite; see the README's "Keep a local copy" for the schema. */
export interface SqliteStore extends SyncStore {
  /** The database's scimkit schema version: {@link SCHEMA_VERSION} once opened. */
  readonly schemaVersion: number;
  /** All of one event's reads in one call (JSON text of an `EventReadAnswer`). */
  readEvent(query: EventReadQuery): Promise<string>;
  /** All of a full sync page's reads in one call (JSON text of a `UsersPageAnswer`). */
  readUsersPage(query: UsersPageQuery): Promise<string>;
}

/**
 * The sync store in `db`. Creates the `scimkit_*` tables, or migrates them, on first use (the
 * app's own tables are untouched). Throws `ScimkitError` `invalid_argument` for anything that is
 * not a database, `SyncError` `store_failed` for a schema newer than this scimkit knows.
 */
export function sqliteStore(db: SqliteDatabase): SqliteStore;
