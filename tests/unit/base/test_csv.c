/* Unit tests: the CSV reader - RFC 4180, backslash quotes, line numbers, limits,
 * recovery after bad records, stream/memory parity across read chunks, and the
 * Shadowserver sample reports when they are present. */
#include <dirent.h>

#include "../test.h"
#include "base/csv.h"

/* Test hook in csv.c: read the stream chunk bytes at a time. */
void kc_csv_set_chunk(kc_csv *c, size_t chunk);

enum { MEM = 0, FILE_DEFAULT = -1 }; /* ways to read; > 0: a file read in chunks of that size */

/* Bytes with NUL shown as \0, so transcripts stay C strings. */
static void add_shown(kc_buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i] ? kc_buf_addc(b, p[i]) : kc_buf_adds(b, "\\0"), 0);
}

/*
 * Read all of data one way and return a transcript: "LINE:f1|f2\n" per record,
 * "!LINE:CODE:RAW\n" per bad one. A file is a real temporary file.
 */
static char *transcript(const char *data, size_t len, const kc_csv_opts *o, int how)
{
	kc_csv_record rec;
	size_t last = 0;
	kc_csv *c;
	kc_buf b;
	kc_err err;
	FILE *f = NULL;
	int rc;

	kc_buf_init(&b, 256u << 20);
	if (how != MEM) {
		f = tmpfile();
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, len, f), len);
		rewind(f);
		assert_int_equal(kc_csv_open_file(&c, f, o, &err), 0);
		if (how > 0)
			kc_csv_set_chunk(c, (size_t)how);
	} else {
		assert_int_equal(kc_csv_open_mem(&c, data, len, o, &err), 0);
	}
	while ((rc = kc_csv_next(c, &rec, &err)) != 0) {
		assert_true(rec.line > last);
		last = rec.line;
		if (rc < 0) {
			assert_true(rc == KC_EPARSE || rc == KC_ETOOBIG);
			assert_int_equal(err.code, rc);
			assert_memory_equal(err.msg, "line ", 5);
			kc_buf_addf(&b, "!%zu:%d:", rec.line, rc);
			add_shown(&b, rec.raw.ptr, rec.raw.len);
			kc_buf_addc(&b, '\n');
			continue;
		}
		assert_int_equal(rc, 1);
		assert_true(rec.nfields > 0);
		kc_buf_addf(&b, "%zu:", rec.line);
		for (size_t i = 0; i < rec.nfields; i++) {
			assert_int_equal(rec.fields[i].ptr[rec.fields[i].len], '\0');
			if (i)
				kc_buf_addc(&b, '|');
			kc_buf_add(&b, rec.fields[i].ptr, rec.fields[i].len);
		}
		kc_buf_addc(&b, '\n');
	}
	assert_int_equal(kc_csv_next(c, &rec, &err), 0); /* and stays at the end */
	kc_csv_free(c);
	if (f)
		fclose(f);
	return kc_buf_detach(&b, NULL);
}

static const int hows[] = {MEM, FILE_DEFAULT, 1, 2, 3, 5, 7, 64};

/* Every way of reading (memory, file, file in small chunks) gives want. */
static void same_len(const char *data, size_t len, const kc_csv_opts *o, const char *want)
{
	for (size_t h = 0; h < sizeof(hows) / sizeof(hows[0]); h++) {
		char *got = transcript(data, len, o, hows[h]);

		if (strcmp(got, want))
			fail_msg("read %d; input:\n%.*s\ngot:\n%s\nwant:\n%s", hows[h], (int)len, data, got,
			         want);
		free(got);
	}
}

static void same(const char *data, const char *want)
{
	same_len(data, strlen(data), NULL, want);
}

static void same_opts(const char *data, const kc_csv_opts *o, const char *want)
{
	same_len(data, strlen(data), o, want);
}

