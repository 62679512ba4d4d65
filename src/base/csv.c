/*
 * csv.c - streaming CSV reader for untrusted feeds (RFC 4180 plus the
 * backslash-escaped quotes of some Shadowserver reports).
 *
 * Input sits in one window: from memory, the caller's bytes; from a stream, a
 * buffer that fread() fills a chunk at a time, keeping only the unfinished
 * record. A record is parsed field by field into one reused output buffer (the
 * field bytes, a NUL after each); when the window ends inside a field, more
 * is read and that field is parsed again from its start. Every record is at
 * most max_record bytes, so the window and the output stay bounded. Bytes are
 * classified through a 256-entry table built at open, so the inner loops are
 * plain table lookups and spans are copied with memcpy.
 *
 * Quotes inside a quoted field. A run of k quote characters:
 *   - not preceded by a backslash (RFC 4180): k/2 quotes of data; when k is
 *     odd the last one closes the field and must be followed by a separator, a
 *     line end or the end of input ("a""b" reads a"b);
 *   - preceded by a backslash: both styles are possible. The run is taken to
 *     close the field exactly when a separator, a line end or the end of input
 *     follows it, and the backslash is an escape exactly when that needs it,
 *     i.e. when the RFC 4180 parity of k disagrees:
 *         closes, k odd:  backslash literal, k/2 quotes    "C:\"      -> C:\
 *         closes, k even: backslash escape,  k/2 quotes    "say \"hi\""  -> say "hi"
 *         open,   k odd:  backslash escape,  (k+1)/2       "a\"b"     -> a"b
 *         open,   k even: backslash literal, k/2 quotes    "a\""b"    -> a\"b
 *     So Shadowserver's "Basic realm=\"\"OpenWebif\"\"" reads as
 *     Basic realm=""OpenWebif"", and an RFC 4180 field that ends in a backslash
 *     still reads as written. The one RFC 4180 text read differently is a
 *     backslash, an even run of quotes and then a separator or line break all
 *     inside one field ("a\"",b" would be a\",b); backslash-style writers never
 *     produce that run otherwise, and it is the end of Shadowserver's fields.
 *   A backslash not followed by a quote is an ordinary character (no \\ escape).
 *   With sep '\\' backslashes are never escapes.
 * Elsewhere: a quote inside an unquoted field, anything but a separator or line
 * end after a closing quote, a NUL byte, or the end of input inside quotes makes
 * the record malformed. Line ends are LF or CRLF; a lone CR is data. Blank lines
 * are skipped; a UTF-8 BOM at the very start is skipped.
 *
 * After a malformed record, rec->raw is its first physical line (at most
 * max_record bytes) and reading resumes at the next physical line, so an
 * unterminated quote costs one line, not the rest of the file.
 */
#include "base/csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

#define CSV_CHUNK 65536
#define NEED_MORE 2 /* parse(): the window ends inside the record */

/* Byte classes: where an unquoted or a quoted field scan stops. */
enum { STOP_UNQ = 1, STOP_Q = 2 };

struct kc_csv {
	FILE *f;              /* NULL when reading memory */
	const char *win;      /* the window: caller's bytes or buf */
	char *buf;            /* owned window storage (stream) */
	size_t cap, len, pos; /* buf size; bytes in the window; next record */
	size_t chunk;         /* bytes per fread */
	size_t line;          /* physical line number at pos */
	int eof, started, skipping, resuming;
	char sep;
	int bslash; /* backslash escapes on */
	size_t max_field, max_fields, max_record;
	unsigned char cls[256];

	char *out; /* field bytes, NUL after each */
	size_t out_len, out_cap;
	size_t *offs; /* start of each field in out */
	kc_slice *fields;
	size_t fcap;

	/* Where to resume after NEED_MORE: the current field's start. */
	size_t ck_off, ck_n, ck_out, ck_lines;
};

/* Test hook: read the stream in pieces of chunk bytes (>= 1). Declared here for
 * -Wmissing-prototypes; tests and the fuzz harness declare it themselves. */
void kc_csv_set_chunk(kc_csv *c, size_t chunk);

void kc_csv_set_chunk(kc_csv *c, size_t chunk)
{
	c->chunk = chunk ? chunk : 1;
}

static int nomem(kc_err *err)
{
	return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
}

