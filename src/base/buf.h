/*
 * buf.h - the one growable byte buffer, and a non-owning slice.
 *
 * A kc_buf always has a maximum size, set at init: appending past it fails with
 * KC_ETOOBIG instead of growing without bound on hostile input (after curl's
 * dynbuf). The contents are always NUL-terminated, so b->ptr can be used as a C
 * string when the data is text. Lifecycle: kc_buf_init / kc_buf_release; reuse
 * with kc_buf_clear; take ownership of the bytes with kc_buf_detach.
 */
#ifndef KC_BUF_H
#define KC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kc_buf {
	char *ptr;     /* NUL-terminated contents, or NULL before the first append */
	size_t len;    /* bytes used, not counting the terminating NUL */
	size_t alloc;  /* bytes allocated */
	size_t max;    /* largest len allowed */
} kc_buf;

/* A non-owning view of bytes; not NUL-terminated in general. */
typedef struct kc_slice {
	const char *ptr;
	size_t len;
} kc_slice;

#define KC_SLICE(s) ((kc_slice){ (s), sizeof(s) - 1 })

void kc_buf_init(kc_buf *b, size_t max);
void kc_buf_release(kc_buf *b);
void kc_buf_clear(kc_buf *b);

/* Append; each returns 0, KC_ETOOBIG past the maximum, or KC_ENOMEM. */
int kc_buf_add(kc_buf *b, const void *data, size_t len);
int kc_buf_adds(kc_buf *b, const char *s);
int kc_buf_addc(kc_buf *b, char c);
int kc_buf_addf(kc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kc_buf_vaddf(kc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Shorten to len bytes (len <= b->len). */
void kc_buf_truncate(kc_buf *b, size_t len);

/* Append s (NULL: nothing) escaped for HTML and XML text and attribute values:
 * < > & " and ' become entities. */
void kc_buf_html(kc_buf *b, const char *s);

/* 1 when s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing past U+10FFFF), else 0. */
int kc_utf8_valid(const char *s, size_t n);

/* Hand the malloc'd, NUL-terminated contents to the caller and reset b. Never NULL
 * unless out of memory. */
char *kc_buf_detach(kc_buf *b, size_t *len);

/* Contents as a C string: "" when empty. */
static inline const char *kc_buf_str(const kc_buf *b)
{
	return b->ptr ? b->ptr : "";
}

static inline kc_slice kc_slice_of(const char *s, size_t len)
{
	kc_slice sl = { s, len };
	return sl;
}

#endif
