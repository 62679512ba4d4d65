/* Unit tests: the growable buffer keeps its maximum and its terminating NUL. */
#include "../test.h"
#include "base/buf.h"
#include "base/err.h"

static void appends_and_terminates(void **state)
{
	kc_buf b;
	size_t len;
	char *p;

	(void)state;
	kc_buf_init(&b, 64);
	assert_string_equal(kc_buf_str(&b), "");
	assert_int_equal(kc_buf_adds(&b, "Bø i "), 0);
	assert_int_equal(kc_buf_addf(&b, "%s %d", "Vesterålen", 2024), 0);
	assert_string_equal(b.ptr, "Bø i Vesterålen 2024");
	kc_buf_truncate(&b, 3);
	assert_string_equal(b.ptr, "Bø");
	p = kc_buf_detach(&b, &len);
	assert_string_equal(p, "Bø");
	assert_int_equal(len, 3);
	assert_null(b.ptr);
	free(p);
}

static void refuses_past_maximum(void **state)
{
	kc_buf b;
	char big[100];

	(void)state;
	memset(big, 'x', sizeof(big));
	kc_buf_init(&b, 10);
	assert_int_equal(kc_buf_add(&b, big, 10), 0);
	assert_int_equal(kc_buf_addc(&b, 'y'), KC_ETOOBIG);
	assert_int_equal(b.len, 10);
	assert_int_equal(kc_buf_addf(&b, "%s", "z"), KC_ETOOBIG);
	assert_int_equal(b.ptr[10], '\0');
	kc_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(kc_buf_add(&b, big, 11), KC_ETOOBIG);
	assert_int_equal(kc_buf_add(&b, big, SIZE_MAX), KC_ETOOBIG);
	kc_buf_release(&b);
}

static void grows_across_many_appends(void **state)
{
	kc_buf b;

	(void)state;
	kc_buf_init(&b, 1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(kc_buf_addf(&b, "%04d,", i % 10000), 0);
	assert_int_equal(b.len, 50000);
	assert_memory_equal(b.ptr + 49995, "9999,", 5);
	kc_buf_release(&b);
}

static void escapes_html(void **state)
{
	kc_buf b;

	(void)state;
	kc_buf_init(&b, 1024);
	kc_buf_html(&b, "<a href=\"x\" title='y'>Tom & Jerry</a>");
	assert_string_equal(kc_buf_str(&b), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;");
	kc_buf_html(&b, NULL);
	kc_buf_html(&b, "Ålesund");
	assert_string_equal(kc_buf_str(&b) + strlen(kc_buf_str(&b)) - strlen("Ålesund"), "Ålesund");
	kc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_html), cmocka_unit_test(appends_and_terminates),
		cmocka_unit_test(refuses_past_maximum),
		cmocka_unit_test(grows_across_many_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
