#!/bin/sh
# test_picture.sh - the picture by place and over time: the municipality map
# (357 tiles, names, colour classes from the store), the daily trend, the
# municipality view with the national median (no other municipality named),
# GET /api/v1/situation's comparison, kcert report situation in md, html and
# PDF (pages rendered by pdftoppm, text read by pdftotext, TLP marking, a
# TLP:CLEAR report names no municipality), and the weekly report mailed once.
. "$(dirname "$0")/lib.sh"
t_begin
FIX=$(cd "$(dirname "$0")/../fixtures/notify" && pwd)
export KCERT_NOW=2026-11-28T06:00:00Z
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
for f in "$FIX"/2026-11-27-*.csv; do "$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$f" >/dev/null; done
"$KCERT" case new --title "Løsepengevirus i Oslo" --org 0301 --severity kritisk >/dev/null
"$KCERT" case new --title "Phishing mot Bergen" --org 4601 --severity alvorlig >/dev/null
"$KCERT" case classify 2 --classification fraud/phishing --tlp CLEAR >/dev/null
"$KCERT" situation level 3 --rationale "Aktive løsepengevirusangrep" >/dev/null
# q SQL: one value from the test's store, to compare with what is shown.
q() {
	if [ "$T_ENGINE" = postgresql ]; then psql -qtAX "$KCERT_DB" -c "$1"; else sqlite3 "$KCERT_DB" "$1"; fi
}
oslo=$(q "SELECT count(*) FROM event e JOIN org o ON o.id = e.org_id WHERE o.code = '0301'")
bergen=$(q "SELECT count(*) FROM event e JOIN org o ON o.id = e.org_id WHERE o.code = '4601'")
expect_eq "$oslo" 4 "the fixtures give Oslo four events"
expect_eq "$bergen" 1 "and Bergen one"

# --- reports ---
run "$KCERT" --lang nb report situation --period week --format md --tlp AMBER
expect_rc 0 "a Markdown report"
expect_out '^\*\*TLP:AMBER\*\*$' "marked with its TLP"
expect_out "^\| Nye hendelser i perioden \| 5 \|$" "the five new events, in bokmål"
expect_out "Aktive løsepengevirusangrep" "the threat level's rationale"
expect_out "Oslo kommune|Oslo: Løsepengevirus" "AMBER names the municipality of a notable incident"
# One period for every figure: the 7 x 24 hours before the report (KCERT_NOW).
run "$KCERT" --lang en report situation --period week --format md --tlp AMBER
expect_out "Period: the last 7 x 24 hours, 2026-11-21 07:00 to 2026-11-28 07:00" "the report says its period"
new=$(printf '%s\n' "$OUT" | sed -n 's/^| New events in the period | \([0-9]*\) |$/\1/p')
slots=$(printf '%s\n' "$OUT" | awk -F'|' '/^\| 2026-11-2[0-9] \| [0-9]+ \|$/ { s += $3; n++ } END { print n "/" s }')
bytype=$(printf '%s\n' "$OUT" | sed -n '/^## Events seen in the period by type/,/^## /p' | awk -F'|' '/^\| [a-z]/ { s += $3 } END { print s + 0 }')
expect_eq "$new" "$(q "SELECT count(*) FROM event WHERE org_id IS NOT NULL AND time_source >= '2026-11-21T06:00:00Z' AND time_source < '2026-11-28T06:00:00Z'")" \
	"new events in the period: first seen in the last 7 x 24 hours, as the store counts them"
expect_eq "$slots" "7/$new" "the chart's seven 24-hour rows add up to the same figure"
expect_eq "$bytype" "$(q "SELECT count(*) FROM event WHERE org_id IS NOT NULL AND time_last >= '2026-11-21T06:00:00Z'")" \
	"events by type: last seen in the same 7 x 24 hours"
