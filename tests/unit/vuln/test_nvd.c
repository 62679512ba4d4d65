/* Unit tests: the streaming splitter of NVD and KEV documents (jsplit.c) on
 * tricky JSON, fed whole and in small pieces; truncation at every offset; the
 * size caps; and the importer (nvd.c) on re-import and bad records. */
#include "../test.h"
#include "vuln/jsplit.h"
#include "vuln/vuln.h"

/* ---- the splitter, with a log of what it handed out ---- */

struct log {
	kc_buf b;
	size_t records, envelopes;
	const char *doc; /* the input: each record must be its bytes at its offset */
	size_t doclen;
	int bad_offsets;
	uint64_t rec_end; /* where the last record handed out ends */
};

static int on_rec(void *arg, size_t page, size_t index, uint64_t offset, const char *data, size_t len)
{
	struct log *l = arg;

	l->records++;
	if (data && (offset + len > l->doclen || memcmp(l->doc + offset, data, len) != 0))
		l->bad_offsets++;
	l->rec_end = offset + len;
	if (!data)
		kc_buf_addf(&l->b, "R%zu.%zu@%llu:<too big>\n", page, index, (unsigned long long)offset);
	else
		kc_buf_addf(&l->b, "R%zu.%zu@%llu:%.*s\n", page, index, (unsigned long long)offset, (int)len,
			    data);
	return 0;
}

static int on_env(void *arg, size_t page, uint64_t offset, const char *data, size_t len)
{
	struct log *l = arg;

	l->envelopes++;
	if (offset >= l->doclen || l->doc[offset] != '{')
		l->bad_offsets++;
	kc_buf_addf(&l->b, "E%zu@%llu:%.*s\n", page, (unsigned long long)offset, (int)len, data);
	return 0;
}

/* Split len bytes of s fed in pieces of chunk bytes (0: all at once); the
 * log in l (initialised here), the result as returned, err filled. */
static int split(const char *s, size_t len, size_t chunk, struct log *l, kc_err *err)
{
	kc_jsplit_cb cb = { on_rec, on_env, l };
	kc_jsplit *j = malloc(sizeof(*j));
	int rc = 0;

	assert_non_null(j);
	memset(l, 0, sizeof(*l));
	l->doc = s;
	l->doclen = len;
	kc_buf_init(&l->b, 1u << 26);
	kc_err_clear(err);
	kc_jsplit_init(j, &cb);
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t i = 0; i < len && !rc; i += chunk)
		rc = kc_jsplit_feed(j, s + i, len - i < chunk ? len - i : chunk, err);
	if (!rc)
		rc = kc_jsplit_finish(j, err);
	kc_jsplit_release(j);
	free(j);
	return rc;
}

/* s splits into want (the log) whether fed whole or in pieces of 1, 2, 3, 7
 * and 64 bytes. */
static void split_ok(const char *s, const char *want)
{
	static const size_t chunks[] = { 0, 1, 2, 3, 7, 64 };

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct log l;
		kc_err err;
		int rc = split(s, strlen(s), chunks[c], &l, &err);

		if (rc != 0)
			fail_msg("chunk %zu: refused: %s\ninput: %s", chunks[c], err.msg, s);
		if (l.bad_offsets)
			fail_msg("chunk %zu: %d records or pages not at their offset", chunks[c], l.bad_offsets);
		if (strcmp(kc_buf_str(&l.b), want) != 0)
			fail_msg("chunk %zu: got\n%s\nwant\n%s", chunks[c], kc_buf_str(&l.b), want);
		kc_buf_release(&l.b);
	}
}

static void split_bad(const char *s, size_t len, int want_rc, const char *want_msg)
{
	struct log l;
	kc_err err;
	int rc = split(s, len, 0, &l, &err);

	if (rc != want_rc)
		fail_msg("\"%.*s\": rc %d (%s), want %d", (int)len, s, rc, err.msg, want_rc);
	if (!strstr(err.msg, want_msg))
		fail_msg("\"%.*s\": message \"%s\" lacks \"%s\"", (int)len, s, err.msg, want_msg);
	kc_buf_release(&l.b);
}

