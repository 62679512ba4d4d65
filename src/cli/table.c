/*
 * table.c - one printer for every listing: aligned text for people, RFC 4180
 * CSV and JSON for programs. Column widths count characters, not bytes, so
 * that Norwegian letters line up.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/kc.h"

int kc_fmt_parse(const char *s, kc_fmt *out)
{
	if (!strcmp(s, "table"))
		*out = KC_FMT_TABLE;
	else if (!strcmp(s, "csv"))
		*out = KC_FMT_CSV;
	else if (!strcmp(s, "json"))
		*out = KC_FMT_JSON;
	else
		return KC_EINVAL;
	return KC_OK;
}

void kc_table_init(kc_table *t, const kc_col *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

int kc_table_add(kc_table *t, const char *const *values)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **c = realloc(t->cells, cap * t->ncols * sizeof(*c));

		if (!c)
			return KC_ENOMEM;
		t->cells = c;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *v = values[i] ? strdup(values[i]) : NULL;

		if (values[i] && !v)
			return KC_ENOMEM;
		t->cells[t->nrows * t->ncols + i] = v;
	}
	t->nrows++;
	return KC_OK;
}

int kc_table_addv(kc_table *t, ...)
{
	const char *vals[32];
	va_list ap;

	if (t->ncols > KC_ARRAY_LEN(vals))
		return KC_EINTERNAL;
	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++)
		vals[i] = va_arg(ap, const char *);
	va_end(ap);
	return kc_table_add(t, vals);
}

void kc_table_release(kc_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static const char *cell(const kc_table *t, size_t r, size_t c)
{
	return t->cells[r * t->ncols + c];
}

static size_t width(const char *s)
{
	size_t w = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void pad(FILE *out, const char *s, size_t w)
{
	fputs(s ? s : "", out);
	for (size_t n = width(s); n < w; n++)
		fputc(' ', out);
}

static void csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static json_t *json_cell(const kc_col *col, const char *v)
{
	if (!v || (!*v && col->numeric))
		return json_null();
	if (col->numeric) {
		char *end;
		long long n = strtoll(v, &end, 10);

		if (!*end)
			return json_integer(n);
	}
	return json_string(v);
}

static json_t *row_json(const kc_table *t, size_t r)
{
	json_t *o = json_object();

	for (size_t c = 0; c < t->ncols; c++)
		json_object_set_new(o, t->cols[c].key, json_cell(&t->cols[c], cell(t, r, c)));
	return o;
}

static void print_csv(const kc_table *t, FILE *out)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', out);
		csv_field(out, t->cols[c].key);
	}
	fputc('\n', out);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', out);
			csv_field(out, cell(t, r, c));
		}
		fputc('\n', out);
	}
}

void kc_table_print(const kc_table *t, kc_fmt fmt, FILE *out)
{
	if (fmt == KC_FMT_CSV) {
		print_csv(t, out);
	} else if (fmt == KC_FMT_JSON) {
		json_t *a = json_array();

		for (size_t r = 0; r < t->nrows; r++)
			json_array_append_new(a, row_json(t, r));
		json_dumpf(a, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(a);
	} else {
		size_t w[32] = { 0 };

		for (size_t c = 0; c < t->ncols && c < KC_ARRAY_LEN(w); c++) {
			w[c] = width(_(t->cols[c].label));
			for (size_t r = 0; r < t->nrows; r++)
				if (width(cell(t, r, c)) > w[c])
					w[c] = width(cell(t, r, c));
		}
		for (size_t c = 0; c < t->ncols; c++) {
			pad(out, _(t->cols[c].label), c + 1 < t->ncols ? w[c] + 2 : 0);
		}
		fputc('\n', out);
		for (size_t r = 0; r < t->nrows; r++) {
			for (size_t c = 0; c < t->ncols; c++)
				pad(out, cell(t, r, c), c + 1 < t->ncols ? w[c] + 2 : 0);
			fputc('\n', out);
		}
	}
}

void kc_table_print_record(const kc_table *t, kc_fmt fmt, FILE *out)
{
	if (fmt == KC_FMT_CSV) {
		print_csv(t, out);
	} else if (fmt == KC_FMT_JSON) {
		json_t *o = t->nrows ? row_json(t, 0) : json_object();

		json_dumpf(o, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(o);
	} else {
		size_t w = 0;

		for (size_t c = 0; c < t->ncols; c++)
			if (width(_(t->cols[c].label)) > w)
				w = width(_(t->cols[c].label));
		for (size_t r = 0; r < t->nrows; r++) {
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = cell(t, r, c);

				if (!v || !*v)
					continue;
				pad(out, _(t->cols[c].label), w);
				fprintf(out, "  %s\n", v);
			}
		}
	}
}
