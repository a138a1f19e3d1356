// The Directory API client. The core (wasm) owns auth, retries, rate limits and paging; this file
// adapts `fetch` and timers to it and turns its walks into async iterators.
import * as wasm from "./glue.js";
import { DirectoryApiError } from "./errors.js";
import { ensureReady } from "./state.js";

/**
 * The core's transport: one HTTP exchange through `fetchFn`, aborted after `timeoutMs`. Returns
 * `[promise, abort]`: the promise resolves to `[status, [name, value, …], body bytes]`; the core
 * calls `abort()` when it drops the request unanswered (a walk broken off with a page requested
 * ahead).
 */
function transport(fetchFn) {
  return (method, url, flat, body, timeoutMs) => {
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    const ctrl = new AbortController();
    const timer = timeoutMs > 0 ? setTimeout(() => ctrl.abort(), timeoutMs) : undefined;
    const exchange = async () => {
      try {
        const res = await fetchFn(url, { method, headers, body, signal: ctrl.signal });
        // Bytes, not text: the core parses UTF-8 itself, so decoding here and re-encoding into
        // wasm memory would be wasted work (measured ~10 % of a page's client time).
        const bytes = new Uint8Array(await res.arrayBuffer());
        const out = [];
        res.headers.forEach((value, name) => out.push(name, value));
        return [res.status, out, bytes];
      } catch (err) {
        const e = new Error(ctrl.signal.aborted ? `no response within ${timeoutMs} ms` : String(err?.message ?? err));
        e.name = ctrl.signal.aborted ? "TimeoutError" : "NetworkError";
        throw e;
      } finally {
        clearTimeout(timer);
      }
    };
    const promise = exchange();
    const abort = () => {
      promise.catch(() => {}); // nobody awaits it any more
      clearTimeout(timer);
      ctrl.abort();
    };
    return [promise, abort];
  };
}

/**
 * Resolves on a later turn of the event loop (a macrotask), not in this microtask checkpoint: the
 * core's `sleep(0)` (Runtime::yield_now). Why: fetch implementations (Node's undici, measured)
 * put a request on the wire only once the microtask queue drains, and a consumer's loop over a
 * page can be microtasks only — so without this turn a page requested ahead would leave only when
 * the consumer asks for it, and the server could not work while the caller reads.
 */
const nextTurn =
  typeof setImmediate === "function"
    ? () => new Promise((resolve) => setImmediate(resolve))
    : typeof MessageChannel === "function"
      ? () =>
          new Promise((resolve) => {
            const { port1, port2 } = new MessageChannel();
            port1.onmessage = () => {
              port1.close();
              resolve();
            };
            port2.postMessage(null);
          })
      : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The core's timer: `[promise, cancel]`, so a lost timeout race leaves no pending timer. Cancelling
 * also settles the promise: a promise that never settles keeps the wasm future's callbacks alive
 * (measured: ~1 KB retained per request until cancel resolved it).
 */
function sleep(ms) {
  if (ms === 0) return [nextTurn(), () => {}];
  let timer;
  let settle;
  const promise = new Promise((resolve) => {
    settle = resolve;
    timer = setTimeout(resolve, ms);
  });
  return [
    promise,
    () => {
      clearTimeout(timer);
      settle();
    },
  ];
}

function argumentError(message) {
  return new DirectoryApiError("invalid_argument", message);
}

function requireString(value, name) {
  if (typeof value !== "string") throw argumentError(`${name} must be a string, got ${value === null ? "null" : typeof value}`);
  return value;
}

/** Maps camelCase options to the core's snake_case JSON, refusing unknown names (typos). */
function optionsJson(options, allowed) {
  if (options === undefined || options === null) return "{}";
  if (typeof options !== "object") throw argumentError(`options must be an object, got ${typeof options}`);
  const out = {};
  for (const [key, value] of Object.entries(options)) {
    const wire = allowed[key];
    if (!wire) throw argumentError(`unknown option "${key}" (expected one of: ${Object.keys(allowed).join(", ")})`);
    if (wire === WALK_ONLY) continue;
    out[wire] = value instanceof Date ? value.toISOString() : value;
  }
  return JSON.stringify(out);
}

/** Walk options: the listing's, plus `prefetch`, which is the walker's (not sent as a query). */
const WALK_ONLY = Symbol("walk option");
function walkArgs(options, allowed) {
  const json = optionsJson(options, { ...allowed, prefetch: WALK_ONLY });
  const prefetch = options?.prefetch;
  if (prefetch !== undefined && typeof prefetch !== "boolean") {
    throw argumentError(`options.prefetch must be a boolean, got ${prefetch === null ? "null" : typeof prefetch}`);
  }
  return [json, prefetch];
}

