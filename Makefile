# ticketd build. `make test` and `make run` work on a fresh Debian 12 machine: both install
# missing packages first (scripts/deps.sh). WERROR=1 (CI) turns warnings into errors.
PKGS    := libmicrohttpd jansson sqlite3 libcrypto vips libwebp libargon2 libzip cairo libcurl fontconfig libpq
CC      ?= cc
CSTD    := -std=c17 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
           -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARN    += -Werror
endif
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  ?= -O2 -g
ALLCFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Isrc -Ibuild/gen $(PKGCFLAGS) -pthread
LDLIBS  = $(PKGLIBS) -pthread -lm

SAN     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRCS    := $(filter-out src/main.c,$(wildcard src/*/*.c))
SCHEMA  := $(sort $(wildcard src/store/schema/*.sql))
SCHEMA_PG := $(sort $(wildcard src/store/schema/pg/*.sql))
# Files compiled into the binary (util/embed.h), served from memory.
EMBED   := docs/openapi/ticketd-v1.json docs/openapi/tamio.json docs/openapi/zaia.json \
           docs/openapi/apizee.json
GEN     := build/gen/schema_sql.c
GENSRC  := $(GEN) build/gen/embed.c
OBJS    := $(patsubst src/%.c,build/obj/%.o,$(SRCS)) $(patsubst build/%.c,build/obj/%.o,$(GENSRC))
AOBJS   := $(patsubst src/%.c,build/asan/obj/%.o,$(SRCS)) $(patsubst build/%.c,build/asan/obj/%.o,$(GENSRC))
UNITSRC := $(sort $(wildcard tests/unit/*/*.c))
UNITS   := $(patsubst tests/unit/%.c,build/unit/%,$(UNITSRC))
AUNITS  := $(patsubst tests/unit/%.c,build/asan/unit/%,$(UNITSRC))

.PHONY: all build asan deps test test-unit test-api test-asan test-pg run bench clean layers format \
        fuzz test-fuzz-replay test-browser
all: build
build: build/ticketd
asan: build/asan/ticketd

# The API tests' Node packages (an SMTP sink, a MIME parser): `npm ci` from the committed lock
# whenever node_modules is missing or older than package.json / package-lock.json.
NODE_DEPS := node_modules/.package-lock.json
$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory $(NODE_DEPS)

# The directories too: deleting or renaming a migration changes no listed file, only them.
$(GEN): $(SCHEMA) $(SCHEMA_PG) src/store/schema src/store/schema/pg scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	{ scripts/embed-sql.sh schema_sqlite $(SCHEMA); scripts/embed-sql.sh schema_pg $(SCHEMA_PG); } > $@

# The agent console (docs/CONSOLE.md): console/ and the vendor modules -> build/console/ (hashed
# names, .gz twins, the size budget); its files.txt lists what is embedded beside EMBED.
CONSOLE := $(shell find console -type f 2>/dev/null)
build/console/files.txt: $(CONSOLE) scripts/build-console.sh scripts/build-console.mjs $(NODE_DEPS)
	scripts/build-console.sh

build/gen/embed.c: $(EMBED) build/console/files.txt scripts/embed-files.sh
	@mkdir -p $(dir $@)
	scripts/embed-files.sh $(EMBED) $$(cat build/console/files.txt) > $@

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@
build/asan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $(SAN) -c $< -o $@

build/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@
build/asan/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $(SAN) -c $< -o $@