run "$KCERT" report situation --format md --tlp CLEAR
expect_out '^\*\*TLP:CLEAR\*\*$' "a CLEAR report"
expect_no_out "Oslo|Bergen|Løsepengevirus" "names no municipality and no case above CLEAR"
expect_out "1 flere alvorlige|1 further" "the AMBER case is only counted"
expect_out "fraud" "the CLEAR case is listed by classification"
run "$KCERT" --lang en report situation --format html --tlp GREEN
expect_out '<p class="tlp"[^>]*>TLP:GREEN</p></body>' "HTML ends with the marking too"
expect_out '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="kc-chart" id="trend"' "with its SVG chart"
expect_out "Key figures" "in English with --lang en"
run "$KCERT" report situation --format pdf
expect_rc 2 "a PDF needs --output"
run "$KCERT" report situation --period fortnight --format md
expect_rc 2 "a bad period is refused"
expect_err "fortnight" "naming it"
run "$KCERT" --lang nb report situation --period month --format pdf --tlp CLEAR --output "$T_DIR/r.pdf"
expect_rc 0 "a PDF report"
pages=$(pdfinfo "$T_DIR/r.pdf" | sed -n 's/^Pages: *//p')
[ "${pages:-0}" -ge 1 ] && t_ok || t_bad "the PDF has pages ($pages)"
pdftoppm -r 40 -png "$T_DIR/r.pdf" "$T_DIR/page"
n=0
for p in "$T_DIR"/page-*.png; do [ -s "$p" ] && n=$((n + 1)); done
expect_eq "$n" "$pages" "pdftoppm renders every page to a non-empty image"
pdftotext "$T_DIR/r.pdf" "$T_DIR/r.txt"
run cat "$T_DIR/r.txt"
expect_out "^TLP:CLEAR$" "pdftotext finds the TLP marking"
[ "$(grep -c 'TLP:CLEAR$' "$T_DIR/r.txt")" -ge $((2 * pages)) ] && t_ok || t_bad "the marking on every page, top and bottom"
expect_out "^Nye hendelser i perioden$" "the figures"
expect_no_out "Oslo|Bergen" "and no municipality named"

# --- weekly report by mail, once ---
smtp_start "$T_DIR/smtp"
trap 'smtp_stop; t_cleanup' EXIT
"$KCERT" contact add 4601 --name "Kari Nordmann" --email kari@bergen.example --notices report,feed --lang nn >/dev/null
"$KCERT" contact add 0301 --name "Ola" --email ola@oslo.example --notices all >/dev/null
"$KCERT" worker --once >/dev/null 2>"$T_DIR/w1.err"
"$KCERT" worker --once >/dev/null 2>"$T_DIR/w2.err"
run smtp_show
expect_eq "$(printf '%s\n' "$OUT" | grep -c '^Subject: \[TLP:GREEN\]')" 1 \
	"two worker rounds, one report: to the one subscriber, once"
expect_out "To: .*kari@bergen.example" "to the contact who subscribes to report"
expect_out "Subject: \[TLP:GREEN\] KommuneCERT situasjonsrapport 2026-W48" "the week in the subject, in nynorsk"
expect_out "situasjonsrapport-2026-W48.pdf.*application/pdf" "with the PDF attached"
run q "SELECT count(*) FROM report_delivery WHERE period = '2026-W48'"
expect_eq "$OUT" 1 "recorded once for the week"
smtp_stop

# --- scanner findings, KEV exposure, advisories (picture3) ---
VF=$(cd "$(dirname "$0")/../fixtures/vuln" && pwd)
"$KCERT" vuln import "$VF/kev-subset.json" "$VF/CVE-2023-3519.nvd-cve-2.0.json" >/dev/null
"$KCERT" asset add 0301 product 'cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:*:*:*:*:*:*:*' >/dev/null
"$KCERT" asset add 4601 product 'cpe:2.3:a:citrix:netscaler_gateway:13.1:*:*:*:*:*:*:*' >/dev/null
"$KCERT" asset add 5001 domain trondheim.example >/dev/null
finding() { # org-code check severity status
	q "INSERT INTO finding (org_id, check_id, family, target, port, severity, title, status, first_seen, last_seen)
	   SELECT id, '$2', '${2%%.*}', '$1.example', 0, '$3', 'test', '$4', '2026-11-20T00:00:00Z', '2026-11-27T00:00:00Z'
	   FROM org WHERE code = '$1'" >/dev/null
}
finding 0301 service.rdp high open
finding 0301 http.hsts low open
finding 4601 tls.protocol medium open
finding 4601 service.rdp high accepted
finding 5001 service.rdp high fixed
for c in 0301 4601 5001; do q "INSERT INTO rating_history (org_id, day, colour, updated_at) SELECT id, '2026-11-27',
	CASE code WHEN '0301' THEN 'red' WHEN '4601' THEN 'orange' ELSE 'green' END, '2026-11-27T00:00:00Z' FROM org WHERE code = '$c'" >/dev/null; done
"$KCERT" advisory new --title "Citrix-sårbarhet" --product 'cpe:2.3:a:citrix:netscaler_gateway:*:*:*:*:*:*:*:*' \
	--fixed 'cpe:2.3:a:citrix:netscaler_gateway:*:*:*:*:*:*:*:*=13.1-49.13' --tlp AMBER --severity kritisk >/dev/null
