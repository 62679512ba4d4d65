#!/bin/sh
# test_scan_web.sh - the scanner's DNS, mail and web checks against real
# servers on loopback: nsd (test zones, one DNSSEC-signed, one with broken
# signatures), nginx (with and without HSTS, security headers, security.txt),
# SMTP servers with and without STARTTLS (aiosmtpd), a DNS server replying
# with wrong ids, and HTTP servers sending endless headers or dripping.
# Driven through tests/tools/webprobe (JSON lines).
. "$(dirname "$0")/lib.sh"
t_begin
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PROBE=${WEBPROBE:-$(dirname "$KCERT")/tests/tools/webprobe}
PY=/usr/bin/python3
D=$T_DIR
IP=127.61.$(( $$ % 200 + 20 ))
BASE=$(( 21000 + ($$ % 400) * 20 ))
DNS=$IP.53; DNSP=$BASE; FAKEP=$((BASE + 1))
WEB=$IP.20; HTTP=$((BASE + 2)); HTTPS=$((BASE + 3)); ENDLESS=$((BASE + 4)); DRIP=$((BASE + 5))
MX1=$IP.25; MX2=$IP.26; SMTP=$((BASE + 6))
PIDS=""
stop_all() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap 'stop_all; t_cleanup' EXIT
wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }

# --- zones --------------------------------------------------------------
zone() { # NAME then records on stdin
	{ printf '$ORIGIN %s.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A %s\n' "$1" "$DNS"; cat; } > "$D/$1.zone"
}
zone good.example <<EOF2
@ IN A $WEB
@ IN MX 10 mx
mx IN A $MX1
@ IN TXT "v=spf1 " "mx -all"
@ IN TXT "some-verification=abc"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@good.example"
_mta-sts IN TXT "v=STSv1; id=2024"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:t@good.example"
EOF2
zone bad.example <<EOF2
@ IN A $WEB
@ IN MX 10 mx
mx IN A $MX2
_dmarc IN TXT "v=DMARC1; p=none"
EOF2
zone plus.example <<EOF2
@ IN TXT "v=spf1 +all"
_dmarc IN TXT "v=DMARC1; p=quarantine; pct=50"
EOF2
zone chain.example <<EOF2
@ IN TXT "v=spf1 include:a.chain.example include:b.chain.example ~all"
a IN TXT "v=spf1 a mx ptr exists:e.chain.example include:c.chain.example -all"
c IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
b IN TXT "v=spf1 a mx a:x.chain.example mx:y.chain.example -all"
_dmarc IN TXT "v=DMARC1; p=reject"
EOF2
for z in signed bogus; do
	zone $z.example <<EOF2
@ IN A $WEB
@ IN TXT "v=spf1 -all"
_dmarc IN TXT "v=DMARC1; p=reject"
EOF2
	( cd "$D" && K=$(ldns-keygen -a ECDSAP256SHA256 -k $z.example) && Z=$(ldns-keygen -a ECDSAP256SHA256 $z.example) &&
	  ldns-signzone -n $([ $z = bogus ] && echo "-i 20190101000000 -e 20200101000000") -o $z.example $z.example.zone $K $Z && cat $K.ds >> "$D/ta.ds" ) || t_bad "signing $z.example"
done
# bogus.example is signed with signatures that expired in 2020: every answer is bogus.
{ printf 'server:\n  ip-address: %s@%s\n  zonesdir: "%s"\n  pidfile: "%s/nsd.pid"\n  database: ""\n  username: ""\n  logfile: "%s/nsd.log"\n  zonelistfile: "%s/zone.list"\n  xfrdir: "%s"\n  server-count: 1\nremote-control:\n  control-enable: no\n' "$DNS" "$DNSP" "$D" "$D" "$D" "$D" "$D"
  for z in good bad plus chain; do printf 'zone:\n  name: %s.example\n  zonefile: %s.example.zone\n' $z $z; done
  for z in signed bogus; do printf 'zone:\n  name: %s.example\n  zonefile: %s.example.zone.signed\n' $z $z; done; } > "$D/nsd.conf"
nsd -d -c "$D/nsd.conf" >"$D/nsd.out" 2>&1 & PIDS="$PIDS $!"
$PY "$(dirname "$0")/fake_dns.py" "$DNS" "$FAKEP" "$D/fake.ready" & PIDS="$PIDS $!"

