#!/bin/sh
# test_advisory.sh - advisories end to end: write, edit, publish and update
# from the CLI; export CSAF (checked with the CSAF JSON schema through the
# Debian jsonschema module, csaf-validator-lib's mandatory tests and kcert's
# own checker), HTML and Atom; the CSAF provider under kcert serve (provider
# metadata, TLP folders, index.txt, changes.csv, hashes, ROLIE, security.txt);
# TLP enforcement; the CERT's web form with CSRF; the subscribers' digest
# through a real SMTP server, exactly once.
. "$(dirname "$0")/lib.sh"
t_begin
REPO=$(cd "$(dirname "$0")/../.." && pwd)
sh "$REPO/tests/csaf/install.sh" || { echo "cannot install the CSAF test tools" >&2; exit 1; }
export KCERT_MAIL_FROM=cert@kommunecert.example
export KCERT_CSAF_NAMESPACE=https://kommunecert.example
export KCERT_NOW=2026-11-28T08:00:00Z
csaf_ok() { # csaf_ok FILE WHAT: schema, csaf-validator-lib and kcert csaf validate
	if /usr/bin/python3 "$REPO/tests/csaf/validate.py" "$1" >"$T_DIR/v.out" 2>&1; then t_ok; else t_bad "$2: the CSAF schema" "$(cat "$T_DIR/v.out")"; fi
	if (cd "$REPO/tests/csaf" && node mandatory.mjs "$1") >"$T_DIR/v.out" 2>&1; then t_ok; else t_bad "$2: csaf-validator-lib's mandatory tests" "$(cat "$T_DIR/v.out")"; fi
	if "$KCERT" csaf validate "$1" >"$T_DIR/v.out" 2>&1; then t_ok; else t_bad "$2: kcert csaf validate" "$(cat "$T_DIR/v.out")"; fi
}

"$KCERT" init >/dev/null || exit 1
"$KCERT" contact add 0301 --name "Ola Nordmann" --email ola@oslo.example --lang nb >/dev/null
"$KCERT" contact add 4601 --name "Kari Vestland" --email kari@bergen.example --lang nn --notices advisory >/dev/null
"$KCERT" org set 0301 --member yes >/dev/null 2>&1
"$KCERT" org set 4601 --member yes >/dev/null 2>&1
printf '# Oppdater Apache nå\n\nSe <script>alert(1)</script> og [dette](javascript:alert(1)) og [dette](https://example.org/).\n' >"$T_DIR/body.md"

# Bad input is refused with a reason, nothing stored.
run "$KCERT" advisory new --title "X" --product 'cpe:2.3:a:apache'
expect_rc 2 "a truncated CPE is refused"
expect_err "CPE" "and the error names the CPE"
run "$KCERT" advisory new --title "X" --cve CVE-24-1
expect_rc 2 "a malformed CVE id is refused"
run "$KCERT" advisory new --title "X" --cve 'CVE-2024-1234=9.8=CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H'
expect_rc 2 "a CVSS vector with its metrics out of order is refused"
expect_err "order" "and the error says what is wrong with it"
run "$KCERT" advisory new --title "X" --cve 'CVE-2024-1234=7.5=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'
expect_rc 2 "a score the vector does not compute to is refused"
expect_err "9.8" "naming the score the vector gives"
run "$KCERT" advisory new --title "X" --tlp PURPLE
expect_rc 2 "an unknown TLP is refused"
run "$KCERT" advisory list --all --format csv
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "nothing was stored"

run "$KCERT" advisory new --title "Kritisk sårbarhet i Apache HTTP Server" --summary "Angripere kan ta over serveren." \
	--body-file "$T_DIR/body.md" --cve 'CVE-2024-38476=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' \
	--product 'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*' --fixed 'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*=2.4.60' \
	--tlp CLEAR --severity alvorlig --reference 'https://httpd.apache.org/security/vulnerabilities_24.html Apache' \
	--recommendation "Oppgrader straks." --workaround "Slå av mod_rewrite."
expect_rc 0 "advisory new succeeds"
ID=$OUT
expect_eq "$ID" "KCERT-2026-0001" "the first advisory of 2026 is KCERT-2026-0001"
AMBER=$("$KCERT" advisory new --title "Intern: angrep mot Citrix" --tlp AMBER --severity kritisk \
	--product 'cpe:2.3:a:citrix:netscaler_gateway:13.1:*:*:*:*:*:*:*' --cve CVE-2023-4966)
