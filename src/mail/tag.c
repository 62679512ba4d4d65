/*
 * tag.c - case references in e-mail subjects; see tag.h.
 */
#include "mail/tag.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/kc.h"

#define FOREIGN_MAX 64

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

/* "[prefix #N]" at p (p[0] == '['), up to end: 1 and *id, else 0. */
static int own_tag(const char *p, const char *end, const char *prefix, size_t plen, int64_t *id)
{
	int64_t v = 0;
	int digits = 0;

	p = skip_space(p + 1, end);
	if ((size_t)(end - p) < plen || strncasecmp(p, prefix, plen))
		return 0;
	p += plen;
	if (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
		return 0; /* "[KommuneCERTX #1]" is not ours */
	p = skip_space(p, end);
	if (p == end || *p != '#')
		return 0;
	p = skip_space(p + 1, end);
	for (; p < end && isdigit((unsigned char)*p); p++) {
		if (++digits > 18)
			return 0;
		v = v * 10 + (*p - '0');
	}
	p = skip_space(p, end);
	if (!digits || v == 0 || p == end || *p != ']')
		return 0;
	*id = v;
	return 1;
}

int kc_mail_subject_tag(const char *subject, const char *prefix, int64_t *case_id)
{
	const char *end, *p;
	size_t plen;

	if (!subject || !prefix || !*prefix)
		return 0;
	plen = strlen(prefix);
	end = subject + strlen(subject);
	for (p = strchr(subject, '['); p; p = strchr(p + 1, '['))
		if (own_tag(p, end, prefix, plen, case_id))
			return 1;
	return 0;
}

/* Is s[0..n) (trimmed, inside brackets) another team's reference? */
static int foreign(const char *s, size_t n)
{
	size_t i = 0, word_end, id;
	int sep = 0;

	if (!n || !isalpha((unsigned char)s[0]))
		return 0;
	if (n >= 3 && !strncasecmp(s, "TLP", 3) && (n == 3 || s[3] == ':' || s[3] == ' '))
		return 0;
	/* The word: letters, digits, '.', '_', '-', up to "-<digit>" or a letter-to-digit step. */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '-' && i + 1 < n && isdigit((unsigned char)s[i + 1]))
			break;
		if (isdigit(c) && isalpha((unsigned char)s[i - 1]))
			break;
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			break;
		i++;
	}
	word_end = i;
	/* The separator. */
	if (i < n && s[i] == '-') {
		sep = 1;
		i++;
	} else {
		while (i < n && s[i] == ' ') {
			sep = 1;
			i++;
		}
		if (i < n && s[i] == '#') {
			sep = 1;
			i++;
		}
		while (i < n && s[i] == ' ')
			i++;
	}
	id = i;
	if (id >= n || !isdigit((unsigned char)s[id]))
		return 0;
	for (; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._/:-", s[i]))
			return 0;
	if (!sep) {
		/* "INC0012345": no separator, so only a number of some length. */
		size_t digits = 0;

		for (size_t k = id; k < n; k++)
			if (!isdigit((unsigned char)s[k]))
				return 0;
			else
				digits++;
		if (digits < 4 || word_end < 2)
			return 0;
	}
	return 1;
}

int kc_mail_subject_foreign_tag(const char *subject, const char *own_prefix, char *tag, size_t cap)
{
	const char *p, *end;
	int64_t id;

	if (!subject || !tag || !cap)
		return 0;
	end = subject + strlen(subject);
	for (p = strchr(subject, '['); p; p = strchr(p + 1, '[')) {
		const char *close = memchr(p + 1, ']', (size_t)(end - p - 1)), *s;
		size_t n;

		if (!close)
			break;
		s = skip_space(p + 1, close);
		n = (size_t)(close - s);
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n > FOREIGN_MAX || memchr(s, '[', n))
			continue;
		if (own_prefix && *own_prefix && own_tag(p, end, own_prefix, strlen(own_prefix), &id))
			continue;
		if (!foreign(s, n))
			continue;
		snprintf(tag, cap, "%.*s", (int)n, s);
		return 1;
	}
	return 0;
}
