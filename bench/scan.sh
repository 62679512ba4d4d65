#!/bin/sh
# bench/scan.sh - the scan engine beside nmap and sslscan, same run, same targets.
#
# 1. TCP-connect sweep of 127.0.16.0/20 (4096 addresses) x the default TCP
#    ports of the engine (27), per-IP limit lifted, with LISTENERS (300)
#    address:port pairs listening: kcert (tests/tools/scanprobe
#    --connect-only --no-limit) vs `nmap -sT -Pn -n -p LIST 127.0.16.0/20 -oG -`.
#    The open-port sets must be identical (else the bench fails); prints the
#    wall times and their ratio (best of RUNS runs each, default 3).
# 2. TLS protocol versions on TLS_N (100) endpoints of one nginx (every third
#    one also offering TLS 1.0/1.1): kcert (kc_scan_tls through scanprobe
#    --tls, per-IP limits lifted) vs `sslscan --no-colour` run on each
#    endpoint in turn (its full default scan, as an operator would run it).
#    The protocol verdicts (TLSv1.0..1.3 enabled/disabled) must be identical.
#
#   make O=build build/tests/tools/scanprobe build/bench/scan && sh bench/scan.sh
# Needs nmap, sslscan, nginx-light, openssl (Debian packages); runs as root
# (binds ports below 1024 on loopback).
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
PROBE=$O/tests/tools/scanprobe
RUNS=${RUNS:-3}
LISTENERS=${LISTENERS:-300}
TLS_N=${TLS_N:-100}
PORTS=21,22,23,25,80,102,110,143,443,445,465,502,587,993,995,1433,3306,3389,5432,5900,6379,8080,8443,9200,11211,20000,27017
NET=127.0.16.0/20
dir=$(mktemp -d /tmp/kcert-bench-scan.XXXXXX)
LPID= NPID=
trap 'kill $LPID $NPID 2>/dev/null; sleep 0.2; rm -rf "$dir"' EXIT
[ -x "$PROBE" ] || { echo "bench/scan: build $PROBE first" >&2; exit 1; }

now() { date +%s.%N; }
best() { sort -n | head -n 1; }

/usr/bin/python3 bench/scan_listen.py "$NET" "$LISTENERS" "$PORTS" >"$dir/listen.out" &
LPID=$!
for i in $(seq 1 100); do grep -q ready "$dir/listen.out" 2>/dev/null && break; sleep 0.1; done

: >"$dir/tk"; : >"$dir/tn"
for r in $(seq 1 "$RUNS"); do
	t0=$(now)
	"$PROBE" --connect-only --no-limit --quiet --retries 0 --timeout 2000 --ports "$PORTS" \
		--range "$NET" >"$dir/kcert.json" 2>/dev/null
	t1=$(now)
	nmap -sT -Pn -n -p "$PORTS" "$NET" -oG "$dir/nmap.gnmap" >/dev/null
	t2=$(now)
	echo "$t1 - $t0" | bc -l >>"$dir/tk"
	echo "$t2 - $t1" | bc -l >>"$dir/tn"
done
sed -n 's/.*"ip":"\([^"]*\)","port":\([0-9]*\).*/\1:\2/p' "$dir/kcert.json" | sort >"$dir/kcert.set"
awk '/Ports:/ { ip=$2; n=split($0, a, "Ports: "); split(a[2], ps, ", ");
	for (i in ps) { split(ps[i], f, "/"); if (f[2]=="open") print ip ":" f[1] } }' \
	"$dir/nmap.gnmap" | sort >"$dir/nmap.set"
NK=$(wc -l <"$dir/kcert.set"); NN=$(wc -l <"$dir/nmap.set")
TK=$(best <"$dir/tk"); TN=$(best <"$dir/tn")
NP=$(( 4096 * $(echo "$PORTS" | tr ',' '\n' | wc -l) ))
echo "bench/scan sweep: $NET x $(echo "$PORTS" | tr ',' '\n' | wc -l) TCP ports = $NP probes, $LISTENERS listening, best of $RUNS"
printf '  kcert scanprobe --connect-only  %6.3f s  %8.0f probes/s  %d open\n' "$TK" "$(echo "$NP / $TK" | bc -l)" "$NK"
printf '  nmap -sT -Pn -n                 %6.3f s  %8.0f probes/s  %d open\n' "$TN" "$(echo "$NP / $TN" | bc -l)" "$NN"
if cmp -s "$dir/kcert.set" "$dir/nmap.set" && [ "$NK" -eq "$LISTENERS" ]; then
	echo "  open-port sets identical ($NK of $LISTENERS listeners)"
