/* Unit tests: CVSS v3.x and v4.0 parsing, scoring, formatting and refusals.
 * Scores are checked against every row of tests/fixtures/cvss/ (vectors and
 * scores from FIRST's calculators, see its README) and, as an extra conformance
 * check, against the shared data in ../shared/data/cvss/ when it is there. */
#include "../test.h"
#include "vuln/cvss.h"
#include "base/i18n.h"

#define FIXTURES "tests/fixtures/cvss/"
#define SHARED "../shared/data/cvss/"

/* Split a CSV line (no quoting) into at most max fields; returns the count. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < max;) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* The canonical form of v parses back to a vector with the same scores. */
static void check_canonical(const struct kc_cvss *v, const struct kc_cvss_scores *s, const char *vector)
{
	char canon[KC_CVSS_VECTOR_MAX], again[KC_CVSS_VECTOR_MAX];
	struct kc_cvss v2;
	struct kc_cvss_scores s2;
	kc_err err;

	kc_cvss_format(v, canon, sizeof(canon));
	if (kc_cvss_parse(canon, &v2, &err))
		fail_msg("%s: canonical form %s does not parse: %s", vector, canon, err.msg);
	kc_cvss_compute(&v2, &s2);
	if (s2.score10 != s->score10 || s2.base10 != s->base10 || s2.temporal10 != s->temporal10 ||
	    s2.environmental10 != s->environmental10 || strcmp(s2.macrovector, s->macrovector))
		fail_msg("%s: canonical form %s scores differently", vector, canon);
	if (strcmp(kc_cvss_format(&v2, again, sizeof(again)), canon))
		fail_msg("%s: canonical form is not stable: %s then %s", vector, canon, again);
}

/* Check every row of a v3.1 file: base score, severity, temporal and
 * environmental scores. Returns the number of rows. */
static int check_file31(const char *path)
{
	char line[1024], got[128], want[128];
	FILE *f = fopen(path, "r");
	int rows = 0;

	if (!f)
		fail_msg("cannot open %s", path);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "vector,base_score,base_severity,temporal_score,environmental_score"));
	while (fgets(line, sizeof(line), f)) {
		struct kc_cvss v;
		struct kc_cvss_scores s;
		char *fld[6];
		kc_err err;

		if (split(line, fld, 6) < 5)
			fail_msg("%s: short row %d", path, rows + 2);
		rows++;
		if (kc_cvss_parse(fld[0], &v, &err))
			fail_msg("%s: %s", fld[0], err.msg);
		assert_int_equal(v.version, KC_CVSS_V31);
		kc_cvss_compute(&v, &s);
		snprintf(got, sizeof(got), "%.1f,%s,%.1f,%.1f", s.base, kc_cvss_severity_name(s.base_severity),
			 s.temporal, s.environmental);
		snprintf(want, sizeof(want), "%s,%s,%s,%s", fld[1], fld[2], fld[3], fld[4]);
		if (strcmp(got, want))
			fail_msg("%s: want %s, got %s", fld[0], want, got);
		if (s.base != kc_cvss_score(&v))
			fail_msg("%s: kc_cvss_score is not the base score", fld[0]);
		check_canonical(&v, &s, fld[0]);
	}
	fclose(f);
	return rows;
}

/* The same for v4.0: score, severity and macrovector. */
static int check_file40(const char *path)
{
	char line[1024], got[128], want[128];
	FILE *f = fopen(path, "r");
	int rows = 0;

	if (!f)
		fail_msg("cannot open %s", path);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "vector,score,severity,macrovector"));
	while (fgets(line, sizeof(line), f)) {
		struct kc_cvss v;
		struct kc_cvss_scores s;
		char *fld[5];
		kc_err err;

		if (split(line, fld, 5) < 4)
			fail_msg("%s: short row %d", path, rows + 2);
		rows++;
		if (kc_cvss_parse(fld[0], &v, &err))
			fail_msg("%s: %s", fld[0], err.msg);
		assert_int_equal(v.version, KC_CVSS_V40);
		kc_cvss_compute(&v, &s);
		snprintf(got, sizeof(got), "%.1f,%s,%s", s.score, kc_cvss_severity_name(s.severity), s.macrovector);
		snprintf(want, sizeof(want), "%s,%s,%s", fld[1], fld[2], fld[3]);
		if (strcmp(got, want))
			fail_msg("%s: want %s, got %s", fld[0], want, got);
		if (s.score != kc_cvss_score(&v))
			fail_msg("%s: kc_cvss_score is not the score", fld[0]);
		check_canonical(&v, &s, fld[0]);
	}
	fclose(f);
	return rows;
}

