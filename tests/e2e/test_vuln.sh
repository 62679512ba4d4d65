#!/bin/sh
# test_vuln.sh - vulnerability data end to end: KEV and NVD imports (plain,
# gzip, a bare record), idempotent re-import, bad records skipped and named,
# show/search/list, declared products, who is affected (and who only
# uncertainly), and the KEV notice reaching a real SMTP server exactly once.
. "$(dirname "$0")/lib.sh"
t_begin
FIX=$(cd "$(dirname "$0")/../fixtures/vuln" && pwd)
SHARED="$(dirname "$0")/../../../shared/data/vuln"
export KCERT_MAIL_FROM=varsling@kommunecert.example

"$KCERT" init >/dev/null || exit 1
"$KCERT" contact add 0301 --name "Ola Nordmann" --email ola@oslo.example --lang nb >/dev/null
"$KCERT" contact add 0301 --name "IT Operations" --email drift@oslo.example --lang en >/dev/null
"$KCERT" contact add 4601 --name "Kari Vestland" --email kari@bergen.example --lang nn >/dev/null

run "$KCERT" vuln import "$FIX/kev-subset.json"
expect_rc 0 "the KEV subset imports"
expect_out "KEV entries: 9 added" "nine KEV entries added"

run "$KCERT" asset add 0301 product 'cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:*:*:*:*:*:*:*'
expect_rc 0 "a product is declared for Oslo"
run "$KCERT" asset add 4601 product 'cpe:2.3:a:Citrix:NetScaler_Gateway:13.1:*:*:*:*:*:*:*'
expect_out "cpe:2.3:a:citrix:netscaler_gateway:13.1:" "the declared name is stored canonical (lower case)"
run "$KCERT" asset add 5001 product 'cpe:2.3:a:citrix:netscaler_gateway:13.0-92.21:*:*:*:*:*:*:*'
expect_rc 0 "Trondheim runs a fixed build"
run "$KCERT" asset add 0301 product 'cpe:2.3:a:citrix:netscaler gateway:13.1'
expect_rc 2 "an invalid CPE name is refused"
expect_err "byte 0x20 at position 27" "the refusal names the position"
run "$KCERT" asset add 0301 product 'cpe:2.3:a:*:*:*:*:*:*:*:*:*:*'
expect_rc 2 "a product without vendor and product is refused"
run "$KCERT" asset list 0301 --kind product
expect_out "product +cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47" "asset list shows the product"

smtp_start "$T_DIR/mail"
run "$KCERT" vuln import "$FIX/CVE-2023-3519.nvd-cve-2.0.json" "$FIX/nvd-cves-2.0-response-page200.json.gz" \
	"$FIX/nvd-cves-2.0-response-CVE-2023-0001.json"
expect_rc 0 "the NVD files import (bare record, gzip page, API response)"
expect_out "CVE records: 202 added, 0 updated, 0 unchanged" "202 CVE records"
expect_out "KEV notices: 1 organisations, 2 mails queued" "Oslo's two contacts get the KEV notice; uncertain Bergen does not"
run "$KCERT" worker --once
expect_eq "$(ls "$T_DIR/mail"/*.eml 2>/dev/null | wc -l)" 2 "the SMTP server received two messages"
run smtp_show
expect_out "X-Envelope-To: ola@oslo.example" "Ola is told"
expect_out "CVE-2023-3519" "the mail names the CVE"
expect_out "Aktivt utnyttet" "Ola's mail is in bokmål"
expect_out "Actively exploited vulnerability in a product you run" "the English contact's mail is in English"
expect_out "13.1-48.47" "the mail names the product that matched"
expect_eq "$(grep -l "^Importance: high" "$T_DIR/mail"/*.eml | wc -l)" 2 "both notices are high priority"

run "$KCERT" vuln import "$FIX/kev-subset.json" "$FIX/CVE-2023-3519.nvd-cve-2.0.json" "$FIX/nvd-cves-2.0-response-page200.json.gz"
expect_rc 0 "re-import succeeds"
expect_out "CVE records: 0 added, 0 updated, 201 unchanged. KEV entries: 0 added, 0 updated, 9 unchanged" "re-import changes nothing"
expect_no_out "KEV notices" "re-import notifies nobody"
run "$KCERT" worker --once
expect_eq "$(ls "$T_DIR/mail"/*.eml | wc -l)" 2 "no second mail"

