#!/usr/bin/env bash
# Sets up a fresh machine, builds the package (pkg/) and serves the demo page on 127.0.0.1
# next to a local directory service. Usage: scripts/demo.sh [--port 8080]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
node scripts/build.mjs
exec node www/serve.mjs "$@"
