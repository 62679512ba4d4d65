#!/bin/sh
# The web server: accounts and roles, sessions, CSRF, throttling, the JSON
# API with its error shape and OpenAPI document, security headers, keep-alive,
# the leak matrix (every endpoint x every role x TLP), pages, shutdown.
. "$(dirname "$0")/lib.sh"
t_begin
"$KCERT" init >/dev/null || exit 1
serve_start
run curl -s "$URL/healthz"
expect_eq "$OUT" "ok" "the server answers /healthz"
ADMIN_PW=$(sed -n 's/^    \([A-Za-z0-9_-]\{43\}\)$/\1/p' "$T_DIR/serve.out")
expect_eq "${#ADMIN_PW}" "43" "the first start prints a one-time admin password"

# Accounts for every role, and data in two municipalities.
pw=Korrekt-Hest-Batteri-9
for u in "ana analyst" "oslo member --org 0301" "bergen member --org 4601" "helse partner --org helsecert"; do
	set -- $u
	name=$1
	shift
	echo "$pw" | "$KCERT" user add "$name" --role "$@" --password-stdin >/dev/null || t_bad "user add $name"
done
run sh -c "echo kort | '$KCERT' user add kort --role analyst --password-stdin"
expect_rc 2 "a short password is refused"
run sh -c "echo passord12345 | '$KCERT' user add vanlig --role analyst --password-stdin"
expect_rc 2 "a common password is refused"
expect_err "common" "and the reason is given"
run sh -c "echo '$pw' | '$KCERT' user add løs --role member --password-stdin"
expect_rc 2 "a member without an organisation is refused"
"$KCERT" contact add 0301 --name "Ola Oslo" --email ola@oslo.kommune.no >/dev/null
"$KCERT" contact add 4601 --name "Kari Bergen" --email kari@bergen.kommune.no >/dev/null
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
for u in admin ana oslo bergen helse; do
	eval "TOK_$u=\$('$KCERT' token create $u --expires 1d 2>/dev/null)"
done
expect_eq "${#TOK_oslo}" "43" "token create prints a token"

api() { # api USER METHOD PATH [BODY]: status in $CODE, body in $BODY
	tok=$(eval echo "\$TOK_$1")
	CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $tok" \
		${4:+-H 'Content-Type: application/json' --data "$4"} "$URL$3")
	BODY=$(cat "$T_DIR/body")
}
expect_api() { # expect_api CODE PATTERN DESCRIPTION
	if [ "$CODE" = "$1" ] && printf '%s' "$BODY" | grep -Eq -- "$2"; then t_ok; else t_bad "$3 (got $CODE: $BODY)"; fi
}
expect_no() { # expect_no PATTERN DESCRIPTION: the body does not contain it
	if printf '%s' "$BODY" | grep -Eq -- "$1"; then t_bad "$2 (leaked: $BODY)"; else t_ok; fi
}

# The leak matrix. Contacts and assets are TLP:AMBER: the CERT and the
# organisation itself see them; other members and partners do not.
for u in admin ana oslo bergen helse; do
	for org in 0301 4601; do
		case "$u:$org" in
		admin:* | ana:* | oslo:0301 | bergen:4601) want=200 ;;
		*) want=403 ;;
		esac
		api $u GET "/api/v1/orgs/$org/contacts"
		expect_eq "$CODE" "$want" "$u reading contacts of $org"
		[ "$want" = 403 ] && expect_no "@" "$u sees no address of $org"
		api $u GET "/api/v1/orgs/$org/assets"
		expect_eq "$CODE" "$want" "$u reading assets of $org"
		[ "$want" = 403 ] && expect_no "192\.0\.2|198\.51" "$u sees no range of $org"
		api $u GET "/api/v1/orgs/$org"
		expect_api 200 '"tlp":"CLEAR"' "$u reads the public record of $org"
	done
	case $u in oslo | admin | ana) want=oslo ;; *) want=null ;; esac
	api $u GET "/api/v1/whois?q=192.0.2.7"
	if [ "$want" = null ]; then
		expect_api 200 '"org":null' "$u: whois does not reveal Oslo's range"
		expect_no "oslo" "$u: not even its name"
	else
		expect_api 200 '"slug":"oslo"' "$u: whois finds Oslo's range"
	fi
	case $u in admin) want=200 ;; *) want=403 ;; esac
	api $u GET /api/v1/users
	expect_eq "$CODE" "$want" "$u listing users"
	[ "$want" = 403 ] && expect_no "password|helse|bergen" "$u sees no user"
	api $u GET /api/v1/audit
	expect_eq "$CODE" "$want" "$u reading the audit log"
	api $u GET /api/v1/me
	expect_api 200 "\"name\":\"$u\"" "$u: /me is themselves"
