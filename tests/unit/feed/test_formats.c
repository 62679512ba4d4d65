/* Unit tests: the STIX pattern reader, value checks, and the STIX, MISP and
 * generic-CSV readers against a real store with registered ranges. */
#include "../test.h"

#include <jansson.h>

#include "base/buf.h"
#include "feed/ingest.h"
#include "org/asset.h"
#include "org/org.h"
#include "org/seed.h"

/* Parse p; return the rc and the values joined as "kind:value kind:value". */
static int parse(const char *p, char *out, size_t cap)
{
	static const char *const names[] = { "", "v4", "v6", "ip", "dn", "url" };
	kc_stix_values v = { 0 };
	kc_err err;
	size_t w = 0;
	int rc;

	kc_err_clear(&err);
	rc = kc_stix_pattern_parse(p, &v, &err);
	out[0] = '\0';
	for (size_t i = 0; i < v.n && w < cap; i++)
		w += (size_t)snprintf(out + w, cap - w, "%s%s:%s", i ? " " : "", names[v.v[i].kind], v.v[i].value);
	if (rc < 0)
		snprintf(out, cap, "%s", err.msg);
	kc_stix_values_release(&v);
	return rc;
}

static void pattern_simple(void **state)
{
	char got[512];

	(void)state;
	assert_int_equal(parse("[ipv4-addr:value = '198.51.100.1']", got, sizeof(got)), 0);
	assert_string_equal(got, "v4:198.51.100.1");
	assert_int_equal(parse("[ipv4-addr:value = '198.51.100.1'] OR [domain-name:value = 'x.no']", got, sizeof(got)), 0);
	assert_string_equal(got, "v4:198.51.100.1 dn:x.no");
	/* AND and OR inside one observation, ==, parentheses, comments, line breaks */
	assert_int_equal(parse("[ (ipv6-addr:value == '2001:db8::1' OR ipv4-addr:value = '192.0.2.1')\n"
			       "  AND url:value = 'http://a.no/' ] /* two */ AND ([domain-name:value='b.no']) // end",
			       got, sizeof(got)),
			 0);
	assert_string_equal(got, "v6:2001:db8::1 v4:192.0.2.1 url:http://a.no/ dn:b.no");
	/* escaped quote and backslash inside the literal */
	assert_int_equal(parse("[url:value = 'http://a.no/it\\'s\\\\x']", got, sizeof(got)), 0);
	assert_string_equal(got, "url:http://a.no/it's\\x");
	/* ISSUBSET on an address: the prefix */
	assert_int_equal(parse("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", got, sizeof(got)), 0);
	assert_string_equal(got, "v4:198.51.100.0/24");
	/* the quoted first path component is the same property */
	assert_int_equal(parse("[domain-name:'value' = 'c.no']", got, sizeof(got)), 0);
	assert_string_equal(got, "dn:c.no");
	/* Unicode no-break space counts as whitespace */
	assert_int_equal(parse("[ipv4-addr:value\xc2\xa0=\xc2\xa0'192.0.2.2']", got, sizeof(got)), 0);
	assert_string_equal(got, "v4:192.0.2.2");
}

static void pattern_complex(void **state)
{
	static const char *const complex[] = {
		"[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
		"[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e'] OR [ipv4-addr:value = '192.0.2.1']",
		"[ipv4-addr:value MATCHES '^192\\\\.0\\\\.2\\\\.']",
		"[ipv4-addr:value != '192.0.2.1']",
		"[ipv4-addr:value NOT = '192.0.2.1']",
		"[ipv4-addr:value NOT ISSUBSET '192.0.2.0/24']",
		"[domain-name:value ISSUBSET 'a.no']",
		"[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]",
		"[ipv4-addr:value IN ()]",
		"[domain-name:value LIKE '%.bergen.kommune.no']",
		"[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']",
		"[ipv4-addr:value = '192.0.2.1'] WITHIN 300 SECONDS",
		"[ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES",
		"[ipv4-addr:value = '192.0.2.1'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'",
		"[ipv4-addr:resolves_to_refs[*].value = '00:11:22:33:44:55']",
		"[network-traffic:dst_ref.value = '192.0.2.1' AND network-traffic:dst_port = 443]",
		"[ipv4-addr:value = '192.0.2.1' AND network-traffic:dst_port > -1]",
		"[x-custom:items[-1].'odd name' <= 2.5 OR x-custom:flag = true OR x-custom:b = b'AAE=']",
		"[artifact:payload_bin = b'dGVzdA==' OR file:hashes.MD5 = h'00ff']",
		"[url:value = 'http://a.no/'] AND [process:pid >= 1 AND process:name < 'z']",
	};
	char got[512];

	(void)state;
	for (size_t i = 0; i < sizeof(complex) / sizeof(*complex); i++) {
		int rc = parse(complex[i], got, sizeof(got));

		if (rc != KC_STIX_COMPLEX)
			fail_msg("%s: rc %d (%s)", complex[i], rc, got);
		assert_string_equal(got, ""); /* nothing is taken from a complex pattern */
	}
}

