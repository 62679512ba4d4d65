#!/bin/sh
# run-all.sh - the whole test command behind `make test` (and .ci/run).
#
# Stages, each printing its own "N passed, N failed" tally:
#   build     gcc -Werror build of build/kcert, then clang -Werror of the same
#   i18n      every message translated to bokmål and nynorsk
#   unit      cmocka unit tests; again under ASan+UBSan
#   e2e       tests/e2e/test_*.sh against build/kcert, then against the ASan+UBSan
#             build and on a throwaway PostgreSQL cluster, those two side by side
#   fuzz      every libFuzzer harness in fuzz/ for FUZZ_SECONDS (default 8) each;
#             longer campaigns: FUZZ_SECONDS=600 sh tests/run-all.sh
# The last line adds them up. Exit status 0 only when nothing failed.
set -u
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-8}
LOG=build/test-logs
mkdir -p "$LOG"
total_pass=0
total_fail=0

tally() { # add up "N passed, N failed" lines from a log
	p=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' "$1" | awk '{s+=$1} END {print s+0}')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

step() { # step NAME CMD...: run a pass/fail step, counted as one test
	name=$1
	shift
	if "$@" >"$LOG/$name.log" 2>&1; then
		echo "$name: 1 passed, 0 failed"
		total_pass=$((total_pass + 1))
		return 0
	fi
	echo "$name: 0 passed, 1 failed (log: $LOG/$name.log)"
	tail -n 30 "$LOG/$name.log"
	total_fail=$((total_fail + 1))
	return 1
}

step build-gcc make -j"$JOBS" CC=gcc all || { echo "0 passed, 1 failed"; exit 1; }
step build-clang make -j"$JOBS" O=build/clang CC=clang build/clang/kcert
step i18n sh scripts/i18n-check.sh

make -j"$JOBS" CC=gcc build/libkcert.a >/dev/null 2>&1
make -s -j"$JOBS" CC=gcc unit >"$LOG/unit.log" 2>&1
grep -E 'passed, [0-9]+ failed|FAIL' "$LOG/unit.log"
tally "$LOG/unit.log"
grep -q 'passed, 0 failed' "$LOG/unit.log" || { tail -n 40 "$LOG/unit.log"; }

# ASan+UBSan: the unit tests and the binary the e2e tests drive.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if make -j"$JOBS" O=build/asan SAN=1 OPT=-O1 CC=gcc build/asan/kcert tools >"$LOG/asan-build.log" 2>&1; then
	make -s -j"$JOBS" O=build/asan SAN=1 OPT=-O1 CC=gcc unit >"$LOG/unit-asan.log" 2>&1
	sed 's/^unit:/unit (asan+ubsan):/' "$LOG/unit-asan.log" | grep -E 'passed, [0-9]+ failed|FAIL|ERROR'
	tally "$LOG/unit-asan.log"
else
	echo "asan-build: 0 passed, 1 failed"
	tail -n 30 "$LOG/asan-build.log"
	total_fail=$((total_fail + 1))
	rm -f build/asan/kcert # never test a stale binary
fi

# playwright-core for the browser test (tests/e2e/test_browser.sh).
sh tests/browser/install.sh >"$LOG/browser-install.log" 2>&1 || { echo "browser-install: see $LOG/browser-install.log"; }

# e2e_pass NAME KCERT [no-browser]: every tests/e2e/test_*.sh against one
# binary, each test's output in $LOG/e2e-NAME-TEST.log, the tallies in
# $LOG/e2e-NAME.out. Headless Chromium runs in the first pass only: the
# browser tests check the pages' behaviour, which neither the sanitizers nor
# the engine change, and test_cases_web drives the same forms in every pass.
e2e_pass() {
	out="$LOG/e2e-$1.out"
	: >"$out"
	for t in tests/e2e/test_*.sh; do
		case "$t" in *test_browser*) [ -n "${3:-}" ] && continue ;; esac
		tlog="$LOG/e2e-$1-$(basename "$t" .sh).log"
		KCERT="$PWD/$2" sh "$t" >"$tlog" 2>&1
		sed "s|^e2e \([^:]*\):|e2e \1 ($2):|" "$tlog" | grep -E 'passed, [0-9]+ failed|^FAIL|ERROR|runtime error' |
			head -n 40 >>"$out"
	done
}

# The gcc build first, alone; then the ASan+UBSan build and the PostgreSQL
# pass side by side (most of an e2e test's time is waiting on servers).
e2e_pass gcc build/kcert
cat "$LOG/e2e-gcc.out"
tally "$LOG/e2e-gcc.out"
: >"$LOG/e2e-asan.out"
[ -x build/asan/kcert ] && e2e_pass asan build/asan/kcert no-browser &
ASAN_PASS=$!
PGDIR=$(mktemp -d /tmp/kcert-pg.XXXXXX)
if KCERT_TEST_PG=$(sh tests/pg.sh start "$PGDIR" 2>"$LOG/pg.log"); then
	(export KCERT_TEST_PG; e2e_pass pg build/kcert no-browser)
	sed 's/^e2e \([^ ]*\) \[postgresql\] (build\/kcert):/e2e \1 [postgresql]:/' "$LOG/e2e-pg.out" >"$LOG/e2e-pg.out2"
	sh tests/pg.sh stop "$PGDIR"
	wait $ASAN_PASS
	cat "$LOG/e2e-asan.out" "$LOG/e2e-pg.out2"
	tally "$LOG/e2e-asan.out"
	tally "$LOG/e2e-pg.out2"
else
	wait $ASAN_PASS
	cat "$LOG/e2e-asan.out"
	tally "$LOG/e2e-asan.out"
	echo "postgresql: 0 passed, 1 failed (could not start a cluster)"
	cat "$LOG/pg.log"
	total_fail=$((total_fail + 1))
	rm -rf "$PGDIR"
fi

# Fuzzing: build every harness with clang, run each briefly on a copy of its corpus.
if make -j"$JOBS" O=build/fuzz FUZZ=1 CC=clang OPT=-O1 fuzz-build >"$LOG/fuzz-build.log" 2>&1; then
	for src in fuzz/fuzz_*.c; do
		h=build/fuzz/fuzz/$(basename "$src" .c)
		name=$(basename "$h")
		corpus=$(mktemp -d)
		[ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$corpus/"
		if "$h" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
			"$corpus" >"$LOG/$name.log" 2>&1; then
			runs=$(grep -o 'Done [0-9]* runs' "$LOG/$name.log" | tail -n 1)
			echo "fuzz $name: 1 passed, 0 failed ($runs in ${FUZZ_SECONDS}s)"
			total_pass=$((total_pass + 1))
		else
			echo "fuzz $name: 0 passed, 1 failed (log: $LOG/$name.log)"
			grep -A 20 -E 'ERROR|Assertion|runtime error' "$LOG/$name.log" | head -n 30
			total_fail=$((total_fail + 1))
		fi
		rm -rf "$corpus"
	done
else
	echo "fuzz-build: 0 passed, 1 failed"
	tail -n 30 "$LOG/fuzz-build.log"
	total_fail=$((total_fail + 1))
fi

echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
