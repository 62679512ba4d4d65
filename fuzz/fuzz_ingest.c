/*
 * fuzz_ingest.c - libFuzzer harness for Shadowserver report ingestion
 * (src/feed/ingest.c) into a real, seeded in-memory store with a few
 * registered ranges, as a Shadowserver report or as a plain list (and
 * kc_refang on the raw bytes). Invariant: every data line is accounted for
 * exactly once (a new event, a merged duplicate, unattributed, or quarantined),
 * and every event's extra is a valid JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

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
	snprintf(path, sizeof(path), "/tmp/kcert-fuzz-ingest.%d.csv", (int)getpid());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const reports[] = { "scan_rdp", "event4_sinkhole_http", "blocklist", "scan_exchange" };
	kc_ingest_opts o = { .report = reports[size % 4], .keep_unattributed = (int)(size & 4),
			     .taxonomy = "other", .type = "blacklist", .identifier = "blacklisted-ip" };
	int list = (size & 8) != 0;
	kc_ingest_report rep;
	kc_err err;
	FILE *f;
	int rc;

	if (size > 65536)
		return 0;
	{
		char *copy = malloc(size + 1);

		if (!copy)
			return 0;
		memcpy(copy, data, size);
		copy[size] = '\0';
		kc_refang(copy);
		if (strlen(copy) > size)
			abort(); /* refanging never lengthens */
		free(copy);
	}
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	rc = list ? kc_ingest_list(st, reg, path, &o, &rep, &err) : kc_ingest_file(st, reg, path, &o, &rep, &err);
	if (rc == 0 && !rep.already &&
	    rep.events + rep.duplicates + rep.quarantined + (o.keep_unattributed ? 0 : rep.unattributed) != rep.lines)
		abort();
	if (st->in_tx)
		abort(); /* every path ends its transaction */
	{ /* extra is always valid JSON, whatever bytes the report held */
		kc_stmt *q;

		if (!kc_store_query(st, &err, &q, "SELECT extra FROM event", "")) {
			while (kc_stmt_step(q, &err) == KC_ROW) {
				json_t *j = json_loads(kc_stmt_text(q, 0), 0, NULL);

				if (!json_is_object(j))
					abort();
				json_decref(j);
			}
			kc_stmt_finalize(q);
		}
	}
	kc_store_exec(st, NULL, NULL, "DELETE FROM event", "");
	kc_store_exec(st, NULL, NULL, "DELETE FROM ingest_file", "");
	unlink(path);
	return 0;
}
