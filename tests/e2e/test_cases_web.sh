#!/bin/sh
# test_cases_web.sh - cases on the web and in the API: a municipality reports
# through the form and the API for itself only, sees its own cases and their
# correspondence but never the CERT's notes, nor other municipalities' cases;
# the CERT triages and replies; partners see what was shared with them.
. "$(dirname "$0")/lib.sh"
t_begin
export KCERT_NOW=2026-11-30T08:00:00Z
"$KCERT" init >/dev/null || exit 1
pw=Korrekt-Hest-Batteri-9
for u in "ana analyst" "oslo member --org 0301" "bergen member --org 4601" "helse partner --org helsecert"; do
	set -- $u
	name=$1
	shift
	echo "$pw" | "$KCERT" user add "$name" --role "$@" --password-stdin >/dev/null || t_bad "user add $name"
done
for u in ana oslo bergen helse; do
	eval "TOK_$u=\$('$KCERT' token create $u --expires 1d 2>/dev/null)"
done
"$KCERT" contact add helsecert --name Vakt --email vakt@helsecert.example >/dev/null
serve_start --no-worker

api() { # api USER METHOD PATH [JSON]
	tok=$(eval echo "\$TOK_$1")
	CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $tok" \
		${4:+-H 'Content-Type: application/json' --data "$4"} "$URL$3")
	BODY=$(cat "$T_DIR/body")
}
expect_api() {
	if [ "$CODE" = "$1" ] && printf '%s' "$BODY" | grep -Eq -- "$2"; then t_ok; else t_bad "$3 (got $CODE: $BODY)"; fi
}
expect_no() {
	if printf '%s' "$BODY" | grep -Eq -- "$1"; then t_bad "$2 (leaked: $BODY)"; else t_ok; fi
}

api oslo POST /api/v1/cases '{"title":"Løsepengevirus på filserver","description":"Filer kryptert, notat fra angriper nevner 203.0.113.66","systems":"filserver","personal_data":"yes","services_down":"yes","reported_to":"politiet"}'
expect_api 201 '"id": ?1' "Oslo reports an incident through the API"
expect_api 201 '"organisation": ?"oslo"' "for itself"
expect_api 201 '"channel": ?"api"' "by the API channel"
api oslo POST /api/v1/cases '{"title":"x","org":"4601"}'
expect_api 403 'forbidden' "a municipality cannot report for another"
api helse POST /api/v1/cases '{"title":"x"}'
expect_api 403 'forbidden' "a partner does not report here"
api bergen POST /api/v1/cases '{"title":"Phishing","description":"Lenke til 203.0.113.66"}'
expect_api 201 '"id": ?2' "Bergen reports too"
api oslo POST /api/v1/cases '{"title":""}'
expect_api 400 'invalid' "a report needs a title"

api oslo GET /api/v1/cases
expect_api 200 'Løsepengevirus' "Oslo sees its case"
expect_no 'Phishing' "and not Bergen's"
api oslo GET /api/v1/cases/2
expect_api 404 'not_found' "Bergen's case is not found for Oslo"
api helse GET /api/v1/cases
expect_no 'Løsepengevirus|Phishing' "a partner sees no case not shared with it"
api ana GET /api/v1/cases
expect_api 200 'Phishing' "the CERT sees all"
expect_api 200 'Løsepengevirus' "all"