# --- TLS certificate, SMTP and web servers ------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=good.example -keyout "$D/key.pem" -out "$D/cert.pem" \
	-addext "subjectAltName=DNS:good.example,DNS:bad.example,DNS:mx.good.example" >/dev/null 2>&1
$PY "$REPO/tests/smtp/mx.py" --host "$MX1" --port "$SMTP" --ready "$D/mx1.ready" --tls "$D/cert.pem" "$D/key.pem" & PIDS="$PIDS $!"
$PY "$REPO/tests/smtp/mx.py" --host "$MX2" --port "$SMTP" --ready "$D/mx2.ready" & PIDS="$PIDS $!"
$PY "$(dirname "$0")/hostile_http.py" "$WEB" "$ENDLESS" "$DRIP" "$D/hostile.ready" & PIDS="$PIDS $!"

mkdir -p "$D/www/good/.well-known" "$D/www/bad" "$D/www/expired/.well-known" "$D/www/nocontact/.well-known" "$D/www/owa/owa/auth"
echo good > "$D/www/good/index.html"; echo bad > "$D/www/bad/index.html"; echo x > "$D/www/expired/index.html"
echo '<a href="/vpn/index.html">Citrix Gateway</a>' > "$D/www/nocontact/index.html"
echo 'owa' > "$D/www/owa/owa/auth/logon.aspx"
cat > "$D/www/good/.well-known/security.txt" <<'EOF2'
-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

# security contact of good.example
Contact: mailto:security@good.example
Expires: 2030-01-01T00:00:00.000Z
Preferred-Languages: nb, en
-----BEGIN PGP SIGNATURE-----

iHUEARYIAB0WIQ==
-----END PGP SIGNATURE-----
EOF2
printf 'Contact: mailto:security@expired.example\nExpires: 2020-01-01T00:00:00Z\n' > "$D/www/expired/.well-known/security.txt"
{ printf 'Expires: 2030-01-01T00:00:00Z\nPolicy: https://nocontact.example/policy\n'; for i in $(seq 40); do echo "# padding padding padding padding padding padding"; done; } > "$D/www/nocontact/.well-known/security.txt"
HDRS='add_header Content-Security-Policy "default-src '"'"'self'"'"'; frame-ancestors '"'"'none'"'"'" always; add_header X-Content-Type-Options nosniff always; add_header Referrer-Policy strict-origin-when-cross-origin always;'
cat > "$D/nginx.conf" <<EOF2
daemon off;
pid $D/nginx.pid;
error_log $D/nginx-error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $D/tmp; proxy_temp_path $D/tmp; fastcgi_temp_path $D/tmp; uwsgi_temp_path $D/tmp; scgi_temp_path $D/tmp;
  ssl_certificate $D/cert.pem; ssl_certificate_key $D/key.pem;
  server { listen $WEB:$HTTP; server_name good.example; return 301 https://good.example:$HTTPS\$request_uri; }
  server { listen $WEB:$HTTP; server_name bad.example; root $D/www/bad; }
  server { listen $WEB:$HTTPS ssl; server_name good.example; root $D/www/good; server_tokens off;
           add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; $HDRS }
  server { listen $WEB:$HTTPS ssl; server_name bad.example; root $D/www/bad; server_tokens on; }
  server { listen $WEB:$HTTPS ssl; server_name expired.example; root $D/www/expired; server_tokens off;
           add_header Strict-Transport-Security "max-age=300" always; $HDRS }
  server { listen $WEB:$HTTPS ssl; server_name nocontact.example; root $D/www/nocontact; server_tokens off; $HDRS
           location /big { return 200 "\$request_id\$request_id"; } }
  server { listen $WEB:$HTTPS ssl; server_name owa.example; root $D/www/owa; server_tokens off; $HDRS
           add_header X-OWA-Version 15.2.1118.7 always; }
}
EOF2
mkdir -p "$D/tmp"
nginx -p "$D" -c "$D/nginx.conf" 2>"$D/nginx.out" & PIDS="$PIDS $!"
wait_file "$D/mx1.ready"; wait_file "$D/mx2.ready"; wait_file "$D/hostile.ready"; wait_file "$D/fake.ready"; wait_file "$D/nginx.pid"
sleep 0.3