const PAGE = { pageSize: "page_size", pageToken: "page_token" };
const USERS = { ...PAGE, includeDetail: "include_detail", directoryGroupId: "directory_group_id", updatedAfter: "updated_after" };
const GROUPS = { ...PAGE, includeDetail: "include_detail", updatedAfter: "updated_after", includeExternalGroups: "include_external_groups" };
const CLIENT = {
  environmentUrl: "environment_url",
  clientId: "client_id",
  clientSecret: "client_secret",
  maxRetries: "max_retries",
  timeoutMs: "timeout_ms",
  backoffBaseMs: "backoff_base_ms",
  backoffMaxMs: "backoff_max_ms",
  maxRetryAfterMs: "max_retry_after_ms",
};

async function* pages(walker) {
  try {
    for (;;) {
      const json = await walker.nextPage();
      if (json === null) return;
      yield JSON.parse(json);
    }
  } finally {
    walker.free();
  }
}

async function* items(pageIterator, key) {
  for await (const page of pageIterator) yield* page[key];
}

/** A client for the Directory API (organizations, directories, users, groups). */
export class DirectoryClient {
  #core;

  constructor(options) {
    ensureReady();
    const { fetch: fetchFn, ...rest } = options ?? {};
    for (const key of ["environmentUrl", "clientId", "clientSecret"]) requireString(rest[key], key);
    const f = fetchFn ?? globalThis.fetch?.bind(globalThis);
    if (typeof f !== "function") throw argumentError("no fetch: pass options.fetch (this runtime has no global fetch)");
    this.#core = new wasm.DirectoryCore(optionsJson(rest, CLIENT), transport(f), sleep);
  }

  /** One page of organizations: `{ organizations, next_page_token, prev_page_token, total_size }`. */
  async listOrganizations(options) {
    return JSON.parse(await this.#core.listOrganizations(optionsJson(options, PAGE)));
  }

  /** The organization's directories: `{ directories }`. */
  async listDirectories(organizationId) {
    return { directories: JSON.parse(await this.#core.listDirectories(requireString(organizationId, "organizationId"))) };
  }

  /** One directory. */
  async getDirectory(organizationId, directoryId) {
    const org = requireString(organizationId, "organizationId");
    return JSON.parse(await this.#core.getDirectory(org, requireString(directoryId, "directoryId")));
  }

  /** The organization's first directory; `DirectoryApiError` `not_found` when it has none. */
  async getPrimaryDirectory(organizationId) {
    return JSON.parse(await this.#core.getPrimaryDirectory(requireString(organizationId, "organizationId")));
  }

  /** One page of users: `{ users, next_page_token, prev_page_token, total_size }`. */
  async listDirectoryUsers(organizationId, directoryId, options) {
    const org = requireString(organizationId, "organizationId");
    const dir = requireString(directoryId, "directoryId");
    return JSON.parse(await this.#core.listDirectoryUsers(org, dir, optionsJson(options, USERS)));
  }

  /** One page of groups: `{ groups, next_page_token, prev_page_token, total_size }`. */
  async listDirectoryGroups(organizationId, directoryId, options) {
    const org = requireString(organizationId, "organizationId");
    const dir = requireString(directoryId, "directoryId");
    return JSON.parse(await this.#core.listDirectoryGroups(org, dir, optionsJson(options, GROUPS)));
  }

  /** Every page of organizations, lazily, from `options.pageToken` (or the start). */
  organizationPages(options) {
    const [json, prefetch] = walkArgs(options, PAGE);
    return pages(this.#core.walkOrganizations(json, prefetch));
  }

  /** Every page of a directory's users; checkpoint `page.next_page_token` to resume later. */
  directoryUserPages(organizationId, directoryId, options) {
    const org = requireString(organizationId, "organizationId");
    const dir = requireString(directoryId, "directoryId");
    const [json, prefetch] = walkArgs(options, USERS);
    return pages(this.#core.walkUsers(org, dir, json, prefetch));
  }

  /** Every page of a directory's groups. */
  directoryGroupPages(organizationId, directoryId, options) {
    const org = requireString(organizationId, "organizationId");
    const dir = requireString(directoryId, "directoryId");
    const [json, prefetch] = walkArgs(options, GROUPS);
    return pages(this.#core.walkGroups(org, dir, json, prefetch));
  }

  /** Every organization: `for await (const org of client.organizations())`. */
  organizations(options) {
    return items(this.organizationPages(options), "organizations");
  }

  /** Every user of a directory; `break` stops fetching (and aborts the page requested ahead). */
  directoryUsers(organizationId, directoryId, options) {
    return items(this.directoryUserPages(organizationId, directoryId, options), "users");
  }

  /** Every group of a directory. */
  directoryGroups(organizationId, directoryId, options) {
    return items(this.directoryGroupPages(organizationId, directoryId, options), "groups");
  }
}
