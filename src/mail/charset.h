/*
 * charset.h - text of incoming mail as clean UTF-8, whatever it claims to be.
 *
 * Mail declares its charset and often lies: ISO-8859-1 that is really
 * windows-1252, "utf-8" with Latin-1 bytes, made-up names such as "x-unknown".
 * Conversion here never fails on bad input: what cannot be read in the declared
 * charset is read as windows-1252 (as browsers read "iso-8859-1", WHATWG
 * Encoding), and the caller is told so. The result is then cleaned: valid UTF-8,
 * LF line ends, no control characters but tab and LF, no bidirectional
 * overrides (a file name "faktura<U+202E>fdp.exe" must not pass for a PDF).
 */
#ifndef KC_MAIL_CHARSET_H
#define KC_MAIL_CHARSET_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/*
 * Append in[0..len), in charset (NULL or "" when undeclared), to out as clean
 * UTF-8 (see kc_utf8_clean, multi-line). *fallback is set to 1 when the text was
 * read as windows-1252 because the charset is unknown or the bytes are invalid
 * in it (an undeclared charset with valid UTF-8 bytes is not a fallback).
 * Returns 0, KC_ETOOBIG when out is full, or KC_ENOMEM.
 */
int kc_charset_to_utf8(const char *charset, const char *in, size_t len, kc_buf *out, int *fallback);

/*
 * Append s[0..len) to out as clean UTF-8: invalid sequences become U+FFFD, CR LF
 * and lone CR become LF, NUL and the other control characters but tab and LF are
 * dropped, and so are bidirectional embedding, override and isolate marks; C1
 * controls (U+0080-U+009F) become the windows-1252 characters they stand for in
 * mail (U+0096 is U+2013 EN DASH). With
 * oneline, tab and LF become spaces, runs of white space collapse to one and
 * leading and trailing white space is dropped. Returns 0, KC_ETOOBIG or KC_ENOMEM.
 */
int kc_utf8_clean(const char *s, size_t len, int oneline, kc_buf *out);

/*
 * Decode the RFC 2047 encoded words of a header value (=?cs?Q?...?= and
 * =?cs?B?...?=, an RFC 2231 language suffix allowed) into out as one clean
 * line; white space between adjacent encoded words is dropped, and the bytes of
 * adjacent words in one charset are converted together (a character may be
 * split between them). Unknown charsets are read as windows-1252 (*fallback).
 * GMime does this too; this is for the headers it gives up on.
 */
int kc_rfc2047_decode(const char *value, kc_buf *out, int *fallback);

/* A malloc'd clean one-line copy of s[0..len) of at most max bytes (cut on a
 * character boundary); NULL only when out of memory. */
char *kc_utf8_line(const char *s, size_t len, size_t max);

/* Code point cp (U+FFFD when not a scalar value) as UTF-8 into out; returns the
 * number of bytes written (1-4). */
size_t kc_utf8_encode(uint32_t cp, char out[4]);

/* The length of the valid UTF-8 prefix of s[0..len) that ends on a character
 * boundary and is at most max bytes. */
size_t kc_utf8_cut(const char *s, size_t len, size_t max);

/* The code point of byte c in windows-1252 (the five unassigned bytes give U+FFFD). */
uint32_t kc_cp1252(unsigned char c);

#endif