expect_eq "$AMBER" "KCERT-2026-0002" "the next one counts on"
run "$KCERT" advisory edit "$ID" --severity kritisk
expect_rc 0 "a draft can be edited"
"$KCERT" advisory export "$ID" --format csaf >"$T_DIR/draft.json"
csaf_ok "$T_DIR/draft.json" "the draft's CSAF document"
run "$KCERT" advisory update "$ID" --summary "x"
expect_rc 2 "a draft cannot be updated"
# Oslo runs Apache 2.4.59 (below the fixed 2.4.60), Bergen 2.4.62 (fixed),
# Trondheim a version that does not compare (uncertain: listed, not mailed).
"$KCERT" asset add 0301 product 'cpe:2.3:a:apache:http_server:2.4.59:*:*:*:*:*:*:*' >/dev/null
"$KCERT" asset add 4601 product 'cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*' >/dev/null
"$KCERT" contact add 5001 --name "Trond Heim" --email trond@trondheim.example --lang nb >/dev/null
"$KCERT" asset add 5001 product 'cpe:2.3:a:apache:http_server:2.4.x-vendor:*:*:*:*:*:*:*' >/dev/null
run "$KCERT" advisory publish "$ID"
expect_rc 0 "publish succeeds"
run "$KCERT" outbox list --format csv
expect_out "^[0-9]+,advisory,KCERT-2026-0001-r1,ola@oslo.example,queued" "publishing queues a notice to the organisation running an affected version"
expect_no_out "KCERT-2026-0001-r1,(kari@bergen|trond@trondheim)" "not to the one with the fixed version, nor on an uncertain version"
run "$KCERT" advisory edit "$ID" --title "Nytt"
expect_rc 2 "a published advisory is not edited in place"
run "$KCERT" advisory publish "$ID"
expect_rc 2 "publishing twice is refused"
"$KCERT" advisory publish "$AMBER" >/dev/null
export KCERT_NOW=2026-11-28T09:30:00Z
run "$KCERT" advisory update "$ID" --summary "Lagt til CVE-2024-38474." --cve 'CVE-2024-38476=9.8=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' --cve CVE-2024-38474
expect_rc 0 "update succeeds"
run "$KCERT" advisory show "$ID" --format json
expect_out '"version": ?2' "the update is revision 2"
expect_out '"severity": ?"kritisk"' "the edit stayed"
"$KCERT" advisory export "$ID" --format csaf >"$T_DIR/pub.json"
csaf_ok "$T_DIR/pub.json" "the published CSAF document"
"$KCERT" advisory export "$AMBER" --format csaf >"$T_DIR/amber.json"
csaf_ok "$T_DIR/amber.json" "the TLP:AMBER CSAF document"
run cat "$T_DIR/pub.json"
expect_out '"category": "coordinator"' "the publisher is a coordinator"
expect_out '"namespace": "https://kommunecert.example"' "the namespace comes from the configuration"
expect_out '"label": "WHITE"' "TLP:CLEAR is written WHITE (CSAF 2.0 has TLP v1 labels)"
expect_out '"number": "2"' "the revision history has revision 2"
expect_out '"baseScore": 9.8' "the CVSS v3.1 score is there"
expect_out '"category": "vendor_fix"' "the fixed version is a vendor fix"
expect_out '"category": "workaround"' "the workaround is there"
expect_out '"fixed": \[' "the fixed product has its status"
run cat "$T_DIR/amber.json"
expect_out '"label": "AMBER"' "the AMBER advisory says AMBER"
# kcert's checker finds what the schema cannot: a product status contradiction.
sed 's/"fixed": \[/"known_not_affected": ["CSAFPID-0001"], "fixed": [/' "$T_DIR/pub.json" >"$T_DIR/bad.json"
run "$KCERT" csaf validate "$T_DIR/bad.json"
expect_rc 1 "a contradicting document fails"
expect_out '6.1.6 /vulnerabilities/0/product_status/known_not_affected/0' "naming the test and the JSON path"
run "$KCERT" --lang nb csaf validate "$T_DIR/bad.json"
expect_out '6.1.6 /vulnerabilities/0/product_status/known_not_affected/0: produktet .* har motstridende produktstatus' "the checker's messages in bokmål too"
for f in "$REPO"/tests/fixtures/csaf/bsi-2022-0001.json "$REPO"/tests/fixtures/csaf/sec-vex-2022-0001.json "$REPO"/tests/fixtures/csaf/oasis_csaf_tc-csaf_2_0-2021-6-1-14-11.json; do
	run "$KCERT" csaf validate "$f"
	expect_rc 0 "the OASIS example $(basename "$f") passes"
