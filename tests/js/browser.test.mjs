// Browser runner: a node:http static server on 127.0.0.1:0 serves the installed tarball's files
// (/pkg/…), the suite (/suite/…) and test pages; headless Debian Chromium via playwright-core
// loads the package's `browser` export through an import map, runs `await init(); await init();`
// and the shared suite. A second page checks that use before init() throws `not_initialized`.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startSuiteDirectory } from "./lib/directory.mjs";
import { jsDir, prepareProject, readJson, reportCases, workDir } from "./lib/harness.mjs";
import { listCases } from "./suite/runner.mjs";

const LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".wasm": "application/wasm" };

let proj;
let server;
let origin;
let browser;
let entry;
let directory;
const hits = new Map();

function serveFile(res, root, rel) {
  const file = normalize(join(root, rel));
  if (!file.startsWith(root + sep)) return false;
  let st;
  try {
    st = statSync(file);
  } catch {
    return false;
  }
  if (!st.isFile()) return false;
  let body = readFileSync(file);
  if (extname(file) === ".html") body = Buffer.from(body.toString("utf8").replaceAll("__SCIMKIT_ENTRY__", entry));
  res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
  res.end(body);
  return true;
}

before(async () => {
  proj = prepareProject("browser");
  directory = await startSuiteDirectory();
  // The import map points at the package's own `browser` export, read from the installed package.json.
  const exp = readJson(join(proj.installed, "package.json")).exports["."].browser;
  assert.equal(typeof exp, "string", "exports['.'].browser is a path");
  entry = `/pkg/${exp.replace(/^\.\//, "")}`;
  const routes = [
    ["/pkg/", proj.installed],
    ["/suite/", join(proj.harness, "suite")],
    ["/", join(jsDir, "browser")],
  ];
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === "/vectors.json" && serveFile(res, proj.harness, "vectors.json")) return;
    if (path === "/fixtures.json" && serveFile(res, proj.harness, "fixtures.json")) return;
    if (path === "/directory.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(directory.info));
      return;
    }
    for (const [prefix, root] of routes) {
      if (path.startsWith(prefix) && serveFile(res, root, path.slice(prefix.length))) return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: LAUNCH_ARGS, headless: true, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  await directory?.close();
  proj?.cleanup();
});

async function openPage(path) {
  const page = await browser.newPage();
  const problems = [];
  // The Directory API cases provoke 4xx/5xx answers, dropped connections and aborted requests from
  // the directory service on purpose: Chromium logs those as console errors, so they are not problems.
  const fromDirectory = (url) => typeof url === "string" && url.startsWith(`${directory.info.url}/`);
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && !fromDirectory(m.location()?.url) && problems.push(`console.error: ${m.text()} (${m.location()?.url ?? ""})`));
  page.on("response", (r) => r.status() >= 400 && !fromDirectory(r.url()) && problems.push(`HTTP ${r.status()} ${r.url()}`));
  await page.goto(`${origin}${path}`, { timeout: 30_000 });
  await page.waitForFunction(() => window.__scimkitResult !== undefined, null, { timeout: 90_000 });
  const result = await page.evaluate(() => window.__scimkitResult);
  return { page, result, problems };
}

test("shared suite in Chromium after `await init(); await init();`", async (t) => {
  const { page, result, problems } = await openPage("/index.html");
  mkdirSync(workDir, { recursive: true });
  await page.screenshot({ path: join(workDir, "browser.png"), fullPage: false });
  assert.equal(result.fatal, undefined, result.fatal);
  const expected = listCases().filter((c) => !c.nodeOnly).length;
  await reportCases(t, result, { expectedTotal: expected, label: "chromium" });
  assert.deepEqual(problems, [], "no page errors, console errors or failed requests");
  assert.equal(hits.get("/pkg/scimkit_bg.wasm"), 1, "the .wasm was fetched exactly once despite two init() calls");
  assert.equal(hits.get(entry), 1, "the browser entry was loaded");
  assert.equal(hits.get("/pkg/node.cjs"), undefined, "the node entry was not loaded");
  await page.close();
});

test("calling the API before init() throws ScimkitError not_initialized; works after init()", async () => {
  const { page, result, problems } = await openPage("/before-init.html");
  assert.equal(result.fatal, undefined, result.fatal);
  for (const [name, r] of Object.entries(result.before)) {
    assert.equal(r.threw, true, `${name} threw`);
    assert.equal(r.isError, true, `${name} instanceof Error`);
    assert.equal(r.isScimkitError, true, `${name} instanceof ScimkitError`);
    assert.equal(r.code, "not_initialized", `${name} code`);
    assert.match(r.message, /init\(\)/, `${name} message mentions init()`);
  }
  assert.equal(Object.keys(result.before).length, 4);
  assert.deepEqual(result.after, { id: "msg_after", timestamp: 1700000000 }, "works after init()");
  assert.deepEqual(problems, []);
  await page.close();
});
