#!/usr/bin/env node
// A full sync through the Worker example (examples/worker-d1, bundled from pkg/ as wrangler would)
// under Miniflare with D1 and a Queue, next to the bare walk of the same listings, against the
// local directory service (a child process).
//   node bench/worker-d1.mjs [--users N] [--pages-per-step N]
// --users: users in one directory (default 100,000; 50 groups, 2 memberships each; the issue's
// 1,000,000 works the same, given the time). --pages-per-step: FULL_SYNC_PAGES_PER_STEP (default
// 150, the paid plan's budget; 8 for the free plan's).
// --page-ms N: every API response delayed N ms (the service's slow fault), for the reference API's pace
// (100–300 ms a page); default 0, the local service's own pace (a few ms a page).
// Reports: wall time of the bare walk (scimkit's DirectoryClient in Node: groups then users,
// include_detail, page size 30 — what the full sync reads) and of the Worker's full sync (the job
// enqueued until its checkpoint says done), their ratio, the queue invocations used, the time per
// invocation, and the peak RSS of the workerd process that ran every invocation (sampled every
// 50 ms). That process also holds Miniflare's D1 (its SQLite database, in memory), so its RSS grows
// with the copy; it bounds the Worker's memory from above, it does not isolate it.
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { paceArgs, startDirectoryService } from "./lib.mjs";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const USERS = opt("--users", 100_000);
const PAGES_PER_STEP = opt("--pages-per-step", 150);
const PAGE_MS = opt("--page-ms", 0);
const pace = paceArgs(PAGE_MS);
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const mib = (kb) => (kb / 1024).toFixed(1);

/** The RSS (kB) of this process's descendants whose command line names workerd. */
function workerdRss() {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const ppid = Number(status.match(/PPid:\s+(\d+)/)[1]);
      if (ppid === process.pid && cmd.includes("workerd")) total += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch {
      // The process ended while we read it.
    }
  }
  return total;
}

const main = await import(pathToFileURL(join(root, "pkg", "node.mjs")).href);
const svc = await startDirectoryService(["--orgs", "1", "--users", String(USERS), "--groups", "50", "--memberships", "2", ...pace]);
const org = svc.orgs[0].id;
const dir = svc.orgs[0].directories[0].id;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// 1. The bare walk.
const client = new main.DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
let t0 = performance.now();
let listed = 0;
for await (const page of client.directoryGroupPages(org, dir, { pageSize: 30, includeDetail: true })) listed += page.groups.length;
for await (const page of client.directoryUserPages(org, dir, { pageSize: 30, includeDetail: true })) listed += page.users.length;
const bareMs = performance.now() - t0;
console.error(`bare walk: ${fmt(listed)} items in ${fmt(bareMs)} ms`);

// 2. The Worker: the example as wrangler would bundle it (conditions workerd), counting invocations.
const entry = `import worker from ${JSON.stringify(join(root, "examples", "worker-d1", "src", "worker.js"))};
let invocations = 0;
let busyMs = 0;
export default {
  ...worker,
  async queue(batch, env, ctx) { const t = Date.now(); invocations++; try { await worker.queue(batch, env, ctx); } finally { busyMs += Date.now() - t; } },
  async fetch(request, env, ctx) { if (new URL(request.url).pathname === "/__bench") return Response.json({ invocations, busyMs }); return worker.fetch(request, env, ctx); },
};`;
const out = await build({
  stdin: { contents: entry, resolveDir: join(root, "examples", "worker-d1"), sourcefile: "bench-entry.mjs" },
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  plugins: [
    {
      // scimkit from pkg/ as its exports map gives it to a Worker: the workerd entry, and ./d1.
      name: "scimkit-from-pkg",
      setup(b) {
        b.onResolve({ filter: /^scimkit(\/d1)?$/ }, (args) => ({ path: join(root, "pkg", "lib", args.path === "scimkit" ? "workerd.js" : "d1.js") }));
        b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./scimkit_bg.wasm", external: true }));
      },
    },
  ],
  logLevel: "warning",
});
const mf = new Miniflare({
  compatibilityDate: "2026-04-01",
  modules: [
    { type: "ESModule", path: "worker.mjs", contents: out.outputFiles[0].text },
    { type: "CompiledWasm", path: "scimkit_bg.wasm", contents: readFileSync(join(root, "pkg", "scimkit_bg.wasm")) },
  ],
  d1Databases: { DB: "bench" },
  queueProducers: { SYNC_QUEUE: { queueName: "bench-sync" } },
  queueConsumers: { "bench-sync": { maxBatchSize: 1, maxBatchTimeout: 1, maxRetries: 10, retryDelay: 0 } },
  bindings: {
    DIRECTORY_URL: svc.url,
    DIRECTORY_CLIENT_ID: svc.clientId,
    DIRECTORY_CLIENT_SECRET: svc.clientSecret,
    FULL_SYNC_PAGES_PER_STEP: String(PAGES_PER_STEP),
    FULL_SYNC_LEASE_SECONDS: "60",
  },
});
await mf.ready;
const db = await mf.getD1Database("DB");
const { d1Store } = await import(pathToFileURL(join(root, "pkg", "lib", "d1.js")).href);
await d1Store(db).ready();
let peakKb = workerdRss();
const sampler = setInterval(() => {
  peakKb = Math.max(peakKb, workerdRss());
}, 50);
const idleKb = peakKb;
t0 = performance.now();
await (await mf.getQueueProducer("SYNC_QUEUE")).send({ organizationId: org, directoryId: dir, owner: randomUUID() });
let run;
for (;;) {
  const row = await db.prepare("SELECT value FROM scimkit_checkpoints WHERE key = ?").bind(`full:${org}:${dir}`).first();
  run = row && JSON.parse(row.value);
  if (run?.phase === "done") break;
  await sleep(200);
}
const workerMs = performance.now() - t0;
clearInterval(sampler);
const stats = await (await mf.dispatchFetch("http://bench/__bench")).json();
await mf.dispose();
svc.stop();

const created = run.counts.user_created;
console.log(`\n### Full sync through the Worker (Miniflare + D1 + Queue) — ${fmt(USERS)} users, 50 groups, ${PAGES_PER_STEP} pages per step${PAGE_MS ? `, every response delayed ${PAGE_MS} ms` : ""}\n`);
console.log("| run | wall time | vs bare walk | invocations | per invocation | workerd peak RSS (Worker + D1) |");
console.log("|---|---|---|---|---|---|");
console.log(`| bare walk (DirectoryClient, Node) | ${fmt(bareMs)} ms | 1.00× | | | |`);
console.log(
  `| Worker full sync (${fmt(created)} users created, ${fmt(run.counts.member_added)} memberships) | ${fmt(workerMs)} ms | ${(workerMs / bareMs).toFixed(2)}× | ${stats.invocations} | ${fmt(stats.busyMs / stats.invocations)} ms | ${mib(peakKb)} MiB (idle ${mib(idleKb)} MiB) |`,
);