static void test_strings(void **state)
{
	(void)state;
	/* Brackets, braces, quotes and escapes inside strings, in records and in
	 * the envelope; a string ending in an escaped backslash. */
	split_ok("{\"note\":\"]}[{\\\"\",\"vulnerabilities\":["
		 "{\"cve\":{\"id\":\"a]b}c[{\\\"q\\\" \\\\ \\u0022 ]\"}},"
		 "{\"x\":\"\\\\\"},"
		 "{\"y\":\"\\\\\\\"}]\"}"
		 "]}",
		 "R0.0@36:{\"cve\":{\"id\":\"a]b}c[{\\\"q\\\" \\\\ \\u0022 ]\"}}\n"
		 "R0.1@78:{\"x\":\"\\\\\"}\n"
		 "R0.2@89:{\"y\":\"\\\\\\\"}]\"}\n"
		 "E0@0:{\"note\":\"]}[{\\\"\",\"vulnerabilities\":[]}\n");
	/* A key "vulnerabilities" inside a record or nested in the envelope, and
	 * the word as a value, are not the page's array. */
	split_ok("{\"meta\":{\"vulnerabilities\":[1]},\"k\":\"vulnerabilities\","
		 "\"vulnerabilities\":[{\"cve\":{\"vulnerabilities\":[2,3]}}]}",
		 "R0.0@73:{\"cve\":{\"vulnerabilities\":[2,3]}}\n"
		 "E0@0:{\"meta\":{\"vulnerabilities\":[1]},\"k\":\"vulnerabilities\",\"vulnerabilities\":[]}\n");
	/* An escaped quote in a page-level key does not end it early. */
	split_ok("{\"a\\\"b\":1,\"vulnerabilities\":[{}]}",
		 "R0.0@29:{}\n"
		 "E0@0:{\"a\\\"b\":1,\"vulnerabilities\":[]}\n");
}

static void test_nesting(void **state)
{
	(void)state;
	/* Records that are arrays, nested objects, and bare scalars. */
	split_ok("{\"vulnerabilities\":[[1,[2]],{\"a\":[{},[[]]]},7,\"x,y]\",true,null]}",
		 "R0.0@20:[1,[2]]\n"
		 "R0.1@28:{\"a\":[{},[[]]]}\n"
		 "R0.2@44:7\n"
		 "R0.3@46:\"x,y]\"\n"
		 "R0.4@53:true\n"
		 "R0.5@58:null\n"
		 "E0@0:{\"vulnerabilities\":[]}\n");
	/* An empty array: no record, the envelope. */
	split_ok("{\"vulnerabilities\":[],\"n\":0}", "E0@0:{\"vulnerabilities\":[],\"n\":0}\n");
}

static void test_pages(void **state)
{
	(void)state;
	/* Pages one after the other; indexes restart, offsets run on. */
	split_ok("{\"p\":1,\"vulnerabilities\":[{\"r\":1}]}\n"
		 "{\"p\":2,\"vulnerabilities\":[{\"r\":2},{\"r\":3}]}",
		 "R0.0@26:{\"r\":1}\n"
		 "E0@0:{\"p\":1,\"vulnerabilities\":[]}\n"
		 "R1.0@62:{\"r\":2}\n"
		 "R1.1@70:{\"r\":3}\n"
		 "E1@36:{\"p\":2,\"vulnerabilities\":[]}\n");
	/* A JSON array of pages. */
	split_ok("[{\"vulnerabilities\":[{\"r\":1}]},\n {\"vulnerabilities\":[{\"r\":2}]}]",
		 "R0.0@21:{\"r\":1}\n"
		 "E0@1:{\"vulnerabilities\":[]}\n"
		 "R1.0@53:{\"r\":2}\n"
		 "E1@33:{\"vulnerabilities\":[]}\n");
	/* What may not stand between or inside the pages. */
	split_bad("{\"vulnerabilities\":[]},{}", 25, KC_EPARSE, "byte 22: text outside any object");
	split_bad("{\"vulnerabilities\":[]} x", 24, KC_EPARSE, "byte 23: text outside any object");
	split_bad("[{\"vulnerabilities\":[]},1]", 26, KC_EPARSE, "byte 24: a page of the list is not an object");
	split_bad("[[]]", 4, KC_EPARSE, "a page of the list is not an object");
	/* Lists of pages one after the other, and pages beside lists (jsplit.h:
	 * "one or more top-level objects (or arrays of them)"): pages count on. */
	split_ok("[{\"vulnerabilities\":[1]}][{\"vulnerabilities\":[2]}]{\"vulnerabilities\":[3]}",
		 "R0.0@21:1\n"
		 "E0@1:{\"vulnerabilities\":[]}\n"
		 "R1.0@46:2\n"
		 "E1@26:{\"vulnerabilities\":[]}\n"
		 "R2.0@70:3\n"
		 "E2@50:{\"vulnerabilities\":[]}\n");
	split_bad("{\"vulnerabilities\":[}]}", 23, KC_EPARSE, "byte 20: \"}\" closes a \"[\"");
	split_bad("{\"a\":1}}", 8, KC_EPARSE, "byte 7: a closing bracket with nothing open");
	split_bad("", 0, KC_EPARSE, "the input is empty");
}

