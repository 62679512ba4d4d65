/*
 * cvss.c - CVSS v3.0/v3.1/v4.0 vector parsing, scoring and canonical formatting.
 *
 * Each version is a table of its metrics in the specification's order, with the
 * values each metric takes; the parser, the formatter and the "is anything of
 * this group defined" checks are the same code over either table. Scoring is
 * per version: v3.x is the specification's closed formulas (section 7, Roundup
 * from Appendix A); v4.0 is the MacroVector lookup and interpolation of FIRST's
 * reference calculator, whose floating-point operations are done here in the
 * same order so that results agree to the last bit before rounding.
 */
#include "vuln/cvss.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

enum group { BASE, TEMPORAL, ENVIRONMENTAL, SUPPLEMENTAL };

struct metric {
	const char *name;
	unsigned char group;
	const char *values[6]; /* in the specification's order; NULL-terminated */
};

/* ---- v3.x: CVSS v3.1 specification, Table 15 (v3.0 has the same metrics) ---- */

enum {
	M3_AV, M3_AC, M3_PR, M3_UI, M3_S, M3_C, M3_I, M3_A,
	M3_E, M3_RL, M3_RC,
	M3_CR, M3_IR, M3_AR, M3_MAV, M3_MAC, M3_MPR, M3_MUI, M3_MS, M3_MC, M3_MI, M3_MA,
	M3_COUNT
};

static const struct metric metrics3[M3_COUNT] = {
	{ "AV", BASE, { "N", "A", "L", "P" } },
	{ "AC", BASE, { "L", "H" } },
	{ "PR", BASE, { "N", "L", "H" } },
	{ "UI", BASE, { "N", "R" } },
	{ "S", BASE, { "U", "C" } },
	{ "C", BASE, { "H", "L", "N" } },
	{ "I", BASE, { "H", "L", "N" } },
	{ "A", BASE, { "H", "L", "N" } },
	{ "E", TEMPORAL, { "X", "H", "F", "P", "U" } },
	{ "RL", TEMPORAL, { "X", "U", "W", "T", "O" } },
	{ "RC", TEMPORAL, { "X", "C", "R", "U" } },
	{ "CR", ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "IR", ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "AR", ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "MAV", ENVIRONMENTAL, { "X", "N", "A", "L", "P" } },
	{ "MAC", ENVIRONMENTAL, { "X", "L", "H" } },
	{ "MPR", ENVIRONMENTAL, { "X", "N", "L", "H" } },
	{ "MUI", ENVIRONMENTAL, { "X", "N", "R" } },
	{ "MS", ENVIRONMENTAL, { "X", "U", "C" } },
	{ "MC", ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MI", ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MA", ENVIRONMENTAL, { "X", "H", "L", "N" } },
};

/* ---- v4.0: CVSS v4.0 specification, section 7 (vector string) ---- */

enum {
	M4_AV, M4_AC, M4_AT, M4_PR, M4_UI, M4_VC, M4_VI, M4_VA, M4_SC, M4_SI, M4_SA,
	M4_E,
	M4_CR, M4_IR, M4_AR, M4_MAV, M4_MAC, M4_MAT, M4_MPR, M4_MUI,
	M4_MVC, M4_MVI, M4_MVA, M4_MSC, M4_MSI, M4_MSA,
	M4_S, M4_AU, M4_R, M4_V, M4_RE, M4_U,
	M4_COUNT
};

/* A base metric's modified counterpart is M4_MODIFIED places later. */
#define M4_MODIFIED (M4_MAV - M4_AV)

static const struct metric metrics4[M4_COUNT] = {
	{ "AV", BASE, { "N", "A", "L", "P" } },
	{ "AC", BASE, { "L", "H" } },
	{ "AT", BASE, { "N", "P" } },
	{ "PR", BASE, { "N", "L", "H" } },
	{ "UI", BASE, { "N", "P", "A" } },
	{ "VC", BASE, { "H", "L", "N" } },
	{ "VI", BASE, { "H", "L", "N" } },
	{ "VA", BASE, { "H", "L", "N" } },
	{ "SC", BASE, { "H", "L", "N" } },
	{ "SI", BASE, { "H", "L", "N" } },
	{ "SA", BASE, { "H", "L", "N" } },
	{ "E", TEMPORAL, { "X", "A", "P", "U" } },
	{ "CR", ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "IR", ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "AR", ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "MAV", ENVIRONMENTAL, { "X", "N", "A", "L", "P" } },
	{ "MAC", ENVIRONMENTAL, { "X", "L", "H" } },
	{ "MAT", ENVIRONMENTAL, { "X", "N", "P" } },
	{ "MPR", ENVIRONMENTAL, { "X", "N", "L", "H" } },
	{ "MUI", ENVIRONMENTAL, { "X", "N", "P", "A" } },
	{ "MVC", ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MVI", ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MVA", ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MSC", ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MSI", ENVIRONMENTAL, { "X", "S", "H", "L", "N" } },
	{ "MSA", ENVIRONMENTAL, { "X", "S", "H", "L", "N" } },
	{ "S", SUPPLEMENTAL, { "X", "N", "P" } },
	{ "AU", SUPPLEMENTAL, { "X", "N", "Y" } },
	{ "R", SUPPLEMENTAL, { "X", "A", "U", "I" } },
	{ "V", SUPPLEMENTAL, { "X", "D", "C" } },
	{ "RE", SUPPLEMENTAL, { "X", "L", "M", "H" } },
	{ "U", SUPPLEMENTAL, { "X", "Clear", "Green", "Amber", "Red" } },
};

