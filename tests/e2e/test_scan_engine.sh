#!/bin/sh
# test_scan_engine.sh - the scan engine (src/scan/engine.c) against real
# servers on loopback: redis-server with and without a password, openssl
# s_server with good, self-signed, weak and TLS 1.0 certificates, small Python
# listeners speaking the RDP/SMB/Telnet/FTP/VNC/MySQL/Modbus/S7/BACnet
# handshakes and SMTP STARTTLS, and hostile servers (endless banner, one byte
# a second, garbage TLS records, silence). Driven through tests/tools/scanprobe.
# Binds ports below 1024 on 127.$E.x.y, so it runs as root (as the suite does).
. "$(dirname "$0")/lib.sh"
t_begin
# The second octet from the process id: the ASan and PostgreSQL passes run this
# test side by side, each on its own addresses.
E=$(( $$ % 50 + 150 ))

REPO=$(cd "$(dirname "$0")/../.." && pwd)
PROBE=${SCANPROBE:-$(dirname "$KCERT")/tests/tools/scanprobe}
PY=/usr/bin/python3
PIDS=""
stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	t_cleanup
}
trap stop_all EXIT

# --- certificates, made now in the test's directory -----------------------
P="$T_DIR/pki"
mkdir -p "$P"
ossl() { openssl "$@" >/dev/null 2>&1 || { echo "openssl $1 failed" >&2; exit 1; }; }
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -days 3650 -subj "/CN=kcert test CA"
printf 'subjectAltName=DNS:good.test\n' >"$P/san.ext"
ossl req -newkey rsa:2048 -nodes -keyout "$P/good.key" -out "$P/good.csr" -subj "/CN=good.test"
ossl x509 -req -in "$P/good.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -out "$P/good.pem" -days 365 -extfile "$P/san.ext"
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$P/self.key" -out "$P/self.pem" -days 365 -subj "/CN=self.test"
ossl req -newkey rsa:1024 -nodes -keyout "$P/weak.key" -out "$P/weak.csr" -subj "/CN=weak.test"
/usr/bin/python3 -c "print('subjectAltName=' + ','.join('DNS:h%05d.a-rather-long-municipality-name.kommune.test' % i for i in range(3000)))" >"$P/huge.ext"
ossl req -newkey rsa:2048 -nodes -keyout "$P/huge.key" -out "$P/huge.csr" -subj "/CN=huge.test"
ossl x509 -req -in "$P/huge.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -out "$P/huge.pem" -days 30 -extfile "$P/huge.ext"
ossl x509 -req -sha1 -in "$P/weak.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -out "$P/weak.pem" -days 7 -extfile "$P/san.ext"

# --- servers ---------------------------------------------------------------
bg() { "$@" </dev/null >/dev/null 2>&1 & PIDS="$PIDS $!"; }
bg redis-server --bind 127.$E.1.1 --port 6379 --save '' --appendonly no
bg redis-server --bind 127.$E.1.2 --port 6379 --save '' --appendonly no --requirepass kcert-test-secret
bg openssl s_server -accept 127.$E.2.1:443 -cert "$P/good.pem" -key "$P/good.key" -www -quiet
bg openssl s_server -accept 127.$E.2.2:443 -cert "$P/self.pem" -key "$P/self.key" -www -quiet
bg openssl s_server -accept 127.$E.2.3:443 -cert "$P/good.pem" -key "$P/good.key" -www -quiet -cipher 'ALL:@SECLEVEL=0' -min_protocol TLSv1
bg openssl s_server -accept 127.$E.2.4:443 -cert "$P/weak.pem" -key "$P/weak.key" -www -quiet -cipher 'ALL:@SECLEVEL=0' -max_protocol TLSv1.2
bg openssl s_server -accept 127.$E.2.5:443 -cert "$P/huge.pem" -key "$P/huge.key" -www -quiet
LOG="$T_DIR/listeners.log"
LISTENER_CERT="$P/good.pem" LISTENER_KEY="$P/good.key" \
	$PY "$REPO/tests/scan/listeners.py" "$LOG" \
	rdp@127.$E.3.1:3389 smb1@127.$E.3.1:445 telnet@127.$E.3.1:23 ftp@127.$E.3.1:21 ssh@127.$E.3.1:22 \
	vnc@127.$E.3.1:5900 mysql@127.$E.3.1:3306 modbus@127.$E.3.1:502 s7@127.$E.3.1:102 \
	bacnet@127.$E.3.1:47808 smb@127.$E.3.2:445 smtp-starttls@127.$E.3.3:25 \
	memcached@127.$E.3.4:11211 elastic@127.$E.3.4:9200 elastic-auth@127.$E.3.5:9200 pgsql@127.$E.3.4:5432 \
	mssql@127.$E.3.4:1433 mongodb@127.$E.3.4:27017 dnp3@127.$E.3.4:20000 \
	endless@127.$E.4.1:21 drip@127.$E.4.1:25 silent@127.$E.4.1:23 garbage-tls@127.$E.4.1:443 \
	>"$T_DIR/listeners.out" 2>&1 &
