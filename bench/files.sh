#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap-called functions; literal backquotes
# bench/files.sh: the attachments benchmark. Makes a ~200 KB JPEG with the vips
# CLI, uploads it to a fresh ticketd with wrk (multipart, decode + two WebP
# thumbnails per upload) at 1, 2 and 4 connections, then downloads its signed
# public_url with wrk (whole file, latency, a byte range) from ticketd and from
# nginx serving the same file from /dev/shm, and prints req/s, p99 and the
# ticketd/nginx ratio. See bench/README.md.
#
# usage: bench/files.sh [--record]
#   --record      also append the results to bench/RESULTS.md
# env: DURATION (10s) WARMUP (2s, 0 = none) WRK_TIMEOUT (5s) THREADS (2, wrk -t,
#      at most the connections) SERVER_THREADS (2) UPLOAD_CONNS ("1 2 4")
#      DL_CONNS (32) LAT_CONNS (SERVER_THREADS) RANGE (bytes=0-65535)
#      TICKETD (build/ticketd) NGINX (nginx) TICKETD_PORT / NGINX_PORT (a free
#      port from 18080 / 18090 up)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR

usage() { sed -n '3,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

RECORD=0
while [ $# -gt 0 ]; do
    case "$1" in
        --record) RECORD=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "files.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
WRK_TIMEOUT=${WRK_TIMEOUT:-5s}
THREADS=${THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
UPLOAD_CONNS=${UPLOAD_CONNS:-1 2 4}
DL_CONNS=${DL_CONNS:-32}
LAT_CONNS=${LAT_CONNS:-$SERVER_THREADS}
RANGE=${RANGE:-bytes=0-65535}
TICKETD_GIVEN=${TICKETD:+1}
TICKETD=${TICKETD:-$ROOT_DIR/build/ticketd}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
# the JPEG: 1000x750, Q searched from JPEG_Q until the file is JPEG_MIN..JPEG_MAX bytes
JPEG_W=1000
JPEG_H=750
JPEG_Q=87
JPEG_MIN=180000
JPEG_MAX=230000

log() { printf '[files %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for c in $UPLOAD_CONNS "$DL_CONNS" "$LAT_CONNS"; do
    case $c in *[!0-9]*|''|0) die "connection counts must be positive integers (got '$c')" ;; esac
done
case $RANGE in bytes=[0-9]*-[0-9]*) ;; *) die "RANGE must be bytes=A-B (got '$RANGE')" ;; esac

# ---------------------------------------------------------------- cleanup
WORK=""
SHM=""
TICKETD_PID=""
NGINX_PID=""

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

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$TICKETD_PID" ticketd
    stop_pid "$NGINX_PID" nginx
    [ -n "$SHM" ] && rm -rf "$SHM"
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- tools
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
[ -x "$NGINX" ] || command -v "$NGINX" >/dev/null || need_apt+=(nginx-light)
{ command -v vips >/dev/null && command -v vipsheader >/dev/null; } || need_apt+=(libvips-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    log "installing ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y "${need_apt[@]}" >&2 ||
        { $SUDO apt-get update >&2 && $SUDO apt-get install -y "${need_apt[@]}" >&2; } ||
        die "could not install ${need_apt[*]}"
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
command -v curl >/dev/null || die "curl is needed"
command -v cmp >/dev/null || die "cmp (diffutils) is needed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ticketd-files.XXXXXX")
SHM=$(mktemp -d /dev/shm/ticketd-files.XXXXXX)
# nginx started as root runs its workers as nobody: let them in
chmod 755 "$WORK" "$SHM"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # first free port from $1 up, skipping $2
    local p=$1
    while port_in_use "$p" || [ "$p" = "${2:-}" ]; do
        p=$((p + 1))
        [ "$p" -lt 65000 ] || die "no free port"
    done
    echo "$p"
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
size_of() { wc -c <"$1" | tr -d ' '; }

