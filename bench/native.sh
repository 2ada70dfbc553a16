#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap-called functions; literal backquotes
# bench/native.sh: the /ticketd/v1 ticket list at N tickets (issue 13 "Speed": a list of 50 at
# 1M tickets answers with p99 < 2 ms at -c2 with each filter; a cursor page 10,000 rows deep
# is as fast as page 1). Seeds N tickets with `ticketd seed`, gives a random sample of them a
# team, no assignee and (1 in 10) a rare tag through PATCH /ticketd/v1/tickets/{id}, then runs
# wrk -t1 -c2 on GET /ticketd/v1/tickets?limit=50&... for each list shape and prints req/s,
# p50 and p99 per shape. See bench/README.md.
#
# usage: bench/native.sh [--record] [N]
#   N          tickets to seed (default 1000000)
#   --record   also append the results to bench/RESULTS.md
# env: DURATION (10s) WARMUP (2s, 0 = none) CONNS (2) WRK_TIMEOUT (30s) SERVER_THREADS (2)
#      TEAMMATES (50) CLIENTS (N/100, at least 100) SAMPLE (min(N/10, 2000): the tickets
#      PATCHed) DEPTH (10000: rows before the deep cursor page, a multiple of 50)
#      TICKETD (build/ticketd) TICKETD_PORT (first free from 18080) DATA_DIR (keep the data
#      here; reused without seeding when it holds ticketd.db and bench.key, and without the
#      PATCHes when it also holds native.setup)
#      Q_OLD (0): a common q whose matches are old in updated order. On a store without
#      q_old.setup, Q_OLD tickets titled "zeppelin <n>" are created through POST
#      /ticketd/v1/tickets (wrk, bench/native-write.lua), then Q_OLD other tickets (random
#      seeded ones without a team) PATCHed to the team "Touched team", so the newest-updated
#      tickets do not match and the word's matches are all below them: the shape q_old
#      (q=zeppelin&sort=updated). DATA_DIR's q_old.setup records it and is reused; on a store
#      without it (Q_OLD=0) the shape is left out. q_common_updated (q=benchmark&sort=updated)
#      runs on every store. Every shape's CPU/req: the server's user + system time over its
#      run (/proc/PID/stat) / requests answered. ONLY ("q_old q_common_updated"): just these
#      shapes (the deep cursor's walk still runs).
#      DB_URL (serve this PostgreSQL store instead of DATA_DIR's ticketd.db: a copy of it made
#      with `ticketd copy`, DATA_DIR set; the filter values are still read from the SQLite file,
#      whose ids the copy kept)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR
LOG_NAME=native
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$BENCH_DIR/lib.sh"

usage() { sed -n '10,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

RECORD=0
N=1000000
while [ $# -gt 0 ]; do
    case "$1" in
        --record) RECORD=1 ;;
        -h|--help) usage; exit 0 ;;
        *[!0-9]*|'') echo "native.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
        *) N=$1 ;;
    esac
    shift
done
[ "$N" -ge 1 ] || { echo "native.sh: N must be >= 1" >&2; exit 2; }

PAGE=50
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-2}
THREADS=1
# long: a shape that sorts half the tickets should show its latency, not a count of timeouts
WRK_TIMEOUT=${WRK_TIMEOUT:-30s}
SERVER_THREADS=${SERVER_THREADS:-2}
TEAMMATES=${TEAMMATES:-50}
CLIENTS=${CLIENTS:-$(( N / 100 > 100 ? N / 100 : 100 ))}
SAMPLE=${SAMPLE:-$(( N / 10 < 2000 ? N / 10 : 2000 ))}
DEPTH=${DEPTH:-10000}
Q_OLD=${Q_OLD:-0}
TICKETD=${TICKETD:-$ROOT_DIR/build/ticketd}
DATA_DIR=${DATA_DIR:-}
DB_URL=${DB_URL:-}
ENGINE=SQLite
SERVE_DB=()
if [ -n "$DB_URL" ]; then
    [ -n "$DATA_DIR" ] && [ -f "$DATA_DIR/ticketd.db" ] ||
        die "DB_URL needs DATA_DIR holding the SQLite store it was copied from"
    ENGINE=PostgreSQL
    SERVE_DB=(--db "$DB_URL")
