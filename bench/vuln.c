/*
 * bench/vuln.c - importing an NVD CVE API 2.0 dump, and matching every
 * organisation's products against every CPE criterion.
 *
 * Generates, from the NVD samples in tests/fixtures/vuln (201 records, 706
 * CPE criteria), a paged dump of N CVEs (default 100,000; pages of 2,000
 * records, concatenated, as a mirror of the API writes them) with new ids
 * CVE-2099-NNNNNNN, in /tmp, plain and gzipped. Then, in the same run:
 *   - baselines: `gzip -dc FILE > /dev/null`, and the streaming splitter with
 *     jansson parsing every record of the same bytes without storing them;
 *   - the import into a fresh SQLite store through kc_vuln_import_file (what
 *     `kcert vuln import` calls), from the .gz: CVEs/s and peak RSS;
 *   - the 357 municipalities (kc_seed_registry) get 4-8 declared products
 *     each, drawn from the criteria's vendors and products with versions
 *     inside the criteria's ranges, outside them, and uncertain (no version,
 *     or one that does not compare);
 *   - kc_exposure_all: every product against every vulnerable criterion;
 *   - the baselines for matching: kc_exposure_for_cve CVE by CVE, and the
 *     naive loop (kc_cpe_match on every product x criterion pair), each on a
 *     sample and scaled. The sample's exposures from kc_exposure_all and from
 *     kc_exposure_for_cve must be identical, or the program fails.
 * With KCERT_BENCH_PG set to a PostgreSQL URI (bench/pg.sh style), the import
 * and the matching run on PostgreSQL too (PG_N CVEs, default N).
 *
 *   make build/bench/vuln && build/bench/vuln [N] [PG_N]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "org/seed.h"
#include "store/store.h"
#include "vuln/cpe.h"
#include "vuln/exposure.h"
#include "vuln/jsplit.h"
#include "vuln/vuln.h"
#define BENCH_SEED 0x5851f42d4c957f2dULL
#include "bench.h"

#define PAGE 2000
#define FIXTURES "tests/fixtures/vuln/"
#define SAMPLE_STEP 97 /* every 97th CVE is compared with kc_exposure_for_cve */

static long peak_rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

static double run_cmd(const char *cmd)
{
	double t = now();

	if (system(cmd) != 0)
		fprintf(stderr, "bench/vuln: '%s' failed\n", cmd);
	return now() - t;
}

