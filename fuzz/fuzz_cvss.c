/*
 * fuzz_cvss.c - libFuzzer harness for the CVSS parser and calculators
 * (src/vuln/cvss.c).
 *
 * The input is parsed as a vector, strictly and with KC_CVSS_ANY_ORDER.
 * Invariants, each checked with abort(): no crash and no read past the input
 * (ASan sees the exact buffer); a refusal is KC_EINVAL with a message and a
 * zeroed result; whatever parses has every score in 0.0..10.0 in steps of 0.1,
 * a severity that matches its score, a well-formed macrovector (v4.0) and a
 * canonical form that parses strictly to the same scores and formats to itself.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(int rc, const kc_err *err, const struct kc_cvss *v)
{
	static const struct kc_cvss zero;

	if (rc != KC_EINVAL || err->code != KC_EINVAL || err->msg[0] == '\0' ||
	    !memchr(err->msg, '\0', sizeof(err->msg)) || memcmp(v, &zero, sizeof(zero)))
		abort();
}

static void check_score(double score, int tenths)
{
	if (!(score >= 0.0 && score <= 10.0) || tenths < 0 || tenths > 100 || fabs(score * 10.0 - tenths) > 1e-9)
		abort();
}

static void check_scores(const struct kc_cvss *v, const struct kc_cvss_scores *s)
{
	check_score(s->base, s->base10);
	check_score(s->temporal, s->temporal10);
	check_score(s->environmental, s->environmental10);
	check_score(s->score, s->score10);
	if (s->severity != kc_cvss_severity_of(s->score) || s->base_severity != kc_cvss_severity_of(s->base))
		abort();
	if (kc_cvss_score(v) != s->base)
		abort();
	if (v->version == KC_CVSS_V40) {
		if (strlen(s->macrovector) != 6 || strspn(s->macrovector, "012") != 6 || s->macrovector[1] > '1' ||
		    s->macrovector[5] > '1' || strncmp(s->nomenclature, "CVSS-B", 6))
			abort();
	} else if (s->temporal10 > s->base10 || s->macrovector[0] || s->nomenclature[0]) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char canon[KC_CVSS_VECTOR_MAX], again[KC_CVSS_VECTOR_MAX];
	struct kc_cvss v, v2;
	struct kc_cvss_scores sc, sc2;
	kc_err err;

	for (unsigned flags = 0; flags <= KC_CVSS_ANY_ORDER; flags++) {
		int rc = kc_cvss_parse_n(s, size, flags, &v, &err);

		if (rc) {
			check_refusal(rc, &err, &v);
			continue;
		}
		kc_cvss_compute(&v, &sc);
		check_scores(&v, &sc);
		kc_cvss_format(&v, canon, sizeof(canon));
		if (kc_cvss_parse_n(canon, strlen(canon), 0, &v2, &err))
			abort();
		kc_cvss_compute(&v2, &sc2);
		if (sc2.score10 != sc.score10 || sc2.base10 != sc.base10 || sc2.temporal10 != sc.temporal10 ||
		    sc2.environmental10 != sc.environmental10 || strcmp(sc2.macrovector, sc.macrovector) ||
		    strcmp(sc2.nomenclature, sc.nomenclature))
			abort();
		if (strcmp(kc_cvss_format(&v2, again, sizeof(again)), canon))
			abort();
		/* The canonical form of a strictly parsed vector is the input less its X metrics. */
		if (!flags && strlen(canon) > size)
			abort();
	}
	return 0;
}
