#!/bin/sh
# test_scan_full.sh - the whole scan flow through `kcert scan --org` against
# real servers on loopback: openssl s_server with an expired self-signed
# certificate and one offering TLS 1.0, nginx without and with HSTS/security
# headers (server_tokens on: nginx's version becomes a product), redis without
# auth, nsd serving a DNSSEC-signed domain with SPF/DMARC/MTA-STS/TLS-RPT and
# an unsigned one without, SMTP servers with and without STARTTLS, and a
# third-party MX that must never be connected to. Then: findings of every
# family, the product in `kcert vuln affected`, the high notice at once and
# the medium/low ones in one daily findings notice, once; a rescan after a
# server stopped fixes its findings; a DNS outage closes and opens nothing.
. "$(dirname "$0")/lib.sh"
t_begin
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
D=$T_DIR
NET=127.79.$(( $$ % 200 + 20 ))
EXP=$NET.1; TLS10=$NET.2; BARE=$NET.3; GOOD=$NET.4; REDIS=$NET.5
MX1=$NET.25; MX2=$NET.26; DNS=$NET.53; DEAD=$NET.54
CLOUD=127.80.$(( $$ % 200 + 20 )).9 # a mail provider's MX: not the municipality's
PIDS=""
stop_all() { for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'stop_all; t_cleanup' EXIT
wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
export KCERT_MAIL_FROM=varsling@kommunecert.example
export KCERT_SCAN_RATE=20 # loopback: the per-IP limits lifted twentyfold (production: 1/s)

# --- certificates -------------------------------------------------------
( cd "$D" && touch index.txt && echo 01 > serial &&
  printf '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' > ca.cnf &&
  openssl req -new -newkey rsa:2048 -nodes -keyout exp.key -out exp.csr -subj /CN=expired.kcfull.example &&
  openssl ca -batch -config ca.cnf -selfsign -keyfile exp.key -in exp.csr -out exp.pem -startdate 20200101000000Z -enddate 20200201000000Z &&
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=kcert full test CA" &&
  openssl req -new -newkey rsa:2048 -nodes -keyout web.key -out web.csr -subj /CN=kcfull.example &&
  printf 'subjectAltName=DNS:kcfull.example,DNS:www.kcfull.example,DNS:mx.kcfull.example,DNS:kcbad.example,IP:%s,IP:%s,IP:%s\n' "$GOOD" "$BARE" "$TLS10" > san.ext &&
  openssl x509 -req -in web.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out web.pem -days 365 -extfile san.ext ) >"$D/certs.log" 2>&1 || t_bad "making certificates" "$(cat "$D/certs.log")"

# --- DNS: a signed zone with all mail records, an unsigned one without -----
zone() {
	{ printf '$ORIGIN %s.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A %s\n' "$1" "$DNS"; cat; } > "$D/$1.zone"
}
zone kcfull.example <<EOF2
@ IN A $GOOD
www IN A $GOOD
@ IN MX 10 mx
mx IN A $MX1
@ IN TXT "v=spf1 mx -all"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@kcfull.example"
_mta-sts IN TXT "v=STSv1; id=2026"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:t@kcfull.example"
EOF2
zone kcbad.example <<EOF2
@ IN A $BARE
@ IN MX 10 mx
@ IN MX 20 mx.cloudmail.example.
mx IN A $MX2
EOF2
zone cloudmail.example <<EOF2
mx IN A $CLOUD
EOF2
( cd "$D" && K=$(ldns-keygen -a ECDSAP256SHA256 -k kcfull.example) && Z=$(ldns-keygen -a ECDSAP256SHA256 kcfull.example) &&
  ldns-signzone -n -o kcfull.example kcfull.example.zone $K $Z && cat $K.ds > ta.ds ) >"$D/sign.log" 2>&1 || t_bad "signing" "$(cat "$D/sign.log")"
{ printf 'server:\n  ip-address: %s@53\n  zonesdir: "%s"\n  pidfile: "%s/nsd.pid"\n  database: ""\n  username: ""\n  logfile: "%s/nsd.log"\n  zonelistfile: "%s/zone.list"\n  xfrdir: "%s"\n  server-count: 1\nremote-control:\n  control-enable: no\n' "$DNS" "$D" "$D" "$D" "$D" "$D"
  printf 'zone:\n  name: kcfull.example\n  zonefile: kcfull.example.zone.signed\n'
  for z in kcbad cloudmail; do printf 'zone:\n  name: %s.example\n  zonefile: %s.example.zone\n' $z $z; done; } > "$D/nsd.conf"
nsd -d -c "$D/nsd.conf" >"$D/nsd.out" 2>&1 & PIDS="$PIDS $!"

# --- servers ------------------------------------------------------------
openssl s_server -accept "$EXP:443" -cert "$D/exp.pem" -key "$D/exp.key" -www -quiet >/dev/null 2>&1 & EXP_PID=$!; PIDS="$PIDS $!"
openssl s_server -accept "$TLS10:443" -cert "$D/web.pem" -key "$D/web.key" -www -quiet -cipher 'ALL:@SECLEVEL=0' -min_protocol TLSv1 >/dev/null 2>&1 & PIDS="$PIDS $!"
redis-server --bind "$REDIS" --port 6379 --protected-mode no --save '' --appendonly no --dir "$D" >"$D/redis.log" 2>&1 & PIDS="$PIDS $!"
$PY "$REPO/tests/smtp/mx.py" --host "$MX1" --port 25 --ready "$D/mx1.ready" --tls "$D/exp.pem" "$D/exp.key" >"$D/mx1.log" 2>&1 & MX1_PID=$!; PIDS="$PIDS $!"
$PY "$REPO/tests/smtp/mx.py" --host "$MX2" --port 25 --ready "$D/mx2.ready" >"$D/mx2.log" 2>&1 & PIDS="$PIDS $!"
# The cloud provider's MX records every connection: the scanner must make none.
$PY -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 25)); s.listen(16)
open(sys.argv[2] + ".ready", "w").write("x")
while True:
    c, a = s.accept(); open(sys.argv[2], "a").write("connection from %s\n" % a[0]); c.close()
