/* Unit tests: security.txt parsing (RFC 9116) and RFC 3339 dates. */
#include "../test.h"
#include "scan/securitytxt.h"

#define P(s, st) kc_securitytxt_parse(s, strlen(s), st, &err)

static void parses_valid_and_signed(void **state)
{
	struct kc_securitytxt st;
	kc_err err;
	const char *signed_txt = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
		"- Contact: mailto:a@b.no\nExpires: 2030-01-01T00:00:00+01:00\n"
		"-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n";

	(void)state;
	assert_int_equal(P("# c\r\nContact: mailto:x@y.no\r\nExpires: 2030-01-01T00:00:00Z\r\n", &st), 0);
	assert_int_equal(st.ncontact, 1);
	assert_string_equal(st.contact, "mailto:x@y.no");
	assert_true(st.expires_ok);
	assert_int_equal(st.expires, 1893456000);
	assert_null(kc_securitytxt_problem(&st, 1767225600));
	assert_string_equal(kc_securitytxt_problem(&st, 1893456000), "security.txt has expired");
	assert_int_equal(P(signed_txt, &st), 0);
	assert_true(st.pgp_signed);
	assert_string_equal(st.contact, "mailto:a@b.no");
	assert_int_equal(st.expires, 1893456000 - 3600);
}

static void reports_problems(void **state)
{
	struct kc_securitytxt st;
	kc_err err;

	(void)state;
	assert_int_equal(P("Expires: 2030-01-01T00:00:00Z\n", &st), 0);
	assert_string_equal(kc_securitytxt_problem(&st, 0), "security.txt has no Contact field");
	assert_int_equal(P("Contact: x\n", &st), 0);
	assert_string_equal(kc_securitytxt_problem(&st, 0), "security.txt has no Expires field");
	assert_int_equal(P("Contact: x\nExpires: 2030-01-01\n", &st), 0);
	assert_string_equal(kc_securitytxt_problem(&st, 0),
		"security.txt Expires is not an RFC 3339 date-time");
	assert_int_equal(P("Contact: x\nExpires: 2030-01-01T00:00:00Z\nExpires: 2031-01-01T00:00:00Z\n", &st), 0);
	assert_string_equal(kc_securitytxt_problem(&st, 0), "security.txt has more than one Expires field");
	assert_int_equal(P("<html>\nContact: x\n", &st), 0);
	assert_int_equal(st.first_bad_line, 1);
	assert_int_equal(P("-----BEGIN PGP SIGNED MESSAGE-----\nHash: x\n\nContact: x\n", &st), KC_EPARSE);
	assert_non_null(strstr(err.msg, "not closed"));
	assert_int_equal(kc_securitytxt_parse("a\0b", 3, &st, &err), KC_EPARSE);
}

static void parses_dates(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(kc_rfc3339_parse("1970-01-01T00:00:10.5Z", 22, &t), 0);
	assert_int_equal(t, 10);
	assert_int_equal(kc_rfc3339_parse("1970-01-01T01:00:00+01:00", 25, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(kc_rfc3339_parse("1970-13-01T00:00:00Z", 20, &t), KC_EPARSE);
	assert_int_equal(kc_rfc3339_parse("1970-01-01T00:00:00", 19, &t), KC_EPARSE);
	assert_int_equal(kc_rfc3339_parse("1970-01-01T00:00:00Zx", 21, &t), KC_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_valid_and_signed),
		cmocka_unit_test(reports_problems),
		cmocka_unit_test(parses_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
