/*
 * scanpic.c - findings, ratings, KEV exposure and advisories for the
 * situational picture; see scanpic.h.
 */
#include "picture/scanpic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/visibility.h"
#include "base/kc.h"
#include "base/time.h"
#include "vuln/exposure.h"

static const char *nz(const char *s)
{
	return s ? s : "";
}

/*
 * Open and accepted findings in one pass over the covering index
 * finding_rating (status, org_id, severity, check_id), counted here: by
 * severity, and per check with its organisations and worst severity. Rows
 * come in (status, org_id) order, so an organisation is new to a check
 * exactly when it differs from the last one counted for it. Two passes
 * grouped by SQL took 55 ms on 100,000 findings (bench/picture), this one 15.
 */
struct check_acc {
	char key[200];
	int64_t n, orgs, last_org;
	int worst; /* 1 info .. 4 high */
};

static int sev_rank(const char *sev)
{
	return !strcmp(sev, "high") ? 4 : !strcmp(sev, "medium") ? 3 : !strcmp(sev, "low") ? 2 : 1;
}

static int by_count(const void *a, const void *b)
{
	const kc_pic_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

int kc_pic_findings_scan(kc_store *st, int64_t org_id, size_t max, kc_pic_findings *f, kc_pic_count **checks,
			 size_t *nchecks, kc_err *err)
{
	static const char *const rank_name[] = { "info", "info", "low", "medium", "high" };
	size_t cap = 256, used = 0;
	struct check_acc *tab = calloc(cap, sizeof(*tab));
	kc_stmt *s;
	int rc;

	memset(f, 0, sizeof(*f));
	if (checks) {
		*checks = NULL;
		*nchecks = 0;
	}
	if (!tab)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	rc = org_id ? kc_store_query(st, err, &s,
				     "SELECT status, severity, check_id, org_id FROM finding "
				     "WHERE status IN ('open', 'accepted') AND org_id = ? ORDER BY status, org_id",
				     "i", org_id)
		    : kc_store_query(st, err, &s,
				     "SELECT status, severity, check_id, org_id FROM finding "
				     "WHERE status IN ('open', 'accepted') ORDER BY status, org_id",
				     "");
	if (rc) {
		free(tab);
		return rc;
	}
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		const char *status = nz(kc_stmt_text(s, 0)), *sev = nz(kc_stmt_text(s, 1)), *check = nz(kc_stmt_text(s, 2));
		int64_t org = kc_stmt_int(s, 3);
		uint64_t h = 0xcbf29ce484222325ULL;
		size_t i;
		int r = sev_rank(sev);

		if (status[0] == 'a') {
			f->accepted++;
			continue;
		}
		if (r == 4)
			f->high++;
		else if (r == 3)
			f->medium++;
		else if (r == 2)
			f->low++;
		else
			f->info++;
		if (!checks)
			continue;
		for (const char *c = check; *c; c++)
			h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
		for (i = h & (cap - 1); tab[i].key[0] && strcmp(tab[i].key, check); i = (i + 1) & (cap - 1))
			;
		if (!tab[i].key[0]) {
			snprintf(tab[i].key, sizeof(tab[i].key), "%s", check);
			tab[i].last_org = -1;
			used++;
		}
		tab[i].n++;
		if (tab[i].last_org != org) {
			tab[i].orgs++;
			tab[i].last_org = org;
		}
		if (r > tab[i].worst)
			tab[i].worst = r;
		if (used > cap / 2) { /* grow: rehash */
			struct check_acc *bigger = calloc(cap * 2, sizeof(*bigger));

			if (!bigger) {
				rc = kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
				break;
			}
			for (size_t k = 0; k < cap; k++) {
				uint64_t g = 0xcbf29ce484222325ULL;
				size_t j;

				if (!tab[k].key[0])
					continue;
				for (const char *c = tab[k].key; *c; c++)
					g = (g ^ (unsigned char)*c) * 0x100000001b3ULL;
				for (j = g & (cap * 2 - 1); bigger[j].key[0]; j = (j + 1) & (cap * 2 - 1))
					;
				bigger[j] = tab[k];
			}
			free(tab);
			tab = bigger;
			cap *= 2;
		}
	}
	kc_stmt_finalize(s);
	if (rc < 0) {
		free(tab);
		return rc;
	}
	if (checks && used) {
		kc_pic_count *v = calloc(used, sizeof(*v));
		size_t n = 0;

		if (!v) {
			free(tab);
			return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		}
		for (size_t k = 0; k < cap; k++) {
			if (!tab[k].key[0])
				continue;
			snprintf(v[n].key, sizeof(v[n].key), "%s", tab[k].key);
			snprintf(v[n].severity, sizeof(v[n].severity), "%s", rank_name[tab[k].worst]);
			v[n].n = tab[k].n;
			v[n].orgs = tab[k].orgs;
			n++;
		}
		qsort(v, n, sizeof(*v), by_count);
		*checks = v;
		*nchecks = max && n > max ? max : n;
	}
	free(tab);
	return 0;
}

