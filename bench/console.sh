#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap-called functions; literal backquotes
# bench/console.sh: the agent console's figures (issue 14 "Speed", measured in Chromium): the
# inbox with 50 tickets interactive within 300 ms of navigation at 1M tickets, and a reply
# posted through the API appearing in another agent's open ticket page within 200 ms (median).
# Seeds or reuses an N-ticket store (lib.sh seed_or_reuse, as bench/native.sh), starts ticketd
# and runs bench/console.mjs (playwright-core, Debian's chromium): RUNS navigations to /app
# signed in, navigation start -> 50 rows and the search box focusable, median and p95; then
# LIVE_RUNS writes through the API timed to their element in the page. See bench/README.md.
#
# usage: bench/console.sh [--record] [N]
#   N          tickets to seed (default 1000000)
#   --record   also append the results to bench/RESULTS.md
# env: RUNS (20) LIVE_RUNS (20) SERVER_THREADS (2) TEAMMATES (50) CLIENTS (N/100, at least 100)
#      TICKETD (build/ticketd) TICKETD_PORT (first free from 18180) DATA_DIR (keep the data
#      here; reused without seeding when it holds ticketd.db and bench.key)
#      TICKETD_CHROMIUM (/usr/bin/chromium)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR
LOG_NAME=console
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$BENCH_DIR/lib.sh"

usage() { sed -n '11,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

RECORD=0
N=1000000
while [ $# -gt 0 ]; do
    case "$1" in
        --record) RECORD=1 ;;
        -h|--help) usage; exit 0 ;;
        *[!0-9]*|'') echo "console.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
        *) N=$1 ;;
    esac
    shift
done
[ "$N" -ge 1 ] || { echo "console.sh: N must be >= 1" >&2; exit 2; }

RUNS=${RUNS:-20}
LIVE_RUNS=${LIVE_RUNS:-20}
SERVER_THREADS=${SERVER_THREADS:-2}
TEAMMATES=${TEAMMATES:-50}
CLIENTS=${CLIENTS:-$(( N / 100 > 100 ? N / 100 : 100 ))}
TICKETD=${TICKETD:-$ROOT_DIR/build/ticketd}
DATA_DIR=${DATA_DIR:-}
WARMUP=0

cleanup_on_exit
command -v sqlite3 >/dev/null || die "the sqlite3 CLI is needed (Debian package sqlite3)"
[ -x "${TICKETD_CHROMIUM:-/usr/bin/chromium}" ] || apt_install chromium
make_dirs console
build_ticketd
[ -d "$ROOT_DIR/node_modules/playwright-core" ] || make -C "$ROOT_DIR" deps >&2

seed_or_reuse
NT=$(sqlite3 "$DATA/ticketd.db" 'SELECT count(*) FROM tickets WHERE deleted_at IS NULL')
free_port TP 18180 "${TICKETD_PORT:-}"
BASE="http://127.0.0.1:$TP"
start_ticketd ticketd ticketd "$TP" /healthz "$DATA"
api_ok GET /ticketd/v1/me >/dev/null

log "Chromium: $RUNS inbox loads, then $LIVE_RUNS live writes"
OUT=$(BASE=$BASE KEY=$KEY RUNS=$RUNS LIVE_RUNS=$LIVE_RUNS node "$BENCH_DIR/console.mjs") || die "bench/console.mjs failed"
check_alive ticketd "the runs"
describe_system
LOAD=$(awk '{ print $1 }' /proc/loadavg)

field() { # json path: one value of OUT (node, no jq needed)
    node -e 'const o = JSON.parse(process.argv[1]); console.log(process.argv[2].split(".").reduce((a, k) => a[k], o))' "$OUT" "$1"
}
ms() { awk -v x="$1" 'BEGIN { printf "%.1f ms", x }'; }
verdict() { [ "$1" = true ] && echo met || echo '**not met**'; }

report() {
    echo "- N=$NT tickets (seeded in ${SEED_SECS:-n/a} s), commit $COMMIT, $NOW; ticketd --threads $SERVER_THREADS, SQLite; $(nproc) cores${CPU_MODEL:+, $CPU_MODEL}; load average $LOAD at the end (other work shares the machine)"
    echo "- Chromium $("${TICKETD_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | awk '{ print $2 }'), headless, 1280x900, signed in as an administrator (session cookie); the default view (all open, newest first)"
    echo
    echo "| what | runs | median | p95 | min | max | aim |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    printf '| inbox: navigation start -> 50 rows and the search box focusable (warm cache) | %s | %s | %s | %s | %s | <= 300 ms: %s |\n' \
        "$(field inbox.n)" "$(ms "$(field inbox.median_ms)")" "$(ms "$(field inbox.p95_ms)")" \
        "$(ms "$(field inbox.min_ms)")" "$(ms "$(field inbox.max_ms)")" "$(verdict "$(field inbox.met)")"
    printf '| inbox, first load (cold cache, no early requests) | 1 | %s | | | | |\n' "$(ms "$(field inbox.cold_ms)")"
    printf '| live: %s, from sending the write | %s | %s | %s | %s | %s | <= 200 ms: %s |\n' \
        "$(field live.what)" "$(field live.n)" "$(ms "$(field live.median_ms)")" "$(ms "$(field live.p95_ms)")" \
        "$(ms "$(field live.min_ms)")" "$(ms "$(field live.max_ms)")" "$(verdict "$(field live.met)")"
    echo
    echo "(inbox medians: 50 rows at $(ms "$(field inbox.rows_median_ms)"), the search box at $(ms "$(field inbox.search_median_ms)"))"
}

REPORT=$(report)
echo
echo "$REPORT"
if [ "$RECORD" -eq 1 ]; then
    record_results "$NOW: agent console (Chromium), N=$NT, commit $COMMIT" \
        "$(env_cmdline "bench/console.sh --record $N" RUNS LIVE_RUNS SERVER_THREADS DATA_DIR)"
fi
