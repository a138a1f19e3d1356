// scimkit/postgres (issue 11), from the built package, against a real PostgreSQL server the test
// starts (tests/js/lib/postgres-server.mjs) and stops: the store contract every store passes (each
// case in a schema of its own), the engine through it, the schema and its migrations, the
// checkpoint guard, errors, and commits racing from separate pools (separate connections, as
// separate processes would have) — where exactly one of the writers must win and the others get
// store_conflict with nothing written. Needs a built pkg/ and the repo's node_modules (pg).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./lib/harness.mjs";
import { startPostgres } from "./lib/postgres-server.mjs";
import { engineSmoke } from "./sync/engine-smoke.mjs";
import { contractCases, makeRecords, V } from "./sync/store-contract.mjs";

const pkgDir = join(repoRoot, "pkg");
const pkg = await import(pathToFileURL(join(pkgDir, "node.mjs")).href);
const { postgresStore, SCHEMA_VERSION } = await import(pathToFileURL(join(pkgDir, "lib", "postgres.js")).href);
const pg = createRequire(import.meta.url)(join(repoRoot, "node_modules", "pg"));

let server;
let admin; // a pool for the test's own SQL
let schemas = 0;
before(async () => {
  server = await startPostgres();
  admin = new pg.Pool({ connectionString: server.url, max: 2 });
});
after(async () => {
  await admin?.end();
  await server?.stop();
});

