#!/bin/sh
# test_scan.sh - kcert scan end to end against real servers on loopback:
# Debian's redis-server without auth on a registered address, a listener on an
# unregistered address that must never see a connection, the SMTP sink for the
# high finding's notice (exactly once), a rescan after the server stopped
# (fixed), comply-or-explain acceptance, the rating's colour, the run list.
. "$(dirname "$0")/lib.sh"
t_begin
D=$T_DIR
NET=127.78.$(( $$ % 200 + 20 ))
REDIS=$NET.1; QUIET=$NET.2; STRAY=$NET.9
PIDS=""
stop_all() { for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'stop_all; t_cleanup' EXIT
jq_count() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(len([r for r in d if $1]))"; }

run "$KCERT" init
expect_rc 0 "init"
"$KCERT" asset add 4601 host "$REDIS" >/dev/null
"$KCERT" asset add 4601 host "$QUIET" >/dev/null
"$KCERT" contact add 4601 --name "Kari Nordmann" --email kari@bergen.example --role security --lang nn >/dev/null
"$KCERT" contact add 4601 --name "Ola" --email ola@bergen.example --role it-operations --notices none >/dev/null

redis-server --bind "$REDIS" --port 6379 --protected-mode no --save '' --appendonly no --dir "$D" >"$D/redis.log" 2>&1 &
RPID=$!; PIDS="$PIDS $RPID"
# A listener on an address nobody registered: it records every connection.
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 6379)); s.listen(16)
open(sys.argv[2] + ".ready", "w").close()
while True:
    c, a = s.accept(); open(sys.argv[2], "a").write("connection from %s\n" % a[0]); c.close()
