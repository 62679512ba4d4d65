/*
 * mime.c - one incoming e-mail message read with GMime 3; see mime.h.
 *
 * GMime parses; this file walks the tree it builds and decides what is text and
 * what is an attachment: the text/plain alternative is preferred to text/html,
 * inline text parts without a file name are text, everything else (and the
 * forwarded message itself) is an attachment. GMime reports what it found
 * wrong through a callback on the parser options, which become the warnings.
 * Every GMime object made here is released before returning.
 */
#include "mail/mime.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/charset.h"
#include "mail/html.h"
#include "base/kc.h"

#define MAX_WARNINGS 50
#define MAX_ADDRS 200
#define MAX_REFS 100
#define MAX_ID 998	 /* a header line's length */
#define MAX_NAME 255	 /* file names, display names */

enum mode {
	TEXT_AND_FILES, /* the part's text goes to the body, its files are attachments */
	FILES_ONLY,	/* an alternative we did not choose: only its files are kept */
};

typedef struct ctx {
	kc_mail *m;
	kc_mail_limits lim;
	GMimeParserOptions *po;
	kc_buf body;
	size_t parts;	      /* parts visited */
	size_t kept;	      /* attachment bytes kept */
	size_t allocated_att; /* room in m->attachments */
	int oom;
	int truncated;	      /* GMime: the message ends early */
	long last_leaf_att;   /* index of the attachment that was the last leaf, or -1 */
	int warned_parts, warned_depth;
	int recovered;	      /* multiparts read again with the boundary found in them */
} ctx;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
	g_mime_init();
	if (sodium_init() < 0)
		abort(); /* libsodium cannot work on this machine: nothing else would either */
}

void kc_mail_init(void)
{
	pthread_once(&once, init_once);
}

const char *kc_mail_kind_name(kc_mail_kind kind)
{
	switch (kind) {
	case KC_MAIL_NORMAL: return "normal";
	case KC_MAIL_AUTO_REPLY: return "auto_reply";
	case KC_MAIL_BOUNCE: return "bounce";
	}
	return "normal";
}

/* ---- small helpers ---- */

static char *line(ctx *c, const char *s, size_t max)
{
	char *r;

	if (!s)
		return NULL;
	r = kc_utf8_line(s, strlen(s), max);
	if (!r)
		c->oom = 1;
	return r;
}

static void warn(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(ctx *c, const char *fmt, ...)
{
	kc_mail *m = c->m;
	char msg[300], *w, **grown;
	va_list ap;

	if (m->nwarnings >= MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w = kc_utf8_line(msg, strlen(msg), sizeof(msg));
	if (!w) {
		c->oom = 1;
		return;
	}
	for (size_t i = 0; i < m->nwarnings; i++) {
		if (!strcmp(m->warnings[i], w)) {
			free(w);
			return;
		}
	}
	grown = realloc(m->warnings, (m->nwarnings + 1) * sizeof(*grown));
	if (!grown) {
		free(w);
		c->oom = 1;
		return;
	}
	m->warnings = grown;
	m->warnings[m->nwarnings++] = w;
}

/* What GMime found wrong, as a warning. item is a header name or line, or NULL. */
static void on_gmime_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	ctx *c = data;
	char shown[64];

	(void)offset;
	snprintf(shown, sizeof(shown), "%.60s", item ? item : "");
	switch (code) {
	case GMIME_WARN_TRUNCATED_MESSAGE:
		c->truncated = 1;
		warn(c, "%s", _("the message ends before its last MIME part is complete"));
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
		warn(c, "%s", _("a multipart has no parts (broken boundary?)"));
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		warn(c, "%s", _("a multipart has no boundary; read as one part"));
		break;
	case GMIME_WARN_INVALID_CONTENT_TYPE:
		warn(c, _("invalid content type %s; read as application/octet-stream"), shown);
		break;
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
		warn(c, _("header %s: invalid encoded word"), shown);
		break;
	case GMIME_WARN_UNENCODED_8BIT_HEADER:
		warn(c, _("header %s: unencoded 8-bit characters"), shown);
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
		warn(c, _("invalid header line: %s"), shown);
		break;
	case GMIME_CRIT_NESTING_OVERFLOW:
		warn(c, "%s", _("MIME parts are nested too deep; the deepest were not read"));
		break;
	case GMIME_WARN_DUPLICATED_HEADER:
	case GMIME_WARN_DUPLICATED_PARAMETER:
	case GMIME_CRIT_CONFLICTING_HEADER:
	case GMIME_CRIT_CONFLICTING_PARAMETER:
		warn(c, _("header %s appears more than once"), shown);
		break;
	default:
		warn(c, _("malformed MIME (%d) near %s"), (int)code, shown);
		break;
	}
}

/* A mailbox as kc_mail_addr: the address with ASCII letters in lower case. */
static void set_addr(ctx *c, kc_mail_addr *a, InternetAddressMailbox *mb)
{
	const char *addr = internet_address_mailbox_get_addr(mb);
	const char *name = internet_address_get_name(INTERNET_ADDRESS(mb));

	a->addr = line(c, addr && *addr ? addr : NULL, MAX_ID);
	if (a->addr)
		for (char *p = a->addr; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	a->name = name && *name ? line(c, name, MAX_NAME) : NULL;
	if (a->name && !*a->name) {
		free(a->name);
		a->name = NULL;
	}
}

/* Every mailbox of list (groups flattened) into *v, at most MAX_ADDRS. */
static void addr_list(ctx *c, InternetAddressList *list, kc_mail_addr **v, size_t *n, int depth)
{
	int count = list ? internet_address_list_length(list) : 0;

	for (int i = 0; i < count && *n < MAX_ADDRS && !c->oom; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			kc_mail_addr *grown = realloc(*v, (*n + 1) * sizeof(**v));

			if (!grown) {
				c->oom = 1;
				return;
			}
			*v = grown;
			memset(&(*v)[*n], 0, sizeof(**v));
			set_addr(c, &(*v)[*n], INTERNET_ADDRESS_MAILBOX(ia));
			if ((*v)[*n].addr)
				(*n)++;
			else
				free((*v)[*n].name);
		} else if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 2) {
			addr_list(c, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), v, n, depth + 1);
		}
	}
}

