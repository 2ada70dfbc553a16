#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap-called functions; literal backquotes
# bench/pg.sh: ticketd on PostgreSQL. Starts a throwaway cluster (pg_virtualenv), seeds N
# tickets, and runs wrk (retrieve by random id, the Tamio list, create) against one ticketd
# node, the same node behind haproxy, two nodes on the same database behind haproxy, and for
# reference one node on the SQLite store with the same N. Prints req/s, p99, the 2-node/1-node
# ratio and where the CPU went during each run. See bench/README.md.
#
# usage: bench/pg.sh [--record] [N]
#   N          tickets to seed (default 100000), in PostgreSQL and in the SQLite store
#   --record   also append the results to bench/RESULTS.md
# env: DURATION (10s) THREADS (2) CONNS (32) LAT_CONNS (2, the retrieve latency row)
#      WARMUP (2s, 0 = none) WRK_TIMEOUT (5s) SERVER_THREADS (2) TEAMMATES (50)
#      CLIENTS (N/100, at least 100) IDS (ticket ids for retrieve, min(N, 100000))
#      TICKETD (build/ticketd) SETUPS ("node proxy1 nodes2 sqlite": which setups to run)
#      PG_OPTS (extra pg_virtualenv options, e.g. "-o fsync=on")
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
SELF="$BENCH_DIR/$(basename "${BASH_SOURCE[0]}")"
export BENCH_DIR
LOG_NAME=pg-bench
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$BENCH_DIR/lib.sh"

usage() { sed -n '3,16p' "$SELF" | sed 's/^# \{0,1\}//'; }

RECORD=0
N=100000
ARGS=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --record) RECORD=1 ;;
        -h|--help) usage; exit 0 ;;
        *[!0-9]*|'') echo "pg.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
        *) N=$1 ;;
    esac
    shift
done
[ "$N" -ge 1 ] || { echo "pg.sh: N must be >= 1" >&2; exit 2; }

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
LAT_CONNS=${LAT_CONNS:-2}
WARMUP=${WARMUP:-2s}
WRK_TIMEOUT=${WRK_TIMEOUT:-5s}
SERVER_THREADS=${SERVER_THREADS:-2}
TEAMMATES=${TEAMMATES:-50}
CLIENTS=${CLIENTS:-$(( N / 100 > 100 ? N / 100 : 100 ))}
IDS=${IDS:-$(( N < 100000 ? N : 100000 ))}
TICKETD=${TICKETD:-$ROOT_DIR/build/ticketd}
SETUPS=${SETUPS:-node proxy1 nodes2 sqlite}
PG_OPTS=${PG_OPTS:-}
# the cluster's settings (the issue's); pg_virtualenv itself adds fsync=off before these
PG_SETTINGS=(-o shared_buffers=1GB -o max_connections=200 -o synchronous_commit=on)

# ---------------------------------------------------------------- outside: tools, re-exec
if [ -z "${TICKETD_BENCH_PG_INSIDE:-}" ]; then
    need_apt=()
    command -v wrk >/dev/null || need_apt+=(wrk)
    command -v haproxy >/dev/null || need_apt+=(haproxy)
    apt_install ${need_apt[@]+"${need_apt[@]}"}
    for t in curl psql createdb pg_virtualenv sqlite3; do
        command -v "$t" >/dev/null ||
            die "$t is needed (scripts/deps.sh installs postgresql, postgresql-common and sqlite3)"
    done
    build_ticketd
    log "starting a throwaway PostgreSQL cluster (pg_virtualenv -t ${PG_SETTINGS[*]} $PG_OPTS)"
    # -t: a cluster in a temp directory, dropped when this script exits
    # shellcheck disable=SC2086  # PG_OPTS: words on purpose
    exec pg_virtualenv -t "${PG_SETTINGS[@]}" $PG_OPTS \
        env TICKETD_BENCH_PG_INSIDE=1 bash "$SELF" ${ARGS[@]+"${ARGS[@]}"}
fi

# ---------------------------------------------------------------- inside the cluster
cleanup_on_exit
make_dirs pgbench

