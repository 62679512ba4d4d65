/*
 * advisory.c - advisories in the store: new, edit, publish, update, get, list;
 * see advisory.h. Each change is one transaction with its audit entry (and,
 * on publish and update, the notices of advisory_notify.c).
 */
#include "advisory/advisory.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "advisory/notify.h"
#include "audit/audit.h"
#include "base/time.h"
#include "base/kc.h"
#include "vuln/cvss.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void kc_advisory_release(kc_advisory *a)
{
	free(a->title);
	free(a->summary);
	free(a->body);
	free(a->title_en);
	free(a->summary_en);
	free(a->body_en);
	for (size_t i = 0; i < a->ncves; i++) {
		free(a->cves[i].cve);
		free(a->cves[i].cvss_vector);
		free(a->cves[i].cvss_score);
	}
	free(a->cves);
	for (size_t i = 0; i < a->nproducts; i++) {
		free(a->products[i].cpe);
		free(a->products[i].fixed);
	}
	free(a->products);
	for (size_t i = 0; i < a->nremedies; i++) {
		free(a->remedies[i].category);
		free(a->remedies[i].text);
	}
	free(a->remedies);
	for (size_t i = 0; i < a->nrefs; i++) {
		free(a->refs[i].url);
		free(a->refs[i].summary);
	}
	free(a->refs);
	for (size_t i = 0; i < a->nrevs; i++)
		free(a->revs[i].summary);
	free(a->revs);
	memset(a, 0, sizeof(*a));
}

static const struct {
	const char *nb, *en, *alt;
} severities[] = {
	{ "lav", "Low", "low" },
	{ "moderat", "Medium", "medium" },
	{ "alvorlig", "High", "high" },
	{ "kritisk", "Critical", "critical" },
};

const char *kc_advisory_severity_en(const char *sev)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(severities); i++)
		if (!strcmp(sev, severities[i].nb))
			return severities[i].en;
	return "Medium";
}

static const char *severity_parse(const char *s)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(severities); i++)
		if (!strcasecmp(s, severities[i].nb) || !strcasecmp(s, severities[i].alt))
			return severities[i].nb;
	return NULL;
}

const char *kc_cvss3_severity_of(const char *score, double *value)
{
	char *end;
	double v;

	if (!score || !isdigit((unsigned char)score[0]))
		return NULL;
	v = strtod(score, &end);
	if (*end || v < 0.0 || v > 10.0)
		return NULL;
	/* One decimal at most, as CVSS scores are. */
	if (strchr(score, '.') && strlen(strchr(score, '.')) > 2)
		return NULL;
	if (value)
		*value = v;
	if (v == 0.0)
		return "NONE";
	if (v < 4.0)
		return "LOW";
	if (v < 7.0)
		return "MEDIUM";
	if (v < 9.0)
		return "HIGH";
	return "CRITICAL";
}

/* One field of a CPE 2.3 formatted string, as CSAF's schema has it: "*", "-",
 * or unescaped [A-Za-z0-9._-] and escaped punctuation, with an optional run of
 * "?" or one "*" at either end; the language field (index 8) a language tag. */
static int cpe_field_ok(const char *f, int idx)
{
	size_t n = strlen(f), i = 0, end = n;

	if (!strcmp(f, "*") || !strcmp(f, "-"))
		return 1;
	if (idx == 8) {
		size_t k = 0;

		while (isalpha((unsigned char)f[k]))
			k++;
		if (k < 2 || k > 3)
			return 0;
		if (!f[k])
			return 1;
		if (f[k] != '-')
			return 0;
		if (isalpha((unsigned char)f[k + 1]) && isalpha((unsigned char)f[k + 2]) && !f[k + 3])
			return 1;
		return isdigit((unsigned char)f[k + 1]) && isdigit((unsigned char)f[k + 2]) &&
		       isdigit((unsigned char)f[k + 3]) && !f[k + 4];
	}
	if (f[0] == '*')
		i = 1;
	else
		while (f[i] == '?')
			i++;
	if (end > i && f[end - 1] == '*' && (end < 2 || f[end - 2] != '\\'))
		end--;
	else
		while (end > i && f[end - 1] == '?' && (end < 2 || f[end - 2] != '\\'))
			end--;
	if (end <= i)
		return 0;
	for (; i < end; i++) {
		unsigned char c = (unsigned char)f[i];

		if (c == '\\') {
			if (i + 1 >= end || !strchr("\\*?!\"#$%&'()+,/:;<=>@[]^`{|}~", f[i + 1]) || !f[i + 1])
				return 0;
			i++;
		} else if (!isalnum(c) && c != '-' && c != '.' && c != '_') {
			return 0;
		}
	}
	return 1;
}

