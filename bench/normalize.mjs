#!/usr/bin/env node
// Normalization and SCIM PATCH per second in Node, one process, after `npm run build`:
//   node bench/normalize.mjs [--quick] [--native]
// 1. PATCH: the Entra/Okta PATCH samples (tests/fixtures/samples) applied to the resources the
//    fixtures use, scimkit applyScimPatch vs npm scim-patch.
// 2. normalize: a realistic SCIM user (bench/data/user-2k.json) → scimkit normalizeUser vs a
//    hand-written JS mapping; then where scimkit's time goes, and what other ways of crossing the
//    JS↔wasm boundary would cost.
// --native also builds and runs examples/normalize_timing.rs (the core natively, no wasm) via cargo;
// examples/patch_timing.rs times every PATCH request below natively, step by step.
// applyScimPatch(object, …) sends only part of the resource (src/scim/apply.rs,
// pkg-template/lib/normalize.js): only the top-level attributes the PATCH needs cross into wasm,
// and only those come back, patched; the "where the time goes" table for PATCH below times the
// same call given the whole resource as JSON text, which is what strings and bytes take.
// bench/patch-floor/run.mjs times what the boundary alone costs (a floor under any core on this
// design, and under one on live objects).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { PATCH_REQUESTS, SCIM_PATCH_OPTIONS, fmt, measure, ratio } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const scimkit = require(join(root, "pkg", "node.cjs"));
const { scimPatch } = require("scim-patch");
const scimPatchVersion = require("scim-patch/package.json").version;
const quick = process.argv.includes("--quick");
const opts = quick ? { rounds: 3, ms: 150, warmupMs: 100 } : { rounds: 5, ms: 300, warmupMs: 300 };
const fixtures = join(root, "tests", "fixtures");
const readJson = (p) => JSON.parse(readFileSync(join(fixtures, p), "utf8"));
const bytes = (v) => Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v));
const us = (opsPerSec) => (1e6 / opsPerSec).toFixed(2);

// ---------------------------------------------------------------------------------------------
// 1. PATCH

// The requests, and what scim-patch is given where the provider's own form would make it do
// something else: PATCH_REQUESTS in bench/lib.mjs.
const canonical = (v) => JSON.parse(JSON.stringify(v));
const patchRows = [];
for (const p of PATCH_REQUESTS) {
  const resource = readJson(p.resource);
  const sample = readJson(p.sample);
  const forScimPatch = p.rfcVariant ?? sample;
  // Sanity before timing: scimkit's result for the provider's own request equals scim-patch's for
  // the request it is given, and scimkit gives the same for the RFC variant.
  const skSample = scimkit.applyScimPatch(resource, sample);
  const skVariant = scimkit.applyScimPatch(resource, forScimPatch);
  const sp = canonical(scimPatch(structuredClone(resource), forScimPatch.Operations, SCIM_PATCH_OPTIONS));
  const same = isDeepStrictEqual(skSample, sp) && isDeepStrictEqual(skVariant, sp);
  const r = await measure(
    {
      scimkitSample: () => scimkit.applyScimPatch(resource, sample),
      scimkitVariant: () => scimkit.applyScimPatch(resource, forScimPatch),
      scimPatch: () => scimPatch(resource, forScimPatch.Operations, SCIM_PATCH_OPTIONS),
    },
    opts,
  );
  patchRows.push({ ...p, same, r, sizes: `${bytes(resource)} + ${bytes(sample)}` });
  process.stderr.write(`  PATCH ${p.label} done\n`);
}

// ---------------------------------------------------------------------------------------------
// 2. normalize: scimkit vs a hand-written mapping

const user = JSON.parse(readFileSync(join(root, "bench", "data", "user-2k.json"), "utf8"));
const userText = JSON.stringify(user);

const ci = (obj, name) => {
  if (!obj || typeof obj !== "object") return undefined;
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
};
const str = (v) => (typeof v === "string" ? v : null);
const primaryOf = (list) => (Array.isArray(list) ? (list.find((x) => x?.primary === true) ?? list[0]) : undefined);
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
function withoutPasswords(v) {
  if (Array.isArray(v)) return v.map(withoutPasswords);
  if (v && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v)) if (k.toLowerCase() !== "password") out[k] = withoutPasswords(v[k]);
    return out;
  }
  return v;
}

