/* Unit tests: the CSV reader — RFC 4180, backslash quotes, line numbers,
 * limits, recovery after bad records, stream/memory parity across chunks. */
#include "../test.h"
#include "base/csv.h"

/* Read all of data; return a transcript "f1|f2\n" per record, "!LINE\n" per error. */
static char *transcript(const char *data, size_t len, const kc_csv_opts *o, int use_file)
{
	kc_csv_record rec;
	kc_csv *c;
	kc_buf b;
	kc_err err;
	FILE *f = NULL;
	int rc;

	kc_buf_init(&b, 64u << 20);
	if (use_file) {
		f = fmemopen((void *)data, len, "r");
		assert_non_null(f);
		assert_int_equal(kc_csv_open_file(&c, f, o, &err), 0);
	} else {
		assert_int_equal(kc_csv_open_mem(&c, data, len, o, &err), 0);
	}
	while ((rc = kc_csv_next(c, &rec, &err)) != 0) {
		if (rc < 0) {
			assert_true(rc == KC_EPARSE || rc == KC_ETOOBIG);
			kc_buf_addf(&b, "!%zu\n", rec.line);
			continue;
		}
		kc_buf_addf(&b, "%zu:", rec.line);
		for (size_t i = 0; i < rec.nfields; i++) {
			assert_int_equal(rec.fields[i].ptr[rec.fields[i].len], '\0');
			kc_buf_addf(&b, "%s%.*s", i ? "|" : "", (int)rec.fields[i].len, rec.fields[i].ptr);
		}
		kc_buf_addc(&b, '\n');
	}
	kc_csv_free(c);
	if (f)
		fclose(f);
	return kc_buf_detach(&b, NULL);
}

static void same(const char *data, const char *want)
{
	for (int file = 0; file < 2; file++) {
		char *got = transcript(data, strlen(data), NULL, file);

		if (strcmp(got, want))
			fail_msg("%s input:\n%s\ngot:\n%s\nwant:\n%s", file ? "file" : "memory", data, got, want);
		free(got);
	}
}

static void reads_rfc4180(void **state)
{
	(void)state;
	same("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
	same("a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n");
	same("a,b", "1:a|b\n");
	same("\"a,b\",\"c\"\"d\"\n", "1:a,b|c\"d\n");
	same("x,,\n", "1:x||\n");
	same("a,\n", "1:a|\n");
	same("\"multi\nline\",2\nnext,3\n", "1:multi\nline|2\n3:next|3\n");
	same("\n\n a ,b\n\n", "3: a |b\n");
	same("\xef\xbb\xbfh1,h2\n", "1:h1|h2\n");
	same("q\"uote,2\n", "1:q\"uote|2\n");
	same("\"\"\n", "1:\n");
	same("lone\rcr,1\n", "1:lone\rcr|1\n");
	same("\"crlf\r\nin\",x\r\n", "1:crlf\r\nin|x\n");
}

static void reads_backslash_quotes(void **state)
{
	(void)state;
	/* The line from Shadowserver's scan_http_vulnerable sample. */
	same("\"a\",\"Basic realm=\\\"\\\"OpenWebif\\\"\\\"\",TWISTED\n", "1:a|Basic realm=\"\"OpenWebif\"\"|TWISTED\n");
	same("\"say \\\"hi\\\"\",2\n", "1:say \"hi\"|2\n");
	same("\"C:\\\",next\n", "1:C:\\|next\n");
	same("\"C:\\\"\n", "1:C:\\\n");
	same("\"back\\slash\",1\n", "1:back\\slash|1\n");
}

static void recovers_from_bad_records(void **state)
{
	(void)state;
	same("a,b\n\"bad\"x,1\nc,d\n", "1:a|b\n!2\n3:c|d\n");
	same("a,b\n\"open,1\nc,d\n", "1:a|b\n!2\n3:c|d\n");
	{
		static const char in[] = "a\0b,1\nc,d\n";
		char *got = transcript(in, sizeof(in) - 1, NULL, 0), *got2 = transcript(in, sizeof(in) - 1, NULL, 1);

		assert_string_equal(got, "!1\n2:c|d\n");
		assert_string_equal(got2, got);
		free(got);
		free(got2);
	}
	{
		kc_csv_opts o = { .max_field = 4, .max_fields = 3, .max_record = 64 };
		static const char in[] = "ok,ok\ntoolong,1\n1,2,3,4\n\"quoted-long\",1\nfine\n";
		char *got = transcript(in, strlen(in), &o, 0), *got2 = transcript(in, strlen(in), &o, 1);

		assert_string_equal(got, "1:ok|ok\n!2\n!3\n!4\n5:fine\n");
		assert_string_equal(got2, got);
		free(got);
		free(got2);
	}
}

static void reports_line_and_raw(void **state)
{
	static const char in[] = "h1,h2\n\"bad\"x,1\n";
	kc_csv_record rec;
	kc_csv *c;
	kc_err err;

	(void)state;
	assert_int_equal(kc_csv_open_mem(&c, in, strlen(in), NULL, &err), 0);
	assert_int_equal(kc_csv_next(c, &rec, &err), 1);
	assert_int_equal(kc_csv_next(c, &rec, &err), KC_EPARSE);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.raw.len, 8);
	assert_memory_equal(rec.raw.ptr, "\"bad\"x,1", 8);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(kc_csv_next(c, &rec, &err), 0);
	kc_csv_free(c);
	assert_int_equal(kc_csv_open_mem(&c, "a\n\"x\ny\nz", 8, NULL, &err), 0);
	assert_int_equal(kc_csv_next(c, &rec, &err), 1);
	assert_int_equal(kc_csv_next(c, &rec, &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "not closed"));
	kc_csv_free(c);
}

