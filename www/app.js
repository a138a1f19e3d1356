// The playground: every check runs in the scimkit WebAssembly core loaded from the built package.
import * as scimkit from "/pkg/lib/web.js";

const $ = (id) => document.getElementById(id);
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const SAMPLE_EVENT = {
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

const SAMPLES = {
  event: {
    "Reference event (full envelope)": SAMPLE_EVENT,
    "Guide's simple shape": { id: "evt_1", type: "organization.directory.user_updated", timestamp: 1764410000, data: { email: "ana@acme.example", name: "Ana Lima", organization_id: "org_1", directory_id: "dir_1" } },
  },
  user: {
    "Okta POST /Users": {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "test.user@okta.local",
      name: { givenName: "Test", familyName: "User" },
      emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
      displayName: "Test User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      password: "1mz050nq",
      active: true,
    },
    "Entra ID POST /Users": {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
      active: "True",
      emails: [{ primary: "True", type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" }],
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Engineering", manager: "2819c223" },
      roles: [],
    },
  },
  group: {
    "Okta POST /Groups": { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Test SCIMv2", members: [] },
  },
};

function show(el, ok, verdict, detail) {
  el.className = `out ${ok ? "ok" : "bad"}`;
  el.replaceChildren();
  const v = document.createElement("div");
  v.className = "verdict";
  v.textContent = verdict;
  el.append(v);
  if (detail !== undefined) {
    const pre = document.createElement("pre");
    pre.textContent = typeof detail === "string" ? detail : JSON.stringify(detail, null, 2);
    el.append(pre);
  }
}

function showError(el, err) {
  const code = err && err.code ? ` (${err.code})` : "";
  show(el, false, `✗ ${err && err.name ? err.name : "Error"}${code}`, err && err.message ? err.message : String(err));
}

/** Accepts a JSON object or `name: value` lines. */
function parseHeaders(text) {
  const t = text.trim();
  if (t.startsWith("{")) return JSON.parse(t);
  const headers = new Headers();
  for (const line of t.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return headers;
}

function verify() {
  const out = $("v-out");
  try {
    const headers = parseHeaders($("v-headers").value);
    const options = $("v-ignore-time").checked ? { toleranceSeconds: Number.MAX_SAFE_INTEGER } : undefined;
    const event = scimkit.verifyWebhook($("v-secret").value.trim(), headers, $("v-body").value, options);
    show(out, true, "✓ Signature valid — normalized event:", event);
  } catch (err) {
    if (err instanceof SyntaxError) show(out, false, "✗ The headers are not valid JSON", err.message);
    else showError(out, err);
  }
}

let lastSigned;
function sign() {
  try {
    const body = $("s-body").value;
    const headers = scimkit.signWebhook($("s-secret").value.trim(), { body });
    lastSigned = { headers, body, secret: $("s-secret").value.trim() };
    show($("s-out"), true, "✓ Headers to send with this body:", headers);
    $("s-use").disabled = false;
  } catch (err) {
    showError($("s-out"), err);
  }
}

function useSigned() {
  if (!lastSigned) return;
  $("v-secret").value = lastSigned.secret;
  $("v-headers").value = JSON.stringify(lastSigned.headers, null, 2);
  $("v-body").value = lastSigned.body;
  verify();
  $("verify").scrollIntoView({ behavior: "smooth" });
}

function fillSamples() {
  const kind = $("n-kind").value;
  const select = $("n-sample");
  select.replaceChildren(...Object.keys(SAMPLES[kind]).map((name) => new Option(name, name)));
  $("n-in").value = JSON.stringify(SAMPLES[kind][select.value], null, 2);
}

function normalizeInput() {
  const out = $("n-out");
  const fn = { event: "normalizeEvent", user: "normalizeUser", group: "normalizeGroup" }[$("n-kind").value];
  if (typeof scimkit[fn] !== "function") {
    show(out, false, `✗ ${fn} is not in this build yet`);
    return;
  }
  try {
    show(out, true, "✓ Normalized:", scimkit[fn]($("n-in").value));
  } catch (err) {
    showError(out, err);
  }
}

async function main() {
  await scimkit.init();
  $("status").textContent = "WebAssembly core loaded. Try the example, or paste your own.";
  const body = JSON.stringify(SAMPLE_EVENT);
  const headers = scimkit.signWebhook(SECRET, { body });
  $("v-secret").value = SECRET;
  $("v-headers").value = JSON.stringify(headers, null, 2);
  $("v-body").value = body;
  $("s-secret").value = SECRET;
  $("s-body").value = JSON.stringify({ type: "organization.directory.group_created", data: { id: "dirgroup_1", display_name: "Engineering" } });
  $("s-use").disabled = true;
  $("v-run").onclick = verify;
  $("s-run").onclick = sign;
  $("s-use").onclick = useSigned;
  $("n-kind").onchange = fillSamples;
  $("n-sample").onchange = () => ($("n-in").value = JSON.stringify(SAMPLES[$("n-kind").value][$("n-sample").value], null, 2));
  $("n-run").onclick = normalizeInput;
  fillSamples();
  verify();
}

main().catch((err) => {
  $("status").textContent = `Could not load scimkit: ${err.message}`;
});
