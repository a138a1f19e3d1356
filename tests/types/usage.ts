// Compiled with `tsc --noEmit --strict` against the built package's declarations: every public
// name is typed, and typical code type-checks without casts.
import {
  DirectoryApiError,
  DirectoryClient,
  init,
  NormalizationError,
  type ScimErrorType,
  ScalekitClient,
  ScimkitError,
  generateSigningKeyPair,
  generateWebhookSecret,
  signWebhook,
  verifyRequest,
  verifySignature,
  verifySignatureRequest,
  verifyWebhook,
  detectProvider,
  normalizeUser,
  normalizeGroup,
  normalizeEvent,
  applyScimPatch,
  normalizeScimRequest,
  WebhookVerificationError,
  DirectorySync,
  SyncError,
  memoryStore,
  type ApplyResult,
  type ProviderName,
  type Change,
  type ChangeKind,
  type SyncStore,
  type SyncStorePort,
  type SyncSummary,
  type FullSyncStepResult,
  type SyncErrorCode,
  type UserRecord,
  type DirectoryGroup,
  type DirectoryEvent,
  type DirectoryUser,
  type SigningKeyPair,
  type WebhookErrorCode,
  type NormalizationErrorCode,
  type DirectoryErrorCode,
  type UsersPage,
  type GroupsPage,
} from "scimkit";
import { sqliteStore, SCHEMA_VERSION, type SqliteStore } from "scimkit/sqlite";
import { d1Store, type D1DatabaseLike, type D1Store } from "scimkit/d1";

export async function handler(request: Request, secret: string): Promise<Response> {
  await init();
  try {
    const event: DirectoryEvent = verifyWebhook(secret, request.headers, await request.text());
    if (event.type === "organization.directory.user_created") {
      const user = event.data as DirectoryUser;
      const email: string | null = user.email;
      const active: boolean = user.active;
      return new Response(JSON.stringify({ email, active }), { status: 201 });
    }
    return new Response(null, { status: 204 });
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      const code: WebhookErrorCode = err.code;
      return new Response(code, { status: 400 });
    }
    throw err;
  }
}

export function nodeStyle(headers: Record<string, string | string[] | undefined>, body: Uint8Array): number {
  const { id, timestamp } = verifySignature(["whsec_a", "whsec_b"], headers, body, { toleranceSeconds: 60, now: new Date() });
  const signed = signWebhook("whsec_a", { id, timestamp: new Date(timestamp * 1000), body });
  return signed["webhook-signature"].length;
}

export async function v1a(request: Request, publicKey: string): Promise<number> {
  const pair: SigningKeyPair = generateSigningKeyPair();
  const secret: string = generateWebhookSecret();
  const signed = signWebhook([pair.secretKey, secret], { body: "{}" });
  const event: DirectoryEvent = await verifyRequest([publicKey, pair.publicKey], request, { toleranceSeconds: Infinity });
  const { id, timestamp, body } = await verifySignatureRequest(publicKey, request.clone());
  const bytes: Uint8Array = body;
  const code: WebhookErrorCode = "invalid_key";
  return signed["webhook-signature"].length + event.type.length + id.length + timestamp + bytes.length + code.length;
}

export async function sync(client: DirectoryClient, org: string, dir: string): Promise<string[]> {
  const emails: string[] = [];
  for await (const user of client.directoryUsers(org, dir, { pageSize: 30, updatedAfter: new Date(0) })) {
    if (user.email) emails.push(user.email);
  }
  for await (const page of client.directoryGroupPages(org, dir, { pageSize: 30, prefetch: false })) {
    const next: string | null = page.next_page_token;
    if (!next) break;
  }
  try {
    await client.getPrimaryDirectory(org);
  } catch (err) {
    if (err instanceof DirectoryApiError && err.code === "not_found") return emails;
    if (err instanceof NormalizationError) {
      const scimType: ScimErrorType = err.scimType;
      console.log(err.pointer, scimType, err.code === "no_target");
    }
    if (err instanceof ScimkitError) console.log(err.code);
  }
  return emails;
}