static void die(const char *what, const kc_err *err)
{
	fprintf(stderr, "bench/vuln: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

/* ---- the samples ---- */

/* Each sample record as text, split around its id: pre + id + post. */
struct tmpl {
	char *pre, *post;
};
static struct tmpl *tmpls;
static size_t ntmpl;

static void add_template(json_t *item)
{
	json_t *cve = json_object_get(item, "cve");
	char *s, *at;

	json_object_set_new(cve, "id", json_string("@@ID@@"));
	s = json_dumps(item, JSON_COMPACT);
	at = strstr(s, "\"@@ID@@\"");
	tmpls = realloc(tmpls, (ntmpl + 1) * sizeof(*tmpls));
	*at = '\0';
	tmpls[ntmpl].pre = strdup(s);
	tmpls[ntmpl].post = strdup(at + 8);
	ntmpl++;
	free(s);
}

static json_t *load_gz(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	kc_buf b;
	char chunk[65536];
	int n;
	json_t *j;

	if (!gz)
		die(path, NULL);
	kc_buf_init(&b, 1u << 30);
	while ((n = gzread(gz, chunk, sizeof(chunk))) > 0)
		kc_buf_add(&b, chunk, (size_t)n);
	gzclose(gz);
	j = json_loadb(b.ptr, b.len, 0, NULL);
	kc_buf_release(&b);
	if (!j)
		die(path, NULL);
	return j;
}

static void load_templates(void)
{
	static const char *const files[] = { FIXTURES "nvd-cves-2.0-response-page200.json.gz",
					     FIXTURES "nvd-cves-2.0-response-CVE-2023-0001.json",
					     FIXTURES "CVE-2023-3519.nvd-cve-2.0.json" };
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		json_t *root = load_gz(files[f]), *v = json_object_get(root, "vulnerabilities"), *it;
		size_t i;

		if (json_is_array(v)) {
			json_array_foreach(v, i, it)
				add_template(it);
		} else if (json_object_get(root, "id")) {
			json_t *wrap = json_pack("{sO}", "cve", root);
			add_template(wrap);
			json_decref(wrap);
		}
		json_decref(root);
	}
}

/* The dump: pages of PAGE records, written plain and gzipped at once. */
static void generate(const char *plain, const char *gzpath, size_t n)
{
	FILE *f = fopen(plain, "w");
	gzFile gz = gzopen(gzpath, "wb6");
	kc_buf b;

	if (!f || !gz)
		die("cannot write the dump in /tmp", NULL);
	kc_buf_init(&b, 1u << 30);
	for (size_t i = 0; i < n; i++) {
		const struct tmpl *t = &tmpls[i % ntmpl];

		if (i % PAGE == 0)
			kc_buf_addf(&b,
				    "{\"resultsPerPage\":%zu,\"startIndex\":%zu,\"totalResults\":%zu,"
				    "\"format\":\"NVD_CVE\",\"version\":\"2.0\","
				    "\"timestamp\":\"2026-11-29T06:00:00.000\",\"vulnerabilities\":[\n",
				    n - i < PAGE ? n - i : PAGE, i, n);
		kc_buf_addf(&b, "%s\"CVE-2099-%07zu\"%s%s\n", t->pre, i, t->post,
			    (i + 1) % PAGE && i + 1 < n ? "," : "");
		if ((i + 1) % PAGE == 0 || i + 1 == n)
			kc_buf_adds(&b, "]}\n");
		if (b.len > (1u << 20) || i + 1 == n) {
			fwrite(b.ptr, 1, b.len, f);
			gzwrite(gz, b.ptr, (unsigned)b.len);
			kc_buf_clear(&b);
		}
	}
	kc_buf_release(&b);
	fclose(f);
	gzclose(gz);
}

/* ---- baseline: split and parse without storing ---- */

static size_t parsed;

static int parse_only(void *arg, size_t page, size_t index, uint64_t offset, const char *data,
		      size_t len)
{
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);

	(void)arg, (void)page, (void)index, (void)offset;
	if (j)
		parsed++;
	json_decref(j);
	return 0;
}

static int envelope_only(void *arg, size_t page, uint64_t offset, const char *data, size_t len)
{
	(void)arg, (void)page, (void)offset, (void)data, (void)len;
	return 0;
}

static double split_parse(const char *gzpath)
{
	kc_jsplit_cb cb = { parse_only, envelope_only, NULL };
	kc_jsplit *j = malloc(sizeof(*j));
	gzFile gz = gzopen(gzpath, "rb");
	char *chunk = malloc(1u << 16);
	double t = now();
	kc_err err;
	int n;

	kc_jsplit_init(j, &cb);
	gzbuffer(gz, 1u << 17);
	while ((n = gzread(gz, chunk, 1u << 16)) > 0)
		if (kc_jsplit_feed(j, chunk, (size_t)n, &err) < 0)
			die("split", &err);
	if (kc_jsplit_finish(j, &err) < 0)
		die("split", &err);
	t = now() - t;
	gzclose(gz);
	kc_jsplit_release(j);
	free(j);
	free(chunk);
	return t;
}

/* ---- products ---- */

/* A criterion of the samples: its text split into the 13 fields (kept
 * formatted), its bounds. */
struct scrit {
	char *field[13];
	char *si, *se, *ei, *ee;
};
static struct scrit *scrits;
static size_t nscrit;

