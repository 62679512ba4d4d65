#!/bin/sh
# test_taxii.sh - sharing: analysts mark events, a case and a CVE shareable;
# kcert share export writes a STIX 2.1 bundle (validated against the STIX 2.1
# schemas in tests/fixtures/stix-schema) and a MISP event, which kcert's own
# ingesters read back to the same indicators; kcert serve answers a TAXII 2.1
# client (tests/taxii/client.py) that walks discovery, API root, collections
# and objects page by page, with added_after, match[], the manifest, the
# media types and 401/403/404/406, as the CERT, a partner CERT and a
# municipality; kcert stats nsm gives the store's counts.
. "$(dirname "$0")/lib.sh"
t_begin
HERE=$(cd "$(dirname "$0")/.." && pwd)
FIX=$HERE/fixtures/notify
PY=/usr/bin/python3
q() { if [ "$T_ENGINE" = postgresql ]; then psql -tAX "$KCERT_DB" -c "$1"; else sqlite3 "$KCERT_DB" "$1"; fi; }
export KCERT_NOW=2026-11-28T06:00:00Z
"$KCERT" init >/dev/null || exit 1
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
for f in "$FIX"/2026-11-27-*.csv; do "$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$f" >/dev/null; done
"$KCERT" case new --title "Løsepengevirus i Oslo kommune" --org 0301 --severity alvorlig \
	--classification malicious-code/c2-server --description "C2 at 203.0.113.9 and evil.example" >/dev/null

run "$KCERT" share export --format stix
expect_rc 0 "export with nothing marked"
expect_no_out "192\.0\.2\." "nothing is shared unless marked"
run "$KCERT" share add events --org 0301 --since 2026-11-27 --until 2026-11-28 --tlp GREEN --collection partners
expect_rc 0 "mark Oslo's events of 27 November"
bergen_event=$(q "SELECT id FROM event WHERE source_ip = '198.51.100.20'")
run "$KCERT" share add event "$bergen_event" --tlp AMBER --collection partners
expect_rc 0 "mark Bergen's event"
run "$KCERT" share add case 1 --tlp AMBER --collection nsm
expect_rc 0 "mark the case for NSM"
run "$KCERT" share add vulnerability CVE-2024-3400 --tlp GREEN --collection partners
expect_rc 0 "mark a CVE"
run "$KCERT" share add case 1 --tlp RED --collection nsm
expect_rc 2 "TLP:RED is never shared with a community"
run "$KCERT" share add case 99 --tlp GREEN --collection nsm
expect_rc 2 "no such case"
run "$KCERT" share add case 1 --tlp AMBER --collection "NSM!"
expect_rc 2 "a bad community name"
run "$KCERT" share add case 1 --tlp AMBER --collection nsm
expect_rc 2 "the same mark twice"
run "$KCERT" share add observable 1 --tlp GREEN --collection partners
expect_rc 0 "mark an observable"
id=$(printf '%s\n' "$OUT" | sed -n 's/.* \([0-9][0-9]*\):.*/\1/p')
run "$KCERT" share rm "$id"
expect_rc 0 "unmark it"
run "$KCERT" share list --format csv
expect_out "^[0-9]+,events,org=oslo type=\* since=2026-11-27T00:00:00Z until=2026-11-28T00:00:00Z,GREEN,partners" "share list"
expect_no_out ",observable," "the unmarked observable is gone"
run "$KCERT" audit list --format csv
expect_out "share.mark" "marking is audited"
expect_out "share.unmark" "unmarking is audited"

# Later: new events, one of them marked.
export KCERT_NOW=2026-12-01T06:00:00Z
"$KCERT" ingest --quarantine "$T_DIR/q.tsv" "$FIX/2026-11-30-scan_rdp-norway-geo.csv" >/dev/null
later=$(q "SELECT id FROM event WHERE source_ip = '192.0.2.10' AND time_source >= '2026-11-30'")
"$KCERT" share add event "$later" --tlp GREEN --collection partners >/dev/null

