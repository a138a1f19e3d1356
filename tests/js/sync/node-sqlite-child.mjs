// Runs the store contract against sqliteStore(node:sqlite DatabaseSync) in a Node that has
// node:sqlite (22.13+), for sync.test.mjs under Node 20, which has not. Argument: the repo's pkg/
// directory. Prints one `SYNC_CASE <json>` line per case and a `SYNC_DONE` line.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { contractCases } from "./store-contract.mjs";
import { engineSmoke } from "./engine-smoke.mjs";

const pkgDir = process.argv[2];
const pkg = await import(pathToFileURL(join(pkgDir, "node.mjs")).href);
const { sqliteStore } = await import(pathToFileURL(join(pkgDir, "lib", "sqlite.js")).href);
const { DatabaseSync } = await import("node:sqlite");

const cases = [...contractCases(), ["DirectorySync applies events into it (exactly once, order, tombstones)", (store, ctx) => engineSmoke(store, ctx)]];
for (const [name, run] of cases) {
  const db = new DatabaseSync(":memory:");
  let error = null;
  try {
    await run(sqliteStore(db), { pkg });
  } catch (err) {
    error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  } finally {
    db.close();
  }
  console.log(`SYNC_CASE ${JSON.stringify({ name, error })}`);
}
console.log(`SYNC_DONE ${JSON.stringify({ node: process.version })}`);
