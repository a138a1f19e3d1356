// A throwaway PostgreSQL server for the tests: a new cluster (initdb) in a temp dir, started on
// 127.0.0.1 at a free port, TCP only, trust authentication, stopped and deleted by `stop()`. Uses
// Debian's `postgresql` package (scripts/postgres.sh installs it). PostgreSQL refuses to run as
// root: as root, the cluster belongs to the `postgres` user the package creates, and the server
// runs as that user (setpriv, so the child's pid is the server's own and a signal reaches it).
import { execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir() {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "pg_ctl"))) : [];
  if (majors.length === 0) {
    throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): run `bash scripts/postgres.sh` (apt-get install postgresql)");
  }
  majors.sort((a, b) => Number(b) - Number(a));
  return join(root, majors[0], "bin");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** How to run a server binary: as `postgres` when we are root, else as ourselves. */
function runAs() {
  if (process.getuid?.() !== 0) return { wrap: (bin, args) => [bin, args], owner: null };
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { wrap: (bin, args) => ["setpriv", ["--reuid", String(uid), "--regid", String(gid), "--init-groups", bin, ...args]], owner: { uid, gid } };
}

/**
 * Starts a server. `settings`: extra `-c name=value` server settings (the tests turn fsync off:
 * a throwaway cluster need not survive a power loss). Resolves to `{ url, port, stop() }`; `url`
 * is a connection string for the `postgres` database as the `postgres` superuser.
 */
export async function startPostgres({ settings = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" }, startTimeoutMs = 30_000 } = {}) {
  const bin = postgresBinDir();
  const { wrap, owner } = runAs();
  const dir = mkdtempSync(join(tmpdir(), "scimkit-pg-"));
  const data = join(dir, "data");
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const [initCmd, initArgs] = wrap(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
    execFileSync(initCmd, initArgs, { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (err) {
    cleanup();
    throw new Error(`initdb failed: ${err.stderr?.toString().slice(-2000) ?? err.message}`);
  }
  const extra = Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    const args = ["-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200", ...extra];
    const [cmd, cmdArgs] = wrap(join(bin, "postgres"), args);
    const child = spawn(cmd, cmdArgs, { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr.on("data", (d) => {
      log = (log + d).slice(-20_000);
    });
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    let done = false;
    exited.then(() => (done = true));
    const deadline = Date.now() + startTimeoutMs;
    while (!done && Date.now() < deadline && !/ready to accept connections/.test(log)) await new Promise((r) => setTimeout(r, 50));
    if (/ready to accept connections/.test(log) && !done) {
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      return {
        url,
        port,
        /** The server's log so far (its stderr). */
        log: () => log,
        /** A connection string for another database on this server (created by the caller). */
        urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
        /**
         * Smart shutdown (SIGTERM: waits for the sessions still open, e.g. those a `pool.end()`
         * is closing right now, so none is cut off with an error), fast shutdown (SIGINT) after
         * 5 s, SIGKILL after 15 s; then the cluster is deleted.
         */
        async stop() {
          if (!done) {
            child.kill("SIGTERM");
            const fast = setTimeout(() => child.kill("SIGINT"), 5_000);
            const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
            await exited;
            clearTimeout(fast);
            clearTimeout(kill);
          }
          cleanup();
        },
      };
    }
    child.kill("SIGKILL");
    await exited;
    // Another process took the port between freePort() and the bind: try another one.
    if (tries < 3 && /could not bind|Address already in use/.test(log)) continue;
    cleanup();
    throw new Error(`PostgreSQL did not start within ${startTimeoutMs} ms:\n${log.slice(-3000)}${existsSync(join(data, "log")) ? readFileSync(join(data, "log"), "utf8").slice(-2000) : ""}`);
  }
}
