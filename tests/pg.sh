#!/bin/sh
# pg.sh - a throwaway PostgreSQL cluster for the tests, on a Unix socket only
# (no TCP port is opened), in a temporary directory.
#
#   tests/pg.sh start DIR    initdb + start; prints the base URI on stdout
#   tests/pg.sh stop DIR     stop and remove DIR
#
# As root the cluster runs as the postgres user (initdb refuses root).
set -eu
cmd=$1
dir=$2
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server not installed (scripts/deps.sh test)" >&2; exit 1; }
port=${PGTEST_PORT:-54329}
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "postgresql:///postgres?host=$dir&port=$port&user=postgres"
	;;
stop)
	as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
