#!/bin/sh
# kcert ingest and kcert event: Shadowserver reports into attributed,
# deduplicated events; bad lines quarantined with their line numbers; a file
# ingested twice changes nothing; IntelMQ field names in exports.
. "$(dirname "$0")/lib.sh"
t_begin
FIX="$(cd "$(dirname "$0")/.." && pwd)/fixtures/shadowserver"
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 2001:db8:4601::/48 >/dev/null
"$KCERT" asset add 4601 domain bergen.kommune.no >/dev/null
"$KCERT" org add --kind iks --name "Sør-Rogaland IKT" --slug sr-ikt --serves 1103 >/dev/null
"$KCERT" asset add sr-ikt cidr 198.51.100.0/24 >/dev/null
Q="$T_DIR/quarantine.tsv"

run "$KCERT" ingest --quarantine "$Q" "$FIX/2026-11-27-scan_rdp-norway-geo.csv"
expect_rc 1 "ingest with bad lines exits 1"
expect_out "\(scan_rdp\): 8 lines, 3 new events, 1 merged duplicates, 1 unattributed \(dropped\), 3 quarantined" "the summary counts every kind of line"
expect_err "3 lines were quarantined" "and says where the quarantined lines went"
expect_eq "$(cut -f2 "$Q" | tr '\n' ' ')" "5 6 9 " "the quarantine names lines 5, 6 and 9"
run grep -c "not an IP address" "$Q"
expect_eq "$OUT" "1" "line 5: the bad address is the reason"
run grep -c "field timestamp" "$Q"
expect_eq "$OUT" "1" "line 6: the bad time is the reason"
run grep -c "unterminated,rdp" "$Q"
expect_eq "$OUT" "1" "the quarantine keeps the line itself"

run "$KCERT" event list --format json
expect_eq "$(printf '%s\n' "$OUT" | grep -c '"time.source"')" "3" "three events stored"
expect_out '"classification.identifier": "open-rdp"' "classified with IntelMQ's identifier"
expect_out '"classification.taxonomy": "vulnerable"' "RSIT taxonomy"
run "$KCERT" event list --org 0301 --format csv
expect_out "^2026-11-27T01:02:03Z,192.0.2.10,3389,rdp.oslo-eksempel.no,64500,vulnerable,vulnerable-system,open-rdp,shadowserver,oslo,2,2026-11-27T05:00:00Z$" "the repeat within 24 h merged: seen 2, last seen updated"
run "$KCERT" event list --org 4601 --format csv
expect_out "2001:db8:4601::25,3389" "IPv6 attributed to Bergen"
run "$KCERT" event list --org sr-ikt --format csv
expect_out "198.51.100.20,3389" "an IKS range attributed to the IKS"
run "$KCERT" event list --format csv
expect_no_out "203.0.113.7" "an address nobody owns is dropped"

# The same file again: a no-op.
run "$KCERT" ingest --quarantine "$Q" "$FIX/2026-11-27-scan_rdp-norway-geo.csv"
expect_rc 0 "ingesting the same file again succeeds"
expect_out "already ingested" "and does nothing"
run "$KCERT" event list --format json
expect_eq "$(printf '%s\n' "$OUT" | grep -c '"time.source"')" "3" "still three events"

# Sinkhole: the identifier from the tag; attribution by host name when the address is not registered.
run "$KCERT" ingest --quarantine "$Q" "$FIX/2026-11-27-event4_sinkhole_http-norway.csv"
expect_rc 0 "sinkhole report"
run "$KCERT" event list --type avalanche-andromeda --format csv
expect_out "192.0.2.50,51515,,64500,malicious-code,infected-system,avalanche-andromeda,shadowserver,oslo" "the tag gives the malware family"
run "$KCERT" event list --type qsnatch --format csv
expect_out "10.1.2.3,51516,pc17.intern.bergen.kommune.no,,malicious-code,infected-system,qsnatch,shadowserver,bergen" "attributed by host name; AS 0 means unknown"

# --keep-unattributed, --report, unknown types, missing files.
cp "$FIX/2026-11-27-scan_rdp-norway-geo.csv" "$T_DIR/rdp-copy.csv"
printf '\n' >> "$T_DIR/rdp-copy.csv"
run "$KCERT" ingest --report scan_rdp --keep-unattributed --quarantine "$Q" "$T_DIR/rdp-copy.csv"
expect_out "1 unattributed \(kept\)" "--keep-unattributed keeps the unowned line"
run "$KCERT" event list --format csv
expect_out "203.0.113.7,3389" "and it is stored without an organisation"
run "$KCERT" ingest "$T_DIR/rdp-copy.csv" --report scan_nothing
expect_rc 2 "an unknown report type is refused"
run "$KCERT" ingest "$T_DIR/nothing.csv" --report scan_rdp
expect_rc 2 "a missing file is refused"
run "$KCERT" ingest "$T_DIR/rdp-copy.csv"
expect_rc 2 "a file name without a report type needs --report"
expect_err "give --report" "and says so"
run "$KCERT" audit verify
expect_rc 0 "the audit chain holds"