static void first_addr(ctx *c, InternetAddressList *list, kc_mail_addr *a)
{
	kc_mail_addr *v = NULL;
	size_t n = 0;

	addr_list(c, list, &v, &n, 0);
	if (n)
		*a = v[0];
	for (size_t i = 1; i < n; i++) {
		free(v[i].addr);
		free(v[i].name);
	}
	free(v);
}

static const char *header(GMimeObject *o, const char *name)
{
	return g_mime_object_get_header(o, name);
}

/* Message ids of a References or In-Reply-To header, without <>. */
static void refs(ctx *c, const char *value, char ***v, size_t *n, size_t max)
{
	GMimeReferences *r;
	int count;

	if (!value)
		return;
	r = g_mime_references_parse(c->po, value);
	count = r ? g_mime_references_length(r) : 0;
	for (int i = 0; i < count && *n < max && !c->oom; i++) {
		char **grown = realloc(*v, (*n + 1) * sizeof(**v));

		if (!grown) {
			c->oom = 1;
			break;
		}
		*v = grown;
		(*v)[*n] = line(c, g_mime_references_get_message_id(r, i), MAX_ID);
		if ((*v)[*n] && *(*v)[*n])
			(*n)++;
		else
			free((*v)[*n]);
	}
	if (r)
		g_mime_references_free(r);
}

/* ---- the body ---- */

/* Append to the body up to max_body; past it the text is cut once, with a warning. */
static void body_add(ctx *c, const char *s, size_t n)
{
	size_t room;

	if (c->m->flags & KC_MAIL_BODY_CUT || c->oom || !n)
		return;
	room = c->lim.max_body - c->body.len;
	if (n > room) {
		n = kc_utf8_cut(s, n, room);
		c->m->flags |= KC_MAIL_BODY_CUT;
		warn(c, _("the text is longer than %zu bytes; the rest was cut"), c->lim.max_body);
	}
	if (n && kc_buf_add(&c->body, s, n))
		c->oom = 1;
}

/* Start a new block of text: a blank line after what is there. */
static void body_break(ctx *c)
{
	size_t l = c->body.len;

	if (!l)
		return;
	if (c->body.ptr[l - 1] != '\n')
		body_add(c, "\n\n", 2);
	else if (l < 2 || c->body.ptr[l - 2] != '\n')
		body_add(c, "\n", 1);
}

/* The decoded bytes of a part's content (transfer encoding undone) in a new
 * GMime memory stream; NULL when it has none. */
static GMimeStream *content(ctx *c, GMimePart *part, GByteArray **bytes)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *ms;

	*bytes = NULL;
	if (!w)
		return NULL;
	ms = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, ms) < 0)
		warn(c, "%s", _("a MIME part could not be decoded; what was read is kept"));
	*bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	return ms;
}

