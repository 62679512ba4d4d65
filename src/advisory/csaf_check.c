/*
 * csaf_check.c - CSAF 2.0 mandatory tests (section 6.1); see csaf_check.h.
 * The document is read with jansson; every member is looked at with its type
 * checked first, so hostile documents give failures, never crashes.
 */
#include "advisory/csaf_check.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "base/kc.h"
#include "vuln/cvss.h"

#define MAX_DEPTH 40

struct ck {
	kc_csaf_problem *v;
	size_t n, cap;
	int oom;
	json_t *doc;
	/* product ids defined (with their paths) and group ids */
	json_t *defined; /* object: id -> path */
	json_t *groups;	 /* object: group id -> array of product ids */
};

static void fail(struct ck *c, const char *test, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct ck *c, const char *test, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (c->n >= KC_CSAF_MAX_PROBLEMS)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		void *p = realloc(c->v, cap * sizeof(*c->v));

		if (!p) {
			c->oom = 1;
			return;
		}
		c->v = p;
		c->cap = cap;
	}
	snprintf(c->v[c->n].test, sizeof(c->v[c->n].test), "%s", test);
	snprintf(c->v[c->n].path, sizeof(c->v[c->n].path), "%s", path);
	va_start(ap, fmt);
	/* The message in the reader's language (i18n-check reads fail's 4th argument). */
	vsnprintf(c->v[c->n].message, sizeof(c->v[c->n].message), _(fmt), ap);
	va_end(ap);
	c->n++;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *arr(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_array(v) ? v : NULL;
}

