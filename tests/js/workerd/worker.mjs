// The Worker under test: bundled by esbuild with the `workerd` export condition from the installed
// package, run by Miniflare (workerd). /suite runs the shared suite; /webhook is the check.
import * as scimkit from "scimkit";
import { runSuite } from "./suite/runner.mjs";
import fixtures from "./fixtures.json";
import vectors from "./vectors.json";

function errorResponse(e) {
  const body = {
    ok: false,
    code: e?.code,
    name: e?.name,
    isScimkitError: e instanceof scimkit.ScimkitError,
    message: String(e?.message),
  };
  return Response.json(body, { status: e instanceof scimkit.WebhookVerificationError ? 400 : 500 });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/suite") {
      // POST { directory }: the local directory service's info (reached with fetch on 127.0.0.1).
      const directory = request.method === "POST" ? (await request.json()).directory : undefined;
      const summary = await runSuite(scimkit, { vectors, fixtures, directory, runtime: `workerd (${navigator.userAgent})` });
      return Response.json({ ...summary, userAgent: navigator.userAgent });
    }
    if (url.pathname === "/webhook" && request.method === "POST") {
      try {
        const body = await request.text();
        const event = scimkit.verifyWebhook(env.WEBHOOK_SECRET, request.headers, body);
        return Response.json({ ok: true, event });
      } catch (e) {
        return errorResponse(e);
      }
    }
    if (url.pathname === "/webhook-bytes" && request.method === "POST") {
      try {
        const body = new Uint8Array(await request.arrayBuffer());
        const { id, timestamp } = scimkit.verifySignature(env.WEBHOOK_SECRET, request.headers, body);
        return Response.json({ ok: true, id, timestamp });
      } catch (e) {
        return errorResponse(e);
      }
    }
    return new Response("not found", { status: 404 });
  },
};
