#!/usr/bin/env bash
# Runs the black-box API suite (or the files given) against PostgreSQL: a throwaway cluster made
# by Debian's pg_virtualenv (-t: in a temp directory, so runs never share one), torn down after.
# Every test server gets a database of its own (tests/api/lib/harness.mjs, TICKETD_TEST_PG).
# --nodes 2: every test server is two ticketd processes on that database behind haproxy.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=1
if [ "${1:-}" = "--nodes" ]; then nodes=$2; shift 2; fi
BIN=${TICKETD_BIN:-build/ticketd}
files=${*:-tests/api/}
exec pg_virtualenv -t -o max_connections=500 -o fsync=off \
  bash -c "TICKETD_TEST_PG=1 TICKETD_TEST_NODES=$nodes TICKETD_BIN='$BIN' node --test --test-reporter=spec $files"
