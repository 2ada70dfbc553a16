#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2034  # trap-called functions; variables lib.sh reads
# bench/create.sh: what one Tamio create costs the writer thread (issue 16's "create at 1M"
# row), binaries alternated on the same store. See bench/README.md.
#
# usage: DATA_DIR=DIR bench/create.sh [--record] [BINARY[=DIR]...]
#   DATA_DIR   a store made by bench/run.sh (ticketd.db and bench.key); the runs add tickets
#   BINARY     ticketd binaries to compare (default build/ticketd); run in turns, A B A B ...;
#              =DIR: this binary's own copy of the store (a binary that migrates the schema
#              must not run on the store of one that does not)
#   --record   also append the table to bench/RESULTS.md
# env: DURATION (10s) CONNS (32) THREADS (2) WARMUP (2s) ROUNDS (2: turns per binary)
#      SERVER_THREADS (2) PERF_DIR (unset; set: perf record -g of the writer thread during
#      each binary's first measured run, into PERF_DIR/<n>.data)
# Per run: creates answered, req/s, p99, and per create the writer thread's CPU (utime +
# stime from /proc/PID/task/TID/stat; the thread is named "ticketd-writer"), the whole
# process's CPU and the bytes the writer wrote (its WAL frames, /proc/PID/task/TID/io), with
# the load average at the start of the run.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR
LOG_NAME=create
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$BENCH_DIR/lib.sh"

usage() { sed -n '3,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

ARGS="$*"
RECORD=0
BINS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --record) RECORD=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "create.sh: unknown option: $1" >&2; usage >&2; exit 2 ;;
        *) BINS+=("$1") ;;
    esac
    shift
