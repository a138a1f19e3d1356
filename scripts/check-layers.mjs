#!/usr/bin/env node
// Checks the core's floors (ARCHITECTURE.md): every file under src/ may import only from its own
// folder or from folders on a lower floor, and no two files import each other, directly or round
// a circle. The floors are the `pub mod` lines of src/lib.rs, bottom first.
//
// It reads the `crate::`, `super::` and `self::` paths of every file (use trees and inline paths;
// comments, strings and `#[cfg(test)]` code left out) and resolves each to the file that defines the
// item, following a folder's `pub use` re-exports. A folder's mod.rs declares and re-exports: those
// lines are not edges. Prints each broken rule with the edge that broke it; exit 1 if any.
// Usage: node scripts/check-layers.mjs [src-dir]
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const srcDir = process.argv[2] ?? join(import.meta.dirname, "..", "src");

/** Every .rs file under `dir`. */
function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith(".rs") ? [path] : [];
  });
}

/** The module path of a file: src/a/b.rs and src/a/b/mod.rs are both ["a", "b"]. */
function modulePath(file) {
  const parts = relative(srcDir, file).replace(/\.rs$/, "").split("/");
  if (parts.at(-1) === "mod" || parts.at(-1) === "lib") parts.pop();
  return parts;
}

/** Source without comments, string and char literals, and `#[cfg(test)]` items. */
function strip(src) {
  let out = "";
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    const raw = /^r(#*)"/.exec(src.slice(i, i + 10));
    if (raw && !/[A-Za-z0-9_]/.test(src[i - 1] ?? "")) {
      const end = src.indexOf(`"${raw[1]}`, i + raw[0].length);
      i = end < 0 ? src.length : end + 1 + raw[1].length;
      out += '""';
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      i = j + 1;
      out += '""';
    } else if (c === "'" && /^'(\\.|[^\\'])[^']*'/.test(src.slice(i, i + 12)) && /^'(\\[^']+|.)'/u.test(src.slice(i, i + 12))) {
      i += /^'(\\[^']+|.)'/u.exec(src.slice(i, i + 12))[0].length; // a char literal, not a lifetime
      out += "' '";
    } else if (src.startsWith("//", i)) {
      const end = src.indexOf("\n", i);
      i = end < 0 ? src.length : end;
    } else if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
    } else {
      out += c;
      i += 1;
    }
  }
  // #[cfg(test)] on an item: drop the item (up to its `;` or its balanced `{ … }`).
  for (let at; (at = out.search(/#\[cfg\(test\)\]/)) >= 0; ) {
    let j = at + "#[cfg(test)]".length;
    while (j < out.length && out[j] !== ";" && out[j] !== "{") j++;
    if (out[j] === "{") {
      let depth = 0;
      for (; j < out.length; j++) {
        if (out[j] === "{") depth++;
        else if (out[j] === "}" && --depth === 0) break;
      }
    }
    out = out.slice(0, at) + out.slice(j + 1);
  }
  return out;
}

/** The paths of a use tree such as `a::{b, c::{d, e}}` (a `*` or `self` ends a path). */
function expandUseTree(tree) {
  tree = tree.replace(/\s+/g, "");
  const brace = tree.indexOf("{");
  if (brace < 0) return [tree.replace(/ as .*$/, "").replace(/as[A-Za-z_]\w*$/, "").split("::").filter((s) => s && s !== "*")];
  const prefix = tree.slice(0, brace).split("::").filter(Boolean);
  const inner = tree.slice(brace + 1, tree.lastIndexOf("}"));
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    if (i === inner.length || (inner[i] === "," && depth === 0)) {
      if (inner.slice(start, i)) parts.push(inner.slice(start, i));
      start = i + 1;
    } else if (inner[i] === "{") depth++;
    else if (inner[i] === "}") depth--;
  }
  return parts.flatMap((p) => (p === "self" ? [prefix] : expandUseTree(p).map((rest) => [...prefix, ...rest])));
}