# The CERT triages, notes and replies.
api ana PATCH /api/v1/cases/1 '{"status":"handling","severity":"kritisk","classification":"malicious-code/infected-system","assignee":"ana"}'
expect_api 200 '"status": ?"handling"' "the CERT changes the status"
expect_api 200 '"assignee": ?"ana"' "and assigns"
api oslo PATCH /api/v1/cases/1 '{"status":"closed"}'
expect_api 403 'forbidden' "a municipality cannot triage"
api ana POST /api/v1/cases/1/notes '{"text":"Intern vurdering: trolig LockBit"}'
expect_api 201 '"id": ?1' "an internal note"
api ana POST /api/v1/cases/1/messages '{"text":"Koble serveren fra nettet.","to":"it@oslo.example"}'
expect_api 201 '"first_response_at": ?"2026-11-30' "a reply counts as the first response"
api oslo POST /api/v1/cases/1/messages '{"text":"Gjort. Serveren er koblet fra."}'
expect_api 201 '"id": ?1' "the municipality writes to its case"
api oslo GET /api/v1/cases/1
expect_api 200 'Koble serveren fra nettet' "Oslo sees the CERT's reply"
expect_api 200 'Serveren er koblet fra' "and its own message"
expect_no 'LockBit' "never the internal note"
expect_no '"kind": ?"status"' "nor the internal status entries"
expect_api 200 '"value": ?"203.0.113.66"' "observables are there"
expect_api 200 '"related": ?\[\]' "and no related case Oslo may not see"
api ana GET /api/v1/cases/1
expect_api 200 'LockBit' "the CERT sees its note"
expect_api 200 '"related": ?\[\{"case": ?2' "and the related case in Bergen (same address)"
expect_api 200 '"title": ?"Identifiser de infiserte maskinene' "and the checklist, in the user's language"
api ana POST /api/v1/cases/1/clocks '{"kind":"gdpr-33","from":"2026-11-30T07:00:00Z"}'
expect_api 201 '"next_due"' "the GDPR clock starts"
api ana GET /api/v1/cases/1
expect_api 200 '"due_at": ?"2026-12-03T07:00:00Z"' "72 hours"

# Sharing with a partner shows the case to it.
api ana POST /api/v1/cases/1/shares '{"partner":"helsecert","note":"Helsedata kan være berørt"}'
expect_api 201 '"id": ?1' "the case is shared with HelseCERT"
api helse GET /api/v1/cases
expect_api 200 'Løsepengevirus' "HelseCERT sees the shared case"
expect_no 'Phishing' "and only that"
api helse GET /api/v1/cases/1
expect_no 'LockBit' "not the internal note"
api helse POST /api/v1/cases/1/messages '{"text":"hei"}'
expect_api 403 'forbidden' "partners answer by e-mail"

