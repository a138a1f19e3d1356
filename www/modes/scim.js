// Mode 3, SCIM in, events out: a provider's SCIM request (or a bare resource or event) → the
// library's events and resulting resource; a PATCH applied to the editable current resource with
// what it changed marked. The fragment keeps the inputs (there is no secret here).
import { $, card, debounce, h, pre, pretty } from "../lib/dom.js";
import { brief, diffJson, jsonView } from "../lib/json-view.js";
import { PROVIDERS, SAMPLES } from "../samples.js";
import { codeLink } from "./codes.js";

let lib;
let ctx;
/** The sample the inputs came from, until they are edited. */
let sampleId = "";

const PROVIDER_NAME = Object.fromEntries(PROVIDERS);
const KIND_FN = { request: "normalizeScimRequest", user: "normalizeUser", group: "normalizeGroup", event: "normalizeEvent" };
const BODY_LABEL = { request: "Body", user: "User resource", group: "Group resource", event: "Event payload" };

const val = (id) => $(`#${id}`).value;

function layout() {
  const kind = val("n-kind");
  const method = val("n-method");
  $("#n-request-line").hidden = kind !== "request";
  $("#n-current-field").hidden = !(kind === "request" && ["PUT", "PATCH", "DELETE"].includes(method));
  $("#n-context").hidden = kind !== "request";
  $("#n-provider").closest("label").hidden = kind === "event";
  $("#n-body-label").textContent = kind === "request" && (method === "DELETE" || method === "GET") ? `Body (a ${method} has none)` : BODY_LABEL[kind];
}

function loadSample(id) {
  const s = SAMPLES.find((x) => x.id === id);
  if (!s) return;
  $("#n-kind").value = s.kind;
  $("#n-provider").value = "";
  if (s.kind === "request") {
    $("#n-method").value = s.method;
    $("#n-path").value = s.path;
  }
  $("#n-body").value = s.body === undefined ? "" : pretty(s.body);
  $("#n-current").value = s.current === undefined ? "" : pretty(s.current);
  sampleId = id;
  $("#n-sample").value = id;
  layout();
}

function saveState() {
  const p = new URLSearchParams();
  if (sampleId) p.set("sample", sampleId);
  else {
    p.set("kind", val("n-kind"));
    if (val("n-kind") === "request") {
      p.set("method", val("n-method"));
      p.set("path", val("n-path"));
    }
    if (val("n-provider")) p.set("provider", val("n-provider"));
    p.set("body", val("n-body"));
    if (!$("#n-current-field").hidden && val("n-current").trim()) p.set("current", val("n-current"));
    if (val("n-org") !== "org_demo") p.set("org", val("n-org"));
    if (val("n-dir") !== "dir_demo") p.set("dir", val("n-dir"));
  }
  ctx.saveState("scim", p);
}

const tryParse = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A hint and a one-click fix for inputs given to the wrong function. */
function hintFor(err, kind, bodyText) {
  const body = tryParse(bodyText);
  const schemas = Array.isArray(body?.schemas) ? body.schemas.join(" ") : "";
  if (err.code === "unsupported_resource" && kind !== "request" && (schemas.includes("PatchOp") || body?.Operations)) {
    return {
      text: "This is a SCIM PATCH body, not a resource. A PATCH needs the resource it applies to: applyScimPatch(current, patch), or normalizeScimRequest for the events.",
      action: ["Treat it as a PATCH request", () => {
        $("#n-kind").value = "request";
        $("#n-method").value = "PATCH";
        if (!/\/(Users|Groups)\/[^/]+/.test(val("n-path"))) $("#n-path").value = "/scim/v2/Users/1";
      }],
    };
  }
  if (err.code === "unsupported_resource" && (schemas.includes("ListResponse") || Array.isArray(body?.Resources))) {
    return {
      text: "This is a ListResponse (a page of resources): normalize its items one by one.",
      action: body?.Resources?.length ? ["Use Resources[0]", () => ($("#n-body").value = pretty(body.Resources[0]))] : undefined,
    };
  }
  if (err.code === "unsupported_resource" && kind === "user" && /Group/.test(schemas)) {
    return { text: "This is a group: use normalizeGroup.", action: ["Read it as a group", () => ($("#n-kind").value = "group")] };
  }
  if (err.code === "unsupported_resource" && kind === "request") {
    return { text: "Paths the library understands: /Users, /Users/{id}, /Groups, /Groups/{id}, after any prefix (/scim/v2/…) and with any query string." };
  }
  return undefined;
}

