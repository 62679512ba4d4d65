/*
 * fuzz_stix.c - libFuzzer harness for STIX ingestion (src/feed/stix.c): the
 * input as a bundle into a real, seeded in-memory store with a few
 * registered ranges, and the same bytes as a bare pattern for the pattern
 * reader. Invariants: every value read is accounted for exactly once (a new
 * event, a merged duplicate, unattributed, or quarantined); the transaction
 * is always ended; a simple pattern yields values of the four kinds.
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
	snprintf(path, sizeof(path), "/tmp/kcert-fuzz-stix.%d.json", (int)getpid());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_ingest_opts o = { .keep_unattributed = (int)(size & 1) };
	kc_stix_values v = { 0 };
	kc_ingest_report rep;
	kc_err err;
	char *copy;
	FILE *f;
	int rc;

	if (size > 65536)
		return 0;
	if (size & 2) { /* sometimes the classification from the command line */
		o.taxonomy = "other";
		o.type = "other";
		o.identifier = "fuzz";
	}
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	rc = kc_stix_pattern_parse(copy, &v, &err);
	if (rc > KC_STIX_COMPLEX || (rc != 0 && v.n))
		abort();
	for (size_t i = 0; i < v.n; i++)
		if (!v.v[i].value || v.v[i].kind < KC_VALUE_IPV4 || v.v[i].kind > KC_VALUE_URL || v.v[i].kind == KC_VALUE_IP)
			abort();
	kc_stix_values_release(&v);
	free(copy);

	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	rc = kc_ingest_stix(st, reg, path, &o, &rep, &err);
	if (rc == 0 && !rep.already &&
	    rep.events + rep.duplicates + rep.quarantined + (o.keep_unattributed ? 0 : rep.unattributed) != rep.lines)
		abort();
	if (rc != 0 && rep.events + rep.duplicates && !rep.already) {
		int64_t n = -1;

		/* a failed file leaves nothing behind */
		if (kc_store_scalar_int(st, &err, &n, "SELECT count(*) FROM event", "") || n != 0)
			abort();
	}
	if (st->in_tx)
		abort(); /* every path ends its transaction */
	kc_store_exec(st, NULL, NULL, "DELETE FROM event", "");
	kc_store_exec(st, NULL, NULL, "DELETE FROM ingest_file", "");
	unlink(path);
	return 0;
}
