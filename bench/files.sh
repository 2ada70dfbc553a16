#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap-called functions; literal backquotes
# bench/files.sh: the attachments benchmark. Makes a ~200 KB JPEG with the vips
# CLI, uploads it to a fresh ticketd with wrk (multipart, decode + two WebP
# thumbnails per upload) at 1, 2 and 4 connections, then downloads its signed
# public_url with wrk (whole file, latency, a byte range) from ticketd and from
# nginx serving the same file from /dev/shm, and prints req/s, p99, ticketd's
# CPU per request (user + system from /proc/PID/stat over the run) and the
# ticketd/nginx ratio. See bench/README.md.
#
# A second, photo-like JPEG (smooth colour fields, sharp edges, a textured
# area, fine grain) is uploaded at PHOTO_CONNS: the noise JPEG is the codecs'
# worst case, a camera photo is not.
#
# usage: bench/files.sh [--record]
#   --record      also append the results to bench/RESULTS.md
# env: DURATION (10s) WARMUP (2s, 0 = none) WRK_TIMEOUT (5s) THREADS (2, wrk -t,
#      at most the connections) SERVER_THREADS (2) UPLOAD_CONNS ("1 2 4")
#      PHOTO_CONNS ("1", "" = no photo row)
#      DL_CONNS (32) LAT_CONNS (SERVER_THREADS) RANGE (bytes=0-65535)
#      TICKETD (build/ticketd) NGINX (nginx) TICKETD_PORT / NGINX_PORT (a free
#      port from 18080 / 18090 up)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR
LOG_NAME=files
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$BENCH_DIR/lib.sh"

usage() { sed -n '3,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

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
PHOTO_CONNS=${PHOTO_CONNS-1}
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

for c in $UPLOAD_CONNS $PHOTO_CONNS "$DL_CONNS" "$LAT_CONNS"; do
    case $c in *[!0-9]*|''|0) die "connection counts must be positive integers (got '$c')" ;; esac
done
case $RANGE in bytes=[0-9]*-[0-9]*) ;; *) die "RANGE must be bytes=A-B (got '$RANGE')" ;; esac

# ---------------------------------------------------------------- cleanup
cleanup_on_exit

# ---------------------------------------------------------------- tools
need_apt=()
{ command -v vips >/dev/null && command -v vipsheader >/dev/null; } || need_apt+=(libvips-tools)
install_wrk_nginx ${need_apt[@]+"${need_apt[@]}"}
command -v curl >/dev/null || die "curl is needed"
command -v cmp >/dev/null || die "cmp (diffutils) is needed"

make_dirs files shm

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

