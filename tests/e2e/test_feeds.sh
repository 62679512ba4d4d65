#!/bin/sh
# test_feeds.sh - feeds fetched on a schedule: kcert feed add/list/rm/fetch,
# the worker fetching from a real HTTP server on loopback with libcurl,
# keeping what it received, ingesting once per content, and recording
# failures without stopping the other feeds.
. "$(dirname "$0")/lib.sh"
t_begin
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
export KCERT_NOW=2026-11-28T06:00:00Z
export KCERT_SPOOL="$T_DIR/spool"
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
mkdir -p "$T_DIR/www/reports"
cp "$FIX/notify/2026-11-27-scan_rdp-norway-geo.csv" "$T_DIR/www/reports/"
printf '192.0.2.77\n# a comment\nhxxp://198.51.100.9/malware.exe\nnot an address!\n' > "$T_DIR/www/block.txt"
HTTP_PORT=$(t_port)
/usr/bin/python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$T_DIR/www" >"$T_DIR/http.log" 2>&1 &
HTTP=$!
trap 'kill $HTTP 2>/dev/null; t_cleanup' EXIT
for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$HTTP_PORT/block.txt" >/dev/null && break; sleep 0.1; done
BASE="http://127.0.0.1:$HTTP_PORT"

run "$KCERT" feed add ss-rdp "$BASE/reports/2026-11-27-scan_rdp-norway-geo.csv" --every 1d
expect_rc 0 "a Shadowserver feed is added"
run "$KCERT" feed add blocks "$BASE/block.txt" --format list --classification other/blacklist/blacklisted-ip --every 6h
expect_rc 0 "a list feed is added"
run "$KCERT" feed add broken "$BASE/missing.csv?apikey=hemmelig123" --report scan_rdp --every 1h
expect_rc 0 "a feed whose URL will fail is added"
mkdir -p "$T_DIR/www/stix"
cat > "$T_DIR/www/stix/bundle.json" <<'JSON'
{"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--a1","created":"2026-11-27T10:00:00Z","modified":"2026-11-27T10:00:00Z","valid_from":"2026-11-27T10:00:00Z","pattern_type":"stix","pattern":"[ipv4-addr:value = '198.51.100.66']","indicator_types":["compromised"]}]}
JSON
run "$KCERT" feed add partner-stix "$BASE/stix/bundle.json" --format stix --every 1h
expect_rc 0 "a STIX feed is added"
run "$KCERT" feed add bad ftp://example.invalid/x.csv
expect_rc 2 "only http and https"
run "$KCERT" feed add blocks2 "$BASE/block.txt" --format list
expect_rc 2 "a list feed needs its classification"
expect_err "classification" "and says so"
run "$KCERT" feed add ss-rdp "$BASE/x.csv"
expect_rc 2 "feed names are unique"
run "$KCERT" feed add quick "$BASE/x.csv" --every 10s
expect_rc 2 "at most every minute"

run "$KCERT" worker --once
expect_out "Feeds: 3 fetched \(0 unchanged\), 1 failed, 6 new events" "the worker fetches every due feed, in every format; one failure does not stop the others"
run "$KCERT" feed list --format csv
expect_out "^blocks,list,21600,.*,2026-11-28T12:00:00Z,2026-11-28T06:00:00Z,quarantined,2," "the list feed: next fetch in 6 h, one line quarantined, two events"
expect_out "^ss-rdp,shadowserver,86400,.*,2026-11-29T06:00:00Z,2026-11-28T06:00:00Z,ok,3," "the Shadowserver feed: three events (the fourth is nobody's)"
expect_out "^broken,shadowserver,3600,.*,failed,0,.*404" "the failed feed shows the server's answer"
run "$KCERT" event list --format csv
expect_out "192.0.2.77,,,,other,blacklist,blacklisted-ip,blocks" "the list's events carry the feed's name"
expect_out "198.51.100.9,,,,other,blacklist,blacklisted-ip,blocks" "a defanged URL's host is attributed"
expect_out "198.51.100.66,,,,intrusions,system-compromise,.*,partner-stix" "the STIX feed's indicator is an event"
expect_out "192.0.2.10,3389,rdp1.oslo.example,64500,vulnerable,vulnerable-system,open-rdp,ss-rdp" "the report's events"
run "$KCERT" event list --address 192.0.2.0/28 --format csv
expect_out "192.0.2.10,3389" "event list --address PREFIX finds the addresses inside it"
expect_out "192.0.2.11,3389" "all of them"
expect_no_out "192.0.2.77|198.51.100" "and none outside"
run "$KCERT" event list --address 192.0.2.0/99 --format csv
expect_rc 2 "a bad prefix is an error, not an empty answer"
run "$KCERT" event list --address oslo.example --format csv
expect_out "rdp1.oslo.example" "event list --address finds host names under a domain"
expect_no_out "192.0.2.11|192.0.2.77" "and nothing else"
[ -f "$KCERT_SPOOL/ss-rdp/2026-11-28T06:00:00Z/2026-11-27-scan_rdp-norway-geo.csv" ] && t_ok || t_bad "the downloaded report is kept in the spool under its own name"
run grep -c "not an address" "$KCERT_SPOOL/blocks/quarantine.tsv"
expect_eq "$OUT" 1 "the bad line is in the feed's quarantine file"

run "$KCERT" worker --once
expect_no_out "Feeds:" "nothing is due an instant later"
# An hour later the list changes; fetching it now adds only what is new (the
# rest merges into the events of the last 24 hours).
printf '192.0.2.78\n' >> "$T_DIR/www/block.txt"
KCERT_NOW=2026-11-28T07:00:00Z run "$KCERT" feed fetch blocks
expect_rc 1 "feed fetch now: the changed list is ingested (and its bad line quarantined again: exit 1)"
expect_out "Feed blocks: fetched, 1 new events" "only the new address is a new event"
export KCERT_NOW=2026-11-29T07:00:00Z
run "$KCERT" worker --once
expect_out "Feeds: 3 fetched \(3 unchanged\), 1 failed" "a day later all are due; unchanged content is not ingested again"
run "$KCERT" feed fetch nosuch
expect_rc 2 "fetching an unknown feed is an error"
run "$KCERT" feed rm broken
expect_rc 0 "a feed is removed"
run "$KCERT" feed list --format csv
expect_no_out "^broken," "and is gone"
# kcert serve runs the same work in a thread.
cp "$FIX/notify/2026-11-27-event4_sinkhole_http-norway.csv" "$T_DIR/www/reports/"
"$KCERT" feed add sinkhole "$BASE/reports/2026-11-27-event4_sinkhole_http-norway.csv" >/dev/null
PORT=$(t_port)
"$KCERT" serve --listen "127.0.0.1:$PORT" --worker-interval 1 >"$T_DIR/serve.out" 2>"$T_DIR/serve.err" &
SERVER=$!
trap 'kill $HTTP $SERVER 2>/dev/null; t_cleanup' EXIT
for i in $(seq 1 100); do
	"$KCERT" feed list --format csv | grep -q "^sinkhole,.*,ok,1," && break
	sleep 0.2
done
run "$KCERT" feed list --format csv
expect_out "^sinkhole,.*,ok,1," "the server's worker thread fetched the new feed"
kill $SERVER
wait $SERVER
expect_eq "$?" 0 "and the server stops cleanly with it"
run "$KCERT" audit list --format csv
expect_out "feed.add" "adding a feed is audited"
expect_no_out "hemmelig123" "without the API key in the feed's URL"
expect_out "from http://127.0.0.1:[0-9]+/missing.csv," "but with where it comes from"
expect_out "feed.rm" "removing one too"
t_end