PIDS="$PIDS $!"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	grep -q ready "$T_DIR/listeners.out" 2>/dev/null && redis-cli -h 127.$E.1.2 ping >/dev/null 2>&1 && break
	sleep 0.2
done

# j FILTER: lines of $OUT where the jq-like grep patterns all match.
has() { printf '%s\n' "$OUT" | grep -F "$1" | grep -F "$2" | grep -Fq "${3:-}"; }
check() { if has "$1" "$2" "${3:-}"; then t_ok; else t_bad "$4" "$OUT"; fi; }

# --- ports and services ----------------------------------------------------
run "$PROBE" --no-limit --timeout 1500 --retries 0 127.$E.1.1 127.$E.1.2=cache.kommune.test \
	127.$E.3.1 127.$E.3.2 127.$E.3.4 127.$E.3.5 127.$E.4.1 127.$E.9.9
expect_rc 0 "the port scan completes"
check '"check":"service.redis"' '"target":"127.'"$E"'.1.1"' '"severity":"high"' "Redis without a password is high"
check '"target":"127.'"$E"'.1.1"' '"auth_required":false' '' "Redis without a password: evidence says no auth"
check '"check":"product.redis"' '"cpe":"cpe:2.3:a:redis:redis:' '' "the Redis version becomes a CPE"
check '"check":"service.redis"' '"target":"127.'"$E"'.1.2"' '"severity":"medium"' "Redis with requirepass is medium"
check '"target":"127.'"$E"'.1.2"' '"auth_required":true' '"host":"cache.kommune.test"' "Redis NOAUTH evidence, with the host name"
check '"check":"service.rdp"' '"selected_protocol":"hybrid"' '"confidence":95' "RDP confirmed by X.224 negotiation"
check '"check":"service.smb"' '"dialect":"3.1.1"' '"target":"127.'"$E"'.3.2"' "SMB2 dialect from NEGOTIATE"
check '"check":"service.smbv1"' '"target":"127.'"$E"'.3.1"' '"severity":"high"' "SMBv1 offered is reported"
if has '"check":"service.smbv1"' '"target":"127.'"$E"'.3.2"'; then t_bad "SMBv1 reported where it is off" "$OUT"; else t_ok; fi
check '"check":"service.telnet"' '"handshake":"IAC option negotiation"' '"target":"127.'"$E"'.3.1"' "Telnet confirmed by IAC"
check '"check":"service.ftp"' '"anonymous_login":"not tried"' '"confidence":95' "FTP confirmed by its 220 banner"
check '"check":"product.vsftpd"' '"cpe":"cpe:2.3:a:vsftpd_project:vsftpd:3.0.3:' '"confidence":30' "vsftpd banner without patch level: confidence 30"
check '"check":"product.openssh"' '"cpe":"cpe:2.3:a:openbsd:openssh:9.2:p1:' '"confidence":80' "OpenSSH with Debian patch level: confidence 80"
check '"check":"service.vnc"' '"rfb_version":"003.008"' '' "VNC RFB version"
check '"check":"product.mariadb"' '"patch_level":"0+deb12u1"' '"severity":"info"' "MariaDB greeting version"
check '"check":"service.modbus"' '"confirmed":true' '' "Modbus device identification"
check '"check":"service.s7"' '"handshake":"COTP Connection Confirm"' '' "S7 COTP connection confirm"
check '"check":"service.bacnet"' '"transport":"udp"' '"confirmed":true' "BACnet Who-Is over UDP"
check '"check":"service.memcached"' '"confirmed":true' '"severity":"high"' "memcached version command"
check '"check":"product.memcached"' '"cpe":"cpe:2.3:a:memcached:memcached:1.6.18:' '' "memcached version as CPE"
check '"check":"service.elasticsearch"' '"target":"127.'"$E"'.3.4"' '"auth_required":false' "Elasticsearch open: high"
check '"check":"product.elasticsearch"' '"cpe":"cpe:2.3:a:elastic:elasticsearch:7.17.0:' '"confidence":80' "Elasticsearch version"
check '"check":"service.elasticsearch"' '"target":"127.'"$E"'.3.5"' '"severity":"medium"' "Elasticsearch behind a password: medium"
check '"check":"service.postgresql"' '"ssl":false' '"confirmed":true' "PostgreSQL SSLRequest answered N"
check '"check":"service.mssql"' '"version":"15.0.2000"' '' "MSSQL PRELOGIN version"
check '"check":"service.mongodb"' '"handshake":"isMaster reply"' '' "MongoDB isMaster"
check '"check":"service.dnp3"' '"handshake":"link status reply"' '' "DNP3 link status"
check '"type":"port"' '"ip":"127.'"$E"'.4.1","port":443' '"tls":false' "garbage TLS: port open, no TLS"
check '"check":"service.ftp"' '"target":"127.'"$E"'.4.1"' '"cut_at_max_read":true' "endless banner stops at max_read"
check '"type":"port"' '"ip":"127.'"$E"'.4.1","port":25' '' "slow-drip server reported"
check '"check":"service.telnet"' '"target":"127.'"$E"'.4.1"' '"confidence":30' "silent telnet port: open, unconfirmed, confidence 30"
check '"type":"covered"' '"target":"127.'"$E"'.3.1"' '"family":"service"' "reachable targets are covered"
# Refusing every port is an answer: the target is covered (its findings can close).
check '"type":"covered"' '"target":"127.'"$E"'.9.9"' '"family":"service"' "a target refusing every port is covered"
if printf '%s\n' "$OUT" | grep -q '"ip":"127.'"$E"'.9.9"'; then t_bad "ports reported on a target with nothing listening" "$OUT"; else t_ok; fi
# Never logs in: the FTP and Telnet listeners saw no USER/PASS, no login text.
if grep -E '^(ftp|telnet) ' "$LOG" | awk '{print $3}' | grep -Eiq '55534552|50415353|616e6f6e796d6f7573'; then
	t_bad "the scanner sent a login" "$(cat "$LOG")"