' "$CLOUD" "$D/cloud.log" & PIDS="$PIDS $!"
HDRS='add_header Content-Security-Policy "default-src '"'"'self'"'"'; frame-ancestors '"'"'none'"'"'" always; add_header X-Content-Type-Options nosniff always; add_header Referrer-Policy no-referrer always;'
mkdir -p "$D/www/.well-known" "$D/tmp"
echo hello > "$D/www/index.html"
printf 'Contact: mailto:security@kcfull.example\nExpires: 2030-01-01T00:00:00Z\n' > "$D/www/.well-known/security.txt"
cat > "$D/nginx.conf" <<EOF2
daemon off;
pid $D/nginx.pid;
error_log $D/nginx-error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $D/tmp; proxy_temp_path $D/tmp; fastcgi_temp_path $D/tmp; uwsgi_temp_path $D/tmp; scgi_temp_path $D/tmp;
  ssl_certificate $D/web.pem; ssl_certificate_key $D/web.key;
  server { listen $BARE:80 default_server; root $D/www; server_tokens on; }
  server { listen $BARE:443 ssl default_server; root $D/www; server_tokens on; }
  server { listen $GOOD:80 default_server; server_tokens off; return 301 https://\$host\$request_uri; }
  server { listen $GOOD:443 ssl default_server; root $D/www; server_tokens off;
           add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; $HDRS }
}
EOF2
nginx -p "$D" -c "$D/nginx.conf" 2>"$D/nginx.out" & PIDS="$PIDS $!"
wait_file "$D/mx1.ready"; wait_file "$D/mx2.ready"; wait_file "$D/cloud.log.ready"; wait_file "$D/nginx.pid"
i=0; while ! redis-cli -h "$REDIS" ping >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
i=0; while ! dig +short +time=1 +tries=1 @"$DNS" kcfull.example A >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# --- the registry -------------------------------------------------------
run "$KCERT" init
expect_rc 0 "init"
for h in "$EXP" "$TLS10" "$BARE" "$GOOD" "$REDIS" "$MX1" "$MX2"; do
	"$KCERT" asset add 4601 host "$h" >/dev/null || t_bad "register $h"
