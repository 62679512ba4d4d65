/*
 * compose.c - outgoing messages with GMime; see compose.h.
 */
#include "notify/compose.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "base/kc.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_init(void)
{
	g_mime_init();
}

void kc_compose_message_id(const char *tag, const char *from, char *out, size_t cap)
{
	unsigned char r[12];
	char hex[25];
	const char *at = from ? strrchr(from, '@') : NULL;

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	snprintf(out, cap, "%s.%s@%s", tag, hex, at && at[1] ? at + 1 : "kcert.invalid");
}

/* A leaf part holding len bytes of data as they are (GMime encodes them). */
static GMimePart *leaf(const char *type, const char *subtype, const char *data, size_t len,
		       GMimeContentEncoding enc)
{
	GMimePart *p = g_mime_part_new_with_type(type, subtype);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(p, w);
	g_object_unref(w);
	g_object_unref(s);
	if (!strcmp(type, "text"))
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(p), "charset", "utf-8");
	g_mime_part_set_content_encoding(p, enc);
	return p;
}

static GMimeObject *text_part(const char *text)
{
	return GMIME_OBJECT(leaf("text", "plain", text, strlen(text), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE));
}

static GMimeObject *attachment(const kc_compose *c)
{
	GMimePart *p = leaf(c->att_type, c->att_subtype, c->att_data, c->att_len, GMIME_CONTENT_ENCODING_BASE64);

	g_mime_part_set_filename(p, c->att_name);
	return GMIME_OBJECT(p);
}

int kc_compose_message(const kc_compose *c, char **out, kc_err *err)
{
	GMimeFormatOptions *fo;
	GMimeMessage *m;
	GDateTime *now;
	char *s;

	*out = NULL;
	pthread_once(&gmime_once, gmime_init);
	m = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, c->from_name, c->from);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, c->to_name, c->to);
	g_mime_message_set_subject(m, c->subject, "utf-8");
	g_mime_message_set_message_id(m, c->message_id);
	now = g_date_time_new_from_unix_utc((gint64)kc_now());
	g_mime_message_set_date(m, now);
	g_date_time_unref(now);
	if (c->in_reply_to) {
		char ref[300];

		snprintf(ref, sizeof(ref), "<%s>", c->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(m), "In-Reply-To", ref, NULL);
		g_mime_object_set_header(GMIME_OBJECT(m), "References", ref, NULL);
	}
	for (size_t i = 0; c->headers && c->headers[i] && c->headers[i + 1]; i += 2)
		g_mime_object_set_header(GMIME_OBJECT(m), c->headers[i], c->headers[i + 1], "utf-8");
	if (c->att_data) {
		GMimeMultipart *mp = g_mime_multipart_new_with_subtype("mixed");
		GMimeObject *t = text_part(c->text), *a = attachment(c);

		g_mime_multipart_add(mp, t);
		g_mime_multipart_add(mp, a);
		g_object_unref(t);
		g_object_unref(a);
		g_mime_message_set_mime_part(m, GMIME_OBJECT(mp));
		g_object_unref(mp);
	} else {
		GMimeObject *t = text_part(c->text);

		g_mime_message_set_mime_part(m, t);
		g_object_unref(t);
	}
	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	s = g_mime_object_to_string(GMIME_OBJECT(m), fo);
	g_mime_format_options_free(fo);
	g_object_unref(m);
	if (!s)
		return kc_err_set(err, KC_ENOMEM, _("cannot compose the message"));
	*out = strdup(s);
	g_free(s);
	return *out ? KC_OK : kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
}
