/*
 * buf.c - growable buffer with a mandatory maximum size.
 */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define MIN_ALLOC 32

void kc_buf_init(kc_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void kc_buf_release(kc_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->alloc = 0;
}

void kc_buf_clear(kc_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static int grow(kc_buf *b, size_t extra)
{
	size_t need, a;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return KC_ETOOBIG;
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return KC_OK;
	a = b->alloc ? b->alloc : MIN_ALLOC;
	while (a < need)
		a = a > SIZE_MAX / 2 ? need : a * 2;
	if (a > b->max + 1)
		a = b->max + 1;
	p = realloc(b->ptr, a);
	if (!p)
		return KC_ENOMEM;
	b->ptr = p;
	b->alloc = a;
	return KC_OK;
}

int kc_buf_add(kc_buf *b, const void *data, size_t len)
{
	int rc = grow(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return KC_OK;
}

int kc_buf_adds(kc_buf *b, const char *s)
{
	return kc_buf_add(b, s, strlen(s));
}

int kc_buf_addc(kc_buf *b, char c)
{
	return kc_buf_add(b, &c, 1);
}

int kc_buf_vaddf(kc_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return KC_EINVAL;
	rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return KC_OK;
}

int kc_buf_addf(kc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = kc_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void kc_buf_truncate(kc_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

char *kc_buf_detach(kc_buf *b, size_t *len)
{
	char *p = b->ptr;

	if (!p) {
		p = calloc(1, 1);
		if (!p)
			return NULL;
	}
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->alloc = 0;
	return p;
}

void kc_buf_html(kc_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': kc_buf_adds(b, "&lt;"); break;
		case '>': kc_buf_adds(b, "&gt;"); break;
		case '&': kc_buf_adds(b, "&amp;"); break;
		case '"': kc_buf_adds(b, "&quot;"); break;
		case '\'': kc_buf_adds(b, "&#39;"); break;
		default: kc_buf_addc(b, *s);
		}
	}
}

int kc_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned char c = *p;
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;

		if (!len || (size_t)(end - p) < len || (len == 2 && c < 0xC2) || (len == 4 && c > 0xF4))
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((p[k] & 0xC0) != 0x80)
				return 0;
		if (len == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))) /* overlong, surrogates */
			return 0;
		if (len == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
			return 0;
		p += len;
	}
	return 1;
}