static void test_whitespace_bom(void **state)
{
	(void)state;
	/* Whitespace of every kind around and inside the structure. */
	split_ok("\r\n\t {\r\n\t\"vulnerabilities\" :\n [ \n{\"r\" : 1}\r\n ,\t{\"r\":2} ] \n}\n\n",
		 "R0.0@32:{\"r\" : 1}\n"
		 "R0.1@46:{\"r\":2}\n"
		 "E0@4:{\r\n\t\"vulnerabilities\" :\n [] \n}\n");
	/* A UTF-8 byte order mark at the start is skipped; offsets count it. */
	split_ok("\xEF\xBB\xBF{\"vulnerabilities\":[{\"r\":1}]}",
		 "R0.0@23:{\"r\":1}\n"
		 "E0@3:{\"vulnerabilities\":[]}\n");
	split_ok("\xEF\xBB\xBF\n[{\"vulnerabilities\":[]}]", "E0@5:{\"vulnerabilities\":[]}\n");
	/* but not a broken one, nor one after the start */
	split_bad("\xEF\xBB{}", 4, KC_EPARSE, "byte 2: an incomplete UTF-8 byte order mark");
	split_bad("\xEF\xBB", 2, KC_EPARSE, "byte 2 inside a UTF-8 byte order mark");
	split_bad("\xEF\xBB\xBF", 3, KC_EPARSE, "the input is empty");
	split_bad(" \xEF\xBB\xBF{}", 6, KC_EPARSE, "byte 1: text outside any object");
}

/* Every proper prefix of a valid document fails with an error naming the
 * offset where it ended, and hands out only whole records (those of the full
 * document, in order). */
static void every_prefix(const char *doc)
{
	size_t len = strlen(doc);
	struct log full;
	kc_err err;

	assert_int_equal(split(doc, len, 0, &full, &err), 0);
	for (size_t n = 0; n < len; n++) {
		struct log l;
		char want[64];
		int rc = split(doc, n, n % 5 + 1, &l, &err);
		const char *got = kc_buf_str(&l.b);

		if (rc != KC_EPARSE)
			fail_msg("prefix of %zu bytes: rc %d, want KC_EPARSE", n, rc);
		if (n == 0 || (n == 3 && !strncmp(doc, "\xEF\xBB\xBF", 3)))
			snprintf(want, sizeof(want), "the input is empty");
		else
			snprintf(want, sizeof(want), "the input ends at byte %zu inside", n);
		if (!strstr(err.msg, want))
			fail_msg("prefix of %zu bytes: \"%s\" lacks \"%s\"", n, err.msg, want);
		/* What was handed out is a prefix of the full log, ending at a line. */
		if (strncmp(got, kc_buf_str(&full.b), l.b.len) != 0 || (l.b.len && got[l.b.len - 1] != '\n'))
			fail_msg("prefix of %zu bytes handed out\n%s\nwhich is not in\n%s", n, got,
				 kc_buf_str(&full.b));
		kc_buf_release(&l.b);
	}
	kc_buf_release(&full.b);
}

static void test_truncated(void **state)
{
	(void)state;
	every_prefix("{\"resultsPerPage\":2,\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2024-0001\","
		     "\"d\":\"x]}\\\"\\\\\",\"n\":[1,{\"a\":[]}]}},7,\"s\",{\"cve\":{}}],\"t\":\"}\"}");
	every_prefix("[{\"vulnerabilities\":[{\"r\":[1,2]},{\"r\":\"\\u0022]\"}]},{\"vulnerabilities\":[{}]}]");
	every_prefix("\xEF\xBB\xBF{\"vulnerabilities\":[true]}");
}

