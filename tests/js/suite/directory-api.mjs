// The Directory API client against the local directory service (tools/directory-service): the
// runner starts it and passes ctx.directory (see directory-helpers.mjs). Every case resets the
// service's counters and faults first and clears the faults when done, so cases are independent.
import { assertExactlyAllUsers, checkDirectoryError, clientFor, collectPages, directoryOf, recordingFetch, rejection, sleep } from "./directory-helpers.mjs";

/**
 * Faults for the 10,000-user walk. Each fires a handful of times over the ~350 API requests; the
 * client's backoff base is fixed at 500 ms (full jitter) and cannot be set through the façade, so
 * the back-off faults are kept rare to keep the case at a few seconds. 429s say Retry-After: 0 and
 * expired tokens are renewed at once, so those can be frequent.
 */
const WALK_FAULTS = {
  rateLimitEvery: 4,
  retryAfterSeconds: 0,
  serverErrorBurst: { every: 170, length: 2, status: 503 },
  malformedEvery: 160,
  expireTokensEvery: 60,
  dropConnectionEvery: 150,
  slowEvery: 200,
  slowMs: 1500,
};
const WALK_TIMEOUT_MS = 800; // < slowMs: a slow response is a client timeout, then a retry

/**
 * Runtimes whose own HTTP stack transparently resends a request after a reused keep-alive
 * connection closed without a response (seen: Chromium, Bun, Deno; Node's undici and workerd
 * surface the error to the client).
 */
const RESENDS_ON_DROP = /^(chromium|bun|deno)\b/;

/** Runs fn with the service reset (stats, faults) before and faults cleared after. */
async function withService(ctx, fn) {
  const d = directoryOf(ctx);
  await d.admin.clearFaults();
  await d.admin.resetStats();
  try {
    return await fn(d);
  } finally {
    await d.admin.clearFaults();
  }
}

