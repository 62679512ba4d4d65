/*
 * exposure.c - organisations' products against CPE criteria; see exposure.h.
 */
#include "vuln/exposure.h"

#include <stdlib.h>
#include <string.h>

#include "base/banned.h"
#include "base/i18n.h"
#include "audit/audit.h"
#include "base/time.h"

/* One criterion, owned. */
struct crit {
	char *cpe, *si, *se, *ei, *ee;
	kc_cpe parsed;
};

/* One product, as loaded for matching. */
struct prod {
	int64_t id, org_id;
	char *slug, *name, *cpe, *source, *evidence, *vendor, *product;
	int confidence;
	kc_cpe parsed;
};

/* The products to match against, and an index on (vendor, product): byvp
 * points into p, sorted by vendor, then product. */
struct prods {
	struct prod *p;
	size_t n, cap;
	const struct prod **byvp;
};

/* One (organisation, product) found, with the criterion that decided. */
struct hit {
	const struct prod *p;
	const struct crit *c;
	kc_cpe_match_result result;
};

/* The hits of one walk: hit_of[k] is 1 + the hit of product k, 0 for none. */
struct hits {
	struct hit *h;
	size_t n, cap;
	size_t *hit_of;
};

/* Up to this many criteria, products are loaded per criterion through the
 * (vendor, product) index of org_product; beyond it, all products at once. */
#define CRITERIA_FILTERED_MAX 16

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void crits_free(struct crit *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].cpe);
		free(c[i].si);
		free(c[i].se);
		free(c[i].ei);
		free(c[i].ee);
	}
	free(c);
}

static void prods_release(struct prods *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		struct prod *p = &ps->p[i];
		free(p->slug);
		free(p->name);
		free(p->cpe);
		free(p->source);
		free(p->evidence);
		free(p->vendor);
		free(p->product);
	}
	free(ps->p);
	free(ps->byvp);
	memset(ps, 0, sizeof(*ps));
}

/* A plain literal usable for the (vendor, product) index, else NULL. */
static const char *plain(const kc_cpe *c, int attr)
{
	const kc_cpe_value *v = &c->v[attr];

	if (v->kind != KC_CPE_VALUE || v->lead_star || v->trail_star || v->lead_q || v->trail_q)
		return NULL;
	return kc_cpe_literal(c, attr);
}

static const char *nn(const char *s)
{
	return s ? s : "";
}

#define PROD_COLS                                                                                  \
	"SELECT p.id, p.org_id, o.slug, o.name, p.cpe, p.source, p.confidence, p.evidence, "      \
	"p.vendor, p.product FROM org_product p JOIN org o ON o.id = p.org_id "

/* Add the products a query returns (those already there, by id, once). */
static int prods_add(struct prods *ps, kc_stmt *s, kc_err *err)
{
	int rc;

	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		const char *cpe = kc_stmt_text(s, 4);
		struct prod *p;

		if (!cpe)
			continue;
		if (ps->n == ps->cap) {
			size_t cap = ps->cap ? ps->cap * 2 : 64;
			struct prod *np = realloc(ps->p, cap * sizeof(*np));
			if (!np)
				return kc_err_set(err, KC_ENOMEM, _("out of memory"));
			ps->p = np;
			ps->cap = cap;
		}
		p = &ps->p[ps->n];
		/* A product that does not parse concerns nothing (it was
		 * validated when stored). */
		if (kc_cpe_parse(cpe, strlen(cpe), &p->parsed, NULL) < 0)
			continue;
		p->id = kc_stmt_int(s, 0);
		p->org_id = kc_stmt_int(s, 1);
		p->slug = dup_or_null(kc_stmt_text(s, 2));
		p->name = dup_or_null(kc_stmt_text(s, 3));
		p->cpe = strdup(cpe);
		p->source = dup_or_null(kc_stmt_text(s, 5));
		p->confidence = (int)kc_stmt_int(s, 6);
		p->evidence = dup_or_null(kc_stmt_text(s, 7));
		p->vendor = strdup(nn(kc_stmt_text(s, 8)));
		p->product = strdup(nn(kc_stmt_text(s, 9)));
		ps->n++;
		if (!p->cpe || !p->vendor || !p->product)
			return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	}
	return rc;
}