# ---------------------------------------------------------------- PostgreSQL
DBNAME=ticketd_bench
createdb -T template0 -E UTF8 --locale=C.UTF-8 "$DBNAME" || die "createdb failed"
DBURL="postgresql:///$DBNAME"
pgq() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DBNAME" -c "$1"; }
PG_VERSION=$(pgq 'SHOW server_version' | cut -d' ' -f1)
PG_CONF=$(pgq "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
    FROM pg_settings WHERE name IN ('shared_buffers', 'max_connections', 'synchronous_commit',
    'fsync', 'wal_level')")
PG_DIR=$(pgq 'SHOW data_directory')
PG_MASTER=$(head -n 1 "$PG_DIR/postmaster.pid")
log "PostgreSQL $PG_VERSION ($PG_CONF), PGHOST=${PGHOST:-} PGPORT=${PGPORT:-}, database $DBNAME"

# ---------------------------------------------------------------- stores
declare -A APIKEY=() SEED=() TEAMMATE=() CLIENT=() CATEGORY=() LIST=() OPEN=() # per store
seed_store() { # name dir [--db URL]: init + seed; sets APIKEY[name] and SEED[name] (seconds)
    local name=$1 dir=$2 key t0 t1
    shift 2
    mkdir -p "$dir"
    ticketd_init key "$dir" "$WORK/init-$name.log" " ($name)" "$@"
    log "seeding $N tickets into $name ($TEAMMATES teammates, $CLIENTS clients)"
    t0=$(date +%s.%N)
    "$TICKETD" seed --data "$dir" "$@" --tickets "$N" --teammates "$TEAMMATES" \
        --clients "$CLIENTS" >"$WORK/seed-$name.log" 2>&1 ||
        { tail -n 20 "$WORK/seed-$name.log" >&2; die "ticketd seed ($name) failed"; }
    t1=$(date +%s.%N)
    APIKEY[$name]=$key
    SEED[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    log "$name seeded in ${SEED[$name]} s"
}
PG_DATA=$WORK/pg-data
SQ_DATA=$WORK/sqlite-data
seed_store pg "$PG_DATA" --db "$DBURL"
NT_PG=$(pgq 'SELECT count(*) FROM tickets')
[ "$NT_PG" -ge "$N" ] || die "asked for $N tickets, PostgreSQL has $NT_PG"
PG_SIZE=$(pgq "SELECT pg_size_pretty(pg_database_size('$DBNAME'))")
pgq 'VACUUM ANALYZE' >/dev/null
if [[ " $SETUPS " == *" sqlite "* ]]; then
    seed_store sq "$SQ_DATA"
    NT_SQ=$(sqlite3 "$SQ_DATA/ticketd.db" 'SELECT count(*) FROM tickets')
    [ "$NT_SQ" -ge "$N" ] || die "asked for $N tickets, SQLite has $NT_SQ"
    SQ_SIZE=$(du -sh "$SQ_DATA" | cut -f1)
fi

# ids and the teammate with the most open tickets, per store
pgq "SELECT uuid FROM tickets ORDER BY random() LIMIT $IDS" | tr 'A-F' 'a-f' >"$WORK/ids-pg.txt"
TEAMMATE_SQL="SELECT u.uuid FROM tickets t JOIN users u ON u.id = t.user_id
    WHERE t.is_open = 1 AND t.deleted_at IS NULL GROUP BY u.uuid ORDER BY count(*) DESC, u.uuid LIMIT 1"
TEAMMATE[pg]=$(pgq "$TEAMMATE_SQL" | tr 'A-F' 'a-f')
if [[ " $SETUPS " == *" sqlite "* ]]; then
    sqlite3 "$SQ_DATA/ticketd.db" "SELECT uuid FROM tickets ORDER BY random() LIMIT $IDS" |
        tr 'A-F' 'a-f' >"$WORK/ids-sq.txt"
    TEAMMATE[sq]=$(sqlite3 "$SQ_DATA/ticketd.db" "$TEAMMATE_SQL" | tr 'A-F' 'a-f')
fi

# ---------------------------------------------------------------- servers
start_node() { # name port data [--db URL]
    local name=$1 port=$2
    shift 2
    start_ticketd "$name" "ticketd $name" "$port" "/v2/agency/tickets/list?page=1&per_page=1" "$@"
}
start_proxy() { # name port backend_port...
    local name=$1 port=$2 i=0 b cfg="$WORK/$1.cfg"
    shift 2
    {
        printf '%s\n' global '  maxconn 4096' defaults '  mode http' '  timeout connect 5s' \
            '  timeout client 120s' '  timeout server 120s' '  option http-keep-alive' \
            frontend\ fe "  bind 127.0.0.1:$port" '  default_backend nodes' \
            backend\ nodes '  balance roundrobin'
        for b in "$@"; do i=$((i + 1)); echo "  server n$i 127.0.0.1:$b"; done
    } >"$cfg"
    log "starting haproxy $name on 127.0.0.1:$port -> $*"
    haproxy -db -f "$cfg" >"$WORK/$name.log" 2>&1 &
    PIDS[$name]=$!
    wait_http "http://127.0.0.1:$port/v2/agency/tickets/list?page=1&per_page=1" \
        "${PIDS[$name]}" "haproxy $name" "$WORK/$name.log"
}

API_ERROR_URL=1     # api_ok names the node or proxy it asked
store_setup() { # store (pg|sq), at $BASE with $KEY: a client and a category for create,
    # the list path, and one answer of each kind (must be 200)
    local s=$1 out ids="$WORK/ids-$1.txt"
    [ -s "$ids" ] || die "no ticket ids for $s"
    [ -n "${TEAMMATE[$s]:-}" ] || die "no teammate with open tickets in $s"
    out=$(api_ok POST /v2/agency/clients/create \
        "{\"name\":\"Bench Client\",\"email\":\"bench-$s-$$-$RANDOM@example.com\"}")
    CLIENT[$s]=$(json_uuid id "$out")
    out=$(api_ok POST /v2/agency/ticket-categories/create '{"title":"Bench category","language":"en"}')
    CATEGORY[$s]=$(json_uuid id "$out")
    if [ -z "${CLIENT[$s]}" ] || [ -z "${CATEGORY[$s]}" ]; then
        die "could not create the client/category for $s"
    fi
    LIST[$s]="/v2/agency/tickets/list?page=1&per_page=50&closed=false&teammate_id=${TEAMMATE[$s]}"
    api_ok GET "/v2/agency/tickets/retrieve/$(head -n 1 "$ids")" >"$WORK/retrieve-$s.json"
    out=$(api_ok GET "${LIST[$s]}")
    printf '%s' "$out" >"$WORK/list-$s.json"
    OPEN[$s]=$(grep -o '"total_results": *[0-9]*' <<<"$out" | head -n 1 | tr -dc 0-9)
    api_ok POST /v2/agency/tickets/create \
        "{\"client_id\":\"${CLIENT[$s]}\",\"title\":\"bench probe\",\"description\":\"probe\",\"category\":\"${CATEGORY[$s]}\"}" \
        >"$WORK/create-$s.json"
}

# ---------------------------------------------------------------- CPU accounting
TICK=$(getconf CLK_TCK)
proc_ticks() { # pid...: utime+stime (+ their reaped children's) in clock ticks, summed
    local p sum=0 f
    local -a a
    for p in "$@"; do
        f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        read -r -a a <<<"${f##*) }" # fields from 3 (state) on: utime is a[11]
        sum=$((sum + a[11] + a[12] + a[13] + a[14]))
    done
    echo "$sum"
}
# shellcheck disable=SC2046  # one pid per word
pg_pids() { echo "$PG_MASTER" $(pgrep -P "$PG_MASTER" || true); } # postmaster + backends
# transactions the database has counted (backends report them at most once a second, so a
# run's figure is off by up to about a second's worth at each end)
pg_xacts() { pgq "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DBNAME'"; }
pid_of() { [ -z "$1" ] || echo "${PIDS[$1]:-}"; } # name ("" = none) -> pid
cpu_snapshot() { # -> "total busy irq+softirq postgres haproxy node1 node2" (ticks)
    local u n s i w q sq st
    read -r _ u n s i w q sq st _ </proc/stat
    # shellcheck disable=SC2046  # one pid per word
    echo "$((u + n + s + i + w + q + sq + st)) $((u + n + s + q + sq + st)) $((q + sq)) \
$(proc_ticks $(pg_pids)) $(proc_ticks $(pid_of "$CUR_PROXY")) \
$(proc_ticks $(pid_of "$CUR_NODE1")) $(proc_ticks $(pid_of "$CUR_NODE2"))"
}
children_ticks() { # file written by `times` -> this shell's reaped children's CPU in ticks
    # (`times` must run in this shell, not in a $(...) subshell, to see wrk)
    awk -v t="$TICK" 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] }
        printf "%d\n", s * t + 0.5 }' "$1"
}