static void pattern_errors(void **state)
{
	static const struct {
		const char *p, *msg;
	} bad[] = {
		{ "", "column 1: the pattern is empty" },
		{ "   /* nothing */ ", "the pattern is empty" },
		{ "[ipv4-addr:value = '192.0.2.1'", "column 31: expected ']'" },
		{ "[ipv4-addr:value = '192.0.2.1]", "column 20: a quoted string does not end" },
		{ "[ipv4-addr:value = '192.0.2.1\\n']", "only" },
		{ "ipv4-addr:value = '192.0.2.1'", "column 1: expected '[' or '('" },
		{ "[ipv4-addr:value = '192.0.2.1'] or [ipv4-addr:value = '192.0.2.2']", "unexpected text after the pattern" },
		{ "[ipv4-addr:value = '192.0.2.1'] OR", "expected '[' or '('" },
		{ "[ipv4-addr value = '192.0.2.1']", "expected ':'" },
		{ "[ipv4-addr:value = 192.0.2.1]", "not a string" },
		{ "[ipv4-addr:value = ]", "expected a literal" },
		{ "[ipv4-addr:value = 5]", "compared with something not a string" },
		{ "[ipv4-addr:value ~ '1']", "column 18: unexpected character" },
		{ "[ipv4-addr:value = '1'] WITHIN SECONDS", "expected a number" },
		{ "[ipv4-addr:value = '1'] START '2016' STOP", "expected a timestamp" },
		{ "[file:hashes.MD5 = h'0g']", "not a hex literal" },
		{ "[x:y = t'2016-13-01T00:00:00Z']", "not a timestamp literal" },
		{ "[x:y = b'abc']", "not a base64 literal" },
		{ "[x:y = 007]", "unexpected character" },
		{ "[ipv4-addr:value = '1'] /* open", "a comment does not end" },
		{ "[ipv4-addr:value-x = '1']", "column 12: expected a property name" },
		{ "[x:y IN ('a' 'b')]", "expected ')'" },
		{ "[x:y[a] = 1]", "expected an index" },
		{ "[]", "expected an object type" },
		{ "[(ipv4-addr:value = '1']", "expected ')'" },
	};
	char got[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int rc = parse(bad[i].p, got, sizeof(got));

		if (rc != KC_EPARSE || !strstr(got, bad[i].msg))
			fail_msg("%s: rc %d, '%s', want '%s'", bad[i].p, rc, got, bad[i].msg);
	}
}