static const struct metric *table_of(kc_cvss_version v, size_t *n)
{
	if (v == KC_CVSS_V40) {
		*n = M4_COUNT;
		return metrics4;
	}
	*n = M3_COUNT;
	return metrics3;
}

const char *kc_cvss_version_name(kc_cvss_version v)
{
	switch (v) {
	case KC_CVSS_V30: return "3.0";
	case KC_CVSS_V31: return "3.1";
	case KC_CVSS_V40: return "4.0";
	}
	return "?";
}

/* ---- parsing ---- */

/* A piece of the input for a message: at most 40 characters (the input is
 * already known to be printable ASCII). */
static const char *shown(const char *p, size_t n, char out[48])
{
	if (n > 40)
		snprintf(out, 48, "%.37s...", p);
	else
		snprintf(out, 48, "%.*s", (int)n, p);
	return out;
}

/* "N, A, L, P" */
static const char *value_list(const struct metric *m, char out[64])
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < KC_ARRAY_LEN(m->values) && m->values[i]; i++)
		used += (size_t)snprintf(out + used, 64 - used, "%s%s", i ? ", " : "", m->values[i]);
	return out;
}

static int refuse(struct kc_cvss *out, kc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct kc_cvss *out, kc_err *err, const char *fmt, ...)
{
	va_list ap;

	memset(out, 0, sizeof(*out));
	va_start(ap, fmt);
	kc_err_vset(err, KC_EINVAL, fmt, ap);
	va_end(ap);
	return KC_EINVAL;
}

int kc_cvss_parse_n(const char *s, size_t len, unsigned flags, struct kc_cvss *out, kc_err *err)
{
	const struct metric *tab;
	const char *p, *end, *slash;
	char a[48], b[48], list[64];
	size_t n, last = 0;
	int any = 0;

	memset(out, 0, sizeof(*out));
	if (!s || len == 0)
		return refuse(out, err, "%s", _("empty CVSS vector"));
	if (len > KC_CVSS_MAX_LEN)
		return refuse(out, err, _("CVSS vector longer than %d characters"), KC_CVSS_MAX_LEN);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c > '~')
			return refuse(out, err, _("character 0x%02x at position %zu is not allowed in a CVSS vector"),
				      c, i + 1);
	}
	end = s + len;
	if (len < 5 || memcmp(s, "CVSS:", 5)) {
		if ((len >= 3 && !memcmp(s, "AV:", 3)) || (len >= 4 && !memcmp(s, "(AV:", 4)))
			return refuse(out, err, "%s",
				      _("no CVSS: prefix; CVSS v2 vectors are not supported (CVSS:3.0, CVSS:3.1 or CVSS:4.0 expected)"));
		return refuse(out, err, _("%s: a CVSS vector begins with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/"),
			      shown(s, len, a));
	}
	p = s + 5;
	slash = memchr(p, '/', (size_t)(end - p));
	n = (size_t)((slash ? slash : end) - p);
	if (n == 3 && !memcmp(p, "3.0", 3))
		out->version = KC_CVSS_V30;
	else if (n == 3 && !memcmp(p, "3.1", 3))
		out->version = KC_CVSS_V31;
	else if (n == 3 && !memcmp(p, "4.0", 3))
		out->version = KC_CVSS_V40;
	else
		return refuse(out, err, _("CVSS version %s is not supported (3.0, 3.1 or 4.0)"),
			      n ? shown(p, n, a) : "\"\"");
	if (!slash)
		return refuse(out, err, _("no metrics after CVSS:%s"), kc_cvss_version_name(out->version));
	tab = table_of(out->version, &n);
	if (out->version == KC_CVSS_V40)
		flags &= ~(unsigned)KC_CVSS_ANY_ORDER;
	p = slash + 1;
	if (p == end)
		return refuse(out, err, "%s", _("trailing slash at the end of the CVSS vector"));
	while (p < end) {
		const char *comp = p, *colon, *val;
		size_t clen, nlen, vlen, mi, vi;

		slash = memchr(p, '/', (size_t)(end - p));
		clen = (size_t)((slash ? slash : end) - p);
		p += clen;
		if (p < end) {
			p++; /* the slash */
			if (p == end)
				return refuse(out, err, "%s", _("trailing slash at the end of the CVSS vector"));
		}
		if (clen == 0)
			return refuse(out, err, _("empty metric at position %zu (two slashes)"), (size_t)(comp - s) + 1);
		colon = memchr(comp, ':', clen);
		if (!colon)
			return refuse(out, err, _("%s: a metric is NAME:VALUE"), shown(comp, clen, a));
		nlen = (size_t)(colon - comp);
		val = colon + 1;
		vlen = clen - nlen - 1;
		for (mi = 0; mi < n; mi++)
			if (strlen(tab[mi].name) == nlen && !memcmp(tab[mi].name, comp, nlen))
				break;
		if (mi == n)
			return refuse(out, err, _("unknown metric %s in a CVSS %s vector"),
				      nlen ? shown(comp, nlen, a) : "\"\"", kc_cvss_version_name(out->version));
		if (out->val[mi])
			return refuse(out, err, _("metric %s appears twice"), tab[mi].name);
		for (vi = 0; vi < KC_ARRAY_LEN(tab[mi].values) && tab[mi].values[vi]; vi++)
			if (strlen(tab[mi].values[vi]) == vlen && !memcmp(tab[mi].values[vi], val, vlen))
				break;
		if (vi == KC_ARRAY_LEN(tab[mi].values) || !tab[mi].values[vi])
			return refuse(out, err, _("bad value %s for metric %s (one of %s)"),
				      vlen ? shown(val, vlen, b) : "\"\"", tab[mi].name, value_list(&tab[mi], list));
		if (any && mi < last && !(flags & KC_CVSS_ANY_ORDER))
			return refuse(out, err, _("metric %s is out of order: it comes before %s in a CVSS %s vector"),
				      tab[mi].name, tab[last].name, kc_cvss_version_name(out->version));
		out->val[mi] = (unsigned char)(vi + 1);
		if (!any || mi > last)
			last = mi;
		any = 1;
	}
	for (size_t i = 0; i < n; i++)
		if (tab[i].group == BASE && !out->val[i])
			return refuse(out, err, _("missing mandatory base metric %s"), tab[i].name);
	return KC_OK;
}