# ---------------------------------------------------------------- the JPEG
# Deterministic (gaussnoise has fixed seeds): per-band gaussian noise (sigma
# 40, blurred at sigma 1 so it is less than pure noise) over an x/y gradient,
# clipped to uchar sRGB; then the first Q from JPEG_Q that gives
# JPEG_MIN..JPEG_MAX bytes. Stripped, optimised Huffman tables, vips' default
# 4:2:0 chroma below Q 90.
IMG="$WORK/img"
mkdir -p "$IMG"
JPEG="$IMG/bench.jpg"
make_jpeg() {
    local s q _ size
    for s in 1 2 3; do
        vips gaussnoise "$IMG/n$s.v" "$JPEG_W" "$JPEG_H" --mean 0 --sigma 40 --seed "$s"
    done
    vips bandjoin "$IMG/n1.v $IMG/n2.v $IMG/n3.v" "$IMG/n.v"
    vips gaussblur "$IMG/n.v" "$IMG/nb.v" 1.0
    vips xyz "$IMG/xy.v" "$JPEG_W" "$JPEG_H"
    vips extract_band "$IMG/xy.v" "$IMG/x.v" 0
    vips extract_band "$IMG/xy.v" "$IMG/y.v" 1
    vips linear "$IMG/x.v" "$IMG/gx.v" 0.15 50
    vips linear "$IMG/y.v" "$IMG/gy.v" 0.2 30
    vips bandjoin "$IMG/gx.v $IMG/gy.v $IMG/gx.v" "$IMG/g.v"
    vips add "$IMG/nb.v" "$IMG/g.v" "$IMG/s.v"
    vips cast "$IMG/s.v" "$IMG/u.v" uchar
    vips copy "$IMG/u.v" "$IMG/srgb.v" --interpretation srgb
    q=$JPEG_Q
    for _ in $(seq 20); do
        vips jpegsave "$IMG/srgb.v" "$JPEG" --Q "$q" --strip --optimize-coding
        size=$(size_of "$JPEG")
        if [ "$size" -lt "$JPEG_MIN" ] && [ "$q" -lt 98 ]; then
            q=$((q + 1))
        elif [ "$size" -gt "$JPEG_MAX" ] && [ "$q" -gt 30 ]; then
            q=$((q - 1))
        else
            break
        fi
    done
    if [ "$size" -lt "$JPEG_MIN" ] || [ "$size" -gt "$JPEG_MAX" ]; then
        die "could not make a JPEG of $JPEG_MIN..$JPEG_MAX bytes (last: Q$q, $size B)"
    fi
    JPEG_Q=$q
    rm -f "$IMG"/*.v
}
log "making the JPEG with vips ($(vips --version 2>/dev/null | head -n 1))"
make_jpeg # (set -e: a failing vips stops the script, its message above)
JPEG_BYTES=$(size_of "$JPEG")
JPEG_DIMS="$(vipsheader -f width "$JPEG")x$(vipsheader -f height "$JPEG")"
log "JPEG: $JPEG_BYTES B, $JPEG_DIMS, Q$JPEG_Q"
cp "$JPEG" "$SHM/bench.jpg"

# ---------------------------------------------------------------- ticketd
if [ ! -x "$TICKETD" ]; then
    log "building $TICKETD (make build)"
    make -C "$ROOT_DIR" build >&2 || die "make build failed"
    [ -x "$TICKETD" ] || die "make build did not produce $TICKETD"
fi
DATA="$WORK/data"
mkdir -p "$DATA"
KEY=$("$TICKETD" init --data "$DATA" 2>"$WORK/init.log" | tail -n 1 | tr -d '[:space:]') ||
    { cat "$WORK/init.log" >&2; die "ticketd init failed"; }
[ -n "$KEY" ] || { cat "$WORK/init.log" >&2; die "ticketd init printed no API key"; }

TP=${TICKETD_PORT:-$(free_port 18080)}
log "starting ticketd on 127.0.0.1:$TP"
"$TICKETD" serve --data "$DATA" --listen "127.0.0.1:$TP" --quiet \
    --threads "$SERVER_THREADS" >"$WORK/ticketd.log" 2>&1 &
TICKETD_PID=$!
wait_http "http://127.0.0.1:$TP/healthz" "$TICKETD_PID" ticketd "$WORK/ticketd.log"

UPLOAD_PATH=/v2/agency/assets/upload
code=$(curl -s -o "$WORK/upload.json" -w '%{http_code}' --max-time 60 \
    -H "Authorization: Bearer $KEY" -F "file=@$JPEG;type=image/jpeg;filename=bench.jpg" \
    -F "alt_text=bench upload" "http://127.0.0.1:$TP$UPLOAD_PATH") || code=000
[ "$code" = 200 ] || die "the probe upload answered HTTP $code: $(head -c 500 "$WORK/upload.json" 2>/dev/null)"
grep -q '"status":200' "$WORK/upload.json" || die "the probe upload answered: $(head -c 500 "$WORK/upload.json")"
FILE_URL=$(grep -o '"public_url":"[^"]*"' "$WORK/upload.json" | head -n 1 | cut -d'"' -f4)
case $FILE_URL in
    "http://127.0.0.1:$TP/files/"*\?*signature=*) ;;
    *) die "unexpected public_url '$FILE_URL' in $(head -c 500 "$WORK/upload.json")" ;;
esac
FILE_PATH=${FILE_URL#"http://127.0.0.1:$TP"}
THUMBS=$(grep -o '"width":[0-9]*,"height":[0-9]*}' "$WORK/upload.json" |
    sed 's/"width":\([0-9]*\),"height":\([0-9]*\)}/\1x\2/' | paste -sd, - | sed 's/,/, /g')
UP_DIMS=$(grep -o '"width":[0-9]*,"height":[0-9]*,"public_url"' "$WORK/upload.json" |
    sed 's/"width":\([0-9]*\),"height":\([0-9]*\).*/\1x\2/' | head -n 1)
[ "$UP_DIMS" = "$JPEG_DIMS" ] || die "ticketd says the image is '${UP_DIMS:-?}', vipsheader $JPEG_DIMS"
[ -n "$THUMBS" ] || die "the probe upload has no thumbnails: $(head -c 500 "$WORK/upload.json")"
log "uploaded: $FILE_PATH (thumbnails $THUMBS)"

# ticketd's upload answer becomes nginx's answer to the reference upload row
cp "$WORK/upload.json" "$SHM/upload.json"
chmod 644 "$SHM"/*

RA=${RANGE#bytes=}; RA=${RA%-*}
RB=${RANGE#*-}
[ "$RB" -ge "$RA" ] || die "RANGE $RANGE: end before start"
[ "$RB" -lt "$JPEG_BYTES" ] || die "RANGE $RANGE ends past the file ($JPEG_BYTES B)"
RANGE_LEN=$((RB - RA + 1))
dd if="$JPEG" of="$WORK/expected-range.bin" iflag=skip_bytes,count_bytes bs=65536 \
    skip="$RA" count="$RANGE_LEN" status=none || die "dd failed to cut the range"
[ "$(size_of "$WORK/expected-range.bin")" -eq "$RANGE_LEN" ] || die "dd cut a short range"

check_get() { # server base_url: whole file and the range must come back byte-exact
    local server=$1 base=$2 code
    code=$(curl -s -o "$WORK/got-$server.jpg" -w '%{http_code}' --max-time 30 "$base$FILE_PATH") || code=000
    [ "$code" = 200 ] || die "$server answered HTTP $code to GET $FILE_PATH"
    cmp -s "$WORK/got-$server.jpg" "$JPEG" ||
        die "$server's download differs from the JPEG ($(size_of "$WORK/got-$server.jpg") B vs $JPEG_BYTES B)"
    code=$(curl -s -o "$WORK/got-$server.range" -w '%{http_code}' --max-time 30 \
        -H "Range: $RANGE" "$base$FILE_PATH") || code=000
    [ "$code" = 206 ] || die "$server answered HTTP $code (not 206) to Range: $RANGE"
    cmp -s "$WORK/got-$server.range" "$WORK/expected-range.bin" ||
        die "$server's answer to Range: $RANGE is not those bytes of the JPEG"
}
check_get ticketd "http://127.0.0.1:$TP"
log "ticketd download is byte-exact ($JPEG_BYTES B; the range $RANGE too)"

# ---------------------------------------------------------------- nginx
NP=${NGINX_PORT:-$(free_port 18090 "$TP")}
NPREFIX="$WORK/nginx"
mkdir -p "$NPREFIX"
chmod 755 "$NPREFIX"
sed -e "s|@PREFIX@|$NPREFIX|g" -e "s|@PORT@|$NP|g" -e "s|@ROOT@|$SHM|g" \
    "$BENCH_DIR/nginx-files.conf.in" >"$NPREFIX/nginx.conf"
log "starting nginx on 127.0.0.1:$NP"
"$NGINX" -p "$NPREFIX" -c "$NPREFIX/nginx.conf" -e "$NPREFIX/error.log" \
    >"$NPREFIX/stdout.log" 2>&1 &
NGINX_PID=$!
wait_http "http://127.0.0.1:$NP/health" "$NGINX_PID" nginx "$NPREFIX/error.log"
check_get nginx "http://127.0.0.1:$NP"
code=$(curl -s -o "$WORK/nginx-upload.json" -w '%{http_code}' --max-time 30 \
    -F "file=@$JPEG;type=image/jpeg;filename=bench.jpg" "http://127.0.0.1:$NP$UPLOAD_PATH") || code=000
[ "$code" = 200 ] || die "nginx answered HTTP $code to the upload POST"
cmp -s "$WORK/nginx-upload.json" "$SHM/upload.json" || die "nginx did not answer upload.json to the upload POST"

# ---------------------------------------------------------------- wrk
declare -A RPS P99 ERRS WRKARGS SPLIT
ERROR_LINES=()

# How ticketd's connections are spread over its server threads, e.g. "2+0":
# libmicrohttpd's thread pool gives each worker its own epoll set and a
# connection stays on the worker that accepted it, so the established
# connections (ss) are counted in each epoll set (/proc/PID/fdinfo). An upload
# keeps its worker busy while it decodes, so "2+0" means the two connections'
# uploads took turns on one thread. A connection that is suspended (waiting
# for the writer thread) is in no set, so ten samples are taken, 0.1 s apart,
# and the largest count of each set is kept. Empty when ss is missing.
workers_sample() { # one line: the count of each epoll set, in fd order
    command -v ss >/dev/null || return 0
    local fds f fd n out=""
    fds=" $(ss -tnpH state established "( sport = :$TP )" 2>/dev/null |
        grep -o "pid=$TICKETD_PID,fd=[0-9]*" | cut -d= -f3 | tr '\n' ' ')"
    for f in /proc/"$TICKETD_PID"/fd/*; do
        [ "$(readlink "$f" 2>/dev/null)" = "anon_inode:[eventpoll]" ] || continue
        n=0
        while read -r _ fd _; do
            case $fds in *" $fd "*) n=$((n + 1)) ;; esac
        done < <(grep '^tfd:' "/proc/$TICKETD_PID/fdinfo/${f##*/}" 2>/dev/null || true)
        out="${out:+$out }$n"
    done
    echo "$out"
}
workers_split() {
    command -v ss >/dev/null || return 0
    local _
    for _ in $(seq 10); do
        workers_sample
        sleep 0.1
    done | awk '{ for (i = 1; i <= NF; i++) if ($i > m[i]) m[i] = $i; if (NF > n) n = NF }
        END { for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? "+" : ""), m[i]; print "" }'
}