int kc_pic_findings_count(kc_store *st, int64_t org_id, kc_pic_findings *out, kc_err *err)
{
	return kc_pic_findings_scan(st, org_id, 0, out, NULL, NULL, err);
}

int kc_pic_top_checks(kc_store *st, int64_t org_id, size_t max, kc_pic_count **out, size_t *n, kc_err *err)
{
	kc_pic_findings f;

	return kc_pic_findings_scan(st, org_id, max ? max : 15, &f, out, n, err);
}

static void fill_count(kc_stmt *s, void *rec)
{
	kc_pic_count *c = rec;

	snprintf(c->key, sizeof(c->key), "%s", nz(kc_stmt_text(s, 0)));
	c->n = kc_stmt_int(s, 1);
	c->orgs = kc_stmt_int(s, 2);
	snprintf(c->severity, sizeof(c->severity), "%s", nz(kc_stmt_text(s, 3)));
}

int kc_pic_top_products(kc_store *st, int64_t org_id, size_t max, kc_pic_count **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_store_query(st, err, &s,
			    "SELECT vendor || ':' || product, count(*), count(DISTINCT org_id), '' FROM org_product "
			    "WHERE (? = 0 OR org_id = ?) GROUP BY vendor, product ORDER BY 3 DESC, 2 DESC, 1 LIMIT ?",
			    "iii", org_id, org_id, (int64_t)(max ? max : 15));
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_pic_count), fill_count, (void **)out, n, err);
}

/* ---- KEV ---- */

struct kev_walk {
	int64_t only;
	int64_t *orgs;	/* organisations seen for this CVE */
	int *definite;	/* and whether definitely */
	size_t norgs, cap;
	kc_pic_kev *k;
	int oom;
};

static int on_kev(const kc_exposure *e, void *arg)
{
	struct kev_walk *w = arg;
	size_t i;

	if (w->only && e->org_id != w->only)
		return 0;
	for (i = 0; i < w->norgs && w->orgs[i] != e->org_id; i++)
		;
	if (i == w->norgs) {
		if (w->norgs == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 32;
			int64_t *o = realloc(w->orgs, cap * sizeof(*o));
			int *d;

			if (o)
				w->orgs = o;
			d = o ? realloc(w->definite, cap * sizeof(*d)) : NULL;
			if (!d) {
				w->oom = 1;
				return KC_ENOMEM;
			}
			w->definite = d;
			w->cap = cap;
		}
		w->orgs[w->norgs] = e->org_id;
		w->definite[w->norgs++] = 0;
	}
	if (e->result == KC_CPE_MATCH)
		w->definite[i] = 1;
	if (!strstr(w->k->products, e->product)) {
		size_t len = strlen(w->k->products);

		if (len + strlen(e->product) + 3 < sizeof(w->k->products))
			snprintf(w->k->products + len, sizeof(w->k->products) - len, "%s%s", len ? "; " : "", e->product);
	}
	return 0;
}

static void fill_kev(kc_stmt *s, void *rec)
{
	kc_pic_kev *k = rec;

	snprintf(k->cve, sizeof(k->cve), "%s", nz(kc_stmt_text(s, 0)));
	snprintf(k->vendor, sizeof(k->vendor), "%s", nz(kc_stmt_text(s, 1)));
	snprintf(k->product, sizeof(k->product), "%s", nz(kc_stmt_text(s, 2)));
	snprintf(k->name, sizeof(k->name), "%s", nz(kc_stmt_text(s, 3)));
	snprintf(k->added, sizeof(k->added), "%.10s", nz(kc_stmt_text(s, 4)));
	snprintf(k->ransomware, sizeof(k->ransomware), "%s", nz(kc_stmt_text(s, 5)));
}

