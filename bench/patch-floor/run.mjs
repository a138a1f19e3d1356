#!/usr/bin/env node
// How fast could applyScimPatch on objects be, with the PATCH logic in the Rust core? Node, one
// process, after `npm run build`:   node bench/patch-floor/run.mjs
//
// Issue 3 asks for ≥ 2× scim-patch, i.e. at most half of scim-patch's time per request. This
// times, beside scim-patch and scimkit, two floors: work any implementation of that design must
// do even if the core's own work took no time at all.
//  - "text floor" (the design scimkit ships, src/scim/apply.rs): the façade's own steps on the
//    real request: the plain-data walk of the resource, the PATCH and the key list into text and
//    into wasm memory, one wasm call that does nothing, the real answer (the members the PATCH
//    changed) parsed back, and the shallow copy with those put in and the removed ones left out.
//    Missing (so a floor): the core's work, and stringifying the attributes it asks for. Also shown without the walk of the resource (which keeps nested
//    passwords out of the result): the crossing alone.
//  - "live-object floor" (the design that crosses no JSON): lib.rs, built here, reads the request
//    and writes the result through js-sys, and only handles `replace` (the two requests that are
//    only that): no validation, filters, password stripping or errors.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { build } from "esbuild";
import { PATCH_REQUESTS, SCIM_PATCH_OPTIONS as SP_OPTIONS, measure } from "../lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = join(root, "build", "patch-floor");
const require = createRequire(join(root, "package.json"));
mkdirSync(out, { recursive: true });

