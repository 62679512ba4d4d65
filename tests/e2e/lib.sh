# lib.sh - a small harness for end-to-end tests that drive build/kcert.
#
# Each test file sources this, calls `t_begin`, runs checks, and ends with
# `t_end`, which prints "e2e NAME: N passed, N failed" and sets the exit status.
# Every check names what a user relies on; a failing check prints what it saw.

KCERT=${KCERT:-$PWD/build/kcert}
T_PASS=0
T_FAIL=0
T_NAME=$(basename "$0" .sh)

t_begin() {
	T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kcert-e2e.XXXXXX")
	export KCERT_DB="$T_DIR/kcert.db"
	export KCERT_LANG=en
	export KCERT_ACTOR="e2e:$T_NAME"
	trap 't_cleanup' EXIT
}

t_cleanup() {
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_DIR"
}

t_ok() { T_PASS=$((T_PASS + 1)); }
t_bad() {
	T_FAIL=$((T_FAIL + 1))
	printf 'FAIL %s: %s\n' "$T_NAME" "$1" >&2
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/    | /' | head -n 20 >&2
}

# run CMD...: capture stdout, stderr and status in $OUT, $ERR, $RC.
run() {
	"$@" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
	OUT=$(cat "$T_DIR/out")
	ERR=$(cat "$T_DIR/err")
}

# expect_rc N DESCRIPTION: the last run exited with N.
expect_rc() {
	if [ "$RC" -eq "$1" ]; then t_ok; else t_bad "$2 (exit $RC, want $1)" "$OUT$ERR"; fi
}

# expect_out PATTERN DESCRIPTION: stdout matches the grep -E pattern.
expect_out() {
	if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then t_ok; else t_bad "$2 (stdout lacks /$1/)" "$OUT$ERR"; fi
}

expect_no_out() {
	if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then t_bad "$2 (stdout has /$1/)" "$OUT"; else t_ok; fi
}

# expect_err PATTERN DESCRIPTION: stderr matches.
expect_err() {
	if printf '%s\n' "$ERR" | grep -Eq -- "$1"; then t_ok; else t_bad "$2 (stderr lacks /$1/)" "$ERR"; fi
}

# expect_eq GOT WANT DESCRIPTION
expect_eq() {
	if [ "$1" = "$2" ]; then t_ok; else t_bad "$3 (got '$1', want '$2')"; fi
}

t_end() {
	echo "e2e $T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
