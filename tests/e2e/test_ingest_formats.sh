#!/bin/sh
# kcert ingest --format stix|misp|csv: STIX 2.1 bundles, MISP events and any
# CSV by a mapping file into attributed, deduplicated events; classification
# and TLP from the file (or --classification); complex patterns and other
# attribute types counted as skipped; malformed objects quarantined with their
# position while the rest is ingested; a file ingested twice changes nothing;
# a file that is not JSON stores nothing; a progress line on a terminal.
. "$(dirname "$0")/lib.sh"
t_begin
FIX="$(cd "$(dirname "$0")/.." && pwd)/fixtures"
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 2001:db8:4601::/48 >/dev/null
"$KCERT" asset add 4601 domain bergen.kommune.no >/dev/null
"$KCERT" org add --kind iks --name "Sør-Rogaland IKT" --slug sr-ikt --serves 1103 >/dev/null
"$KCERT" asset add sr-ikt cidr 198.51.100.0/24 >/dev/null
Q="$T_DIR/quarantine.tsv"

# q SQL: one row a line, columns joined by '|' (SQLite or PostgreSQL).
q() {
	if [ "$T_ENGINE" = postgresql ]; then
		psql -q -X -A -t -v ON_ERROR_STOP=1 "$KCERT_DB" -c "$1"
	else
		sqlite3 "$KCERT_DB" "$1"
	fi
}
events() { q "SELECT count(*) FROM event"; }

# ---- STIX ----
run "$KCERT" ingest --format stix --quarantine "$Q" "$FIX/stix/bundle.json"
expect_rc 1 "a bundle with malformed objects exits 1"
expect_out "\(stix\): 18 lines, 9 new events, 1 merged duplicates, 1 unattributed \(dropped\), 7 quarantined, 7 skipped\.$" \
	"every value is counted once; complex patterns, other pattern types, benign, revoked and non-address SCOs are skipped"
expect_err "7 lines were quarantined" "and says where the quarantined objects went"
expect_eq "$(cut -f2 "$Q" | tr '\n' ' ')" "10 11 12 21 23 24 25 " "the quarantine names the objects by their number in the bundle"
run grep -c "object 10 (indicator--4b1c0a77-7c1e-4b8e-9d52-000000000010): pattern: column 32: expected ']'" "$Q"
expect_eq "$OUT" "1" "a pattern syntax error: the object, its id and the column"
run grep -c "object 11 (indicator--.*): not an IPv4 address or prefix: 192.0.2.300" "$Q"
expect_eq "$OUT" "1" "a bad address is the reason"
run grep -c "object 12 (.*): not an IPv4 address or prefix: 2001:db8:4601::1" "$Q"
expect_eq "$OUT" "1" "an IPv6 address in ipv4-addr is refused"
run grep -c "object 21 (observed-data--.*): not an IPv4 address or prefix: not-an-ip" "$Q"
expect_eq "$OUT" "1" "a bad SCO in STIX 2.0's embedded objects"
run grep -c "object 23: not a JSON object" "$Q"
expect_eq "$OUT" "1" "something that is not an object"
run grep -c "valid_from: not a time" "$Q"
expect_eq "$OUT" "1" "a bad valid_from"
run grep -c '"valid_from":"yesterday"' "$Q"
expect_eq "$OUT" "1" "the quarantine keeps the object itself"

run "$KCERT" event list --org 0301 --format csv
expect_out "^2026-11-20T10:00:00Z,192.0.2.10,,,,malicious-code,malware-distribution,malicious-activity,stix,oslo,2,2026-11-20T12:00:00Z$" \
	"malicious-activity, time.source from valid_from, the repeat merged (seen 2, last seen)"
