// Mode 2, Sign: body + secret → the three Standard Webhooks headers and a curl command replaying
// the delivery. The fragment keeps body, id, timestamp and endpoint — never the secret.
import { $, card, copyButton, debounce, h, pre, pretty } from "../lib/dom.js";
import { DEFAULT_SCHEME, SCHEMES } from "../lib/schemes.js";
import { codeLink } from "./codes.js";
import * as verify from "./verify.js";

let lib;
let ctx;
let last;
/** Public keys of the key pairs generated in this tab, by secret key (kept in memory only). */
const publicKeys = new Map();

const DEFAULT_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DEFAULT_BODY = JSON.stringify({
  spec_version: "1",
  id: "evt_38862741515010160",
  type: "organization.directory.group_created",
  occurred_at: "2025-11-29T09:53:20.000Z",
  environment_id: "env_27758032200925221",
  organization_id: "org_64275165053550000",
  object: "DirectoryGroup",
  data: { id: "dirgroup_8798403119600000000000000", display_name: "Engineering", total_users: 8 },
});

/** A word for the shell, in single quotes (a ' inside becomes '\''). */
const sh = (v) => `'${String(v).replaceAll("'", "'\\''")}'`;

function curl(url, headers, body) {
  let json = false;
  try {
    JSON.parse(body);
    json = true;
  } catch {
    /* sent as text */
  }
  const lines = [`curl -i -X POST ${sh(url || "http://localhost:3000/webhooks/directory")}`, `-H ${sh(`content-type: ${json ? "application/json" : "text/plain"}`)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`-H ${sh(`${k}: ${v}`)}`);
  lines.push(`--data-binary ${sh(body)}`);
  return lines.join(" \\\n  ");
}

function run() {
  const out = $("#s-out");
  const scheme = SCHEMES[$("#s-scheme").value];
  const secrets = $("#s-secret").value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  const body = $("#s-body").value;
  const id = $("#s-id").value.trim();
  const tsText = $("#s-ts").value.trim();
  const timestamp = tsText === "" ? Math.floor(Date.now() / 1000) : Number(tsText);
  saveState();
  let headers;
  try {
    headers = scheme.sign(lib, secrets.length === 1 ? secrets[0] : secrets, { id: id || undefined, timestamp, body });
  } catch (err) {
    last = undefined;
    out.replaceChildren(h("div.verdict.bad", h("span.icon", "✗"), h("div", h("h2", "Cannot sign"), h("p", codeLink(err.code ?? "error"), " ", err.message))));
    return;
  }
  // Verify gets the public key of a pair made here: what a receiver holds.
  const forVerify = secrets.map((s) => publicKeys.get(s) ?? s);
  last = { secret: forVerify.join("\n"), scheme: $("#s-scheme").value, headers, body };
  const shownKeys = secrets.filter((s) => publicKeys.has(s)).map((s) => publicKeys.get(s));
  $("#s-pubkey").hidden = !shownKeys.length;
  const ts = Number(headers["webhook-timestamp"]);
  const until = new Date((ts + 300) * 1000);
  const fresh = ts * 1000 + 300_000 > Date.now() && ts * 1000 - 300_000 < Date.now();
  const block = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\n");
  const command = curl($("#s-url").value.trim(), headers, body);
  out.replaceChildren(
    h(
      `div.verdict.${fresh ? "ok" : "warn"}`,
      h("span.icon", fresh ? "✓" : "!"),
      h(
        "div",
        h("h2", `Signed${secrets.length > 1 ? ` with ${secrets.length} secrets` : ""}`),
        h("p", fresh ? `A receiver with the default ±300 s tolerance accepts it until ${until.toLocaleTimeString()}; sign again after that.` : `This timestamp is outside ±300 s of now: a receiver refuses it (${ts * 1000 < Date.now() ? "timestamp_too_old" : "timestamp_too_new"}).`),
      ),
    ),
    card("Headers", pre(block), () => block, h("span.sub", "signWebhook(secret, { id, timestamp, body })")),
    shownKeys.length ? card("Public key — give this to receivers", pre(shownKeys.join("\n")), () => shownKeys.join("\n"), h("span.sub", "verifyWebhook(publicKey, headers, body)")) : null,
    card("curl — replay it against your endpoint", pre(command), () => command),
    card("Headers as JSON", pre(pretty(headers)), () => pretty(headers), h("span.sub", "for fetch() or new Headers()")),
    h("div.row", h("button.primary", { type: "button", id: "s-to-verify", onclick: toVerify }, "Verify this delivery →"), h("span.hint", `opens Verify with ${shownKeys.length ? "the public key" : "this secret"}, these headers and this body`)),
  );
}

function toVerify() {
  if (!last) return;
  verify.load({ secret: last.secret, scheme: last.scheme, headers: Object.entries(last.headers).map(([k, v]) => `${k}: ${v}`).join("\n"), body: last.body });
  ctx.go("verify");
}

function saveState() {
  const p = new URLSearchParams();
  p.set("body", $("#s-body").value);
  if ($("#s-id").value.trim()) p.set("id", $("#s-id").value.trim());
  if ($("#s-ts").value.trim()) p.set("ts", $("#s-ts").value.trim());
  p.set("url", $("#s-url").value.trim());
  if ($("#s-scheme").value !== DEFAULT_SCHEME) p.set("scheme", $("#s-scheme").value);
  ctx.saveState("sign", p);
}

const newId = () => lib.signWebhook(DEFAULT_SECRET, { body: "" })["webhook-id"];

export function mount(c) {
  ctx = c;
  lib = c.lib;
  const scheme = $("#s-scheme");
  for (const [id, s] of Object.entries(SCHEMES)) scheme.append(new Option(s.label, id));
  scheme.value = DEFAULT_SCHEME;
  const applyScheme = () => {
    $("#s-secret-label").textContent = SCHEMES[scheme.value].secretLabel;
    $("#s-secret-hint").textContent = SCHEMES[scheme.value].signSecretHint;
  };
  applyScheme();
  $("#s-secret").value = DEFAULT_SECRET;
  $("#s-body").value = DEFAULT_BODY;
  $("#s-id").value = newId();
  const form = $("#s-form");
  form.addEventListener("input", debounce(run, 200));
  form.addEventListener("change", (e) => {
    if (e.target.id === "s-scheme") applyScheme();
    run();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  $("#s-gen-secret").addEventListener("click", () => {
    $("#s-secret").value = lib.generateWebhookSecret();
    scheme.value = "v1";
    applyScheme();
    $("#s-pubkey").hidden = true;
    run();
  });
  $("#s-gen-pair").addEventListener("click", () => {
    const { secretKey, publicKey } = lib.generateSigningKeyPair();
    publicKeys.set(secretKey, publicKey);
    $("#s-secret").value = secretKey;
    scheme.value = "v1a";
    applyScheme();
    const note = $("#s-pubkey");
    note.replaceChildren("Public key (for receivers): ", h("code", { id: "s-pubkey-value" }, publicKey), " ", copyButton(() => publicKey, "the public key"));
    note.hidden = false;
    run();
  });
  $("#s-new-id").addEventListener("click", () => {
    $("#s-id").value = newId();
    run();
  });
  $("#s-now").addEventListener("click", () => {
    $("#s-ts").value = String(Math.floor(Date.now() / 1000));
    run();
  });
}

export function show(params, { changed }) {
  if ([...params.keys()].length) {
    if (params.has("body")) $("#s-body").value = params.get("body");
    $("#s-id").value = params.get("id") ?? $("#s-id").value;
    $("#s-ts").value = params.get("ts") ?? "";
    if (params.has("url")) $("#s-url").value = params.get("url");
    const scheme = params.get("scheme");
    if (scheme in SCHEMES && scheme !== $("#s-scheme").value) {
      $("#s-scheme").value = scheme;
      $("#s-scheme").dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  if (changed || params.size) run();
}
