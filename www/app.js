// The demo page: loads the scimkit WebAssembly core from the built package, then runs the mode
// named in the address fragment (#verify, #sign?…, #scim?…, #live, #codes). Modes 1–3 run
// entirely in this tab; only the Live mode talks to servers.
import * as scimkit from "/pkg/lib/web.js";
import { $, $$ } from "./lib/dom.js";
import * as verify from "./modes/verify.js";
import * as sign from "./modes/sign.js";
import * as scim from "./modes/scim.js";
import * as live from "./modes/live.js";
import * as codes from "./modes/codes.js";

const MODES = { verify, sign, scim, live, codes };
let current;

function parseHash() {
  const raw = location.hash.slice(1);
  const q = raw.indexOf("?");
  const name = q < 0 ? raw : raw.slice(0, q);
  return { name: name in MODES ? name : "verify", params: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)) };
}

const ctx = {
  lib: scimkit,
  /** Records a mode's state in the fragment (modes 2–3; never a secret), without a history entry. */
  saveState(name, params) {
    if (current !== name) return;
    const qs = params.toString();
    history.replaceState(null, "", `#${name}${qs ? `?${qs}` : ""}`);
  },
  /** Switches to another mode (e.g. Sign → Verify), as a new history entry. */
  go(name, params) {
    const qs = params ? params.toString() : "";
    location.hash = `${name}${qs ? `?${qs}` : ""}`;
  },
};

function route() {
  const { name, params } = parseHash();
  const changed = current !== name;
  current = name;
  for (const [n] of Object.entries(MODES)) $(`#mode-${n}`).hidden = n !== name;
  for (const a of $$(".tabs a")) {
    if (a.dataset.mode === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  MODES[name].show?.(params, { changed });
  if (changed) document.title = `${$(`#mode-${name} h1`).textContent} — scimkit demo`;
}

async function main() {
  const t0 = performance.now();
  await scimkit.init();
  const status = $("#status");
  status.textContent = `WebAssembly core ready (${Math.round(performance.now() - t0)} ms) · runs offline`;
  status.classList.add("ready");
  for (const mode of Object.values(MODES)) mode.mount(ctx);
  window.addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  const status = $("#status");
  status.textContent = `Could not load scimkit: ${err.message}. Build the package first: node scripts/build.mjs`;
  status.classList.add("failed");
  document.body.dataset.ready = "failed";
});
