#!/bin/sh
# test_scan_web_ui.sh - the scanner's findings and ratings on the web pages.
# Findings come from real scans (kcert scan) of two Debian redis-servers on
# registered loopback addresses, one Bergen's, one Oslo's. Over HTTP with
# sessions and CSRF: the organisation page's findings section and rating, the
# /findings list and its filters and CSV export, a municipality seeing only its
# own (another's finding is not found, /ratings sends it home), a partner
# refused, the comply-or-explain form (refused without the CSRF token,
# accepted with it, struck through, audited, withdrawn), fixed findings folded
# away after a rescan, and the CERT's national /ratings.
. "$(dirname "$0")/lib.sh"
t_begin
D=$T_DIR
NET=127.81.$(( $$ % 200 + 20 ))
RB=$NET.1; RO=$NET.2
PIDS=""
PORT=$(t_port)
URL="http://127.0.0.1:$PORT"
stop_all() { for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'stop_all; t_cleanup' EXIT
py() { /usr/bin/python3 -c "$@"; }

"$KCERT" init >/dev/null || exit 1
pw=Korrekt-Hest-Batteri-9
for u in "ana analyst" "bergen member --org 4601" "oslo member --org 0301" "helse partner --org helsecert"; do
	set -- $u
	name=$1
	shift
	echo "$pw" | "$KCERT" user add "$name" --role "$@" --password-stdin >/dev/null || t_bad "user add $name"
done
"$KCERT" asset add 4601 host "$RB" >/dev/null
"$KCERT" asset add 0301 host "$RO" >/dev/null
for a in "$RB" "$RO"; do
	redis-server --bind "$a" --port 6379 --protected-mode no --save '' --appendonly no --dir "$D" >"$D/redis-$a.log" 2>&1 &
	PIDS="$PIDS $!"
done
ROSLO=$!
for a in "$RB" "$RO"; do
	i=0; while ! redis-cli -h "$a" ping >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
done
run "$KCERT" scan --org 4601 --ports 6379 --timeout-ms 1500 --no-notify
expect_rc 0 "scan Bergen"
run "$KCERT" scan --org 0301 --ports 6379 --timeout-ms 1500 --no-notify
expect_rc 0 "scan Oslo"
fid() { # fid ORG CHECK: the id of the finding (a product finding's check carries vendor:product after a colon)
	"$KCERT" finding list --org "$1" --format json |
		py "import json,sys; print([r['id'] for r in json.load(sys.stdin) if r['check'].split(':')[0]=='$2'][0])"
}
BID=$(fid 4601 service.redis); BPROD=$(fid 4601 product.redis); OID=$(fid 0301 service.redis)
[ -n "$BID" ] && [ -n "$OID" ] && t_ok || t_bad "the scans opened service.redis findings" "$BID $OID"

"$KCERT" serve --listen "127.0.0.1:$PORT" --no-worker >"$D/serve.out" 2>"$D/serve.err" &
SERVER=$!; PIDS="$PIDS $SERVER"
for i in $(seq 1 200); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done

login() { # login USER: a cookie jar $D/jar-USER
	curl -s -c "$D/jar-$1" -b "$D/jar-$1" "$URL/login" >"$D/login.html"
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$D/login.html" | head -n 1)
	curl -s -c "$D/jar-$1" -b "$D/jar-$1" --data "csrf=$c&name=$1&password=$pw" "$URL/login" >/dev/null
}
get() { # get USER PATH: $CODE, $BODY
	CODE=$(curl -s -o "$D/body" -w '%{http_code}' -b "$D/jar-$1" "$URL$2")
	BODY=$(cat "$D/body")
}
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$D/body" | head -n 1; }
has() { if [ "$CODE" = "$1" ] && printf '%s' "$BODY" | grep -q -- "$2"; then t_ok; else t_bad "$3 (got $CODE)" "$(printf '%s' "$BODY" | head -c 600)"; fi; }
hasnt() { if printf '%s' "$BODY" | grep -q -- "$1"; then t_bad "$2" "$(printf '%s' "$BODY" | grep -o -- ".\{0,80\}$1.\{0,80\}" | head -3)"; else t_ok; fi; }
rows() { printf '%s' "$BODY" | grep -o 'id="finding-[0-9]*"' | sort -u | wc -l; }
for u in ana bergen oslo helse; do login $u; done

# The organisation page: the rating badge, the section, the findings in bokmål.
get ana /orgs/4601
has 200 'id="findings"' "Bergen's page has a findings section for the CERT"
has 200 'class="rating rating-red" id="org-rating">rød<' "the rating is a red badge that says so"
has 200 'høye funn er åpne' "and what red means in words"
has 200 "id=\"finding-$BID\"" "the open high finding is listed"
has 200 'Redis er eksponert' "with its title translated"
has 200 "$RB:6379" "target:port"
has 200 '<svg role="img" aria-labelledby="rating-trend-t rating-trend-d"' "the rating trend as SVG with a title"
has 200 'id="rating-trend-table"' "and as a table"
hasnt 'fixed-findings' "no fixed findings yet"
get ana /orgs/0301
has 200 "id=\"finding-$OID\"" "Oslo's page shows Oslo's finding"
get helse /orgs/4601
has 200 'Bergen' "a partner sees the organisation page"
hasnt 'id="findings"' "but no findings"
get oslo /orgs/4601
hasnt 'id="findings"' "another municipality sees no findings on Bergen's page"

# /findings: all for the CERT, filters, the CSV link.
get ana /findings
has 200 'id="findings-list"' "the CERT's list"
expect_eq "$(rows)" 4 "the CERT sees all four findings"
has 200 'href="/api/v1/findings?format=csv' "with a CSV export link"
has 200 'href="/ratings"' "the CERT has /ratings in the menu"
get ana '/findings?severity=high'
expect_eq "$(rows)" 2 "severity=high: the two service findings"
hasnt "id=\"finding-$BPROD\"" "not the info finding"
get ana '/findings?org=0301'
expect_eq "$(rows)" 2 "org=0301: Oslo's two"
hasnt "id=\"finding-$BID\"" "none of Bergen's"
get ana '/findings?check=product&org=4601'
expect_eq "$(rows)" 1 "check=product (a family) and org together"
has 200 "id=\"finding-$BPROD\"" "the product finding"
get ana '/findings?check=service.redis'
expect_eq "$(rows)" 2 "check=service.redis (a check)"
get ana '/findings?status=fixed'
expect_eq "$(rows)" 0 "status=fixed: none yet"
get ana '/findings?status=bogus'
has 400 'status er open, accepted eller fixed' "a bad status is refused, saying why"
get ana '/findings?org=9999'
has 404 'class="err"' "an unknown organisation is said to be unknown"
get ana '/api/v1/findings?format=csv&severity=high'
has 200 '^id,org,org_name,check,target,port' "CSV export with a header"
expect_eq "$(printf '%s\n' "$BODY" | grep -c 'service.redis')" 2 "the CSV has the filtered rows"
get ana '/api/v1/findings?format=xml'
has 400 'format er json eller csv' "an unknown format is refused"

# A municipality sees only its own; a partner nothing.
get bergen /findings
expect_eq "$(rows)" 2 "Bergen sees its two findings"
hasnt "id=\"finding-$OID\"" "and not Oslo's"
hasnt 'href="/ratings"' "no /ratings in a municipality's menu"
get bergen "/findings/$OID"
has 404 'Ikke funnet' "Oslo's finding is not found for Bergen"
get bergen '/findings?org=0301'
has 403 'Ikke tillatt' "filtering on another organisation is forbidden"
get bergen '/api/v1/findings?format=csv'
expect_eq "$(printf '%s\n' "$BODY" | grep -c "^[0-9]*,0301,")" 0 "Bergen's CSV has none of Oslo's rows"
expect_eq "$(printf '%s\n' "$BODY" | grep -c "^[0-9]*,4601,")" 2 "and its own two"
CODE=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$D/jar-bergen" "$URL/ratings")
expect_eq "$CODE" "303 $URL/orgs/4601#findings" "/ratings sends a municipality to its own findings"
get helse /findings
has 403 'Ikke tillatt' "a partner may not list findings"
get helse "/findings/$BID"
has 403 'Ikke tillatt' "nor open one"

# The detail page: evidence pretty-printed and escaped, history, the form.
get bergen "/findings/$BID"
has 200 '<pre id="evidence">{' "the evidence as JSON"
has 200 '^  &quot;' "pretty-printed (indented) and HTML-escaped"
has 200 'id="history"' "the history"
has 200 "action=\"/findings/$BID/accept\"" "Bergen may explain its own finding"
CS=$(csrf_of)
UNTIL=$(date -u -d '+30 days' +%Y-%m-%d)
CODE=$(curl -s -o "$D/body" -w '%{http_code}' -b "$D/jar-bergen" --data-urlencode "reason=x" --data "until=$UNTIL" "$URL/findings/$BID/accept")
expect_eq "$CODE" 403 "accepting without the CSRF token is refused"
expect_eq "$("$KCERT" finding list --org 4601 --status accepted --format csv | grep -c service.redis)" 0 "and nothing changed"
CODE=$(curl -s -o "$D/body" -w '%{http_code}' -b "$D/jar-bergen" --data "csrf=$CS" --data-urlencode "reason=Test <b>redis</b>" --data "until=2001-01-01" "$URL/findings/$BID/accept")
BODY=$(cat "$D/body")
has 400 'has passed' "a passed day is refused with the reason"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/jar-bergen" --data "csrf=$CS" --data-urlencode "reason=Test <b>redis</b>, firewalled next week" --data "until=$UNTIL" "$URL/findings/$BID/accept")
expect_eq "$CODE" 303 "accepting with the token"
run "$KCERT" finding list --org 4601 --status accepted --format json
expect_eq "$(printf '%s' "$OUT" | py "import json,sys; print(len([r for r in json.load(sys.stdin) if r['id']==$BID and r['accept_until']=='$UNTIL' and r['accept_reason'].startswith('Test <b>redis</b>')]))")" 1 "the store holds the acceptance, its reason and day"
run "$KCERT" audit list --limit 200 --format csv
printf '%s\n' "$OUT" | grep 'finding.accepted' | grep -q 'bergen' && t_ok || t_bad "the acceptance is audited with the user" "$OUT"
get bergen /orgs/4601
has 200 "<s><a href=\"/findings/$BID\">Redis er eksponert</a></s>" "the accepted finding is struck through"
has 200 "til og med $UNTIL: Test &lt;b&gt;redis&lt;/b&gt;" "with its day and its (escaped) reason"
has 200 'class="rating rating-green"' "the rating is green (only info left)"
CODE=$(curl -s -o "$D/body" -w '%{http_code}' -b "$D/jar-bergen" --data "csrf=$CS" --data-urlencode "reason=x" --data "until=$UNTIL" "$URL/findings/$OID/accept")
expect_eq "$CODE" 404 "Bergen cannot accept Oslo's finding"
expect_eq "$("$KCERT" finding list --org 0301 --status accepted --format csv | grep -c service.redis)" 0 "Oslo's finding stays open"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/jar-helse" --data "csrf=x" --data "reason=x&until=$UNTIL" "$URL/findings/$BID/withdraw")
expect_eq "$CODE" 403 "a partner cannot withdraw"
get ana "/findings/$BID"
has 200 "action=\"/findings/$BID/withdraw\"" "the CERT sees the withdraw form"
has 200 'id="accept-reason">Test &lt;b&gt;' "and the reason"
CS=$(csrf_of)
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/jar-ana" --data "csrf=$CS" "$URL/findings/$BID/withdraw")
expect_eq "$CODE" 303 "the CERT withdraws the acceptance"
expect_eq "$("$KCERT" finding list --org 4601 --status open --format csv | grep -c service.redis)" 1 "the finding is open again"
get ana "/findings/$BID"
has 200 '<td>withdrawn</td>' "the history shows the withdrawal"
"$KCERT" audit list --limit 200 --format csv | grep 'finding.withdrawn' | grep -q ana && t_ok || t_bad "the withdrawal is audited"

# Oslo's redis goes away: the rescan fixes its findings, folded away on the page.
kill "$ROSLO"; wait "$ROSLO" 2>/dev/null
run "$KCERT" scan --org 0301 --ports 6379 --timeout-ms 1500 --no-notify
expect_out "2 fixed" "the rescan fixes Oslo's findings"
get oslo /orgs/0301
has 200 '<details id="fixed-findings"><summary>Utbedrede funn (2)' "fixed findings are folded away"
has 200 'id="org-findings">Ingen åpne funn' "no open findings"

# The national table for the CERT. Earlier days of the trend are put in
# rating_history directly (kcert records only today): three days ago Bergen
# orange and Oslo red; Tromsø's only rating is from before the window, yellow,
# and it counts as yellow on every day shown.
OSLO_ID=$("$KCERT" org show 0301 | awk '$1 == "ID" { print $2 }')
BERGEN_ID=$("$KCERT" org show 4601 | awk '$1 == "ID" { print $2 }')
TROMSO_ID=$("$KCERT" org show 5501 | awk '$1 == "ID" { print $2 }')
D3=$(date -u -d '-3 days' +%Y-%m-%d); D200=$(date -u -d '-200 days' +%Y-%m-%d)
db_sql "INSERT INTO rating_history (org_id, day, colour, updated_at) VALUES ($BERGEN_ID, '$D3', 'orange', '${D3}T12:00:00Z'), ($OSLO_ID, '$D3', 'red', '${D3}T12:00:00Z'), ($TROMSO_ID, '$D200', 'yellow', '${D200}T12:00:00Z')" && t_ok || t_bad "seed the rating history"
get ana /ratings
has 200 'id="ratings-summary"' "/ratings has the summary"
has 200 'id="count-red">1<' "one municipality red (Bergen)"
has 200 'id="count-green">1<' "one green (Oslo, fixed)"
NG=$("$KCERT" rating --format csv | grep -c ',grey,')
has 200 "id=\"count-grey\">$NG<" "the rest grey, as kcert rating says ($NG)"
has 200 'id="rating-4601" data-colour="red"' "Bergen's row is red"
has 200 '<h2 id="county-46">Vestland</h2>' "each county has its section"
has 200 'id="national-trend-table"' "the national trend as a table"
has 200 "<th scope=\"row\">$D3</th><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>" "three days ago: Oslo red, Bergen orange, Tromsø yellow"
has 200 "<th scope=\"row\">$(date -u +%Y-%m-%d)</th><td>1</td><td>0</td><td>1</td><td>1</td><td>0</td></tr>" "today: Bergen red, Oslo green, Tromsø still yellow"
hasnt "<th scope=\"row\">$D200</th>" "a day before the window is not shown"
has 200 '<title id="national-trend-t">' "the trend chart has a title"
get oslo /ratings
expect_eq "$CODE" 303 "Oslo is sent to its own page too"
get helse /ratings
expect_eq "$CODE" 403 "a partner may not see the ratings"

# The operator's metrics count the scanner's work.
get ana /metrics
expect_eq "$CODE" 200 "the CERT reads /metrics"
probes=$(sed -n 's/^kcert_scan_probes_total \([0-9]*\)$/\1/p' "$D/body")
runs=$(sed -n 's/^kcert_scan_runs{status="done"} \([0-9]*\)$/\1/p' "$D/body")
high=$(sed -n 's/^kcert_findings_open{severity="high"} \([0-9]*\)$/\1/p' "$D/body")
expect_eq "${runs:-none}" "$(db_val "SELECT count(*) FROM scan_run WHERE status = 'done'")" "scan runs by status, as the store has them"
expect_eq "${probes:-none}" "$(db_val "SELECT COALESCE(SUM(probes_done), 0) FROM scan_run")" "probes sent, as the store has them"
expect_eq "${high:-none}" "$(db_val "SELECT count(*) FROM finding WHERE status = 'open' AND severity = 'high'")" "open high findings"
[ "${probes:-0}" -gt 0 ] && t_ok || t_bad "the scans sent probes (got ${probes:-none})"
t_end
