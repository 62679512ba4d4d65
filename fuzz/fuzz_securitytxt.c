/*
 * fuzz_securitytxt.c - libFuzzer harness for security.txt files
 * (src/scan/securitytxt.c). No crash; the verdict is consistent with the counts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/securitytxt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_securitytxt st;
	time_t t;

	if (size > 65536)
		return 0;
	if (kc_securitytxt_parse((const char *)data, size, &st, NULL) == 0) {
		const char *problem = kc_securitytxt_problem(&st, 0);

		if (problem == NULL && (st.ncontact == 0 || st.nexpires != 1 || !st.expires_ok))
			abort();
		if (strlen(st.contact) > 255 || strlen(st.expires_raw) > 63)
			abort();
	}
	kc_rfc3339_parse((const char *)data, size, &t);
	return 0;
}
