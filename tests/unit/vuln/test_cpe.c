/* Unit tests: CPE 2.3 formatted strings (parse, bind, round trip), version
 * comparison, and matching with NVD's version ranges. */
#include "../test.h"
#include "vuln/cpe.h"

static void parse_ok(const char *s, kc_cpe *c)
{
	kc_err err;

	kc_err_clear(&err);
	if (kc_cpe_parse(s, strlen(s), c, &err) != 0)
		fail_msg("\"%s\" refused: %s", s, err.msg);
}

static void parse_bad(const char *s, const char *want)
{
	kc_cpe c;
	kc_err err;

	kc_err_clear(&err);
	if (kc_cpe_parse(s, strlen(s), &c, &err) != KC_EINVAL)
		fail_msg("\"%s\" was accepted", s);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, want);
}

static void roundtrip(const char *in, const char *want)
{
	char *out = NULL;
	kc_err err;

	if (kc_cpe_canonical(in, &out, &err) != 0)
		fail_msg("\"%s\" refused: %s", in, err.msg);
	if (strcmp(out, want) != 0)
		fail_msg("\"%s\" bound to \"%s\", want \"%s\"", in, out, want);
	free(out);
	/* The canonical form is a fixed point. */
	if (kc_cpe_canonical(want, &out, &err) != 0 || strcmp(out, want) != 0)
		fail_msg("\"%s\" is not a fixed point", want);
	free(out);
}

static void parses_attributes_and_logical_values(void **state)
{
	kc_cpe c;
	(void)state;

	parse_ok("cpe:2.3:a:citrix:netscaler_gateway:13.1-49.13:*:*:*:fips:*:*:-", &c);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_PART), "a");
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VENDOR), "citrix");
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_PRODUCT), "netscaler_gateway");
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VERSION), "13.1-49.13");
	assert_int_equal(c.v[KC_CPE_UPDATE].kind, KC_CPE_ANY);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_SW_EDITION), "fips");
	assert_int_equal(c.v[KC_CPE_OTHER].kind, KC_CPE_NA);
	/* Quoted characters are unquoted in the literal; case is folded. */
	parse_ok("cpe:2.3:a:Microsoft:Exchange_Server:2019_CU12:*:*:*:*:*:*:*", &c);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VENDOR), "microsoft");
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VERSION), "2019_cu12");
	parse_ok("cpe:2.3:a:foo\\\\bar:big\\$money_2010:1.0\\(1\\):*:*:*:*:*:*:*", &c);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VENDOR), "foo\\bar");
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_PRODUCT), "big$money_2010");
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VERSION), "1.0(1)");
	/* A quoted colon stays inside its attribute. */
	parse_ok("cpe:2.3:a:vendor:prod\\:uct:1:*:*:*:*:*:*:*", &c);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_PRODUCT), "prod:uct");
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VERSION), "1");
	/* Wildcards at the ends of a value; a quoted "-" is a literal hyphen. */
	parse_ok("cpe:2.3:a:*soft:win??:8.*:\\-:*:*:*:*:*:*", &c);
	assert_int_equal(c.v[KC_CPE_VENDOR].lead_star, 1);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VENDOR), "soft");
	assert_int_equal(c.v[KC_CPE_PRODUCT].trail_q, 2);
	assert_int_equal(c.v[KC_CPE_VERSION].trail_star, 1);
	assert_int_equal(c.v[KC_CPE_UPDATE].kind, KC_CPE_VALUE);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_UPDATE), "-");
	/* A quoted asterisk is a literal. */
	parse_ok("cpe:2.3:a:v:p:\\*:*:*:*:*:*:*:*", &c);
	assert_int_equal(c.v[KC_CPE_VERSION].kind, KC_CPE_VALUE);
	assert_int_equal(c.v[KC_CPE_VERSION].trail_star, 0);
	assert_string_equal(kc_cpe_literal(&c, KC_CPE_VERSION), "*");
}

