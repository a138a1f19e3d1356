// Node side of the soak (tests/js/soak.test.mjs runs it in a child process from the consumer
// project, so `scimkit` is the installed tarball): SOAK_COUNT inputs from SOAK_SEED, then one
// `SOAK_SUMMARY {json}` line with the result and the process's peak memory.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as scimkit from "scimkit";
import { runSoak } from "./soak.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const read = (f) => JSON.parse(readFileSync(join(here, "..", f), "utf8"));
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const cpu0 = process.cpuUsage();
const summary = await runSoak(scimkit, {
  count: Number(process.env.SOAK_COUNT ?? 100_000),
  seed: Number(process.env.SOAK_SEED ?? 1),
  deadlineMs: Number(process.env.SOAK_DEADLINE_MS ?? Infinity),
  fixtures: read("fixtures.json"),
  vectors: read("vectors.json"),
  pages: read("pages.json"),
});
clearInterval(sample);
const cpu = process.cpuUsage(cpu0);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
console.log(`SOAK_SUMMARY ${JSON.stringify({ ...summary, runtime: `node ${process.version}`, peakRssMb: Math.round(peakRss / 2 ** 20), cpuMs: Math.round((cpu.user + cpu.system) / 1000) })}`);