static void test_caps(void **state)
{
	size_t big = KC_JSPLIT_RECORD_MAX + 100;
	const char *head = "{\"vulnerabilities\":[{\"x\":\"", *tail = "\"},{\"r\":2}]}";
	char *doc = malloc(big + 100), *p;
	struct log l;
	kc_err err;

	(void)state;
	assert_non_null(doc);
	/* A record over the cap is handed out as NULL; the next one is whole. */
	p = stpcpy(doc, head);
	memset(p, 'A', big);
	memcpy(p + big, tail, strlen(tail) + 1);
	assert_int_equal(split(doc, strlen(doc), 1u << 16, &l, &err), 0);
	{
		char want[200];
		snprintf(want, sizeof(want), "R0.0@20:<too big>\nR0.1@%zu:{\"r\":2}\nE0@0:{\"vulnerabilities\":[]}\n",
			 strlen(head) + big + 3);
		assert_string_equal(kc_buf_str(&l.b), want);
	}
	kc_buf_release(&l.b);
	/* An envelope over its cap stops the walk. */
	p = stpcpy(doc, "{\"pad\":\"");
	memset(p, 'B', KC_JSPLIT_ENVELOPE_MAX);
	memcpy(p + KC_JSPLIT_ENVELOPE_MAX, "\",\"vulnerabilities\":[]}", sizeof("\",\"vulnerabilities\":[]}"));
	assert_int_equal(split(doc, strlen(doc), 1u << 16, &l, &err), KC_ETOOBIG);
	assert_non_null(strstr(err.msg, "the page starting at byte 0 has more than"));
	kc_buf_release(&l.b);
	/* Brackets nested past the limit. */
	p = stpcpy(doc, "{\"vulnerabilities\":");
	for (int i = 0; i < KC_JSPLIT_DEPTH_MAX + 5; i++)
		*p++ = '[';
	*p = '\0';
	assert_int_equal(split(doc, strlen(doc), 0, &l, &err), KC_ETOOBIG);
	assert_non_null(strstr(err.msg, "brackets nested deeper than"));
	kc_buf_release(&l.b);
	free(doc);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return s;
}

static void test_kev_shape(void **state)
{
	size_t len;
	char *kev = slurp("tests/fixtures/vuln/kev-subset.json", &len);
	struct log l;
	kc_err err;
	const char *env;

	(void)state;
	assert_int_equal(split(kev, len, 13, &l, &err), 0);
	assert_int_equal(l.records, 9);
	assert_int_equal(l.envelopes, 1);
	/* each record is one whole KEV entry */
	assert_non_null(strstr(kc_buf_str(&l.b), "R0.0@"));
	assert_non_null(strstr(kc_buf_str(&l.b), "R0.8@"));
	assert_non_null(strstr(kc_buf_str(&l.b), "\"cveID\": \"CVE-2023-3519\""));
	env = strstr(kc_buf_str(&l.b), "E0@0:");
	assert_non_null(env);
	assert_non_null(strstr(env, "\"catalogVersion\""));
	assert_null(strstr(env, "cveID"));
	kc_buf_release(&l.b);
	free(kev);
}

/* ---- the importer ---- */

struct reports {
	kc_buf b;
};

static void on_report(void *arg, const char *file, size_t page, size_t index, uint64_t offset, int warning,
		      const char *msg)
{
	struct reports *r = arg;

	if (!warning)
		kc_buf_addf(&r->b, "%s p%zu i%zu @%llu: %s\n", file, page, index, (unsigned long long)offset, msg);
}

static int import(kc_store *st, const char *name, const char *data, size_t len, const char *path,
		  kc_vuln_stats *vs, struct reports *rep, kc_err *err)
{
	kc_vuln_import *imp;
	int rc;

	memset(vs, 0, sizeof(*vs));
	kc_err_clear(err);
	assert_int_equal(kc_vuln_import_new(st, "unit", on_report, rep, &imp, err), 0);
	rc = path ? kc_vuln_import_file(imp, path, err) : kc_vuln_import_mem(imp, name, data, len, err);
	if (!rc)
		rc = kc_vuln_import_finish(imp, vs, err);
	kc_vuln_import_free(imp);
	return rc;
}

