// JSON shown as a highlighted tree of lines, with lines marked where a change happened, and the
// changes between two JSON values (for "what did this PATCH change").
import { h } from "./dom.js";

const esc = (k) => String(k).replaceAll("~", "~0").replaceAll("/", "~1");
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export function deepEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Same item edited in place (an email whose value changed), rather than one item swapped for another. */
function similar(a, b) {
  if (deepEqual(a, b)) return true;
  if (!isObj(a) || !isObj(b)) return typeof a === typeof b && !isObj(a) && !Array.isArray(a);
  return Object.keys(a).some((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/**
 * The changes from `before` to `after`: `{ kind: "added" | "removed" | "changed", pointer, label,
 * before, after }`. Arrays of equal length whose items were edited in place compare item by item; otherwise as sets (an added
 * member shows as one added item, not as every later item shifted). `pointer` is into `after`
 * (into `before` for removals).
 */
export function diffJson(before, after, pointer = "", label = "") {
  if (deepEqual(before, after)) return [];
  if (isObj(before) && isObj(after)) {
    const out = [];
    for (const k of Object.keys(after)) {
      const p = `${pointer}/${esc(k)}`;
      const l = label ? `${label}.${k}` : k;
      if (!Object.hasOwn(before, k)) out.push({ kind: "added", pointer: p, label: l, after: after[k] });
      else out.push(...diffJson(before[k], after[k], p, l));
    }
    for (const k of Object.keys(before)) {
      if (!Object.hasOwn(after, k)) out.push({ kind: "removed", pointer: `${pointer}/${esc(k)}`, label: label ? `${label}.${k}` : k, before: before[k] });
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length === after.length && after.every((x, i) => similar(before[i], x))) {
      return after.flatMap((x, i) => diffJson(before[i], x, `${pointer}/${i}`, `${label}[${i}]`));
    }
    const out = [];
    after.forEach((x, i) => {
      if (!before.some((y) => deepEqual(x, y))) out.push({ kind: "added", pointer: `${pointer}/${i}`, label: `${label}[+]`, after: x });
    });
    before.forEach((y, i) => {
      if (!after.some((x) => deepEqual(x, y))) out.push({ kind: "removed", pointer: `${pointer}/${i}`, label: `${label}[−]`, before: y });
    });
    return out;
  }
  return [{ kind: "changed", pointer, label: label || "(the whole value)", before, after }];
}

/** A short one-line rendering of a value for change summaries. */
export function brief(v, max = 60) {
  const s = v === undefined ? "—" : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * `<pre>` of `value` as indented JSON, syntax-coloured; lines at (or inside) a pointer in `marks`
 * (Map pointer → "added" | "changed") get that class.
 */
export function jsonView(value, marks = new Map()) {
  const root = h("pre.code.json");
  const line = (indent, mark, ...parts) => root.append(h(`span.ln${mark ? `.m-${mark}` : ""}`, "  ".repeat(indent), ...parts));
  const prim = (v) => {
    if (v === null) return h("span.j-null", "null");
    if (typeof v === "string") return h("span.j-str", JSON.stringify(v));
    if (typeof v === "number") return h("span.j-num", String(v));
    if (typeof v === "boolean") return h("span.j-bool", String(v));
    return h("span.j-null", JSON.stringify(v) ?? "undefined");
  };
  const walk = (v, pointer, indent, key, comma, inherited) => {
    const mark = marks.get(pointer) ?? inherited;
    const k = key === undefined ? [] : [h("span.j-key", JSON.stringify(key)), ": "];
    const c = comma ? "," : "";
    if (Array.isArray(v) || isObj(v)) {
      const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
      if (!entries.length) return line(indent, mark, ...k, `${open}${close}${c}`);
      line(indent, mark, ...k, open);
      entries.forEach(([ck, cv], i) => walk(cv, `${pointer}/${esc(ck)}`, indent + 1, Array.isArray(v) ? undefined : ck, i < entries.length - 1, mark));
      return line(indent, mark, `${close}${c}`);
    }
    return line(indent, mark, ...k, prim(v), c);
  };
  walk(value, "", 0, undefined, false, undefined);
  return root;
}
