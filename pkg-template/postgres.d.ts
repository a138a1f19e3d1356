// Type declarations for scimkit/postgres (Node): the sync store in PostgreSQL.
import type { SyncStore, UsersPageQuery } from "./index.js";

/**
 * What `postgresStore` needs of a pool: a `pg` (node-postgres 8) `Pool`. Declared structurally so
 * this package does not depend on `@types/pg`.
 */
export interface PostgresPool {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  connect(): Promise<{
    query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
    release(destroy?: boolean | Error): void;
  }>;
  readonly totalCount: number;
}

/** The schema version this scimkit writes (recorded in the table `scimkit_meta`). */
export const SCHEMA_VERSION: number;

/** The sync store in PostgreSQL; see the README's "Postgres" for the schema. */
export interface PostgresStore extends SyncStore {
  /**
   * Creates or migrates the `scimkit_*` tables (every other method awaits it first; call it at
   * start to fail early). Resolves to {@link SCHEMA_VERSION}. Rejects with `SyncError`
   * `store_failed` for a schema newer than this scimkit knows, or when the server fails.
   */
  migrate(): Promise<number>;
  /** The database's scimkit schema version: {@link SCHEMA_VERSION} once migrated. */
  schemaVersion(): Promise<number>;
  /** All of a full sync page's reads in one statement (JSON text of a `UsersPageAnswer`). */
  readUsersPage(query: UsersPageQuery): Promise<string>;
}

/**
 * The sync store in the database `pool` connects to, in the tables its `search_path` finds
 * first. Any number of processes may share it: each commit is one transaction whose checks the
 * database enforces. Throws `ScimkitError` `invalid_argument` for anything that is not a pool;
 * its methods reject with `SyncError` `store_conflict` (a lost race: nothing written) or
 * `store_failed`.
 */
export function postgresStore(pool: PostgresPool): PostgresStore;
