// The argument checks the store adapters share (scimkit/sqlite, scimkit/postgres, scimkit/d1): the
// same refusals, worded alike, whatever the database behind them.
import { ScimkitError, SyncError } from "scimkit";

export function invalid(message) {
  return new ScimkitError("invalid_argument", message);
}

export function conflict(message) {
  return new SyncError("store_conflict", message);
}

export function requireString(value, name) {
  if (typeof value !== "string") throw invalid(`${name} must be a string, got ${value === null ? "null" : typeof value}`);
  return value;
}

/** `ids`, checked to be an array of strings. */
export function idList(ids, name) {
  if (!Array.isArray(ids)) throw invalid(`${name} must be an array of strings, got ${ids === null ? "null" : typeof ids}`);
  ids.forEach((id, i) => requireString(id, `${name}[${i}]`));
  return ids;
}

/** A row's `data` as the JSON text a store keeps: as DirectorySync hands it (dataAsJson), or serialized. */
export const dataText = (data) => (typeof data === "string" ? data : JSON.stringify(data));

/** `ids`, checked, as the JSON text the SQLite stores bind (read with `json_each`). */
export const idListJson = (ids, name) => JSON.stringify(idList(ids, name));

/** `{ organizationId?, directoryId? }`, checked → `[organizationId, directoryId]` (null when absent). */
export function scopeOf(options) {
  if (options === undefined || options === null) return [null, null];
  if (typeof options !== "object") throw invalid(`options must be an object, got ${typeof options}`);
  for (const key of Object.keys(options)) {
    if (key !== "organizationId" && key !== "directoryId") {
      throw invalid(`unknown option "${key}" in options (expected one of: organizationId, directoryId)`);
    }
  }
  const org = options.organizationId ?? null;
  const dir = options.directoryId ?? null;
  if (org !== null) requireString(org, "options.organizationId");
  if (dir !== null) requireString(dir, "options.directoryId");
  return [org, dir];
}
