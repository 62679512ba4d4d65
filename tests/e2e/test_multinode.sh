#!/bin/sh
# test_multinode.sh - two kcert serve nodes on one store (PostgreSQL in the
# test command's PostgreSQL pass, a SQLite file otherwise), each with its
# worker thread: a session made on one node works on the other, and the
# outbox they share delivers each message exactly once.
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
run "$KCERT" notify run --no-send
expect_out "^20 notices" "twenty notices queued"
smtp_start "$T_DIR/mail" --delay 0.05
P1=$((20000 + ($$ * 13 + 1) % 30000))
P2=$((P1 + 1))
"$KCERT" serve --listen "127.0.0.1:$P1" --worker-interval 1 >"$T_DIR/a.out" 2>"$T_DIR/a.err" &
A=$!
"$KCERT" serve --listen "127.0.0.1:$P2" --worker-interval 1 >"$T_DIR/b.out" 2>"$T_DIR/b.err" &
B=$!
trap 'kill $A $B 2>/dev/null; t_cleanup' EXIT
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
kill $A $B
wait $A $B 2>/dev/null
smtp_stop
expect_eq "$(wc -l < "$T_DIR/mail/received.log")" 20 "the two nodes' workers delivered twenty messages"
expect_eq "$(awk '{ print $1 }' "$T_DIR/mail/received.log" | sort -u | wc -l)" 20 "each exactly once"
run "$KCERT" outbox list --state sent --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | wc -l)" 20 "the outbox records all twenty as sent"
t_end
