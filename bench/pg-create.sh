#!/usr/bin/env bash
# shellcheck disable=SC2317  # trap-called functions
# bench/pg-create.sh: Tamio creates (POST /v2/agency/tickets/create) on one PostgreSQL node,
# old and new binaries alternated on the same throwaway cluster and the same seeded data, with
# what a create costs: PostgreSQL CPU and ticketd CPU per create, the round trips PostgreSQL
# answered per create (its backends' sendto calls, counted by perf), the transactions per create
# (1 / the writer's mean batch) and the load average. See bench/README.md.
#
# usage: bench/pg-create.sh [--record] [N] BINARY...
#   N          tickets to seed (default 20000)
#   BINARY     ticketd binaries to alternate (default build/ticketd); each serves in turn, ROUNDS
#              times, on the same database (the first one seeds it)
#   --record   also append the results to bench/RESULTS.md
# env: DURATION (10s) CONNS (32) THREADS (2) ROUNDS (2) WARMUP (2s) SERVER_THREADS (2)
#      TEAMMATES (50) CLIENTS (N/100, at least 100) PGSS (0; 1: pg_stat_statements loaded, and
#      its statements per create of each binary's last run printed, trigger bodies included)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
SELF="$BENCH_DIR/$(basename "${BASH_SOURCE[0]}")"
export BENCH_DIR
LOG_NAME=pg-create
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$BENCH_DIR/lib.sh"

usage() { sed -n '3,16p' "$SELF" | sed 's/^# \{0,1\}//'; }

RECORD=0
N=20000
BINS=()
ARGS=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --record) RECORD=1 ;;
        -h|--help) usage; exit 0 ;;
        ''|*[!0-9]*) BINS+=("$(realpath "$1")") ;;
        *) N=$1 ;;
    esac
    shift