int kc_pic_kev_affected(kc_store *st, int64_t org_id, kc_pic_kev **out, size_t *n, kc_err *err)
{
	kc_pic_kev *v = NULL;
	size_t nv = 0, keep = 0;
	struct kev_walk w = { .only = org_id };
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	/* Candidates: KEV entries with a vulnerable criterion naming a vendor
	 * and product some organisation has (or a wildcard); exposure decides. */
	rc = kc_store_query(st, err, &s,
			    "SELECT k.cve_id, k.vendor, k.product, k.name, k.date_added, k.ransomware FROM kev k "
			    "WHERE EXISTS (SELECT 1 FROM cpe_match m WHERE m.cve_id = k.cve_id AND m.vulnerable = 1 "
			    "AND m.negate = 0 AND (m.vendor = '*' OR m.product = '*' OR EXISTS (SELECT 1 FROM org_product p "
			    "WHERE p.vendor = m.vendor AND p.product = m.product AND (? = 0 OR p.org_id = ?)))) "
			    "ORDER BY k.date_added DESC, k.cve_id",
			    "ii", org_id, org_id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_pic_kev), fill_kev, (void **)&v, &nv, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < nv && !rc; i++) {
		w.norgs = 0;
		w.k = &v[i];
		rc = kc_exposure_for_cve(st, v[i].cve, on_kev, &w, err);
		if (rc == KC_ENOENT) { /* KEV without NVD data: nothing to match */
			kc_err_clear(err);
			rc = 0;
			continue;
		}
		if (w.oom)
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
		if (rc || !w.norgs)
			continue;
		for (size_t j = 0; j < w.norgs; j++) {
			if (w.definite[j])
				v[i].definite++;
			else
				v[i].uncertain++;
		}
		v[keep++] = v[i];
	}
	free(w.orgs);
	free(w.definite);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = keep;
	return 0;
}

/* ---- ratings ---- */

int kc_pic_county_ratings(const kc_rating *v, size_t n, kc_pic_county **out, size_t *nout, kc_err *err)
{
	kc_pic_county *c = calloc(n + 1, sizeof(*c));
	size_t k = 0;

	*out = NULL;
	*nout = 0;
	if (!c)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < k && strcmp(c[j].code, v[i].county_code); j++)
			;
		if (j == k) {
			snprintf(c[k].code, sizeof(c[k].code), "%s", v[i].county_code);
			snprintf(c[k].name, sizeof(c[k].name), "%s", v[i].county);
			k++;
		}
		if ((unsigned)v[i].colour < 5)
			c[j].by[v[i].colour]++;
	}
	/* The whole country last. */
	for (size_t j = 0; j < k; j++)
		for (int col = 0; col < 5; col++)
			c[k].by[col] += c[j].by[col];
	*out = c;
	*nout = k + 1;
	return 0;
}

int kc_pic_colour_score(kc_colour c)
{
	return c == KC_COLOUR_GREY ? 0 : (int)c;
}

kc_colour kc_pic_score_colour(double score)
{
	int s = (int)(score + 0.5);

	return s < 1 ? KC_COLOUR_GREY : s > 4 ? KC_COLOUR_RED : (kc_colour)s;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static double median_of(int *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_int);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double kc_pic_rating_median(const kc_rating *v, size_t n, int64_t *rated)
{
	int *s = malloc((n ? n : 1) * sizeof(*s));
	size_t k = 0;
	double m;

	if (!s) {
		*rated = 0;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].colour != KC_COLOUR_GREY)
			s[k++] = kc_pic_colour_score(v[i].colour);
	*rated = (int64_t)k;
	m = median_of(s, k);
	free(s);
	return m;
}

static kc_colour colour_of(const char *s)
{
	static const char *const names[] = { "grey", "green", "yellow", "orange", "red" };

	for (int i = 0; i < 5; i++)
		if (s && !strcmp(s, names[i]))
			return (kc_colour)i;
	return KC_COLOUR_GREY;
}

