/*
 * fuzz_observable.c - libFuzzer harness for observables in free text
 * (src/mail/observable.c). Invariants: no crash; at most max results; no
 * value twice for a kind; every value is canonical for its kind (addresses
 * and prefixes format back to themselves, domains normalise to themselves,
 * hashes are lower-case hex of their length, CVE ids upper case), and none
 * holds white space.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/domain.h"
#include "base/ip.h"
#include "mail/observable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void canonical(const kc_observable *o)
{
	const char *v = o->value;
	size_t n = strlen(v);
	char out[KC_DOMAIN_MAX > KC_CIDR_STRLEN ? KC_DOMAIN_MAX : KC_CIDR_STRLEN];
	kc_cidr c;
	kc_ip ip;

	if (!n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)v[i]) || (unsigned char)v[i] < 0x20)
			abort();
	switch (o->kind) {
	case KC_OBS_IP:
		if (kc_ip_parse(v, n, &ip, NULL) || strcmp(kc_ip_format(&ip, out), v))
			abort();
		break;
	case KC_OBS_CIDR:
		if (kc_cidr_parse(v, n, &c, 0, NULL) || strcmp(kc_cidr_format(&c, out), v))
			abort();
		break;
	case KC_OBS_DOMAIN:
		if (kc_domain_normalise(v, n, out, NULL) || strcmp(out, v))
			abort();
		break;
	case KC_OBS_EMAIL: {
		const char *at = strrchr(v, '@');

		if (!at || at == v || kc_domain_normalise(at + 1, strlen(at + 1), out, NULL) || strcmp(out, at + 1))
			abort();
		break;
	}
	case KC_OBS_URL:
		if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8) && strncmp(v, "ftp://", 6))
			abort();
		break;
	case KC_OBS_MD5:
	case KC_OBS_SHA1:
	case KC_OBS_SHA256:
		if (n != (o->kind == KC_OBS_MD5 ? 32u : o->kind == KC_OBS_SHA1 ? 40u : 64u))
			abort();
		for (size_t i = 0; i < n; i++)
			if (!isxdigit((unsigned char)v[i]) || isupper((unsigned char)v[i]))
				abort();
		break;
	case KC_OBS_CVE:
		if (strncmp(v, "CVE-", 4) || n < 13)
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max = size ? (size_t)(data[0] % 64) : 0, n;
	kc_observable *o;

	if (size > 64 * 1024)
		return 0;
	if (kc_observables_extract((const char *)data, size, max, &o, &n, NULL))
		abort();
	if (n > (max ? max : KC_OBSERVABLES_MAX) || (n == 0) != (o == NULL))
		abort();
	for (size_t i = 0; i < n; i++) {
		canonical(&o[i]);
		for (size_t k = 0; k < i; k++)
			if (o[k].kind == o[i].kind && !strcmp(o[k].value, o[i].value))
				abort();
	}
	kc_observables_free(o, n);
	return 0;
}
