#!/usr/bin/env bash
# bench/stream.sh: the live stream's figures (issue 13 "Speed"): how soon an event reaches
# 1,000 connected stream clients on one node (median, p99, and the median of the last client
# per event, measured from sending the write), and the RSS of 5,000 idle stream clients. The
# work is bench/stream.mjs (Node, bare sockets, the API tests' harness: SQLite, a fresh data
# directory, the server stopped at the end). See bench/README.md.
#
# usage: bench/stream.sh [--record]
#   --record      also append the results to bench/RESULTS.md
# env: CLIENTS (1000) EVENTS (50) IDLE (5000) SERVER_THREADS (2) TICKETD_BIN (build/ticketd)
set -euo pipefail
ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT_DIR"
RECORD=0
[ "${1:-}" = "--record" ] && RECORD=1
[ -x "${TICKETD_BIN:-build/ticketd}" ] || make build
[ -d node_modules ] || make deps
ulimit -n "$(ulimit -Hn)"
out=$(TICKETD_BIN=${TICKETD_BIN:-build/ticketd} node bench/stream.mjs)
echo "$out"
if [ "$RECORD" = 1 ]; then
    row=$(node -e '
const r = JSON.parse(process.argv[1]); const l = r.latency, i = r.idle;
console.log(`| ${l.clients} clients, ${l.events} events, from the event created_at | ${l.from_created_median_ms} ms | ${l.from_created_p99_ms} ms | | ${l.threads} |`);
console.log(`| ${l.clients} clients, ${l.events} events, from sending the write (its answer: ${l.write_answer_median_ms.toFixed(1)} ms) | ${l.median_ms.toFixed(1)} ms | ${l.p99_ms.toFixed(1)} ms | ${l.last_client_median_ms.toFixed(1)} ms | ${l.threads} |`);
console.log(`| ${i.idle} idle clients | RSS ${(i.rss_before_kb / 1024).toFixed(1)} MB -> ${(i.rss_with_kb / 1024).toFixed(1)} MB | | | ${i.threads} |`);' "$out")
    {
        printf '\n## %s: live stream, commit %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD)"
        printf 'Command: `CLIENTS=%s EVENTS=%s IDLE=%s SERVER_THREADS=%s bench/stream.sh --record` (SQLite,\n' \
            "${CLIENTS:-1000}" "${EVENTS:-50}" "${IDLE:-5000}" "${SERVER_THREADS:-2}"
        printf 'one node, clients in one Node process on the same 2-core VM). Latency: to each client\n'
        printf 'reading the event of a Tamio reply, from the event'"'"'s created_at (taken when its write job\n'
        printf 'starts, before COMMIT; ms clock) and from sending the write: upper bounds of commit-to-delivery.\n\n'
        printf '| what | median | p99 | last client (median) | server threads |\n|---|---:|---:|---:|---:|\n'
        printf '%s\n' "$row"
    } >> bench/RESULTS.md
fi
