# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016  # variables the scripts read; literal backquotes
# bench/lib.sh: what bench/run.sh, bench/files.sh and bench/pg.sh share. Sourced
# (`. "$BENCH_DIR/lib.sh"`), not executed. It holds:
#   log/die             messages on stderr, prefixed "[$LOG_NAME HH:MM:SS]"
#   PIDS, stop_pid, stop, cleanup, cleanup_on_exit
#                       what a script starts goes into PIDS (name -> pid); on exit
#                       every one is stopped (SIGTERM, 10 s, SIGKILL) and $SHM and
#                       $WORK are removed
#   apt_install, install_wrk_nginx, build_ticketd
#                       missing tools (apt-get) and build/ticketd (make build)
#   make_dirs, free_port, wait_http, size_of
#   ticketd_init, seed_or_reuse, start_ticketd, start_nginx, check_alive
#   api, api_ok, json_uuid
#                       curl against $BASE with the key $KEY
#   wrk_warmup, read_wrk, note_errors
#                       the unmeasured warm-up run, and report.lua's BENCH line
#   fmt_rps, fmt_ms, ratio, ge, lt, describe_system, print_errors, print_logged,
#   env_cmdline, record_results
#                       the report and its RESULTS.md entry
# The caller sets BENCH_DIR, ROOT_DIR, LOG_NAME, TICKETD, SERVER_THREADS, WARMUP
# (and NGINX for nginx) and runs with `set -euo pipefail`.

