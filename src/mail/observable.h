/*
 * observable.h - what a report names that can be looked for elsewhere: IP
 * addresses, prefixes, domain names, URLs, e-mail addresses, file hashes and
 * CVE ids, found in free text (a mail body, a web form).
 *
 * The text is refanged first: hxxp and hXXp (any case), [.] (.) [dot] (dot)
 * {.}, [:] [://], [@] (@) [at] (at), with or without white space around the
 * brackets. Values are canonical: addresses and prefixes as kc_ip_format and
 * kc_cidr_format write them (RFC 5952), domains lower case with IDN labels as
 * A-labels, e-mail addresses lower case with the domain normalised, URLs with
 * scheme and host normalised and the rest as written, hashes lower case, CVE
 * ids upper case. A domain is a run of labels whose last is alphabetic and at
 * least two letters, and not a file name ("rapport.pdf", "image.png"); the
 * host of a URL and the domain of an e-mail address are listed as domains too
 * (file-name-like hosts included there: a host is a host). Hashes are runs of
 * 32, 40 or 64 hex digits (MD5, SHA-1, SHA-256) with letters and digits both,
 * not touching other letters or digits.
 */
#ifndef KC_MAIL_OBSERVABLE_H
#define KC_MAIL_OBSERVABLE_H

#include <stddef.h>

#include "base/err.h"

#define KC_OBSERVABLES_MAX 1000 /* the default of max */

typedef enum kc_obs_kind {
	KC_OBS_IP = 0,
	KC_OBS_CIDR,
	KC_OBS_DOMAIN,
	KC_OBS_URL,
	KC_OBS_EMAIL,
	KC_OBS_MD5,
	KC_OBS_SHA1,
	KC_OBS_SHA256,
	KC_OBS_CVE,
} kc_obs_kind;

typedef struct kc_observable {
	kc_obs_kind kind;
	char *value; /* canonical, NUL-terminated */
} kc_observable;

/* "ip", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "cve": the
 * names the store's observable table uses. */
const char *kc_observable_kind_name(kc_obs_kind kind);

/*
 * Find the observables of text[0..len) (UTF-8; NUL bytes are read as spaces),
 * deduplicated by kind and value, in order of first appearance, at most max
 * (0: KC_OBSERVABLES_MAX). *out is a new array of *n (NULL when none); free it
 * with kc_observables_free. Returns 0 or KC_ENOMEM.
 */
int kc_observables_extract(const char *text, size_t len, size_t max, kc_observable **out, size_t *n, kc_err *err);

void kc_observables_free(kc_observable *obs, size_t n);

#endif