expect_out "^2026-11-21T08:00:00Z,192.0.2.20,,,,other,other,stix-observed-data,stix,oslo,1," "observed data by object_refs, time from first_observed"
expect_out "^2026-11-21T08:00:00Z,192.0.2.21,,,,other,other,stix-observed-data,stix,oslo,1," "STIX 2.0 embedded observed objects"
expect_no_out "192.0.2.1[1-4]|192.0.2.9[89]" "nothing from skipped or quarantined indicators"
run "$KCERT" event list --org 4601 --format csv
expect_out ",www.bergen.kommune.no,,intrusions,system-compromise,compromised,stix,bergen," "compromised: a domain"
expect_out ",intranett.bergen.kommune.no,,intrusions,system-compromise,compromised,stix,bergen," "and a URL with an escaped quote, by its host"
expect_out "2001:db8:4601::25,,,,other,other,stix-indicator,stix,bergen" "no indicator_types: other/other/stix-indicator"
expect_out ",mail.bergen.kommune.no,,other,proxy,anonymization,stix,bergen" "a defanged domain is refanged; anonymization"
expect_out ",vpn.bergen.kommune.no,,other,other,stix-observed-data,stix,bergen" "a domain-name SCO"
run "$KCERT" event list --org sr-ikt --format csv
expect_out "198.51.100.20,,,,other,other,stix-indicator,stix,sr-ikt" "two comparisons in one observation: two events"
expect_eq "$(q "SELECT tlp FROM event WHERE source_ip = '192.0.2.10'")" "GREEN" "TLP 2.0 GREEN marking"
expect_eq "$(q "SELECT tlp FROM event WHERE source_fqdn = 'www.bergen.kommune.no'")" "RED" "TLP 1.0 RED marking"
expect_eq "$(q "SELECT tlp FROM event WHERE source_ip = '2001:db8:4601::25'")" "AMBER+STRICT" "TLP 2.0 AMBER+STRICT"
expect_eq "$(q "SELECT tlp FROM event WHERE source_fqdn = 'mail.bergen.kommune.no'")" "GREEN" "a TLP marking definition in the bundle"
expect_eq "$(q "SELECT tlp FROM event WHERE source_ip = '192.0.2.20'")" "AMBER" "no marking: AMBER"
expect_eq "$(q "SELECT source_url FROM event WHERE source_fqdn = 'intranett.bergen.kommune.no'")" \
	"https://intranett.bergen.kommune.no/it's/login" "the URL is kept, unescaped"
expect_eq "$(q "SELECT extra FROM event WHERE source_ip = '2001:db8:4601::25'")" \
	'{"stix.id":"indicator--4b1c0a77-7c1e-4b8e-9d52-000000000005","stix.labels":["partner-x","scanner"]}' \
	"the STIX id and labels in extra"
expect_eq "$(q "SELECT extra FROM event WHERE source_ip = '192.0.2.10'")" \
	'{"stix.id":"indicator--4b1c0a77-7c1e-4b8e-9d52-000000000003","stix.name":"C2 address"}' "the STIX id and name in extra"
run "$KCERT" event list --format csv
expect_no_out "203.0.113.9" "an address nobody owns is dropped"

# The same bundle again: a no-op.
n=$(events)
run "$KCERT" ingest --format stix --quarantine "$Q" "$FIX/stix/bundle.json"
expect_rc 0 "ingesting the same bundle again succeeds"
expect_out "already ingested" "and does nothing"
expect_eq "$(events)" "$n" "no new events"
expect_eq "$(wc -l < "$Q" | tr -d ' ')" "7" "and nothing new in the quarantine"

# --classification wins over indicator_types; --feed names the feed.
cp "$FIX/stix/bundle.json" "$T_DIR/copy.json"
printf '\n' >> "$T_DIR/copy.json"
run "$KCERT" ingest --format stix --classification malicious-code/c2-server/partner-c2 --feed partner --quarantine "$Q.2" "$T_DIR/copy.json"
expect_rc 1 "the copy is ingested (different content)"
run "$KCERT" event list --type partner-c2 --format csv
expect_out "192.0.2.10,,,,malicious-code,c2-server,partner-c2,partner,oslo" "--classification wins"
expect_out "www.bergen.kommune.no,,malicious-code,c2-server,partner-c2,partner,bergen" "for every indicator"

# A single indicator outside a bundle.
run "$KCERT" ingest --format stix --quarantine "$Q.2" "$FIX/stix/single-indicator.json"
expect_rc 0 "one indicator on its own"
expect_out "1 lines, 1 new events" "is read as a bundle of one"

# Not JSON, not a bundle: an error with the place, nothing stored, exit 2.
n=$(events)
run "$KCERT" ingest --format stix --quarantine "$Q.2" "$FIX/stix/not-json.json"
expect_rc 2 "a file that is not JSON is refused"
expect_err "not-json.json: not JSON: .*\(line 2, column [0-9]+\)" "with jansson's line and column"
run "$KCERT" ingest --format stix --quarantine "$Q.2" "$FIX/stix/not-a-bundle.json"
expect_rc 2 "JSON that is not a bundle is refused"
expect_err "not a STIX bundle" "and says so"
expect_eq "$(events)" "$n" "nothing stored"
expect_eq "$(q "SELECT count(*) FROM ingest_file WHERE name LIKE '%not-%'")" "0" "and the files are not recorded as ingested"

