/*
 * map.c - the municipality map (tile-grid cartogram) as SVG; see map.h.
 */
#include "picture/map.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/kc.h"

extern const char kc_data_municipalities[];
extern const unsigned long kc_data_municipalities_len;
extern const char kc_data_map_tiles[];
extern const unsigned long kc_data_map_tiles_len;

#define TILE 16
#define STEP 17

typedef struct muni {
	char code[5];
	char name[64], county[48];
	int col, row;
} muni;

static muni munis[KC_MAP_MUNICIPALITIES + 8];
static size_t nmunis;
static int cols, rows;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static kc_map_class ev_classes[3][5], rt_classes[3][5];
static kc_map_legend ev_legend[3], rt_legend[3];

static int by_code(const void *a, const void *b)
{
	return strcmp(((const muni *)a)->code, ((const muni *)b)->code);
}

static muni *find(const char *code)
{
	muni key;

	if (!code || strlen(code) != 4)
		return NULL;
	memcpy(key.code, code, 5);
	return nmunis ? bsearch(&key, munis, nmunis, sizeof(muni), by_code) : NULL;
}

/* The register and the tiles are compiled in and checked by the unit test;
 * a row that does not fit is left out rather than trusted. */
static void load(void)
{
	static const char *const ev[] = { N_("none"), N_("1-4"), N_("5-19"), N_("20-99"), N_("100 or more") };
	static const char *const evfill[] = { "#eef3f8", "#bcd4e6", "#6fa3cc", "#2b6ca3", "#0b3c6b" };
	static const char *const rt[] = { N_("poor"), N_("weak"), N_("fair"), N_("good"), N_("not rated") };
	static const char *const rtfill[] = { "#c0392b", "#e67e22", "#f1c40f", "#27ae60", "#b0b0b0" };
	kc_csv *c;
	kc_csv_record rec;
	kc_err err;

	if (!kc_csv_open_mem(&c, kc_data_municipalities, kc_data_municipalities_len, NULL, &err)) {
		while (kc_csv_next(c, &rec, &err) == 1 && nmunis < KC_MAP_MUNICIPALITIES + 8) {
			if (rec.line == 1 || rec.nfields < 3 || rec.fields[0].len != 4)
				continue;
			muni *m = &munis[nmunis++];
			memcpy(m->code, rec.fields[0].ptr, 4);
			m->code[4] = '\0';
			snprintf(m->name, sizeof(m->name), "%s", rec.fields[1].ptr);
			snprintf(m->county, sizeof(m->county), "%s", rec.fields[2].ptr);
			m->col = m->row = -1;
		}
		kc_csv_free(c);
	}
	qsort(munis, nmunis, sizeof(muni), by_code);
	if (!kc_csv_open_mem(&c, kc_data_map_tiles, kc_data_map_tiles_len, NULL, &err)) {
		while (kc_csv_next(c, &rec, &err) == 1) {
			muni *m;

			if (rec.line == 1 || rec.nfields < 3 || !(m = find(rec.fields[0].ptr)))
				continue;
			m->col = atoi(rec.fields[1].ptr);
			m->row = atoi(rec.fields[2].ptr);
			if (m->col + 1 > cols)
				cols = m->col + 1;
			if (m->row + 1 > rows)
				rows = m->row + 1;
		}
		kc_csv_free(c);
	}
	for (int l = 0; l < 3; l++) {
		for (int i = 0; i < 5; i++) {
			ev_classes[l][i] = (kc_map_class){ kc_tr_lang((kc_lang)l, ev[i]), evfill[i] };
			rt_classes[l][i] = (kc_map_class){ kc_tr_lang((kc_lang)l, rt[i]), rtfill[i] };
		}
		ev_legend[l] = (kc_map_legend){ ev_classes[l], 5 };
		rt_legend[l] = (kc_map_legend){ rt_classes[l], 5 };
	}
}

const char *kc_map_name(const char *code, const char **county)
{
	muni *m;

	pthread_once(&once, load);
	m = find(code);
	if (county)
		*county = m ? m->county : NULL;
	return m ? m->name : NULL;
}