# STIX: valid, deterministic.
run "$KCERT" share export --format stix --output "$T_DIR/bundle.json"
expect_rc 0 "export a STIX bundle"
run $PY "$HERE/taxii/validate.py" "$T_DIR/bundle.json" "$HERE/fixtures/stix-schema"
expect_rc 0 "the bundle is valid STIX 2.1"
"$KCERT" share export --format stix > "$T_DIR/bundle2.json"
if cmp -s "$T_DIR/bundle.json" "$T_DIR/bundle2.json"; then t_ok; else t_bad "a second export gives the same ids and bytes"; fi
run $PY -c "
import json; b = json.load(open('$T_DIR/bundle.json'))
t = [o['type'] for o in b['objects']]
r = [o for o in b['objects'] if o['type'] == 'report'][0]
v = [o for o in b['objects'] if o['type'] == 'vulnerability'][0]
print(sorted(set(t)), t.count('indicator'), r['name'], v['name'])
print('unmarked' if any('192.0.2.13' in o.get('pattern', '') + o.get('value', '') for o in b['objects']) else 'clean')"
expect_out "'identity', 'indicator', 'ipv4-addr', 'marking-definition', 'observed-data', 'report', 'vulnerability'" "every kind of object"
expect_out "Oslo kommune.* CVE-2024-3400" "the TLP:AMBER report carries the title, the CVE its name"
expect_out "^clean$" "192.0.2.13, never marked, is not in the bundle"
"$KCERT" share export --format stix --collection partners --since 2026-11-30 >"$T_DIR/since.json"
run $PY -c "import json; b=json.load(open('$T_DIR/since.json'))
print([o['first_observed'] for o in b['objects'] if o['type'] == 'observed-data'])"
expect_out "^\['2026-11-30T01:00:00.000Z'\]$" "--since: only what was added since (the event of 30 November)"

