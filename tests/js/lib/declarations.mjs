// Reads the subset of TypeScript that pkg/index.d.ts is written in (interfaces, classes, type
// aliases, function declarations) into checkable type expressions, for tests/js/shapes.test.mjs.
// Not a TypeScript parser: an unknown construct is an error, so the test cannot pass by skipping it.

/** Removes comments (the declarations' strings hold no comment markers). */
const stripComments = (src) => src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");

/** The index of the bracket closing the one at `open`. */
function closing(src, open) {
  const pairs = { "{": "}", "(": ")", "<": ">", "[": "]" };
  const stack = [];
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      i = src.indexOf('"', i + 1);
      continue;
    }
    if (c in pairs) stack.push(pairs[c]);
    else if (c === stack.at(-1)) {
      stack.pop();
      if (stack.length === 0) return i;
    } else if (c === ">" && src[i - 1] === "=") continue; // `=>`
  }
  throw new Error(`unbalanced bracket at ${open}: ${src.slice(open, open + 60)}`);
}

/** The index of the `;` ending the statement that goes on at `from` (brackets skipped). */
function statementEnd(src, from) {
  let depth = 0;
  for (let end = from; end < src.length; end++) {
    const c = src[end];
    if (c === '"') end = src.indexOf('"', end + 1);
    else if ("({[<".includes(c)) depth++;
    else if (")}]>".includes(c) && !(c === ">" && src[end - 1] === "=")) depth--;
    else if (c === ";" && depth === 0) return end;
  }
  throw new Error(`no end of statement after ${src.slice(from, from + 60)}`);
}

/** Splits `text` on `sep` at bracket depth 0. */
function splitTop(text, sep) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = text.indexOf('"', i + 1);
    else if ("({[<".includes(c)) depth++;
    else if (")}]>".includes(c) && !(c === ">" && text[i - 1] === "=")) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p, i, all) => p || (i > 0 && i < all.length - 1));
}

