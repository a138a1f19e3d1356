// `npm start`: the app against the repo's local directory service (tools/directory-service), out of
// the box. Starts the service on 127.0.0.1 with its webhooks pointed at the app (with delivery
// faults, so the catch-up has something to recover), starts the app, and changes the directory every
// few seconds so there is traffic to watch. Ctrl-C stops both.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { start } from "./app.mjs";

const env = process.env;
const port = Number(env.PORT ?? 3000);
const adminToken = env.ADMIN_TOKEN ?? "dev-admin-token";
const churnMs = Number(env.CHURN_MS ?? 3000);
const deliveryFaults = env.DELIVERY_FAULTS ?? '{"drop":0.1,"repeat":0.05,"reorder":0.1,"tamper":0.02}';
const serviceCli = fileURLToPath(new URL("../../tools/directory-service/cli.mjs", import.meta.url));

const service = spawn(
  process.execPath,
  [serviceCli, "--json", "--orgs", "2", "--users", "250,120", "--groups", "8",
    "--webhook-url", `http://127.0.0.1:${port}/webhooks/directory`, "--delivery-faults", deliveryFaults],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const info = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("the directory service did not start within 15 s")), 15_000);
  service.once("exit", (code) => reject(new Error(`the directory service exited (${code})`)));
  createInterface({ input: service.stdout }).once("line", (line) => {
    clearTimeout(timer);
    resolve(JSON.parse(line));
  });
});
console.log(`[dev] directory service on ${info.url}; organizations: ${info.organizations.map((o) => o.id).join(", ")}`);

const app = await start({
  ...env,
  PORT: String(port),
  DIRECTORY_URL: info.url,
  DIRECTORY_CLIENT_ID: info.client_id,
  DIRECTORY_CLIENT_SECRET: info.client_secret,
  DIRECTORY_WEBHOOK_SECRET: info.webhook_secret,
  ADMIN_TOKEN: adminToken,
  CATCH_UP_INTERVAL_MS: env.CATCH_UP_INTERVAL_MS ?? "20000",
  FULL_SYNC_INTERVAL_MS: env.FULL_SYNC_INTERVAL_MS ?? "120000",
  LOG_CHANGES: env.LOG_CHANGES ?? "1",
});
console.log(`[dev] try: curl -s -H 'authorization: Bearer ${adminToken}' http://127.0.0.1:${port}/users | head -c 600`);
console.log(`[dev]      curl -s -X POST -H 'authorization: Bearer ${adminToken}' http://127.0.0.1:${port}/sync`);

// Traffic: create users, then update, deactivate, move between groups and delete the ones created.
const dirs = info.organizations.flatMap((o) => o.directories.map((d) => d.id));
const created = [];
let tick = 0;
const mutate = async (op) => {
  const res = await fetch(`${info.url}/_admin/mutate`, { method: "POST", body: JSON.stringify(op), signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`mutate ${op.op}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).results[0];
};
const churn = async () => {
  tick += 1;
  const dir = dirs[tick % dirs.length];
  const mine = created.filter((u) => u.dir === dir);
  const pick = mine[tick % Math.max(1, mine.length)];
  if (!pick || tick % 4 === 1) {
    const r = await mutate({ op: "createUser", directoryId: dir, user: { title: "New hire" } });
    created.push({ id: r.id, dir });
  } else if (tick % 4 === 2) {
    await mutate({ op: "updateUser", id: pick.id, user: { title: `Engineer ${tick}`, active: tick % 3 !== 0 } });
  } else if (tick % 4 === 3 && mine.length > 3) {
    await mutate({ op: "deleteUser", id: pick.id });
    created.splice(created.indexOf(pick), 1);
  }
};
const churnTimer = churnMs > 0 ? setInterval(() => churn().catch((e) => console.error(`[dev] ${e.message}`)), churnMs) : null;

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  if (churnTimer) clearInterval(churnTimer);
  service.kill("SIGTERM");
  await app.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
