/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (src/base/csv.c).
 * Reads the input from memory and through a stream with small limits and
 * checks that both give the same records and the same errors, that every
 * field is NUL-terminated and inside the limits, and that line numbers grow.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void transcript(const uint8_t *data, size_t size, int file, kc_buf *out)
{
	kc_csv_opts o = { .max_field = 300, .max_fields = 20, .max_record = 2000 };
	kc_csv_record rec;
	size_t last_line = 0;
	FILE *f = NULL;
	kc_csv *c;
	int rc;

	if (file) {
		f = fmemopen((void *)data, size, "r");
		if (!f || kc_csv_open_file(&c, f, &o, NULL))
			abort();
	} else if (kc_csv_open_mem(&c, (const char *)data, size, &o, NULL)) {
		abort();
	}
	while ((rc = kc_csv_next(c, &rec, NULL)) != 0) {
		if (rec.line <= last_line)
			abort();
		last_line = rec.line;
		if (rc < 0) {
			if (rc != -5 && rc != -8) /* KC_ETOOBIG, KC_EPARSE */
				abort();
			kc_buf_addf(out, "!%zu:%d\n", rec.line, rc);
			continue;
		}
		if (rec.nfields == 0 || rec.nfields > o.max_fields)
			abort();
		kc_buf_addf(out, "%zu:", rec.line);
		for (size_t i = 0; i < rec.nfields; i++) {
			if (rec.fields[i].ptr[rec.fields[i].len] != '\0' || rec.fields[i].len > o.max_field)
				abort();
			kc_buf_add(out, rec.fields[i].ptr, rec.fields[i].len);
			kc_buf_addc(out, '|');
		}
		kc_buf_addc(out, '\n');
	}
	kc_csv_free(c);
	if (f)
		fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_buf a, b;

	if (size == 0 || size > 100000)
		return 0;
	kc_buf_init(&a, 64u << 20);
	kc_buf_init(&b, 64u << 20);
	transcript(data, size, 0, &a);
	transcript(data, size, 1, &b);
	if (a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len)))
		abort();
	kc_buf_release(&a);
	kc_buf_release(&b);
	return 0;
}