# A product declared after the KEV entry was imported: told at once, once.
"$KCERT" contact add 1103 --name "Siri Sandnes" --email siri@stavanger.example --lang nn >/dev/null
run "$KCERT" asset add 1103 product 'cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:*:*:*:*:*:*:*'
expect_rc 0 "Stavanger declares the same vulnerable build"
expect_out "1 notices queued to stavanger" "the KEV entry it now runs is noticed at once"
run "$KCERT" asset add 1103 product 'cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:*:*:*:*:*:*:*'
expect_no_out "notices queued" "declared again: not told twice"
run "$KCERT" asset add 1103 product 'cpe:2.3:a:citrix:netscaler_gateway:14.1-12.35:*:*:*:*:*:*:*'
expect_no_out "notices queued" "a fixed build: nothing to tell"
run "$KCERT" worker --once
expect_eq "$(ls "$T_DIR/mail"/*.eml | wc -l)" 3 "one more mail, to Stavanger's contact"
run smtp_show
expect_out "X-Envelope-To: siri@stavanger.example" "Siri is told"
smtp_stop

run "$KCERT" vuln affected CVE-2023-3519 --format csv
expect_out "^oslo,Oslo,match,cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:\*:\*:\*:\*:\*:\*:\*,declared,100,cpe:2.3:a:citrix:netscaler_gateway:\*:\*:\*:\*:\*:\*:\*:\*,>= 13.1 < 13.1-49.13," "Oslo is exposed, with product, criterion and confidence"
expect_out "^bergen,Bergen,uncertain," "Bergen (build unknown) is listed as uncertain"
expect_no_out "trondheim" "Trondheim's fixed build is not exposed"
run "$KCERT" vuln affected CVE-2023-3519
expect_out "2 exposed, 1 uncertain" "the table sums up (Oslo and Stavanger exposed, Bergen uncertain)"
run "$KCERT" vuln affected CVE-2099-0001
expect_rc 2 "an unknown CVE is an error"
expect_err "CVE-2099-0001 is not in the store" "the error names the CVE"

run "$KCERT" vuln show CVE-2023-3519 --format json
expect_out '"cvss31_score": "9.8"' "show gives NVD's score"
expect_out '"ransomware": "Known"' "show gives the KEV fields"
expect_out '"versionEndExcluding": "13.1-49.13"' "show gives the criteria with ranges"
run "$KCERT" vuln show CVE-2023-0001
expect_out "Palo Alto Networks Cortex XDR" "a CVE from the API response is shown"
run "$KCERT" vuln search netscaler
expect_out "CVE-2023-3519" "search finds by product"
run "$KCERT" vuln list --kev --format csv
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 10 "list --kev lists the nine KEV entries"
run "$KCERT" vuln list --since 2023-07-19 --format csv
expect_out "CVE-2023-3519" "list --since includes a CVE published that day"

# Bad records are named and skipped; the good ones still import.
run "$KCERT" vuln import "$FIX/kev-bad-records.json"
expect_rc 1 "exit status 1 when records were skipped"
expect_err "record 3 \(byte [0-9]+\): KEV entry CVE-2099-0001: \"product\" is missing" "the missing field is named with its record"
expect_err "record 4 \(byte [0-9]+\): the record is not a JSON object" "a bare number is named"
expect_err "record 5 .*dates must be YYYY-MM-DD" "a bad date is named"
expect_out "3 bad records skipped" "three skipped"
head -c 3000 "$FIX/kev-subset.json" > "$T_DIR/truncated.json"
run "$KCERT" vuln import "$T_DIR/truncated.json"
expect_rc 2 "a truncated file is an error"
expect_err "ends at byte 3000 inside" "truncation is named with its offset"
printf '{"format":"NVD_CPEMatchString","matchStrings":[]}' > "$T_DIR/cpematch.json"
run "$KCERT" vuln import "$T_DIR/cpematch.json"
expect_err "CPE match criteria response" "a CPE match response is recognised and refused"

run "$KCERT" asset rm 0301 product 'cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:*:*:*:*:*:*:*'
expect_rc 0 "the product is removed"
run "$KCERT" vuln affected CVE-2023-3519 --format csv
expect_no_out "^oslo," "Oslo is no longer exposed"
run "$KCERT" audit list
expect_out "asset.add" "declaring a product is audited"

# Conformance: the full shared KEV catalogue.
if [ -f "$SHARED/known_exploited_vulnerabilities.json" ]; then
	run "$KCERT" vuln import "$SHARED/known_exploited_vulnerabilities.json"
	expect_rc 0 "the full KEV catalogue imports"
	expect_out "KEV entries: 1395 added, 0 updated, 9 unchanged" "all 1404 entries are known"
fi
t_end