/* Split a CPE 2.3 formatted string at its unescaped colons. */
int kc_cpe_names_parse(const char *cpe, kc_cpe_names *out, kc_err *err)
{
	char field[13][128];
	size_t nf = 0, k = 0;

	memset(out, 0, sizeof(*out));
	if (!cpe || strncmp(cpe, "cpe:2.3:", 8))
		return kc_err_set(err, KC_EINVAL, _("'%.80s' is not a CPE 2.3 name (cpe:2.3:part:vendor:product:...)"),
				  cpe ? cpe : "");
	for (const char *p = cpe;; p++) {
		if (*p == '\\' && p[1]) {
			if (k + 2 >= sizeof(field[0]))
				return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s': a field is too long"), cpe);
			field[nf][k++] = *p++;
			field[nf][k++] = *p;
			continue;
		}
		if (*p == ':' || !*p) {
			field[nf][k] = '\0';
			if (!k)
				return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s': field %zu is empty"), cpe, nf + 1);
			nf++;
			k = 0;
			if (!*p)
				break;
			if (nf == 13)
				return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s' has more than 13 fields"), cpe);
			continue;
		}
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s': a character that must be escaped or is not allowed"),
					  cpe);
		if (k + 1 >= sizeof(field[0]))
			return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s': a field is too long"), cpe);
		field[nf][k++] = *p;
	}
	if (nf != 13)
		return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s' has %zu fields, not 13"), cpe, nf);
	for (size_t i = 3; i < 13; i++)
		if (!cpe_field_ok(field[i], (int)i))
			return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s': field %zu ('%.40s') is not well-formed"), cpe,
					  i + 1, field[i]);
	if (strcmp(field[2], "a") && strcmp(field[2], "o") && strcmp(field[2], "h") && strcmp(field[2], "*"))
		return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s': the part is a, o or h"), cpe);
	if (!strcmp(field[3], "*") || !strcmp(field[3], "-") || !strcmp(field[4], "*") || !strcmp(field[4], "-"))
		return kc_err_set(err, KC_EINVAL, _("CPE name '%.80s' names no vendor or product"), cpe);
	snprintf(out->part, sizeof(out->part), "%s", field[2]);
	snprintf(out->vendor, sizeof(out->vendor), "%s", field[3]);
	snprintf(out->product, sizeof(out->product), "%s", field[4]);
	snprintf(out->version, sizeof(out->version), "%s", field[5]);
	return 0;
}

/* "KCERT-2026-0001" in any case; out is upper case. */
static int ident_parse(const char *s, char out[KC_ADV_ID_LEN], kc_err *err)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n < 15 || n >= KC_ADV_ID_LEN || strncasecmp(s, "KCERT-", 6) || s[10] != '-')
		goto bad;
	for (i = 6; i < n; i++)
		if (i != 10 && !isdigit((unsigned char)s[i]))
			goto bad;
	for (i = 0; i <= n; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	return 0;
bad:
	return kc_err_set(err, KC_EINVAL, _("'%.40s' is not an advisory id (KCERT-YYYY-NNNN)"), s ? s : "");
}

/* Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int utf8_ok(const unsigned char *p)
{
	while (*p) {
		unsigned c = *p, n, cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		p += n + 1;
	}
	return 1;
}

static int check_text(const char *what, const char *s, size_t max, int required, kc_err *err)
{
	if (!s)
		return required ? kc_err_set(err, KC_EINVAL, _("%s is required"), what) : 0;
	if (required && !*s)
		return kc_err_set(err, KC_EINVAL, _("%s must not be empty"), what);
	if (strlen(s) > max)
		return kc_err_set(err, KC_ETOOBIG, _("%s is longer than %zu bytes"), what, max);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			return kc_err_set(err, KC_EINVAL, _("%s holds a control character"), what);
	if (!utf8_ok((const unsigned char *)s))
		return kc_err_set(err, KC_EINVAL, _("%s is not valid UTF-8"), what);
	return 0;
}

static int cve_ok(const char *s, size_t n)
{
	size_t digits = 0;

	if (n < 13 || strncmp(s, "CVE-", 4) || s[8] != '-')
		return 0;
	for (size_t i = 4; i < n; i++) {
		if (i == 8)
			continue;
		if (!isdigit((unsigned char)s[i]))
			return 0;
		if (i > 8)
			digits++;
	}
	return digits >= 4 && digits <= 19;
}

/* "CVE-2026-1234", "CVE-2026-1234=CVSS:3.1/..." or "CVE-2026-1234=9.8=CVSS:3.1/...":
 * the vector is checked and scored by kcert's CVSS calculator; a score given
 * with it must be the one it computes to. */
static int cve_parse(const char *s, kc_adv_cve *out, kc_err *err)
{
	const char *eq = strchr(s, '='), *eq2, *vec;
	size_t n = eq ? (size_t)(eq - s) : strlen(s);
	char score[8];
	struct kc_cvss v;
	struct kc_cvss_scores sc;
	kc_err e;

	memset(out, 0, sizeof(*out));
	if (!cve_ok(s, n))
		return kc_err_set(err, KC_EINVAL, _("'%.60s' is not a CVE id (CVE-YYYY-NNNN)"), s);
	if (eq) {
		eq2 = strchr(eq + 1, '=');
		vec = eq2 ? eq2 + 1 : eq + 1;
		if (kc_cvss_parse(vec, &v, &e))
			return kc_err_set(err, KC_EINVAL, _("'%.100s': not a CVSS v3.1 vector: %s"), vec, e.msg);
		if (v.version != KC_CVSS_V31)
			return kc_err_set(err, KC_EINVAL, _("'%.100s': CSAF 2.0 takes CVSS v3.1 vectors here"), vec);
		kc_cvss_compute(&v, &sc);
		snprintf(score, sizeof(score), "%.1f", sc.base);
		if (eq2) {
			char given[8];

			if ((size_t)(eq2 - eq - 1) >= sizeof(given))
				return kc_err_set(err, KC_EINVAL, _("'%.60s': give CVE=VECTOR or CVE=SCORE=VECTOR"), s);
			memcpy(given, eq + 1, (size_t)(eq2 - eq - 1));
			given[eq2 - eq - 1] = '\0';
			if (!kc_cvss3_severity_of(given, NULL))
				return kc_err_set(err, KC_EINVAL, _("'%.60s': %s is not a CVSS base score (0.0-10.0)"), s,
						  given);
			if (strtod(given, NULL) * 10.0 + 0.5 < sc.base10 || strtod(given, NULL) * 10.0 - 0.5 > sc.base10)
				return kc_err_set(err, KC_EINVAL, _("'%.60s': the vector's base score is %s, not %s"), s,
						  score, given);
		}
		out->cvss_score = strdup(score);
		out->cvss_vector = strdup(vec);
	}
	out->cve = strndup(s, n);
	return 0;
}

static int url_ok(const char *u)
{
	if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
		return 0;
	if (strlen(u) > 2000 || strlen(u) < 10)
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return 0;
	return 1;
}

/* The last '=' not escaped by a backslash. */
static const char *last_eq(const char *s)
{
	const char *r = NULL;

	for (const char *p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '=')
			r = p;
	}
	return r;
}

static int version_ok(const char *v)
{
	if (!*v || strlen(v) > 100)
		return 0;
	/* What a CPE version field holds unescaped. */
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (!isalnum(*p) && *p != '.' && *p != '-' && *p != '_')
			return 0;
	return 1;
}