static int prod_by_id(const void *a, const void *b)
{
	const struct prod *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int vp_cmp(const void *a, const void *b)
{
	const struct prod *x = *(const struct prod *const *)a, *y = *(const struct prod *const *)b;
	int c = strcmp(x->vendor, y->vendor);

	if (!c)
		c = strcmp(x->product, y->product);
	return c ? c : (x->id < y->id ? -1 : x->id > y->id);
}

/* Sort by id, drop the duplicates, build the (vendor, product) index. */
static int prods_index(struct prods *ps, kc_err *err)
{
	size_t w = 0;

	if (ps->n)
		qsort(ps->p, ps->n, sizeof(*ps->p), prod_by_id);
	for (size_t i = 0; i < ps->n; i++) {
		if (w && ps->p[w - 1].id == ps->p[i].id) {
			struct prod *p = &ps->p[i];
			free(p->slug);
			free(p->name);
			free(p->cpe);
			free(p->source);
			free(p->evidence);
			free(p->vendor);
			free(p->product);
			continue;
		}
		if (w != i)
			ps->p[w] = ps->p[i];
		w++;
	}
	ps->n = w;
	if (!(ps->byvp = malloc((ps->n ? ps->n : 1) * sizeof(*ps->byvp))))
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (size_t i = 0; i < ps->n; i++)
		ps->byvp[i] = &ps->p[i];
	if (ps->n)
		qsort(ps->byvp, ps->n, sizeof(*ps->byvp), vp_cmp);
	return 0;
}

/* Every product (filtered NULL), or those that may fall under the criteria
 * (looked up per criterion by vendor and product). */
static int prods_load(kc_store *st, const struct crit *filter, size_t n, struct prods *ps,
		      kc_err *err)
{
	kc_stmt *s;
	int rc = 0;

	memset(ps, 0, sizeof(*ps));
	if (!filter) {
		if ((rc = kc_store_query(st, err, &s, PROD_COLS "ORDER BY p.id", "")) < 0)
			return rc;
		rc = prods_add(ps, s, err);
		kc_stmt_finalize(s);
	}
	for (size_t i = 0; filter && i < n && rc >= 0; i++) {
		const char *vendor = plain(&filter[i].parsed, KC_CPE_VENDOR);
		const char *product = plain(&filter[i].parsed, KC_CPE_PRODUCT);

		if ((rc = kc_store_query(st, err, &s,
					 PROD_COLS "WHERE (CAST(? AS TEXT) IS NULL OR p.vendor = ?) "
						   "AND (CAST(? AS TEXT) IS NULL OR p.product = ?)",
					 "tttt", vendor, vendor, product, product)) < 0)
			break;
		rc = prods_add(ps, s, err);
		kc_stmt_finalize(s);
	}
	if (rc >= 0)
		rc = prods_index(ps, err);
	if (rc < 0)
		prods_release(ps);
	return rc < 0 ? rc : 0;
}

/* The first position in byvp whose (vendor, product) is not below the key
 * (product NULL: the first of the vendor). */
static size_t vp_lower(const struct prods *ps, const char *vendor, const char *product)
{
	size_t lo = 0, hi = ps->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct prod *p = ps->byvp[mid];
		int c = strcmp(p->vendor, vendor);

		if (!c && product)
			c = strcmp(p->product, product);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int hit_order(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(nn(x->p->name), nn(y->p->name));

	if (c)
		return c;
	return x->p->id < y->p->id ? -1 : x->p->id > y->p->id;
}

/* Product k fell under criterion c (r: match or uncertain): keep the first
 * criterion that matches, or, while none does, the first that is uncertain
 * (criteria come in order). */
static int consider(const struct prods *ps, size_t k, const struct crit *c, kc_cpe_match_result r,
		    struct hits *hs, kc_err *err)
{
	struct hit *h;

	if (hs->hit_of[k]) {
		h = &hs->h[hs->hit_of[k] - 1];
		if (r == KC_CPE_MATCH && h->result != KC_CPE_MATCH) {
			h->result = r;
			h->c = c;
		}
		return 0;
	}
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 16;
		struct hit *nh = realloc(hs->h, cap * sizeof(*nh));
		if (!nh)
			return kc_err_set(err, KC_ENOMEM, _("out of memory"));
		hs->h = nh;
		hs->cap = cap;
	}
	hs->h[hs->n++] = (struct hit){ .p = &ps->p[k], .c = c, .result = r };
	hs->hit_of[k] = hs->n;
	return 0;
}

/* Call f(ps, k, c, arg) for every product k that may fall under c (same
 * vendor and product where the criterion names them plainly). */
static int candidates(const struct prods *ps, const struct crit *c,
		      int (*f)(const struct prods *, size_t, const struct crit *, void *), void *arg)
{
	const char *vendor = plain(&c->parsed, KC_CPE_VENDOR);
	const char *product = plain(&c->parsed, KC_CPE_PRODUCT);
	int rc = 0;

	if (vendor) {
		for (size_t j = vp_lower(ps, vendor, product); j < ps->n && !rc; j++) {
			size_t k = (size_t)(ps->byvp[j] - ps->p);
			if (strcmp(ps->p[k].vendor, vendor) ||
			    (product && strcmp(ps->p[k].product, product)))
				break;
			rc = f(ps, k, c, arg);
		}
		return rc;
	}
	for (size_t k = 0; k < ps->n && !rc; k++)
		if (!product || !strcmp(ps->p[k].product, product))
			rc = f(ps, k, c, arg);
	return rc;
}

struct direct {
	struct hits *hs;
	size_t *calls;
	kc_err *err;
};

static int match_direct(const struct prods *ps, size_t k, const struct crit *c, void *arg)
{
	struct direct *d = arg;
	kc_cpe_range range = { c->si, c->se, c->ei, c->ee };
	kc_cpe_match_result r = kc_cpe_match(&c->parsed, &range, &ps->p[k].parsed);

	(*d->calls)++;
	return r == KC_CPE_NO_MATCH ? 0 : consider(ps, k, c, r, d->hs, d->err);
}

/* Report the hits, by organisation name and product; hs is left empty
 * (hit_of all 0) for the next walk. */
static int emit(const struct prods *ps, struct hits *hs, const char *cve, kc_exposure_fn fn,
		void *arg)
{
	int rc = 0;

	if (hs->n)
		qsort(hs->h, hs->n, sizeof(*hs->h), hit_order);
	for (size_t k = 0; k < hs->n && !rc; k++) {
		const struct crit *c = hs->h[k].c;
		const struct prod *p = hs->h[k].p;
		kc_exposure e = {
			.org_id = p->org_id,
			.org_slug = nn(p->slug),
			.org_name = nn(p->name),
			.cve = cve,
			.product = p->cpe,
			.criterion = c->cpe,
			.range = { c->si, c->se, c->ei, c->ee },
			.source = nn(p->source),
			.confidence = p->confidence,
			.evidence = p->evidence,
			.result = hs->h[k].result,
		};
		rc = fn(&e, arg);
	}
	for (size_t k = 0; k < hs->n; k++)
		hs->hit_of[hs->h[k].p - ps->p] = 0;
	hs->n = 0;
	return rc;
}

/* Match the products against criteria[0..n) and report each (organisation,
 * product) once. */
static int match(const struct prods *ps, const struct crit *cr, size_t n, const char *cve,
		 struct hits *hs, size_t *calls, kc_exposure_fn fn, void *arg, kc_err *err)
{
	struct direct d = { hs, calls, err };
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = candidates(ps, &cr[i], match_direct, &d);
	if (rc) {
		hs->n = 0;
		memset(hs->hit_of, 0, (ps->n ? ps->n : 1) * sizeof(*hs->hit_of));
		return rc;
	}
	return emit(ps, hs, cve, fn, arg);
}

static int hits_init(struct hits *hs, size_t nprods, kc_err *err)
{
	memset(hs, 0, sizeof(*hs));
	if (!(hs->hit_of = calloc(nprods ? nprods : 1, sizeof(*hs->hit_of))))
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	return 0;
}

static void hits_release(struct hits *hs)
{
	free(hs->h);
	free(hs->hit_of);
}

/* Match every product that may fall under criteria[0..n). */
static int walk(kc_store *st, struct crit *cr, size_t n, const char *cve, kc_exposure_fn fn,
		void *arg, kc_err *err)
{
	struct prods ps;
	struct hits hs;
	size_t calls = 0;
	int rc;

	if (!n)
		return 0;
	if ((rc = prods_load(st, n <= CRITERIA_FILTERED_MAX ? cr : NULL, n, &ps, err)) < 0)
		return rc;
	if ((rc = hits_init(&hs, ps.n, err)) == 0)
		rc = match(&ps, cr, n, cve, &hs, &calls, fn, arg, err);
	hits_release(&hs);
	prods_release(&ps);
	return rc;
}

static int add_crit(struct crit **cr, size_t *n, const char *cpe, const kc_cpe_range *r,
		    kc_err *err)
{
	struct crit *nc = realloc(*cr, (*n + 1) * sizeof(*nc)), *c;
	int rc;

	if (!nc)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	*cr = nc;
	c = &nc[*n];
	memset(c, 0, sizeof(*c));
	if ((rc = kc_cpe_parse(cpe, strlen(cpe), &c->parsed, err)) < 0)
		return kc_err_prefix(err, "%s", cpe);
	c->cpe = strdup(cpe);
	if (r) {
		c->si = r->start_incl && *r->start_incl ? strdup(r->start_incl) : NULL;
		c->se = r->start_excl && *r->start_excl ? strdup(r->start_excl) : NULL;
		c->ei = r->end_incl && *r->end_incl ? strdup(r->end_incl) : NULL;
		c->ee = r->end_excl && *r->end_excl ? strdup(r->end_excl) : NULL;
	}
	(*n)++;
	return c->cpe ? 0 : kc_err_set(err, KC_ENOMEM, _("out of memory"));
}

#define CRIT_COLS "SELECT criterion, start_incl, start_excl, end_incl, end_excl"

int kc_exposure_for_cve(kc_store *st, const char *cve, kc_exposure_fn fn, void *arg, kc_err *err)
{
	struct crit *cr = NULL;
	size_t n = 0;
	int64_t known = 0;
	kc_stmt *s;
	int rc;

	rc = kc_store_scalar_int(st, err, &known, "SELECT COUNT(*) FROM cve WHERE id = ?", "t", cve);
	if (rc)
		return rc;
	if (!known)
		return kc_err_set(err, KC_ENOENT, _("%s is not in the store (kcert vuln import)"), cve);
	rc = kc_store_query(st, err, &s,
			    CRIT_COLS " FROM cpe_match "
				      "WHERE cve_id = ? AND vulnerable = 1 AND negate = 0 ORDER BY id",
			    "t", cve);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		kc_cpe_range r = { kc_stmt_text(s, 1), kc_stmt_text(s, 2), kc_stmt_text(s, 3),
				   kc_stmt_text(s, 4) };
		rc = add_crit(&cr, &n, kc_stmt_text(s, 0), &r, err);
		/* A stored criterion was canonical when imported; skip it if not. */
		if (rc == KC_EINVAL) {
			kc_err_clear(err);
			rc = 0;
		}
	}
	if (rc == KC_DONE)
		rc = 0;
	kc_stmt_finalize(s);
	if (!rc)
		rc = walk(st, cr, n, cve, fn, arg, err);
	crits_free(cr, n);
	return rc;
}

