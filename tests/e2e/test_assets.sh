#!/bin/sh
# Assets and whois: the most specific registration wins, IPv4 and IPv6, AS
# numbers, domains and their subdomains, hosts, IKS-owned assets, overlaps,
# bad input, and imports that change nothing when a row is bad.
. "$(dirname "$0")/lib.sh"
t_begin
"$KCERT" init >/dev/null || { echo "init failed" >&2; exit 1; }

run "$KCERT" asset add 4601 cidr 198.51.100.0/24 --note "Bergen sentrum"
expect_rc 0 "asset add cidr"
run "$KCERT" asset add 4601 cidr 2001:db8:4601::/48
expect_rc 0 "asset add IPv6 cidr"
run "$KCERT" asset add 4601 domain Bergen.Kommune.NO.
expect_rc 0 "asset add domain"
expect_out "bergen.kommune.no" "domain stored normalised"
run "$KCERT" asset add 0301 asn AS64500
expect_rc 0 "asset add asn"
run "$KCERT" asset add 0301 cidr 203.0.113.0/24
run "$KCERT" asset add 0301 host 192.0.2.10
expect_rc 0 "asset add host address"
run "$KCERT" asset add 0301 host www.oslo-eksempel.no
expect_rc 0 "asset add host name"

# Sub-allocation: a /28 inside Oslo's /24 given to Asker is accepted and said.
run "$KCERT" asset add 3203 cidr 203.0.113.16/28
expect_rc 0 "a range inside another organisation's range is accepted"
expect_out "sub-allocation" "and the command says it is a sub-allocation"
expect_out "oslo" "naming the parent's owner"
# The identical range for a second organisation is refused.
run "$KCERT" asset add 3203 cidr 198.51.100.0/24
expect_rc 2 "the identical range for another organisation is refused"
expect_err "already registered to bergen" "with a clear error naming the owner"
run "$KCERT" asset add 4601 cidr 198.51.100.0/24
expect_rc 0 "the same range again for the same owner is no error"
expect_out "nothing changed" "and changes nothing"
run "$KCERT" asset add 3203 cidr 192.0.2.10/32
expect_rc 2 "a /32 equal to another organisation's host is refused"
run "$KCERT" asset add 3203 domain bergen.kommune.no
expect_rc 2 "a domain owned by another organisation is refused"

# Bad values: exit 2 and a precise message.
run "$KCERT" asset add 4601 cidr 10.0.0.0/33
expect_rc 2 "10.0.0.0/33 refused"
run "$KCERT" asset add 4601 cidr 300.1.1.1/8
expect_rc 2 "300.1.1.1/8 refused"
run "$KCERT" asset add 4601 cidr ::1/129
expect_rc 2 "::1/129 refused"
run "$KCERT" asset add 4601 cidr 10.0.0.1/8
expect_rc 2 "host bits set refused"
expect_err "did you mean 10.0.0.0/8\?" "with the network suggested"
run "$KCERT" asset add 4601 asn AS0
expect_rc 2 "AS0 refused"
run "$KCERT" asset add 4601 domain "-bad-.kommune.no"
expect_rc 2 "bad domain refused"
run "$KCERT" asset add 9999 cidr 10.0.0.0/8
expect_rc 2 "unknown organisation refused"
run "$KCERT" asset add 4601 subnet 10.0.0.0/8
expect_rc 2 "unknown kind refused"