done
[ ${#BINS[@]} -gt 0 ] || BINS=("$ROOT_DIR/build/ticketd")
for b in "${BINS[@]}"; do [ -x "$b" ] || die "not an executable: $b"; done

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-2s}
SERVER_THREADS=${SERVER_THREADS:-2}
TEAMMATES=${TEAMMATES:-50}
CLIENTS=${CLIENTS:-$(( N / 100 > 100 ? N / 100 : 100 ))}
PGSS=${PGSS:-0}
TICKETD=${BINS[0]}
# bench/pg.sh's settings (fsync=off is pg_virtualenv's own; synchronous_commit stays on)
PG_SETTINGS=(-o shared_buffers=1GB -o max_connections=200 -o synchronous_commit=on)
if [ "$PGSS" = 1 ]; then
    PG_SETTINGS+=(-o shared_preload_libraries=pg_stat_statements -o pg_stat_statements.track=all)
fi

if [ -z "${TICKETD_BENCH_PG_INSIDE:-}" ]; then
    command -v wrk >/dev/null || apt_install wrk
    for t in curl psql perf pg_virtualenv; do
        command -v "$t" >/dev/null || die "$t is needed"
    done
    log "starting a throwaway PostgreSQL cluster (pg_virtualenv -t ${PG_SETTINGS[*]})"
    exec pg_virtualenv -t "${PG_SETTINGS[@]}" \
        env TICKETD_BENCH_PG_INSIDE=1 bash "$SELF" ${ARGS[@]+"${ARGS[@]}"}
fi

cleanup_on_exit
make_dirs pgcreate

DBNAME=ticketd_bench
createdb -T template0 -E UTF8 --locale=C.UTF-8 "$DBNAME" || die "createdb failed"
DBURL="postgresql:///$DBNAME"
pgq() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DBNAME" -c "$1"; }
PG_MASTER=$(head -n 1 "$(pgq 'SHOW data_directory')/postmaster.pid")
[ "$PGSS" != 1 ] || pgq 'CREATE EXTENSION pg_stat_statements' >/dev/null

DATA=$WORK/data
mkdir -p "$DATA"
ticketd_init KEY "$DATA" "$WORK/init.log" "" --db "$DBURL"
log "seeding $N tickets"
"$TICKETD" seed --data "$DATA" --db "$DBURL" --tickets "$N" --teammates "$TEAMMATES" \
    --clients "$CLIENTS" >"$WORK/seed.log" 2>&1 || { tail "$WORK/seed.log" >&2; die "seed failed"; }
pgq 'VACUUM ANALYZE' >/dev/null

TICK=$(getconf CLK_TCK)
proc_ticks() { # pid...: utime+stime (+ reaped children's) in clock ticks, summed
    local p sum=0 f
    local -a a
    for p in "$@"; do
        f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        read -r -a a <<<"${f##*) }"
        sum=$((sum + a[11] + a[12] + a[13] + a[14]))
    done
    echo "$sum"
}
# shellcheck disable=SC2046
pg_pids() { echo "$PG_MASTER" $(pgrep -P "$PG_MASTER" || true); }
pg_xacts() { pgq "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DBNAME'"; }
backend_pids() { # the database's client backends, comma-separated
    pgq "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE datname = '$DBNAME' AND pid <> pg_backend_pid()"
}

ROWS=()
declare -A PGSS_OUT=()
free_port PORT 18180
BASE="http://127.0.0.1:$PORT"
run_one() { # binary label: one node, one measured wrk run of creates
    local bin=$1 label=$2 pid out tn0 tn1 tp0 tp1 x0 x1 pids sends la
    TICKETD=$bin start_ticketd node "ticketd $label" "$PORT" \
        "/v2/agency/tickets/list?page=1&per_page=1" "$DATA" --db "$DBURL"
    pid=${PIDS[node]}
    if [ -z "${CLIENT:-}" ]; then
        out=$(api_ok POST /v2/agency/clients/create \
            "{\"name\":\"Bench Client\",\"email\":\"bench-$$@example.com\"}")
        CLIENT=$(json_uuid id "$out")
        out=$(api_ok POST /v2/agency/ticket-categories/create '{"title":"Bench category","language":"en"}')
        CATEGORY=$(json_uuid id "$out")
    fi
    local cmd=(wrk -t"$THREADS" -c"$CONNS" --latency --timeout 5s -H "Authorization: Bearer $KEY"
               -s "$BENCH_DIR/create.lua")
    wrk_warmup "${cmd[@]}" "$BASE/v2/agency/tickets/create" -- "$CLIENT" "$CATEGORY"
    [ "$PGSS" != 1 ] || pgq 'SELECT pg_stat_statements_reset()' >/dev/null
    pids=$(backend_pids)
    x0=$(pg_xacts)
    # shellcheck disable=SC2046
    tp0=$(proc_ticks $(pg_pids))
    tn0=$(proc_ticks "$pid")
    out="$WORK/wrk-$label.txt"
    perf stat -x, -e syscalls:sys_enter_sendto -p "$pids" -o "$WORK/perf-$label.txt" -- \
        "${cmd[@]}" -d "$DURATION" "$BASE/v2/agency/tickets/create" -- "$CLIENT" "$CATEGORY" \
        >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($label)"; }
    tn1=$(proc_ticks "$pid")
    # shellcheck disable=SC2046
    tp1=$(proc_ticks $(pg_pids))
    x1=$(pg_xacts)
    la=$(cut -d' ' -f1-3 /proc/loadavg)
    read_wrk "$out" create "$label"
    note_errors "create ($label)"
    sends=$(awk -F, '/sys_enter_sendto/ { print $1 }' "$WORK/perf-$label.txt")
    local n=${WRK[requests]}
    ROWS+=("$(awk -v l="$label" -v n="$n" -v r="${WRK[rps]}" -v p="${WRK[p99_us]}" \
        -v pg=$((tp1 - tp0)) -v td=$((tn1 - tn0)) -v t="$TICK" -v s="${sends:-0}" \
        -v x=$((x1 - x0)) -v la="$la" 'BEGIN {
        u = 1e6 / t / (n > 0 ? n : 1)
        printf "| %s | %.0f | %.1f ms | %.0f | %.0f | %.1f | %.2f | %s |", l, r, p / 1000,
            pg * u, td * u, s / (n > 0 ? n : 1), x / (n > 0 ? n : 1), la }')")
    if [ "$PGSS" = 1 ]; then
        PGSS_OUT["$label"]=$(pgq "SELECT round(calls::numeric / $n, 2) || ' | ' ||
            round((total_exec_time * 1000 / $n)::numeric, 1) || ' | ' ||
            left(regexp_replace(query, '\s+', ' ', 'g'), 110)
            FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time DESC LIMIT 25")
    fi
    stop node
}

for r in $(seq "$ROUNDS"); do
    i=0
    for b in "${BINS[@]}"; do
        i=$((i + 1))
        run_one "$b" "bin$i-r$r"
    done
done

describe_system
report() {
    echo "- N=$N tickets seeded; wrk -t$THREADS -c$CONNS -d$DURATION (warm-up $WARMUP) against one node (--threads $SERVER_THREADS), $(nproc) cores${CPU_MODEL:+, $CPU_MODEL}; commit $COMMIT, $NOW"
    echo "- PostgreSQL $(pgq 'SHOW server_version' | cut -d' ' -f1), pg_virtualenv -t (fsync=off), synchronous_commit=on$([ "$PGSS" != 1 ] || echo ", pg_stat_statements loaded (track=all)")"
    local i=0 b
    for b in "${BINS[@]}"; do i=$((i + 1)); echo "- bin$i: $b"; done
    echo
    echo "| run | creates/s | p99 | PG µs/create | ticketd µs/create | PG sends/create | PG xacts/create | load average |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "PG µs: the postmaster and all its children (/proc stat); PG sends: sendto calls of the database's backends (perf), about one per round trip; PG xacts/create: transactions per create (pg_stat_database), 1 / the writer's mean batch."
    local k
    for k in "${!PGSS_OUT[@]}"; do
        echo
        echo "pg_stat_statements, $k (calls per create | µs per create | statement):"
        echo '```'
        echo "${PGSS_OUT[$k]}"
        echo '```'
    done
    print_errors "non-2xx answers or socket errors"
}
REPORT=$(report)
echo
echo "$REPORT"
if [ "$RECORD" -eq 1 ]; then
    record_results "$NOW: PostgreSQL creates, one node, N=$N, commit $COMMIT" \
        "$(env_cmdline "bench/pg-create.sh --record $N ${BINS[*]}" DURATION CONNS ROUNDS PGSS)"
fi
[ ${#ERROR_LINES[@]} -eq 0 ] || exit 3
exit 0
