/*
 * cvss.h - strict CVSS v3.0, v3.1 and v4.0 vector parsers and score calculators.
 *
 * A vector string is parsed into a struct kc_cvss (which metrics it defines and
 * their values), then scored with kc_cvss_compute() or kc_cvss_score().
 *
 * CVSS v3.1 follows the specification (FIRST, "CVSS v3.1 Specification Document",
 * section 7 and Appendix A): base, temporal and environmental scores, Roundup done
 * with the Appendix A integer arithmetic, not ceil(x * 10) / 10. A CVSS:3.0 vector
 * is accepted and scored with the same rules except the one formula v3.0 defines
 * differently: the environmental Modified Impact when the modified scope is
 * changed (v3.0: 7.52 x (MISS - 0.029) - 3.25 x (MISS - 0.02)^15; v3.1:
 * 7.52 x (MISS - 0.029) - 3.25 x (MISS x 0.9731 - 0.02)^13). The v3.0 Roundup
 * ("the smallest one-decimal number not below the input") is the same function as
 * v3.1's; the v3.1 integer algorithm only computes it without floating-point
 * artefacts, so it is used for both.
 *
 * CVSS v4.0 follows FIRST's reference MacroVector method (the calculator at
 * github.com/FIRSTdotorg/cvss-v4-calculator): EQ1..EQ6 give a macrovector, whose
 * score comes from FIRST's lookup table, and the vector's score is interpolated
 * from the severity distance to the macrovector's highest-severity vectors. The
 * result is rounded half up after adding 1e-6 (the upstream fix for x.x5 ties,
 * RedHatProductSecurity/cvss-v4-calculator issue #66, pull request #67). Threat
 * (E) and environmental metrics are scored; supplemental metrics (S, AU, R, V, RE,
 * U) are parsed and validated but do not change the score.
 *
 * Parsing is strict: the prefix (CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/), metric names
 * and values as the specification lists them (case-sensitive), each metric at most
 * once, in the specification's order, every base metric present, no empty
 * component, no trailing slash, printable ASCII only, at most KC_CVSS_MAX_LEN
 * characters. Each refusal is KC_EINVAL with a message naming the problem.
 * Functions here never print, never allocate and accept any bytes.
 */
#ifndef KC_VULN_CVSS_H
#define KC_VULN_CVSS_H

#include <stddef.h>

#include "base/err.h"

/* Longest vector accepted (a v4.0 vector with every metric is about 200). */
#define KC_CVSS_MAX_LEN 512
/* Room for kc_cvss_format()'s output, NUL included. */
#define KC_CVSS_VECTOR_MAX 256
/* Metrics of the largest version (v4.0 has 32). */
#define KC_CVSS_MAX_METRICS 32

typedef enum kc_cvss_version {
	KC_CVSS_V30 = 30,
	KC_CVSS_V31 = 31,
	KC_CVSS_V40 = 40,
} kc_cvss_version;

/* Qualitative severity rating scale (the same for v3.x and v4.0). */
typedef enum kc_cvss_severity {
	KC_CVSS_NONE = 0,     /* 0.0 */
	KC_CVSS_LOW = 1,      /* 0.1 - 3.9 */
	KC_CVSS_MEDIUM = 2,   /* 4.0 - 6.9 */
	KC_CVSS_HIGH = 3,     /* 7.0 - 8.9 */
	KC_CVSS_CRITICAL = 4, /* 9.0 - 10.0 */
} kc_cvss_severity;

/* Flags for kc_cvss_parse_n(). */
#define KC_CVSS_ANY_ORDER 0x1 /* v3.x only: accept metrics in any order (the v3.x
				 specifications only prefer their order; v4.0
				 requires it and ignores this flag) */

/*
 * A parsed vector. val[i] is 0 when metric i (in the version's specification
 * order) is absent, else 1 + the index of its value in the specification's list.
 * A metric given explicitly as X (Not Defined) is kept as given; it scores as
 * absent and kc_cvss_format() leaves it out.
 */
struct kc_cvss {
	kc_cvss_version version;
	unsigned char val[KC_CVSS_MAX_METRICS];
};

/* Scores of a vector. Values are multiples of 0.1 in 0.0..10.0; the *10 fields
 * hold the same scores in tenths, for exact comparison. */
struct kc_cvss_scores {
	kc_cvss_version version;
	/* v3.x: the base score. v4.0: the single score of whatever metrics the
	 * vector has (CVSS-B, -BT, -BE or -BTE, see nomenclature). */
	double base;
	/* v3.x only (0 for v4.0): temporal and environmental scores. Both are always
	 * computed (Not Defined metrics take their defaults); has_temporal and
	 * has_environmental say whether the vector defines any such metric. */
	double temporal;
	double environmental;
	/* The score to show for the vector: v3.x the environmental score when
	 * environmental metrics are defined, else the temporal score when temporal
	 * metrics are, else the base score; v4.0 the score. */
	double score;
	int base10, temporal10, environmental10, score10;
	int has_temporal;      /* v3.x: E, RL or RC; v4.0: E (threat) defined */
	int has_environmental; /* CR, IR, AR or a modified metric defined */
	int has_supplemental;  /* v4.0: S, AU, R, V, RE or U defined */
	kc_cvss_severity base_severity;
	kc_cvss_severity severity; /* of score */
	/* v4.0: "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE"; v3.x: "" */
	const char *nomenclature;
	/* v4.0: the six EQ digits, e.g. "111200"; v3.x: "" */
	char macrovector[7];
};

/*
 * Parse a NUL-terminated vector string. Returns 0, or KC_EINVAL with a message
 * in err naming the problem ("metric AC appears twice", "missing mandatory base
 * metric VA", ...). On failure *out is zeroed. Same as kc_cvss_parse_n(vector,
 * strlen(vector), 0, out, err).
 */
int kc_cvss_parse(const char *vector, struct kc_cvss *out, kc_err *err);

/* Parse exactly len bytes (which need not be NUL-terminated; a NUL inside is an
 * error). flags: 0 or KC_CVSS_ANY_ORDER. */
int kc_cvss_parse_n(const char *s, size_t len, unsigned flags, struct kc_cvss *out, kc_err *err);

/* Every score of a parsed vector. Never fails for a vector kc_cvss_parse*() made. */
void kc_cvss_compute(const struct kc_cvss *v, struct kc_cvss_scores *out);

/* The vector's headline score: v3.x the base score (what NVD and CSAF call
 * baseScore); v4.0 the CVSS-B/BT/BE/BTE score. */
double kc_cvss_score(const struct kc_cvss *v);

/* The canonical vector string: the prefix, then every defined metric in the
 * specification's order; metrics given as X are left out. Writes at most n bytes
 * (KC_CVSS_VECTOR_MAX is always enough) and returns buf. */
char *kc_cvss_format(const struct kc_cvss *v, char *buf, size_t n);

/* Severity rating of a score (0.0 None, 0.1-3.9 Low, 4.0-6.9 Medium, 7.0-8.9
 * High, 9.0-10.0 Critical). */
kc_cvss_severity kc_cvss_severity_of(double score);

/* "None", "Low", "Medium", "High", "Critical": the specification's English names,
 * untranslated (for JSON, CSAF and CSV). Pass the result through _() to show it. */
const char *kc_cvss_severity_name(kc_cvss_severity s);

/* "3.0", "3.1" or "4.0". */
const char *kc_cvss_version_name(kc_cvss_version v);

#endif