static json_t *obj(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

/* ---- product ids ---- */

static void define(struct ck *c, json_t *fpn, const char *path)
{
	const char *id = str(fpn, "product_id");
	char p[300];

	if (!id)
		return;
	snprintf(p, sizeof(p), "%s/product_id", path);
	if (json_object_get(c->defined, id))
		fail(c, "6.1.2", p, "product id %.80s is defined more than once (first at %.80s)", id,
		     json_string_value(json_object_get(c->defined, id)));
	else
		json_object_set_new(c->defined, id, json_string(p));
}

static void walk_branches(struct ck *c, json_t *branches, const char *path, int depth)
{
	size_t i;
	json_t *b;

	if (!branches || depth > MAX_DEPTH)
		return;
	json_array_foreach(branches, i, b) {
		char p[300];
		const char *cat = str(b, "category"), *name = str(b, "name");

		snprintf(p, sizeof(p), "%s/%zu", path, i);
		if (cat && name && !strcmp(cat, "product_version")) {
			static const char *const words[] = { "after", "all", "before", "earlier", "later", "prior", "versions" };
			char lower[256];
			size_t k;
			int bad = strchr(name, '<') || strchr(name, '>');

			for (k = 0; name[k] && k + 1 < sizeof(lower); k++)
				lower[k] = (char)tolower((unsigned char)name[k]);
			lower[k] = '\0';
			for (size_t w = 0; w < KC_ARRAY_LEN(words) && !bad; w++) {
				size_t wl = strlen(words[w]);

				for (const char *q = strstr(lower, words[w]); q; q = strstr(q + 1, words[w]))
					if ((q == lower || !isalpha((unsigned char)q[-1])) && !isalpha((unsigned char)q[wl]))
						bad = 1;
			}
			if (bad) {
				char pn[320];

				snprintf(pn, sizeof(pn), "%s/name", p);
				fail(c, "6.1.31", pn, "product_version '%.80s' holds a version range", name);
			}
		}
		if (obj(b, "product")) {
			char pp[320];

			snprintf(pp, sizeof(pp), "%s/product", p);
			define(c, obj(b, "product"), pp);
		}
		{
			char pb[320];

			snprintf(pb, sizeof(pb), "%s/branches", p);
			walk_branches(c, arr(b, "branches"), pb, depth + 1);
		}
	}
}

typedef void (*ref_fn)(struct ck *c, const char *id, const char *path, void *arg);

static void each_id(struct ck *c, json_t *ids, const char *path, ref_fn fn, void *arg)
{
	size_t i;
	json_t *v;

	if (!ids)
		return;
	json_array_foreach(ids, i, v) {
		char p[300];

		if (!json_is_string(v))
			continue;
		snprintf(p, sizeof(p), "%s/%zu", path, i);
		fn(c, json_string_value(v), p, arg);
	}
}

static void must_be_defined(struct ck *c, const char *id, const char *path, void *arg)
{
	(void)arg;
	if (!json_object_get(c->defined, id))
		fail(c, "6.1.1", path, "product id %.80s is not defined in the product tree", id);
}

static void group_must_be_defined(struct ck *c, const char *id, const char *path, void *arg)
{
	(void)arg;
	if (!json_object_get(c->groups, id))
		fail(c, "6.1.4", path, "product group id %.80s is not defined", id);
}

static const char *const status_names[] = { "first_affected", "known_affected", "last_affected", "known_not_affected",
					    "first_fixed", "fixed", "under_investigation", "recommended" };
static const int status_class[] = { 1, 1, 1, 2, 3, 3, 4, 0 };

/* Every place product ids and group ids are referred to. */
static void each_ref(struct ck *c, ref_fn products, ref_fn groups, void *arg)
{
	json_t *pt = obj(c->doc, "product_tree"), *v, *vulns = arr(c->doc, "vulnerabilities");
	size_t i, k;
	char p[300];

	json_array_foreach(arr(pt, "product_groups"), i, v) {
		snprintf(p, sizeof(p), "/product_tree/product_groups/%zu/product_ids", i);
		each_id(c, arr(v, "product_ids"), p, products, arg);
	}
	json_array_foreach(arr(pt, "relationships"), i, v) {
		snprintf(p, sizeof(p), "/product_tree/relationships/%zu/product_reference", i);
		if (str(v, "product_reference"))
			products(c, str(v, "product_reference"), p, arg);
		snprintf(p, sizeof(p), "/product_tree/relationships/%zu/relates_to_product_reference", i);
		if (str(v, "relates_to_product_reference"))
			products(c, str(v, "relates_to_product_reference"), p, arg);
	}
	json_array_foreach(vulns, i, v) {
		static const char *const lists[] = { "remediations", "scores", "threats", "flags" };
		json_t *ps = obj(v, "product_status"), *x;

		for (size_t s = 0; s < KC_ARRAY_LEN(status_names); s++) {
			snprintf(p, sizeof(p), "/vulnerabilities/%zu/product_status/%s", i, status_names[s]);
			each_id(c, arr(ps, status_names[s]), p, products, arg);
		}
		for (size_t l = 0; l < KC_ARRAY_LEN(lists); l++)
			json_array_foreach(arr(v, lists[l]), k, x) {
				snprintf(p, sizeof(p), "/vulnerabilities/%zu/%s/%zu/%s", i, lists[l], k,
					 l == 1 ? "products" : "product_ids");
				each_id(c, arr(x, l == 1 ? "products" : "product_ids"), p, products, arg);
				if (groups && l != 1) {
					snprintf(p, sizeof(p), "/vulnerabilities/%zu/%s/%zu/group_ids", i, lists[l], k);
					each_id(c, arr(x, "group_ids"), p, groups, arg);
				}
			}
	}
}

/* 6.1.3: a relationship's product may not be built, directly or not, from itself. */
static int circular(struct ck *c, const char *start, const char *id, int depth)
{
	json_t *v;
	size_t i;

	if (depth > MAX_DEPTH)
		return 0;
	json_array_foreach(arr(obj(c->doc, "product_tree"), "relationships"), i, v) {
		const char *made = str(obj(v, "full_product_name"), "product_id");
		const char *refs[2] = { str(v, "product_reference"), str(v, "relates_to_product_reference") };

		if (!made || strcmp(made, id))
			continue;
		for (int r = 0; r < 2; r++)
			if (refs[r] && (!strcmp(refs[r], start) || circular(c, start, refs[r], depth + 1)))
				return 1;
	}
	return 0;
}

static void products_and_groups(struct ck *c)
{
	json_t *pt = obj(c->doc, "product_tree"), *v;
	size_t i;
	char p[300];

	json_array_foreach(arr(pt, "full_product_names"), i, v) {
		snprintf(p, sizeof(p), "/product_tree/full_product_names/%zu", i);
		define(c, v, p);
	}
	walk_branches(c, arr(pt, "branches"), "/product_tree/branches", 0);
	json_array_foreach(arr(pt, "relationships"), i, v) {
		snprintf(p, sizeof(p), "/product_tree/relationships/%zu/full_product_name", i);
		define(c, obj(v, "full_product_name"), p);
	}
	json_array_foreach(arr(pt, "product_groups"), i, v) {
		const char *g = str(v, "group_id");

		if (!g)
			continue;
		snprintf(p, sizeof(p), "/product_tree/product_groups/%zu/group_id", i);
		if (json_object_get(c->groups, g))
			fail(c, "6.1.5", p, "product group id %.80s is defined more than once", g);
		else
			json_object_set(c->groups, g, arr(v, "product_ids") ? arr(v, "product_ids") : json_array());
	}
	each_ref(c, must_be_defined, group_must_be_defined, NULL);
	json_array_foreach(arr(pt, "relationships"), i, v) {
		const char *made = str(obj(v, "full_product_name"), "product_id");

		snprintf(p, sizeof(p), "/product_tree/relationships/%zu", i);
		if (made && circular(c, made, made, 0))
			fail(c, "6.1.3", p, "product id %.80s is defined in terms of itself", made);
	}
}

/* ---- vulnerabilities ---- */

/* The product ids of a list of ids and groups, into set (object id -> true). */
static void collect(struct ck *c, json_t *o, json_t *set)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr(o, "product_ids"), i, v)
		if (json_is_string(v))
			json_object_set_new(set, json_string_value(v), json_true());
	json_array_foreach(arr(o, "group_ids"), i, v) {
		json_t *members = json_is_string(v) ? json_object_get(c->groups, json_string_value(v)) : NULL;
		size_t k;
		json_t *m;

		json_array_foreach(members, k, m)
			if (json_is_string(m))
				json_object_set_new(set, json_string_value(m), json_true());
	}
}

