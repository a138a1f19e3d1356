#!/usr/bin/env node
// Writes the seed corpus of every fuzz target into fuzz/seeds/<target>/ from the repository's own
// test data: the webhook vectors (tests/vectors), the normalization fixtures (tests/fixtures/
// normalize, references resolved by tests/js/lib/fixtures.mjs), the provider samples and
// resources, and the Directory API page fixtures (tests/fixtures/pages). Each seed is framed as its
// target reads it (fields separated by a NUL byte; the header of each fuzz_targets/*.rs says
// which). Deterministic: the same files every run, named by a hash of their content.
//
//   node fuzz/seeds.mjs            # (re)writes fuzz/seeds/
//   node fuzz/seeds.mjs --check    # fails when fuzz/seeds/ differs from what it would write
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFixtures } from "../tests/js/lib/fixtures.mjs";

const fuzzDir = dirname(fileURLToPath(import.meta.url));
const root = join(fuzzDir, "..");
const outDir = join(fuzzDir, "seeds");
const check = process.argv.includes("--check");
const SEP = "\0";
/** Seeds larger than this are left out: the targets run with -max_len well below it. */
const MAX_SEED = 64 * 1024;

const seeds = new Map(); // target -> Map(name -> Buffer)
function add(target, ...fields) {
  const buf = Buffer.from(fields.map((f) => (typeof f === "string" ? f : JSON.stringify(f))).join(SEP), "utf8");
  if (buf.length > MAX_SEED) return;
  if (!seeds.has(target)) seeds.set(target, new Map());
  seeds.get(target).set(createHash("sha256").update(buf).digest("hex").slice(0, 16), buf);
}
const readJson = (p) => JSON.parse(readFileSync(join(root, p), "utf8"));
const jsonFiles = (dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(dir, f));

