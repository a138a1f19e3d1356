// Mode 1, Verify: a pasted delivery → the library's verdict step by step, and likely causes.
import { $, card, copyButton, debounce, h, pretty } from "../lib/dom.js";
import { analyzeDelivery } from "../lib/diagnose.js";
import { parseHeaderText } from "../lib/headers.js";
import { jsonView } from "../lib/json-view.js";
import { DEFAULT_SCHEME, SCHEMES } from "../lib/schemes.js";
import { codeLink } from "./codes.js";

let lib;

const EXAMPLE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/** A directory event as the reference service sends it (occurred_at set when used). */
function sampleEvent() {
  return {
    spec_version: "1",
    id: "evt_38862741515010159",
    type: "organization.directory.user_created",
    occurred_at: new Date().toISOString(),
    environment_id: "env_27758032200925221",
    organization_id: "org_64275165053550000",
    object: "DirectoryUser",
    data: {
      id: "diruser_8798403119600000000000000",
      organization_id: "org_64275165053550000",
      dp_id: "00u1ab2cd3EF4gh5i6j7",
      email: "jose.nunez@acme.example",
      preferred_username: "jose.nunez@acme.example",
      given_name: "José",
      family_name: "Núñez",
      active: true,
      groups: null,
      roles: [{ role_name: "member" }],
    },
  };
}

let examplePair;
/** One key pair for the v1a examples, generated in this tab on first use. */
const pair = () => (examplePair ??= lib.generateSigningKeyPair());

const block = (headers) => Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\n");

/** Examples, each signed by the library when picked (so timestamps are fresh). */
const EXAMPLES = {
  valid: ["A valid delivery", () => {
    const body = JSON.stringify(sampleEvent());
    return { secret: EXAMPLE_SECRET, headers: `POST /webhooks/directory HTTP/1.1\ncontent-type: application/json\n${block(lib.signWebhook(EXAMPLE_SECRET, { body }))}`, body };
  }],
  reserialized: ["Body re-serialized (pretty-printed by a logger)", () => {
    const event = sampleEvent();
    const headers = lib.signWebhook(EXAMPLE_SECRET, { body: JSON.stringify(event) });
    return { secret: EXAMPLE_SECRET, headers: block(headers), body: JSON.stringify(event, null, 2) };
  }],
  late: ["Arrived 7 minutes after it was signed", () => {
    const body = JSON.stringify(sampleEvent());
    return { secret: EXAMPLE_SECRET, headers: block(lib.signWebhook(EXAMPLE_SECRET, { body, timestamp: Math.floor(Date.now() / 1000) - 420 })), body };
  }],
  millis: ["Timestamp in milliseconds", () => {
    const body = JSON.stringify(sampleEvent());
    return { secret: EXAMPLE_SECRET, headers: block(lib.signWebhook(EXAMPLE_SECRET, { body, timestamp: Date.now() })), body };
  }],
  wrongSecret: ["Signed with another secret", () => {
    const body = JSON.stringify(sampleEvent());
    return { secret: EXAMPLE_SECRET, headers: block(lib.signWebhook(OTHER_SECRET, { body })), body };
  }],
  rotation: ["Secret rotation: two secrets, headers as JSON", () => {
    const body = JSON.stringify(sampleEvent());
    return { secret: `${OTHER_SECRET}\n${EXAMPLE_SECRET}`, headers: pretty(lib.signWebhook(EXAMPLE_SECRET, { body })), body };
  }],
  v1a: ["v1a: signed with an Ed25519 key, checked with its public key", () => {
    const body = JSON.stringify(sampleEvent());
    const { secretKey, publicKey } = pair();
    return { scheme: "v1a", secret: publicKey, headers: block(lib.signWebhook(secretKey, { body })), body };
  }],
  mixed: ["v1 and v1a in one header (whsec_ secret and whpk_ key)", () => {
    const body = JSON.stringify(sampleEvent());
    const { secretKey, publicKey } = pair();
    return { scheme: "v1a", secret: `${publicKey}\n${EXAMPLE_SECRET}`, headers: block(lib.signWebhook([EXAMPLE_SECRET, secretKey], { body })), body };
  }],
  notJson: ["Valid signature on a body that is not an event", () => {
    const body = "ping";
    return { secret: EXAMPLE_SECRET, headers: block(lib.signWebhook(EXAMPLE_SECRET, { body })), body };
  }],
  svix: ["Headers named svix-*", () => {
    const body = JSON.stringify(sampleEvent());
    const signed = lib.signWebhook(EXAMPLE_SECRET, { body });
    return { secret: EXAMPLE_SECRET, headers: `svix-id: ${signed["webhook-id"]}\nsvix-timestamp: ${signed["webhook-timestamp"]}\nsvix-signature: ${signed["webhook-signature"]}`, body };
  }],
  curl: ["A curl command (headers and body in one paste)", () => {
    const body = JSON.stringify(sampleEvent());
    const s = lib.signWebhook(EXAMPLE_SECRET, { body });
    const q = (v) => `'${v.replaceAll("'", "'\\''")}'`;
    return {
      secret: EXAMPLE_SECRET,
      headers: `curl -X POST http://localhost:3000/webhooks/directory \\\n  -H 'content-type: application/json' \\\n${Object.entries(s).map(([k, v]) => `  -H ${q(`${k}: ${v}`)} \\\n`).join("")}  --data-binary ${q(body)}`,
      body: "",
    };
  }],
};