export async function guide(): Promise<void> {
  const scalekit = new ScalekitClient("https://acme.scalekit.dev", "id", "secret");
  const { users, nextPageToken } = await scalekit.directory.listDirectoryUsers("org_1", "dir_1", { pageSize: 10 });
  for (const user of users) console.log(user.email, user.name, nextPageToken);
  const { directory } = await scalekit.directory.getDirectory("org_1", "dir_1");
  console.log(directory.id);
  const ok: true = scalekit.verifyWebhookPayload("whsec_x", { "webhook-id": "a" }, "{}");
  console.log(ok, new DirectoryClient({ environmentUrl: "u", clientId: "c", clientSecret: "s", fetch: globalThis.fetch }));
  // The bounds, and `null` for "not given".
  console.log(new DirectoryClient({ environmentUrl: "u", clientId: "c", clientSecret: "s", maxResponseBytes: 1 << 20, timeoutMs: null }));
}

export function normalization(raw: string, bytes: Uint8Array): boolean {
  const u: DirectoryUser = normalizeUser(raw, { provider: "entra" });
  const g = normalizeGroup(bytes);
  const patched = applyScimPatch({ userName: "a" }, { Operations: [{ op: "replace", path: "active", value: false }] });
  const { events, resource } = normalizeScimRequest(
    { method: "PATCH", path: "/scim/v2/Users/42", body: { Operations: [] } },
    { organizationId: "org_1", current: resource0(), now: new Date() },
  );
  const e: DirectoryEvent = normalizeEvent(raw, { maxInputBytes: 1 << 20 });
  applyScimPatch({ members: [] }, { Operations: [] }, { maxInputBytes: null, maxResourceBytes: 8 << 20 });
  normalizeScimRequest({ method: "DELETE", path: "/Users/1" }, { maxInputBytes: 4096, maxResourceBytes: null, provider: null });
  const provider: ProviderName | null = detectProvider(raw);
  return u.active && g.members !== undefined && "userName" in patched && events.length >= 0 && resource !== undefined && e.partial === false && provider !== "google";
}

function resource0(): { userName: string } {
  return { userName: "a" };
}

// Real usage that must compile under `strict` as written (no casts).
export function roundTrip(secret: string): DirectoryEvent {
  const body = JSON.stringify({ type: "organization.directory.user_created", data: {} });
  const signed = signWebhook(secret, { body });
  const headers = new Headers(signed); // SignedHeaders is a HeadersInit
  verifySignature([secret, "whsec_old"], headers, new TextEncoder().encode(body));
  verifySignature(secret, headers, body, { maxHeaderBytes: 16_384, maxHeaderValues: null, toleranceSeconds: null, maxBodyBytes: 1 << 20 });
  return verifyWebhook(secret, signWebhook(secret, { body }), body);
}

export async function everyWalk(client: DirectoryClient, org: string, dir: string): Promise<number> {
  let n = 0;
  for await (const o of client.organizations({ pageSize: 100 })) n += o.id.length;
  for await (const p of client.organizationPages()) n += p.organizations.length + p.total_size;
  for await (const u of client.directoryUsers(org, dir, { directoryGroupId: "g", includeDetail: true })) n += u.groups.length;
  for await (const p of client.directoryUserPages(org, dir, { pageToken: "t", prefetch: false, maxPages: 1_000 })) n += p.users.length;
  for await (const g of client.directoryGroups(org, dir, { includeExternalGroups: true })) n += g.members?.length ?? 0;
  for await (const p of client.directoryGroupPages(org, dir)) n += p.groups.length;
  const page: UsersPage = await client.listDirectoryUsers(org, dir);
  const groups: GroupsPage = await client.listDirectoryGroups(org, dir);
  return n + page.users.length + groups.groups.length;
}

/** Each error class narrowed by `code`: the switch is exhaustive over the declared codes. */
export function explain(err: unknown): string {
  if (err instanceof WebhookVerificationError) {
    switch (err.code) {
      case "missing_header":
      case "invalid_header":
      case "invalid_secret":
      case "invalid_key":
      case "invalid_timestamp":
      case "timestamp_too_old":
      case "timestamp_too_new":
      case "invalid_signature":
      case "parsed_body":
      case "payload_too_large":
      case "header_too_large":
      case "invalid_json":
        return `webhook: ${err.code}`;
      default:
        return exhaustive(err.code);
    }
  }
  if (err instanceof NormalizationError) {
    const code: NormalizationErrorCode = err.code;
    return `${code} at ${err.pointer}`;
  }
  if (err instanceof DirectoryApiError) {
    const code: DirectoryErrorCode = err.code;
    if (code === "rate_limited" || code === "server_error") return `retry later from ${err.pageToken ?? "the start"}`;
    return `${code} ${err.status ?? ""} ${err.serverCode ?? ""} after ${err.attempts}`;
  }
  if (err instanceof ScimkitError) return err.code;
  return String(err);
}