# The pages: the form in Norwegian, the case page, the queue.
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" "$URL/login" >"$T_DIR/login.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login.html" | head -n 1)
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" --data "csrf=$csrf&name=bergen&password=$pw" "$URL/login" >/dev/null
run curl -s -b "$T_DIR/jar" -H 'Accept-Language: nb' "$URL/cases/new"
expect_out "Meld en hendelse" "the report form is in Norwegian"
expect_out "Gjelder det personopplysninger" "and asks about personal data"
csrf=$(printf '%s' "$OUT" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$T_DIR/jar" --data-urlencode "csrf=$csrf" \
	--data-urlencode "title=Ukjent pålogging" --data-urlencode "description=Pålogging fra 198.51.100.7 kl 03" \
	--data "discovered=2026-11-30T07:15&personal_data=no&services_down=unknown&to_police=1&tlp=AMBER" "$URL/cases/new"
expect_out "^303 .*/cases/[0-9]+$|^302 .*/cases/[0-9]+$" "the form opens a case and goes to it"
NEW=$(printf '%s' "$OUT" | sed 's|.*/cases/||')
api ana GET "/api/v1/cases/$NEW"
expect_api 200 '"channel": ?"web"' "reported on the web"
expect_api 200 '"discovered_at": ?"2026-11-30T06:15:00Z"' "the discovery time is Oslo time, stored in UTC"
expect_api 200 '"reported_to": ?"politiet' "with whom it was reported to"
expect_api 200 '"organisation": ?"bergen"' "for the user's organisation"
# Files: uploaded with the form (multipart), listed, downloaded only by those who may see the case.
printf 'tid,adresse\n03:02,198.51.100.7\n' > "$T_DIR/logg.csv"
printf '<script>alert(1)</script>' > "$T_DIR/side.html"
csrf=$(curl -s -b "$T_DIR/jar" "$URL/cases/$NEW" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
run curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" -F "csrf=$csrf" -F "text=Her er loggen og siden." \
	-F "attachments=@$T_DIR/logg.csv;type=text/csv" -F "attachments=@$T_DIR/side.html;type=text/html" "$URL/cases/$NEW/message"
expect_out "^30[23]$" "a message with two files is sent from the case page"
api ana GET "/api/v1/cases/$NEW"
expect_api 200 '"name": ?"logg.csv", ?"content_type": ?"text/csv", ?"size": ?31' "the CSV file is on the case"
expect_api 200 '"name": ?"side.html"' "and the HTML file"
expect_api 200 'Her er loggen og siden' "with the message"
ATT=$(printf '%s' "$BODY" | grep -o '"attachments": *\[{"id": *[0-9]*' | grep -o '[0-9]*$')
run curl -s -D "$T_DIR/headers" -b "$T_DIR/jar" "$URL/cases/$NEW/attachments/$ATT"
expect_eq "$OUT" "$(cat "$T_DIR/logg.csv")" "the file downloads byte for byte"
run grep -i "^content-disposition: attachment; filename=\"logg.csv\"" "$T_DIR/headers"
expect_rc 0 "as an attachment, never shown inline"
run grep -i "^content-type: application/octet-stream" "$T_DIR/headers"
expect_rc 0 "with a type no browser renders"
curl -s -c "$T_DIR/jar2" -b "$T_DIR/jar2" "$URL/login" >"$T_DIR/login2.html"
csrf2=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login2.html" | head -n 1)
curl -s -c "$T_DIR/jar2" -b "$T_DIR/jar2" --data "csrf=$csrf2&name=oslo&password=$pw" "$URL/login" >/dev/null
run curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar2" "$URL/cases/$NEW/attachments/$ATT"
expect_eq "$OUT" 404 "another municipality cannot download it"
api bergen POST "/api/v1/cases/$NEW/attachments" '{"name":"skjerm.txt","content_type":"text/plain","data":"aGVpCg=="}'
expect_api 201 '"id": ?'"$NEW" "a file through the API (base64)"
api bergen GET "/api/v1/cases/$NEW"
expect_api 200 '"name": ?"skjerm.txt", ?"content_type": ?"text/plain", ?"size": ?4' "is listed with its size"
api bergen POST "/api/v1/cases/$NEW/attachments" '{"name":"x","data":"!!!"}'
expect_api 400 'base64' "bad base64 is refused"
run curl -s -b "$T_DIR/jar" -o /dev/null -w '%{http_code}' --data "csrf=nope&text=x" "$URL/cases/$NEW/message"
expect_eq "$OUT" 403 "a form without the CSRF token is refused"
run curl -s -b "$T_DIR/jar" "$URL/cases/1"
expect_out "Not found|Fant ikke|Finn ikkje|Ikke funnet" "Bergen cannot open Oslo's case page"
run curl -s -b "$T_DIR/jar" "$URL/cases"
expect_out "Ukjent pålogging" "Bergen's queue has its case"
expect_no_out "Løsepengevirus" "not Oslo's"
# The CERT marks a case shareable from its page (TAXII/STIX); a municipality cannot.
curl -s -c "$T_DIR/jar3" -b "$T_DIR/jar3" "$URL/login" >"$T_DIR/login3.html"
csrf3=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login3.html" | head -n 1)
curl -s -c "$T_DIR/jar3" -b "$T_DIR/jar3" --data "csrf=$csrf3&name=ana&password=$pw" "$URL/login" >/dev/null
run curl -s -b "$T_DIR/jar3" "$URL/cases/1"
expect_out 'action="/cases/1/sharemark"' "the CERT's case page has the form to mark it shareable"
csrf3=$(printf '%s' "$OUT" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
run curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar3" --data "csrf=$csrf3&tlp=GREEN&community=partners" "$URL/cases/1/sharemark"
expect_eq "$OUT" 303 "marking succeeds and goes back to the case"
run "$KCERT" share list --format csv
expect_out "^[0-9]+,case,#?1,GREEN,partners" "the mark is stored: case 1, TLP:GREEN, community partners"
run curl -s -b "$T_DIR/jar3" "$URL/cases/1"
expect_out '<ul id="share-marks"><li>TLP:GREEN &middot; partners &middot; ana</li>' "and listed on the page"
run curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar3" --data "csrf=nope&tlp=GREEN&community=nsm" "$URL/cases/1/sharemark"
expect_eq "$OUT" 403 "not without the CSRF token"
csrfb=$(curl -s -b "$T_DIR/jar" "$URL/cases/$NEW" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
run curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" --data "csrf=$csrfb&tlp=CLEAR&community=partners" "$URL/cases/$NEW/sharemark"
expect_eq "$OUT" 403 "a municipality cannot mark its own case shareable"
run "$KCERT" audit list --format csv
expect_out "share.mark" "the mark is audited"
t_end
