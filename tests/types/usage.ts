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
  signWebhook,
  verifySignature,
  verifyWebhook,
  normalizeUser,
  normalizeGroup,
  normalizeEvent,
  applyScimPatch,
  normalizeScimRequest,
  WebhookVerificationError,
  type DirectoryEvent,
  type DirectoryUser,
  type WebhookErrorCode,
} from "scimkit";

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
}

export function normalization(raw: string, bytes: Uint8Array): boolean {
  const u: DirectoryUser = normalizeUser(raw, { provider: "entra" });
  const g = normalizeGroup(bytes);
  const patched = applyScimPatch({ userName: "a" }, { Operations: [{ op: "replace", path: "active", value: false }] });
  const { events, resource } = normalizeScimRequest(
    { method: "PATCH", path: "/scim/v2/Users/42", body: { Operations: [] } },
    { organizationId: "org_1", current: resource0(), now: new Date() },
  );
  const e: DirectoryEvent = normalizeEvent(raw);
  return u.active && g.members !== undefined && "userName" in patched && events.length >= 0 && resource !== undefined && e.partial === false;
}

function resource0(): { userName: string } {
  return { userName: "a" };
}
