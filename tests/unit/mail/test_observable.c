/* Unit tests: observables in free text (src/mail/observable.c). Each case gives
 * the text and every observable expected, in order, as "kind value" lines. */
#include "../test.h"
#include "base/buf.h"
#include "mail/observable.h"

/* The observables of text as "kind value; kind value". */
static char *found(const char *text, size_t max)
{
	kc_observable *o;
	size_t n;
	kc_buf b;

	assert_int_equal(kc_observables_extract(text, strlen(text), max, &o, &n, NULL), 0);
	kc_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(kc_buf_addf(&b, "%s%s %s", i ? "; " : "", kc_observable_kind_name(o[i].kind), o[i].value),
				 0);
	kc_observables_free(o, n);
	return kc_buf_detach(&b, NULL);
}

static void check(const char *const cases[][2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = found(cases[i][0], 0);

		if (strcmp(got, cases[i][1]))
			fail_msg("case %zu: \"%s\"\n  got  \"%s\"\n  want \"%s\"", i, cases[i][0], got, cases[i][1]);
		free(got);
	}
}

#define CHECK(cases) check(cases, sizeof(cases) / sizeof(cases[0]))

static void report_text(void **state)
{
	static const char *const cases[][2] = {
		{ "Vi har oppdaget mistenkelig trafikk fra 192.0.2.15… mot skoleportal.bergen.kommune.no. "
		  "Nettet 198.51.100.0/24 og 2001:db8:4601::bad:1 er også sett. Den utnytter CVE-2024-3400; "
		  "filen har SHA-256 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 og MD5 "
		  "d41d8cd98f00b204e9800998ecf8427e (SHA-1 da39a3ee5e6b4b0d3255bfef95601890afd80709). "
		  "Phishing-lenken er hxxps://login-microsoft[.]example[.]com/owa og avsender er "
		  "faktura[@]drammen-kommune.example.net. Se rapport.pdf og skjermbilde.png.",
		  "ip 192.0.2.15; domain skoleportal.bergen.kommune.no; cidr 198.51.100.0/24; ip 2001:db8:4601::bad:1; "
		  "cve CVE-2024-3400; sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08; "
		  "md5 d41d8cd98f00b204e9800998ecf8427e; sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709; "
		  "url https://login-microsoft.example.com/owa; domain login-microsoft.example.com; "
		  "email faktura@drammen-kommune.example.net; domain drammen-kommune.example.net" },
		{ "", "" },
		{ "Ingen observabler her, bare tekst.", "" },
	};

	(void)state;
	CHECK(cases);
}

static void refanging(void **state)
{
	static const char *const cases[][2] = {
		{ "hxxp://a.example.com/x", "url http://a.example.com/x; domain a.example.com" },
		{ "hXXps://a.example.com/", "url https://a.example.com/; domain a.example.com" },
		{ "HXXPS://A.EXAMPLE.COM/Sti", "url https://a.example.com/Sti; domain a.example.com" },
		{ "fxp://files.example.com/a", "url ftp://files.example.com/a; domain files.example.com" },
		{ "https[:]//a.example.com/", "url https://a.example.com/; domain a.example.com" },
		{ "https[://]a.example.com/", "url https://a.example.com/; domain a.example.com" },
		{ "a(.)example(.)com og b[dot]example(dot)org", "domain a.example.com; domain b.example.org" },
		{ "c{.}example[.]net", "domain c.example.net" },
		{ "bergen [dot] kommune [.] no", "domain bergen.kommune.no" },
		{ "192[.]0[.]2[.]1", "ip 192.0.2.1" },
		{ "kari[@]bergen.kommune.no", "email kari@bergen.kommune.no; domain bergen.kommune.no" },
		{ "kari[at]bergen.kommune.no", "email kari@bergen.kommune.no; domain bergen.kommune.no" },
		{ "kari [at] bergen [dot] kommune [dot] no", "email kari@bergen.kommune.no; domain bergen.kommune.no" },
		{ "kari (AT) bergen.kommune.no", "email kari@bergen.kommune.no; domain bergen.kommune.no" },
		{ "møte (at) rådhuset", "" }, /* no address: stays text */
		{ "Se [at] slutten.", "" },
	};

	(void)state;
	CHECK(cases);
}