done
run "$KCERT" advisory export "$ID" --format html
expect_out '<h1>KCERT-2026-0001: Kritisk sårbarhet i Apache HTTP Server</h1>' "the HTML page has the title"
expect_out '<h1>Oppdater Apache nå</h1>' "Markdown is rendered"
expect_no_out '<script>' "raw HTML is removed"
expect_no_out 'javascript:' "dangerous links are removed"
expect_out 'href="https://example.org/"' "safe links stay"
run "$KCERT" advisory export "$ID" --format atom
expect_out '<feed xmlns="http://www.w3.org/2005/Atom"' "the Atom feed"
/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())' <"$T_DIR/out"
expect_eq "$?" "0" "the Atom feed is well-formed XML"

# The digest: Bergen's contact subscribes to advisories; Oslo's gets everything.
smtp_start "$T_DIR/mail"
run "$KCERT" advisory digest
expect_out "2 digests queued \(4 advisory revisions\)" "a digest per subscriber with the CLEAR advisory's two revisions each (AMBER stays out)"
"$KCERT" worker --once >/dev/null 2>&1
run "$KCERT" advisory digest
expect_out "0 digests queued" "each subscriber is told once"
run smtp_show
expect_eq "$(ls "$T_DIR/mail"/*.eml 2>/dev/null | wc -l)" 4 "two digests and Oslo's two notices (revisions 1 and 2) reached the SMTP server"
expect_eq "$(printf '%s\n' "$OUT" | grep -A4 '^X-Envelope-To: ola@oslo.example' | grep -c '^Subject: .*Råd KCERT-2026-0001: Kritisk')" 2 "Oslo, running an affected version, is told of each revision"
expect_no_out "X-Envelope-To: trond@trondheim.example[^=]*Subject: [^\n]*KCERT-2026-0001" "Trondheim (uncertain version) gets no notice"
expect_out "X-Envelope-To: kari@bergen.example" "Bergen's subscriber got one"
expect_out "KCERT-2026-0001" "the digest names the advisory"
expect_no_out "KCERT-2026-0002" "the AMBER advisory is not in digests"
smtp_stop

# The CSAF provider.
PORT=$(t_port)
URL="http://127.0.0.1:$PORT"
export KCERT_BASE_URL=$URL
"$KCERT" serve --listen "127.0.0.1:$PORT" >"$T_DIR/serve.out" 2>"$T_DIR/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; t_cleanup' EXIT
for i in $(seq 1 200); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add oslo --role member --org 0301 --password-stdin >/dev/null
TOK_ana=$("$KCERT" token create ana --expires 1d 2>/dev/null)
TOK_oslo=$("$KCERT" token create oslo --expires 1d 2>/dev/null)
get() { # get PATH [TOKEN]: status in CODE, body in $T_DIR/body
	CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' ${2:+-H "Authorization: Bearer $2"} "$URL$1")
}
get /.well-known/csaf/provider-metadata.json
expect_eq "$CODE" 200 "provider-metadata.json is served"
run cat "$T_DIR/body"
expect_out '"role": "csaf_provider"' "the role is csaf_provider"
expect_out "\"canonical_url\": \"$URL/.well-known/csaf/provider-metadata.json\"" "with its canonical URL"
expect_out "\"directory_url\": \"$URL/.well-known/csaf/white/\"" "the white folder is a distribution"
expect_out "kommunecert-csaf-feed-tlp-white.json" "with a ROLIE feed"
get /.well-known/csaf/white/index.txt
expect_eq "$(cat "$T_DIR/body")" "2026/kcert-2026-0001.json" "index.txt lists the public document"
get /.well-known/csaf/white/changes.csv
expect_eq "$(cat "$T_DIR/body")" '"2026/kcert-2026-0001.json","2026-11-28T09:30:00Z"' "changes.csv has it with its last change"
get /.well-known/csaf/white/2026/kcert-2026-0001.json
expect_eq "$CODE" 200 "the document is served"
cp "$T_DIR/body" "$T_DIR/kcert-2026-0001.json"
csaf_ok "$T_DIR/kcert-2026-0001.json" "the served document"
"$KCERT" advisory export "$ID" --format csaf >"$T_DIR/pub-url.json"
cmp -s "$T_DIR/kcert-2026-0001.json" "$T_DIR/pub-url.json"
expect_eq "$?" "0" "the served document is the exported one"
get /.well-known/csaf/white/2026/kcert-2026-0001.json.sha512
cp "$T_DIR/body" "$T_DIR/kcert-2026-0001.json.sha512"
(cd "$T_DIR" && sha512sum -c --status kcert-2026-0001.json.sha512)
expect_eq "$?" "0" "sha512sum checks the document against its .sha512"
get /.well-known/csaf/white/2026/kcert-2026-0001.json.sha256
cp "$T_DIR/body" "$T_DIR/kcert-2026-0001.json.sha256"
(cd "$T_DIR" && sha256sum -c --status kcert-2026-0001.json.sha256)
expect_eq "$?" "0" "and sha256sum against its .sha256"
get /.well-known/csaf/white/2026/kcert-2026-0001.json.asc
expect_eq "$CODE" 404 "no signature without a signing command"
get /.well-known/csaf/white/kommunecert-csaf-feed-tlp-white.json
run cat "$T_DIR/body"
expect_out "\"href\": \"$URL/.well-known/csaf/white/2026/kcert-2026-0001.json\"" "the ROLIE feed links the document"
expect_out '"term": "csaf"' "as a CSAF feed"
get /.well-known/security.txt
run cat "$T_DIR/body"
expect_out "^Contact: mailto:cert@kommunecert.example" "security.txt has a contact"
expect_out "^Expires: 2027-11-28T09:30:00Z" "and an expiry a year on"
expect_out "^Preferred-Languages: nb, nn, en" "and the languages"
expect_out "^Canonical: $URL/.well-known/security.txt" "and its canonical URL"
expect_out "^Policy: " "and a policy"
expect_out "^CSAF: $URL/.well-known/csaf/provider-metadata.json" "and the CSAF line"