static const char *const v3_metric[][2] = { { "attackVector", "AV" },	     { "attackComplexity", "AC" },
					    { "privilegesRequired", "PR" },  { "userInteraction", "UI" },
					    { "scope", "S" },		     { "confidentialityImpact", "C" },
					    { "integrityImpact", "I" },	     { "availabilityImpact", "A" } };

static char v3_letter(const char *value)
{
	if (!strcmp(value, "ADJACENT_NETWORK"))
		return 'A';
	return value[0];
}

static void cvss_v3(struct ck *c, json_t *cv, const char *path)
{
	const char *ver = str(cv, "version"), *vec = str(cv, "vectorString");
	char p[320];

	if (!ver || !vec || !json_is_number(json_object_get(cv, "baseScore")) || !str(cv, "baseSeverity")) {
		fail(c, "6.1.8", path, "cvss_v3 needs version, vectorString, baseScore and baseSeverity");
		return;
	}
	if (strncmp(vec, "CVSS:", 5) || strncmp(vec + 5, ver, strlen(ver)) || vec[5 + strlen(ver)] != '/') {
		snprintf(p, sizeof(p), "%s/vectorString", path);
		fail(c, "6.1.8", p, "the vector is not a CVSS %.10s vector", ver);
		return;
	}
	/* 6.1.9: the scores and severities the document states are those the
	 * vector computes to (kcert's CVSS calculator, src/vuln/cvss.c). */
	{
		static const struct {
			const char *score, *severity;
			int which; /* 0 base, 1 temporal, 2 environmental */
		} field[] = { { "baseScore", "baseSeverity", 0 },
			      { "temporalScore", "temporalSeverity", 1 },
			      { "environmentalScore", "environmentalSeverity", 2 } };
		struct kc_cvss parsed;
		struct kc_cvss_scores sc;
		kc_err e;

		if (kc_cvss_parse_n(vec, strlen(vec), KC_CVSS_ANY_ORDER, &parsed, &e)) {
			snprintf(p, sizeof(p), "%s/vectorString", path);
			fail(c, "6.1.8", p, "invalid CVSS vector: %.200s", e.msg);
			return;
		}
		kc_cvss_compute(&parsed, &sc);
		for (size_t f = 0; f < KC_ARRAY_LEN(field); f++) {
			json_t *js = json_object_get(cv, field[f].score);
			const char *sev = str(cv, field[f].severity);
			int want10 = field[f].which == 0 ? sc.base10 : field[f].which == 1 ? sc.temporal10 : sc.environmental10;
			double want = want10 / 10.0;
			kc_cvss_severity ws = field[f].which == 0 ? sc.base_severity : kc_cvss_severity_of(want);
			char upper[16];

			if (js && (!json_is_number(js) || (int)lround(json_number_value(js) * 10.0) != want10)) {
				snprintf(p, sizeof(p), "%s/%s", path, field[f].score);
				fail(c, "6.1.9", p, "%s is not %.1f, which the vector computes to", field[f].score, want);
			}
			snprintf(upper, sizeof(upper), "%s", kc_cvss_severity_name(ws));
			for (char *u = upper; *u; u++)
				*u = (char)toupper((unsigned char)*u);
			if (sev && strcmp(sev, upper)) {
				snprintf(p, sizeof(p), "%s/%s", path, field[f].severity);
				fail(c, "6.1.9", p, "%s is not %s, which the vector computes to", field[f].severity, upper);
			}
		}
	}
	for (size_t m = 0; m < KC_ARRAY_LEN(v3_metric); m++) {
		const char *val = str(cv, v3_metric[m][0]);
		char want[8];
		const char *at;

		if (!val || !*val)
			continue;
		snprintf(want, sizeof(want), "/%s:", v3_metric[m][1]);
		at = strstr(vec, want);
		if (!at || at[strlen(want)] != v3_letter(val)) {
			snprintf(p, sizeof(p), "%s/%s", path, v3_metric[m][0]);
			fail(c, "6.1.10", p, "%.40s is %.40s but the vector says otherwise", v3_metric[m][0], val);
		}
	}
}