/** What an app would write by hand for its SCIM users: the same model fields as normalizeUser. */
function plainNormalizeUser(r) {
  const name = ci(r, "name") ?? {};
  const emails = Array.isArray(ci(r, "emails")) ? ci(r, "emails") : [];
  const primaryEmail = primaryOf(emails);
  const ent = ci(r, ENTERPRISE) ?? {};
  const addr = primaryOf(ci(r, "addresses"));
  const mgr = ci(ent, "manager");
  const active = ci(r, "active");
  const given = str(ci(name, "givenName"));
  const family = str(ci(name, "familyName"));
  const userName = str(ci(r, "userName"));
  return {
    id: str(ci(r, "id")),
    dp_id: str(ci(r, "externalId")),
    organization_id: null,
    directory_id: null,
    email: str(primaryEmail?.value) ?? null,
    preferred_username: userName,
    name: str(ci(r, "displayName")) ?? ([given, family].filter(Boolean).join(" ") || userName),
    given_name: given,
    family_name: family,
    nickname: str(ci(r, "nickName")),
    active: typeof active === "string" ? active.toLowerCase() === "true" : active !== false,
    emails: emails.map((e) => e?.value).filter((v) => typeof v === "string"),
    groups: (ci(r, "groups") ?? []).map((g) => ({ id: str(g.value), name: str(g.display) })),
    roles: (ci(r, "roles") ?? []).map((x) => ({ role_name: str(x.value) })),
    phone_number: str(primaryOf(ci(r, "phoneNumbers"))?.value) ?? null,
    locale: str(ci(r, "locale")),
    language: str(ci(r, "preferredLanguage")),
    zoneinfo: str(ci(r, "timezone")),
    user_type: str(ci(r, "userType")),
    profile: str(ci(r, "profileUrl")),
    picture: str(primaryOf(ci(r, "photos"))?.value) ?? null,
    address: addr
      ? { formatted: str(addr.formatted), street_address: str(addr.streetAddress), locality: str(addr.locality), region: str(addr.region), postal_code: str(addr.postalCode), country: str(addr.country) }
      : null,
    title: str(ci(r, "title")),
    department: str(ci(ent, "department")),
    employee_id: str(ci(ent, "employeeNumber")),
    cost_center: str(ci(ent, "costCenter")),
    division: str(ci(ent, "division")),
    organization: str(ci(ent, "organization")),
    manager: mgr ? { value: str(mgr.value), display_name: str(mgr.displayName) } : null,
    custom_attributes: {},
    raw_attributes: withoutPasswords(r),
    updated_at: str(ci(r, "meta")?.lastModified) ?? null,
  };
}

const skUser = scimkit.normalizeUser(user);
const jsUser = plainNormalizeUser(user);
const sortKeys = (v) => (Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v);
const differing = Object.keys(skUser).filter((k) => !isDeepStrictEqual(sortKeys(skUser[k]), sortKeys(jsUser[k])));
if (differing.length) throw new Error(`the hand-written mapping differs from normalizeUser in: ${differing.join(", ")}`);
const normalizeR = await measure(
  {
    scimkitObject: () => scimkit.normalizeUser(user),
    scimkitText: () => scimkit.normalizeUser(userText),
    plainJs: () => plainNormalizeUser(user),
    plainJsFromText: () => plainNormalizeUser(JSON.parse(userText)),
  },
  opts,
);
process.stderr.write("  normalize done\n");

// ---------------------------------------------------------------------------------------------
// 3. Where the time goes, on a second instance of the same module (the package's glue, loaded
//    directly, so each step can be called alone).

const glue = await import(join(root, "pkg", "lib", "glue.js"));
const exports = glue.initSync({ module: readFileSync(join(root, "pkg", "scimkit_bg.wasm")) });
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const mem = () => new Uint8Array(exports.memory.buffer);

/** What the façade does: inputBuffer (one wasm call) + encodeInto. Returns the byte length. */
function writeInput(text) {
  const ptr = glue.inputBuffer(text.length * 3);
  return encoder.encodeInto(text, mem().subarray(ptr, ptr + text.length * 3)).written;
}
let inLen = writeInput(userText);
// The core's default limits, passed as the façade passes them.
const { maxInputBytes, maxResourceBytes } = glue.defaultLimits();
const outText = glue.normalizeUserInput(inLen, undefined, maxInputBytes);
const outBytes = encoder.encode(outText);
if (!isDeepStrictEqual(JSON.parse(outText), skUser)) throw new Error("direct glue call differs from the package");