// ---- webhooks: tests/vectors and the v1a known answer (tests/webhook_v1a.rs)
const vectors = readJson("tests/vectors/webhook-vectors.json");
const SECRET_KEY = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const PUBLIC_KEY = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const V1A = "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
for (const v of vectors.vectors) {
  if (typeof v.payload !== "string") continue; // the large generated payloads exceed -max_len
  // The target verifies with the canonical secret; other vectors' secrets still give realistic
  // headers that fail as invalid_signature.
  add("webhook_verify", `h ${v.timestamp} 300`, v.msg_id, String(v.timestamp), v.expected_signature, v.payload);
  add("webhook_verify", `a ${v.timestamp + 299} 300`, v.msg_id, String(v.timestamp), `v2,abc ${v.expected_signature} ${V1A}`, v.payload);
  add("webhook_secret", v.secret);
}
const canonical = vectors.vectors[0];
for (const [keys, header] of [["p", V1A], ["s", V1A], ["a", `${canonical.expected_signature} ${V1A}`]]) {
  add("webhook_verify", `${keys} ${canonical.timestamp} 300`, canonical.msg_id, String(canonical.timestamp), header, canonical.payload);
}
for (const ts of ["1614265330000", "0", "01614265330", "-1", "1614265330.0", " 1614265330", "9223372036854775807", "hello"]) {
  add("webhook_verify", `h ${canonical.timestamp} 300`, canonical.msg_id, ts, canonical.expected_signature, canonical.payload);
}
add("webhook_verify", `h ${canonical.timestamp} 300`, canonical.msg_id, String(canonical.timestamp), `${canonical.expected_signature}, v1,${"A".repeat(43)}=`, canonical.payload);
for (const s of [SECRET_KEY, PUBLIC_KEY, `${SECRET_KEY}${SEP}${PUBLIC_KEY}${SEP}${canonical.secret}`, "whsec_", "", "whpk_", "whsk_",
  canonical.secret.replace("whsec_", ""), canonical.secret.replace(/\+/g, "-").replace(/\//g, "_")]) {
  add("webhook_secret", s);
}

// ---- normalization fixtures, by the function they call
const fixtures = loadFixtures();
const PATH_ITEMS = [{ type: "work", value: "a@x", primary: true }, { value: "2819c223", display: "Babs", $ref: null }, "plain"];
function addPaths(patch) {
  const ops = patch && typeof patch === "object" ? patch.Operations ?? patch.operations : undefined;
  if (!Array.isArray(ops)) return;
  for (const op of ops) {
    if (typeof op?.path !== "string") continue;
    add("patch_path_filter", op.path, PATH_ITEMS[0]);
    const m = /\[(.*)\]/.exec(op.path);
    if (m) for (const item of PATH_ITEMS) add("patch_path_filter", m[1], item);
  }
}
for (const c of fixtures.cases) {
  const a = c.args ?? {};
  switch (c.function) {
    case "normalize_event":
      add("normalize_event", typeof a.payload_text === "string" ? a.payload_text : JSON.stringify(a.payload));
      break;
    case "normalize_user":
    case "normalize_group":
    case "detect_provider":
      add("scim_resource", a.options?.provider ?? "", a.resource);
      break;
    case "user_from_reference":
    case "group_from_reference":
      add("scim_resource", "", a.value);
      add("normalize_event", { type: `organization.directory.${c.function.startsWith("user") ? "user" : "group"}_created`, data: a.value });
      break;
    case "apply_scim_patch":
      add("patch_apply", a.resource, a.patch);
      addPaths(a.patch);
      break;
    case "normalize_scim_request": {
      const { current, ...context } = a.context ?? {};
      const r = a.request ?? {};
      const body = r.body === undefined || r.body === null ? "" : r.body;
      add("scim_request", String(r.method ?? ""), String(r.path ?? ""), context, current === undefined || current === null ? "" : current, body);
      if (current && typeof current === "object" && r.body && typeof r.body === "object" && String(r.method).toUpperCase() === "PATCH") {
        add("patch_apply", current, r.body);
      }
      addPaths(r.body);
      break;
    }
  }
}
for (const f of [...jsonFiles("tests/fixtures/resources"), ...jsonFiles("tests/fixtures/samples"), ...jsonFiles("tests/fixtures/samples/rfc7644")]) {
  const doc = readJson(f);
  add("scim_resource", "", doc);
  if (doc && typeof doc === "object" && Array.isArray(doc.Operations)) {
    addPaths(doc);
    for (const r of jsonFiles("tests/fixtures/resources")) add("patch_apply", readJson(r), doc);
  }
}
for (const filter of ['type eq "work" and not (primary pr) or value co "@"', "rank gt 2 and rank le 5", 'value sw "2819" or (display ew "s" and $ref eq null)']) {
  for (const item of PATH_ITEMS) add("patch_path_filter", filter, item);
}

// ---- Directory API bodies
for (const f of jsonFiles("tests/fixtures/pages")) {
  const body = readFileSync(join(root, f), "utf8");
  const endpoint = f.includes("groups") ? "groups" : "users";
  add("directory_pages", endpoint, body);
  if (endpoint === "users") add("directory_pages", "walk", body);
}
add("directory_pages", "organizations", { organizations: [{ id: "org_1", display_name: "Acme" }], next_page_token: "t2", prev_page_token: "", total_size: "3" });
add("directory_pages", "directories", { directories: [{ id: "dir_1", directory_type: "SCIM", stats: { total_users: 3 } }] });
add("directory_pages", "directory", { directory: { id: "dir_1", name: "Okta", enabled: true } });
add("directory_pages", "events", { events: [{ id: "evt_1", type: "organization.directory.user_created", data: { id: "diruser_1" } }], next_page_token: "e2", prev_page_token: "" });
add("directory_pages", "token", { access_token: "tok", expires_in: 3600, token_type: "Bearer" });
add("directory_pages", "token", { access_token: "tok", expires_in: "3600" });

// ---- write (or compare)
let differs = [];
let total = 0;
for (const [target, files] of [...seeds].sort()) {
  const dir = join(outDir, target);
  const want = new Set(files.keys());
  const have = existsSync(dir) ? new Set(readdirSync(dir)) : new Set();
  for (const [name, buf] of files) {
    total += buf.length;
    const p = join(dir, name);
    if (check) {
      if (!have.has(name) || !readFileSync(p).equals(buf)) differs.push(p);
    } else {
      mkdirSync(dir, { recursive: true });
      writeFileSync(p, buf);
    }
  }
  for (const name of have) {
    if (want.has(name)) continue;
    if (check) differs.push(join(dir, name));
    else rmSync(join(dir, name));
  }
  console.log(`${target}: ${files.size} seeds`);
}
console.log(`${[...seeds.values()].reduce((n, m) => n + m.size, 0)} seeds, ${total} bytes`);
if (check && differs.length > 0) {
  console.error(`fuzz/seeds differs from what fuzz/seeds.mjs writes (${differs.length} files), e.g. ${differs.slice(0, 3).join(", ")}`);
  process.exit(1);
}
