/*
 * refang.c - defanged indicators made usable again: "hxxps://evil[.]example"
 * -> "https://evil.example". Reports and feeds write addresses that way so
 * that nobody clicks them by mistake. Used by every feed reader and by the
 * observable extractor of mail and case text; one implementation for both.
 */
#include "base/refang.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/kc.h"

static int is_alnum_byte(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* The forms refang_plain knows, as it knows them (case matters). */
static int plain_form(const char *b)
{
	static const char *const forms[] = { "[.]", "(.)", "[dot]", "(dot)", "[:]", "[://]" };

	for (size_t i = 0; i < KC_ARRAY_LEN(forms); i++)
		if (!strncmp(b, forms[i], strlen(forms[i])))
			return 1;
	return 0;
}

/*
 * The forms kc_refang leaves: hxxp in any case, fxp, [@] (@) [at] (at) {at}, and
 * bracketed dots and colons with white space around them ("bergen [dot]
 * kommune [dot] no"). In place; never lengthens. refang_plain does the rest.
 */
static void refang_more(char *s)
{
	static const struct {
		const char *from, *to;
	} brackets[] = {
		{ "[.]", "." },	  { "(.)", "." },   { "{.}", "." },   { "[dot]", "." }, { "(dot)", "." },
		{ "{dot}", "." }, { "[@]", "@" },   { "(@)", "@" },   { "{@}", "@" },   { "[at]", "@" },
		{ "(at)", "@" },  { "{at}", "@" },  { "[:]", ":" },   { "[://]", "://" },
	};
	char *w = s;
	const char *r = s;

	while (*r) {
		const char *b = r, *after, *e;
		size_t k;
		int between;

		if ((*r == 'h' || *r == 'H' || *r == 'f' || *r == 'F') &&
		    (!strncasecmp(r, "hxxp", 4) || !strncasecmp(r, "fxp://", 6))) {
			int ftp = r[0] == 'f' || r[0] == 'F';

			/* The scheme in lower case: "HXXPS" -> "https". */
			memcpy(w, ftp ? "ftp" : "http", ftp ? 3 : 4);
			w += ftp ? 3 : 4;
			r += ftp ? 3 : 4;
			if (!ftp && (*r == 's' || *r == 'S')) {
				*w++ = 's';
				r++;
			}
			continue;
		}
		if (*b != ' ' && *b != '\t' && *b != '[' && *b != '(' && *b != '{') {
			*w++ = *r++;
			continue;
		}
		while (*b == ' ' || *b == '\t')
			b++;
		if (*b != '[' && *b != '(' && *b != '{') {
			*w++ = *r++;
			continue;
		}
		for (k = 0; k < KC_ARRAY_LEN(brackets); k++)
			if (!strncasecmp(b, brackets[k].from, strlen(brackets[k].from)))
				break;
		if (k == KC_ARRAY_LEN(brackets)) {
			*w++ = *r++;
			continue;
		}
		after = b + strlen(brackets[k].from);
		for (e = after; *e == ' ' || *e == '\t'; e++)
			;
		if (b == r && (e == after || !(w > s && is_alnum_byte(w[-1]) && is_alnum_byte(*e))) &&
		    plain_form(b)) {
			*w++ = *r++; /* refang_plain's own: left to it */
			continue;
		}
		/* White space around the brackets, and any "at", count only between
		 * word characters: "kari [at] bergen.no", not "liste (at)" at the end
		 * of a sentence. */
		between = w > s && is_alnum_byte(w[-1]) && is_alnum_byte(*e);
		if ((b > r || e > after || brackets[k].to[0] == '@') && !between) {
			*w++ = *r++;
			continue;
		}
		for (const char *to = brackets[k].to; *to;)
			*w++ = *to++;
		r = e;
	}
	*w = '\0';
}

/* Whether refang_plain has work in s: it looks at every byte, so it is
 * called only for text with one of its forms left in it. */
static int defanged(const char *s)
{
	for (const char *p = strpbrk(s, "[("); p; p = strpbrk(p + 1, "[("))
		if (plain_form(p))
			return 1;
	return strstr(s, "hxxp") || strstr(s, "hXXp");
}

/* The plain forms, exactly as written: hxxp, hXXp, [.], (.), [dot], (dot), [:], [://]. */
static void refang_plain(char *s)
{
	static const struct {
		const char *from, *to;
	} subs[] = { { "hxxp", "http" }, { "hXXp", "http" }, { "[.]", "." }, { "(.)", "." }, { "[dot]", "." },
		     { "(dot)", "." }, { "[:]", ":" }, { "[://]", "://" } };
	char *w = s;

	for (const char *r = s; *r;) {
		size_t i;

		for (i = 0; i < KC_ARRAY_LEN(subs); i++) {
			size_t n = strlen(subs[i].from);

			if (!strncmp(r, subs[i].from, n)) {
				size_t m = strlen(subs[i].to);

				memmove(w, subs[i].to, m); /* never longer than the match: w stays behind r */
				w += m;
				r += n;
				break;
			}
		}
		if (i == KC_ARRAY_LEN(subs))
			*w++ = *r++;
	}
	*w = '\0';
}

void kc_refang(char *s)
{
	refang_more(s);
	if (defanged(s))
		refang_plain(s);
}