/* The text of a text/plain or text/html part as clean UTF-8 in out (HTML reduced). */
static void part_text(ctx *c, GMimePart *part, int html, kc_buf *out)
{
	const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	GByteArray *bytes;
	GMimeStream *ms = content(c, part, &bytes);
	int fallback = 0, rc = 0;

	if (!ms)
		return;
	if (html) {
		kc_buf utf8;

		kc_buf_init(&utf8, (size_t)bytes->len * 3 + 16);
		rc = kc_charset_to_utf8(cs, (const char *)bytes->data, bytes->len, &utf8, &fallback);
		if (!rc) {
			kc_buf plain;

			kc_buf_init(&plain, utf8.len + 16);
			rc = kc_html_to_text(kc_buf_str(&utf8), utf8.len, &plain);
			if (!rc || rc == KC_ETOOBIG)
				rc = kc_utf8_clean(kc_buf_str(&plain), plain.len, 0, out);
			kc_buf_release(&plain);
		}
		kc_buf_release(&utf8);
		c->m->flags |= KC_MAIL_HTML;
	} else {
		rc = kc_charset_to_utf8(cs, (const char *)bytes->data, bytes->len, out, &fallback);
	}
	if (rc == KC_ENOMEM)
		c->oom = 1;
	if (fallback) {
		c->m->flags |= KC_MAIL_CHARSET_FALLBACK;
		warn(c, _("text in charset \"%.40s\" could not be read as such; read as windows-1252"),
		     cs && *cs ? cs : "(none)");
	}
	g_object_unref(ms);
}

static int blank(const kc_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (!isspace((unsigned char)b->ptr[i]))
			return 0;
	return 1;
}

static void append_text(ctx *c, GMimePart *part, int html)
{
	kc_buf t;

	kc_buf_init(&t, SIZE_MAX / 2);
	part_text(c, part, html, &t);
	if (!blank(&t)) {
		size_t n = t.len;

		while (n && (t.ptr[n - 1] == '\n' || t.ptr[n - 1] == ' ' || t.ptr[n - 1] == '\t'))
			n--;
		body_break(c);
		body_add(c, t.ptr, n);
	}
	kc_buf_release(&t);
}

/* ---- attachments ---- */

/* The last path element of a file name, as senders sometimes send "C:\x\y.pdf"
 * or "../../y.pdf"; never "", "." or "..". */