static int csv_new(kc_csv **out, const kc_csv_opts *opts, kc_err *err)
{
	kc_csv_opts o = {0};
	kc_csv *c;

	*out = NULL;
	if (opts)
		o = *opts;
	if (!o.sep)
		o.sep = ',';
	if (o.sep == '"' || o.sep == '\n' || o.sep == '\r')
		return kc_err_set(err, KC_EINVAL, _("the CSV separator cannot be a quote or a line end"));
	c = calloc(1, sizeof(*c));
	if (!c)
		return nomem(err);
	c->sep = o.sep;
	c->bslash = o.sep != '\\';
	c->max_field = o.max_field ? o.max_field : 64 * 1024;
	c->max_fields = o.max_fields ? o.max_fields : 1024;
	c->max_record = o.max_record ? o.max_record : 1024 * 1024;
	c->chunk = CSV_CHUNK;
	c->line = 1;
	c->cls[(unsigned char)c->sep] |= STOP_UNQ;
	c->cls['\n'] |= STOP_UNQ | STOP_Q;
	c->cls['\r'] |= STOP_UNQ;
	c->cls['"'] |= STOP_UNQ | STOP_Q;
	c->cls[0] |= STOP_UNQ | STOP_Q;
	if (c->bslash)
		c->cls['\\'] |= STOP_Q;
	*out = c;
	return KC_OK;
}

int kc_csv_open_mem(kc_csv **out, const char *data, size_t len, const kc_csv_opts *opts, kc_err *err)
{
	int rc = csv_new(out, opts, err);

	if (rc)
		return rc;
	(*out)->win = len ? data : "";
	(*out)->len = len;
	(*out)->eof = 1;
	return KC_OK;
}

int kc_csv_open_file(kc_csv **out, FILE *f, const kc_csv_opts *opts, kc_err *err)
{
	int rc = csv_new(out, opts, err);

	if (rc)
		return rc;
	(*out)->f = f;
	(*out)->win = "";
	return KC_OK;
}

void kc_csv_free(kc_csv *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->out);
	free(c->offs);
	free(c->fields);
	free(c);
}

/* Read one more chunk of the stream, dropping the bytes before pos. */
static int refill(kc_csv *c, kc_err *err)
{
	size_t n;

	if (c->eof)
		return KC_OK;
	if (c->pos) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	if (c->cap - c->len < c->chunk) {
		size_t cap = c->cap ? c->cap : c->chunk;
		char *b;

		while (cap - c->len < c->chunk)
			cap *= 2;
		b = realloc(c->buf, cap);
		if (!b)
			return nomem(err);
		c->buf = b;
		c->cap = cap;
	}
	n = fread(c->buf + c->len, 1, c->chunk, c->f);
	c->len += n;
	c->win = c->buf;
	if (n < c->chunk) {
		if (ferror(c->f))
			return kc_err_set(err, KC_EIO, _("cannot read CSV input: %s"), strerror(errno));
		if (n == 0 || feof(c->f))
			c->eof = 1;
	}
	return KC_OK;
}

static inline int out_add(kc_csv *c, const char *p, size_t n)
{
	if (c->out_cap - c->out_len <= n) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *o;

		while (cap - c->out_len <= n)
			cap *= 2;
		o = realloc(c->out, cap);
		if (!o)
			return KC_ENOMEM;
		c->out = o;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return KC_OK;
}

static int fields_grow(kc_csv *c)
{
	size_t cap = c->fcap ? c->fcap * 2 : 32;
	size_t *o;
	kc_slice *f;

	if (cap > c->max_fields)
		cap = c->max_fields;
	o = realloc(c->offs, cap * sizeof(*o));
	if (!o)
		return KC_ENOMEM;
	c->offs = o;
	f = realloc(c->fields, cap * sizeof(*f));
	if (!f)
		return KC_ENOMEM;
	c->fields = f;
	c->fcap = cap;
	return KC_OK;
}

/*
 * Report the record at pos as malformed: err gets "line N: ..." (N the line of
 * the problem, eline; the record's own line is named when it differs), rec its
 * line and first physical line; reading resumes at the line after that.
 */
__attribute__((format(printf, 6, 7))) static int fail(kc_csv *c, kc_csv_record *rec, int code, kc_err *err,
                                                      size_t eline, const char *fmt, ...)
{
	char what[KC_ERR_MSG_MAX];
	const char *nl = NULL;
	size_t end;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (eline == c->line)
		kc_err_set(err, code, _("line %zu: %s"), eline, what);
	else
		kc_err_set(err, code, _("line %zu (in the record from line %zu): %s"), eline, c->line, what);

	/* The first physical line, read on up to max_record bytes. */
	for (;;) {
		size_t have = c->len - c->pos;

		nl = memchr(c->win + c->pos, '\n', have < c->max_record + 2 ? have : c->max_record + 2);
		if (nl || c->eof || have >= c->max_record + 2 || refill(c, NULL))
			break;
	}
	end = nl ? (size_t)(nl - c->win) : c->len;
	if (nl && end > c->pos && c->win[end - 1] == '\r')
		end--;
	if (end - c->pos > c->max_record)
		end = c->pos + c->max_record;
	rec->nfields = 0;
	rec->fields = c->fields;
	rec->line = c->line;
	rec->raw = kc_slice_of(c->win + c->pos, end - c->pos);
	c->resuming = 0;
	if (nl) {
		c->pos = (size_t)(nl - c->win) + 1;
		c->line++;
	} else { /* a line longer than max_record: the next call skips the rest */
		c->pos = end;
		c->skipping = 1;
	}
	return code;
}