' "$STRAY" "$D/stray.log" &
PIDS="$PIDS $!"
i=0; while [ ! -f "$D/stray.log.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
i=0; while ! redis-cli -h "$REDIS" ping >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# Refused: an unregistered address, a name nobody registered; nothing is sent.
run "$KCERT" scan --ports 6379 "$STRAY"
expect_rc 2 "an unregistered target is refused"
expect_err "rule: unregistered" "the refusal names its rule"
run "$KCERT" scan --ports 6379 "$REDIS" "$STRAY"
expect_rc 2 "one refused target stops the whole scan"
run "$KCERT" scan --org 0301 --ports 6379 "$REDIS"
expect_rc 2 "a target of another organisation is refused with --org"
expect_err "rule: other-org" "other-org rule named"
run "$KCERT" scan --ports 6379 "$NET.0/30"
expect_rc 2 "a range by hand is refused"
if [ -s "$D/stray.log" ]; then t_bad "no packet reaches a refused target" "$(cat "$D/stray.log")"; else t_ok; fi
expect_eq "$("$KCERT" finding list --format json | jq_count True)" 0 "refused scans store no findings"

# Exclusions: only inside the organisation's assets, with a reason.
run "$KCERT" scan exclude 4601 "$STRAY" --reason "not ours"
expect_rc 2 "an exclusion outside the organisation's assets is refused"
run "$KCERT" scan exclude 4601 "$QUIET" --reason "fragile PLC, vendor forbids scanning"
expect_rc 0 "exclude a registered host"

# The scan: redis without auth is a high finding, mailed at once, once.
smtp_start "$D/smtp"
run "$KCERT" scan --org 4601 --ports 6379 --timeout-ms 1500
expect_rc 0 "scan --org"
expect_out "1 targets" "the excluded host is left out"
run "$KCERT" finding list --org 4601 --format json
expect_eq "$(printf '%s' "$OUT" | jq_count "r['check']=='service.redis' and r['severity']=='high' and r['status']=='open' and r['target']=='$REDIS'")" 1 "open high service.redis finding"
RID=$(printf '%s' "$OUT" | /usr/bin/python3 -c "import json,sys; print([r['id'] for r in json.load(sys.stdin) if r['check']=='service.redis'][0])")
run "$KCERT" rating --org 4601 --format json
expect_out '"colour": "red"' "rating red with a high finding"
run "$KCERT" worker --once
expect_rc 0 "worker delivers"
run "$KCERT" scan --org 4601 --ports 6379 --timeout-ms 1500
expect_out "0 opened" "second scan opens nothing"
run "$KCERT" worker --once
N=$(grep -l "Redis" "$D"/smtp/*.eml 2>/dev/null | wc -l)
expect_eq "$N" 1 "the high finding is mailed exactly once"
grep -q "kari@bergen.example" "$D"/smtp/*.eml && t_ok || t_bad "mailed to the subscribed contact"
grep -q "ola@bergen.example" "$D"/smtp/*.eml && t_bad "a contact with --notices none got mail" || t_ok
run sh -c "/usr/bin/python3 $(dirname "$0")/../smtp/show.py $D/smtp/*.eml"
expect_out "Alvorleg funn" "the notice is in the contact's language (nynorsk)"

# The server goes away: the rescan closes the finding as fixed.
kill "$RPID"; wait "$RPID" 2>/dev/null
run "$KCERT" scan --org 4601 --ports 6379 --timeout-ms 1500
expect_out "2 fixed" "rescan fixes it (the service and its product)"
run "$KCERT" finding list --org 4601 --status fixed --format json
expect_eq "$(printf '%s' "$OUT" | jq_count "r['id']==$RID")" 1 "service.redis fixed"
run "$KCERT" rating --org 4601 --format json
expect_out '"colour": "green"' "rating green again"
run "$KCERT" finding accept "$RID" --reason "x" --until 2099-01-01
expect_rc 2 "a fixed finding cannot be accepted"

# Back again: reopened, mailed again (a new opening), then accepted.
redis-server --bind "$REDIS" --port 6379 --protected-mode no --save '' --appendonly no --dir "$D" >"$D/redis.log" 2>&1 &
RPID=$!; PIDS="$PIDS $RPID"
i=0; while ! redis-cli -h "$REDIS" ping >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run "$KCERT" scan --org 4601 --ports 6379 --timeout-ms 1500
expect_out "2 reopened" "reopened (the service and its product)"
run "$KCERT" worker --once
expect_eq "$(grep -l "Redis" "$D"/smtp/*.eml | wc -l)" 2 "a reopening is a new notice"
UNTIL=$(date -u -d '+30 days' +%Y-%m-%d)
run "$KCERT" finding accept "$RID" --reason "Test redis, firewalled next week" --until "$UNTIL"
expect_rc 0 "accept"
run "$KCERT" finding accept "$RID" --reason "x" --until 2001-01-01
expect_rc 2 "a passed date is refused"
run "$KCERT" finding show "$RID"
expect_out "accepted" "history shows the acceptance"
expect_out "reopened" "history shows the reopening"
run "$KCERT" rating --org 4601 --format json
expect_out '"accepted": 1' "accepted counted apart"
expect_out '"colour": "green"' "an accepted finding does not colour the rating"
run "$KCERT" rating --format csv
expect_out "Oslo,0301,Oslo,grey" "an organisation with nothing registered is grey"
run "$KCERT" audit verify
expect_rc 0 "audit chain intact"
run "$KCERT" audit list --limit 200 --format csv
expect_out "finding.accepted" "acceptance audited"
expect_out "scan.exclude" "exclusion audited"

# Runs and schedules.
run "$KCERT" scan runs --format json
expect_out '"status": "done"' "runs listed"
run "$KCERT" scan schedule add --org 4601 --every 1d --checks service
expect_rc 0 "schedule add"
run "$KCERT" scan schedule list --format csv
expect_out "4601,service,86400" "schedule listed"
# The API: the CERT sees all; a municipality only its own.
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add bergen --role member --org 4601 --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add oslo --role member --org 0301 --password-stdin >/dev/null
TOK_ana=$("$KCERT" token create ana --expires 1d 2>/dev/null)
TOK_bergen=$("$KCERT" token create bergen --expires 1d 2>/dev/null)
TOK_oslo=$("$KCERT" token create oslo --expires 1d 2>/dev/null)
PORT=$(t_port)
URL="http://127.0.0.1:$PORT"
"$KCERT" serve --listen "127.0.0.1:$PORT" --no-worker >"$D/serve.out" 2>"$D/serve.err" &
PIDS="$PIDS $!"
for i in $(seq 1 200); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
cnt() { /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)['items']))"; }
expect_eq "$(curl -s -H "Authorization: Bearer $TOK_ana" "$URL/api/v1/findings?org=4601" | cnt)" 2 "the CERT sees the organisation's findings"
expect_eq "$(curl -s -H "Authorization: Bearer $TOK_bergen" "$URL/api/v1/findings?status=accepted" | cnt)" 1 "the municipality sees its own"
expect_eq "$(curl -s -H "Authorization: Bearer $TOK_oslo" "$URL/api/v1/findings" | cnt)" 0 "another municipality sees nothing"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_oslo" "$URL/api/v1/findings?org=4601")" 403 "asking for another's findings is forbidden"
run curl -s -H "Authorization: Bearer $TOK_oslo" "$URL/api/v1/ratings"
expect_out '"org":"0301"' "a municipality's rating is its own"
expect_no_out '"4601"' "and not another's"
expect_eq "$(curl -s -H "Authorization: Bearer $TOK_ana" "$URL/api/v1/ratings" | cnt)" 357 "the CERT's national table"
if [ -s "$D/stray.log" ]; then t_bad "the unregistered listener never saw a connection" "$(cat "$D/stray.log")"; else t_ok; fi
t_end
