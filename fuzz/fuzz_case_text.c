/*
 * fuzz_case_text.c - libFuzzer harness for the free text of incident reports:
 * observable extraction (src/case/observe.c) into a real in-memory store, the
 * feed interval parser and the Oslo local-time parser. Invariants: every
 * observable stored is canonical (parses again to itself), nothing crashes,
 * every transaction ends.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/domain.h"
#include "base/ip.h"
#include "base/time.h"
#include "case/case.h"
#include "feed/fetch.h"
#include "org/seed.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_store *st;
static int64_t case_id;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	kc_case_new n = { .title = "fuzz" };
	kc_actor a = { .name = "fuzz" };
	kc_seed_report rep;
	kc_err err;

	(void)argc;
	(void)argv;
	if (kc_store_open(":memory:", &st, &err) || kc_store_migrate(st, NULL, &err) ||
	    kc_seed_registry(st, "fuzz", &rep, &err) || kc_case_create(st, &a, &n, &case_id, &err))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	kc_stmt *s;
	kc_err err;
	time_t t;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	kc_interval_parse(text);
	kc_time_parse_oslo(text, &t);
	if (kc_case_add_observables(st, case_id, text, &err) == KC_OK &&
	    !kc_store_query(st, &err, &s, "SELECT kind, value FROM observable", "")) {
		while (kc_stmt_step(s, &err) == KC_ROW) {
			const char *kind = kc_stmt_text(s, 0), *v = kc_stmt_text(s, 1);
			char back[KC_DOMAIN_MAX];
			kc_ip ip;

			if (!strcmp(kind, "ip")) {
				char f[KC_CIDR_STRLEN];

				if (kc_ip_parse(v, strlen(v), &ip, NULL) || strcmp(kc_ip_format(&ip, f), v))
					abort(); /* stored canonical */
			} else if (!strcmp(kind, "domain")) {
				if (kc_domain_normalise(v, strlen(v), back, NULL) || strcmp(back, v))
					abort();
			}
		}
		kc_stmt_finalize(s);
	}
	if (st->in_tx)
		abort();
	kc_store_exec(st, NULL, NULL, "DELETE FROM case_observable", "");
	kc_store_exec(st, NULL, NULL, "DELETE FROM observable", "");
	free(text);
	return 0;
}
