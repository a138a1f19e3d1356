// Type declarations for scimkit/d1 (Cloudflare Workers): the sync store in D1.
import type { SyncStore, UsersPageQuery } from "./index.js";

/** What `d1Store` needs of a database: a D1 binding (`env.DB`), `D1Database` in workers-types. */
export interface D1DatabaseLike {
  prepare(sql: string): unknown;
  batch(statements: unknown[]): Promise<unknown>;
}

/** The schema version this scimkit writes (the SQLite store's; recorded in `scimkit_meta`). */
export const SCHEMA_VERSION: number;

/** The sync store in D1: the same port and reads as `sqliteStore`, the same schema. */
export interface D1Store extends SyncStore {
  /** Resolves once the `scimkit_*` tables are at {@link SCHEMA_VERSION} (every method waits for it). */
  ready(): Promise<void>;
  /** All of a full sync page's reads in one `db.batch()` (JSON text of a `UsersPageAnswer`). */
  readUsersPage(query: UsersPageQuery): Promise<string>;
}

/**
 * The sync store in `db`. Creates the `scimkit_*` tables, or migrates them, on first use (once per
 * binding per isolate). A commit is one `db.batch()` — D1's transaction — whose statements fail it
 * when the event id is already stored or a guard no longer holds: then nothing is written and the
 * commit rejects with `SyncError` `store_conflict`. Throws `ScimkitError` `invalid_argument` for
 * anything that is not a D1 binding.
 */
export function d1Store(db: D1DatabaseLike): D1Store;
