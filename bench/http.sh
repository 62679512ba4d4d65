#!/bin/sh
# bench/http.sh - requests/s and p99 latency of an authenticated
# GET /api/v1/orgs?limit=50, beside nginx serving the same bytes as a static
# file, both on loopback, in the same run (wrk, 2 threads, 50 connections,
# DURATION seconds each, default 10).
#
#   make && sh bench/http.sh [DURATION]
# Needs wrk and nginx (Debian packages; installed when missing).
set -eu
cd "$(dirname "$0")/.."
DURATION=${1:-10}
for p in wrk nginx-light curl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		{ command -v "${p%-light}" >/dev/null 2>&1 || apt-get install -y -qq "$p" >/dev/null; }
done
dir=$(mktemp -d /tmp/kcert-bench-http.XXXXXX)
trap 'kill $KPID $NPID 2>/dev/null; sleep 0.2; rm -rf "$dir"' EXIT
KPID= NPID= PA= PB= LPID=
export KCERT_DB="$dir/kcert.db" KCERT_LANG=en
build/kcert init >/dev/null
echo "Korrekt-Hest-Batteri-9" | build/kcert user add bench --role analyst --password-stdin >/dev/null
TOKEN=$(build/kcert token create bench 2>/dev/null)
build/kcert serve --listen 127.0.0.1:18480 --threads 2 >"$dir/serve.out" 2>/dev/null &
KPID=$!
for i in $(seq 1 50); do curl -sf http://127.0.0.1:18480/healthz >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:18480/api/v1/orgs?limit=50"
mkdir -p "$dir/www"
curl -sf -H "Authorization: Bearer $TOKEN" "$URL" >"$dir/www/orgs.json"
cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;
	server { listen 127.0.0.1:18481; root $dir/www; location / { default_type application/json; } }
}
CONF
nginx -c "$dir/nginx.conf" -g 'daemon off;' &
NPID=$!
sleep 0.5
run() { # run NAME URL [HEADER]
	wrk -t2 -c50 -d"${DURATION}s" --latency ${3:+-H "$3"} "$2" >"$dir/$1.txt"
	rps=$(awk '/Requests\/sec/ {print $2}' "$dir/$1.txt")
	p99=$(awk '$1 == "99%" {print $2}' "$dir/$1.txt")
	errors=$(grep -E 'Non-2xx|Socket errors' "$dir/$1.txt" || true)
	printf '  %-38s %10s req/s   p99 %8s %s\n' "$1" "$rps" "$p99" "$errors"
	eval "RPS_$1=$rps"
}
echo "bench/http: wrk -t2 -c50 -d${DURATION}s on loopback, $(wc -c <"$dir/www/orgs.json") bytes per response"
run kcert "$URL" "Authorization: Bearer $TOKEN"
run nginx "http://127.0.0.1:18481/orgs.json"
awk -v a="$RPS_kcert" -v b="$RPS_nginx" 'BEGIN { printf "  kcert / nginx = %.2f (target >= 0.5)\n", a / b }'
# On PostgreSQL (bench/pg.sh gives KCERT_BENCH_PG): one node, then two nodes
# behind nginx as a load balancer (and one node behind it, for its overhead).
if [ -n "${KCERT_BENCH_PG:-}" ]; then
	export KCERT_DB="$KCERT_BENCH_PG"
	build/kcert init >/dev/null
	echo "Korrekt-Hest-Batteri-9" | build/kcert user add bench --role analyst --password-stdin >/dev/null
	PTOKEN=$(build/kcert token create bench 2>/dev/null)
	build/kcert serve --listen 127.0.0.1:18483 --threads 2 --no-worker >"$dir/a.out" 2>/dev/null &
	PA=$!
	build/kcert serve --listen 127.0.0.1:18484 --threads 2 --no-worker >"$dir/b.out" 2>/dev/null &
	PB=$!
	trap 'kill $KPID $NPID $PA $PB $LPID 2>/dev/null; sleep 0.2; rm -rf "$dir"' EXIT
	for i in $(seq 1 50); do curl -sf http://127.0.0.1:18484/healthz >/dev/null && curl -sf http://127.0.0.1:18483/healthz >/dev/null && break; sleep 0.1; done
	cat >"$dir/lb.conf" <<CONF
worker_processes 2;
pid $dir/lb.pid;
error_log $dir/lb.err;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;
	upstream two { server 127.0.0.1:18483; server 127.0.0.1:18484; keepalive 32; }
	upstream one { server 127.0.0.1:18483; keepalive 32; }
	server { listen 127.0.0.1:18485; location / { proxy_pass http://two; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Authorization \$http_authorization; } }
	server { listen 127.0.0.1:18486; location / { proxy_pass http://one; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Authorization \$http_authorization; } }
}
CONF
	nginx -c "$dir/lb.conf" -g 'daemon off;' &
	LPID=$!
	sleep 0.5
	run kcert_pg_one_node "http://127.0.0.1:18483/api/v1/orgs?limit=50" "Authorization: Bearer $PTOKEN"
	run kcert_pg_one_node_behind_nginx "http://127.0.0.1:18486/api/v1/orgs?limit=50" "Authorization: Bearer $PTOKEN"
	run kcert_pg_two_nodes_behind_nginx "http://127.0.0.1:18485/api/v1/orgs?limit=50" "Authorization: Bearer $PTOKEN"
	awk -v a="$RPS_kcert_pg_one_node" -v b="$RPS_kcert" 'BEGIN { printf "  PostgreSQL / SQLite (one node) = %.2f\n", a / b }'
	awk -v a="$RPS_kcert_pg_two_nodes_behind_nginx" -v b="$RPS_kcert_pg_one_node_behind_nginx" \
		'BEGIN { printf "  two nodes / one node (both behind nginx) = %.2f (2 cores shared by wrk, nginx, PostgreSQL and the nodes)\n", a / b }'
fi
