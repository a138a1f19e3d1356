// Fault campaign for the Directory API client (issue 13): 1,000 seeded walks through the built
// package (pkg/) against the real local directory service (tools/directory-service, started here
// on 127.0.0.1), each with a random mix of the service's faults switched on — 429 with Retry-After,
// 5xx bursts, responses slower than the client's timeout, malformed JSON, early token expiry,
// dropped connections, page tokens repeated by a stuck cursor, pages over the client's response
// limit — and random client settings (retries, page size, prefetch, a page limit).
//
// Each walk must deliver every user exactly once, or end in a typed DirectoryApiError carrying the
// page token to resume from; resuming from it (again and again, faults still on, then off) must
// complete the walk: every user exactly once overall. No error may show the client secret or an
// access token. Bounded: at most MAX_RESUMES resumes per walk, a page limit on every walk.
//
//   node --test tests/js/fault-campaign.test.mjs             (needs pkg/: node scripts/build.mjs)
//   SCIMKIT_CAMPAIGN_SEED=7 SCIMKIT_CAMPAIGN_WALKS=200 node --test tests/js/fault-campaign.test.mjs
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./lib/harness.mjs";
import { prng } from "./suite/helpers.mjs";

const WALKS = Number(process.env.SCIMKIT_CAMPAIGN_WALKS ?? 1000);
const SEED = Number(process.env.SCIMKIT_CAMPAIGN_SEED ?? 13);
/**
 * Resumes with the faults (and the walk's page limit) still on; after that both are lifted, so the
 * walk can finish (a page limit of 1 on a 130-user directory in pages of 1 needs 130 resumes).
 */
const RESUMES_WITH_FAULTS = 12;
const MAX_RESUMES = 40;
/** The client's timeout, and how late a slow response is (beyond it). */
const TIMEOUT_MS = 40;
const SLOW_MS = 70;
/** What a failed walk may end in: every retryable failure after its retries, and the bounds. */
const RESUMABLE = new Set(["rate_limited", "server_error", "timeout", "network", "invalid_response", "unauthorized", "pagination_loop", "too_many_pages"]);

let scimkit;
let svc;
let dirs;

before(async () => {
  const entry = join(repoRoot, "pkg", "node.mjs");
  if (!existsSync(entry)) throw new Error("pkg/ missing: build it first (node scripts/build.mjs)");
  scimkit = await import(pathToFileURL(entry).href);
  const { startDirectoryService } = await import(pathToFileURL(join(repoRoot, "tools", "directory-service", "server.mjs")).href);
  svc = await startDirectoryService({ seed: `campaign-${SEED}`, orgs: 4, usersPerDirectory: [0, 7, 45, 130], groupsPerDirectory: 12, tokenTtlSeconds: 3600 });
  dirs = svc.seed.organizations.map((o) => {
    const d = o.directories[0];
    const users = [];
    for (let i = 0; i < d.total_users; i++) users.push(svc.seed.user(d.id, i).id);
    const groups = [];
    for (let g = 0; g < d.total_groups; g++) groups.push(svc.seed.group(d.id, g).id);
    return { orgId: o.id, dirId: d.id, users, groups };
  });
});

after(() => svc?.close());

/** A random fault mix (each fault on with some probability), as the service takes it. */
function randomFaults(r) {
  const f = {};
  const on = (p) => r.next() < p;
  if (on(0.35)) Object.assign(f, { rateLimitEvery: 2 + r.int(5), retryAfterSeconds: r.int(3), retryAfterHttpDate: on(0.3) });
  if (on(0.3)) {
    const every = 3 + r.int(6);
    f.serverErrorBurst = { every, length: 1 + r.int(Math.min(3, every - 1)), status: r.pick([500, 502, 503, 504]) };
  }
  if (on(0.2)) Object.assign(f, { slowEvery: 4 + r.int(7), slowMs: SLOW_MS });
  if (on(0.3)) f.malformedEvery = 2 + r.int(5);
  if (on(0.3)) f.expireTokensEvery = 2 + r.int(5);
  if (on(0.3)) f.dropConnectionEvery = 2 + r.int(7);
  if (on(0.3)) f.repeatTokenEvery = 2 + r.int(4);
  // A page far over the client's maxResponseBytes (1 MiB here), streamed: refused, not retried.
  if (on(0.08)) Object.assign(f, { oversizeEvery: 3 + r.int(6), oversizeBytes: 4 * 1024 * 1024, oversizeDeclared: on(0.5) });
  if (Object.keys(f).length && on(0.2)) f.includeTokenEndpoint = true;
  return f;
}

/** A fetch that records every access token handed out (no error may contain one). */
function recordingFetch(tokens) {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (String(input).endsWith("/oauth/token") && res.ok) {
      try {
        const j = await res.clone().json();
        if (typeof j.access_token === "string") tokens.add(j.access_token);
      } catch {
        // malformed on purpose: the client deals with it
      }
    }
    return res;
  };
}

