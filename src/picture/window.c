/*
 * window.c - the events of the last 30 days, read once; see window.h.
 */
#include "picture/window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/kc.h"
#include "base/time.h"

typedef struct worg {
	int64_t id;
	char slug[80], name[128], code[8];
	int municipality;
} worg;

typedef struct wtype {
	char id[64];
	int64_t *n;	/* norgs x 3: d1, d7, d30 */
} wtype;

struct kc_event_window {
	worg *orgs;
	size_t norgs;
	wtype *types;
	size_t ntypes, tcap;
	size_t *slot;	/* hash of the types: index + 1, 0 empty */
	size_t nslot;	/* a power of two, at least twice ntypes */
};

static int oom(kc_err *err)
{
	return kc_err_set(err, KC_ENOMEM, _("out of memory"));
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static int rehash(kc_event_window *w, size_t nslot)
{
	size_t *slot = calloc(nslot, sizeof(*slot));

	if (!slot)
		return -1;
	for (size_t t = 0; t < w->ntypes; t++) {
		size_t i = (size_t)hash(w->types[t].id) & (nslot - 1);

		while (slot[i])
			i = (i + 1) & (nslot - 1);
		slot[i] = t + 1;
	}
	free(w->slot);
	w->slot = slot;
	w->nslot = nslot;
	return 0;
}

/* The type's counters, added when first seen; NULL when out of memory. */
static int64_t *type_counts(kc_event_window *w, const char *id)
{
	size_t i = (size_t)hash(id) & (w->nslot - 1);
	wtype *t;

	for (; w->slot[i]; i = (i + 1) & (w->nslot - 1))
		if (!strcmp(w->types[w->slot[i] - 1].id, id))
			return w->types[w->slot[i] - 1].n;
	if (w->ntypes == w->tcap) {
		wtype *p = realloc(w->types, (w->tcap = w->tcap ? 2 * w->tcap : 32) * sizeof(*p));

		if (!p)
			return NULL;
		w->types = p;
	}
	t = &w->types[w->ntypes];
	snprintf(t->id, sizeof(t->id), "%s", id);
	t->n = calloc(w->norgs * 3 + 3, sizeof(*t->n));
	if (!t->n)
		return NULL;
	w->slot[i] = ++w->ntypes;
	if (2 * w->ntypes > w->nslot && rehash(w, 2 * w->nslot))
		return NULL;
	return t->n;
}

static int cmp_org(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = ((const worg *)b)->id;

	return x < y ? -1 : x > y;
}

void kc_event_window_free(kc_event_window *w)
{
	if (!w)
		return;
	for (size_t t = 0; t < w->ntypes; t++)
		free(w->types[t].n);
	free(w->types);
	free(w->slot);
	free(w->orgs);
	free(w);
}

static int load_orgs(kc_store *st, kc_event_window *w, kc_err *err)
{
	kc_stmt *s;
	size_t cap = 0;
	int rc;

	rc = kc_store_query(st, err, &s, "SELECT id, slug, name, COALESCE(code, ''), kind FROM org ORDER BY id", "");
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		worg *o;

		rc = 0;
		if (w->norgs == cap) {
			worg *p = realloc(w->orgs, (cap = cap ? 2 * cap : 512) * sizeof(*p));

			if (!p) {
				rc = oom(err);
				break;
			}
			w->orgs = p;
		}
		o = &w->orgs[w->norgs++];
		o->id = kc_stmt_int(s, 0);
		snprintf(o->slug, sizeof(o->slug), "%s", kc_stmt_text(s, 1));
		snprintf(o->name, sizeof(o->name), "%s", kc_stmt_text(s, 2));
		snprintf(o->code, sizeof(o->code), "%s", kc_stmt_text(s, 3));
		o->municipality = !strcmp(kc_stmt_text(s, 4), "municipality");
	}
	if (s)
		kc_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

int kc_event_window_open(kc_store *st, int64_t org_id, time_t now, kc_event_window **out, kc_err *err)
{
	char t1[KC_TIME_STRLEN], t7[KC_TIME_STRLEN], t30[KC_TIME_STRLEN];
	kc_event_window *w = calloc(1, sizeof(*w));
	kc_stmt *s = NULL;
	int rc, agg;

	*out = NULL;
	if (!w || !(w->slot = calloc(w->nslot = 64, sizeof(*w->slot)))) {
		free(w);
		return oom(err);
	}
	kc_time_iso(now - 86400, t1);
	kc_time_iso(now - 7 * 86400, t7);
	kc_time_iso(now - 30 * 86400, t30);
	rc = load_orgs(st, w, err);
	/* SQLite reads the rows themselves (its GROUP BY would sort them, the
	 * slow part); PostgreSQL counts in a hash aggregate and sends a row per
	 * type and organisation instead of every event over the wire. */
	agg = !strcmp(kc_store_engine(st), "postgresql");
	if (!rc && agg)
		rc = kc_store_query(st, err, &s,
				    "SELECT identifier, org_id, SUM(CASE WHEN time_last >= ? THEN 1 ELSE 0 END), "
				    "SUM(CASE WHEN time_last >= ? THEN 1 ELSE 0 END), COUNT(*) FROM event "
				    "WHERE time_last >= ? AND org_id IS NOT NULL AND (? = 0 OR org_id = ?) "
				    "GROUP BY identifier, org_id",
				    "tttii", t1, t7, t30, org_id, org_id);
	else if (!rc)
		rc = kc_store_query(st, err, &s,
				    "SELECT identifier, org_id, time_last FROM event WHERE time_last >= ? AND org_id IS NOT "
				    "NULL AND (? = 0 OR org_id = ?)",
				    "tii", t30, org_id, org_id);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		int64_t id = kc_stmt_int(s, 1), *n;
		const worg *o = bsearch(&id, w->orgs, w->norgs, sizeof(worg), cmp_org);
		const char *type = kc_stmt_text(s, 0), *last = agg ? "" : kc_stmt_text(s, 2);

		rc = 0;
		if (!o || !type || !last)
			continue;
		if (!(n = type_counts(w, type))) {
			rc = oom(err);
			break;
		}
		n += 3 * (size_t)(o - w->orgs);
		if (agg) {
			n[0] += kc_stmt_int(s, 2);
			n[1] += kc_stmt_int(s, 3);
			n[2] += kc_stmt_int(s, 4);
		} else {
			n[0] += strcmp(last, t1) >= 0;
			n[1] += strcmp(last, t7) >= 0;
			n[2]++;
		}
	}
	if (s)
		kc_stmt_finalize(s);
	if (rc < 0) {
		kc_event_window_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

static int cmp_count(const void *a, const void *b)
{
	const kc_situation_count *x = a, *y = b;

	if (x->d7 != y->d7)
		return x->d7 > y->d7 ? -1 : 1;
	if (x->d30 != y->d30)
		return x->d30 > y->d30 ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int finish_counts(kc_situation_count *v, size_t k, size_t max, kc_situation_count **out, size_t *n)
{
	qsort(v, k, sizeof(*v), cmp_count);
	*out = v;
	*n = k < (max ? max : 50) ? k : (max ? max : 50);
	return 0;
}

int kc_event_window_types(const kc_event_window *w, size_t max, kc_situation_count **out, size_t *n, kc_err *err)
{
	kc_situation_count *v = calloc(w->ntypes + 1, sizeof(*v));

	*out = NULL;
	*n = 0;
	if (!v)
		return oom(err);
	for (size_t t = 0; t < w->ntypes; t++) {
		snprintf(v[t].key, sizeof(v[t].key), "%s", w->types[t].id);
		for (size_t o = 0; o < w->norgs; o++) {
			v[t].d1 += w->types[t].n[3 * o];
			v[t].d7 += w->types[t].n[3 * o + 1];
			v[t].d30 += w->types[t].n[3 * o + 2];
		}
	}
	return finish_counts(v, w->ntypes, max, out, n);
}

int kc_event_window_orgs(const kc_event_window *w, size_t max, kc_situation_count **out, size_t *n, kc_err *err)
{
	kc_situation_count *v = calloc(w->norgs + 1, sizeof(*v));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!v)
		return oom(err);
	for (size_t o = 0; o < w->norgs; o++) {
		kc_situation_count *c = &v[k];

		for (size_t t = 0; t < w->ntypes; t++) {
			c->d1 += w->types[t].n[3 * o];
			c->d7 += w->types[t].n[3 * o + 1];
			c->d30 += w->types[t].n[3 * o + 2];
		}
		if (c->d30) {
			snprintf(c->key, sizeof(c->key), "%s", w->orgs[o].slug);
			k++;
		} else {
			memset(c, 0, sizeof(*c));
		}
	}
	return finish_counts(v, k, max, out, n);
}

static int cmp_exposed(const void *a, const void *b)
{
	const kc_exposed *x = a, *y = b;
	int c;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	c = strcmp(x->org, y->org);
	return c ? c : strcmp(x->identifier, y->identifier);
}

int kc_event_window_exposed(const kc_event_window *w, int days, size_t max, kc_exposed **out, size_t *n, kc_err *err)
{
	kc_exposed *v = NULL;
	size_t k = 0, cap = 0, col = days <= 1 ? 0 : days <= 7 ? 1 : 2;

	*out = NULL;
	*n = 0;
	for (size_t t = 0; t < w->ntypes; t++) {
		const char *id = w->types[t].id;

		/* As the SQL LIKE 'open-%' it replaced (ASCII case-insensitive in SQLite). */
		if (strncasecmp(id, "open-", 5) && strncasecmp(id, "accessible-", 11) && strncasecmp(id, "exposed-", 8))
			continue;
		for (size_t o = 0; o < w->norgs; o++) {
			if (!w->types[t].n[3 * o + col])
				continue;
			if (k == cap) {
				kc_exposed *p = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*p));

				if (!p) {
					free(v);
					return oom(err);
				}
				v = p;
			}
			memset(&v[k], 0, sizeof(v[k]));
			snprintf(v[k].org, sizeof(v[k].org), "%s", w->orgs[o].slug);
			snprintf(v[k].name, sizeof(v[k].name), "%s", w->orgs[o].name);
			snprintf(v[k].identifier, sizeof(v[k].identifier), "%s", id);
			v[k++].n = w->types[t].n[3 * o + col];
		}
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_exposed);
	max = max ? max : 20;
	*out = v;
	*n = k < max ? k : max;
	return 0;
}

static int cmp_cell(const void *a, const void *b)
{
	return strcmp(((const kc_map_cell *)a)->code, ((const kc_map_cell *)b)->code);
}

int kc_event_window_map(const kc_event_window *w, kc_map_cell **out, size_t *n, kc_err *err)
{
	int rc = kc_trend_all_municipalities(out, n, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < *n; i++)
		snprintf((*out)[i].value, sizeof((*out)[i].value), "0");
	for (size_t o = 0; o < w->norgs; o++) {
		kc_map_cell key = { 0 }, *c;
		int64_t v = 0;

		if (!w->orgs[o].municipality || strlen(w->orgs[o].code) != 4)
			continue;
		for (size_t t = 0; t < w->ntypes; t++)
			v += w->types[t].n[3 * o + 2];
		memcpy(key.code, w->orgs[o].code, 5);
		c = bsearch(&key, *out, *n, sizeof(key), cmp_cell);
		if (c && v) {
			c->cls = kc_map_count_class(v);
			snprintf(c->value, sizeof(c->value), "%lld", (long long)v);
		}
	}
	return 0;
}
