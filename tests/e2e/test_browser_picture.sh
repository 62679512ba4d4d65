#!/bin/sh
# The situational picture in headless Chromium: tests/browser/picture.mjs
# against a server this script starts on loopback, with a known dataset (the
# notify fixtures for Oslo and Bergen, kcert demo, two cases, a threat level).
# What the pages must show is taken here from the API and the store and
# handed to the browser test as files. Screenshots: build/test-logs.
. "$(dirname "$0")/lib.sh"
t_begin
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x /usr/bin/chromium ] || [ ! -d "$here/browser/node_modules/playwright-core" ]; then
	echo "FAIL test_browser_picture: chromium or playwright-core missing (run tests/browser/install.sh)" >&2
	T_FAIL=1
	t_end
	exit 1
fi
export KCERT_NOW=2026-11-28T06:00:00Z
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
for f in "$here"/fixtures/notify/2026-11-27-*.csv; do "$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$f" >/dev/null; done
"$KCERT" demo >/dev/null || { echo "FAIL test_browser_picture: kcert demo" >&2; exit 1; }
"$KCERT" case new --title "Løsepengevirus i Oslo" --org 0301 --severity kritisk >/dev/null
"$KCERT" case new --title "Phishing mot Bergen" --org 4601 --severity alvorlig >/dev/null
"$KCERT" case classify 2 --classification fraud/phishing --tlp CLEAR >/dev/null
"$KCERT" situation level 3 --rationale "Aktive løsepengevirusangrep" >/dev/null
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add bergen --role member --org 4601 --password-stdin >/dev/null
tok_ana=$("$KCERT" token create ana --expires 1d 2>/dev/null)
tok_bergen=$("$KCERT" token create bergen --expires 1d 2>/dev/null)
q() {
	if [ "$T_ENGINE" = postgresql ]; then psql -qtAX -F '	' "$KCERT_DB" -c "$1"; else sqlite3 -separator '	' "$KCERT_DB" "$1"; fi
}
# Events per municipality over the 30 days before KCERT_NOW, as the store counts them.
q "SELECT o.code, count(*) FROM event e JOIN org o ON o.id = e.org_id WHERE o.kind = 'municipality' AND
   e.time_last >= '2026-10-29T06:00:00Z' GROUP BY o.code" >"$T_DIR/map.tsv"
q "SELECT name FROM org WHERE kind = 'municipality' AND code <> '4601'" >"$T_DIR/others.txt"
serve_start --no-worker
curl -sf -H "Authorization: Bearer $tok_ana" "$URL/api/v1/situation" >"$T_DIR/national.json" &&
	curl -sf -H "Authorization: Bearer $tok_bergen" "$URL/api/v1/situation" >"$T_DIR/bergen.json" ||
	{ echo "FAIL test_browser_picture: GET /api/v1/situation" >&2; exit 1; }
shots="$here/../build/test-logs"
mkdir -p "$shots"
cd "$here/browser" && node picture.mjs "$URL" "$pw" "$shots" "$T_DIR" "$KCERT"