/* Check everything in in; nothing is written. */
static int validate(const kc_adv_input *in, int creating, kc_err *err)
{
	kc_tlp t;
	kc_cpe_names nm;
	int rc;

	if ((rc = check_text(_("the title"), in->title, KC_ADV_TITLE_MAX, creating, err)) ||
	    (in->title && !creating && (rc = check_text(_("the title"), in->title, KC_ADV_TITLE_MAX, 1, err))) ||
	    (rc = check_text(_("the summary"), in->summary, KC_ADV_SUMMARY_MAX, 0, err)) ||
	    (rc = check_text(_("the body"), in->body, KC_ADV_BODY_MAX, 0, err)) ||
	    (rc = check_text(_("the English title"), in->title_en, KC_ADV_TITLE_MAX, 0, err)) ||
	    (rc = check_text(_("the English summary"), in->summary_en, KC_ADV_SUMMARY_MAX, 0, err)) ||
	    (rc = check_text(_("the English body"), in->body_en, KC_ADV_BODY_MAX, 0, err)))
		return rc;
	if (in->tlp && kc_tlp_parse(in->tlp, &t))
		return kc_err_set(err, KC_EINVAL, _("'%.40s' is not a TLP label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"),
				  in->tlp);
	if (in->severity && !severity_parse(in->severity))
		return kc_err_set(err, KC_EINVAL, _("'%.40s' is not a severity (lav, moderat, alvorlig, kritisk)"),
				  in->severity);
	if (in->ncves > KC_ADV_LIST_MAX || in->nproducts > KC_ADV_LIST_MAX || in->nfixed > KC_ADV_LIST_MAX ||
	    in->nrefs > KC_ADV_LIST_MAX || in->nrecommendations + in->nworkarounds > KC_ADV_LIST_MAX)
		return kc_err_set(err, KC_ETOOBIG, _("at most %d CVEs, products, remedies or references"), KC_ADV_LIST_MAX);
	for (size_t i = 0; i < in->ncves; i++) {
		kc_adv_cve c;

		rc = cve_parse(in->cves[i], &c, err);
		free(c.cve);
		free(c.cvss_score);
		free(c.cvss_vector);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strncmp(in->cves[i], in->cves[j], 13) &&
			    strcspn(in->cves[i], "=") == strcspn(in->cves[j], "=") &&
			    !strncmp(in->cves[i], in->cves[j], strcspn(in->cves[i], "=")))
				return kc_err_set(err, KC_EEXIST, _("%.40s is given twice"), in->cves[i]);
	}
	for (size_t i = 0; i < in->nproducts; i++) {
		if ((rc = kc_cpe_names_parse(in->products[i], &nm, err)))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(in->products[i], in->products[j]))
				return kc_err_set(err, KC_EEXIST, _("product %.100s is given twice"), in->products[i]);
	}
	for (size_t i = 0; i < in->nfixed; i++) {
		const char *eq = last_eq(in->fixed[i]);
		char cpe[400];

		if (!eq || (size_t)(eq - in->fixed[i]) >= sizeof(cpe))
			return kc_err_set(err, KC_EINVAL, _("'%.100s': give --fixed CPE=VERSION"), in->fixed[i]);
		memcpy(cpe, in->fixed[i], (size_t)(eq - in->fixed[i]));
		cpe[eq - in->fixed[i]] = '\0';
		if ((rc = kc_cpe_names_parse(cpe, &nm, err)))
			return rc;
		if (!version_ok(eq + 1))
			return kc_err_set(err, KC_EINVAL, _("'%.100s': the fixed version must be one version (letters, digits, '.', '-', '_')"),
					  in->fixed[i]);
	}
	for (size_t i = 0; i < in->nrecommendations; i++)
		if ((rc = check_text(_("a recommendation"), in->recommendations[i], KC_ADV_SUMMARY_MAX, 1, err)))
			return rc;
	for (size_t i = 0; i < in->nworkarounds; i++)
		if ((rc = check_text(_("a workaround"), in->workarounds[i], KC_ADV_SUMMARY_MAX, 1, err)))
			return rc;
	for (size_t i = 0; i < in->nrefs; i++) {
		char url[2100];
		size_t n = strcspn(in->refs[i], " \t");

		if (n >= sizeof(url))
			return kc_err_set(err, KC_EINVAL, _("reference '%.80s...' is too long"), in->refs[i]);
		memcpy(url, in->refs[i], n);
		url[n] = '\0';
		if (!url_ok(url))
			return kc_err_set(err, KC_EINVAL, _("reference '%.100s' is not an http(s) URL"), url);
		if ((rc = check_text(_("a reference's summary"), in->refs[i] + n, 1000, 0, err)))
			return rc;
	}
	return 0;
}