// One input buffer big enough for everything below (it only grows, so later, smaller requests
// return the same address): [input text (room for ×3) | output text | output strings laid out].
const base = glue.inputBuffer(userText.length * 3 + outBytes.length * 3);
const outPtr = base + userText.length * 3;
mem().set(outBytes, outPtr); // to time the decode the glue does for a returned string
inLen = writeInput(userText);

// Emulations of structured crossings (serde-wasm-bindgen style), as lower bounds: every string
// key/value is encoded into (in) or decoded out of (out) wasm memory on its own, and every string
// pays one JS→wasm call (the allocation serde-wasm-bindgen's passStringToWasm needs). The real
// thing additionally makes a wasm→JS import call per property access/creation, which is not counted.
function objectIn(v) {
  if (typeof v === "string") {
    const ptr = glue.inputBuffer(v.length * 3);
    return encoder.encodeInto(v, mem().subarray(ptr, ptr + v.length * 3)).written;
  }
  if (Array.isArray(v)) {
    let n = 0;
    for (let i = 0; i < v.length; i++) n += objectIn(v[i]);
    return n;
  }
  if (v && typeof v === "object") {
    let n = 0;
    for (const k of Object.keys(v)) n += objectIn(k) + objectIn(v[k]);
    return n;
  }
  return 1;
}
// For "object out": the output's strings laid out in wasm memory, and a walk that rebuilds the
// object decoding each key and string value from there (what getStringFromWasm0 does per string).
const outParsed = JSON.parse(outText);
const layout = [];
let cursor = outPtr + outBytes.length;
function plan(v) {
  if (typeof v === "string") {
    const b = encoder.encode(v);
    mem().set(b, cursor);
    const slot = { s: cursor, n: b.length };
    cursor += b.length;
    return slot;
  }
  if (Array.isArray(v)) return { a: v.map(plan) };
  if (v && typeof v === "object") return { o: Object.keys(v).map((k) => [plan(k), plan(v[k])]) };
  return { v };
}
const tree = plan(outParsed);
if (cursor > base + userText.length * 3 + outBytes.length * 3) throw new Error("layout overflows the buffer");
function build(node, m) {
  if (node.s !== undefined) return decoder.decode(m.subarray(node.s, node.s + node.n));
  if (node.a) return node.a.map((x) => build(x, m));
  if (node.o) {
    const o = {};
    for (const [k, v] of node.o) o[build(k, m)] = build(v, m);
    return o;
  }
  return node.v;
}
if (!isDeepStrictEqual(build(tree, mem()), outParsed)) throw new Error("object-out emulation is wrong");
writeInput(userText);

const parts = await measure(
  {
    stringify: () => JSON.stringify(user),
    encodeIn: () => writeInput(userText),
    core: () => glue.normalizeUserInput(inLen, undefined, maxInputBytes),
    decodeOut: () => decoder.decode(mem().subarray(outPtr, outPtr + outBytes.length)),
    parse: () => JSON.parse(outText),
    full: () => scimkit.normalizeUser(user),
    objectIn: () => objectIn(user),
    objectOut: () => build(tree, mem()),
  },
  opts,
);
writeInput(userText);

// The same breakdown for one PATCH (Entra "replace multiple", the largest sample).
const pr = PATCH_REQUESTS[1];
const patchResource = readJson(pr.resource);
const patchBody = readJson(pr.sample);
const patchTexts = [JSON.stringify(patchResource), JSON.stringify(patchBody)];
function writePatchInputs() {
  const ptr = glue.inputBuffer((patchTexts[0].length + patchTexts[1].length) * 3);
  const m = mem();
  const a = encoder.encodeInto(patchTexts[0], m.subarray(ptr, ptr + patchTexts[0].length * 3)).written;
  const b = encoder.encodeInto(patchTexts[1], m.subarray(ptr + a, ptr + a + patchTexts[1].length * 3)).written;
  return [a, b];
}
const patchLens = writePatchInputs();
const patchOut = glue.applyScimPatchInput(...patchLens, maxInputBytes, maxResourceBytes);
if (!isDeepStrictEqual(JSON.parse(patchOut), scimkit.applyScimPatch(patchResource, patchBody))) throw new Error("direct PATCH call differs");
const patchParts = await measure(
  {
    stringify: () => [JSON.stringify(patchResource), JSON.stringify(patchBody)],
    encodeIn: () => writePatchInputs(),
    core: () => glue.applyScimPatchInput(...patchLens, maxInputBytes, maxResourceBytes),
    parse: () => JSON.parse(patchOut),
    full: () => scimkit.applyScimPatch(patchResource, patchBody),
    scimPatch: () => scimPatch(patchResource, patchBody.Operations, SCIM_PATCH_OPTIONS),
    scimPatchClone: () => JSON.parse(JSON.stringify(patchResource)),
  },
  opts,
);
process.stderr.write("  breakdown done\n");