# Read back by kcert's own ingesters: the same indicators.
values() { $PY -c "
import json,sys,re; b=json.load(open(sys.argv[1]))
print(' '.join(sorted({re.search(r\"value = '(.*)'\", o['pattern']).group(1) for o in b['objects'] if o['type']=='indicator'})))" "$1"; }
want=$(values "$T_DIR/bundle.json")
"$KCERT" share export --format misp > "$T_DIR/misp.json"
for fmt in stix misp; do
	db="$T_DIR/back-$fmt.db"
	KCERT_DB=$db "$KCERT" init >/dev/null 2>&1
	f=$T_DIR/bundle.json; [ $fmt = misp ] && f=$T_DIR/misp.json
	KCERT_DB=$db "$KCERT" ingest --format $fmt --keep-unattributed --quarantine "$T_DIR/q2.tsv" "$f" >/dev/null 2>&1
	got=$(KCERT_DB=$db "$KCERT" event list --limit 1000 --format json | $PY -c "
import json,sys; print(' '.join(sorted({e.get('source.ip') or e.get('source.fqdn') for e in json.load(sys.stdin)})))")
	expect_eq "$got" "$want" "$fmt export read back by kcert ingest --format $fmt gives the same indicators"
done
run $PY -c "import json; e=json.load(open('$T_DIR/misp.json'))['Event']; a=e['Attribute']
print(e['Tag'][0]['name'], e['distribution'], sorted({x['type'] for x in a}), all(x['to_ids'] for x in a))"
expect_out "^tlp:amber 0 \['domain', 'hostname', 'ip-dst', 'ip-src'\] True$" "MISP: TLP tag, distribution, attribute types, to_ids"

# NSM statistics: the store's counts.
run "$KCERT" stats nsm --period month --from 2026-11-15 --format csv
expect_out "^period_start,period_end,measure,key,subkey,count" "the columns"
expect_out "^2026-11-01,2026-12-01,incidents,malicious-code,alvorlig,1" "incidents by classification and severity"
expect_out "^2026-11-01,2026-12-01,incidents_by_county,Oslo,,1" "incidents by county"
sum=$(printf '%s\n' "$OUT" | awk -F, '$3=="events"{s+=$6} END{print s+0}')
n=$("$KCERT" event list --since 2026-11-01 --limit 1000 --format csv | tail -n +2 | wc -l)
expect_eq "$sum" "$n" "events per type add up to the events in the store"
run "$KCERT" stats nsm --period fortnight
expect_rc 2 "a bad period"

# TAXII.
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add helse --role partner --org helsecert --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add bergen --role member --org 4601 --password-stdin >/dev/null
"$KCERT" share member add partners helsecert >/dev/null
export TOK_ana=$("$KCERT" token create ana --expires 1d 2>/dev/null)
export TOK_helse=$("$KCERT" token create helse --expires 1d 2>/dev/null)
export TOK_bergen=$("$KCERT" token create bergen --expires 1d 2>/dev/null)
serve_start --no-worker
UNMARKED="192.0.2.13" $PY "$HERE/taxii/client.py" "$URL" >"$T_DIR/client.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok "*) t_ok ;;
	*) t_bad "taxii client: $line" ;;
	esac
done <"$T_DIR/client.out"
grep -q '^ok partner reads' "$T_DIR/client.out" || t_bad "the TAXII client did not finish" "$(tail -5 "$T_DIR/client.out")"
run curl -s -H "Authorization: Bearer $TOK_ana" "$URL/api/v1/stats/nsm?period=month&from=2026-11-01"
expect_out "^2026-11-01,2026-12-01,incidents,malicious-code,alvorlig,1" "GET /api/v1/stats/nsm for the CERT"
run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK_helse" "$URL/api/v1/stats/nsm?period=month"
expect_out "^403$" "not for a partner"
# Advisories: a published one goes out as a report naming its CVEs as
# vulnerability objects; a draft never leaves; the advisory's TLP:AMBER is kept
# even when the mark says GREEN.
ADV=$("$KCERT" advisory new --title "Kritisk sårbarhet i Citrix ADC" --summary "Oppdater nå." \
	--cve 'CVE-2023-3519=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' --tlp GREEN | grep -o 'KCERT-[0-9]*-[0-9]*')
ADV2=$("$KCERT" advisory new --title "Intern: fjernaksess" --tlp AMBER | grep -o 'KCERT-[0-9]*-[0-9]*')
run "$KCERT" share add advisory "$ADV" --tlp GREEN --collection advisories
expect_rc 0 "mark an advisory"
"$KCERT" share add advisory "$ADV2" --tlp GREEN --collection advisories >/dev/null
"$KCERT" share export --format stix --collection advisories >"$T_DIR/adv.json"
run $PY -c "import json; b=json.load(open('$T_DIR/adv.json')); print(len([o for o in b['objects'] if o['type'] in ('report', 'vulnerability')]))"
expect_out "^0$" "drafts are not shared"
"$KCERT" advisory publish "$ADV" >/dev/null
"$KCERT" advisory publish "$ADV2" >/dev/null
"$KCERT" share export --format stix --collection advisories >"$T_DIR/adv.json"
run $PY "$HERE/taxii/validate.py" "$T_DIR/adv.json" "$HERE/fixtures/stix-schema"
expect_rc 0 "the advisories' bundle is valid STIX 2.1"
run $PY -c "
import json; b = json.load(open('$T_DIR/adv.json'))
reps = {o['name']: o for o in b['objects'] if o['type'] == 'report'}
vul = {o['id']: o for o in b['objects'] if o['type'] == 'vulnerability'}
mark = {o['id']: o.get('name', '') for o in b['objects'] if o['type'] == 'marking-definition'}
for name in sorted(reps):
    r = reps[name]
    print(name, '|', r.get('description', ''), '|', ' '.join(vul[x]['name'] for x in r['object_refs'] if x in vul), '|',
          mark[r['object_marking_refs'][0]], '|', r['external_references'][0]['external_id'])"
expect_out "^Kritisk sårbarhet i Citrix ADC \| Oppdater nå. \| CVE-2023-3519 \| TLP:GREEN \| $ADV$" "a published advisory: a report with its summary and CVE, at its TLP"
expect_out "^Intern: fjernaksess \|  \|  \| TLP:AMBER \| $ADV2$" "an AMBER advisory marked GREEN goes out at AMBER"
t_end