static void binds_back_canonically(void **state)
{
	(void)state;
	roundtrip("cpe:2.3:a:citrix:netscaler_gateway:13.1-49.13:*:*:*:fips:*:*:-",
		  "cpe:2.3:a:citrix:netscaler_gateway:13.1-49.13:*:*:*:fips:*:*:-");
	roundtrip("CPE:2.3:A:Microsoft:Exchange_Server:2019_CU12:*:*:*:*:*:*:*",
		  "cpe:2.3:a:microsoft:exchange_server:2019_cu12:*:*:*:*:*:*:*");
	/* Quoting of "." "-" "_" is dropped (they stand bare); others keep it. */
	roundtrip("cpe:2.3:a:v:p\\.q\\-r\\_s\\!:1\\.0:*:*:*:*:*:*:*",
		  "cpe:2.3:a:v:p.q-r_s\\!:1.0:*:*:*:*:*:*:*");
	roundtrip("cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*");
	roundtrip("cpe:2.3:a:*soft:win??:8.*:\\*:*:*:*:*:*:*",
		  "cpe:2.3:a:*soft:win??:8.*:\\*:*:*:*:*:*:*");
	roundtrip("cpe:2.3:a:foo\\\\bar:prod\\:uct:1.0\\(1\\):*:*:*:*:*:*:*",
		  "cpe:2.3:a:foo\\\\bar:prod\\:uct:1.0\\(1\\):*:*:*:*:*:*:*");
}

static void refuses_invalid_names_with_clear_messages(void **state)
{
	(void)state;
	parse_bad("", "an empty string is not a CPE name");
	parse_bad("cpe:/a:microsoft:ie:8", "a CPE 2.2 URI");
	parse_bad("cpe:2.2:a:v:p:1:*:*:*:*:*:*:*", "begins with \"cpe:2.3:\"");
	parse_bad("cpe:2.3:a:v:p:1", "this one ends after 4");
	parse_bad("cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:extra", "more than 11 attributes");
	parse_bad("cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:", "more than 11 attributes");
	parse_bad("cpe:2.3:x:v:p:1:*:*:*:*:*:*:*", "part attribute (position 9) must be a, o, h");
	parse_bad("cpe:2.3:-:v:p:1:*:*:*:*:*:*:*", "must be a, o, h");
	parse_bad("cpe:2.3:a::p:1:*:*:*:*:*:*:*", "the vendor attribute (position 11) is empty");
	parse_bad("cpe:2.3:a:v:p:1.*.3:*:*:*:*:*:*:*",
		  "unquoted \"*\" inside the version attribute (position 17)");
	parse_bad("cpe:2.3:a:v:p:1.0(1):*:*:*:*:*:*:*",
		  "\"(\" in the version attribute (position 18) must be quoted");
	parse_bad("cpe:2.3:a:v:p:1 0:*:*:*:*:*:*:*", "byte 0x20 at position 16");
	parse_bad("cpe:2.3:a:v:p:1\\", "lone backslash");
	parse_bad("cpe:2.3:a:v:p:2019\\ cu12:*:*:*:*:*:*:*", "byte 0x20 at position 20");
	parse_bad("cpe:2.3:a:v:p:**:*:*:*:*:*:*:*", "wildcards and nothing else");
	parse_bad("cpe:2.3:a:v:p:1:*:*:*:*:*:*:\xc3\xa6", "byte 0xc3");
}

#define LT (-1)
#define EQ 0
#define GT 1
#define UN KC_VERSION_UNCERTAIN

