#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap-called functions; literal backquotes
# bench/run.sh: load N tickets into ticketd through `ticketd seed`, run wrk
# against Tamio and Zaia endpoints and against nginx serving same-size JSON files from
# /dev/shm, print req/s, p99 and the ticketd/nginx ratio. See bench/README.md.
#
# usage: bench/run.sh [--record] [--nginx-only] [N]
#   N             tickets to seed (default 10000; 1000000 for the 1M run)
#   --record      also append the results to bench/RESULTS.md
#   --nginx-only  skip ticketd (check the nginx/wrk half of the setup)
# env: DURATION (10s) THREADS (2) CONNS (32) WARMUP (2s, 0 = none)
#      WRK_TIMEOUT (5s) SERVER_THREADS (2) TEAMMATES (50) CLIENTS (N/100,
#      at least 100) IDS (ticket ids for the retrieve run, min(N, 100000))
#      TICKETD (build/ticketd) NGINX (nginx) TICKETD_PORT / NGINX_PORT (a
#      free port from 18080 up) DATA_DIR (keep the data here; reused, without
#      seeding again, when it already holds ticketd.db and bench.key)
#      MIXED (1; 0 skips the RSS run) MIXED_REQUESTS (20000) MIXED_CLIENTS (8):
#      after the wrk rows, a fresh ticketd takes a mixed load with uploads
#      (bench/mixed.mjs) and its peak RSS is reported beside the idle RSS
#      ROWS (every row): the rows to run, e.g. ROWS=retrieve MIXED=0 for the retrieve
#      row alone (ticketd then nginx); the Zaia set-up runs only for its rows and MIXED
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR
LOG_NAME=bench
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$BENCH_DIR/lib.sh"

usage() { sed -n '3,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

RECORD=0
NGINX_ONLY=0
N=10000
while [ $# -gt 0 ]; do
    case "$1" in
        --record) RECORD=1 ;;
        --nginx-only) NGINX_ONLY=1 ;;
        -h|--help) usage; exit 0 ;;
        *[!0-9]*|'') echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
        *) N=$1 ;;
    esac
    shift
done
[ "$N" -ge 1 ] || { echo "run.sh: N must be >= 1" >&2; exit 2; }

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
WARMUP=${WARMUP:-2s}
WRK_TIMEOUT=${WRK_TIMEOUT:-5s}
SERVER_THREADS=${SERVER_THREADS:-2}
TEAMMATES=${TEAMMATES:-50}
CLIENTS=${CLIENTS:-$(( N / 100 > 100 ? N / 100 : 100 ))}
IDS=${IDS:-$(( N < 100000 ? N : 100000 ))}
TICKETD=${TICKETD:-$ROOT_DIR/build/ticketd}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
DATA_DIR=${DATA_DIR:-}
MIXED=${MIXED:-1}
MIXED_REQUESTS=${MIXED_REQUESTS:-20000}
MIXED_CLIENTS=${MIXED_CLIENTS:-8}
[ "$NGINX_ONLY" -eq 0 ] || MIXED=0
# The Zaia rows run before create, which adds tickets.
ALL_ROWS=(retrieve list list_lat details filter filter_lat search search_lat create)
read -r -a ENDPOINTS <<<"${ROWS:-${ALL_ROWS[*]}}"
for key in "${ENDPOINTS[@]}"; do
    [[ " ${ALL_ROWS[*]} " == *" $key "* ]] || { echo "run.sh: unknown row in ROWS: $key (rows: ${ALL_ROWS[*]})" >&2; exit 2; }
done
want_row() { [[ " ${ENDPOINTS[*]} " == *" $1 "* ]]; }
# The Zaia set-up (a filtered page and 1000 search probes) only when a row or the mixed run uses it
NEED_ZAIA=$MIXED
for key in details filter filter_lat search search_lat; do want_row "$key" && NEED_ZAIA=1; done

# ---------------------------------------------------------------- cleanup
cleanup_on_exit

