/*
 * fuzz_form.c - libFuzzer harness for the web server's form parsing
 * (kc_req_form in src/web/server.c: application/x-www-form-urlencoded bodies
 * with percent-escapes) and multipart/form-data bodies with files
 * (src/web/form.c, GMime). Invariants: no crash, values are NUL-terminated
 * within the buffer and contain no NUL byte decoded from %00; every part's
 * data is NUL-terminated after its length, file names have no directories.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"
#include "web/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "csrf", "name", "password", "email", "lang", "", "a" };
	char small[8], big[300];
	kc_req r;

	memset(&r, 0, sizeof(r));
	kc_buf_init(&r.body, 1 << 20);
	if (kc_buf_add(&r.body, data, size)) {
		kc_buf_release(&r.body);
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = kc_req_form(&r, names[i], small, sizeof(small));

		if (v && (v != small || strlen(small) >= sizeof(small)))
			abort();
		v = kc_req_form(&r, names[i], big, sizeof(big));
		if (v && strlen(big) >= sizeof(big))
			abort();
	}
	kc_buf_release(&r.body);
	{
		kc_form_part *parts = NULL;
		size_t n = 0;

		if (kc_form_multipart("multipart/form-data; boundary=XyZ", (const char *)data, size, 50, &parts, &n) ==
		    0) {
			for (size_t i = 0; i < n; i++) {
				if (!parts[i].name || !parts[i].data || parts[i].data[parts[i].len] != '\0')
					abort();
				if (parts[i].filename && (strchr(parts[i].filename, '/') || strchr(parts[i].filename, '\\')))
					abort();
			}
			if (n > 50)
				abort();
		}
		kc_form_parts_free(parts, n);
	}
	return 0;
}
