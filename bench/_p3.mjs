import { verifyWebhook, signWebhook, normalizeEvent } from "/work/main/pkg/node.mjs";
import { eventBody } from "./lib.mjs";
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const size = Number(process.argv[2]);
const body = eventBody(size);
const headers = signWebhook(secret, { id: "msg_1", body });
let t0 = performance.now(); let n = 0;
while (performance.now() - t0 < 3000) { verifyWebhook(secret, headers, body); n++; }
console.log("verifyWebhook", (n / 3).toFixed(1), "/s");
t0 = performance.now(); n = 0;
while (performance.now() - t0 < 2000) { normalizeEvent(body); n++; }
console.log("normalizeEvent", (n / 2).toFixed(1), "/s");
