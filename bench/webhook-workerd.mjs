// The webhook benchmark inside workerd (Miniflare). Clocks inside workerd only advance across
// I/O, so each measurement is one dispatched request running a fixed number of iterations, timed
// from Node; an empty request of the same shape is subtracted.
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { eventBody, fmt, ratio } from "./lib.mjs";

const WORKER = `
import { verifyWebhook, verifySignature, signWebhook } from "scimkit";
import { Webhook } from "standardwebhooks";

const enc = new TextEncoder();
let subtleKey;
async function subtleVerify(secret, headers, body) {
  subtleKey ??= await crypto.subtle.importKey("raw", Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const id = headers["webhook-id"], ts = headers["webhook-timestamp"];
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) throw new Error("timestamp");
  const data = enc.encode(id + "." + ts + "." + body);
  for (const part of headers["webhook-signature"].split(" ")) {
    const [v, sig] = part.split(",");
    if (v !== "v1") continue;
    const mac = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify("HMAC", subtleKey, mac, data)) return JSON.parse(body);
  }
  throw new Error("signature");
}

export default {
  async fetch(request) {
    const { impl, size, n, secret, body } = await request.json();
    const headers = signWebhook(secret, { id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", body });
    const sw = new Webhook(secret);
    const fns = {
      none: () => 0,
      verifyWebhook: () => verifyWebhook(secret, headers, body),
      verifySignature: () => verifySignature(secret, headers, body),
      verifySignatureParse: () => { verifySignature(secret, headers, body); return JSON.parse(body); },
      standardwebhooks: () => sw.verify(body, headers),
      subtle: () => subtleVerify(secret, headers, body),
    };
    const fn = fns[impl];
    fn(); // sanity: throws if this implementation rejects the delivery
    let last;
    for (let i = 0; i < n; i++) { last = fn(); if (last && last.then) await last; }
    return new Response("ok");
  },
};
`;

export async function runWorkerdBench({ root, secret, quick }) {
  // Resolve "scimkit" as a package (not a path alias), so its `workerd` export condition applies.
  const modules = join(root, "build", "bench-modules", "node_modules");
  mkdirSync(modules, { recursive: true });
  rmSync(join(modules, "scimkit"), { force: true });
  symlinkSync(join(root, "pkg"), join(modules, "scimkit"), "dir");
  const bundle = await build({
    stdin: { contents: WORKER, resolveDir: root, sourcefile: "bench-worker.mjs" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["*.wasm"],
    write: false,
    nodePaths: [modules, join(root, "node_modules")],
    logLevel: "error",
  });
  const code = bundle.outputFiles[0].text;
  const wasmImport = code.match(/from\s+"([^"]+scimkit_bg\.wasm)"/)[1];
  const mf = new Miniflare({
    compatibilityDate: "2026-04-01",
    modules: [
      { type: "ESModule", path: "worker.mjs", contents: code },
      { type: "CompiledWasm", path: wasmImport, contents: readFileSync(join(root, "pkg", "scimkit_bg.wasm")) },
    ],
    modulesRoot: "/",
  });
  const impls = ["verifyWebhook", "verifySignature", "verifySignatureParse", "standardwebhooks", "subtle"];
  const rows = [];
  try {
    for (const size of [256, 1024, 16 * 1024]) {
      const body = eventBody(size);
      const n = Math.max(50, Math.round((quick ? 2e6 : 6e6) / size));
      const time = async (impl) => {
        const t0 = performance.now();
        const res = await mf.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify({ impl, size, n, secret, body }) });
        if (res.status !== 200) throw new Error(`${impl} ${size}: ${res.status} ${await res.text()}`);
        await res.text();
        return performance.now() - t0;
      };
      const samples = Object.fromEntries(["none", ...impls].map((k) => [k, []]));
      await time("none");
      for (const impl of impls) await time(impl); // warm-up
      for (let r = 0; r < (quick ? 3 : 5); r++) for (const k of Object.keys(samples)) samples[k].push(await time(k));
      const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
      const base = med(samples.none);
      const row = { size };
      for (const impl of impls) row[impl] = (n / Math.max(0.001, med(samples[impl]) - base)) * 1000;
      rows.push(row);
    }
  } finally {
    await mf.dispose();
  }
  console.log("\n## workerd (Miniflare 4.20260426.0): verifications per second\n");
  console.log("| body | scimkit verifyWebhook | scimkit verifySignature | scimkit verifySignature + JSON.parse | standardwebhooks | await crypto.subtle.verify + JSON.parse | (verifySignature + JSON.parse) ÷ standardwebhooks | (verifySignature + JSON.parse) ÷ subtle | verifyWebhook ÷ standardwebhooks |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const label = r.size >= 1024 ? `${r.size / 1024} KiB` : `${r.size} B`;
    console.log(`| ${label} | ${fmt(r.verifyWebhook)} | ${fmt(r.verifySignature)} | ${fmt(r.verifySignatureParse)} | ${fmt(r.standardwebhooks)} | ${fmt(r.subtle)} | ${ratio(r.verifySignatureParse, r.standardwebhooks)} | ${ratio(r.verifySignatureParse, r.subtle)} | ${ratio(r.verifyWebhook, r.standardwebhooks)} |`);
  }
}