/* A stored criterion that names vendor and product plainly, in canonical
 * form, starts "cpe:2.3:P:VENDOR:PRODUCT:" with the literals as stored;
 * when it does and no product has that vendor and product, it concerns none
 * of them and need not be parsed. */
static int crit_irrelevant(const struct prods *ps, const char *crit, const char *vendor,
			   const char *product)
{
	size_t vl, pl, j;

	if (!crit || !vendor || !product || !*vendor || !*product || strlen(crit) < 10 ||
	    strncmp(crit, "cpe:2.3:", 8) || crit[9] != ':')
		return 0;
	vl = strlen(vendor);
	pl = strlen(product);
	if (strncmp(crit + 10, vendor, vl) || crit[10 + vl] != ':' ||
	    strncmp(crit + 11 + vl, product, pl) || crit[11 + vl + pl] != ':')
		return 0;
	j = vp_lower(ps, vendor, product);
	return !(j < ps->n && !strcmp(ps->byvp[j]->vendor, vendor) &&
		 !strcmp(ps->byvp[j]->product, product));
}

/* kc_exposure_all reads the criteria once into an arena of strings; the
 * same criterion (text and bounds) under many CVEs is matched once. */
struct dcrit {
	struct crit c; /* strings in the arena, set once it is complete */
	size_t key, cpe, si, se, ei, ee; /* arena offsets + 1, 0 for none */
	int state;		       /* 0 not matched yet, 1 matched, -1 does not parse */
	size_t first, count;	       /* its results in res[] */
};