static char *file_name(ctx *c, const char *raw)
{
	const char *base = raw, *p;
	char *r;

	if (!raw)
		return NULL;
	for (p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	r = line(c, base, MAX_NAME);
	if (r && (!*r || !strcmp(r, ".") || !strcmp(r, ".."))) {
		free(r);
		r = NULL;
	}
	return r;
}

static kc_mail_attachment *new_attachment(ctx *c)
{
	kc_mail *m = c->m;

	if (m->nattachments == c->allocated_att) {
		size_t n = c->allocated_att ? c->allocated_att * 2 : 4;
		kc_mail_attachment *grown = realloc(m->attachments, n * sizeof(*grown));

		if (!grown) {
			c->oom = 1;
			return NULL;
		}
		m->attachments = grown;
		c->allocated_att = n;
	}
	memset(&m->attachments[m->nattachments], 0, sizeof(m->attachments[0]));
	return &m->attachments[m->nattachments++];
}

/* Record data[0..len) as an attachment: hash and size always, the bytes when they fit. */
static void attach(ctx *c, const char *filename, const char *type, const unsigned char *data, size_t len,
		   unsigned fwd)
{
	kc_mail_attachment *a = new_attachment(c);
	unsigned char h[crypto_hash_sha256_BYTES];

	if (!a)
		return;
	a->filename = file_name(c, filename);
	a->content_type = line(c, type ? type : "application/octet-stream", 127);
	if (a->content_type)
		for (char *p = a->content_type; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	a->size = len;
	a->forwarded = fwd;
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(a->sha256, sizeof(a->sha256), h, sizeof(h));
	if (len > c->lim.max_attachment) {
		a->flags |= KC_MAIL_ATT_DROPPED;
		warn(c, _("attachment %s (%zu bytes) is over the limit of %zu bytes; not kept"),
		     a->filename ? a->filename : a->content_type ? a->content_type : "?", len, c->lim.max_attachment);
	} else if (len > c->lim.max_total - c->kept) {
		a->flags |= KC_MAIL_ATT_DROPPED;
		warn(c, _("attachment %s (%zu bytes) would pass the limit of %zu bytes for all attachments; not kept"),
		     a->filename ? a->filename : a->content_type ? a->content_type : "?", len, c->lim.max_total);
	} else {
		a->data = malloc(len ? len : 1);
		if (!a->data) {
			c->oom = 1;
			return;
		}
		if (len)
			memcpy(a->data, data, len);
		c->kept += len;
	}
}

static char *mime_type(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	return ct ? g_mime_content_type_get_mime_type(ct) : g_strdup("application/octet-stream");
}

static void part_attachment(ctx *c, GMimePart *part, unsigned fwd)
{
	GByteArray *bytes;
	GMimeStream *ms = content(c, part, &bytes);
	char *type = mime_type(GMIME_OBJECT(part));

	attach(c, g_mime_part_get_filename(part), type, ms ? bytes->data : (const unsigned char *)"",
	       ms ? bytes->len : 0, fwd);
	c->last_leaf_att = (long)c->m->nattachments - 1;
	g_free(type);
	if (ms)
		g_object_unref(ms);
}

/* ---- the walk ---- */

static void walk(ctx *c, GMimeObject *o, size_t depth, unsigned fwd, enum mode mode);

static int is_text_body(GMimeObject *o, int *html)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(o);

	if (!GMIME_IS_PART(o) || !ct || !g_mime_content_type_is_type(ct, "text", "*"))
		return 0;
	if (cd && g_mime_content_disposition_is_attachment(cd))
		return 0;
	if (g_mime_part_get_filename(GMIME_PART(o)))
		return 0;
	if (g_mime_content_type_is_type(ct, "text", "plain")) {
		*html = 0;
		return 1;
	}
	if (g_mime_content_type_is_type(ct, "text", "html")) {
		*html = 1;
		return 1;
	}
	return 0;
}

/* multipart/alternative: the text/plain part when it says anything, else the
 * HTML one, else the first multipart (an HTML part with its images). The
 * others give their files only. */
static void alternative(ctx *c, GMimeMultipart *mp, size_t depth, unsigned fwd, enum mode mode)
{
	int n = g_mime_multipart_get_count(mp), plain = -1, html = -1, multi = -1, chosen;

	for (int i = 0; i < n; i++) {
		GMimeObject *p = g_mime_multipart_get_part(mp, i);
		int is_html;

		if (is_text_body(p, &is_html)) {
			if (!is_html && plain < 0) {
				kc_buf t;

				kc_buf_init(&t, SIZE_MAX / 2);
				part_text(c, GMIME_PART(p), 0, &t);
				if (!blank(&t))
					plain = i;
				kc_buf_release(&t);
			} else if (is_html && html < 0) {
				html = i;
			}
		} else if (GMIME_IS_MULTIPART(p) && multi < 0) {
			multi = i;
		}
	}
	chosen = plain >= 0 ? plain : html >= 0 ? html : multi;
	for (int i = 0; i < n; i++) {
		GMimeObject *p = g_mime_multipart_get_part(mp, i);
		int is_html;

		if (i == chosen)
			walk(c, p, depth + 1, fwd, mode);
		else if (!is_text_body(p, &is_html))
			walk(c, p, depth + 1, fwd, FILES_ONLY);
	}
}

static void addr_line(ctx *c, const char *label, InternetAddressList *l)
{
	kc_mail_addr *v = NULL;
	size_t n = 0;

	addr_list(c, l, &v, &n, 0);
	if (!n)
		return;
	body_add(c, label, strlen(label));
	for (size_t i = 0; i < n; i++) {
		char one[MAX_ID + MAX_NAME + 8];
		int k = v[i].name ? snprintf(one, sizeof(one), "%s%s <%s>", i ? ", " : " ", v[i].name, v[i].addr)
				  : snprintf(one, sizeof(one), "%s%s", i ? ", " : " ", v[i].addr);

		body_add(c, one, strlen(one) < (size_t)k ? strlen(one) : (size_t)k);
		free(v[i].addr);
		free(v[i].name);
	}
	free(v);
	body_add(c, "\n", 1);
}

/* message/rfc822: kept whole as an attachment, its text appended under a marker. */
static void forwarded(ctx *c, GMimeMessagePart *mp, size_t depth, unsigned fwd, enum mode mode)
{
	GMimeMessage *inner = g_mime_message_part_get_message(mp);
	GMimeObject *body;
	GMimeStream *ms;
	GByteArray *bytes;
	unsigned index;

	if (!inner) {
		warn(c, "%s", _("a forwarded message (message/rfc822) is empty"));
		return;
	}
	index = (unsigned)++c->m->nforwarded;
	ms = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, ms);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	{
		GMimeContentDisposition *cd = g_mime_object_get_content_disposition(GMIME_OBJECT(mp));
		const char *name = cd ? g_mime_content_disposition_get_parameter(cd, "filename") : NULL;

		if (!name)
			name = g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp), "name");
		attach(c, name, "message/rfc822", bytes->data, bytes->len, fwd);
	}
	g_object_unref(ms);
	c->last_leaf_att = -1;
	if (mode == TEXT_AND_FILES) {
		const char *subject = g_mime_message_get_subject(inner);
		GDateTime *date = g_mime_message_get_date(inner);
		char head[400];

		body_break(c);
		snprintf(head, sizeof(head), "---------- %s ----------\n", _("Forwarded message"));
		body_add(c, head, strlen(head));
		addr_line(c, _("From:"), g_mime_message_get_from(inner));
		if (date) {
			GDateTime *utc = g_date_time_to_utc(date);
			char *s = utc ? g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;

			if (s) {
				snprintf(head, sizeof(head), "%s %s\n", _("Date:"), s);
				body_add(c, head, strlen(head));
			}
			g_free(s);
			if (utc)
				g_date_time_unref(utc);
		}
		if (subject) {
			char *s = line(c, subject, 300);

			if (s) {
				snprintf(head, sizeof(head), "%s %s\n", _("Subject:"), s);
				body_add(c, head, strlen(head));
				free(s);
			}
		}
		addr_line(c, _("To:"), g_mime_message_get_to(inner));
		body_add(c, "\n", 1);
	}
	body = g_mime_message_get_mime_part(inner);
	if (body)
		walk(c, body, depth + 1, index, mode);
}

