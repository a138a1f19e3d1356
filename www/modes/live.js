// Mode 4, Live: the Directory API client against the local directory service (organizations,
// directories, users and groups paged with the iterator, with switchable faults), and the
// service's signed webhook deliveries, received by www/serve.mjs and verified here in the tab.
// The only mode that makes requests; nothing is fetched before it is opened.
import { $, card, copyButton, debounce, h, pre, pretty } from "../lib/dom.js";
import { codeLink } from "./codes.js";

let lib;
let config;
let client;
let started = false;
let walking;
const received = [];

const FAULTS = {
  none: ["No faults", {}],
  rate: ["429 on every 4th request (Retry-After: 0)", { rateLimitEvery: 4, retryAfterSeconds: 0 }],
  burst: ["503 on 2 of every 5 requests", { serverErrorBurst: { every: 5, length: 2, status: 503 } }],
  drop: ["Connection dropped on every 4th request", { dropConnectionEvery: 4 }],
  malformed: ["Malformed JSON on every 4th response", { malformedEvery: 4 }],
  slow: ["Every 3rd response 400 ms late", { slowEvery: 3, slowMs: 400 }],
  expire: ["Token expires early on every 5th request", { expireTokensEvery: 5 }],
};

const base = () => $("#l-url").value.trim().replace(/\/+$/, "");
const ms = (t) => `${Math.round(t)} ms`;

async function admin(path, body) {
  const r = await fetch(`${base()}/_admin/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

function errorBox(err, extra) {
  return h(
    "div.error-box",
    { role: "alert" },
    err.code ? [codeLink(err.code), " "] : null,
    err.message,
    err.status ? ` (HTTP ${err.status}${err.attempts ? `, ${err.attempts} attempts` : ""})` : "",
    err.pageToken ? h("div", "Resume the walk from here with ", h("code", `{ pageToken: "${err.pageToken.slice(0, 24)}…" }`)) : null,
    extra,
  );
}

async function loadConfig() {
  const note = $("#l-config-note");
  try {
    const r = await fetch("/config.json", { cache: "no-store" });
    config = await r.json();
  } catch {
    config = {};
  }
  if (config.directoryUrl) {
    if (!$("#l-url").value) $("#l-url").value = config.directoryUrl;
    if (!$("#l-client-id").value) $("#l-client-id").value = config.clientId;
    if (!$("#l-client-secret").value) $("#l-client-secret").value = config.clientSecret;
    if (!$("#l-webhook-secret").value) $("#l-webhook-secret").value = config.webhookSecret;
    note.textContent = `Filled in from this server's /config.json: the directory service www/serve.mjs started (${config.organizations} organizations; ${config.usersPerDirectory} users and ${config.groupsPerDirectory} groups in each directory). Another service on 127.0.0.1 or localhost works too (the page's content security policy allows no other host).`;
  } else {
    note.textContent = "This server started no directory service (--no-directory). Start one with node tools/directory-service/cli.mjs --port 8787 and enter its address and credentials.";
  }
  $("#l-del-note").textContent = config.webhookUrl
    ? `Asks the directory service to play its seed's event sequence to ${config.webhookUrl}; this server passes each delivery to the tab unverified, and the tab verifies it with verifyWebhook.`
    : "";
}

async function connect() {
  const out = $("#l-out");
  client = new lib.DirectoryClient({
    environmentUrl: base(),
    clientId: $("#l-client-id").value.trim(),
    clientSecret: $("#l-client-secret").value,
    // Short backoff so the fault demos recover in a moment (the defaults suit production).
    backoffBaseMs: 50,
    backoffMaxMs: 500,
    maxRetries: 6,
    timeoutMs: 10_000,
  });
  out.replaceChildren(h("p.muted", "Connecting…"));
  const t0 = performance.now();
  try {
    const orgs = [];
    for await (const org of client.organizations({ pageSize: 100 })) {
      orgs.push(org);
      if (orgs.length >= 200) break;
    }
    const took = performance.now() - t0;
    out.replaceChildren(
      h(
        "div.panel",
        { id: "l-orgs" },
        h("h2", `Organizations `, h("span.muted", `${orgs.length} · ${ms(took)} (token + pages)`)),
        h(
          "div.tablewrap",
          h(
            "table",
            h("thead", h("tr", h("th", "id"), h("th", "name"), h("th", "external id"), h("th", ""))),
            h(
              "tbody",
              orgs.map((o) =>
                h(
                  "tr",
                  { dataset: { org: o.id } },
                  h("td", h("code", o.id)),
                  h("td", o.display_name ?? ""),
                  h("td", h("code", o.external_id ?? "")),
                  h("td", h("button.secondary", { type: "button", onclick: (e) => directories(o, e.target.closest("tr")) }, "Directories")),
                ),
              ),
            ),
          ),
        ),
        h("p.hint", "client.organizations() — the walk fetched the token first, then the pages."),
      ),
      h("div", { id: "l-dirs" }),
      h("div", { id: "l-walk" }),
    );
    if (orgs[0]) await directories(orgs[0], out.querySelector("tbody tr"));
  } catch (err) {
    out.replaceChildren(errorBox(err, h("div.hint", `Is a directory service listening at ${base()}? Its address and credentials are printed when it starts.`)));
  }
}