struct dres {
	size_t k;
	kc_cpe_match_result r;
};

struct all {
	kc_buf arena;
	struct dcrit *dc;
	size_t ndc, capdc;
	size_t *table, tcap; /* open addressing: dc index + 1 */
	struct dres *res;
	size_t nres, capres;
	size_t calls;
	kc_err *err;
};

static int arena_put(kc_buf *a, const char *s, size_t *off)
{
	if (!s || !*s) {
		*off = 0;
		return 0;
	}
	*off = a->len + 1;
	return kc_buf_add(a, s, strlen(s) + 1);
}

static char *arena_get(const kc_buf *a, size_t off)
{
	return off ? a->ptr + off - 1 : NULL;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* The distinct criterion of key (len bytes, NUL-terminated), added when new:
 * its index in *idx. */
static int dcrit_of(struct all *al, const char *key, size_t len, const char *const f[5],
		    size_t *idx)
{
	uint64_t h = fnv(key, len);
	size_t i;

	if (al->ndc * 2 >= al->tcap) {
		size_t cap = al->tcap ? al->tcap * 2 : 1024;
		size_t *t = calloc(cap, sizeof(*t));
		if (!t)
			return KC_ENOMEM;
		for (size_t d = 0; d < al->ndc; d++) {
			const char *k = arena_get(&al->arena, al->dc[d].key);
			for (i = fnv(k, strlen(k)) & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = d + 1;
		}
		free(al->table);
		al->table = t;
		al->tcap = cap;
	}
	for (i = h & (al->tcap - 1); al->table[i]; i = (i + 1) & (al->tcap - 1))
		if (!strcmp(arena_get(&al->arena, al->dc[al->table[i] - 1].key), key)) {
			*idx = al->table[i] - 1;
			return 0;
		}
	if (al->ndc == al->capdc) {
		size_t cap = al->capdc ? al->capdc * 2 : 256;
		struct dcrit *n2 = realloc(al->dc, cap * sizeof(*n2));
		if (!n2)
			return KC_ENOMEM;
		al->dc = n2;
		al->capdc = cap;
	}
	{
		struct dcrit *d = &al->dc[al->ndc];
		memset(d, 0, sizeof(*d));
		if (arena_put(&al->arena, key, &d->key) < 0 || arena_put(&al->arena, f[0], &d->cpe) < 0 ||
		    arena_put(&al->arena, f[1], &d->si) < 0 || arena_put(&al->arena, f[2], &d->se) < 0 ||
		    arena_put(&al->arena, f[3], &d->ei) < 0 || arena_put(&al->arena, f[4], &d->ee) < 0)
			return KC_ENOMEM;
	}
	al->table[i] = al->ndc + 1;
	*idx = al->ndc++;
	return 0;
}

static int collect(const struct prods *ps, size_t k, const struct crit *c, void *arg)
{
	struct all *al = arg;
	kc_cpe_range range = { c->si, c->se, c->ei, c->ee };
	kc_cpe_match_result r = kc_cpe_match(&c->parsed, &range, &ps->p[k].parsed);

	al->calls++;
	if (r == KC_CPE_NO_MATCH)
		return 0;
	if (al->nres == al->capres) {
		size_t cap = al->capres ? al->capres * 2 : 1024;
		struct dres *n2 = realloc(al->res, cap * sizeof(*n2));
		if (!n2)
			return kc_err_set(al->err, KC_ENOMEM, _("out of memory"));
		al->res = n2;
		al->capres = cap;
	}
	al->res[al->nres++] = (struct dres){ k, r };
	return 0;
}

/* Match a distinct criterion against its candidates, once. */
static int dcrit_match(struct all *al, const struct prods *ps, struct dcrit *d)
{
	int rc;

	if (d->state)
		return 0;
	d->c.cpe = arena_get(&al->arena, d->cpe);
	d->c.si = arena_get(&al->arena, d->si);
	d->c.se = arena_get(&al->arena, d->se);
	d->c.ei = arena_get(&al->arena, d->ei);
	d->c.ee = arena_get(&al->arena, d->ee);
	if (!d->c.cpe || kc_cpe_parse(d->c.cpe, strlen(d->c.cpe), &d->c.parsed, NULL) < 0) {
		d->state = -1;
		return 0;
	}
	d->state = 1;
	d->first = al->nres;
	rc = candidates(ps, &d->c, collect, al);
	d->count = al->nres - d->first;
	return rc;
}

/* A row of cpe_match kept: its CVE (arena offset + 1) and distinct criterion. */
struct row {
	size_t cve, dc;
};

int kc_exposure_all(kc_store *st, kc_exposure_fn fn, void *arg, kc_exposure_counts *counts,
		    kc_err *err)
{
	struct prods ps;
	struct hits hs;
	struct all al;
	struct row *rows = NULL;
	size_t nrows = 0, caprows = 0, criteria = 0, cves = 0;
	kc_buf key;
	kc_stmt *s = NULL;
	int rc;

	memset(&hs, 0, sizeof(hs));
	memset(&al, 0, sizeof(al));
	al.err = err;
	if (counts)
		memset(counts, 0, sizeof(*counts));
	if ((rc = prods_load(st, NULL, 0, &ps, err)) < 0)
		return rc;
	kc_buf_init(&al.arena, SIZE_MAX / 4);
	kc_buf_init(&key, 4 * KC_CPE_MAX);
	if ((rc = hits_init(&hs, ps.n, err)) < 0)
		goto out;
	/* The criteria that may concern a product, read before matching so that
	 * the callback may use the store. */
	rc = kc_store_query(st, err, &s,
			    CRIT_COLS ", cve_id, vendor, product FROM cpe_match "
				      "WHERE vulnerable = 1 AND negate = 0 ORDER BY cve_id, id",
			    "");
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		const char *f[5] = { kc_stmt_text(s, 0), kc_stmt_text(s, 1), kc_stmt_text(s, 2),
				     kc_stmt_text(s, 3), kc_stmt_text(s, 4) };
		const char *cve = kc_stmt_text(s, 5);
		struct row *r;
		size_t d;

		rc = 0;
		criteria++;
		if (!f[0] || !cve || crit_irrelevant(&ps, f[0], kc_stmt_text(s, 6), kc_stmt_text(s, 7)))
			continue;
		kc_buf_clear(&key);
		for (int i = 0; i < 5; i++)
			if (kc_buf_adds(&key, f[i] ? f[i] : "") < 0 || kc_buf_addc(&key, '\x1f') < 0)
				rc = KC_ENOMEM;
		if (!rc)
			rc = dcrit_of(&al, kc_buf_str(&key), key.len, f, &d);
		if (!rc && nrows == caprows) {
			size_t cap = caprows ? caprows * 2 : 1024;
			struct row *n2 = realloc(rows, cap * sizeof(*n2));
			if (!n2)
				rc = KC_ENOMEM;
			else {
				rows = n2;
				caprows = cap;
			}
		}
		if (rc) {
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
			break;
		}
		r = &rows[nrows++];
		r->dc = d;
		/* rows come by CVE: one copy of each id */
		if (nrows > 1 && !strcmp(arena_get(&al.arena, rows[nrows - 2].cve), cve)) {
			r->cve = rows[nrows - 2].cve;
		} else if (arena_put(&al.arena, cve, &r->cve) < 0) {
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
			break;
		}
	}
	if (rc == KC_DONE)
		rc = 0;
	kc_stmt_finalize(s);
	/* CVE by CVE, as kc_exposure_for_cve would. */
	for (size_t i = 0; i < nrows && !rc;) {
		const char *cve = arena_get(&al.arena, rows[i].cve);
		size_t k = i;
		int any = 0;

		for (; k < nrows && rows[k].cve == rows[i].cve && !rc; k++) {
			struct dcrit *d = &al.dc[rows[k].dc];

			if ((rc = dcrit_match(&al, &ps, d)) < 0 || d->state < 0)
				continue;
			any = 1;
			for (size_t m = d->first; m < d->first + d->count && !rc; m++)
				rc = consider(&ps, al.res[m].k, &d->c, al.res[m].r, &hs, err);
		}
		if (!rc && any) {
			cves++;
			rc = emit(&ps, &hs, cve, fn, arg);
		}
		i = k;
	}
	if (counts) {
		counts->products = ps.n;
		counts->criteria = criteria;
		counts->criteria_examined = nrows;
		counts->criteria_distinct = al.ndc;
		counts->cves_examined = cves;
		counts->comparisons = al.calls;
	}
out:
	free(rows);
	free(al.dc);
	free(al.table);
	free(al.res);
	kc_buf_release(&al.arena);
	kc_buf_release(&key);
	hits_release(&hs);
	prods_release(&ps);
	return rc;
}

int kc_exposure_for_criteria(kc_store *st, const kc_exposure_criterion *c, size_t n,
			     kc_exposure_fn fn, void *arg, kc_err *err)
{
	struct crit *cr = NULL;
	size_t nc = 0;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = add_crit(&cr, &nc, c[i].cpe, &c[i].range, err);
	if (!rc)
		rc = walk(st, cr, nc, NULL, fn, arg, err);
	crits_free(cr, nc);
	return rc;
}

int kc_exposure_for_cpes(kc_store *st, const char *const *criteria, size_t n, kc_exposure_fn fn,
			 void *arg, kc_err *err)
{
	kc_exposure_criterion *c = calloc(n ? n : 1, sizeof(*c));
	int rc;

	if (!c)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++)
		c[i].cpe = criteria[i];
	rc = kc_exposure_for_criteria(st, c, n, fn, arg, err);
	free(c);
	return rc;
}

