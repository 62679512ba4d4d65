/* Unit tests: the municipality map has one tile per municipality of the
 * register, no two on the same spot, and colours each as it is told. */
#include "../test.h"
#include "base/buf.h"
#include "picture/map.h"

extern const char kc_data_municipalities[];

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void every_municipality_has_its_own_tile(void **state)
{
	static char taken[64][64];
	const char *p = kc_data_municipalities;
	int n = 0;

	(void)state;
	p = strchr(p, '\n') + 1;	/* header */
	for (; *p; p = strchr(p, '\n') + 1) {
		char code[5];
		int col, row;

		memcpy(code, p, 4);
		code[4] = '\0';
		assert_int_equal(kc_map_tile(code, &col, &row), 0);
		assert_true(col >= 0 && col < 64 && row >= 0 && row < 64);
		assert_int_equal(taken[col][row], 0);
		taken[col][row] = 1;
		n++;
	}
	assert_int_equal(n, KC_MAP_MUNICIPALITIES);
	assert_string_equal(kc_map_name("4601", NULL), "Bergen");
	assert_null(kc_map_name("9999", NULL));
	assert_int_equal(kc_map_tile("0000", &n, &n), KC_ENOENT);
}

static void colours_as_told(void **state)
{
	kc_map_cell cells[] = { { "0301", 4, "250" }, { "4601", 1, "3" }, { "5501", 0, "0" } };
	kc_map_opts o = { .id = "m", .title = "Events <30 days>", .desc = "d", .value_label = "Events",
			  .lang = KC_LANG_EN };
	kc_buf b;
	kc_err err;

	(void)state;
	kc_buf_init(&b, 1 << 20);
	assert_int_equal(kc_map_svg(&b, &o, kc_map_events_legend(KC_LANG_EN), cells, 3, &err), 0);
	assert_int_equal(count(b.ptr, "data-code=\""), KC_MAP_MUNICIPALITIES);
	assert_int_equal(count(b.ptr, "class=\"m c-x\""), KC_MAP_MUNICIPALITIES - 3);
	assert_non_null(strstr(b.ptr, "class=\"m c-4\" data-code=\"0301\""));
	assert_non_null(strstr(b.ptr, "<title>Oslo (0301): 250</title>"));
	assert_non_null(strstr(b.ptr, "class=\"m c-1\" data-code=\"4601\""));
	assert_non_null(strstr(b.ptr, "<title>Tromsø (5501): 0</title>"));
	assert_non_null(strstr(b.ptr, "<title id=\"m-t\">Events &lt;30 days&gt;</title>"));
	assert_int_equal(count(b.ptr, "<g class=\"county\""), 15);
	/* Reachable and named: without links each tile is a focusable img. */
	assert_non_null(strstr(b.ptr, "role=\"group\" class=\"kc-map\" id=\"m\" aria-labelledby=\"m-t\" "
				      "aria-describedby=\"m-d\""));
	assert_int_equal(count(b.ptr, "tabindex=\"0\" role=\"img\" aria-label=\""), KC_MAP_MUNICIPALITIES);
	assert_non_null(strstr(b.ptr, "aria-label=\"Oslo (0301): 250, 100 or more\">"));
	assert_non_null(strstr(b.ptr, "aria-label=\"Aurskog-H\xc3\xb8land (3226): no data\">"));
	assert_null(strstr(b.ptr, "<a "));
	kc_buf_clear(&b);
	/* With links: each tile is a link (focusable by Tab) with that name. */
	o.href_fmt = "/org/%s/situation";
	assert_int_equal(kc_map_svg(&b, &o, kc_map_events_legend(KC_LANG_EN), cells, 3, &err), 0);
	assert_int_equal(count(b.ptr, "<a href=\"/org/"), KC_MAP_MUNICIPALITIES);
	assert_non_null(strstr(b.ptr, "<a href=\"/org/4601/situation\" aria-label=\"Bergen (4601): 3, 1-4\"><rect "
				      "class=\"m c-1\" data-code=\"4601\""));
	assert_null(strstr(b.ptr, "tabindex"));
	o.href_fmt = NULL;
	kc_buf_clear(&b);
	assert_int_equal(kc_map_table(&b, &o, kc_map_events_legend(KC_LANG_EN), cells, 3, &err), 0);
	assert_int_equal(count(b.ptr, "<tr data-code="), 3);
	assert_non_null(strstr(b.ptr, "<th scope=\"row\">Bergen (4601)</th><td>Vestland</td><td>3</td><td>1-4</td>"));
	kc_buf_release(&b);
}

static void refuses_unknown_codes_and_classes(void **state)
{
	kc_map_cell bad_code[] = { { "9999", 0, "1" } }, bad_class[] = { { "0301", 5, "1" } };
	kc_map_opts o = { .title = "t", .desc = "d", .value_label = "v", .lang = KC_LANG_EN };
	kc_buf b;
	kc_err err;

	(void)state;
	kc_buf_init(&b, 1 << 20);
	assert_int_equal(kc_map_svg(&b, &o, kc_map_rating_legend(KC_LANG_EN), bad_code, 1, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "9999"));
	assert_int_equal(kc_map_svg(&b, &o, kc_map_rating_legend(KC_LANG_EN), bad_class, 1, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "0301"));
	assert_int_equal(b.len, 0);
	kc_buf_release(&b);
}

static void classes(void **state)
{
	(void)state;
	assert_int_equal(kc_map_count_class(0), 0);
	assert_int_equal(kc_map_count_class(4), 1);
	assert_int_equal(kc_map_count_class(5), 2);
	assert_int_equal(kc_map_count_class(99), 3);
	assert_int_equal(kc_map_count_class(100), 4);
	assert_int_equal(kc_map_rating_class("red"), 0);
	assert_int_equal(kc_map_rating_class("Green"), 3);
	assert_int_equal(kc_map_rating_class("A"), 3);
	assert_int_equal(kc_map_rating_class("c"), 1);
	assert_int_equal(kc_map_rating_class("F"), 0);
	assert_int_equal(kc_map_rating_class(NULL), 4);
	assert_int_equal(kc_map_rating_class("purple"), 4);
	assert_string_equal(kc_map_rating_legend(KC_LANG_EN)->classes[4].label, "not rated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_municipality_has_its_own_tile),
		cmocka_unit_test(colours_as_told),
		cmocka_unit_test(refuses_unknown_codes_and_classes),
		cmocka_unit_test(classes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
