#!/bin/sh
# i18n-check.sh - every message marked _() or N_() in src/ must have an entry in
# share/i18n/messages.tsv (and *.tsv.part), and each translation must keep the
# printf conversions of its English original, in order (a translation with a
# different %s/%d sequence would be a format-string bug).
#
#   scripts/i18n-check.sh            check; prints problems, exit 1 if any
#   scripts/i18n-check.sh --missing  print the missing msgids as TSV stubs
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find src -name '*.c' | sort > "$tmp/files"
xgettext --language=C --keyword=_ --keyword=N_ --keyword=T --keyword=kc_req_tr:2 --keyword=fail:4 --from-code=UTF-8 --no-location \
	--no-wrap --omit-header -o "$tmp/pot" -f "$tmp/files"
# PO msgids -> one C-literal body per line (the PO escapes are C's).
LC_ALL=C awk '
	/^msgid / { id = substr($0, 8); sub(/^"/, "", id); sub(/"$/, "", id); inid = 1; next }
	/^"/ && inid { s = $0; sub(/^"/, "", s); sub(/"$/, "", s); id = id s; next }
	/^msgstr/ { if (id != "") print id; inid = 0; id = "" }
' "$tmp/pot" | sort -u > "$tmp/ids"
cat share/i18n/messages.tsv share/i18n/*.tsv.part 2>/dev/null | grep -v -e '^#' -e '^[[:space:]]*$' > "$tmp/cat" || true
cut -f1 "$tmp/cat" | sort -u > "$tmp/have"
if [ "${1:-}" = "--missing" ]; then
	comm -23 "$tmp/ids" "$tmp/have" | awk '{ print $0 "\t\t" }'
	exit 0
fi
status=0
missing=$(comm -23 "$tmp/ids" "$tmp/have" | wc -l)
if [ "$missing" -gt 0 ]; then
	echo "i18n: $missing messages have no catalogue entry:" >&2
	comm -23 "$tmp/ids" "$tmp/have" | sed 's/^/  /' >&2
	status=1
fi
# One msgid, one translation: catalogue files are merged and the first entry
# wins, so a second entry with other words would be silently ignored.
LC_ALL=C awk -F '\t' '
	($1 in nb) && (nb[$1] != $2 || nn[$1] != $3) {
		printf "i18n: two translations of: %s (%s / %s, and %s / %s)\n", $1, nb[$1], nn[$1], $2, $3 > "/dev/stderr"; bad = 1; next
	}
	{ nb[$1] = $2; nn[$1] = $3 }
	END { exit bad }
' "$tmp/cat" || status=1
# Conversions: %% excluded; flags, width, precision and length kept.
LC_ALL=C awk -F '\t' '
	function convs(s,   out, m) {
		out = ""; gsub(/%%/, "", s)
		while (match(s, /%[-+ #0]*[0-9*]*(\.[0-9*]+)?(hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcsp]/)) {
			out = out substr(s, RSTART, RLENGTH) " "; s = substr(s, RSTART + RLENGTH)
		}
		return out
	}
	NF < 3 { printf "i18n: line without bokmål and nynorsk: %s\n", $1 > "/dev/stderr"; bad = 1; next }
	{
		want = convs($1)
		if ($2 != "" && convs($2) != want) { printf "i18n: bokmål conversions differ for: %s\n", $1 > "/dev/stderr"; bad = 1 }
		if ($3 != "" && convs($3) != want) { printf "i18n: nynorsk conversions differ for: %s\n", $1 > "/dev/stderr"; bad = 1 }
		if ($2 == "" || $3 == "") { printf "i18n: untranslated: %s\n", $1 > "/dev/stderr"; bad = 1 }
	}
	END { exit bad }
' "$tmp/cat" || status=1
n=$(wc -l < "$tmp/ids")
[ $status -eq 0 ] && echo "i18n: $n messages, all translated to nb and nn"
exit $status
