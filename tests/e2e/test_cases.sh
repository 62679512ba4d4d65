#!/bin/sh
# test_cases.sh - incident handling from the command line: reports and
# incidents, classification and checklists, first-response targets and legal
# clocks (overdue first), replies and partner sharing delivered to a real SMTP
# server with the subject tag and TLP, observables and related cases, merge
# and split, full-text search, closing with lessons learned, the audit log.
. "$(dirname "$0")/lib.sh"
t_begin
export KCERT_NOW=2026-11-30T08:00:00Z   # a Monday
export KCERT_MAIL_FROM=cert@kommunecert.example
"$KCERT" init >/dev/null || exit 1
"$KCERT" contact add 4601 --name "Kari Vestland" --email kari@bergen.example --lang nn >/dev/null
"$KCERT" contact add helsecert --name "HelseCERT vakt" --email vakt@helsecert.example >/dev/null
echo "Korrekt-Hest-Batteri-9" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null

run "$KCERT" case new --title "Mistenkelig trafikk fra server" --org 4601 --severity alvorlig \
	--email kari@bergen.example --reporter "Kari Vestland" --systems "fagsystem" --personal-data unknown \
	--description "Vi ser trafikk fra 192.0.2.15 til hxxps://login-microsoft[.]example[.]com/auth (CVE-2024-3400?). Logg i rapport.pdf"
expect_rc 0 "a report is opened"
expect_out "^Case #1 opened" "with its number"
run "$KCERT" case new --title "Phishing mot ansatte" --org 0301 --severity kritisk \
	--description "Lenke til login-microsoft.example.com i e-post fra angriper@evil.example"
expect_out "^Case #2 opened" "a second report"
run "$KCERT" case new --title "Lav prioritet" --severity lav --description "Ingenting spesielt"
run "$KCERT" case new --title "x" --severity middels
expect_rc 2 "an unknown severity is refused"
run "$KCERT" case new --title "x" --classification fraud/nonsense
expect_rc 2 "a classification outside RSIT is refused"
expect_err "RSIT" "and says why"

# Targets: kritisk 1 h, alvorlig 4 h, lav 3 working days (Monday -> Thursday).
run "$KCERT" case list --format csv
expect_out "^2,report,reported,kritisk,AMBER,oslo,,,2026-11-30T09:00:00Z,,Phishing" "kritisk: first response within the hour, first in the queue"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 3p | cut -d, -f1,9)" "1,2026-11-30T12:00:00Z" "alvorlig: four hours, second"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 4p | cut -d, -f1,9)" "3,2026-12-03T08:00:00Z" "lav: three working days, last"
KCERT_NOW=2026-11-30T10:00:00Z run "$KCERT" case list --queue overdue --format csv
expect_out "^2,.*,yes,Phishing" "two hours later the kritisk case is overdue"
expect_no_out "^1," "the alvorlig one is not yet"

# Observables (refanged) and related cases.
run "$KCERT" case show 1
expect_out "ip +192.0.2.15" "an address in the report is an observable"
expect_out "url +https://login-microsoft.example.com/auth" "a defanged URL is refanged"
expect_out "domain +login-microsoft.example.com" "and its host"
expect_out "cve +CVE-2024-3400" "a CVE id"
expect_no_out "domain +rapport.pdf" "a file name is not a domain"
expect_out "#2 Phishing mot ansatte \(oslo\): domain login-microsoft.example.com" "the other municipality's case that names the same domain is linked"

run "$KCERT" case campaigns
expect_out "^domain login-microsoft.example.com: 2 cases" "the campaign view lists the domain two cases share"
expect_out "  #2 reported +oslo +Phishing mot ansatte" "with the cases"

# Classification gives the checklist; tasks are ticked off.
run "$KCERT" case classify 1 --classification malicious-code/infected-system --tlp GREEN
expect_rc 0 "a case is classified"
run "$KCERT" case task 1 done 2
run "$KCERT" case show 1
expect_out "1\. \[ \] Identify the infected machines" "the infected-system checklist"
expect_out "2\. \[x\] Isolate the machines" "a task done"
run "$KCERT" case task 1 done 99
expect_rc 2 "there is no task 99"

# Legal clocks.
run "$KCERT" case clock 1 start gdpr-33 --from 2026-11-30T06:00:00Z
expect_rc 0 "the GDPR clock starts from the moment of awareness"
run "$KCERT" case clock 1 start gdpr-33
expect_rc 2 "it runs already"
run "$KCERT" case show 1
expect_out "gdpr-33 +2026-11-30T06:00:00Z -> 2026-12-03T06:00:00Z" "72 hours"
KCERT_NOW=2026-12-03T07:00:00Z run "$KCERT" case show 1
expect_out "gdpr-33 .*OVERDUE" "the clock shows overdue when it passed"
run "$KCERT" case clock 1 met gdpr-33
run "$KCERT" case show 1
expect_out "gdpr-33 .*met 2026-11-30T08:00:00Z" "and met when Datatilsynet was notified"