int kc_pic_rating_compare(kc_store *st, int64_t org_id, size_t max, kc_pic_rating_day **out, size_t *n,
			  kc_err *err)
{
	kc_rating_day *d = NULL;
	kc_pic_rating_day *v;
	size_t nd = 0, ns = 0, cap = 0;
	int *scores = NULL;
	char cur[16] = "";
	size_t di = 0;
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_rating_trend(st, org_id, max, &d, &nd, err);
	if (rc)
		return rc;
	if (!nd) {
		free(d);
		return 0;
	}
	v = calloc(nd, sizeof(*v));
	if (!v) {
		free(d);
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < nd; i++) {
		snprintf(v[i].day, sizeof(v[i].day), "%s", d[i].day);
		v[i].own = d[i].colour;
		v[i].high = d[i].high;
		v[i].medium = d[i].medium;
		v[i].low = d[i].low;
		v[i].info = d[i].info;
	}
	free(d);
	/* Every municipality's rated days from the first of these, in day order. */
	rc = kc_store_query(st, err, &s,
			    "SELECT r.day, r.colour FROM rating_history r JOIN org o ON o.id = r.org_id "
			    "WHERE o.kind = 'municipality' AND r.day >= ? AND r.day <= ? AND r.colour <> 'grey' ORDER BY r.day",
			    "tt", v[0].day, v[nd - 1].day);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		const char *day = nz(kc_stmt_text(s, 0));

		rc = 0;
		if (strcmp(day, cur)) {
			/* close the previous day */
			while (di < nd && strcmp(v[di].day, cur) < 0)
				di++;
			if (di < nd && !strcmp(v[di].day, cur)) {
				v[di].rated = (int64_t)ns;
				v[di].median = median_of(scores, ns);
			}
			snprintf(cur, sizeof(cur), "%s", day);
			ns = 0;
		}
		if (ns == cap) {
			int *g = realloc(scores, (cap = cap ? 2 * cap : 512) * sizeof(*g));

			if (!g) {
				rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
				break;
			}
			scores = g;
		}
		scores[ns++] = kc_pic_colour_score(colour_of(kc_stmt_text(s, 1)));
	}
	if (s)
		kc_stmt_finalize(s);
	if (rc >= 0 && *cur) {
		while (di < nd && strcmp(v[di].day, cur) < 0)
			di++;
		if (di < nd && !strcmp(v[di].day, cur)) {
			v[di].rated = (int64_t)ns;
			v[di].median = median_of(scores, ns);
		}
	}
	free(scores);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = nd;
	return 0;
}

/* ---- advisories ---- */

#define KC_PIC_FOUND 1000

static int on_adv(const kc_exposure *e, void *arg)
{
	int64_t org = *(const int64_t *)arg;

	return e->result == KC_CPE_MATCH && e->org_id == org ? KC_PIC_FOUND : 0;
}

/* 1 when advisory ident concerns org (its products below the fixed version,
 * or its CVEs' NVD criteria), 0 when not, < 0 on error. */
static int concerns(kc_store *st, const char *ident, int64_t org, kc_err *err)
{
	kc_advisory a;
	kc_exposure_criterion *c;
	int rc;

	rc = kc_advisory_get(st, ident, &a, err);
	if (rc)
		return rc;
	c = calloc(a.nproducts ? a.nproducts : 1, sizeof(*c));
	if (!c) {
		kc_advisory_release(&a);
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < a.nproducts; i++) {
		c[i].cpe = a.products[i].cpe;
		c[i].range.end_excl = a.products[i].fixed;
	}
	rc = a.nproducts ? kc_exposure_for_criteria(st, c, a.nproducts, on_adv, &org, err) : 0;
	for (size_t i = 0; !rc && i < a.ncves; i++) {
		rc = kc_exposure_for_cve(st, a.cves[i].cve, on_adv, &org, err);
		if (rc == KC_ENOENT) {
			kc_err_clear(err);
			rc = 0;
		}
	}
	free(c);
	kc_advisory_release(&a);
	if (rc == KC_EINVAL) { /* an advisory product that is no CPE name matches nothing */
		kc_err_clear(err);
		rc = 0;
	}
	return rc == KC_PIC_FOUND ? 1 : rc;
}

int kc_pic_advisories(kc_store *st, const kc_user *u, int64_t org_id, size_t max, kc_pic_advisory **out, size_t *n,
		      kc_err *err)
{
	kc_adv_brief *b = NULL;
	kc_pic_advisory *v;
	size_t nb = 0, k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!max)
		max = 10;
	rc = kc_advisory_list(st, 1, 200, 0, &b, &nb, err);
	if (rc)
		return rc;
	v = calloc(max, sizeof(*v));
	if (!v) {
		free(b);
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < nb && k < max; i++) {
		int c = 0;

		if (!kc_may_read(u, org_id, b[i].tlp, NULL))
			continue;
		if (org_id) {
			c = concerns(st, b[i].ident, org_id, err);
			if (c < 0) {
				rc = c;
				break;
			}
			if (!c && b[i].tlp > KC_TLP_GREEN)
				continue;
		}
		v[k].a = b[i];
		v[k++].concerns = c;
	}
	free(b);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}