else t_ok; fi
if grep -q '^rdp 127.'"$E"'.3.1:3389 0300001300e0' "$LOG" || grep -q '^rdp 127.'"$E"'.3.1:3389 030000130ee0' "$LOG"; then t_ok; else t_bad "RDP listener saw an X.224 CR" "$(cat "$LOG")"; fi

check '"type":"covered"' '"family":"product"' '"port":22,"target":"127.'"$E"'.3.1"' "products covered per port"
if has '"family":"product"' '"port":443,'; then t_bad "products covered on HTTPS ports (the web checks own them)" "$OUT"; else t_ok; fi

# A target that is not an IP literal is refused with a message naming it.
run "$PROBE" --no-limit 'mail.kommune.test'
expect_rc 1 "a host name given as an address is refused"
expect_err 'not a numeric IP address: mail.kommune.test' "the refusal names the bad target"

# --- slow drip: the deadline bounds the probe, not the bytes ---------------
run "$PROBE" --no-limit --timeout 1000 --retries 0 --ports 25 127.$E.4.1
check '"type":"port"' '"port":25' '"banner":"2' "drip: partial banner kept"
if printf '%s\n' "$OUT" | grep '"port":25' | grep -q 'slow server'; then t_bad "drip read past its deadline" "$OUT"; else t_ok; fi

