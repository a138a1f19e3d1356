// Keeping a local copy of the directory: DirectorySync and memoryStore(). The core (wasm) owns
// every rule — exactly once, order, tombstones, memberships, full syncs, catch-ups; this file
// adapts: it verifies webhooks with the package's verifier, hands the core raw event bytes, makes
// a JS store into the core's port (JSON text both ways), calls the app's onChange, and parses
// results.
import * as wasm from "./glue.js";
import { checkOptions, readArgument } from "./args.js";
import { coreOf, DirectoryClient } from "./directory.js";
import { ScimkitError, SyncError } from "./errors.js";
import { directoryClientOf, ScalekitClient } from "./scalekit.js";
import { ensureReady, instanceEpoch, pending } from "./state.js";
import { checkSecret, rawBody, verifySignature } from "./webhook.js";

const encoder = new TextEncoder();

/** The port's methods: what DirectorySync calls on a store (index.d.ts, `SyncStorePort`). */
const PORT_METHODS = ["hasEvent", "users", "groups", "userGroups", "groupMembers", "unseenUsers", "unseenGroups", "checkpoint", "commit"];

function invalid(message) {
  return new ScimkitError("invalid_argument", message);
}

function requireString(value, name) {
  if (typeof value !== "string") throw invalid(`${name} must be a string, got ${value === null ? "null" : typeof value}`);
  return value;
}

/** `{ organizationId?, directoryId? }` of the store's list reads, checked. */
function scopeOf(options, where) {
  const o = checkOptions(options, ["organizationId", "directoryId"], where);
  for (const key of ["organizationId", "directoryId"]) {
    if (o[key] !== undefined && o[key] !== null) requireString(o[key], `${where}.${key}`);
  }
  return [o.organizationId ?? undefined, o.directoryId ?? undefined];
}

/** The memory store's wasm object (for DirectorySync, which then calls the core directly). */
let memoryCoreOf;

/**
 * The store in memory: the core's MemoryStore. Reads as every store does (promises of the
 * normalized model); the port methods answer as a JS store must (the contract tests run on it).
 */
class MemoryStore {
  #live;
  #epoch;

  static {
    memoryCoreOf = (store) => (#live in store ? store.#core : undefined);
  }

  constructor() {
    ensureReady();
    this.#live = new wasm.MemoryStoreCore();
    this.#epoch = instanceEpoch();
  }

  /**
   * The core's store. Its rows live in the instance's memory, so a trap (which replaces the
   * instance) loses them: from then on every call says so instead of answering from an empty store.
   */
  get #core() {
    if (this.#epoch !== instanceEpoch()) {
      throw new SyncError(
        "store_failed",
        "this memoryStore() was lost when the WebAssembly instance trapped and was replaced: make a new one (and a full sync to fill it)",
      );
    }
    return this.#live;
  }

  async getUser(id) {
    const text = this.#core.getUser(requireString(id, "id"));
    return text === undefined ? null : JSON.parse(text);
  }

