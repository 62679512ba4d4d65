/*
 * shadowserver.h - Shadowserver report types as data: for each, the RSIT
 * classification (with IntelMQ's identifiers) and the columns that hold the
 * affected system. A new report type is a new row in the table, not code.
 */
#ifndef KC_SHADOWSERVER_H
#define KC_SHADOWSERVER_H

#include <stddef.h>

typedef struct kc_ss_report {
	const char *name;	/* report type, as in the file name ("scan_rdp") */
	const char *taxonomy;	/* classification.taxonomy */
	const char *type;	/* classification.type */
	const char *identifier; /* classification.identifier; NULL: the report's "tag" column */
	const char *ip, *port, *fqdn, *asn, *url; /* source.* columns (NULL: none) */
	/* When the tag column contains tag_has, the classification is this instead. */
	const char *tag_has, *tag_taxonomy, *tag_type, *tag_identifier;
} kc_ss_report;

/* The report type by name; event4_* names without a row of their own get the
 * generic event4 row (infected systems seen at a sinkhole). NULL when unknown. */
const kc_ss_report *kc_ss_report_find(const char *name);

/* Every known report, for listings. */
const kc_ss_report *kc_ss_reports(size_t *n);

/* The report type from a Shadowserver file name: "2024-05-01-scan_rdp-norway-geo.csv"
 * -> "scan_rdp" (IntelMQ's ^(\d{4}-\d{2}-\d{2}-)?(\w+)(-\w+)*\.csv$). Returns 0 or -1. */
int kc_ss_report_from_filename(const char *path, char *out, size_t cap);

#endif
