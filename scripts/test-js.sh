#!/usr/bin/env bash
# Runs the cross-runtime JavaScript suite against an already-built pkg/ (node scripts/build.mjs) and
# build/pkg-trap-test/ (node scripts/build.mjs --trap-test, for the trap runner):
# Node (CJS + ESM, from the packed tarball), workerd (Miniflare), Chromium (playwright-core),
# and Node 22/24, Bun, Deno (binaries from npm); the runners start the local directory service
# (tools/directory-service) for the Directory API cases. guide.test.mjs runs the reference guide's
# snippets unchanged against the tarball installed as @scalekit-sdk/node; soak.test.mjs sends 100,000
# malformed inputs through the tarball in Node and in workerd. Fails if any runner fails.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -f pkg/package.json ] || [ ! -f pkg/scimkit_bg.wasm ]; then
  echo "pkg/ is missing: build it first (node scripts/build.mjs)" >&2
  exit 2
fi
if [ ! -f build/pkg-trap-test/package.json ]; then
  echo "build/pkg-trap-test/ is missing: build it first (node scripts/build.mjs --trap-test)" >&2
  exit 2
fi
if [ ! -d node_modules/miniflare ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/better-sqlite3 ] || [ ! -d node_modules/pg ]; then
  echo "node_modules missing: run npm install (or npm ci) in the repo root" >&2
  exit 2
fi

start=$(date +%s)
failed=()
passed=0
run() {
  local name=$1 limit=$2 file=$3
  echo "=== ${name} (${file}, timeout ${limit}s)"
  local t0=$(date +%s)
  timeout --kill-after=10 "${limit}" node --test --test-reporter=spec --test-timeout=180000 "tests/js/${file}"
  local rc=$?
  echo "=== ${name}: exit ${rc} in $(( $(date +%s) - t0 ))s"
  if [ "${rc}" -eq 0 ]; then passed=$((passed + 1)); else failed+=("${name} (exit ${rc})"); fi
}

run node 120 node.test.mjs
run workerd 120 workerd.test.mjs
run campaign 240 fault-campaign.test.mjs
run readme 120 readme.test.mjs
run browser 150 browser.test.mjs
run trap 180 trap.test.mjs
run demo 150 demo.test.mjs
run guide 90 guide.test.mjs
run soak 330 soak.test.mjs
run runtimes 300 runtimes.test.mjs
# After runtimes: its Node 22/24 binaries run the node:sqlite store cases (Node 20 has no node:sqlite).
run sync 300 sync.test.mjs
# DirectorySync end to end: the Express + SQLite example (examples/express-sqlite) in its own process
# against the local directory service: HTTP contract, convergence under delivery faults, SIGKILLs.
run sync-e2e-app 150 sync-e2e/app.test.mjs
run sync-e2e-convergence 480 sync-e2e/convergence.test.mjs
run sync-e2e-crash 480 sync-e2e/crash.test.mjs
# scimkit/postgres against a PostgreSQL server each runner starts and stops (Debian's postgresql,
# installed by scripts/setup.sh): the store contract, racing commits from separate pools, and
# five processes of the example app on one database with one stream of deliveries.
run postgres 240 postgres.test.mjs
run sync-e2e-postgres 360 sync-e2e/postgres.test.mjs
# scimkit/d1: the store contract over Miniflare's D1; then the Worker example (examples/worker-d1) under
# Miniflare with D1 and Queues, faults at random points, 40,000 users (WORKER_D1_USERS per directory).
run d1 120 d1.test.mjs
run worker-d1 480 worker-d1.test.mjs

echo "=== total $(( $(date +%s) - start ))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
fi
# A plain closing line: JS runner files (each a node --test run of its own cases).
echo "JS runners: ${passed} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
