/*
 * picture.c - benchmark: the situational picture with 1 million events and
 * 10,000 cases in the store. Times one dashboard render (what /situation
 * computes and draws: kc_situation_get, the 30-day trend, open cases by
 * classification, and from the situation's event window the exposed
 * services and events per municipality, and the map
 * and chart SVG) and one weekly report (PDF), beside a baseline measured in
 * the same run: SELECT count(*) over the events.
 *
 *   build/bench/picture [store]     (default: a new SQLite file in /tmp)
 *
 * A store given as the argument is kept, and filled only when it does not
 * already hold the bench's events: run again on it to measure again, or
 * open it with sqlite3 / psql to time single queries.
 *
 * Events are spread over 365 days (a year of daily feed reports), over the
 * 357 municipalities, among 12 types; 100,000 findings over 90 days, 3,000
 * organisation products and 2,000 KEV entries (one in 40 naming a product
 * that organisations run). The dashboard also counts findings, the exposed
 * checks and products, the KEV entries affecting constituents and the map
 * by rating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "base/time.h"
#include "org/seed.h"
#include "picture/chart.h"
#include "picture/map.h"
#include "picture/report.h"
#include "picture/scanpic.h"
#include "picture/situation.h"
#include "picture/trend.h"
#include "picture/window.h"
#include "store/store.h"

#define EVENTS 1000000
#define CASES 10000
#define FINDINGS 100000
#define PRODUCTS 3000
#define KEVS 2000

static void die(const char *what, const kc_err *err)
{
	fprintf(stderr, "bench/picture: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

static void fill(kc_store *st)
{
	static const char *const ids[] = { "open-rdp", "open-smb", "open-telnet", "open-vnc", "accessible-http",
					   "open-mysql", "avalanche-andromeda", "brute-force", "ssl-poodle",
					   "blacklisted-ip", "open-redis", "open-snmp" };
	static const char *const sev[] = { "lav", "moderat", "alvorlig", "kritisk" };
	static const char *const status[] = { "reported", "triage", "handling", "recovery", "closed", "closed" };
	int64_t orgs[400];
	size_t norgs = 0;
	kc_stmt *s;
	kc_err err;
	time_t t0 = kc_now();

	if (kc_store_query(st, &err, &s, "SELECT id FROM org WHERE kind = 'municipality' ORDER BY id", ""))
		die("orgs", &err);
	while (kc_stmt_step(s, &err) == KC_ROW && norgs < 400)
		orgs[norgs++] = kc_stmt_int(s, 0);
	kc_stmt_finalize(s);
	if (kc_store_begin(st, &err))
		die("begin", &err);
	for (int i = 0; i < EVENTS; i++) {
		char ts[KC_TIME_STRLEN], key[64], ip[32];
		uint64_t r = next();
		const char *id = ids[r % 12];

		kc_time_iso(t0 - (time_t)((r >> 8) % (365 * 86400)), ts);
		snprintf(key, sizeof(key), "bench|%d", i);
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", (int)(r >> 20) & 255, (int)(r >> 28) & 255, (int)(r >> 36) & 255);
		if (kc_store_exec(st, &err, NULL,
				  "INSERT INTO event (org_id, feed_name, report, taxonomy, type, identifier, source_ip, "
				  "time_source, time_last, time_observation, dedup_key) VALUES (?, 'bench', 'bench', "
				  "'vulnerable', 'vulnerable-system', ?, ?, ?, ?, ?, ?)",
				  "ittttt" "t", orgs[(r >> 40) % norgs], id, ip, ts, ts, ts, key))
			die("event", &err);
	}
	for (int i = 0; i < CASES; i++) {
		char ts[KC_TIME_STRLEN];
		uint64_t r = next();

		kc_time_iso(t0 - (time_t)((r >> 8) % (365 * 86400)), ts);
		if (kc_store_exec(st, &err, NULL,
				  "INSERT INTO incident_case (title, status, severity, taxonomy, tlp, org_id, channel, "
				  "first_response_due, created_at, updated_at) VALUES ('bench', ?, ?, 'intrusions', 'AMBER', ?, "
				  "'cli', ?, ?, ?)",
				  "ttittt", status[r % 6], sev[(r >> 4) % 4], orgs[(r >> 40) % norgs], ts, ts, ts))
			die("case", &err);
	}
	/* 100,000 findings (a quarter fixed, some accepted), 3,000 org
	 * products over 30 vendor:product pairs, 2,000 KEV entries with an NVD
	 * record and one vulnerable criterion each. */
	for (int i = 0; i < FINDINGS; i++) {
		static const char *const chk[] = { "service.rdp", "service.smb", "tls.expiry", "tls.protocol", "mail.dmarc",
						   "mail.spf", "http.hsts", "http.securitytxt" };
		static const char *const fsev[] = { "high", "high", "high", "medium", "medium", "low", "low", "info" };
		static const char *const fst[] = { "open", "open", "open", "fixed", "accepted", "open", "open", "open" };
		char ts[KC_TIME_STRLEN], tgt[64];
		uint64_t r = next();

		kc_time_iso(t0 - (time_t)((r >> 8) % (90 * 86400)), ts);
		snprintf(tgt, sizeof(tgt), "10.%d.%d.%d", (int)(i >> 16) & 255, (int)(i >> 8) & 255, i & 255);
		if (kc_store_exec(st, &err, NULL,
				  "INSERT INTO finding (org_id, check_id, family, target, port, severity, title, status, "
				  "first_seen, last_seen) VALUES (?, ?, 'service', ?, 0, ?, 'bench', ?, ?, ?)",
				  "itttttt", orgs[(r >> 40) % norgs], chk[r % 8], tgt, fsev[r % 8], fst[(r >> 3) % 8], ts, ts))
			die("finding", &err);
	}
	for (int i = 0; i < PRODUCTS; i++) {
		char cpe[128], vendor[32], product[32];
		uint64_t r = next();

		snprintf(vendor, sizeof(vendor), "vendor%d", (int)(r % 30));
		snprintf(product, sizeof(product), "product%d", (int)(r % 30));
		snprintf(cpe, sizeof(cpe), "cpe:2.3:a:%s:%s:%d.%d:*:*:*:*:*:*:*", vendor, product, (int)(r >> 8) % 5,
			 (int)(r >> 16) % 10);
		if (kc_store_exec(st, &err, NULL,
				  "INSERT INTO org_product (org_id, cpe, vendor, product, source, confidence, first_seen, "
				  "last_seen) VALUES (?, ?, ?, ?, 'declared', 100, ?, ?) ON CONFLICT DO NOTHING",
				  "itttt" "t", orgs[(r >> 40) % norgs], cpe, vendor, product, "2026-01-01T00:00:00Z",
				  "2026-01-01T00:00:00Z"))
			die("product", &err);
	}
	for (int i = 0; i < KEVS; i++) {
		char cve[32], crit[128], vendor[32], product[32];

		snprintf(cve, sizeof(cve), "CVE-2024-%05d", i);
		/* Most name vendors nobody runs; one in 40 names a pair the products have. */
		snprintf(vendor, sizeof(vendor), i % 40 ? "other%d" : "vendor%d", i % 30);
		snprintf(product, sizeof(product), i % 40 ? "other%d" : "product%d", i % 30);
		snprintf(crit, sizeof(crit), "cpe:2.3:a:%s:%s:*:*:*:*:*:*:*:*", vendor, product);
		if (kc_store_exec(st, &err, NULL,
				  "INSERT INTO cve (id, published, modified, digest, imported_at) VALUES (?, '2024-01-01', "
				  "'2024-01-01', 'bench', '2026-01-01T00:00:00Z')",
				  "t", cve) ||
		    kc_store_exec(st, &err, NULL,
				  "INSERT INTO kev (cve_id, vendor, product, name, date_added, digest, imported_at) VALUES "
				  "(?, ?, ?, 'bench', '2024-01-01', 'bench', '2026-01-01T00:00:00Z')",
				  "ttt", cve, vendor, product) ||
		    kc_store_exec(st, &err, NULL,
				  "INSERT INTO cpe_match (cve_id, config, node, vulnerable, criterion, vendor, product, "
				  "end_excl) VALUES (?, 0, 0, 1, ?, ?, ?, '3.0')",
				  "tttt", cve, crit, vendor, product))
			die("kev", &err);
	}
	if (kc_store_commit(st, &err))
		die("commit", &err);
}

