#!/bin/sh
# kcert cvss: v3.1 and v4.0 vectors scored as FIRST's calculators do (every row
# of tests/fixtures/cvss through the binary, JSON read by Python's parser),
# invalid vectors refused with exit 2 and a message naming the problem, no store
# touched, Norwegian output by default.
. "$(dirname "$0")/lib.sh"
t_begin

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
PY=/usr/bin/python3
V31='CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'
V40='CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'

# The command needs no store: it works with --db pointing nowhere and creates nothing.
run "$KCERT" --db "$T_DIR/none/kcert.db" cvss "$V31"
expect_rc 0 "a valid v3.1 vector"
expect_out '^CVSS version: +3\.1$' "the version"
expect_out "^Base score: +9\.8 \(Critical\)$" "base score and severity"
expect_no_out "Temporal|Environmental" "no temporal or environmental line without such metrics"
if [ -e "$T_DIR/none" ]; then t_bad "cvss created a store"; else t_ok; fi

run "$KCERT" cvss "$V31/E:U/RL:O/RC:R/CR:L/MAV:L"
expect_rc 0 "v3.1 with temporal and environmental metrics"
expect_out "^Temporal score: +8\.2 \(High\)$" "the temporal score (Roundup of 9.8 x 0.91 x 0.95 x 0.96)"
expect_out "^Environmental score: +[0-9]\.[0-9] \(" "the environmental score"

run "$KCERT" cvss "$V31/E:X/RL:X"
expect_out "^Vector: +$V31\$" "the canonical vector leaves Not Defined metrics out"

run "$KCERT" cvss "$V40/E:U"
expect_rc 0 "a valid v4.0 vector"
expect_out '^CVSS version: +4\.0$' "v4.0 version"
expect_out '^Score: +8\.1 \(High\), CVSS-BT$' "v4.0 score, severity and nomenclature"
expect_out '^MacroVector: +000220$' "v4.0 macrovector"

run "$KCERT" cvss --format json "$V40/CR:L/S:P"
expect_rc 0 "json output"
expect_eq "$(printf '%s' "$OUT" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["version"], d["score"], d["severity"], d["nomenclature"], d["macrovector"], d["environmental"], d["supplemental"])')" \
	"4.0 9.3 Critical CVSS-BE 000200 True True" "v4.0 JSON fields, parsed by Python"

run "$KCERT" cvss "$V31" --format json
expect_eq "$(printf '%s' "$OUT" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["vector"], d["base_score"], d["base_severity"], d["temporal"], type(d["base_score"]).__name__)')" \
	"$V31 9.8 Critical False float" "v3.1 JSON fields, scores as numbers"

# Every fixture row through the binary, checked by Python against the CSV.
for f in cvss31_vectors cvss40_vectors; do
	: >"$T_DIR/$f.json"
	tail -n +2 "$REPO/tests/fixtures/cvss/$f.csv" | cut -d, -f1 | while read -r vec; do
		"$KCERT" cvss --format json "$vec" >>"$T_DIR/$f.json" || echo "{\"failed\": \"$vec\"}" >>"$T_DIR/$f.json"
	done
done
res=$($PY - "$REPO/tests/fixtures/cvss" "$T_DIR" <<'EOF'
import csv, json, sys
fix, out = sys.argv[1], sys.argv[2]
bad = 0
n = 0
for name, keys in (("cvss31_vectors", ("base_score", "base_severity", "temporal_score", "environmental_score")),
                   ("cvss40_vectors", ("score", "severity", "macrovector"))):
    rows = list(csv.DictReader(open(f"{fix}/{name}.csv")))
    got = [json.loads(l) for l in open(f"{out}/{name}.json")]
    if len(rows) != len(got):
        print(f"{name}: {len(rows)} rows, {len(got)} answers"); bad += 1; continue
    for r, g in zip(rows, got):
        n += 1
        for k in keys:
            want = r[k]
            have = g.get(k)
            have = f"{have:.1f}" if isinstance(have, float) else str(have)
            if have != want:
                print(f"{r['vector']}: {k} want {want} got {have}"); bad += 1
print(f"{n} {bad}")
EOF
)
expect_eq "$(printf '%s\n' "$res" | tail -n 1)" "179 0" "all 179 fixture vectors score as the data says" 
[ "$(printf '%s\n' "$res" | tail -n 1)" = "179 0" ] || printf '%s\n' "$res" | head -n 10 >&2

# Invalid vectors: exit 2, nothing on stdout, the problem named on stderr.
bad_vector() {
	run "$KCERT" cvss "$1"
	expect_rc 2 "refused: $1"
	expect_eq "$OUT" "" "nothing on stdout for $1"
	expect_err "$2" "the message names the problem for $1"
}
bad_vector "" "empty CVSS vector"
bad_vector "$V31/" "trailing slash"
bad_vector "CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H" "metric AV is out of order: it comes before AC"
bad_vector "$V31/A:L" "metric A appears twice"
bad_vector "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H" "missing mandatory base metric A"
bad_vector "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" "bad value Q for metric AV \(one of N, A, L, P\)"
bad_vector "$V31/XY:Z" "unknown metric XY in a CVSS 3.1 vector"
bad_vector "CVSS:3.9/AV:N" "CVSS version 3.9 is not supported"
bad_vector "AV:N/AC:L/Au:N/C:P/I:P/A:P" "CVSS v2 vectors are not supported"
bad_vector "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N" "missing mandatory base metric SA"
bad_vector "$V40/CR:H/E:A" "metric E is out of order: it comes before CR"
bad_vector "$V40/U:Purple" "bad value Purple for metric U"
bad_vector "$V40//E:A" "empty metric at position"
bad_vector "$(printf 'CVSS:3.1/AV:N\tAC:L')" "character 0x09 at position 14"

run "$KCERT" cvss
expect_rc 2 "no vector is a usage error"
expect_err "give one CVSS vector" "usage names what is missing"
run "$KCERT" cvss --format xml "$V31"
expect_rc 2 "an unknown format is a usage error"

# Bokmål by default (the tests run in English).
run env -u KCERT_LANG "$KCERT" cvss "$V31"
expect_out "\(Kritisk\)" "severity in bokmål by default"
run env KCERT_LANG=nn "$KCERT" cvss "CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H"
expect_err "AV" "nynorsk refusal still names the metric"
t_end
