#!/bin/sh
# test_notify_web.sh - notices and events on the web: the API's notices by
# role (a municipality sees its own, partners none), acknowledging by API and
# by the link in the mail (GET only shows a button; POST acknowledges),
# event filters and CSV / JSON-lines exports.
. "$(dirname "$0")/lib.sh"
t_begin
FIX=$(cd "$(dirname "$0")/../fixtures/notify" && pwd)
export KCERT_NOW=2026-11-28T06:00:00Z
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
"$KCERT" contact add 0301 --name "Ola Nordmann" --email ola@oslo.example >/dev/null
"$KCERT" contact add 4601 --name "Kari Vestland" --email kari@bergen.example --lang nn >/dev/null
for f in "$FIX"/2026-11-27-*.csv; do
	"$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$f" >/dev/null || exit 1
done
smtp_start "$T_DIR/mail"
PORT=$(t_port)
URL="http://127.0.0.1:$PORT"
export KCERT_BASE_URL="$URL"
"$KCERT" notify run >/dev/null || t_bad "notify run"
smtp_stop
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
"$KCERT" serve --listen "127.0.0.1:$PORT" >"$T_DIR/serve.out" 2>"$T_DIR/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; t_cleanup' EXIT
for i in $(seq 1 200); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done

api() { # api USER METHOD PATH: status in $CODE, body in $BODY
	tok=$(eval echo "\$TOK_$1")
	CODE=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $tok" "$URL$3")
	BODY=$(cat "$T_DIR/body")
}
expect_api() { # expect_api CODE PATTERN DESCRIPTION
	if [ "$CODE" = "$1" ] && printf '%s' "$BODY" | grep -Eq -- "$2"; then t_ok; else t_bad "$3 (got $CODE: $BODY)"; fi
}
expect_no() {
	if printf '%s' "$BODY" | grep -Eq -- "$1"; then t_bad "$2 (leaked: $BODY)"; else t_ok; fi
}

api ana GET /api/v1/notices
expect_api 200 '"recipient": ?"ola@oslo.example"' "the CERT sees Oslo's notice"
expect_api 200 '"recipient": ?"kari@bergen.example"' "and Bergen's"
api oslo GET /api/v1/notices
expect_api 200 '"organisation": ?"oslo"' "Oslo sees its own notice"
expect_no 'bergen' "and not Bergen's"
api helse GET /api/v1/notices
expect_api 403 'forbidden' "a partner CERT sees no notices"
OSLO_REF=$(curl -s -H "Authorization: Bearer $TOK_ana" "$URL/api/v1/notices?org=0301" | grep -Eo 'KC-V-2026-[0-9]{6}' | head -n 1)
BERGEN_REF=$(curl -s -H "Authorization: Bearer $TOK_ana" "$URL/api/v1/notices?org=4601" | grep -Eo 'KC-V-2026-[0-9]{6}' | head -n 1)
api bergen GET "/api/v1/notices/$OSLO_REF"
expect_api 404 'not_found' "Bergen cannot see Oslo's notice, not even that it exists"
api oslo GET "/api/v1/notices/$OSLO_REF"
expect_api 200 '"event_ids": ?\[[0-9]+, ?[0-9]+, ?[0-9]+, ?[0-9]+\]' "a notice lists the four events that went into it"
api bergen POST "/api/v1/notices/$OSLO_REF/ack"
expect_api 404 'not_found' "Bergen cannot acknowledge Oslo's notice"
api oslo POST "/api/v1/notices/$OSLO_REF/ack"
expect_api 200 '"state": ?"acknowledged"' "Oslo acknowledges its notice with an API token"
expect_api 200 '"acked_by": ?"oslo"' "the acknowledgement names the user"