int kc_map_tile(const char *code, int *col, int *row)
{
	muni *m;

	pthread_once(&once, load);
	m = find(code);
	if (!m || m->col < 0)
		return KC_ENOENT;
	*col = m->col;
	*row = m->row;
	return 0;
}

void kc_map_esc(kc_buf *b, const char *s)
{
	kc_buf_html(b, s);
}

/* One cell per municipality index, or NULL; checks every cell. */
static int index_cells(const kc_map_legend *lg, const kc_map_cell *cells, size_t n, const kc_map_cell **at,
		       kc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		muni *m = find(cells[i].code);

		if (!m)
			return kc_err_set(err, KC_EINVAL, _("map: %.8s is not a municipality"), cells[i].code);
		if (cells[i].cls < 0 || (size_t)cells[i].cls >= lg->n)
			return kc_err_set(err, KC_EINVAL, _("map: municipality %s has no colour class %d"), m->code,
					  cells[i].cls);
		at[m - munis] = &cells[i];
	}
	return 0;
}

int kc_map_svg(kc_buf *b, const kc_map_opts *o, const kc_map_legend *lg, const kc_map_cell *cells, size_t n,
	       kc_err *err)
{
	const kc_map_cell *at[KC_MAP_MUNICIPALITIES + 8] = { 0 };
	const char *id = o->id ? o->id : "map";
	const char *nodata = kc_tr_lang(o->lang, N_("no data"));
	const char *county = "";
	int rc;

	pthread_once(&once, load);
	rc = index_cells(lg, cells, n, at, err);
	if (rc)
		return rc;
	/* A group, not an img: an img's children are hidden from assistive
	 * technology, and each tile here is to be reached (Tab) and read out:
	 * a link named "Name (code): value, class" when href_fmt is given,
	 * else a focusable img with that name. The same figures are in
	 * kc_map_table, the data-table alternative. */
	kc_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" class=\"kc-map\" id=\"%s\" "
		       "aria-labelledby=\"%s-t\" aria-describedby=\"%s-d\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">"
		       "<title id=\"%s-t\">",
		    id, id, id, cols * STEP, rows * STEP, cols * STEP, rows * STEP, id);
	kc_map_esc(b, o->title);
	kc_buf_addf(b, "</title><desc id=\"%s-d\">", id);
	kc_map_esc(b, o->desc);
	kc_buf_adds(b, "</desc><style>.kc-map rect.m{stroke:#fff;stroke-width:1}.kc-map text{font:11px sans-serif}"
		       ".kc-map a:focus rect.m,.kc-map rect.m:focus{stroke:#000;stroke-width:3;outline:none}</style>");
	/* The legend sits in the empty sea west of Nordland. */
	kc_buf_addf(b, "<g class=\"legend\" role=\"list\" aria-label=\"");
	kc_map_esc(b, kc_tr_lang(o->lang, N_("Legend")));
	kc_buf_addf(b, "\" transform=\"translate(4,4)\">");
	for (size_t i = 0; i <= lg->n; i++) {
		kc_buf_addf(b, "<g role=\"listitem\"><rect x=\"0\" y=\"%zu\" width=\"12\" height=\"12\" fill=\"%s\" "
			       "stroke=\"#888\" aria-hidden=\"true\"></rect><text x=\"18\" y=\"%zu\">",
			    i * 16, i < lg->n ? lg->classes[i].fill : "#ffffff", i * 16 + 10);
		kc_map_esc(b, i < lg->n ? lg->classes[i].label : nodata);
		kc_buf_adds(b, "</text></g>");
	}
	kc_buf_adds(b, "</g>");
	for (size_t i = 0; i < nmunis; i++) {
		const muni *m = &munis[i];
		const kc_map_cell *c = at[i];

		if (m->col < 0)
			continue;
		if (strcmp(county, m->county)) {
			kc_buf_addf(b, "%s<g class=\"county\" role=\"group\" aria-label=\"", *county ? "</g>" : "");
			kc_map_esc(b, m->county);
			kc_buf_adds(b, "\">");
			county = m->county;
		}
		/* Its accessible name: the municipality, its figure and its class. */
		if (o->href_fmt) {
			kc_buf_adds(b, "<a href=\"");
			kc_buf_addf(b, o->href_fmt, m->code);
			kc_buf_adds(b, "\" aria-label=\"");
		}
		if (!o->href_fmt)
			kc_buf_addf(b, "<rect class=\"m c-%s\" data-code=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				       "fill=\"%s\" tabindex=\"0\" role=\"img\" aria-label=\"",
				    c ? (const char[]){ (char)('0' + c->cls), 0 } : "x", m->code, m->col * STEP, m->row * STEP,
				    TILE, TILE, c ? lg->classes[c->cls].fill : "#ffffff");
		kc_map_esc(b, m->name);
		kc_buf_addf(b, " (%s): ", m->code);
		kc_map_esc(b, c ? c->value : nodata);
		if (c) {
			kc_buf_adds(b, ", ");
			kc_map_esc(b, lg->classes[c->cls].label);
		}
		kc_buf_adds(b, "\">");
		if (o->href_fmt)
			kc_buf_addf(b, "<rect class=\"m c-%s\" data-code=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				       "fill=\"%s\">",
				    c ? (const char[]){ (char)('0' + c->cls), 0 } : "x", m->code, m->col * STEP, m->row * STEP,
				    TILE, TILE, c ? lg->classes[c->cls].fill : "#ffffff");
		kc_buf_adds(b, "<title>");
		kc_map_esc(b, m->name);
		kc_buf_addf(b, " (%s): ", m->code);
		kc_map_esc(b, c ? c->value : nodata);
		kc_buf_adds(b, "</title></rect>");
		if (o->href_fmt)
			kc_buf_adds(b, "</a>");
	}
	kc_buf_addf(b, "%s</svg>", *county ? "</g>" : "");
	return 0;
}