done
# Writing: a member changes only their own organisation; partners nothing.
api oslo POST /api/v1/orgs/0301/contacts '{"name":"Ny Vakt","email":"vakt@oslo.kommune.no","role":"24x7"}'
expect_api 201 '"email":"vakt@oslo.kommune.no"' "a member adds a contact to their own organisation"
api oslo POST /api/v1/orgs/4601/contacts '{"name":"X","email":"x@bergen.kommune.no"}'
expect_eq "$CODE" "403" "a member cannot add to another organisation"
api helse POST /api/v1/orgs/4601/contacts '{"name":"X","email":"x@bergen.kommune.no"}'
expect_eq "$CODE" "403" "a partner cannot add contacts"
vakt=$(curl -s -H "Authorization: Bearer $TOK_oslo" "$URL/api/v1/orgs/0301/contacts" |
	grep -o '"id":[0-9]*,"name":"Ny Vakt"' | grep -o '[0-9][0-9]*')
api oslo PUT "/api/v1/orgs/0301/contacts/$vakt" '{"name":"Ny Vakt","email":"vakt@oslo.kommune.no","role":"24x7","phone":"+47 22 00 00 00"}'
expect_api 200 '"phone":"\+47 22 00 00 00"' "a member changes their own contact"
api bergen PUT "/api/v1/orgs/0301/contacts/$vakt" '{"name":"X","email":"x@oslo.kommune.no"}'
expect_eq "$CODE" "403" "another municipality cannot change it"
api oslo PUT "/api/v1/orgs/0301/contacts/999999" '{"name":"X","email":"x@oslo.kommune.no"}'
expect_eq "$CODE" "404" "an unknown contact is 404"
api oslo PUT "/api/v1/orgs/0301/contacts/$vakt" '{"name":"Ny Vakt","email":"ola@oslo.kommune.no"}'
expect_eq "$CODE" "409" "changing to another contact's address is a conflict"

# Bad input: 4xx with the error JSON, never a 500.
api ana POST /api/v1/orgs/0301/contacts '{"name":"X","email":"x@oslo.kommune.no","colour":"red"}'
expect_api 400 '"error":\{"code":"invalid"' "unknown fields are refused"
api ana POST /api/v1/orgs/0301/contacts '{"name":'
expect_api 400 '"error"' "malformed JSON is refused"
api ana POST /api/v1/orgs/0301/contacts '{"name":7,"email":"x@oslo.kommune.no"}'
expect_api 400 '"error"' "wrong types are refused"
api ana POST /api/v1/orgs/0301/contacts '{"name":"X","email":"no-address"}'
expect_api 400 '"error"' "an invalid address is refused"
api ana GET "/api/v1/orgs?cursor=%%%bad"
expect_api 400 '"code":"invalid"' "a bad cursor is refused"
api ana GET "/api/v1/orgs?limit=100000"
expect_api 400 '"code":"invalid"' "a too large limit is refused"
api ana GET /api/v1/nothing
expect_api 404 '"code":"not_found"' "unknown resources are 404"
api ana PUT /api/v1/orgs
expect_api 405 '"code":"method_not_allowed"' "a wrong method is 405"
api ana GET /api/v1/orgs/9999
expect_api 404 '"code":"not_found"' "an unknown organisation is 404"
api ana GET "/api/v1/whois?q=300.1.1.1"
expect_api 400 '"error"' "a bad whois query is 400"
head -c 2000000 /dev/zero | tr '\0' a > "$T_DIR/big"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_ana" --data-binary @"$T_DIR/big" "$URL/api/v1/orgs/0301/contacts")
expect_eq "$CODE" "413" "an oversized body is refused"
CODE=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/static/../../../etc/passwd")
expect_eq "$CODE" "303" "path traversal reaches no file (unauthenticated: to the login page)"
CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --path-as-is -H "Authorization: Bearer $TOK_ana" "$URL/static/../../../etc/passwd")
expect_eq "$CODE" "404" "path traversal is 404"
api ana GET "/api/v1/orgs?limit=2"
expect_api 200 '"next_cursor":"[A-Za-z0-9_-]+"' "a page has a cursor to the next"
next=$(printf '%s' "$BODY" | sed 's/.*"next_cursor":"\([^"]*\)".*/\1/')
api ana GET "/api/v1/orgs?limit=2&cursor=$next"
expect_api 200 '"items":\[\{' "the cursor gives the next page"