/* Does a field end at i (separator, LF, CRLF or end of input)? 1, 0 or NEED_MORE. */
static inline int ends_at(const kc_csv *c, size_t i)
{
	if (i >= c->len)
		return c->eof ? 1 : NEED_MORE;
	if (c->win[i] == c->sep || c->win[i] == '\n')
		return 1;
	if (c->win[i] != '\r')
		return 0;
	if (i + 1 >= c->len)
		return c->eof ? 0 : NEED_MORE;
	return c->win[i + 1] == '\n';
}

#define TOOLONG_RECORD()                                                                                     \
	fail(c, rec, KC_ETOOBIG, err, c->line + lines, _("record longer than %zu bytes"), c->max_record)
#define FIELD_CHECK(start)                                                                                   \
	do {                                                                                                 \
		if (c->out_len - (start) > c->max_field)                                                     \
			return fail(c, rec, KC_ETOOBIG, err, c->line + lines,                                \
			            _("field %zu is longer than %zu bytes"), n, c->max_field);               \
	} while (0)

/*
 * Parse the record at pos (resuming at the saved field when c->resuming).
 * Returns 1 with rec filled, NEED_MORE, or an error (reported through fail()).
 */
static int parse(kc_csv *c, kc_csv_record *rec, kc_err *err)
{
	const char *w = c->win;
	const unsigned char *cls = c->cls;
	const size_t len = c->len, r = c->pos, maxrec = c->max_record;
	const char sep = c->sep;
	size_t i, n, lines, end;
	int t;

	if (!c->resuming)
		c->ck_off = c->ck_n = c->ck_out = c->ck_lines = 0;
	i = r + c->ck_off;
	n = c->ck_n;
	lines = c->ck_lines;
	c->out_len = c->ck_out;
	for (;;) { /* one field per turn; i at its first byte */
		size_t fo = c->out_len;

		c->ck_off = i - r;
		c->ck_n = n;
		c->ck_out = fo;
		c->ck_lines = lines;
		if (n == c->max_fields)
			return fail(c, rec, KC_ETOOBIG, err, c->line + lines, _("more than %zu fields"),
			            c->max_fields);
		if (n == c->fcap && fields_grow(c))
			return nomem(err);
		c->offs[n++] = fo;
		if (i < len && w[i] == '"') {
			size_t qline = c->line + lines, j = i + 1;

			for (;;) {
				size_t k = j, a, m, kq, quotes;
				int keep_bs, closes;
				char ch;

				while (k < len && !(cls[(unsigned char)w[k]] & STOP_Q))
					k++;
				if (k - r > maxrec)
					return fail(c, rec, KC_ETOOBIG, err, c->line + lines,
					            _("record longer than %zu bytes; the quoted field opened "
					              "on line %zu is still open"),
					            maxrec, qline);
				if (out_add(c, w + j, k - j))
					return nomem(err);
				FIELD_CHECK(fo);
				if (k == len) {
					if (!c->eof)
						return NEED_MORE;
					return fail(
					    c, rec, KC_EPARSE, err, c->line + lines,
					    _("end of input inside the quoted field opened on line %zu"),
					    qline);
				}
				ch = w[k];
				if (ch == '\n') {
					lines++;
					if (out_add(c, "\n", 1))
						return nomem(err);
					FIELD_CHECK(fo);
					j = k + 1;
					continue;
				}
				if (ch == '\0')
					return fail(c, rec, KC_EPARSE, err, c->line + lines,
					            _("NUL byte in the data"));
				a = k + (ch == '\\'); /* the run of quotes starts at a */
				if (ch == '\\' && (a == len || w[a] != '"')) {
					if (a == len && !c->eof)
						return NEED_MORE;
					if (out_add(c, "\\", 1))
						return nomem(err);
					FIELD_CHECK(fo);
					j = a;
					continue;
				}
				for (m = a; m < len && w[m] == '"';)
					m++;
				if (m - r > maxrec)
					return TOOLONG_RECORD();
				t = ends_at(c, m);
				if (t == NEED_MORE)
					return NEED_MORE;
				kq = m - a;
				if (ch == '\\') {
					closes = t;
					keep_bs = t == (int)(kq & 1);
					quotes = t ? kq / 2 : (kq + 1) / 2;
				} else {
					closes = kq & 1;
					keep_bs = 0;
					quotes = kq / 2;
					if (closes && !t)
						return fail(c, rec, KC_EPARSE, err, c->line + lines,
						            _("unexpected character after a closing quote"));
				}
				if (keep_bs && out_add(c, "\\", 1))
					return nomem(err);
				while (quotes--)
					if (out_add(c, "\"", 1))
						return nomem(err);
				FIELD_CHECK(fo);
				if (closes) {
					i = m;
					break;
				}
				j = m;
			}
		} else {
			size_t j = i;

			for (;;) {
				while (j < len && !(cls[(unsigned char)w[j]] & STOP_UNQ))
					j++;
				if (j < len && w[j] == '\r' && (t = ends_at(c, j)) != 1) {
					if (t == NEED_MORE)
						break;
					j++; /* a lone CR is data */
					continue;
				}
				break;
			}
			if (j - r > maxrec)
				return TOOLONG_RECORD();
			if (j - i > c->max_field)
				return fail(c, rec, KC_ETOOBIG, err, c->line + lines,
				            _("field %zu is longer than %zu bytes"), n, c->max_field);
			if (j == len || (w[j] == '\r' && j + 1 == len)) {
				if (!c->eof)
					return NEED_MORE;
				j = len;
			} else if (w[j] == '"') {
				return fail(c, rec, KC_EPARSE, err, c->line + lines,
				            _("a quote inside an unquoted field"));
			} else if (w[j] == '\0') {
				return fail(c, rec, KC_EPARSE, err, c->line + lines,
				            _("NUL byte in the data"));
			}
			if (out_add(c, w + i, j - i))
				return nomem(err);
			i = j;
		}
		if (out_add(c, "", 1))
			return nomem(err);
		if (i < len && w[i] == sep) {
			i++;
			continue;
		}
		break;
	}
	/* i is at the line end or the end of input. */
	end = i;
	if (i < len)
		i += w[i] == '\r' ? 2 : 1;
	for (size_t k = 0; k < n; k++) {
		size_t e = k + 1 < n ? c->offs[k + 1] - 1 : c->out_len - 1;

		c->fields[k] = kc_slice_of(c->out + c->offs[k], e - c->offs[k]);
	}
	rec->nfields = n;
	rec->fields = c->fields;
	rec->line = c->line;
	rec->raw = kc_slice_of(w + r, end - r);
	c->pos = i;
	c->line += lines + (i > end);
	c->resuming = 0;
	return 1;
}