static int write_lists(kc_store *st, int64_t id, const kc_adv_input *in, kc_err *err)
{
	int rc = 0;

	if (in->set_cves) {
		rc = kc_store_exec(st, err, NULL, "DELETE FROM advisory_cve WHERE advisory_id = ?", "i", id);
		for (size_t i = 0; i < in->ncves && !rc; i++) {
			kc_adv_cve c;

			if (!(rc = cve_parse(in->cves[i], &c, err)))
				rc = kc_store_exec(st, err, NULL,
						   "INSERT INTO advisory_cve (advisory_id, cve, cvss_vector, cvss_score) VALUES (?, ?, ?, ?)",
						   "ittt", id, c.cve, c.cvss_vector, c.cvss_score);
			free(c.cve);
			free(c.cvss_vector);
			free(c.cvss_score);
		}
	}
	if (!rc && in->set_products) {
		/* Keep the fixed versions of products that stay. */
		rc = kc_store_exec(st, err, NULL, "CREATE TEMPORARY TABLE IF NOT EXISTS advisory_keep (cpe TEXT, fixed TEXT)", "");
		if (!rc)
			rc = kc_store_exec(st, err, NULL, "DELETE FROM advisory_keep", "");
		if (!rc)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO advisory_keep SELECT cpe, fixed_version FROM advisory_product WHERE advisory_id = ?",
					   "i", id);
		if (!rc)
			rc = kc_store_exec(st, err, NULL, "DELETE FROM advisory_product WHERE advisory_id = ?", "i", id);
		for (size_t i = 0; i < in->nproducts && !rc; i++)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO advisory_product (advisory_id, cpe, fixed_version) VALUES (?, ?, "
					   "(SELECT MAX(fixed) FROM advisory_keep WHERE cpe = ?))",
					   "itt", id, in->products[i], in->products[i]);
	}
	for (size_t i = 0; in->set_fixed && i < in->nfixed && !rc; i++) {
		const char *eq = last_eq(in->fixed[i]);
		char *cpe = strndup(in->fixed[i], (size_t)(eq - in->fixed[i]));
		int64_t have = 0;

		rc = kc_store_scalar_int(st, err, &have, "SELECT COUNT(*) FROM advisory_product WHERE advisory_id = ? AND cpe = ?",
					 "it", id, cpe);
		if (!rc && have)
			rc = kc_store_exec(st, err, NULL, "UPDATE advisory_product SET fixed_version = ? WHERE advisory_id = ? AND cpe = ?",
					   "tit", eq + 1, id, cpe);
		else if (!rc)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO advisory_product (advisory_id, cpe, fixed_version) VALUES (?, ?, ?)", "itt", id,
					   cpe, eq + 1);
		free(cpe);
	}
	if (!rc && in->set_remedies) {
		rc = kc_store_exec(st, err, NULL, "DELETE FROM advisory_remedy WHERE advisory_id = ?", "i", id);
		for (size_t i = 0; i < in->nrecommendations && !rc; i++)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO advisory_remedy (advisory_id, category, text) VALUES (?, 'mitigation', ?)", "it",
					   id, in->recommendations[i]);
		for (size_t i = 0; i < in->nworkarounds && !rc; i++)
			rc = kc_store_exec(st, err, NULL,
					   "INSERT INTO advisory_remedy (advisory_id, category, text) VALUES (?, 'workaround', ?)", "it",
					   id, in->workarounds[i]);
	}
	if (!rc && in->set_refs) {
		rc = kc_store_exec(st, err, NULL, "DELETE FROM advisory_ref WHERE advisory_id = ?", "i", id);
		for (size_t i = 0; i < in->nrefs && !rc; i++) {
			size_t n = strcspn(in->refs[i], " \t");
			char *url = strndup(in->refs[i], n);
			const char *sum = in->refs[i] + n;

			sum += strspn(sum, " \t");
			rc = kc_store_exec(st, err, NULL, "INSERT INTO advisory_ref (advisory_id, url, summary) VALUES (?, ?, ?)",
					   "itt", id, url, *sum ? sum : url);
			free(url);
		}
	}
	return rc;
}

