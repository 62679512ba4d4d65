/*
 * cpe.h - CPE 2.3 names: the formatted-string binding (NISTIR 7695), version
 * comparison, and matching a product's name against an NVD match criterion.
 *
 * A formatted string is "cpe:2.3:" and 11 colon-separated attributes: part
 * (a application, o operating system, h hardware), vendor, product, version,
 * update, edition, language, sw_edition, target_sw, target_hw, other. Inside an
 * attribute a backslash quotes the next character; a lone "*" is ANY, a lone
 * "-" is NA (not applicable); an unquoted "*" (or a run of "?") may stand at the
 * start or end of a value as a wildcard. Letters are compared without regard to
 * case; kc_cpe_format writes them in lower case.
 *
 * Matching never guesses: when it cannot decide (the product's version is
 * unknown, or two version strings follow formats that do not compare, such as
 * "2019 CU12" against "15.2.1118.7") the answer is KC_CPE_UNCERTAIN.
 */
#ifndef KC_CPE_H
#define KC_CPE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Longest formatted string accepted, in bytes. */
#define KC_CPE_MAX 1024

enum kc_cpe_attr {
	KC_CPE_PART,
	KC_CPE_VENDOR,
	KC_CPE_PRODUCT,
	KC_CPE_VERSION,
	KC_CPE_UPDATE,
	KC_CPE_EDITION,
	KC_CPE_LANGUAGE,
	KC_CPE_SW_EDITION,
	KC_CPE_TARGET_SW,
	KC_CPE_TARGET_HW,
	KC_CPE_OTHER,
	KC_CPE_NATTR
};

typedef enum kc_cpe_kind { KC_CPE_VALUE = 0, KC_CPE_ANY, KC_CPE_NA } kc_cpe_kind;

/* One attribute: ANY, NA, or a literal (unquoted, lower case, stored in the
 * name's text at off/len) with an optional wildcard before and after it:
 * lead_star/trail_star for "*", lead_q/trail_q for a run of that many "?". */
typedef struct kc_cpe_value {
	uint8_t kind;
	uint8_t lead_star, trail_star;
	uint8_t lead_q, trail_q;
	uint16_t off, len;
} kc_cpe_value;

typedef struct kc_cpe {
	kc_cpe_value v[KC_CPE_NATTR];
	char text[KC_CPE_MAX]; /* the literals, each NUL-terminated */
} kc_cpe;

/* Name of an attribute ("vendor", "sw_edition", ...). */
const char *kc_cpe_attr_name(int attr);

/*
 * Parse a formatted string of len bytes. On error: KC_EINVAL and a message that
 * names the attribute and the position (1-based byte offset) that is wrong.
 */
int kc_cpe_parse(const char *s, size_t len, kc_cpe *out, kc_err *err);

/* The literal of attribute attr (unquoted, NUL-terminated; "" for ANY/NA). */
const char *kc_cpe_literal(const kc_cpe *c, int attr);

/* Bind back to a formatted string (canonical: lower case, quoting only what
 * must be quoted), appended to out. Returns 0 or a kc_buf error. */
int kc_cpe_format(const kc_cpe *c, kc_buf *out);

/* Parse and bind again: the canonical form of s in a malloc'd string. */
int kc_cpe_canonical(const char *s, char **out, kc_err *err);

/* ---- versions ---- */

/* kc_version_compare results besides -1, 0, 1. */
#define KC_VERSION_UNCERTAIN 2

/*
 * Compare two version strings: -1, 0 or 1 as a <, =, > b, or
 * KC_VERSION_UNCERTAIN when they cannot be compared reliably. Versions are
 * split into numeric and alphabetic segments at separators (. - _ + ~ space
 * and so on) and at digit/letter changes; numeric segments compare as numbers
 * (1.2.3 < 1.2.10), alphabetic ones without case (1.0.1f < 1.0.1g). Uncertain:
 * a number facing letters, different separators at the same place
 * ("13.1-49.13" against "13.1.49.13"), or one version continuing the other
 * with anything but ".<number>" ("13.1" against "13.1-49.13": a build of 13.1
 * whose number is not known; "1.0" against "1.0-beta").
 */
int kc_version_compare(const char *a, const char *b);

/* ---- matching ---- */

typedef enum kc_cpe_match_result {
	KC_CPE_NO_MATCH = 0,
	KC_CPE_MATCH = 1,
	KC_CPE_UNCERTAIN = 2,
} kc_cpe_match_result;

/* NVD's version bounds on a criterion; NULL or "" where absent. */
typedef struct kc_cpe_range {
	const char *start_incl, *start_excl, *end_incl, *end_excl;
} kc_cpe_range;

/* 1 when range has at least one bound. */
int kc_cpe_range_any(const kc_cpe_range *range);

/*
 * Does the product name fall under the criterion (and its version range, may
 * be NULL)? Attribute by attribute: criterion ANY matches anything; criterion
 * NA only NA; a criterion literal (with its wildcards) matches an equal literal
 * (versions compare with kc_version_compare, so "1.2" = "1.2.0"). A product
 * attribute left ANY (not known) facing a criterion literal is UNCERTAIN,
 * except for part, vendor and product, where it is NO_MATCH (a name that does
 * not say what product it is concerns nothing). Any NO_MATCH wins, then any
 * UNCERTAIN.
 */
kc_cpe_match_result kc_cpe_match(const kc_cpe *criterion, const kc_cpe_range *range,
				 const kc_cpe *name);

/* "match", "no match", "uncertain" (English, stable: for JSON and logs). */
const char *kc_cpe_match_name(kc_cpe_match_result r);

#endif
