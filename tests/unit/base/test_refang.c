/* Unit tests: kc_refang, the one refanging every feed reader and the
 * observable extractor use. */
#include "../test.h"
#include "base/refang.h"

static void check(const char *in, const char *want)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", in);
	kc_refang(buf);
	assert_string_equal(buf, want);
	assert_true(strlen(buf) <= strlen(in));
}

static void plain_forms(void **state)
{
	(void)state;
	check("hxxps://evil[.]example/x", "https://evil.example/x");
	check("hXXp://192.0.2[.]1/", "http://192.0.2.1/");
	check("bad(.)example(dot)no", "bad.example.no");
	check("2001:db8[:]1", "2001:db8:1");
	check("hxxp[://]evil[dot]example", "http://evil.example");
	check("nothing to do", "nothing to do");
	check("", "");
}

static void other_forms(void **state)
{
	(void)state;
	check("HXXPS://evil.example", "https://evil.example");
	check("fxp://files.example", "ftp://files.example");
	check("kari[@]bergen.kommune.no", "kari@bergen.kommune.no");
	check("kari [at] bergen [dot] kommune [dot] no", "kari@bergen.kommune.no");
	check("evil{.}example", "evil.example");
}

static void prose_left_alone(void **state)
{
	(void)state;
	check("se liste (at)", "se liste (at)");
	check("(at) først", "(at) først");
	check("a [.] b", "a.b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_forms),
		cmocka_unit_test(other_forms),
		cmocka_unit_test(prose_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