# A plain list: classification from the command line, defanged URLs, comments.
LIST="$(cd "$(dirname "$0")/.." && pwd)/fixtures/blocklist.txt"
run "$KCERT" ingest --format list --quarantine "$Q.list" "$LIST"
expect_rc 2 "a list without a classification is refused"
expect_err "classification" "and says what is missing"
run "$KCERT" ingest --format list --classification other/blacklist/blacklisted-ip --feed partner-list --quarantine "$Q.list" "$LIST"
expect_rc 1 "a list with bad lines exits 1"
expect_out "8 lines, 4 new events, 1 merged duplicates, 1 unattributed \(dropped\), 2 quarantined" "every list line is accounted for"
expect_eq "$(cut -f2 "$Q.list" | tr '\n' ' ')" "7 9 " "lines 7 and 9 quarantined (the comment line counts)"
printf 'http://192.0.2.9/\321\232\211\n' >"$T_DIR/notutf8.txt"
run "$KCERT" ingest --format list --classification other/blacklist/blacklisted-ip --quarantine "$Q.utf8" "$T_DIR/notutf8.txt"
expect_rc 1 "a URL that is not UTF-8 is quarantined"
expect_eq "$(cut -f3 "$Q.utf8")" "line 1: the URL is not UTF-8 text" "with its line and the reason"
run "$KCERT" event list --type blacklisted-ip --format csv
expect_out "192.0.2.66,,,,other,blacklist,blacklisted-ip,partner-list,oslo,2" "an address, seen twice"
expect_out ",,intranett.bergen.kommune.no,,other,blacklist,blacklisted-ip,partner-list,bergen" "a defanged URL attributed by its host"
expect_out "198.51.100.0/28,,,,other,blacklist,blacklisted-ip,partner-list,sr-ikt" "a prefix attributed to the IKS"
expect_out "2001:db8:4601::bad,,,,other,blacklist,blacklisted-ip,partner-list,bergen" "IPv6"
expect_no_out "evil.example" "a name nobody owns is dropped"

# Events in the API: each municipality sees its own, the CERT sees all, partners none.
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add oslo --role member --org 0301 --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add bergen --role member --org 4601 --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add helse --role partner --org helsecert --password-stdin >/dev/null
serve_start
for u in ana oslo bergen helse; do
	tok=$("$KCERT" token create $u 2>/dev/null)
	run curl -s -w ' %{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT/api/v1/events?limit=200"
	case $u in
	ana)
		expect_out '"organisation":"oslo"' "the CERT sees Oslo's events"
		expect_out '"organisation":"bergen"' "and Bergen's"
		expect_out '"source.ip":"203.0.113.7"' "and the unattributed ones" ;;
	oslo)
		expect_out '"source.ip":"192.0.2.10"' "Oslo sees its own events"
		expect_no_out "bergen|203\.0\.113|2001:db8:4601" "and nothing else" ;;
	bergen)
		expect_out '"source.fqdn":"pc17.intern.bergen.kommune.no"' "Bergen sees its own events"
		expect_no_out '"organisation":"oslo"|192\.0\.2\.|203\.0\.113' "and nothing else" ;;
	helse)
		expect_out '"code":"forbidden"' "a partner sees no events"
		expect_out '^ 403$' "with status 403" ;;
	esac
done
tok=$("$KCERT" token create ana 2>/dev/null)
run curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT/api/v1/events?type=open-rdp&org=4601"
expect_out '"classification.identifier":"open-rdp"' "filter by type and organisation"
expect_no_out 'qsnatch|"organisation":"oslo"' "the filter holds"
run curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT/api/v1/events?since=yesterday"
expect_out '"code":"invalid"' "a bad since is refused"
# The organisation page lists its events for those who may see them.
curl -s -c "$T_DIR/ui" "http://127.0.0.1:$PORT/login" > "$T_DIR/login.html"
LCSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login.html")
curl -s -o /dev/null -b "$T_DIR/ui" -c "$T_DIR/ui" --data "csrf=$LCSRF&name=oslo&password=$pw" "http://127.0.0.1:$PORT/login"
run curl -s -b "$T_DIR/ui" "http://127.0.0.1:$PORT/orgs/0301"
expect_out "Hendelser" "the organisation page has an events section"
expect_out "open-rdp" "with Oslo's event"
run curl -s -b "$T_DIR/ui" "http://127.0.0.1:$PORT/orgs/4601"
expect_no_out "Hendelser|qsnatch" "another municipality's page shows no events to Oslo"
kill $SERVER

# Conformance: every sample report from ../shared ingests with no line lost.
SHARED="$(cd "$(dirname "$0")/../.." && pwd)/../shared/data/shadowserver"
if [ -d "$SHARED" ]; then
	for f in "$SHARED"/*.csv; do
		run "$KCERT" ingest --keep-unattributed --quarantine "$Q.shared" "$f"
		lines=$(printf '%s\n' "$OUT" | sed -n 's/.*: \([0-9]*\) lines, \([0-9]*\) new events, \([0-9]*\) merged.*, \([0-9]*\) quarantined.*/\1 \2 \3 \4/p')
		set -- $lines
		expect_eq "$(($2 + $3 + $4))" "$1" "$(basename "$f"): every line is an event, a duplicate or quarantined"
		expect_eq "$4" "0" "$(basename "$f"): nothing quarantined"
	done
fi
t_end