fi
if [ $((DEPTH % PAGE)) -ne 0 ] || [ "$DEPTH" -lt "$PAGE" ]; then die "DEPTH must be a multiple of $PAGE"; fi
[ "$SAMPLE" -ge 10 ] || die "SAMPLE must be at least 10 (N=$N gives $SAMPLE)"
AIM_US=2000     # issue 13: p99 < 2 ms
DEEP_MIN=0.9    # the deep page "as fast as page 1": at least this share of page 1's req/s

# ---------------------------------------------------------------- cleanup, tools
cleanup_on_exit
command -v wrk >/dev/null || apt_install wrk
command -v curl >/dev/null || die "curl is needed"
command -v sqlite3 >/dev/null || die "the sqlite3 CLI is needed (Debian package sqlite3)"
make_dirs native
build_ticketd

# JSON is read with the sqlite3 CLI's json functions over readfile(), as run.sh does.
jq_sql() { sqlite3 -separator ' ' :memory: "$1"; }
sql() { sqlite3 -separator ' ' "$DB" "$1"; }
rfc3339() { # ms -> 2026-01-01T00:00:00.000Z
    printf '%s.%03dZ' "$(date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%S)" $(($1 % 1000))
}
api_2xx() { # like lib.sh's api_ok, but any 2xx (a POST answers 201)
    local out
    out=$(api "$@")
    case "$(cat "$WORK/code")" in
        2??) printf '%s' "$out" ;;
        *) die "$1 $2 answered HTTP $(cat "$WORK/code"): $(head -c 500 <<<"$out")" ;;
    esac
}

# ---------------------------------------------------------------- data
seed_or_reuse
DB="$DATA/ticketd.db"
NT=$(sql 'SELECT count(*) FROM tickets WHERE deleted_at IS NULL')
[ "$NT" -ge 1 ] || die "no tickets in $DB"

free_port TP 18080 "${TICKETD_PORT:-}"
BASE="http://127.0.0.1:$TP"
start_ticketd ticketd ticketd "$TP" /ticketd/v1/openapi.json "$DATA" ${SERVE_DB[@]+"${SERVE_DB[@]}"}
api_ok GET /ticketd/v1/me >/dev/null

# ---------------------------------------------------------------- the sample's PATCHes
# SAMPLE random tickets get the team "Bench team" and no assignee (the seed assigns every
# ticket and sets no team); 1 in 10 of them also the tag "bench-rare" beside the tag the seed
# gave it (PATCH's tags is the whole set). One keep-alive curl sends them in a row.
SETUP="$DATA/native.setup"
TEAM_ID=""
RARE_ID=""
PATCHED=""
PATCH_SECS=""
if [ -f "$SETUP" ]; then
    while IFS='=' read -r k v; do
        case $k in
            TEAM_ID) TEAM_ID=$v ;;
            RARE_ID) RARE_ID=$v ;;
            PATCHED) PATCHED=$v ;;
            PATCH_SECS) PATCH_SECS=$v ;;
        esac
    done <"$SETUP"
    if [ -z "$TEAM_ID" ] || [ -z "$RARE_ID" ] || [ -z "$PATCHED" ]; then die "$SETUP is incomplete"; fi
    log "reusing the team and the sample of $PATCHED PATCHed tickets from $SETUP"