/* The scalar fields in in that are set. */
static int write_fields(kc_store *st, int64_t id, const kc_adv_input *in, const char *now, kc_err *err)
{
	const char *tlp = NULL, *sev = in->severity ? severity_parse(in->severity) : NULL;
	kc_tlp t;

	if (in->tlp && !kc_tlp_parse(in->tlp, &t))
		tlp = kc_tlp_name(t);
	return kc_store_exec(st, err, NULL,
			     "UPDATE advisory SET title = COALESCE(CAST(? AS TEXT), title), "
			     "summary = COALESCE(CAST(? AS TEXT), summary), body = COALESCE(CAST(? AS TEXT), body), "
			     "title_en = COALESCE(CAST(? AS TEXT), title_en), summary_en = COALESCE(CAST(? AS TEXT), summary_en), "
			     "body_en = COALESCE(CAST(? AS TEXT), body_en), tlp = COALESCE(CAST(? AS TEXT), tlp), "
			     "severity = COALESCE(CAST(? AS TEXT), severity), updated_at = ? WHERE id = ?",
			     "ttttttttti", in->title, in->summary, in->body, in->title_en, in->summary_en, in->body_en, tlp,
			     sev, now, id);
}

static void fill_brief(kc_stmt *s, void *rec)
{
	kc_adv_brief *b = rec;
	const char *v;

	b->id = kc_stmt_int(s, 0);
#define COPY(f, col) snprintf(b->f, sizeof(b->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
	COPY(ident, 1);
	COPY(title, 2);
	if (kc_tlp_parse(kc_stmt_text(s, 3), &b->tlp))
		b->tlp = KC_TLP_RED;
	COPY(severity, 4);
	COPY(status, 5);
	b->version = (int)kc_stmt_int(s, 6);
	COPY(initial_release, 7);
	COPY(current_release, 8);
	COPY(updated_at, 9);
#undef COPY
}

#define BRIEF_COLS "id, ident, title, tlp, severity, status, version, initial_release, current_release, updated_at"

static int brief_get(kc_store *st, const char *ident, kc_adv_brief *out, kc_err *err)
{
	kc_adv_brief *v = NULL;
	size_t n = 0;
	kc_stmt *s;
	char id[KC_ADV_ID_LEN];
	int rc;

	if ((rc = ident_parse(ident, id, err)))
		return rc;
	rc = kc_store_query(st, err, &s, "SELECT " BRIEF_COLS " FROM advisory WHERE ident = ?", "t", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(*v), fill_brief, (void **)&v, &n, err);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("no advisory %s"), id);
	if (!rc)
		*out = v[0];
	free(v);
	return rc;
}

int kc_advisory_new(kc_store *st, const char *actor, const kc_adv_input *in, kc_advisory *out, kc_err *err)
{
	char now[KC_TIME_STRLEN], ident[KC_ADV_ID_LEN];
	int64_t seq = 0, id = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = validate(in, 1, err)))
		return rc;
	kc_time_now_iso(now);
	if ((rc = kc_store_begin(st, err)))
		return rc;
	rc = kc_store_exec(st, err, &seq,
			   "INSERT INTO advisory_seq (year, last) VALUES (?, 1) "
			   "ON CONFLICT (year) DO UPDATE SET last = advisory_seq.last + 1 RETURNING last",
			   "i", (int64_t)atoi(now));
	snprintf(ident, sizeof(ident), "KCERT-%.4s-%04lld", now, (long long)seq);
	if (!rc)
		rc = kc_store_exec(st, err, &id,
				   "INSERT INTO advisory (ident, title, created_by, created_at, updated_at) "
				   "VALUES (?, ?, ?, ?, ?) RETURNING id",
				   "ttttt", ident, in->title, actor, now, now);
	if (!rc) {
		kc_adv_input all = *in;

		all.set_cves = all.set_products = all.set_fixed = all.set_remedies = all.set_refs = 1;
		if (!in->severity)
			all.severity = "moderat";
		rc = write_fields(st, id, &all, now, err);
		if (!rc)
			rc = write_lists(st, id, &all, err);
	}
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "advisory.new", ident, "advisory %s drafted: %.200s", ident, in->title);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc) {
		kc_store_rollback(st);
		return rc;
	}
	out->id = id;
	snprintf(out->ident, sizeof(out->ident), "%s", ident);
	return 0;
}

