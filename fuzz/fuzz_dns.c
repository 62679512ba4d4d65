/*
 * fuzz_dns.c - libFuzzer harness for DNS answers' record data
 * (kc_dns_rdata_parse in src/scan/dns.c): the first byte picks the type, the
 * rest is the rdata. No crash; text stays within its buffer and NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { KC_DNS_A, KC_DNS_AAAA, KC_DNS_MX, KC_DNS_NS, KC_DNS_CNAME,
		KC_DNS_TXT, KC_DNS_SOA };
	char buf[KC_DNS_TEXT_MAX + 64];
	struct kc_dns_rr rr;

	if (size < 1 || size > 70000)
		return 0;
	if (kc_dns_rdata_parse(types[data[0] % 7], data + 1, size - 1, &rr, buf, sizeof(buf), NULL) == 0) {
		if (rr.len >= sizeof(buf) || rr.text != buf || buf[rr.len] != '\0')
			abort();
		if (rr.type != KC_DNS_TXT && strlen(buf) != rr.len)
			abort();
	}
	return 0;
}
