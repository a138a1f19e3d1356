#!/usr/bin/env node
// What refusing hostile input costs, through the built package in Node (after
// `node scripts/build.mjs`):
//   node bench/hostile.mjs [--reps R]
// Each hostile input of the suite's "hostile" cases (tests/js/suite/normalize-fixtures.mjs, which
// assert the codes and that the instance still works, but no time) is timed here next to a
// baseline: `JSON.parse` of the same text, the least any reader of it must spend. Target: every
// refusal within 3× that baseline, so a hostile request costs no more than reading an honest one of
// its size (and grows linearly with it). The median of R runs (default 5) after one warm-up.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const scimkit = require(join(root, "pkg", "node.cjs"));

const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log("node bench/hostile.mjs [--reps R]");
  process.exit(0);
}
const i = args.indexOf("--reps");
const reps = i >= 0 ? Number(args[i + 1]) : 5;
const TARGET = 3;

const USER = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "a@b.c", emails: [{ value: "a@b.c", type: "work" }] };
const room = { maxInputBytes: 16 << 20 };
const deepArrays = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
const deepObjects = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
const terms = [];
while (terms.length * 22 < 1 << 20) terms.push('value eq "x@example.com"');
const patchOf = (path) => JSON.stringify({ Operations: [{ op: "remove", path }] });
const manyTerms = patchOf(`emails[${terms.join(" or ")}]`);
const longLiteral = patchOf(`emails[value eq "${"x".repeat(1 << 20)}"]`);
const parens = patchOf(`emails[${"(".repeat(1 << 19)}value eq "a"${")".repeat(1 << 19)}]`);
const ops = JSON.stringify({ Operations: Array.from({ length: 100_000 }, (_, n) => ({ op: "add", path: "title", value: `t${n}` })) });
const huge = JSON.stringify({ ...USER, pad: "x".repeat(8 << 20) });

// [label, the text a reader must at least parse, the refusal, the code it must end in]
const cases = [
  ["event: 10,000-deep arrays", deepArrays, () => scimkit.normalizeEvent(deepArrays), "too_complex"],
  ["user: 10,000-deep objects", deepObjects, () => scimkit.normalizeUser(deepObjects), "too_complex"],
  ["PATCH: 1 MiB filter, 47k terms", manyTerms, () => scimkit.applyScimPatch(USER, manyTerms, room), "too_complex"],
  ["PATCH: 1 MiB filter literal", longLiteral, () => scimkit.applyScimPatch(USER, longLiteral, room), "too_complex"],
  ["PATCH: 1 MiB of nested parentheses", parens, () => scimkit.applyScimPatch(USER, parens, room), "too_complex"],
  ["PATCH: 100,000 operations", ops, () => scimkit.applyScimPatch(USER, ops, room), "too_complex"],
  ["request: 100,000 operations", ops, () => scimkit.normalizeScimRequest({ method: "PATCH", path: "/Users/1", body: ops }, { now: null, ...room }), "too_complex"],
  ["user: 8 MiB over maxInputBytes", huge, () => scimkit.normalizeUser(huge), "payload_too_large"],
];

function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function refusal(fn, code) {
  try {
    fn();
  } catch (e) {
    if (e?.code !== code) throw new Error(`expected ${code}, got ${e?.code ?? e}`);
    return;
  }
  throw new Error(`expected ${code}, got a result`);
}

console.log(`# Refusing hostile input — Node ${process.version}, ${reps} runs each, median`);
console.log("");
console.log("| input | size | JSON.parse (baseline) | scimkit refuses | ratio | target ≤ 3× |");
console.log("|---|---:|---:|---:|---:|---|");
let failed = 0;
for (const [label, text, fn, code] of cases) {
  const parse = () => {
    try {
      JSON.parse(text);
    } catch {
      // Deep input: V8's parser may refuse it (stack); the time spent until then is the baseline.
    }
  };
  parse();
  refusal(fn, code);
  const base = median(Array.from({ length: reps }, () => time(parse)));
  const ours = median(Array.from({ length: reps }, () => time(() => refusal(fn, code))));
  const ratio = ours / base;
  if (ratio > TARGET) failed++;
  const kib = (text.length / 1024).toFixed(0);
  console.log(`| ${label} (${code}) | ${kib} KiB | ${base.toFixed(2)} ms | ${ours.toFixed(2)} ms | ${ratio.toFixed(2)}× | ${ratio <= TARGET ? "met" : "missed"} |`);
}
console.log("");
console.log(failed === 0 ? "every refusal within the target" : `${failed} refusal(s) over the target`);