static void compares_versions_or_says_uncertain(void **state)
{
	static const struct {
		const char *a, *b;
		int want;
	} cases[] = {
		{ "1.2.3", "1.2.10", LT },
		{ "1.2.10", "1.2.3", GT },
		{ "1.2", "1.2.0", EQ },
		{ "1.2", "1.2.0.0", EQ },
		{ "1.2", "1.2.1", LT },
		{ "01.2", "1.2", EQ },
		{ "13.1-49.12", "13.1-49.13", LT },
		{ "13.1-49.13", "13.1-49.13", EQ },
		{ "13.1-37.164", "13.1-49.13", LT },
		/* A build after "-" does not order against its bare release line. */
		{ "13.1-49.13", "13.1", UN },
		{ "12.1-55.297", "12.1-55.300", LT },
		{ "1.0.1f", "1.0.1g", LT },
		{ "1.0.1G", "1.0.1g", EQ },
		{ "99999999999999999999.1", "99999999999999999998.2", GT },
		/* Cannot be compared reliably: */
		{ "2019 CU12", "15.2.1118.7", UN },
		{ "15.2.1118.7", "2019_CU12", UN },
		{ "1.a", "1.2", UN },
		{ "13.1-49.13", "13.1.49.13", UN },
		{ "1.0", "1.0-beta", UN },
		{ "1.0.1", "1.0.1g", UN },
		{ "", "1.0", UN },
		{ "...", "1.0", UN },
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = kc_version_compare(cases[i].a, cases[i].b);
		int want = cases[i].want;
		if (got != want)
			fail_msg("compare(\"%s\", \"%s\") = %d, want %d", cases[i].a, cases[i].b,
				 got, want);
	}
}

static kc_cpe_match_result m(const char *crit, const char *name, const char *si,
			     const char *se, const char *ei, const char *ee)
{
	kc_cpe c, n;
	kc_cpe_range r = { si, se, ei, ee };

	parse_ok(crit, &c);
	parse_ok(name, &n);
	return kc_cpe_match(&c, &r, &n);
}

#define ADC "cpe:2.3:a:citrix:netscaler_application_delivery_controller:"

