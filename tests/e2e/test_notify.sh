#!/bin/sh
# test_notify.sh - notices to municipalities end to end: events in, digests
# composed per contact and language, delivered to a real SMTP server
# (python3-aiosmtpd), repeat suppression, periods, acknowledgement, retries
# and permanent failures, and exactly-once delivery across kill -9 and
# concurrent workers.
. "$(dirname "$0")/lib.sh"
t_begin
FIX=$(cd "$(dirname "$0")/../fixtures/notify" && pwd)
export KCERT_NOW=2026-11-28T06:00:00Z
export KCERT_MAIL_FROM=varsling@kommunecert.example
export KCERT_BASE_URL=https://kcert.example

"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
"$KCERT" asset add 5001 cidr 203.0.113.0/24 >/dev/null
"$KCERT" contact add 0301 --name "Ola Nordmann" --email ola@oslo.example --lang nb >/dev/null
"$KCERT" contact add 0301 --name "IT Operations" --email drift@oslo.example --lang en --notices open-rdp >/dev/null
"$KCERT" contact add 4601 --name "Kari Vestland" --email kari@bergen.example --lang nn >/dev/null
for f in "$FIX"/2026-11-27-*.csv; do
	"$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$f" >/dev/null || exit 1
done

# A dry run composes everything and keeps nothing.
run "$KCERT" notify run --dry-run
expect_rc 0 "a dry run succeeds"
expect_out "would notify oslo <ola@oslo.example> \(nb\): 4 events, urgent" "the dry run names Oslo's bokmål contact with all four events"
expect_out "would notify oslo <drift@oslo.example> \(en\): 2 events" "the subscriber to open-rdp gets only the two RDP events"
expect_out "would notify bergen <kari@bergen.example> \(nn\): 1 events" "Bergen's nynorsk contact is named"
expect_out "1 with events and no contact" "Trondheim has events and nobody to tell"
run "$KCERT" outbox list --format csv
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "the dry run left nothing in the outbox"

