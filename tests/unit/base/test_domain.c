/* Unit tests: domain normalisation (with IDN), AS numbers, URL hosts, time. */
#include "../test.h"
#include "base/domain.h"
#include "base/i18n.h"
#include "base/time.h"

static void normalises_domains(void **state)
{
	char out[KC_DOMAIN_MAX];
	kc_err err;

	(void)state;
	assert_int_equal(kc_domain_normalise("Bergen.Kommune.NO.", 18, out, &err), 0);
	assert_string_equal(out, "bergen.kommune.no");
	assert_int_equal(kc_domain_normalise("bø.kommune.no", strlen("bø.kommune.no"), out, &err), 0);
	assert_string_equal(out, "xn--b-5ga.kommune.no");
	assert_int_equal(kc_domain_normalise("Høyanger.kommune.no", strlen("Høyanger.kommune.no"), out, &err), 0);
	assert_string_equal(out, "xn--hyanger-q1a.kommune.no");
	assert_int_equal(kc_domain_normalise("no", 2, out, &err), KC_EINVAL);
	assert_non_null(strstr(err.msg, "two labels"));
	assert_int_equal(kc_domain_normalise("-a.no", 5, out, &err), KC_EINVAL);
	assert_int_equal(kc_domain_normalise("a..no", 5, out, &err), KC_EINVAL);
	assert_int_equal(kc_domain_normalise("a b.no", 6, out, &err), KC_EINVAL);
	assert_int_equal(kc_domain_normalise("a_b.no", 6, out, &err), KC_EINVAL);
	assert_int_equal(kc_domain_normalise("", 0, out, &err), KC_EINVAL);
	assert_int_equal(kc_domain_normalise("a.no\0x", 6, out, &err), KC_EINVAL);
	{
		char label[70], name[300];

		memset(label, 'a', 64);
		label[64] = '\0';
		snprintf(name, sizeof(name), "%s.no", label);
		assert_int_equal(kc_domain_normalise(name, strlen(name), out, &err), KC_EINVAL);
		label[63] = '\0';
		snprintf(name, sizeof(name), "%s.no", label);
		assert_int_equal(kc_domain_normalise(name, strlen(name), out, &err), 0);
	}
}

static void parses_as_numbers(void **state)
{
	uint32_t asn;
	kc_err err;

	(void)state;
	assert_int_equal(kc_asn_parse("AS64500", 7, &asn, &err), 0);
	assert_int_equal(asn, 64500);
	assert_int_equal(kc_asn_parse("as224", 5, &asn, &err), 0);
	assert_int_equal(asn, 224);
	assert_int_equal(kc_asn_parse("4294967294", 10, &asn, &err), 0);
	assert_int_equal(asn, 4294967294u);
	assert_int_equal(kc_asn_parse("4294967295", 10, &asn, &err), KC_EINVAL);
	assert_int_equal(kc_asn_parse("99999999999", 11, &asn, &err), KC_EINVAL);
	assert_int_equal(kc_asn_parse("AS0", 3, &asn, &err), KC_EINVAL);
	assert_int_equal(kc_asn_parse("AS", 2, &asn, &err), KC_EINVAL);
	assert_int_equal(kc_asn_parse("AS01", 4, &asn, &err), KC_EINVAL);
	assert_int_equal(kc_asn_parse("AS1x", 4, &asn, &err), KC_EINVAL);
}

static void finds_url_hosts(void **state)
{
	kc_slice h;
	kc_err err;

	(void)state;
#define HOST(url, want)                                                                        \
	do {                                                                                   \
		assert_int_equal(kc_url_host(url, strlen(url), &h, &err), 0);                  \
		assert_int_equal(h.len, strlen(want));                                         \
		assert_memory_equal(h.ptr, want, h.len);                                       \
	} while (0)
	HOST("https://www.bergen.kommune.no/", "www.bergen.kommune.no");
	HOST("http://user:pw@host.no:8080/x?y#z", "host.no");
	HOST("https://[2001:db8::1]:443/", "2001:db8::1");
	HOST("ftp://192.0.2.1", "192.0.2.1");
	HOST("hxxp+s://a.no?q=@b", "a.no");
	assert_int_equal(kc_url_host("www.no", 6, &h, &err), KC_EINVAL);
	assert_int_equal(kc_url_host("https://", 8, &h, &err), KC_EINVAL);
	assert_int_equal(kc_url_host("https://[::1", 12, &h, &err), KC_EINVAL);
	assert_int_equal(kc_url_host("1http://a.no", 12, &h, &err), KC_EINVAL);
}