static void matches_names_against_criteria(void **state)
{
	(void)state;
	/* CVE-2023-3519: 13.1 before 13.1-49.13, sw_edition NA. */
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.1-48.47:*:*:*:-:*:*:*", "13.1", NULL,
			   NULL, "13.1-49.13"),
			 KC_CPE_MATCH);
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.1-49.13:*:*:*:-:*:*:*", "13.1", NULL,
			   NULL, "13.1-49.13"),
			 KC_CPE_NO_MATCH);
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.0-92.19:*:*:*:-:*:*:*", "13.1", NULL,
			   NULL, "13.1-49.13"),
			 KC_CPE_NO_MATCH);
	/* The fips edition is not the NA edition. */
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.1-48.47:*:*:*:fips:*:*:*", "13.1",
			   NULL, NULL, "13.1-49.13"),
			 KC_CPE_NO_MATCH);
	/* Edition unknown: uncertain; version unknown: uncertain. */
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.1-48.47:*:*:*:*:*:*:*", "13.1", NULL,
			   NULL, "13.1-49.13"),
			 KC_CPE_UNCERTAIN);
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "*:*:*:*:-:*:*:*", "13.1", NULL, NULL,
			   "13.1-49.13"),
			 KC_CPE_UNCERTAIN);
	/* Only the release line known: uncertain, not a guessed match. */
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.1:*:*:*:-:*:*:*", "13.1", NULL, NULL,
			   "13.1-49.13"),
			 KC_CPE_UNCERTAIN);
	/* A bound the version continues names its release line. */
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.1-48.47:*:*:*:-:*:*:*", NULL, NULL,
			   "13.1", NULL),
			 KC_CPE_MATCH);
	assert_int_equal(m(ADC "*:*:*:*:-:*:*:*", ADC "13.1-48.47:*:*:*:-:*:*:*", NULL, "13.1",
			   NULL, NULL),
			 KC_CPE_UNCERTAIN);
	/* Another vendor or product never matches, whatever the version. */
	assert_int_equal(m(ADC "*:*:*:*:*:*:*:*",
			   "cpe:2.3:a:citrix:netscaler_gateway:13.1-48.47:*:*:*:*:*:*:*", NULL,
			   NULL, NULL, "13.1-49.13"),
			 KC_CPE_NO_MATCH);
	assert_int_equal(m(ADC "*:*:*:*:*:*:*:*", "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*", NULL, NULL,
			   NULL, NULL),
			 KC_CPE_NO_MATCH);
	/* Bounds, inclusive and exclusive. */
	assert_int_equal(m("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1.2.10:*:*:*:*:*:*:*",
			   "1.2.3", NULL, "1.2.10", NULL),
			 KC_CPE_MATCH);
	assert_int_equal(m("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1.2.10:*:*:*:*:*:*:*",
			   NULL, "1.2.10", NULL, NULL),
			 KC_CPE_NO_MATCH);
	assert_int_equal(m("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1.2.3:*:*:*:*:*:*:*",
			   "1.2.3", NULL, NULL, "1.2.10"),
			 KC_CPE_MATCH);
	/* Incomparable vendor formats: uncertain. */
	assert_int_equal(m("cpe:2.3:a:microsoft:exchange_server:*:*:*:*:*:*:*:*",
			   "cpe:2.3:a:microsoft:exchange_server:2019_cu12:*:*:*:*:*:*:*", NULL,
			   NULL, NULL, "15.2.1118.7"),
			 KC_CPE_UNCERTAIN);
	/* ... but a bound that rules it out for certain wins over one that cannot decide. */
	assert_int_equal(m("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:*",
			   "2.0", NULL, NULL, "2.0b"),
			 KC_CPE_NO_MATCH);
	/* Exact versions compare as versions; NA version against a range is no match. */
	assert_int_equal(m("cpe:2.3:o:cisco:ios:15.2:*:*:*:*:*:*:*",
			   "cpe:2.3:o:cisco:ios:15.2.0:*:*:*:*:*:*:*", NULL, NULL, NULL, NULL),
			 KC_CPE_MATCH);
	assert_int_equal(m("cpe:2.3:o:cisco:ios:15.2:*:*:*:*:*:*:*",
			   "cpe:2.3:o:cisco:ios:15.3:*:*:*:*:*:*:*", NULL, NULL, NULL, NULL),
			 KC_CPE_NO_MATCH);
	assert_int_equal(m("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:-:*:*:*:*:*:*:*", NULL,
			   NULL, "2.0", NULL),
			 KC_CPE_NO_MATCH);
	/* Wildcards in the criterion. */
	assert_int_equal(m("cpe:2.3:a:v:p:8.*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:8.0.6001:*:*:*:*:*:*:*",
			   NULL, NULL, NULL, NULL),
			 KC_CPE_MATCH);
	assert_int_equal(m("cpe:2.3:a:v:p:8.*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:9.0:*:*:*:*:*:*:*",
			   NULL, NULL, NULL, NULL),
			 KC_CPE_NO_MATCH);
	assert_int_equal(m("cpe:2.3:a:*soft:p:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:p:1:*:*:*:*:*:*:*",
			   NULL, NULL, NULL, NULL),
			 KC_CPE_MATCH);
	assert_int_equal(m("cpe:2.3:a:v:win??:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:win10:1:*:*:*:*:*:*:*",
			   NULL, NULL, NULL, NULL),
			 KC_CPE_MATCH);
	assert_int_equal(m("cpe:2.3:a:v:win??:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:win7:1:*:*:*:*:*:*:*",
			   NULL, NULL, NULL, NULL),
			 KC_CPE_NO_MATCH);
	/* Case does not matter. */
	assert_int_equal(m("cpe:2.3:a:Fortinet:FortiOS:*:*:*:*:*:*:*:*",
			   "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*", NULL, NULL, NULL,
			   NULL),
			 KC_CPE_NO_MATCH); /* part a is not part o */
	assert_int_equal(m("cpe:2.3:o:Fortinet:FortiOS:*:*:*:*:*:*:*:*",
			   "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*", "7.2.0", NULL, NULL,
			   "7.2.5"),
			 KC_CPE_MATCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_attributes_and_logical_values),
		cmocka_unit_test(binds_back_canonically),
		cmocka_unit_test(refuses_invalid_names_with_clear_messages),
		cmocka_unit_test(compares_versions_or_says_uncertain),
		cmocka_unit_test(matches_names_against_criteria),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