run_wrk() { # key server conns url script [extra wrk args...] [-- script args...]
    local key=$1 server=$2 conns=$3 url=$4 script=$5
    shift 5
    local opts=() sargs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -eq 0 ] || { shift; sargs=(-- "$@"); }
    local t=$(( THREADS < conns ? THREADS : conns ))
    local out="$WORK/wrk-$key-$server.txt"
    local cmd=(wrk -t"$t" -c"$conns" --latency --timeout "$WRK_TIMEOUT" -s "$BENCH_DIR/$script")
    WRKARGS[$key]="-t$t -c$conns"
    if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
        "${cmd[@]}" -d "$WARMUP" "${opts[@]}" "$url" "${sargs[@]}" >/dev/null 2>&1 || true
    fi
    log "wrk $key -> $server (-t$t -c$conns -d$DURATION)"
    local sampler=""
    if [ "$server" = ticketd ]; then
        { sleep 1; workers_split >"$WORK/split-$key"; } &
        sampler=$!
    fi
    "${cmd[@]}" -d "$DURATION" "${opts[@]}" "$url" "${sargs[@]}" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed against $server ($key)"; }
    if [ -n "$sampler" ]; then
        wait "$sampler" 2>/dev/null || true
        SPLIT[$key]=$(cat "$WORK/split-$key" 2>/dev/null || true)
    fi
    local line
    line=$(grep '^BENCH ' "$out" | tail -n 1) || { cat "$out" >&2; die "no BENCH line from wrk"; }
    local kv k v errs=0 detail=""
    declare -A m=()
    for kv in ${line#BENCH }; do m[${kv%%=*}]=${kv#*=}; done
    line=$(grep '^UPLOAD ' "$out" | tail -n 1 || true)
    for kv in ${line#UPLOAD }; do m[${kv%%=*}]=${kv#*=}; done
    RPS[$key.$server]=${m[rps]}
    P99[$key.$server]=${m[p99_us]}
    [ "${m[requests]}" -gt 0 ] || { errs=1; detail=" no request answered"; }
    for k in err_status err_connect err_read err_write err_timeout bad; do
        v=${m[$k]:-0}
        if [ "$v" -gt 0 ]; then
            errs=$((errs + v))
            detail="$detail ${k#err_}=$v"
        fi
    done
    ERRS[$key.$server]=$errs
    if [ "$errs" -gt 0 ]; then
        ERROR_LINES+=("$key on $server: ${m[requests]} requests,$detail")
        log "ERROR: $key on $server:$detail (of ${m[requests]} requests); wrk said:"
        sed 's/^/    /' "$out" >&2
    fi
    if [ "$server" = ticketd ] && ! kill -0 "$TICKETD_PID" 2>/dev/null; then
        tail -n 20 "$WORK/ticketd.log" >&2 || true
        die "ticketd died during the $key run (log above)"
    fi
}

KEYS=()
declare -A LABEL
for c in $UPLOAD_CONNS; do
    KEYS+=("upload_c$c")
    LABEL[upload_c$c]="POST upload (hash, decode, 2 WebP thumbnails, write)"
done
KEYS+=(get get_lat range)
LABEL[get]="GET public_url (whole file)"
LABEL[get_lat]="the same GET (latency)"
LABEL[range]="GET public_url, Range: $RANGE (206)"

for key in "${KEYS[@]}"; do
    for server in ticketd nginx; do
        if [ "$server" = ticketd ]; then base="http://127.0.0.1:$TP"; else base="http://127.0.0.1:$NP"; fi
        case $key in
            upload_c*)
                run_wrk "$key" "$server" "${key#upload_c}" "$base$UPLOAD_PATH" upload.lua \
                    -H "Authorization: Bearer $KEY" -- "$JPEG" bench.jpg image/jpeg ;;
            get) run_wrk "$key" "$server" "$DL_CONNS" "$base$FILE_PATH" report.lua ;;
            get_lat) run_wrk "$key" "$server" "$LAT_CONNS" "$base$FILE_PATH" report.lua ;;
            range) run_wrk "$key" "$server" "$DL_CONNS" "$base$FILE_PATH" report.lua -H "Range: $RANGE" ;;
        esac
    done