static void test_import_twice(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	struct reports rep;
	kc_vuln_stats vs;
	kc_err err;
	const char *page = "tests/fixtures/vuln/nvd-cves-2.0-response-page200.json.gz";
	const char *kev = "tests/fixtures/vuln/kev-subset.json";

	(void)state;
	kc_buf_init(&rep.b, 1u << 20);
	assert_int_equal(import(st, NULL, NULL, 0, page, &vs, &rep, &err), 0);
	assert_int_equal(vs.cve_inserted, 200);
	assert_int_equal(vs.cve_unchanged, 0);
	assert_int_equal(import(st, NULL, NULL, 0, page, &vs, &rep, &err), 0);
	assert_int_equal(vs.cve_inserted, 0);
	assert_int_equal(vs.cve_updated, 0);
	assert_int_equal(vs.cve_unchanged, 200);
	assert_int_equal(import(st, NULL, NULL, 0, kev, &vs, &rep, &err), 0);
	assert_int_equal(vs.kev_inserted, 9);
	assert_int_equal(import(st, NULL, NULL, 0, kev, &vs, &rep, &err), 0);
	assert_int_equal(vs.kev_inserted, 0);
	assert_int_equal(vs.kev_updated, 0);
	assert_int_equal(vs.kev_unchanged, 9);
	/* The same record with a change counts as updated, the other unchanged. */
	{
		const char *a = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-0001\",\"lastModified\":\"2024-01-01\","
				"\"descriptions\":[{\"lang\":\"en\",\"value\":\"one\"}]}},"
				"{\"cve\":{\"id\":\"CVE-2099-0002\",\"descriptions\":[{\"lang\":\"en\",\"value\":\"two\"}]}}]}";
		const char *b = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-0001\",\"lastModified\":\"2024-02-02\","
				"\"descriptions\":[{\"lang\":\"en\",\"value\":\"one, changed\"}]}},"
				"{\"cve\":{\"id\":\"CVE-2099-0002\",\"descriptions\":[{\"lang\":\"en\",\"value\":\"two\"}]}}]}";
		kc_cve c;

		assert_int_equal(import(st, "a", a, strlen(a), NULL, &vs, &rep, &err), 0);
		assert_int_equal(vs.cve_inserted, 2);
		/* key order and whitespace do not make a record new */
		{
			const char *a2 = "{ \"vulnerabilities\" : [ {\"cve\":{\"descriptions\":[{\"value\":\"one\",\"lang\":\"en\"}],"
					 "\"lastModified\":\"2024-01-01\",\"id\":\"CVE-2099-0001\"}} ] }";
			assert_int_equal(import(st, "a2", a2, strlen(a2), NULL, &vs, &rep, &err), 0);
			assert_int_equal(vs.cve_unchanged, 1);
			assert_int_equal(vs.cve_updated, 0);
		}
		assert_int_equal(import(st, "b", b, strlen(b), NULL, &vs, &rep, &err), 0);
		assert_int_equal(vs.cve_inserted, 0);
		assert_int_equal(vs.cve_updated, 1);
		assert_int_equal(vs.cve_unchanged, 1);
		assert_int_equal(kc_cve_get(st, "CVE-2099-0001", &c, &err), 0);
		assert_string_equal(c.description, "one, changed");
		kc_cve_release(&c);
	}
	assert_int_equal(rep.b.len, 0);
	kc_buf_release(&rep.b);
	test_store_done(st, path);
}