# ---------------------------------------------------------------- tools
# shellcheck disable=SC2119  # no packages beyond wrk and nginx
if [ "$MIXED" -eq 1 ] && ! command -v vips >/dev/null; then
    install_wrk_nginx libvips-tools # the mixed run's JPEG
else
    install_wrk_nginx
fi
[ "$MIXED" -eq 0 ] || command -v node >/dev/null || die "node is needed for the mixed RSS run (MIXED=0 skips it)"
command -v curl >/dev/null || die "curl is needed"
[ "$NGINX_ONLY" -eq 1 ] || command -v sqlite3 >/dev/null ||
    die "the sqlite3 CLI is needed to pick ticket ids (Debian package sqlite3)"

make_dirs bench shm

# ---------------------------------------------------------------- ticketd
KEY="none"
TP=""
NP=""
CLIENT_ID=""
CATEGORY_ID=""
TEAMMATE_ID=""
TEAMMATE_OPEN=""
SEED_SECS=""
IDS_FILE="$WORK/ids.txt"
SEARCH_WORD=kiwi
SEARCH_VALUES="$WORK/search-values.txt"
FILTER_PATH=""
FILTER_USER_IDX=""
FILTER_TAG=""
FILTER_ROWS=""
SEARCH_PREFIX=""
SEARCH_HITS=""
SEARCH_ROWS=""
IDLE_RSS=""
IDLE_PARTS=""
MIX_JSON=""

