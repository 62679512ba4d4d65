#!/bin/sh
# test_demo.sh - kcert demo: the synthetic dataset loads once, is marked DEMO,
# and gives the situational picture, the queues and the campaigns something to
# show.
. "$(dirname "$0")/lib.sh"
t_begin
"$KCERT" init >/dev/null || exit 1
run "$KCERT" demo
expect_rc 0 "the demo data loads"
expect_out "8 assets, 4 contacts, 600 events, 8 cases" "and says what it loaded"
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
t_end
