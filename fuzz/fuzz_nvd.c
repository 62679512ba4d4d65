/*
 * fuzz_nvd.c - libFuzzer harness for the NVD/KEV record reader: the streaming
 * splitter (src/vuln/jsplit.c) fed in uneven chunks, then the whole importer
 * (src/vuln/nvd.c, kev.c) into a real SQLite store.
 *
 * Invariants: no crash, no leak, no read past the input; the splitter hands
 * out records that lie inside the input; every failure carries a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_store.h"
#include "vuln/jsplit.h"
#include "vuln/vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_rec(void *arg, size_t page, size_t index, uint64_t offset, const char *d, size_t len)
{
	(void)page;
	(void)index;
	if (d && offset + len > *(size_t *)arg)
		abort();
	return 0;
}

static int on_env(void *arg, size_t page, uint64_t offset, const char *d, size_t len)
{
	(void)arg;
	(void)page;
	(void)offset;
	(void)d;
	(void)len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_jsplit_cb cb = { on_rec, on_env, &size };
	static kc_jsplit j;
	kc_vuln_import *imp = NULL;
	static kc_store *st;
	static kc_registry *reg;
	kc_err err;
	size_t i, step;
	int rc = 0;

	if (!st)
		fuzz_store_open(&st, &reg);
	kc_jsplit_init(&j, &cb);
	step = size ? 1 + data[0] % 13 : 1;
	for (i = 0; i < size && rc == 0; i += step)
		rc = kc_jsplit_feed(&j, (const char *)data + i, size - i < step ? size - i : step, &err);
	if (rc == 0)
		rc = kc_jsplit_finish(&j, &err);
	if (rc && err.msg[0] == '\0')
		abort();
	kc_jsplit_release(&j);
	if (kc_vuln_import_new(st, "fuzz", NULL, NULL, &imp, &err) == 0) {
		kc_err_clear(&err);
		rc = kc_vuln_import_mem(imp, "fuzz", (const char *)data, size, &err);
		if (rc && err.msg[0] == '\0')
			abort();
		kc_vuln_import_free(imp);
	}
	return 0;
}