let native;
if (process.argv.includes("--native")) {
  const out = execFileSync(
    "cargo",
    ["run", "--quiet", "--release", "--example", "normalize_timing", "--", join(root, "bench", "data", "user-2k.json"), join(fixtures, "resources", "user-entra.json"), join(fixtures, "samples", "entra-patch-replace-multiple-no-flag.json")],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  native = JSON.parse(out.trim().split("\n").pop());
}

// ---------------------------------------------------------------------------------------------
// Report

console.log(`\n## Node ${process.version}: SCIM PATCH per second (median of ${opts.rounds} rounds)\n`);
console.log(`scimkit \`applyScimPatch(resource, patch)\` vs scim-patch ${scimPatchVersion} \`scimPatch(resource, patch.Operations, { mutateDocument: false })\` (both return a new resource and leave the input alone). ` +
  "scim-patch gets the RFC 7644 form of a request where the provider's own form would make it do something else; scimkit is timed on both forms and the ratio compares the same request.\n");
console.log("| request | resource + patch bytes | scim-patch input | scimkit (provider's request) | scimkit (scim-patch's input) | scim-patch | µs/op scimkit | µs/op scim-patch | scimkit ÷ scim-patch | same result |");
console.log("|---|---:|---|---:|---:|---:|---:|---:|---:|---|");
for (const p of patchRows) {
  console.log(`| ${p.label} | ${p.sizes} | ${p.rfcVariant ? `RFC variant (${p.why})` : "as sent"} | ${fmt(p.r.scimkitSample)} | ${fmt(p.r.scimkitVariant)} | ${fmt(p.r.scimPatch)} | ${us(p.r.scimkitVariant)} | ${us(p.r.scimPatch)} | ${ratio(p.r.scimkitVariant, p.r.scimPatch)} | ${p.same ? "yes" : "NO"} |`);
}
const geo = Math.exp(patchRows.reduce((s, p) => s + Math.log(p.r.scimkitVariant / p.r.scimPatch), 0) / patchRows.length);
console.log(`\nGeometric mean scimkit ÷ scim-patch: **${geo.toFixed(2)}×** (target ≥ 2×).`);

console.log(`\n## normalizeUser: a ${userText.length}-byte SCIM user (enterprise extension, 3 emails, 3 phones, 2 addresses) → ${outText.length}-byte model\n`);
console.log("| implementation | ops/s | µs/op | ÷ plain JS (object in) |");
console.log("|---|---:|---:|---:|");
for (const [k, label] of [["scimkitObject", "scimkit `normalizeUser(object)`"], ["scimkitText", "scimkit `normalizeUser(jsonText)`"], ["plainJs", "hand-written JS mapping (object in)"], ["plainJsFromText", "hand-written JS mapping incl. `JSON.parse` of the text"]]) {
  console.log(`| ${label} | ${fmt(normalizeR[k])} | ${us(normalizeR[k])} | ${ratio(normalizeR[k], normalizeR.plainJs)} |`);
}

const t = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, 1e6 / v])); // µs per op
const sum = t.stringify + t.encodeIn + t.core + t.parse;
console.log("\n### Where normalizeUser(object)'s time goes (each step timed alone)\n");
console.log("| step | µs | share of the sum |");
console.log("|---|---:|---:|");
const pct = (x) => `${((x / sum) * 100).toFixed(0)}%`;
console.log(`| (a) \`JSON.stringify(user)\` in JS | ${t.stringify.toFixed(2)} | ${pct(t.stringify)} |`);
console.log(`| (b) copy into wasm memory (\`inputBuffer\` + \`encodeInto\`, ${inLen} B) | ${t.encodeIn.toFixed(2)} | ${pct(t.encodeIn)} |`);
console.log(`| (c) wasm call on pre-written input: parse + normalize + serialize, + returning the ${outBytes.length}-B string | ${t.core.toFixed(2)} | ${pct(t.core)} |`);
console.log(`|   of which: decoding the returned string (\`TextDecoder\` on wasm memory, timed alone) | ${t.decodeOut.toFixed(2)} | ${pct(t.decodeOut)} |`);
console.log(`| (d) \`JSON.parse\` of the result | ${t.parse.toFixed(2)} | ${pct(t.parse)} |`);
console.log(`| sum (a)+(b)+(c)+(d) | ${sum.toFixed(2)} | 100% |`);
console.log(`| measured end to end (\`scimkit.normalizeUser(user)\`) | ${t.full.toFixed(2)} | ${pct(t.full)} |`);
if (native) {
  const n = native.user;
  console.log(`\nNative (examples/normalize_timing.rs, \`cargo run --release\`, same input; no wasm, no JS): parse ${(n.parse_ns / 1000).toFixed(2)} µs + normalize ${(n.normalize_ns / 1000).toFixed(2)} µs + serialize ${(n.serialize_ns / 1000).toFixed(2)} µs; all three together ${(n.total_ns / 1000).toFixed(2)} µs, so wasm runs the core ${((t.core - t.decodeOut) / (n.total_ns / 1000)).toFixed(2)}× slower than native (step (c) minus the decode, ÷ native). Entra "replace multiple" PATCH natively: ${(native.patch_total_ns / 1000).toFixed(2)} µs (parse both + apply + serialize).`);
}

