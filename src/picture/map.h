/*
 * map.h - Norway's 357 municipalities as an accessible SVG map, each coloured
 * by a class the caller chooses, with a legend and the same figures as an HTML
 * table for those who cannot see the picture.
 *
 * The map is a tile-grid cartogram (share/data/map-tiles-2024.csv, made by
 * scripts/gen-map-tiles.sh): one square per municipality, in a block per
 * county, the blocks placed roughly where the counties lie. Every municipality
 * is a <rect> carrying its kommunenummer (data-code), its class (class="c-N"),
 * and a <title> with its name and the value shown.
 *
 * To colour by something new, fill one kc_map_cell per municipality that has a
 * value (code, class index into the legend, the value as text) and call
 * kc_map_svg with a legend; municipalities without a cell are drawn as "no
 * data". Two ready legends: events (a sequential blue scale; kc_map_count_class
 * buckets a count) and ratings (red/orange/yellow/green/grey;
 * kc_map_rating_class maps a rating word to its class).
 */
#ifndef KC_MAP_H
#define KC_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/i18n.h"

#define KC_MAP_MUNICIPALITIES 357

typedef struct kc_map_class {
	const char *label;	/* legend text, already translated */
	const char *fill;	/* "#rrggbb" */
} kc_map_class;

typedef struct kc_map_legend {
	const kc_map_class *classes;
	size_t n;
} kc_map_legend;

typedef struct kc_map_cell {
	char code[5];		/* kommunenummer */
	int cls;		/* index into the legend's classes */
	char value[32];		/* shown in the title and the table ("12", "B") */
} kc_map_cell;

typedef struct kc_map_opts {
	const char *id;		/* element id prefix, unique on the page ("map") */
	const char *title;	/* <title> of the SVG */
	const char *desc;	/* <desc> of the SVG */
	const char *value_label; /* heading of the value column in the table */
	kc_lang lang;		/* for the few words the renderer adds */
	const char *href_fmt;	/* link per municipality, "%s" is the code; NULL: none */
} kc_map_opts;

/* The municipality in the map's register (the 2024 structure): its name and
 * county name, or NULL when code is not one. */
const char *kc_map_name(const char *code, const char **county);
/* Tile position of a municipality; 0 or KC_ENOENT. */
int kc_map_tile(const char *code, int *col, int *row);

/* Append the SVG map to b. Cells naming unknown codes or classes are an error
 * (KC_EINVAL naming the code), nothing is appended then. */
int kc_map_svg(kc_buf *b, const kc_map_opts *o, const kc_map_legend *lg, const kc_map_cell *cells, size_t n,
	       kc_err *err);
/* Append the same data as an HTML table: municipality, county, value, class
 * label; municipalities with a cell only, in kommunenummer order. */
int kc_map_table(kc_buf *b, const kc_map_opts *o, const kc_map_legend *lg, const kc_map_cell *cells, size_t n,
		 kc_err *err);

/* Events legend: 0, 1-4, 5-19, 20-99, 100+ (translated into lang). */
const kc_map_legend *kc_map_events_legend(kc_lang lang);
int kc_map_count_class(int64_t count);

/* Rating legend for scan ratings: 0 red (poor), 1 orange, 2 yellow, 3 green
 * (good), 4 grey (not rated). kc_map_rating_class accepts those colour names
 * or grades A (green) B (yellow) C (orange) D/E/F (red); anything else is grey. */
const kc_map_legend *kc_map_rating_legend(kc_lang lang);
int kc_map_rating_class(const char *rating);

/* XML/HTML text escaping, for the picture's renderers. */
void kc_map_esc(kc_buf *b, const char *s);

#endif
