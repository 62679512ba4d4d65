#!/bin/sh
# The constituency register: init loads 15 counties and 357 municipalities,
# is idempotent, and organisations are found by kommunenummer, fylkesnummer
# and slug; listings in table, CSV and JSON.
. "$(dirname "$0")/lib.sh"
t_begin

run "$KCERT" --db "$KCERT_DB" init
expect_rc 0 "init succeeds on a new store"
expect_out "15 counties, 357 municipalities" "init reports the register it loaded"

run "$KCERT" --db "$KCERT_DB" org list --kind municipality --format csv
expect_rc 0 "org list --kind municipality"
expect_eq "$(printf '%s\n' "$OUT" | head -n 1)" "code,slug,name,kind,county,lang,member,id" "CSV header"
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "357" "357 municipality rows"
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f1 | sort -u | wc -l)" "357" "357 distinct kommunenummer"

run "$KCERT" org list --kind county --format csv
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "15" "15 counties"

run "$KCERT" org show 0301
expect_rc 0 "org show 0301"
expect_out "Oslo" "0301 is Oslo"
run "$KCERT" org show 0301 --format json
expect_out '"name": "Oslo"' "0301 is named Oslo"
expect_out '"county": "Oslo"' "Oslo is in Oslo county"
expect_out '"code": "0301"' "0301 keeps its leading zero"

run "$KCERT" org show 4601 --format json
expect_out '"name": "Bergen"' "4601 is Bergen"
expect_out '"county": "Vestland"' "Bergen is in Vestland"
expect_out '"county_code": "46"' "Vestland is county 46"

run "$KCERT" org show bergen --format json
expect_out '"code": "4601"' "slug bergen finds 4601"
run "$KCERT" org show 46 --format json
expect_out '"kind": "county"' "fylkesnummer 46 is a county"
expect_out '"name": "Vestland"' "46 is Vestland"
run "$KCERT" org show heroy-nordland --format json
expect_out '"code": "1818"' "Herøy (Nordland) has its own slug"
run "$KCERT" org show 9999
expect_rc 2 "unknown organisation is a usage error"
expect_err "no organisation 9999" "and says which"

run "$KCERT" org list --county Vestland --format csv
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "43" "43 municipalities in Vestland"
run "$KCERT" org list --county 03 --kind municipality --format csv
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f3)" "Oslo" "Oslo county holds Oslo"
run "$KCERT" org list --kind municipality --limit 10 --offset 350 --format csv
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "7" "pagination: offset 350 leaves 7"
run "$KCERT" org list --kind municipality --format json
expect_eq "$(printf '%s\n' "$OUT" | grep -c '"code":')" "357" "JSON lists 357 objects"
run "$KCERT" org list --kind nonsense
expect_rc 2 "unknown kind is refused"

# Table output lines up Norwegian letters by characters, not bytes.
run "$KCERT" org list --county Østfold
expect_rc 0 "county given by name with a Norwegian letter"
expect_out "Våler \(Østfold\)" "Våler (Østfold) is listed"

# Idempotent: a second init adds nothing and the audit log does not grow.
before=$("$KCERT" status --format csv | grep '^audit_entries,' | cut -d, -f2)
run "$KCERT" init
expect_rc 0 "second init succeeds"
expect_out "0 added, 0 updated" "second init changes nothing"
after=$("$KCERT" status --format csv | grep '^audit_entries,' | cut -d, -f2)
expect_eq "$after" "$before" "second init writes no audit entry"

