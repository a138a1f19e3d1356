// An Express 5 app that keeps a local copy of every organization's directory — users, groups,
// memberships — with scimkit's DirectorySync: webhooks applied exactly once, catch-up from the
// events API, and scheduled full syncs. The copy lives in a SQLite file, or in PostgreSQL when
// DATABASE_URL is set (then any number of processes may share it). Configuration comes from the
// environment (README.md).
import { timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";
import express from "express";
import Database from "better-sqlite3";
import { DirectoryClient, DirectorySync, NormalizationError, WebhookVerificationError } from "scimkit";
import { postgresStore } from "scimkit/postgres";
import { sqliteStore } from "scimkit/sqlite";

/** The app's own table next to the store's: every change, in the order it was reported. */
const AUDIT_SCHEMA = `CREATE TABLE IF NOT EXISTS app_change_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  pid INTEGER NOT NULL,
  kind TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  directory_id TEXT,
  id TEXT NOT NULL,
  group_id TEXT
)`;

/** The same table in PostgreSQL. */
const PG_AUDIT_SCHEMA = `CREATE TABLE IF NOT EXISTS app_change_log (
  seq bigserial PRIMARY KEY,
  at text NOT NULL,
  pid integer NOT NULL,
  kind text NOT NULL,
  organization_id text NOT NULL,
  directory_id text,
  id text NOT NULL,
  group_id text
)`;

const MODES = new Set(["catch-up", "full", "both"]);

/** `DIRECTORY_WEBHOOK_SECRET`: one `whsec_…` secret, or several separated by spaces or commas (rotation). */
function webhookSecrets(value) {
  const list = String(value ?? "").split(/[\s,]+/).filter(Boolean);
  return list.length > 1 ? list : list[0];
}

/** Bearer-token check in constant time; no token configured means the admin routes are closed. */
function adminGuard(token) {
  const want = token ? Buffer.from(`Bearer ${token}`) : null;
  return (req, res, next) => {
    const got = Buffer.from(req.get("authorization") ?? "");
    if (!want || got.length !== want.length || !timingSafeEqual(got, want)) return res.status(401).end();
    next();
  };
}

/** What a sync answers when it fails: the code and message (never a secret), and the HTTP status. */
function failure(err) {
  const status = err?.code === "store_failed" || err?.code === "store_conflict" ? 500 : 502;
  return { status, body: { code: err?.code ?? "error", message: String(err?.message ?? err) } };
}

const flag = (v, fallback) => (v === undefined || v === "" ? fallback : v);

/**
 * The store and the app's change log: `{ store, logChange(row), close() }`. In PostgreSQL when
 * `DATABASE_URL` is set (pg is loaded only then), else in the SQLite file `DB_PATH`.
 */
async function openStorage(env) {
  if (env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(flag(env.DB_POOL_SIZE, 10)) });
    // A server that drops an idle connection must not crash the process: the pool replaces it.
    pool.on("error", (err) => console.error(`[db] idle connection lost: ${err.message}`));
    const store = postgresStore(pool);
    await store.migrate(); // fail at start, not at the first webhook
    try {
      await pool.query(PG_AUDIT_SCHEMA);
    } catch (err) {
      // Processes starting together race to create it; the one that loses finds it made: a unique
      // violation in the catalog (23505), or the relation (42P07) or its row type (42710) already there.
      if (err.code !== "23505" && err.code !== "42P07" && err.code !== "42710") throw err;
    }
    const insert = "INSERT INTO app_change_log (at, pid, kind, organization_id, directory_id, id, group_id) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    return { store, logChange: (row) => pool.query(insert, row), close: () => pool.end() };
  }
  // `timeout`: how long a write waits for another connection's lock before it fails (the webhook
  // then answers 500 and the sender retries).
  const db = new Database(flag(env.DB_PATH, "directory.db"), { timeout: Number(flag(env.DB_BUSY_TIMEOUT_MS, 5000)) });
  db.pragma("journal_mode = WAL");
  // WAL + NORMAL: a commit survives the process being killed; only a power loss can undo the last
  // ones — and what a webhook applied is still in the events API for the next catch-up.
  db.pragma("synchronous = NORMAL");
  const store = sqliteStore(db);
  db.exec(AUDIT_SCHEMA);
  const audit = db.prepare(
    "INSERT INTO app_change_log (at, pid, kind, organization_id, directory_id, id, group_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  return { store, logChange: async (row) => audit.run(...row), close: async () => db.close() };
}

/**
 * Builds the app: `{ app, sync, store, runSync(mode), close() }`. `start()` also listens and
 * schedules the syncs. `runSync` runs one sync at a time in this process (a webhook never waits
 * for it).
 */
