#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the scimkit/postgres tests when it is missing (no
# /usr/lib/postgresql/*/bin/pg_ctl). The tests start and stop their own throwaway cluster
# (tests/js/lib/postgres-server.mjs); this only puts the binaries there. Idempotent.
# Usage: scripts/postgres.sh [--check]   (--check: exit 1 if missing, install nothing)
set -euo pipefail

installed() { compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; }

if installed; then
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "PostgreSQL is not installed (run: bash scripts/postgres.sh)" >&2
  exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "installing postgresql needs root (apt-get)" >&2; exit 1; }
  sudo=(sudo)
fi
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq
# The Debian package also starts a cluster of its own as a service where services run; the tests
# do not use it (they start one on a free port).
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq postgresql
installed
