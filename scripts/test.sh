#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: the native Rust core, a short run of every fuzz
# target, the local directory service, then the built package from a packed tarball in Node
# (CJS + ESM, Node 20/22/24, Bun, Deno), workerd and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh --browser

printf '\n== Rust: fmt, floors, clippy, native tests\n'
cargo fmt --all --check
node scripts/check-layers.mjs
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --target wasm32-unknown-unknown -- -D warnings
cargo test

printf '\n== Fuzz targets: a short run of each from the seeds\n'
bash scripts/fuzz-smoke.sh

printf '\n== Build the package\n'
node scripts/build.mjs
node scripts/wasm-size.mjs
# The same package plus exports that trap on purpose, for tests/js/trap.test.mjs (never shipped).
node scripts/build.mjs --trap-test

printf "\n== TypeScript declarations: strict usage compiles, every returned object matches\n"
npx tsc -p tests/types/tsconfig.json
timeout 120 node --test --test-reporter=spec tests/js/shapes.test.mjs

printf '\n== Local directory service\n'
timeout 300 node --test --test-reporter=spec tools/directory-service/test/

printf '\n== The package in every runtime\n'
bash scripts/test-js.sh
