/*
 * csaf_check.h - CSAF 2.0 mandatory tests (section 6.1) on a document.
 *
 * Implemented: 6.1.1-6.1.8 (6.1.8 as far as the required CVSS v3 properties
 * and the vector's version go), 6.1.10, 6.1.12-6.1.33 including the profile
 * tests 6.1.27.1-6.1.27.11. Not implemented: 6.1.9 (CVSS computation) and
 * 6.1.11 (CWE names: needs MITRE's catalogue). The JSON schema itself is not
 * checked here (the tests do that with a JSON Schema validator); members of
 * the wrong type are passed over, never a crash.
 */
#ifndef KC_CSAF_CHECK_H
#define KC_CSAF_CHECK_H

#include <stddef.h>

#include "base/err.h"

typedef struct kc_csaf_problem {
	char test[12];	   /* "6.1.1", "6.1.27.5" */
	char path[256];	   /* JSON pointer: "/vulnerabilities/0/product_status/fixed/1" */
	char message[256];
} kc_csaf_problem;

#define KC_CSAF_MAX_INPUT (64u << 20)
#define KC_CSAF_MAX_PROBLEMS 1000

/*
 * Run the tests on the JSON text data. Returns 0 with the failures in *out
 * (malloc'd, *n of them; none when the document passes), or KC_EPARSE when
 * data is not a JSON object (the message names line and column).
 */
int kc_csaf_check(const char *data, size_t len, kc_csaf_problem **out, size_t *n, kc_err *err);

#endif