/** Read out by screen readers in place of the ✓ ✗ ! marks drawn by CSS. */
const STATE_WORD = { ok: "passed: ", bad: "failed: ", warn: "warning: ", skip: "skipped: ", info: "" };

function input() {
  return {
    secretsText: $("#v-secret").value,
    headerText: $("#v-headers").value,
    bodyText: $("#v-body").value,
    bodyEncoding: $("#v-encoding").value,
    toleranceSeconds: Math.max(0, Math.floor(Number($("#v-tolerance").value) || 0)),
    asOf: document.querySelector('input[name="v-asof"]:checked').value,
  };
}

function run() {
  const scheme = SCHEMES[$("#v-scheme").value];
  const inp = input();
  const out = $("#v-out");
  if (!inp.secretsText.trim() && !inp.headerText.trim() && !inp.bodyText.trim()) {
    out.replaceChildren(h("div.verdict.idle", h("span.icon", "·"), h("div", h("h2", "Paste a delivery"), h("p", "…or load an example from the menu above."))));
    return;
  }
  const report = analyzeDelivery(lib, scheme, inp);
  render(out, report);
  const offer = report.bodyFromHeaders !== undefined && report.bodyFromHeaders !== inp.bodyText;
  $("#v-body-offer").hidden = !offer;
}