static void collect_criteria(void)
{
	for (size_t t = 0; t < ntmpl; t++) {
		size_t cap = strlen(tmpls[t].pre) + strlen(tmpls[t].post) + 32;
		char *text = malloc(cap);
		json_t *item, *cfg, *node, *m;
		size_t ci, ni, mi;

		snprintf(text, cap, "%s\"CVE-2099-0000000\"%s", tmpls[t].pre, tmpls[t].post);
		item = json_loads(text, 0, NULL);
		free(text);
		json_array_foreach(json_object_get(json_object_get(item, "cve"), "configurations"), ci, cfg)
			json_array_foreach(json_object_get(cfg, "nodes"), ni, node)
				json_array_foreach(json_object_get(node, "cpeMatch"), mi, m)
		{
			const char *c = json_string_value(json_object_get(m, "criteria"));
			struct scrit s = { 0 };
			size_t nf = 0, start = 0, i;
			char *dup;

			if (!c || !json_is_true(json_object_get(m, "vulnerable")))
				continue;
			dup = strdup(c);
			for (i = 0;; i++) {
				if (dup[i] == '\\' && dup[i + 1]) {
					i++;
					continue;
				}
				if (dup[i] == ':' || !dup[i]) {
					if (nf < 13)
						s.field[nf++] = strndup(dup + start, i - start);
					start = i + 1;
					if (!dup[i])
						break;
				}
			}
			free(dup);
			if (nf != 13 || !strcmp(s.field[3], "*") || !strcmp(s.field[4], "*"))
				continue;
#define B(f, k) s.f = json_string_value(json_object_get(m, k)) ? strdup(json_string_value(json_object_get(m, k))) : NULL
			B(si, "versionStartIncluding");
			B(se, "versionStartExcluding");
			B(ei, "versionEndIncluding");
			B(ee, "versionEndExcluding");
#undef B
			scrits = realloc(scrits, (nscrit + 1) * sizeof(*scrits));
			scrits[nscrit++] = s;
		}
		json_decref(item);
	}
}

/* A version for a product under criterion c: kind 0 inside, 1 outside,
 * 2 uncertain. NULL: unknown ("*"). */
static void pick_version(const struct scrit *c, int kind, char *out, size_t size)
{
	const char *v = c->field[5];
	int literal = strcmp(v, "*") && strcmp(v, "-");

	if (kind == 2) {
		if (next() & 1)
			snprintf(out, size, "*");
		else
			snprintf(out, size, "build-%u", (unsigned)(next() % 1000));
		return;
	}
	if (kind == 0) {
		if (literal)
			snprintf(out, size, "%s", v);
		else if (c->si)
			snprintf(out, size, "%s", c->si);
		else if (c->ei)
			snprintf(out, size, "%s", c->ei);
		else if (c->ee && c->ee[0] != '0')
			snprintf(out, size, "0.1");
		else
			snprintf(out, size, "1.0");
		return;
	}
	if (literal)
		snprintf(out, size, "%s.99", v);
	else if (c->ee)
		snprintf(out, size, "%s", c->ee);
	else if (c->ei)
		snprintf(out, size, "%s.99", c->ei);
	else if (c->se)
		snprintf(out, size, "%s", c->se);
	else
		snprintf(out, size, "0.0.0.1");
}

static size_t declare_products(kc_store *st)
{
	int64_t *orgs = NULL;
	size_t norgs = 0, declared = 0;
	kc_stmt *s;
	kc_err err;

	rng = BENCH_SEED; /* the same products on every engine */
	if (kc_store_query(st, &err, &s, "SELECT id FROM org WHERE kind = 'municipality' ORDER BY id", ""))
		die("orgs", &err);
	while (kc_stmt_step(s, &err) == KC_ROW) {
		orgs = realloc(orgs, (norgs + 1) * sizeof(*orgs));
		orgs[norgs++] = kc_stmt_int(s, 0);
	}
	kc_stmt_finalize(s);
	for (size_t o = 0; o < norgs; o++) {
		size_t want = 4 + next() % 5;

		for (size_t k = 0; k < want; k++) {
			const struct scrit *c = &scrits[next() % nscrit];
			int r = (int)(next() % 100), kind = r < 45 ? 0 : r < 80 ? 1 : 2;
			char ver[256], cpe[1100];

			pick_version(c, kind, ver, sizeof(ver));
			snprintf(cpe, sizeof(cpe), "cpe:2.3:%s:%s:%s:%s:*:*:*:*:*:*:*", c->field[2],
				 c->field[3], c->field[4], ver);
			if (kc_org_product_declare(st, "bench", orgs[o], cpe, NULL, NULL, &err) == 0)
				declared++;
		}
	}
	free(orgs);
	printf("  %zu organisations, %zu declared products (drawn from %zu vulnerable criteria)\n", norgs,
	       declared, nscrit);
	return declared;
}

/* ---- matching ---- */