static void pattern_limits(void **state)
{
	kc_stix_values v = { 0 };
	kc_err err;
	char *p = malloc(300000), got[64];
	size_t w = 0;

	(void)state;
	/* 150 nested parentheses: refused, not a deep recursion */
	for (int i = 0; i < 150; i++)
		p[w++] = '(';
	w += (size_t)sprintf(p + w, "[ipv4-addr:value = '1']");
	for (int i = 0; i < 150; i++)
		p[w++] = ')';
	p[w] = '\0';
	assert_int_equal(kc_stix_pattern_parse(p, &v, &err), KC_ETOOBIG);
	assert_non_null(strstr(err.msg, "nested too deeply"));
	/* 40 levels are fine */
	w = 0;
	for (int i = 0; i < 40; i++)
		p[w++] = '(';
	w += (size_t)sprintf(p + w, "[ipv4-addr:value = '192.0.2.1']");
	for (int i = 0; i < 40; i++)
		p[w++] = ')';
	p[w] = '\0';
	assert_int_equal(parse(p, got, sizeof(got)), 0);
	assert_string_equal(got, "v4:192.0.2.1");
	/* more than 4096 values */
	w = 0;
	for (int i = 0; i < 5000; i++)
		w += (size_t)sprintf(p + w, "%s[ipv4-addr:value = '192.0.2.1']", i ? " OR " : "");
	assert_int_equal(kc_stix_pattern_parse(p, &v, &err), KC_ETOOBIG);
	assert_int_equal(v.n, 0);
	/* values are appended; a complex pattern leaves out as it was */
	assert_int_equal(kc_stix_pattern_parse("[ipv4-addr:value = '192.0.2.1']", &v, &err), 0);
	assert_int_equal(kc_stix_pattern_parse("[domain-name:value = 'a.no'] OR [url:value = 'http://b.no/']", &v, &err), 0);
	assert_int_equal(kc_stix_pattern_parse("[ipv4-addr:value = '192.0.2.9'] REPEATS 2 TIMES", &v, &err),
			 KC_STIX_COMPLEX);
	assert_int_equal(kc_stix_pattern_parse("[ipv4-addr:value = '192.0.2.9'", &v, &err), KC_EPARSE);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.v[2].kind, KC_VALUE_URL);
	assert_string_equal(v.v[2].value, "http://b.no/");
	kc_stix_values_release(&v);
	assert_int_equal(v.n, 0);
	free(p);
}

static void value_check(void **state)
{
	(void)state;
	assert_null(kc_value_check(KC_VALUE_IPV4, "192.0.2.1"));
	assert_null(kc_value_check(KC_VALUE_IPV4, "192.0.2.0/24"));
	assert_non_null(kc_value_check(KC_VALUE_IPV4, "192.0.2.1/24")); /* host bits set */
	assert_non_null(kc_value_check(KC_VALUE_IPV4, "2001:db8::1"));
	assert_non_null(kc_value_check(KC_VALUE_IPV4, "192.0.2.256"));
	assert_null(kc_value_check(KC_VALUE_IPV6, "2001:db8::/32"));
	assert_non_null(kc_value_check(KC_VALUE_IPV6, "192.0.2.1"));
	assert_null(kc_value_check(KC_VALUE_IP, "192.0.2.1"));
	assert_null(kc_value_check(KC_VALUE_IP, "2001:db8::1"));
	assert_non_null(kc_value_check(KC_VALUE_IP, "bergen.kommune.no"));
	assert_null(kc_value_check(KC_VALUE_DOMAIN, "Bergen.Kommune.NO"));
	assert_non_null(kc_value_check(KC_VALUE_DOMAIN, "no"));
	assert_non_null(kc_value_check(KC_VALUE_DOMAIN, "a..no"));
	assert_null(kc_value_check(KC_VALUE_URL, "https://[2001:db8::1]:8443/x"));
	assert_null(kc_value_check(KC_VALUE_URL, "http://www.bergen.kommune.no/"));
	assert_non_null(kc_value_check(KC_VALUE_URL, "www.bergen.kommune.no/"));
	assert_non_null(kc_value_check(KC_VALUE_URL, "http://under_score!/"));
}

/* ---- the readers against a store ---- */

struct fx {
	kc_store *st;
	kc_registry *reg;
	char db[256], dir[64];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	kc_org_new iks = { .kind = "iks", .name = "Test IKS" };
	kc_asset_outcome out;
	kc_seed_report rep;
	int64_t id;
	kc_err err;

	f->st = test_store(1, f->db);
	snprintf(f->dir, sizeof(f->dir), "%s", f->db);
	*strrchr(f->dir, '/') = '\0';
	if (kc_seed_registry(f->st, "test", &rep, &err) || kc_org_add(f->st, "test", &iks, &id, &err) ||
	    kc_asset_add(f->st, "test", NULL, id, "cidr", "192.0.2.0/24", NULL, &out, &err) ||
	    kc_asset_add(f->st, "test", NULL, id, "domain", "example.no", NULL, &out, &err) ||
	    kc_registry_load(f->st, &f->reg, &err))
		fail_msg("setup: %s", err.msg);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	kc_registry_free(f->reg);
	test_store_done(f->st, f->db);
	free(f);
	return 0;
}

