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
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "invalid_signature"
  | "parsed_body"
  | "payload_too_large"
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
  | "no_target";

/**
 * The RFC 7644 §3.12 `scimType` of a {@link NormalizationError}: what a SCIM endpoint answers
 * with (HTTP 400). `invalid_json`, `unsupported_resource`, `invalid_patch` → `invalidSyntax`;
 * `invalid_path` → `invalidPath`; `invalid_filter` → `invalidFilter`; `invalid_value` →
 * `invalidValue`; `too_complex` → `tooMany`; `no_target` → `noTarget`.
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
  | "pagination_loop";

/**
 * Base class of every error scimkit throws. `code` is stable; the message says what was wrong and
 * where, and never contains a secret, a token or an expected signature. Base-class codes:
 * `invalid_argument` (an option of the wrong type) and `not_initialized` (browser, before `init()`).
 */
export class ScimkitError extends Error {
  readonly code: string;
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
  /** For walks: the page token to resume from (the page that failed). */
  readonly pageToken?: string;
  /** Requests sent for the failed call. */
  readonly attempts: number;
}

// ---------------------------------------------------------------------------------------------
// Webhooks (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)

/** A `whsec_…` secret, or several during rotation (any one may match). */
export type WebhookSecret = string | readonly string[];

/** Request headers: a Fetch `Headers`, a `Map`, or a plain object such as Node's `req.headers` (any key case). */
export type WebhookHeaders =
  | Headers
  | ReadonlyMap<string, string | readonly string[]>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The raw request body exactly as received (a Node `Buffer` is a `Uint8Array`). */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

export interface VerifyOptions {
  /** Allowed clock difference in seconds, both ways, inclusive. Default 300. */
  toleranceSeconds?: number;
  /** The current time (for tests). Default `Date.now()`. */
  now?: Date | number;
  /** Larger bodies fail with `payload_too_large` before hashing. Default 1 MiB (1,048,576). */
  maxBodyBytes?: number;
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

export interface SignInput {
  /** Message id; default a random `msg_…`. */
  id?: string;
  /** Unix seconds or a `Date`; default now. */
  timestamp?: number | Date;
  /** The body to sign; default `""`. */
  body?: WebhookBody;
}

/** The headers to send with a signed body (one `v1,` signature per secret, space-separated). */
export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

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

export interface NormalizeOptions {
  /** The sending provider, when known; otherwise detected where the payload shows it. */
  provider?: ProviderName;
}

/** A reference-service event, in either envelope shape → the normalized event. */
export function normalizeEvent(payload: JsonInput): DirectoryEvent;

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
export function applyScimPatch(resource: JsonInput, patch: JsonInput): JsonObject;

/** A SCIM request your app received. Paths may carry a base prefix (`/scim/v2/Users/42`). */
export interface ScimRequest {
  method: string;
  path: string;
  body?: JsonInput | null;
}

export interface ScimRequestOptions extends NormalizeOptions {
  organizationId?: string;
  directoryId?: string;
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
  /** Defaults to the global `fetch`; pass one to use a proxy or a test double. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Retries of 429, 408, 502, 503, 504, network errors, timeouts and malformed JSON. Default 4. */
  maxRetries?: number;
  /** Per-request timeout in ms. Default 30,000; 0 disables it. */
  timeoutMs?: number;
  /** Backoff before retry n (from 0): a random wait up to min(backoffMaxMs, backoffBaseMs · 2ⁿ). Default 500. */
  backoffBaseMs?: number;
  /** Default 30,000. */
  backoffMaxMs?: number;
  /** Longest `Retry-After` honoured; longer ones are cut to this. Default 60,000. */
  maxRetryAfterMs?: number;
}

export interface PageOptions {
  pageSize?: number;
  /** Start (or resume) from this page token. */
  pageToken?: string;
}

export interface UserListOptions extends PageOptions {
  includeDetail?: boolean;
  directoryGroupId?: string;
  updatedAfter?: string | Date;
}

export interface GroupListOptions extends PageOptions {
  includeDetail?: boolean;
  updatedAfter?: string | Date;
  includeExternalGroups?: boolean;
}

/** Options of the walks (iterators): the listing's, plus how far ahead they request. */
export interface WalkOptions {
  /**
   * Default `true`: when a page is handed to you, the request for the next one has already been
   * sent (still one request at a time), so the server works while you read. At most one page is
   * requested ahead; breaking off the walk aborts it. `false`: exactly one request per page you
   * get (e.g. a Worker counting its subrequests).
   */
  prefetch?: boolean;
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