# IKS and partner organisations.
run "$KCERT" org add --kind iks --name "Digitale Gardermoen IKS" --serves 3201,3203
expect_rc 0 "org add iks with --serves"
run "$KCERT" org show digitale-gardermoen-iks --format json
expect_out '"serves": "3201 Bærum, 3203 Asker"' "the IKS serves Bærum and Asker"
run "$KCERT" org show 3201 --format json
expect_out '"served_by": "digitale-gardermoen-iks' "Bærum knows its provider"
run "$KCERT" org add --kind iks --name "Digitale Gardermoen IKS"
expect_rc 2 "a second organisation with the same slug is refused"
run "$KCERT" org add --kind iks --name "Ugyldig IKS" --serves 3201,9999
expect_rc 2 "--serves with an unknown municipality fails"
run "$KCERT" org show ugyldig-iks
expect_rc 2 "... and nothing was added (one transaction)"
run "$KCERT" org add --kind cert --name "Eksempel-CERT" --slug eksempel-cert --lang en
expect_rc 0 "org add partner CERT"
run "$KCERT" org list --kind cert --format csv
expect_out "^,eksempel-cert,Eksempel-CERT,cert" "partner listed"
expect_out "^,kommunecert,KommuneCERT,cert" "KommuneCERT itself is registered"
run "$KCERT" org set 1103 --lang nn --member no
expect_rc 0 "org set"
run "$KCERT" org show 1103 --format json
expect_out '"lang": "nn"' "language form changed"
expect_out '"member": 0' "membership changed"

# Contacts.
run "$KCERT" contact add 4601 --name "Kari Nordmann" --email Kari.Nordmann@bergen.kommune.no --role security --lang nn
expect_rc 0 "contact add"
run "$KCERT" contact add 4601 --name "Kari" --email kari.nordmann@bergen.kommune.no
expect_rc 2 "the same address twice is refused"
run "$KCERT" contact add 4601 --name "X" --email not-an-address
expect_rc 2 "a bad e-mail address is refused"
run "$KCERT" contact add 4601 --name "X" --email x@bergen.kommune.no --pgp 1234
expect_rc 2 "a bad PGP fingerprint is refused"
run "$KCERT" contact list 4601 --format csv
expect_out "^bergen,Kari Nordmann,kari.nordmann@bergen.kommune.no,,security,nn" "contact listed, address lower-cased"
run "$KCERT" contact rm 4601 kari.nordmann@bergen.kommune.no
expect_rc 0 "contact rm"
run "$KCERT" contact list 4601 --format csv
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "1" "only the header remains"

# Languages: bokmål is the default, nynorsk and English selectable.
run env KCERT_LANG= "$KCERT" org show 9999
expect_err "ingen organisasjon 9999 \\(oppgi kommunenummer" "bokmål by default"
run "$KCERT" --lang nn org show 9999
expect_err "ingen organisasjon 9999 \\(oppgje kommunenummer" "nynorsk with --lang nn"
run env KCERT_LANG=nn "$KCERT" org list --kind county
expect_out "^Kode +Slug +Namn +Type +Fylke" "nynorsk column headers with KCERT_LANG=nn"
run "$KCERT" org show 9999
expect_err "no organisation 9999 \\(give a kommunenummer" "English with KCERT_LANG=en"

# Help.
run "$KCERT" help org
expect_rc 0 "help org"
expect_out "kcert org list" "help shows usage"
run "$KCERT" org --help
expect_out "kcert org list" "VERB --help shows the same"
run "$KCERT" nosuchverb
expect_rc 2 "unknown verb"

# A store that was never initialised says what to do.
run "$KCERT" --db "$T_DIR/empty.db" org list
expect_rc 3 "commands refuse an uninitialised store"
expect_err "kcert --db .*empty.db init" "and tell the operator to run init"

# The audit log recorded the changes and its chain holds.
run "$KCERT" audit verify
expect_rc 0 "audit verify"
run "$KCERT" audit list --limit 3 --format csv
expect_out "contact.rm,bergen" "the latest change is audited"
expect_out "e2e:test_registry" "with its actor"
db_sql "UPDATE audit SET summary = 'x' WHERE seq = 5"
expect_eq "$([ $? -ne 0 ] && echo refused)" "refused" "the store refuses to edit the audit log"
db_sql "DELETE FROM audit WHERE seq = 5"
expect_eq "$([ $? -ne 0 ] && echo refused)" "refused" "the store refuses to delete from the audit log"
if [ "$T_ENGINE" = postgresql ]; then
	db_sql "DROP TRIGGER audit_no_change ON audit"
else
	db_sql "DROP TRIGGER audit_no_update"
fi
db_sql "UPDATE audit SET summary = 'forged' WHERE seq = 5"
run "$KCERT" audit verify
expect_rc 1 "audit verify finds a forged entry"
expect_err "entry 5" "and names it"

t_end
