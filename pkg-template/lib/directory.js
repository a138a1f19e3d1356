// The Directory API client. The core (wasm) owns auth, retries, timeouts, rate limits, paging and
// the checks of every argument; this file adapts `fetch`, abort and timers to it, hands it the
// options as JSON, and turns its walks into async iterators.
import * as wasm from "./glue.js";
import { readArgument } from "./args.js";
import { DirectoryApiError } from "./errors.js";
import { ensureReady, instanceEpoch, onReset, pending } from "./state.js";

// The requests and timers the core started on the current instance. A reset cancels them: their
// callbacks belong to the discarded instance and would do nothing, but a pending 30 s timeout
// would still keep a Node process alive, and an abandoned request its connection.
let started = { requests: new Set(), timers: new Set() };
onReset(() => {
  const { requests, timers } = started;
  started = { requests: new Set(), timers: new Set() };
  for (const abort of requests) abort();
  for (const handle of timers) clearTimeout(handle);
});

/** The transport's rejection for a body over the core's `maxResponseBytes` (the core maps it). */
function tooLarge(status) {
  const e = new Error("response body over maxResponseBytes");
  e.name = "ResponseTooLarge";
  e.status = status;
  return e;
}

/**
 * A body without a usable `Content-Length` (chunked, or a `fetch` that did not say), read as a
 * stream and never more than `max` bytes: as soon as reading passes `max` the rest is not read (the
 * stream is cancelled and the fetch aborted), so a hostile server cannot make the client hold an
 * unbounded body.
 */
async function readCapped(res, max, ctrl) {
  const stream = res.body;
  if (stream === null || typeof stream?.getReader !== "function") {
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength > max) throw tooLarge(res.status);
    return bytes;
  }
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      reader.cancel().catch(() => {});
      ctrl.abort();
      throw tooLarge(res.status);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

/**
 * The core's transport: one HTTP exchange through `fetchFn`. Returns `[promise, abort]`: the
 * promise resolves to `[status, [name, value, …], body bytes]`; the core calls `abort()` when it
 * drops the request unanswered (its timeout fired, or a walk was broken off with a page requested
 * ahead). No timer here: the timeout is the core's; so is `maxBytes` (`maxResponseBytes`).
 */
