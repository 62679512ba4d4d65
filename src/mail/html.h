/*
 * html.h - HTML mail reduced to safe plain text.
 *
 * Not a browser: a single pass over the bytes that drops every tag, the
 * contents of script, style, title and template elements, comments and
 * processing instructions; decodes character references (named ones that mail
 * uses, such as &aelig; &oslash; &aring; &nbsp;, and numeric ones); turns block
 * elements into line breaks and list items into "- " lines; collapses white
 * space outside <pre>; and keeps where a link goes as "text <url>" (http,
 * https, ftp and mailto targets only, and only when the text does not already
 * say it). Unclosed and misnested markup is read as far as it goes.
 */
#ifndef KC_MAIL_HTML_H
#define KC_MAIL_HTML_H

#include <stddef.h>

#include "base/buf.h"

/* Append the text of html[0..len) (UTF-8) to out. Returns 0, KC_ETOOBIG when out
 * is full (what fitted is kept), or KC_ENOMEM. The text is not yet cleaned of
 * control characters: pass it through kc_utf8_clean. */
int kc_html_to_text(const char *html, size_t len, kc_buf *out);

#endif