# TLP: AMBER is for the CERT only here; 404 for everyone else.
for who in "" "$TOK_oslo"; do
	get /.well-known/csaf/amber/2026/kcert-2026-0002.json "$who"
	expect_eq "$CODE" 404 "the AMBER document is not found for ${who:+a municipality}${who:-anonymous}"
	get /.well-known/csaf/amber/index.txt "$who"
	expect_eq "$CODE" 404 "nor its folder"
	get /advisories/KCERT-2026-0002 "$who"
	expect_eq "$CODE" 404 "nor its page"
	get /api/v1/advisories/KCERT-2026-0002 "$who"
	expect_eq "$CODE" 404 "nor the API"
done
get /.well-known/csaf/amber/2026/kcert-2026-0002.json "$TOK_ana"
expect_eq "$CODE" 200 "the CERT's analyst gets the AMBER document"
get /.well-known/csaf/amber/index.txt "$TOK_ana"
expect_eq "$(cat "$T_DIR/body")" "2026/kcert-2026-0002.json" "and its folder's index"
get /advisories.atom
run cat "$T_DIR/body"
expect_out "KCERT-2026-0001" "the public Atom feed has the CLEAR advisory"
expect_no_out "KCERT-2026-0002" "but not the AMBER one"
get /api/v1/advisories
expect_eq "$(grep -o '"id":"KCERT-[0-9-]*"' "$T_DIR/body" | tr '\n' ' ')" '"id":"KCERT-2026-0001" ' "the API lists only the public advisory anonymously"
get /api/v1/advisories "$TOK_ana"
expect_eq "$(grep -o '"id":"KCERT-[0-9-]*"' "$T_DIR/body" | wc -l)" 2 "and both to the CERT"
get /advisories/KCERT-2026-0001
expect_eq "$CODE" 200 "the public page is served without logging in"
run cat "$T_DIR/body"
expect_no_out 'name="csrf"' "without the editor"

# The CERT writes in the web form, with CSRF protection.
curl -s -c "$T_DIR/jar" -H 'Content-Type: application/json' -d "{\"name\":\"ana\",\"password\":\"$pw\"}" "$URL/api/v1/session" >"$T_DIR/login"
CSRF=$(sed -n 's/.*"csrf": *"\([^"]*\)".*/\1/p' "$T_DIR/login")
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" --data-urlencode "title=Uten token" "$URL/advisories")
expect_eq "$CODE" 403 "a form without the CSRF token is refused"
CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "title=Nettskjema" --data-urlencode "tlp=GREEN" --data-urlencode "severity=lav" \
	--data-urlencode "products=cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*" "$URL/advisories")
expect_eq "$CODE" 303 "the CERT saves a draft from the form"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" --data-urlencode "csrf=$CSRF" "$URL/advisories/KCERT-2026-0003/publish")
expect_eq "$CODE" 303 "and publishes it"
run "$KCERT" advisory show KCERT-2026-0003 --format json
expect_out '"status": ?"final"' "the form's advisory is published"
get /.well-known/csaf/green/2026/kcert-2026-0003.json "$TOK_oslo"
expect_eq "$CODE" 200 "a municipality sees the GREEN document"
get /.well-known/csaf/green/2026/kcert-2026-0003.json
expect_eq "$CODE" 404 "anonymous readers do not"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_oslo" --data-urlencode "title=X" "$URL/advisories")
expect_eq "$CODE" 403 "a municipality cannot post an advisory"
run "$KCERT" audit verify
expect_rc 0 "the audit log is intact"
run "$KCERT" audit list --format csv
expect_out "advisory.publish" "publishing is audited"
t_end
