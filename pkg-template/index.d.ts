// Type declarations for scimkit. Every entry (Node CJS/ESM, workerd, browser) exports this API.

/** A JSON value, as found in raw provider attributes. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// Initialization

/**
 * Loads the WebAssembly module. Required once in browsers (before any other call); safe to call
 * again (returns the same promise). In Node, Bun, Deno and Workers the module is loaded at import
 * and this resolves at once. `input` may be a URL, a `Response`, bytes or a `WebAssembly.Module`.
 */
export function init(input?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

// ---------------------------------------------------------------------------------------------
// Errors

/** The codes of {@link WebhookVerificationError}. */
export type WebhookErrorCode =
  | "missing_header"
  | "invalid_header"
  | "invalid_secret"
  | "invalid_key"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "invalid_signature"
  | "parsed_body"
  | "payload_too_large"
  | "header_too_large"
  | "invalid_json";

/** The codes of {@link NormalizationError}. */
export type NormalizationErrorCode =
  | "invalid_json"
  | "unsupported_resource"
  | "invalid_patch"
  | "invalid_path"
  | "invalid_filter"
  | "invalid_value"
  | "too_complex"
  | "no_target"
  | "payload_too_large";

/**
 * The RFC 7644 §3.12 `scimType` of a {@link NormalizationError}: what a SCIM endpoint answers
 * with (HTTP 400). `invalid_json`, `unsupported_resource`, `invalid_patch` → `invalidSyntax`;
 * `invalid_path` → `invalidPath`; `invalid_filter` → `invalidFilter`; `invalid_value` →
 * `invalidValue`; `too_complex` and `payload_too_large` (HTTP 413, no RFC scimType of its own) → `tooMany`; `no_target` → `noTarget`.
 */
export type ScimErrorType = "invalidSyntax" | "invalidPath" | "invalidFilter" | "invalidValue" | "tooMany" | "noTarget";

/** The codes of {@link DirectoryApiError}. */
export type DirectoryErrorCode =
  | "invalid_argument"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "network"
  | "invalid_response"
  | "pagination_loop"
  | "too_many_pages"
  /** A walk lost with a trapped instance (see {@link ScimkitError}); `pageToken` resumes it. */
  | "wasm_trap";

/**
 * Base class of every error scimkit throws. `code` is stable; the message says what was wrong and
 * where, and never contains a secret, a token or an expected signature. Base-class codes:
 * `invalid_argument` (an unknown option name, or an option of the wrong type or value — `NaN`,
 * `-1` — named in the message), `not_initialized` (browser, before `init()`) and `wasm_trap`: the
 * WebAssembly instance trapped (a bug, or an allocation failure on a huge input) and was replaced
 * by a fresh one from the same module; the call failed, as did any Directory API call waiting at
 * that moment, and the next call runs normally, so retrying is safe.
 *
 * Options everywhere: an unknown name is refused (a typo never silently means a default), and an
 * option set to `null` is the same as leaving it out — its default — except where its type gives
 * `null` a meaning of its own (`now` of {@link normalizeScimRequest}).
 */
export class ScimkitError extends Error {
  readonly code: string;
  /** For `wasm_trap`: what escaped the wasm call (e.g. `RuntimeError: unreachable`). */
  readonly cause?: unknown;
}

/** A webhook delivery could not be verified (or signed). */
export class WebhookVerificationError extends ScimkitError {
  readonly code: WebhookErrorCode;
}

/** A payload could not be normalized. */
export class NormalizationError extends ScimkitError {
  readonly code: NormalizationErrorCode;
  /** JSON pointer (RFC 6901) to the offending place in the input; `""` for the whole input. */
  readonly pointer: string;
  /** The RFC 7644 §3.12 `scimType` to answer a SCIM client with (see {@link ScimErrorType}). */
  readonly scimType: ScimErrorType;
}

/** A Directory API call failed (after retries, where retrying made sense). */
export class DirectoryApiError extends ScimkitError {
  readonly code: DirectoryErrorCode;
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  /** The server's own error code (e.g. `INVALID_CLIENT`), when it sent one. */
  readonly serverCode?: string;
  /**
   * For walks: the page token to resume from — the page that failed (not handed out), or the next
   * page after `too_many_pages`. Absent when the walk's first page failed: resume from its start.
   */
  readonly pageToken?: string;
  /** Requests sent for the failed call (0 for `wasm_trap`: the count was lost with the instance). */
  readonly attempts: number;
}

// ---------------------------------------------------------------------------------------------
// Webhooks (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature; svix-* aliases)

/**
 * What to verify (or sign) with, by prefix: a `whsec_…` secret checks `v1` (HMAC-SHA256)
 * signatures; a `whpk_…` public key checks `v1a` (Ed25519) signatures; a `whsk_…` secret key
 * signs `v1a` (and checks it). Several during rotation, mixed freely: any one may match; signing
 * emits one signature per entry, in order (a `whpk_` key cannot sign: `invalid_key`).
 */
export type WebhookSecret = string | readonly string[];

/**
 * Request headers: a Fetch `Headers`, a `Map`, or a plain object such as Node's `req.headers` (any
 * key case). `svix-id`, `svix-timestamp` and `svix-signature` are read instead of the `webhook-*`
 * headers when none of those is present.
 */
export type WebhookHeaders =
  | Headers
  | ReadonlyMap<string, string | readonly string[]>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The raw request body exactly as received (a Node `Buffer` is a `Uint8Array`). */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

export interface VerifyOptions {
  /**
   * Allowed distance between `webhook-timestamp` and now, in whole seconds, both ways, inclusive.
   * Default 300. `Infinity` accepts any timestamp: only for deliberately replaying a stored
   * delivery (the timestamp must still be well-formed and signed). `NaN`, negative or fractional
   * values are `invalid_argument`.
   */
  toleranceSeconds?: number | null;
  /** The current time (for tests). Default `Date.now()`. */
  now?: Date | number | null;
  /** Larger bodies fail with `payload_too_large` before hashing. Default 1 MiB (1,048,576). */
  maxBodyBytes?: number | null;
  /**
   * Longest value of each of the three headers, in bytes (repeated lines joined). Longer ones fail
   * with `header_too_large` before anything is hashed. Default 8 KiB (8,192).
   */
  maxHeaderBytes?: number | null;
  /**
   * Most values one header may carry: the space-separated signatures of `webhook-signature`, and
   * repeated lines of any of the three (an array in Node's `req.headers`). More fail with
   * `header_too_large`. Default 32.
   */
  maxHeaderValues?: number | null;
}

/** Verifies a delivery and returns its normalized event. Throws {@link WebhookVerificationError}. */
export function verifyWebhook(
  secret: WebhookSecret,
  headers: WebhookHeaders,
  body: WebhookBody,
  options?: VerifyOptions,
): DirectoryEvent;

/** Checks a delivery's signature without parsing its body (empty and non-JSON bodies work). */
export function verifySignature(
  secret: WebhookSecret,
  headers: WebhookHeaders,
  body: WebhookBody,
  options?: VerifyOptions,
): { id: string; timestamp: number };

/**
 * Verifies a Fetch `Request` (Workers, Deno, Bun, route handlers) and resolves to its event. It
 * reads the raw body itself, so the request's body is consumed: nothing else can read it
 * afterwards. A body over `maxBodyBytes` is refused without reading it all. Rejects with
 * {@link WebhookVerificationError} (`parsed_body` if the body was already read).
 */
export function verifyRequest(secret: WebhookSecret, request: Request, options?: VerifyOptions): Promise<DirectoryEvent>;

/**
 * {@link verifyRequest} without parsing the body: resolves to the id, the timestamp and the raw
 * body bytes it read (the request's own body is consumed).
 */
export function verifySignatureRequest(
  secret: WebhookSecret,
  request: Request,
  options?: VerifyOptions,
): Promise<{ id: string; timestamp: number; body: Uint8Array }>;

/** A new `whsec_…` secret: 32 bytes from `crypto.getRandomValues`, base64. */
export function generateWebhookSecret(): string;

/** A generated Ed25519 key pair for `v1a` signatures. */
export interface SigningKeyPair {
  /** `whsk_…`: base64 of the 32-byte seed followed by the 32-byte public key. The sender's only. */
  secretKey: string;
  /** `whpk_…`: base64 of the 32-byte public key. Give it to receivers. */
  publicKey: string;
}

/** A new Ed25519 key pair, seeded by `crypto.getRandomValues`. */
export function generateSigningKeyPair(): SigningKeyPair;

/** What to sign: an object (anything else, a string included, is `invalid_argument`). */
export interface SignInput {
  /** Message id; default a random `msg_…`. */
  id?: string | null;
  /** Unix seconds or a `Date`; default now. */
  timestamp?: number | Date | null;
  /** The body to sign; default `""`. */
  body?: WebhookBody | null;
}

/**
 * The headers to send with a signed body: one signature per secret or key, space-separated
 * (`v1,…` for a `whsec_` secret, `v1a,…` for a `whsk_` key). A type alias, not an interface, so it
 * is assignable to `Record<string, string>`: `new Headers(signed)` and
 * `verifyWebhook(secret, signed, body)` type-check as written.
 */
export type SignedHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/** Signs a body for sending (tests, forwarding, demos). */
export function signWebhook(secret: WebhookSecret, message: SignInput): SignedHeaders;

// ---------------------------------------------------------------------------------------------
// The model (snake_case, as on the wire). Every field is always present; `null` when unknown.

export interface GroupRef {
  id: string | null;
  name: string | null;
}

export interface Role {
  role_name: string | null;
}

export interface Manager {
  value: string | null;
  display_name: string | null;
}

export interface Address {
  formatted: string | null;
  street_address: string | null;
  locality: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface DirectoryUser {
  id: string | null;
  /** The provider's own id (SCIM `externalId` for Okta, …). */
  dp_id: string | null;
  organization_id: string | null;
  directory_id: string | null;
  /** Primary email. */
  email: string | null;
  /** SCIM `userName`. */
  preferred_username: string | null;
  /** Display name; else given + family name; else the username. */
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  nickname: string | null;
  /** Always a boolean (`"False"` strings are understood). */
  active: boolean;
  emails: string[];
  /** Always an array (`null` on the wire becomes `[]`). */
  groups: GroupRef[];
  roles: Role[];
  phone_number: string | null;
  locale: string | null;
  language: string | null;
  zoneinfo: string | null;
  user_type: string | null;
  profile: string | null;
  picture: string | null;
  address: Address | null;
  title: string | null;
  department: string | null;
  employee_id: string | null;
  cost_center: string | null;
  division: string | null;
  organization: string | null;
  manager: Manager | null;
  /** Attributes the model has no field for, as they arrived. */
  custom_attributes: JsonObject;
  /** The provider's raw resource (never with a password). */
  raw_attributes: JsonObject;
  updated_at: string | null;
}

/** A user update known only from the request (no current resource): `null` = not stated. */
export type PartialDirectoryUser = {
  [K in keyof DirectoryUser]: K extends "custom_attributes" | "raw_attributes" ? JsonObject : DirectoryUser[K] | null;
} & {
  /**
   * Fields the request removed or set to `null` (model field names, e.g. `title`; attributes
   * without a model field keep the name the request used): "cleared", as opposed to "not stated".
   */
  cleared_attributes: string[];
};

export interface GroupMember {
  value: string | null;
  display: string | null;
  type: string | null;
}

export interface DirectoryGroup {
  id: string | null;
  dp_id: string | null;
  organization_id: string | null;
  directory_id: string | null;
  display_name: string | null;
  /** The same display name (the reference guide prints `group.name`). */
  name: string | null;
  external_id: string | null;
  email: string | null;
  description: string | null;
  /** `null` when the input does not list members. */
  members: GroupMember[] | null;
  /** On `group_updated` events from SCIM requests. */
  members_added: GroupMember[] | null;
  members_removed: GroupMember[] | null;
  total_users: number | null;
  custom_attributes: JsonObject;
  raw_attributes: JsonObject;
  updated_at: string | null;
}

export type DirectoryEventType =
  | "organization.directory.user_created"
  | "organization.directory.user_updated"
  | "organization.directory.user_deleted"
  | "organization.directory.group_created"
  | "organization.directory.group_updated"
  | "organization.directory.group_deleted"
  | "organization.directory_enabled"
  | "organization.directory_disabled";

export interface DirectoryEvent {
  spec_version: string | null;
  id: string | null;
  /** Unknown types pass through with their data untouched. */
  type: DirectoryEventType | (string & {});
  occurred_at: string | null;
  environment_id: string | null;
  organization_id: string | null;
  directory_id: string | null;
  object: "DirectoryUser" | "DirectoryGroup" | "Directory" | (string & {}) | null;
  display_name: string | null;
  /** `true` when `data` holds only what a SCIM request stated. */
  partial: boolean;
  data: DirectoryUser | PartialDirectoryUser | DirectoryGroup | JsonObject;
}

// ---------------------------------------------------------------------------------------------
// Normalization

/** JSON text, its UTF-8 bytes, or an already-parsed value. */
export type JsonInput = string | Uint8Array | ArrayBuffer | JsonValue;

/** Identity providers whose quirks scimkit knows (case-insensitive; aliases like `azure` accepted). */
export type ProviderName = "okta" | "entra" | "google" | "onelogin" | "jumpcloud" | "pingfederate" | "generic" | (string & {});

/** The size limit of what a sender sent. */
export interface InputOptions {
  /**
   * Larger inputs (in UTF-8 bytes: the event, resource, PATCH or request) fail with
   * `payload_too_large` before they are parsed — or copied into wasm memory. Default 1 MiB
   * (1,048,576).
   */
  maxInputBytes?: number | null;
}

/** The size limits of a PATCH: the sender's input, and the app's stored resource. */
export interface PatchOptions extends InputOptions {
  /**
   * Largest stored resource (the part of it a PATCH touches, or `current`), in UTF-8 bytes:
   * `payload_too_large` beyond. Default 64 MiB (a 100,000-member group is about 8 MiB).
   */
  maxResourceBytes?: number | null;
}

export interface NormalizeOptions extends InputOptions {
  /** The sending provider, when known; otherwise detected where the payload shows it. */
  provider?: ProviderName | null;
}

/**
 * The provider a raw user or group resource shows (Entra's schema URIs, Google's `kind`, …), or
 * `null` when nothing in the payload tells (SCIM 1.x is not guessed). Canonical lower-case names.
 */
export function detectProvider(resource: JsonInput, options?: InputOptions): ProviderName | null;

/** A reference-service event, in either envelope shape → the normalized event. */
export function normalizeEvent(payload: JsonInput, options?: InputOptions): DirectoryEvent;

/** Raw SCIM 2.0 / 1.x, a Google Workspace resource or a reference-service user → the model. */
export function normalizeUser(resource: JsonInput, options?: NormalizeOptions): DirectoryUser;

/** Raw SCIM 2.0 / 1.x, a Google Workspace resource or a reference-service group → the model. */
export function normalizeGroup(resource: JsonInput, options?: NormalizeOptions): DirectoryGroup;

/**
 * Applies a SCIM PATCH (RFC 7644 §3.5.2 plus providers' quirks); returns the new resource. The
 * input is never modified. Given an object, only the attributes the patch touches cross into the
 * core, and the result shares the untouched ones with the input (as immutable-update libraries
 * do), as well as the values a patch leaves alone in a list it only adds to or removes from (a
 * group's members): copy before mutating the result in place. Failures are
 * {@link NormalizationError}s whose `scimType` is the RFC 7644 §3.12 one to answer with.
 */
export function applyScimPatch(resource: JsonInput, patch: JsonInput, options?: PatchOptions): JsonObject;

/** A SCIM request your app received. Paths may carry a base prefix (`/scim/v2/Users/42`). */
export interface ScimRequest {
  method: string;
  path: string;
  body?: JsonInput | null;
}

export interface ScimRequestOptions extends NormalizeOptions, PatchOptions {
  organizationId?: string | null;
  directoryId?: string | null;
  /** The resource before this request: updates then emit the full result instead of a partial one. */
  current?: JsonInput | null;
  /** Event time (`Date`, epoch ms or RFC 3339); default now; `null` leaves `occurred_at` null. */
  now?: Date | number | string | null;
}

/** The directory events a SCIM request means, and the resulting resource (without passwords). */
export function normalizeScimRequest(
  request: ScimRequest,
  options?: ScimRequestOptions,
): { events: DirectoryEvent[]; resource: JsonObject | null };

// ---------------------------------------------------------------------------------------------
// Directory API

export interface DirectoryClientOptions {
  /** e.g. `https://acme.scalekit.dev` */
  environmentUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * Defaults to the global `fetch`; pass one to use a proxy or a test double. Each call gets an
   * `AbortSignal`: the client aborts the request when its timeout fires or a walk is broken off.
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Retries of 429, 408, 502, 503, 504, network errors, timeouts and malformed JSON. Default 4. */
  maxRetries?: number | null;
  /**
   * Per-request timeout in ms. Default 30,000; 0 disables it. At most 2,147,483,647 (2³¹ − 1, the
   * longest JavaScript timer); larger, `NaN` or `Infinity` is `invalid_argument`.
   */
  timeoutMs?: number | null;
  /** Backoff before retry n (from 0): a random wait up to min(backoffMaxMs, backoffBaseMs · 2ⁿ). Default 500. */
  backoffBaseMs?: number | null;
  /** Default 30,000. */
  backoffMaxMs?: number | null;
  /** Longest `Retry-After` honoured; longer ones are cut to this. Default 60,000. */
  maxRetryAfterMs?: number | null;
  /**
   * Largest response body read, in bytes. A larger one is not read further (refused from its
   * `Content-Length`, or as soon as reading passes the limit): the call fails with
   * `invalid_response`, not retried. Default 16 MiB (16,777,216).
   */
  maxResponseBytes?: number | null;
}

export interface PageOptions {
  /** Organizations: 1–100; the server's default when absent. */
  pageSize?: number | null;
  /** Start (or resume) from this page token. */
  pageToken?: string | null;
}

export interface UserListOptions extends PageOptions {
  /** 1–30 (the server's limit); the server's default (10) when absent. */
  pageSize?: number | null;
  includeDetail?: boolean | null;
  directoryGroupId?: string | null;
  updatedAfter?: string | Date | null;
}

export interface GroupListOptions extends PageOptions {
  /** 1–30 (the server's limit); the server's default (10) when absent. */
  pageSize?: number | null;
  includeDetail?: boolean | null;
  updatedAfter?: string | Date | null;
  includeExternalGroups?: boolean | null;
}

/** Options of the walks (iterators): the listing's, plus how far ahead they request. */
export interface WalkOptions {
  /**
   * Default `true`: when a page is handed to you, the request for the next one has already been
   * sent (still one request at a time), so the server works while you read. At most one page is
   * requested ahead; breaking off the walk aborts it. `false`: exactly one request per page you
   * get (e.g. a Worker counting its subrequests).
   */
  prefetch?: boolean | null;
  /**
   * Most pages one walk hands out; then it fails with `too_many_pages` and the `pageToken` of the
   * next page, so a server that keeps returning fresh page tokens cannot make a walk run forever.
   * Resume with a new walk from that token. Default 100,000; at least 1.
   */
  maxPages?: number | null;
}

interface PageInfo {
  /** `null` on the last page. */
  next_page_token: string | null;
  prev_page_token: string | null;
  total_size: number;
}

/** An organization, with every field the API sent. */
export interface Organization extends JsonObject {
  id: string;
}

/** A directory, with every field the API sent. */
export interface Directory extends JsonObject {
  id: string;
}

export interface OrganizationsPage extends PageInfo {
  organizations: Organization[];
}
export interface UsersPage extends PageInfo {
  users: DirectoryUser[];
}
export interface GroupsPage extends PageInfo {
  groups: DirectoryGroup[];
}

/** Directory API client: auth, retries, rate limits and paging handled for you. */
export class DirectoryClient {
  constructor(options: DirectoryClientOptions);
  listOrganizations(options?: PageOptions): Promise<OrganizationsPage>;
  listDirectories(organizationId: string): Promise<{ directories: Directory[] }>;
  getDirectory(organizationId: string, directoryId: string): Promise<Directory>;
  /** The first directory; `DirectoryApiError` `not_found` when there is none. */
  getPrimaryDirectory(organizationId: string): Promise<Directory>;
  /** Page size 1–30. */
  listDirectoryUsers(organizationId: string, directoryId: string, options?: UserListOptions): Promise<UsersPage>;
  listDirectoryGroups(organizationId: string, directoryId: string, options?: GroupListOptions): Promise<GroupsPage>;
  /** Every organization, lazily. */
  organizations(options?: PageOptions & WalkOptions): AsyncGenerator<Organization, void, undefined>;
  /**
   * Every user; memory holds the page being read and at most one requested ahead
   * ({@link WalkOptions.prefetch}); `break` stops fetching and aborts the request ahead.
   */
  directoryUsers(organizationId: string, directoryId: string, options?: UserListOptions & WalkOptions): AsyncGenerator<DirectoryUser, void, undefined>;
  directoryGroups(organizationId: string, directoryId: string, options?: GroupListOptions & WalkOptions): AsyncGenerator<DirectoryGroup, void, undefined>;
  /** Page by page: store `page.next_page_token` to resume later with `{ pageToken }`. */
  organizationPages(options?: PageOptions & WalkOptions): AsyncGenerator<OrganizationsPage, void, undefined>;
  directoryUserPages(organizationId: string, directoryId: string, options?: UserListOptions & WalkOptions): AsyncGenerator<UsersPage, void, undefined>;
  directoryGroupPages(organizationId: string, directoryId: string, options?: GroupListOptions & WalkOptions): AsyncGenerator<GroupsPage, void, undefined>;
}

/** The reference SDK's camelCase page fields, also present on pages from {@link ScalekitClient}. */
interface SdkPageAliases {
  readonly nextPageToken: string;
  readonly prevPageToken: string;
  readonly totalSize: number;
}

/** Drop-in for the reference SDK's client, so its guide's snippets run unchanged. */
export class ScalekitClient {
  constructor(environmentUrl: string, clientId: string, clientSecret: string);
  readonly environmentUrl: string;
  /** Returns `true` for a valid delivery; throws {@link WebhookVerificationError} otherwise. */
  verifyWebhookPayload(secret: WebhookSecret, headers: WebhookHeaders, payload: WebhookBody): true;
  readonly organization: {
    listOrganization(options?: PageOptions): Promise<OrganizationsPage & SdkPageAliases>;
  };
  readonly directory: {
    listDirectories(organizationId: string): Promise<{ directories: Directory[] }>;
    getDirectory(organizationId: string, directoryId: string): Promise<{ directory: Directory }>;
    /** The directory's fields, plus `.directory` (the guide's form). */
    getPrimaryDirectoryByOrganizationId(organizationId: string): Promise<Directory & { directory: Directory }>;
    listDirectoryUsers(organizationId: string, directoryId: string, options?: UserListOptions): Promise<UsersPage & SdkPageAliases>;
    listDirectoryGroups(organizationId: string, directoryId: string, options?: GroupListOptions): Promise<GroupsPage & SdkPageAliases>;
  };
}

// ---------------------------------------------------------------------------------------------
// Keeping a local copy: DirectorySync and its stores

/**
 * The codes of {@link SyncError}: the store failed (`store_failed`) or kept losing races with
 * other writers (`store_conflict`, after the retries), an event lacks what applying needs
 * (`invalid_event`: no `occurred_at`, no id, no organization), a stored checkpoint does not read
 * (`invalid_checkpoint`), a catch-up window holds too many events (`too_many_events`), a leased
 * full-sync step lost its lease to another step (`lease_lost`), or the app's `onChange` threw
 * (`on_change_failed`).
 */
export type SyncErrorCode =
  | "store_failed"
  | "store_conflict"
  | "invalid_event"
  | "invalid_checkpoint"
  | "too_many_events"
  | "lease_lost"
  | "on_change_failed";

/**
 * The sync engine failed. Directory API failures are {@link DirectoryApiError}s and events that do
 * not read are {@link NormalizationError}s, as elsewhere.
 */
export class SyncError extends ScimkitError {
  readonly code: SyncErrorCode;
  /** `on_change_failed`: every change whose `onChange` threw, with what it threw. */
  readonly failures?: ChangeFailure[];
  /** `on_change_failed`: what the call returned (its changes are stored). */
  readonly result?: ApplyResult | SyncSummary;
}

/** What a change did. */
export type ChangeKind =
  | "user_created"
  | "user_updated"
  | "user_deactivated"
  | "user_reactivated"
  | "user_deleted"
  | "group_created"
  | "group_updated"
  | "group_deleted"
  | "member_added"
  | "member_removed";

/**
 * One change to the local copy, reported after the commit that made it. `before` and `after` are
 * the whole user or group as stored (a user's `groups` is `[]` and a group's member fields `null`:
 * memberships are kept apart): `before` is `null` for a creation, `after` for a deletion, both for
 * memberships.
 */
export interface Change {
  kind: ChangeKind;
  organization_id: string;
  directory_id: string | null;
  /** The user's id (user kinds and memberships) or the group's (group kinds). */
  id: string;
  /** For `member_added` / `member_removed`: the group. */
  group_id: string | null;
  before: DirectoryUser | DirectoryGroup | null;
  after: DirectoryUser | DirectoryGroup | null;
}

/**
 * What applying one event did: `applied` (its changes are stored; there may be none), `duplicate`
 * (its id was applied before: nothing changed), `stale` (the store holds a newer state of its user
 * or group: nothing changed but its id, now recorded) or `ignored` (not a user or group event).
 */
export type ApplyStatus = "applied" | "duplicate" | "stale" | "ignored";

export interface ApplyResult {
  status: ApplyStatus;
  /** The event, normalized. */
  event: DirectoryEvent;
  /** The changes it made (empty unless `applied`). */
  changes: Change[];
}

/** An event a catch-up could not apply; the others went on. */
export interface RejectedEvent {
  id: string | null;
  /** `invalid_event`, or the normalizer's code. */
  code: string;
  message: string;
}

/**
 * What a full sync or a catch-up did: one count per kind of change, plus `unchanged` (full sync:
 * listed items that needed no change, missing users already inactive) and, for catch-ups, the
 * status of each event read.
 */
export interface SyncSummary {
  user_created: number;
  user_updated: number;
  user_deactivated: number;
  user_reactivated: number;
  user_deleted: number;
  group_created: number;
  group_updated: number;
  group_deleted: number;
  member_added: number;
  member_removed: number;
  unchanged: number;
  applied: number;
  duplicate: number;
  stale: number;
  ignored: number;
  /** Events that could not be applied; the first 100 are in `rejected_events`. */
  rejected: number;
  rejected_events: RejectedEvent[];
}

/** An `onChange` call that threw (see {@link DirectorySync}). */
export interface ChangeFailure {
  change: Change;
  error: unknown;
}

export interface DirectorySyncOptions {
  /** Where the copy lives: {@link memoryStore}, `sqliteStore(db)` from `scimkit/sqlite`, or your own {@link SyncStorePort}. */
  store: SyncStore | SyncStorePort;
  /** For `fullSync` and `catchUp`: the Directory API (a {@link ScalekitClient} works too). */
  client?: DirectoryClient | ScalekitClient;
  /** For `handleWebhook`: the endpoint's secret (`whsec_…`), or several during rotation. */
  webhookSecret?: WebhookSecret;
  /**
   * Called with each change after the commit that made it, in commit order, awaited before the
   * next one; at most once per change (a process that dies between the commit and the call does
   * not report it again). What it throws does not undo the change: the call completes, then
   * rejects with {@link SyncError} `on_change_failed` (with `failures` and `result`). When the
   * call itself fails, its error carries those failures as `onChangeFailures`.
   */
  onChange?: (change: Change) => void | Promise<void>;
  /** A full sync's users that the listing no longer shows: deactivated (default) or deleted. */
  onMissing?: "deactivate" | "delete";
}

export interface FullSyncScope {
  /** Only this organization (each of its directories). */
  organizationId?: string;
  /** Only this directory (needs `organizationId`). */
  directoryId?: string;
}

export interface CatchUpOptions {
  /**
   * How far before the last catch-up the next one starts reading, in seconds (default 300):
   * events become readable some time after they occur, and a window that does not overlap loses
   * those for good. Events read twice are applied once.
   */
  lagSeconds?: number;
  /**
   * Where the first catch-up (no checkpoint yet) starts; default: as far back as the events API
   * keeps. Ignored once a catch-up has run.
   */
  since?: Date | string | number;
}

/** One bounded step of one directory's full sync: {@link DirectorySync.fullSyncStep}. */
export interface FullSyncStepOptions {
  organizationId: string;
  directoryId: string;
  /** Commit at most this many listing pages and sweep batches, then return (default: no bound; 0 is 1). */
  maxPages?: number;
  /**
   * Continue this generation only: when it is over (or another one began), the step does
   * nothing (`status: "skipped"`). Without it: continue the run in progress, or start the next
   * generation when the last one is done — unless `leaseOwner` is the owner that started that
   * one (the same start delivered again: `skipped`).
   */
  generation?: number;
  /**
   * Take the directory's full-sync lease as this owner first (a name for the run, not the
   * process: give its continuations the same one), and guard every commit on it. Another
   * owner's unexpired lease makes the step `busy`; a step whose lease is taken over stops
   * with {@link SyncError} `lease_lost`, its current page not written.
   */
  leaseOwner?: string;
  /** How long the lease lasts after each commit, in seconds (default 60). */
  leaseTtlSeconds?: number;
}

/** What one full-sync step did. */
export interface FullSyncStepResult {
  /** `done`: the run ended (sweep included); `more`: the page budget ran out; `busy`: another owner holds the lease; `skipped`: the generation asked for is not in progress. */
  status: "done" | "more" | "busy" | "skipped";
  /** Nothing left for this run (`done` or `skipped`). */
  done: boolean;
  /** The generation worked on (or found; 0: none yet). Pass it as `generation` to continue. */
  generation: number;
  /** Commits made by this step. */
  pages: number;
  /** What this step did. */
  summary: SyncSummary;
  /** What the run did so far, this step included. */
  total: SyncSummary;
  /** `busy`: who holds the lease. */
  lease_owner: string | null;
  /** When the lease held (or, `busy`, the other owner's) lapses unless a commit renews it (RFC 3339). */
  lease_expires_at: string | null;
}

/**
 * Keeps a local copy of the directory — users, groups, memberships — in a store, from webhooks
 * (`handleWebhook`), the events API (`catchUp`) and the listings (`fullSync`). Every event applies
 * once whatever the route, an older event never overwrites newer state, and a delete leaves a
 * tombstone. Any number of instances and processes may share one store.
 */
export class DirectorySync {
  constructor(options: DirectorySyncOptions);
  /**
   * Verifies a delivery with `webhookSecret`, then applies its event. A delivery that fails
   * verification rejects with {@link WebhookVerificationError} before the store is read or
   * written. Pass the raw body (`express.raw()`, `await request.text()`).
   */
  handleWebhook(headers: WebhookHeaders, body: WebhookBody, options?: VerifyOptions): Promise<ApplyResult>;
  /**
   * Applies one event that is already verified: the envelope as delivered (its JSON text, its
   * bytes, or the parsed object). A user event whose `data.groups` is an array sets the user's
   * memberships; `null` leaves them. A normalized {@link DirectoryEvent} always has an array, so
   * pass the delivery's raw body where you have it.
   */
  applyEvent(event: DirectoryEvent | JsonObject | string | Uint8Array | ArrayBuffer): Promise<ApplyResult>;
  /**
   * Reconciles the store with the listings of every directory of every organization (or of one
   * organization, or one directory): creates, updates, deactivates (or deletes, with
   * `onMissing: "delete"`) so that the store equals the directory. Resumes from its checkpoint
   * after a crash. Sees deletions (as absence); memory stays bounded by a page.
   */
  fullSync(scope?: FullSyncScope): Promise<SyncSummary>;
  /**
   * One bounded, optionally leased step of one directory's full sync, for runners that cannot
   * walk a whole directory in one call (a Worker's queue consumer): see {@link FullSyncStepOptions}.
   * Resumes from the checkpoint; a continuation delivered twice applies nothing twice.
   */
  fullSyncStep(options: FullSyncStepOptions): Promise<FullSyncStepResult>;
  /**
   * Replays the events API from the last catch-up (minus `lagSeconds`) to now, oldest first:
   * what webhooks missed, deletions included. Each event applies once.
   */
  catchUp(options?: CatchUpOptions): Promise<SyncSummary>;
}

/** The app's reads of a store: users and groups in the normalized model, deleted ones left out, in id order. */
export interface SyncStoreReads {
  /** The user, or `null` (never seen, or deleted). Its `groups` is `[]`: see `listUserGroups`. */
  getUser(id: string): Promise<DirectoryUser | null>;
  /** Users not deleted (deactivated ones included, `active: false`). */
  listUsers(scope?: { organizationId?: string; directoryId?: string }): Promise<DirectoryUser[]>;
  /** The group, or `null` (never seen, or deleted). */
  getGroup(id: string): Promise<DirectoryGroup | null>;
  listGroups(scope?: { organizationId?: string; directoryId?: string }): Promise<DirectoryGroup[]>;
  /** The ids of the group's users. */
  listMembers(groupId: string): Promise<string[]>;
  /** The ids of the user's groups. */
  listUserGroups(userId: string): Promise<string[]>;
}

/** A stored user, as the port reads and writes it (tombstones included). */
export interface UserRecord {
  id: string;
  organization_id: string;
  directory_id: string | null;
  /** The time of the state held (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: text order is time order). */
  version: string;
  deleted: boolean;
  /** When the user's group list was last stated. */
  groups_version: string | null;
  /** The full sync that last listed it (0: never). */
  generation: number;
  /** Counts the writes of the row; guards compare it. */
  revision: number;
  active: boolean;
  data: DirectoryUser;
}

/** A stored group, as the port reads and writes it. */
export interface GroupRecord {
  id: string;
  organization_id: string;
  directory_id: string | null;
  version: string;
  deleted: boolean;
  generation: number;
  revision: number;
  data: DirectoryGroup;
}

export interface MembershipKey {
  group_id: string;
  user_id: string;
}

export interface Membership {
  group_id: string;
  user_id: string;
  organization_id: string;
  directory_id: string | null;
}

/**
 * "What I read is still there, unchanged": a user or group row by its `revision` (`null`: there
 * was no row, and must still be none), or a checkpoint by its exact `value` (`null`: there was
 * none) — a full sync's lease and progress.
 */
export type Guard =
  | { kind: "user"; id: string; revision: number | null }
  | { kind: "group"; id: string; revision: number | null }
  | { kind: "checkpoint"; key: string; value: string | null };

/**
 * Everything one decision writes, all or nothing. In one transaction the store checks that
 * `event.id` is not stored yet and that every guard holds; if not, it writes nothing and rejects
 * with an error whose `code` is `"store_conflict"` (the engine reads and decides again). Then it
 * stores the event id, writes the users and groups (insert or replace by id), removes then adds
 * the memberships (add: insert or ignore), and writes the checkpoints (insert or replace by key).
 */
export interface Changeset {
  event: { id: string; occurred_at: string | null } | null;
  guards: Guard[];
  put_users: UserRecord[];
  put_groups: GroupRecord[];
  add_members: Membership[];
  remove_members: MembershipKey[];
  checkpoints: { key: string; value: string }[];
}

/**
 * The rows of one organization and directory (and, with `include_unplaced`, the organization's
 * rows of unknown directory) that are not deleted and have `generation` below the query's, with
 * `id` after `after_id` (binary order), in id order, at most `limit`.
 */
export interface UnseenQuery {
  organization_id: string;
  directory_id: string;
  include_unplaced: boolean;
  generation: number;
  after_id: string | null;
  limit: number;
}

/**
 * Everything one event reads, asked at once (the optional {@link SyncStorePort.readEvent}): whether
 * `event_id` is stored, the user and group rows with these ids (tombstones included), the
 * memberships of `user_groups_of`, the members of `group_members_of`.
 */
export interface EventReadQuery {
  event_id: string | null;
  users: string[];
  groups: string[];
  user_groups_of: string | null;
  group_members_of: string | null;
}

/** What the single reads would answer to an {@link EventReadQuery}; with `applied: true` the rest may be empty. */
export interface EventReadAnswer {
  applied: boolean;
  users: UserRecord[];
  groups: GroupRecord[];
  user_groups: MembershipKey[];
  group_members: string[];
}

/**
 * Everything a full sync's page of users reads, asked at once (the optional
 * {@link SyncStorePort.readUsersPage}): the user rows with the ids in `users` (tombstones included)
 * and every membership of them, and the heads of the group rows with the ids in `groups`.
 */
export interface UsersPageQuery {
  users: string[];
  groups: string[];
}

/** What a page of users needs of each group it names: no `data`. */
export interface GroupHead {
  id: string;
  version: string;
  deleted: boolean;
  revision: number;
}

/** The answer to a {@link UsersPageQuery}: what `users`, `userGroups` and `groups` (without `data`) would answer. */
export interface UsersPageAnswer {
  users: UserRecord[];
  memberships: MembershipKey[];
  groups: GroupHead[];
}

/**
 * The storage port DirectorySync calls: reads, and one atomic commit with guards. Reads answer
 * rows as stored, in any order, leaving out ids without a row; record reads may answer the JSON
 * text of the array instead (skips a parse). A rejection with `code: "store_conflict"` from
 * `commit` means "nothing written, read again"; any other rejection fails the call.
 */
export interface SyncStorePort {
  hasEvent(id: string): Promise<boolean>;
  users(ids: string[]): Promise<UserRecord[] | string>;
  groups(ids: string[]): Promise<GroupRecord[] | string>;
  userGroups(userIds: string[]): Promise<MembershipKey[]>;
  groupMembers(groupId: string): Promise<string[]>;
  unseenUsers(query: UnseenQuery): Promise<UserRecord[] | string>;
  unseenGroups(query: UnseenQuery): Promise<GroupRecord[] | string>;
  checkpoint(key: string): Promise<string | null>;
  commit(changeset: Changeset): Promise<void>;
  /**
   * Optional: all of one event's reads in one call (JSON text of the answer, or the object).
   * Without it, DirectorySync asks `hasEvent`, `users`, `userGroups`, `groups`, `groupMembers`
   * one by one; with it, each event crosses into the store once before its commit.
   */
  readEvent?(query: EventReadQuery): Promise<EventReadAnswer | string>;
  /**
   * Optional: all of a full sync page's reads in one call (JSON text of the answer, or the
   * object). Without it, DirectorySync asks `users`, `userGroups` and `groups` one by one each
   * page, reading every named group's `data` it does not need.
   */
  readUsersPage?(query: UsersPageQuery): Promise<UsersPageAnswer | string>;
  /**
   * Optional: `true` when `commit` takes each written row's `data` as its JSON text (a string)
   * rather than the object — what a store that keeps `data` as JSON text writes as it is, with
   * no parse on the way in and no `JSON.stringify` on the way out. The built-in SQLite, D1 and
   * Postgres stores say `true`. Leave it out if your `commit` reads `data`'s fields.
   */
  readonly dataAsJson?: boolean;
}

/** A store: the app's reads and the port. */
export interface SyncStore extends SyncStoreReads, SyncStorePort {}

/** A store in memory (the core's own): for tests, demos, and apps that rebuild the copy when they start. */
export function memoryStore(): SyncStore;