async function directories(org, row) {
  for (const tr of document.querySelectorAll("#l-orgs tr.selected")) tr.classList.remove("selected");
  row?.classList.add("selected");
  const box = $("#l-dirs");
  try {
    const t0 = performance.now();
    const { directories: dirs } = await client.listDirectories(org.id);
    const took = performance.now() - t0;
    box.replaceChildren(
      h(
        "div.panel",
        h("h2", `Directories of ${org.display_name ?? org.id} `, h("span.muted", `${dirs.length} · ${ms(took)}`)),
        walkOptions(),
        dirs.length
          ? h(
              "div.tablewrap",
              h(
                "table",
                h("thead", h("tr", h("th", "id"), h("th", "name"), h("th", "provider"), h("th.num", "users"), h("th.num", "groups"), h("th", "enabled"), h("th", ""))),
                h(
                  "tbody",
                  dirs.map((d) =>
                    h(
                      "tr",
                      h("td", h("code", d.id)),
                      h("td", d.name ?? ""),
                      h("td", d.directory_provider ?? ""),
                      h("td.num", String(d.total_users ?? "")),
                      h("td.num", String(d.total_groups ?? "")),
                      h("td", d.enabled ? "yes" : "no"),
                      h("td", walkControls(org, d)),
                    ),
                  ),
                ),
              ),
            )
          : h("p.muted", "No directory."),
      ),
    );
  } catch (err) {
    box.replaceChildren(errorBox(err));
  }
}

function walkControls(org, dir) {
  return h(
    "div.row",
    h("button.primary", { type: "button", dataset: { walk: "users" }, onclick: () => walk(org, dir, "users") }, "Walk users"),
    h("button.secondary", { type: "button", dataset: { walk: "groups" }, onclick: () => walk(org, dir, "groups") }, "Walk groups"),
  );
}

let optionsForm;
/** Page size, faults and prefetch for the walks: one form, kept across directories. */
function walkOptions() {
  if (optionsForm) return optionsForm;
  optionsForm = h(
    "form.row",
    { id: "l-walk-options", onsubmit: (e) => e.preventDefault() },
    h("label.field", "Page size ", h("input", { id: "l-page-size", type: "number", min: 1, max: 30, value: 30 })),
    h("label.field", "Faults injected by the service ", h("select", { id: "l-faults" }, Object.entries(FAULTS).map(([k, [label]]) => h("option", { value: k }, label)))),
    h("label.field.check", h("span", h("input", { id: "l-prefetch", type: "checkbox", checked: true }), "request the next page while reading one (prefetch)")),
  );
  return optionsForm;
}