# ---------------------------------------------------------------- wrk
declare -A CPU XPR
CUR_PROXY=""
CUR_NODE1=""
CUR_NODE2=""

run_wrk() { # key setup store base script path conns [script args...]
    local key=$1 setup=$2 store=$3 base=$4 script=$5 path=$6 conns=$7
    shift 7
    local out="$WORK/wrk-$key-$setup.txt"
    local cmd=(wrk -t"$THREADS" -c"$conns" --latency --timeout "$WRK_TIMEOUT"
               -H "Authorization: Bearer ${APIKEY[$store]}" -s "$BENCH_DIR/$script")
    wrk_warmup "${cmd[@]}" "$base$path" -- "$@"
    log "wrk $key -> $setup ($DURATION, -c$conns)"
    local a b wa wb wpid x0="" x1=""
    [ "$store" != pg ] || x0=$(pg_xacts)
    a=$(cpu_snapshot)
    times >"$WORK/times.a"
    "${cmd[@]}" -d "$DURATION" "$base$path" -- "$@" >"$out" 2>&1 &
    wpid=$!
    wait "$wpid" || { cat "$out" >&2; die "wrk failed against $setup ($key)"; }
    times >"$WORK/times.b"
    b=$(cpu_snapshot)
    [ "$store" != pg ] || x1=$(pg_xacts)
    wa=$(children_ticks "$WORK/times.a")
    wb=$(children_ticks "$WORK/times.b")
    CPU[$key.$setup]="$a $wa $b $wb"
    read_wrk "$out" "$key" "$setup"
    [ -z "$x0" ] || XPR[$key.$setup]=$(awk -v a="$x0" -v b="$x1" -v n="${WRK[requests]}" \
        'BEGIN { if (n > 0) printf "%.1f", (b - a) / n }')
    # wrk's own line, in case report.lua and wrk ever disagree
    if grep -q 'Non-2xx or 3xx responses' "$out"; then
        WRK_DETAIL="$WRK_DETAIL ($(grep -o 'Non-2xx or 3xx responses: *[0-9]*' "$out"))"
        [ "$WRK_ERRS" -gt 0 ] || WRK_ERRS=1
    fi
    note_errors "$key on $setup"
    local k
    for k in $CUR_NODE1 $CUR_NODE2 $CUR_PROXY; do
        check_alive "$k" "$key run"
    done
}

