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

/* One (organisation, product) found, with the criterion that decided. */
struct hit {
	int64_t product_id, org_id;
	char *slug, *name, *cpe, *source, *evidence;
	int confidence;
	size_t crit;
	kc_cpe_match_result result;
};

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

static void hits_free(struct hit *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].slug);
		free(h[i].name);
		free(h[i].cpe);
		free(h[i].source);
		free(h[i].evidence);
	}
	free(h);
}

static int hit_order(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->product_id < y->product_id ? -1 : x->product_id > y->product_id;
}

/* A plain literal usable for the (vendor, product) index, else NULL. */
static const char *plain(const kc_cpe *c, int attr)
{
	const kc_cpe_value *v = &c->v[attr];

	if (v->kind != KC_CPE_VALUE || v->lead_star || v->trail_star || v->lead_q || v->trail_q)
		return NULL;
	return kc_cpe_literal(c, attr);
}

/* Match every product that may fall under criteria[0..n) and report each
 * (organisation, product) once. */
static int walk(kc_store *st, struct crit *cr, size_t n, const char *cve, kc_exposure_fn fn,
		void *arg, kc_err *err)
{
	struct hit *hits = NULL;
	size_t nhits = 0, cap = 0;
	kc_cpe *pc = malloc(sizeof(*pc));
	int rc = 0;

	if (!pc)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (size_t i = 0; i < n && !rc; i++) {
		const char *vendor = plain(&cr[i].parsed, KC_CPE_VENDOR);
		const char *product = plain(&cr[i].parsed, KC_CPE_PRODUCT);
		kc_cpe_range range = { cr[i].si, cr[i].se, cr[i].ei, cr[i].ee };
		kc_stmt *s;

		rc = kc_store_query(st, err, &s,
				    "SELECT p.id, p.org_id, o.slug, o.name, p.cpe, p.source, p.confidence, "
				    "p.evidence FROM org_product p JOIN org o ON o.id = p.org_id "
				    "WHERE (CAST(? AS TEXT) IS NULL OR p.vendor = ?) "
				    "AND (CAST(? AS TEXT) IS NULL OR p.product = ?) ORDER BY p.id",
				    "tttt", vendor, vendor, product, product);
		while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
			const char *cpe = kc_stmt_text(s, 4);
			int64_t pid = kc_stmt_int(s, 0);
			kc_cpe_match_result r;
			size_t k;

			rc = 0;
			if (!cpe || kc_cpe_parse(cpe, strlen(cpe), pc, NULL) < 0)
				continue;
			r = kc_cpe_match(&cr[i].parsed, &range, pc);
			if (r == KC_CPE_NO_MATCH)
				continue;
			for (k = 0; k < nhits && hits[k].product_id != pid; k++)
				;
			if (k < nhits) {
				if (r == KC_CPE_MATCH && hits[k].result != KC_CPE_MATCH) {
					hits[k].result = r;
					hits[k].crit = i;
				}
				continue;
			}
			if (nhits == cap) {
				struct hit *nh = realloc(hits, (cap ? cap * 2 : 16) * sizeof(*nh));
				if (!nh) {
					rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
					break;
				}
				hits = nh;
				cap = cap ? cap * 2 : 16;
			}
			hits[nhits] = (struct hit){
				.product_id = pid,
				.org_id = kc_stmt_int(s, 1),
				.slug = dup_or_null(kc_stmt_text(s, 2)),
				.name = dup_or_null(kc_stmt_text(s, 3)),
				.cpe = strdup(cpe),
				.source = dup_or_null(kc_stmt_text(s, 5)),
				.confidence = (int)kc_stmt_int(s, 6),
				.evidence = dup_or_null(kc_stmt_text(s, 7)),
				.crit = i,
				.result = r,
			};
			nhits++;
		}
		if (rc == KC_DONE)
			rc = 0;
		kc_stmt_finalize(s);
	}
	free(pc);
	if (!rc && nhits)
		qsort(hits, nhits, sizeof(*hits), hit_order);
	for (size_t k = 0; k < nhits && !rc; k++) {
		const struct crit *c = &cr[hits[k].crit];
		kc_exposure e = {
			.org_id = hits[k].org_id,
			.org_slug = hits[k].slug ? hits[k].slug : "",
			.org_name = hits[k].name ? hits[k].name : "",
			.cve = cve,
			.product = hits[k].cpe,
			.criterion = c->cpe,
			.range = { c->si, c->se, c->ei, c->ee },
			.source = hits[k].source ? hits[k].source : "",
			.confidence = hits[k].confidence,
			.evidence = hits[k].evidence,
			.result = hits[k].result,
		};
		rc = fn(&e, arg);
	}
	hits_free(hits, nhits);
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
			    "SELECT criterion, start_incl, start_excl, end_incl, end_excl FROM cpe_match "
			    "WHERE cve_id = ? AND vulnerable = 1 AND negate = 0 ORDER BY id",
			    "t", cve);
	while (!rc && (rc = kc_stmt_step(s, err)) == KC_ROW) {
		kc_cpe_range r = { kc_stmt_text(s, 1), kc_stmt_text(s, 2), kc_stmt_text(s, 3),
				   kc_stmt_text(s, 4) };
		rc = add_crit(&cr, &n, kc_stmt_text(s, 0), &r, err);
		/* A stored criterion was canonical when imported; skip it if not. */
		if (rc == KC_EINVAL)
			rc = 0;
	}
	if (rc == KC_DONE)
		rc = 0;
	kc_stmt_finalize(s);
	if (!rc)
		rc = walk(st, cr, n, cve, fn, arg, err);
	crits_free(cr, n);
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