else
    out=$(api_2xx POST /ticketd/v1/teams '{"name":"Bench team","description":"bench/native.sh"}')
    TEAM_ID=$(json_uuid id "$out")
    out=$(api_2xx POST /ticketd/v1/tags \
        '{"name":"bench-rare","description":"bench/native.sh: 1 in 10 of the sample","color":"5"}')
    RARE_ID=$(json_uuid id "$out")
    if [ -z "$TEAM_ID" ] || [ -z "$RARE_ID" ]; then die "could not create the team and the tag"; fi
    # the sample first: the tags' subquery then runs for SAMPLE rows, not for all of them
    sql "WITH s AS (SELECT id, uuid FROM tickets WHERE deleted_at IS NULL ORDER BY random()
            LIMIT $SAMPLE)
         SELECT lower(s.uuid), coalesce((SELECT group_concat('\"' || lower(g.uuid) || '\"')
            FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = s.id), '')
         FROM s" \
        >"$WORK/sample.txt"
    i=0
    while read -r id tags; do
        body="{\"team\":\"$TEAM_ID\",\"assignee\":null"
        if [ $((i % 10)) -eq 0 ]; then
            body="$body,\"tags\":[${tags:+$tags,}\"$RARE_ID\"]"
        fi
        body="$body}"
        [ "$i" -eq 0 ] || echo next
        printf 'url = "%s/ticketd/v1/tickets/%s"\nrequest = "PATCH"\n' "$BASE" "$id"
        printf 'header = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' "$KEY"
        printf 'data = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "${body//\"/\\\"}"
        i=$((i + 1))
    done <"$WORK/sample.txt" >"$WORK/patch.curl"
    PATCHED=$i
    log "PATCHing $PATCHED tickets (team, no assignee; 1 in 10 the tag bench-rare)"
    t0=$(date +%s.%N)
    curl -s -K "$WORK/patch.curl" --max-time 1800 >"$WORK/patch.codes" ||
        die "curl failed during the PATCHes"
    t1=$(date +%s.%N)
    PATCH_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    [ "$(grep -c '^200$' "$WORK/patch.codes")" -eq "$PATCHED" ] ||
        die "PATCH: not all $PATCHED answered 200: $(sort "$WORK/patch.codes" | uniq -c | tr '\n' ' ')"
    log "PATCHed in $PATCH_SECS s"
    printf 'TEAM_ID=%s\nRARE_ID=%s\nPATCHED=%s\nPATCH_SECS=%s\n' \
        "$TEAM_ID" "$RARE_ID" "$PATCHED" "$PATCH_SECS" >"$SETUP"
fi
check_alive ticketd "PATCHes"

# ---------------------------------------------------------------- Q_OLD: a word's old matches
# Q_OLD new tickets with the word, then Q_OLD other tickets changed after them (see the header).
Q_OLD_WORD=zeppelin
QSETUP="$DATA/q_old.setup"
Q_OLD_MADE=""
Q_OLD_TOUCHED=""
if [ -f "$QSETUP" ]; then
    while IFS='=' read -r k v; do
        case $k in
            MADE) Q_OLD_MADE=$v ;;
            TOUCHED) Q_OLD_TOUCHED=$v ;;
        esac
    done <"$QSETUP"
    if [ -z "$Q_OLD_MADE" ] || [ -z "$Q_OLD_TOUCHED" ]; then die "$QSETUP is incomplete"; fi
    log "reusing $Q_OLD_MADE tickets with \"$Q_OLD_WORD\" under $Q_OLD_TOUCHED changed since ($QSETUP)"
