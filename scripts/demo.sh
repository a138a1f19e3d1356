#!/usr/bin/env bash
# Sets up a fresh machine, builds the package (pkg/) and serves the demo page on 127.0.0.1 next to
# a local directory service. Usage: scripts/demo.sh [--rebuild] [--port 8080]
# One line per step; the tools' own output (cargo's included) goes to build/logs/, shown on failure.
# pkg/ is rebuilt only when a source it is built from is newer than it (or with --rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$SECONDS

rebuild=0
serve_args=()
for arg in "$@"; do
  if [[ "$arg" == "--rebuild" ]]; then rebuild=1; else serve_args+=("$arg"); fi
done

cat <<'TEXT'
scimkit demo: installs what is missing (listed below), builds pkg/ from the Rust core, then serves
the demo page and a local directory service on 127.0.0.1.
About 6–7 minutes on a fresh 2-core machine (4 or so compiling the wasm-bindgen CLI, once);
about 25 seconds to rebuild pkg/ after a change; a few seconds when nothing changed.

TEXT

bash scripts/setup.sh

log=build/logs/build.log
# shellcheck source=scripts/progress.sh
source scripts/progress.sh
sources=(src bindings pkg-template Cargo.toml Cargo.lock .cargo scripts/build.mjs)
[[ -d bindings ]] && sources+=(bindings)
if ((rebuild == 0)) && [[ -f pkg/scimkit_bg.wasm ]] && [[ -z "$(find "${sources[@]}" -newer pkg/scimkit_bg.wasm -print -quit 2>/dev/null)" ]]; then
  printf '  %-58s up to date (--rebuild builds anyway)\n' "pkg/ from the Rust core"
else
  : >"$log"
  echo "build: log in $log"
  step "pkg/ from the Rust core (cargo, wasm-bindgen, wasm-opt)" node scripts/build.mjs
fi

echo
echo "ready after $((SECONDS - start))s"
exec node www/serve.mjs "${serve_args[@]}"
