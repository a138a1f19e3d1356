// Helpers for the Directory API cases. Runtime-agnostic: they talk to the local directory service
// (tools/directory-service) over HTTP with the global fetch, so they work in Node, Bun, Deno,
// workerd and Chromium (the service answers with CORS headers).

const ADMIN_TIMEOUT_MS = 10_000;

/**
 * The admin side of the service (`/_admin/*`): switch faults, read and reset counters.
 * Every call is bounded by a timeout and throws on a non-2xx answer.
 */
export function adminClient(url) {
  const fetchFn = globalThis.fetch.bind(globalThis);
  const call = async (method, path, body) => {
    const init = { method, signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS) };
    if (body !== undefined) {
      init.headers = { "content-type": "application/json" };
      init.body = JSON.stringify(body);
    }
    const res = await fetchFn(`${url}/_admin/${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`directory service admin ${method} /_admin/${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  return {
    /** Replaces the whole fault config (`{}` clears it) and resets the fault counters. */
    setFaults: (faults) => call("POST", "faults", faults),
    clearFaults: () => call("POST", "faults", {}),
    stats: () => call("GET", "stats"),
    resetStats: () => call("POST", "stats/reset"),
    revokeTokens: () => call("POST", "tokens/revoke"),
  };
}

/**
 * `ctx.directory` as the runner passed it (plus `admin`); fails loudly when the runner started no
 * service, so no case passes vacuously. Shape (see tests/js/lib/directory.mjs):
 * { url, clientId, clientSecret, big: { orgId, dirId, users, userIdsSha256 },
 *   small: { orgId, dirId, users, userIdsSha256 }, emptyOrgId, admin }
 */
export function directoryOf(ctx) {
  const d = ctx.directory;
  if (!d || typeof d.url !== "string" || !d.big || !d.small || !d.admin) {
    throw new Error("ctx.directory missing: the runner must start a directory service (tests/js/lib/directory.mjs) and pass its info");
  }
  return d;
}

/** A fresh client for the service; `extra` adds/overrides options (fetch, maxRetries, timeoutMs). */
export function clientFor(scimkit, d, extra = {}) {
  return new scimkit.DirectoryClient({ environmentUrl: d.url, clientId: d.clientId, clientSecret: d.clientSecret, ...extra });
}

/**
 * A fetch wrapper that counts calls and records every access token the token endpoint hands out
 * (so cases can check that no error message ever contains one).
 */
export function recordingFetch() {
  const base = globalThis.fetch.bind(globalThis);
  const rec = { calls: 0, urls: [], tokens: [], authorized: 0 };
  rec.fetch = async (input, init = {}) => {
    rec.calls++;
    rec.urls.push(String(input));
    const h = init.headers ?? {};
    const auth = h instanceof Headers ? h.get("authorization") : (h.authorization ?? h.Authorization);
    if (auth) rec.authorized++;
    const res = await base(input, init);
    if (String(input).endsWith("/oauth/token") && res.ok) {
      try {
        const j = await res.clone().json();
        if (typeof j.access_token === "string") rec.tokens.push(j.access_token);
      } catch {
        // a malformed body: the client deals with it
      }
    }
    return res;
  };
  return rec;
}

/** Hex SHA-256 of the ids sorted and joined by "\n" (the runner computes the same for the seed). */
export async function idsDigest(ids) {
  const text = [...ids].sort().join("\n");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Counts ids; returns { seen: Map(id → n), duplicates: [[id, n]…] }. */
export function countIds(ids) {
  const seen = new Map();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1);
  return { seen, duplicates };
}

/** Asserts that `ids` are exactly the seeded users of `dir` ({ users, userIdsSha256 }), each once. */
export async function assertExactlyAllUsers(assert, ids, dir, label) {
  const { seen, duplicates } = countIds(ids);
  assert.deepEqual(duplicates.slice(0, 5), [], `${label}: users seen more than once (first 5 of ${duplicates.length})`);
  assert.equal(seen.size, dir.users, `${label}: distinct users`);
  assert.equal(ids.length, dir.users, `${label}: users yielded`);
  assert.equal(await idsDigest(seen.keys()), dir.userIdsSha256, `${label}: the ids are exactly the seeded ones`);
}

/**
 * Asserts a DirectoryApiError with `code` (and `status` when given), and that nothing on it
 * (message, stack, String(), JSON, serverCode, pageToken) contains any of `secrets`.
 */
export function checkDirectoryError(scimkit, assert, err, { code, status }, secrets, label) {
  assert.ok(err instanceof Error, `${label}: instanceof Error`);
  assert.ok(err instanceof scimkit.ScimkitError, `${label}: instanceof ScimkitError`);
  assert.ok(err instanceof scimkit.DirectoryApiError, `${label}: instanceof DirectoryApiError (${err?.name}: ${err?.message})`);
  assert.equal(err.name, "DirectoryApiError", `${label}: name`);
  assert.equal(err.code, code, `${label}: code (${err.message})`);
  if (status !== undefined) assert.equal(err.status, status, `${label}: status`);
  assert.equal(typeof err.attempts, "number", `${label}: attempts is a number`);
  let json;
  try {
    json = JSON.stringify(err);
  } catch {
    json = "";
  }
  const surfaces = [String(err.message), String(err.stack ?? ""), String(err), json, String(err.serverCode ?? ""), String(err.pageToken ?? "")];
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < 6) continue;
    for (const text of surfaces) assert.ok(!text.includes(s), `${label}: error leaks a secret or token (${s.slice(0, 4)}…) in ${JSON.stringify(text.slice(0, 200))}`);
  }
  return err;
}

/** Awaits `promise`, which must reject; returns the rejection (fails if it resolves). */
export async function rejection(assert, promise, label) {
  try {
    const v = await promise;
    assert.fail(`${label}: expected a rejection, got ${JSON.stringify(v)?.slice(0, 200)}`);
  } catch (e) {
    if (e?.name === "AssertionError") throw e;
    return e;
  }
}

/** Collects a page walk, bounded: fails after `maxPages` pages (a loop would otherwise never end). */
export async function collectPages(iterable, maxPages, onPage) {
  const ids = [];
  let pages = 0;
  for await (const page of iterable) {
    pages++;
    if (pages > maxPages) throw new Error(`walk did not end after ${maxPages} pages`);
    if (onPage) onPage(page, pages);
    for (const u of page.users ?? page.groups ?? page.organizations) ids.push(u.id);
  }
  return { ids, pages };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