int kc_cvss_parse(const char *vector, struct kc_cvss *out, kc_err *err)
{
	return kc_cvss_parse_n(vector, vector ? strlen(vector) : 0, 0, out, err);
}

char *kc_cvss_format(const struct kc_cvss *v, char *buf, size_t n)
{
	const struct metric *tab;
	size_t count, used;

	if (!n)
		return buf;
	tab = table_of(v->version, &count);
	used = (size_t)snprintf(buf, n, "CVSS:%s", kc_cvss_version_name(v->version));
	for (size_t i = 0; i < count && used < n; i++) {
		unsigned x = v->val[i];

		if (!x || x > KC_ARRAY_LEN(tab[i].values) || !tab[i].values[x - 1] ||
		    !strcmp(tab[i].values[x - 1], "X"))
			continue;
		used += (size_t)snprintf(buf + used, n - used, "/%s:%s", tab[i].name, tab[i].values[x - 1]);
	}
	return buf;
}

/* ---- shared ---- */

/* The letter of metric i, 'X' when absent. */
static char letter(const struct kc_cvss *v, const struct metric *tab, size_t i)
{
	unsigned x = v->val[i];

	if (!x || x > KC_ARRAY_LEN(tab[i].values) || !tab[i].values[x - 1])
		return 'X';
	return tab[i].values[x - 1][0];
}

/* 1 when any metric of the group is defined with a value other than X. */
static int group_defined(const struct kc_cvss *v, enum group g)
{
	const struct metric *tab;
	size_t n;

	tab = table_of(v->version, &n);
	for (size_t i = 0; i < n; i++)
		if (tab[i].group == g && letter(v, tab, i) != 'X')
			return 1;
	return 0;
}

kc_cvss_severity kc_cvss_severity_of(double score)
{
	long tenths = lround(score * 10.0);

	if (!(score > 0.0) || tenths <= 0)
		return KC_CVSS_NONE;
	if (tenths < 40)
		return KC_CVSS_LOW;
	if (tenths < 70)
		return KC_CVSS_MEDIUM;
	if (tenths < 90)
		return KC_CVSS_HIGH;
	return KC_CVSS_CRITICAL;
}

const char *kc_cvss_severity_name(kc_cvss_severity s)
{
	static const char *const names[] = { N_("None"), N_("Low"), N_("Medium"), N_("High"), N_("Critical") };

	return (unsigned)s < KC_ARRAY_LEN(names) ? names[s] : "None";
}

static int tenths_of(double score)
{
	return (int)lround(score * 10.0);
}

/* ---- v3.x scoring (specification section 7, Appendix A) ---- */

/* Roundup: the smallest number with one decimal that is not below x, computed
 * on integers so that 4.000000000000001 gives 4.0 and not 4.1 (Appendix A). */
