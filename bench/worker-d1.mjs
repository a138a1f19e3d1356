#!/usr/bin/env node
// A full sync through the Worker example (examples/worker-d1, bundled from pkg/ as wrangler would)
// under Miniflare with D1 and a Queue, next to the bare walk of the same listings, against the
// local directory service (a child process).
//   node bench/worker-d1.mjs [--users N] [--pages-per-step N] [--page-ms N] [--no-gc | --no-memory]
// --users: users in one directory (default 100,000; 50 groups, 2 memberships each; the issue's
// 1,000,000 works the same, given the time). --pages-per-step: FULL_SYNC_PAGES_PER_STEP (default
// 150, the paid plan's budget; 8 for the free plan's).
// --page-ms N: every API response delayed N ms (the service's slow fault), for the reference API's pace
// (100–300 ms a page); default 0, the local service's own pace (a few ms a page).
// --no-gc: the isolate read between invocations without a GC (what it holds, garbage included),
// one full GC at the end. --no-memory: no inspector and no pause between invocations (the
// Worker's time without the measurement below; only the workerd RSS is sampled).
// Reports: wall time of the bare walk (scimkit's DirectoryClient in Node: groups then users,
// include_detail, page size 30 — what the full sync reads) and of the Worker's full sync (the job
// enqueued until its checkpoint says done), their ratio, the queue invocations used, the time per
// invocation, and the peak RSS of the workerd process that ran every invocation (sampled every
// 50 ms). That process also holds Miniflare's D1 (SQLite, its file in a temporary directory) and
// the rest of workerd, so its RSS grows with the copy; it bounds the Worker's memory from above, it
// does not isolate it.
// The Worker's own memory — its V8 isolate: the JS heap, workerd's C++ objects and the ArrayBuffer
// stores outside it, the wasm linear memory — is read over the Chrome DevTools Protocol from
// workerd's inspector (bench/isolate-memory.mjs):
// - after every invocation, with a full GC (without one with --no-gc): each invocation first waits
//   until the previous one has returned, then calls a service binding (BENCH_GATE, a function in
//   this process) that reads the isolate (GC, Runtime.getHeapUsage, the size of every
//   WebAssembly.Memory) before answering; the last invocation is read once the run is done, then
//   once more after a full GC. What stays after GC is what the isolate keeps from one invocation
//   to the next; the wasm memory never shrinks, so its size after an invocation is its peak so far.
// - during the invocations, without GC: Runtime.getHeapUsage every 100 ms (answered when the
//   isolate awaits I/O), whose peak includes garbage not yet collected.
// The pauses are left out of the Worker's time (the gate's time is measured in the Worker and
// subtracted), but the inspector and the GCs still touch the run (the GC resets the inline caches;
// collecting the Worker's garbage every invocation lowers the workerd RSS): `--no-memory` gives the
// untouched time and RSS.
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inspectWorker } from "./isolate-memory.mjs";
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
const MEMORY = !argv.includes("--no-memory");
const GC = !argv.includes("--no-gc");
const pace = paceArgs(PAGE_MS);
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const mib = (kb) => (kb / 1024).toFixed(1);
const mb = (bytes) => (bytes / 1048576).toFixed(2);

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
let active = 0;
let gating = false;
let gateMs = 0;
let waits = 0;
let waitMs = 0;
export default {
  ...worker,
  async queue(batch, env, ctx) {
    if (env.BENCH_GATE) {
      // The memory gate: once the previous invocation has returned, the bench reads the isolate.
      const w = Date.now();
      if (active > 0 || gating) waits++;
      while (active > 0 || gating) await new Promise((r) => setTimeout(r, 5));
      waitMs += Date.now() - w;
      gating = true;
      const g = Date.now();
      try { await env.BENCH_GATE.fetch("http://gate/" + (invocations + 1)); } finally { gating = false; gateMs += Date.now() - g; }
    }
    const t = Date.now(); invocations++; active++;
    try { await worker.queue(batch, env, ctx); } finally { busyMs += Date.now() - t; active--; }
  },
  async fetch(request, env, ctx) { if (new URL(request.url).pathname === "/__bench") return Response.json({ invocations, busyMs, active, gateMs, waits, waitMs }); return worker.fetch(request, env, ctx); },
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
// The isolate's memory (see the header): after[k] read after invocation k (with a full GC unless
// --no-gc), peaks[k] sampled during it without one; before: the module loaded, nothing synced yet.
let inspector;
let current = 0;
let measuring = false;
let before;
const after = [];
const peaks = [];
const mf = new Miniflare({
  compatibilityDate: "2026-04-01",
  ...(MEMORY
    ? {
        inspectorPort: 0,
        serviceBindings: {
          async BENCH_GATE(request) {
            const n = Number(new URL(request.url).pathname.slice(1));
            measuring = true;
            try {
              const m = { ...(GC ? await inspector.afterGc() : await inspector.usage()), rssKb: workerdRss() };
              if (n === 1) before = m;
              else after[n - 1] = m;
            } finally {
              measuring = false;
            }
            current = n;
            return new Response(null, { status: 204 });
          },
        },
      }
    : {}),
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
let heapSampler;
if (MEMORY) {
  inspector = await inspectWorker(mf);
  let sampling = false;
  heapSampler = setInterval(async () => {
    if (sampling || measuring || current === 0) return;
    sampling = true;
    const n = current;
    try {
      const u = await inspector.usage();
      const p = (peaks[n] ??= { used: 0, total: 0, outside: 0, samples: 0 });
      p.used = Math.max(p.used, u.used);
      p.total = Math.max(p.total, u.total);
      p.outside = Math.max(p.outside, u.embedder + u.buffers);
      p.samples++;
    } catch {
      // The inspector closed at the end of the run.
    } finally {
      sampling = false;
    }
  }, 100);
}
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
clearInterval(heapSampler);
let stats = await (await mf.dispatchFetch("http://bench/__bench")).json();
let finalGc;
if (MEMORY) {
  // The last invocation has committed `done`; read the isolate once it has returned.
  while (stats.active > 0) {
    await sleep(20);
    stats = await (await mf.dispatchFetch("http://bench/__bench")).json();
  }
  after[stats.invocations] = { ...(GC ? await inspector.afterGc() : await inspector.usage()), rssKb: workerdRss() };
  // Then one full GC (a second one with GC on): how much of what the isolate held was garbage.
  finalGc = { ...(await inspector.afterGc()), rssKb: workerdRss() };
  inspector.close();
}
await mf.dispose();
svc.stop();

const created = run.counts.user_created;
console.log(`\n### Full sync through the Worker (Miniflare + D1 + Queue) — ${fmt(USERS)} users, 50 groups, ${PAGES_PER_STEP} pages per step${PAGE_MS ? `, every response delayed ${PAGE_MS} ms` : ""}\n`);
console.log("| run | wall time | vs bare walk | invocations | per invocation | workerd peak RSS (Worker + D1) |");
console.log("|---|---|---|---|---|---|");
console.log(`| bare walk (DirectoryClient, Node) | ${fmt(bareMs)} ms | 1.00× | | | |`);
const syncMs = workerMs - (MEMORY ? stats.gateMs : 0);
console.log(
  `| Worker full sync (${fmt(created)} users created, ${fmt(run.counts.member_added)} memberships) | ${fmt(syncMs)} ms${MEMORY ? ` (${fmt(workerMs)} ms with the memory reads)` : ""} | ${(syncMs / bareMs).toFixed(2)}× | ${stats.invocations} | ${fmt(stats.busyMs / stats.invocations)} ms | ${mib(peakKb)} MiB (idle ${mib(idleKb)} MiB) |`,
);
if (MEMORY) {
  const N = stats.invocations;
  const ks = Array.from({ length: N }, (_, i) => i + 1).filter((k) => after[k]);
  const max = (xs) => Math.max(0, ...xs);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const groups = Math.min(10, N);
  const range = (g) => [Math.floor((g * N) / groups) + 1, Math.floor(((g + 1) * N) / groups)];
  const inRange = ([from, to]) => ks.filter((k) => k >= from && k <= to);
  const at = GC ? "after GC" : "after, no GC";
  const wasm = (m) => (m.wasm === undefined ? "–" : mb(m.wasm));
  console.log(`\n### The Worker's isolate per invocation (V8 over the DevTools protocol; MiB)${GC ? "" : " — no GC between invocations"}\n`);
  console.log(
    `${GC ? "After GC: read after each invocation, once it has returned, with a full GC — what the isolate keeps from one invocation to the next." : "After, no GC: read after each invocation, once it has returned, without a GC — what the isolate holds between invocations, garbage included (V8 collects when it decides to)."} During: Runtime.getHeapUsage every 100 ms without GC (garbage included). Outside the JS heap: workerd's C++ objects (V8's cppgc heap) and ArrayBuffer stores. wasm: the linear memory (never shrinks${GC ? "" : "; read with a GC, so only at the end"}). workerd RSS: the whole process (the Worker, Miniflare's D1 and the rest), read right after each read of the isolate. ${stats.gateMs ? `The reads paused the Worker ${fmt(stats.gateMs)} ms in all (${fmt(stats.gateMs / N)} ms an invocation)` : ""}${stats.waits ? `; ${stats.waits} invocations waited ${fmt(stats.waitMs)} ms for the previous one to return` : ""}.\n`,
  );
  console.log(`| invocations | JS heap used ${at} (min–max) | JS heap committed ${at} (max) | outside the JS heap ${at} (max) | wasm memory | JS heap used during (peak) | JS heap committed during (peak) | outside the JS heap during (peak) | workerd RSS ${at} (min–max) | samples |`);
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  if (before) console.log(`| before the first (module loaded) | ${mb(before.used)} | ${mb(before.total)} | ${mb(before.embedder + before.buffers)} | ${wasm(before)} | | | | ${mib(before.rssKb)} | |`);
  for (let g = 0; g < groups; g++) {
    const r = range(g);
    const k = inRange(r);
    if (!k.length) continue;
    const a = k.map((i) => after[i]);
    const p = k.map((i) => peaks[i]).filter(Boolean);
    const peak = (f) => (p.length ? mb(max(p.map(f))) : "–");
    console.log(
      `| ${r[0] === r[1] ? r[0] : `${r[0]}–${r[1]}`} | ${mb(Math.min(...a.map((x) => x.used)))}–${mb(max(a.map((x) => x.used)))} | ${mb(max(a.map((x) => x.total)))} | ${mb(max(a.map((x) => x.embedder + x.buffers)))} | ${wasm(a.at(-1))} | ${peak((x) => x.used)} | ${peak((x) => x.total)} | ${peak((x) => x.outside)} | ${mib(Math.min(...a.map((x) => x.rssKb)))}–${mib(max(a.map((x) => x.rssKb)))} | ${p.reduce((s, x) => s + x.samples, 0)} |`,
    );
  }
  const first = inRange(range(0)).map((i) => after[i].used);
  const last = inRange(range(groups - 1)).map((i) => after[i].used);
  const mid = ks[Math.floor((ks.length - 1) / 2)];
  const ps = peaks.filter(Boolean);
  console.log(
    `\nJS heap used ${at}: after invocation 1 ${mb(after[1].used)}, after ${mid} ${mb(after[mid].used)}, after ${N} ${mb(after[N].used)}; mean over the first tenth ${mb(mean(first))}, over the last ${mb(mean(last))} (${(mean(last) - mean(first) >= 0 ? "+" : "") + mb(mean(last) - mean(first))}).`,
  );
  if (GC) console.log(`wasm memory: ${mb(before?.wasm ?? 0)} before the first invocation, ${mb(after[1].wasm)} after it, ${mb(after[mid].wasm)} after ${mid}, ${mb(after[N].wasm)} after ${N} (${after[N].memories} memor${after[N].memories === 1 ? "y" : "ies"}).`);
  console.log(
    `Peak during the invocations (sampled): JS heap used ${mb(max(ps.map((x) => x.used)))}, committed ${mb(max(ps.map((x) => x.total)))}, outside it ${mb(max(ps.map((x) => x.outside)))}; with the wasm memory (${mb(finalGc.wasm)} at the end, its peak), the isolate's peak is at most ${mb(max(ks.map((k) => Math.max(after[k].total, peaks[k]?.total ?? 0) + Math.max(after[k].embedder + after[k].buffers, peaks[k]?.outside ?? 0))) + finalGc.wasm)}.`,
  );
  console.log(
    `At the end, one more full GC: JS heap used ${mb(after[N].used)} → ${mb(finalGc.used)}, committed ${mb(after[N].total)} → ${mb(finalGc.total)}, outside it ${mb(after[N].embedder + after[N].buffers)} → ${mb(finalGc.embedder + finalGc.buffers)}; workerd RSS ${mib(after[N].rssKb)} → ${mib(finalGc.rssKb)} MiB.`,
  );
}