# The link in Bergen's mail.
LINK=$(/usr/bin/python3 "$(dirname "$0")/../smtp/show.py" $(grep -l "^X-Envelope-To: kari@" "$T_DIR/mail"/*.eml) | grep -Eo "$URL/notice/ack\?t=[0-9a-f]{32}" | head -n 1)
TOKEN=${LINK##*t=}
expect_eq "${#TOKEN}" 32 "the mail carries an acknowledgement link to this server"
run curl -s "$LINK"
expect_out 'method="post" action="/notice/ack"' "following the link shows a button"
api ana GET "/api/v1/notices/$BERGEN_REF"
expect_api 200 '"acked_at": ?null' "following the link alone acknowledges nothing (mail scanners follow links)"
run curl -s -o /dev/null -w '%{http_code}' --data "t=0123456789abcdef0123456789abcdef" "$URL/notice/ack"
expect_eq "$OUT" 404 "a wrong token is refused"
run curl -s --data "t=$TOKEN" "$URL/notice/ack"
expect_out "$BERGEN_REF" "pressing the button acknowledges, and names the notice"
api ana GET "/api/v1/notices/$BERGEN_REF"
expect_api 200 '"acked_by": ?"link"' "the notice is acknowledged by link"

# Metrics for the operator's Prometheus: the CERT's tokens only.
run curl -s -o /dev/null -w '%{http_code}' "$URL/metrics"
expect_eq "$OUT" 401 "/metrics needs a login or token"
api oslo GET /metrics
expect_api 403 'forbidden' "a municipality may not read the metrics"
api ana GET /metrics
expect_api 200 '^# HELP kcert_http_requests_total' "the CERT reads Prometheus text"
expect_api 200 'kcert_outbox_messages\{state="sent"\} 2' "with the outbox by state"
expect_api 200 'kcert_notices 2' "the notices"
expect_api 200 'kcert_events [1-9]' "the events"
expect_api 200 'kcert_http_requests_total\{code="2xx"\} [1-9]' "and this process's requests by status"
expect_api 200 'kcert_http_requests_total\{code="4xx"\} [1-9]' "refusals counted too"
expect_api 200 '^kcert_worker_rounds_total [1-9]' "the serving process's worker rounds (it ran at least one)"
expect_api 200 '^kcert_worker_round_last_seconds [0-9]+\.[0-9]{6}$' "and how long the last one took"

# Events: filters and exports.
api oslo GET "/api/v1/events?address=192.0.2.10"
expect_api 200 '"source.ip": ?"192.0.2.10"' "events filter by address"
expect_no '192.0.2.11' "and only that address"
api oslo GET "/api/v1/events?address=oslo.example"
expect_api 200 'rdp1.oslo.example' "a domain finds the host names under it"
api oslo GET "/api/v1/events?format=csv"
expect_api 200 '^time.source,source.ip,source.port,source.fqdn,source.asn,classification.taxonomy' "a CSV export with IntelMQ's field names"
expect_api 200 '192.0.2.50,51515,,64500,malicious-code,infected-system,avalanche-andromeda,shadowserver,oslo' "the infected system's row"
expect_no '198.51.100' "Oslo's export has none of Bergen's events"
api bergen GET "/api/v1/events?format=jsonl&org=0301"
expect_no '192.0.2' "Bergen cannot export Oslo's events by naming Oslo"
api oslo GET "/api/v1/events?format=jsonl&type=open-rdp"
expect_eq "$(printf '%s\n' "$BODY" | grep -c '"classification.identifier":"open-rdp"')" 2 "JSON lines: one object a line, filtered by type"
api helse GET "/api/v1/events?format=csv"
expect_api 403 'forbidden' "a partner exports nothing"
api oslo GET "/api/v1/events?format=xml"
expect_api 400 'invalid' "an unknown export format is refused"

# The organisation page shows notices and the event filter.
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" "$URL/login" >"$T_DIR/login.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_DIR/login.html" | head -n 1)
curl -s -c "$T_DIR/jar" -b "$T_DIR/jar" --data "csrf=$csrf&name=ana&password=$pw" "$URL/login" >/dev/null
run curl -s -b "$T_DIR/jar" "$URL/orgs/oslo?address=192.0.2.11"
expect_out "$OSLO_REF" "the organisation page lists its notices"
expect_out 'href="/api/v1/events\?format=csv&amp;org=oslo&amp;address=192.0.2.11"' "export links carry the filter"
NID=$(printf '%s\n' "$OUT" | grep -o 'href="/orgs/oslo/notices/[0-9]*"' | head -n 1 | grep -o '[0-9]*')
run curl -s -b "$T_DIR/jar" "$URL/orgs/oslo/notices/$NID"
expect_out "$OSLO_REF" "a notice has its own page"
expect_out ">192.0.2.50<|>192.0.2.50 :" "listing the events that went into it"
expect_out "avalanche-andromeda" "with their identifiers"
expect_no_out "198.51.100" "and nothing of another notice"
expect_out '192.0.2.11' "the filtered event shows"
expect_no_out '>192.0.2.10<' "the others do not"
t_end
