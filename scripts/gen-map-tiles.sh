#!/bin/sh
# gen-map-tiles.sh - the tile-grid cartogram of Norway's municipalities:
# one square tile per municipality, grouped in a block per county, the blocks
# laid out roughly where the counties lie (north at the top). No municipal
# boundary geometry with a clear open licence was to be had from the package
# registries, so the map is a cartogram: every municipality gets the same
# area, which also keeps the small coastal ones visible.
#
#   sh scripts/gen-map-tiles.sh share/data/municipalities-2024.csv > share/data/map-tiles-2024.csv
#
# Output: kommunenummer,col,row (tile units, 0-based), in kommunenummer order
# within each county, filling each county block row by row. Deterministic:
# the same register gives the same file.
set -eu
LC_ALL=C awk -F, '
BEGIN {
	# fylkesnummer -> first column, first row, block width (tiles)
	a["56"] = "24 0 6";  a["55"] = "18 1 6";  a["18"] = "12 5 6";  a["50"] = "8 13 7"
	a["15"] = "1 17 6";  a["46"] = "0 23 6";  a["34"] = "10 20 7"; a["11"] = "0 32 5"
	a["42"] = "4 37 5";  a["40"] = "6 30 4";  a["33"] = "10 28 4"; a["32"] = "15 27 5"
	a["03"] = "14 29 1"; a["31"] = "16 33 4"; a["39"] = "11 34 3"
}
NR == 1 { next }
{
	f = substr($1, 1, 2)
	if (!(f in a)) { printf "gen-map-tiles: line %d: county %s has no block\n", NR, f > "/dev/stderr"; exit 1 }
	split(a[f], p, " ")
	i = seen[f]++
	printf "%s,%d,%d\n", $1, p[1] + i % p[3], p[2] + int(i / p[3])
}' "$1" | sort -t, -k1,1 | { echo "kommunenummer,col,row"; cat; }
