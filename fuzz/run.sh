#!/usr/bin/env bash
# Runs fuzz targets one after another, each for a fixed time, with its own -max_len and
# dictionary, from its corpus (fuzz/corpus/<target>, kept between runs) and its seeds
# (fuzz/seeds/<target>, written by fuzz/seeds.mjs when missing). Fails on the first finding; the
# crashing input is in fuzz/artifacts/<target>/.
#
#   fuzz/run.sh [--seconds N] [--corpus DIR] [--no-build] [TARGET…]     (default: every target, 300 s)
#
# FUZZ_LOG_DIR=DIR keeps each target's libFuzzer log as DIR/<target>.log (the campaign's record).
# FUZZ_ARGS: more libFuzzer flags (e.g. FUZZ_ARGS=-len_control=0: long inputs from the start).
# --corpus DIR puts new inputs in DIR/<target> instead of fuzz/corpus (the smoke run uses a temp
# directory, so a test run leaves the repository as it was). Needs cargo-fuzz and a nightly
# toolchain (scripts/fuzz-smoke.sh installs what is missing).
set -euo pipefail
cd "$(dirname "$0")"

seconds=300
corpus_root=corpus
build=1
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --corpus) corpus_root=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=(webhook_verify webhook_secret normalize_event scim_resource scim_request patch_path_filter patch_apply directory_pages)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

# -max_len per target: a little above the largest realistic input it reads, and past the bound
# it must enforce (MAX_PATH_LEN and MAX_FILTER_LEN are 4096 bytes).
options() {
  case $1 in
    webhook_verify) echo "-max_len=4096 -dict=dict/webhook.dict" ;;
    webhook_secret) echo "-max_len=1024 -dict=dict/webhook.dict" ;;
    patch_path_filter) echo "-max_len=8192 -dict=dict/scim.dict" ;;
    patch_apply|directory_pages) echo "-max_len=32768 -dict=dict/scim.dict" ;;
    *) echo "-max_len=16384 -dict=dict/scim.dict" ;;
  esac
}

[ -d seeds ] || node seeds.mjs >/dev/null
if [ "$build" = 1 ]; then
  cargo +nightly fuzz build
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$corpus_root/$t"
  echo "== $t: ${seconds}s ($(options "$t"))"
  # -timeout: one input taking more than 10 s is a finding (cost must grow linearly with input).
  rc=0
  # shellcheck disable=SC2046
  dirs=("$corpus_root/$t" "seeds/$t")
  # Given another place for new inputs, the kept corpus is read as more seeds.
  [ "$corpus_root" != corpus ] && [ -d "corpus/$t" ] && dirs+=("corpus/$t")
  cargo +nightly fuzz run "$t" "${dirs[@]}" -- \
    $(options "$t") -max_total_time="$seconds" -timeout=10 -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1 || rc=$?
  # The coverage when the run started and when it ended, the executions and the memory used.
  grep -E "INITED|DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
  # When coverage (edges) last grew, against the executions of the run: whether it plateaued.
  # Edges gained in the second half of the run (by executions) tell a plateau from a slow climb.
  awk '/^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse|DONE)[[:space:]].*cov: / {
         n = substr($1, 2) + 0
         for (i = 1; i <= NF; i++) if ($i == "cov:") c = $(i + 1) + 0
         if (c > best) { best = c; at = n }
         ns[k] = n; cs[k] = c; k++
         last = n
       }
       END {
         if (!last) exit
         half = 0
         for (j = 0; j < k; j++) if (ns[j] <= last / 2) half = cs[j]
         printf "coverage %d edges, last grown at execution %d of %d (%.0f%% into the run); %d edges gained in its second half\n", best, at, last, 100 * at / last, best - half
       }' "$log"
  if [ -n "${FUZZ_LOG_DIR:-}" ]; then mkdir -p "$FUZZ_LOG_DIR" && cp "$log" "$FUZZ_LOG_DIR/$t.log"; fi
  if [ "$rc" -ne 0 ]; then
    echo "!! $t failed (exit $rc):" >&2
    grep -v -E "^#[0-9]+ " "$log" | tail -n 40 >&2
    exit "$rc"
  fi
done
