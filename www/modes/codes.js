// The error-code key: every code the package throws, by error class.
import { $, h } from "../lib/dom.js";
import { CODE_GROUPS } from "../lib/codes.js";

export function mount() {
  const list = $("#codes-list");
  for (const g of CODE_GROUPS) {
    list.append(
      h(
        "section.panel",
        h("h2", g.cls),
        h("p.from", `from ${g.from}`),
        h(
          "dl",
          Object.entries(g.codes).map(([code, [what, fix]]) => [
            h("dt", { id: `code-${g.cls}-${code}`, dataset: { code } }, h("span.codechip", code)),
            h("dd", what, h("span.fix", fix)),
          ]),
        ),
      ),
    );
  }
}

export function show(params) {
  const code = params.get("code");
  for (const dt of document.querySelectorAll("#codes-list dt.flash")) dt.classList.remove("flash");
  if (!code) return;
  const dt = document.querySelector(`#codes-list dt[data-code="${CSS.escape(code)}"]`);
  if (dt) {
    dt.classList.add("flash");
    dt.scrollIntoView({ block: "center" });
  }
}

/** A code shown in a result, linking to its entry in the key. */
export function codeLink(code) {
  return h("a.codechip", { href: `#codes?code=${encodeURIComponent(code)}`, title: "What this code means" }, code);
}