static void vulnerabilities(struct ck *c, const char *category)
{
	json_t *vulns = arr(c->doc, "vulnerabilities"), *v, *x;
	int advisory = category && !strcmp(category, "csaf_security_advisory");
	int vex = category && !strcmp(category, "csaf_vex");
	size_t i, k;
	char p[300];

	if ((advisory || vex) && !json_is_array(json_object_get(c->doc, "vulnerabilities")))
		fail(c, "6.1.27.11", "/", "a %s document needs vulnerabilities", category);
	if (category && !strcmp(category, "csaf_informational_advisory") && json_object_get(c->doc, "vulnerabilities"))
		fail(c, "6.1.27.3", "/vulnerabilities", "an informational advisory has no vulnerabilities");
	json_array_foreach(vulns, i, v) {
		json_t *ps = obj(v, "product_status"), *seen = json_object();
		const char *cve = str(v, "cve");

		/* 6.1.6 contradicting status */
		for (size_t s = 0; s < KC_ARRAY_LEN(status_names); s++) {
			json_t *id;
			size_t n;

			if (!status_class[s])
				continue;
			json_array_foreach(arr(ps, status_names[s]), n, id) {
				json_t *prev;

				if (!json_is_string(id))
					continue;
				prev = json_object_get(seen, json_string_value(id));
				if (prev && json_integer_value(prev) != status_class[s]) {
					snprintf(p, sizeof(p), "/vulnerabilities/%zu/product_status/%s/%zu", i, status_names[s], n);
					fail(c, "6.1.6", p, "product %.80s has contradicting product status", json_string_value(id));
				} else if (!prev) {
					json_object_set_new(seen, json_string_value(id), json_integer(status_class[s]));
				}
			}
		}
		json_decref(seen);
		/* 6.1.7 and CVSS */
		seen = json_object();
		json_array_foreach(arr(v, "scores"), k, x) {
			static const char *const kinds[] = { "cvss_v2", "cvss_v3" };
			json_t *id;
			size_t n;

			for (size_t t = 0; t < 2; t++) {
				json_t *cv = obj(x, kinds[t]);
				char key[300];

				if (!cv)
					continue;
				snprintf(p, sizeof(p), "/vulnerabilities/%zu/scores/%zu/%s", i, k, kinds[t]);
				if (t == 1)
					cvss_v3(c, cv, p);
				json_array_foreach(arr(x, "products"), n, id) {
					if (!json_is_string(id))
						continue;
					snprintf(key, sizeof(key), "%s|%s", str(cv, "version") ? str(cv, "version") : "",
						 json_string_value(id));
					if (json_object_get(seen, key)) {
						snprintf(p, sizeof(p), "/vulnerabilities/%zu/scores/%zu/products/%zu", i, k, n);
						fail(c, "6.1.7", p, "product %.80s has two CVSS %.10s scores",
						     json_string_value(id), str(cv, "version") ? str(cv, "version") : "");
					}
					json_object_set_new(seen, key, json_true());
				}
			}
		}
		json_decref(seen);
		/* 6.1.23 the same CVE twice */
		if (cve)
			for (size_t j = 0; j < i; j++) {
				const char *other = str(json_array_get(vulns, j), "cve");

				if (other && !strcmp(other, cve)) {
					snprintf(p, sizeof(p), "/vulnerabilities/%zu/cve", i);
					fail(c, "6.1.23", p, "%.40s is also in /vulnerabilities/%zu", cve, j);
					break;
				}
			}
		/* 6.1.24 involvements */
		json_array_foreach(arr(v, "involvements"), k, x) {
			for (size_t j = 0; j < k; j++) {
				json_t *y = json_array_get(arr(v, "involvements"), j);
				const char *pa = str(x, "party"), *pb = str(y, "party"), *da = str(x, "date"), *db = str(y, "date");

				if (pa && pb && !strcmp(pa, pb) && ((!da && !db) || (da && db && !strcmp(da, db)))) {
					snprintf(p, sizeof(p), "/vulnerabilities/%zu/involvements/%zu", i, k);
					fail(c, "6.1.24", p, "party %.40s at the same date twice", pa);
					break;
				}
			}
		}
		/* 6.1.29 remediation without product; 6.1.32 flag without product */
		json_array_foreach(arr(v, "remediations"), k, x)
			if (!arr(x, "product_ids") && !arr(x, "group_ids")) {
				snprintf(p, sizeof(p), "/vulnerabilities/%zu/remediations/%zu", i, k);
				fail(c, "6.1.29", p, "the remediation names no product_ids or group_ids");
			}
		json_array_foreach(arr(v, "flags"), k, x)
			if (!arr(x, "product_ids") && !arr(x, "group_ids")) {
				snprintf(p, sizeof(p), "/vulnerabilities/%zu/flags/%zu", i, k);
				fail(c, "6.1.32", p, "the flag names no product_ids or group_ids");
			}
		/* 6.1.33 several VEX justifications for one product */
		seen = json_object();
		json_array_foreach(arr(v, "flags"), k, x) {
			json_t *set = json_object();
			const char *id;
			json_t *val;

			collect(c, x, set);
			json_object_foreach(set, id, val) {
				if (json_object_get(seen, id)) {
					snprintf(p, sizeof(p), "/vulnerabilities/%zu/flags/%zu", i, k);
					fail(c, "6.1.33", p, "product %.80s has more than one flag", id);
				}
				json_object_set_new(seen, id, json_true());
			}
			json_decref(set);
		}
		json_decref(seen);
		/* profile tests */
		snprintf(p, sizeof(p), "/vulnerabilities/%zu", i);
		if ((advisory || vex) && !arr(v, "notes"))
			fail(c, "6.1.27.5", p, "each vulnerability of a %s has notes", category);
		if (advisory && !ps)
			fail(c, "6.1.27.6", p, "each vulnerability of a security advisory has a product_status");
		if (vex) {
			if (!arr(ps, "fixed") && !arr(ps, "known_affected") && !arr(ps, "known_not_affected") &&
			    !arr(ps, "under_investigation"))
				fail(c, "6.1.27.7", p, "a VEX vulnerability needs fixed, known_affected, known_not_affected or "
						       "under_investigation");
			if (!cve && !arr(v, "ids"))
				fail(c, "6.1.27.8", p, "a VEX vulnerability needs a cve or ids");
			{
				json_t *stated = json_object(), *id;
				size_t n;

				json_array_foreach(arr(v, "flags"), k, x)
					collect(c, x, stated);
				json_array_foreach(arr(v, "threats"), k, x)
					if (str(x, "category") && !strcmp(str(x, "category"), "impact"))
						collect(c, x, stated);
				json_array_foreach(arr(ps, "known_not_affected"), n, id)
					if (json_is_string(id) && !json_object_get(stated, json_string_value(id))) {
						snprintf(p, sizeof(p), "/vulnerabilities/%zu/product_status/known_not_affected/%zu",
							 i, n);
						fail(c, "6.1.27.9", p, "no impact statement for %.80s", json_string_value(id));
					}
				json_object_clear(stated);
				json_array_foreach(arr(v, "remediations"), k, x)
					collect(c, x, stated);
				json_array_foreach(arr(ps, "known_affected"), n, id)
					if (json_is_string(id) && !json_object_get(stated, json_string_value(id))) {
						snprintf(p, sizeof(p), "/vulnerabilities/%zu/product_status/known_affected/%zu", i,
							 n);
						fail(c, "6.1.27.10", p, "no action statement for %.80s", json_string_value(id));
					}
				json_decref(stated);
			}
		}
	}
}