function errorView(err, kind, bodyText) {
  const hint = hintFor(err, kind, bodyText);
  return h(
    "div.verdict.bad",
    h("span.icon", "✗"),
    h(
      "div",
      h("h2", `${KIND_FN[kind]} refused the input`),
      h("p", codeLink(err.code ?? "error"), err.pointer ? [" at ", h("code", err.pointer || "/")] : null, " ", err.message),
      hint ? h("p", hint.text, " ", hint.action ? h("button.link", { type: "button", onclick: () => (hint.action[1](), markEdited(), layout(), run()) }, hint.action[0]) : null) : null,
    ),
  );
}

/**
 * What detectProvider says of the resource in the input: the body, or for a PATCH (whose body is
 * operations, not a resource) the current resource. `undefined` when there is no resource to ask.
 */
function detected(kind, bodyText) {
  const body = tryParse(bodyText);
  const isResource = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !v.Operations;
  const current = $("#n-current-field").hidden ? undefined : tryParse(val("n-current"));
  const resource = isResource(body) ? body : kind === "request" && isResource(current) ? current : undefined;
  if (resource === undefined) return undefined;
  try {
    return lib.detectProvider(resource);
  } catch {
    return undefined;
  }
}

/** Which provider the call was given or the core detected, and where the input came from. */
function provenance(provider, found) {
  const sample = SAMPLES.find((x) => x.id === sampleId);
  return h(
    "dl.kv",
    h("dt", "Provider"),
    h(
      "dd",
      provider
        ? [h("span.badge", provider), " passed as options.provider"]
        : [h("span.badge.plain", "auto"), " not passed: the core detects it where the payload shows it (Google's kind, Entra's schema URIs, JumpCloud's schema order and tel: phones)"],
    ),
    found !== undefined
      ? [
          h("dt", "Detected"),
          h(
            "dd",
            { id: "n-detected" },
            found ? [h("span.badge.ok", PROVIDER_NAME[found] ?? found), " ", h("code", `detectProvider(resource) → "${found}"`)] : [h("span.badge.plain", "none"), " ", h("code", "detectProvider(resource) → null"), ": nothing in this payload tells, so the generic SCIM rules apply"],
          ),
        ]
      : null,
    sample ? [h("dt", "Sample"), h("dd", `${PROVIDER_NAME[sample.provider]} — ${sample.label}`)] : null,
  );
}

function changesList(changes) {
  if (!changes.length) return h("p.muted", "No attribute changed.");
  return h(
    "ul.changes",
    changes.map((c) =>
      h(`li.${c.kind}`, h("span.path", c.label), c.kind === "changed" ? `: ${brief(c.before)} → ${brief(c.after)}` : c.kind === "added" ? `: ${brief(c.after)}` : `: ${brief(c.before)}`),
    ),
  );
}

const marksOf = (changes) => new Map(changes.filter((c) => c.kind !== "removed").map((c) => [c.pointer, c.kind]));