ROWS=(retrieve retrieve_lat list create)
run_rows() { # setup store base
    local setup=$1 s=$2 base=$3
    run_wrk retrieve "$setup" "$s" "$base" random.lua /v2/agency/tickets/retrieve/ "$CONNS" "$WORK/ids-$s.txt"
    run_wrk retrieve_lat "$setup" "$s" "$base" random.lua /v2/agency/tickets/retrieve/ "$LAT_CONNS" "$WORK/ids-$s.txt"
    run_wrk list "$setup" "$s" "$base" list.lua "${LIST[$s]}" "$CONNS"
    run_wrk create "$setup" "$s" "$base" create.lua /v2/agency/tickets/create "$CONNS" "${CLIENT[$s]}" "${CATEGORY[$s]}"
}
node_log_lines() { # name...: lines the nodes logged (with --quiet: warnings and errors)
    local n
    for n in "$@"; do
        if [ -f "$WORK/$n.log" ]; then sed "s/^/$n: /" "$WORK/$n.log"; fi
    done
}

free_port P1 18080
free_port P2 18080
free_port PX 18090
KEY=${APIKEY[pg]}
BASE="http://127.0.0.1:$P1"
start_node node1 "$P1" "$PG_DATA" --db "$DBURL"
store_setup pg
CUR_NODE1=node1
if [[ " $SETUPS " == *" node "* ]]; then
    run_rows node pg "http://127.0.0.1:$P1"
fi
if [[ " $SETUPS " == *" proxy1 "* ]]; then
    start_proxy haproxy1 "$PX" "$P1"
    CUR_PROXY=haproxy1
    run_rows proxy1 pg "http://127.0.0.1:$PX"
    stop haproxy1
    CUR_PROXY=""
