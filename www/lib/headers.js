// Reads request headers pasted in the forms developers copy them in: a raw header block (from a
// log or DevTools, optionally with the request line and the body after a blank line), JSON or a
// JavaScript object literal (what `console.log(req.headers)` prints), or a curl command line.
// This only reads text into name/value pairs; every webhook rule stays in the library.

/**
 * @returns {{ format: "empty" | "raw" | "json" | "object" | "curl", entries: [string, string][],
 *   body?: string, notes: string[] }} `body` when the paste carried one (curl `--data…`, or a raw
 *   request with a blank line before its body); `notes` say what was skipped.
 */
export function parseHeaderText(text) {
  const t = text.trim();
  if (!t) return { format: "empty", entries: [], notes: [] };
  if (/^curl(\s|$)/.test(t)) return parseCurl(t);
  if (t.startsWith("{")) return parseObject(t);
  return parseRaw(text);
}

/** Entries → a Fetch `Headers` (repeated names joined with ", ", as Fetch does). */
export function toHeaders(entries) {
  const headers = new Headers();
  for (const [name, value] of entries) {
    try {
      headers.append(name, value);
    } catch {
      /* a name or value Fetch refuses (reported by the caller from `entries`) */
    }
  }
  return headers;
}

/** Entries whose names Fetch refuses (spaces, non-ASCII, …): reported, not silently dropped. */
export function refusedEntries(entries) {
  return entries.filter(([name, value]) => {
    try {
      new Headers([[name, value]]);
      return false;
    } catch {
      return true;
    }
  });
}

function parseRaw(text) {
  const notes = [];
  const entries = [];
  const lines = text.replace(/^\s*\n/, "").split(/\r?\n/);
  let body;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") {
      const rest = lines.slice(i + 1).join("\n");
      if (entries.length && rest.trim()) body = rest;
      break;
    }
    if (i === 0 && /^[A-Z]+ \S+ HTTP\/[\d.]+$/.test(line.trim())) continue; // request line
    const m = /^\s*(:?[^\s:]+)\s*:\s?(.*)$/.exec(line);
    if (!m) {
      notes.push(`line ${i + 1} is not "name: value" and was skipped`);
      continue;
    }
    if (m[1].startsWith(":")) continue; // HTTP/2 pseudo-headers (:method, :path) as DevTools shows them
    entries.push([m[1], m[2].trimEnd()]);
  }
  if (body !== undefined) notes.push("the paste also holds a body after a blank line");
  return { format: "raw", entries, body, notes };
}

function parseObject(text) {
  const notes = [];
  let value;
  let format = "json";
  try {
    value = JSON.parse(text);
  } catch {
    format = "object";
    try {
      value = new LiteralReader(text).read();
    } catch (err) {
      return { format: "json", entries: [], notes: [`not JSON nor an object literal: ${err.message}`], error: true };
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { format, entries: [], notes: ["expected an object of header names to values"], error: true };
  }
  const entries = [];
  for (const [name, v] of Object.entries(value)) {
    if (Array.isArray(v)) entries.push([name, v.map(String).join(", ")]);
    else if (v !== null && typeof v === "object") notes.push(`"${name}" holds an object, not a header value: skipped`);
    else if (v !== undefined && v !== null) entries.push([name, String(v)]);
  }
  return { format, entries, notes };
}

/** The subset of JavaScript literals that logged header objects use. */
class LiteralReader {
  constructor(text) {
    this.s = text;
    this.i = 0;
  }
  fail(what) {
    throw new Error(`${what} at character ${this.i + 1}`);
  }
  ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
  read() {
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.fail("unexpected text");
    return v;
  }
  value() {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === "'" || c === '"' || c === "`") return this.string();
    const m = /^(-?\d+(\.\d+)?|true|false|null|undefined)/.exec(this.s.slice(this.i));
    if (!m) this.fail("expected a value");
    this.i += m[0].length;
    switch (m[0]) {
      case "true":
        return true;
      case "false":
        return false;
      case "null":
        return null;
      case "undefined":
        return undefined;
      default:
        return Number(m[0]);
    }
  }
  object() {
    const out = {};
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      let key;
      const c = this.s[this.i];
      if (c === "'" || c === '"' || c === "`") key = this.string();
      else {
        const m = /^[\w$-]+/.exec(this.s.slice(this.i));
        if (!m) this.fail("expected a key");
        key = m[0];
        this.i += key.length;
      }
      this.ws();
      if (this.s[this.i] !== ":") this.fail('expected ":"');
      this.i++;
      out[key] = this.value();
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") this.fail('expected "," or "}"');
    }
  }
  array() {
    const out = [];
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === "]") {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "]") this.fail('expected "," or "]"');
    }
  }
  string() {
    const q = this.s[this.i++];
    let out = "";
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === "\\") {
        const e = this.s[this.i + 1];
        out += { n: "\n", t: "\t", r: "\r", 0: "\0" }[e] ?? e;
        this.i += 2;
      } else out += this.s[this.i++];
    }
    if (this.s[this.i] !== q) this.fail("unterminated string");
    this.i++;
    return out;
  }
}