# ---- MISP ----
run "$KCERT" ingest --format misp --quarantine "$Q.misp" "$FIX/misp/event.json"
expect_rc 1 "a MISP event with malformed attributes exits 1"
expect_out "\(misp\): 17 lines, 11 new events, 1 merged duplicates, 1 unattributed \(dropped\), 4 quarantined, 3 skipped\.$" \
	"every attribute is counted once; hashes, e-mail addresses and deleted attributes are skipped"
expect_eq "$(cut -f2 "$Q.misp" | tr '\n' ' ')" "9 10 11 17 " "the quarantine names the attributes by their number"
run grep -c "attribute 9 (6a1d9c2e-5b7f-4c3a-9e21-000000000009): not an IP address or prefix: 192.0.2.300" "$Q.misp"
expect_eq "$OUT" "1" "a bad address, with the attribute's uuid"
run grep -c "attribute 10 (.*): not a port: 99999" "$Q.misp"
expect_eq "$OUT" "1" "a bad port in ip-dst|port"
run grep -c "attribute 11 (.*): timestamp: not a time" "$Q.misp"
expect_eq "$OUT" "1" "a bad timestamp"
run "$KCERT" event list --org 0301 --format csv
expect_out "^2026-11-20T10:00:00Z,192.0.2.30,,,,malicious-code,c2-server,misp-network-activity,misp,oslo,2,2026-11-20T11:00:00Z$" \
	"Network activity: c2-server; time from the timestamp; the repeat merged"
expect_out "192.0.2.33,,,,vulnerable,vulnerable-system,vulnerable-system,misp,oslo" "an rsit: tag on the attribute wins over the category"
expect_out "192.0.2.34,,,,malicious-code,c2-server,misp-network-activity,misp,oslo" "an rsit: tag that is not RSIT is ignored"
expect_out "192.0.2.35,,,,malicious-code,c2-server" "attributes inside objects"
expect_out "^2026-11-22T00:00:00Z,192.0.2.38," "no timestamp: the event's date"
run "$KCERT" event list --org sr-ikt --format csv
expect_out "198.51.100.40,3389,,,malicious-code,c2-server,misp-network-activity,misp,sr-ikt" "ip-src|port gives the port"
run "$KCERT" event list --org 4601 --format csv
expect_out ",phish.bergen.kommune.no,,malicious-code,malware-distribution,misp-payload-delivery,misp,bergen" "Payload delivery: malware-distribution"
expect_out ",mail.bergen.kommune.no,,other,other,misp-attribute,misp,bergen" "another category: other/other/misp-attribute"
expect_out ",www.bergen.kommune.no,,malicious-code,malware-distribution" "a defanged URL, by its host"
expect_out "2001:db8:4601::443,,vpn.bergen.kommune.no,,malicious-code,c2-server" "domain|ip: both in one event"
expect_eq "$(q "SELECT tlp FROM event WHERE source_ip = '192.0.2.30'")" "GREEN" "the event's tlp:green tag"
expect_eq "$(q "SELECT tlp FROM event WHERE source_url = 'https://www.bergen.kommune.no/login'")" "RED" \
	"an attribute's stricter tlp:red tag"
expect_eq "$(q "SELECT extra FROM event WHERE source_ip = '198.51.100.40'")" \
	'{"misp.attribute_uuid":"6a1d9c2e-5b7f-4c3a-9e21-000000000002","misp.category":"Network activity","misp.event_info":"C2 and phishing against municipalities (test)","misp.event_uuid":"6a1d9c2e-5b7f-4c3a-9e21-0000000000ee","misp.to_ids":false,"misp.type":"ip-src|port"}' \
	"uuids, category, event info and to_ids in extra"
expect_eq "$(q "SELECT extra FROM event WHERE source_fqdn = 'phish.bergen.kommune.no'")" \
	'{"misp.attribute_uuid":"6a1d9c2e-5b7f-4c3a-9e21-000000000003","misp.category":"Payload delivery","misp.comment":"landing page","misp.event_info":"C2 and phishing against municipalities (test)","misp.event_uuid":"6a1d9c2e-5b7f-4c3a-9e21-0000000000ee","misp.to_ids":true,"misp.type":"domain"}' \
	"the comment too"
run "$KCERT" event list --format csv
expect_no_out "203.0.113.50|192.0.2.37" "unowned and deleted attributes are not stored"