function checkError(err, secrets, label) {
  assert.ok(err instanceof scimkit.DirectoryApiError, `${label}: a DirectoryApiError (got ${err?.name}: ${err?.message})`);
  assert.ok(RESUMABLE.has(err.code), `${label}: code ${err.code} (${err.message})`);
  assert.ok(err.pageToken === undefined || typeof err.pageToken === "string", `${label}: pageToken`);
  assert.equal(typeof err.attempts, "number", `${label}: attempts`);
  const shown = [err.message, String(err), JSON.stringify(err), String(err.stack), String(err.serverCode ?? "")];
  for (const s of secrets) for (const text of shown) assert.ok(!text.includes(s), `${label}: error shows a secret or token`);
}

test(`${WALKS} seeded walks under random faults: every item exactly once, or a typed error that resumes (seed ${SEED})`, { timeout: 600_000 }, async (t) => {
  const r = prng(SEED);
  const tokens = new Set();
  const f = recordingFetch(tokens);
  const tally = { clean: 0, failedOnce: 0, resumes: 0, faultsOffToFinish: 0, ofThemWithAPageLimit: 0, byCode: {}, pages: 0, items: 0 };
  const t0 = Date.now();
  for (let w = 0; w < WALKS; w++) {
    const dir = r.pick(dirs);
    const kind = r.next() < 0.8 ? "users" : "groups";
    const expected = kind === "users" ? dir.users : dir.groups;
    const faults = randomFaults(r);
    const options = { pageSize: 1 + r.int(30), prefetch: r.next() < 0.5 };
    if (r.next() < 0.15) options.maxPages = 1 + r.int(4);
    const client = new scimkit.DirectoryClient({
      environmentUrl: svc.url,
      clientId: svc.clientId,
      clientSecret: svc.clientSecret,
      fetch: f,
      maxRetries: r.int(5),
      timeoutMs: TIMEOUT_MS,
      backoffBaseMs: 1,
      backoffMaxMs: 4,
      maxRetryAfterMs: 5,
      maxResponseBytes: 1024 * 1024,
    });
    const label = `walk ${w} (seed ${SEED}: ${kind} of ${dir.dirId}, ${JSON.stringify(options)}, faults ${JSON.stringify(faults)})`;
    svc.setFaults(faults);
    const seen = new Map();
    let pageToken;
    let resumes = 0;
    for (;;) {
      const walk = kind === "users" ? client.directoryUserPages(dir.orgId, dir.dirId, { ...options, pageToken }) : client.directoryGroupPages(dir.orgId, dir.dirId, { ...options, pageToken });
      try {
        for await (const page of walk) {
          tally.pages++;
          for (const item of page[kind]) seen.set(item.id, (seen.get(item.id) ?? 0) + 1);
        }
        break;
      } catch (err) {
        checkError(err, [svc.clientSecret, ...tokens], `${label}, resume ${resumes}`);
        tally.byCode[err.code] = (tally.byCode[err.code] ?? 0) + 1;
        resumes++;
        assert.ok(resumes <= MAX_RESUMES, `${label}: still failing after ${MAX_RESUMES} resumes`);
        if (resumes === RESUMES_WITH_FAULTS) {
          svc.setFaults({});
          tally.faultsOffToFinish++;
          if (options.maxPages !== undefined) tally.ofThemWithAPageLimit++;
          delete options.maxPages;
        }
        pageToken = err.pageToken;
      }
    }
    const twice = [...seen].filter(([, n]) => n > 1);
    assert.deepEqual(twice.slice(0, 3), [], `${label}: items delivered more than once`);
    assert.deepEqual([...seen.keys()].sort(), [...expected].sort(), `${label}: exactly the seeded ${kind}`);
    tally.items += seen.size;
    if (resumes === 0) tally.clean++;
    else tally.failedOnce++;
    tally.resumes += resumes;
  }
  svc.setFaults({});
  const stats = svc.stats();
  const summary = { walks: WALKS, seed: SEED, seconds: (Date.now() - t0) / 1000, ...tally, faultsInjected: stats.faultsInjected, apiRequests: stats.apiRequests, tokensIssued: stats.tokensIssued };
  t.diagnostic(JSON.stringify(summary));
  // The campaign must have exercised what it claims to: every fault fired, walks failed and resumed.
  for (const k of ["rateLimit", "serverError", "slow", "malformed", "expireToken", "dropConnection", "repeatToken", "oversize"]) {
    assert.ok(stats.faultsInjected[k] > 0, `fault ${k} never fired`);
  }
  for (const code of ["pagination_loop", "too_many_pages"]) assert.ok(tally.byCode[code] > 0, `no walk ended in ${code}`);
  assert.ok(tally.failedOnce > WALKS / 10, `only ${tally.failedOnce} walks failed and resumed`);
  assert.ok(tally.clean > WALKS / 10, `only ${tally.clean} walks went through without an error`);
});