static const char *write_file(struct fx *f, const char *name, const char *text)
{
	static char path[400];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static int64_t count(struct fx *f, const char *where)
{
	char sql[512];
	int64_t n = -1;
	kc_err err;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM event WHERE %s", where);
	assert_int_equal(kc_store_scalar_int(f->st, &err, &n, sql, ""), 0);
	return n;
}

static void stix_bundle(void **state)
{
	struct fx *f = *state;
	kc_ingest_opts o = { 0 };
	kc_ingest_report rep;
	kc_err err;
	const char *p = write_file(
		f, "b.json",
		"{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
		"{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[ipv4-addr:value = '192.0.2.7'] OR "
		"[domain-name:value = 'www.example.no']\",\"valid_from\":\"2026-11-20T10:00:00Z\","
		"\"indicator_types\":[\"anomalous-activity\",\"compromised\"],"
		"\"object_marking_refs\":[\"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da\","
		"\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"]},"
		"{\"type\":\"indicator\",\"id\":\"indicator--2\",\"pattern\":\"[file:name = 'x']\",\"created\":\"2026-11-20T10:00:00Z\"},"
		"{\"type\":\"indicator\",\"id\":\"indicator--3\",\"pattern\":\"[ipv4-addr:value = '192.0.2.8']\","
		"\"pattern_type\":\"snort\"},"
		"{\"type\":\"indicator\",\"id\":\"indicator--4\",\"pattern\":\"[ipv4-addr:value = \",\"created\":\"2026-11-20T10:00:00Z\"},"
		"{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"x\"}]}\n");

	memset(&rep, 0xff, sizeof(rep)); /* every count is set by the reader */
	assert_int_equal(kc_ingest_stix(f->st, f->reg, p, &o, &rep, &err), 0);
	assert_int_equal(rep.lines, 3);
	assert_int_equal(rep.events, 2);
	assert_int_equal(rep.quarantined, 1);
	assert_int_equal(rep.skipped, 2);
	assert_int_equal(rep.unattributed, 0);
	assert_string_equal(rep.report, "stix");
	/* the strictest TLP, compromised before anomalous-activity */
	assert_int_equal(count(f, "tlp = 'RED' AND taxonomy = 'intrusions' AND type = 'system-compromise' "
				  "AND identifier = 'compromised' AND time_source = '2026-11-20T10:00:00Z'"),
			 2);
	assert_int_equal(count(f, "source_fqdn = 'www.example.no' AND extra LIKE '%\"stix.id\":\"indicator--1\"%'"), 1);
	/* the same content again: nothing */
	assert_int_equal(kc_ingest_stix(f->st, f->reg, p, &o, &rep, &err), 0);
	assert_true(rep.already);
	/* not JSON: an error with the place, nothing stored */
	p = write_file(f, "n.json", "{\"type\": \"bundle\",\n \"objects\": [}\n");
	assert_int_equal(kc_ingest_stix(f->st, f->reg, p, &o, &rep, &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "line 2"));
	p = write_file(f, "a.json", "[1, 2]");
	assert_int_equal(kc_ingest_stix(f->st, f->reg, p, &o, &rep, &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "not a STIX bundle"));
	assert_int_equal(count(f, "1 = 1"), 2);
}

static void misp_shapes(void **state)
{
	struct fx *f = *state;
	kc_ingest_opts o = { .taxonomy = "test", .type = "test", .identifier = "misp-test" };
	kc_ingest_report rep;
	kc_err err;
	/* a REST search answer; --classification wins over tags and categories */
	const char *p = write_file(
		f, "m.json",
		"{\"response\":[{\"Event\":{\"uuid\":\"e1\",\"info\":\"i\",\"date\":\"2026-11-21\","
		"\"Tag\":[{\"name\":\"rsit:fraud=\\\"phishing\\\"\"},{\"name\":\"TLP:CLEAR\"}],"
		"\"Attribute\":[{\"type\":\"ip-dst|port\",\"value\":\"192.0.2.9|8080\",\"category\":\"Network activity\","
		"\"timestamp\":1795168800,\"uuid\":\"a1\"},"
		"{\"type\":\"domain|ip\",\"value\":\"x.example.no|192.0.2.300\",\"uuid\":\"a2\"},"
		"{\"type\":\"ip-dst\",\"value\":\"192.0.2.10\",\"first_seen\":\"2026-11-19T01:02:03.000000+00:00\"},"
		"{\"type\":\"sha256\",\"value\":\"00\"}]}}]}\n");

	assert_int_equal(kc_ingest_misp(f->st, f->reg, p, &o, &rep, &err), 0);
	assert_int_equal(rep.lines, 3);
	assert_int_equal(rep.events, 2);
	assert_int_equal(rep.quarantined, 1);
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(count(f, "source_ip = '192.0.2.9' AND source_port = 8080 AND identifier = 'misp-test' AND "
				  "tlp = 'CLEAR' AND time_source = '2026-11-20T10:00:00Z'"),
			 1);
	assert_int_equal(count(f, "source_ip = '192.0.2.10' AND time_source = '2026-11-19T01:02:03Z'"), 1);
	p = write_file(f, "m2.json", "{\"Event\": 5}");
	assert_int_equal(kc_ingest_misp(f->st, f->reg, p, &o, &rep, &err), KC_EPARSE);
	assert_non_null(strstr(err.msg, "not a MISP event"));
}