# ---------------------------------------------------------------- the photo-like JPEG
# The noise above keeps every 8x8 block busy: the worst case for libjpeg's decoder and
# libwebp's encoder. A camera photo is mostly smooth areas with edges between them, some
# texture and a little sensor grain; this one is built that way, deterministic like the
# noise (fixed seeds), at the same size: colour fields (three bands of noise blurred at sigma
# 30, stretched back to a sigma of about 45), objects (where a second blurred noise is above
# zero the fields are darkened and shifted: sharp edges), a textured area (where a third one
# is above 1, noise at sigma 20 blurred at 1 is added), an x/y gradient (light) and grain
# (sigma 3); JPEG Q PHOTO_Q, stripped, optimised Huffman tables, 4:2:0.
PHOTO="$IMG/photo.jpg"
PHOTO_Q=90
PHOTO_BYTES=""
make_photo() {
    local s
    smooth() { # out seed sigma cell: seeded noise, one value per cell x cell square, enlarged
        # smoothly (cubic) to JPEG_W x JPEG_H
        local c=$4
        vips gaussnoise "$IMG/sn.v" $((JPEG_W / c + 3)) $((JPEG_H / c + 3)) --mean 0 \
            --sigma "$3" --seed "$2"
        vips resize "$IMG/sn.v" "$IMG/sr.v" "$c" --kernel cubic
        vips crop "$IMG/sr.v" "$1" "$c" "$c" "$JPEG_W" "$JPEG_H"
    }
    for s in 11 12 13; do
        smooth "$IMG/f$s.v" "$s" 45 60
    done
    vips bandjoin "$IMG/f11.v $IMG/f12.v $IMG/f13.v" "$IMG/fields.v"
    vips linear "$IMG/fields.v" "$IMG/objects.v" "0.6 0.7 0.9" " -30 -10 10"
    smooth "$IMG/m.v" 14 40 50
    vips relational_const "$IMG/m.v" "$IMG/mask.v" more 0
    vips ifthenelse "$IMG/mask.v" "$IMG/objects.v" "$IMG/fields.v" "$IMG/scene.v"
    smooth "$IMG/t.v" 15 40 80
    vips relational_const "$IMG/t.v" "$IMG/tmask.v" more 20
    for s in 16 17 18; do
        vips gaussnoise "$IMG/x$s.v" "$JPEG_W" "$JPEG_H" --mean 0 --sigma 20 --seed "$s"
    done
    vips bandjoin "$IMG/x16.v $IMG/x17.v $IMG/x18.v" "$IMG/x.v"
    vips gaussblur "$IMG/x.v" "$IMG/xb.v" 1.0
    vips black "$IMG/zero.v" "$JPEG_W" "$JPEG_H" --bands 3
    vips ifthenelse "$IMG/tmask.v" "$IMG/xb.v" "$IMG/zero.v" "$IMG/texture.v"
    for s in 19 20 21; do
        vips gaussnoise "$IMG/g$s.v" "$JPEG_W" "$JPEG_H" --mean 0 --sigma 3 --seed "$s"
    done
    vips bandjoin "$IMG/g19.v $IMG/g20.v $IMG/g21.v" "$IMG/grain.v"
    vips xyz "$IMG/pxy.v" "$JPEG_W" "$JPEG_H"
    vips extract_band "$IMG/pxy.v" "$IMG/px.v" 0
    vips extract_band "$IMG/pxy.v" "$IMG/py.v" 1
    vips linear "$IMG/px.v" "$IMG/lx.v" 0.05 90
    vips linear "$IMG/py.v" "$IMG/ly.v" " -0.08" 130
    vips bandjoin "$IMG/lx.v $IMG/ly.v $IMG/lx.v" "$IMG/light.v"
    vips sum "$IMG/scene.v $IMG/texture.v $IMG/grain.v $IMG/light.v" "$IMG/p.v"
    vips cast "$IMG/p.v" "$IMG/pu.v" uchar
    vips copy "$IMG/pu.v" "$IMG/psrgb.v" --interpretation srgb
    vips jpegsave "$IMG/psrgb.v" "$PHOTO" --Q "$PHOTO_Q" --strip --optimize-coding
    rm -f "$IMG"/*.v
}
if [ -n "$PHOTO_CONNS" ]; then
    make_photo
    PHOTO_BYTES=$(size_of "$PHOTO")
    log "photo-like JPEG: $PHOTO_BYTES B, Q$PHOTO_Q"
fi

# ---------------------------------------------------------------- ticketd
build_ticketd
DATA="$WORK/data"
mkdir -p "$DATA"
ticketd_init KEY "$DATA" "$WORK/init.log" ""

free_port TP 18080 "${TICKETD_PORT:-}"
start_ticketd ticketd ticketd "$TP" /healthz "$DATA"

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
free_port NP 18090 "${NGINX_PORT:-}"
start_nginx nginx-files.conf.in "$NP"
check_get nginx "http://127.0.0.1:$NP"
code=$(curl -s -o "$WORK/nginx-upload.json" -w '%{http_code}' --max-time 30 \
    -F "file=@$JPEG;type=image/jpeg;filename=bench.jpg" "http://127.0.0.1:$NP$UPLOAD_PATH") || code=000
[ "$code" = 200 ] || die "nginx answered HTTP $code to the upload POST"
cmp -s "$WORK/nginx-upload.json" "$SHM/upload.json" || die "nginx did not answer upload.json to the upload POST"

# ---------------------------------------------------------------- wrk
declare -A ERRS WRKARGS SPLIT CPU WAIT

# The time a server's threads spent runnable but waiting for a core (ns, the second field of
# /proc/PID/task/TID/schedstat; nginx's: its workers'), beside lib.sh's cpu_ticks: over a run,
# divided by its requests, whether a server answering slowly was idle or starved of a core.
runq_ns() { # server
    local p
    for p in $(server_pids "$1"); do
        cat /proc/"$p"/task/*/schedstat 2>/dev/null || true
    done | awk '{ s += $2 } END { printf "%.0f\n", s }'
}

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
        grep -o "pid=${PIDS[ticketd]},fd=[0-9]*" | cut -d= -f3 | tr '\n' ' ')"
    for f in /proc/"${PIDS[ticketd]}"/fd/*; do
        [ "$(readlink "$f" 2>/dev/null)" = "anon_inode:[eventpoll]" ] || continue
        n=0
        while read -r _ fd _; do
            case $fds in *" $fd "*) n=$((n + 1)) ;; esac
        done < <(grep '^tfd:' "/proc/${PIDS[ticketd]}/fdinfo/${f##*/}" 2>/dev/null || true)
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
    wrk_warmup "${cmd[@]}" "${opts[@]}" "$url" "${sargs[@]}"
    log "wrk $key -> $server (-t$t -c$conns -d$DURATION)"
    local sampler="" cpu0 cpu1 wait0 wait1
    if [ "$server" = ticketd ]; then
        { sleep 1; workers_split >"$WORK/split-$key"; } &
        sampler=$!
    fi
    cpu0=$(cpu_ticks "$server")
    wait0=$(runq_ns "$server")
    "${cmd[@]}" -d "$DURATION" "${opts[@]}" "$url" "${sargs[@]}" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed against $server ($key)"; }
    cpu1=$(cpu_ticks "$server")
    wait1=$(runq_ns "$server")
    if [ -n "$sampler" ]; then
        wait "$sampler" 2>/dev/null || true
        SPLIT[$key]=$(cat "$WORK/split-$key" 2>/dev/null || true)
    fi
    read_wrk "$out" "$key" "$server" bad
    if [ "${WRK[requests]}" -gt 0 ]; then
        CPU[$key.$server]=$(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" -v n="${WRK[requests]}" \
            'BEGIN { printf "%.3f", t * 1000 / hz / n }')
        WAIT[$key.$server]=$(awk -v w=$((wait1 - wait0)) -v n="${WRK[requests]}" \
            'BEGIN { printf "%.2f", w / 1e6 / n }')
    fi
    if [ "${WRK[requests]}" -le 0 ]; then
        WRK_ERRS=$((WRK_ERRS + 1))
        WRK_DETAIL=" no request answered$WRK_DETAIL"
    fi
    ERRS[$key.$server]=$WRK_ERRS
    note_errors "$key on $server"
    if [ "$WRK_ERRS" -gt 0 ]; then
        log "ERROR: $key on $server:$WRK_DETAIL (of ${WRK[requests]} requests); wrk said:"
        sed 's/^/    /' "$out" >&2
    fi
    [ "$server" != ticketd ] || check_alive ticketd "$key run (log above)"
}

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
KEYS=()
declare -A LABEL
for c in $UPLOAD_CONNS; do
    KEYS+=("upload_c$c")
    LABEL[upload_c$c]="POST upload (hash, decode, 2 WebP thumbnails, write)"