async function walk(org, dir, what) {
  if (walking) walking.stop = true;
  const me = { stop: false };
  walking = me;
  const box = $("#l-walk");
  const options = walkOptions();
  for (const b of document.querySelectorAll("#l-dirs button[data-walk]")) b.disabled = true;
  const pageSize = Math.min(30, Math.max(1, Number($("#l-page-size", options)?.value) || 30));
  const faultKey = $("#l-faults", options)?.value ?? "none";
  const prefetch = $("#l-prefetch", options)?.checked ?? true;
  const rows = h("tbody");
  const summary = h("div.summary", { id: "l-walk-summary" }, "Walking…");
  const sample = h("div");
  const stopBtn = h("button.secondary", { type: "button", onclick: () => (me.stop = true) }, "Stop");
  const call = `for await (const page of client.directory${what === "users" ? "User" : "Group"}Pages(\n  "${org.id}", "${dir.id}",\n  { pageSize: ${pageSize}${prefetch ? "" : ", prefetch: false"} },\n)) { … page.${what} … }`;
  box.replaceChildren(
    h(
      "div.panel",
      { id: "l-walk-panel" },
      h("h2", `${what === "users" ? "Users" : "Groups"} of ${dir.name ?? dir.id} `, h("span.muted", `page size ${pageSize} · ${FAULTS[faultKey][0].toLowerCase()}${prefetch ? "" : " · no prefetch"}`)),
      summary,
      h("div.grid2", h("div.tablewrap", h("table", { id: "l-pages" }, h("thead", h("tr", h("th.num", "page"), h("th.num", what), h("th.num", "so far"), h("th.num", "waited"), h("th", "next_page_token"))), rows)), h("div", card("The call", pre(call), () => call), sample)),
      h("div.row", stopBtn),
    ),
  );
  let faultNote = "";
  try {
    await admin("faults", FAULTS[faultKey][1]);
    await admin("stats/reset", {});
  } catch {
    faultNote = " (this service has no admin endpoints: faults and request counts unavailable)";
  }
  const seen = new Set();
  let total = 0;
  let pages = 0;
  let totalSize;
  const t0 = performance.now();
  let tPrev = t0;
  try {
    const iter = what === "users" ? client.directoryUserPages(org.id, dir.id, { pageSize, prefetch }) : client.directoryGroupPages(org.id, dir.id, { pageSize, prefetch });
    for await (const page of iter) {
      const now = performance.now();
      const items = page[what];
      pages++;
      total += items.length;
      totalSize = page.total_size;
      for (const it of items) seen.add(it.id);
      rows.append(h("tr", h("td.num", String(pages)), h("td.num", String(items.length)), h("td.num", String(total)), h("td.num", ms(now - tPrev)), h("td", h("code", page.next_page_token ? `${page.next_page_token.slice(0, 18)}…` : "— last page"))));
      summary.textContent = `${total} of ${totalSize} ${what} · page ${pages}…`;
      if (pages === 1) {
        const first = items.slice(0, 6);
        const table =
          what === "users"
            ? h("table", h("thead", h("tr", h("th", "name"), h("th", "email"), h("th", "groups"))), h("tbody", first.map((u) => h("tr", h("td", u.name ?? ""), h("td", u.email ?? ""), h("td", u.groups.map((g) => g.name ?? g.id).join(", "))))))
            : h("table", h("thead", h("tr", h("th", "name"), h("th.num", "users"))), h("tbody", first.map((g) => h("tr", h("td", g.display_name ?? ""), h("td.num", String(g.total_users ?? ""))))));
        sample.replaceChildren(card(`First ${first.length} ${what} of page 1, normalized`, h("div.body.tablewrap", table), () => pretty(first)));
      }
      tPrev = performance.now();
      if (me.stop) break;
    }
    const took = performance.now() - t0;
    let stats;
    try {
      // The next walk sets its own faults; this one's stay until then.
      if (walking === me) stats = await admin("stats");
    } catch {
      /* reported above */
    }
    const exact = total === totalSize && seen.size === total;
    const listed = stats?.byEndpoint?.[what === "users" ? "listUsers" : "listGroups"];
    const injected = stats ? Object.entries(stats.faultsInjected).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`) : [];
    const parts = [
      h("span", h("b", String(total)), ` ${what} in `, h("b", String(pages)), ` pages · `, h("b", ms(took))),
      h("span", "total_size ", h("b", String(totalSize))),
      h(`span.badge.${exact ? "ok" : me.stop ? "warn" : "bad"}`, exact ? `each of the ${seen.size} exactly once` : me.stop ? "stopped" : `${seen.size} distinct of ${total}`),
      listed ? h("span", `${listed.total} page requests: `, Object.entries(listed.byStatus).map(([st, n]) => `${n}× ${st}`).join(", ")) : null,
      faultKey !== "none" && stats ? h("span.muted", `faults injected: ${injected.join(", ") || "none"}${injected.length ? " — each retried by the client" : ""}`) : null,
      faultNote ? h("span.muted", faultNote) : null,
    ];
    summary.replaceChildren(...parts.filter(Boolean));
    summary.dataset.total = String(total);
    summary.dataset.totalSize = String(totalSize);
    summary.dataset.distinct = String(seen.size);
    summary.dataset.pages = String(pages);
  } catch (err) {
    summary.replaceChildren(errorBox(err));
  } finally {
    stopBtn.disabled = true;
    for (const b of document.querySelectorAll("#l-dirs button[data-walk]")) b.disabled = false;
    if (walking === me) walking = undefined;
  }
}

// Deliveries ---------------------------------------------------------------------------------

function verifyDelivery(d) {
  const secret = $("#l-webhook-secret").value.trim();
  try {
    const event = lib.verifyWebhook(secret, d.headers, d.body);
    return { ok: true, event };
  } catch (err) {
    return { ok: false, code: err.code ?? "error", message: err.message };
  }
}

function renderFeed() {
  const feed = $("#l-feed");
  const firstSeen = new Map();
  let ok = 0;
  let bad = 0;
  let dups = 0;
  const items = received.map((d, i) => {
    const v = verifyDelivery(d);
    const id = d.headers["webhook-id"];
    const dupOf = firstSeen.get(id);
    if (dupOf === undefined) firstSeen.set(id, i + 1);
    else dups++;
    if (v.ok) ok++;
    else bad++;
    const data = v.ok ? v.event.data : undefined;
    const who = data ? data.email ?? data.display_name ?? data.name ?? data.id : undefined;
    return h(
      `li.${v.ok ? "ok" : "bad"}`,
      { dataset: { verdict: v.ok ? "ok" : v.code } },
      h("span.when", `#${i + 1} ${d.receivedAt.slice(11, 19)}`),
      h(
        "span.what",
        v.ok ? h("span.badge.ok", `✓ ${v.event.type.replace("organization.directory.", "")}`) : [h("span.badge.bad", "✗ not verified"), " ", codeLink(v.code)],
        who ? h("span", who) : null,
        h("code.muted", id ?? "no webhook-id"),
        dupOf !== undefined ? h("span.badge.warn", `duplicate of #${dupOf}: same webhook-id`) : null,
      ),
      h(
        "details",
        h("summary", "headers and raw body"),
        h("div.row", copyButton(() => JSON.stringify(d.headers, null, 2), "the headers"), copyButton(() => d.body, "the raw body"), h("span.hint", "paste them into Verify to see each step")),
        pre(Object.entries(d.headers).filter(([k]) => k.startsWith("webhook-") || k === "content-type").map(([k, v]) => `${k}: ${v}`).join("\n")),
        pre(d.body),
      ),
    );
  });
  feed.replaceChildren(...items.reverse());
  const summary = $("#l-del-summary");
  summary.replaceChildren(
    h("span", h("b", String(received.length)), " received"),
    h("span", h("b", String(ok)), " verified"),
    h("span", h("b", String(bad)), " failed"),
    h("span", h("b", String(dups)), ` duplicate${dups === 1 ? "" : "s"} (process each message once: key on webhook-id)`),
  );
  summary.dataset.received = String(received.length);
  summary.dataset.verified = String(ok);
  summary.dataset.failed = String(bad);
  summary.dataset.duplicates = String(dups);
}