const files = rustFiles(srcDir);
const byModule = new Map(files.map((f) => [modulePath(f).join("::"), f]));
const stripped = new Map(files.map((f) => [f, strip(readFileSync(f, "utf8"))]));
// Files declared under #[cfg(test)] (`#[cfg(test)] mod x;`) are tests: skipped.
const testFiles = new Set();
for (const f of files) {
  const src = readFileSync(f, "utf8");
  for (const m of src.matchAll(/#\[cfg\(test\)\]\s*mod\s+(\w+)\s*;/g)) {
    const mod = [...modulePath(f), m[1]].join("::");
    if (byModule.has(mod)) testFiles.add(byModule.get(mod));
  }
}

/** Re-exports of each mod.rs / lib.rs: module path → (item → absolute path it names). */
const reexports = new Map();
/** Absolute segments of `path` written in module `mod`. */
function absolute(mod, path) {
  const out = [...mod];
  const segs = [...path];
  if (segs[0] === "crate") return [...segs.slice(1)];
  while (segs[0] === "super" || segs[0] === "self") {
    if (segs.shift() === "super") out.pop();
  }
  return [...out, ...segs];
}
for (const f of files) {
  if (!/\/(mod|lib)\.rs$/.test(f)) continue;
  const mod = modulePath(f);
  const map = new Map();
  for (const m of stripped.get(f).matchAll(/\bpub(?:\([a-z]+\))?\s+use\s+([^;]+);/g)) {
    for (const path of expandUseTree(m[1])) {
      const rel = path[0] === "crate" || path[0] === "super" || path[0] === "self" ? path : ["self", ...path];
      map.set(path.at(-1), absolute(mod, rel));
    }
  }
  reexports.set(mod.join("::"), map);
}

/** The file that defines what absolute path `segs` names (through re-exports), or undefined. */
function resolve(segs, seen = 0) {
  for (let n = segs.length; n >= 0; n--) {
    const key = segs.slice(0, n).join("::");
    if (!byModule.has(key)) continue;
    const file = byModule.get(key);
    const next = segs[n];
    const target = next && reexports.get(key)?.get(next);
    if (target && seen < 16) return resolve([...target, ...segs.slice(n + 1)], seen + 1) ?? file;
    return file;
  }
  return undefined;
}

const edges = new Map(); // file → Map(target file → the path that made the edge)
for (const f of files) {
  if (testFiles.has(f)) continue;
  const mod = modulePath(f);
  let src = stripped.get(f);
  const isFacade = /\/(mod|lib)\.rs$/.test(f);
  if (isFacade) src = src.replace(/\bpub(?:\([a-z]+\))?\s+use\s+[^;]+;/g, "").replace(/\b(pub(\([a-z]+\))?\s+)?mod\s+\w+\s*;/g, "");
  const paths = [];
  src = src.replace(/\buse\s+([^;]+);/g, (_, tree) => {
    for (const p of expandUseTree(tree)) if (["crate", "super", "self"].includes(p[0])) paths.push(p);
    return "";
  });
  for (const m of src.matchAll(/\b(?:crate|super|self)(?:::(?:super|[A-Za-z_]\w*))+/g)) paths.push(m[0].split("::"));
  const out = new Map();
  for (const p of paths) {
    const target = resolve(absolute(mod, p));
    if (target && target !== f && !testFiles.has(target)) out.set(target, p.join("::"));
  }
  edges.set(f, out);
}

// Floors: the `pub mod` lines of lib.rs, bottom first.
const floors = [...readFileSync(join(srcDir, "lib.rs"), "utf8").matchAll(/^pub mod (\w+);/gm)].map((m) => m[1]);
const floorOf = (file) => floors.indexOf(modulePath(file)[0] ?? "");
const rel = (f) => relative(join(srcDir, ".."), f);
const problems = [];
for (const [from, out] of edges) {
  for (const [to, via] of out) {
    const [a, b] = [floorOf(from), floorOf(to)];
    if (a >= 0 && b >= 0 && a !== b && b > a) {
      problems.push(`upward import: ${rel(from)} (floor ${a}, ${floors[a]}) uses \`${via}\` from ${rel(to)} (floor ${b}, ${floors[b]})`);
    }
  }
}

// Circles between files (Tarjan's strongly connected components), then between folders.
function circles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), found = [];
  function visit(v) {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) found.push(comp);
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}
for (const comp of circles(edges)) {
  const set = new Set(comp);
  const lines = comp.flatMap((f) => [...edges.get(f)].filter(([t]) => set.has(t)).map(([t, via]) => `    ${rel(f)} → ${rel(t)} (\`${via}\`)`));
  problems.push(`circle between files:\n${lines.join("\n")}`);
}
const folderOf = (f) => relative(srcDir, f).split("/").slice(0, -1).join("/");
const folders = new Map();
for (const [from, out] of edges) {
  for (const [to, via] of out) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`)) continue; // a folder and its own subfolders
    if (!folders.has(a)) folders.set(a, new Map());
    folders.get(a).set(b, `${rel(from)} → ${rel(to)} (\`${via}\`)`);
  }
}
for (const comp of circles(folders)) {
  const set = new Set(comp);
  const lines = comp.flatMap((a) => [...folders.get(a)].filter(([b]) => set.has(b)).map(([b, via]) => `    src/${a} → src/${b}: ${via}`));
  problems.push(`circle between folders:\n${lines.join("\n")}`);
}

const edgeCount = [...edges.values()].reduce((n, m) => n + m.size, 0);
if (problems.length) {
  console.error(`layering: ${problems.length} broken rule(s) in ${files.length} files, ${edgeCount} imports\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`layering: ok — ${files.length} files, ${edgeCount} imports, floors ${floors.join(" < ")}, no upward import, no circle`);
