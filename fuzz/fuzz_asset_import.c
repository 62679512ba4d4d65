/*
 * fuzz_asset_import.c - libFuzzer harness for asset import (CSV and JSON,
 * src/org/asset.c) against a real, seeded in-memory store. The asset and
 * org_product (kind product) tables are emptied after each input, so inputs
 * do not see each other.
 * Invariants: a failed import (without --skip-bad) leaves the asset table as
 * it was; a successful one adds exactly what it reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "org/asset.h"
#include "org/seed.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_store *st;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	kc_seed_report rep;
	kc_err err;

	(void)argc;
	(void)argv;
	if (kc_store_open(":memory:", &st, &err) || kc_store_migrate(st, NULL, &err) ||
	    kc_seed_registry(st, "fuzz", &rep, &err))
		abort();
	return 0;
}

static int64_t count_assets(void)
{
	int64_t n = -1;

	if (kc_store_scalar_int(st, NULL, &n,
				"SELECT (SELECT count(*) FROM asset) + (SELECT count(*) FROM org_product)", ""))
		abort();
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_import_report rep;
	kc_err err;
	int rc;

	if (size > 65536)
		return 0;
	rc = kc_asset_import(st, "fuzz", "fuzz", (const char *)data, size, 0, &rep, &err);
	if (rc && count_assets() != 0)
		abort(); /* a failed import must change nothing */
	if (!rc && (size_t)count_assets() != rep.added)
		abort();
	kc_import_report_release(&rep);
	rc = kc_asset_import(st, "fuzz", "fuzz", (const char *)data, size, 1, &rep, &err);
	kc_import_report_release(&rep);
	if (kc_store_exec(st, &err, NULL, "DELETE FROM asset", "") ||
	    kc_store_exec(st, &err, NULL, "DELETE FROM org_product", ""))
		abort();
	return 0;
}