static void parses_and_formats_time(void **state)
{
	char buf[KC_TIME_STRLEN];
	time_t t;

	(void)state;
	assert_int_equal(kc_time_parse("2024-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_string_equal(kc_time_iso(t, buf), "2024-01-01T00:00:00Z");
	assert_int_equal(kc_time_parse("2024-01-01 01:00:00", &t), 0);
	assert_int_equal(t, 1704070800);
	assert_int_equal(kc_time_parse("2024-01-01T02:00:00+01:00", &t), 0);
	assert_int_equal(t, 1704070800);
	assert_int_equal(kc_time_parse("2024-02-29T00:00:00.123Z", &t), 0);
	assert_int_equal(kc_time_parse("2023-02-29T00:00:00Z", &t), KC_EINVAL);
	assert_int_equal(kc_time_parse("2024-13-01", &t), KC_EINVAL);
	assert_int_equal(kc_time_parse("2024-01-01T25:00:00Z", &t), KC_EINVAL);
	assert_int_equal(kc_time_parse("2024-01-01Tjunk", &t), KC_EINVAL);
	/* Europe/Oslo: CET in winter, CEST from the last Sunday of March 01:00 UTC. */
	assert_string_equal(kc_time_oslo("2026-11-28T12:00:00Z", buf), "2026-11-28 13:00");
	assert_string_equal(kc_time_oslo("2026-07-01T12:00:00Z", buf), "2026-07-01 14:00");
	assert_string_equal(kc_time_oslo("2026-03-29T00:59:59Z", buf), "2026-03-29 01:59");
	assert_string_equal(kc_time_oslo("2026-03-29T01:00:00Z", buf), "2026-03-29 03:00");
	assert_string_equal(kc_time_oslo("2026-10-25T00:59:00Z", buf), "2026-10-25 02:59");
	assert_string_equal(kc_time_oslo("2026-10-25T01:00:00Z", buf), "2026-10-25 02:00");
	assert_string_equal(kc_time_oslo("garbage", buf), "garbage");
	setenv("KCERT_NOW", "2026-11-28T12:00:00Z", 1);
	assert_string_equal(kc_time_now_iso(buf), "2026-11-28T12:00:00Z");
	unsetenv("KCERT_NOW");
}

/* The parser's own calendar arithmetic agrees with the C library's timegm on
 * every day from 1601 to 2400 (leap years, centuries, 400-year cycles) and at
 * random times of day, with and without an offset. */
static void time_agrees_with_timegm(void **state)
{
	static const int mlen[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned seed = 12345;

	(void)state;
	for (int y = 1601; y <= 2400; y++)
		for (int m = 1; m <= 12; m++) {
			int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
			int days = mlen[m - 1] + (m == 2 && leap);

			for (int d = 1; d <= days; d++) {
				struct tm tm = { 0 };
				char s[40];
				time_t got;
				int h, mi, sec;

				seed = seed * 1103515245u + 12345u;
				h = (int)(seed >> 8) % 24;
				mi = (int)(seed >> 16) % 60;
				sec = (int)(seed >> 4) % 60;
				tm.tm_year = y - 1900;
				tm.tm_mon = m - 1;
				tm.tm_mday = d;
				tm.tm_hour = h;
				tm.tm_min = mi;
				tm.tm_sec = sec;
				snprintf(s, sizeof(s), "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, h, mi, sec);
				assert_int_equal(kc_time_parse(s, &got), 0);
				assert_int_equal((long long)got, (long long)timegm(&tm));
				snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d+01:30", y, m, d, h, mi, sec);
				assert_int_equal(kc_time_parse(s, &got), 0);
				assert_int_equal((long long)got, (long long)timegm(&tm) - 5400);
			}
		}
	{
		time_t t;

		assert_int_equal(kc_time_parse("2100-02-29", &t), KC_EINVAL);
		assert_int_equal(kc_time_parse("2000-02-29", &t), 0);
		assert_int_equal((long long)t, 951782400LL);
		assert_int_equal(kc_time_parse("1969-12-31T23:59:59Z", &t), 0);
		assert_int_equal((long long)t, -1LL);
	}
}

static void translates(void **state)
{
	kc_lang l;

	(void)state;
	assert_int_equal(kc_lang_parse("nn_NO.UTF-8", &l), 0);
	assert_int_equal(l, KC_LANG_NN);
	assert_int_equal(kc_lang_parse("en", &l), 0);
	assert_int_equal(l, KC_LANG_EN);
	assert_int_equal(kc_lang_parse("bokmål", &l), 0);
	assert_int_equal(l, KC_LANG_NB);
	assert_int_equal(kc_lang_parse("de", &l), KC_EINVAL);
	assert_string_equal(kc_tr_lang(KC_LANG_EN, "not found"), "not found");
	assert_string_equal(kc_tr_lang(KC_LANG_NB, "not found"), "ikke funnet");
	assert_string_equal(kc_tr_lang(KC_LANG_NN, "not found"), "ikkje funnen");
	assert_string_equal(kc_tr_lang(KC_LANG_NB, "a message nobody translated"), "a message nobody translated");
	kc_i18n_set_lang(KC_LANG_NB);
	assert_string_equal(kc_strerror(KC_EEXIST), "finnes allerede");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalises_domains), cmocka_unit_test(parses_as_numbers),
		cmocka_unit_test(finds_url_hosts),    cmocka_unit_test(parses_and_formats_time),
		cmocka_unit_test(translates), cmocka_unit_test(time_agrees_with_timegm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