# A listing answered from a worker's cache still shows a change made since.
api ana GET "/api/v1/orgs?kind=iks"
api ana GET "/api/v1/orgs?kind=iks"
expect_api 200 '"items":\[\]' "no IKS yet"
"$KCERT" org add --kind iks --name "Vestfold IKT IKS" >/dev/null
api ana GET "/api/v1/orgs?kind=iks"
expect_api 200 '"slug":"vestfold-ikt-iks"' "a new organisation shows in the next listing"
api ana GET "/api/v1/orgs?kind=iks"
expect_api 200 '"slug":"vestfold-ikt-iks"' "and in the one after"

# The OpenAPI document lists what the server serves.
curl -s "$URL/api/v1/openapi.json" > "$T_DIR/openapi.json"
run sh -c "grep -o '\"/api/v1/[^\"]*\"' '$T_DIR/openapi.json' | tr -d '\"' | sort -u"
paths=$OUT
expect_eq "$(printf '%s\n' "$paths" | wc -l)" "29" "the OpenAPI document has every path"
expect_eq "$(printf '%s\n' "$paths" | grep -c '^/api/v1/\(findings\|ratings\)$')" "2" "the scanner's findings and ratings"
expect_eq "$(printf '%s\n' "$paths" | grep -c '^/api/v1/advisories')" "2" "the advisories' paths among them"
expect_eq "$(printf '%s\n' "$paths" | grep -c '^/api/v1/stats/nsm$')" "1" "and the statistics for NSM"
expect_eq "$(printf '%s\n' "$paths" | grep -c '^/api/v1/notices')" "3" "the notices' paths among them"
expect_eq "$(printf '%s\n' "$paths" | grep -c '^/api/v1/cases')" "7" "and the cases'"
for p in $paths; do
	p=$(echo "$p" | sed 's/{org}/0301/; s/{id}/1/')
	api admin GET "$p"
	case "$BODY" in *no\ such\ resource*) t_bad "documented $p is not served" ;; *) t_ok ;; esac
done

# Sessions: login, CSRF on changes, logout; throttling.
run curl -s -c "$T_DIR/jar" -H 'Content-Type: application/json' -d "{\"name\":\"oslo\",\"password\":\"$pw\"}" "$URL/api/v1/session"
expect_out '"csrf":"' "login returns a CSRF token"
CSRF=$(printf '%s' "$OUT" | sed 's/.*"csrf":"\([^"]*\)".*/\1/')
grep -q 'kcert_session' "$T_DIR/jar"
expect_eq "$?" "0" "login sets the session cookie"
run curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "{\"name\":\"oslo\",\"password\":\"$pw\"}" "$URL/api/v1/session"
expect_out "Set-Cookie: kcert_session=[^;]+; Path=/; HttpOnly; SameSite=Strict" "the cookie is HttpOnly and SameSite=Strict"
CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar" -H 'Content-Type: application/json' \
	-d '{"name":"Y","email":"y@oslo.kommune.no"}' "$URL/api/v1/orgs/0301/contacts")
expect_eq "$CODE" "403" "a session without the CSRF header cannot change anything"
CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	-d '{"name":"Y","email":"y@oslo.kommune.no"}' "$URL/api/v1/orgs/0301/contacts")
expect_eq "$CODE" "201" "with the CSRF header it can"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" -H "X-CSRF-Token: $CSRF" -X DELETE "$URL/api/v1/session")
expect_eq "$CODE" "200" "logout"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar" "$URL/api/v1/me")
expect_eq "$CODE" "401" "the session is gone after logout"
for i in 1 2 3 4 5; do
	curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"name":"bergen","password":"feil-passord-123"}' "$URL/api/v1/session"
