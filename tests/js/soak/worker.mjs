// workerd side of the soak (tests/js/soak.test.mjs bundles it with the package's workerd entry and
// runs it in Miniflare): POST /soak { count, seed, deadlineMs } → the soak's summary as JSON.
import * as scimkit from "scimkit";
import { runSoak } from "./soak.mjs";
import fixtures from "../fixtures.json";
import vectors from "../vectors.json";
import pages from "../pages.json";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== "/soak" || request.method !== "POST") return new Response("not found", { status: 404 });
    const { count, seed, deadlineMs } = await request.json();
    const summary = await runSoak(scimkit, { count, seed, deadlineMs: deadlineMs ?? Infinity, fixtures, vectors, pages });
    return Response.json({ ...summary, runtime: `workerd (${navigator.userAgent})` });
  },
};