static void addresses(void **state)
{
	static const char *const cases[][2] = {
		{ "(192.0.2.15) [192.0.2.16] ip=192.0.2.17, IP:192.0.2.18.", "ip 192.0.2.15; ip 192.0.2.16; ip 192.0.2.17; ip 192.0.2.18" },
		{ "192.0.2.15:3389 og 192.0.2.15", "ip 192.0.2.15" },
		{ "192.0.2.1-192.0.2.9", "ip 192.0.2.1; ip 192.0.2.9" },
		{ "010.0.0.1 256.1.1.1 1.2.3 1.2.3.4.5 10.0.19041.1 v1.2.3.4 1.2.3.4x", "" },
		{ "192.0.2.15/24 er en adresse, 192.0.2.0/24 et nett, 10.0.0.0/33 ingen", "ip 192.0.2.15; cidr 192.0.2.0/24; ip 10.0.0.0" },
		{ "2001:db8::/32 og 2001:DB8:0:0:0:0:0:1 og [2001:db8::2]:443", "cidr 2001:db8::/32; ip 2001:db8::1; ip 2001:db8::2" },
		{ "fe80::1%eth0 og ::ffff:192.0.2.1 og ::1.", "ip fe80::1; ip ::ffff:192.0.2.1; ip ::1" },
		{ "kl. 10:15:00, std::vector, a::b::c, Note:: x, 00:1a:2b:3c:4d:5e", "" },
		{ "192.0.2.15…", "ip 192.0.2.15" },
	};

	(void)state;
	CHECK(cases);
}

static void domains(void **state)
{
	static const char *const cases[][2] = {
		{ "Bergen.Kommune.NO og bergen.kommune.no.", "domain bergen.kommune.no" },
		{ "bø.kommune.no", "domain xn--b-5ga.kommune.no" },
		{ "www.example.com/sti/til/side", "domain www.example.com" },
		{ "rapport.pdf image.png faktura.docx logg.csv notat.txt arkiv.zip", "" },
		{ "f.eks. bl.a. m.fl. osv. St.meld. p.t. e.g. i.e.", "" },
		{ "trafikk.Vi har sett det.", "" }, /* a missing space, not a domain */
		{ "example.c0m example.c x.123 localhost _dmarc.example.com", "" },
		{ "my-host.example.com- og -example.org", "domain my-host.example.com; domain example.org" },
		{ "xn--b-5ga.kommune.no og eksempel.xn--p1ai", "domain xn--b-5ga.kommune.no; domain eksempel.xn--p1ai" },
		{ "«sikker.example.no» “lenke.example.no”", "domain sikker.example.no; domain lenke.example.no" },
	};

	(void)state;
	CHECK(cases);
}

static void urls(void **state)
{
	static const char *const cases[][2] = {
		{ "Se https://a.example.com/x. Og (https://b.example.com/y) nå",
		  "url https://a.example.com/x; domain a.example.com; url https://b.example.com/y; domain b.example.com" },
		{ "https://en.example.org/wiki/Foo_(bar)", "url https://en.example.org/wiki/Foo_(bar); domain en.example.org" },
		{ "<https://a.example.com/>, \"https://a.example.com/\"", "url https://a.example.com/; domain a.example.com" },
		{ "https://user@host.example.com:8443/p?q=1#f", "url https://user@host.example.com:8443/p?q=1#f; domain host.example.com" },
		{ "http://192.0.2.1/admin", "url http://192.0.2.1/admin; ip 192.0.2.1" },
		{ "https://[2001:db8::1]:8443/", "url https://[2001:db8::1]:8443/; ip 2001:db8::1" },
		{ "https://bø.kommune.no/side", "url https://xn--b-5ga.kommune.no/side; domain xn--b-5ga.kommune.no" },
		{ "http://localhost/ https:// ftp://-bad-.example.com/", "" },
		{ "http://[::1", "ip ::1" }, /* not a URL, but an address */
		{ "https://dokument.zip/faktura", "url https://dokument.zip/faktura; domain dokument.zip" }, /* a host is a host */
		{ "https://a.example.com/x…", "url https://a.example.com/x; domain a.example.com" },
	};

	(void)state;
	CHECK(cases);
}

static void emails(void **state)
{
	static const char *const cases[][2] = {
		{ "Kari.Nordmann@Bergen.Kommune.no", "email kari.nordmann@bergen.kommune.no; domain bergen.kommune.no" },
		{ "<kari+cert@x.example.no>", "email kari+cert@x.example.no; domain x.example.no" },
		{ "mailto:ola@x.example.no.", "email ola@x.example.no; domain x.example.no" },
		{ "user@localhost", "" },
		{ "dot.@x.example.no", "domain x.example.no" }, /* no address, but a domain */
		{ "user@192.0.2.1", "ip 192.0.2.1" },
	};

	(void)state;
	CHECK(cases);
}