done
CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H 'Content-Type: application/json' -d "{\"name\":\"bergen\",\"password\":\"$pw\"}" "$URL/api/v1/session")
expect_eq "$CODE" "429" "after five failures the account is throttled, even with the right password"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"name":"nobody","password":"whatever-1234"}' "$URL/api/v1/session")
expect_eq "$CODE" "401" "an unknown user gets the same answer as a wrong password"
"$KCERT" user disable ana >/dev/null
api ana GET /api/v1/me
expect_eq "$CODE" "401" "a disabled user's token stops working"

# Headers, keep-alive.
run curl -s -D - -o /dev/null -H "Authorization: Bearer $TOK_admin" "$URL/api/v1/orgs?limit=1"
expect_out "Content-Security-Policy: .*frame-ancestors 'none'" "CSP on API responses"
expect_no_out "unsafe-inline" "CSP without unsafe-inline"
expect_out "X-Content-Type-Options: nosniff" "nosniff"
expect_out "Referrer-Policy: no-referrer" "Referrer-Policy"
expect_no_out "Connection: close" "no Connection: close"
run curl -sv -o /dev/null -o /dev/null -H "Authorization: Bearer $TOK_admin" "$URL/api/v1/me" "$URL/api/v1/me"
expect_err "Re-using existing connection|left intact" "keep-alive: the second request reuses the connection"

# Pages: login form with CSRF, a forged post refused, language switch.
run curl -s -c "$T_DIR/ui" "$URL/login"
expect_out '<html lang="nb"' "pages are in bokmål by default"
expect_out "Logg inn" "the login page is Norwegian"
LCSRF=$(printf '%s' "$OUT" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/ui" -c "$T_DIR/ui" --data "csrf=forged&name=oslo&password=$pw" "$URL/login")
expect_eq "$CODE" "403" "a login post without the form's token is refused"
LCSRF=$(curl -s -b "$T_DIR/ui" -c "$T_DIR/ui" "$URL/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/ui" -c "$T_DIR/ui" --data "csrf=$LCSRF&name=oslo&password=$pw" "$URL/login")
expect_eq "$CODE" "303" "a login post with it logs in"
run curl -s -b "$T_DIR/ui" "$URL/orgs/0301"
expect_out "Ola Oslo" "a member sees their own contacts on the page"
expect_out "TLP:AMBER" "with the TLP label"
PCSRF=$(printf '%s' "$OUT" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
run curl -s -b "$T_DIR/ui" "$URL/orgs/4601"
expect_no_out "Kari Bergen" "but not another municipality's"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/ui" --data "name=Z&email=z@oslo.kommune.no" "$URL/orgs/0301/contacts")
expect_eq "$CODE" "403" "a form post without the CSRF token is refused"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/ui" --data "csrf=$PCSRF&name=Zed+Zulu&email=z@oslo.kommune.no&role=security" "$URL/orgs/0301/contacts")
expect_eq "$CODE" "303" "with it the contact is added"
run curl -s -b "$T_DIR/ui" "$URL/orgs/0301"
expect_out "Zed Zulu" "and shows on the page"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/ui" --data "csrf=$PCSRF&lang=nn" "$URL/lang")
run curl -s -b "$T_DIR/ui" "$URL/orgs"
expect_out '<html lang="nn"' "the user's language choice sticks"
expect_out "Namn" "nynorsk headings"
run curl -s -b "$T_DIR/ui" "$URL/audit"
expect_out "Ikkje funnen|ikkje funnen" "the audit page is for administrators only"

# The access log names no secrets.
if grep -qE "$pw|$TOK_oslo|$ADMIN_PW|$CSRF" "$T_DIR/serve.err"; then t_bad "a secret is in the log"; else t_ok; fi
grep -q "GET /api/v1/orgs/0301/contacts" "$T_DIR/serve.err"
expect_eq "$?" "0" "the access log records requests"

# Graceful shutdown.
kill -TERM $SERVER
wait $SERVER
expect_eq "$?" "0" "SIGTERM stops the server cleanly"
grep -q "Stopped\|Stoppa\|Stoppet" "$T_DIR/serve.out"
expect_eq "$?" "0" "and it says so"
t_end