done
for c in $PHOTO_CONNS; do
    KEYS+=("photo_c$c")
    LABEL[photo_c$c]="POST upload of the photo-like JPEG ($PHOTO_BYTES B, same work)"
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
            photo_c*)
                run_wrk "$key" "$server" "${key#photo_c}" "$base$UPLOAD_PATH" upload.lua \
                    -H "Authorization: Bearer $KEY" -- "$PHOTO" photo.jpg image/jpeg ;;
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
# uploads/s are small: one decimal below 100 (the lib's fmt_rps has none)
fmt_rps() { [ -n "${1:-}" ] && awk -v x="$1" 'BEGIN { printf (x < 100 ? "%.1f" : "%.0f"), x }' || echo "-"; }
fmt_cpu() { [ -n "${1:-}" ] && echo "$1 ms" || echo "-"; }
fmt_mbs() { [ -n "${1:-}" ] && awk -v x="$1" -v b="$2" 'BEGIN { m = x * b / 1e6; printf (m < 10 ? "%.1f" : "%.0f"), m }' || echo "-"; }

describe_system
LOADAVG=${LOADAVG:-?}
FS=$(df -PT "$DATA" 2>/dev/null | awk 'NR == 2 { print $2 }' || true)

report() {
    local key bytes r
    echo "- JPEG $JPEG_BYTES B, $JPEG_DIMS, Q$JPEG_Q (vips $(vips --version 2>/dev/null | sed 's/^vips-//'): seeded noise over a gradient); ticketd's thumbnails $THUMBS; commit $COMMIT, $NOW"
    [ -z "$PHOTO_CONNS" ] ||
        echo "- photo-like JPEG $PHOTO_BYTES B, $JPEG_DIMS, Q$PHOTO_Q (smooth colour fields, sharp-edged objects, a textured area, grain; seeded)"
    [ -z "$TICKETD_GIVEN" ] ||
        echo "- ticketd binary: $TICKETD (given with TICKETD; the commit above is the checkout's, the binary may differ)"
    echo "- wrk -d$DURATION (warm-up $WARMUP), ticketd --threads $SERVER_THREADS (data dir on ${FS:-?}), nginx 2 workers (file in /dev/shm); $(nproc) cores${CPU_MODEL:+, $CPU_MODEL}"
    echo "- after the runs: $ASSETS asset rows, $BLOBS blob files (each JPEG uploaded + its thumbnails, content-addressed), $TMP_LEFT temp files left"
    echo "- upload rows: nginx reads the multipart body and drops it (the cost of moving the bytes; no ratio). conns/worker: ticketd's connections per server thread, sampled 1 s into the run. CPU/req: the server's user + system time over the run (/proc/PID/stat, every thread; nginx's workers) / requests answered. wait/req: the time its threads were runnable but had no core (schedstat's run-queue wait) / requests answered"
    echo "- load average before the runs: $LOADAVG"
    echo
    echo "| run | wrk | ticketd req/s | ticketd p99 | ticketd MB/s | ticketd CPU/req | ticketd wait/req | conns/worker | nginx req/s | nginx p99 | nginx CPU/req | nginx wait/req | ratio |"
    echo "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"
    for key in "${KEYS[@]}"; do
        case $key in range) bytes=$RANGE_LEN ;; photo_*) bytes=$PHOTO_BYTES ;; *) bytes=$JPEG_BYTES ;; esac
        r=$(ratio "${RPS[$key.ticketd]:-}" "${RPS[$key.nginx]:-}")
        case $key in upload_* | photo_*) r="-" ;; esac
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$key]}" "${WRKARGS[$key]}" \
            "$(fmt_rps "${RPS[$key.ticketd]:-}")" "$(fmt_ms "${P99[$key.ticketd]:-}")" \
            "$(fmt_mbs "${RPS[$key.ticketd]:-}" "$bytes")" "$(fmt_cpu "${CPU[$key.ticketd]:-}")" \
            "$(fmt_cpu "${WAIT[$key.ticketd]:-}")" "${SPLIT[$key]:--}" \
            "$(fmt_rps "${RPS[$key.nginx]:-}")" "$(fmt_ms "${P99[$key.nginx]:-}")" \
            "$(fmt_cpu "${CPU[$key.nginx]:-}")" "$(fmt_cpu "${WAIT[$key.nginx]:-}")" "$r"
    done
    print_errors "non-2xx answers, bad upload answers or socket errors"
    print_logged ticketd "" 10 "$LOG_LINES"
}

REPORT=$(report)
echo
echo "$REPORT"

if [ "$RECORD" -eq 1 ]; then
    record_results "$NOW: files (upload + download of a $JPEG_BYTES B JPEG), commit $COMMIT" \
        "$(env_cmdline "bench/files.sh --record" DURATION WARMUP UPLOAD_CONNS PHOTO_CONNS DL_CONNS LAT_CONNS \
            RANGE SERVER_THREADS THREADS TICKETD)"
fi

# wrong answers from ticketd make the numbers meaningless: say so in the exit code
for key in "${KEYS[@]}"; do
    if [ "${ERRS[$key.ticketd]:-0}" -gt 0 ] || [ "${ERRS[$key.nginx]:-0}" -gt 0 ]; then
        exit 3
    fi
done
exit 0
