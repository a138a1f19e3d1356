// Test glue for guide/webhook-handler.mjs (not a guide snippet): serves an Express-style handler
// on 127.0.0.1:0 with what `express.raw({ type: 'application/json' })` gives it: `req.body` is a
// Buffer of the raw bytes, `req.headers` are Node's lower-cased headers, and `res.status(n).json(v)`
// / `.send(v)` answer. Usage: node express-raw-server.mjs ./webhook-handler.mjs handlerExportName
// Prints "LISTENING <port>"; exits when stdin closes (so the runner's kill is never the only stop).
import { createServer } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [modulePath, exportName] = process.argv.slice(2);
const handler = (await import(pathToFileURL(resolve(modulePath)).href))[exportName];
if (typeof handler !== "function") throw new Error(`${modulePath} exports no function ${exportName}`);

const MAX_BODY = 2 * 1024 * 1024;

const server = createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on("data", (c) => {
    size += c.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(c);
  });
  req.on("end", async () => {
    const expressReq = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) };
    let status = 200;
    const expressRes = {
      status(n) {
        status = n;
        return expressRes;
      },
      json(v) {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(v));
        return expressRes;
      },
      send(v) {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(String(v ?? ""));
        return expressRes;
      },
    };
    try {
      await handler(expressReq, expressRes);
      if (!res.writableEnded) expressRes.status(500).send("handler sent no response");
    } catch (e) {
      console.error(`handler threw: ${e?.stack ?? e}`);
      if (!res.writableEnded) expressRes.status(500).send("handler threw");
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
process.stdin.on("end", () => server.close(() => process.exit(0)));
process.stdin.resume();
