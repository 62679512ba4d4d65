/*
 * csv.c - streaming CSV reader (RFC 4180 plus Shadowserver's backslash quotes).
 *
 * Input is held in one window buffer: from memory, the caller's bytes; from a
 * stream, chunks of CHUNK bytes appended as needed. A record is parsed from its
 * first byte; when the window ends inside it, more is read and the record is
 * parsed again from its start (records are bounded by max_record, so the
 * repeat is bounded too). Field bytes go to one output buffer, NUL after each.
 *
 * Quote rules inside a quoted field:
 *   ""            one quote (RFC 4180)
 *   \"            one quote (backslash style), except when the quote is followed
 *                 by a separator, a line end or the end of input: then the
 *                 backslash is a literal character and the quote closes the
 *                 field, so "C:\" still reads as C:\ in RFC 4180 files
 *   "             followed by a separator, a line end or the end: closes the field;
 *                 followed by anything else: malformed
 * An unquoted field is taken literally up to the separator or line end (a
 * quote inside it is an ordinary character, as Python's csv reads it).
 * Line ends are LF or CRLF; a lone CR is data.
 */
#include "base/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

#define CHUNK 65536
#define NEED_MORE 2

struct kc_csv {
	FILE *f;
	char *win;	    /* the window */
	size_t len, cap;    /* bytes in the window, allocated */
	size_t pos;	    /* start of the next record in the window */
	int owned;	    /* win is ours (stream) */
	int eof;	    /* no more input after the window */
	int skipping;	    /* discarding the rest of an overlong bad line */
	size_t line;	    /* physical line number at pos */
	kc_csv_opts o;
	kc_buf out;	    /* field bytes */
	size_t *offs;	    /* start of each field in out */
	kc_slice *fields;
	size_t nfields_cap;
};

static void defaults(kc_csv_opts *o, const kc_csv_opts *in)
{
	memset(o, 0, sizeof(*o));
	if (in)
		*o = *in;
	if (!o->sep)
		o->sep = ',';
	if (!o->max_field)
		o->max_field = 64 * 1024;
	if (!o->max_fields)
		o->max_fields = 1024;
	if (!o->max_record)
		o->max_record = 1024 * 1024;
}