static void dashboard(kc_store *st, kc_buf *b)
{
	kc_situation s;
	kc_trend t;
	kc_situation_count *c = NULL;
	kc_exposed *x = NULL;
	kc_map_cell *cells = NULL;
	size_t n = 0, nx = 0, nc = 0;
	kc_map_opts mo = { .id = "map", .title = "t", .desc = "d", .value_label = "v" };
	kc_chart_text ct = { .id = "trend", .title = "t", .desc = "d", .own_label = "o", .day_label = "d" };
	kc_err err;

	kc_buf_clear(b);
	if (kc_situation_get(st, 0, &s, &err) || kc_trend_daily(st, 0, 30, 0, &t, &err) ||
	    kc_trend_case_classes(st, 0, &c, &n, &err) || kc_event_window_exposed(s.window, 30, 15, &x, &nx, &err) ||
	    kc_event_window_map(s.window, &cells, &nc, &err) ||
	    kc_map_svg(b, &mo, kc_map_events_legend(KC_LANG_NB), cells, nc, &err))
		die("dashboard", &err);
	kc_chart_daily_svg(b, &ct, &t);
	{
		kc_pic_findings f;
		kc_pic_count *pc = NULL, *pp = NULL;
		kc_pic_kev *k = NULL;
		size_t npc = 0, npp = 0, nk = 0;

		free(cells);
		cells = NULL;
		if (kc_pic_findings_scan(st, 0, 15, &f, &pc, &npc, &err) ||
		    kc_pic_top_products(st, 0, 15, &pp, &npp, &err) || kc_pic_kev_affected(st, 0, &k, &nk, &err) ||
		    kc_trend_map_ratings(st, &cells, &nc, &err) ||
		    kc_map_svg(b, &mo, kc_map_rating_legend(KC_LANG_NB), cells, nc, &err))
			die("dashboard (findings)", &err);
		free(pc);
		free(pp);
		free(k);
	}
	kc_situation_release(&s);
	free(c);
	free(x);
	free(cells);
}

