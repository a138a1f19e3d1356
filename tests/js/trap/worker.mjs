// The Worker for the trap cases (bundled by tests/js/trap.test.mjs from the installed trap-test
// package with the workerd condition). POST /trap runs the cases; POST /trap-now traps the
// instance in one request and POST /verify, a later request, verifies a delivery on it.
import * as scimkit from "scimkit";
import { adminClient } from "../suite/directory-helpers.mjs";
import { runTrapCases } from "./cases.mjs";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "POST") return new Response("not found", { status: 404 });
    if (url.pathname === "/trap") {
      const { directory } = await request.json();
      const summary = await runTrapCases(scimkit, { directory: { ...directory, admin: adminClient(directory.url) } });
      return Response.json({ ...summary, runtime: `workerd (${navigator.userAgent})` });
    }
    if (url.pathname === "/trap-now") {
      try {
        scimkit.trapForTest("panic");
        return Response.json({ trapped: false });
      } catch (e) {
        return Response.json({ trapped: true, code: e.code, isScimkitError: e instanceof scimkit.ScimkitError, message: e.message });
      }
    }
    if (url.pathname === "/verify") {
      try {
        const body = await request.text();
        return Response.json({ ok: true, event: scimkit.verifyWebhook(env.WEBHOOK_SECRET, request.headers, body) });
      } catch (e) {
        return Response.json({ ok: false, code: e.code, message: e.message }, { status: 400 });
      }
    }
    return new Response("not found", { status: 404 });
  },
};