smtp_start "$T_DIR/mail"
run "$KCERT" notify run
expect_rc 0 "notify run queues and delivers"
expect_out "3 notices with 7 events queued" "three notices, seven event rows"
expect_out "Outbox: 3 sent, 0 to retry later, 0 failed, 0 uncertain" "all three delivered"
expect_eq "$(ls "$T_DIR/mail"/*.eml | wc -l)" 3 "the SMTP server received three messages"
run smtp_show
expect_out "X-Envelope-To: ola@oslo.example" "Ola is a recipient"
expect_out "X-Envelope-To: drift@oslo.example" "the operations contact is a recipient"
expect_out "X-Envelope-To: kari@bergen.example" "Kari is a recipient"
expect_out "X-Envelope-From: varsling@kommunecert.example" "the envelope sender is KCERT_MAIL_FROM"
expect_out "Subject: \[KommuneCERT\] \[TLP:AMBER\] Varsel KC-V-2026-[0-9]{6}: 4 sikkerhetshendelser som gjelder Oslo" "a Norwegian subject with TLP and the reference"
expect_out "Subject: \[KommuneCERT\] \[TLP:AMBER\] Varsel KC-V-2026-[0-9]{6}: 1 tryggleikshendingar som gjeld Bergen" "a nynorsk subject for the nynorsk contact"
expect_out "Subject: \[KommuneCERT\] \[TLP:AMBER\] Notice KC-V-2026-[0-9]{6}: 2 security events concerning Oslo" "an English subject for the English contact"
expect_out "Auto-Submitted: auto-generated" "notices are marked as automatic (no auto-reply loops)"
expect_out "^TLP:AMBER" "the TLP label heads the body"
expect_out "== Infisert system \(haster\): 1 systemer ==" "the urgent infected system comes first, in bokmål"
expect_out "Hvorfor det er viktig: RDP er en av de vanligste" "why it matters, in bokmål"
expect_out "Hva dere bør gjøre: Steng RDP i brannmuren" "what to do, in bokmål"
expect_out "Kvifor det er viktig: RDP er ein av dei vanlegaste" "why it matters, in nynorsk"
expect_out "Kva de bør gjere: Steng RDP" "what to do, in nynorsk"
expect_out "What to do: Close RDP in the firewall" "what to do, in English"
expect_out "192.0.2.10 port 3389 \(rdp1.oslo.example\)  open-rdp" "the affected address, port and host are listed"
expect_out "https://kcert.example/notice/ack\?t=[0-9a-f]{32}" "a link to acknowledge"
expect_out "-- attachment oslo-2026-11-28.csv text/csv" "a CSV attachment named after the organisation"
expect_out "csv: time.source,time.last,source.ip,source.port,source.fqdn,source.url,source.asn,classification.taxonomy,classification.type,classification.identifier,feed.name,seen" "the CSV has IntelMQ's field names"
expect_out "csv: 2026-11-27T10:00:00Z,2026-11-27T10:00:00Z,192.0.2.50,51515,,/gate.php,64500,malicious-code,infected-system,avalanche-andromeda,shadowserver,1" "the infected system's row"
expect_out "csv: 2026-11-27T01:00:10Z,2026-11-27T01:00:10Z,198.51.100.20,3389,,,64502,vulnerable,vulnerable-system,open-rdp,shadowserver,1" "Bergen's row"
expect_no_out "203.0.113.5" "Trondheim's event reached nobody"
expect_no_out "X-Envelope-To: drift@oslo.example[^=]*open-smb" "the open-rdp subscriber got no SMB event"
# The English contact's message must not contain the SMB or sinkhole rows.
drift=$(grep -l "^X-Envelope-To: drift@oslo.example" "$T_DIR/mail"/*.eml)
run /usr/bin/python3 "$(dirname "$0")/../smtp/show.py" $drift
expect_no_out "open-smb|avalanche" "the open-rdp subscriber's notice has only RDP events"
expect_out "csv: .*192.0.2.11,3389" "and both RDP events"

# What went where is recorded.
run "$KCERT" notify list --format csv
expect_out "oslo,ola@oslo.example,nb,4,yes,sent" "notify list shows Ola's notice as sent and urgent"
expect_out "bergen,kari@bergen.example,nn,1,no,sent" "and Kari's"
REF=$(printf '%s\n' "$OUT" | grep kari@ | cut -d, -f2)
run "$KCERT" notify show "$REF"
expect_rc 0 "notify show by reference"
expect_out "^Events: [0-9]+$" "the notice lists its one event"
run "$KCERT" notify ack "$REF"
expect_rc 0 "a notice can be acknowledged"
run "$KCERT" notify list --format csv
expect_out "bergen,kari@bergen.example,nn,1,no,acknowledged" "the acknowledgement shows"
run "$KCERT" audit list --format csv
expect_out "notice.ack" "acknowledging is audited"
expect_out "notify.run" "the run is audited"

# A second run has nothing new.
run "$KCERT" notify run
expect_out "^0 notices" "nothing new, nothing sent"
expect_eq "$(ls "$T_DIR/mail"/*.eml | wc -l)" 3 "still three messages"

# Three days later: the same RDP problem again and a new one. Oslo is daily,
# its last digest two days old: due. The repeat is left out for both Oslo contacts.
export KCERT_NOW=2026-11-30T06:00:00Z
"$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$FIX/2026-11-30-scan_rdp-norway-geo.csv" >/dev/null
run "$KCERT" notify run
expect_out "2 notices with 2 events queued; 2 left out as repeats" "the repeat within 30 days is suppressed for each recipient"
expect_eq "$(ls "$T_DIR/mail"/*.eml | wc -l)" 5 "two more messages"
run /usr/bin/python3 "$(dirname "$0")/../smtp/show.py" "$T_DIR/mail/0004.eml" "$T_DIR/mail/0005.eml"
expect_out "192.0.2.13" "the new problem is notified"
expect_no_out "192.0.2.10" "the repeated one is not"

# Weekly period: new events wait; urgent ones do not.
"$KCERT" org set 4601 --notify weekly >/dev/null
db_sql "INSERT INTO event (org_id, feed_name, report, taxonomy, type, identifier, source_ip, source_port, time_source, time_last, time_observation, dedup_key) SELECT id, 'test', 'scan_rdp', 'vulnerable', 'vulnerable-system', 'open-rdp', '198.51.100.21', 3389, '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z', 'k1' FROM org WHERE code = '4601'"
run "$KCERT" notify run --org 4601
expect_out "^0 notices.*1 organisations not due yet" "a weekly organisation's digest waits"
run "$KCERT" notify run --org 4601 --force
expect_out "^1 notices with 1 events" "--force sends it now"

# Temporary failures are retried with backoff; permanent ones fail.
smtp_stop
smtp_start "$T_DIR/mail2" --tempfail 1 --reject kari@bergen.example
db_sql "INSERT INTO event (org_id, feed_name, report, taxonomy, type, identifier, source_ip, source_port, time_source, time_last, time_observation, dedup_key) SELECT id, 'test', 'scan_smb', 'vulnerable', 'vulnerable-system', 'open-smb', '192.0.2.99', 445, '2026-11-30T02:00:00Z', '2026-11-30T02:00:00Z', '2026-11-30T02:00:00Z', 'k2' FROM org WHERE code = '0301'"
run "$KCERT" notify run --force
expect_rc 0 "a temporary failure is not an error of the run"
expect_out "Outbox: 0 sent, 1 to retry later, 0 failed" "451 means: try again later"
run "$KCERT" outbox list --state queued --format csv
expect_out "notice,KC-V-2026-[0-9]+,ola@oslo.example,queued,1,2026-11-30T06:01:00Z,,.*451" "the next attempt is a minute later, the error kept"
run "$KCERT" worker --once
expect_out "Outbox: 0 sent, 0 to retry later" "not yet due: nothing is tried"
KCERT_NOW=2026-11-30T06:02:00Z run "$KCERT" worker --once
expect_out "Outbox: 1 sent" "the retry goes out when due"
db_sql "INSERT INTO event (org_id, feed_name, report, taxonomy, type, identifier, source_ip, source_port, time_source, time_last, time_observation, dedup_key) SELECT id, 'test', 'scan_smb', 'vulnerable', 'vulnerable-system', 'open-smb', '198.51.100.99', 445, '2026-11-30T02:00:00Z', '2026-11-30T02:00:00Z', '2026-11-30T02:00:00Z', 'k3' FROM org WHERE code = '4601'"
run "$KCERT" notify run --force --org 4601
expect_rc 1 "a permanent failure makes the run exit 1"
expect_out "0 sent, 0 to retry later, 1 failed" "550 fails for good"
run "$KCERT" outbox list --state failed --format csv
expect_out "kari@bergen.example,failed,1,,,.*550" "the failed message shows with the server's answer"
FAILED=$(printf '%s\n' "$OUT" | sed -n 2p | cut -d, -f1)
run "$KCERT" outbox retry "$FAILED"
expect_rc 0 "an operator can queue a failed message again"
run "$KCERT" outbox retry "$FAILED"
expect_rc 2 "a queued message cannot be retried"
smtp_stop

# Crash: kill -9 the worker while it delivers; run it again; every message
# arrives exactly once. The server waits after storing each message before it
# answers, so a kill lands most likely in the window where the message arrived
# but its sender never heard: such a row becomes "uncertain", never resent.
# The retried message to Kari goes out too; only the crash organisations' count.
i=0
while [ $i -lt 12 ]; do
	i=$((i + 1))
	"$KCERT" org add --kind iks --name "Crash IKS $i" --slug crash-$i >/dev/null
	"$KCERT" asset add crash-$i cidr 10.$i.0.0/16 >/dev/null
	"$KCERT" contact add crash-$i --name "Kontakt $i" --email kontakt$i@crash.example >/dev/null
	echo "10.$i.0.1" >> "$T_DIR/crash.txt"
done
"$KCERT" ingest --format list --classification malicious-code/infected-system/botnet "$T_DIR/crash.txt" >/dev/null
run "$KCERT" notify run --no-send
expect_out "^12 notices" "twelve notices queued"
smtp_start "$T_DIR/mail3" --delay 0.4
"$KCERT" worker --once >/dev/null 2>&1 &
W=$!
sleep 2
{ kill -9 $W && wait $W; } 2>/dev/null
before=$(grep -c "@crash.example" "$T_DIR/mail3/received.log")
[ "$before" -gt 0 ] && [ "$before" -lt 12 ] && t_ok || t_bad "the kill came mid-way ($before of 12 received)"
# Later than the lease: the dead worker's claims expire.
KCERT_NOW=2026-11-30T06:20:00Z run "$KCERT" worker --once
smtp_stop
dups=$(awk '{ print $1 }' "$T_DIR/mail3/received.log" | sort | uniq -d | wc -l)
expect_eq "$dups" 0 "no message was received twice"
expect_eq "$(grep -c "@crash.example" "$T_DIR/mail3/received.log")" 12 "all twelve arrived"
run "$KCERT" outbox list --format csv
expect_no_out ",queued,|,sending," "nothing is left queued or in flight"
sent=$(printf '%s\n' "$OUT" | grep "@crash.example" | grep -c ",sent,")
uncertain=$(printf '%s\n' "$OUT" | grep "@crash.example" | grep -c ",uncertain,")
expect_eq "$((sent + uncertain))" 12 "each message is sent or, if the kill hit the answer's window, uncertain"
# Every sent row's Message-ID was received exactly once.
if [ "$T_ENGINE" = sqlite ]; then
	ids=$(sqlite3 "$KCERT_DB" "SELECT message_id FROM outbox WHERE state IN ('sent', 'uncertain') AND rcpt LIKE '%@crash.example'")
else
	ids=$(psql -X -A -t "$KCERT_DB" -c "SELECT message_id FROM outbox WHERE state IN ('sent', 'uncertain') AND rcpt LIKE '%@crash.example'")
fi
missing=0
for id in $ids; do
	[ "$(grep -c "^<$id>" "$T_DIR/mail3/received.log")" -eq 1 ] || missing=$((missing + 1))
done
expect_eq "$missing" 0 "each recorded message was received exactly once"

# Two workers at once never send the same message.
db_sql "DELETE FROM notice_event WHERE notice_id IN (SELECT n.id FROM notice n JOIN org o ON o.id = n.org_id WHERE o.slug LIKE 'crash-%')"
db_sql "DELETE FROM notify_state WHERE org_id IN (SELECT id FROM org WHERE slug LIKE 'crash-%')"
run "$KCERT" notify run --no-send --force
expect_out "^12 notices" "twelve notices queued again"
smtp_start "$T_DIR/mail4" --delay 0.05
"$KCERT" worker --once >/dev/null 2>&1 &
W1=$!
"$KCERT" worker --once >/dev/null 2>&1 &
W2=$!
wait $W1 $W2
smtp_stop
expect_eq "$(awk '{ print $1 }' "$T_DIR/mail4/received.log" | sort -u | wc -l)" 12 "two workers delivered twelve distinct messages"
expect_eq "$(wc -l < "$T_DIR/mail4/received.log")" 12 "and none twice"
t_end