# A reply to the municipality, through the outbox, to a real SMTP server.
smtp_start "$T_DIR/mail"
run sh -c "printf 'Hei Kari,\n\nvi har sett på saka. Isoler serveren.\n' | '$KCERT' case reply 1"
expect_rc 0 "a reply is queued from standard input"
run "$KCERT" case share 1 helsecert --note "Gjelder også helsetenester"
expect_rc 0 "the case is shared with HelseCERT"
run "$KCERT" case share 1 bergen
expect_rc 2 "a municipality is not a partner team"
run "$KCERT" worker --once
expect_out "Outbox: 2 sent" "the worker delivers both"
run smtp_show
expect_out "Subject: \[KommuneCERT #1\] \[TLP:GREEN\] Mistenkelig trafikk fra server" "the subject carries the case tag and the TLP"
expect_out "X-Envelope-To: kari@bergen.example" "the reply goes to the reporter"
expect_out "^TLP:GREEN" "the body begins with the TLP label"
expect_out "Isoler serveren" "with the text"
expect_out "X-Envelope-To: vakt@helsecert.example" "the share goes to the partner's contact"
expect_out "Gjelder også helsetenester" "with the note"
expect_out "  url https://login-microsoft.example.com/auth" "and the observables"
expect_out "Behold \[KommuneCERT #1\] i emnefeltet" "and asks, in the partner's language (bokmål), to keep the tag"
run "$KCERT" case show 1
expect_out "Status triage" "the first reply moves the report to triage"
expect_out "answered 2026-11-30T08:00:00Z" "and answers the first-response target"
expect_out "mail-out .* sent" "the timeline shows the reply as sent"
expect_out "helsecert <vakt@helsecert.example> .* TLP:GREEN sent" "and who was told what"
run "$KCERT" case partner-ref 1 helsecert "HC-2026-0042"
expect_rc 0 "the partner's reference is recorded"
run "$KCERT" case show 1
expect_out "their reference HC-2026-0042" "and shown"
smtp_stop

# TLP:RED is never shared.
run "$KCERT" case classify 2 --tlp RED
run "$KCERT" case share 2 helsecert
expect_rc 2 "a TLP:RED case is not shared"
expect_err "TLP:RED" "and the reason names the label"

# Notes are internal; search finds text in notes and reports.
run "$KCERT" case note 1 --text "Brannmurloggen viser utgående trafikk mot kontrollserveren"
expect_rc 0 "a note"
run "$KCERT" case list --queue all --search brannmurloggen --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | cut -d, -f1)" "1" "full-text search finds the note's case"
run "$KCERT" case list --queue all --search 'phishing "ansatte' --format csv
expect_eq "$(printf '%s\n' "$OUT" | sed 1d | cut -d, -f1)" "2" "search words are plain words, whatever the quotes"

# Merge into an incident, and split again.
run "$KCERT" case new --title "Kampanje mot kommuner" --incident
run "$KCERT" case merge 1 2
expect_rc 2 "a report is merged into an incident, not into a report"
run "$KCERT" case merge 1 4
expect_rc 0 "a report is merged into the incident"
run "$KCERT" case merge 2 4
run "$KCERT" case show 4
expect_out "Organisations: oslo bergen|Organisations: bergen oslo" "the incident involves both municipalities"
expect_out "domain +login-microsoft.example.com" "and gathers the observables"
run "$KCERT" case status 1 handling
expect_rc 2 "a merged report does not change status"
run "$KCERT" case split 2
expect_rc 0 "a report is split out again"
run "$KCERT" case show 2
expect_out "Status triage" "and is back in triage"

# Assign and close.
run "$KCERT" case assign 4 ana
expect_rc 0 "an analyst is assigned"
run "$KCERT" case assign 4 kari
expect_rc 2 "an unknown user is not"
run "$KCERT" case status 4 closed
expect_rc 2 "closing needs lessons learned"
run "$KCERT" case status 4 closed --lessons "Innfør MFA på alle eksterne tjenester"
expect_rc 0 "closed with lessons learned"
run "$KCERT" case list --format csv
expect_no_out "^4," "a closed case leaves the open queue"
run "$KCERT" case list --queue closed --format csv
expect_out "^4,incident,closed" "and is in the closed one"
run "$KCERT" audit list --format csv
expect_out "case.create" "opening is audited"
expect_out "case.reply" "replies are audited"
expect_out "case.share" "sharing is audited"
expect_out "case.merge" "merging is audited"
expect_out "case.status" "status changes are audited"
run "$KCERT" audit verify
expect_rc 0 "the audit chain holds"
t_end