"$KCERT" advisory new --title "Offentlig råd om RDP" --tlp CLEAR >/dev/null
"$KCERT" advisory new --title "Grønt råd om e-post" --tlp GREEN >/dev/null
"$KCERT" advisory new --title "Utkast som ikke vises" --tlp CLEAR >/dev/null
for a in KCERT-2026-0001 KCERT-2026-0002 KCERT-2026-0003; do "$KCERT" advisory publish $a >/dev/null; done
run "$KCERT" --lang en report situation --format md --tlp CLEAR
expect_out "^\| KCERT-2026-0002 \| Offentlig råd om RDP \|" "the CLEAR report lists the CLEAR advisory"
expect_no_out "KCERT-2026-0003|KCERT-2026-0001|Utkast" "but not the GREEN or AMBER one, nor the draft"
expect_out "2 further advisories are marked above" "those are only counted"
expect_out "^\| high \| 1 \|$" "open findings by severity: one high (the accepted and the fixed not counted)"
expect_out "^\| All counties \| 1 \| 1 \| 0 \| 1 \| 354 \|$" "colours for the whole country"
expect_no_out "Oslo|Bergen|Trøndelag" "and no municipality or county named"
run "$KCERT" --lang en report situation --format md --tlp GREEN
expect_out "^\| KCERT-2026-0003 \| Grønt råd om e-post \|" "GREEN lists the GREEN one too"
expect_no_out "KCERT-2026-0001" "not the AMBER one"
expect_out "^\| Vestland \| 0 \| 1 \| 0 \| 0 \| [0-9]+ \|$" "and colours by county"
run "$KCERT" --lang en report situation --format md --tlp AMBER
expect_out "^\| KCERT-2026-0001 \| Citrix-sårbarhet \|" "AMBER lists all three"
expect_out "^\| Oslo \| Oslo \| 1 \|$" "and names the municipality rated red"

# --- the web: map, trend, municipality view ---
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add bergen --role member --org 4601 --password-stdin >/dev/null
TOK_bergen=$("$KCERT" token create bergen --expires 1d 2>/dev/null)
serve_start --no-worker
login() {
	rm -f "$T_DIR/jar"
	curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" "$URL/login" >"$T_DIR/login.html"
	csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login.html" | head -n 1)
	curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" --data "csrf=$csrf&name=$1&password=$pw" "$URL/login" >/dev/null
}
login ana
curl -s -b "$T_DIR/jar" "$URL/situation" >"$T_DIR/sit.html"
# The two maps: events in 30 days and the security rating.
tr '\n' ' ' <"$T_DIR/sit.html" | sed 's/.*<section id="map-events"//; s/<\/section>.*//' >"$T_DIR/emap.html"
tr '\n' ' ' <"$T_DIR/sit.html" | sed 's/.*<section id="map-rating"//; s/<\/section>.*//' >"$T_DIR/rmap.html"
run grep -o 'data-code="[0-9]*" x=' "$T_DIR/emap.html"
expect_eq "$(printf '%s\n' "$OUT" | sort -u | wc -l)" 357 "the map has 357 municipality tiles"
run grep -o '<rect class="m c-[0-9x]" data-code="0301"[^>]*><title>[^<]*</title>' "$T_DIR/emap.html"
expect_out "c-1\" data-code=\"0301\".*<title>Oslo \(0301\): $oslo</title>" "Oslo coloured 1-4 with its count from the store"
run grep -o '<rect class="m c-[0-9x]" data-code="4601"[^>]*><title>[^<]*</title>' "$T_DIR/emap.html"
expect_out "c-1\" data-code=\"4601\".*<title>Bergen \(4601\): $bergen</title>" "Bergen likewise"
expect_eq "$(grep -o 'class="m c-0"' "$T_DIR/emap.html" | wc -l)" 355 "the other 355 have none"
run grep -o '<title>Aurskog-Høland (3226)' "$T_DIR/emap.html"
expect_eq "$OUT" "<title>Aurskog-Høland (3226)" "each tile carries the municipality's name"
run cat "$T_DIR/sit.html"
expect_out 'id="trend"' "the daily trend chart"
expect_out '<table id="exposed">' "the most exposed services"
rdp=$(q "SELECT count(*) FROM event e JOIN org o ON o.id = e.org_id WHERE o.code = '0301' AND e.identifier = 'open-rdp'")
expect_out "<td>Oslo</td><td>open-rdp</td><td>$rdp</td>" "Oslo's open RDP events as the store counts them"
expect_out '<table id="by-class">' "open cases by classification"
# The map by rating: each tile's class is the store's rating.
run "$KCERT" rating --format csv
printf '%s\n' "$OUT" | awk -F, 'NR > 1 { c = $4 == "red" ? 0 : $4 == "orange" ? 1 : $4 == "yellow" ? 2 : $4 == "green" ? 3 : 4; print $2, c }' | sort >"$T_DIR/want"
grep -o '<rect class="m c-[0-9]" data-code="[0-9]*" x=' "$T_DIR/rmap.html" |
	sed 's/.*c-\([0-9]\)" data-code="\([0-9]*\)" x=/\2 \1/' | sort -u >"$T_DIR/got"