function render(out, r) {
  const parts = [];
  if (r.status === "ok") {
    const who = r.steps.find((s) => s.title === "Signature")?.items.find((i) => i.state === "ok")?.text.split(" — ")[1];
    parts.push(h("div.verdict.ok", h("span.icon", "✓"), h("div", h("h2", "Verified"), h("p", h("span.badge.ok", r.event.type), " ", r.event.id ?? "", who ? ` · ${who}` : ""))));
  } else if (r.status === "signature-only") {
    parts.push(h("div.verdict.warn", h("span.icon", "!"), h("div", h("h2", r.headline), h("p", codeLink(r.code), " from verifyWebhook — the signature itself checked out."))));
  } else if (r.status === "bad") {
    parts.push(h("div.verdict.bad", h("span.icon", "✗"), h("div", h("h2", r.headline), h("p", codeLink(r.code), " ", r.message))));
  } else {
    parts.push(h("div.verdict.warn", h("span.icon", "!"), h("div", h("h2", r.headline), r.code ? h("p", codeLink(r.code)) : null)));
  }
  parts.push(
    h("div.row.report-actions", h("span.hint", "Each step is the library's answer; copy the report for a ticket:"), copyButton(() => reportText(r), "the report")),
    h(
      "ol.steps",
      { "aria-label": "Verification steps" },
      r.steps.map((s, i) =>
        h(
          `li.${s.state}`,
          { dataset: { step: s.title.toLowerCase() } },
          h("span.n", { "aria-hidden": "true" }, s.state === "ok" ? "✓" : s.state === "bad" ? "✗" : String(i + 1)),
          h(
            "div",
            h("div.head", h("span.title", s.title), h("span.sum", s.summary ?? "")),
            s.items.length || s.notes?.length
              ? h("ul", s.items.map((it) => h(`li.${it.state}`, h("span.sr", STATE_WORD[it.state] ?? ""), it.text, it.detail ? h("span.detail", it.detail) : null)), (s.notes ?? []).map((n) => h("li.info", n)))
              : null,
          ),
        ),
      ),
    ),
  );
  if (r.causes.length) {
    parts.push(
      h(
        "section.causes",
        { "aria-label": "Likely causes" },
        h("h3", r.causes.length > 1 ? "Likely causes" : "Likely cause"),
        h("ol", r.causes.map((c) => h("li", h("strong", c.title, c.confirmed ? h("span.confirmed", "confirmed by the library") : null), c.text))),
      ),
    );
  }
  if (r.event) parts.push(card("Normalized event", jsonView(r.event), () => pretty(r.event), h("span.sub", "verifyWebhook(secret, headers, body)")));
  out.replaceChildren(...parts);
}

const MARK = { ok: "✓", bad: "✗", warn: "!", skip: "–", info: "·" };

/** The report as plain text (no secret in it: secrets are shown by number only). */
function reportText(r) {
  const lines = [`${r.headline}${r.code ? `: ${r.code}` : ""}${r.message ? ` — ${r.message}` : ""}`];
  r.steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.title}: ${s.summary ?? ""}`);
    for (const it of s.items) lines.push(`   ${MARK[it.state] ?? ""} ${it.text}${it.detail ? ` (${it.detail})` : ""}`);
    for (const n of s.notes ?? []) lines.push(`   · ${n}`);
  });
  for (const c of r.causes) lines.push(`Likely cause: ${c.title}${c.confirmed ? " (confirmed by the library)" : ""} — ${c.text}`);
  return lines.join("\n");
}

/** Labels the key field for the chosen scheme. */
function applyScheme() {
  const s = SCHEMES[$("#v-scheme").value];
  $("#v-secret-label").textContent = s.secretLabel;
  $("#v-secret-hint").textContent = s.secretHint;
}

/** Fills the form (from Sign's "Verify this delivery", or an example) and verifies. */
export function load({ secret, headers, body, scheme }) {
  if (scheme && scheme in SCHEMES && $("#v-scheme").value !== scheme) {
    $("#v-scheme").value = scheme;
    applyScheme();
  }
  $("#v-secret").value = secret;
  $("#v-headers").value = headers;
  $("#v-body").value = body;
  $("#v-encoding").value = "text";
  run();
}

export function mount(ctx) {
  lib = ctx.lib;
  const scheme = $("#v-scheme");
  for (const [id, s] of Object.entries(SCHEMES)) scheme.append(new Option(s.label, id));
  scheme.value = DEFAULT_SCHEME;
  applyScheme();
  const ex = $("#v-example");
  for (const [id, [label]] of Object.entries(EXAMPLES)) ex.append(new Option(label, id));
  ex.addEventListener("change", () => {
    if (!ex.value) return;
    load(EXAMPLES[ex.value][1]());
    ex.value = "";
  });
  const form = $("#v-form");
  const later = debounce(run, 250);
  form.addEventListener("input", (e) => (e.target.id === "v-example" ? null : later()));
  form.addEventListener("change", (e) => {
    if (e.target.id === "v-scheme") applyScheme();
    if (e.target.id !== "v-example") run();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
  });
  $("#v-use-body").addEventListener("click", () => {
    const { body } = parseHeaderText($("#v-headers").value);
    if (body !== undefined) $("#v-body").value = body;
    run();
  });
  load(EXAMPLES.valid[1]());
}

export function show() {}
