#!/bin/sh
# kcert db copy: a SQLite store copied into the test's store (PostgreSQL when
# the suite runs on it), verified, and usable afterwards; refused into a store
# that holds data; and SQLite's online backup restores.
. "$(dirname "$0")/lib.sh"
t_begin
SRC="$T_DIR/source.db"
"$KCERT" --db "$SRC" init >/dev/null
"$KCERT" --db "$SRC" org add --kind iks --name "Sunnhordland IKT" --serves 4613,4614 >/dev/null
"$KCERT" --db "$SRC" asset add 4613 cidr 2001:db8:4613::/48 --note "Bømlo" >/dev/null
"$KCERT" --db "$SRC" asset add sunnhordland-ikt domain sunnhordland-ikt.no >/dev/null
"$KCERT" --db "$SRC" contact add 4614 --name "Åse Ødegård" --email ase@stord.kommune.no >/dev/null

run "$KCERT" db copy "$SRC" "$KCERT_DB"
expect_rc 0 "db copy into an empty store"
expect_out "checksums match" "and verifies every table"
expect_out "^org +3[0-9][0-9] " "organisations copied"
run "$KCERT" whois 2001:db8:4613::1 --format json
expect_out '"org": "bomlo"' "the copy answers whois"
run "$KCERT" org show sunnhordland-ikt --format json
expect_out '"serves": "4613 Bømlo, 4614 Stord"' "relations copied"
run "$KCERT" contact list 4614 --format csv
expect_out "Åse Ødegård" "Norwegian letters survive the copy"
run "$KCERT" audit verify
expect_rc 0 "the copied audit chain verifies"
# New rows after the copy get fresh keys (the key generators moved on).
run "$KCERT" asset add 4613 cidr 198.51.100.0/24
expect_rc 0 "adding after the copy works"
run "$KCERT" audit verify
expect_rc 0 "and the chain goes on"
run "$KCERT" db copy "$SRC" "$KCERT_DB"
expect_rc 2 "copying into a store that holds data is refused"
expect_err "already holds data" "with the reason"

# PostgreSQL: pg_dump and a restore into a new database give a working store.
if [ "$T_ENGINE" = postgresql ]; then
	pg_dump --no-owner "$KCERT_DB" >"$T_DIR/dump.sql"
	expect_eq "$?" "0" "pg_dump of the store"
	psql -q -X "$KCERT_TEST_PG" -c "CREATE DATABASE ${T_PGDB}_r" >/dev/null
	RESTORED=$(printf '%s' "$KCERT_DB" | sed "s|:///$T_PGDB?|:///${T_PGDB}_r?|")
	psql -q -X -v ON_ERROR_STOP=1 "$RESTORED" -f "$T_DIR/dump.sql" >/dev/null 2>&1
	expect_eq "$?" "0" "the dump restores into a new database"
	run "$KCERT" --db "$RESTORED" whois 198.51.100.9 --format json
	expect_out '"org": "bomlo"' "the restored store answers whois"
	run "$KCERT" --db "$RESTORED" audit verify
	expect_rc 0 "and its audit chain verifies"
	run "$KCERT" --db "$RESTORED" asset add 4613 cidr 203.0.113.0/24
	expect_rc 0 "and takes new rows"
	psql -q -X "$KCERT_TEST_PG" -c "DROP DATABASE ${T_PGDB}_r" >/dev/null
fi

# SQLite online backup and restore.
sqlite3 "$SRC" ".backup '$T_DIR/backup.db'"
run "$KCERT" --db "$T_DIR/backup.db" whois sunnhordland-ikt.no --format json
expect_out '"org": "sunnhordland-ikt"' "a SQLite backup is a working store"
t_end