// The package's internals (the façade's own helpers and the raw wasm exports), one instance.
const lib = join(root, "pkg", "lib");
await build({
  stdin: {
    contents: `
      import { readFileSync } from "node:fs";
      import * as glue from ${JSON.stringify(join(lib, "glue.js"))};
      import { markReady } from ${JSON.stringify(join(lib, "state.js"))};
      markReady(glue.initSync({ module: new WebAssembly.Module(readFileSync(${JSON.stringify(join(root, "pkg", "scimkit_bg.wasm"))})) }));
      export { glue };
      export { writeInputs } from ${JSON.stringify(join(lib, "input.js"))};
      export { applyScimPatch, plainShape, setOwn } from ${JSON.stringify(join(lib, "normalize.js"))};
    `,
    resolveDir: lib,
  },
  outfile: join(out, "internals.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  define: { "import.meta.url": "undefined" },
  logLevel: "warning",
});
const sk = require(join(out, "internals.cjs"));

// The live-object prototype, with the toolchain scimkit's build uses.
execFileSync("cargo", ["build", "-q", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path", join(here, "Cargo.toml")], {
  cwd: root,
  env: { ...process.env, CARGO_TARGET_DIR: out },
  stdio: "inherit",
});
execFileSync("wasm-bindgen", ["--target", "nodejs", "--out-dir", join(out, "pkg"), join(out, "wasm32-unknown-unknown", "release", "patch_floor.wasm")], { stdio: "inherit" });
const live = require(join(out, "pkg", "patch_floor.js"));

const { scimPatch } = require("scim-patch");
const fixtures = join(root, "tests", "fixtures");
const readJson = (p) => JSON.parse(readFileSync(join(fixtures, p), "utf8"));
// The requests of bench/normalize.mjs; the live-object floor handles the two that only replace.
const CASES = PATCH_REQUESTS.map((c) => ({ ...c, live: c.label === "Entra: disable user" || c.label === "Okta: deactivate user" }));

const keysAndValues = (o) => {
  const keys = Object.keys(o);
  return { keys, values: keys.map((k) => o[k]) };
};

const rows = [];
for (const c of CASES) {
  const resource = readJson(c.resource);
  const patch = readJson(c.sample);
  const forScimPatch = c.rfcVariant ?? patch;
  const result = sk.applyScimPatch(resource, patch);
  // What this request changes, as the core's JSON (the core answers at least these members), and
  // the indexes of the keys the façade sends (at least the changed and the removed ones).
  const changed = {};
  for (const k of Object.keys(result)) if (!isDeepStrictEqual(result[k], resource[k])) changed[k] = result[k];
  const answerText = JSON.stringify(changed);
  const neededIdx = [];
  Object.keys(resource).forEach((k, i) => {
    if (Object.hasOwn(changed, k) || !Object.hasOwn(result, k)) neededIdx.push(i);
  });
  // `walk`: the façade's plain-data and nested-password walk (it guarantees a result without any
  // password, as the text route gives); without it, only the key list.
  const textFloor = (walk = true) => {
    const { keys, values } = walk ? sk.plainShape(resource) : keysAndValues(resource);
    const lens = sk.writeInputs([JSON.stringify(keys), JSON.stringify(patch)]);
    sk.glue.inputBuffer(0);
    const sent = new Uint8Array(keys.length);
    for (let i = 0; i < neededIdx.length; i++) sent[neededIdx[i]] = 1;
    const patched = JSON.parse(answerText);
    const o = {};
    for (let i = 0; i < keys.length; i++) {
      if (sent[i] === 0 || Object.hasOwn(patched, keys[i])) sk.setOwn(o, keys[i], values[i]);
    }
    const patchedKeys = Object.keys(patched);
    for (let i = 0; i < patchedKeys.length; i++) sk.setOwn(o, patchedKeys[i], patched[patchedKeys[i]]);
    return [o, lens];
  };
  if (!isDeepStrictEqual(textFloor()[0], result)) throw new Error(`${c.label}: the text floor does not rebuild the result`);
  if (c.live && !isDeepStrictEqual(live.replaceOnLiveObject(resource, patch), result)) {
    throw new Error(`${c.label}: the live-object floor does not give scimkit's result`);
  }
  const fns = {
    scimPatch: () => scimPatch(resource, forScimPatch.Operations, SP_OPTIONS),
    scimkit: () => sk.applyScimPatch(resource, patch),
    textFloor: () => textFloor(true),
    textFloorNoWalk: () => textFloor(false),
  };
  if (c.live) fns.liveFloor = () => live.replaceOnLiveObject(resource, patch);
  const r = await measure(fns, { rounds: 5, ms: 300, warmupMs: 300 });
  rows.push({ ...c, r });
  process.stderr.write(`  ${c.label} done\n`);
}

const us = (opsPerSec) => 1e6 / opsPerSec;
const lines = [
  `## Node ${process.version}: applyScimPatch floors (µs per request; budget = half of scim-patch's time, the 2× target)`,
  "",
  "| request | scim-patch | budget | scimkit | text floor | text floor ÷ budget | text floor without the walk ÷ budget | live-object floor | live-object floor ÷ budget |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
];
let logSum = 0;
for (const { label, r } of rows) {
  const budget = us(r.scimPatch) / 2;
  logSum += Math.log(us(r.textFloor) / budget);
  const liveCells = r.liveFloor ? `${us(r.liveFloor).toFixed(2)} | ${(us(r.liveFloor) / budget).toFixed(2)}` : "— | —";
  lines.push(`| ${label} | ${us(r.scimPatch).toFixed(2)} | ${budget.toFixed(2)} | ${us(r.scimkit).toFixed(2)} | ${us(r.textFloor).toFixed(2)} | ${(us(r.textFloor) / budget).toFixed(2)} | ${(us(r.textFloorNoWalk) / budget).toFixed(2)} | ${liveCells} |`);
}
lines.push("", `Geometric mean, text floor ÷ budget: **${Math.exp(logSum / rows.length).toFixed(2)}** (above 1: the 2× target is out of reach even with a core that takes no time).`);
const report = lines.join("\n");
console.log(`\n${report}`);
writeFileSync(join(out, "report.md"), `${report}\n`);
