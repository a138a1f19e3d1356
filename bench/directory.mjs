#!/usr/bin/env node
// Directory API walk: the scimkit iterator vs a hand-written JS fetch loop over the same local
// directory service (run in a child process, so the client's process measures only the client).
//   node bench/directory.mjs [--quick]
// Part 1: 10,000 users, page size 30, rotating order, median wall time → overhead (scimkit with
// its default prefetch, and with prefetch off, against a hand-written sequential fetch loop).
// Part 2: peak memory of a scimkit walk over 10k / 30k / 100k users, each in a fresh process.
//   node bench/directory.mjs --ab OTHER_ROOT [rounds]
// A/B instead: this checkout's pkg/ and OTHER_ROOT/pkg/ (e.g. a copy built from the base branch)
// loaded in one process and walked in turn (order alternating, one warm-up round), median wall
// and CPU time of each — on a busy machine a fairer comparison than two runs at different times.
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");

/** Starts the local directory service in a child process; resolves with its startup info. */
async function startService(users) {
  const child = spawn(process.execPath, [join(root, "tools/directory-service/cli.mjs"), "--orgs", "1", "--users", String(users), "--groups", "5", "--json"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`directory service exited (${code})`)));
  });
  const info = JSON.parse(line);
  return {
    url: info.url,
    clientId: info.client_id,
    clientSecret: info.client_secret,
    org: info.organizations[0].id,
    dir: info.organizations[0].directories[0].id,
    stop: () => child.kill(),
  };
}

/** What an app would write by hand: token, then fetch + JSON.parse page by page. */
async function handWritten(svc) {
  const tokenRes = await fetch(`${svc.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: svc.clientId, client_secret: svc.clientSecret }),
  });
  const { access_token } = await tokenRes.json();
  let count = 0;
  let token = "";
  for (let guard = 0; guard < 100000; guard++) {
    const url = `${svc.url}/api/v1/organizations/${svc.org}/directories/${svc.dir}/users?page_size=30${token ? `&page_token=${encodeURIComponent(token)}` : ""}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${access_token}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const page = await res.json();
    for (const user of page.users) if (user.id) count++;
    token = page.next_page_token;
    if (!token) break;
  }
  return count;
}

async function withScimkit(svc, prefetch = true) {
  const { DirectoryClient } = createRequire(join(root, "package.json"))(join(root, "pkg", "node.cjs"));
  const client = new DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  let count = 0;
  for await (const user of client.directoryUsers(svc.org, svc.dir, { pageSize: 30, prefetch })) if (user.id) count++;
  return count;
}

const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];

if (process.argv[2] === "--ab") {
  const roots = [root, process.argv[3]];
  if (!roots[1]) throw new Error("usage: node bench/directory.mjs --ab OTHER_ROOT [rounds]");
  const rounds = Number(process.argv[4] ?? 15);
  const N = 10000;
  const svc = await startService(N);
  try {
    const mods = roots.map((r) => createRequire(join(r, "package.json"))(join(r, "pkg", "node.cjs")));
    const walkWith = async (m, prefetch) => {
      const client = new m.DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
      let count = 0;
      for await (const user of client.directoryUsers(svc.org, svc.dir, { pageSize: 30, prefetch })) if (user.id) count++;
      if (count !== N) throw new Error(`walked ${count} users, expected ${N}`);
    };
    const results = new Map();
    for (let r = -1; r < rounds; r++) {
      const order = r % 2 ? [1, 0] : [0, 1];
      for (const i of order) {
        for (const prefetch of [true, false]) {
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          await walkWith(mods[i], prefetch);
          const ms = performance.now() - t0;
          const cpu = process.cpuUsage(cpu0);
          if (r < 0) continue;
          const key = `${roots[i]} | prefetch ${prefetch}`;
          if (!results.has(key)) results.set(key, { wall: [], cpu: [] });
          results.get(key).wall.push(ms);
          results.get(key).cpu.push((cpu.user + cpu.system) / 1000);
        }
      }
    }
    console.log(`\n## A/B: walk ${N.toLocaleString("en-US")} users, page size 30, medians of ${rounds} interleaved rounds, Node ${process.version}\n`);
    console.log("| pkg | prefetch | wall ms | CPU ms (this process) |");
    console.log("|---|---|---:|---:|");
    for (const [key, v] of results) {
      const [pkg, prefetch] = key.split(" | ");
      console.log(`| ${pkg} | ${prefetch.replace("prefetch ", "")} | ${median(v.wall).toFixed(0)} | ${median(v.cpu).toFixed(0)} |`);
    }
  } finally {
    svc.stop();
  }
  process.exit(0);
}

