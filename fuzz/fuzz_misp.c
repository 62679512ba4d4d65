/*
 * fuzz_misp.c - libFuzzer harness for MISP ingestion (src/feed/misp.c): the
 * input as MISP event JSON into a real, seeded in-memory store with a few
 * registered ranges. Invariants: every attribute read is accounted for
 * exactly once (a new event, a merged duplicate, unattributed, or
 * quarantined), and the transaction is always ended.
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
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_store_open(&st, &reg);
	snprintf(path, sizeof(path), "/tmp/kcert-fuzz-misp.%d.json", (int)getpid());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_ingest_opts o = { .keep_unattributed = (int)(size & 1) };
	kc_ingest_report rep;
	kc_err err;
	FILE *f;
	int rc;

	if (size > 65536)
		return 0;
	if (size & 2) {
		o.taxonomy = "other";
		o.type = "other";
		o.identifier = "fuzz";
	}
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	rc = kc_ingest_misp(st, reg, path, &o, &rep, &err);
	if (rc == 0 && !rep.already &&
	    rep.events + rep.duplicates + rep.quarantined + (o.keep_unattributed ? 0 : rep.unattributed) != rep.lines)
		abort();
	if (st->in_tx)
		abort(); /* every path ends its transaction */
	kc_store_exec(st, NULL, NULL, "DELETE FROM event", "");
	kc_store_exec(st, NULL, NULL, "DELETE FROM ingest_file", "");
	unlink(path);
	return 0;
}