function listen() {
  const source = new EventSource("/deliveries");
  source.addEventListener("delivery", (e) => {
    received.push(JSON.parse(e.data));
    renderFeed();
  });
}

async function deliver() {
  const btn = $("#l-deliver");
  const note = $("#l-del-note");
  btn.disabled = true;
  try {
    const report = await admin("deliver", {
      url: config.webhookUrl,
      maxUsers: Math.max(1, Math.min(100, Number($("#l-del-users").value) || 5)),
      maxGroups: 2,
      duplicates: Math.max(0, Math.min(10, Number($("#l-del-dups").value) || 0)),
    });
    note.textContent = `The service sent ${report.sent} messages: ${report.delivered} delivered, ${report.duplicates} duplicates, ${report.retried} retried, ${report.failures} failed.`; // the test reads this sentence
  } catch (err) {
    note.textContent = `Could not ask the service to deliver: ${err.message}`;
  } finally {
    btn.disabled = false;
  }
}

export function mount(ctx) {
  lib = ctx.lib;
  $("#l-form").addEventListener("submit", (e) => {
    e.preventDefault();
    connect();
  });
  $("#l-deliver").addEventListener("click", deliver);
  $("#l-clear").addEventListener("click", () => {
    received.length = 0;
    renderFeed();
  });
  $("#l-webhook-secret").addEventListener("input", debounce(renderFeed, 200));
}

export async function show() {
  if (started) return;
  started = true;
  await loadConfig();
  listen();
  renderFeed();
  if (base()) connect();
}
