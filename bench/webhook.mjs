#!/usr/bin/env node
// Webhook verifications per second in Node, one process: scimkit vs standardwebhooks,
// @scalekit-sdk/node and raw node:crypto HMAC + JSON.parse; then the same inside workerd vs
// standardwebhooks and an `await crypto.subtle.verify` HMAC. Run after `npm run build`:
//   node bench/webhook.mjs [--quick] [--no-workerd | --workerd-only]
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventBody, fmt, measure, ratio } from "./lib.mjs";
import { runWorkerdBench } from "./webhook-workerd.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const scimkit = require(join(root, "pkg", "node.cjs"));
const { Webhook } = require("standardwebhooks");
const { ScalekitClient } = require("@scalekit-sdk/node");
const quick = process.argv.includes("--quick");
const workerdOnly = process.argv.includes("--workerd-only");
const opts = quick ? { rounds: 3, ms: 150, warmupMs: 100 } : { rounds: 5, ms: 300, warmupMs: 300 };

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const key = Buffer.from(secret.slice(6), "base64");
const sw = new Webhook(secret);
const sk = new ScalekitClient("https://example.invalid", "client", "secret");

/** What an app would write by hand with node:crypto. */
function nodeCrypto(headers, body) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) throw new Error("timestamp");
  const mac = createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest();
  for (const part of headers["webhook-signature"].split(" ")) {
    const [v, sig] = part.split(",");
    const got = Buffer.from(sig ?? "", "base64");
    if (v === "v1" && got.length === mac.length && timingSafeEqual(got, mac)) return JSON.parse(body);
  }
  throw new Error("signature");
}

const sizes = workerdOnly ? [] : [256, 1024, 16 * 1024, 256 * 1024, 1024 * 1024];
const rows = [];
for (const size of sizes) {
  const body = eventBody(size);
  const headers = scimkit.signWebhook(secret, { id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", body });
  // Sanity: every implementation accepts the same delivery before it is timed.
  scimkit.verifyWebhook(secret, headers, body);
  sw.verify(body, headers);
  sk.verifyWebhookPayload(secret, headers, body);
  nodeCrypto(headers, body);
  const r = await measure(
    {
      verifyWebhook: () => scimkit.verifyWebhook(secret, headers, body),
      verifySignature: () => scimkit.verifySignature(secret, headers, body),
      // What standardwebhooks.verify does: check the signature, then JSON.parse the body.
      verifySignatureParse: () => {
        scimkit.verifySignature(secret, headers, body);
        return JSON.parse(body);
      },
      standardwebhooks: () => sw.verify(body, headers),
      scalekit: () => sk.verifyWebhookPayload(secret, headers, body),
      nodeCrypto: () => nodeCrypto(headers, body),
    },
    opts,
  );
  rows.push({ size, ...r });
  process.stderr.write(`  ${size} B done\n`);
}

const label = (s) => (s >= 1024 * 1024 ? `${s / 1024 / 1024} MiB` : s >= 1024 ? `${s / 1024} KiB` : `${s} B`);
if (!workerdOnly) {
  console.log(`\n## Node ${process.version}: verifications per second (median of ${opts.rounds} rounds)\n`);
  console.log("verifyWebhook = verify + normalize into the model + JSON.parse; verifySignature + JSON.parse = what standardwebhooks.verify does.\n");
  console.log("| body | scimkit verifyWebhook | scimkit verifySignature | scimkit verifySignature + JSON.parse | standardwebhooks | @scalekit-sdk/node | node:crypto + JSON.parse | (verifySignature + JSON.parse) ÷ standardwebhooks | verifyWebhook ÷ standardwebhooks | verifySignature ÷ scalekit |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${label(r.size)} | ${fmt(r.verifyWebhook)} | ${fmt(r.verifySignature)} | ${fmt(r.verifySignatureParse)} | ${fmt(r.standardwebhooks)} | ${fmt(r.scalekit)} | ${fmt(r.nodeCrypto)} | ${ratio(r.verifySignatureParse, r.standardwebhooks)} | ${ratio(r.verifyWebhook, r.standardwebhooks)} | ${ratio(r.verifySignature, r.scalekit)} |`,
    );
  }
}

const wasmPath = join(root, "pkg", "scimkit_bg.wasm");
const wasm = readFileSync(wasmPath);
console.log(`\n.wasm: ${statSync(wasmPath).size.toLocaleString("en-US")} bytes raw, ${gzipSync(wasm, { level: 9 }).length.toLocaleString("en-US")} bytes gzip -9`);

if (!process.argv.includes("--no-workerd")) await runWorkerdBench({ root, secret, quick });
