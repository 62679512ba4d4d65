/*
 * fuzz_mime.c - libFuzzer harness for incoming mail (src/mail/): the parser
 * with small limits, the subject tags, the HTML reducer and the RFC 2047
 * decoder on the raw bytes, and the observables of the body. Invariants: a
 * message comes back or KC_EPARSE with a message, never both; every text is
 * clean UTF-8; kept attachments hash to their sha256 and fit the limits;
 * dropped ones have no bytes; a found case id is positive.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/buf.h"
#include "mail/charset.h"
#include "mail/html.h"
#include "mail/mime.h"
#include "mail/observable.h"
#include "mail/tag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 with no control character but tab and (when lines) LF. */
static void clean(const char *s, size_t len, int lines)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

		if (c < 0x80) {
			if (c == 0 || c == 0x7F || (c < 0x20 && c != '\t' && !(lines && c == '\n')))
				abort();
		} else if (c < 0xC2 || c > 0xF4 || i + n > len) {
			abort();
		}
		for (size_t k = 1; k < n; k++)
			if (((unsigned char)s[i + k] & 0xC0) != 0x80)
				abort();
		i += n;
	}
}

static void check_mail(const kc_mail *m, const kc_mail_limits *lim)
{
	size_t kept = 0;

	if (!m->message_id || !*m->message_id || !m->subject || !m->body || strlen(m->body) != m->body_len)
		abort();
	if (m->body_len > lim->max_body)
		abort();
	clean(m->body, m->body_len, 1);
	clean(m->subject, strlen(m->subject), 0);
	clean(m->message_id, strlen(m->message_id), 0);
	if (m->from.addr)
		clean(m->from.addr, strlen(m->from.addr), 0);
	if (m->from.name)
		clean(m->from.name, strlen(m->from.name), 0);
	for (size_t i = 0; i < m->nto; i++)
		if (!m->to[i].addr)
			abort();
	for (size_t i = 0; i < m->nwarnings; i++)
		clean(m->warnings[i], strlen(m->warnings[i]), 0);
	if ((m->kind == KC_MAIL_NORMAL) != (m->kind_reason == NULL))
		abort();
	for (size_t i = 0; i < m->nattachments; i++) {
		const kc_mail_attachment *a = &m->attachments[i];

		if (!a->content_type || strlen(a->sha256) != 64)
			abort();
		if (a->filename) {
			clean(a->filename, strlen(a->filename), 0);
			if (strchr(a->filename, '/') || strchr(a->filename, '\\') || !strcmp(a->filename, "..") ||
			    !*a->filename)
				abort();
		}
		if (a->flags & KC_MAIL_ATT_DROPPED) {
			if (a->data)
				abort();
		} else {
			unsigned char h[crypto_hash_sha256_BYTES];
			char hex[65];

			if (!a->data || a->size > lim->max_attachment)
				abort();
			crypto_hash_sha256(h, a->data, a->size);
			sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
			if (strcmp(hex, a->sha256))
				abort();
			kept += a->size;
		}
		if (a->forwarded > m->nforwarded)
			abort();
	}
	if (kept > lim->max_total)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_mail_limits lim = { .max_attachment = 4096, .max_total = 6000, .max_body = 16384, .max_parts = 64,
			       .max_depth = 8 };
	const char *raw = (const char *)data;
	kc_observable *obs;
	kc_mail *m = NULL;
	size_t n;
	int64_t id;
	char tag[80];
	kc_err err;
	kc_buf b;
	int rc, fb;

	if (size > 256 * 1024)
		return 0;
	rc = kc_mail_parse(raw, size, &lim, &m, &err);
	if (rc) {
		if (m || (rc != KC_EPARSE && rc != KC_ENOMEM) || !err.msg[0])
			abort();
	} else {
		if (!m)
			abort();
		check_mail(m, &lim);
		if (kc_mail_subject_tag(m->subject, "KommuneCERT", &id) && id <= 0)
			abort();
		if (kc_mail_subject_foreign_tag(m->subject, "KommuneCERT", tag, sizeof(tag)) &&
		    (!tag[0] || strlen(tag) > 64))
			abort();
		if (kc_observables_extract(m->body, m->body_len, 0, &obs, &n, NULL))
			abort();
		kc_observables_free(obs, n);
		kc_mail_free(m);
	}

	/* The parts that see text alone, on the raw bytes. */
	kc_buf_init(&b, 64 * 1024);
	rc = kc_html_to_text(raw, size, &b);
	if (rc && rc != KC_ETOOBIG)
		abort();
	kc_buf_release(&b);
	{
		char *line = malloc(size + 1);

		if (!line)
			return 0;
		memcpy(line, raw, size);
		line[size] = '\0';
		kc_buf_init(&b, size * 8 + 64);
		if (kc_rfc2047_decode(line, &b, &fb))
			abort();
		clean(kc_buf_str(&b), b.len, 0);
		kc_buf_release(&b);
		free(line);
	}
	return 0;
}
