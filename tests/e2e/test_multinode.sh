#!/bin/sh
# test_multinode.sh - two kcert serve nodes and three kcert worker processes
# on one store (PostgreSQL in the test command's PostgreSQL pass, a SQLite
# file otherwise): a session made on one node works on the other; the notices
# of twenty organisations are composed once each although five processes run
# the notice job at the same time, and delivered exactly once although one
# worker is killed with kill -9 in the middle.
. "$(dirname "$0")/lib.sh"
t_begin
"$KCERT" init >/dev/null || exit 1
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	"$KCERT" org add --kind iks --name "Node IKS $i" --slug node-$i >/dev/null
	"$KCERT" asset add node-$i cidr 10.$i.0.0/16 >/dev/null
	"$KCERT" contact add node-$i --name "Kontakt $i" --email kontakt$i@node.example >/dev/null
	echo "10.$i.0.1" >> "$T_DIR/list.txt"
done
"$KCERT" ingest --format list --classification vulnerable/vulnerable-system/open-rdp "$T_DIR/list.txt" >/dev/null
smtp_start "$T_DIR/mail" --delay 0.1
P1=$(t_port)
P2=$(t_port)
while [ "$P2" = "$P1" ]; do P2=$(t_port); done
"$KCERT" serve --listen "127.0.0.1:$P1" --worker-interval 1 >"$T_DIR/a.out" 2>"$T_DIR/a.err" &
A=$!
"$KCERT" serve --listen "127.0.0.1:$P2" --worker-interval 1 >"$T_DIR/b.out" 2>"$T_DIR/b.err" &
B=$!
W1= W2= W3=
trap 'kill $A $B $W1 $W2 $W3 2>/dev/null; t_cleanup' EXIT
"$KCERT" worker --interval 1 >"$T_DIR/w1.out" 2>&1 &
W1=$!
"$KCERT" worker --interval 1 >"$T_DIR/w2.out" 2>&1 &
W2=$!
"$KCERT" worker --interval 1 >"$T_DIR/w3.out" 2>&1 &
W3=$!
sleep 1.5
{ kill -9 $W2 && wait $W2; } 2>/dev/null
for i in $(seq 1 200); do
	curl -sf "http://127.0.0.1:$P1/healthz" >/dev/null && curl -sf "http://127.0.0.1:$P2/healthz" >/dev/null && break
	sleep 0.1
done
# Sessions live in the store: log in on A, use the session on B.
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" "http://127.0.0.1:$P1/login" >"$T_DIR/login.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login.html" | head -n 1)
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" --data "csrf=$csrf&name=ana&password=$pw" "http://127.0.0.1:$P1/login" >/dev/null
run curl -s -b "$T_DIR/jar" "http://127.0.0.1:$P2/api/v1/me"
expect_out '"name": ?"ana"' "a session made on one node works on the other"
for i in $(seq 1 150); do
	[ "$(grep -c . "$T_DIR/mail/received.log" 2>/dev/null)" -ge 20 ] && break
	sleep 0.2
done
sleep 2 # time for a duplicate to show, if there were one
kill $A $B $W1 $W3
wait $A $B $W1 $W3 2>/dev/null
# A message the killed worker had claimed waits for its lease to expire
# (5 minutes); a worker run later than that takes it over.
KCERT_NOW=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ) "$KCERT" worker --once >/dev/null 2>&1
smtp_stop
run "$KCERT" notify list --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | wc -l)" 20 "one notice per organisation, composed once"
expect_eq "$(wc -l < "$T_DIR/mail/received.log")" 20 "the two nodes' workers delivered twenty messages"
expect_eq "$(awk '{ print $1 }' "$T_DIR/mail/received.log" | sort -u | wc -l)" 20 "each exactly once"
run "$KCERT" outbox list --state sent --format csv
sent=$(printf '%s\n' "$OUT" | sed 1d | wc -l)
run "$KCERT" outbox list --state uncertain --format csv
uncertain=$(printf '%s\n' "$OUT" | sed 1d | wc -l)
expect_eq "$((sent + uncertain))" 20 "the outbox records all twenty as sent (or uncertain, if the kill hit the answer's window)"
t_end
