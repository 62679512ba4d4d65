/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (src/base/csv.c).
 *
 * Reads the input with small limits from memory, through a stream (fmemopen)
 * with the normal read size, and through a stream read a few bytes at a time
 * (the size taken from the input), and aborts unless all three give the same
 * records and the same errors. Also checks what callers rely on: fields are
 * NUL-terminated and inside the limits, raw text is inside the limit (and, from
 * memory, inside the input), line numbers grow, errors are EPARSE or ETOOBIG
 * with a "line N" message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/kc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Test hook in csv.c: read the stream chunk bytes at a time. */
void kc_csv_set_chunk(kc_csv *c, size_t chunk);

static const kc_csv_opts opts = {.max_field = 300, .max_fields = 20, .max_record = 2000};

static void check(int ok)
{
	if (!ok)
		abort();
}

/* how: 0 memory, 1 stream, > 1 stream read how - 1 bytes at a time. */
static void transcript(const uint8_t *data, size_t size, int how, kc_buf *out)
{
	kc_csv_record rec;
	size_t last_line = 0;
	FILE *f = NULL;
	kc_err err;
	kc_csv *c = NULL;
	int rc;

	if (how) {
		f = fmemopen((void *)data, size, "r");
		check(f && kc_csv_open_file(&c, f, &opts, &err) == 0);
		if (how > 1)
			kc_csv_set_chunk(c, (size_t)how - 1);
	} else {
		check(kc_csv_open_mem(&c, (const char *)data, size, &opts, &err) == 0);
	}
	while ((rc = kc_csv_next(c, &rec, &err)) != 0) {
		check(rec.line > last_line);
		last_line = rec.line;
		check(rec.raw.len <= opts.max_record);
		if (!how)
			check(rec.raw.ptr >= (const char *)data &&
			      rec.raw.ptr + rec.raw.len <= (const char *)data + size);
		kc_buf_addf(out, "%zu:%d:%zu:", rec.line, rc, rec.raw.len);
		kc_buf_add(out, rec.raw.ptr, rec.raw.len);
		if (rc < 0) {
			check(rc == KC_ETOOBIG || rc == KC_EPARSE);
			check(err.code == rc && !strncmp(err.msg, "line ", 5));
			kc_buf_addf(out, "!%s\n", err.msg);
			continue;
		}
		check(rc == 1 && rec.nfields >= 1 && rec.nfields <= opts.max_fields);
		for (size_t i = 0; i < rec.nfields; i++) {
			check(rec.fields[i].len <= opts.max_field && rec.fields[i].len <= rec.raw.len);
			check(rec.fields[i].ptr[rec.fields[i].len] == '\0');
			kc_buf_addf(out, "|%zu:", rec.fields[i].len);
			kc_buf_add(out, rec.fields[i].ptr, rec.fields[i].len);
		}
		kc_buf_addc(out, '\n');
	}
	check(kc_csv_next(c, &rec, &err) == 0);
	kc_csv_free(c);
	if (f)
		fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_buf a, b;
	int chunk;

	if (size == 0 || size > 100000)
		return 0;
	kc_i18n_set_lang(KC_LANG_EN); /* the "line N" check reads the English message */
	chunk = 2 + data[0] % 13;     /* 1..13 bytes per read */
	kc_buf_init(&a, 64u << 20);
	kc_buf_init(&b, 64u << 20);
	transcript(data, size, 0, &a);
	for (int how = 1; how <= chunk; how += chunk - 1) {
		kc_buf_clear(&b);
		transcript(data, size, how, &b);
		check(a.len == b.len && (a.len == 0 || !memcmp(a.ptr, b.ptr, a.len)));
	}
	kc_buf_release(&a);
	kc_buf_release(&b);
	return 0;
}