elif [ "$Q_OLD" -gt 0 ]; then
    last_id=$(sql 'SELECT max(id) FROM tickets')
    q_client=$(sql "SELECT lower(uuid) FROM contacts ORDER BY id LIMIT 1")
    log "creating about $Q_OLD tickets titled \"$Q_OLD_WORD <n>\" (wrk -c8, bench/native-write.lua)"
    made=0
    while [ "$made" -lt "$Q_OLD" ]; do
        # the set-up's rate is unknown here: 10 s rounds until there are enough
        WRK_THREADS=2 wrk -t2 -c8 -d10s --timeout 30s -H "Authorization: Bearer $KEY" \
            -s "$BENCH_DIR/native-write.lua" "$BASE" -- create "$q_client" "$Q_OLD_WORD" \
            >"$WORK/q-old-create.txt" 2>&1 || { cat "$WORK/q-old-create.txt" >&2; die "wrk (create) failed"; }
        made=$(sql "SELECT count(*) FROM tickets WHERE id > $last_id")
        log "  $made made"
    done
    out=$(api_2xx POST /ticketd/v1/teams '{"name":"Touched team","description":"bench/native.sh Q_OLD"}')
    touched_team=$(json_uuid id "$out")
    [ -n "$touched_team" ] || die "could not create the team Touched team"
    sql "SELECT lower(uuid) FROM tickets WHERE id <= $last_id AND team_id IS NULL AND
         deleted_at IS NULL ORDER BY random() LIMIT $Q_OLD" >"$WORK/q-old-ids.txt"
    sort -o "$WORK/q-old-ids.txt" "$WORK/q-old-ids.txt"
    cp "$WORK/q-old-ids.txt" "$WORK/q-old-left.txt"
    team_row=$(sql "SELECT id FROM teams WHERE lower(uuid) = '$touched_team'")
    log "PATCHing $Q_OLD other tickets (team Touched team; wrk -c8)"
    # wrk runs for its whole duration even when its threads stop: 10 s rounds over the ids
    # not changed yet, until none is left
    for round in $(seq 60); do
        WRK_THREADS=2 wrk -t2 -c8 -d10s --timeout 30s -H "Authorization: Bearer $KEY" \
            -s "$BENCH_DIR/native-write.lua" "$BASE" -- patch "$WORK/q-old-left.txt" "$touched_team" \
            >"$WORK/q-old-patch.txt" 2>&1 || { cat "$WORK/q-old-patch.txt" >&2; die "wrk (patch) failed"; }
        sql "SELECT lower(uuid) FROM tickets WHERE team_id = $team_row" | sort |
            comm -23 "$WORK/q-old-ids.txt" - >"$WORK/q-old-left.txt"
        left=$(wc -l <"$WORK/q-old-left.txt" | tr -d ' ')
        log "  round $round: $left left"
        [ "$left" -gt 0 ] || break
    done
    Q_OLD_TOUCHED=$(sql "SELECT count(*) FROM tickets WHERE team_id = $team_row")
    [ "$Q_OLD_TOUCHED" -ge "$Q_OLD" ] || die "PATCH: $Q_OLD_TOUCHED of $Q_OLD tickets changed"
    Q_OLD_MADE=$made
    printf 'MADE=%s\nTOUCHED=%s\n' "$Q_OLD_MADE" "$Q_OLD_TOUCHED" >"$QSETUP"
fi
check_alive ticketd "Q_OLD set-up"

# ---------------------------------------------------------------- the word index merged
# Not on PostgreSQL (GIN keeps its own index).
[ -n "${DB_URL:-}" ] || wait_word_index "$DB"

# ---------------------------------------------------------------- the filter values
# From the store with the sqlite3 CLI; every shape is then asked through the API once, below.
TEAMMATE_ID=$(sql "SELECT lower(u.uuid) FROM users u WHERE u.id = (SELECT user_id FROM tickets
    WHERE deleted_at IS NULL AND user_id IS NOT NULL GROUP BY user_id ORDER BY count(*) DESC
    LIMIT 1)")
CLIENT_ID=$(sql "SELECT lower(c.uuid) FROM contacts c WHERE c.id = (SELECT contact_id FROM
    tickets WHERE deleted_at IS NULL GROUP BY contact_id ORDER BY count(*) DESC LIMIT 1)")