run "$KCERT" ingest --format misp --quarantine "$Q.misp" "$FIX/misp/events.json"
expect_rc 1 "a list of events with a bad entry exits 1"
expect_out "3 lines, 2 new events, 0 merged duplicates, 0 unattributed \(dropped\), 1 quarantined, 0 skipped" "a list of events, bare or wrapped"
run grep -c "event 3: not a MISP event" "$Q.misp"
expect_eq "$OUT" "1" "the bad entry is named by its number"
expect_eq "$(q "SELECT taxonomy || '/' || type || '/' || identifier || ' ' || tlp FROM event WHERE source_url = 'https://skjema.bergen.kommune.no/innlogging'")" \
	"fraud/phishing/phishing AMBER+STRICT" "an rsit: tag on the event; tlp:amber+strict"
expect_eq "$(q "SELECT identifier || ' ' || tlp FROM event WHERE source_ip = '192.0.2.36'")" "misp-attribute AMBER" \
	"no tags: other/other and AMBER"

n=$(events)
run "$KCERT" ingest --format misp --quarantine "$Q.misp" "$FIX/misp/event.json"
expect_out "already ingested" "the same MISP file again does nothing"
run "$KCERT" ingest --format misp "$FIX/misp/not-json.json"
expect_rc 2 "MISP: not JSON is refused"
expect_err "not JSON: .*\(line 1, column" "with the place"
run "$KCERT" ingest --format misp "$FIX/misp/not-misp.json"
expect_rc 2 "JSON that is not a MISP event is refused"
expect_eq "$(events)" "$n" "nothing stored"

# ---- generic CSV ----
run "$KCERT" ingest --format csv --quarantine "$Q.csv" "$FIX/csv/partner.csv"
expect_rc 2 "--format csv needs a mapping"
expect_err "needs --mapping" "and says so"
run "$KCERT" ingest --mapping "$FIX/csv/partner.map" --quarantine "$Q.csv" "$FIX/csv/partner.csv"
expect_rc 2 "--mapping only with --format csv"
run "$KCERT" ingest --format csv --mapping "$FIX/csv/partner.map" --quarantine "$Q.csv" "$FIX/csv/partner.csv"
expect_rc 1 "a CSV with bad lines exits 1"
expect_out "\(csv\): 12 lines, 5 new events, 1 merged duplicates, 1 unattributed \(dropped\), 5 quarantined\.$" "every line is accounted for"
expect_eq "$(cut -f2 "$Q.csv" | tr '\n' ' ')" "6 7 8 9 10 " "lines 6 to 10 quarantined"
run grep -c "line 7: column port: not a port" "$Q.csv"
expect_eq "$OUT" "1" "the mapped column is named"
run grep -c "line 8: column first_seen: not seconds since 1970" "$Q.csv"
expect_eq "$OUT" "1" "a bad epoch time"
run grep -c "line 9: column asn: not an AS number" "$Q.csv"
expect_eq "$OUT" "1" "a bad AS number"
run "$KCERT" event list --org 0301 --type c2-partner-x --format csv
expect_out "^2026-11-20T10:00:00Z,192.0.2.40,443,,64500,malicious-code,c2-server,c2-partner-x,partner-x,oslo,2,2026-11-20T11:00:00Z$" \
	"columns by header name, epoch time, AS64500, feed name from the mapping, the repeat merged"
expect_out "192.0.2.46,8080," "a defanged address"
run "$KCERT" event list --org 4601 --type c2-partner-x --format csv
expect_out "2001:db8:4601::40,8443,,64501," "IPv6"
expect_out ",c2.bergen.kommune.no,,malicious-code" "a host name column"
expect_eq "$(q "SELECT tlp || ' ' || extra FROM event WHERE source_ip = '192.0.2.40'")" \
	'GREEN {"confidence":"high","malware":"cobaltstrike"}' "tlp from the mapping; unmapped columns in extra"

run "$KCERT" ingest --format csv --mapping "$FIX/csv/noheader.map" --quarantine "$Q.csv" "$FIX/csv/noheader.tsv"
expect_rc 1 "no header, tab-separated"
expect_out "4 lines, 2 new events, 0 merged duplicates, 1 unattributed \(dropped\), 1 quarantined" "every line is accounted for"
run grep -c "noheader.tsv	4	line 4: no classification" "$Q.csv"
expect_eq "$OUT" "1" "an empty identifier column: no classification"
run "$KCERT" event list --type phishing-bankid --format csv
expect_out "2026-11-20T08:00:00Z,,,skjema.bergen.kommune.no,,fraud,phishing,phishing-bankid,csv,bergen" \
	"columns by number, the identifier from a column, a defanged URL by its host"
expect_eq "$(q "SELECT extra FROM event WHERE identifier = 'phishing-bankid'")" '{"4":"seen in a campaign"}' \
	"without a header, extra is keyed by column number"