int main(int argc, char **argv)
{
	char path[256];
	kc_store *st;
	kc_err err;
	kc_buf b;
	int64_t cnt;
	double t0, base = 1e9, dash = 1e9, rep = 1e9, mun = 1e9;

	snprintf(path, sizeof(path), "%s", argc > 1 ? argv[1] : "/tmp/kcert-bench-picture.db");
	if (argc < 2)
		unlink(path);
	if (kc_store_open(path, &st, &err) || kc_store_migrate(st, NULL, &err))
		die("open", &err);
	/* A store given again (kept from an earlier run, for EXPLAIN and
	 * sqlite3/psql timings) is measured as it is. */
	if (kc_store_scalar_int(st, &err, &cnt, "SELECT count(*) FROM event WHERE feed_name = 'bench'", ""))
		die("count", &err);
	if (cnt < EVENTS) {
		kc_seed_report r;

		if (kc_seed_registry(st, "bench", &r, &err))
			die("seed", &err);
		t0 = now();
		fill(st);
		printf("fill: %d events, %d cases, %d findings in %.1f s (%s)\n", EVENTS, CASES, FINDINGS, now() - t0, kc_store_engine(st));
	} else {
		printf("kept store: %lld bench events (%s)\n", (long long)cnt, kc_store_engine(st));
	}
	kc_buf_init(&b, 64u << 20);
	for (int i = 0; i < 5; i++) {
		kc_report_opts o = { KC_REPORT_WEEK, KC_REPORT_PDF, KC_TLP_GREEN, KC_LANG_NB };
		kc_trend t;
		double d;

		t0 = now();
		if (kc_store_scalar_int(st, &err, &cnt, "SELECT count(*) FROM event", ""))
			die("count", &err);
		if ((d = now() - t0) < base)
			base = d;
		t0 = now();
		dashboard(st, &b);
		if ((d = now() - t0) < dash)
			dash = d;
		t0 = now();
		if (kc_trend_daily(st, 1, 30, 1, &t, &err))
			die("municipality", &err);
		if ((d = now() - t0) < mun)
			mun = d;
		kc_buf_clear(&b);
		t0 = now();
		if (kc_report_situation(st, &o, &b, &err))
			die("report", &err);
		if ((d = now() - t0) < rep)
			rep = d;
	}
	printf("baseline SELECT count(*) FROM event (%lld rows): %.1f ms\n", (long long)cnt, base * 1e3);
	printf("dashboard render (national, map and charts):      %.1f ms (target < 100 ms)\n", dash * 1e3);
	printf("municipality trend with the national median:      %.1f ms\n", mun * 1e3);
	printf("weekly report (PDF, %zu bytes):                   %.1f ms (target < 2000 ms)\n", b.len, rep * 1e3);
	kc_buf_release(&b);
	kc_store_close(st);
	return 0;
}
