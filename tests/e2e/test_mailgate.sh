#!/bin/sh
# test_mailgate.sh - e-mail into cases through kcert mailgate, as an MTA's
# pipe transport runs it: a report opens a case for the sender's
# municipality, a reply with the tag joins it, the same message twice is
# filed once, auto-replies and bounces are kept and never answered, a partner
# CERT's own reference is recorded, HTML is reduced to text, garbage is kept,
# and the CERT's reply goes out to a real SMTP server with the tag.
. "$(dirname "$0")/lib.sh"
t_begin
FIX=$(cd "$(dirname "$0")/../fixtures/mailgate" && pwd)
export KCERT_NOW=2026-11-30T08:00:00Z
export KCERT_MAIL_FROM=cert@kommunecert.example
"$KCERT" init >/dev/null || exit 1
"$KCERT" contact add 4601 --name "Kari Vestland" --email kari@bergen.example --lang nn >/dev/null
"$KCERT" contact add helsecert --name "HelseCERT vakt" --email vakt@helsecert.example >/dev/null

run sh -c "'$KCERT' mailgate < '$FIX/01-report.eml'"
expect_rc 0 "a report by e-mail is stored"
expect_out "^case #1 opened" "and opens case 1"
run "$KCERT" case show 1
expect_out "Case #1 \(report\): Mistenkelig pålogging på lønnssystemet" "the RFC 2047 subject is the title, decoded"
expect_out "Organisation Bergen" "the sender's contact address names the municipality"
expect_out "channel email; reported by Kari Vestland kari@bergen.example" "the reporter and channel"
expect_out "vi ser pålogginger fra 198.51.100.77 mot lønnssystemet" "the ISO-8859-1 quoted-printable text is decoded"
expect_out "ip +198.51.100.77" "observables come from the mail"
expect_out "url +https://login-bergen.example.net/" "defanged ones too"
expect_out "Attachment: innlogging.csv \(32 bytes, SHA-256 " "the attachment is recorded with its size and hash"
expect_out "  #1 innlogging.csv \(text/csv, 32 bytes, SHA-256 [0-9a-f]{64}\)$" "case show lists the attachment"
run db_sql "SELECT 1"
if [ "$T_ENGINE" = sqlite ]; then
	att=$(sqlite3 "$KCERT_DB" "SELECT name || ' ' || size || ' ' || kept FROM attachment")
	raw=$(sqlite3 "$KCERT_DB" "SELECT count(*) FROM mail_message WHERE length(raw) > 100")
else
	att=$(psql -X -A -t "$KCERT_DB" -c "SELECT name || ' ' || size || ' ' || kept FROM attachment")
	raw=$(psql -X -A -t "$KCERT_DB" -c "SELECT count(*) FROM mail_message WHERE length(raw) > 100")
fi
expect_eq "$att" "innlogging.csv 32 1" "the attachment is kept in the store"
expect_eq "$raw" "1" "the raw message is kept"

run sh -c "'$KCERT' mailgate < '$FIX/01-report.eml'"
expect_rc 0 "the same message delivered again is not an error"
expect_out "^duplicate: message 1 was received before \(case #1\)" "and is filed once"
run "$KCERT" case list --queue all --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | wc -l)" 1 "still one case"

# The CERT replies; the reply carries the tag; the municipality answers.
smtp_start "$T_DIR/mail"
run "$KCERT" case reply 1 --text "Isoler serveren."
run "$KCERT" worker --once
expect_out "Outbox: 1 sent" "the reply is delivered"
run smtp_show
expect_out "Subject: \[KommuneCERT #1\] \[TLP:AMBER\] Mistenkelig pålogging på lønnssystemet" "with the tag and TLP in the subject"
expect_out "In-Reply-To: <rapport-1@bergen.example>" "threaded under the report"
smtp_stop
run sh -c "'$KCERT' mailgate < '$FIX/02-reply.eml'"
expect_out "^case #1$" "an answer with the tag joins case 1"
run "$KCERT" case show 1
expect_out "Serveren er nå isolert" "the answer is on the timeline"
expect_out "ip +203.0.113.99" "and its observables on the case"

# Auto-replies and bounces: kept, shown to the CERT, never answered.
run sh -c "'$KCERT' mailgate < '$FIX/03-autoreply.eml'"
expect_rc 0 "an auto-reply is accepted"
expect_out "^set aside: auto-reply .*shown on its case" "and set aside"
run sh -c "'$KCERT' mailgate < '$FIX/04-bounce.eml'"
expect_rc 0 "a bounce is accepted"
expect_out "^set aside: bounce" "and set aside"
run "$KCERT" case list --queue all --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | wc -l)" 1 "neither opened a case"
run "$KCERT" outbox list --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | wc -l)" 1 "nothing was sent in answer (only the reply is in the outbox)"

# A partner's answer with its own tag records its reference.
"$KCERT" case share 1 helsecert >/dev/null
run sh -c "'$KCERT' mailgate < '$FIX/05-partner.eml'"
expect_out "^case #1: partner's reference HelseCERT-2026-0142" "the partner's tag is its reference"
run "$KCERT" case show 1
expect_out "their reference HelseCERT-2026-0142" "shown on the case"

# An unknown sender, HTML only.
run sh -c "'$KCERT' mailgate < '$FIX/06-html-unknown-sender.eml'"
expect_out "^case #2 opened" "an unknown sender's message opens a report without an organisation"
run "$KCERT" case show 2
expect_out "Jeg fikk en rar SMS fra «kommunen» med lenke til denne siden <https://evil.example/x>" "HTML is reduced to text, entities decoded, the link kept"
expect_no_out "alert\(1\)|color:red" "scripts and styles are dropped"
expect_out "Organisation -" "no organisation"

# Not a message at all: kept, never lost.
run sh -c "'$KCERT' mailgate < '$FIX/07-garbage.eml'"
expect_rc 0 "bytes that are not a message are still accepted (kept)"
if [ "$T_ENGINE" = sqlite ]; then
	n=$(sqlite3 "$KCERT_DB" "SELECT count(*) FROM mail_message")
else
	n=$(psql -X -A -t "$KCERT_DB" -c "SELECT count(*) FROM mail_message")
fi
expect_eq "$n" 7 "every message received is stored once"

# The store is gone: the MTA must try again.
run sh -c "KCERT_DB='$T_DIR/nonexistent/dir/x.db' '$KCERT' mailgate < '$FIX/02-reply.eml'"
expect_rc 75 "without its store, mailgate says EX_TEMPFAIL: the MTA keeps the message and retries"
t_end