/** A pool whose connections see a new, empty schema first (`search_path`): a fresh database for one case. */
async function freshPool({ max = 4 } = {}) {
  const schema = `case_${++schemas}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = () => new pg.Pool({ connectionString: server.url, max, options: `-c search_path=${schema}` });
  return { schema, pool };
}

async function withStore(fn) {
  const { pool } = await freshPool();
  const p = pool();
  try {
    return await fn(postgresStore(p), p);
  } finally {
    await p.end();
  }
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection");
}

// ---------------------------------------------------------------------------------------------
// The store contract (the same cases as memoryStore and sqliteStore)

describe("store contract: postgresStore(pg.Pool)", () => {
  for (const [name, run] of contractCases()) test(name, () => withStore((store) => run(store, { pkg })));
  test("DirectorySync applies events into it: exactly once, order, tombstones, memberships", () => withStore((store) => engineSmoke(store, { pkg })));
});

// ---------------------------------------------------------------------------------------------
// Schema, migrations, errors

describe("postgresStore: schema, migrations, errors", () => {
  test("the first call creates the scimkit_* tables at SCHEMA_VERSION in the search_path's schema, recorded in scimkit_meta; the app's tables stay", async () => {
    const { schema, pool } = await freshPool();
    await admin.query(`CREATE TABLE ${schema}.app_sessions (id text PRIMARY KEY); INSERT INTO ${schema}.app_sessions VALUES ('s1')`);
    const p = pool();
    try {
      const store = postgresStore(p);
      assert.equal(await store.schemaVersion(), 0, "nothing created before the first call");
      assert.equal(SCHEMA_VERSION, 1);
      assert.equal(await store.migrate(), SCHEMA_VERSION);
      assert.equal(await store.schemaVersion(), SCHEMA_VERSION);
      const { rows } = await admin.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", [schema]);
      assert.deepEqual(
        rows.map((r) => r.table_name),
        ["app_sessions", "scimkit_checkpoints", "scimkit_events", "scimkit_groups", "scimkit_memberships", "scimkit_meta", "scimkit_users"],
      );
      assert.equal((await admin.query(`SELECT value FROM ${schema}.scimkit_meta WHERE key = 'schema_version'`)).rows[0].value, "1");
      assert.equal((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.app_sessions`)).rows[0].n, 1);
    } finally {
      await p.end();
    }
  });

  test("eight stores on separate pools migrating at once create the tables once; a second store sees the first one's commits", async () => {
    const { pool } = await freshPool();
    const pools = Array.from({ length: 8 }, () => pool());
    try {
      const stores = pools.map((p) => postgresStore(p));
      assert.deepEqual(await Promise.all(stores.map((s) => s.migrate())), Array(8).fill(SCHEMA_VERSION));
      const { user, changeset } = makeRecords(pkg);
      await stores[0].commit(changeset({ event: { id: "evt_1", occurred_at: null }, put_users: [user("u1")], checkpoints: [{ key: "events", value: "x" }] }));
      assert.equal(await stores[7].hasEvent("evt_1"), true);
      assert.deepEqual(await stores[7].getUser("u1"), user("u1").data);
      assert.equal(await stores[3].checkpoint("events"), "x");
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test("ids sort by their bytes (UTF-8), whatever the database's collation: list reads and the unseen cursor agree with the core", async () => {
    await withStore(async (store) => {
      const { user, changeset } = makeRecords(pkg);
      const ids = ["b", "B", "a", "_x", "é", "z", "Z1", "a-b", "ab"];
      await store.commit(changeset({ put_users: ids.map((id) => user(id)) }));
      const bytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      assert.deepEqual((await store.listUsers()).map((u) => u.id), bytes);
      const after = JSON.parse(await store.unseenUsers({ organization_id: "org_1", directory_id: "dir_1", include_unplaced: false, generation: 1, after_id: "Z1", limit: 100 }));
      assert.deepEqual(after.map((u) => u.id), bytes.slice(bytes.indexOf("Z1") + 1));
    });
  });

  test("a schema version this scimkit does not know is refused with SyncError store_failed, and nothing is written", async () => {
    const { schema, pool } = await freshPool();
    const p = pool();
    try {
      await postgresStore(p).migrate();
      await admin.query(`UPDATE ${schema}.scimkit_meta SET value = '99' WHERE key = 'schema_version'`);
      const store = postgresStore(p);
      const err = await rejection(store.commit(makeRecords(pkg).changeset({ checkpoints: [{ key: "k", value: "v" }] })));
      assert.ok(err instanceof pkg.SyncError && err.code === "store_failed" && /version 99/.test(err.message), err.message);
      assert.equal((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.scimkit_checkpoints`)).rows[0].n, 0);
    } finally {
      await p.end();
    }
  });

  test("a commit that the server aborts as a deadlock victim (40P01) rejects with store_conflict, nothing written", async () => {
    const { schema, pool } = await freshPool();
    const p = pool();
    const other = await admin.connect();
    try {
      const store = postgresStore(p);
      await store.migrate();
      const { user, changeset } = makeRecords(pkg);
      // Another transaction holds the key lock of user u1 (scimkit's advisory lock: class 0x5c1e0001,
      // hash of "u:u1") while the commit, holding its new event id, waits for it; then that
      // transaction inserts the same event id, and waits for the commit: a cycle the server breaks.
      await other.query(`SET search_path = ${schema}`);
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock(1545469953, hashtext('u:u1'))");
      const commit = store.commit(changeset({ event: { id: "evt_1", occurred_at: null }, put_users: [user("u1")] }));
      // Until the commit has inserted evt_1 and waits for the lock (bounded).
      for (let i = 0; i < 200; i++) {
        const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'");
        if (rows[0].n > 0) break;
        await sleep(50);
      }
      const blocked = other.query("INSERT INTO scimkit_events (id) VALUES ('evt_1')").then(
        () => "inserted",
        (e) => e.code,
      );
      const err = await rejection(commit);
      assert.ok(err instanceof pkg.SyncError && err.code === "store_conflict", `${err.code}: ${err.message}`);
      assert.match(err.message, /40P01/);
      assert.equal(await blocked, "inserted", "the other transaction went on");
      await other.query("ROLLBACK");
      assert.equal(await store.hasEvent("evt_1"), false);
      assert.equal(await store.getUser("u1"), null);
    } finally {
      other.release();
      await p.end();
    }
  });

  test("postgresStore(not a pool) throws ScimkitError invalid_argument", () => {
    const client = new pg.Client({ connectionString: server.url });
    for (const bad of [null, undefined, "postgres://x", {}, { query() {} }, client]) {
      assert.throws(() => postgresStore(bad), (err) => err instanceof pkg.ScimkitError && err.code === "invalid_argument", String(bad));
    }
  });

  test("a commit the database refuses (a NOT NULL column) writes nothing, the event id included, and rejects with SyncError store_failed naming the column", async () => {
    await withStore(async (store) => {
      const { user, changeset } = makeRecords(pkg);
      const bad = { ...user("u1"), organization_id: null };
      const err = await rejection(store.commit(changeset({ event: { id: "evt_1", occurred_at: null }, put_users: [user("u0"), bad] })));
      assert.ok(err instanceof pkg.SyncError && err.code === "store_failed", `${err.code}: ${err.message}`);
      assert.match(err.message, /organization_id/);
      assert.match(err.message, /SQLSTATE 23502/);
      assert.equal(await store.hasEvent("evt_1"), false);
      assert.equal(await store.getUser("u0"), null);
      // The pool's connections are usable afterwards (the transaction was rolled back).
      await store.commit(changeset({ event: { id: "evt_1", occurred_at: null } }));
      assert.equal(await store.hasEvent("evt_1"), true);
    });
  });

  test("a server that cannot be reached: SyncError store_failed, and the message has neither the password nor the connection string", async () => {
    const closed = new pg.Pool({ connectionString: "postgres://scimkit:s3cret-pa55word@127.0.0.1:1/nowhere", connectionTimeoutMillis: 2000 });
    try {
      const store = postgresStore(closed);
      for (const call of [() => store.getUser("u1"), () => store.commit({}), () => store.migrate()]) {
        const err = await rejection(call());
        assert.ok(err instanceof pkg.SyncError && err.code === "store_failed", `${err.code}: ${err.message}`);
        assert.doesNotMatch(err.message, /s3cret|postgres:\/\//);
        assert.match(err.message, /ECONNREFUSED/);
      }
    } finally {
      await closed.end();
    }
  });

  test("scimkit/postgres resolves from the package for import and require, with the main entry's error classes", () => {
    const script = (load) => `${load}
      try { postgresStore(null); } catch (e) { console.log(JSON.stringify({ same: e instanceof ScimkitError, code: e.code, version: SCHEMA_VERSION })); }`;
    const esm = spawnSync(process.execPath, ["--input-type=module", "-e", script('import { postgresStore, SCHEMA_VERSION } from "scimkit/postgres"; import { ScimkitError } from "scimkit";')], {
      cwd: pkgDir,
      encoding: "utf8",
    });
    assert.deepEqual(JSON.parse(esm.stdout), { same: true, code: "invalid_argument", version: SCHEMA_VERSION }, esm.stderr);
    const cjs = spawnSync(process.execPath, ["-e", script('const { postgresStore, SCHEMA_VERSION } = require("scimkit/postgres"); const { ScimkitError } = require("scimkit");')], {
      cwd: pkgDir,
      encoding: "utf8",
    });
    assert.deepEqual(JSON.parse(cjs.stdout), { same: true, code: "invalid_argument", version: SCHEMA_VERSION }, cjs.stderr);
  });
});

// ---------------------------------------------------------------------------------------------
// The checkpoint guard (leases)

describe("postgresStore: checkpoint guards", () => {
  test("a checkpoint guard holds when the stored value is exactly the one given (null: no row); otherwise store_conflict and nothing written", async () => {
    await withStore(async (store) => {
      const { user, changeset } = makeRecords(pkg);
      const take = (value, next) => changeset({ guards: [{ kind: "checkpoint", key: "lease:dir_1", value }], checkpoints: [{ key: "lease:dir_1", value: next }] });
      await store.commit(take(null, "p1@1000"));
      assert.equal(await store.checkpoint("lease:dir_1"), "p1@1000");
      for (const stale of [null, "p2@1000", "p1@100", ""]) {
        const err = await rejection(store.commit({ ...take(stale, "p2@2000"), put_users: [user("u_lost")] }));
        assert.equal(err.code, "store_conflict", `${stale}: ${err.message}`);
        assert.ok(err instanceof pkg.SyncError);
      }
      assert.equal(await store.checkpoint("lease:dir_1"), "p1@1000", "the lease is unchanged");
      assert.equal(await store.getUser("u_lost"), null, "nothing else written either");
      await store.commit(take("p1@1000", "p2@2000"));
      assert.equal(await store.checkpoint("lease:dir_1"), "p2@2000");
      // A guard on another key than the one written, and on a key that is never written.
      await store.commit(changeset({ guards: [{ kind: "checkpoint", key: "lease:dir_1", value: "p2@2000" }, { kind: "checkpoint", key: "absent", value: null }], checkpoints: [{ key: "full:o:d", value: "{}" }] }));
      assert.equal(await store.checkpoint("full:o:d"), "{}");
    });
  });

  test("a guard of an unknown kind is refused with ScimkitError invalid_argument, nothing written", async () => {
    await withStore(async (store) => {
      const { changeset } = makeRecords(pkg);
      for (const kind of ["membership", "toString", undefined]) {
        const err = await rejection(store.commit(changeset({ guards: [{ kind, id: "x" }], checkpoints: [{ key: "k", value: "v" }] })));
        assert.ok(err instanceof pkg.ScimkitError && err.code === "invalid_argument", err.message);
      }
      assert.equal(await store.checkpoint("k"), null);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Racing commits from separate pools (as separate processes would)

describe("postgresStore: commits racing from separate pools, each a store of its own", () => {
  const ROUNDS = 25;

  /**
   * Runs `ROUNDS` rounds; in each, every one of `writers` stores (each on its own pool) commits
   * `make(round, writer)` at the same moment. Returns per round the writers that won.
   */
  async function race(writers, setup, make, check) {
    const { pool } = await freshPool();
    const pools = Array.from({ length: writers }, () => pool());
    try {
      const stores = pools.map((p) => postgresStore(p));
      await Promise.all(stores.map((s) => s.migrate()));
      const { user, group, member, changeset } = makeRecords(pkg);
      const recs = { user, group, member, changeset };
      await setup?.(stores[0], recs);
      for (let round = 0; round < ROUNDS; round++) {
        const outcomes = await Promise.allSettled(stores.map((s, w) => s.commit(make(round, w, recs))));
        const won = outcomes.flatMap((o, w) => (o.status === "fulfilled" ? [w] : []));
        for (const o of outcomes) {
          if (o.status === "rejected") {
            assert.equal(o.reason.code, "store_conflict", `round ${round}: a loser gets store_conflict (${o.reason.message})`);
            assert.ok(o.reason instanceof pkg.SyncError);
          }
        }
        await check(stores[round % writers], round, won, recs);
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  }

  test("the same event id from 4 pools at once: exactly one commit wins and only its writes are stored", () =>
    race(
      4,
      null,
      (round, w, { user, changeset }) =>
        changeset({ event: { id: `evt_${round}`, occurred_at: V(1) }, put_users: [user(`u_${round}_${w}`)], checkpoints: [{ key: `k${round}`, value: String(w) }] }),
      async (store, round, won) => {
        assert.equal(won.length, 1, `round ${round}: one winner, got ${won}`);
        assert.equal(await store.checkpoint(`k${round}`), String(won[0]));
        for (let w = 0; w < 4; w++) assert.equal((await store.getUser(`u_${round}_${w}`)) !== null, w === won[0], `round ${round}: writer ${w}'s user`);
      },
    ));

  test("the same user guarded at the revision all read, from 4 pools at once: one wins, the revision moves once", () =>
    race(
      4,
      async (store, { user, changeset }) => store.commit(changeset({ put_users: [user("u1", { revision: 1 })] })),
      (round, w, { user, changeset }) =>
        changeset({
          guards: [{ kind: "user", id: "u1", revision: round + 1 }],
          put_users: [user("u1", { revision: round + 2, given: `W${w}` })],
          checkpoints: [{ key: `k${round}`, value: String(w) }],
        }),
      async (store, round, won) => {
        assert.equal(won.length, 1, `round ${round}: one winner, got ${won}`);
        const [row] = JSON.parse(await store.users(["u1"]));
        assert.equal(row.revision, round + 2);
        assert.equal(row.data.given_name, `W${won[0]}`, "the winner's write, no lost update");
        assert.equal(await store.checkpoint(`k${round}`), String(won[0]));
      },
    ));

  test("a group created from 4 pools at once, each guarding \"no row\" (none read one): one creates it, the others conflict", () =>
    race(
      4,
      null,
      (round, w, { group, member, changeset }) =>
        changeset({
          guards: [{ kind: "group", id: `g_${round}`, revision: null }],
          put_groups: [group(`g_${round}`, { name: `By ${w}` })],
          add_members: [member(`g_${round}`, `u_${w}`)],
        }),
      async (store, round, won) => {
        assert.equal(won.length, 1, `round ${round}: one winner, got ${won}`);
        assert.equal((await store.getGroup(`g_${round}`)).display_name, `By ${won[0]}`);
        assert.deepEqual(await store.listMembers(`g_${round}`), [`u_${won[0]}`], "only the winner's membership");
      },
    ));

  test("two pools each guarding as absent the row the other one creates (write skew): at most one wins", () =>
    race(
      2,
      null,
      (round, w, { user, changeset }) =>
        changeset({
          guards: [{ kind: "user", id: `x_${round}_${1 - w}`, revision: null }],
          put_users: [user(`x_${round}_${w}`)],
        }),
      async (store, round, won) => {
        const present = JSON.parse(await store.users([`x_${round}_0`, `x_${round}_1`])).length;
        assert.equal(won.length, 1, `round ${round}: exactly one wins (serial order), got ${won}`);
        assert.equal(present, 1);
      },
    ));

  test("a lease (checkpoint guard) taken by 4 pools at once: one holder", () =>
    race(
      4,
      null,
      (round, w, { changeset }) =>
        changeset({
          guards: [{ kind: "checkpoint", key: "lease", value: round === 0 ? null : `round${round - 1}` }],
          checkpoints: [
            { key: "lease", value: `round${round}` },
            { key: `holder${round}`, value: String(w) },
          ],
        }),
      async (store, round, won) => {
        assert.equal(won.length, 1, `round ${round}: one holder, got ${won}`);
        assert.equal(await store.checkpoint("lease"), `round${round}`);
        assert.equal(await store.checkpoint(`holder${round}`), String(won[0]));
      },
    ));
});