done

# what the uploads left: one blob for the JPEG and one per thumbnail (content-addressed)
BLOBS=$(find "$DATA/blobs" -type f -not -path "$DATA/blobs/tmp/*" 2>/dev/null | wc -l | tr -d ' ')
TMP_LEFT=$(find "$DATA/blobs/tmp" -type f 2>/dev/null | wc -l | tr -d ' ')
ASSETS="?"
if command -v sqlite3 >/dev/null; then
    ASSETS=$(sqlite3 "$DATA/ticketd.db" 'SELECT count(*) FROM assets' 2>/dev/null || echo "?")
fi
# anything the server logged besides its start line (it runs with --quiet)
LOG_LINES=$(grep -v ' info ticketd serving on ' "$WORK/ticketd.log" || true)

# ---------------------------------------------------------------- report
fmt_rps() { [ -n "${1:-}" ] && awk -v x="$1" 'BEGIN { printf (x < 100 ? "%.1f" : "%.0f"), x }' || echo "-"; }
fmt_ms() { [ -n "${1:-}" ] && awk -v x="$1" 'BEGIN { printf "%.2f ms", x / 1000 }' || echo "-"; }
fmt_mbs() { [ -n "${1:-}" ] && awk -v x="$1" -v b="$2" 'BEGIN { m = x * b / 1e6; printf (m < 10 ? "%.1f" : "%.0f"), m }' || echo "-"; }
ratio() {
    if [ -n "${1:-}" ] && [ -n "${2:-}" ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'
    else
        echo "-"
    fi
}

COMMIT=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ -n "$(git -C "$ROOT_DIR" status --porcelain -- src Makefile 2>/dev/null)" ]; then
    COMMIT="$COMMIT+dirty"