static double roundup(double x)
{
	long long i = llround(x * 100000.0);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

static double w_av(char c)
{
	switch (c) {
	case 'N': return 0.85;
	case 'A': return 0.62;
	case 'L': return 0.55;
	default: return 0.2; /* P */
	}
}

static double w_ac(char c)
{
	return c == 'L' ? 0.77 : 0.44;
}

static double w_pr(char c, int changed)
{
	switch (c) {
	case 'N': return 0.85;
	case 'L': return changed ? 0.68 : 0.62;
	default: return changed ? 0.5 : 0.27; /* H */
	}
}

static double w_ui(char c)
{
	return c == 'N' ? 0.85 : 0.62;
}

static double w_cia(char c)
{
	switch (c) {
	case 'H': return 0.56;
	case 'L': return 0.22;
	default: return 0.0; /* N */
	}
}

static double w_e(char c)
{
	switch (c) {
	case 'F': return 0.97;
	case 'P': return 0.94;
	case 'U': return 0.91;
	default: return 1.0; /* X, H */
	}
}

static double w_rl(char c)
{
	switch (c) {
	case 'W': return 0.97;
	case 'T': return 0.96;
	case 'O': return 0.95;
	default: return 1.0; /* X, U */
	}
}

static double w_rc(char c)
{
	switch (c) {
	case 'R': return 0.96;
	case 'U': return 0.92;
	default: return 1.0; /* X, C */
	}
}

static double w_req(char c)
{
	switch (c) {
	case 'H': return 1.5;
	case 'L': return 0.5;
	default: return 1.0; /* X, M */
	}
}

/* The modified metric's letter, or the base metric's when it is Not Defined. */
static char mod3(const struct kc_cvss *v, size_t modified, size_t base)
{
	char c = letter(v, metrics3, modified);

	return c != 'X' ? c : letter(v, metrics3, base);
}

static void compute3(const struct kc_cvss *v, struct kc_cvss_scores *o)
{
	char l[M3_COUNT];
	double iss, impact, expl, miss, mimpact, mexpl;
	int changed, mchanged;

	for (size_t i = 0; i < M3_COUNT; i++)
		l[i] = letter(v, metrics3, i);

	/* Base. */
	changed = l[M3_S] == 'C';
	iss = 1.0 - ((1.0 - w_cia(l[M3_C])) * (1.0 - w_cia(l[M3_I])) * (1.0 - w_cia(l[M3_A])));
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	else
		impact = 6.42 * iss;
	expl = 8.22 * w_av(l[M3_AV]) * w_ac(l[M3_AC]) * w_pr(l[M3_PR], changed) * w_ui(l[M3_UI]);
	if (impact <= 0)
		o->base = 0.0;
	else if (changed)
		o->base = roundup(fmin(1.08 * (impact + expl), 10.0));
	else
		o->base = roundup(fmin(impact + expl, 10.0));

	/* Temporal. */
	o->temporal = roundup(o->base * w_e(l[M3_E]) * w_rl(l[M3_RL]) * w_rc(l[M3_RC]));

	/* Environmental: modified metrics fall back to the base ones. */
	mchanged = mod3(v, M3_MS, M3_S) == 'C';
	miss = fmin(1.0 - ((1.0 - w_req(l[M3_CR]) * w_cia(mod3(v, M3_MC, M3_C))) *
			   (1.0 - w_req(l[M3_IR]) * w_cia(mod3(v, M3_MI, M3_I))) *
			   (1.0 - w_req(l[M3_AR]) * w_cia(mod3(v, M3_MA, M3_A)))),
		    0.915);
	if (!mchanged)
		mimpact = 6.42 * miss;
	else if (v->version == KC_CVSS_V30)
		mimpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15);
	else
		mimpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13);
	mexpl = 8.22 * w_av(mod3(v, M3_MAV, M3_AV)) * w_ac(mod3(v, M3_MAC, M3_AC)) *
		w_pr(mod3(v, M3_MPR, M3_PR), mchanged) * w_ui(mod3(v, M3_MUI, M3_UI));
	if (mimpact <= 0)
		o->environmental = 0.0;
	else if (mchanged)
		o->environmental = roundup(roundup(fmin(1.08 * (mimpact + mexpl), 10.0)) * w_e(l[M3_E]) * w_rl(l[M3_RL]) *
					   w_rc(l[M3_RC]));
	else
		o->environmental = roundup(roundup(fmin(mimpact + mexpl, 10.0)) * w_e(l[M3_E]) * w_rl(l[M3_RL]) *
					   w_rc(l[M3_RC]));

	o->has_temporal = group_defined(v, TEMPORAL);
	o->has_environmental = group_defined(v, ENVIRONMENTAL);
	o->score = o->has_environmental ? o->environmental : o->has_temporal ? o->temporal : o->base;
	o->nomenclature = "";
}

/* ---- v4.0 scoring (FIRST's reference MacroVector method) ---- */