static void every_fixture_row_scores_exactly(void **state)
{
	(void)state;
	assert_int_equal(check_file31(FIXTURES "cvss31_vectors.csv"), 80);
	assert_int_equal(check_file40(FIXTURES "cvss40_vectors.csv"), 99);
}

/* Conformance: the shared data the fixtures were copied from. */
static void conforms_to_the_shared_data(void **state)
{
	FILE *f = fopen(SHARED "cvss31_vectors.csv", "r");

	(void)state;
	if (!f)
		return; /* outside the project's workspace: the fixtures above are the test */
	fclose(f);
	assert_true(check_file31(SHARED "cvss31_vectors.csv") >= 80);
	assert_true(check_file40(SHARED "cvss40_vectors.csv") >= 99);
}

/* kc_cvss_parse(s) must fail with KC_EINVAL and a message containing want. */
static void bad(const char *s, const char *want)
{
	struct kc_cvss v;
	kc_err err;

	kc_err_clear(&err);
	memset(&v, 0x5a, sizeof(v));
	if (kc_cvss_parse(s, &v, &err) != KC_EINVAL)
		fail_msg("\"%s\" was accepted", s);
	if (err.code != KC_EINVAL)
		fail_msg("\"%s\": err.code %d", s, err.code);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, want);
	if (v.version != 0 || v.val[0] != 0)
		fail_msg("\"%s\": output not cleared on failure", s);
}

#define B31 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
#define B40 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"