fi
if [[ " $SETUPS " == *" nodes2 "* ]]; then
    start_node node2 "$P2" "$PG_DATA" --db "$DBURL"
    BASE="http://127.0.0.1:$P2"
    api_ok GET "/v2/agency/tickets/retrieve/$(head -n 1 "$WORK/ids-pg.txt")" >/dev/null
    start_proxy haproxy2 "$PX" "$P1" "$P2"
    CUR_PROXY=haproxy2
    CUR_NODE2=node2
    run_rows nodes2 pg "http://127.0.0.1:$PX"
    PG_BACKENDS=$(pgq "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DBNAME'")
    stop haproxy2 node2
    CUR_PROXY=""
    CUR_NODE2=""
fi
stop node1
NT_PG_AFTER=$(pgq 'SELECT count(*) FROM tickets')
PG_LOG=$(node_log_lines node1 node2)
if [[ " $SETUPS " == *" sqlite "* ]]; then
    KEY=${APIKEY[sq]}
    BASE="http://127.0.0.1:$P1"
    start_node sqnode "$P1" "$SQ_DATA"
    store_setup sq
    CUR_NODE1=sqnode
    run_rows sqlite sq "http://127.0.0.1:$P1"
    stop sqnode
    CUR_NODE1=""
fi
SQ_LOG=$(node_log_lines sqnode)
HAPROXY_LOG=$(cat "$WORK"/haproxy*.log 2>/dev/null || true)

# ---------------------------------------------------------------- report
cpu_row() { # key.setup [2-node] -> "| wrk | haproxy | postgres | ticketd | irq+softirq | other | idle |"
    # shares of the machine (all cores = 100 %) between the two snapshots
    awk -v nodes2="$2" '{
        # before: total busy irq+softirq postgres haproxy node1 node2 ($1-$7), wrk ($8);
        # after: the same ($9-$16)
        total = $9 - $1; if (total <= 0) { print "| - | - | - | - | - | - | - |"; exit }
        busy = $10 - $2; irq = $11 - $3; pg = $12 - $4; hx = $13 - $5; n1 = $14 - $6
        n2 = $15 - $7; wrk = $16 - $8
        other = busy - irq - wrk - pg - hx - n1 - n2; if (other < 0) other = 0
        f = 100 / total
        nodes = sprintf("%.0f %%", (n1 + n2) * f)
        if (nodes2) nodes = sprintf("%.0f %% (%.0f + %.0f)", (n1 + n2) * f, n1 * f, n2 * f)
        printf "| %.0f %% | %s | %.0f %% | %s | %.0f %% | %.0f %% | %.0f %% |\n", wrk * f,
            (hx > 0 ? sprintf("%.0f %%", hx * f) : "-"), pg * f, nodes, irq * f, other * f,
            (total - busy) * f
    }' <<<"${CPU[$1]}"
}

describe_system
HAPROXY_VERSION=$(haproxy -v 2>/dev/null | awk 'NR == 1 { print $3 }')

declare -A LABEL=(
    [retrieve]="GET /v2/agency/tickets/retrieve/{id}"
    [retrieve_lat]="the same retrieve, -c$LAT_CONNS (latency)"
    [list]="GET /v2/agency/tickets/list (per_page=50, open, 1 teammate)"
    [create]="POST /v2/agency/tickets/create"
)
declare -A SETUP_LABEL=(
    [node]="1 node"
    [proxy1]="1 node + haproxy"
    [nodes2]="2 nodes + haproxy"
    [sqlite]="SQLite, 1 node"
)