/* ---- document ---- */

/* Semantic version: 1 and its parts; integer: 0; neither: -1. */
static int version_kind(const char *s, long *major, int *pre)
{
	const char *p = s;
	char *end;

	*pre = 0;
	*major = 0;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	*major = strtol(s, &end, 10);
	if (!*end)
		return 0;
	p = end;
	for (int part = 0; part < 2; part++) {
		if (*p != '.' || !isdigit((unsigned char)p[1]))
			return -1;
		strtol(p + 1, &end, 10);
		p = end;
	}
	if (*p == '-')
		*pre = 1;
	else if (*p && *p != '+')
		return -1;
	return 1;
}

/* The version without build metadata (and pre-release when asked). */
static void version_core(const char *s, int drop_pre, char *out, size_t cap)
{
	size_t n = strcspn(s, drop_pre ? "+-" : "+");

	snprintf(out, cap, "%.*s", (int)n, s);
}

static int lang_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	const char *p = s + n;

	if (!strcasecmp(s, "i-default"))
		return 1;
	if (n < 2 || n > 8 || n == 4)
		return 0;
	while (*p) {
		size_t k;

		if (*p != '-')
			return 0;
		p++;
		k = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (k < 1 || k > 8)
			return 0;
		p += k;
	}
	return 1;
}