/** Splits a shell command line into words: quotes, backslash escapes, `$'…'` and line continuations. */
export function shellWords(text) {
  const words = [];
  let word = null;
  let i = 0;
  const s = text;
  const add = (ch) => (word = (word ?? "") + ch);
  while (i < s.length) {
    const c = s[i];
    if (c === "\\" && s[i + 1] === "\n") {
      i += 2;
    } else if (c === "\\" && s[i + 1] === "\r" && s[i + 2] === "\n") {
      i += 3;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error("unterminated ' quote");
      add(s.slice(i + 1, end));
      i = end + 1;
    } else if (c === "$" && s[i + 1] === "'") {
      i += 2;
      let out = "";
      while (i < s.length && s[i] !== "'") {
        if (s[i] === "\\") {
          const e = s[i + 1];
          out += { n: "\n", t: "\t", r: "\r", "'": "'", '"': '"', "\\": "\\" }[e] ?? `\\${e}`;
          i += 2;
        } else out += s[i++];
      }
      if (s[i] !== "'") throw new Error("unterminated $' quote");
      add(out);
      i++;
    } else if (c === '"') {
      i++;
      let out = "";
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && '"\\$`\n'.includes(s[i + 1])) {
          if (s[i + 1] !== "\n") out += s[i + 1];
          i += 2;
        } else out += s[i++];
      }
      if (s[i] !== '"') throw new Error('unterminated " quote');
      add(out);
      i++;
    } else if (c === "\\") {
      add(s[i + 1] ?? "");
      i += 2;
    } else {
      add(c);
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

const DATA_FLAGS = new Set(["-d", "--data", "--data-raw", "--data-binary", "--data-ascii"]);

function parseCurl(text) {
  const notes = [];
  let words;
  try {
    words = shellWords(text);
  } catch (err) {
    return { format: "curl", entries: [], notes: [`could not read the command: ${err.message}`], error: true };
  }
  const entries = [];
  let body;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    let header;
    if (w === "-H" || w === "--header") header = words[++i];
    else if (w.startsWith("--header=")) header = w.slice(9);
    else if (w.startsWith("-H") && w.length > 2) header = w.slice(2);
    if (header !== undefined) {
      const m = /^([^:]+):\s?(.*)$/.exec(header);
      if (m) entries.push([m[1].trim(), m[2]]);
      else notes.push(`-H "${header.slice(0, 40)}" is not "name: value"`);
      continue;
    }
    const eq = w.indexOf("=");
    const flag = w.startsWith("--") && eq > 0 ? w.slice(0, eq) : w;
    if (DATA_FLAGS.has(flag)) {
      const v = flag === w ? words[++i] : w.slice(eq + 1);
      if (v === undefined) continue;
      if (v.startsWith("@") && flag !== "--data-raw") notes.push(`${flag} ${v} reads a file the page cannot see: paste the body itself`);
      else body = body === undefined ? v : `${body}&${v}`;
      if (flag === "-d" || flag === "--data" || flag === "--data-ascii") {
        if (v.includes("\n")) notes.push(`curl ${flag} strips newlines from the body it sends; --data-binary keeps the bytes`);
      }
    }
  }
  if (body !== undefined) notes.push("the command also carries a body (--data…)");
  return { format: "curl", entries, body, notes };
}