report() {
    local key s
    echo "- N=$N tickets, seeded in ${SEED[pg]:-?} s into PostgreSQL ($PG_SIZE)${SEED[sq]:+, ${SEED[sq]} s into SQLite (${SQ_SIZE:-?})}; commit $COMMIT, $NOW"
    echo "- wrk -t$THREADS -c$CONNS -d$DURATION (warm-up $WARMUP; latency row -c$LAT_CONNS), ticketd --threads $SERVER_THREADS per node; $(nproc) cores${CPU_MODEL:+, $CPU_MODEL}"
    echo "- PostgreSQL $PG_VERSION in a pg_virtualenv -t cluster ($PG_CONF; fsync=off is pg_virtualenv's default), reached over TCP (PGHOST=${PGHOST:-}); ${PG_BACKENDS:-?} connections to the database during the 2-node runs"
    echo "- haproxy $HAPROXY_VERSION: roundrobin, option http-keep-alive, its default threads (one per core); both nodes share the database and the data directory"
    echo "- answer sizes: retrieve $(size_of "$WORK/retrieve-pg.json") B, list $(size_of "$WORK/list-pg.json") B (${OPEN[pg]:-?} open tickets of the teammate), create $(size_of "$WORK/create-pg.json") B; tickets after the runs: PostgreSQL $NT_PG_AFTER (the create rows add them; created tickets have no teammate, so the list does not change)"
    echo
    echo "| endpoint | 1 node req/s | p99 | 1 node + haproxy req/s | p99 | 2 nodes + haproxy req/s | p99 | 2 nodes / 1 node | 2 nodes / 1 node, both via haproxy | SQLite 1 node req/s | p99 |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for key in "${ROWS[@]}"; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$key]}" \
            "$(fmt_rps "${RPS[$key.node]:-}")" "$(fmt_ms "${P99[$key.node]:-}")" \
            "$(fmt_rps "${RPS[$key.proxy1]:-}")" "$(fmt_ms "${P99[$key.proxy1]:-}")" \
            "$(fmt_rps "${RPS[$key.nodes2]:-}")" "$(fmt_ms "${P99[$key.nodes2]:-}")" \
            "$(ratio "${RPS[$key.nodes2]:-}" "${RPS[$key.node]:-}")" \
            "$(ratio "${RPS[$key.nodes2]:-}" "${RPS[$key.proxy1]:-}")" \
            "$(fmt_rps "${RPS[$key.sqlite]:-}")" "$(fmt_ms "${P99[$key.sqlite]:-}")"
    done
    echo
    if [ -n "${RPS[retrieve.nodes2]:-}" ] && [ -n "${RPS[retrieve.node]:-}" ]; then
        local r l ok=PASS
        r=$(awk -v a="${RPS[retrieve.nodes2]}" -v b="${RPS[retrieve.node]}" 'BEGIN { print (b > 0 ? a / b : 0) }')
        l=$(awk -v a="${RPS[list.nodes2]}" -v b="${RPS[list.node]}" 'BEGIN { print (b > 0 ? a / b : 0) }')
        ge "$r" 1.6 && ge "$l" 1.6 || ok=FAIL
        echo "aim:"
        echo "- reads, 2 nodes >= 1.6x one node: $ok (retrieve $(ratio "${RPS[retrieve.nodes2]}" "${RPS[retrieve.node]}"), list $(ratio "${RPS[list.nodes2]}" "${RPS[list.node]}"), at -c$CONNS)"
        echo
    fi
    echo "CPU during each measured run, as shares of the machine ($(nproc) cores = 100 %; /proc/stat and /proc/PID/stat between the start and the end of the run; wrk from the shell's child times; postgres = the postmaster and all its children; a process's share includes the kernel time of its own system calls; irq+softirq = interrupt time, mostly loopback TCP; other = busy time of anything else running; PG xacts/req = PostgreSQL transactions (pg_stat_database, approximate) per answered request):"
    echo
    echo "| run | wrk | haproxy | postgres | ticketd | irq+softirq | other | idle | PG xacts/req |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for s in node proxy1 nodes2 sqlite; do
        for key in "${ROWS[@]}"; do
            [ -n "${CPU[$key.$s]:-}" ] || continue
            printf '| %s, %s %s %s |\n' "${SETUP_LABEL[$s]}" "$key" \
                "$(cpu_row "$key.$s" "$([ "$s" = nodes2 ] && echo 1 || echo "")")" "${XPR[$key.$s]:--}"
        done
    done
    print_errors "non-2xx answers or socket errors"
    print_logged ticketd " beyond info" 10 \
        "$(printf '%s\n%s\n' "$PG_LOG" "$SQ_LOG" | grep -v '^[a-z0-9]*: .*info' | grep -v '^$' || true)"
    print_logged haproxy " beyond notices" 5 "$(grep -iv '^\[NOTICE\]\|^$' <<<"$HAPROXY_LOG" || true)"
}

REPORT=$(report)
echo
echo "$REPORT"

if [ "$RECORD" -eq 1 ]; then
    record_results "$NOW: PostgreSQL, 1 and 2 nodes, N=$N, commit $COMMIT" \
        "$(env_cmdline "bench/pg.sh --record $N" DURATION WARMUP CONNS LAT_CONNS THREADS \
            SERVER_THREADS SETUPS PG_OPTS TICKETD)"
fi

# wrong answers make the numbers meaningless: say so in the exit code
[ ${#ERROR_LINES[@]} -eq 0 ] || exit 3
exit 0
