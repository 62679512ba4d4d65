/*
 * fuzz_csaf_check.c - libFuzzer harness for the CSAF 2.0 mandatory-test
 * checker (src/advisory/csaf_check.c) on arbitrary bytes, and for the CPE
 * field splitter and the Markdown rendering path (cmark, safe mode) of
 * advisories. Checks what callers rely on: either a parse error with a
 * message or a list of failures, each with a test number "6.1.", a JSON path
 * starting with "/", and a message; every string NUL-terminated; safe-mode
 * HTML never carries a <script> element.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/advisory.h"
#include "advisory/csaf.h"
#include "advisory/csaf_check.h"
#include "base/kc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_csaf_problem *p = NULL;
	size_t n = 0;
	kc_err err;
	int rc;

	kc_err_clear(&err);
	rc = kc_csaf_check((const char *)data, size, &p, &n, &err);
	if (rc) {
		check(rc == KC_EPARSE || rc == KC_ETOOBIG);
		check(err.msg[0] != '\0');
		check(!p && !n);
	}
	for (size_t i = 0; i < n; i++) {
		check(!strncmp(p[i].test, "6.1.", 4));
		check(p[i].path[0] == '/');
		check(memchr(p[i].message, '\0', sizeof(p[i].message)) && p[i].message[0]);
	}
	free(p);
	if (size < 4096) {
		char *s = malloc(size + 1);
		kc_cpe_names nm;
		kc_buf b;

		if (!s)
			return 0;
		memcpy(s, data, size);
		s[size] = '\0';
		if (!kc_cpe_names_parse(s, &nm, &err))
			check(nm.vendor[0] && nm.product[0] && nm.version[0]);
		kc_buf_init(&b, 1u << 20);
		kc_markdown_html(s, &b);
		check(!strstr(kc_buf_str(&b), "<script"));
		kc_buf_release(&b);
		free(s);
	}
	return 0;
}