/*
 * The data below is published by FIRST with the CVSS v4.0 standard (the
 * reference calculator github.com/FIRSTdotorg/cvss-v4-calculator: cvss_lookup.js,
 * max_composed.js, max_severity.js). It was transcribed from the same data as
 * RedHatProductSecurity/cvss carries it in cvss/constants4.py; only the data,
 * no code.
 *
 * Score of every macrovector (EQ1..EQ6), in tenths, sorted by macrovector.
 */
struct mv_score {
	char mv[7];
	unsigned char tenths;
};

static const struct mv_score lookup40[] = {
	{ "000000", 100 }, { "000001", 99 }, { "000010", 98 }, { "000011", 95 }, { "000020", 95 }, { "000021", 92 },
	{ "000100", 100 }, { "000101", 96 }, { "000110", 93 }, { "000111", 87 }, { "000120", 91 }, { "000121", 81 },
	{ "000200", 93 }, { "000201", 90 }, { "000210", 89 }, { "000211", 80 }, { "000220", 81 }, { "000221", 68 },
	{ "001000", 98 }, { "001001", 95 }, { "001010", 95 }, { "001011", 92 }, { "001020", 90 }, { "001021", 84 },
	{ "001100", 93 }, { "001101", 92 }, { "001110", 89 }, { "001111", 81 }, { "001120", 81 }, { "001121", 65 },
	{ "001200", 88 }, { "001201", 80 }, { "001210", 78 }, { "001211", 70 }, { "001220", 69 }, { "001221", 48 },
	{ "002001", 92 }, { "002011", 82 }, { "002021", 72 },
	{ "002101", 79 }, { "002111", 69 }, { "002121", 50 },
	{ "002201", 69 }, { "002211", 55 }, { "002221", 27 },
	{ "010000", 99 }, { "010001", 97 }, { "010010", 95 }, { "010011", 92 }, { "010020", 92 }, { "010021", 85 },
	{ "010100", 95 }, { "010101", 91 }, { "010110", 90 }, { "010111", 83 }, { "010120", 84 }, { "010121", 71 },
	{ "010200", 92 }, { "010201", 81 }, { "010210", 82 }, { "010211", 71 }, { "010220", 72 }, { "010221", 53 },
	{ "011000", 95 }, { "011001", 93 }, { "011010", 92 }, { "011011", 85 }, { "011020", 85 }, { "011021", 73 },
	{ "011100", 92 }, { "011101", 82 }, { "011110", 80 }, { "011111", 72 }, { "011120", 70 }, { "011121", 59 },
	{ "011200", 84 }, { "011201", 70 }, { "011210", 71 }, { "011211", 52 }, { "011220", 50 }, { "011221", 30 },
	{ "012001", 86 }, { "012011", 75 }, { "012021", 52 },
	{ "012101", 71 }, { "012111", 52 }, { "012121", 29 },
	{ "012201", 63 }, { "012211", 29 }, { "012221", 17 },
	{ "100000", 98 }, { "100001", 95 }, { "100010", 94 }, { "100011", 87 }, { "100020", 91 }, { "100021", 81 },
	{ "100100", 94 }, { "100101", 89 }, { "100110", 86 }, { "100111", 74 }, { "100120", 77 }, { "100121", 64 },
	{ "100200", 87 }, { "100201", 75 }, { "100210", 74 }, { "100211", 63 }, { "100220", 63 }, { "100221", 49 },
	{ "101000", 94 }, { "101001", 89 }, { "101010", 88 }, { "101011", 77 }, { "101020", 76 }, { "101021", 67 },
	{ "101100", 86 }, { "101101", 76 }, { "101110", 74 }, { "101111", 58 }, { "101120", 59 }, { "101121", 50 },
	{ "101200", 72 }, { "101201", 57 }, { "101210", 57 }, { "101211", 52 }, { "101220", 52 }, { "101221", 25 },
	{ "102001", 83 }, { "102011", 70 }, { "102021", 54 },
	{ "102101", 65 }, { "102111", 58 }, { "102121", 26 },
	{ "102201", 53 }, { "102211", 21 }, { "102221", 13 },
	{ "110000", 95 }, { "110001", 90 }, { "110010", 88 }, { "110011", 76 }, { "110020", 76 }, { "110021", 70 },
	{ "110100", 90 }, { "110101", 77 }, { "110110", 75 }, { "110111", 62 }, { "110120", 61 }, { "110121", 53 },
	{ "110200", 77 }, { "110201", 66 }, { "110210", 68 }, { "110211", 59 }, { "110220", 52 }, { "110221", 30 },
	{ "111000", 89 }, { "111001", 78 }, { "111010", 76 }, { "111011", 67 }, { "111020", 62 }, { "111021", 58 },
	{ "111100", 74 }, { "111101", 59 }, { "111110", 57 }, { "111111", 57 }, { "111120", 47 }, { "111121", 23 },
	{ "111200", 61 }, { "111201", 52 }, { "111210", 57 }, { "111211", 29 }, { "111220", 24 }, { "111221", 16 },
	{ "112001", 71 }, { "112011", 59 }, { "112021", 30 },
	{ "112101", 58 }, { "112111", 26 }, { "112121", 15 },
	{ "112201", 23 }, { "112211", 13 }, { "112221", 6 },
	{ "200000", 93 }, { "200001", 87 }, { "200010", 86 }, { "200011", 72 }, { "200020", 75 }, { "200021", 58 },
	{ "200100", 86 }, { "200101", 74 }, { "200110", 74 }, { "200111", 61 }, { "200120", 56 }, { "200121", 34 },
	{ "200200", 70 }, { "200201", 54 }, { "200210", 52 }, { "200211", 40 }, { "200220", 40 }, { "200221", 22 },
	{ "201000", 85 }, { "201001", 75 }, { "201010", 74 }, { "201011", 55 }, { "201020", 62 }, { "201021", 51 },
	{ "201100", 72 }, { "201101", 57 }, { "201110", 55 }, { "201111", 41 }, { "201120", 46 }, { "201121", 19 },
	{ "201200", 53 }, { "201201", 36 }, { "201210", 34 }, { "201211", 19 }, { "201220", 19 }, { "201221", 8 },
	{ "202001", 64 }, { "202011", 51 }, { "202021", 20 },
	{ "202101", 47 }, { "202111", 21 }, { "202121", 11 },
	{ "202201", 24 }, { "202211", 9 }, { "202221", 4 },
	{ "210000", 88 }, { "210001", 75 }, { "210010", 73 }, { "210011", 53 }, { "210020", 60 }, { "210021", 50 },
	{ "210100", 73 }, { "210101", 55 }, { "210110", 59 }, { "210111", 40 }, { "210120", 41 }, { "210121", 20 },
	{ "210200", 54 }, { "210201", 43 }, { "210210", 45 }, { "210211", 22 }, { "210220", 20 }, { "210221", 11 },
	{ "211000", 75 }, { "211001", 55 }, { "211010", 58 }, { "211011", 45 }, { "211020", 40 }, { "211021", 21 },
	{ "211100", 61 }, { "211101", 51 }, { "211110", 48 }, { "211111", 18 }, { "211120", 20 }, { "211121", 9 },
	{ "211200", 46 }, { "211201", 18 }, { "211210", 17 }, { "211211", 7 }, { "211220", 8 }, { "211221", 2 },
	{ "212001", 53 }, { "212011", 24 }, { "212021", 14 },
	{ "212101", 24 }, { "212111", 12 }, { "212121", 5 },
	{ "212201", 10 }, { "212211", 3 }, { "212221", 1 },
};