/* ---- organisation products ---- */

static int upsert(kc_store *st, const char *actor, int64_t org, const char *cpe, const char *source,
		  int confidence, const char *evidence, int declare, char **canonical, kc_err *err)
{
	char now[KC_TIME_STRLEN], *canon = NULL;
	kc_cpe *c = malloc(sizeof(*c));
	int64_t have = 0;
	int rc;

	if (canonical)
		*canonical = NULL;
	if (!c)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	if (confidence < 0 || confidence > 100) {
		rc = kc_err_set(err, KC_EINVAL, _("confidence %d is outside 0-100"), confidence);
		goto out;
	}
	if ((rc = kc_cpe_canonical(cpe, &canon, err)) < 0)
		goto out;
	kc_cpe_parse(canon, strlen(canon), c, NULL);
	if (!plain(c, KC_CPE_VENDOR) || !plain(c, KC_CPE_PRODUCT)) {
		rc = kc_err_set(err, KC_EINVAL,
				_("%s: a product must name its vendor and product (not * or a wildcard)"),
				canon);
		goto out;
	}
	kc_time_now_iso(now);
	if ((rc = kc_store_begin(st, err)) < 0)
		goto out;
	rc = kc_store_scalar_int(st, err, &have,
				 "SELECT COUNT(*) FROM org_product WHERE org_id = ? AND cpe = ? AND source = ?",
				 "itt", org, canon, source);
	if (!rc && have && declare)
		rc = kc_err_set(err, KC_EEXIST, _("%s is already declared for this organisation"),
				canon);
	else if (!rc && have)
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE org_product SET confidence = ?, evidence = ?, last_seen = ? "
				   "WHERE org_id = ? AND cpe = ? AND source = ?",
				   "ittitt", (int64_t)confidence, evidence, now, org, canon, source);
	else if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO org_product (org_id, cpe, vendor, product, source, confidence, "
				   "evidence, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				   "ittttittt", org, canon,
				   kc_cpe_literal(c, KC_CPE_VENDOR), kc_cpe_literal(c, KC_CPE_PRODUCT), source,
				   (int64_t)confidence, evidence, now, now);
	if (!rc && declare)
		rc = kc_audit_appendf(st, err, actor, "asset.add", canon,
				      "product %s declared for organisation #%lld", canon, (long long)org);
	if (rc) {
		kc_store_rollback(st);
		goto out;
	}
	rc = kc_store_commit(st, err);
	if (!rc && canonical) {
		*canonical = canon;
		canon = NULL;
	}