  async listUsers(options) {
    const [org, dir] = scopeOf(options, "options");
    return JSON.parse(this.#core.listUsers(org, dir));
  }

  async getGroup(id) {
    const text = this.#core.getGroup(requireString(id, "id"));
    return text === undefined ? null : JSON.parse(text);
  }

  async listGroups(options) {
    const [org, dir] = scopeOf(options, "options");
    return JSON.parse(this.#core.listGroups(org, dir));
  }

  async listMembers(groupId) {
    return this.#core.listMembers(requireString(groupId, "groupId"));
  }

  async listUserGroups(userId) {
    return this.#core.listUserGroups(requireString(userId, "userId"));
  }

  // The port.
  async hasEvent(id) {
    return JSON.parse(await this.#core.hasEvent(requireString(id, "id")));
  }
  async users(ids) {
    return JSON.parse(await this.#core.users(idList(ids)));
  }
  async groups(ids) {
    return JSON.parse(await this.#core.groups(idList(ids)));
  }
  async userGroups(userIds) {
    return JSON.parse(await this.#core.userGroups(idList(userIds)));
  }
  async groupMembers(groupId) {
    return JSON.parse(await this.#core.groupMembers(requireString(groupId, "groupId")));
  }
  async unseenUsers(query) {
    return JSON.parse(await this.#core.unseenUsers(JSON.stringify(query)));
  }
  async unseenGroups(query) {
    return JSON.parse(await this.#core.unseenGroups(JSON.stringify(query)));
  }
  async checkpoint(key) {
    return JSON.parse(await this.#core.checkpoint(requireString(key, "key")));
  }
  async commit(changeset) {
    await this.#core.commit(JSON.stringify(changeset));
  }
}

function idList(ids) {
  if (!Array.isArray(ids)) throw invalid(`ids must be an array of strings, got ${ids === null ? "null" : typeof ids}`);
  ids.forEach((id, i) => requireString(id, `ids[${i}]`));
  return ids;
}

/** A store kept in memory by the core: for tests, demos and apps that rebuild it at start. */
export function memoryStore() {
  return new MemoryStore();
}

/** JSON text of a read's answer: record reads may answer pre-serialized JSON text (an array or answer object is never a string). */
const listText = (value) => (typeof value === "string" ? value : JSON.stringify(value ?? null));

/** The core's port over an app's store (see index.d.ts `SyncStorePort`): JSON text both ways. */
function portOf(store) {
  for (const name of PORT_METHODS) {
    if (typeof store[name] !== "function") {
      throw invalid(`options.store has no ${name}() method: pass memoryStore(), sqliteStore(db) from "scimkit/sqlite", or an object implementing SyncStorePort`);
    }
  }
  return {
    hasEvent: async (id) => JSON.stringify(await store.hasEvent(id)),
    users: async (ids) => listText(await store.users(ids)),
    groups: async (ids) => listText(await store.groups(ids)),
    userGroups: async (ids) => listText(await store.userGroups(ids)),
    groupMembers: async (id) => listText(await store.groupMembers(id)),
    unseenUsers: async (query) => listText(await store.unseenUsers(JSON.parse(query))),
    unseenGroups: async (query) => listText(await store.unseenGroups(JSON.parse(query))),
    checkpoint: async (key) => JSON.stringify((await store.checkpoint(key)) ?? null),
    commit: async (changeset, users, groups) => {
      const cs = JSON.parse(changeset);
      // dataAsJson (below): each row's `data` as its JSON text, crossed apart, never parsed here.
      if (users !== undefined) cs.put_users.forEach((u, i) => (u.data = users[i]));
      if (groups !== undefined) cs.put_groups.forEach((g, i) => (g.data = groups[i]));
      await store.commit(cs);
    },
    // Optional (SyncStorePort.dataAsJson): the store takes written rows' `data` as JSON text.
    ...(store.dataAsJson === true ? { dataAsJson: true } : {}),
    // Optional (SyncStorePort.readEvent): one crossing for all of an event's reads. A store
    // without it is read method by method.
    ...(typeof store.readEvent === "function" ? { readEvent: async (query) => listText(await store.readEvent(JSON.parse(query))) } : {}),
    // Optional (SyncStorePort.readUsersPage): one crossing for a full sync page's reads.
    ...(typeof store.readUsersPage === "function" ? { readUsersPage: async (query) => listText(await store.readUsersPage(JSON.parse(query))) } : {}),
  };
}

/** The wasm Directory API client of a `DirectoryClient` or `ScalekitClient`. */
function clientCore(client) {
  if (client instanceof DirectoryClient) return coreOf(client);
  if (client instanceof ScalekitClient) return coreOf(directoryClientOf(client));
  throw invalid("options.client must be a DirectoryClient or a ScalekitClient from this package");
}

/** An event as bytes for the core: JSON text, its bytes, or an object (serialized as JSON). */
function eventBytes(event) {
  if (typeof event === "string") return encoder.encode(event);
  if (event instanceof Uint8Array) return event;
  if (event instanceof ArrayBuffer) return new Uint8Array(event);
  if (ArrayBuffer.isView(event)) return new Uint8Array(event.buffer, event.byteOffset, event.byteLength);
  if (event === null || typeof event !== "object") {
    throw invalid(`event must be a DirectoryEvent, its JSON text or its bytes, got ${event === null ? "null" : typeof event}`);
  }
  let text;
  try {
    text = JSON.stringify(event);
  } catch (err) {
    throw invalid(`event cannot be serialized as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return encoder.encode(text);
}

/** `since` as RFC 3339 text (a Date, epoch milliseconds or a string the core parses). */
function sinceText(since) {
  if (since === undefined || since === null || typeof since === "string") return since ?? undefined;
  if (since instanceof Date || typeof since === "number") {
    const date = new Date(since);
    if (Number.isNaN(date.getTime())) throw invalid("options.since is not a valid time");
    return date.toISOString();
  }
  throw invalid(`options.since must be a Date, epoch milliseconds or an RFC 3339 string, got ${typeof since}`);
}

/**
 * Where a change keeps its `before` and `after` texts until they are read: a non-enumerable
 * symbol, which JSON.stringify, spread, structuredClone and Object.keys all pass over.
 */
const STATE_TEXTS = Symbol("scimkit.stateTexts");

/**
 * `before` or `after` as an own, enumerable accessor that parses the change's text when first
 * read and settles into a plain value (unless the app froze the change first: then it stays an
 * accessor and answers the value it parsed). One descriptor, with the same two functions, for
 * every change: accessors made per change (closures) gave each change a hidden class of its own,
 * allocated in V8's old space — 300,000 of them in a 100,000-user full sync.
 */
function lazyState(key, slot) {
  const settle = (change, value) => Reflect.defineProperty(change, key, { value, writable: true, enumerable: true, configurable: true });
  return {
    enumerable: true,
    configurable: true,
    get() {
      const texts = this[STATE_TEXTS];
      if (typeof texts[slot] === "string") texts[slot] = { value: JSON.parse(texts[slot]) };
      const { value } = texts[slot];
      settle(this, value);
      return value;
    },
    set(value) {
      settle(this, value);
    },
  };
}
const LAZY_BEFORE = lazyState("before", 0);
const LAZY_AFTER = lazyState("after", 1);

/**
 * One commit's changes from the core's hook: `heads` (JSON text: each change without `before`
 * and `after`) and `states` (those two as JSON text or null, per change in order). The states are
 * parsed when the app first reads them: a full sync page's users are most of what crosses, and
 * an onChange that looks at `kind` and `id` never pays for them.
 */
function changesOf(heads, states) {
  const changes = JSON.parse(heads);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    const before = states[2 * i];
    const after = states[2 * i + 1];
    if (before !== null || after !== null) Object.defineProperty(change, STATE_TEXTS, { value: [before, after] });
    if (before === null) change.before = null;
    else Object.defineProperty(change, "before", LAZY_BEFORE);
    if (after === null) change.after = null;
    else Object.defineProperty(change, "after", LAZY_AFTER);
  }
  return changes;
}

/** Keeps a store (memoryStore(), sqliteStore(db), or your own SyncStorePort) in step with a directory. */
export class DirectorySync {
  #make;
  #live;
  #epoch;
  #secret;
  #onChange;

  constructor(options) {
    ensureReady();
    if (options === undefined || options === null) throw invalid("new DirectorySync() needs options: { store, client?, webhookSecret?, onChange?, onMissing? }");
    const o = checkOptions(options, ["store", "client", "webhookSecret", "onChange", "onMissing"], "DirectorySync options");
    if (o.store === null || typeof o.store !== "object") {
      throw invalid('options.store is required: memoryStore(), sqliteStore(db) from "scimkit/sqlite", or an object implementing SyncStorePort');
    }
    if (o.onChange !== undefined && o.onChange !== null && typeof o.onChange !== "function") {
      throw invalid(`options.onChange must be a function, got ${typeof o.onChange}`);
    }
    if (o.onMissing !== undefined && o.onMissing !== null && typeof o.onMissing !== "string") {
      throw invalid(`options.onMissing must be "deactivate" or "delete", got ${typeof o.onMissing}`);
    }
    if (o.webhookSecret !== undefined && o.webhookSecret !== null) checkSecret(o.webhookSecret);
    const client = o.client === undefined || o.client === null ? undefined : o.client;
    if (client) clientCore(client);
    const store = o.store;
    const port = memoryCoreOf(store) ? undefined : readArgument("options.store", () => portOf(store));
    const onMissing = o.onMissing ?? undefined;
    // Made again after a trap replaced the instance (the client's core is made again too).
    this.#make = () => {
      const core = port ? wasm.SyncCore.overPort(port, onMissing) : wasm.SyncCore.overMemory(memoryCoreOf(store), onMissing);
      if (client) core.setClient(clientCore(client));
      return core;
    };
    this.#live = this.#make();
    this.#epoch = instanceEpoch();
    this.#secret = o.webhookSecret ?? undefined;
    this.#onChange = o.onChange ?? undefined;
  }

  /** The core on the current instance (made again after a trap). */
  get #core() {
    if (this.#epoch !== instanceEpoch()) {
      ensureReady();
      this.#live = this.#make();
      this.#epoch = instanceEpoch();
    }
    return this.#live;
  }

  /**
   * Verifies a webhook delivery, then applies its event exactly once. A delivery that fails
   * verification throws WebhookVerificationError before the store is touched.
   */
  async handleWebhook(headers, body, options) {
    if (this.#secret === undefined) {
      throw invalid("handleWebhook() needs webhookSecret in new DirectorySync({ … }) (or verify yourself and call applyEvent())");
    }
    verifySignature(this.#secret, headers, body, options);
    // The raw verified bytes, not a parsed event: whether `data.groups` was null is in them.
    const raw = rawBody(body);
    return this.#run((hook) => this.#core.applyEvent(typeof raw === "string" ? encoder.encode(raw) : raw, hook));
  }

  /** Applies one event (already verified): the envelope as received, its JSON text or bytes. */
  async applyEvent(event) {
    const bytes = readArgument("event", () => eventBytes(event));
    return this.#run((hook) => this.#core.applyEvent(bytes, hook));
  }

  /** Reconciles the store with the directory's listings: every directory, one organization's, or one. */
  async fullSync(options) {
    const o = checkOptions(options, ["organizationId", "directoryId"], "options");
    return this.#run((hook) => this.#core.fullSync(JSON.stringify({ organizationId: o.organizationId, directoryId: o.directoryId }), hook));
  }

  /**
   * One bounded step of one directory's full sync, for a queue consumer or any runner that must
   * stop and go on later: at most `maxPages` commits, then `{ done: false, status: "more" }` and
   * the checkpoint says where the next step resumes. `generation` continues that run only (a
   * duplicate delivered after it ended does nothing: `status: "skipped"`); without it the run in
   * progress goes on, or the next generation starts. `leaseOwner` takes the directory's lease
   * first (`status: "busy"` when another owner holds it) and guards every commit on it.
   */
  async fullSyncStep(options) {
    if (options === undefined || options === null) throw invalid("fullSyncStep() needs options: { organizationId, directoryId, maxPages?, generation?, leaseOwner?, leaseTtlSeconds? }");
    const o = checkOptions(options, ["organizationId", "directoryId", "maxPages", "generation", "leaseOwner", "leaseTtlSeconds"], "options");
    requireString(o.organizationId, "options.organizationId");
    requireString(o.directoryId, "options.directoryId");
    for (const key of ["maxPages", "generation", "leaseTtlSeconds"]) {
      const v = o[key];
      if (v !== undefined && v !== null && !(Number.isSafeInteger(v) && v >= 0)) throw invalid(`options.${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
    }
    if (o.leaseOwner !== undefined && o.leaseOwner !== null) requireString(o.leaseOwner, "options.leaseOwner");
    const text = JSON.stringify({
      organizationId: o.organizationId,
      directoryId: o.directoryId,
      maxPages: o.maxPages ?? undefined,
      generation: o.generation ?? undefined,
      leaseOwner: o.leaseOwner ?? undefined,
      leaseTtlSeconds: o.leaseTtlSeconds ?? undefined,
    });
    return this.#run((hook) => this.#core.fullSyncStep(text, hook));
  }

  /** Replays the events API from the last catch-up (minus `lagSeconds`), oldest first, each event once. */
  async catchUp(options) {
    const o = checkOptions(options, ["lagSeconds", "since"], "options");
    return this.#run((hook) => this.#core.catchUp(JSON.stringify({ lagSeconds: o.lagSeconds, since: sinceText(o.since) }), hook));
  }

  /**
   * Runs one core call with a change hook of its own, which the core calls once per commit with
   * its changes (see changesOf); it calls onChange with each change (awaited, in commit order)
   * and keeps what it throws: the change is stored either way, so the call still completes, then
   * reports the failures.
   */
  async #run(call) {
    const onChange = this.#onChange;
    const failures = [];
    const hook =
      onChange &&
      (async (heads, states) => {
        for (const change of changesOf(heads, states)) {
          try {
            await onChange(change);
          } catch (error) {
            failures.push({ change, error });
          }
        }
      });
    let text;
    try {
      text = await pending(call(hook));
    } catch (err) {
      if (failures.length > 0 && err !== null && typeof err === "object") err.onChangeFailures = failures;
      throw err;
    }
    const result = JSON.parse(text);
    if (failures.length > 0) {
      const [{ change, error }] = failures;
      const reason = error instanceof Error ? error.message : String(error);
      throw new SyncError(
        "on_change_failed",
        `onChange threw for ${failures.length} change(s), which are stored and will not be reported again; ` +
          `the first: ${change.kind} ${change.id}: ${reason}`,
        { cause: error, failures, result },
      );
    }
    return result;
  }
}
