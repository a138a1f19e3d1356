#!/usr/bin/env node
// Serves the demo page and the built package on 127.0.0.1, next to a local directory service
// (tools/directory-service) for the page's live Directory API walk.
//   node www/serve.mjs [--port 8080] [--no-directory]
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const args = process.argv.slice(2);
const portArg = args.indexOf("--port");
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
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

let directory;
if (!args.includes("--no-directory")) {
  const { startDirectoryService } = await import("../tools/directory-service/server.mjs");
  directory = await startDirectoryService({ orgs: 2, usersPerDirectory: 250, groupsPerDirectory: 8 });
}

/** Maps a URL path to a file under www/ or pkg/, refusing anything outside them. */
function resolve(pathname) {
  const [base, rest] = pathname.startsWith("/pkg/") ? ["pkg", pathname.slice(5)] : ["www", pathname.slice(1) || "index.html"];
  const dir = join(root, base);
  const file = normalize(join(dir, decodeURIComponent(rest)));
  return file.startsWith(dir + sep) ? file : undefined;
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/config.json") {
    const body = directory
      ? {
          directoryUrl: directory.url,
          clientId: directory.clientId,
          clientSecret: directory.clientSecret,
          webhookSecret: directory.webhookSecret,
          organizationId: directory.seed.organizations[0].id,
          directoryId: directory.seed.organizations[0].directories[0].id,
        }
      : {};
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
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

server.listen(port, "127.0.0.1", () => {
  console.log(`scimkit demo: http://127.0.0.1:${server.address().port}/`);
  if (directory) console.log(`local directory service: ${directory.url} (client ${directory.clientId})`);
});

const stop = async () => {
  server.close();
  await directory?.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
