#!/bin/sh
# test_situation.sh - the situational picture: the national threat level
# (set by an analyst, audited, with history), open cases by severity and
# phase, overdue cases and legal clocks, events by type and organisation over
# 24 h / 7 d / 30 d; on the command line, in the API (national for the CERT,
# its own for a municipality) and on the page with its SVG chart and tables.
. "$(dirname "$0")/lib.sh"
t_begin
FIX=$(cd "$(dirname "$0")/../fixtures/notify" && pwd)
export KCERT_NOW=2026-11-28T06:00:00Z
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
for f in "$FIX"/2026-11-27-*.csv; do "$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$f" >/dev/null; done
"$KCERT" case new --title "Løsepengevirus" --org 0301 --severity kritisk >/dev/null
"$KCERT" case new --title "Phishing" --org 4601 --severity moderat >/dev/null
"$KCERT" case clock 1 start gdpr-33 --from 2026-11-25T05:00:00Z >/dev/null

run "$KCERT" situation
expect_out "^No national threat level set" "no level until an analyst sets one"
expect_out "Open cases by severity: lav 0 moderat 1 alvorlig 0 kritisk 1" "open cases by severity"
expect_out "Overdue cases: 1; legal clocks due within 24 hours: 1" "the GDPR clock started three days ago is overdue"
expect_out "^  open-rdp +0 +3 +3$" "open-rdp: none in the last 24 h (seen at 01:00 the day before), 3 in 7 and 30 days"
expect_out "^  avalanche-andromeda +1 +1 +1$" "the infected system, seen 20 hours ago"
expect_out "^  oslo +1 +4 +4$" "events by organisation"
expect_out "^  bergen +0 +1 +1$" "Bergen's one"
run "$KCERT" situation level 7 --rationale "x"
expect_rc 2 "the level is 1 to 5"
run "$KCERT" situation level 3 --rationale "Aktive løsepengevirusangrep mot kommuner"
expect_rc 0 "an analyst sets the level"
run "$KCERT" situation
expect_out "^National threat level 3 .*: Aktive løsepengevirusangrep mot kommuner" "with its rationale"
run "$KCERT" situation --org 4601
expect_out "kritisk 0" "Bergen's own picture has not Oslo's kritisk case"
expect_no_out "avalanche" "nor Oslo's infected system"
run "$KCERT" audit list --format csv
expect_out "threat.level" "setting the level is audited"

pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add bergen --role member --org 4601 --password-stdin >/dev/null
TOK_ana=$("$KCERT" token create ana --expires 1d 2>/dev/null)
TOK_bergen=$("$KCERT" token create bergen --expires 1d 2>/dev/null)
serve_start --no-worker
run curl -s -H "Authorization: Bearer $TOK_ana" "$URL/api/v1/situation"
expect_out '"threat_level": ?\{"level": ?3' "the API gives the level"
expect_out '"kritisk": ?1' "open cases by severity"
expect_out '"events_by_organisation"' "and, for the CERT, events by organisation"
run curl -s -H "Authorization: Bearer $TOK_bergen" "$URL/api/v1/situation"
expect_out '"kritisk": ?0' "a municipality gets its own picture"
expect_no_out 'events_by_organisation|oslo' "without other organisations"
run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_bergen" "$URL/api/v1/situation?org=0301"
expect_eq "$OUT" 403 "and not Oslo's"
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" "$URL/login" >"$T_DIR/login.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login.html" | head -n 1)
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" --data "csrf=$csrf&name=ana&password=$pw" "$URL/login" >/dev/null
run curl -s -b "$T_DIR/jar" "$URL/situation"
expect_out '<svg role="img" aria-labelledby="chart-t chart-d"' "the page draws an accessible SVG chart"
expect_out '<td id="sev-kritisk">1</td>' "the figures match the store"
expect_out 'Aktive løsepengevirusangrep' "and shows the level's rationale"
csrf=$(printf '%s' "$OUT" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
run curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" --data-urlencode "csrf=$csrf" --data "level=2" \
	--data-urlencode "rationale=Roligere uke" "$URL/situation/level"
expect_out "^30[23]$" "the level is set from the page"
run "$KCERT" situation
expect_out "^National threat level 2 .*Roligere uke" "and kept"
t_end
