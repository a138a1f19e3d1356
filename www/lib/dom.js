// Small DOM helpers shared by the modes: element building, copy buttons, result cards.

/** `h("div.card", {title: "x"}, child, "text", …)`: an element with classes, attributes and children. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  if (attrs && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = undefined;
  }
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Copies text; falls back to a hidden textarea where the Clipboard API is unavailable. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h("textarea", { "aria-hidden": "true", class: "offscreen" });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand("copy");
    ta.remove();
    return ok;
  }
}

/** A "Copy" button for the text `get()` returns when clicked. */
export function copyButton(get, what = "") {
  const btn = h("button.copy", { type: "button", "aria-label": what ? `Copy ${what}` : "Copy" }, "Copy");
  btn.addEventListener("click", async () => {
    const ok = await copyText(typeof get === "function" ? get() : get);
    btn.textContent = ok ? "Copied" : "Copy failed";
    btn.classList.toggle("done", ok);
    setTimeout(() => {
      btn.textContent = "Copy";
      btn.classList.remove("done");
    }, 1400);
  });
  return btn;
}

/** A titled output block with a copy button: `card("Event", pre, () => text)`. */
export function card(title, body, copy, extra) {
  return h(
    "section.card",
    h("header.card-head", h("h3", title), extra, copy !== undefined ? copyButton(copy, title.toLowerCase?.() ?? "") : null),
    body,
  );
}

/** A `<pre>` of plain text (code, headers, a curl command). */
export function pre(text, cls = "") {
  return h(`pre.code${cls ? `.${cls}` : ""}`, text);
}

/** Calls `fn` at most once per `ms` of quiet (for inputs that re-run a mode as you type). */
export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** "3 min 12 s", "45 s", "2 h 5 min", "4 days" — for ages and clock differences. */
export function duration(seconds) {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ""}`;
  return `${Math.floor(s / 86400)} days`;
}

/** The JSON text of a value, two-space indented. */
export const pretty = (v) => JSON.stringify(v, null, 2);