fi
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || true)
FS=$(df -PT "$DATA" 2>/dev/null | awk 'NR == 2 { print $2 }' || true)
NOW=$(date -u '+%Y-%m-%d %H:%M UTC')

report() {
    local key bytes r
    echo "- JPEG $JPEG_BYTES B, $JPEG_DIMS, Q$JPEG_Q (vips $(vips --version 2>/dev/null | sed 's/^vips-//'): seeded noise over a gradient); ticketd's thumbnails $THUMBS; commit $COMMIT, $NOW"
    [ -z "$TICKETD_GIVEN" ] ||
        echo "- ticketd binary: $TICKETD (given with TICKETD; the commit above is the checkout's, the binary may differ)"
    echo "- wrk -d$DURATION (warm-up $WARMUP), ticketd --threads $SERVER_THREADS (data dir on ${FS:-?}), nginx 2 workers (file in /dev/shm); $(nproc) cores${CPU:+, $CPU}"
    echo "- after the runs: $ASSETS asset rows, $BLOBS blob files (the JPEG + its thumbnails, content-addressed), $TMP_LEFT temp files left"
    echo "- upload rows: nginx reads the multipart body and drops it (the cost of moving the bytes; no ratio). conns/worker: ticketd's connections per server thread, sampled 1 s into the run"
    echo
    echo "| run | wrk | ticketd req/s | ticketd p99 | ticketd MB/s | conns/worker | nginx req/s | nginx p99 | ratio |"
    echo "|---|---|---:|---:|---:|---|---:|---:|---:|"
    for key in "${KEYS[@]}"; do
        case $key in range) bytes=$RANGE_LEN ;; *) bytes=$JPEG_BYTES ;; esac
        r=$(ratio "${RPS[$key.ticketd]:-}" "${RPS[$key.nginx]:-}")
        case $key in upload_*) r="-" ;; esac
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$key]}" "${WRKARGS[$key]}" \
            "$(fmt_rps "${RPS[$key.ticketd]:-}")" "$(fmt_ms "${P99[$key.ticketd]:-}")" \
            "$(fmt_mbs "${RPS[$key.ticketd]:-}" "$bytes")" "${SPLIT[$key]:--}" \
            "$(fmt_rps "${RPS[$key.nginx]:-}")" "$(fmt_ms "${P99[$key.nginx]:-}")" "$r"
    done
    if [ ${#ERROR_LINES[@]} -gt 0 ]; then
        echo
        echo "errors (non-2xx answers, bad upload answers or socket errors; these runs do not measure what they should):"
        printf -- '- %s\n' "${ERROR_LINES[@]}"
    fi
    if [ -n "$LOG_LINES" ]; then
        echo
        echo "ticketd logged ($(wc -l <<<"$LOG_LINES" | tr -d ' ') lines; first 10):"
        echo '```'
        head -n 10 <<<"$LOG_LINES"
        echo '```'
    fi
}

REPORT=$(report)
echo
echo "$REPORT"

if [ "$RECORD" -eq 1 ]; then
    RESULTS="$BENCH_DIR/RESULTS.md"
    if [ ! -f "$RESULTS" ]; then
        printf '# ticketd benchmark results\n\nAppended by %s (newest last); see README.md.\n' \
            '`bench/run.sh --record`' >"$RESULTS"
    fi
    cmdline="bench/files.sh --record"
    for v in DURATION WARMUP UPLOAD_CONNS DL_CONNS LAT_CONNS RANGE SERVER_THREADS THREADS TICKETD; do
        # only the settings given in the environment (the defaults are in the report)
        if env | grep -q "^$v="; then cmdline="$v=${!v@Q} $cmdline"; fi
    done
    { echo; echo "## $NOW: files (upload + download of a $JPEG_BYTES B JPEG), commit $COMMIT"; echo
      echo "Command: \`$cmdline\`"; echo; echo "$REPORT"; } >>"$RESULTS"
    log "appended to $RESULTS"
fi

# wrong answers from ticketd make the numbers meaningless: say so in the exit code
for key in "${KEYS[@]}"; do
    if [ "${ERRS[$key.ticketd]:-0}" -gt 0 ] || [ "${ERRS[$key.nginx]:-0}" -gt 0 ]; then
        exit 3
    fi
done
exit 0