static void csv_mapping(void **state)
{
	static const struct {
		const char *map, *msg;
	} bad[] = {
		{ "column.source.ip = ip\nclassification = a/b/c\ncolumn.source.ip = ip2\n", "given twice" },
		{ "column.source.ip = ip\nclassification = a/b/c\nfoo = bar\n", "m.map:3: unknown key foo" },
		{ "column.source.ip =\nclassification = a/b/c\n", "has no value" },
		{ "column.source.ip = ip\nclassification = a/b/c/d\n", "classification is" },
		{ "column.source.ip = ip\nclassification = a/b\n", "needs column.classification.identifier" },
		{ "column.source.ip = ip\nclassification = a/b/c\ndelimiter = ;;\n", "delimiter is" },
		{ "column.source.ip = ip\nclassification = a/b/c\nheader = maybe\n", "header is yes or no" },
		{ "column.source.ip = ip\nclassification = a/b/c\nheader = no\n", "is a column number" },
		{ "column.source.ip = ip\nclassification = a/b/c\ntime.format = unix\n", "time.format is" },
		{ "column.source.ip = ip\nclassification = a/b/c\ntlp = purple\n", "tlp is" },
		{ "column.time.source = t\nclassification = a/b/c\n", "names no address column" },
		{ "column.source.ip = ip\n", "no classification" },
		{ "column.source.ip ip\n", "expected KEY = VALUE" },
	};
	struct fx *f = *state;
	kc_ingest_opts o = { 0 };
	kc_ingest_report rep;
	kc_err err;
	const char *data;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char map[400];
		int rc;

		snprintf(map, sizeof(map), "%s", write_file(f, "m.map", bad[i].map));
		data = write_file(f, "d.csv", "ip\n192.0.2.1\n");
		o.mapping = map;
		rc = kc_ingest_csv(f->st, f->reg, data, &o, &rep, &err);
		if (rc != KC_EINVAL || !strstr(err.msg, bad[i].msg))
			fail_msg("%s: rc %d '%s', want '%s'", bad[i].map, rc, err.msg, bad[i].msg);
	}
	/* numbered columns, epoch times, a byte-order mark before the header is ignored */
	{
		char map[400];

		snprintf(map, sizeof(map), "%s",
			 write_file(f, "m.map",
				    "# test\n  column.source.fqdn = 2 \ncolumn.time.source=1\ntime.format = epoch\nheader = no\n"
				    "classification = other/other/csv-test\ndelimiter = |\nfeed = csvtest\n"));
		o.mapping = map;
		data = write_file(f, "d.csv", "1795168800|a.example.no|note\n1795168801||\n");
		assert_int_equal(kc_ingest_csv(f->st, f->reg, data, &o, &rep, &err), 0);
		assert_int_equal(rep.lines, 2);
		assert_int_equal(rep.events, 1);
		assert_int_equal(rep.quarantined, 1); /* no address in line 2 */
		assert_int_equal(count(f, "feed_name = 'csvtest' AND source_fqdn = 'a.example.no' AND "
					  "time_source = '2026-11-20T10:00:00Z' AND extra = '{\"3\":\"note\"}'"),
				 1);
		snprintf(map, sizeof(map), "%s",
			 write_file(f, "m.map", "column.source.ip = addr\nclassification = other/other/csv-test\n"));
		data = write_file(f, "d2.csv", "\xef\xbb\xbf" "addr,other\n192.0.2.77,x\n");
		assert_int_equal(kc_ingest_csv(f->st, f->reg, data, &o, &rep, &err), 0);
		assert_int_equal(rep.events, 1);
		/* AS 0 is unknown; AS0x is malformed */
		snprintf(map, sizeof(map), "%s",
			 write_file(f, "m.map",
				    "column.source.ip = ip\ncolumn.source.asn = asn\nclassification = other/other/csv-asn\n"));
		data = write_file(f, "d4.csv", "ip,asn\n192.0.2.80,0\n192.0.2.81,AS0x\n");
		assert_int_equal(kc_ingest_csv(f->st, f->reg, data, &o, &rep, &err), 0);
		assert_int_equal(rep.events, 1);
		assert_int_equal(rep.quarantined, 1);
		assert_int_equal(count(f, "source_ip = '192.0.2.80' AND source_asn IS NULL"), 1);
		/* a column the header lacks: an error, nothing stored */
		snprintf(map, sizeof(map), "%s",
			 write_file(f, "m.map", "column.source.ip = address\nclassification = other/other/csv-test\n"));
		data = write_file(f, "d3.csv", "addr,other\n192.0.2.78,x\n");
		assert_int_equal(kc_ingest_csv(f->st, f->reg, data, &o, &rep, &err), KC_EPARSE);
		assert_non_null(strstr(err.msg, "no column address"));
		assert_int_equal(count(f, "source_ip = '192.0.2.78'"), 0);
	}
}