log() { printf '[%s %s] %s\n' "$LOG_NAME" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- cleanup
WORK=""
SHM=""
declare -A PIDS=()      # name -> pid of what the script started (servers, proxies)

stop_pid() { # pid name: SIGTERM, wait up to 10 s, then SIGKILL
    local pid=$1 name=$2 _
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name ($pid) did not stop on SIGTERM within 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
stop() { # name...: stop what was started under these names
    local n
    for n in "$@"; do
        stop_pid "${PIDS[$n]:-}" "$n"
        unset "PIDS[$n]"
    done
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop "${!PIDS[@]}"
    [ -n "$SHM" ] && rm -rf "$SHM"
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit "$rc"
}
cleanup_on_exit() { # cleanup on exit, Ctrl-C and SIGTERM included
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# ---------------------------------------------------------------- tools
apt_install() { # package...: apt-get install -y (apt-get update first if that fails)
    [ $# -gt 0 ] || return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    log "installing $*"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y "$@" >&2 ||
        { $sudo apt-get update >&2 && $sudo apt-get install -y "$@" >&2; } ||
        die "could not install $*"
}
install_wrk_nginx() { # [package...]: install wrk and nginx-light when missing, with these
    local need=()
    command -v wrk >/dev/null || need+=(wrk)
    [ -x "$NGINX" ] || command -v "$NGINX" >/dev/null || need+=(nginx-light)
    need+=("$@")
    if [ ${#need[@]} -gt 0 ]; then
        apt_install "${need[@]}"
        NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    fi
}
build_ticketd() { # make build when $TICKETD is missing (a stale binary is used as it is)
    if [ ! -x "$TICKETD" ]; then
        log "building $TICKETD (make build)"
        make -C "$ROOT_DIR" build >&2 || die "make build failed"
        [ -x "$TICKETD" ] || die "make build did not produce $TICKETD"
    fi
}

make_dirs() { # name [shm]: WORK (and with shm, SHM in /dev/shm) = fresh ticketd-<name>.XXXXXX
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/ticketd-$1.XXXXXX")
    if [ -n "${2:-}" ]; then
        SHM=$(mktemp -d "/dev/shm/ticketd-$1.XXXXXX")
        # nginx started as root runs its workers as nobody: let them in
        chmod 755 "$WORK" "$SHM"
    else
        chmod 755 "$WORK"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
USED_PORTS=" "
free_port() { # var start [port]: port if given, else the first free port from start up not
    # handed out yet; into var
    local _p=${3:-}
    if [ -z "$_p" ]; then
        _p=$2
        while port_in_use "$_p" || [[ $USED_PORTS == *" $_p "* ]]; do
            _p=$((_p + 1))
            [ "$_p" -lt 65000 ] || die "no free port"
        done
    fi
    USED_PORTS="$USED_PORTS$_p "
    printf -v "$1" '%s' "$_p"
}

wait_http() { # url pid name logfile: poll until the server answers
    local url=$1 pid=$2 name=$3 logf=$4 _
    for _ in $(seq 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$logf" >&2 || true
            die "$name exited before answering (log above)"
        fi
        if curl -s -o /dev/null --max-time 1 "$url"; then
            return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$logf" >&2 || true
    die "$name did not answer $url within 30 s"
}
size_of() { [ -f "$1" ] && wc -c <"$1" | tr -d ' ' || echo "?"; }

# ---------------------------------------------------------------- servers
seed_or_reuse() { # DATA, KEY (and SEED_SECS when seeding): $DATA_DIR's store and key when it
                  # holds both, else a fresh store in ${DATA_DIR:-$WORK/data} with N tickets,
                  # TEAMMATES teammates and CLIENTS clients (`ticketd seed`)
    SEED_SECS=""
    local t0 t1
    if [ -n "$DATA_DIR" ] && [ -f "$DATA_DIR/ticketd.db" ] && [ -s "$DATA_DIR/bench.key" ]; then
        DATA=$DATA_DIR
        KEY=$(cat "$DATA/bench.key")
        log "reusing $DATA ($(sqlite3 "$DATA/ticketd.db" 'SELECT count(*) FROM tickets') tickets; not seeding)"
    else
        DATA=${DATA_DIR:-$WORK/data}
        mkdir -p "$DATA"
        [ ! -e "$DATA/ticketd.db" ] || die "$DATA/ticketd.db exists but $DATA/bench.key does not"
        ticketd_init KEY "$DATA" "$WORK/init.log" ""
        printf '%s\n' "$KEY" >"$DATA/bench.key"
        log "seeding $N tickets ($TEAMMATES teammates, $CLIENTS clients)"
        t0=$(date +%s.%N)
        "$TICKETD" seed --data "$DATA" --tickets "$N" --teammates "$TEAMMATES" \
            --clients "$CLIENTS" >&2 || die "ticketd seed failed"
        t1=$(date +%s.%N)
        SEED_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
        log "seeded in ${SEED_SECS} s ($(du -sh "$DATA" | cut -f1) on disk)"
    fi
}

ticketd_init() { # var dir logfile what [--db URL]: ticketd init; its API key into var
    # (what: "" or " (name)", for the messages)
    # (the locals are _-prefixed: var may name the caller's own local)
    local _var=$1 _dir=$2 _logf=$3 _what=$4 _key
    shift 4
    _key=$("$TICKETD" init --data "$_dir" "$@" 2>"$_logf" | tail -n 1 | tr -d '[:space:]') ||
        { cat "$_logf" >&2; die "ticketd init$_what failed"; }
    [ -n "$_key" ] || { cat "$_logf" >&2; die "ticketd init$_what printed no API key"; }
    printf -v "$_var" '%s' "$_key"
}
start_ticketd() { # name label port health_path data [serve args...]: PIDS[name], log $WORK/name.log
    local name=$1 label=$2 port=$3 health=$4 data=$5
    shift 5
    log "starting $label on 127.0.0.1:$port"
    "$TICKETD" serve --data "$data" "$@" --listen "127.0.0.1:$port" --quiet \
        --threads "$SERVER_THREADS" >"$WORK/$name.log" 2>&1 &
    PIDS[$name]=$!
    wait_http "http://127.0.0.1:$port$health" "${PIDS[$name]}" "$label" "$WORK/$name.log"
}
start_nginx() { # template port: nginx on 127.0.0.1:port serving $SHM (PIDS[nginx], prefix $NPREFIX)
    NPREFIX="$WORK/nginx"
    mkdir -p "$NPREFIX"
    chmod 755 "$NPREFIX"
    sed -e "s|@PREFIX@|$NPREFIX|g" -e "s|@PORT@|$2|g" -e "s|@ROOT@|$SHM|g" \
        "$BENCH_DIR/$1" >"$NPREFIX/nginx.conf"
    log "starting nginx on 127.0.0.1:$2"
    "$NGINX" -p "$NPREFIX" -c "$NPREFIX/nginx.conf" -e "$NPREFIX/error.log" \
        >"$NPREFIX/stdout.log" 2>&1 &
    PIDS[nginx]=$!
    wait_http "http://127.0.0.1:$2/health" "${PIDS[nginx]}" nginx "$NPREFIX/error.log"
}
wait_word_index() { # sqlite-file: waits (up to 5 min) until serve's checkpointer has merged
    # the word index into one b-tree (store.c fts_round: ~2 s of work at 1M tickets, a second
    # after the last commit and at a server's start), so that its CPU and its holds of the
    # writer do not fall in a measured run; logs how many trees there are and how long it took
    local t0 trees
    t0=$(date +%s)
    command -v sqlite3 >/dev/null || { log "word index: no sqlite3 CLI, not waited for"; return 0; }
    for _ in $(seq 1 600); do
        trees=$(sqlite3 "$1" 'SELECT count(DISTINCT segid) FROM ticket_fts_idx' 2>/dev/null) || trees='?'
        case $trees in 0 | 1) break ;; esac
        sleep 0.5
    done
    log "word index: $trees b-tree(s) after $(($(date +%s) - t0)) s"
}
check_alive() { # name what: dies "name died during the what" (its log's tail above) once it is gone
    if ! kill -0 "${PIDS[$1]:-}" 2>/dev/null; then
        tail -n 20 "$WORK/$1.log" >&2 || true
        die "$1 died during the $2"
    fi
}

# ---------------------------------------------------------------- curl
KEY=""
BASE=""
API_ERROR_URL=""    # 1: api_ok's error names $BASE too (for scripts with several servers)
api() { # METHOD PATH [BODY] -> body on stdout; HTTP code in $WORK/code
    local method=$1 path=$2 body=${3:-}
    local args=(-s -o "$WORK/answer" -w '%{http_code}' --max-time "${API_TIMEOUT:-30}"
                -H "Authorization: Bearer $KEY" -X "$method")
    [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
    curl "${args[@]}" "$BASE$path" >"$WORK/code" || echo 000 >"$WORK/code"
    cat "$WORK/answer" 2>/dev/null || true
}
api_ok() { # like api, but dies unless the answer is HTTP 200
    local out
    out=$(api "$@")
    if [ "$(cat "$WORK/code")" != 200 ]; then
        die "$1 ${API_ERROR_URL:+$BASE}$2 answered HTTP $(cat "$WORK/code"): $(head -c 500 <<<"$out")"
    fi
    printf '%s' "$out"
}
json_uuid() { # key json -> first "key":"<uuid>"
    grep -o "\"$1\": *\"[0-9a-fA-F-]\{36\}\"" <<<"$2" | head -n 1 | grep -o '[0-9a-fA-F-]\{36\}' | tr 'A-F' 'a-f'
}

# ---------------------------------------------------------------- wrk
declare -A RPS P99
ERROR_LINES=()
declare -A WRK=()       # the last read_wrk: report.lua's BENCH line (and upload.lua's UPLOAD line)
WRK_ERRS=0
WRK_DETAIL=""

wrk_warmup() { # wrk args... (no -d): an unmeasured run of $WARMUP first, unless it is 0
    if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
        "$1" -d "$WARMUP" "${@:2}" >/dev/null 2>&1 || true
    fi
}
read_wrk() { # wrk_output key where [error key...]: the output's BENCH (and UPLOAD) line into
    # WRK, RPS[key.where] and P99[key.where]; the error counts (err_* and these keys) summed
    # into WRK_ERRS, named in WRK_DETAIL
    local out=$1 key=$2 where=$3 line kv k v
    shift 3
    line=$(grep '^BENCH ' "$out" | tail -n 1) || { cat "$out" >&2; die "no BENCH line from wrk"; }
    WRK=()
    for kv in ${line#BENCH }; do WRK[${kv%%=*}]=${kv#*=}; done
    line=$(grep '^UPLOAD ' "$out" | tail -n 1 || true)
    for kv in ${line#UPLOAD }; do WRK[${kv%%=*}]=${kv#*=}; done
    RPS[$key.$where]=${WRK[rps]}
    P99[$key.$where]=${WRK[p99_us]}
    WRK_ERRS=0
    WRK_DETAIL=""
    for k in err_status err_connect err_read err_write err_timeout "$@"; do
        v=${WRK[$k]:-0}
        if [ "$v" -gt 0 ]; then
            WRK_ERRS=$((WRK_ERRS + v))
            WRK_DETAIL="$WRK_DETAIL ${k#err_}=$v"
        fi
    done
}
note_errors() { # run: a line for the report's error list when the last read_wrk counted errors
    if [ "$WRK_ERRS" -gt 0 ]; then
        ERROR_LINES+=("$1: ${WRK[requests]} requests,$WRK_DETAIL")
    fi
}

# ---------------------------------------------------------------- report
fmt_rps() { [ -n "${1:-}" ] && awk -v x="$1" 'BEGIN { printf "%.0f", x }' || echo "-"; }
fmt_ms() { [ -n "${1:-}" ] && awk -v x="$1" 'BEGIN { printf "%.2f ms", x / 1000 }' || echo "-"; }
fmt_us() { [ -n "${1:-}" ] && echo "$1 us" || echo "-"; }

# A server's CPU time so far (user + system, every thread) in clock ticks, from /proc/PID/stat;
# nginx's is its workers' (children of PIDS[nginx]). Over a run, divided by its requests: the
# CPU per request, which the other processes on the machine move far less than they move req/s.
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
server_pids() { # server
    echo "${PIDS[$1]}"
    [ "$1" = ticketd ] || pgrep -P "${PIDS[$1]}" 2>/dev/null || true
}
cpu_ticks() { # server
    local p
    for p in $(server_pids "$1"); do
        awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || true
    done | awk '{ s += $1 } END { print s + 0 }'
}
ratio() {
    if [ -n "${1:-}" ] && [ -n "${2:-}" ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'
    else
        echo "-"
    fi
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

describe_system() { # COMMIT (+dirty when src or Makefile are changed), CPU_MODEL, NOW
    COMMIT=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo "no commit")
    if [ -n "$(git -C "$ROOT_DIR" status --porcelain -- src Makefile 2>/dev/null)" ]; then
        COMMIT="$COMMIT+dirty"
    fi
    CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || true)
    NOW=$(date -u '+%Y-%m-%d %H:%M UTC')
}

print_errors() { # what: the ERROR_LINES, if any, under "errors (what; these runs ...):"
    if [ ${#ERROR_LINES[@]} -gt 0 ]; then
        echo
        echo "errors ($1; these runs do not measure what they should):"
        printf -- '- %s\n' "${ERROR_LINES[@]}"
    fi
}
print_logged() { # who which max lines: "who logged (N lines<which>; first max):" and those
    # lines in a code block; nothing when lines is empty
    if [ -n "$4" ]; then
        echo
        echo "$1 logged ($(wc -l <<<"$4" | tr -d ' ') lines$2; first $3):"
        echo '```'
        head -n "$3" <<<"$4"
        echo '```'
    fi
}

env_cmdline() { # command var...: the command after those vars that the environment gives
    # (the defaults are in the report)
    local cmdline=$1 v
    shift
    for v in "$@"; do
        if env | grep -q "^$v="; then cmdline="$v=${!v@Q} $cmdline"; fi
    done
    printf '%s\n' "$cmdline"
}
record_results() { # heading [command]: append "## heading", the command and $REPORT to
    # bench/RESULTS.md (made when missing)
    RESULTS="$BENCH_DIR/RESULTS.md"
    if [ ! -f "$RESULTS" ]; then
        printf '# ticketd benchmark results\n\nAppended by %s (newest last); see README.md.\n' \
            '`bench/run.sh --record`' >"$RESULTS"
    fi
    { echo; echo "## $1"; echo
      if [ -n "${2:-}" ]; then echo "Command: \`$2\`"; echo; fi
      echo "$REPORT"; } >>"$RESULTS"
    log "appended to $RESULTS"
}