export default [
  {
    name: "10,000 users, page size 30, faults on: every user exactly once, total_size matches, faults fired",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const dir = d.big;
        const client = clientFor(scimkit, d, { maxRetries: 8, timeoutMs: WALK_TIMEOUT_MS });
        await d.admin.setFaults(WALK_FAULTS);
        const totals = new Set();
        const maxPages = Math.ceil(dir.users / 30) + 5;
        const { ids, pages } = await collectPages(client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30 }), maxPages, (page, n) => {
          totals.add(page.total_size);
          assert.ok(Array.isArray(page.users) && page.users.length > 0 && page.users.length <= 30, `page ${n} has 1–30 users (${page.users?.length})`);
        });
        const stats = await d.admin.stats();
        await d.admin.clearFaults();
        assert.deepEqual([...totals], [dir.users], "total_size on every page");
        assert.equal(pages, Math.ceil(dir.users / 30), "pages");
        await assertExactlyAllUsers(assert, ids, dir, "faulty walk");
        const fired = stats.faultsInjected;
        for (const f of ["rateLimit", "serverError", "malformed", "expireToken", "dropConnection", "slow"]) {
          assert.ok(fired[f] > 0, `fault ${f} fired (faultsInjected ${JSON.stringify(fired)})`);
        }
        assert.ok(stats.byStatus["429"] > 0 && stats.byStatus["503"] > 0 && stats.byStatus["401"] > 0 && stats.byStatus.dropped > 0, `statuses seen: ${JSON.stringify(stats.byStatus)}`);
        // One token at the start, then exactly one renewal per early-expired token.
        assert.equal(stats.tokenRequests, 1 + fired.expireToken, `token requests (expired early: ${fired.expireToken})`);
        assert.ok(stats.byEndpoint.listUsers.byStatus["200"] >= pages, "a 200 for every page");
      });
    },
  },
  {
    name: "typed errors: bad credentials, page_size 31 before any request, unknown org/directory, no secret or token leaks",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        // page_size 31 (the cap is 30) is refused before any request: not even a token request.
        const rec31 = recordingFetch();
        const c31 = clientFor(scimkit, d, { fetch: rec31.fetch });
        for (const [label, p] of [
          ["listDirectoryUsers", () => c31.listDirectoryUsers(d.big.orgId, d.big.dirId, { pageSize: 31 })],
          ["listDirectoryGroups", () => c31.listDirectoryGroups(d.big.orgId, d.big.dirId, { pageSize: 31 })],
          ["directoryUserPages", () => c31.directoryUserPages(d.big.orgId, d.big.dirId, { pageSize: 31 }).next()],
          ["directoryUsers", () => c31.directoryUsers(d.big.orgId, d.big.dirId, { pageSize: 31 }).next()],
        ]) {
          let e;
          try {
            e = await rejection(assert, p(), `${label} pageSize 31`);
          } catch (thrown) {
            e = thrown; // a synchronous throw is fine too
            if (e?.name === "AssertionError") throw e;
          }
          checkDirectoryError(scimkit, assert, e, { code: "invalid_argument" }, [d.clientSecret], `${label} pageSize 31`);
          assert.equal(e.status, undefined, `${label}: no HTTP status (no request)`);
          assert.equal(e.attempts, 0, `${label}: attempts`);
        }
        assert.equal(rec31.calls, 0, "no fetch call for page_size 31");
        let stats = await d.admin.stats();
        assert.equal(stats.apiRequests, 0, "service saw no API request");
        assert.equal(stats.tokenRequests, 0, "service saw no token request");

        // Bad credentials → unauthorized, 401, the server's code; the wrong secret is not echoed.
        const wrongSecret = `wrong_${d.clientSecret.slice(5)}x`;
        const bad = new scimkit.DirectoryClient({ environmentUrl: d.url, clientId: d.clientId, clientSecret: wrongSecret, maxRetries: 2 });
        const eBad = await rejection(assert, bad.listOrganizations(), "bad credentials");
        checkDirectoryError(scimkit, assert, eBad, { code: "unauthorized", status: 401 }, [wrongSecret, d.clientSecret], "bad credentials");
        assert.equal(eBad.serverCode, "INVALID_CLIENT", "serverCode");
        assert.equal(eBad.attempts, 1, "a 401 from the token endpoint is not retried");
        stats = await d.admin.stats();
        assert.equal(stats.byEndpoint.token.byStatus["401"], 1, "one rejected token request");
        assert.equal(stats.apiRequests, 0, "no API request without a token");

        // Unknown organization / directory, and an organization without directories → not_found.
        const rec = recordingFetch();
        const client = clientFor(scimkit, d, { fetch: rec.fetch, maxRetries: 1 });
        const unknownOrg = "org_00000000000000001";
        const errors = [
          ["getPrimaryDirectory(unknown org)", await rejection(assert, client.getPrimaryDirectory(unknownOrg), "unknown org"), 404],
          ["listDirectories(unknown org)", await rejection(assert, client.listDirectories(unknownOrg), "unknown org list"), 404],
          ["listDirectoryUsers(unknown org)", await rejection(assert, client.listDirectoryUsers(unknownOrg, d.big.dirId), "unknown org users"), 404],
          ["getDirectory(unknown dir)", await rejection(assert, client.getDirectory(d.big.orgId, "dir_000000000000000001"), "unknown dir"), 404],
          ["getDirectory(dir of another org)", await rejection(assert, client.getDirectory(d.big.orgId, d.small.dirId), "foreign dir"), 404],
          ["getPrimaryDirectory(org without directories)", await rejection(assert, client.getPrimaryDirectory(d.emptyOrgId), "no primary"), undefined],
        ];
        assert.ok(rec.tokens.length >= 1, "the recording fetch saw the access token");
        for (const [label, e, status] of errors) {
          checkDirectoryError(scimkit, assert, e, { code: "not_found", status }, [d.clientSecret, ...rec.tokens], label);
          if (status !== undefined) assert.equal(e.serverCode, "NOT_FOUND", `${label}: serverCode`);
          assert.ok(e.attempts <= 1, `${label}: not retried (attempts ${e.attempts})`);
        }
        // An error after a revoked token (renewal once, then the call goes through) and a bad
        // page token: still typed, still no token in sight.
        await d.admin.revokeTokens();
        const page = await client.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageSize: 5 });
        assert.equal(page.users.length, 5, "renewed after revocation");
        const eTok = await rejection(assert, client.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageToken: "not-a-token" }), "bad page token");
        checkDirectoryError(scimkit, assert, eTok, { code: "invalid_argument", status: 400 }, [d.clientSecret, ...rec.tokens], "bad page token");
        assert.ok(rec.tokens.length >= 2, "a second token after revocation");
      });
    },
  },
  {
    name: "a walk that hits a persistent failure throws with pageToken; resuming from it loses and repeats no user",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      const cases = [
        ["server_error", { serverErrorBurst: { every: 4, length: 1, status: 503 } }, 503],
        ["rate_limited", { rateLimitEvery: 4, retryAfterSeconds: 0 }, 429],
        ["invalid_response", { malformedEvery: 4 }, 200],
        ["timeout", { slowEvery: 4, slowMs: 1500 }, undefined],
        ["network", { dropConnectionEvery: 4 }, undefined],
      ];
      await withService(ctx, async (d) => {
        const dir = d.small;
        for (const [code, faults, status] of cases) {
          await d.admin.setFaults(faults);
          const rec = recordingFetch();
          const failing = clientFor(scimkit, d, { maxRetries: 0, timeoutMs: 400, fetch: rec.fetch });
          const before = [];
          let err;
          let pages = 0;
          try {
            for await (const page of failing.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30 })) {
              if (++pages > 20) throw new Error("walk did not end");
              for (const u of page.users) before.push(u.id);
            }
          } catch (e) {
            err = e;
          }
          const fired = (await d.admin.stats()).faultsInjected;
          await d.admin.clearFaults();
          if (!err && code === "network" && RESENDS_ON_DROP.test(ctx.runtime)) {
            // These runtimes' fetch resends a request whose reused keep-alive connection closed
            // without an answer, so the client never sees the drop: the walk completes.
            assert.ok(fired.dropConnection >= 1, `network: the drop fired (${JSON.stringify(fired)})`);
            await assertExactlyAllUsers(assert, before, dir, "network (resent by the browser)");
            continue;
          }
          assert.ok(err, `${code}: the walk failed (${pages} pages went through)`);
          checkDirectoryError(scimkit, assert, err, { code, status }, [d.clientSecret, ...rec.tokens], `${code} walk`);
          assert.equal(err.attempts, 1, `${code}: maxRetries 0 → one attempt`);
          assert.equal(pages, 3, `${code}: three pages before the 4th request failed`);
          assert.equal(typeof err.pageToken, "string", `${code}: pageToken on the error`);
          assert.ok(err.pageToken.length > 0, `${code}: pageToken non-empty`);

          // Resume with a new client from the failed page's token.
          const resumed = clientFor(scimkit, d);
          const after = await collectPages(resumed.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, pageToken: err.pageToken }), 20);
          await assertExactlyAllUsers(assert, [...before, ...after.ids], dir, `${code}: failed walk + resumed walk`);
        }
      });
    },
  },
  {
    name: "checkpoint/resume: break after 3 pages stops fetching; a new client resumes from next_page_token",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const dir = d.small;
        const first = clientFor(scimkit, d);
        const ids = [];
        let checkpoint;
        let n = 0;
        // prefetch: false — exactly one request per page handed out.
        for await (const page of first.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, prefetch: false })) {
          for (const u of page.users) ids.push(u.id);
          checkpoint = page.next_page_token;
          if (++n === 3) break;
        }
        assert.equal(ids.length, 90, "three pages of 30");
        assert.equal(typeof checkpoint, "string", "a next_page_token to store");
        let stats = await d.admin.stats();
        assert.equal(stats.byEndpoint.listUsers?.total, 3, "exactly 3 page requests with prefetch: false");
        await sleep(100);
        stats = await d.admin.stats();
        assert.equal(stats.byEndpoint.listUsers?.total, 3, "still 3 after break (nothing in flight)");

        // The item iterator stops too: 45 users need two pages of 30.
        let k = 0;
        for await (const _u of first.directoryUsers(dir.orgId, dir.dirId, { pageSize: 30, prefetch: false })) {
          if (++k === 45) break;
        }
        stats = await d.admin.stats();
        assert.equal(stats.byEndpoint.listUsers.total, 5, "directoryUsers + break after 45 users fetched 2 pages");

        // A new client (as after a restart) resumes from the stored token (prefetch on: the default).
        const second = clientFor(scimkit, d);
        let last;
        const rest = await collectPages(second.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30, pageToken: checkpoint }), 20, (p) => (last = p));
        assert.equal(rest.pages, Math.ceil(dir.users / 30) - 3, "remaining pages");
        assert.equal(last.next_page_token, null, "next_page_token is null on the last page (index.d.ts)");
        await assertExactlyAllUsers(assert, [...ids, ...rest.ids], dir, "checkpoint + resume");
        stats = await d.admin.stats();
        assert.equal(stats.byEndpoint.listUsers.total, 5 + rest.pages, "no request after the last page, none ahead of it");
        assert.equal(stats.tokenRequests, 2, "one token per client");
      });
    },
  },
  {
    name: "prefetch (default): the next page is requested before a page is handed out; break aborts it, nothing after",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const dir = d.small;
        const base = globalThis.fetch.bind(globalThis);
        const pageCalls = [];
        const fetchFn = (input, init = {}) => {
          if (String(input).includes("/users")) pageCalls.push(init.signal);
          return base(input, init);
        };
        const client = clientFor(scimkit, d, { fetch: fetchFn });
        const seenWhenHanded = [];
        let n = 0;
        for await (const page of client.directoryUserPages(dir.orgId, dir.dirId, { pageSize: 30 })) {
          assert.equal(page.users.length, 30);
          seenWhenHanded.push(pageCalls.length);
          if (++n === 3) break;
        }
        assert.deepEqual(seenWhenHanded, [2, 3, 4], "page n+1 already requested when page n is handed out");
        assert.equal(pageCalls[3]?.aborted, true, "break aborted the request sent ahead");
        assert.ok(pageCalls.slice(0, 3).every((s) => !s.aborted), "the answered requests were not aborted");
        await sleep(100);
        assert.equal(pageCalls.length, 4, "nothing requested after break");
        const stats = await d.admin.stats();
        assert.ok(stats.byEndpoint.listUsers.total <= 4, `the server saw at most the 4 requests (${stats.byEndpoint.listUsers.total})`);
      });
    },
  },
  {
    name: "a custom fetch option carries every request",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const rec = recordingFetch();
        const client = clientFor(scimkit, d, { fetch: rec.fetch });
        const orgs = await client.listOrganizations({ pageSize: 100 });
        assert.ok(orgs.organizations.some((o) => o.id === d.big.orgId), "the seeded organization is listed");
        const dirMeta = await client.getPrimaryDirectory(d.small.orgId);
        assert.equal(dirMeta.id, d.small.dirId, "primary directory id");
        const users = await client.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageSize: 7 });
        assert.equal(users.users.length, 7, "page size 7");
        const groups = await client.listDirectoryGroups(d.small.orgId, d.small.dirId);
        assert.ok(groups.groups.length > 0, "groups");
        const stats = await d.admin.stats();
        assert.equal(rec.calls, stats.tokenRequests + stats.apiRequests, `every request went through the custom fetch (stats ${JSON.stringify(stats.byEndpoint)})`);
        assert.ok(rec.calls >= 5, `calls: ${rec.calls}`);
        assert.ok(rec.urls.every((u) => u.startsWith(`${d.url}/`)), `urls: ${rec.urls.join(", ").slice(0, 300)}`);
        assert.equal(rec.authorized, stats.apiRequests, "every API request carried a bearer token");
        assert.equal(rec.tokens.length, 1, "one token");
      });
    },
  },
  {
    name: "concurrency: 10 parallel calls on a fresh client make exactly one token request",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const client = clientFor(scimkit, d);
        const pages = await Promise.all(Array.from({ length: 10 }, (_, i) => client.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageSize: 1 + i })));
        pages.forEach((p, i) => assert.equal(p.users.length, 1 + i, `call ${i}`));
        const stats = await d.admin.stats();
        assert.equal(stats.tokenRequests, 1, "one token request for 10 concurrent calls");
        assert.equal(stats.byEndpoint.listUsers.total, 10, "10 API calls");
      });
    },
  },
  {
    name: "ScalekitClient drop-in against the service: guide shapes, camelCase page aliases",
    run: async (scimkit, ctx) => {
      const { assert } = ctx;
      await withService(ctx, async (d) => {
        const sk = new scimkit.ScalekitClient(d.url, d.clientId, d.clientSecret);
        const { organizations, nextPageToken, totalSize } = await sk.organization.listOrganization({ pageSize: 1 });
        assert.equal(organizations.length, 1, "one organization");
        assert.ok(totalSize >= 3, `totalSize ${totalSize}`);
        assert.ok(typeof nextPageToken === "string" && nextPageToken.length > 0, "nextPageToken");
        const { directory } = await sk.directory.getPrimaryDirectoryByOrganizationId(d.small.orgId);
        assert.equal(directory.id, d.small.dirId, "directory.id");
        assert.equal(typeof directory.name, "string", "directory.name");
        const primary = await sk.directory.getPrimaryDirectoryByOrganizationId(d.small.orgId);
        assert.equal(primary.id, d.small.dirId, "the reference SDK's form: the directory itself");
        const users = await sk.directory.listDirectoryUsers(d.small.orgId, d.small.dirId);
        assert.equal(users.totalSize, d.small.users, "totalSize alias");
        assert.equal(users.nextPageToken, users.next_page_token, "nextPageToken alias");
        for (const u of users.users) {
          assert.match(u.email, /@/, "user.email");
          assert.ok(typeof u.name === "string" && u.name.length > 0, "user.name");
        }
        const { groups } = await sk.directory.listDirectoryGroups(d.small.orgId, d.small.dirId);
        for (const g of groups) assert.ok(typeof g.name === "string" && g.name.length > 0 && g.name === g.display_name, "group.name");
        const last = await sk.directory.listDirectoryUsers(d.small.orgId, d.small.dirId, { pageSize: 30, pageToken: users.nextPageToken });
        assert.equal(last.users.length, 30, "next page through the camelCase token");
        const { getDirectory } = sk.directory;
        const got = await getDirectory(d.small.orgId, d.small.dirId);
        assert.equal(got.directory.id, d.small.dirId, "getDirectory → { directory }");
      });
    },
  },
];