static int csv_new(kc_csv **out, const kc_csv_opts *opts, kc_err *err)
{
	kc_csv *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	defaults(&c->o, opts);
	c->line = 1;
	kc_buf_init(&c->out, c->o.max_record + c->o.max_fields + 1);
	c->nfields_cap = 64;
	c->offs = malloc(c->nfields_cap * sizeof(*c->offs));
	c->fields = malloc(c->nfields_cap * sizeof(*c->fields));
	if (!c->offs || !c->fields) {
		kc_csv_free(c);
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
	*out = c;
	return KC_OK;
}

static void skip_bom(kc_csv *c)
{
	if (c->len - c->pos >= 3 && !memcmp(c->win + c->pos, "\xef\xbb\xbf", 3))
		c->pos += 3;
}

int kc_csv_open_mem(kc_csv **out, const char *data, size_t len, const kc_csv_opts *opts, kc_err *err)
{
	int rc = csv_new(out, opts, err);

	if (rc)
		return rc;
	(*out)->win = (char *)data;
	(*out)->len = len;
	(*out)->eof = 1;
	skip_bom(*out);
	return KC_OK;
}

/* Read more of the stream into the window, keeping bytes from pos on. */
static int refill(kc_csv *c, kc_err *err)
{
	size_t keep = c->len - c->pos, n;

	if (c->eof)
		return KC_OK;
	if (c->pos > 0) {
		memmove(c->win, c->win + c->pos, keep);
		c->len = keep;
		c->pos = 0;
	}
	if (c->cap - c->len < CHUNK) {
		size_t cap = c->cap ? c->cap * 2 : 2 * CHUNK;
		char *w = realloc(c->win, cap);

		if (!w)
			return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		c->win = w;
		c->cap = cap;
	}
	n = fread(c->win + c->len, 1, c->cap - c->len, c->f);
	c->len += n;
	if (n == 0) {
		if (ferror(c->f))
			return kc_err_set(err, KC_EIO, _("cannot read CSV input: %s"), strerror(errno));
		c->eof = 1;
	}
	return KC_OK;
}

int kc_csv_open_file(kc_csv **out, FILE *f, const kc_csv_opts *opts, kc_err *err)
{
	int rc = csv_new(out, opts, err);

	if (rc)
		return rc;
	(*out)->f = f;
	(*out)->owned = 1;
	rc = refill(*out, err);
	if (!rc)
		while (!(*out)->eof && (*out)->len < 3 && !(rc = refill(*out, err)))
			;
	if (rc) {
		kc_csv_free(*out);
		*out = NULL;
		return rc;
	}
	skip_bom(*out);
	return KC_OK;
}

void kc_csv_free(kc_csv *c)
{
	if (!c)
		return;
	if (c->owned)
		free(c->win);
	kc_buf_release(&c->out);
	free(c->offs);
	free(c->fields);
	free(c);
}

static int add_field(kc_csv *c, size_t *n)
{
	if (*n >= c->o.max_fields)
		return KC_ETOOBIG;
	if (*n == c->nfields_cap) {
		size_t cap = c->nfields_cap * 2;
		size_t *o = realloc(c->offs, cap * sizeof(*o));
		kc_slice *f;

		if (!o)
			return KC_ENOMEM;
		c->offs = o;
		f = realloc(c->fields, cap * sizeof(*f));
		if (!f)
			return KC_ENOMEM;
		c->fields = f;
		c->nfields_cap = cap;
	}
	c->offs[(*n)++] = c->out.len;
	return KC_OK;
}

/* Where the record starting at start fails: report it, then skip to the line
 * after the record's first line so that the caller can go on. */
static int fail(kc_csv *c, size_t start, size_t line, kc_csv_record *rec, int code, kc_err *err,
		const char *why, size_t at_line)
{
	const char *nl = memchr(c->win + start, '\n', c->len - start);
	size_t end = nl ? (size_t)(nl - c->win) : c->len;

	rec->nfields = 0;
	rec->fields = c->fields;
	rec->line = line;
	rec->raw.ptr = c->win + start;
	rec->raw.len = end - start - (end > start && c->win[end - 1] == '\r');
	c->pos = nl ? end + 1 : c->len;
	c->line = line + 1;
	c->skipping = !nl && !c->eof;
	if (at_line && at_line != line)
		kc_err_set(err, code, _("line %zu: %s (the quote opened on line %zu)"), line, why, at_line);
	else
		kc_err_set(err, code, _("line %zu: %s"), line, why);
	return code;
}

static int is_end(const kc_csv *c, size_t i)
{
	return i >= c->len || c->win[i] == c->o.sep || c->win[i] == '\n' ||
	       (c->win[i] == '\r' && i + 1 < c->len && c->win[i + 1] == '\n');
}

/*
 * Parse one record at c->pos. Returns 1 with rec filled, 0 at the end of
 * input, NEED_MORE when the window ends inside the record (and input remains),
 * or an error.
 */
static int parse(kc_csv *c, kc_csv_record *rec, kc_err *err)
{
	const char sep = c->o.sep;
	size_t i, start, line, n = 0, fstart, quote_line = 0;
	int rc;

	/* Skip blank lines. */
	for (;;) {
		if (c->pos >= c->len)
			return c->eof ? 0 : NEED_MORE;
		if (c->win[c->pos] == '\n') {
			c->pos++;
			c->line++;
		} else if (c->win[c->pos] == '\r' && c->pos + 1 >= c->len && !c->eof) {
			return NEED_MORE;
		} else if (c->win[c->pos] == '\r' && c->pos + 1 < c->len && c->win[c->pos + 1] == '\n') {
			c->pos += 2;
			c->line++;
		} else {
			break;
		}
	}
	start = i = c->pos;
	line = c->line;
	kc_buf_clear(&c->out);
	for (;;) { /* one field per turn */
		rc = add_field(c, &n);
		if (rc == KC_ENOMEM)
			return kc_err_set(err, rc, "%s", kc_strerror(rc));
		if (rc)
			return fail(c, start, line, rec, KC_ETOOBIG, err, _("too many fields"), 0);
		fstart = c->out.len;
		if (i < c->len && c->win[i] == '"') {
			quote_line = line; /* the line where the quote opened */
			for (size_t k = start; k < i; k++)
				quote_line += c->win[k] == '\n';
			i++;
			for (;;) {
				char ch;

				if (i >= c->len) {
					if (!c->eof)
						return NEED_MORE;
					return fail(c, start, line, rec, KC_EPARSE, err,
						    _("a quoted field is not closed"), quote_line);
				}
				ch = c->win[i];
				if (ch == '"') {
					if (i + 1 >= c->len && !c->eof)
						return NEED_MORE;
					if (i + 1 < c->len && c->win[i + 1] == '"') {
						rc = kc_buf_addc(&c->out, '"');
						i += 2;
					} else if (is_end(c, i + 1)) {
						if (i + 1 < c->len && c->win[i + 1] == '\r' && i + 2 >= c->len && !c->eof)
							return NEED_MORE;
						i++;
						break;
					} else {
						return fail(c, start, line, rec, KC_EPARSE, err,
							    _("unexpected character after a closing quote"), 0);
					}
				} else if (ch == '\\' && i + 1 < c->len && c->win[i + 1] == '"') {
					if (i + 2 >= c->len && !c->eof)
						return NEED_MORE;
					if (is_end(c, i + 2) && !(i + 2 < c->len && c->win[i + 2] == '"')) {
						/* "C:\" : a literal backslash, then the closing quote */
						rc = kc_buf_addc(&c->out, '\\');
						i++;
					} else {
						rc = kc_buf_addc(&c->out, '"');
						i += 2;
					}
				} else if (ch == '\\' && i + 1 >= c->len && !c->eof) {
					return NEED_MORE;
				} else if (ch == '\0') {
					return fail(c, start, line, rec, KC_EPARSE, err, _("NUL byte in the data"), 0);
				} else {
					rc = kc_buf_addc(&c->out, ch);
					i++;
				}
				if (rc || c->out.len - fstart > c->o.max_field || i - start > c->o.max_record)
					return fail(c, start, line, rec, KC_ETOOBIG, err,
						    i - start > c->o.max_record ? _("record too long")
										: _("field too long"),
						    0);
			}
		} else {
			size_t b = i;

			while (i < c->len && c->win[i] != sep && c->win[i] != '\n' && c->win[i] != '\0')
				i++;
			if (i >= c->len && !c->eof)
				return NEED_MORE;
			if (i < c->len && c->win[i] == '\0')
				return fail(c, start, line, rec, KC_EPARSE, err, _("NUL byte in the data"), 0);
			/* CRLF: the CR belongs to the line end, not to the field. */
			{
				size_t e = i;

				if (i < c->len && c->win[i] == '\n' && e > b && c->win[e - 1] == '\r')
					e--;
				else if (i >= c->len && e > b && c->win[e - 1] == '\r')
					e--;
				if (e - b > c->o.max_field || i - start > c->o.max_record)
					return fail(c, start, line, rec, KC_ETOOBIG, err,
						    i - start > c->o.max_record ? _("record too long")
										: _("field too long"),
						    0);
				rc = kc_buf_add(&c->out, c->win + b, e - b);
			}
			if (rc)
				return fail(c, start, line, rec, KC_ETOOBIG, err, _("record too long"), 0);
		}
		rc = kc_buf_addc(&c->out, '\0');
		if (rc)
			return fail(c, start, line, rec, KC_ETOOBIG, err, _("record too long"), 0);
		/* After a field: separator, line end or end of input. */
		if (i < c->len && c->win[i] == sep) {
			i++;
			continue;
		}
		break;
	}
	/* Line end. */
	{
		size_t end = i, lines = 0;

		if (i < c->len && c->win[i] == '\r')
			i++;
		if (i < c->len && c->win[i] == '\n')
			i++;
		for (size_t k = start; k < end; k++)
			lines += c->win[k] == '\n';
		rec->raw.ptr = c->win + start;
		rec->raw.len = end - start;
		if (rec->raw.len && c->win[end - 1] == '\r')
			rec->raw.len--;
		c->pos = i;
		c->line = line + lines + (i > end && c->win[i - 1] == '\n');
	}
	for (size_t k = 0; k < n; k++) {
		size_t e = k + 1 < n ? c->offs[k + 1] - 1 : c->out.len - 1;

		c->fields[k].ptr = c->out.ptr + c->offs[k];
		c->fields[k].len = e - c->offs[k];
	}
	rec->nfields = n;
	rec->fields = c->fields;
	rec->line = line;
	return 1;
}

int kc_csv_next(kc_csv *c, kc_csv_record *rec, kc_err *err)
{
	while (c->skipping) {
		const char *nl = memchr(c->win + c->pos, '\n', c->len - c->pos);
		int rc;

		if (nl) {
			c->pos = (size_t)(nl - c->win) + 1;
			c->skipping = 0;
			break;
		}
		c->pos = c->len;
		if (c->eof) {
			c->skipping = 0;
			break;
		}
		rc = refill(c, err);
		if (rc)
			return rc;
	}
	for (;;) {
		size_t line = c->line, pos = c->pos;
		int rc = parse(c, rec, err);

		if (rc != NEED_MORE)
			return rc;
		/* Parse the record again from its start once more input is in. */
		c->line = line;
		c->pos = pos;
		if (c->len - c->pos > c->o.max_record + 2) {
			/* The window already holds more than a record may have. */
			kc_csv_record dummy;

			return fail(c, c->pos, c->line, rec ? rec : &dummy, KC_ETOOBIG, err,
				    _("record too long"), 0);
		}
		rc = refill(c, err);
		if (rc)
			return rc;
	}
}