# whois: the most specific wins.
run "$KCERT" whois 203.0.113.20 --format json
expect_rc 0 "whois inside the sub-allocation"
expect_out '"org": "asker"' "the /28 beats the /24"
expect_out '"inside": "cidr 203.0.113.0/24 \(oslo\)"' "the covering range is shown"
run "$KCERT" whois 203.0.113.200 --format json
expect_out '"org": "oslo"' "outside the /28, the /24 owner"
run "$KCERT" whois 2001:db8:4601:12::1 --format json
expect_out '"org": "bergen"' "IPv6 lookup"
run "$KCERT" whois ::ffff:198.51.100.7 --format json
expect_out '"org": "bergen"' "IPv4-mapped IPv6 is looked up as IPv4"
run "$KCERT" whois a.b.bergen.kommune.no --format json
expect_out '"org": "bergen"' "a domain covers its subdomains"
run "$KCERT" whois xbergen.kommune.no
expect_rc 1 "a name that only ends in the same letters is not covered"
run "$KCERT" whois "https://user@Intranett.Bergen.Kommune.no:8443/login?x=1" --format json
expect_out '"org": "bergen"' "whois a URL"
run "$KCERT" whois "https://[2001:db8:4601::5]/" --format json
expect_out '"org": "bergen"' "whois a URL with an IPv6 literal"
run "$KCERT" whois postmottak@bergen.kommune.no --format json
expect_out '"org": "bergen"' "whois an e-mail address"
run "$KCERT" whois AS64500 --format json
expect_out '"org": "oslo"' "whois an AS number"
run "$KCERT" whois as64500 --format json
expect_out '"org": "oslo"' "AS numbers are case-insensitive"
run "$KCERT" whois www.oslo-eksempel.no --format json
expect_out '"org": "oslo"' "a host name is found"
run "$KCERT" whois sub.www.oslo-eksempel.no
expect_rc 1 "a host name does not cover its subdomains"
run "$KCERT" whois 192.0.2.10 --format json
expect_out '"org": "oslo"' "a host address is found"
run "$KCERT" whois 192.0.2.11
expect_rc 1 "the next address is not"
run "$KCERT" whois 8.8.8.8
expect_rc 1 "exit 1 when no constituent owns it"
expect_out "no constituent" "and says so"
run "$KCERT" whois 300.1.1.1
expect_rc 2 "exit 2 on invalid input"
run "$KCERT" whois "not a thing"
expect_rc 2 "exit 2 on garbage"

# An IKS-owned asset shows the municipalities the IKS serves.
"$KCERT" org add --kind iks --name "IKT Nordhordland IKS" --slug ikt-nordhordland --serves 4631,4630 >/dev/null
run "$KCERT" asset add ikt-nordhordland cidr 2001:db8:4630::/44
expect_rc 0 "IKS gets an IPv6 range"
run "$KCERT" whois 2001:db8:4631:1::9 --format json
expect_out '"org": "ikt-nordhordland"' "the IKS owns it"
expect_out '"serves": "4630 Osterøy, 4631 Alver"' "and the municipalities it serves are named"

# rm.
run "$KCERT" asset rm 0301 host 192.0.2.10
expect_rc 0 "asset rm"
run "$KCERT" whois 192.0.2.10
expect_rc 1 "removed host no longer attributed"
run "$KCERT" asset rm 0301 host 192.0.2.10
expect_rc 2 "removing it twice is an error"

# Products (CPE 2.3 names) the organisations run are assets too.
run "$KCERT" asset add --note "Citrix-portal, sentrum" 4601 product 'cpe:2.3:a:citrix:netscaler_gateway:13.1-49.13:*:*:*:*:*:*:*'
expect_rc 0 "asset add product"
run "$KCERT" asset add 0301 product 'cpe:2.3:o:Fortinet:FortiOS:7.2.4:*:*:*:*:*:*:*'
expect_rc 0 "a second product, in another organisation"

# Export and import round trip.
run "$KCERT" asset export
expect_rc 0 "asset export"
expect_eq "$(printf '%s\n' "$OUT" | head -n 1)" "org,kind,value,note" "export writes the import header"
expect_out "^4601,cidr,198.51.100.0/24,Bergen sentrum$" "export names municipalities by kommunenummer"
expect_out '^4601,product,cpe:2\.3:a:citrix:netscaler_gateway:13\.1-49\.13:\*:\*:\*:\*:\*:\*:\*,"Citrix-portal, sentrum"$' \
	"export writes the declared products with their note"