static void refuses_bad_vectors_naming_the_problem(void **state)
{
	char longv[700];

	(void)state;
	kc_i18n_set_lang(KC_LANG_EN);
	/* Empty, prefix, version. */
	bad("", "empty CVSS vector");
	bad("CVSS:3.1", "no metrics after CVSS:3.1");
	bad("CVSS:3.1/", "trailing slash at the end of the CVSS vector");
	bad(B31 "/", "trailing slash");
	bad(B40 "/", "trailing slash");
	bad("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS version 3.2 is not supported (3.0, 3.1 or 4.0)");
	bad("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS version 2.0 is not supported");
	bad("CVSS:/AV:N", "CVSS version \"\" is not supported");
	bad("CVSS:31/AV:N", "CVSS version 31 is not supported");
	bad("AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS v2 vectors are not supported");
	bad("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "a CVSS vector begins with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/");
	bad("CVSS3.1/AV:N", "CVSS3.1/AV:N: a CVSS vector begins with");
	bad("hello", "hello: a CVSS vector begins with");
	/* Characters. */
	bad(" " B31, "character 0x20 at position 1 is not allowed");
	bad(B31 "\n", "character 0x0a at position 45 is not allowed");
	bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:\xc3\xa9", "character 0xc3 at position 44");
	bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\t", "character 0x09");
	memset(longv, 'A', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	memcpy(longv, "CVSS:3.1/", 9);
	bad(longv, "CVSS vector longer than 512 characters");
	/* Components. */
	bad("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty metric at position 15 (two slashes)");
	bad("CVSS:3.1/AV:N/AC/PR:N/UI:N/S:U/C:H/I:H/A:H", "AC: a metric is NAME:VALUE");
	bad("CVSS:3.1/:N/AV:N", "unknown metric \"\" in a CVSS 3.1 vector");
	bad(B31 "/XX:Y", "unknown metric XX in a CVSS 3.1 vector");
	bad("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric AT in a CVSS 3.1 vector");
	bad("CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric av in a CVSS 3.1 vector");
	bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/C:H/I:H/A:H", "unknown metric C in a CVSS 4.0 vector");
	bad("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/Au:N", "unknown metric Au in a CVSS 3.0 vector");
	/* Values. */
	bad("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "bad value Q for metric AV (one of N, A, L, P)");
	bad("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "bad value n for metric AV");
	bad("CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "bad value \"\" for metric AV");
	bad("CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "bad value NN for metric AV");
	bad("CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "bad value N:L for metric AV");
	bad("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "bad value X for metric AV");
	bad(B31 "/E:A", "bad value A for metric E (one of X, H, F, P, U)");
	bad(B31 "/MS:S", "bad value S for metric MS (one of X, U, C)");
	bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "bad value R for metric UI (one of N, P, A)");
	bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "bad value S for metric SI (one of H, L, N)");
	bad(B40 "/U:red", "bad value red for metric U (one of X, Clear, Green, Amber, Red)");
	bad(B40 "/E:F", "bad value F for metric E (one of X, A, P, U)");
	bad(B40 "/MSC:S", "bad value S for metric MSC");
	bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/VC:H", "bad value U for metric S (one of X, N, P)");
	/* Duplicates, order, missing metrics. */
	bad(B31 "/A:H", "metric A appears twice");
	bad(B31 "/E:X/E:X", "metric E appears twice");
	bad(B40 "/E:A/E:A", "metric E appears twice");
	bad(B40 "/AV:N", "metric AV appears twice");
	bad("CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "metric AV is out of order: it comes before AC in a CVSS 3.1 vector");
	bad(B31 "/RC:C/E:H", "metric E is out of order: it comes before RC");
	bad(B31 "/CR:H/RL:O", "metric RL is out of order: it comes before CR");
	bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N",
	    "metric VI is out of order: it comes before SC in a CVSS 4.0 vector");
	bad(B40 "/CR:H/E:A", "metric E is out of order: it comes before CR");
	bad(B40 "/S:N/MAV:N", "metric MAV is out of order: it comes before S");
	bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "missing mandatory base metric A");
	bad("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "missing mandatory base metric S");
	bad("CVSS:3.1/E:H", "missing mandatory base metric AV");
	bad("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "missing mandatory base metric SA");
	bad("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "missing mandatory base metric AT");
}

static void score_of(const char *vector, struct kc_cvss_scores *s)
{
	struct kc_cvss v;
	kc_err err;

	if (kc_cvss_parse(vector, &v, &err))
		fail_msg("%s: %s", vector, err.msg);
	kc_cvss_compute(&v, s);
}

static void scores_v3_groups_and_v30(void **state)
{
	struct kc_cvss_scores s;
	char line[1024], v30[512];
	FILE *f;
	int rows = 0;

	(void)state;
	score_of(B31, &s);
	assert_int_equal(s.base10, 98);
	assert_int_equal(s.score10, 98);
	assert_int_equal(s.base_severity, KC_CVSS_CRITICAL);
	assert_false(s.has_temporal);
	assert_false(s.has_environmental);
	assert_string_equal(s.nomenclature, "");
	assert_string_equal(s.macrovector, "");
	score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", &s);
	assert_int_equal(s.base10, 0);
	assert_int_equal(s.severity, KC_CVSS_NONE);
	/* The shown score follows the groups the vector defines; X defines nothing. */
	score_of(B31 "/E:U/RL:O/RC:R", &s);
	assert_true(s.has_temporal);
	assert_int_equal(s.temporal10, 82); /* Roundup(9.8 x 0.91 x 0.95 x 0.96 = 8.133...) */
	assert_int_equal(s.score10, s.temporal10);
	/* Appendix A: 10.0 x 0.92 is 9.2000000000000011 in binary; Roundup gives 9.2
	 * where ceil(x * 10) / 10 would give 9.3. */
	score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/RC:U", &s);
	assert_int_equal(s.base10, 100);
	assert_int_equal(s.temporal10, 92);
	assert_int_equal(s.environmental10, 92);
	score_of(B31 "/E:X/RL:X/RC:X/CR:X", &s);
	assert_false(s.has_temporal);
	assert_false(s.has_environmental);
	assert_int_equal(s.score10, 98);
	score_of(B31 "/CR:L/IR:L/AR:L/MAV:P", &s);
	assert_true(s.has_environmental);
	assert_int_equal(s.score10, s.environmental10);
	assert_true(s.environmental10 < s.base10);
	/* v3.0: the environmental Modified Impact with a changed scope is v3.0's own
	 * formula, so with no environmental metric it equals the temporal score,
	 * where v3.1's (0.9731, ^13) can differ by 0.1. */
	score_of("CVSS:3.1/AV:A/AC:L/PR:L/UI:R/S:C/C:N/I:H/A:H", &s);
	assert_int_equal(s.environmental10, 80);
	score_of("CVSS:3.0/AV:A/AC:L/PR:L/UI:R/S:C/C:N/I:H/A:H", &s);
	assert_int_equal(s.version, KC_CVSS_V30);
	assert_int_equal(s.base10, 81);
	assert_int_equal(s.environmental10, 81);
	f = fopen(FIXTURES "cvss31_vectors.csv", "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, ",")] = '\0';
		if (strstr(line, "CR:") || strstr(line, "IR:") || strstr(line, "AR:") || strstr(line, "/M"))
			continue;
		snprintf(v30, sizeof(v30), "CVSS:3.0/%s", line + 9);
		score_of(v30, &s);
		if (s.environmental10 != s.temporal10)
			fail_msg("%s: environmental %d != temporal %d", v30, s.environmental10, s.temporal10);
		rows++;
	}
	fclose(f);
	assert_true(rows > 40);
}

static void scores_v4_nomenclature_and_supplemental(void **state)
{
	struct kc_cvss_scores s, plain;

	(void)state;
	score_of(B40, &plain);
	assert_int_equal(plain.score10, 93);
	assert_string_equal(plain.macrovector, "000200");
	assert_string_equal(plain.nomenclature, "CVSS-B");
	assert_int_equal(plain.severity, KC_CVSS_CRITICAL);
	score_of(B40 "/E:X/CR:X/MAV:X", &s);
	assert_string_equal(s.nomenclature, "CVSS-B");
	assert_int_equal(s.score10, plain.score10);
	score_of(B40 "/E:U", &s);
	assert_string_equal(s.nomenclature, "CVSS-BT");
	assert_string_equal(s.macrovector, "000220");
	assert_true(s.score10 < plain.score10);
	score_of(B40 "/CR:L/IR:L/AR:L", &s);
	assert_string_equal(s.nomenclature, "CVSS-BE");
	assert_string_equal(s.macrovector, "000201");
	score_of(B40 "/E:P/MAV:P", &s);
	assert_string_equal(s.nomenclature, "CVSS-BTE");
	assert_int_equal(s.macrovector[0], '2');
	assert_int_equal(s.macrovector[4], '1');
	/* Safety on a subsequent system puts EQ4 at 0. */
	score_of(B40 "/MSI:S", &s);
	assert_int_equal(s.macrovector[3], '0');
	/* Supplemental metrics are validated and kept, but never scored. */
	score_of(B40 "/S:P/AU:Y/R:I/V:C/RE:H/U:Red", &s);
	assert_true(s.has_supplemental);
	assert_false(plain.has_supplemental);
	assert_string_equal(s.nomenclature, "CVSS-B");
	assert_int_equal(s.score10, plain.score10);
	/* No impact anywhere: 0.0 whatever else. */
	score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", &s);
	assert_int_equal(s.score10, 0);
	assert_int_equal(s.severity, KC_CVSS_NONE);
	/* The x.x5 tie from the data's README: 6.1 - 0.45 is 5.65, shown as 5.7. */
	score_of("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", &s);
	assert_int_equal(s.score10, 57);
	assert_string_equal(s.macrovector, "111200");
	assert_int_equal(s.temporal10, 0);
	assert_int_equal(s.environmental10, 0);
}

static void formats_canonically_and_orders_on_request(void **state)
{
	static const char out_of_order[] = "CVSS:3.1/A:H/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/RL:O/E:P";
	char buf[KC_CVSS_VECTOR_MAX];
	struct kc_cvss v, v2;
	kc_err err;

	(void)state;
	assert_int_equal(kc_cvss_parse(B31 "/E:X/RL:O/MAV:X/MC:L", &v, &err), 0);
	assert_string_equal(kc_cvss_format(&v, buf, sizeof(buf)), B31 "/RL:O/MC:L");
	assert_int_equal(kc_cvss_parse(B40 "/E:X/CR:H/U:Amber", &v, &err), 0);
	assert_string_equal(kc_cvss_format(&v, buf, sizeof(buf)), B40 "/CR:H/U:Amber");
	/* Truncated output stays a terminated string. */
	kc_cvss_format(&v, buf, 12);
	assert_string_equal(buf, "CVSS:4.0/AV");
	/* Any order for v3.x on request; duplicates still refused; never for v4.0. */
	assert_int_equal(kc_cvss_parse(out_of_order, &v, &err), KC_EINVAL);
	assert_int_equal(kc_cvss_parse_n(out_of_order, strlen(out_of_order), KC_CVSS_ANY_ORDER, &v, &err), 0);
	assert_string_equal(kc_cvss_format(&v, buf, sizeof(buf)), B31 "/E:P/RL:O");
	assert_int_equal(kc_cvss_parse(buf, &v2, &err), 0);
	assert_true(kc_cvss_score(&v) == kc_cvss_score(&v2));
	assert_int_equal(kc_cvss_parse_n(B31 "/AV:N", strlen(B31 "/AV:N"), KC_CVSS_ANY_ORDER, &v, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "metric AV appears twice"));
	assert_int_equal(kc_cvss_parse_n(B40 "/CR:H/E:A", strlen(B40 "/CR:H/E:A"), KC_CVSS_ANY_ORDER, &v, &err),
			 KC_EINVAL);
	assert_non_null(strstr(err.msg, "out of order"));
	assert_string_equal(kc_cvss_version_name(KC_CVSS_V30), "3.0");
	assert_string_equal(kc_cvss_version_name(KC_CVSS_V40), "4.0");
}

static void never_reads_past_n(void **state)
{
	size_t n = strlen(B40);
	char *exact = malloc(n);
	struct kc_cvss v;
	kc_err err;

	(void)state;
	assert_non_null(exact);
	memcpy(exact, B40, n); /* no NUL: ASan sees any read past it */
	assert_int_equal(kc_cvss_parse_n(exact, n, 0, &v, &err), 0);
	for (size_t k = 0; k < n; k++) {
		int rc = kc_cvss_parse_n(exact, k, 0, &v, &err);

		assert_int_equal(rc, KC_EINVAL);
		assert_true(err.msg[0] != '\0');
	}
	assert_int_equal(kc_cvss_parse_n(exact, n - 4, 0, &v, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "trailing slash"));
	assert_int_equal(kc_cvss_parse_n(exact, n - 2, 0, &v, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "SA: a metric is NAME:VALUE"));
	free(exact);
	assert_int_equal(kc_cvss_parse_n("CVSS:3.1\0/AV:N", 15, 0, &v, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "character 0x00 at position 9"));
	assert_int_equal(kc_cvss_parse_n(NULL, 0, 0, &v, &err), KC_EINVAL);
	assert_int_equal(kc_cvss_parse(NULL, &v, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "empty CVSS vector"));
}

static void rates_severity_at_the_boundaries(void **state)
{
	static const struct {
		double score;
		kc_cvss_severity want;
	} cases[] = {
		{ 0.0, KC_CVSS_NONE },	   { 0.1, KC_CVSS_LOW },	{ 3.9, KC_CVSS_LOW },
		{ 4.0, KC_CVSS_MEDIUM },   { 6.9, KC_CVSS_MEDIUM },	{ 7.0, KC_CVSS_HIGH },
		{ 8.9, KC_CVSS_HIGH },	   { 9.0, KC_CVSS_CRITICAL },	{ 10.0, KC_CVSS_CRITICAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (kc_cvss_severity_of(cases[i].score) != cases[i].want)
			fail_msg("%.1f rated %d", cases[i].score, kc_cvss_severity_of(cases[i].score));
	assert_string_equal(kc_cvss_severity_name(KC_CVSS_NONE), "None");
	assert_string_equal(kc_cvss_severity_name(KC_CVSS_LOW), "Low");
	assert_string_equal(kc_cvss_severity_name(KC_CVSS_MEDIUM), "Medium");
	assert_string_equal(kc_cvss_severity_name(KC_CVSS_HIGH), "High");
	assert_string_equal(kc_cvss_severity_name(KC_CVSS_CRITICAL), "Critical");
}

/* Every v3.1 base vector (2,592) and every v4.0 base vector (104,976): a score
 * in range with the right severity, a well-formed macrovector, and a canonical
 * form that is the input itself. */
static void every_base_vector_scores_in_range(void **state)
{
	static const char *const v3[8][4] = { { "N", "A", "L", "P" }, { "L", "H" }, { "N", "L", "H" }, { "N", "R" },
					      { "U", "C" }, { "H", "L", "N" }, { "H", "L", "N" }, { "H", "L", "N" } };
	static const char *const n3[8] = { "AV", "AC", "PR", "UI", "S", "C", "I", "A" };
	static const int c3[8] = { 4, 2, 3, 2, 2, 3, 3, 3 };
	static const char *const n4[11] = { "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA" };
	static const char *const v4[11] = { "NALP", "LH", "NP", "NLH", "NPA", "HLN", "HLN", "HLN", "HLN", "HLN", "HLN" };
	char vec[256], canon[KC_CVSS_VECTOR_MAX];
	struct kc_cvss v;
	struct kc_cvss_scores s;
	kc_err err;
	long count = 0;

	(void)state;
	for (int idx = 0; idx < 2592; idx++) {
		size_t used = (size_t)snprintf(vec, sizeof(vec), "CVSS:3.1");

		for (int m = 0, r = idx; m < 8; r /= c3[m], m++)
			used += (size_t)snprintf(vec + used, sizeof(vec) - used, "/%s:%s", n3[m], v3[m][r % c3[m]]);
		if (kc_cvss_parse(vec, &v, &err))
			fail_msg("%s: %s", vec, err.msg);
		kc_cvss_compute(&v, &s);
		if (s.base10 < 0 || s.base10 > 100 || s.temporal10 != s.base10 || s.environmental10 < 0 ||
		    s.environmental10 > 100 || s.base_severity != kc_cvss_severity_of(s.base))
			fail_msg("%s: out of range", vec);
		assert_string_equal(kc_cvss_format(&v, canon, sizeof(canon)), vec);
		count++;
	}
	for (long idx = 0; idx < 104976; idx++) {
		size_t used = (size_t)snprintf(vec, sizeof(vec), "CVSS:4.0");
		long r = idx;

		for (int m = 0; m < 11; m++) {
			long c = (long)strlen(v4[m]);

			used += (size_t)snprintf(vec + used, sizeof(vec) - used, "/%s:%c", n4[m], v4[m][r % c]);
			r /= c;
		}
		if (kc_cvss_parse(vec, &v, &err))
			fail_msg("%s: %s", vec, err.msg);
		kc_cvss_compute(&v, &s);
		if (s.score10 < 0 || s.score10 > 100 || s.severity != kc_cvss_severity_of(s.score) ||
		    strlen(s.macrovector) != 6 || strspn(s.macrovector, "012") != 6 || s.macrovector[4] != '0' ||
		    strcmp(s.nomenclature, "CVSS-B"))
			fail_msg("%s: %.1f %s out of range", vec, s.score, s.macrovector);
		count++;
	}
	assert_int_equal(count, 2592 + 104976);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_fixture_row_scores_exactly),
		cmocka_unit_test(conforms_to_the_shared_data),
		cmocka_unit_test(refuses_bad_vectors_naming_the_problem),
		cmocka_unit_test(scores_v3_groups_and_v30),
		cmocka_unit_test(scores_v4_nomenclature_and_supplemental),
		cmocka_unit_test(formats_canonically_and_orders_on_request),
		cmocka_unit_test(never_reads_past_n),
		cmocka_unit_test(rates_severity_at_the_boundaries),
		cmocka_unit_test(every_base_vector_scores_in_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
