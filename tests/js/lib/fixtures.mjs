// Loads every normalization fixture (tests/fixtures/normalize/*.input.json + *.expected.json) into
// one plain JSON object, resolving `{"$file": …, "$pointer": …}` references (tests/fixtures/README.md),
// so runtimes that cannot read files (workerd, Chromium) get the same cases as Node: the runners
// write it next to the suite as fixtures.json and pass it to runSuite as `fixtures` (ctx.fixtures).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const fixturesRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures");

/** RFC 6901 pointer into a parsed JSON value; throws when it does not resolve. */
function pointerGet(doc, pointer, where) {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) throw new Error(`${where}: $pointer ${JSON.stringify(pointer)} must start with /`);
  let cur = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, key)) {
      throw new Error(`${where}: $pointer ${pointer} does not resolve`);
    }
    cur = cur[key];
  }
  return cur;
}

function resolve(value, where, files) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, where, files));
  if (value === null || typeof value !== "object") return value;
  if (Object.prototype.hasOwnProperty.call(value, "$file")) {
    const file = value.$file;
    if (!files.has(file)) files.set(file, JSON.parse(readFileSync(join(fixturesRoot, file), "utf8")));
    const doc = files.get(file);
    // A fresh copy per reference: cases must not share (and so cannot mutate) each other's inputs.
    return structuredClone(typeof value.$pointer === "string" ? pointerGet(doc, value.$pointer, where) : doc);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, where, files)]));
}

/**
 * { format: 1, count, cases: [{ name, description, function, args, expected }] } sorted by name,
 * `args` fully resolved. Fails loudly on a missing expected file or an unresolvable reference.
 */
export function loadFixtures() {
  const dir = join(fixturesRoot, "normalize");
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".input.json"))
    .map((f) => f.slice(0, -".input.json".length))
    .sort();
  const files = new Map();
  const cases = names.map((name) => {
    const input = JSON.parse(readFileSync(join(dir, `${name}.input.json`), "utf8"));
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), "utf8"));
    if (typeof input.function !== "string") throw new Error(`${name}: input has no "function"`);
    return { name, description: input.description ?? "", function: input.function, args: resolve(input.args ?? null, name, files), expected };
  });
  if (cases.length === 0) throw new Error(`no fixtures in ${dir}`);
  return { format: 1, count: cases.length, cases };
}
