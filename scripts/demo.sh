#!/usr/bin/env bash
# Sets up a fresh machine, builds the package (pkg/) and serves the demo page on 127.0.0.1 next to
# a local directory service. Usage: scripts/demo.sh [--port 8080]
# One line per step; the tools' own output (cargo's included) goes to build/logs/, shown on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$SECONDS

cat <<'TEXT'
scimkit demo: installs what is missing (listed below), builds pkg/ from the Rust core, then serves
the demo page and a local directory service on 127.0.0.1.
About 6 minutes on a fresh 2-core machine (4 of them compiling the wasm-bindgen CLI, once);
about 30 seconds when everything is installed and built already.

TEXT

bash scripts/setup.sh

log=build/logs/build.log
: >"$log"
# shellcheck source=scripts/progress.sh
source scripts/progress.sh
echo "build: log in $log"
step "pkg/ from the Rust core (cargo, wasm-bindgen, wasm-opt)" node scripts/build.mjs

echo
echo "ready after $((SECONDS - start))s"
exec node www/serve.mjs "$@"