/* The first line "--token" of text: a boundary that was used but not declared. */
static int boundary_in(const char *text, char *out, size_t cap)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t n;

		if (p[0] != '-' || p[1] != '-')
			continue;
		n = strcspn(p + 2, " \t\r\n\"\\");
		if (n == 0 || n > 70 || n + 1 > cap || !strchr("\r\n", p[2 + n]))
			continue;
		memcpy(out, p + 2, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

/*
 * A multipart in which GMime found no part: its boundary parameter does not
 * match the delimiters in it (or there are none). Read it again with the first
 * "--token" line found in its text as the boundary; failing that, its text is
 * the text.
 */
static void recover(ctx *c, GMimeMultipart *mp, size_t depth, unsigned fwd, enum mode mode)
{
	const char *pro = g_mime_multipart_get_prologue(mp);
	char boundary[80];

	if (!pro || !*pro)
		return;
	if (c->recovered < 3 && boundary_in(pro, boundary, sizeof(boundary))) {
		gchar *again = g_strdup_printf("Content-Type: multipart/mixed; boundary=\"%s\"\n\n%s", boundary, pro);
		GMimeStream *st = g_mime_stream_mem_new_with_buffer(again, strlen(again));
		GMimeParser *parser = g_mime_parser_new_with_stream(st);
		GMimeObject *part = g_mime_parser_construct_part(parser, c->po);

		c->recovered++;
		if (part && GMIME_IS_MULTIPART(part) && g_mime_multipart_get_count(GMIME_MULTIPART(part)) > 0) {
			warn(c, _("the parts of a multipart are not marked with its boundary; read with the boundary %.70s found in it"),
			     boundary);
			walk(c, part, depth + 1, fwd, mode);
			g_object_unref(part);
			g_object_unref(parser);
			g_object_unref(st);
			g_free(again);
			return;
		}
		if (part)
			g_object_unref(part);
		g_object_unref(parser);
		g_object_unref(st);
		g_free(again);
	}
	if (mode == TEXT_AND_FILES) {
		kc_buf t;
		int fallback = 0;

		warn(c, "%s", _("a multipart has no parts; its text is kept as it is"));
		kc_buf_init(&t, SIZE_MAX / 2);
		if (kc_charset_to_utf8(NULL, pro, strlen(pro), &t, &fallback) == KC_ENOMEM)
			c->oom = 1;
		if (fallback)
			c->m->flags |= KC_MAIL_CHARSET_FALLBACK;
		if (!blank(&t)) {
			body_break(c);
			body_add(c, t.ptr, t.len);
		}
		kc_buf_release(&t);
	}
}

static void walk(ctx *c, GMimeObject *o, size_t depth, unsigned fwd, enum mode mode)
{
	int html;

	if (c->oom || !o)
		return;
	if (++c->parts > c->lim.max_parts) {
		if (!c->warned_parts++)
			warn(c, _("more than %zu MIME parts; the rest were not read"), c->lim.max_parts);
		return;
	}
	if (depth > c->lim.max_depth) {
		if (!c->warned_depth++)
			warn(c, _("MIME parts nested deeper than %zu; the deepest were not read"), c->lim.max_depth);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(o)) {
		forwarded(c, GMIME_MESSAGE_PART(o), depth, fwd, mode);
	} else if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		GMimeContentType *ct = g_mime_object_get_content_type(o);

		if (GMIME_IS_MULTIPART_ENCRYPTED(o))
			warn(c, "%s", _("the message is encrypted; its content is kept as attachments, not read"));
		if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative")) {
			alternative(c, mp, depth, fwd, mode);
			return;
		}
		if (g_mime_multipart_get_count(mp) == 0)
			recover(c, mp, depth, fwd, mode);
		for (int i = 0, n = g_mime_multipart_get_count(mp); i < n && !c->oom; i++)
			walk(c, g_mime_multipart_get_part(mp, i), depth + 1, fwd, mode);
	} else if (GMIME_IS_PART(o)) {
		if (is_text_body(o, &html)) {
			if (mode == TEXT_AND_FILES) {
				append_text(c, GMIME_PART(o), html);
				c->last_leaf_att = -1;
			}
		} else {
			part_attachment(c, GMIME_PART(o), fwd);
		}
	}
}

/* ---- classification ---- */