struct tally {
	size_t match, uncertain;
	kc_buf *sample; /* the exposures of the sample CVEs */
};

static int sampled(const char *cve)
{
	return strlen(cve) == 16 && strtoul(cve + 9, NULL, 10) % SAMPLE_STEP == 0;
}

static int on_exposure(const kc_exposure *e, void *arg)
{
	struct tally *t = arg;

	if (e->result == KC_CPE_MATCH)
		t->match++;
	else
		t->uncertain++;
	if (t->sample && e->cve && sampled(e->cve))
		kc_buf_addf(t->sample, "%s|%lld|%s|%s|%s\n", e->cve, (long long)e->org_id, e->product,
			    e->criterion, kc_cpe_match_name(e->result));
	return 0;
}

static void import_and_match(const char *label, const char *target, const char *gzpath, size_t n,
			     int baselines)
{
	kc_vuln_import *imp;
	kc_vuln_stats vs;
	kc_exposure_counts ec;
	struct tally all = { 0 }, per = { 0 };
	kc_buf sa, sp;
	kc_store *st;
	kc_err err;
	kc_seed_report sr;
	long rss0 = peak_rss_mb();
	double t, t_all, t_per, pairs;
	size_t sample_cves = 0, sample_crits = 0, naive_pairs = 0;

	if (kc_store_open(target, &st, &err) || kc_store_migrate(st, NULL, &err))
		die(target, &err);
	/* import */
	t = now();
	if (kc_vuln_import_new(st, "bench", NULL, NULL, &imp, &err) ||
	    kc_vuln_import_file(imp, gzpath, &err) || kc_vuln_import_finish(imp, &vs, &err))
		die("import", &err);
	t = now() - t;
	kc_vuln_import_free(imp);
	printf("  %-8s import   %10.0f CVEs/s   %6.2f s   %zu inserted, %zu skipped; peak RSS %ld MiB "
	       "(%ld MiB before)\n",
	       label, (double)vs.cve_inserted / t, t, vs.cve_inserted, vs.skipped, peak_rss_mb(), rss0);
	if (vs.cve_inserted != n)
		die("the import did not insert every CVE", NULL);
	if (kc_seed_registry(st, "bench", &sr, &err))
		die("seed", &err);
	declare_products(st);
	/* kc_exposure_all */
	kc_buf_init(&sa, 1u << 30);
	all.sample = &sa;
	t_all = now();
	if (kc_exposure_all(st, on_exposure, &all, &ec, &err))
		die("kc_exposure_all", &err);
	t_all = now() - t_all;
	pairs = (double)ec.products * (double)ec.criteria;
	printf("  %-8s matching %10.3g pairs/s  %6.3f s   %zu products x %zu vulnerable criteria; %zu may "
	       "concern a product run (%zu distinct), %zu CVEs, %zu kc_cpe_match calls (%.3g/s)\n",
	       label, pairs / t_all, t_all, ec.products, ec.criteria, ec.criteria_examined,
	       ec.criteria_distinct, ec.cves_examined, ec.comparisons, (double)ec.comparisons / t_all);
	printf("  %-8s          %zu exposures: %zu match, %zu uncertain\n", label, all.match + all.uncertain,
	       all.match, all.uncertain);
	/* baseline: CVE by CVE on the sample, which must agree */
	kc_buf_init(&sp, 1u << 30);
	per.sample = &sp;
	t_per = now();
	for (size_t i = 0; i < n; i += SAMPLE_STEP) {
		char id[32];
		snprintf(id, sizeof(id), "CVE-2099-%07zu", i);
		if (kc_exposure_for_cve(st, id, on_exposure, &per, &err))
			die(id, &err);
		sample_cves++;
	}
	t_per = now() - t_per;
	if (sa.len != sp.len || (sa.len && memcmp(sa.ptr, sp.ptr, sa.len)))
		die("kc_exposure_all and kc_exposure_for_cve disagree on the sample", NULL);
	printf("  %-8s baseline kc_exposure_for_cve CVE by CVE: %.3f s for %zu CVEs, %.1f s scaled to %zu; "
	       "the sample's %zu exposures agree\n",
	       label, t_per, sample_cves, t_per * (double)n / (double)sample_cves, n, per.match + per.uncertain);
	if (baselines) {
		/* baseline: the naive loop over every pair, on the sample's criteria */
		kc_stmt *s;
		kc_cpe *prods = NULL, crit;
		size_t np = 0, hits = 0;
		double tn;

		if (kc_store_query(st, &err, &s, "SELECT cpe FROM org_product ORDER BY id", ""))
			die("products", &err);
		while (kc_stmt_step(s, &err) == KC_ROW) {
			const char *c = kc_stmt_text(s, 0);
			prods = realloc(prods, (np + 1) * sizeof(*prods));
			if (kc_cpe_parse(c, strlen(c), &prods[np], NULL) == 0)
				np++;
		}
		kc_stmt_finalize(s);
		tn = now();
		if (kc_store_query(st, &err, &s,
				   "SELECT criterion, start_incl, start_excl, end_incl, end_excl FROM cpe_match "
				   "WHERE vulnerable = 1 AND negate = 0 AND cve_id LIKE 'CVE-2099-%00' ORDER BY id",
				   ""))
			die("criteria", &err);
		while (kc_stmt_step(s, &err) == KC_ROW) {
			const char *c = kc_stmt_text(s, 0);
			kc_cpe_range r = { kc_stmt_text(s, 1), kc_stmt_text(s, 2), kc_stmt_text(s, 3),
					   kc_stmt_text(s, 4) };
			if (kc_cpe_parse(c, strlen(c), &crit, NULL) < 0)
				continue;
			sample_crits++;
			for (size_t k = 0; k < np; k++, naive_pairs++)
				hits += kc_cpe_match(&crit, &r, &prods[k]) != KC_CPE_NO_MATCH;
		}
		kc_stmt_finalize(s);
		tn = now() - tn;
		printf("  %-8s baseline naive loop: %zu criteria x %zu products in %.3f s (%.3g pairs/s), "
		       "%.1f s scaled to all criteria; %zu hits\n",
		       label, sample_crits, np, tn, (double)naive_pairs / tn,
		       tn * (double)ec.criteria / (double)(sample_crits ? sample_crits : 1), hits);
		free(prods);
	}
	kc_buf_release(&sa);
	kc_buf_release(&sp);
	kc_store_close(st);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t pg_n = argc > 2 ? strtoul(argv[2], NULL, 10) : n;
	const char *pg = getenv("KCERT_BENCH_PG");
	char plain[96], gzpath[96], db[96], cmd[300];
	double t;
	long sz = 0;
	FILE *f;

	snprintf(plain, sizeof(plain), "/tmp/kcert-bench-vuln-%d.json", (int)getpid());
	snprintf(gzpath, sizeof(gzpath), "/tmp/kcert-bench-vuln-%d.json.gz", (int)getpid());
	snprintf(db, sizeof(db), "/tmp/kcert-bench-vuln-%d.db", (int)getpid());
	load_templates();
	collect_criteria();
	t = now();
	generate(plain, gzpath, n);
	t = now() - t;
	if ((f = fopen(plain, "r"))) {
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		fclose(f);
	}
	printf("bench/vuln: %zu CVEs (from %zu sample records, pages of %d), %.0f MB of JSON, generated in "
	       "%.1f s\n",
	       n, ntmpl, PAGE, (double)sz / 1e6, t);
	snprintf(cmd, sizeof(cmd), "gzip -dc %s > /dev/null", gzpath);
	run_cmd(cmd); /* warm the page cache */
	t = run_cmd(cmd);
	printf("  baseline gzip -dc          %10.0f CVEs/s   %6.2f s\n", (double)n / t, t);
	t = split_parse(gzpath);
	printf("  baseline split + jansson   %10.0f CVEs/s   %6.2f s   (%zu records parsed, not stored)\n",
	       (double)parsed / t, t, parsed);
	import_and_match("sqlite", db, gzpath, n, 1);
	if (pg && *pg) {
		if (pg_n != n) {
			unlink(gzpath);
			generate(plain, gzpath, pg_n);
		}
		import_and_match("postgres", pg, gzpath, pg_n, 0);
	}
	unlink(plain);
	unlink(gzpath);
	unlink(db);
	snprintf(cmd, sizeof(cmd), "rm -f %s-wal %s-shm", db, db);
	run_cmd(cmd);
	return 0;
}