/* The first error of data, read from memory: its code, and err.msg in want_msg. */
static void first_error(const char *data, size_t len, const kc_csv_opts *o, int want_rc, const char *want_msg)
{
	kc_csv_record rec;
	kc_csv *c;
	kc_err err;
	int rc;

	assert_int_equal(kc_csv_open_mem(&c, data, len, o, &err), 0);
	while ((rc = kc_csv_next(c, &rec, &err)) == 1)
		;
	assert_int_equal(rc, want_rc);
	assert_string_equal(err.msg, want_msg);
	kc_csv_free(c);
}

static void reads_rfc4180(void **state)
{
	kc_csv_opts o = {.sep = ';'};

	(void)state;
	same("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
	same("a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n");
	same("a,b\n1,2", "1:a|b\n2:1|2\n"); /* no line end at the end */
	same("a,b\r\n1,\"2\"", "1:a|b\n2:1|2\n");
	same("\"a,b\",\"c\"\"d\"\n", "1:a,b|c\"d\n");
	same("\"a\"\"b\"\n", "1:a\"b\n");
	same("\"\"\"\"\n", "1:\"\n"); /* a field that is one quote */
	same("\"\"\"a\"\"\"\n", "1:\"a\"\n");
	same("x,,\n", "1:x||\n"); /* empty fields */
	same(",,\n", "1:||\n");
	same("a,\n", "1:a|\n"); /* a final empty field */
	same("a,", "1:a|\n");
	same("\"\",\"\"\n", "1:|\n");
	same("\"\"\n", "1:\n");
	same(" a , b \n", "1: a | b \n");       /* spaces are data */
	same("lone\rcr,1\n", "1:lone\rcr|1\n"); /* a lone CR is data */
	same("end\r", "1:end\r\n");
	same("\"crlf\r\nin\",x\r\n", "1:crlf\r\nin|x\n"); /* line breaks in quotes are kept */
	same(";", "1:;\n");
	same_opts("a;\"b;c\";d,e\n", &o, "1:a|b;c|d,e\n");
	o.sep = '\t';
	same_opts("a\tb\t\"c\td\"\n", &o, "1:a|b|c\td\n");
}

static void reads_backslash_quotes(void **state)
{
	/* The first data row of Shadowserver's scan_http_vulnerable.csv sample
	 * (IntelMQ test data, AGPL-3.0-or-later). */
	static const char row[] =
	    "\"2010-02-10 00:00:00\",192.168.0.1,tcp,8080,node01.example.com,\"basic-auth,http\",64512,ZZ,"
	    "Region,City,0,0,HTTP/1.1,401,Unauthorized,\"text/html; charset=utf-8\",,"
	    "\"Basic realm=\\\"\\\"OpenWebif\\\"\\\"\",TWISTED_SESSION=5473ad3faa3de66685fb3a53bffb390b4fcec"
	    "2039893009a06caf38e1bec8aa8,TwistedWeb/19.7.0,149,,\"Wed, 10 Feb 2010 00:00:00 GMT\",,,\n";
	kc_csv_opts bs = {.sep = '\\'};
	kc_csv_record rec;
	kc_csv *c;
	kc_err err;

	(void)state;
	assert_int_equal(kc_csv_open_mem(&c, row, strlen(row), NULL, &err), 0);
	assert_int_equal(kc_csv_next(c, &rec, &err), 1);
	assert_int_equal(rec.nfields, 26);
	assert_string_equal(rec.fields[17].ptr, "Basic realm=\"\"OpenWebif\"\"");
	assert_string_equal(rec.fields[5].ptr, "basic-auth,http");
	assert_string_equal(rec.fields[19].ptr, "TwistedWeb/19.7.0");
	assert_string_equal(rec.fields[22].ptr, "Wed, 10 Feb 2010 00:00:00 GMT");
	assert_int_equal(rec.fields[25].len, 0);
	assert_int_equal(kc_csv_next(c, &rec, &err), 0);
	kc_csv_free(c);

	same("\"Basic realm=\\\"\\\"OpenWebif\\\"\\\"\",TWISTED\n",
	     "1:Basic realm=\"\"OpenWebif\"\"|TWISTED\n");
	same("\"say \\\"hi\\\"\",2\n", "1:say \"hi\"|2\n"); /* \" then the closing quote */
	same("\"say \\\"hi\\\"\"", "1:say \"hi\"\n");
	same("\"a\\\"b\"\n", "1:a\"b\n"); /* \" inside */
	same("\"\\\"\"\n", "1:\"\n");     /* a field that is one escaped quote */
	/* An odd run after the backslash that ends the field: RFC 4180, \ is data. */
	same("\"C:\\\",next\n", "1:C:\\|next\n");
	same("\"C:\\\"\n", "1:C:\\\n");
	same("\"C:\\\"", "1:C:\\\n");
	same("\"C:\\\"\r\nx\n", "1:C:\\\n2:x\n");
	same("\"a\\\"\"\"\r\n", "1:a\\\"\n"); /* RFC 4180 writing of a\" */
	/* An even run that does not end the field: RFC 4180, \ is data. */
	same("\"a\\\"\"b\"\n", "1:a\\\"b\n");
	/* RFC 4180 files keep working. */
	same("\"a\"\"b\",\"\"\"\"\n", "1:a\"b|\"\n");
	/* Backslashes not before a quote are data; there is no \\ escape. */
	same("\"back\\slash\",1\n", "1:back\\slash|1\n");
	same("\"\\\\\"\n", "1:\\\\\n");
	same("\"a\\\\b\"\n", "1:a\\\\b\n");
	same("\"a\\\n", "!1:-8:\"a\\\n"); /* an unclosed field ending in a backslash */
	same("plain\\\"x,1\nok\n", "!1:-8:plain\\\"x,1\n2:ok\n"); /* no escapes outside quotes */
	same("back\\slash,1\n", "1:back\\slash|1\n");
	/* With a backslash separator, backslashes are never escapes. */
	same_opts("\"a\"\\\"b\"\"c\"\n", &bs, "1:a|b\"c\n");
	same_opts("\"a\\\"\n", &bs, "1:a\\\n");
}

static void counts_lines(void **state)
{
	(void)state;
	same("\"a\nb\",1\nc,2\n", "1:a\nb|1\n3:c|2\n");
	same("\"a\r\nb\r\n\r\nc\",1\r\nd,2\r\n", "1:a\r\nb\r\n\r\nc|1\n5:d|2\n");
	same("x,\"\n\n\n\"\ny\n", "1:x|\n\n\n\n5:y\n");
	same("\n\n a ,b\n\n", "3: a |b\n"); /* blank lines are skipped */
	same("\r\n\r\na\r\n\r\n\nb", "3:a\n6:b\n");
	same("\n", "");
	same("\r\n", "");
	same("", "");
	/* A bad multi-line record: its first line is reported, reading goes on
	 * with the next physical line. */
	same("a\n\"b\nc\"x\nd\n", "1:a\n!2:-8:\"b\n!3:-8:c\"x\n4:d\n");
	first_error("a\n\"b\nc\"x\nd\n", 11, NULL, KC_EPARSE,
	            "line 3 (in the record from line 2): unexpected character after a closing quote");
}

static void skips_bom(void **state)
{
	(void)state;
	same("\xef\xbb\xbfh1,h2\n1,2\n", "1:h1|h2\n2:1|2\n");
	same("\xef\xbb\xbf\"h1\",h2\n", "1:h1|h2\n");
	same("\xef\xbb\xbf", "");
	same("\xef\xbb\xbf\n\nx\n", "3:x\n");
	same("a\n\xef\xbb\xbf"
	     "b\n",
	     "1:a\n2:\xef\xbb\xbf"
	     "b\n"); /* only at the very start */
	same("\xef\xbb", "1:\xef\xbb\n");
}

static void enforces_limits(void **state)
{
	kc_csv_opts o = {.max_field = 4, .max_fields = 3, .max_record = 12};
	kc_csv_opts open = {.max_record = 20};

	(void)state;
	/* At each limit passes, one past it fails; the next line always comes out. */
	same_opts("abcd,1\nabcde,1\nok\n", &o, "1:abcd|1\n!2:-5:abcde,1\n3:ok\n");
	same_opts("\"abcd\",1\n\"abcde\",1\nok\n", &o, "1:abcd|1\n!2:-5:\"abcde\",1\n3:ok\n");
	same_opts("\"a\"\"bc\"\n\"a\\\"bcd\"\nok\n", &o, "1:a\"bc\n!2:-5:\"a\\\"bcd\"\n3:ok\n");
	same_opts("1,2,3\n1,2,3,4\n1,,\n,,,\nok\n", &o, "1:1|2|3\n!2:-5:1,2,3,4\n3:1||\n!4:-5:,,,\n5:ok\n");
	same_opts("1234,5678,90\r\n1234,5678,901\r\nok", &o,
	          "1:1234|5678|90\n!2:-5:1234,5678,90\n3:ok\n"); /* raw cut at max_record */
	same_opts("\"a\nb\",x,y\nok\n", &o, "1:a\nb|x|y\n3:ok\n");
	first_error("abcde", 5, &o, KC_ETOOBIG, "line 1: field 1 is longer than 4 bytes");
	first_error("1,\"abcde\"", 9, &o, KC_ETOOBIG, "line 1: field 2 is longer than 4 bytes");
	first_error("1,2,3,4", 7, &o, KC_ETOOBIG, "line 1: more than 3 fields");
	first_error("1234,5678,901", 13, &o, KC_ETOOBIG, "line 1: record longer than 12 bytes");

	/* An unclosed quote stops at max_record and says where it opened; the
	 * lines it ran over are read again as records. */
	same_opts("1,\"open\naaaa\naaaa\naaaa\naaaa\nz\n", &open,
	          "!1:-5:1,\"open\n2:aaaa\n3:aaaa\n4:aaaa\n5:aaaa\n6:z\n");
	first_error(
	    "1,\"open\naaaa\naaaa\naaaa\naaaa\nz\n", 30, &open, KC_ETOOBIG,
	    "line 4 (in the record from line 1): record longer than 20 bytes; the quoted field opened on "
	    "line 1 is still open");

	/* A line longer than max_record: raw is cut at max_record, the rest of
	 * the line is skipped, the next line comes out. */
	same_opts("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\nok\n", &open,
	          "!1:-5:aaaaaaaaaaaaaaaaaaaa\n2:ok\n");
	same_opts("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\r\n\"\"\r\n", &open,
	          "!1:-5:\"aaaaaaaaaaaaaaaaaaa\n2:\n");
	same_opts("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &open, "!1:-5:aaaaaaaaaaaaaaaaaaaa\n");
}

static void recovers_from_bad_records(void **state)
{
	static const char nul[] = "a\0b,1\nc,d\n\"x\0\",2\ne\n";
	char *want = "!1:-8:a\\0b,1\n2:c|d\n!3:-8:\"x\\0\",2\n4:e\n";

	(void)state;
	same("a,b\n\"bad\"x,1\nc,d\n", "1:a|b\n!2:-8:\"bad\"x,1\n3:c|d\n");
	same("a,b\nst\"ray,1\nc,d\n", "1:a|b\n!2:-8:st\"ray,1\n3:c|d\n");
	same("a,b\n\"x\" ,1\r\nc,d\n", "1:a|b\n!2:-8:\"x\" ,1\n3:c|d\n");
	same("a,b\n\"open,1\nc,d\n", "1:a|b\n!2:-8:\"open,1\n3:c|d\n");
	same("a,b\n\"open,1\r\nc,\"d\"\r\n", "1:a|b\n!2:-8:\"open,1\n3:c|d\n");
	same("\"\n\"\n\"\n", "1:\n\n!3:-8:\"\n");
	same("\"x\"\"\n", "!1:-8:\"x\"\"\n");
	same("\"bad\"\"x\"y\n\"\"\n", "!1:-8:\"bad\"\"x\"y\n2:\n");
	same_len(nul, sizeof(nul) - 1, NULL, want);
	first_error("a,b\n\"bad\"x,1\n", 13, NULL, KC_EPARSE,
	            "line 2: unexpected character after a closing quote");
	first_error("ab\"c\n", 5, NULL, KC_EPARSE, "line 1: a quote inside an unquoted field");
	first_error(nul, sizeof(nul) - 1, NULL, KC_EPARSE, "line 1: NUL byte in the data");
	first_error(
	    "a\n\"x\ny\nz", 8, NULL, KC_EPARSE,
	    "line 4 (in the record from line 2): end of input inside the quoted field opened on line 2");
	/* A malformed record in a million good ones. */
	{
		kc_buf in, exp;

		kc_buf_init(&in, 64u << 20);
		kc_buf_init(&exp, 64u << 20);
		for (int i = 1; i <= 20000; i++) {
			if (i % 5000 == 0) {
				kc_buf_addf(&in, "\"%d\"x,bad\n", i);
				kc_buf_addf(&exp, "!%d:-8:\"%d\"x,bad\n", i, i);
			} else {
				kc_buf_addf(&in, "%d,\"v\"\"%d\"\n", i, i);
				kc_buf_addf(&exp, "%d:%d|v\"%d\n", i, i, i);
			}
		}
		same_len(in.ptr, in.len, NULL, exp.ptr);
		kc_buf_release(&in);
		kc_buf_release(&exp);
	}
}

static void reports_line_and_raw(void **state)
{
	static const char in[] = "h1,h2\r\n\r\n\"bad\"x,1\r\nlast\r\n";
	kc_csv_record rec;
	kc_csv *c;
	kc_err err;

	(void)state;
	assert_int_equal(kc_csv_open_mem(&c, in, strlen(in), NULL, &err), 0);
	assert_int_equal(kc_csv_next(c, &rec, &err), 1);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.raw.len, 5);
	assert_memory_equal(rec.raw.ptr, "h1,h2", 5);
	assert_int_equal(kc_csv_next(c, &rec, &err), KC_EPARSE);
	assert_int_equal(rec.line, 3);
	assert_int_equal(rec.nfields, 0);
	assert_int_equal(rec.raw.len, 8);
	assert_memory_equal(rec.raw.ptr, "\"bad\"x,1", 8);
	assert_string_equal(err.msg, "line 3: unexpected character after a closing quote");
	assert_int_equal(kc_csv_next(c, &rec, &err), 1);
	assert_int_equal(rec.line, 4);
	assert_string_equal(rec.fields[0].ptr, "last");
	assert_int_equal(kc_csv_next(c, &rec, &err), 0);
	kc_csv_free(c);

	/* A good multi-line record's raw text is all of it, without the last line end. */
	assert_int_equal(kc_csv_open_mem(&c, "\"a\r\nb\",c\r\n", 10, NULL, &err), 0);
	assert_int_equal(kc_csv_next(c, &rec, &err), 1);
	assert_int_equal(rec.raw.len, 8);
	assert_memory_equal(rec.raw.ptr, "\"a\r\nb\",c", 8);
	kc_csv_free(c);

	/* A bad separator is refused; a NULL rec is allowed. */
	{
		kc_csv_opts o = {.sep = '"'};

		assert_int_equal(kc_csv_open_mem(&c, "a", 1, &o, &err), KC_EINVAL);
		assert_null(c);
		o.sep = '\n';
		assert_int_equal(kc_csv_open_mem(&c, "a", 1, &o, NULL), KC_EINVAL);
	}
	assert_int_equal(kc_csv_open_mem(&c, "a\nb\n", 4, NULL, NULL), 0);
	assert_int_equal(kc_csv_next(c, NULL, NULL), 1);
	assert_int_equal(kc_csv_next(c, NULL, NULL), 1);
	assert_int_equal(kc_csv_next(c, NULL, NULL), 0);
	kc_csv_free(c);
	kc_csv_free(NULL);
}

static void reports_read_errors(void **state)
{
	kc_csv_record rec;
	kc_csv *c;
	kc_err err;
	FILE *f = fopen("/", "r"); /* a directory: fread fails with EISDIR */

	(void)state;
	if (!f) {
		printf("note: cannot open / as a stream; read error check not run\n");
		return;
	}
	assert_int_equal(kc_csv_open_file(&c, f, NULL, &err), 0);
	assert_int_equal(kc_csv_next(c, &rec, &err), KC_EIO);
	assert_non_null(strstr(err.msg, "cannot read CSV input"));
	kc_csv_free(c);
	fclose(f);
}

/* Records and quote pairs across the 64 KiB read chunk, with the default chunk. */
static void streams_across_chunks(void **state)
{
	static const char *const pairs[] = {"\"\"", "\\\"", "\r\n"};
	kc_csv_opts o = {.max_field = 1u << 20};
	kc_buf in, want;
	char *got;

	(void)state;
	kc_buf_init(&in, 8u << 20);
	kc_buf_init(&want, 8u << 20);
	/* Many short records, then a field three chunks long. */
	for (int i = 0; i < 30000; i++) {
		kc_buf_addf(&in, "%d,\"q\"\"%d\",\"x\\\"y\",plain\r\n", i, i);
		kc_buf_addf(&want, "%d:%d|q\"%d|x\"y|plain\n", i + 1, i, i);
	}
	kc_buf_addf(&in, "long,\"");
	kc_buf_addf(&want, "30001:long|");
	for (int i = 0; i < 200000; i++) {
		kc_buf_addc(&in, (char)('a' + i % 26));
		kc_buf_addc(&want, (char)('a' + i % 26));
	}
	kc_buf_adds(&in, "\"\nend");
	kc_buf_adds(&want, "\n30002:end\n");
	assert_true(in.len > 3 * 65536);
	for (int h = 0; h < 3; h++) {
		got = transcript(in.ptr, in.len, &o, h == 0 ? MEM : h == 1 ? FILE_DEFAULT : 4093);
		assert_string_equal(got, want.ptr);
		free(got);
	}
	/* A "" pair, a \" pair and a CRLF split by the 64 KiB boundary. */
	for (size_t p = 0; p < 3; p++) {
		for (size_t at = 65534; at <= 65536; at++) {
			kc_buf_clear(&in);
			kc_buf_clear(&want);
			kc_buf_addc(&in, '"');
			for (size_t i = 1; i < at; i++)
				kc_buf_addc(&in, 'a');
			kc_buf_adds(&in, pairs[p]);
			kc_buf_adds(&in, "b\"\r\nnext\n");
			kc_buf_adds(&want, "1:");
			kc_buf_add(&want, in.ptr + 1, at - 1);
			kc_buf_adds(&want, p < 2 ? "\"" : "\r\n");
			kc_buf_adds(&want, p < 2 ? "b\n2:next\n" : "b\n3:next\n");
			for (int h = 0; h < 2; h++) {
				got = transcript(in.ptr, in.len, &o, h ? FILE_DEFAULT : MEM);
				assert_string_equal(got, want.ptr);
				free(got);
			}
		}
	}
	kc_buf_release(&in);
	kc_buf_release(&want);
}

/* Generated inputs from a small alphabet: memory, file and every small chunk
 * size read them the same, whatever they contain. */
static void reads_file_and_memory_alike(void **state)
{
	static const char alphabet[] = "a,\"\\\n\r\0x";
	kc_csv_opts o = {.max_field = 6, .max_fields = 4, .max_record = 16};
	uint32_t seed = 12345;
	char data[64];

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t len;
		char *ref;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(data);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			data[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		ref = transcript(data, len, round % 2 ? &o : NULL, MEM);
		for (size_t h = 1; h < sizeof(hows) / sizeof(hows[0]); h++) {
			char *got = transcript(data, len, round % 2 ? &o : NULL, hows[h]);

			assert_string_equal(got, ref);
			free(got);
		}
		free(ref);
	}
}

/*
 * Conformance with the Shadowserver samples: every row of every file has the
 * header's column count, read from memory and from the file alike. The one
 * exception is in the data itself: scan_rdp.csv's sample rows have 31 columns
 * under a 32-column header (no quoted field holds a comma; Python's csv module
 * counts the same).
 */
static void reads_shadowserver_samples(void **state)
{
	static const char dir[] = "../shared/data/shadowserver";
	static const struct {
		const char *name;
		size_t short_by;
	} known[] = {{"scan_rdp.csv", 1}};
	struct dirent *de;
	int files = 0;
	DIR *d;

	(void)state;
	if (access("../shared/data/shadowserver/scan_http_vulnerable.csv", R_OK)) {
		printf("note: %s is absent; Shadowserver conformance check not run\n", dir);
		return;
	}
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t nlen = strlen(de->d_name), header = 0, rows = 0, short_by = 0, got;
		char path[512], *mem, *tr_mem, *tr_file;
		kc_csv_record rec;
		kc_csv *c;
		kc_err err;
		FILE *f;
		long size;
		int rc;

		if (nlen < 5 || strcmp(de->d_name + nlen - 4, ".csv"))
			continue;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(de->d_name, known[k].name))
				short_by = known[k].short_by;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(kc_csv_open_file(&c, f, NULL, &err), 0);
		while ((rc = kc_csv_next(c, &rec, &err)) == 1) {
			if (!header) {
				header = rec.nfields;
				continue;
			}
			if (rec.nfields + short_by != header)
				fail_msg("%s line %zu: %zu fields under a header of %zu", path, rec.line,
				         rec.nfields, header);
			if (!strcmp(de->d_name, "scan_http_vulnerable.csv") && rec.line <= 3)
				assert_string_equal(rec.fields[17].ptr, "Basic realm=\"\"OpenWebif\"\"");
			rows++;
		}
		if (rc)
			fail_msg("%s: %s", path, err.msg);
		assert_true(header > 1);
		assert_true(rows > 0);
		kc_csv_free(c);

		/* The same records from memory. */
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		size = ftell(f);
		assert_true(size > 0);
		rewind(f);
		mem = malloc((size_t)size);
		assert_non_null(mem);
		got = fread(mem, 1, (size_t)size, f);
		assert_int_equal(got, (size_t)size);
		fclose(f);
		tr_mem = transcript(mem, got, NULL, MEM);
		tr_file = transcript(mem, got, NULL, 3);
		assert_string_equal(tr_mem, tr_file);
		assert_null(strstr(tr_mem, "\n!"));
		free(tr_mem);
		free(tr_file);
		free(mem);
		files++;
	}
	closedir(d);
	assert_true(files >= 1);
	printf("note: %d Shadowserver sample files read\n", files);
}