expect_out '^0301,product,cpe:2\.3:o:fortinet:fortios:7\.2\.4:\*:\*:\*:\*:\*:\*:\*,$' "in canonical form"
printf '%s\n' "$OUT" > "$T_DIR/export.csv"
"$KCERT" --db "$T_DIR/copy.db" init >/dev/null
"$KCERT" --db "$T_DIR/copy.db" org add --kind iks --name "IKT Nordhordland IKS" --slug ikt-nordhordland >/dev/null
run "$KCERT" --db "$T_DIR/copy.db" asset import "$T_DIR/export.csv"
expect_rc 0 "the export imports into a new store"
run "$KCERT" --db "$T_DIR/copy.db" asset export
expect_eq "$OUT" "$(cat "$T_DIR/export.csv")" "and exports identically"
run "$KCERT" --db "$T_DIR/copy.db" asset list 4601 --kind product --format csv
expect_out '^bergen,product,cpe:2\.3:a:citrix:netscaler_gateway:13\.1-49\.13:.*,"Citrix-portal, sentrum",declared,' \
	"the product is declared in the new store, with its note"
run "$KCERT" --db "$T_DIR/copy.db" asset import "$T_DIR/export.csv"
expect_rc 0 "importing the same file again"
expect_out "0 added" "adds nothing"

# A bad row: nothing changes, every bad row is named with file, line and field.
cat > "$T_DIR/bad.csv" <<'CSV'
org,kind,value,note
1103,cidr,192.0.2.128/25,Stavanger
1103,cidr,10.0.0.1/8,host bits
9999,cidr,10.1.0.0/16,unknown org
1103,domain,stavanger.kommune.no,
1103,colour,blue,
1103,product,cpe:2.3:a:*:*:1.0:*:*:*:*:*:*:*,
CSV
before=$("$KCERT" asset list 1103 --format csv | wc -l)
run "$KCERT" asset import "$T_DIR/bad.csv"
expect_rc 2 "an import with bad rows fails"
expect_err "bad.csv:3: field value: 10.0.0.1/8: host bits are set; did you mean 10.0.0.0/8\?" "line 3 named with its field"
expect_err "bad.csv:4: field org" "line 4: unknown organisation"
expect_err "bad.csv:6: field kind" "line 6: unknown kind"
expect_err "bad.csv:7: field value: cpe:2\.3:a:\*:\*:1\.0:.*must name its vendor and product" "line 7: a product that names none"
expect_err "nothing was imported" "and says nothing changed"
expect_eq "$("$KCERT" asset list 1103 --format csv | wc -l)" "$before" "no row of the file was imported"
run "$KCERT" asset import --skip-bad "$T_DIR/bad.csv"
expect_rc 0 "--skip-bad imports the good rows"
expect_out "2 added" "two good rows added"
expect_out "4 skipped" "four skipped"
expect_err "bad.csv:3: .*\(skipped\)" "each skipped row is reported"
run "$KCERT" whois stavanger.kommune.no --format json
expect_out '"org": "stavanger"' "imported domain is attributed"

# JSON import, with the same rules.
cat > "$T_DIR/assets.json" <<'JSON'
{"assets": [
  {"org": "1106", "kind": "cidr", "value": "2001:db8:1106::/48", "note": "Haugesund"},
  {"org": 1106, "kind": "asn", "value": "AS64501"}
]}
JSON
run "$KCERT" asset import "$T_DIR/assets.json"
expect_rc 0 "JSON import"
run "$KCERT" whois AS64501 --format json
expect_out '"org": "haugesund"' "a numeric org in JSON is a kommunenummer"
printf '[{"org": "1106", "kind": "cidr", "value": "2001:db8::1/32"}]' > "$T_DIR/bad.json"
run "$KCERT" asset import "$T_DIR/bad.json"
expect_rc 2 "bad JSON row refused"
expect_err "bad.json:1: field value" "JSON problems are named by item"
printf '[{"org": "1106",' > "$T_DIR/broken.json"
run "$KCERT" asset import "$T_DIR/broken.json"
expect_rc 2 "broken JSON refused"
expect_err "broken.json:1: invalid JSON" "with the line"

run "$KCERT" audit verify
expect_rc 0 "the audit chain holds after all of it"

t_end
