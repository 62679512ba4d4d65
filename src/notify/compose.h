/*
 * compose.h - build one outgoing RFC 5322 message with GMime: UTF-8 text in
 * quoted-printable, the subject as RFC 2047 encoded words, an optional
 * attachment in base64, CRLF line ends (as SMTP wants them).
 */
#ifndef KC_COMPOSE_H
#define KC_COMPOSE_H

#include <stddef.h>

#include "base/err.h"

typedef struct kc_compose {
	const char *from_name, *from;	/* "KommuneCERT", "kommunecert@example.no" */
	const char *to_name, *to;
	const char *subject;
	const char *message_id;		/* without <> */
	const char *in_reply_to;	/* or NULL */
	const char *text;		/* the body, UTF-8 */
	/* Optional attachment. */
	const char *att_name, *att_type, *att_subtype;
	const char *att_data;
	size_t att_len;
	/* Extra headers, name/value pairs, NULL-terminated (may be NULL). */
	const char *const *headers;
} kc_compose;

/* *out is malloc'd, NUL-terminated. */
int kc_compose_message(const kc_compose *c, char **out, kc_err *err);

/* A new Message-ID (without <>): "<tag>.<random>@<domain of from>". */
void kc_compose_message_id(const char *tag, const char *from, char *out, size_t cap);

#endif
