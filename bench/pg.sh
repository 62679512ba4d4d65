#!/bin/sh
# bench/pg.sh - the benchmarks on PostgreSQL beside SQLite, in the same run:
# starts a throwaway PostgreSQL 15 cluster on a Unix socket (tests/pg.sh),
# runs build/bench/ingest (full ingest into both engines) and bench/http.sh
# (SQLite; PostgreSQL with one serve node; two serve nodes behind nginx),
# then stops the cluster.
#
#   make build/bench/ingest && sh bench/pg.sh [INGEST_ROWS] [FULL_ROWS] [HTTP_SECONDS]
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/kcert-bench-pg.XXXXXX)
uri=$(sh tests/pg.sh start "$dir")
trap 'sh tests/pg.sh stop "$dir" >/dev/null 2>&1 || true' EXIT
psql -q -X "$uri" -c "CREATE DATABASE bench_ingest" -c "CREATE DATABASE bench_http" >/dev/null
KCERT_BENCH_PG=$(printf '%s' "$uri" | sed 's|:///postgres?|:///bench_ingest?|') build/bench/ingest "${1:-5000000}" "${2:-500000}"
KCERT_BENCH_PG=$(printf '%s' "$uri" | sed 's|:///postgres?|:///bench_http?|') sh bench/http.sh "${3:-10}"