run "$KCERT" event list --type phishing-o365 --format csv
expect_out "192.0.2.50,,,,fraud,phishing,phishing-o365,csv,oslo" "a URL with an address"

n=$(events)
run "$KCERT" ingest --format csv --mapping "$FIX/csv/partner.map" --quarantine "$Q.csv" "$FIX/csv/partner.csv"
expect_out "already ingested" "the same CSV again does nothing"
run "$KCERT" ingest --format csv --mapping "$FIX/csv/bad-key.map" "$FIX/csv/noheader.tsv"
expect_rc 2 "a mapping with an unknown key is refused"
expect_err "bad-key.map:4: unknown key what" "with its line"
run "$KCERT" ingest --format csv --mapping "$FIX/csv/no-address.map" "$FIX/csv/noheader.tsv"
expect_rc 2 "a mapping without an address column is refused"
sed 's/^ip;/address;/' "$FIX/csv/partner.csv" > "$T_DIR/renamed.csv"
run "$KCERT" ingest --format csv --mapping "$FIX/csv/wrong-column.map" --quarantine "$Q.csv" "$T_DIR/renamed.csv"
expect_out "renamed.csv \(csv\): 12 lines" "a mapping names the columns, whatever the sender calls them"
sed 's/^ip;/adresse;/' "$FIX/csv/partner.csv" > "$T_DIR/renamed2.csv"
run "$KCERT" ingest --format csv --mapping "$FIX/csv/wrong-column.map" --quarantine "$Q.csv" "$T_DIR/renamed2.csv"
expect_rc 2 "a header without the mapped column is refused"
expect_err "the header has no column address \(column.source.ip\)" "and names the column"
expect_eq "$(q "SELECT count(*) FROM ingest_file WHERE name LIKE '%renamed2%'")" "0" "nothing recorded"

# ---- progress on a terminal ----
awk 'BEGIN { print "ip;port;host;first_seen;asn;malware;confidence";
	for (i = 0; i < 40000; i++) printf "203.0.%d.%d;443;;%d;AS64500;family-%d;a note to make the line longer\n", 113, i % 250, 1795168800 + i, i }' \
	> "$T_DIR/big.csv"
if command -v script >/dev/null 2>&1; then
	script -qec "\"$KCERT\" ingest --format csv --mapping \"$FIX/csv/partner.map\" --quarantine \"$Q.big\" \"$T_DIR/big.csv\"" \
		/dev/null > "$T_DIR/tty.out" 2>&1
	run cat "$T_DIR/tty.out"
	expect_out "big.csv: +[0-9]+%, [0-9]+ lines, [0-9]+ lines/s, [0-9:?]+ left" "a file of 1 MiB on a terminal shows its progress"
	expect_out "big.csv \(csv\): 40000 lines, 0 new events, 0 merged duplicates, 40000 unattributed" "and the summary after it"
	if grep -q "$(printf '\r\033\[K')" "$T_DIR/tty.out"; then t_ok; else t_bad "the progress line is cleared"; fi
fi
cp "$T_DIR/big.csv" "$T_DIR/big2.csv"
echo "203.0.113.1;443;;1795168800;;;" >> "$T_DIR/big2.csv"
run "$KCERT" ingest --format csv --mapping "$FIX/csv/partner.map" --quarantine "$Q.big" "$T_DIR/big2.csv"
expect_no_out "lines/s" "not on a pipe"
expect_eq "$(printf '%s' "$ERR" | grep -c "lines/s")" "0" "not on stderr either when it is not a terminal"

run "$KCERT" audit verify
expect_rc 0 "the audit chain holds"

# Conformance: every STIX and MISP sample from ../shared ingests with nothing lost.
SHARED="$(cd "$(dirname "$0")/../.." && pwd)/../shared/data"
for fmt in stix misp; do
	[ -d "$SHARED/$fmt" ] || continue
	for f in "$SHARED/$fmt"/*.json; do
		[ -f "$f" ] || continue
		run "$KCERT" ingest --format "$fmt" --keep-unattributed --quarantine "$Q.shared" "$f"
		expect_rc 0 "$(basename "$f"): ingested"
		lines=$(printf '%s\n' "$OUT" | sed -n 's/.*: \([0-9]*\) lines, \([0-9]*\) new events, \([0-9]*\) merged.*, \([0-9]*\) quarantined.*/\1 \2 \3 \4/p')
		set -- $lines
		expect_eq "$(($2 + $3 + $4))" "$1" "$(basename "$f"): every value is an event, a duplicate or quarantined"
		expect_eq "$4" "0" "$(basename "$f"): nothing quarantined"
	done
done
t_end