if (process.argv[2] === "--memory-child") {
  // Part 2 child (run with --expose-gc): walk, sampling peak RSS, and the memory still retained
  // after a full GC at every tenth of the walk — flat retained memory means nothing accumulates.
  const svc = JSON.parse(process.argv[3]);
  const { DirectoryClient } = createRequire(join(root, "package.json"))(join(root, "pkg", "node.cjs"));
  const client = new DirectoryClient({ environmentUrl: svc.url, clientId: svc.clientId, clientSecret: svc.clientSecret });
  let peakRss = 0;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const retained = [];
  const t0 = performance.now();
  let count = 0;
  for await (const user of client.directoryUsers(svc.org, svc.dir, { pageSize: 30 })) {
    if (user.id) count++;
    if (count % Math.round(svc.users / 10) === 0) {
      globalThis.gc();
      const m = process.memoryUsage();
      retained.push(m.heapUsed + m.external + m.arrayBuffers);
    }
  }
  clearInterval(timer);
  console.log(JSON.stringify({ count, ms: performance.now() - t0, peakRss, retained }));
  process.exit(0);
}

// Part 1.
const N = 10000;
const svc = await startService(N);
try {
  const rounds = quick ? 3 : 7;
  const times = { scimkit: [], sequential: [], fetch: [] };
  const walk = { scimkit: () => withScimkit(svc), sequential: () => withScimkit(svc, false), fetch: () => handWritten(svc) };
  const orders = [
    ["fetch", "scimkit", "sequential"],
    ["scimkit", "sequential", "fetch"],
    ["sequential", "fetch", "scimkit"],
  ];
  for (let r = -1; r < rounds; r++) {
    // Rotate the order each round; round -1 warms everything up and is not counted.
    for (const which of orders[(r + 3) % 3]) {
      const t0 = performance.now();
      const count = await walk[which]();
      const ms = performance.now() - t0;
      if (count !== N) throw new Error(`${which} walked ${count} users, expected ${N}`);
      if (r >= 0) times[which].push(ms);
    }
  }
  const s = median(times.scimkit);
  const q = median(times.sequential);
  const f = median(times.fetch);
  const row = (label, ms) => console.log(`| ${label} | ${ms.toFixed(0)} | ${Math.round((N / ms) * 1000).toLocaleString("en-US")} | ${(((ms - f) / f) * 100).toFixed(1)} % |`);
  console.log(`\n## Walk ${N.toLocaleString("en-US")} users, page size 30 (${Math.ceil(N / 30)} pages), median of ${rounds} rounds, Node ${process.version}\n`);
  console.log("| client | median ms | users/s | overhead vs hand-written |");
  console.log("|---|---:|---:|---:|");
  row("scimkit `directoryUsers` iterator (default: next page requested ahead)", s);
  row("scimkit `directoryUsers` iterator, `prefetch: false` (strictly one page at a time)", q);
  row("hand-written fetch + JSON.parse loop", f);
  console.log(`\nscimkit overhead: ${(((s - f) / f) * 100).toFixed(1)} % (target ≤ 10 %); with prefetch off: ${(((q - f) / f) * 100).toFixed(1)} %`);
} finally {
  svc.stop();
}

// Part 2.
console.log("\n## Peak memory of a scimkit walk (page size 30), each count in a fresh process\n");
console.log("| users | walk s | peak RSS MiB | retained after GC at 10 % / 50 % / 100 % of the walk (JS heap + external + wasm memory), MiB |");
console.log("|---:|---:|---:|---|");
for (const users of quick ? [10000, 100000] : [10000, 30000, 100000]) {
  const s2 = await startService(users);
  try {
    const args = ["--expose-gc", fileURLToPath(import.meta.url), "--memory-child", JSON.stringify({ ...s2, users, stop: undefined })];
    const out = execFileSync(process.execPath, args, { encoding: "utf8" });
    const r = JSON.parse(out.trim().split("\n").pop());
    if (r.count !== users) throw new Error(`walked ${r.count}, expected ${users}`);
    const mib = (b) => (b / 1024 / 1024).toFixed(1);
    const at = (f) => mib(r.retained[Math.min(r.retained.length - 1, Math.round(f * r.retained.length) - 1)]);
    console.log(`| ${users.toLocaleString("en-US")} | ${(r.ms / 1000).toFixed(1)} | ${mib(r.peakRss)} | ${at(0.1)} / ${at(0.5)} / ${at(1)} |`);
  } finally {
    s2.stop();
  }
}
