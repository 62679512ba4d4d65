/*
 * taxii_query.c - the query parameters of TAXII 2.1's object endpoints
 * (added_after, limit, next, match[type|id|version|spec_version]) and the
 * opaque cursor of next. Everything here reads untrusted input, hence
 * fuzz/fuzz_taxii_query.c.
 *
 * The cursor is base64url of "t:OFFSET:HASH", HASH a short digest of the
 * added_after it was made for, so a cursor replayed with another filter is
 * refused rather than silently paging a different list.
 */
#include "share/share.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

static unsigned filter_hash(const char *added_after)
{
	unsigned h = 2166136261u;

	for (const char *p = added_after ? added_after : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h & 0xFFFFFFu;
}

void kc_taxii_next_encode(size_t offset, const char *added_after, char out[96])
{
	char text[64];

	snprintf(text, sizeof(text), "t:%zu:%06x", offset, filter_hash(added_after));
	sodium_bin2base64(out, 96, (const unsigned char *)text, strlen(text), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int kc_taxii_next_decode(const char *s, const char *added_after, size_t *offset)
{
	unsigned char raw[64];
	char text[65], *end;
	unsigned long long v;
	unsigned long h;
	size_t n;

	*offset = 0;
	if (!s || strlen(s) > 80 ||
	    sodium_base642bin(raw, sizeof(raw) - 1, s, strlen(s), NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    n < 5 || raw[0] != 't' || raw[1] != ':')
		return KC_EINVAL;
	memcpy(text, raw, n);
	text[n] = '\0';
	if (strspn(text + 2, "0123456789") == 0 || strspn(text + 2, "0123456789") > 9)
		return KC_EINVAL;
	v = strtoull(text + 2, &end, 10);
	if (*end != ':' || strlen(end + 1) != 6 || strspn(end + 1, "0123456789abcdef") != 6)
		return KC_EINVAL;
	h = strtoul(end + 1, NULL, 16);
	if (h != filter_hash(added_after))
		return KC_EINVAL;
	*offset = (size_t)v;
	return KC_OK;
}

/* Split a comma-separated list into at most KC_TAXII_MATCH_MAX items of cap bytes. */
static int split(const char *v, char *items, size_t cap, size_t *n, const char *param, kc_err *err)
{
	const char *p = v;

	*n = 0;
	while (1) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (!len || len >= cap)
			return kc_err_set(err, KC_EINVAL, _("%s: an empty or too long item"), param);
		if (*n == KC_TAXII_MATCH_MAX)
			return kc_err_set(err, KC_EINVAL, _("%s: at most %d items"), param, KC_TAXII_MATCH_MAX);
		memcpy(items + *n * cap, p, len);
		items[*n * cap + len] = '\0';
		(*n)++;
		if (!c)
			return KC_OK;
		p = c + 1;
	}
}

static int type_valid(const char *t)
{
	size_t n = strlen(t);

	if (n < 3 || n > 31 || strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789-") != n || t[0] == '-' || t[n - 1] == '-')
		return 0;
	return 1;
}

/* type--8-4-4-4-12 hex. */
static int id_valid(const char *id)
{
	const char *d = strstr(id, "--");
	char type[32];

	if (!d || (size_t)(d - id) >= sizeof(type))
		return 0;
	memcpy(type, id, (size_t)(d - id));
	type[d - id] = '\0';
	if (!type_valid(type) || strlen(d + 2) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		char c = d[2 + i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

int kc_taxii_query_parse(const char *(*get)(void *ctx, const char *name), void *ctx, kc_taxii_query *q, kc_err *err)
{
	const char *v;
	int rc;

	memset(q, 0, sizeof(*q));
	if ((v = get(ctx, "added_after")) && kc_stix_time(v, q->added_after))
		return kc_err_set(err, KC_EINVAL, "%s", _("added_after: not a timestamp (2024-05-01T12:00:00.000Z)"));
	if ((v = get(ctx, "limit"))) {
		char *end;
		long long n;

		if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9)
			return kc_err_set(err, KC_EINVAL, "%s", _("limit: a positive whole number"));
		n = strtoll(v, &end, 10);
		if (n < 1)
			return kc_err_set(err, KC_EINVAL, "%s", _("limit: a positive whole number"));
		q->limit = n > KC_TAXII_LIMIT_MAX ? KC_TAXII_LIMIT_MAX : (size_t)n;
	}
	if ((v = get(ctx, "next")) && kc_taxii_next_decode(v, q->added_after, &q->offset))
		return kc_err_set(err, KC_EINVAL, "%s", _("next: not a cursor this server gave for this query"));
	if ((v = get(ctx, "match[type]"))) {
		if ((rc = split(v, &q->types[0][0], sizeof(q->types[0]), &q->ntypes, "match[type]", err)))
			return rc;
		for (size_t i = 0; i < q->ntypes; i++)
			if (!type_valid(q->types[i]))
				return kc_err_set(err, KC_EINVAL, _("match[type]: %s is not a STIX type name"), q->types[i]);
	}
	if ((v = get(ctx, "match[id]"))) {
		if ((rc = split(v, &q->ids[0][0], sizeof(q->ids[0]), &q->nids, "match[id]", err)))
			return rc;
		for (size_t i = 0; i < q->nids; i++)
			if (!id_valid(q->ids[i]))
				return kc_err_set(err, KC_EINVAL, "%s", _("match[id]: not a STIX identifier (type--uuid)"));
	}
	if ((v = get(ctx, "match[version]"))) {
		char items[KC_TAXII_MATCH_MAX][40];

		if ((rc = split(v, &items[0][0], sizeof(items[0]), &q->nversions, "match[version]", err)))
			return rc;
		for (size_t i = 0; i < q->nversions; i++) {
			if (!strcmp(items[i], "last"))
				q->ver[i] = KC_TAXII_VER_LAST;
			else if (!strcmp(items[i], "first"))
				q->ver[i] = KC_TAXII_VER_FIRST;
			else if (!strcmp(items[i], "all"))
				q->ver[i] = KC_TAXII_VER_ALL;
			else if (!kc_stix_time(items[i], q->ver_at[i]))
				q->ver[i] = KC_TAXII_VER_AT;
			else
				return kc_err_set(err, KC_EINVAL, "%s",
						  _("match[version]: last, first, all or a timestamp"));
		}
	}
	if ((v = get(ctx, "match[spec_version]"))) {
		char items[KC_TAXII_MATCH_MAX][16];
		size_t n;

		if ((rc = split(v, &items[0][0], sizeof(items[0]), &n, "match[spec_version]", err)))
			return rc;
		q->spec_21_only = 2;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(items[i], "2.1"))
				q->spec_21_only = 1;
	}
	return KC_OK;
}

int kc_taxii_match(const kc_taxii_query *q, const kc_share_obj *o)
{
	int ok;

	if (q->spec_21_only == 2)
		return 0; /* every object here is 2.1 */
	if (q->ntypes) {
		ok = 0;
		for (size_t i = 0; i < q->ntypes && !ok; i++)
			ok = !strcmp(q->types[i], o->type);
		if (!ok)
			return 0;
	}
	if (q->nids) {
		ok = 0;
		for (size_t i = 0; i < q->nids && !ok; i++)
			ok = !strcmp(q->ids[i], o->id);
		if (!ok)
			return 0;
	}
	if (q->nversions) {
		/* One version of each object is kept: it is first, last and all. */
		ok = 0;
		for (size_t i = 0; i < q->nversions && !ok; i++)
			ok = q->ver[i] != KC_TAXII_VER_AT || !strcmp(q->ver_at[i], o->version);
		if (!ok)
			return 0;
	}
	return 1;
}