function exhaustive(code: never): string {
  return code;
}

// Keeping a local copy: the example, typed as written.
interface BetterSqliteLike {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  exec(sql: string): this;
}

export async function keepCopy(
  db: BetterSqliteLike,
  client: DirectoryClient,
  req: { headers: Record<string, string | string[] | undefined>; body: Uint8Array },
): Promise<number> {
  const revoked: string[] = [];
  const store: SqliteStore = sqliteStore(db);
  const sync = new DirectorySync({
    client,
    store,
    webhookSecret: ["whsec_new", "whsec_old"],
    onMissing: "delete",
    onChange: async (change: Change) => {
      if (change.kind === "user_deactivated") revoked.push(change.id);
      const kind: ChangeKind = change.kind;
      if (kind === "member_added" && change.group_id !== null) revoked.push(change.group_id);
    },
  });
  try {
    const { status, changes, event }: ApplyResult = await sync.handleWebhook(req.headers, req.body);
    if (status === "applied" && event.id !== null) revoked.push(...changes.map((c) => c.id));
  } catch (err) {
    if (err instanceof WebhookVerificationError) return 400;
    if (err instanceof SyncError) {
      const code: SyncErrorCode = err.code;
      if (code === "on_change_failed") return err.failures?.length ?? 0;
    }
    return 500;
  }
  const caught: SyncSummary = await sync.catchUp({ lagSeconds: 600, since: new Date(0) });
  const full: SyncSummary = await sync.fullSync({ organizationId: "org_1" });
  await sync.fullSync();
  await sync.applyEvent('{"id":"evt_1"}');
  const user = await store.getUser("diruser_1");
  const groups: DirectoryGroup[] = await store.listGroups({ directoryId: "dir_1" });
  const members: string[] = await store.listMembers("dirgroup_1");
  const mine: string[] = await store.listUserGroups("diruser_1");
  return caught.applied + full.user_created + full.rejected_events.length + (user?.email?.length ?? 0) + groups.length + members.length + mine.length + store.schemaVersion + SCHEMA_VERSION;
}

/** A Worker's queue consumer: one bounded, leased full-sync step over D1. */
export async function queueStep(db: D1DatabaseLike, client: DirectoryClient, job: { organizationId: string; directoryId: string; generation?: number; owner: string }): Promise<number | null> {
  const store: D1Store = d1Store(db);
  await store.ready();
  const sync = new DirectorySync({ client, store });
  try {
    const out: FullSyncStepResult = await sync.fullSyncStep({ ...job, maxPages: 8, leaseOwner: job.owner, leaseTtlSeconds: 60 });
    const status: "done" | "more" | "busy" | "skipped" = out.status;
    const total: SyncSummary = out.total;
    return status === "more" && !out.done ? out.generation + out.pages + total.user_created + out.summary.unchanged + (out.lease_expires_at?.length ?? 0) : null;
  } catch (err) {
    if (err instanceof SyncError && err.code === "lease_lost") return null;
    throw err;
  }
}

/** A store of one's own: the port alone is enough for DirectorySync. */
export function ownStore(inner: SyncStore): DirectorySync {
  const port: SyncStorePort = {
    hasEvent: (id) => inner.hasEvent(id),
    users: (ids) => inner.users(ids),
    groups: (ids) => inner.groups(ids),
    userGroups: (ids) => inner.userGroups(ids),
    groupMembers: (id) => inner.groupMembers(id),
    unseenUsers: (q) => inner.unseenUsers(q),
    unseenGroups: (q) => inner.unseenGroups(q),
    checkpoint: (key) => inner.checkpoint(key),
    commit: async (cs) => {
      const first: UserRecord | undefined = cs.put_users[0];
      if (first?.deleted) console.log(first.id, first.version);
      await inner.commit(cs);
    },
  };
  return new DirectorySync({ store: port });
}

export const mem: SyncStore = memoryStore();
