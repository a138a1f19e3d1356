#!/usr/bin/env bash
# Installs what building and testing scimkit needs on a fresh machine; idempotent and quick when
# everything is already there. Usage: scripts/setup.sh [--browser]
# Prints what it will install and about how long that takes, then one line per step; the tools'
# own output goes to build/logs/setup.log, whose end is shown if a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log=build/logs/setup.log
mkdir -p "$(dirname "$log")"
: >"$log"

# shellcheck source=scripts/progress.sh
source scripts/progress.sh

# What is missing, decided up front so the plan (and its rough duration) can be said first.
need_target=0
rustup target list --installed | grep -qx wasm32-unknown-unknown || need_target=1
# The CLI must be exactly the crate's version (pinned with = in Cargo.toml, resolved in Cargo.lock).
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
need_cli=0
[[ "$have" == "$want" ]] || need_cli=1
need_npm=0
[[ -d node_modules && ! package-lock.json -nt node_modules/.package-lock.json ]] || need_npm=1
need_postgres=0
bash scripts/postgres.sh --check 2>/dev/null || need_postgres=1
need_browser=0
[[ "${1:-}" == "--browser" ]] && ! command -v chromium >/dev/null && need_browser=1

# Rough durations measured on a 2-core machine (see the README); network speed varies them.
plan=()
((need_target)) && plan+=("Rust target wasm32-unknown-unknown (~20 s)")
((need_cli)) && plan+=("wasm-bindgen CLI $want, compiled from crates.io (~4 min)")
((need_npm)) && plan+=("npm packages from package-lock.json (~20 s)")
((need_postgres)) && plan+=("Debian's postgresql for the scimkit/postgres tests (~1 min)")
((need_browser)) && plan+=("Debian's chromium for the browser tests (~1 min)")
if ((${#plan[@]})); then
  echo "setup: installing ${#plan[@]} thing(s); log in $log"
  printf '  - %s\n' "${plan[@]}"
else
  echo "setup: everything is installed already"
fi

if ((need_target)); then
  step "Rust target wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
else
  present "Rust target wasm32-unknown-unknown"
fi

if ((need_cli)); then
  # No --locked: the CLI's lockfile pins a webpki-roots release this registry does not serve.
  step "wasm-bindgen CLI $want (have: ${have:-none})" cargo install wasm-bindgen-cli --version "$want"
else
  present "wasm-bindgen CLI $want"
fi

if ((need_npm)); then
  step "npm packages" npm ci --no-audit --no-fund
else
  present "npm packages"
fi

if ((need_postgres)); then
  step "Debian postgresql (scimkit/postgres tests)" bash scripts/postgres.sh
else
  present "Debian postgresql (scimkit/postgres tests)"
fi

if [[ "${1:-}" == "--browser" ]]; then
  if ((need_browser)); then
    install_chromium() {
      apt-get -o DPkg::Lock::Timeout=300 update -qq
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium
    }
    step "Debian chromium (browser tests)" install_chromium
  else
    present "Debian chromium (browser tests)"
  fi
fi