R="--resolver $DNS@$DNSP --timeout 2000"
# finding CHECK TARGET [SEVERITY]: the last run reported it.
has() { printf '%s\n' "$OUT" | grep '"finding"' | grep "\"check\":\"$1\"" | grep "\"target\":\"$2\"" | grep -q "${3:-.}"; }
finding() { if has "$@"; then t_ok; else t_bad "$1 on $2 ${3:-} expected" "$OUT$ERR"; fi; }
no_finding() { if has "$1" "$2"; then t_bad "$1 on $2 not expected" "$OUT"; else t_ok; fi; }

# --- DNS ----------------------------------------------------------------
run "$PROBE" $R dns good.example TXT
expect_rc 0 "DNS lookup answers"
expect_out '"rr":\["some-verification=abc","v=spf1 mx -all"\]|"rr":\["v=spf1 mx -all","some-verification=abc"\]' "TXT character-strings are concatenated"
expect_out '"sec":"unknown"' "without a trust anchor the DNSSEC status is unknown"
run "$PROBE" $R dns good.example MX
expect_out '"rr":\["10 mx.good.example"\]' "MX preference and exchange parsed from wire data"
run "$PROBE" $R dns nothere.good.example A
expect_out '"rcode":3' "NXDOMAIN is reported as rcode 3"
run "$PROBE" $R --trust-anchor "$D/ta.ds" dns signed.example TXT
expect_out '"sec":"secure"' "a signed zone validates as secure against its trust anchor"
run "$PROBE" $R --trust-anchor "$D/ta.ds" dns bogus.example TXT
expect_out '"sec":"bogus"' "broken signatures are bogus"
run "$PROBE" $R --trust-anchor "$D/ta.ds" dns good.example A
expect_out '"sec":"insecure"' "an unsigned zone is insecure"
run "$PROBE" $R expand good.example
expect_out '"addr":\["'"$WEB"'"\]' "domain expansion gives its addresses"
expect_out '"mx":\[\{"addr":\["'"$MX1"'"\],"name":"mx.good.example","pref":10\}\]' "domain expansion gives MX hosts with addresses"
expect_out '"ns":\[\{"addr":\["'"$DNS"'"\],"name":"ns1.good.example"' "domain expansion gives NS hosts with addresses"
run "$PROBE" --resolver "$DNS@$FAKEP" --timeout 1500 dns good.example A
expect_rc 0 "a server answering with wrong ids does not fail the lookup"
expect_out '"timed_out":true' "answers with wrong ids are dropped: the lookup times out"
run "$PROBE" --resolver "not-an-ip@53" dns good.example A
expect_rc 1 "a malformed resolver is refused"
expect_err 'not ADDR or ADDR@PORT' "the error names the resolver format"

# --- mail ---------------------------------------------------------------
run "$PROBE" $R --trust-anchor "$D/ta.ds" mail good.example=$SMTP bad.example=$SMTP plus.example chain.example signed.example bogus.example
expect_rc 0 "mail checks run"
for c in spf dmarc mta-sts tls-rpt; do no_finding mail.$c good.example; done
finding mail.dnssec good.example '"severity":"low"'
no_finding mail.starttls "$MX1"
expect_out '"covered":\{"family":"mail","org":1,"port":'"$SMTP"',"target":"'"$MX1"'"\}' "an MX with STARTTLS is covered"
finding mail.spf bad.example '"severity":"medium".*No SPF record'
finding mail.dmarc bad.example 'DMARC policy is none'
finding mail.mta-sts bad.example
finding mail.tls-rpt bad.example
finding mail.starttls "$MX2" '"severity":"medium"'
finding mail.starttls "$MX2" '"host":"mx.bad.example"'
finding mail.spf plus.example '"severity":"high"'
finding mail.dmarc plus.example 'pct below 100'
finding mail.spf chain.example 'permerror'
if printf '%s\n' "$OUT" | grep '"mail.spf"' | grep chain.example | grep -Eq '"lookups":1[1-9]'; then t_ok; else t_bad "the SPF chain counts more than 10 lookups" "$OUT"; fi
no_finding mail.dnssec signed.example
finding mail.dnssec bogus.example '"severity":"high"'
expect_out '"covered":\{"family":"mail","org":1,"port":0,"target":"good.example"\}' "a checked domain is covered"
run "$PROBE" $R mail signed.example
no_finding mail.dnssec signed.example
run "$PROBE" --resolver "$DNS@$FAKEP" --timeout 1000 mail good.example
expect_rc 0 "mail checks survive a resolver that answers with wrong ids"
expect_no_out '"finding"|"covered"' "DNS timeouts give no verdict and close nothing"
# Nothing listening at the resolver (refused, SERVFAIL from libunbound): no verdict either.
run "$PROBE" --resolver "$IP.54@$((BASE + 8))" --timeout 3000 mail good.example bad.example
expect_rc 0 "mail checks survive a resolver that is not there"
expect_no_out '"finding"|"covered"' "a dead resolver opens no missing-record finding and covers nothing"

