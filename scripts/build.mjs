#!/usr/bin/env node
// Builds pkg/, the installable `scimkit` npm package, from the Rust core:
//   cargo (the bindings/wasm crate for wasm32, release) → wasm-bindgen --target web (one .wasm, ESM glue) → wasm-opt → pkg-template/
//   copied over → node.cjs bundled by esbuild (CommonJS for require(); node.mjs re-exports it so
//   ESM and CJS share one instance) → sqlite.cjs (scimkit/sqlite for require()).
//   The glue is patched by scripts/glue-guard.mjs so that a trap resets the instance (pkg-template/lib/state.js).
// Usage: node scripts/build.mjs [--debug] [--trap-test]
//   --debug keeps the wasm name section for stack traces;
//   --trap-test builds build/pkg-trap-test/ instead of pkg/: the same package plus exports that trap
//   the instance on purpose (cargo feature `trap-test`, tests/js/trap/), for tests/js/trap.test.mjs.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { guardGlue } from "./glue-guard.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const debug = process.argv.includes("--debug");
const trapTest = process.argv.includes("--trap-test");
const pkg = trapTest ? join(root, "build", "pkg-trap-test") : join(root, "pkg");
const glueDir = join(root, "build", trapTest ? "glue-trap-test" : "glue");
/** The test-only exports of bindings/wasm/src/trap_test.rs, as the .wasm names them. */
const TRAP_EXPORTS = ["trapForTest", "trapForTestLater"];

function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
}

function lockedVersion(name) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  const m = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${name} not found in Cargo.lock`);
  return m[1];
}

// 1. The wasm binary. The trap-test build has a target directory of its own, so that switching
// between the two builds does not relink either.
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const cargoTarget = trapTest ? join(targetDir, "trap-test") : targetDir;
const cargoFeatures = trapTest ? ["--features", "trap-test"] : [];
run("cargo", ["build", "--release", "-p", "scimkit-wasm", "--target", "wasm32-unknown-unknown", "--target-dir", cargoTarget, ...cargoFeatures]);

// 2. The CLI must match the crate exactly, or the glue and the binary disagree at load time.
const want = lockedVersion("wasm-bindgen");
let have = "";
try {
  have = execFileSync("wasm-bindgen", ["--version"], { encoding: "utf8" }).trim().split(/\s+/)[1];
} catch {
  /* reported below */
}
if (have !== want) {
  console.error(`wasm-bindgen CLI ${have || "not found"}, crate ${want}: run \`cargo install wasm-bindgen-cli --version ${want}\``);
  process.exit(1);
}
rmSync(glueDir, { recursive: true, force: true });
const wasmIn = join(cargoTarget, "wasm32-unknown-unknown", "release", "scimkit_wasm.wasm");
const strip = debug ? [] : ["--remove-name-section", "--remove-producers-section"];
// --experimental-reset-state-function: the glue gets `__wbg_reset_state` (a fresh instance from the
// same module) and marks wasm objects and closures with their instance (see scripts/glue-guard.mjs).
const reset = ["--experimental-reset-state-function"];
run("wasm-bindgen", ["--target", "web", "--no-typescript", ...strip, ...reset, "--out-name", "scimkit", "--out-dir", glueDir, wasmIn]);
const glueFile = join(glueDir, "scimkit.js");
writeFileSync(glueFile, guardGlue(readFileSync(glueFile, "utf8")));

// wasm-opt from npm binaryen 132 (Debian's binaryen 108 miscompiles wasm-bindgen 0.2.130 output:
// docs/toolchain.md). -O3: speed over size; measured faster hashing at 256 KiB+.
if (!debug) {
  const wasmOpt = join(root, "node_modules", ".bin", "wasm-opt");
  const features = ["simd", "bulk-memory", "reference-types", "nontrapping-float-to-int", "sign-ext", "multivalue"];
  const out = join(glueDir, "scimkit_bg.wasm");
  run(wasmOpt, ["-O3", ...features.map((f) => `--enable-${f}`), out, "-o", out]);
}

// The trap exports are in the trap-test build and nowhere else.
const wasmExports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(glueDir, "scimkit_bg.wasm")))).map((e) => e.name);
for (const name of TRAP_EXPORTS) {
  if (wasmExports.includes(name) !== trapTest) {
    console.error(`${name} ${trapTest ? "missing from the trap-test" : "present in the release"} .wasm`);
    process.exit(1);
  }
}

// 3. Assemble the package.
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
cpSync(join(root, "pkg-template"), pkg, { recursive: true });
renameSync(glueFile, join(pkg, "lib", "glue.js"));
if (trapTest) {
  cpSync(join(root, "tests", "js", "trap", "trap-test.js"), join(pkg, "lib", "trap-test.js"));
  const api = join(pkg, "lib", "api.js");
  writeFileSync(api, `${readFileSync(api, "utf8")}export { ${TRAP_EXPORTS.join(", ")} } from "./trap-test.js";\n`);
}
cpSync(join(glueDir, "scimkit_bg.wasm"), join(pkg, "scimkit_bg.wasm"));
cpSync(join(root, "README.md"), join(pkg, "README.md"));
const cargoVersion = readFileSync(join(root, "Cargo.toml"), "utf8").match(/^version = "([^"]+)"/m)[1];
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
manifest.version = cargoVersion;
writeFileSync(join(pkg, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

// 4. node.cjs: one CommonJS file (glue + façade) that loads the .wasm synchronously.
await build({
  entryPoints: [join(pkg, "lib", "node-entry.js")],
  outfile: join(pkg, "node.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // The glue's default fetch-based loader mentions import.meta.url; Node never takes that path.
  define: { "import.meta.url": "undefined" },
  logLevel: "warning",
});
rmSync(join(pkg, "lib", "node-entry.js"));

// 4b. sqlite.cjs: scimkit/sqlite for require(). It imports the package itself ("scimkit", kept
// external), so require("scimkit/sqlite") and require("scimkit") share node.cjs's error classes.
await build({
  entryPoints: [join(pkg, "lib", "sqlite.js")],
  outfile: join(pkg, "sqlite.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["scimkit"],
  logLevel: "warning",
});

// 5. node.mjs: named ESM exports over the same CommonJS instance (no dual-package hazard).
const names = Object.keys(createRequire(import.meta.url)(join(pkg, "node.cjs"))).sort();
writeFileSync(
  join(pkg, "node.mjs"),
  `// Generated by scripts/build.mjs: ESM view of node.cjs, so import and require share one instance.\n` +
    `import cjs from "./node.cjs";\n\nexport const { ${names.join(", ")} } = cjs;\n`,
);
console.log(`${trapTest ? "build/pkg-trap-test" : "pkg"}/ built: scimkit ${cargoVersion}, exports: ${names.join(", ")}`);
