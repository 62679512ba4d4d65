/* Unit tests: HTTP header blocks, security header values, fingerprints. */
#include "../test.h"
#include "scan/httphdr.h"

#define S(s) kc_slice_of(s, strlen(s))

static void parses_blocks(void **state)
{
	struct kc_http_headers h;
	const char *blk = "HTTP/1.1 100 Continue\r\nX-Old: 1\r\n\r\nHTTP/1.1 301 Moved\r\n"
			  "Location:  https://a.no/ \r\nbad line\r\n set-cookie: x\r\nSERVER: nginx\r\n\r\n";
	kc_err err;

	(void)state;
	assert_int_equal(kc_http_headers_parse(blk, strlen(blk), &h, &err), 0);
	assert_int_equal(h.status, 301);
	assert_int_equal(h.n, 2);
	assert_null(kc_http_header_get(&h, "X-Old"));
	assert_int_equal(kc_http_header_get(&h, "location")->len, strlen("https://a.no/"));
	assert_int_equal(h.malformed, 2);
	assert_int_equal(kc_http_headers_parse("X: y\r\n", 6, &h, &err), KC_EPARSE);
}

static void judges_values(void **state)
{
	long age;
	int sub, weak;

	(void)state;
	assert_int_equal(kc_hsts_parse(S("max-age=31536000; includeSubDomains"), &age, &sub), 0);
	assert_int_equal(age, 31536000);
	assert_int_equal(sub, 1);
	assert_int_equal(kc_hsts_parse(S("max-age=\"300\""), &age, &sub), 0);
	assert_int_equal(age, 300);
	assert_int_equal(kc_hsts_parse(S("includeSubDomains"), &age, &sub), KC_EPARSE);
	assert_int_equal(kc_hsts_parse(S("max-age=1; max-age=2"), &age, &sub), KC_EPARSE);
	assert_int_equal(kc_hsts_parse(S("max-age=99999999999999999999"), &age, &sub), 0);
	assert_int_equal(age, 2147483647L);
	assert_true(kc_csp_has_directive(S("default-src 'self'; Frame-Ancestors 'none'"), "frame-ancestors"));
	assert_false(kc_csp_has_directive(S("default-src frame-ancestors"), "frame-ancestors"));
	assert_true(kc_xfo_valid(S(" sameorigin ")));
	assert_false(kc_xfo_valid(S("ALLOW-FROM x")));
	assert_true(kc_xcto_nosniff(S("nosniff")));
	assert_string_equal(kc_referrer_policy(S("bogus, no-referrer"), &weak), "no-referrer");
	assert_int_equal(weak, 0);
	assert_string_equal(kc_referrer_policy(S("unsafe-url"), &weak), "unsafe-url");
	assert_int_equal(weak, 1);
	assert_null(kc_referrer_policy(S("bogus"), &weak));
}

static void fingerprints(void **state)
{
	struct kc_http_headers h;
	struct kc_http_product p[KC_HTTP_PRODUCT_MAX];
	const char *blk = "HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian) OpenSSL/3.0\r\n"
			  "X-Powered-By: PHP/8.2.7\r\nX-OWA-Version: 15.2.1118.7\r\n\r\n";
	size_t n;

	(void)state;
	assert_int_equal(kc_http_headers_parse(blk, strlen(blk), &h, NULL), 0);
	n = kc_http_fingerprint(&h, "", 0, p, KC_HTTP_PRODUCT_MAX);
	assert_int_equal(n, 4);
	assert_string_equal(p[0].cpe, "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*");
	assert_int_equal(p[0].confidence, 80);
	assert_string_equal(p[1].cpe, "cpe:2.3:a:openssl:openssl:3.0:*:*:*:*:*:*:*");
	assert_int_equal(p[1].confidence, 30);
	assert_string_equal(p[2].cpe, "cpe:2.3:a:php:php:8.2.7:*:*:*:*:*:*:*");
	assert_string_equal(p[3].cpe, "cpe:2.3:a:microsoft:exchange_server:15.2.1118.7:*:*:*:*:*:*:*");
	blk = "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\n\r\n";
	assert_int_equal(kc_http_headers_parse(blk, strlen(blk), &h, NULL), 0);
	n = kc_http_fingerprint(&h, "<a href=\"/dana-na/auth\">", 24, p, KC_HTTP_PRODUCT_MAX);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].confidence, 30);
	assert_string_equal(p[1].cpe, "cpe:2.3:a:ivanti:connect_secure:*:*:*:*:*:*:*:*");
	blk = "HTTP/1.1 200 OK\r\nServer: nginxfoo/1.2.3\r\n\r\n";
	assert_int_equal(kc_http_headers_parse(blk, strlen(blk), &h, NULL), 0);
	assert_int_equal(kc_http_fingerprint(&h, NULL, 0, p, KC_HTTP_PRODUCT_MAX), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_blocks),
		cmocka_unit_test(judges_values),
		cmocka_unit_test(fingerprints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
