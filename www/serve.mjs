#!/usr/bin/env node
// Serves the demo page and the built package on 127.0.0.1, next to a local directory service
// (tools/directory-service) for the page's Live mode. It also receives that service's signed
// webhook deliveries (POST /webhooks/directory) and streams them, unverified and byte for byte,
// to the page (GET /deliveries, Server-Sent Events), which verifies them with the library.
//   node www/serve.mjs [--port 8080] [--no-directory]
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const args = process.argv.slice(2);
const portArg = args.indexOf("--port");
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port needs a number from 0 to 65535, got ${args[portArg + 1]}`);
  process.exit(2);
}
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};
const MAX_DELIVERY_BYTES = 1024 * 1024;
const KEPT_DELIVERIES = 200;

let directory;
if (!args.includes("--no-directory")) {
  const { startDirectoryService } = await import("../tools/directory-service/server.mjs");
  directory = await startDirectoryService({ orgs: 2, usersPerDirectory: 250, groupsPerDirectory: 8 });
}

/** Maps a URL path to a file under www/ or pkg/, refusing anything outside them. */
function resolve(pathname) {
  const [base, rest] = pathname.startsWith("/pkg/") ? ["pkg", pathname.slice(5)] : ["www", pathname.slice(1) || "index.html"];
  const dir = join(root, base);
  let file;
  try {
    file = normalize(join(dir, decodeURIComponent(rest)));
  } catch {
    return undefined; // malformed %-escape
  }
  return file.startsWith(dir + sep) ? file : undefined;
}

// Deliveries: the last few kept so a page that reconnects (Last-Event-ID) misses none.
const deliveries = [];
const listeners = new Set();
let seq = 0;

function receiveDelivery(req, res) {
  const chunks = [];
  let size = 0;
  req.on("data", (c) => {
    size += c.length;
    if (size > MAX_DELIVERY_BYTES) {
      res.writeHead(413, { "content-type": "text/plain" }).end("payload too large");
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on("end", () => {
    if (res.writableEnded) return;
    const headers = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      headers[name] = name in headers ? `${headers[name]}, ${req.rawHeaders[i + 1]}` : req.rawHeaders[i + 1];
    }
    const delivery = { seq: ++seq, receivedAt: new Date().toISOString(), headers, body: Buffer.concat(chunks).toString("utf8") };
    deliveries.push(delivery);
    if (deliveries.length > KEPT_DELIVERIES) deliveries.shift();
    for (const send of listeners) send(delivery);
    // 204: delivered. The page, not this server, decides whether it verifies.
    res.writeHead(204).end();
  });
}

function streamDeliveries(req, res) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  res.write("retry: 1000\n\n");
  const send = (d) => res.write(`id: ${d.seq}\nevent: delivery\ndata: ${JSON.stringify(d)}\n\n`);
  const after = Number(req.headers["last-event-id"]);
  if (Number.isInteger(after)) for (const d of deliveries) if (d.seq > after) send(d);
  listeners.add(send);
  const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
  req.on("close", () => {
    clearInterval(ping);
    listeners.delete(send);
  });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/webhooks/directory" && req.method === "POST") return receiveDelivery(req, res);
  if (url.pathname === "/deliveries" && req.method === "GET") return streamDeliveries(req, res);
  if (url.pathname === "/config.json") {
    const { port: own } = server.address();
    const body = directory
      ? {
          directoryUrl: directory.url,
          clientId: directory.clientId,
          clientSecret: directory.clientSecret,
          webhookSecret: directory.webhookSecret,
          webhookUrl: `http://127.0.0.1:${own}/webhooks/directory`,
          organizations: directory.seed.organizations.length,
          usersPerDirectory: directory.seed.organizations[0]?.directories[0]?.total_users,
          groupsPerDirectory: directory.seed.organizations[0]?.directories[0]?.total_groups,
        }
      : { webhookUrl: `http://127.0.0.1:${own}/webhooks/directory` };
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
    return;
  }
  const file = resolve(url.pathname);
  try {
    if (!file || !(await stat(file)).isFile()) throw new Error("not found");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
});

server.on("error", async (err) => {
  console.error(err.code === "EADDRINUSE" ? `port ${port} is in use: pick another with --port N (0 = any free port)` : `cannot serve: ${err.message}`);
  await directory?.close();
  process.exit(1);
});

server.listen(port, "127.0.0.1", () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  console.log(`scimkit demo: ${url}`);
  if (directory) {
    console.log(`  local directory service: ${directory.url} (client ${directory.clientId})`);
    console.log(`  webhook deliveries are received at ${url}webhooks/directory`);
  }
  console.log("  stop with Ctrl-C");
});

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  server.close();
  server.closeAllConnections();
  await directory?.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