int kc_advisory_edit(kc_store *st, const char *actor, const char *ident, const kc_adv_input *in, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	kc_adv_brief b;
	int rc;

	if ((rc = validate(in, 0, err)))
		return rc;
	if ((rc = kc_store_begin(st, err)))
		return rc;
	rc = brief_get(st, ident, &b, err);
	if (!rc && strcmp(b.status, "draft"))
		rc = kc_err_set(err, KC_EPERM, _("%s is published: change it with 'advisory update' (a new revision)"),
				b.ident);
	kc_time_now_iso(now);
	if (!rc)
		rc = write_fields(st, b.id, in, now, err);
	if (!rc)
		rc = write_lists(st, b.id, in, err);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "advisory.edit", b.ident, "draft %s changed", b.ident);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

static int add_revision(kc_store *st, const char *actor, const char *ident, const kc_adv_input *in,
			const char *summary, int publishing, kc_err *err)
{
	char now[KC_TIME_STRLEN];
	kc_adv_brief b;
	int rc, next;

	if (in && (rc = validate(in, 0, err)))
		return rc;
	if (!publishing && (rc = check_text(_("the revision summary"), summary, 1000, 1, err)))
		return rc;
	if (summary && (rc = check_text(_("the revision summary"), summary, 1000, 0, err)))
		return rc;
	if ((rc = kc_store_begin(st, err)))
		return rc;
	rc = brief_get(st, ident, &b, err);
	if (!rc && publishing && strcmp(b.status, "draft"))
		rc = kc_err_set(err, KC_EEXIST, _("%s is already published; use 'advisory update'"), b.ident);
	if (!rc && !publishing && !strcmp(b.status, "draft"))
		rc = kc_err_set(err, KC_EPERM, _("%s is a draft: publish it first"), b.ident);
	/* The same second as the last revision would make the history ambiguous. */
	kc_time_now_iso(now);
	if (!rc && !publishing && strcmp(now, b.current_release) <= 0) {
		time_t last;

		if (!kc_time_parse(b.current_release, &last))
			kc_time_iso(last + 1, now);
	}
	next = b.version + 1;
	if (!rc && in) {
		rc = write_fields(st, b.id, in, now, err);
		if (!rc)
			rc = write_lists(st, b.id, in, err);
	}
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO advisory_revision (advisory_id, number, date, summary) VALUES (?, ?, ?, ?)",
				   "iitt", b.id, (int64_t)next, now,
				   summary && *summary ? summary : kc_tr_lang(KC_LANG_NB, "Initial release."));
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE advisory SET status = 'final', version = ?, current_release = ?, "
				   "initial_release = COALESCE(initial_release, ?), updated_at = ? WHERE id = ?",
				   "ittti", (int64_t)next, now, now, now, b.id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, publishing ? "advisory.publish" : "advisory.update", b.ident,
				      "%s revision %d: %.200s", b.ident, next, summary ? summary : "");
	if (!rc) {
		kc_advisory a;

		rc = kc_advisory_get(st, b.ident, &a, err);
		if (!rc) {
			rc = kc_advisory_notify_affected(st, &a, NULL, err);
			kc_advisory_release(&a);
		}
	}
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

int kc_advisory_publish(kc_store *st, const char *actor, const char *ident, const char *summary, kc_err *err)
{
	return add_revision(st, actor, ident, NULL, summary, 1, err);
}

int kc_advisory_update(kc_store *st, const char *actor, const char *ident, const kc_adv_input *in,
		       const char *summary, kc_err *err)
{
	return add_revision(st, actor, ident, in, summary, 0, err);
}

static char *col_dup(kc_stmt *s, int col)
{
	return dup_or_null(kc_stmt_text(s, col));
}

