#!/usr/bin/env node
// v1a (Ed25519) verifications per second in Node, one process: scimkit `verifySignature` with a
// `whpk_` public key vs what an app would write with node:crypto's Ed25519 (OpenSSL) — the same
// header parsing, timestamp check and JSON.parse on both sides; plus `v1` on the same bodies for
// scale. Run after `npm run build`:
//   node bench/webhook-v1a.mjs [--quick]
import { createPublicKey, verify } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventBody, fmt, measure, ratio } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const scimkit = require(join(root, "pkg", "node.cjs"));
const quick = process.argv.includes("--quick");
const opts = quick ? { rounds: 3, ms: 150, warmupMs: 100 } : { rounds: 5, ms: 300, warmupMs: 300 };

const pair = scimkit.generateSigningKeyPair();
const secret = scimkit.generateWebhookSecret();
// The receiver's key, imported once (as an app would at start-up).
const x = Buffer.from(pair.publicKey.slice(5), "base64").toString("base64url");
const nodeKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });

/** What an app would write by hand with node:crypto. */
function nodeCrypto(headers, body) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) throw new Error("timestamp");
  const content = Buffer.concat([Buffer.from(`${id}.${ts}.`), Buffer.from(body)]);
  for (const part of headers["webhook-signature"].split(" ")) {
    const [v, sig] = part.split(",");
    if (v === "v1a" && sig && verify(null, content, nodeKey, Buffer.from(sig, "base64"))) return JSON.parse(body);
  }
  throw new Error("signature");
}

const rows = [];
for (const size of [256, 1024, 16 * 1024]) {
  const body = eventBody(size);
  const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  const v1a = scimkit.signWebhook(pair.secretKey, { id, body });
  const v1 = scimkit.signWebhook(secret, { id, body });
  // Sanity: both sides accept the delivery before it is timed.
  scimkit.verifySignature(pair.publicKey, v1a, body);
  nodeCrypto(v1a, body);
  const r = await measure(
    {
      scimkitV1a: () => {
        scimkit.verifySignature(pair.publicKey, v1a, body);
        return JSON.parse(body);
      },
      nodeV1a: () => nodeCrypto(v1a, body),
      scimkitV1: () => {
        scimkit.verifySignature(secret, v1, body);
        return JSON.parse(body);
      },
    },
    opts,
  );
  rows.push({ size, ...r });
  process.stderr.write(`  ${size} B done\n`);
}

const label = (s) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`);
console.log(`\n## Node ${process.version}: v1a (Ed25519) verifications per second (median of ${opts.rounds} rounds)\n`);
console.log("Each includes JSON.parse of the body, as standardwebhooks.verify does.\n");
console.log("| body | scimkit v1a (whpk_) | node:crypto Ed25519 | scimkit ÷ node:crypto | scimkit v1 (whsec_), same body |");
console.log("|---|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(`| ${label(r.size)} | ${fmt(r.scimkitV1a)} | ${fmt(r.nodeV1a)} | ${ratio(r.scimkitV1a, r.nodeV1a)} | ${fmt(r.scimkitV1)} |`);
}