if [ "$NGINX_ONLY" -eq 0 ]; then
    build_ticketd
    seed_or_reuse
    DB="$DATA/ticketd.db"
    NT=$(sqlite3 "$DB" 'SELECT count(*) FROM tickets')
    [ "$NT" -ge 1 ] || die "no tickets in $DB after seeding"
    [ -n "$DATA_DIR" ] || [ "$NT" -ge "$N" ] || log "WARNING: asked for $N tickets, $DB has $NT"
    sqlite3 "$DB" "SELECT uuid FROM tickets ORDER BY random() LIMIT $IDS" |
        tr 'A-F' 'a-f' >"$IDS_FILE"
    [ -s "$IDS_FILE" ] || die "could not read ticket ids from $DB"
    sqlite3 "$DB" 'SELECT uuid FROM users' >"$WORK/teammates.txt" || true

    free_port TP 18080 "${TICKETD_PORT:-}"
    BASE="http://127.0.0.1:$TP"
    start_ticketd ticketd ticketd "$TP" "/v2/agency/tickets/list?page=1&per_page=1" "$DATA"
    wait_word_index "$DB"
    # idle: started, one list page answered, nothing else yet
    IDLE_RSS=$(awk '/^VmRSS:/ { print $2 }' "/proc/${PIDS[ticketd]}/status")
    IDLE_PARTS=$(awk '/^Rss(Anon|File):/ { printf "%s%s %.1f MB", sep, $1, $2 / 1024; sep = ", " }' \
        "/proc/${PIDS[ticketd]}/status")

    # the teammate with the most open tickets: from the schema if it has the
    # columns we expect, else by asking the list endpoint for each teammate
    TEAMMATE_ID=$(sqlite3 "$DB" "SELECT u.uuid FROM tickets t JOIN users u ON u.id = t.user_id
        WHERE t.is_open = 1 AND t.deleted_at IS NULL GROUP BY t.user_id
        ORDER BY count(*) DESC LIMIT 1" 2>/dev/null | tr 'A-F' 'a-f' || true)
    if [ -n "$TEAMMATE_ID" ]; then
        out=$(api_ok GET "/v2/agency/tickets/list?page=1&per_page=1&closed=false&teammate_id=$TEAMMATE_ID")
        TEAMMATE_OPEN=$(grep -o '"total_results": *[0-9]*' <<<"$out" | head -n 1 | tr -dc 0-9)
    else
        best=-1
        while read -r tm; do
            [ -n "$tm" ] || continue
            out=$(api GET "/v2/agency/tickets/list?page=1&per_page=1&closed=false&teammate_id=$tm")
            [ "$(cat "$WORK/code")" = 200 ] || continue
            cnt=$(grep -o '"total_results": *[0-9]*' <<<"$out" | head -n 1 | tr -dc 0-9)
            if [ -n "$cnt" ] && [ "$cnt" -gt "$best" ]; then
                best=$cnt
                TEAMMATE_ID=$tm
            fi
        done < <(head -n 200 "$WORK/teammates.txt" | tr 'A-F' 'a-f')
        [ -n "$TEAMMATE_ID" ] || die "no teammate found for the list run (users table empty, or the list endpoint fails)"
        TEAMMATE_OPEN=$best
    fi
    [ "${TEAMMATE_OPEN:-0}" -gt 0 ] || log "WARNING: the list endpoint counts no open tickets for teammate $TEAMMATE_ID; the list run returns nothing"
    LIST_PATH="/v2/agency/tickets/list?page=1&per_page=50&closed=false&teammate_id=$TEAMMATE_ID"

    # a client and a category of our own for the create run
    out=$(api_ok POST /v2/agency/clients/create \
        "{\"name\":\"Bench Client\",\"email\":\"bench-$$-$RANDOM@example.com\"}")
    CLIENT_ID=$(json_uuid id "$out")
    out=$(api_ok POST /v2/agency/ticket-categories/create \
        '{"title":"Bench category","language":"en"}')
    CATEGORY_ID=$(json_uuid id "$out")
    if [ -z "$CLIENT_ID" ] || [ -z "$CATEGORY_ID" ]; then
        die "could not create the client/category for the create run"
    fi

    # one answer of each kind: checks that the endpoints work, and gives nginx
    # files of the same size
    api_ok GET "/v2/agency/tickets/retrieve/$(head -n 1 "$IDS_FILE")" >"$SHM/retrieve.json"
    api_ok GET "$LIST_PATH" >"$SHM/list.json"
    api_ok POST /v2/agency/tickets/create \
        "{\"client_id\":\"$CLIENT_ID\",\"title\":\"bench probe\",\"description\":\"probe\",\"category\":\"$CATEGORY_ID\"}" \
        >"$SHM/create.json"

    # ---- Zaia (/api/v1). JSON is read with the sqlite3 CLI's json functions.
    if [ "$NEED_ZAIA" -eq 1 ]; then
        jq_sql() { sqlite3 -separator ' ' :memory: "$1"; } # SQL over readfile('<file>')
        json_len() { jq_sql "SELECT json_array_length(readfile('$1'))" 2>/dev/null || echo 0; }
        api_ok GET "/api/v1/tickets/$(head -n 1 "$IDS_FILE")/details" >"$SHM/details.json"

        # The filtered list: one teammate and one tag with pending tickets. The seed
        # gives ticket i the teammate seed-<t>-(i % TEAMMATES)@example.com, tag-(i % 20)
        # and the state cycle new, open, inprogress, open, closed, so with 50
        # teammates teammate u and tag g share tickets when u = g (mod 10), pending
        # ones when u % 5 is 0, 1 or 3; teammate 0 with tag-0 has N/100. The pairs
        # are tried in that order (those the seed links first) until one answers a
        # non-empty page.
        api_ok GET "/api/v1/users?pageSize=100" >"$WORK/users.json"
        api_ok GET "/api/v1/tags?pageSize=100" >"$WORK/tags.json"
        FILTER_PATH=""
        FILTER_USER_IDX=""
        FILTER_TAG=""
        while read -r uid uidx gid gname; do
            p="/api/v1/tickets/details?status=pending&assigneeIds=$uid&tagIds=$gid&pageSize=10"
            api_ok GET "$p" >"$WORK/filter.json"
            if [ "$(json_len "$WORK/filter.json")" -gt 0 ]; then
                FILTER_PATH=$p
                FILTER_USER_IDX=$uidx
                FILTER_TAG=$gname
                break
            fi
        done < <(jq_sql "WITH u AS (SELECT json_extract(value, '\$.id') AS id,
                json_extract(value, '\$.email') AS email FROM json_each(readfile('$WORK/users.json'))),
            ui AS (SELECT id, CASE WHEN email GLOB 'seed-*-[0-9]*@example.com' THEN
                CAST(substr(replace(email, '@example.com', ''), instr(substr(email, 6), '-') + 6) AS INT)
                END AS idx FROM u),
            g AS (SELECT json_extract(value, '\$.id') AS id, json_extract(value, '\$.name') AS name
                FROM json_each(readfile('$WORK/tags.json'))),
            gi AS (SELECT id, name, CASE WHEN name GLOB 'tag-[0-9]*' THEN CAST(substr(name, 5) AS INT)
                END AS idx FROM g)
            SELECT lower(ui.id), coalesce(ui.idx, '?'), lower(gi.id), gi.name FROM ui, gi
            ORDER BY ui.idx IS NULL OR gi.idx IS NULL, (ui.idx - gi.idx) % 10 != 0,
                ui.idx % 5 NOT IN (0, 1, 3), ui.idx, gi.idx LIMIT 60")
        [ -n "$FILTER_PATH" ] ||
            die "no teammate/tag pair with pending tickets found for the Zaia filtered list (tried 60 pairs)"
        cp "$WORK/filter.json" "$SHM/details_filter.json"
        FILTER_ROWS=$(json_len "$SHM/details_filter.json")
        log "Zaia filtered list: teammate #$FILTER_USER_IDX and $FILTER_TAG ($FILTER_ROWS on the page)"

        # The search: kiwi000..kiwi999, one word per 1 in 1000 tickets. Every suffix is
        # asked once (one keep-alive curl); the run draws from those with ongoing
        # matches (with the seed's 5-state cycle, the suffixes = 2 mod 5).
        SEARCH_PREFIX="/api/v1/tickets/details?status=ongoing&pageSize=10&search=$SEARCH_WORD"
        for i in $(seq 0 999); do
            printf 'url = "http://127.0.0.1:%s%s%03d"\noutput = "/dev/null"\n' "$TP" "$SEARCH_PREFIX" "$i"
        done >"$WORK/search.curl"
        curl -s -K "$WORK/search.curl" -H "Authorization: Bearer $KEY" --max-time 300 \
            -w '%{http_code} %{size_download}\n' >"$WORK/search.sizes" ||
            die "curl failed while probing the search values"
        [ "$(wc -l <"$WORK/search.sizes")" -eq 1000 ] || die "search probe: expected 1000 answers"
        if grep -qv '^200 ' "$WORK/search.sizes"; then
            die "search probe: non-200 answers: $(grep -v '^200 ' "$WORK/search.sizes" | sort | uniq -c | head -n 3)"
        fi
        # "[]" is 2 bytes; any non-empty array is longer
        awk '$2 > 2 { printf "%03d\n", NR - 1 }' "$WORK/search.sizes" >"$SEARCH_VALUES"
        SEARCH_HITS=$(wc -l <"$SEARCH_VALUES" | tr -d ' ')
        [ "$SEARCH_HITS" -gt 0 ] || die "no $SEARCH_WORD<NNN> search has ongoing matches"
        log "Zaia search: $SEARCH_HITS of 1000 suffixes have ongoing matches ($(head -n 3 "$SEARCH_VALUES" | tr '\n' ' ')...)"
        # check a few explicitly, and keep one answer for nginx
        for v in $(head -n 1 "$SEARCH_VALUES") $(tail -n 1 "$SEARCH_VALUES") \
                 $(awk 'NR % 37 == 5' "$SEARCH_VALUES" | head -n 3); do
            api_ok GET "$SEARCH_PREFIX$v" >"$WORK/search.json"
            [ "$(json_len "$WORK/search.json")" -gt 0 ] || die "search $SEARCH_WORD$v: empty answer"
        done
        api_ok GET "$SEARCH_PREFIX$(head -n 1 "$SEARCH_VALUES")" >"$SHM/details_search.json"
        SEARCH_ROWS=$(json_len "$SHM/details_search.json")
    else # no Zaia row: nginx's Zaia files are placeholders nobody asks for
        for name in details details_filter details_search; do echo '[]' >"$SHM/$name.json"; done
        FILTER_PATH=/api/v1/tickets/details
        SEARCH_PREFIX="/api/v1/tickets/details?search=$SEARCH_WORD"
        echo 000 >"$SEARCH_VALUES"
    fi
else
    # no ticketd: synthetic answers of typical sizes, fake ids
    LIST_PATH="/v2/agency/tickets/list?page=1&per_page=50&closed=false&teammate_id=00000000-0000-4000-8000-000000000000"
    for f in retrieve:${RETRIEVE_BYTES:-700} list:${LIST_BYTES:-35000} create:${CREATE_BYTES:-700}; do
        name=${f%%:*}; size=${f#*:}
        { printf '{"status":200,"pad":"'; head -c $((size - 23)) /dev/zero | tr '\0' x; printf '"}'; } >"$SHM/$name.json"
    done
    for f in details:${DETAILS_BYTES:-1100} details_filter:${FILTER_BYTES:-10500} details_search:${SEARCH_BYTES:-10500}; do
        name=${f%%:*}; size=${f#*:}
        { printf '[{"pad":"'; head -c $((size - 12)) /dev/zero | tr '\0' x; printf '"}]'; } >"$SHM/$name.json"
    done
    for i in $(seq 1000); do printf '%08x-0000-4000-8000-%012x\n' "$i" "$i"; done >"$IDS_FILE"
    FILTER_PATH="/api/v1/tickets/details?status=pending&assigneeIds=00000000-0000-4000-8000-000000000003&tagIds=00000000-0000-4000-8000-000000000004&pageSize=10"
    SEARCH_PREFIX="/api/v1/tickets/details?status=ongoing&pageSize=10&search=$SEARCH_WORD"
    seq -f '%03g' 2 5 999 >"$SEARCH_VALUES"
    CLIENT_ID=00000000-0000-4000-8000-000000000001
    CATEGORY_ID=00000000-0000-4000-8000-000000000002
fi
chmod 644 "$SHM"/*.json
RETRIEVE_BYTES=$(size_of "$SHM/retrieve.json")
LIST_BYTES=$(size_of "$SHM/list.json")
CREATE_BYTES=$(size_of "$SHM/create.json")
DETAILS_BYTES=$(size_of "$SHM/details.json")
FILTER_BYTES=$(size_of "$SHM/details_filter.json")
SEARCH_BYTES=$(size_of "$SHM/details_search.json")

# ---------------------------------------------------------------- nginx
free_port NP 18090 "${NGINX_PORT:-}"
start_nginx nginx.conf.in "$NP"
nginx_check() { # path expected_file: nginx must answer 200 with that file
    local code
    code=$(curl -s -o "$WORK/nginx.answer" -w '%{http_code}' "http://127.0.0.1:$NP$1")
    [ "$code" = 200 ] || die "nginx answered $code for $1"
    [ -z "${2:-}" ] || cmp -s "$WORK/nginx.answer" "$SHM/$2" || die "nginx did not answer $2 for $1"
}
nginx_check "/v2/agency/tickets/retrieve/$(head -n 1 "$IDS_FILE")" retrieve.json
nginx_check "$LIST_PATH" list.json
nginx_check "/api/v1/tickets/$(head -n 1 "$IDS_FILE")/details" details.json
nginx_check "$FILTER_PATH" details_filter.json
nginx_check "$SEARCH_PREFIX$(head -n 1 "$SEARCH_VALUES")" details_search.json
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary '{}' \
    "http://127.0.0.1:$NP/v2/agency/tickets/create")
[ "$code" = 200 ] || die "nginx answered $code for POST create"

# ---------------------------------------------------------------- wrk
declare -A ERRS CPU

run_wrk() { # key server base_url script url_path [script args...]
    local key=$1 server=$2 base=$3 script=$4 path=$5
    shift 5
    local out="$WORK/wrk-$key-$server.txt"
    local cmd=(wrk -t"$THREADS" -c"${RUN_CONNS:-$CONNS}" --latency --timeout "$WRK_TIMEOUT"
               -H "Authorization: Bearer $KEY" -s "$BENCH_DIR/$script")
    wrk_warmup "${cmd[@]}" "$base$path" -- "$@"
    log "wrk $key -> $server ($DURATION)"
    local cpu0 cpu1
    cpu0=$(cpu_ticks "$server")
    "${cmd[@]}" -d "$DURATION" "$base$path" -- "$@" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed against $server ($key)"; }
    cpu1=$(cpu_ticks "$server")
    read_wrk "$out" "$key" "$server"
    [ "${WRK[requests]:-0}" -le 0 ] ||
        CPU[$key.$server]=$(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" -v n="${WRK[requests]}" \
            'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
    ERRS[$key.$server]=$WRK_ERRS
    note_errors "$key on $server"
    [ "$server" != ticketd ] || check_alive ticketd "$key run (log above)"
}

# list_lat: the list again with one connection per server thread, so its p99 is the time
# to answer rather than time spent queued behind 31 other connections on 2 cores.
LAT_CONNS=${LAT_CONNS:-$SERVER_THREADS}
declare -A LABEL=(
    [retrieve]="GET /v2/agency/tickets/retrieve/{id}"
    [list]="GET /v2/agency/tickets/list (per_page=50, open, 1 teammate)"
    [list_lat]="the same list, -c$LAT_CONNS (latency)"
    [details]="GET /api/v1/tickets/{id}/details"
    [filter]="GET /api/v1/tickets/details (pending, 1 assignee, 1 tag, pageSize=10)"
    [filter_lat]="the same filtered list, -c$LAT_CONNS (latency)"
    [search]="GET /api/v1/tickets/details (ongoing, search=$SEARCH_WORD<NNN>, pageSize=10)"
    [search_lat]="the same search, -c$LAT_CONNS (latency)"
    [create]="POST /v2/agency/tickets/create"
)
SERVERS=()
[ "$NGINX_ONLY" -eq 1 ] || SERVERS+=(ticketd)
SERVERS+=(nginx)
for key in "${ENDPOINTS[@]}"; do
    for server in "${SERVERS[@]}"; do
        if [ "$server" = ticketd ]; then base="http://127.0.0.1:$TP"; else base="http://127.0.0.1:$NP"; fi
        case $key in
            retrieve) run_wrk "$key" "$server" "$base" random.lua /v2/agency/tickets/retrieve/ "$IDS_FILE" ;;
            list) run_wrk "$key" "$server" "$base" list.lua "$LIST_PATH" ;;
            list_lat) RUN_CONNS=$LAT_CONNS run_wrk "$key" "$server" "$base" list.lua "$LIST_PATH" ;;
            details) run_wrk "$key" "$server" "$base" random.lua /api/v1/tickets/ "$IDS_FILE" /details ;;
            filter) run_wrk "$key" "$server" "$base" list.lua "$FILTER_PATH" ;;
            filter_lat) RUN_CONNS=$LAT_CONNS run_wrk "$key" "$server" "$base" list.lua "$FILTER_PATH" ;;
            search) run_wrk "$key" "$server" "$base" random.lua "$SEARCH_PREFIX" "$SEARCH_VALUES" ;;
            search_lat) RUN_CONNS=$LAT_CONNS run_wrk "$key" "$server" "$base" random.lua "$SEARCH_PREFIX" "$SEARCH_VALUES" ;;
            create) run_wrk "$key" "$server" "$base" create.lua /v2/agency/tickets/create "$CLIENT_ID" "$CATEGORY_ID" ;;
        esac
    done
done

# ---------------------------------------------------------------- mixed load, RSS
mb() { [ -n "${1:-}" ] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo "?"; }
# A fresh ticketd on the same data (so the wrk rows' caches do not count), a JPEG like
# bench/files.sh's (blurred noise, 1000x750), then bench/mixed.mjs.
if [ "$MIXED" -eq 1 ]; then
    stop ticketd
    start_ticketd ticketd ticketd "$TP" "/v2/agency/tickets/list?page=1&per_page=1" "$DATA"
    IMG="$WORK/img"
    mkdir -p "$IMG"
    for s in 1 2 3; do
        vips gaussnoise "$IMG/n$s.v" 1000 750 --mean 128 --sigma 40 --seed "$s"
    done
    vips bandjoin "$IMG/n1.v $IMG/n2.v $IMG/n3.v" "$IMG/n.v"
    vips gaussblur "$IMG/n.v" "$IMG/nb.v" 1.5
    vips cast "$IMG/nb.v" "$IMG/u.v" uchar
    vips copy "$IMG/u.v" "$IMG/srgb.v" --interpretation srgb
    vips jpegsave "$IMG/srgb.v" "$IMG/bench.jpg" --Q 80 --strip
    rm -f "$IMG"/*.v
    log "mixed load: $MIXED_REQUESTS requests, $MIXED_CLIENTS clients (JPEG $(size_of "$IMG/bench.jpg") B)"
    MIX_JSON=$(BASE="http://127.0.0.1:$TP" KEY="$KEY" PID="${PIDS[ticketd]}" \
        REQUESTS="$MIXED_REQUESTS" CLIENTS="$MIXED_CLIENTS" IDS_FILE="$IDS_FILE" \
        SEARCH_VALUES="$SEARCH_VALUES" LIST_PATH="$LIST_PATH" FILTER_PATH="$FILTER_PATH" \
        SEARCH_PREFIX="$SEARCH_PREFIX" CLIENT_ID="$CLIENT_ID" CATEGORY_ID="$CATEGORY_ID" \
        UPLOAD_FILE="$IMG/bench.jpg" node "$BENCH_DIR/mixed.mjs") || die "bench/mixed.mjs failed"
    log "mixed: $MIX_JSON"
    check_alive ticketd "mixed load"
    mix() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$MIX_JSON"; }
    ERRS[mixed.ticketd]=$(mix errors)
    UPLOAD_BYTES=$(size_of "$IMG/bench.jpg")
fi

# ---------------------------------------------------------------- report
describe_system

report() {
    local key
    if [ "$NGINX_ONLY" -eq 1 ]; then
        echo "- nginx only (no ticketd), $NOW"
    else
        echo "- N=$N tickets (seeded in ${SEED_SECS:-n/a} s), commit $COMMIT, $NOW"
    fi
    echo "- wrk -t$THREADS -c$CONNS -d$DURATION (warm-up $WARMUP), ticketd --threads $SERVER_THREADS, nginx 2 workers; $(nproc) cores${CPU_MODEL:+, $CPU_MODEL}"
    echo "- answer sizes (nginx serves the same): retrieve $RETRIEVE_BYTES B, list $LIST_BYTES B (${TEAMMATE_OPEN:-?} open tickets of the teammate), create $CREATE_BYTES B"
    [ "$NEED_ZAIA" -eq 0 ] || echo "- Zaia answer sizes: details $DETAILS_BYTES B, filtered list $FILTER_BYTES B (${FILTER_ROWS:-?} tickets; seed teammate #${FILTER_USER_IDX:-?}, ${FILTER_TAG:-?}), search $SEARCH_BYTES B (${SEARCH_ROWS:-?} tickets; ${SEARCH_HITS:-?} of 1000 $SEARCH_WORD<NNN> words have ongoing matches and are drawn at random)"
    echo
    echo "| endpoint | ticketd req/s | ticketd p99 | ticketd CPU/req | nginx req/s | nginx p99 | nginx CPU/req | ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for key in "${ENDPOINTS[@]}"; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$key]}" \
            "$(fmt_rps "${RPS[$key.ticketd]:-}")" "$(fmt_ms "${P99[$key.ticketd]:-}")" \
            "$(fmt_us "${CPU[$key.ticketd]:-}")" \
            "$(fmt_rps "${RPS[$key.nginx]:-}")" "$(fmt_ms "${P99[$key.nginx]:-}")" \
            "$(fmt_us "${CPU[$key.nginx]:-}")" \
            "$(ratio "${RPS[$key.ticketd]:-}" "${RPS[$key.nginx]:-}")"
    done
    echo
    echo "CPU/req: the server's user + system time over the measured run (/proc/PID/stat: every ticketd thread; nginx's workers) / requests answered; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    if [ "$NGINX_ONLY" -eq 0 ]; then
        local r l c zd zf zs note=""
        r=$(awk -v a="${RPS[retrieve.ticketd]:-0}" -v b="${RPS[retrieve.nginx]:-0}" 'BEGIN { print (b > 0 ? a / b : 0) }')
        zd=$(awk -v a="${RPS[details.ticketd]:-0}" -v b="${RPS[details.nginx]:-0}" 'BEGIN { print (b > 0 ? a / b : 0) }')
        zf=${P99[filter_lat.ticketd]:-}
        zs=${P99[search_lat.ticketd]:-}
        l=${P99[list_lat.ticketd]:-}
        c=${RPS[create.ticketd]:-}
        [ "$N" -ge 1000000 ] || note=" (the aim is for 1M tickets; this run has $N)"
        echo "aims:"
        want_row retrieve && echo "- retrieve >= 0.6x nginx: $(ge "$r" 0.6 && echo PASS || echo FAIL) ($(ratio "${RPS[retrieve.ticketd]}" "${RPS[retrieve.nginx]}"))"
        want_row list_lat && echo "- list p99 < 2 ms (at -c$LAT_CONNS): $(lt "$l" 2000 && echo PASS || echo FAIL) ($(fmt_ms "$l"))$note"
        want_row create && echo "- create >= 5000 req/s: $(ge "$c" 5000 && echo PASS || echo FAIL) ($(fmt_rps "$c") req/s)"
        want_row details && echo "- Zaia details >= 0.5x nginx: $(ge "$zd" 0.5 && echo PASS || echo FAIL) ($(ratio "${RPS[details.ticketd]}" "${RPS[details.nginx]}"))"
        want_row filter_lat && echo "- Zaia filtered list p99 < 3 ms (at -c$LAT_CONNS): $(lt "$zf" 3000 && echo PASS || echo FAIL) ($(fmt_ms "$zf"))$note"
        want_row search_lat && echo "- Zaia search p99 < 3 ms (at -c$LAT_CONNS): $(lt "$zs" 3000 && echo PASS || echo FAIL) ($(fmt_ms "$zs"))$note"
        echo "- RSS idle < 64 MB: $(lt "$IDLE_RSS" 65536 && echo PASS || echo FAIL) ($(mb "$IDLE_RSS") MB, VmRSS: $IDLE_PARTS; started, one list page answered)$note"
        if [ "$MIXED" -eq 1 ]; then
            local peak
            peak=$(mix rss_peak_kb)
            echo "- RSS during the mixed load < 128 MB: $(lt "$peak" 131072 && echo PASS || echo FAIL) (peak $(mb "$peak") MB; $(mix requests) requests from $(mix clients) clients in $(mix secs) s: 40 % retrieve, 24 % create, 15 % list, 10 % Zaia details, 5 % search, 5 % filtered list, 1 % upload of a $UPLOAD_BYTES B JPEG; $(mb "$(mix rss_end_kb)") MB at its end, $(mb "$(mix rss_idle_after_kb)") MB 2 s later; $(mix errors) non-2xx)"
        fi
    fi
    print_errors "non-2xx answers or socket errors"
}

REPORT=$(report)
echo
echo "$REPORT"

if [ "$RECORD" -eq 1 ]; then
    record_results "$NOW: N=$N, commit $COMMIT"
fi

# wrong answers from ticketd make the numbers meaningless: say so in the exit code
for key in "${ENDPOINTS[@]}" mixed; do
    if [ "${ERRS[$key.ticketd]:-0}" -gt 0 ]; then
        exit 3
    fi
done
exit 0