/* A Shadowserver report larger than the store thread's batches: every event
 * arrives, in order, with the counts right; a store failure in the middle of
 * the file (a trigger refuses the 2,500th event) rolls the whole file back
 * and names the cause, and the same file can be ingested once the cause is
 * gone. */
static void shadowserver_pipeline(void **state)
{
	struct fx *f = *state;
	kc_ingest_opts o = { .report = "scan_rdp" };
	kc_ingest_report rep;
	kc_err err;
	kc_buf text;
	const char *path;

	kc_buf_init(&text, 1u << 20);
	kc_buf_adds(&text, "\"timestamp\",\"ip\",\"port\",\"hostname\",\"tag\"\n");
	for (int i = 0; i < 6000; i++) /* 3000 addresses in the registered /24 x ports, 3000 outside */
		kc_buf_addf(&text, "\"2026-11-27 %02d:%02d:00\",%s.%d,%d,,rdp\n", i / 600, i / 10 % 60,
			    i % 2 ? "203.0.113" : "192.0.2", i / 2 % 250 + 1, 3389 + i / 500);
	path = write_file(f, "2026-11-27-scan_rdp-test.csv", kc_buf_str(&text));

	assert_int_equal(f->st->ops->exec_script(f->st,
		"CREATE TRIGGER refuse AFTER INSERT ON event WHEN (SELECT count(*) FROM event) >= 2500 "
		"BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;", &err), 0);
	kc_err_clear(&err);
	assert_true(kc_ingest_file(f->st, f->reg, path, &o, &rep, &err) < 0);
	assert_non_null(strstr(err.msg, "refused by the test"));
	assert_int_equal(count(f, "1 = 1"), 0);
	{
		int64_t files = -1;

		assert_int_equal(kc_store_scalar_int(f->st, &err, &files, "SELECT count(*) FROM ingest_file", ""), 0);
		assert_int_equal(files, 0);
	}
	assert_int_equal(f->st->ops->exec_script(f->st, "DROP TRIGGER refuse;", &err), 0);
	assert_int_equal(kc_ingest_file(f->st, f->reg, path, &o, &rep, &err), 0);
	assert_int_equal(rep.lines, 6000);
	assert_int_equal(rep.unattributed, 3000);
	assert_int_equal(rep.events + rep.duplicates, 3000);
	assert_int_equal(count(f, "1 = 1"), (int64_t)rep.events);
	/* 250 addresses x 12 ports, each once: no merges, every one stored */
	assert_int_equal(rep.events, 3000);
	assert_int_equal(count(f, "source_ip = '192.0.2.250' AND source_port = 3389 + 11"), 1);
	kc_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pattern_simple),
		cmocka_unit_test(pattern_complex),
		cmocka_unit_test(pattern_errors),
		cmocka_unit_test(pattern_limits),
		cmocka_unit_test(value_check),
		cmocka_unit_test_setup_teardown(stix_bundle, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(misp_shapes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(csv_mapping, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(shadowserver_pipeline, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