int kc_advisory_get(kc_store *st, const char *ident, kc_advisory *a, kc_err *err)
{
	char id[KC_ADV_ID_LEN];
	kc_stmt *s = NULL;
	size_t cap;
	int rc, found = 0;
	const char *v;

	memset(a, 0, sizeof(*a));
	if ((rc = ident_parse(ident, id, err)))
		return rc;
	rc = kc_store_query(st, err, &s,
			    "SELECT id, ident, title, summary, body, title_en, summary_en, body_en, tlp, severity, status, "
			    "version, initial_release, current_release, created_by, created_at, updated_at "
			    "FROM advisory WHERE ident = ?",
			    "t", id);
	if (rc)
		return rc;
	if ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		found = 1;
		a->id = kc_stmt_int(s, 0);
#define COPY(f, col) snprintf(a->f, sizeof(a->f), "%s", (v = kc_stmt_text(s, col)) ? v : "")
		COPY(ident, 1);
		a->title = col_dup(s, 2);
		a->summary = col_dup(s, 3);
		a->body = col_dup(s, 4);
		a->title_en = col_dup(s, 5);
		a->summary_en = col_dup(s, 6);
		a->body_en = col_dup(s, 7);
		if (kc_tlp_parse(kc_stmt_text(s, 8), &a->tlp))
			a->tlp = KC_TLP_RED;
		COPY(severity, 9);
		COPY(status, 10);
		a->version = (int)kc_stmt_int(s, 11);
		COPY(initial_release, 12);
		COPY(current_release, 13);
		COPY(created_by, 14);
		COPY(created_at, 15);
		COPY(updated_at, 16);
#undef COPY
		rc = 0;
	}
	kc_stmt_finalize(s);
	if (rc < 0)
		return rc;
	if (!found)
		return kc_err_set(err, KC_ENOENT, _("no advisory %s"), id);
	if (!a->title || !a->summary || !a->body) {
		kc_advisory_release(a);
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
#define LIST(sql, arr, n, body)                                                                  \
	do {                                                                                     \
		cap = 0;                                                                         \
		if ((rc = kc_store_query(st, err, &s, sql, "i", a->id)))                          \
			goto fail;                                                               \
		while ((rc = kc_stmt_step(s, err)) == KC_ROW) {                                  \
			if (a->n == cap) {                                                       \
				void *p = realloc(a->arr, (cap = cap ? cap * 2 : 8) * sizeof(*a->arr)); \
				if (!p) {                                                        \
					rc = KC_ENOMEM;                                          \
					break;                                                   \
				}                                                                \
				a->arr = p;                                                      \
			}                                                                        \
			body;                                                                    \
			a->n++;                                                                  \
		}                                                                                \
		kc_stmt_finalize(s);                                                             \
		if (rc < 0)                                                                      \
			goto fail;                                                               \
	} while (0)
	LIST("SELECT cve, cvss_vector, cvss_score FROM advisory_cve WHERE advisory_id = ? ORDER BY cve", cves, ncves,
	     (a->cves[a->ncves] = (kc_adv_cve){ col_dup(s, 0), col_dup(s, 1), col_dup(s, 2) }));
	LIST("SELECT cpe, fixed_version FROM advisory_product WHERE advisory_id = ? ORDER BY cpe", products, nproducts,
	     (a->products[a->nproducts] = (kc_adv_product){ col_dup(s, 0), col_dup(s, 1) }));
	LIST("SELECT category, text FROM advisory_remedy WHERE advisory_id = ? ORDER BY id", remedies, nremedies,
	     (a->remedies[a->nremedies] = (kc_adv_remedy){ col_dup(s, 0), col_dup(s, 1) }));
	LIST("SELECT url, summary FROM advisory_ref WHERE advisory_id = ? ORDER BY id", refs, nrefs,
	     (a->refs[a->nrefs] = (kc_adv_ref){ col_dup(s, 0), col_dup(s, 1) }));
	LIST("SELECT number, date, summary FROM advisory_revision WHERE advisory_id = ? ORDER BY number", revs, nrevs,
	     (a->revs[a->nrevs].number = (int)kc_stmt_int(s, 0),
	      snprintf(a->revs[a->nrevs].date, sizeof(a->revs[0].date), "%s", kc_stmt_text(s, 1)),
	      a->revs[a->nrevs].summary = col_dup(s, 2)));
#undef LIST
	return 0;
fail:
	kc_advisory_release(a);
	return rc == KC_ENOMEM ? kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM)) : rc;
}

int kc_advisory_list(kc_store *st, int published_only, size_t limit, size_t offset, kc_adv_brief **out, size_t *n,
		     kc_err *err)
{
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_store_query(st, err, &s,
			    "SELECT " BRIEF_COLS " FROM advisory WHERE (? = 0 OR status = 'final') "
			    "ORDER BY COALESCE(current_release, updated_at) DESC, id DESC LIMIT ? OFFSET ?",
			    "iii", (int64_t)published_only, (int64_t)(limit ? limit : 1000), (int64_t)offset);
	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(**out), fill_brief, (void **)out, n, err);
}