/* The value of a header without surrounding white space and comments, lower case. */
static void header_word(GMimeObject *o, const char *name, char *out, size_t cap)
{
	const char *v = header(o, name);
	size_t n = 0;

	out[0] = '\0';
	if (!v)
		return;
	while (*v && isspace((unsigned char)*v))
		v++;
	while (*v && *v != ';' && *v != '(' && !isspace((unsigned char)*v) && n + 1 < cap)
		out[n++] = (char)tolower((unsigned char)*v++);
	out[n] = '\0';
}

static int starts_with_any(const char *folded, const char *const *list, size_t n)
{
	while (*folded == ' ')
		folded++;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(folded, list[i], strlen(list[i])))
			return 1;
	return 0;
}

static void set_kind(ctx *c, kc_mail_kind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_kind(ctx *c, kc_mail_kind kind, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->m->kind = kind;
	c->m->kind_reason = line(c, why, 200);
}

/*
 * Automatic replies and bounces, which must never be answered (RFC 3834). The
 * order matters: a delivery report or mail from MAILER-DAEMON is a bounce even
 * when it also says Auto-Submitted; a null Return-Path alone (RFC 3834 asks
 * auto-responders to use one too) counts as a bounce only when nothing said
 * auto-reply.
 */
static void classify(ctx *c, GMimeMessage *msg)
{
	/* Subjects in casefolded form (g_utf8_casefold), matched at the start. */
	static const char *const vacation[] = {
		"automatisk svar", "autosvar", "auto-svar", "fraværsmelding", "fråværsmelding", "fravær:",
		"out of office", "out of the office", "out-of-office", "automatic reply", "auto reply",
		"auto-reply", "autoreply", "auto:", "abwesenheitsnotiz", "automatiskt svar", "frånvaro",
		"vacation reply", "ikke til stede",
	};
	static const char *const undelivered[] = {
		"undelivered mail returned to sender", "undeliverable:", "undeliverable mail",
		"delivery status notification (failure)", "delivery status notification (delay)",
		"mail delivery failed", "returned mail:", "failure notice", "kan ikke leveres", "ikke levert:",
		"levering mislyktes", "delivery failure",
	};
	static const char *const responders[] = { "X-Autoreply", "X-Autorespond", "X-Autoresponder" };
	GMimeObject *o = GMIME_OBJECT(msg), *top = g_mime_message_get_mime_part(msg);
	GMimeContentType *ct = top ? g_mime_object_get_content_type(top) : NULL;
	const char *rt = ct && g_mime_content_type_is_type(ct, "multipart", "report")
				 ? g_mime_content_type_get_parameter(ct, "report-type")
				 : NULL;
	const char *from = c->m->from.addr, *at = from ? strrchr(from, '@') : NULL, *v;
	char word[64], local[64];
	gchar *folded;
	int vacation_subject, undelivered_subject;

	if (rt && !strcasecmp(rt, "delivery-status")) {
		set_kind(c, KC_MAIL_BOUNCE, "Content-Type: multipart/report; report-type=%s", rt);
		return;
	}
	snprintf(local, sizeof(local), "%.*s", at ? (int)(at - from) : from ? (int)strlen(from) : 0, from ? from : "");
	if (!strcasecmp(local, "mailer-daemon") || !strcasecmp(local, "postmaster")) {
		set_kind(c, KC_MAIL_BOUNCE, "From: %s", from);
		return;
	}
	if (rt && !strcasecmp(rt, "disposition-notification")) {
		set_kind(c, KC_MAIL_AUTO_REPLY, "Content-Type: multipart/report; report-type=%s", rt);
		return;
	}
	header_word(o, "Auto-Submitted", word, sizeof(word));
	if (*word && strcmp(word, "no")) {
		set_kind(c, KC_MAIL_AUTO_REPLY, "Auto-Submitted: %s", word);
		return;
	}
	for (size_t i = 0; i < KC_ARRAY_LEN(responders); i++) {
		if (header(o, responders[i])) {
			header_word(o, responders[i], word, sizeof(word));
			set_kind(c, KC_MAIL_AUTO_REPLY, "%s: %s", responders[i], word);
			return;
		}
	}
	header_word(o, "Precedence", word, sizeof(word));
	if (!strcmp(word, "bulk") || !strcmp(word, "junk") || !strcmp(word, "auto_reply") || !strcmp(word, "list")) {
		set_kind(c, KC_MAIL_AUTO_REPLY, "Precedence: %s", word);
		return;
	}
	header_word(o, "X-Auto-Response-Suppress", word, sizeof(word));
	if (*word) {
		set_kind(c, KC_MAIL_AUTO_REPLY, "X-Auto-Response-Suppress: %s", word);
		return;
	}
	folded = g_utf8_casefold(c->m->subject, -1);
	vacation_subject = folded && starts_with_any(folded, vacation, KC_ARRAY_LEN(vacation));
	undelivered_subject = folded && starts_with_any(folded, undelivered, KC_ARRAY_LEN(undelivered));
	g_free(folded);
	if (vacation_subject || undelivered_subject) {
		set_kind(c, vacation_subject ? KC_MAIL_AUTO_REPLY : KC_MAIL_BOUNCE, "Subject: %.150s", c->m->subject);
		return;
	}
	v = header(o, "Return-Path");
	if (v) {
		while (isspace((unsigned char)*v))
			v++;
		if (!strncmp(v, "<>", 2) || !*v)
			set_kind(c, KC_MAIL_BOUNCE, "Return-Path: <>");
	}
}

/* ---- the message ---- */

/* A stable id for a message without Message-ID: SHA-256 of its bytes, leaving
 * out the trace headers each delivery adds on top (Received, Return-Path, ...),
 * so the same message delivered twice gets the same id. */
static char *synth_id(const char *raw, size_t len)
{
	static const char *const trace[] = { "received:", "return-path:", "delivered-to:", "x-original-to:",
					     "x-envelope-from:", "x-envelope-to:", "x-delivered-to:",
					     "authentication-results:", "received-spf:", "arc-seal:",
					     "arc-message-signature:", "arc-authentication-results:", "x-spam-",
					     "x-virus-", "from " };
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hex = malloc(crypto_hash_sha256_BYTES * 2 + 1);
	size_t i = 0;
	int skipping = 0;

	if (!hex)
		return NULL;
	while (i < len) {
		const char *nl = memchr(raw + i, '\n', len - i);
		size_t next = nl ? (size_t)(nl - raw) + 1 : len;
		int drop = 0;

		if ((raw[i] == ' ' || raw[i] == '\t') && i > 0)
			drop = skipping; /* a folded line belongs to the header above */
		else
			for (size_t k = 0; k < KC_ARRAY_LEN(trace) && !drop; k++)
				drop = len - i >= strlen(trace[k]) && !strncasecmp(raw + i, trace[k], strlen(trace[k]));
		if (!drop)
			break;
		skipping = 1;
		i = next;
	}
	crypto_hash_sha256(h, (const unsigned char *)raw + i, len - i);
	sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, h, sizeof(h));
	return hex;
}