expect_eq "$(wc -l <"$T_DIR/got")" 357 "the rating map has 357 tiles"
run diff "$T_DIR/want" "$T_DIR/got"
expect_rc 0 "every tile's colour class is the municipality's rating in the store"
run cat "$T_DIR/sit.html"
expect_out '<tr data-county="03"><th scope="row">Oslo</th><td class="red">1</td>' "the rating per county: Oslo red"
expect_out '<td id="finding-high">1</td><td id="finding-medium">1</td><td id="finding-low">1</td><td id="finding-info">0</td><td id="finding-accepted">1</td>' \
	"open findings by severity as the store has them"
expect_out '<th scope="row">service.rdp</th><td>[^<]*</td><td>1</td><td>1</td>' "the open RDP finding by check (accepted and fixed not counted)"
expect_out '<th scope="row">citrix:netscaler_gateway</th><td>2</td>' "products by vendor:product across organisations"
# The KEV list equals kcert vuln affected.
for cve in $(grep -o 'data-cve="[^"]*"' "$T_DIR/sit.html" | sed 's/data-cve="//; s/"//'); do
	"$KCERT" vuln affected "$cve" --format csv >"$T_DIR/aff.csv"
	d=$(awk -F, 'NR > 1 && $3 == "match" { print $1 }' "$T_DIR/aff.csv" | sort -u | wc -l)
	u=$(awk -F, 'NR > 1 && $3 == "uncertain" { print $1 }' "$T_DIR/aff.csv" | sort -u | wc -l)
	run grep -o "<tr data-cve=\"$cve\">.*</tr>" "$T_DIR/sit.html"
	expect_out "<td class=\"definite\">$d</td><td class=\"uncertain\">$u</td>" "$cve: $d definite, $u uncertain, as kcert vuln affected says"
done
run grep -c 'data-cve=' "$T_DIR/sit.html"
expect_eq "$OUT" 1 "one KEV entry (CVE-2023-3519) affects constituents"
run curl -s -b "$T_DIR/jar" "$URL/org/0301/situation"
expect_out 'data-advisory="KCERT-2026-0001" class="concerns"' "Oslo's view: the AMBER advisory that concerns its product"
run curl -s -b "$T_DIR/jar" "$URL/org/4601/situation"
expect_out "Situasjonsbilde: Bergen" "the CERT's view of one municipality"
expect_out "id=\"own-30d\">$bergen<" "with its own count"
login bergen
run curl -s -b "$T_DIR/jar" "$URL/situation"
expect_out "id=\"own-30d\">$bergen<" "a municipality sees its own count"
expect_out 'id="median-30d">0<' "and the median per municipality (most have none)"
expect_out 'id="trend"' "its trend beside the median"
expect_no_out "Oslo|Løsepengevirus|kc-map|netscaler_gateway:13.1-48" "and no other municipality, no map, not Oslo's product"
expect_out '<td id="finding-medium">1</td>' "its own open findings"
expect_out 'id="own-colour">oransje<' "its own rating"
expect_out '<tr><th scope="row">2026-11-27</th><td class="rating-orange">' "its rating over time"
expect_no_out 'data-advisory="KCERT-2026-0001"' "not the AMBER advisory: its 13.1 is only uncertain against the fix"
expect_out 'data-advisory="KCERT-2026-0002"' "the CLEAR one"
expect_out '<tr data-cve="CVE-2023-3519">' "the KEV entry for its product"
expect_out '<td class="definite">0</td><td class="uncertain">1</td>' "counted for it alone (uncertain: 13.1)"
run curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" "$URL/org/0301/situation"
expect_eq "$OUT" 403 "not Oslo's view"
run curl -s -H "Authorization: Bearer $TOK_bergen" "$URL/api/v1/situation"
expect_out "\"own_total\": ?$bergen" "the API compares: its own total"
expect_out '"median_total": ?0' "the national median"
expect_out '"municipalities": ?357' "over 357 municipalities"
expect_no_out 'oslo|Oslo' "and names no other"
expect_out '"open_findings_by_severity": ?\{[^}]*"medium": ?1' "the API: its open findings"
expect_out '"kev_affected": ?\[\{[^]]*"cve": ?"CVE-2023-3519"' "the KEV entry affecting it"
expect_out '"rating": ?\{"colour": ?"orange"' "its rating"
t_end