export function parseDeclarations(source) {
  const src = stripComments(source);
  const types = new Map(); // name → type expression
  const classes = new Map(); // name → Map(field → { type, optional, text })
  const returns = new Map(); // function or method name → return type text
  const pending = []; // [name, extends[], body] of interfaces, resolved after all are read

  /** `{ a: T; b?: U; [k: string]: V }` members (methods skipped) → object type. */
  function members(body) {
    const fields = new Map();
    let index = null;
    for (const raw of splitTop(body, ";").flatMap((m) => splitTop(m, ","))) {
      const m = raw.replace(/^readonly\s+/, "");
      if (!m) continue;
      const idx = /^\[\s*\w+\s*:\s*string\s*\]\s*:\s*([\s\S]+)$/.exec(m);
      if (idx) {
        index = parse(idx[1]);
        continue;
      }
      const method = /^(\w+)\??\s*\(/.exec(m); // `name(…)` or an optional `name?(…)`
      if (method) {
        const close = closing(m, m.indexOf("("));
        const ret = m.slice(close + 1).replace(/^\s*:\s*/, "");
        if (method[1] !== "constructor") returns.set(method[1], ret);
        continue;
      }
      const field = /^("[^"]+"|\w+)(\?)?\s*:\s*([\s\S]+)$/.exec(m);
      if (!field) throw new Error(`cannot read member \`${m}\``);
      const name = field[1].replace(/"/g, "");
      fields.set(name, { type: parse(field[3]), optional: Boolean(field[2]), text: field[3].trim() });
    }
    return { t: "object", fields, index, text: `{ ${body.trim()} }` };
  }

  /** A type expression. */
  function parse(text) {
    text = text.trim();
    const alts = splitTop(text, "|");
    if (alts.length > 1) return { t: "union", of: alts.map(parse), text };
    const parts = splitTop(text, "&");
    if (parts.length > 1) {
      const of = parts.map(parse);
      const prim = of.find((p) => p.t === "prim"); // `string & {}`: a branded string
      if (prim) return prim;
      return { t: "intersection", of, text };
    }
    if (text.endsWith("[]")) return { t: "array", of: parse(text.slice(0, -2)), text };
    if (text.startsWith("readonly ")) return parse(text.slice(9));
    if (text.startsWith("(") && /^\s*=>/.test(text.slice(closing(text, 0) + 1))) return { t: "prim", name: "function", text };
    if (text.startsWith("(") && closing(text, 0) === text.length - 1) return parse(text.slice(1, -1));
    if (text.startsWith("{") && closing(text, 0) === text.length - 1) {
      const mapped = /^\{\s*\[K in keyof (\w+)\]\s*:([\s\S]*)\}$/.exec(text);
      if (mapped) return { t: "nullable-copy", of: mapped[1], keep: [...mapped[2].matchAll(/"(\w+)"/g)].map((m) => m[1]), text };
      return members(text.slice(1, -1));
    }
    if (/^"[^"]*"$/.test(text)) return { t: "literal", value: text.slice(1, -1), text };
    if (/^-?\d+(\.\d+)?$/.test(text)) return { t: "literal", value: Number(text), text };
    if (text === "true" || text === "false") return { t: "literal", value: text === "true", text };
    if (["string", "number", "boolean", "null", "undefined"].includes(text)) return { t: "prim", name: text, text };
    if (text === "unknown" || text === "any") return { t: "any", text };
    const generic = /^(\w+)<([\s\S]+)>$/.exec(text);
    if (generic) {
      const args = splitTop(generic[2], ",");
      if (generic[1] === "Readonly") return parse(args[0]);
      if (generic[1] === "Record") return { t: "object", fields: new Map(), index: parse(args[1]), text };
      return { t: "opaque", name: generic[1], text };
    }
    if (/^\w+$/.test(text)) return { t: "ref", name: text, text };
    throw new Error(`cannot read type \`${text}\``);
  }

  for (let i = 0; i < src.length; ) {
    const rest = src.slice(i);
    let m;
    if ((m = /^(?:export\s+)?interface\s+(\w+)(?:\s+extends\s+([\w\s,]+?))?\s*\{/.exec(rest))) {
      const open = i + m[0].length - 1;
      const close = closing(src, open);
      pending.push([m[1], (m[2] ?? "").split(",").map((s) => s.trim()).filter(Boolean), src.slice(open + 1, close)]);
      i = close + 1;
    } else if ((m = /^(?:export\s+)?class\s+(\w+)(?:\s+extends\s+(\w+))?\s*\{/.exec(rest))) {
      const open = i + m[0].length - 1;
      const close = closing(src, open);
      const own = members(src.slice(open + 1, close)).fields;
      classes.set(m[1], new Map([...(classes.get(m[2]) ?? new Map()), ...own]));
      i = close + 1;
    } else if ((m = /^(?:export\s+)?type\s+(\w+)\s*=/.exec(rest))) {
      const end = statementEnd(src, i + m[0].length);
      types.set(m[1], src.slice(i + m[0].length, end));
      i = end + 1;
    } else if ((m = /^(?:export\s+)?function\s+(\w+)\s*\(/.exec(rest))) {
      const open = i + m[0].length - 1;
      const close = closing(src, open);
      const semi = statementEnd(src, close + 1);
      returns.set(m[1], src.slice(close + 1, semi).replace(/^\s*:\s*/, "").trim());
      i = semi + 1;
    } else if ((m = /^(?:export\s+)?(?:declare\s+)?(?:const|let)\s+\w+[^;]*;/.exec(rest)) || (m = /^\s+/.exec(rest))) {
      i += m[0].length;
    } else {
      throw new Error(`index.d.ts: cannot read at \`${rest.slice(0, 80)}\``);
    }
  }
  for (const [name, text] of types) types.set(name, parse(text));
  // Interfaces, with what they extend merged in (the bases are read first when declared later).
  const interfaces = new Map(pending.map(([name, ext, body]) => [name, { ext, body }]));
  const resolved = new Map();
  function resolveInterface(name) {
    if (resolved.has(name)) return resolved.get(name);
    const { ext, body } = interfaces.get(name);
    const own = members(body);
    const merged = { t: "object", fields: new Map(), index: null, text: name };
    for (const base of ext) {
      const b = interfaces.has(base) ? resolveInterface(base) : types.get(base);
      if (!b || b.t !== "object") throw new Error(`${name} extends ${base}, which is not an object type`);
      for (const [k, v] of b.fields) merged.fields.set(k, v);
      merged.index = b.index ?? merged.index;
    }
    for (const [k, v] of own.fields) merged.fields.set(k, v);
    merged.index = own.index ?? merged.index;
    resolved.set(name, merged);
    return merged;
  }
  for (const name of interfaces.keys()) types.set(name, resolveInterface(name));
  // `{ [K in keyof X]: … }`: X's fields, each also nullable except the ones the alias keeps.
  const nullableCopy = (t) => {
    const base = types.get(t.of);
    const fields = new Map(
      [...base.fields].map(([k, f]) => [k, t.keep.includes(k) ? f : { ...f, type: { t: "union", of: [f.type, { t: "prim", name: "null" }], text: `${f.text} | null` } }]),
    );
    return { t: "object", fields, index: null, text: t.text };
  };
  for (const [name, t] of types) {
    if (t.t === "nullable-copy") types.set(name, nullableCopy(t));
    if (t.t === "intersection") t.of = t.of.map((p) => (p.t === "nullable-copy" ? nullableCopy(p) : p));
  }
  // Intersections of object types: merged.
  const flatten = (t) => {
    if (t.t === "intersection") {
      const fields = new Map();
      let index = null;
      for (const part of t.of.map((p) => (p.t === "ref" ? types.get(p.name) : p)).map(flatten)) {
        if (part.t !== "object") throw new Error(`cannot intersect ${part.text}`);
        for (const [k, v] of part.fields) fields.set(k, v);
        index = part.index ?? index;
      }
      return { t: "object", fields, index, text: t.text };
    }
    return t;
  };
  const parseChecked = (text) => {
    const t = flatten(parse(text));
    const walk = (x) => {
      if (x.t === "intersection") Object.assign(x, flatten(x));
      for (const sub of x.of && Array.isArray(x.of) ? x.of : x.of && typeof x.of === "object" ? [x.of] : []) walk(sub);
      if (x.fields) for (const f of x.fields.values()) walk(f.type);
      if (x.index) walk(x.index);
    };
    walk(t);
    return t;
  };
  for (const [name, t] of types) if (t.t === "intersection") types.set(name, flatten(t));
  for (const t of types.values()) if (t.fields) for (const f of t.fields.values()) if (f.type.t === "intersection") f.type = flatten(f.type);
  return { types, classes, returns, parse: parseChecked };
}
