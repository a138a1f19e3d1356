// The Directory API client. The core (wasm) owns auth, retries, timeouts, rate limits, paging and
// the checks of every argument; this file adapts `fetch`, abort and timers to it, hands it the
// options as JSON, and turns its walks into async iterators.
import * as wasm from "./glue.js";
import { readArgument } from "./args.js";
import { DirectoryApiError } from "./errors.js";
import { ensureReady } from "./state.js";

/**
 * The core's transport: one HTTP exchange through `fetchFn`. Returns `[promise, abort]`: the
 * promise resolves to `[status, [name, value, …], body bytes]`; the core calls `abort()` when it
 * drops the request unanswered (its timeout fired, or a walk was broken off with a page requested
 * ahead). No timer here: the timeout is the core's.
 */
function transport(fetchFn) {
  return (method, url, flat, body) => {
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    const ctrl = new AbortController();
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
        // `name` passes through: a fetch with a timeout of its own rejects with a TimeoutError.
        const e = new Error(String(err?.message ?? err));
        e.name = typeof err?.name === "string" ? err.name : "NetworkError";
        throw e;
      }
    };
    const promise = exchange();
    const abort = () => {
      promise.catch(() => {}); // nobody awaits it any more
      ctrl.abort();
    };
    return [promise, abort];
  };
}

/**
 * Calls `callback(id)` on a later turn of the event loop (a macrotask), not in this microtask
 * checkpoint: the core's `yield_now`. Why: fetch implementations (Node's undici, measured) put a
 * request on the wire only once the microtask queue drains, and a consumer's loop over a page can
 * be microtasks only — so without this turn a page requested ahead would leave only when the
 * consumer asks for it, and the server could not work while the caller reads.
 */
const nextTurn =
  typeof setImmediate === "function"
    ? (callback, id) => void setImmediate(callback, id)
    : typeof MessageChannel === "function"
      ? (callback, id) => {
          const { port1, port2 } = new MessageChannel();
          port1.onmessage = () => {
            port1.close();
            callback(id);
          };
          port2.postMessage(null);
        }
      : (callback, id) => void setTimeout(callback, 0, id);

/**
 * The core's timers (its timeouts, backoff and yields): `setTimer(callback, ms, id)` calls
 * `callback(id)` after `ms` ms (0: on the next turn) and returns a handle for `clearTimer`,
 * which the core calls when it drops a timer that has not fired (a timeout race the request won).
 */
const setTimer = (callback, ms, id) => (ms === 0 ? nextTurn(callback, id) : setTimeout(callback, ms, id));
const clearTimer = (handle) => clearTimeout(handle);

/**
 * An options object as JSON for the core, which checks the names and values. A `Date` becomes its
 * ISO string (an invalid one a string the core rejects); a value JSON cannot hold (a BigInt) is an
 * `invalid_argument` here.
 */
function json(options, what) {
  try {
    return JSON.stringify(options ?? {}, function (key, value) {
      const raw = this[key];
      return raw instanceof Date ? (Number.isNaN(raw.getTime()) ? "Invalid Date" : raw.toISOString()) : value;
    }) ?? "null";
  } catch (err) {
    throw new DirectoryApiError("invalid_argument", `${what}: ${err?.message ?? err}`);
  }
}

async function* pages(walker) {
  try {
    for (;;) {
      const text = await walker.nextPage();
      if (text === null) return;
      yield JSON.parse(text);
    }
  } finally {
    walker.free();
  }
}

async function* items(pageIterator, key) {
  for await (const page of pageIterator) yield* page[key];
}

/** The wasm client inside a `DirectoryClient` (for DirectorySync; not exported by the package). */
export let coreOf;

/** A client for the Directory API (organizations, directories, users, groups). */
export class DirectoryClient {
  #core;

  static {
    coreOf = (client) => client.#core;
  }

  constructor(options) {
    ensureReady();
    const { fetch: fetchFn, ...rest } = readArgument("options", () => ({ ...options }), DirectoryApiError);
    const f = fetchFn ?? globalThis.fetch?.bind(globalThis);
    if (typeof f !== "function") {
      throw new DirectoryApiError("invalid_argument", "no fetch: pass options.fetch (this runtime has no global fetch)");
    }
    this.#core = new wasm.DirectoryCore(json(rest, "client options"), transport(f), setTimer, clearTimer);
  }

  /** One page of organizations: `{ organizations, next_page_token, prev_page_token, total_size }`. */
  async listOrganizations(options) {
    return JSON.parse(await this.#core.listOrganizations(json(options, "options")));
  }

  /** The organization's directories: `{ directories }`. */
  async listDirectories(organizationId) {
    return { directories: JSON.parse(await this.#core.listDirectories(organizationId)) };
  }

  /** One directory. */
  async getDirectory(organizationId, directoryId) {
    return JSON.parse(await this.#core.getDirectory(organizationId, directoryId));
  }

  /** The organization's first directory; `DirectoryApiError` `not_found` when it has none. */
  async getPrimaryDirectory(organizationId) {
    return JSON.parse(await this.#core.getPrimaryDirectory(organizationId));
  }

  /** One page of users: `{ users, next_page_token, prev_page_token, total_size }`. */
  async listDirectoryUsers(organizationId, directoryId, options) {
    return JSON.parse(await this.#core.listDirectoryUsers(organizationId, directoryId, json(options, "options")));
  }

  /** One page of groups: `{ groups, next_page_token, prev_page_token, total_size }`. */
  async listDirectoryGroups(organizationId, directoryId, options) {
    return JSON.parse(await this.#core.listDirectoryGroups(organizationId, directoryId, json(options, "options")));
  }

  /** Every page of organizations, lazily, from `options.pageToken` (or the start). */
  organizationPages(options) {
    return pages(this.#core.walkOrganizations(json(options, "options")));
  }

  /** Every page of a directory's users; checkpoint `page.next_page_token` to resume later. */
  directoryUserPages(organizationId, directoryId, options) {
    return pages(this.#core.walkUsers(organizationId, directoryId, json(options, "options")));
  }

  /** Every page of a directory's groups. */
  directoryGroupPages(organizationId, directoryId, options) {
    return pages(this.#core.walkGroups(organizationId, directoryId, json(options, "options")));
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
