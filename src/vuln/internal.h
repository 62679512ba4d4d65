/*
 * internal.h - what the files of src/vuln share and nobody else needs.
 */
#ifndef KC_VULN_INTERNAL_H
#define KC_VULN_INTERNAL_H

#include <jansson.h>

#include "vuln/vuln.h"

struct kc_vuln_import {
	kc_store *st;
	const char *actor;
	kc_vuln_report_fn report;
	void *arg;
	kc_vuln_stats stats;
	/* the file being read */
	const char *file;
	kc_err *err;
	size_t page, pages, index, records;
	uint64_t offset;
	int in_tx;
	size_t in_batch;
	/* KEV CVEs this import added or brought criteria for: to notify */
	char **touched;
	size_t ntouched;
};

int vuln_digest(json_t *rec, char out[65]);
const char *vuln_str(json_t *o, const char *key);
int vuln_touch(kc_vuln_import *imp, const char *cve);
/* One KEV entry (kev.c); KC_EINVAL for a bad one. */
int vuln_import_kev(kc_vuln_import *imp, json_t *e, kc_err *err);

#endif
