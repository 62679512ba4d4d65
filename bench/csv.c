/*
 * bench/csv.c - records/s and MB/s of the CSV reader, beside a naive reader
 * in the same run.
 *
 * Generates about 50 MB of a Shadowserver-like report in memory (deterministic
 * seed): a quoted header and rows shaped like scan_http_vulnerable (26 columns,
 * quoted and bare fields, empty fields, a quoted tag list with a comma, one row
 * in four with backslash-escaped quotes, one in eight with RFC 4180 doubled
 * quotes). kc_csv_next reads it from memory and through a stream (fmemopen, so
 * the 64 KiB chunking is on the path); the baseline is fgets plus a split on
 * every comma (no quote handling at all, so it is wrong on these rows, but it
 * is the floor a line-splitting loop gets). Best of PASSES passes each. A sum
 * of field lengths keeps the compiler from dropping the work.
 *
 *   make build/bench/csv && build/bench/csv [MEGABYTES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "base/kc.h"
#include "bench.h"

#define PASSES 5

static const char header[] =
    "\"timestamp\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\",\"region\",\"city\","
    "\"naics\",\"sic\",\"http\",\"http_code\",\"http_reason\",\"content_type\",\"connection\","
    "\"www_authenticate\",\"set_cookie\",\"server\",\"content_length\",\"transfer_encoding\",\"http_date\","
    "\"version\",\"build_date\",\"detail\"\n";

static int generate(kc_buf *b, size_t bytes, size_t *rows)
{
	static const char *const cities[] = {"Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø"};
	static const char *const servers[] = {"nginx/1.18.0", "Apache/2.4.41 (Ubuntu)", "TwistedWeb/19.7.0",
	                                      "Microsoft-IIS/10.0", "lighttpd/1.4.55"};
	int rc = kc_buf_adds(b, header);

	*rows = 0;
	while (!rc && b->len < bytes) {
		unsigned long long r = next();
		unsigned sec = (unsigned)(*rows % 86400);
		const char *auth = r % 4 == 0   ? "\"Basic realm=\\\"\\\"Router\\\"\\\"\""
		                   : r % 8 == 1 ? "\"Digest realm=\"\"admin\"\", qop=\"\"auth\"\"\""
		                                : "";

		rc = kc_buf_addf(b,
		                 "\"2024-05-01 %02u:%02u:%02u\",198.51.%u.%u,tcp,%u,node%llu.example.no,"
		                 "\"basic-auth,http\",%u,NO,%s,%s,0,0,HTTP/1.1,401,Unauthorized,"
		                 "\"text/html; charset=utf-8\",,%s,SESSION=%016llx%016llx,%s,%u,,"
		                 "\"Wed, 01 May 2024 %02u:%02u:%02u GMT\",,,%s\n",
		                 sec / 3600, sec / 60 % 60, sec % 60, (unsigned)(r >> 8 & 255),
		                 (unsigned)(r >> 16 & 255), r % 3 ? 80u : 8080u, r % 100000,
		                 64500u + (unsigned)(r >> 24 & 15), cities[(r >> 28) % 6],
		                 cities[(r >> 31) % 6], auth, (unsigned long long)next(), (unsigned long long)next(), servers[(r >> 34) % 5],
		                 (unsigned)(r >> 40 & 4095), sec / 3600, sec / 60 % 60, sec % 60,
		                 r % 5 == 0 ? "\"repositoryformatversion = 0;filemode = false\"" : "");
		(*rows)++;
	}
	return rc;
}

/* kc_csv_next over data; returns seconds, sets records and a checksum. */
static double run_csv(const kc_buf *b, int stream, size_t *records, unsigned long long *sum)
{
	kc_csv_record rec;
	kc_csv *c;
	kc_err err;
	FILE *f = NULL;
	double t0 = now();
	int rc;

	*records = 0;
	*sum = 0;
	if (stream) {
		f = fmemopen(b->ptr, b->len, "r");
		if (!f || kc_csv_open_file(&c, f, NULL, &err)) {
			fprintf(stderr, "bench/csv: cannot open the stream\n");
			exit(1);
		}
	} else if (kc_csv_open_mem(&c, b->ptr, b->len, NULL, &err)) {
		fprintf(stderr, "bench/csv: %s\n", err.msg);
		exit(1);
	}
	while ((rc = kc_csv_next(c, &rec, &err)) == 1) {
		(*records)++;
		for (size_t i = 0; i < rec.nfields; i++)
			*sum += rec.fields[i].len;
	}
	if (rc) {
		fprintf(stderr, "bench/csv: %s\n", err.msg);
		exit(1);
	}
	kc_csv_free(c);
	if (f)
		fclose(f);
	return now() - t0;
}

/* The baseline: fgets and a split on every comma. */
static double run_naive(const kc_buf *b, size_t *records, unsigned long long *sum)
{
	static char line[65536];
	const char *fields[1024];
	FILE *f = fmemopen(b->ptr, b->len, "r");
	double t0 = now();

	if (!f) {
		fprintf(stderr, "bench/csv: cannot open the stream\n");
		exit(1);
	}
	*records = 0;
	*sum = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t n = 0;
		char *p = line, *e;

		for (;;) {
			fields[n] = p;
			e = strchr(p, ',');
			if (!e || n == 1023)
				break;
			*e = '\0';
			*sum += (size_t)(e - p);
			n++;
			p = e + 1;
		}
		*sum += strlen(fields[n]);
		(*records)++;
	}
	fclose(f);
	return now() - t0;
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 50, rows, recs[3];
	unsigned long long sums[3];
	double best[3] = {1e30, 1e30, 1e30};
	kc_buf b;

	kc_buf_init(&b, (mb + 1) << 20);
	if (!mb || generate(&b, mb << 20, &rows)) {
		fprintf(stderr, "usage: bench/csv [MEGABYTES]\n");
		return 1;
	}
	for (int p = 0; p < PASSES; p++) {
		for (int k = 0; k < 3; k++) {
			double t =
			    k == 2 ? run_naive(&b, &recs[k], &sums[k]) : run_csv(&b, k, &recs[k], &sums[k]);

			if (t < best[k])
				best[k] = t;
		}
	}
	printf("bench/csv: %.1f MB Shadowserver-like report, %zu rows + header, 26 columns\n",
	       (double)b.len / 1e6, rows);
	printf("  kc_csv_next from memory  %10.0f records/s  %7.1f MB/s  (best of %d passes)\n",
	       (double)recs[0] / best[0], (double)b.len / 1e6 / best[0], PASSES);
	printf("  kc_csv_next from stream  %10.0f records/s  %7.1f MB/s\n", (double)recs[1] / best[1],
	       (double)b.len / 1e6 / best[1]);
	printf("  baseline fgets + split   %10.0f records/s  %7.1f MB/s  (no quote handling)\n",
	       (double)recs[2] / best[2], (double)b.len / 1e6 / best[2]);
	printf("  records %zu / %zu / %zu; field bytes %llu / %llu / %llu\n", recs[0], recs[1], recs[2],
	       sums[0], sums[1], sums[2]);
	if (recs[0] != rows + 1 || recs[1] != recs[0] || sums[1] != sums[0]) {
		fprintf(stderr, "bench/csv: memory and stream readings differ\n");
		return 1;
	}
	kc_buf_release(&b);
	return 0;
}