/* Highest-severity vectors of each EQ level (max_composed.js), as letters:
 * EQ1 AV PR UI; EQ2 AC AT; EQ3+EQ6 VC VI VA CR IR AR; EQ4 SC SI SA; EQ5 E. */
static const char *const max_eq1[3][3] = { { "NNN" }, { "ANN", "NLN", "NNP" }, { "PNN", "ALP" } };
static const char *const max_eq2[2][2] = { { "LN" }, { "HN", "LP" } };
static const char *const max_eq3eq6[3][2][5] = {
	{ { "HHHHHH" }, { "HHLMMH", "HHHMMM" } },
	{ { "LHHHHH", "HLHHHH" }, { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" } },
	{ { NULL }, { "LLLHHH" } },
};
static const char *const max_eq4[3] = { "HSS", "HHH", "LLL" };
static const char max_eq5[3] = { 'A', 'P', 'U' };

/* Depth of each EQ level, in steps of 0.1 (max_severity.js). */
static const int depth_eq1[3] = { 1, 4, 5 };
static const int depth_eq2[2] = { 1, 2 };
static const int depth_eq3eq6[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int depth_eq4[3] = { 6, 5, 4 };

static int mv_cmp(const void *key, const void *elem)
{
	return memcmp(key, elem, 6);
}

/* The score of macrovector eq[0..5]; 0 when there is no such macrovector. */
static int lookup_mv(const int eq[6], double *score)
{
	char key[7];
	const void *hit;

	for (int i = 0; i < 6; i++) {
		if (eq[i] < 0 || eq[i] > 9)
			return 0;
		key[i] = (char)('0' + eq[i]);
	}
	key[6] = '\0';
	hit = bsearch(key, lookup40, KC_ARRAY_LEN(lookup40), sizeof(lookup40[0]), mv_cmp);
	if (!hit)
		return 0;
	*score = (double)((const struct mv_score *)hit)->tenths / 10.0;
	return 1;
}

/* Effective value of a v4.0 metric: the modified metric when defined, the
 * worst case for threat and security requirements that are Not Defined. */
static char eff4(const struct kc_cvss *v, size_t i)
{
	char c;

	if (i == M4_E) {
		c = letter(v, metrics4, i);
		return c == 'X' ? 'A' : c;
	}
	if (i == M4_CR || i == M4_IR || i == M4_AR) {
		c = letter(v, metrics4, i);
		return c == 'X' ? 'H' : c;
	}
	if (i <= M4_SA) {
		c = letter(v, metrics4, i + M4_MODIFIED);
		if (c != 'X')
			return c;
	}
	return letter(v, metrics4, i);
}

/* The levels of each metric's values, as FIRST's calculator defines them; the
 * literals matter (0.3 is not 3 * 0.1 in binary). */
static double level(const char *order, char c)
{
	static const double lv[] = { 0.0, 0.1, 0.2, 0.3 };
	const char *hit = strchr(order, c);

	return hit && c ? lv[hit - order] : 0.0;
}

static void macrovector40(const struct kc_cvss *v, int eq[6])
{
	char av = eff4(v, M4_AV), pr = eff4(v, M4_PR), ui = eff4(v, M4_UI);
	char vc = eff4(v, M4_VC), vi = eff4(v, M4_VI), va = eff4(v, M4_VA);
	char msi = letter(v, metrics4, M4_MSI), msa = letter(v, metrics4, M4_MSA);
	char e = eff4(v, M4_E);

	if (av == 'N' && pr == 'N' && ui == 'N')
		eq[0] = 0;
	else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = eff4(v, M4_AC) == 'L' && eff4(v, M4_AT) == 'N' ? 0 : 1;
	if (vc == 'H' && vi == 'H')
		eq[2] = 0;
	else if (vc == 'H' || vi == 'H' || va == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	if (msi == 'S' || msa == 'S')
		eq[3] = 0;
	else if (eff4(v, M4_SC) == 'H' || eff4(v, M4_SI) == 'H' || eff4(v, M4_SA) == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	eq[4] = e == 'A' ? 0 : e == 'P' ? 1 : 2;
	eq[5] = (eff4(v, M4_CR) == 'H' && vc == 'H') || (eff4(v, M4_IR) == 'H' && vi == 'H') ||
			(eff4(v, M4_AR) == 'H' && va == 'H')
		? 0
		: 1;
}

/* The score of a macrovector with one EQ changed; 0 when it does not exist. */
static int lower_mv(const int eq[6], int which, int which2, double *score)
{
	int e[6];

	memcpy(e, eq, sizeof(e));
	e[which]++;
	if (which2 >= 0)
		e[which2]++;
	return lookup_mv(e, score);
}

enum { D_AV, D_PR, D_UI, D_AC, D_AT, D_VC, D_VI, D_VA, D_SC, D_SI, D_SA, D_CR, D_IR, D_AR, D_COUNT };

/* Severity distances of the vector from one highest-severity vector. */
static void distances(const char sel[D_COUNT], const char *m1, const char *m2, const char *m36, const char *m4,
		      double d[D_COUNT])
{
	const char mx[D_COUNT] = { m1[0],  m1[1],  m1[2],  m2[0],  m2[1], m36[0], m36[1],
				   m36[2], m4[0], m4[1], m4[2], m36[3], m36[4], m36[5] };
	static const char *const order[D_COUNT] = { "NALP", "NLH", "NPA", "LH",	 "NP",	"HLN", "HLN",
						    "HLN",  "SHLN", "SHLN", "SHLN", "HML", "HML", "HML" };

	for (int i = 0; i < D_COUNT; i++)
		d[i] = level(order[i], sel[i]) - level(order[i], mx[i]);
}

static double score40(const struct kc_cvss *v, const int eq[6])
{
	static const size_t metric_of[D_COUNT] = { M4_AV, M4_PR, M4_UI, M4_AC, M4_AT, M4_VC, M4_VI,
						   M4_VA, M4_SC, M4_SI, M4_SA, M4_CR, M4_IR, M4_AR };
	const int e1 = eq[0], e2 = eq[1], e3 = eq[2], e4 = eq[3], e5 = eq[4], e6 = eq[5];
	char sel[D_COUNT];
	double d[D_COUNT] = { 0 };
	double value, low1 = 0, low2 = 0, low36 = 0, low4 = 0, low5 = 0, cur1, cur2, cur36, cur4, mean;
	double norm1 = 0, norm2 = 0, norm36 = 0, norm4 = 0, norm5 = 0;
	int has1, has2, has36, has4, has5, n = 0, found = 0;
	const double step = 0.1;
	long long tenths;

	for (int i = 0; i < D_COUNT; i++)
		sel[i] = eff4(v, metric_of[i]);
	/* No impact on any system: 0 whatever the rest. */
	if (sel[D_VC] == 'N' && sel[D_VI] == 'N' && sel[D_VA] == 'N' && sel[D_SC] == 'N' &&
	    sel[D_SI] == 'N' && sel[D_SA] == 'N')
		return 0.0;
	if (!lookup_mv(eq, &value))
		return 0.0; /* cannot happen: every EQ combination macrovector40 makes exists */

	/* 1a. The score of the next lower macrovector of each EQ, if there is one. */
	has1 = lower_mv(eq, 0, -1, &low1);
	has2 = lower_mv(eq, 1, -1, &low2);
	if (e3 == 0 && e6 == 0) {
		/* Two ways down (00 -> 01 and 00 -> 10): the higher score. */
		double left = 0, right = 0;
		int hl = lower_mv(eq, 5, -1, &left), hr = lower_mv(eq, 2, -1, &right);

		if (hl && hr && left > right) {
			has36 = 1;
			low36 = left;
		} else {
			has36 = hr;
			low36 = right;
		}
	} else if (e3 == 1 && e6 == 0) {
		has36 = lower_mv(eq, 5, -1, &low36); /* 10 -> 11 */
	} else if (e3 == 2) {
		has36 = lower_mv(eq, 2, 5, &low36); /* 21 -> 32 does not exist */
	} else {
		has36 = lower_mv(eq, 2, -1, &low36); /* 01 -> 11, 11 -> 21 */
	}
	has4 = lower_mv(eq, 3, -1, &low4);
	has5 = lower_mv(eq, 4, -1, &low5);

	/* 1b. The distance from the first highest-severity vector of the
	 * macrovector that is at least as severe in every metric. */
	for (int i1 = 0; i1 < 3 && !found && max_eq1[e1][i1]; i1++)
		for (int i2 = 0; i2 < 2 && !found && max_eq2[e2][i2]; i2++)
			for (int i3 = 0; i3 < 5 && !found && max_eq3eq6[e3][e6][i3]; i3++) {
				int ok = 1;

				distances(sel, max_eq1[e1][i1], max_eq2[e2][i2], max_eq3eq6[e3][e6][i3], max_eq4[e4], d);
				for (int k = 0; k < D_COUNT; k++)
					if (d[k] < 0)
						ok = 0;
				found = ok;
			}
	(void)max_eq5[e5]; /* EQ5 has one highest vector and no distance */

	cur1 = d[D_AV] + d[D_PR] + d[D_UI];
	cur2 = d[D_AC] + d[D_AT];
	cur36 = d[D_VC] + d[D_VI] + d[D_VA] + d[D_CR] + d[D_IR] + d[D_AR];
	cur4 = d[D_SC] + d[D_SI] + d[D_SA];

	/* 1c, 1d. The proportion of the distance times the step to the lower
	 * macrovector; 2. their mean over the EQs that have a lower one. */
	if (has1) {
		n++;
		norm1 = (value - low1) * (cur1 / (depth_eq1[e1] * step));
	}
	if (has2) {
		n++;
		norm2 = (value - low2) * (cur2 / (depth_eq2[e2] * step));
	}
	if (has36) {
		n++;
		norm36 = (value - low36) * (cur36 / (depth_eq3eq6[e3][e6] * step));
	}
	if (has4) {
		n++;
		norm4 = (value - low4) * (cur4 / (depth_eq4[e4] * step));
	}
	if (has5) {
		n++;
		norm5 = (value - low5) * 0.0;
	}
	mean = n ? (norm1 + norm2 + norm36 + norm4 + norm5) / n : 0.0;

	/* 3. The macrovector's score less the mean distance, rounded half up to one
	 * decimal after lifting it by 1e-6 (x.x5 ties land an ULP low otherwise). */
	value -= mean;
	if (value < 0)
		value = 0.0;
	if (value > 10)
		value = 10.0;
	tenths = (long long)floor((value + 1e-6) * 10.0 + 0.5);
	return (double)tenths / 10.0;
}

static void compute4(const struct kc_cvss *v, struct kc_cvss_scores *o)
{
	static const char *const names[2][2] = { { "CVSS-B", "CVSS-BE" }, { "CVSS-BT", "CVSS-BTE" } };
	int eq[6];

	macrovector40(v, eq);
	for (int i = 0; i < 6; i++)
		o->macrovector[i] = (char)('0' + eq[i]);
	o->macrovector[6] = '\0';
	o->base = score40(v, eq);
	o->score = o->base;
	o->has_temporal = group_defined(v, TEMPORAL);
	o->has_environmental = group_defined(v, ENVIRONMENTAL);
	o->has_supplemental = group_defined(v, SUPPLEMENTAL);
	o->nomenclature = names[o->has_temporal][o->has_environmental];
}

void kc_cvss_compute(const struct kc_cvss *v, struct kc_cvss_scores *out)
{
	memset(out, 0, sizeof(*out));
	out->version = v->version;
	out->nomenclature = "";
	if (v->version == KC_CVSS_V40)
		compute4(v, out);
	else
		compute3(v, out);
	out->base10 = tenths_of(out->base);
	out->temporal10 = tenths_of(out->temporal);
	out->environmental10 = tenths_of(out->environmental);
	out->score10 = tenths_of(out->score);
	out->base_severity = kc_cvss_severity_of(out->base);
	out->severity = kc_cvss_severity_of(out->score);
}

double kc_cvss_score(const struct kc_cvss *v)
{
	struct kc_cvss_scores s;

	kc_cvss_compute(v, &s);
	return s.base;
}