/* Records larger than a read chunk, and quote pairs across chunk boundaries. */
static void streams_across_chunks(void **state)
{
	kc_csv_opts o = { .max_field = 200000 };
	kc_buf in, want;
	char *got;

	(void)state;
	kc_buf_init(&in, 8u << 20);
	kc_buf_init(&want, 8u << 20);
	for (int i = 0; i < 30000; i++) {
		kc_buf_addf(&in, "%d,\"q\"\"%d\",\"x\\\"y\",plain\r\n", i, i);
		kc_buf_addf(&want, "%d:%d|q\"%d|x\"y|plain\n", i + 1, i, i);
	}
	kc_buf_addf(&in, "long,\"");
	for (int i = 0; i < 70000; i++)
		kc_buf_addc(&in, (char)('a' + i % 26));
	kc_buf_adds(&in, "\"\n");
	got = transcript(in.ptr, in.len, &o, 1);
	assert_int_equal(strncmp(got, want.ptr, want.len), 0);
	assert_non_null(strstr(got + want.len, "30001:long|abcdefghij"));
	free(got);
	got = transcript(in.ptr, in.len, &o, 0);
	assert_int_equal(strncmp(got, want.ptr, want.len), 0);
	free(got);
	kc_buf_release(&in);
	kc_buf_release(&want);
}

/* Conformance: every row of each Shadowserver sample has the column count a
 * reference reader (Python's csv with escapechar='\\') finds; scan_rdp's
 * sample rows really have one column fewer than its header. */
static void reads_shadowserver_samples(void **state)
{
	static const struct {
		const char *name;
		size_t header, row;
	} files[] = { { "blocklist", 13, 13 },	   { "compromised_website", 22, 22 }, { "event4_sinkhole_http", 36, 36 },
		      { "scan_dns", 17, 17 },	   { "scan_exchange", 15, 15 },	      { "scan_http", 23, 23 },
		      { "scan_http_vulnerable", 26, 26 }, { "scan_rdp", 32, 31 },    { "scan_smb", 19, 19 },
		      { "scan_ssl_poodle", 80, 80 } };
	int checked = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[256];
		kc_csv_record rec;
		size_t header = 0, rows = 0;
		kc_csv *c;
		kc_err err;
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "../shared/data/shadowserver/%s.csv", files[i].name);
		f = fopen(path, "r");
		if (!f)
			continue;
		assert_int_equal(kc_csv_open_file(&c, f, NULL, &err), 0);
		while ((rc = kc_csv_next(c, &rec, &err)) == 1) {
			if (!header)
				header = rec.nfields;
			else if (rec.nfields != files[i].row)
				fail_msg("%s line %zu: %zu fields, want %zu", path, rec.line, rec.nfields, files[i].row);
			else
				rows++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(header, files[i].header);
		assert_true(rows > 0);
		kc_csv_free(c);
		fclose(f);
		checked++;
	}
	if (!checked)
		printf("note: ../shared/data/shadowserver not present; conformance check not run\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_rfc4180),	 cmocka_unit_test(reads_backslash_quotes),
		cmocka_unit_test(recovers_from_bad_records), cmocka_unit_test(reports_line_and_raw),
		cmocka_unit_test(streams_across_chunks), cmocka_unit_test(reads_shadowserver_samples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
