# Progress lines for the setup and demo scripts (sourced, not run). `step LABEL COMMAND…` runs
# COMMAND with its output appended to $log and prints one line: "done in Ns", or "FAILED" and the
# end of the log. On a terminal the line counts the seconds (and cargo's compiled crates) meanwhile.

step() {
  local label=$1
  shift
  local t0=$SECONDS rc=0
  printf '%s\n' "== $label" >>"$log"
  if [[ -t 1 ]]; then
    local before
    before=$(grep -c '^ *Compiling ' "$log" || true)
    "$@" >>"$log" 2>&1 &
    local pid=$!
    # Background jobs ignore Ctrl-C in a script: stop this one ourselves.
    trap 'kill -TERM "$pid" 2>/dev/null; printf "\n  interrupted\n"; exit 130' INT TERM
    while kill -0 "$pid" 2>/dev/null; do
      local crates
      crates=$(($(grep -c '^ *Compiling ' "$log" || true) - before))
      printf '\r  %-58s %4ds%s' "$label" $((SECONDS - t0)) "$( ((crates > 0)) && echo " ($crates crates compiled)")"
      sleep 1
    done
    wait "$pid" || rc=$?
    trap - INT TERM
    printf '\r\033[K'
  else
    "$@" >>"$log" 2>&1 || rc=$?
  fi
  if ((rc != 0)); then
    printf '  %-58s FAILED (exit %d) after %ds\n' "$label" "$rc" $((SECONDS - t0))
    echo "---- last 40 lines of $log ----" >&2
    tail -n 40 "$log" >&2
    exit "$rc"
  fi
  printf '  %-58s done in %ds\n' "$label" $((SECONDS - t0))
}

present() { printf '  %-58s already there\n' "$1"; }