done
[ ${#BINS[@]} -gt 0 ] || BINS=("$ROOT_DIR/build/ticketd")
DATA_DIR=${DATA_DIR:-}
if [ -z "$DATA_DIR" ] || [ ! -f "$DATA_DIR/ticketd.db" ] || [ ! -s "$DATA_DIR/bench.key" ]; then
    echo "create.sh: DATA_DIR must hold ticketd.db and bench.key (a bench/run.sh store)" >&2
    exit 2
fi
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
PERF_DIR=${PERF_DIR:-}
TICKETD=${BINS[0]}

cleanup_on_exit
command -v wrk >/dev/null || apt_install wrk
command -v perf >/dev/null || [ -z "$PERF_DIR" ] || die "perf is needed for PERF_DIR"
command -v curl >/dev/null || die "curl is needed"
make_dirs create
for b in "${BINS[@]}"; do
    [ -x "${b%%=*}" ] || die "not an executable: ${b%%=*}"
    if [[ $b == *=* ]] && [ ! -s "${b#*=}/bench.key" ]; then die "no store in ${b#*=}"; fi
done

ticks() { # /proc/.../stat -> utime + stime (clock ticks); the name may hold spaces
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$1"
}
written() { awk '/^write_bytes:/ { print $2 }' "$1"; }
writer_tid() { # pid -> the task named ticketd-writer (started by the first write)
    local t
    for t in /proc/"$1"/task/*; do
        if [ "$(cat "$t/comm" 2>/dev/null)" = ticketd-writer ]; then basename "$t"; return 0; fi
    done
    return 1
}

HZ=$(getconf CLK_TCK)
ROWS=()
run_one() { # binary[=dir] index
    local bin=${1%%=*} data=$DATA_DIR idx=$2 out pid tid load
    [[ $1 != *=* ]] || data=${1#*=}
    KEY=$(cat "$data/bench.key")
    out="$WORK/wrk-$idx.txt"
    TICKETD=$bin
    free_port TP 18080 "${TICKETD_PORT:-}"
    BASE="http://127.0.0.1:$TP"
    start_ticketd ticketd ticketd "$TP" "/v2/agency/tickets/list?page=1&per_page=1" "$data"
    pid=${PIDS[ticketd]}
    wait_word_index "$data/ticketd.db"
    local client category
    client=$(json_uuid id "$(api_ok POST /v2/agency/clients/create \
        "{\"name\":\"Bench Client\",\"email\":\"bench-$$-$RANDOM@example.com\"}")")
    category=$(json_uuid id "$(api_ok POST /v2/agency/ticket-categories/create \
        '{"title":"Bench category","language":"en"}')")
    if [ -z "$client" ] || [ -z "$category" ]; then die "could not create the client/category"; fi
    tid=$(writer_tid "$pid") || die "$bin: no thread named ticketd-writer (a binary before the name)"
    local cmd=(wrk -t"$THREADS" -c"$CONNS" --latency --timeout 5s
               -H "Authorization: Bearer $KEY" -s "$BENCH_DIR/create.lua")
    wrk_warmup "${cmd[@]}" "$BASE/v2/agency/tickets/create" -- "$client" "$category"
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    local w0 p0 b0 w1 p1 b1 perf_pid=""
    w0=$(ticks "/proc/$pid/task/$tid/stat"); p0=$(ticks "/proc/$pid/stat")
    b0=$(written "/proc/$pid/task/$tid/io")
    if [ -n "$PERF_DIR" ] && [ ! -e "$PERF_DIR/$idx.data" ]; then
        mkdir -p "$PERF_DIR"
        perf record -q -g -t "$tid" -o "$PERF_DIR/$idx.data" 2>"$WORK/perf.log" &
        perf_pid=$!
    fi
    log "wrk create -> $(basename "$(dirname "$(dirname "$bin")")")/${bin##*/} [$idx] ($DURATION)"
    "${cmd[@]}" -d "$DURATION" "$BASE/v2/agency/tickets/create" -- "$client" "$category" \
        >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
    w1=$(ticks "/proc/$pid/task/$tid/stat"); p1=$(ticks "/proc/$pid/stat")
    b1=$(written "/proc/$pid/task/$tid/io")
    if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" || true; fi
    read_wrk "$out" create ticketd
    note_errors "create with $bin"
    check_alive ticketd "create run"
    stop ticketd
    local n=${WRK[requests]}
    ROWS+=("$(awk -v bin="$idx" -v n="$n" -v rps="${WRK[rps]}" -v p99="${WRK[p99_us]}" \
        -v w="$((w1 - w0))" -v p="$((p1 - p0))" -v b="$((b1 - b0))" -v hz="$HZ" -v load="$load" \
        'BEGIN { printf "| %s | %d | %.0f | %.2f ms | %.0f | %.0f | %.1f | %s |", bin, n, rps,
                 p99 / 1000, w * 1e6 / hz / n, p * 1e6 / hz / n, b / 1024 / n, load }')")
}

for _ in $(seq "$ROUNDS"); do
    for i in "${!BINS[@]}"; do
        run_one "${BINS[$i]}" "$((i + 1))"
    done
done

describe_system
REPORT=$(
    echo "- store: $DATA_DIR ($(sqlite3 "$DATA_DIR/ticketd.db" 'SELECT count(*) FROM tickets' 2>/dev/null || echo '?') tickets after the runs), $NOW"
    echo "- wrk -t$THREADS -c$CONNS -d$DURATION (warm-up $WARMUP) POST /v2/agency/tickets/create (bench/create.lua: one client, one category), ticketd --threads $SERVER_THREADS; $(nproc) cores${CPU_MODEL:+, $CPU_MODEL}"
    for i in "${!BINS[@]}"; do echo "- binary $((i + 1)): ${BINS[$i]}"; done
    echo
    echo "| binary | creates | req/s | p99 | writer CPU us/create | process CPU us/create | writer KiB written/create | load average (1 5 15) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    print_errors "non-2xx answers or socket errors"
)
echo
echo "$REPORT"
if [ "$RECORD" -eq 1 ]; then
    record_results "$NOW: Tamio create, writer CPU per create" "$(env_cmdline "bench/create.sh $ARGS" DATA_DIR DURATION CONNS ROUNDS)"
fi
[ ${#ERROR_LINES[@]} -eq 0 ] || exit 3
