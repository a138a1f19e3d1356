// Shared helpers for the benchmarks: realistic bodies, a fair ops/s measurement, the local
// directory service in a child process.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/**
 * The local directory service (`tools/directory-service/cli.mjs --json …args`) in a child process,
 * so the measured process holds only what it measures. Room for a million users' data.
 */
export async function startDirectoryService(args) {
  const cli = new URL("../tools/directory-service/cli.mjs", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--max-old-space-size=8192", cli, "--json", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`directory service exited (${code})`)));
  });
  const info = JSON.parse(line);
  return {
    url: info.url,
    clientId: info.client_id,
    clientSecret: info.client_secret,
    webhookSecret: info.webhook_secret,
    orgs: info.organizations,
    cpuMs: () => processCpuMs(child.pid),
    stop: () => child.kill(),
  };
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; null elsewhere):
 * the local service's share of a run, next to the measured process's own.
 */
export function processCpuMs(pid) {
  try {
    // Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis
    // (the last one: the name may hold one itself).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
  } catch {
    return null;
  }
}
/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on x86-64 and arm64. */
const CLOCK_TICKS = 100;

/**
 * A better-sqlite3 database at `path`, opened as the example app opens it: WAL, synchronous
 * NORMAL (a commit survives the process dying); `cacheKib` > 0 sets SQLite's page cache
 * (otherwise the driver's default).
 */
export function openSqlite(Database, path, cacheKib = 0) {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  if (cacheKib > 0) db.pragma(`cache_size = -${cacheKib}`);
  return db;
}

/** The service's arguments for `--page-ms N`: every response delayed N ms (none for 0). */
export const paceArgs = (pageMs) => (pageMs > 0 ? ["--faults", JSON.stringify({ slowEvery: 1, slowMs: pageMs })] : []);

/** A realistic `user_created` event padded (inside raw_attributes) to exactly `size` bytes of JSON. */
export function eventBody(size) {
  const event = {
    spec_version: "1",
    id: "evt_98765432101234567",
    type: "organization.directory.user_created",
    occurred_at: "2026-11-29T10:00:00.123456Z",
    environment_id: "env_1234567890",
    organization_id: "org_1234567890",
    object: "DirectoryUser",
    data: {
      id: "diruser_1234567890",
      organization_id: "org_1234567890",
      email: "jose@example.com",
      given_name: "José",
      family_name: "Núñez",
      active: true,
      groups: null,
      raw_attributes: { p: "" },
    },
  };
  const empty = Buffer.byteLength(JSON.stringify(event));
  if (size < empty) {
    // Smaller than a user event: a user_deleted event trimmed to fit.
    const small = { id: "evt_1", type: "organization.directory.user_deleted", data: { id: "diruser_1", p: "" } };
    small.data.p = "x".repeat(Math.max(0, size - Buffer.byteLength(JSON.stringify(small))));
    return JSON.stringify(small);
  }
  event.data.raw_attributes.p = "a".repeat(size - empty);
  return JSON.stringify(event);
}

/**
 * Measures ops/s for each named function: warm-up, then `rounds` rounds in which every function
 * runs for `ms` milliseconds in turn (interleaved, so drift hits all alike); reports medians.
 */
export async function measure(fns, { rounds = 5, ms = 300, warmupMs = 200 } = {}) {
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  const once = async (fn, budget) => {
    let n = 0;
    const t0 = performance.now();
    let t = 0;
    let batch = 1;
    while (t < budget) {
      for (let i = 0; i < batch; i++) {
        const r = fn();
        if (r && typeof r.then === "function") await r;
      }
      n += batch;
      t = performance.now() - t0;
      if (batch < 1024 && t < budget / 20) batch *= 2;
    }
    return (n / t) * 1000;
  };
  for (const fn of Object.values(fns)) await once(fn, warmupMs);
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of Object.entries(fns)) samples[k].push(await once(fn, ms));
  }
  const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

export const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
export const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

const rfc = (ops) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: ops });
/** The PATCH requests the benchmarks apply (fixtures in tests/fixtures), with the RFC 7644 form given
 * to scim-patch where the provider's own would make it do something else. */
export const PATCH_REQUESTS = [
  { label: "Entra: disable user", resource: "resources/user-entra.json", sample: "samples/entra-patch-disable-user-no-flag.json",
    // Entra sends "False" (a string); scim-patch would store the string. RFC 7644: a boolean.
    rfcVariant: rfc([{ op: "replace", path: "active", value: false }]), why: '"False" string → boolean false' },
  { label: "Entra: replace multiple attributes", resource: "resources/user-entra.json", sample: "samples/entra-patch-replace-multiple-no-flag.json" },
  { label: "Entra: add member", resource: "resources/group-entra.json", sample: "samples/entra-patch-group-add-members.json" },
  { label: "Entra: remove member", resource: "resources/group-entra.json", sample: "samples/entra-patch-group-remove-member-no-flag.json",
    // Entra removes by `path: "members"` + a value list; scim-patch ignores the value (removes nothing).
    rfcVariant: rfc([{ op: "remove", path: 'members[value eq "u1091"]' }]), why: 'value list → members[value eq "u1091"] filter' },
  { label: "Okta: deactivate user", resource: "resources/user-okta.json", sample: "samples/okta-patch-deactivate-user.json" },
  { label: "Okta: group membership (remove + add)", resource: "resources/group-okta.json", sample: "samples/okta-patch-group-membership.json" },
];

/** scim-patch returns a new resource and leaves the input alone, like scimkit. */
export const SCIM_PATCH_OPTIONS = { mutateDocument: false, treatMissingAsAdd: true };