struct rev {
	const char *number, *date;
	size_t idx;
};

static int by_date(const void *a, const void *b)
{
	const struct rev *x = a, *y = b;
	int c = strcmp(x->date, y->date);

	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static int version_cmp(const char *a, const char *b)
{
	/* Integers, or the numeric core of semantic versions, part by part. */
	while (*a || *b) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a != '.' || *b != '.')
			break;
		a++;
		b++;
	}
	return 0;
}

static void tracking(struct ck *c)
{
	json_t *doc = obj(c->doc, "document"), *tr = obj(doc, "tracking"), *hist = arr(tr, "revision_history"), *v;
	const char *version = str(tr, "version"), *status = str(tr, "status");
	struct rev *r;
	size_t n = json_array_size(hist), i, k = 0;
	long major;
	int pre, kind = version ? version_kind(version, &major, &pre) : -1;
	int released = status && (!strcmp(status, "final") || !strcmp(status, "interim"));
	char p[300];

	if (version && kind >= 0) {
		int zero = major == 0;

		if ((zero || pre) && status && strcmp(status, "draft"))
			fail(c, "6.1.17", "/document/tracking/status", "version %.40s is a draft's, the status is %.20s", version,
			     status);
		if (released && pre)
			fail(c, "6.1.20", "/document/tracking/version", "a %.20s document's version has no pre-release part",
			     status);
	}
	r = calloc(n ? n : 1, sizeof(*r));
	if (!r) {
		c->oom = 1;
		return;
	}
	json_array_foreach(hist, i, v) {
		const char *num = str(v, "number"), *date = str(v, "date");
		long mj;
		int pr, kd;

		if (!num || !date)
			continue;
		snprintf(p, sizeof(p), "/document/tracking/revision_history/%zu/number", i);
		kd = version_kind(num, &mj, &pr);
		if (pr)
			fail(c, "6.1.19", p, "revision %.40s has a pre-release part", num);
		if (released && kd >= 0 && mj == 0)
			fail(c, "6.1.18", p, "a %.20s document's history has revision %.40s", status, num);
		if (kind >= 0 && kd >= 0 && kd != kind)
			fail(c, "6.1.30", p, "revision %.40s and version %.40s mix integer and semantic versioning", num,
			     version);
		for (size_t j = 0; j < k; j++)
			if (!strcmp(r[j].number, num)) {
				fail(c, "6.1.22", p, "revision %.40s is in the history more than once", num);
				break;
			}
		r[k++] = (struct rev){ num, date, i };
	}
	if (k) {
		char a[64], b[64];
		long *majors = calloc(k, sizeof(long));

		qsort(r, k, sizeof(*r), by_date);
		for (i = 1; i < k; i++)
			if (version_cmp(r[i - 1].number, r[i].number) > 0) {
				snprintf(p, sizeof(p), "/document/tracking/revision_history/%zu/number", r[i].idx);
				fail(c, "6.1.14", p, "revision %.40s is dated after revision %.40s but numbered before it",
				     r[i].number, r[i - 1].number);
				break;
			}
		if (version) {
			version_core(version, status && !strcmp(status, "draft"), a, sizeof(a));
			version_core(r[k - 1].number, status && !strcmp(status, "draft"), b, sizeof(b));
			if (strcmp(a, b))
				fail(c, "6.1.16", "/document/tracking/version",
				     "version %.40s is not the number of the latest revision (%.40s)", version, r[k - 1].number);
		}
		/* 6.1.21: the (major) numbers start at 0 or 1 without gaps. */
		if (majors) {
			for (i = 0; i < k; i++)
				majors[i] = strtol(r[i].number, NULL, 10);
			for (i = 1; i < k; i++)
				for (size_t j = i; j > 0 && majors[j - 1] > majors[j]; j--) {
					long t = majors[j];

					majors[j] = majors[j - 1];
					majors[j - 1] = t;
				}
			if (majors[0] > 1)
				fail(c, "6.1.21", "/document/tracking/revision_history", "the history starts at revision %ld",
				     majors[0]);
			for (i = 1; i < k; i++)
				if (majors[i] > majors[i - 1] + 1) {
					fail(c, "6.1.21", "/document/tracking/revision_history",
					     "revision %ld is missing from the history", majors[i - 1] + 1);
					break;
				}
			free(majors);
		}
	}
	free(r);
}

