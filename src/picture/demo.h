/*
 * demo.h - kcert demo: a synthetic, clearly marked dataset, so that a
 * newcomer sees a living picture on the first start.
 */
#ifndef KC_DEMO_H
#define KC_DEMO_H

#include "base/err.h"
#include "store/store.h"

typedef struct kc_demo_report {
	int assets, contacts, events, cases;
	int findings, products, advisories, vulns;
} kc_demo_report;

/*
 * Give four municipalities the documentation address ranges (RFC 5737,
 * RFC 3849) and example domains, demo contacts at example.invalid, 90 days of
 * events from a "demo" feed, a dozen cases in every phase, findings over
 * 90 days with a daily rating for 40 municipalities (some fixed, some
 * accepted), declared products, an NVD record and two KEV entries (embedded),
 * four advisories (one a draft), and a threat level; everything says DEMO. Once per store: a second run is KC_EEXIST.
 */
int kc_demo_load(kc_store *st, const char *actor, kc_demo_report *rep, kc_err *err);

#endif
