#!/usr/bin/env bash
# Checks that dependencies point down (server -> api -> core -> store|blob|doc|net -> util) and
# that only the allowed modules include the third-party headers (../shared/STYLE.md "Boundaries").
set -u
cd "$(dirname "$0")/.."
bad=0
fail() { echo "layers: $*"; bad=1; }
# inc FILES PATTERN: the files that include PATTERN; a leading '"' in PATTERN (a quoted
# include of ours) is already covered by [<"], so it is dropped (it made those rules never match).
inc() { grep -lE "#include [<\"]${2#\"}" $1 2>/dev/null; }
for f in $(inc "src/core/*.[ch] src/store/*.[ch] src/util/*.[ch]" 'microhttpd.h'); do fail "$f includes microhttpd.h"; done
for f in $(inc "src/api/*.[ch] src/core/*.[ch] src/store/*.[ch]" '(microhttpd.h)'); do fail "$f includes microhttpd.h"; done
for f in $(inc "src/core/*.[ch] src/store/*.[ch] src/server/*.[ch]" 'jansson.h'); do fail "$f includes jansson.h"; done
for f in $(grep -lE '#include [<"](sqlite3|libpq-fe)\.h' src/*/*.[ch] src/*.c 2>/dev/null); do
  case "$f" in src/store/db_sqlite.c|src/store/db_pg.c) ;; *) fail "$f includes a database header";; esac
done
for f in $(inc "src/core/*.[ch] src/store/*.[ch] src/util/*.[ch]" '"(server|api)/'); do fail "$f includes server/ or api/"; done
for f in $(inc "src/store/*.[ch] src/util/*.[ch]" '"core/'); do fail "$f includes core/"; done
for f in $(inc "src/util/*.[ch]" '"(store|blob)/'); do fail "$f includes store/ or blob/"; done
for f in $(inc "src/blob/*.[ch]" '"(server|api|core|store)/'); do fail "$f includes a layer above blob/"; done
for f in $(inc "src/store/*.[ch]" '"blob/'); do fail "$f includes blob/ (core/ joins rows and files)"; done
for f in $(inc "src/api/*.[ch] src/server/*.[ch]" '"blob/'); do fail "$f includes blob/ (files go through core/asset.h)"; done
for f in $(grep -lE '#include [<"]vips/' src/*/*.[ch] src/*.c 2>/dev/null); do
  [ "$f" = src/blob/image.c ] || fail "$f includes vips (only src/blob/image.c may)"
done
for f in $(inc "src/doc/*.[ch]" '"(server|api|core|store|blob)/'); do fail "$f includes a layer above doc/"; done
for f in $(inc "src/store/*.[ch] src/blob/*.[ch] src/util/*.[ch] src/api/*.[ch] src/server/*.[ch]" '"doc/'); do
  fail "$f includes doc/ (documents are made in core/)"
done
for f in $(grep -lE '#include [<"](zip|cairo|cairo-pdf|fontconfig/fontconfig)\.h' src/*/*.[ch] src/*.c 2>/dev/null); do
  case "$f" in src/doc/zip.c|src/doc/pdf.c) ;; *) fail "$f includes libzip, cairo or fontconfig (only src/doc/ may)";; esac
done
for f in $(inc "src/api/*.[ch]" '"(server|store)/'); do fail "$f includes server/ or store/"; done
# api/: the dispatcher (api.c, api.h) calls down into the dialects, and they into the helpers of
# call.c; the helpers reach a dialect only through the api_dialect the dispatcher put in the call.
for f in $(inc "src/api/call.[ch] src/api/request.h" '"api/(api|dialects)\.h'); do
  fail "$f includes the dispatcher's api.h or dialects.h (helpers must not call back up)"
done
for f in $(inc "src/api/tamio.c src/api/zaia.c src/api/apizee.c src/api/files.c src/api/ops.c src/api/app.c" '"api/api\.h'); do
  fail "$f includes the dispatcher's api.h (a dialect uses api/call.h)"
done
# net/ (outbound email and SMS) sits on util/ only; core/ is the only layer that calls it.
for f in $(grep -lE '#include [<"]curl/' src/*/*.[ch] src/*.c 2>/dev/null); do
  case "$f" in src/net/*) ;; *) fail "$f includes curl (only src/net/ may)";; esac
done
for f in $(inc "src/net/*.[ch]" '"(server|api|core|store|blob)/'); do fail "$f includes a layer above net/"; done
for f in $(inc "src/store/*.[ch] src/blob/*.[ch] src/util/*.[ch]" '"net/'); do fail "$f includes net/"; done
for f in $(inc "src/api/*.[ch] src/server/*.[ch]" '"net/'); do fail "$f includes net/ (delivery goes through core/notify.h)"; done
# A core/ header hands its includes to every api/ file: it may name store/'s types (store/rows.h)
# but not store/'s functions, so api/ cannot reach past core/ into the store.
for f in $(grep -lE '#include [<"]store/' src/core/*.h 2>/dev/null); do
  grep -E '#include [<"]store/' "$f" | grep -qvE '#include [<"]store/rows\.h[">]' &&
    fail "$f includes a store/ header other than store/rows.h (core/ headers must not re-export store/)"
done
# The heap is asked through util/xalloc.h (never NULL, aborts with file:line); only the bare libc
# names are matched, so library wrappers (sqlite3_malloc, xmalloc) pass.
raw=$(grep -nE '\b(malloc|calloc|realloc|strdup|strndup)\s*\(' src/*/*.[ch] src/*.c 2>/dev/null | grep -v '^src/util/')
[ -n "$raw" ] && fail "raw allocation outside src/util/ (use util/xalloc.h):
$raw"
banned=$(grep -nE '\b(strcpy|strcat|sprintf|atoi|atol|strtok|gets)\s*\(' src/*/*.[ch] src/*.c 2>/dev/null)
[ -n "$banned" ] && fail "banned calls:
$banned"
[ $bad -eq 0 ] && echo "layers: ok"
exit $bad