static void document(struct ck *c, const char *category)
{
	static const char *const profiles[] = { "csaf_base", "csaf_security_advisory", "csaf_vex",
						"csaf_informational_advisory", "csaf_security_incident_response" };
	json_t *doc = obj(c->doc, "document"), *v;
	const char *lang = str(doc, "lang"), *src = str(doc, "source_lang");
	const char *pubcat = str(obj(doc, "publisher"), "category");
	size_t i;

	if (lang && !lang_ok(lang))
		fail(c, "6.1.12", "/document/lang", "'%.40s' is not a language tag", lang);
	if (src && !lang_ok(src))
		fail(c, "6.1.12", "/document/source_lang", "'%.40s' is not a language tag", src);
	if (pubcat && !strcmp(pubcat, "translator") && !src)
		fail(c, "6.1.15", "/document/source_lang", "a translator's document names its source_lang");
	if (lang && src && !strcasecmp(lang, src))
		fail(c, "6.1.28", "/document/lang", "a translation's lang differs from its source_lang");
	if (category) {
		int known = 0;

		for (i = 0; i < KC_ARRAY_LEN(profiles); i++)
			known |= !strcmp(category, profiles[i]);
		if (!known) {
			char norm[128];
			size_t k = 0;

			for (const char *q = category; *q && k + 1 < sizeof(norm); q++)
				if (*q != '-' && *q != '_' && *q != ' ')
					norm[k++] = (char)tolower((unsigned char)*q);
			norm[k] = '\0';
			if (!strncasecmp(category, "csaf_", 5))
				fail(c, "6.1.26", "/document/category", "'%.60s' is reserved (starts with csaf_)", category);
			else
				for (i = 1; i < KC_ARRAY_LEN(profiles); i++) {
					char pn[64];
					size_t m = 0;

					for (const char *q = profiles[i] + 5; *q; q++)
						if (*q != '_')
							pn[m++] = *q;
					pn[m] = '\0';
					if (!strcmp(norm, pn)) {
						fail(c, "6.1.26", "/document/category", "'%.60s' is too close to the profile %s",
						     category, profiles[i]);
						break;
					}
				}
		}
		if (!strcmp(category, "csaf_informational_advisory") || !strcmp(category, "csaf_security_incident_response")) {
			int note = 0, ext = 0;

			json_array_foreach(arr(doc, "notes"), i, v) {
				const char *nc = str(v, "category");

				note |= nc && (!strcmp(nc, "description") || !strcmp(nc, "details") || !strcmp(nc, "general") ||
					       !strcmp(nc, "summary"));
			}
			json_array_foreach(arr(doc, "references"), i, v) {
				const char *rc = str(v, "category");

				ext |= !rc || !strcmp(rc, "external");
			}
			if (!note)
				fail(c, "6.1.27.1", "/document/notes", "a note of category description, details, general or summary is needed");
			if (!ext)
				fail(c, "6.1.27.2", "/document/references", "an external reference is needed");
		}
		if ((!strcmp(category, "csaf_security_advisory") || !strcmp(category, "csaf_vex")) &&
		    !obj(c->doc, "product_tree"))
			fail(c, "6.1.27.4", "/", "a %s document needs a product_tree", category);
	}
	tracking(c);
}