int kc_map_table(kc_buf *b, const kc_map_opts *o, const kc_map_legend *lg, const kc_map_cell *cells, size_t n,
		 kc_err *err)
{
	const kc_map_cell *at[KC_MAP_MUNICIPALITIES + 8] = { 0 };
	int rc;

	pthread_once(&once, load);
	rc = index_cells(lg, cells, n, at, err);
	if (rc)
		return rc;
	kc_buf_addf(b, "<table class=\"kc-map-table\" id=\"%s-table\"><caption>", o->id ? o->id : "map");
	kc_map_esc(b, o->title);
	kc_buf_addf(b, "</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">",
		    kc_tr_lang(o->lang, N_("Municipality")), kc_tr_lang(o->lang, N_("County")));
	kc_map_esc(b, o->value_label);
	kc_buf_addf(b, "</th><th scope=\"col\">%s</th></tr></thead><tbody>", kc_tr_lang(o->lang, N_("Class")));
	for (size_t i = 0; i < nmunis; i++) {
		if (!at[i])
			continue;
		kc_buf_addf(b, "<tr data-code=\"%s\"><th scope=\"row\">", munis[i].code);
		kc_map_esc(b, munis[i].name);
		kc_buf_addf(b, " (%s)</th><td>", munis[i].code);
		kc_map_esc(b, munis[i].county);
		kc_buf_adds(b, "</td><td>");
		kc_map_esc(b, at[i]->value);
		kc_buf_adds(b, "</td><td>");
		kc_map_esc(b, lg->classes[at[i]->cls].label);
		kc_buf_adds(b, "</td></tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
	return 0;
}

const kc_map_legend *kc_map_events_legend(kc_lang lang)
{
	pthread_once(&once, load);
	return &ev_legend[lang <= KC_LANG_EN ? lang : 0];
}

int kc_map_count_class(int64_t count)
{
	return count <= 0 ? 0 : count < 5 ? 1 : count < 20 ? 2 : count < 100 ? 3 : 4;
}

const kc_map_legend *kc_map_rating_legend(kc_lang lang)
{
	pthread_once(&once, load);
	return &rt_legend[lang <= KC_LANG_EN ? lang : 0];
}

int kc_map_rating_class(const char *r)
{
	static const char *const colour[] = { "red", "orange", "yellow", "green" };

	if (!r || !*r)
		return 4;
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(r, colour[i]))
			return i;
	if (!r[1]) {
		switch (r[0] | 0x20) {
		case 'a': return 3;
		case 'b': return 2;
		case 'c': return 1;
		case 'd': case 'e': case 'f': return 0;
		}
	}
	return 4;
}