CATEGORY_ID=$(sql "SELECT lower(uuid) FROM categories WHERE title = 'Billing' LIMIT 1")
TAG_ID=$(sql "SELECT lower(uuid) FROM tags WHERE name = 'tag-3' LIMIT 1")
MID_MS=$(sql "SELECT created_at FROM tickets WHERE deleted_at IS NULL ORDER BY created_at
    LIMIT 1 OFFSET $((NT / 2))")
for v in TEAMMATE_ID CLIENT_ID CATEGORY_ID TAG_ID MID_MS; do
    [ -n "${!v}" ] || die "could not read $v from $DB (did the seed change?)"
done
MID=$(rfc3339 "$MID_MS")
Q_COMMON=benchmark  # every seeded ticket's message: "Seeded by ticketd seed for the benchmark."
Q_RARE=kiwi123      # the seed's 1 in 1000 word

# ---------------------------------------------------------------- the shapes
L="/ticketd/v1/tickets?limit=$PAGE"
# Measured in this order: the shapes that walk or sort many rows last, so that requests
# still running when wrk stops do not weigh on the shapes after them.
SHAPES=(page1 deep open new_open assignee none team tag category client created_after
        created_before oldest updated rare_tag q_rare q_common q_common_updated updated_after)
[ -z "$Q_OLD_MADE" ] || SHAPES+=(q_old)
if [ -n "${ONLY:-}" ]; then # a subset, e.g. for A/B runs of two binaries
    picked=()
    for key in "${SHAPES[@]}"; do
        case " $ONLY " in *" $key "*) picked+=("$key") ;; esac
    done
    [ ${#picked[@]} -gt 0 ] || die "ONLY=$ONLY names none of the shapes: ${SHAPES[*]}"
    SHAPES=("${picked[@]}")
fi
declare -A QUERY=(
    [page1]=""
    [open]="&state=open"
    [new_open]="&state=new,open"
    [assignee]="&assignee=$TEAMMATE_ID"
    [none]="&assignee=none"
    [team]="&team=$TEAM_ID"
    [tag]="&tag=$TAG_ID"
    [rare_tag]="&tag=$RARE_ID"
    [category]="&category=$CATEGORY_ID"
    [client]="&client=$CLIENT_ID"
    [q_common]="&q=$Q_COMMON"
    [q_rare]="&q=$Q_RARE"
    [q_common_updated]="&q=$Q_COMMON&sort=updated"
    [q_old]="&q=$Q_OLD_WORD&sort=updated"
    [created_after]="&created_after=$MID"
    [created_before]="&created_before=$MID"
    [updated_after]="&updated_after=$MID"
    [oldest]="&sort=oldest"
    [updated]="&sort=updated"
    [deep]=""   # the cursor, below
)
declare -A LABEL=(
    [page1]="no filter (page 1)"
    [open]="state=open"
    [new_open]="state=new,open"
    [assignee]="assignee=<a teammate>"
    [none]="assignee=none"
    [team]="team=<Bench team>"
    [tag]="tag=<tag-3>"
    [rare_tag]="tag=<bench-rare>"
    [category]="category=<Billing>"
    [client]="client=<the client with most tickets>"
    [q_common]="q=$Q_COMMON (every ticket)"
    [q_rare]="q=$Q_RARE (1 in 1000)"
    [q_common_updated]="q=$Q_COMMON&sort=updated"
    [q_old]="q=$Q_OLD_WORD&sort=updated (${Q_OLD_MADE:-0} matches under ${Q_OLD_TOUCHED:-0} changed since)"
    [created_after]="created_after=<the middle ticket's>"
    [created_before]="created_before=<the middle ticket's>"
    [updated_after]="updated_after=<the middle ticket's>"
    [oldest]="sort=oldest"
    [updated]="sort=updated"
    [deep]="cursor $DEPTH rows deep (no filter)"
)

# The deep cursor: DEPTH / PAGE pages walked with curl; the ids seen must be DEPTH distinct
# ones (a duplicate or a gap would be a bug of the cursor, not a figure).
log "walking $((DEPTH / PAGE)) pages of $PAGE for the cursor $DEPTH rows deep"
cursor=""
: >"$WORK/walk.ids"
for _ in $(seq $((DEPTH / PAGE))); do
    api_ok GET "$L${cursor:+&cursor=$cursor}" >"$WORK/walk.json"
    jq_sql "SELECT json_extract(value, '\$.id') FROM json_each(readfile('$WORK/walk.json'), '\$.data')" \
        >>"$WORK/walk.ids"
    cursor=$(jq_sql "SELECT coalesce(json_extract(readfile('$WORK/walk.json'), '\$.next_cursor'), '')")
    [ -n "$cursor" ] || die "the walk ended before $DEPTH rows (N=$NT)"
done
seen=$(wc -l <"$WORK/walk.ids" | tr -d ' ')
distinct=$(sort -u "$WORK/walk.ids" | wc -l | tr -d ' ')
if [ "$seen" -ne "$DEPTH" ] || [ "$distinct" -ne "$DEPTH" ]; then
    die "the cursor walk saw $seen rows, $distinct distinct; expected $DEPTH"
fi
QUERY[deep]="&cursor=$cursor"

# Each shape once through the API: HTTP 200, the rows on the page, the answer's size.
declare -A ROWS BYTES
for key in "${SHAPES[@]}"; do
    api_ok GET "$L${QUERY[$key]}" >"$WORK/probe.json"
    ROWS[$key]=$(jq_sql "SELECT json_array_length(readfile('$WORK/probe.json'), '\$.data')")
    BYTES[$key]=$(size_of "$WORK/probe.json")
    [ "${ROWS[$key]}" -gt 0 ] || log "WARNING: ${LABEL[$key]} answers no rows; its row measures an empty page"
    if [ "$key" = deep ]; then # it starts where the walk left off
        first=$(jq_sql "SELECT json_extract(readfile('$WORK/probe.json'), '\$.data[0].id')")
        if grep -qx "$first" "$WORK/walk.ids"; then die "the deep page repeats a row of the walk ($first)"; fi
    fi
done

# ---------------------------------------------------------------- wrk
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
WRK_CMD=(wrk -t"$THREADS" -c"$CONNS" --latency --timeout "$WRK_TIMEOUT"
         -H "Authorization: Bearer $KEY" -s "$BENCH_DIR/list.lua")
# ticketd's CPU time so far (user + system, every thread) in clock ticks (/proc/PID/stat)
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/${PIDS[ticketd]}/stat"; }
declare -A P50 ERRS CPU
for key in "${SHAPES[@]}"; do
    url="$BASE$L${QUERY[$key]}"
    out="$WORK/wrk-$key.txt"
    wrk_warmup "${WRK_CMD[@]}" "$url"
    log "wrk $key ($DURATION)"
    cpu0=$(cpu_ticks)
    "${WRK_CMD[@]}" -d "$DURATION" "$url" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed ($key)"; }
    cpu1=$(cpu_ticks)
    read_wrk "$out" "$key" ticketd
    CPU[$key]=$(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" -v n="${WRK[requests]}" \
        'BEGIN { if (n > 0) printf "%.2f ms", t * 1000 / hz / n; else print "-" }')
    P50[$key]=${WRK[p50_us]}
    ERRS[$key]=$WRK_ERRS
    note_errors "$key"
    check_alive ticketd "$key run"
done

# ---------------------------------------------------------------- report
describe_system
LOGGED=$(grep -v '^[^ ]* info ' "$WORK/ticketd.log" || true)

report() {
    local key p99 m met=0 all=0 dr dp
    echo "- N=$NT tickets (seeded in ${SEED_SECS:-n/a} s), commit $COMMIT, $NOW"
    echo "- wrk -t$THREADS -c$CONNS -d$DURATION --latency --timeout $WRK_TIMEOUT (warm-up $WARMUP) on GET $L&...; ticketd --threads $SERVER_THREADS, $ENGINE; $(nproc) cores${CPU_MODEL:+, $CPU_MODEL}"
    echo "- the data (\`ticketd seed\`): tickets one second apart; ticket i has teammate i % $TEAMMATES, client (i x 7919) % $CLIENTS, category i % 4 (Billing, Technical, Account, Other), tag-(i % 20) (one tag each), state new/open/inprogress/open/closed by i % 5, the words \"$Q_COMMON\" and kiwi<i % 1000> in its message; then $PATCHED random tickets PATCHed through the API (${PATCH_SECS:-n/a} s) with the team \"Bench team\" and no assignee, 1 in 10 of them also the tag bench-rare ($((PATCHED / 10 + (PATCHED % 10 > 0))) tickets); every other ticket has no team"
    echo "- the middle ticket's time: $MID; the deep cursor: $((DEPTH / PAGE)) pages of $PAGE walked with curl, $DEPTH distinct ids"
    echo
    echo "- load average before the runs: $LOADAVG; CPU/req: ticketd's user + system time over the shape's run / its requests"
    echo
    echo "| list shape (limit=$PAGE) | rows | bytes | req/s | CPU/req | p50 | p99 | p99 < 2 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    for key in "${SHAPES[@]}"; do
        p99=${P99[$key.ticketd]:-}
        all=$((all + 1))
        if [ -n "$p99" ] && lt "$p99" "$AIM_US" && [ "${ERRS[$key]:-1}" -eq 0 ]; then
            met=$((met + 1)); m=met
        else
            m="**not met**"
        fi
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$key]}" "${ROWS[$key]}" \
            "${BYTES[$key]}" "$(fmt_rps "${RPS[$key.ticketd]:-}")" "${CPU[$key]:--}" \
            "$(fmt_ms "${P50[$key]:-}")" "$(fmt_ms "$p99")" "$m"
    done
    echo
    echo "aims (issue 13):"
    echo "- list of $PAGE, p99 < 2 ms at -c$CONNS: met by $met of $all shapes$([ "$NT" -ge 1000000 ] || echo " (the aim is for 1M tickets; this run has $NT)")"
    if [ -n "${RPS[deep.ticketd]:-}" ] && [ -n "${RPS[page1.ticketd]:-}" ]; then # not with ONLY
        dr=$(awk -v a="${RPS[deep.ticketd]}" -v b="${RPS[page1.ticketd]}" 'BEGIN { print (b > 0 ? a / b : 0) }')
        dp=$(ratio "${P99[deep.ticketd]}" "${P99[page1.ticketd]}")
        echo "- cursor page $DEPTH rows deep as fast as page 1 (req/s at least ${DEEP_MIN}x): $(ge "$dr" "$DEEP_MIN" && echo met || echo '**not met**') ($(ratio "${RPS[deep.ticketd]}" "${RPS[page1.ticketd]}") of page 1's req/s; p99 $dp of page 1's)"
    fi
    print_errors "non-2xx answers or socket errors"
    print_logged ticketd " beyond info" 20 "$LOGGED"
}

REPORT=$(report)
echo
echo "$REPORT"

if [ "$RECORD" -eq 1 ]; then
    record_results "$NOW: /ticketd/v1 list ($ENGINE), N=$NT, commit $COMMIT" \
        "$(env_cmdline "bench/native.sh --record $N" DURATION WARMUP CONNS WRK_TIMEOUT \
            SERVER_THREADS TEAMMATES CLIENTS SAMPLE DEPTH DATA_DIR DB_URL Q_OLD ONLY TICKETD)"
fi

for key in "${SHAPES[@]}"; do
    [ "${ERRS[$key]:-0}" -eq 0 ] || exit 3
done
exit 0