export async function createApp(env = process.env) {
  const client = new DirectoryClient({
    environmentUrl: env.DIRECTORY_URL,
    clientId: env.DIRECTORY_CLIENT_ID,
    clientSecret: env.DIRECTORY_CLIENT_SECRET,
  });
  const { store, logChange, close } = await openStorage(env);
  const verbose = env.LOG_CHANGES === "1";

  const sync = new DirectorySync({
    client,
    store,
    webhookSecret: webhookSecrets(env.DIRECTORY_WEBHOOK_SECRET),
    onMissing: env.ON_MISSING === "delete" ? "delete" : "deactivate",
    // Called once per change, after the commit that made it. Your provisioning logic goes here,
    // e.g. revoke a user's sessions on `user_deactivated` / `user_deleted`.
    onChange: async (change) => {
      try {
        await logChange([new Date().toISOString(), process.pid, change.kind, change.organization_id,
          change.directory_id ?? null, change.id, change.group_id ?? null]);
      } catch (err) {
        console.error(`[audit] change not logged (${change.kind} ${change.id}): ${err.message}`);
      }
      if (verbose) console.log(`[change] ${change.kind} ${change.id}${change.group_id ? ` in ${change.group_id}` : ""}`);
    },
  });

  // One sync at a time: a catch-up and a full sync of the same directory must not interleave.
  let queue = Promise.resolve();
  const runSync = (mode = "both") => {
    const job = queue.then(async () => {
      const out = {};
      if (mode === "catch-up" || mode === "both") {
        out.catchUp = await sync.catchUp();
        console.log(`[sync] catch-up: ${JSON.stringify(out.catchUp)}`);
      }
      if (mode === "full" || mode === "both") {
        console.log("[sync] full: started");
        out.fullSync = await sync.fullSync();
        console.log(`[sync] full: ${JSON.stringify(out.fullSync)}`);
      }
      return out;
    });
    queue = job.catch(() => {});
    return job;
  };

  const app = express();
  app.disable("x-powered-by");
  const admin = adminGuard(env.ADMIN_TOKEN);

  // The raw body: the signature is over the exact bytes sent.
  app.post("/webhooks/directory", express.raw({ type: "application/json", limit: "1mb" }), async (req, res) => {
    if (!Buffer.isBuffer(req.body)) return res.status(415).send("expected an application/json body");
    try {
      const { status, changes } = await sync.handleWebhook(req.headers, req.body); // verify, then apply exactly once
      if (verbose) console.log(`[webhook] ${req.get("webhook-id")}: ${status}, ${changes.length} change(s)`);
      res.status(status === "applied" ? 201 : 200).end(); // duplicate, stale, ignored: 200
    } catch (err) {
      // Forged, tampered or too old: nothing was read or stored.
      if (err instanceof WebhookVerificationError) return res.status(400).send(err.code);
      // Signed by the sender but not an event we can apply: retrying would not help.
      if (err instanceof NormalizationError || err?.code === "invalid_event") {
        console.error(`[webhook] ${req.get("webhook-id")} rejected: ${err.code}: ${err.message}`);
        return res.status(422).send(err.code);
      }
      // The store failed (locked, disk full…): 500, so the sender retries.
      console.error(`[webhook] ${req.get("webhook-id")} not applied: ${err?.code ?? "error"}: ${err?.message ?? err}`);
      res.status(500).end();
    }
  });

  // POST /sync?mode=catch-up|full|both (default both): runs it now, answers the summaries.
  app.post("/sync", admin, async (req, res) => {
    const mode = req.query.mode ?? "both";
    if (!MODES.has(mode)) return res.status(400).json({ code: "invalid_argument", message: "mode must be catch-up, full or both" });
    try {
      res.json(await runSync(mode));
    } catch (err) {
      const { status, body } = failure(err);
      res.status(status).json(body);
    }
  });

  // Reads go through the store's port (the same for SQLite, memory and the other adapters).
  const scope = (q) => ({ organizationId: q.organizationId, directoryId: q.directoryId });
  app.get("/users", admin, async (req, res) => res.json(await store.listUsers(scope(req.query))));
  app.get("/users/:id", admin, async (req, res) => {
    const user = await store.getUser(req.params.id);
    if (!user) return res.status(404).end();
    res.json({ ...user, groups: await store.listUserGroups(req.params.id) });
  });
  app.get("/groups", admin, async (req, res) => res.json(await store.listGroups(scope(req.query))));
  app.get("/groups/:id/members", admin, async (req, res) => res.json(await store.listMembers(req.params.id)));

  // Errors from the body parser (413 too large, 400 bad encoding): the status, no stack trace.
  app.use((err, req, res, _next) => {
    res.status(Number.isInteger(err?.status) ? err.status : 500).end();
  });

  return { app, sync, store, runSync, close };
}

/**
 * Listens on 127.0.0.1:`PORT`, runs a sync at start (`SYNC_ON_START`) and then a catch-up every
 * `CATCH_UP_INTERVAL_MS` and a full sync every `FULL_SYNC_INTERVAL_MS` (0 turns either off).
 */
export async function start(env = process.env) {
  const { app, runSync, close: closeStorage } = await createApp(env);
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(Number(flag(env.PORT, 3000)), flag(env.HOST, "127.0.0.1"), (err) => (err ? reject(err) : resolve(s)));
  });
  const scheduled = (mode) => () =>
    runSync(mode).catch((err) => console.error(`[sync] ${mode} failed: ${err?.code ?? "error"}: ${err?.message ?? err}`));
  const timers = [];
  const every = (ms, mode) => {
    if (ms > 0) timers.push(setInterval(scheduled(mode), ms));
  };
  every(Number(flag(env.CATCH_UP_INTERVAL_MS, 60_000)), "catch-up");
  every(Number(flag(env.FULL_SYNC_INTERVAL_MS, 3_600_000)), "full");
  const { port } = server.address();
  console.log(`[app] listening on http://127.0.0.1:${port} (webhooks: POST /webhooks/directory)`);
  const onStart = flag(env.SYNC_ON_START, "both");
  if (MODES.has(onStart)) scheduled(onStart)();

  const close = async () => {
    for (const t of timers) clearInterval(t);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await closeStorage();
  };
  return { server, port, close };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const running = await start();
  // A sync in flight is simply cut off: its checkpoint lets the next start resume it.
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => running.close().finally(() => process.exit(0)));
}
