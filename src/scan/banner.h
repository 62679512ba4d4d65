/*
 * banner.h - what a service's greeting says about the product behind it.
 *
 * Pure functions over untrusted bytes (fuzzed by fuzz/fuzz_banner.c): a banner
 * ("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "220 (vsFTPd 3.0.3)", an HTTP
 * Server header, a MySQL greeting's version) becomes a product with a CPE 2.3
 * name and a confidence after Greenbone's quality of detection: 80 when the
 * version is exact (a distribution's patch level is visible, or the product is
 * one distributions do not patch behind an unchanged version), 30 when only the
 * product, or a version that backports may hide, is visible.
 */
#ifndef KC_SCAN_BANNER_H
#define KC_SCAN_BANNER_H

#include <stddef.h>

struct kc_product {
	char vendor[32];  /* CPE vendor: "openbsd" */
	char product[40]; /* CPE product: "openssh" */
	char version[40]; /* "9.2", "" when not seen */
	char update[24];  /* CPE update: "p1", "" */
	char patch[64];   /* distribution patch level seen: "Debian-2+deb12u3", "" */
	char name[72];    /* for people: "OpenSSH 9.2p1" */
	char cpe[160];    /* "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*" */
	int confidence;   /* 80 or 30 */
};

/*
 * Recognise the product in a banner. service names the protocol the bytes
 * came from: "ssh", "ftp", "smtp", "http" (a Server header value), "mysql"
 * (the greeting's version string), "redis" (INFO output), "memcached",
 * "elasticsearch" (the JSON of GET /), "imap", "pop3". Returns 1 and fills
 * *out when a product was recognised, else 0 (out cleared).
 */
int kc_banner_product(const char *service, const char *banner, size_t len, struct kc_product *out);

/*
 * A printable excerpt of len bytes for evidence: printable ASCII kept,
 * \r \n \t and other bytes written as \xNN, cut to fit outsz (always
 * NUL-terminated). Returns the number of input bytes represented.
 */
size_t kc_banner_excerpt(const void *data, size_t len, char *out, size_t outsz);

/*
 * Write a CPE 2.3 formatted string for part 'a' (application), 'o' or 'h':
 * vendor, product, version, update ("" becomes "*"), quoting what CPE 2.3
 * requires, in the canonical form of src/vuln (kc_cpe_parse, kc_cpe_format).
 * Returns 0, KC_ETOOBIG when it does not fit in outsz, or KC_EINVAL when
 * src/vuln would not parse it.
 */
int kc_banner_cpe(char *out, size_t outsz, char part, const char *vendor, const char *product,
                  const char *version, const char *update);

#endif