int kc_csv_next(kc_csv *c, kc_csv_record *rec, kc_err *err)
{
	kc_csv_record spare;
	int rc;

	if (!rec)
		rec = &spare;
	while (c->skipping) { /* the rest of a line longer than max_record */
		const char *nl = memchr(c->win + c->pos, '\n', c->len - c->pos);

		if (nl) {
			c->pos = (size_t)(nl - c->win) + 1;
			c->line++;
			c->skipping = 0;
		} else {
			c->pos = c->len;
			if (c->eof)
				c->skipping = 0;
			else if ((rc = refill(c, err)))
				return rc;
		}
	}
	if (!c->started) {
		while (!c->eof && c->len - c->pos < 3)
			if ((rc = refill(c, err)))
				return rc;
		if (c->len - c->pos >= 3 && !memcmp(c->win + c->pos, "\xef\xbb\xbf", 3))
			c->pos += 3;
		c->started = 1;
	}
	for (;;) {
		/* Skip blank lines (LF or CRLF alone). */
		while (!c->resuming) {
			size_t p = c->pos;

			if (p + 1 >= c->len && !c->eof) { /* need up to two bytes */
				if ((rc = refill(c, err)))
					return rc;
				continue;
			}
			if (p >= c->len)
				return 0;
			if (c->win[p] == '\n') {
				c->pos = p + 1;
			} else if (c->win[p] == '\r' && p + 1 < c->len && c->win[p + 1] == '\n') {
				c->pos = p + 2;
			} else {
				break;
			}
			c->line++;
		}
		rc = parse(c, rec, err);
		if (rc != NEED_MORE)
			return rc;
		c->resuming = 1;
		if ((rc = refill(c, err)))
			return rc;
	}
}

void kc_csv_field(kc_buf *b, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		kc_buf_adds(b, s);
		return;
	}
	kc_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			kc_buf_addc(b, '"');
		kc_buf_addc(b, *s);
	}
	kc_buf_addc(b, '"');
}
