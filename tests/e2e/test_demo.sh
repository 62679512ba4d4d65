#!/bin/sh
# test_demo.sh - kcert demo: the synthetic dataset loads once, is marked DEMO,
# and gives the situational picture, the queues and the campaigns something to
# show.
. "$(dirname "$0")/lib.sh"
t_begin
"$KCERT" init >/dev/null || exit 1
run "$KCERT" demo
expect_rc 0 "the demo data loads"
expect_out "44 assets, 4 contacts, 600 events, 8 cases" "and says what it loaded"
expect_out "[0-9]+ findings, 8 declared products, 3 vulnerability records, 4 advisories" "findings, products, vulnerability data and advisories too"
run "$KCERT" demo
expect_rc 2 "only once per store"
expect_err "loaded already" "and says so"
run "$KCERT" whois 198.51.100.7
expect_out "Bergen" "the documentation ranges belong to the demo municipalities"
run "$KCERT" situation
expect_out "^National threat level 3 .*DEMO" "a threat level, marked DEMO"
expect_out "Open cases by severity: lav 1 moderat 2 alvorlig 3 kritisk 1" "cases in every severity"
expect_out "^  [a-z-]+ +[0-9]+ +[0-9]+ +[0-9]+$" "events over 24 h / 7 d / 30 d"
run "$KCERT" case list --queue all --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | grep -c ',DEMO: ')" 8 "every case is marked DEMO"
run "$KCERT" case campaigns
expect_out "^ip 203.0.113.66: 8 cases" "the campaign view has something to show"
run "$KCERT" event list --limit 1000 --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | grep -c ',demo,')" 600 "600 events from the demo feed"
q() {
	if [ "$T_ENGINE" = postgresql ]; then psql -qtAX "$KCERT_DB" -c "$1"; else sqlite3 "$KCERT_DB" "$1"; fi
}
run "$KCERT" rating --format csv
red=$(printf '%s\n' "$OUT" | awk -F, 'NR > 1 && $4 == "red"' | wc -l)
[ "$red" -ge 1 ] && t_ok || t_bad "the demo colours the rating map (some red: $red)"
expect_eq "$red" "$(q "SELECT count(DISTINCT org_id) FROM finding WHERE status = 'open' AND severity = 'high'")" \
	"red: the municipalities with an open high finding"
expect_eq "$(q "SELECT count(*) FROM finding WHERE title NOT LIKE 'DEMO:%'")" 0 "every finding is marked DEMO"
[ "$(q "SELECT count(*) FROM finding WHERE status = 'fixed'")" -ge 1 ] && t_ok || t_bad "some findings fixed"
[ "$(q "SELECT count(*) FROM finding WHERE status = 'accepted' AND accept_reason LIKE 'DEMO:%'")" -ge 1 ] && t_ok || t_bad "some accepted, with a DEMO reason"
[ "$(q "SELECT count(DISTINCT day) FROM rating_history")" -ge 90 ] && t_ok || t_bad "a rating per day over 90 days"
run "$KCERT" vuln affected CVE-2023-3519
expect_out "^oslo +Oslo +match" "the embedded NVD record and a declared product: Oslo is exposed"
run "$KCERT" vuln show CVE-2023-4966
expect_out "DEMO" "the KEV entries are marked DEMO"
run "$KCERT" advisory list --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | grep -c 'DEMO: ')" 3 "three published advisories, marked DEMO"
expect_eq "$(q "SELECT count(*) FROM advisory WHERE status = 'draft' AND title LIKE 'DEMO:%'")" 1 "and one draft"
t_end