function run() {
  saveState();
  const out = $("#n-out");
  const kind = val("n-kind");
  const provider = val("n-provider") || undefined;
  const bodyText = val("n-body");
  const parts = [];
  try {
    if (kind !== "request") {
      const fn = KIND_FN[kind];
      const result = kind === "event" ? lib.normalizeEvent(bodyText) : lib[fn](bodyText, provider ? { provider } : undefined);
      parts.push(
        h("div.verdict.ok", h("span.icon", "✓"), h("div", h("h2", `Normalized ${kind === "event" ? "event" : kind}`), kind === "event" ? h("p", h("span.badge.ok", result.type)) : provenance(provider, detected(kind, bodyText)))),
        card(kind === "event" ? "DirectoryEvent" : kind === "user" ? "DirectoryUser" : "DirectoryGroup", jsonView(result), () => pretty(result), h("span.sub", `${fn}(input${provider ? `, { provider: "${provider}" }` : ""})`)),
      );
      out.replaceChildren(...parts);
      return;
    }
    const method = val("n-method");
    const path = val("n-path");
    const currentText = $("#n-current-field").hidden ? "" : val("n-current").trim();
    const options = { organizationId: val("n-org"), directoryId: val("n-dir"), current: currentText || null };
    if (provider) options.provider = provider;
    const request = { method, path, body: bodyText.trim() ? bodyText : null };
    const { events, resource } = lib.normalizeScimRequest(request, options);
    const current = currentText ? tryParse(currentText) : undefined;
    const partial = events.some((e) => e.partial);
    parts.push(
      h(
        "div.verdict.ok",
        h("span.icon", "✓"),
        h(
          "div",
          h("h2", events.length ? `${events.length} event${events.length > 1 ? "s" : ""}` : "No events"),
          h("p", events.map((e) => [h("span.badge.ok", e.type), " "]), partial ? h("span.badge.warn", "partial") : null, events.length ? "" : `a ${method} changes nothing`),
          provenance(provider, detected(kind, bodyText)),
        ),
      ),
    );
    // The resource after the request, with what changed marked.
    if (method === "PATCH" && current !== undefined && request.body !== null) {
      const patched = lib.applyScimPatch(current, bodyText);
      const changes = diffJson(current, patched);
      parts.push(
        card("What the PATCH changed", h("div.body", changesList(changes)), () => changes.map((c) => `${c.kind} ${c.label}`).join("\n")),
        card("Resource after the PATCH", jsonView(patched, marksOf(changes)), () => pretty(patched), h("span.sub", "applyScimPatch(current, patch)")),
      );
    } else if (resource && current !== undefined) {
      const changes = diffJson(current, resource);
      parts.push(
        card(`What the ${method} changed`, h("div.body", changesList(changes)), () => changes.map((c) => `${c.kind} ${c.label}`).join("\n")),
        card(`Resource after the ${method}`, jsonView(resource, marksOf(changes)), () => pretty(resource), h("span.sub", "normalizeScimRequest(…).resource")),
      );
    } else if (resource) {
      const sent = tryParse(bodyText);
      const dropped = sent !== undefined ? diffJson(sent, resource).filter((c) => c.kind === "removed") : [];
      parts.push(
        card(
          "Resource to store",
          [dropped.length ? h("div.body", h("p.muted", "Not kept from the request:"), changesList(dropped)) : null, jsonView(resource)],
          () => pretty(resource),
          h("span.sub", "normalizeScimRequest(…).resource"),
        ),
      );
    }
    if (partial) {
      parts.push(h("p.notice", "Without the current resource the update is partial: the event states only what the request said, and nothing is invented. Paste the resource as it was before the request to get the full result."));
    }
    parts.push(
      h(
        "section.events",
        { "aria-label": "Events" },
        events.map((e, i) => card(`Event ${events.length > 1 ? i + 1 : ""}`.trim(), jsonView(e), () => pretty(e), h("span.badge", e.type))),
      ),
    );
    const snippet = callSnippet(method, path, provider, !!currentText);
    parts.push(card("The call", pre(snippet), () => snippet));
    out.replaceChildren(...parts);
  } catch (err) {
    out.replaceChildren(errorView(err, kind, bodyText));
  }
}

function callSnippet(method, path, provider, withCurrent) {
  return [
    "import { normalizeScimRequest, applyScimPatch } from \"scimkit\";",
    "",
    `const { events, resource } = normalizeScimRequest(`,
    `  { method: "${method}", path: ${JSON.stringify(path)}, body: rawBody },`,
    `  { organizationId: ${JSON.stringify(val("n-org"))}, directoryId: ${JSON.stringify(val("n-dir"))}${provider ? `, provider: "${provider}"` : ""}${withCurrent ? ", current" : ""} },`,
    ");",
    ...(method === "PATCH" ? ["", "// the resource alone:", "const updated = applyScimPatch(current, rawBody);"] : []),
  ].join("\n");
}

function markEdited() {
  if (!sampleId) return;
  sampleId = "";
  $("#n-sample").value = "";
}

export function mount(c) {
  ctx = c;
  lib = c.lib;
  const select = $("#n-sample");
  for (const [pid, name] of PROVIDERS) {
    const group = document.createElement("optgroup");
    group.label = name;
    for (const s of SAMPLES.filter((x) => x.provider === pid)) group.append(new Option(s.label, s.id));
    select.append(group);
  }
  const prov = $("#n-provider");
  for (const [pid, name] of PROVIDERS.filter(([p]) => p !== "reference")) prov.append(new Option(name, pid));
  const form = $("#n-form");
  const later = debounce(run, 250);
  form.addEventListener("input", (e) => {
    if (e.target.id === "n-sample") return;
    markEdited();
    later();
  });
  form.addEventListener("change", (e) => {
    if (e.target.id === "n-sample") loadSample(e.target.value);
    else markEdited();
    layout();
    run();
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
  loadSample("entra-disable-user");
}

export function show(params, { changed }) {
  if (params.has("sample")) loadSample(params.get("sample"));
  else if ([...params.keys()].length) {
    sampleId = "";
    $("#n-sample").value = "";
    $("#n-kind").value = KIND_FN[params.get("kind")] ? params.get("kind") : "request";
    if (params.has("method")) $("#n-method").value = params.get("method").toUpperCase();
    if (params.has("path")) $("#n-path").value = params.get("path");
    $("#n-provider").value = params.get("provider") ?? "";
    $("#n-body").value = params.get("body") ?? "";
    $("#n-current").value = params.get("current") ?? "";
    if (params.has("org")) $("#n-org").value = params.get("org");
    if (params.has("dir")) $("#n-dir").value = params.get("dir");
    layout();
  }
  if (changed || [...params.keys()].length) run();
}
