/*
 * bench/ingest.c - events per second of Shadowserver ingestion.
 *
 * Generates a scan_rdp-shaped report (ROWS lines, default 5,000,000, about
 * 1 GB, in /tmp) whose addresses fall in 50,000 registered prefixes (and a
 * share outside them), then measures in the same run:
 *   - the I/O floor: `wc -l` and `cat > /dev/null` on the file;
 *   - parse + classify + attribute without the store (kc_ingest_file, dry run);
 *   - the full ingest into a SQLite store, on the first FULL_ROWS lines
 *     (default 500,000), with peak RSS.
 *
 *   make build/bench/ingest && build/bench/ingest [ROWS] [FULL_ROWS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/ip.h"
#include "feed/ingest.h"
#include "org/asset.h"
#include "org/org.h"
#include "org/seed.h"
#include "store/store.h"
#define BENCH_SEED 0x2545f4914f6cdd1dULL
#include "bench.h"

static double run_cmd(const char *cmd)
{
	double t = now();

	if (system(cmd) != 0)
		fprintf(stderr, "bench/ingest: '%s' failed\n", cmd);
	return now() - t;
}

static long peak_rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

int main(int argc, char **argv)
{
	size_t rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000000;
	size_t full_rows = argc > 2 ? strtoul(argv[2], NULL, 10) : 500000;
	char big[64], part[64], db[64], cmd[256];
	uint32_t *nets = malloc(50000 * sizeof(*nets));
	kc_ingest_report rep;
	kc_registry *reg;
	kc_store *st;
	kc_err err;
	kc_org_new iks = { .kind = "iks", .name = "Bench IKS" };
	int64_t id;
	double t, wc_rate = 1;
	FILE *f;

	snprintf(big, sizeof(big), "/tmp/kcert-bench-%d-scan_rdp.csv", (int)getpid());
	snprintf(part, sizeof(part), "/tmp/kcert-bench-%d-part-scan_rdp.csv", (int)getpid());
	snprintf(db, sizeof(db), "/tmp/kcert-bench-%d.db", (int)getpid());
	/* 50,000 registered /24s in 10.0.0.0/8 (half the lines fall in them). */
	if (kc_store_open(db, &st, &err) || kc_store_migrate(st, NULL, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	{
		kc_seed_report sr;

		if (kc_seed_registry(st, "bench", &sr, &err) || kc_org_add(st, "bench", &iks, &id, &err))
			return 1;
	}
	kc_store_begin(st, &err);
	for (size_t i = 0; i < 50000; i++) {
		char v[32];

		nets[i] = 0x0a000000u | (uint32_t)(i * 3 % 65536) << 8;
		snprintf(v, sizeof(v), "10.%u.%u.0/24", (nets[i] >> 16) & 255, (nets[i] >> 8) & 255);
		kc_store_exec(st, &err, NULL,
			      "INSERT INTO asset (org_id, kind, value, source, created_at) VALUES (?, 'cidr', ?, 'bench', 'x') "
			      "ON CONFLICT DO NOTHING",
			      "it", id, v);
	}
	kc_store_commit(st, &err);
	if (kc_registry_load(st, &reg, &err))
		return 1;
	/* The report (KCERT_BENCH_KEEP=1 keeps it in /tmp for the next run). */
	if (getenv("KCERT_BENCH_KEEP")) {
		snprintf(big, sizeof(big), "/tmp/kcert-bench-%zu-scan_rdp.csv", rows);
		snprintf(part, sizeof(part), "/tmp/kcert-bench-%zu-%zu-part-scan_rdp.csv", rows, full_rows);
	}
	f = access(big, R_OK) == 0 ? NULL : fopen(big, "w");
	if (!f)
		goto generated;
	fputs("\"timestamp\",\"ip\",\"port\",\"hostname\",\"tag\",\"handshake\",\"asn\",\"geo\",\"region\",\"city\","
	      "\"rdp_protocol\",\"cert_length\",\"subject_common_name\",\"issuer_common_name\",\"naics\",\"sic\",\"sector\"\n",
	      f);
	for (size_t i = 0; i < rows; i++) {
		uint32_t a = (next() & 1) ? nets[next() % 50000] | (uint32_t)(next() & 255) : (uint32_t)next();

		fprintf(f, "\"2026-11-27 %02u:%02u:%02u\",%u.%u.%u.%u,3389,host%zu.example.no,rdp,,%u,NO,VESTLAND,BERGEN,"
			   "\"RDP,SSL\",2048,\"host%zu.example.no\",\"Example CA\",0,0,\"Government\"\n",
			(unsigned)(i / 3600 % 24), (unsigned)(i / 60 % 60), (unsigned)(i % 60), a >> 24, (a >> 16) & 255,
			(a >> 8) & 255, a & 255, i, 64500 + (unsigned)(i % 100), i);
	}
	fclose(f);
generated:
	snprintf(cmd, sizeof(cmd), "head -n %zu %s > %s", full_rows + 1, big, part);
	run_cmd(cmd);
	printf("bench/ingest: %zu rows (%.0f MB), 50,000 registered /24s\n", rows,
	       (double)(rows * 150) / 1e6);
	snprintf(cmd, sizeof(cmd), "cat %s > /dev/null", big);
	run_cmd(cmd); /* warm the page cache */
	snprintf(cmd, sizeof(cmd), "wc -l %s > /dev/null", big);
	t = run_cmd(cmd);
	wc_rate = (double)rows / t;
	printf("  floor  wc -l                 %10.0f lines/s   (%.2f s)\n", wc_rate, t);
	snprintf(cmd, sizeof(cmd), "cat %s > /dev/null", big);
	t = run_cmd(cmd);
	printf("  floor  cat > /dev/null       %10.0f lines/s   (%.2f s)\n", (double)rows / t, t);
	{
		kc_ingest_opts o = { .report = "scan_rdp", .dry_run = 1 };

		t = now();
		if (kc_ingest_file(st, reg, big, &o, &rep, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		t = now() - t;
		printf("  parse + classify + attribute %10.0f events/s  (%.2f s, %zu attributed, %zu not; %.3f of wc -l)\n",
		       (double)rep.lines / t, t, rep.events, rep.unattributed, (double)rep.lines / t / wc_rate);
	}
	{
		kc_ingest_opts o = { .report = "scan_rdp" };

		t = now();
		if (kc_ingest_file(st, reg, part, &o, &rep, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		t = now() - t;
		printf("  full ingest into SQLite      %10.0f lines/s   (%zu lines in %.2f s: %zu events, %zu merged, %zu unattributed)\n",
		       (double)rep.lines / t, rep.lines, t, rep.events, rep.duplicates, rep.unattributed);
	}
	printf("  peak RSS %ld MB\n", peak_rss_mb());
	/* The same full ingest into PostgreSQL, when a server is given
	 * (bench/pg.sh starts a throwaway one). */
	if (getenv("KCERT_BENCH_PG") && *getenv("KCERT_BENCH_PG")) {
		kc_ingest_opts o = { .report = "scan_rdp" };
		kc_registry *preg = NULL;
		kc_store *pg;
		int64_t pid;

		if (kc_store_open(getenv("KCERT_BENCH_PG"), &pg, &err) || kc_store_migrate(pg, NULL, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		{
			kc_seed_report sr;

			if (kc_seed_registry(pg, "bench", &sr, &err) || kc_org_add(pg, "bench", &iks, &pid, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
		}
		kc_store_begin(pg, &err);
		for (size_t i = 0; i < 50000; i++) {
			char v[32];

			snprintf(v, sizeof(v), "10.%u.%u.0/24", (nets[i] >> 16) & 255, (nets[i] >> 8) & 255);
			kc_store_exec(pg, &err, NULL,
				      "INSERT INTO asset (org_id, kind, value, source, created_at) VALUES (?, 'cidr', ?, 'bench', 'x') "
				      "ON CONFLICT DO NOTHING",
				      "it", pid, v);
		}
		kc_store_commit(pg, &err);
		if (kc_registry_load(pg, &preg, &err))
			return 1;
		t = now();
		if (kc_ingest_file(pg, preg, part, &o, &rep, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		t = now() - t;
		printf("  full ingest into PostgreSQL  %10.0f lines/s   (%zu lines in %.2f s: %zu events, %zu merged, %zu unattributed)\n",
		       (double)rep.lines / t, rep.lines, t, rep.events, rep.duplicates, rep.unattributed);
		kc_registry_free(preg);
		kc_store_close(pg);
		printf("  peak RSS %ld MB (with a second registry loaded from PostgreSQL)\n", peak_rss_mb());
	}
	kc_registry_free(reg);
	kc_store_close(st);
	if (!getenv("KCERT_BENCH_KEEP")) {
		unlink(big);
		unlink(part);
	}
	unlink(db);
	snprintf(cmd, sizeof(cmd), "rm -f %s-wal %s-shm", db, db);
	run_cmd(cmd);
	free(nets);
	return 0;
}
