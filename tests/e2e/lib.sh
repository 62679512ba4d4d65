# lib.sh - a small harness for end-to-end tests that drive build/kcert.
#
# Each test file sources this, calls `t_begin`, runs checks, and ends with
# `t_end`, which prints "e2e NAME: N passed, N failed" and sets the exit status.
# Every check names what a user relies on; a failing check prints what it saw.

KCERT=${KCERT:-$PWD/build/kcert}
T_PASS=0
T_FAIL=0
T_NAME=$(basename "$0" .sh)

# With KCERT_TEST_PG set to a base URI (tests/pg.sh start), each test file gets
# a fresh PostgreSQL database; otherwise a fresh SQLite file.
t_begin() {
	T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kcert-e2e.XXXXXX")
	chmod 755 "$T_DIR"
	if [ -n "${KCERT_TEST_PG:-}" ]; then
		T_PGDB="kcert_$(echo "$T_NAME" | tr -c 'a-z0-9_\n' '_')_$$"
		psql -q -X "$KCERT_TEST_PG" -c "CREATE DATABASE $T_PGDB" >/dev/null || exit 1
		export KCERT_DB=$(printf '%s' "$KCERT_TEST_PG" | sed "s|:///postgres?|:///$T_PGDB?|")
		T_ENGINE=postgresql
	else
		export KCERT_DB="$T_DIR/kcert.db"
		T_ENGINE=sqlite
	fi
	export KCERT_LANG=en
	export KCERT_ACTOR="e2e:$T_NAME"
	trap 't_cleanup' EXIT
}

t_cleanup() {
	[ -z "${SERVER:-}" ] || kill "$SERVER" 2>/dev/null
	smtp_stop
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_DIR"
	if [ -n "${T_PGDB:-}" ] && [ -z "${T_KEEP:-}" ]; then
		psql -q -X "$KCERT_TEST_PG" -c "DROP DATABASE IF EXISTS $T_PGDB" >/dev/null 2>&1
	fi
}

# db_sql SQL: run SQL directly on the test's store, bypassing kcert.
db_sql() {
	if [ "$T_ENGINE" = postgresql ]; then
		psql -q -X -v ON_ERROR_STOP=1 "$KCERT_DB" -c "$1" >/dev/null 2>&1
	else
		sqlite3 "$KCERT_DB" "$1" >/dev/null 2>&1
	fi
}

# db_val SQL: print what a query returns (rows on lines, columns tab-separated),
# on either engine, to compare what a page or API shows with the store.
db_val() {
	if [ "$T_ENGINE" = postgresql ]; then
		psql -qtAX -F '	' "$KCERT_DB" -c "$1"
	else
		sqlite3 -separator '	' "$KCERT_DB" "$1"
	fi
}

# t_port: a TCP port free on 127.0.0.1 right now (the kernel's choice), for
# a server the test starts; better than one derived from the process id,
# which two tests running side by side can share.
t_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve_start [kcert serve options]: kcert serve on a free port of 127.0.0.1,
# its output in $T_DIR/serve.out and serve.err; sets PORT, URL and SERVER and
# waits until /healthz answers. t_cleanup stops it.
serve_start() {
	PORT=$(t_port)
	URL="http://127.0.0.1:$PORT"
	"$KCERT" serve --listen "127.0.0.1:$PORT" "$@" >"$T_DIR/serve.out" 2>"$T_DIR/serve.err" &
	SERVER=$!
	for _i in $(seq 1 200); do
		curl -sf "$URL/healthz" >/dev/null && return 0
		sleep 0.1
	done
	t_bad "kcert serve did not answer on $URL" "$(tail -n 5 "$T_DIR/serve.err")"
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

# smtp_start DIR [sink.py options]: a real SMTP server (python3-aiosmtpd) on a
# free loopback port; sets SMTP_PORT and exports KCERT_SMTP_URL. Messages land
# in DIR/NNNN.eml, their Message-IDs in DIR/received.log.
smtp_start() {
	SMTP_DIR=$1
	shift
	mkdir -p "$SMTP_DIR"
	rm -f "$SMTP_DIR/ready"
	for _try in 1 2 3 4 5; do
		SMTP_PORT=$((20000 + ($$ * 7 + _try * 131) % 30000))
		/usr/bin/python3 "$(dirname "$0")/../smtp/sink.py" --port "$SMTP_PORT" --dir "$SMTP_DIR" "$@" \
			>"$SMTP_DIR/sink.log" 2>&1 &
		SMTP_PID=$!
		for _w in $(seq 1 50); do
			[ -f "$SMTP_DIR/ready" ] && break
			kill -0 "$SMTP_PID" 2>/dev/null || break
			sleep 0.1
		done
		[ -f "$SMTP_DIR/ready" ] && break
		kill "$SMTP_PID" 2>/dev/null
		wait "$SMTP_PID" 2>/dev/null
		SMTP_PID=
	done
	[ -n "$SMTP_PID" ] || { echo "cannot start the SMTP sink" >&2; cat "$SMTP_DIR/sink.log" >&2; exit 1; }
	export KCERT_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
}

smtp_stop() {
	if [ -n "${SMTP_PID:-}" ]; then
		kill "$SMTP_PID" 2>/dev/null
		wait "$SMTP_PID" 2>/dev/null
		SMTP_PID=
	fi
}

# smtp_show: the received messages, decoded (tests/smtp/show.py).
smtp_show() {
	/usr/bin/python3 "$(dirname "$0")/../smtp/show.py" "$SMTP_DIR"/*.eml
}

t_end() {
	echo "e2e $T_NAME [$T_ENGINE]: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