const q = Object.fromEntries(Object.entries(patchParts).map(([k, v]) => [k, 1e6 / v]));
const qsum = q.stringify + q.encodeIn + q.core + q.parse;
console.log(`\n### Where applyScimPatch's time goes: ${pr.label} (${patchTexts[0].length} + ${patchTexts[1].length} B in, ${patchOut.length} B out)\n`);
console.log("| step | µs | share of the sum |");
console.log("|---|---:|---:|");
const qp = (x) => `${((x / qsum) * 100).toFixed(0)}%`;
console.log(`| (a) \`JSON.stringify\` of resource and patch | ${q.stringify.toFixed(2)} | ${qp(q.stringify)} |`);
console.log(`| (b) copy into wasm memory | ${q.encodeIn.toFixed(2)} | ${qp(q.encodeIn)} |`);
console.log(`| (c) wasm call on pre-written input (parse both, apply, serialize, return the string) | ${q.core.toFixed(2)} | ${qp(q.core)} |`);
console.log(`| (d) \`JSON.parse\` of the result | ${q.parse.toFixed(2)} | ${qp(q.parse)} |`);
console.log(`| sum | ${qsum.toFixed(2)} | 100% |`);
console.log(`| measured end to end (\`scimkit.applyScimPatch\`) | ${q.full.toFixed(2)} | ${qp(q.full)} |`);
console.log(`| scim-patch, whole call | ${q.scimPatch.toFixed(2)} | ${qp(q.scimPatch)} |`);
console.log(`|   of which its deep clone (\`JSON.parse(JSON.stringify(resource))\`) | ${q.scimPatchClone.toFixed(2)} | ${qp(q.scimPatchClone)} |`);
if (native) console.log(`| native core, same request (parse both + apply + serialize) | ${(native.patch_total_ns / 1000).toFixed(2)} | ${qp(native.patch_total_ns / 1000)} |`);

console.log("\n### Crossing the boundary: JSON text vs structured values\n");
console.log("Structured crossing is emulated as a lower bound (serde-wasm-bindgen is not in the build): in = walk the object and encode every key and string into wasm memory separately, one JS→wasm call per string; out = rebuild the result decoding every key and string from wasm memory separately. The real thing also makes a wasm→JS call per property (Reflect.get / set, type checks), not counted here.\n");
console.log("| direction | JSON text (current) | µs | structured (emulated lower bound) | µs | text ÷ structured cost |");
console.log("|---|---|---:|---|---:|---:|");
const textIn = t.stringify + t.encodeIn;
const textOut = t.decodeOut + t.parse;
console.log(`| in (JS → wasm) | stringify + encodeInto | ${textIn.toFixed(2)} | per-string encode + call | ${t.objectIn.toFixed(2)} | ${(textIn / t.objectIn).toFixed(2)} |`);
console.log(`| out (wasm → JS) | decode + JSON.parse | ${textOut.toFixed(2)} | per-string decode + object building | ${t.objectOut.toFixed(2)} | ${(textOut / t.objectOut).toFixed(2)} |`);
console.log(
  "\nThe core also spends time parsing and serializing JSON text that a structured crossing would replace with building serde values from JS calls; " +
    (native
      ? `natively that parse + serialize is ${((native.user.parse_ns + native.user.serialize_ns) / 1000).toFixed(2)} µs of the core's work.`
      : "run with --native to see how much of the core's work that is."),
);