out:
	free(canon);
	free(c);
	return rc;
}

int kc_org_product_observe(kc_store *st, int64_t org, const char *cpe, int confidence,
			   const char *evidence, kc_err *err)
{
	return upsert(st, NULL, org, cpe, "scan", confidence, evidence, 0, NULL, err);
}

int kc_org_product_declare(kc_store *st, const char *actor, int64_t org, const char *cpe,
			   const char *note, char **canonical, kc_err *err)
{
	return upsert(st, actor, org, cpe, "declared", KC_PRODUCT_DECLARED_CONFIDENCE, note, 1, canonical,
		      err);
}

int kc_org_product_remove(kc_store *st, const char *actor, int64_t org, const char *cpe,
			  const char *source, kc_err *err)
{
	char *canon = NULL;
	int64_t have = 0;
	int rc;

	if ((rc = kc_cpe_canonical(cpe, &canon, err)) < 0)
		return rc;
	rc = kc_store_scalar_int(st, err, &have,
				 "SELECT COUNT(*) FROM org_product WHERE org_id = ? AND cpe = ? "
				 "AND (CAST(? AS TEXT) IS NULL OR source = ?)",
				 "ittt", org, canon, source, source);
	if (!rc && !have)
		rc = kc_err_set(err, KC_ENOENT, _("%s is not among this organisation's products"),
				canon);
	if (!rc)
		rc = kc_store_begin(st, err);
	if (!rc) {
		rc = kc_store_exec(st, err, NULL,
				   "DELETE FROM org_product WHERE org_id = ? AND cpe = ? "
				   "AND (CAST(? AS TEXT) IS NULL OR source = ?)",
				   "ittt", org, canon, source, source);
		if (!rc)
			rc = kc_audit_appendf(st, err, actor, "asset.rm", canon,
					      "product %s removed from organisation #%lld", canon,
					      (long long)org);
		if (rc)
			kc_store_rollback(st);
		else
			rc = kc_store_commit(st, err);
	}
	free(canon);
	return rc;
}