done
"$KCERT" asset add 4601 domain kcfull.example >/dev/null || t_bad "register kcfull.example"
"$KCERT" asset add 4601 domain kcbad.example >/dev/null || t_bad "register kcbad.example"
"$KCERT" contact add 4601 --name "Kari Nordmann" --email kari@bergen.example --role security --lang nn >/dev/null
smtp_start "$D/smtp"

SCAN="scan --org 4601 --ports 80,443,6379 --resolver $DNS@53 --trust-anchor $D/ta.ds --ca-file $D/ca.pem --timeout-ms 2000"
# F CHECK TARGET [PORT [SEVERITY]]: how many open findings match.
F() { "$KCERT" finding list --org 4601 --status "${ST:-open}" --format json | $PY -c "
import json, sys
c, t = sys.argv[1], sys.argv[2]
p = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
s = sys.argv[4] if len(sys.argv) > 4 else None
print(len([r for r in json.load(sys.stdin) if (r['check'] == c or (c.endswith('*') and r['check'].startswith(c[:-1])))
   and r['target'] == t and (p is None or r['port'] == p) and (s is None or r['severity'] == s)]))" "$@"; }
has() { n=$(F "$@"); if [ "$n" -ge 1 ]; then t_ok; else t_bad "finding $* expected" "$("$KCERT" finding list --org 4601 --format csv)"; fi; }
hasnt() { n=$(F "$@"); if [ "$n" -eq 0 ]; then t_ok; else t_bad "finding $* not expected" "$("$KCERT" finding list --org 4601 --format csv)"; fi; }

run "$KCERT" $SCAN
expect_rc 0 "the full scan runs"
expect_err "mx.cloudmail.example.*third-party" "the third-party MX is named as not scanned"
# TLS: expired self-signed certificate; TLS 1.0 offered.
has tls.expiry "$EXP" 443 high
has tls.self_signed "$EXP" 443
has tls.protocol "$TLS10" 443
hasnt tls.expiry "$TLS10" 443
hasnt tls.trust "$GOOD" 443
# HTTP: no HSTS / headers on the bare nginx, none on the good one.
has http.hsts "$BARE" 443
has http.csp "$BARE" 443
has http.redirect "$BARE" 80
hasnt http.hsts "$GOOD" 443
hasnt http.csp "$GOOD" 443
# Products: nginx's version from the bare server, keyed by its CPE.
has 'product.http:f5:nginx' "$BARE" 443 info
# Services: redis without auth.
has service.redis "$REDIS" 6379 high
has 'product.*' "$REDIS" 6379
# Mail: the unsigned domain lacks everything; the signed one lacks nothing.
has mail.spf kcbad.example 0 medium
has mail.dmarc kcbad.example 0 medium
has mail.dnssec kcbad.example 0 low
has mail.mta-sts kcbad.example
for c in mail.spf mail.dmarc mail.dnssec mail.mta-sts mail.tls-rpt; do hasnt $c kcfull.example; done
has mail.starttls "$MX2" 25 medium
hasnt mail.starttls "$MX1" 25
# STARTTLS runs the TLS checks: the MX's certificate is the expired one.
has tls.expiry "$MX1" 25 high
if [ -s "$D/cloud.log" ]; then t_bad "the third-party MX was never connected to" "$(cat "$D/cloud.log")"; else t_ok; fi
run "$KCERT" rating --org 4601 --format json
expect_out '"colour": "red"' "high findings make the rating red"

# The scanned product reaches the vulnerability data.
run "$KCERT" vuln import "$REPO/tests/fixtures/scan/nvd-test-nginx.json"
expect_rc 0 "import the test NVD record"
run "$KCERT" vuln affected CVE-2099-0001 --format csv
expect_out "4601|bergen" "the organisation is affected through the scanned nginx"
expect_out "cpe:2.3:a:f5:nginx:1\.22\.1" "by the version the scanner saw"
expect_out "scan" "and says the scanner saw it"

# Notices: high at once, medium and low in one findings notice, once each.
run "$KCERT" worker --once
expect_rc 0 "worker delivers"
NDIG=$(grep -l "X-KommuneCERT-Ref: KC-FD-" "$D"/smtp/*.eml 2>/dev/null | wc -l)
expect_eq "$NDIG" 1 "one findings notice for the medium and low findings"
DIG=$(grep -l "X-KommuneCERT-Ref: KC-FD-" "$D"/smtp/*.eml | head -1)
run $PY "$REPO/tests/smtp/show.py" "$DIG"
expect_out "kcbad.example" "the notice lists the mail findings"
expect_out "STARTTLS" "and the MX without STARTTLS"
expect_no_out "Redis" "high findings are not in the findings notice"
NHIGH=$(grep -l "X-KommuneCERT-Ref: KC-F-" "$D"/smtp/*.eml 2>/dev/null | wc -l)
[ "$NHIGH" -ge 3 ] && t_ok || t_bad "each high finding is mailed at once ($NHIGH)"
run "$KCERT" $SCAN
expect_out "0 opened" "a second scan opens nothing"
run "$KCERT" worker --once
expect_eq "$(grep -l "X-KommuneCERT-Ref: KC-FD-" "$D"/smtp/*.eml | wc -l)" 1 "no finding is told twice"

# A DNS outage: the resolver does not answer. Nothing opens, nothing closes.
BEFORE=$("$KCERT" finding list --org 4601 --format csv | sort)
run "$KCERT" scan --org 4601 --checks mail --resolver "$DEAD@53" --timeout-ms 1500
expect_rc 0 "a scan with a dead resolver runs"
expect_out "0 opened" "a DNS outage opens nothing"
expect_out "0 fixed" "a DNS outage fixes nothing"
AFTER=$("$KCERT" finding list --org 4601 --format csv | sort)
if [ "$(printf '%s' "$BEFORE" | cut -d, -f1-8)" = "$(printf '%s' "$AFTER" | cut -d, -f1-8)" ]; then t_ok; else t_bad "findings unchanged by a DNS outage"; fi

# The expired server goes away: its findings are fixed, the rest stay.
kill "$EXP_PID"; wait "$EXP_PID" 2>/dev/null
run "$KCERT" $SCAN
expect_rc 0 "rescan"
ST=fixed has tls.expiry "$EXP" 443
ST=fixed has tls.self_signed "$EXP" 443
has tls.expiry "$MX1" 25 high
has tls.protocol "$TLS10" 443
run "$KCERT" rating --org 4601 --format json
expect_out '"colour": "red"' "still red: the MX certificate and redis"
# The rest of the highs fixed: redis stops, the MX gets a valid certificate.
redis-cli -h "$REDIS" shutdown nosave >/dev/null 2>&1
kill "$MX1_PID"; wait "$MX1_PID" 2>/dev/null; rm -f "$D/mx1.ready"
$PY "$REPO/tests/smtp/mx.py" --host "$MX1" --port 25 --ready "$D/mx1.ready" --tls "$D/web.pem" "$D/web.key" >"$D/mx1b.log" 2>&1 & PIDS="$PIDS $!"
wait_file "$D/mx1.ready"
run "$KCERT" $SCAN
expect_rc 0 "rescan after the fixes"
ST=fixed has service.redis "$REDIS" 6379
ST=fixed has tls.expiry "$MX1" 25
expect_eq "$(F 'tls.*' "$MX1" 25)" 0 "the MX's new certificate passes the TLS checks"
run "$KCERT" finding list --org 4601 --status open --severity high --format json
expect_eq "$(printf '%s' "$OUT" | $PY -c "import json,sys; print(len(json.load(sys.stdin)))")" 0 "no high finding left open"
run "$KCERT" rating --org 4601 --format json
expect_out '"colour": "orange"' "the rating follows: orange with medium findings left"
t_end