static void hashes_and_cves(void **state)
{
	static const char *const cases[][2] = {
		{ "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
		  "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "md5=d41d8cd98f00b204e9800998ecf8427e.", "md5 d41d8cd98f00b204e9800998ecf8427e" },
		{ "12345678901234567890123456789012 abcdefabcdefabcdefabcdefabcdefab", "" }, /* digits only, letters only */
		{ "d41d8cd98f00b204e9800998ecf8427e0 xd41d8cd98f00b204e9800998ecf8427e d41d8cd98f00b204e9800998ecf8427e_x", "" },
		{ "cve-2024-3400 CVE-2021-44228 CVE-2024-12345678", "cve CVE-2024-3400; cve CVE-2021-44228; cve CVE-2024-12345678" },
		{ "CVE-2024-123 CVE-24-1234 CVE-2024-3400x", "" },
	};

	(void)state;
	CHECK(cases);
}

static void dedup_and_order(void **state)
{
	static const char *const cases[][2] = {
		{ "192.0.2.1 example.com 192.0.2.1 EXAMPLE.COM https://example.com/ kari@example.com",
		  "ip 192.0.2.1; domain example.com; url https://example.com/; email kari@example.com" },
		{ "a@x.example.no b@x.example.no", "email a@x.example.no; domain x.example.no; email b@x.example.no" },
		{ "192.0.2.1 2001:db8::1 192.0.2.0/24 2001:db8::/48 CVE-2024-0001",
		  "ip 192.0.2.1; ip 2001:db8::1; cidr 192.0.2.0/24; cidr 2001:db8::/48; cve CVE-2024-0001" },
	};

	(void)state;
	CHECK(cases);
}

static void limits(void **state)
{
	char *got = found("192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5", 3);
	kc_observable *o = (kc_observable *)1;
	size_t n = 99;
	kc_buf big;

	(void)state;
	assert_string_equal(got, "ip 192.0.2.1; ip 192.0.2.2; ip 192.0.2.3");
	free(got);
	/* NUL bytes are white space */
	assert_int_equal(kc_observables_extract("192.0.2.1\0" "192.0.2.2", 19, 0, &o, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(o[1].value, "192.0.2.2");
	kc_observables_free(o, n);
	/* nothing: no array */
	assert_int_equal(kc_observables_extract("", 0, 0, &o, &n, NULL), 0);
	assert_null(o);
	assert_int_equal(n, 0);
	/* many: the default maximum */
	kc_buf_init(&big, 1 << 22);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(kc_buf_addf(&big, "host%d.example.com ", i), 0);
	assert_int_equal(kc_observables_extract(big.ptr, big.len, 0, &o, &n, NULL), 0);
	assert_int_equal(n, KC_OBSERVABLES_MAX);
	assert_string_equal(o[999].value, "host999.example.com");
	kc_observables_free(o, n);
	kc_buf_release(&big);
}

static void kind_names(void **state)
{
	(void)state;
	assert_string_equal(kc_observable_kind_name(KC_OBS_IP), "ip");
	assert_string_equal(kc_observable_kind_name(KC_OBS_CIDR), "cidr");
	assert_string_equal(kc_observable_kind_name(KC_OBS_DOMAIN), "domain");
	assert_string_equal(kc_observable_kind_name(KC_OBS_URL), "url");
	assert_string_equal(kc_observable_kind_name(KC_OBS_EMAIL), "email");
	assert_string_equal(kc_observable_kind_name(KC_OBS_MD5), "md5");
	assert_string_equal(kc_observable_kind_name(KC_OBS_SHA1), "sha1");
	assert_string_equal(kc_observable_kind_name(KC_OBS_SHA256), "sha256");
	assert_string_equal(kc_observable_kind_name(KC_OBS_CVE), "cve");
	assert_string_equal(kc_observable_kind_name((kc_obs_kind)42), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_text), cmocka_unit_test(refanging),	  cmocka_unit_test(addresses),
		cmocka_unit_test(domains),     cmocka_unit_test(urls),		  cmocka_unit_test(emails),
		cmocka_unit_test(hashes_and_cves), cmocka_unit_test(dedup_and_order), cmocka_unit_test(limits),
		cmocka_unit_test(kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