function transport(fetchFn) {
  return (method, url, flat, body, maxBytes) => {
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    const ctrl = new AbortController();
    const exchange = async () => {
      try {
        const res = await fetchFn(url, { method, headers, body, signal: ctrl.signal });
        // A body longer than maxBytes is never read whole: refused from its Content-Length, or
        // read as a capped stream when it has none. With one within the limit (the HTTP stack
        // reads no more than declared), the fast path: read whole, as bytes — the core parses
        // UTF-8 itself, so decoding here and re-encoding into wasm memory would be wasted work
        // (~10 % of a page's client time).
        const declared = res.headers.get("content-length");
        const length = declared === null ? Number.NaN : Number(declared);
        let bytes;
        if (length > maxBytes) {
          ctrl.abort();
          throw tooLarge(res.status);
        } else if (Number.isSafeInteger(length)) {
          bytes = new Uint8Array(await res.arrayBuffer());
          if (bytes.byteLength > maxBytes) throw tooLarge(res.status);
        } else {
          bytes = await readCapped(res, maxBytes, ctrl);
        }
        const out = [];
        res.headers.forEach((value, name) => out.push(name, value));
        return [res.status, out, bytes];
      } catch (err) {
        if (err?.name === "ResponseTooLarge") throw err;
        // `name` passes through: a fetch with a timeout of its own rejects with a TimeoutError.
        const e = new Error(String(err?.message ?? err));
        e.name = typeof err?.name === "string" ? err.name : "NetworkError";
        throw e;
      }
    };
    const { requests } = started;
    const promise = exchange().finally(() => requests.delete(abort));
    const abort = () => {
      promise.catch(() => {}); // nobody awaits it any more
      ctrl.abort();
    };
    requests.add(abort);
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
function setTimer(callback, ms, id) {
  if (ms === 0) return nextTurn(callback, id);
  const { timers } = started;
  const handle = setTimeout(() => {
    timers.delete(handle);
    callback(id);
  }, ms);
  timers.add(handle);
  return handle;
}
function clearTimer(handle) {
  started.timers.delete(handle);
  clearTimeout(handle);
}

/**
 * An options object as JSON for the core, which checks the names and values. A `Date` becomes its
 * ISO string (an invalid one a string the core rejects); a value JSON cannot hold is an
 * `invalid_argument` here, naming the option: a BigInt, and `NaN` or `±Infinity` (which
 * `JSON.stringify` would turn into `null`, i.e. "not given": `timeoutMs: NaN` must not mean the
 * default).
 */
function json(options, what) {
  try {
    return JSON.stringify(options ?? {}, function (key, value) {
      const raw = this[key];
      if (typeof raw === "number" && !Number.isFinite(raw)) {
        throw new DirectoryApiError("invalid_argument", `${what}.${key} must be a finite number, got ${raw}`, { attempts: 0 });
      }
      return raw instanceof Date ? (Number.isNaN(raw.getTime()) ? "Invalid Date" : raw.toISOString()) : value;
    }) ?? "null";
  } catch (err) {
    if (err instanceof DirectoryApiError) throw err;
    throw new DirectoryApiError("invalid_argument", `${what}: ${err?.message ?? err}`, { attempts: 0 });
  }
}

/**
 * The walk's pages. `from` is where it started (options.pageToken); after a trap (the walk's
 * state is lost with the instance) it ends in `wasm_trap` with the `pageToken` to resume from.
 * `made` (the walker's instance) is a parameter because a generator's parameters are evaluated
 * when it is called, its body only at the first `next()`.
 */
async function* pages(walker, from, made = instanceEpoch()) {
  let resume = typeof from === "string" ? from : undefined;
  try {
    for (;;) {
      let text;
      try {
        if (instanceEpoch() !== made) {
          const message = "scimkit's WebAssembly instance trapped during this walk, and was replaced by a fresh one: this call failed and can be retried";
          throw new DirectoryApiError("wasm_trap", message);
        }
        text = await pending(walker.nextPage());
      } catch (err) {
        if (err?.code !== "wasm_trap") throw err;
        const how = resume === undefined ? "restart it" : "resume it from this error's pageToken";
        const message = `${err.message}; the walk's state was lost with the old instance: ${how}`;
        throw new DirectoryApiError("wasm_trap", message, { pageToken: resume, attempts: 0, cause: err.cause });
      }
      if (text === null) return;
      const page = JSON.parse(text);
      resume = page.next_page_token;
      yield page;
    }
  } finally {
    walker.free(); // a no-op for a walker of a discarded instance
  }
}

async function* items(pageIterator, key) {
  for await (const page of pageIterator) yield* page[key];
}

/** The wasm client inside a `DirectoryClient` (for DirectorySync; not exported by the package). */
export let coreOf;

/** A client for the Directory API (organizations, directories, users, groups). */
export class DirectoryClient {
  #make;
  #live;
  #epoch;

  static {
    coreOf = (client) => client.#core;
  }

  constructor(options) {
    ensureReady();
    const { fetch: fetchFn, ...rest } = readArgument("options", () => ({ ...options }), DirectoryApiError);
    const f = fetchFn ?? globalThis.fetch?.bind(globalThis);
    if (typeof f !== "function") {
      throw new DirectoryApiError("invalid_argument", "no fetch: pass options.fetch (this runtime has no global fetch)", { attempts: 0 });
    }
    const config = json(rest, "options");
    const send = transport(f);
    this.#make = () => new wasm.DirectoryCore(config, send, setTimer, clearTimer);
    this.#live = this.#make();
    this.#epoch = instanceEpoch();
  }

  /**
   * The core on the current instance. After a trap it is made again from the same options: the
   * client survives, but its access token (and rate-limit backoff) went with the old instance.
   */
  get #core() {
    if (this.#epoch !== instanceEpoch()) {
      ensureReady();
      this.#live = this.#make();
      this.#epoch = instanceEpoch();
    }
    return this.#live;
  }

  /** One page of organizations: `{ organizations, next_page_token, prev_page_token, total_size }`. */
  async listOrganizations(options) {
    return JSON.parse(await pending(this.#core.listOrganizations(json(options, "options"))));
  }

  /** The organization's directories: `{ directories }`. */
  async listDirectories(organizationId) {
    return { directories: JSON.parse(await pending(this.#core.listDirectories(organizationId))) };
  }

  /** One directory. */
  async getDirectory(organizationId, directoryId) {
    return JSON.parse(await pending(this.#core.getDirectory(organizationId, directoryId)));
  }

  /** The organization's first directory; `DirectoryApiError` `not_found` when it has none. */
  async getPrimaryDirectory(organizationId) {
    return JSON.parse(await pending(this.#core.getPrimaryDirectory(organizationId)));
  }

  /** One page of users: `{ users, next_page_token, prev_page_token, total_size }`. */
  async listDirectoryUsers(organizationId, directoryId, options) {
    return JSON.parse(await pending(this.#core.listDirectoryUsers(organizationId, directoryId, json(options, "options"))));
  }

  /** One page of groups: `{ groups, next_page_token, prev_page_token, total_size }`. */
  async listDirectoryGroups(organizationId, directoryId, options) {
    return JSON.parse(await pending(this.#core.listDirectoryGroups(organizationId, directoryId, json(options, "options"))));
  }

  /** Every page of organizations, lazily, from `options.pageToken` (or the start). */
  organizationPages(options) {
    return pages(this.#core.walkOrganizations(json(options, "options")), options?.pageToken);
  }

  /** Every page of a directory's users; checkpoint `page.next_page_token` to resume later. */
  directoryUserPages(organizationId, directoryId, options) {
    return pages(this.#core.walkUsers(organizationId, directoryId, json(options, "options")), options?.pageToken);
  }

  /** Every page of a directory's groups. */
  directoryGroupPages(organizationId, directoryId, options) {
    return pages(this.#core.walkGroups(organizationId, directoryId, json(options, "options")), options?.pageToken);
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
