#!/usr/bin/env bash
# A short run of every fuzz target (fuzz/, see its README), part of scripts/test.sh: installs the
# nightly toolchain and cargo-fuzz when missing, writes the seeds from the fixtures, builds the
# targets and runs each for FUZZ_SECONDS (default 20) from its seeds and kept corpus, two at a time
# (the machine has two cores and nothing else runs during the tests). New inputs go to a temporary
# directory, so the repository is left as it was. Fails on the first finding.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${FUZZ_SECONDS:-20}

log=build/logs/fuzz-smoke.log
mkdir -p "$(dirname "$log")"
: >"$log"
# shellcheck source=scripts/progress.sh
source scripts/progress.sh

if rustup toolchain list | grep -q '^nightly'; then
  present "Rust nightly toolchain"
else
  step "Rust nightly toolchain (~1 min)" rustup toolchain install nightly --profile minimal
fi
if cargo fuzz --version >/dev/null 2>&1; then
  present "cargo-fuzz"
else
  # Measured: about 1 min of CPU time (2m53s wall on a busy 2-core machine).
  step "cargo-fuzz, compiled from crates.io" cargo install cargo-fuzz --locked
fi
step "fuzz seeds from the fixtures" node fuzz/seeds.mjs
step "fuzz targets (nightly, sanitizer coverage)" bash -c "cd fuzz && cargo +nightly fuzz build"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
targets=(webhook_verify webhook_secret normalize_event scim_resource scim_request patch_path_filter patch_apply directory_pages)
# Two lanes: targets 0, 2, 4, … and 1, 3, 5, …
lane() {
  local first=$1 i
  for ((i = first; i < ${#targets[@]}; i += 2)); do
    fuzz/run.sh --no-build --seconds "$seconds" --corpus "$out" "${targets[$i]}" || return 1
  done
}
t0=$SECONDS
lane 0 >"$out/lane0.log" 2>&1 & pid0=$!
lane 1 >"$out/lane1.log" 2>&1 & pid1=$!
rc=0
wait "$pid0" || rc=1
wait "$pid1" || rc=1
cat "$out/lane0.log" "$out/lane1.log"
echo "fuzz smoke: ${#targets[@]} targets, ${seconds}s each, in $((SECONDS - t0))s"
exit "$rc"