/* GMime writes '?' for the text of an encoded word in a charset it does not
 * know; such a subject is decoded here instead, with windows-1252 for it. */
static void own_subject(ctx *c, GMimeMessage *msg)
{
	GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(GMIME_OBJECT(msg)), "Subject");
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	int fallback = 0;
	kc_buf b;

	if (!raw || !strstr(raw, "=?") || !c->m->subject)
		return;
	kc_buf_init(&b, strlen(raw) * 4 + 16);
	if (!kc_rfc2047_decode(raw, &b, &fallback) && fallback && b.ptr) {
		kc_buf_truncate(&b, kc_utf8_cut(b.ptr, b.len, 998));
		free(c->m->subject);
		c->m->subject = kc_buf_detach(&b, NULL);
		if (!c->m->subject)
			c->oom = 1;
		c->m->flags |= KC_MAIL_CHARSET_FALLBACK;
		warn(c, "%s", _("the subject names a charset this program does not know; read as windows-1252"));
	}
	kc_buf_release(&b);
}

static void headers(ctx *c, GMimeMessage *msg, const char *raw, size_t len)
{
	kc_mail *m = c->m;
	const char *id = g_mime_message_get_message_id(msg), *subject = g_mime_message_get_subject(msg);
	char **irt = NULL;
	size_t nirt = 0;
	GDateTime *date;

	m->message_id = id && *id ? line(c, id, MAX_ID) : NULL;
	if (m->message_id && !*m->message_id) {
		free(m->message_id);
		m->message_id = NULL;
	}
	if (!m->message_id) {
		m->message_id = synth_id(raw, len);
		m->flags |= KC_MAIL_SYNTH_ID;
		if (!m->message_id)
			c->oom = 1;
	}
	refs(c, header(GMIME_OBJECT(msg), "In-Reply-To"), &irt, &nirt, 1);
	if (nirt)
		m->in_reply_to = irt[0];
	free(irt);
	refs(c, header(GMIME_OBJECT(msg), "References"), &m->references, &m->nreferences, MAX_REFS);
	first_addr(c, g_mime_message_get_from(msg), &m->from);
	first_addr(c, g_mime_message_get_reply_to(msg), &m->reply_to);
	addr_list(c, g_mime_message_get_to(msg), &m->to, &m->nto, 0);
	addr_list(c, g_mime_message_get_cc(msg), &m->cc, &m->ncc, 0);
	m->subject = line(c, subject ? subject : "", 998);
	own_subject(c, msg);
	date = g_mime_message_get_date(msg);
	if (date) {
		GDateTime *utc = g_date_time_to_utc(date);
		int year = utc ? g_date_time_get_year(utc) : 0;

		if (utc && year >= 1980 && year <= 9999) {
			gchar *s = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");

			m->date = line(c, s, 40);
			g_free(s);
		} else {
			warn(c, "%s", _("the Date header gives a year before 1980 or after 9999"));
		}
		if (utc)
			g_date_time_unref(utc);
	} else if (header(GMIME_OBJECT(msg), "Date")) {
		warn(c, "%s", _("the Date header cannot be read"));
	}
	if (!m->from.addr)
		warn(c, "%s", _("the message has no sender address (From)"));
}