else
	echo "  OPEN-PORT SETS DIFFER" >&2; diff "$dir/kcert.set" "$dir/nmap.set" | head >&2; exit 1
fi
printf '  speed-up %.1fx (target 5x)\n' "$(echo "$TN / $TK" | bc -l)"
# The kernel's own cost of a connect() probe bounds any connect sweep:
# build/bench/scan times the engine beside a bare connect loop.
if [ -x "$O/bench/scan" ]; then "$O/bench/scan" "$RUNS"; fi
kill $LPID 2>/dev/null; LPID=

# ---- TLS ---------------------------------------------------------------
P=$dir/pki; mkdir -p "$P"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/k.pem" -out "$P/c.pem" -days 30 \
	-subj "/CN=bench.test" >/dev/null 2>&1
{
	echo "worker_processes 2; pid $dir/nginx.pid; error_log $dir/nginx.err;"
	echo "events { worker_connections 4096; }"
	echo "http { access_log off; client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;"
	echo "ssl_certificate $P/c.pem; ssl_certificate_key $P/k.pem;"
	i=1
	while [ "$i" -le "$TLS_N" ]; do
		if [ $((i % 3)) -eq 0 ]; then
			echo "server { listen 127.0.17.$i:443 ssl; ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ssl_ciphers ALL:@SECLEVEL=0; return 204; }"
		else
			echo "server { listen 127.0.17.$i:443 ssl; ssl_protocols TLSv1.2 TLSv1.3; return 204; }"
		fi
		i=$((i + 1))
	done
	echo "}"
} >"$dir/nginx.conf"
nginx -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/nginx.out" &
NPID=$!
sleep 1
EPS=$(seq 1 "$TLS_N" | sed 's/.*/127.0.17.&:443/')
t0=$(now)
# shellcheck disable=SC2086
"$PROBE" --tls --no-limit --quiet --timeout 3000 $EPS >"$dir/ktls.json" 2>/dev/null
t1=$(now)
: >"$dir/sslscan.txt"
for ep in $EPS; do
	echo "== $ep" >>"$dir/sslscan.txt"
	sslscan --no-colour "$ep" >>"$dir/sslscan.txt" 2>&1 || true
done
t2=$(now)
sed -n 's/.*"ip":"\([^"]*\)".*"port":\([0-9]*\).*"versions":\[\([^]]*\)\].*/\1:\2 \3/p' "$dir/ktls.json" |
	tr -d '"' | sort >"$dir/ktls.set"
awk '/^== / { ep=$2; v="" } /^TLSv1\.[0-3] +enabled/ { v = v (v ? "," : "") $1 }
	/^TLSv1\.3 +(enabled|disabled)/ { print ep " " v }' "$dir/sslscan.txt" |
	sed 's/TLSv1\.0/TLSv1.0/' | sort >"$dir/sslscan.set"
TK=$(echo "$t1 - $t0" | bc -l); TS=$(echo "$t2 - $t1" | bc -l)
echo "bench/scan tls: $TLS_N nginx endpoints ($((TLS_N / 3)) with TLS 1.0/1.1), protocol verdicts"
printf '  kcert kc_scan_tls (4 handshakes each)  %7.2f s  %6.3f s/endpoint\n' "$TK" "$(echo "$TK / $TLS_N" | bc -l)"
printf '  sslscan --no-colour, one by one       %7.2f s  %6.3f s/endpoint\n' "$TS" "$(echo "$TS / $TLS_N" | bc -l)"
if cmp -s "$dir/ktls.set" "$dir/sslscan.set" && [ "$(wc -l <"$dir/ktls.set")" -eq "$TLS_N" ]; then
	echo "  protocol verdicts identical on all $TLS_N endpoints"
else
	echo "  PROTOCOL VERDICTS DIFFER" >&2; diff "$dir/ktls.set" "$dir/sslscan.set" | head >&2; exit 1
fi
printf '  speed-up %.0fx\n' "$(echo "$TS / $TK" | bc -l)"
