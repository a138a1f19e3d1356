#!/usr/bin/env bash
# Installs what building and testing scimkit needs on a fresh machine; idempotent and quick when
# everything is already there. Usage: scripts/setup.sh [--browser]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "Rust target wasm32-unknown-unknown"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown || { echo "error: could not add the wasm32-unknown-unknown target" >&2; exit 1; }
fi

# The CLI must be exactly the crate's version (pinned with = in Cargo.toml, resolved in Cargo.lock).
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
step "wasm-bindgen CLI $want (have: ${have:-none})"
if [[ "$have" != "$want" ]]; then
  # No --locked: the CLI's lockfile pins a webpki-roots release this registry does not serve.
  cargo install wasm-bindgen-cli --version "$want"
fi

step "npm packages"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

if [[ "${1:-}" == "--browser" ]] && ! command -v chromium >/dev/null; then
  step "Debian chromium (browser tests)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