static void field_writer(void **state)
{
	kc_buf b;

	(void)state;
	kc_buf_init(&b, 1024);
	kc_csv_field(&b, "plain");
	kc_buf_addc(&b, ',');
	kc_csv_field(&b, "a,b");
	kc_buf_addc(&b, ',');
	kc_csv_field(&b, "say \"hei\"");
	kc_buf_addc(&b, ',');
	kc_csv_field(&b, "two\nlines");
	kc_buf_addc(&b, ',');
	kc_csv_field(&b, NULL);
	assert_string_equal(kc_buf_str(&b), "plain,\"a,b\",\"say \"\"hei\"\"\",\"two\nlines\",");
	kc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_writer),
	    cmocka_unit_test(reads_rfc4180),
	    cmocka_unit_test(reads_backslash_quotes),
	    cmocka_unit_test(counts_lines),
	    cmocka_unit_test(skips_bom),
	    cmocka_unit_test(enforces_limits),
	    cmocka_unit_test(recovers_from_bad_records),
	    cmocka_unit_test(reports_line_and_raw),
	    cmocka_unit_test(reports_read_errors),
	    cmocka_unit_test(streams_across_chunks),
	    cmocka_unit_test(reads_file_and_memory_alike),
	    cmocka_unit_test(reads_shadowserver_samples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
