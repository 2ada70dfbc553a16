#!/usr/bin/env bash
# bench/webhooks.sh: the webhook figures of issue 15 ("Speed"): what the outbox adds to a
# ticket create (req/s and the server's CPU ms per create from /proc, without and with one
# active endpoint, closed loop; delivering meanwhile, with the endpoint down, and queueing alone
# with no outbox worker in the process), the CPU per delivered event draining a backlog, and
# delivery at
# RATE events/s to a local receiver (queue-to-delivered median and p99, at the receiver, from
# the event's created_at). The work is bench/webhooks.mjs (Node, the API tests' harness: SQLite,
# a fresh data directory, the server stopped at the end). See bench/README.md.
#
# usage: bench/webhooks.sh [--record]
#   --record      also append the results to bench/RESULTS.md
# env: RATE (2000) SECS (10) CONC (16) SERVER_THREADS (2) TICKETD_BIN (build/ticketd)
#      PHASES (create,delivery,down,held,drain: bench/webhooks.mjs's header says what each is)
set -euo pipefail
ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT_DIR"
RECORD=0
[ "${1:-}" = "--record" ] && RECORD=1
[ -x "${TICKETD_BIN:-build/ticketd}" ] || make build
[ -d node_modules ] || make deps
out=$(TICKETD_BIN=${TICKETD_BIN:-build/ticketd} node bench/webhooks.mjs)
echo "$out"
if [ "$RECORD" = 1 ]; then
    row=$(node -e '
const r = JSON.parse(process.argv[1]); const c = r.create, d = r.delivery;
if (c.runs_without.length) console.log(`| create, closed loop ${c.conc} in flight, ${c.secs} s x2 each | ${c.without_rps} req/s (${c.runs_without.join(", ")}) | ${c.with_rps} req/s (${c.runs_with.join(", ")}) | +${c.added_pct} % per create; CPU ${c.cpu_without_ms} -> ${c.cpu_with_ms} ms, +${c.cpu_added_pct} % | ${r.threads} |`);
const q = r.queue_only;
if (q.runs_without.length) console.log(`| create, endpoint down (retry in 1 h: one refused attempt each) | ${q.without_rps} req/s (${q.runs_without.join(", ")}) | ${q.with_rps} req/s (${q.runs_with.join(", ")}) | +${q.added_pct} % per create; CPU ${q.cpu_without_ms} -> ${q.cpu_with_ms} ms, +${q.cpu_added_pct} % | ${r.threads} |`);
const h = r.held;
if (h) console.log(`| create, queueing alone (--no-outbox-worker; endpoint inactive vs active) | ${h.without_rps} req/s (${h.runs_without.join(", ")}) | ${h.with_rps} req/s (${h.runs_with.join(", ")}) | CPU ${h.cpu_without_ms} -> ${h.cpu_with_ms} ms (runs ${h.cpu_runs_without.join(", ")} / ${h.cpu_runs_with.join(", ")}), +${h.cpu_added_pct} % per create | ${r.threads} |`);
const g = r.drain;
if (g) console.log(`| draining that backlog with the worker (its start-up included) | ${g.delivered} of ${g.queued} delivered in ${g.secs} s | ${g.per_s}/s | CPU ${g.cpu_ms} ms per delivered event | ${r.threads} |`);
if (d.sent) console.log(`| delivery, ${d.rate} creates/s asked for ${d.secs} s (${d.achieved_rps}/s sent, ${d.failed} failed) | ${d.delivered} of ${d.sent} delivered | median ${d.median_ms} ms | p99 ${d.p99_ms} ms (max ${d.max_ms} ms); CPU ${d.cpu_per_event_ms} ms per event created and delivered | ${r.threads} |`);' "$out")
    {
        printf '\n## %s: webhooks, commit %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD)"
        printf 'Command: `RATE=%s SECS=%s CONC=%s SERVER_THREADS=%s PHASES=%s bench/webhooks.sh --record` (SQLite, one\n' \
            "${RATE:-2000}" "${SECS:-10}" "${CONC:-16}" "${SERVER_THREADS:-2}" "${PHASES:-create,delivery,down,held,drain}"
        printf 'node; ticketd, the Node load and the Node receiver share the 2-core VM, and with an endpoint\n'
        printf 'the outbox worker delivers while creates run). Latency: at the receiver, from the event'"'"'s\n'
        printf 'created_at (taken when its write job starts, before COMMIT). Load average at the end: %s.\n\n' \
            "$(node -e 'console.log(JSON.parse(process.argv[1]).load)' "$out")"
        printf '| what | without endpoint | with one endpoint | figure | server threads |\n|---|---:|---:|---:|---:|\n'
        printf '%s\n' "$row"
    } >> bench/RESULTS.md
fi