static void test_bad_records(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	struct reports rep;
	kc_vuln_stats vs;
	kc_err err;
	kc_cve c;
	const char *doc = "{\"vulnerabilities\":["
			  "{\"cve\":{\"id\":\"CVE-2099-1001\",\"descriptions\":[]}},\n"
			  "{\"cve\":{\"id\":\"CVE-99-12\",\"descriptions\":[]}},\n"
			  "{\"cve\":{\"id\":\"CVE-2099-1003\",\"descriptions\":[]}},\n"
			  "{\"cve\":{\"id\":\"CVE-2099-1004\",\"descriptions\":[],}},\n"
			  "{\"cve\":{\"descriptions\":[]}},\n"
			  "{\"cve\":{\"id\":\"CVE-2099-1006\",\"descriptions\":[]}}]}";
	char want[600];

	(void)state;
	kc_buf_init(&rep.b, 1u << 20);
	assert_int_equal(import(st, "bad.json", doc, strlen(doc), NULL, &vs, &rep, &err), 0);
	assert_int_equal(vs.cve_inserted, 3);
	assert_int_equal(vs.skipped, 3);
	/* Each bad record is named by page, index and byte offset. */
	snprintf(want, sizeof(want), "bad.json p0 i1 @%zu: \"CVE-99-12\" is not a CVE id\n",
		 (size_t)(strstr(doc, "{\"cve\":{\"id\":\"CVE-99-12") - doc));
	if (!strstr(kc_buf_str(&rep.b), want))
		fail_msg("reports\n%s\nlack\n%s", kc_buf_str(&rep.b), want);
	snprintf(want, sizeof(want), "bad.json p0 i3 @%zu: not valid JSON",
		 (size_t)(strstr(doc, "{\"cve\":{\"id\":\"CVE-2099-1004") - doc));
	if (!strstr(kc_buf_str(&rep.b), want))
		fail_msg("reports\n%s\nlack\n%s", kc_buf_str(&rep.b), want);
	snprintf(want, sizeof(want), "bad.json p0 i4 @%zu: the record has no \"id\"",
		 (size_t)(strstr(doc, "{\"cve\":{\"descriptions") - doc));
	if (!strstr(kc_buf_str(&rep.b), want))
		fail_msg("reports\n%s\nlack\n%s", kc_buf_str(&rep.b), want);
	assert_int_equal(kc_cve_get(st, "CVE-2099-1006", &c, &err), 0);
	kc_cve_release(&c);
	assert_int_equal(kc_cve_get(st, "CVE-99-12", &c, &err), KC_ENOENT);
	kc_buf_release(&rep.b);
	test_store_done(st, path);
}

/* The importer on prefixes of a real NVD page: a clear error naming the
 * offset, the records before the break imported, never a crash. */
static void test_import_truncated(void **state)
{
	char path[256];
	kc_store *st = test_store(1, path);
	size_t len;
	char *doc = slurp("tests/fixtures/vuln/nvd-cves-2.0-response-CVE-2023-0001.json", &len);
	struct reports rep;
	kc_vuln_stats vs;
	kc_err err;

	(void)state;
	struct log l;
	kc_cve c;

	kc_buf_init(&rep.b, 1u << 24);
	while (len && (doc[len - 1] == '\n' || doc[len - 1] == ' '))
		len--;
	/* where the one record ends */
	assert_int_equal(split(doc, len, 0, &l, &err), 0);
	assert_int_equal(l.records, 1);
	kc_buf_release(&l.b);
	for (size_t n = 0; n < len; n++) {
		int rc = import(st, "cut.json", doc, n, NULL, &vs, &rep, &err);
		char want[80];

		if (rc != KC_EPARSE)
			fail_msg("prefix of %zu bytes: rc %d (%s)", n, rc, err.msg);
		snprintf(want, sizeof(want), n ? "ends at byte %zu" : "is empty", n);
		if (!strstr(err.msg, "cut.json") || !strstr(err.msg, want))
			fail_msg("prefix of %zu bytes: \"%s\"", n, err.msg);
		/* the record is in the store once it is whole, never before */
		rc = kc_cve_get(st, "CVE-2023-0001", &c, &err);
		if (rc == 0)
			kc_cve_release(&c);
		if (n < l.rec_end ? rc != KC_ENOENT : rc != 0)
			fail_msg("prefix of %zu bytes (the record ends at %llu): kc_cve_get %d", n,
				 (unsigned long long)l.rec_end, rc);
	}
	assert_int_equal(import(st, "whole.json", doc, len, NULL, &vs, &rep, &err), 0);
	assert_int_equal(vs.cve_unchanged, 1); /* whole since the prefixes that held it */
	kc_buf_release(&rep.b);
	free(doc);
	test_store_done(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),	     cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_pages),	     cmocka_unit_test(test_whitespace_bom),
		cmocka_unit_test(test_truncated),    cmocka_unit_test(test_caps),
		cmocka_unit_test(test_kev_shape),    cmocka_unit_test(test_import_twice),
		cmocka_unit_test(test_bad_records),  cmocka_unit_test(test_import_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