# --- web ----------------------------------------------------------------
NOW=1767225600 # 2026-01-01
run "$PROBE" --rate 50 --timeout 2000 --now $NOW web "$WEB,good.example,$HTTP,http" "$WEB,good.example,$HTTPS,https" \
	"$WEB,bad.example,$HTTP,http" "$WEB,bad.example,$HTTPS,https" "$WEB,expired.example,$HTTPS,https" \
	"$WEB,nocontact.example,$HTTPS,https" "$WEB,owa.example,$HTTPS,https"
expect_rc 0 "web checks run"
w() { printf '%s\n' "$OUT" | grep '"finding"' | grep "\"host\":\"$2\"" | grep "\"check\":\"$1\"" | grep "\"port\":$3" | grep -Eq "${4:-.}"; }
wf() { if w "$@"; then t_ok; else t_bad "$1 on $2:$3 ${4:-} expected" "$OUT$ERR"; fi; }
wn() { if w "$@"; then t_bad "$1 on $2:$3 not expected" "$OUT"; else t_ok; fi; }
for c in http.redirect http.hsts http.csp http.xfo http.xcto http.referrer http.securitytxt; do
	wn $c good.example $HTTPS; wn $c good.example $HTTP
done
wf http.redirect bad.example $HTTP 'does not redirect'
wf http.hsts bad.example $HTTPS '"severity":"medium"'
wf http.csp bad.example $HTTPS
wf http.xfo bad.example $HTTPS
wf http.xcto bad.example $HTTPS
wf http.referrer bad.example $HTTPS '"severity":"info"'
wf http.securitytxt bad.example $HTTPS 'No security.txt'
wf product.http bad.example $HTTPS '"cpe":"cpe:2.3:a:f5:nginx:1\.[0-9]+\.[0-9]+:'
wf product.http bad.example $HTTPS '"confidence":80'
wf product.http good.example $HTTPS '"confidence":30.*f5:nginx:\*:'
wf http.securitytxt expired.example $HTTPS 'has expired'
wn http.hsts expired.example $HTTPS
wf http.securitytxt nocontact.example $HTTPS 'no Contact'
wf product.http nocontact.example $HTTPS 'netscaler_gateway:\*.*"confidence":30|"confidence":30.*netscaler_gateway:\*'
wf product.http owa.example $HTTPS 'exchange_server:15\.2\.1118\.7'
expect_out '"covered":\{"family":"http","org":1,"port":'"$HTTPS"',"target":"'"$WEB"'"\}' "a reached endpoint is covered"
run "$PROBE" --rate 50 --timeout 2000 --now $NOW web "$WEB,bad.example,$HTTPS,https"
wf http.csp bad.example $HTTPS
wn http.hsts bad.example $HTTPS
# HSTS is not required when the host has no plain HTTP.
run "$PROBE" --rate 50 --timeout 2000 --now $NOW web "$WEB,expired.example,$HTTPS,https"
wn http.hsts expired.example $HTTPS
# Hostile servers: endless headers, a slow drip, a closed port: bounded, no verdict.
run "$PROBE" --rate 50 --timeout 1000 --max-read 16384 web "$WEB,-,$ENDLESS,http" "$WEB,-,$DRIP,http" "$WEB,-,$((BASE + 7)),http"
expect_rc 0 "hostile web servers do not fail the scan"
expect_no_out '"finding"|"covered"' "endless headers, slow drip and closed ports give no verdict"
# A body larger than max-read is cut, not read to the end.
run "$PROBE" --rate 50 --timeout 2000 --max-read 1200 --now $NOW web "$WEB,nocontact.example,$HTTPS,https"
wf http.securitytxt nocontact.example $HTTPS 'too large'
t_end