build/ticketd: $(OBJS) build/obj/main.o
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS)
build/asan/ticketd: $(AOBJS) build/asan/obj/main.o
	$(CC) $(ALLCFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

build/unit/%: tests/unit/%.c $(OBJS) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -Itests/unit -o $@ $< $(OBJS) $(LDLIBS) -lcmocka
build/asan/unit/%: tests/unit/%.c $(AOBJS) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $(SAN) -Itests/unit -o $@ $< $(AOBJS) $(LDLIBS) -lcmocka

# The whole suite: layering check, unit, API and browser tests on the release build, then the same
# suites on the ASan+UBSan build, then PostgreSQL: the schema against SQLite's, the API suite on
# one node (ASan+UBSan build) and on two nodes behind haproxy (release build).
test: deps
	$(MAKE) layers
	$(MAKE) build $(UNITS)
	$(MAKE) test-unit test-api
	$(MAKE) test-browser
	$(MAKE) test-asan
	$(MAKE) test-fuzz-replay
	$(MAKE) test-pg

test-unit: $(UNITS)
	@scripts/run-units.sh $(UNITS)

test-api: build/ticketd $(NODE_DEPS)
	TICKETD_BIN=build/ticketd node --test --test-reporter=spec tests/api/

# The console in Chromium (Debian's, driven by playwright-core; tests/browser/): a failing test
# saves a screenshot under build/browser-failures/.
test-browser: build/ticketd $(NODE_DEPS)
	TICKETD_BIN=build/ticketd node --test --test-reporter=spec tests/browser/

test-asan: build/asan/ticketd $(AUNITS) $(NODE_DEPS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 scripts/run-units.sh $(AUNITS)
	ASAN_OPTIONS=detect_leaks=1 TICKETD_BIN=build/asan/ticketd node --test --test-reporter=spec tests/api/

test-pg: build/ticketd build/asan/ticketd $(NODE_DEPS)
	scripts/check-pg-schema.sh
	ASAN_OPTIONS=detect_leaks=1 TICKETD_BIN=build/asan/ticketd scripts/test-pg.sh
	TICKETD_BIN=build/ticketd scripts/test-pg.sh --nodes 2

layers:
	@scripts/check-layers.sh

# Fuzzing (docs/FUZZING.md): one libFuzzer harness per parser of client bytes, tests/fuzz/*.c,
# built with clang over the sources compiled for it; `make fuzz` runs each FUZZ_SECONDS over a
# scratch copy of its committed corpus. test-fuzz-replay runs every corpus file through each
# harness on the ASan+UBSan build (tests/fuzz/replay.c), like SQLite's fuzzcheck.
FUZZCC    := clang
FUZZ_SECONDS ?= 60
FUZZSAN   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZCFLAGS = $(CSTD) $(WARN) -Wno-format-nonliteral -Wno-string-concatenation -Isrc -Ibuild/gen \
             -Itests/fuzz $(PKGCFLAGS) -pthread $(FUZZSAN)
FUZZSUP   := tests/fuzz/fuzz.c
FUZZSRC   := $(filter-out tests/fuzz/replay.c $(FUZZSUP),$(wildcard tests/fuzz/*.c))
FUZZERS   := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZSRC))
REPLAYS   := $(patsubst tests/fuzz/%.c,build/asan/fuzz/%,$(FUZZSRC))
FOBJS     := $(patsubst src/%.c,build/fuzz/obj/%.o,$(SRCS)) $(patsubst build/%.c,build/fuzz/obj/%.o,$(GENSRC))

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build/fuzz/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZCFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build/fuzz/%: tests/fuzz/%.c $(FUZZSUP) tests/fuzz/fuzz.h $(FOBJS)
	$(FUZZCC) $(FUZZCFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZSUP) $(FOBJS) $(LDLIBS)
build/asan/fuzz/%: tests/fuzz/%.c $(FUZZSUP) tests/fuzz/fuzz.h tests/fuzz/replay.c $(AOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $(SAN) -Itests/fuzz -o $@ $< $(FUZZSUP) tests/fuzz/replay.c $(AOBJS) $(LDLIBS)

test-fuzz-replay: $(REPLAYS)
	@for h in $(REPLAYS); do ASAN_OPTIONS=detect_leaks=1 $$h tests/fuzz/corpus/$${h##*/} || exit 1; done

fuzz: $(FUZZERS)
	@for h in $(FUZZERS); do n=$${h##*/}; rm -rf build/fuzz/run/$$n; mkdir -p build/fuzz/run/$$n; \
	  cp tests/fuzz/corpus/$$n/* build/fuzz/run/$$n/ 2>/dev/null; \
	  $$h -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -artifact_prefix=build/fuzz/$$n- \
	    build/fuzz/run/$$n || exit 1; \
	  $$h -merge=1 tests/fuzz/corpus/$$n build/fuzz/run/$$n 2>&1 | tail -1; done

run: deps build
	@scripts/run.sh

bench: deps build
	bench/run.sh

format:
	clang-format -i src/*/*.c src/*/*.h src/*.c tests/unit/*/*.c tests/unit/*.h

clean:
	rm -rf build