# --- per-IP request limit: at most R handshakes per second per IP ----------
# Seven handshakes (SMB has two) at 2/s with a burst of 2 cannot span less
# than 2.5 s of the listener's own clock; allow for its resolution.
SKIP=$(wc -l <"$LOG")
run "$PROBE" --timeout 1500 --retries 0 --rate 2 --connect-rate 100 --ports 3389,445,23,21,22,5900 127.$E.3.1
N=$(grep -c '"type":"port"' "$T_DIR/out")
[ "$N" -eq 6 ] && t_ok || t_bad "six services found with limits on ($N)" "$OUT"
SPAN=$(tail -n +"$((SKIP + 1))" "$LOG" | awk '$1 == "accept" && $2 ~ /^127\.'"$E"'\.3\.1:/ { n++; t[n] = $4 }
	END { if (n < 13) { print "n=" n; exit } print (t[n] - t[7] >= 2.2) ? "ok" : "fast " t[n] - t[7] }')
# 6 sweep connections (not handshakes) come first, then 7 handshakes.
[ "$SPAN" = ok ] && t_ok || t_bad "per-IP rate limit respected ($SPAN)" "$(tail -n +"$((SKIP + 1))" "$LOG")"

# --- TLS -------------------------------------------------------------------
run "$PROBE" --tls --rate 50 --connect-rate 50 --timeout 1500 --retries 0 --ca "$P/ca.pem" \
	good.test@127.$E.2.1:443 127.$E.2.2:443 good.test@127.$E.2.3:443 other.test@127.$E.2.4:443 \
	127.$E.4.1:443 127.$E.4.1:23 127.$E.9.9:443
expect_rc 0 "the TLS scan completes"
check '"type":"tls"' '"ip":"127.'"$E"'.2.1"' '"versions":["TLSv1.2","TLSv1.3"]' "good server: 1.2 and 1.3 only"
check '"type":"tls"' '"ip":"127.'"$E"'.2.1"' '"trusted":true' "good chain trusted via opts->ca_file"
if has '"type":"finding"' '"target":"127.'"$E"'.2.1"'; then t_bad "findings on the good server" "$OUT"; else t_ok; fi
check '"check":"tls.self_signed"' '"target":"127.'"$E"'.2.2"' '' "self-signed certificate"
check '"check":"tls.protocol"' '"target":"127.'"$E"'.2.3"' '"offered":["TLSv1.0","TLSv1.1","TLSv1.2","TLSv1.3"]' "TLS 1.0/1.1 offered: finding lists all versions"
check '"check":"tls.key"' '"target":"127.'"$E"'.2.4"' '"key_bits":1024' "RSA 1024 is weak"
check '"check":"tls.signature"' '"target":"127.'"$E"'.2.4"' '"signature":"sha1WithRSAEncryption"' "SHA-1 signature is weak"
check '"check":"tls.hostname"' '"host":"other.test"' '' "host name mismatch"
check '"check":"tls.expiry"' '"target":"127.'"$E"'.2.4"' '"severity":"medium"' "expires within 14 days: warning"
check '"type":"tls"' '"ip":"127.'"$E"'.4.1","key_bits":0' '"handshake":false' "garbage TLS records: no handshake, no crash"
check '"type":"tls"' '"ip":"127.'"$E"'.9.9"' '"reached":false' "nothing listening: not reached"
if has '"type":"covered"' '"target":"127.'"$E"'.9.9"'; then t_bad "unreached endpoint covered" "$OUT"; else t_ok; fi

# A 200 KB certificate: over max_read (64 KiB), the handshake is refused, bounded.
run "$PROBE" --tls --no-limit --timeout 1500 --retries 0 127.$E.2.5:443
check '"type":"tls"' '"ip":"127.'"$E"'.2.5"' '"handshake":false' "huge certificate refused at max_read"
run "$PROBE" --tls --no-limit --timeout 1500 --retries 0 --max-read 400000 --ca "$P/ca.pem" 127.$E.2.5:443
check '"type":"tls"' '"ip":"127.'"$E"'.2.5"' '"trusted":true' "the same certificate read when max_read allows it"

NOW=$(( $(date +%s) + 400 * 86400 ))
run "$PROBE" --tls --rate 50 --connect-rate 50 --timeout 1500 --ca "$P/ca.pem" --now "$NOW" good.test@127.$E.2.1:443
check '"check":"tls.expiry"' '"severity":"high"' '"target":"127.'"$E"'.2.1"' "expired against opts->now: high"

# STARTTLS on an MX (as the mail checks call it).
run "$PROBE" --tls --starttls smtp --rate 50 --connect-rate 50 --timeout 1500 --ca "$P/ca.pem" good.test@127.$E.3.3:25
check '"type":"tls"' '"port":25' '"handshake":true' "SMTP STARTTLS then TLS"
check '"type":"covered"' '"family":"tls"' '"port":25' "STARTTLS endpoint covered"

# IPv6 loopback: a closed port is reachable and nothing is reported open.
run "$PROBE" --no-limit --timeout 1000 --ports 1,2,3 ::1
expect_rc 0 "IPv6 target scanned"
check '"type":"covered"' '"target":"::1"' '' "IPv6 target covered"

t_end
