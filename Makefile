# kcert - GNU make build.
#
#   make            build build/kcert (installs missing Debian packages first)
#   make run        initialise var/kcert.db (municipalities loaded) and serve on 127.0.0.1:8080
#   make test       every test: unit (also under ASan+UBSan), end-to-end, clang build, fuzz
#   make bench      build the benchmarks under bench/ and run them
#
# Out-of-tree variants share this file: O= output directory, SAN=1 adds
# ASan+UBSan, FUZZ=1 builds libFuzzer harnesses (with CC=clang).

O ?= build
CC ?= cc
OPT ?= -O2
SAN ?=
FUZZ ?=
DEPS ?= scripts/deps.sh
KCERT_DB ?= var/kcert.db
VERSION := 0.1.0

PKGS := sqlite3 libpq jansson libsodium libidn2 libmicrohttpd gmime-3.0 libcurl \
	openssl libunbound libcmark cairo zlib
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Wno-format-nonliteral
# gcc warns that messages may be cut at their buffer size; that is intended.
WARN += $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
CFLAGS_ALL = -std=c17 $(OPT) -g $(WARN) $(SANFLAGS) $(CFLAGS)
CPPFLAGS_ALL = -D_GNU_SOURCE -DKCERT_VERSION=\"$(VERSION)\" -Isrc -I$(O)/gen -MMD -MP $(CPPFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)

ifeq ($(SAN),1)
SANFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(FUZZ),1)
SANFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

LIB_SRC := $(filter-out src/main.c src/cli/%,$(wildcard src/*/*.c))
CLI_SRC := src/main.c $(wildcard src/cli/*.c)
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
GEN_SRC := $(O)/gen/i18n_catalogue.c $(O)/gen/migrations.c $(O)/gen/registry_data.c $(O)/gen/rsit_data.c \
	$(O)/gen/map_data.c
LIB_OBJ := $(LIB_SRC:%.c=$(O)/obj/%.o) $(GEN_SRC:$(O)/gen/%.c=$(O)/obj/gen/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(O)/obj/%.o)
LIB := $(O)/libkcert.a

UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/unit/%)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(O)/fuzz/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(O)/bench/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(O)/tests/tools/%)

.PHONY: all deps run test unit tools e2e fuzz fuzz-build bench clean check-clang i18n-check
.DEFAULT_GOAL := all

all: deps $(O)/kcert $(TOOL_BIN)

deps:
	@sh $(DEPS) build

$(O)/kcert: $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(O)/obj/%.o: %.c | $(O)/gen/.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(O)/obj/gen/%.o: $(O)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

# Generated sources: the message catalogue, the migrations and the register.
$(O)/gen/.stamp:
	@mkdir -p $(@D) && touch $@

I18N := share/i18n/messages.tsv $(sort $(wildcard share/i18n/*.tsv.part))
$(O)/gen/i18n_catalogue.c: $(I18N) scripts/gen-i18n.sh | $(O)/gen/.stamp
	sh scripts/gen-i18n.sh $(I18N) > $@.tmp && mv $@.tmp $@

$(O)/gen/migrations.c: $(MIGRATIONS) scripts/gen-migrations.sh scripts/embed.sh | $(O)/gen/.stamp
	sh scripts/gen-migrations.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(O)/gen/rsit_data.c: share/data/rsit-taxonomy.csv scripts/embed.sh | $(O)/gen/.stamp
	sh scripts/embed.sh kc_rsit_csv $< > $@.tmp && mv $@.tmp $@

$(O)/gen/registry_data.c: share/data/municipalities-2024.csv share/data/counties-2024.csv scripts/embed.sh | $(O)/gen/.stamp
	{ sh scripts/embed.sh kc_data_municipalities share/data/municipalities-2024.csv; \
	  sh scripts/embed.sh kc_data_counties share/data/counties-2024.csv; } > $@.tmp && mv $@.tmp $@

$(O)/gen/map_data.c: share/data/map-tiles-2024.csv scripts/embed.sh | $(O)/gen/.stamp
	sh scripts/embed.sh kc_data_map_tiles $< > $@.tmp && mv $@.tmp $@

# Unit tests (cmocka), one binary per tests/unit/DIR/test_NAME.c.
$(O)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(CFLAGS_ALL) -o $@ $< $(LIB) -lcmocka $(LDLIBS_ALL)

# Test tools: small programs the e2e tests drive (tests/tools/NAME.c).
$(O)/tests/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(CFLAGS_ALL) -o $@ $< $(LIB) $(LDLIBS_ALL)

tools: $(TOOL_BIN)

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

# Benchmarks: programs that print their figure beside a baseline.
$(O)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(CFLAGS_ALL) -o $@ $< $(LIB) $(LDLIBS_ALL)

bench: deps $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

# libFuzzer harnesses (make FUZZ=1 CC=clang O=build/fuzz fuzz-build).
$(O)/fuzz/%: fuzz/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS_ALL)

fuzz-build: $(FUZZ_BIN)

LISTEN ?= 127.0.0.1:8080

run: all
	@mkdir -p $(dir $(KCERT_DB))
	$(O)/kcert --db $(KCERT_DB) init
	$(O)/kcert --db $(KCERT_DB) serve --listen $(LISTEN)

# The whole test command (README): each stage prints its own tally; tests/summary.sh
# adds them up and prints the closing "N passed, N failed" line.
test:
	@sh $(DEPS) test
	@sh tests/run-all.sh

clean:
	rm -rf build

-include $(shell find $(O) -name '*.d' -not -path '$(O)/fuzz/*' 2>/dev/null)
