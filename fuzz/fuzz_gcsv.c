/*
 * fuzz_gcsv.c - libFuzzer harness for generic CSV ingestion (src/feed/gcsv.c):
 * the input is a mapping file and a CSV file separated by a line "--" (without
 * one, the whole input is the CSV under one of three fixed mappings), read into
 * a real, seeded in-memory store with a few registered ranges. Invariants:
 * every data line is accounted for exactly once (a new event, a merged
 * duplicate, unattributed, or quarantined), and the transaction is always
 * ended.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed/ingest.h"
#include "store/store.h"
#include "fuzz_store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_store *st;
static kc_registry *reg;
static char path[64], map[64];

static const char *const mappings[] = {
	"column.source.ip = ip\ncolumn.source.port = port\ncolumn.source.fqdn = host\ncolumn.time.source = time\n"
	"column.source.asn = asn\nclassification = other/other/fuzz\n",
	"header = no\ndelimiter = ;\ncolumn.source.url = 2\ncolumn.time.source = 1\ntime.format = epoch\n"
	"classification = fraud/phishing\ncolumn.classification.identifier = 3\ntlp = red\n",
	"header = no\ndelimiter = tab\ncolumn.source.ip = 1\ncolumn.source.fqdn = 2\nclassification = a/b/c\nfeed = f\n",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_store_open(&st, &reg);
	snprintf(path, sizeof(path), "/tmp/kcert-fuzz-gcsv.%d.csv", (int)getpid());
	snprintf(map, sizeof(map), "/tmp/kcert-fuzz-gcsv.%d.map", (int)getpid());
	return 0;
}

static int write_file(const char *p, const void *d, size_t n)
{
	FILE *f = fopen(p, "wb");

	if (!f)
		return -1;
	fwrite(d, 1, n, f);
	fclose(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_ingest_opts o = { .keep_unattributed = (int)(size & 1), .mapping = map };
	const uint8_t *sep = size >= 4 ? memmem(data, size, "\n--\n", 4) : NULL;
	kc_ingest_report rep;
	kc_err err;
	int rc;

	if (size > 65536)
		return 0;
	if (sep) {
		if (write_file(map, data, (size_t)(sep - data) + 1) ||
		    write_file(path, sep + 4, size - (size_t)(sep + 4 - data)))
			return 0;
	} else {
		const char *m = mappings[size % 3];

		if (write_file(map, m, strlen(m)) || write_file(path, data, size))
			return 0;
	}
	rc = kc_ingest_csv(st, reg, path, &o, &rep, &err);
	if (rc == 0 && !rep.already &&
	    rep.events + rep.duplicates + rep.quarantined + (o.keep_unattributed ? 0 : rep.unattributed) != rep.lines)
		abort();
	if (st->in_tx)
		abort(); /* every path ends its transaction */
	kc_store_exec(st, NULL, NULL, "DELETE FROM event", "");
	kc_store_exec(st, NULL, NULL, "DELETE FROM ingest_file", "");
	unlink(path);
	unlink(map);
	return 0;
}