/* An mbox "From " line before the headers (as some MTA pipes deliver): not a header. */
static size_t envelope_line(const char *raw, size_t len)
{
	const char *nl;

	if (len < 5 || memcmp(raw, "From ", 5))
		return 0;
	nl = memchr(raw, '\n', len);
	return nl ? (size_t)(nl - raw) + 1 : len;
}

void kc_mail_free(kc_mail *m)
{
	if (!m)
		return;
	free(m->message_id);
	free(m->in_reply_to);
	for (size_t i = 0; i < m->nreferences; i++)
		free(m->references[i]);
	free(m->references);
	free(m->from.addr);
	free(m->from.name);
	free(m->reply_to.addr);
	free(m->reply_to.name);
	for (size_t i = 0; i < m->nto; i++) {
		free(m->to[i].addr);
		free(m->to[i].name);
	}
	free(m->to);
	for (size_t i = 0; i < m->ncc; i++) {
		free(m->cc[i].addr);
		free(m->cc[i].name);
	}
	free(m->cc);
	free(m->subject);
	free(m->date);
	free(m->body);
	for (size_t i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
		free(m->attachments[i].data);
	}
	free(m->attachments);
	free(m->kind_reason);
	for (size_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free(m);
}

static size_t or_default(size_t v, size_t def)
{
	return v ? v : def;
}

int kc_mail_parse(const char *raw, size_t len, const kc_mail_limits *lim, kc_mail **out, kc_err *err)
{
	static const char *fallback[] = { "utf-8", "windows-1252", NULL };
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	GMimeHeaderList *hl;
	size_t skip;
	ctx c;
	int rc = KC_OK;

	*out = NULL;
	if (!raw && len)
		return kc_err_set(err, KC_EINVAL, "%s", _("no message"));
	kc_mail_init();
	memset(&c, 0, sizeof(c));
	c.lim.max_attachment = or_default(lim ? lim->max_attachment : 0, KC_MAIL_MAX_ATTACHMENT);
	c.lim.max_total = or_default(lim ? lim->max_total : 0, KC_MAIL_MAX_TOTAL);
	c.lim.max_body = or_default(lim ? lim->max_body : 0, KC_MAIL_MAX_BODY);
	c.lim.max_parts = or_default(lim ? lim->max_parts : 0, KC_MAIL_MAX_PARTS);
	c.lim.max_depth = or_default(lim ? lim->max_depth : 0, KC_MAIL_MAX_DEPTH);
	c.last_leaf_att = -1;
	c.m = calloc(1, sizeof(*c.m));
	if (!c.m)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	kc_buf_init(&c.body, c.lim.max_body);
	c.po = g_mime_parser_options_new();
	g_mime_parser_options_set_address_compliance_mode(c.po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(c.po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(c.po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(c.po, FALSE);
	g_mime_parser_options_set_fallback_charsets(c.po, fallback);
	g_mime_parser_options_set_warning_callback(c.po, on_gmime_warning, &c);

	skip = raw ? envelope_line(raw, len) : 0;
	stream = g_mime_stream_mem_new_with_buffer(raw ? raw + skip : "", len - skip);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, c.po);
	hl = msg ? g_mime_object_get_header_list(GMIME_OBJECT(msg)) : NULL;
	if (!msg || (g_mime_header_list_get_count(hl) == 0 && !g_mime_message_get_mime_part(msg))) {
		rc = kc_err_set(err, KC_EPARSE, "%s",
				_("not an e-mail message: no header lines at the start of the input"));
		goto out;
	}
	if (g_mime_header_list_get_count(hl) == 0)
		warn(&c, "%s", _("the message has no header lines"));
	headers(&c, msg, raw ? raw + skip : "", len - skip);
	walk(&c, g_mime_message_get_mime_part(msg), 0, 0, TEXT_AND_FILES);
	if (c.truncated && c.last_leaf_att >= 0)
		c.m->attachments[c.last_leaf_att].flags |= KC_MAIL_ATT_TRUNCATED;
	if (!c.oom)
		classify(&c, msg);
	if (c.oom) {
		rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		goto out;
	}
	c.m->body = kc_buf_detach(&c.body, &c.m->body_len);
	if (!c.m->body) {
		rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		goto out;
	}
	*out = c.m;
	c.m = NULL;
out:
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	g_mime_parser_options_free(c.po);
	kc_buf_release(&c.body);
	kc_mail_free(c.m);
	return rc;
}