/* 6.1.13 PURL and 6.1.25 hashes, wherever products are described. */
static void helpers(struct ck *c, json_t *node, char *path, size_t plen, int depth)
{
	if (depth > MAX_DEPTH * 3 || strlen(path) + 40 > plen)
		return;
	if (json_is_object(node)) {
		const char *key;
		json_t *v;
		size_t len = strlen(path);

		json_object_foreach(node, key, v) {
			snprintf(path + len, plen - len, "/%.30s", key);
			if (!strcmp(key, "purl") && json_is_string(v)) {
				const char *s = json_string_value(v), *slash = strchr(s, '/');

				if (strncmp(s, "pkg:", 4) || !slash || slash == s + 4 || !slash[1] ||
				    strspn(s + 4, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-") !=
					    (size_t)(slash - s - 4))
					fail(c, "6.1.13", path, "'%.80s' is not a package URL", s);
			}
			if (!strcmp(key, "hashes") && json_is_array(v)) {
				size_t i;
				json_t *fh;

				json_array_foreach(v, i, fh) {
					json_t *hs = arr(fh, "file_hashes"), *h;
					size_t k;

					json_array_foreach(hs, k, h) {
						const char *alg = str(h, "algorithm");

						for (size_t j = 0; alg && j < k; j++) {
							const char *other = str(json_array_get(hs, j), "algorithm");

							if (other && !strcmp(other, alg)) {
								snprintf(path + len, plen - len, "/hashes/%zu/file_hashes/%zu", i, k);
								fail(c, "6.1.25", path, "hash algorithm %.20s is used twice", alg);
								break;
							}
						}
					}
				}
			}
			helpers(c, v, path, plen, depth + 1);
		}
		path[len] = '\0';
	} else if (json_is_array(node)) {
		size_t i, len = strlen(path);
		json_t *v;

		json_array_foreach(node, i, v) {
			snprintf(path + len, plen - len, "/%zu", i);
			helpers(c, v, path, plen, depth + 1);
		}
		path[len] = '\0';
	}
}

int kc_csaf_check(const char *data, size_t len, kc_csaf_problem **out, size_t *n, kc_err *err)
{
	struct ck c = { 0 };
	json_error_t je;
	char path[512] = "";

	*out = NULL;
	*n = 0;
	if (len > KC_CSAF_MAX_INPUT)
		return kc_err_set(err, KC_ETOOBIG, _("the document is larger than %u bytes"), KC_CSAF_MAX_INPUT);
	c.doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!c.doc)
		return kc_err_set(err, KC_EPARSE, _("not JSON: line %d, column %d: %s"), je.line, je.column, je.text);
	if (!json_is_object(c.doc)) {
		json_decref(c.doc);
		return kc_err_set(err, KC_EPARSE, _("not a CSAF document: the top level is not a JSON object"));
	}
	c.defined = json_object();
	c.groups = json_object();
	{
		const char *category = str(obj(c.doc, "document"), "category");

		products_and_groups(&c);
		document(&c, category);
		vulnerabilities(&c, category);
		helpers(&c, c.doc, path, sizeof(path), 0);
	}
	json_decref(c.defined);
	json_decref(c.groups);
	json_decref(c.doc);
	if (c.oom) {
		free(c.v);
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
