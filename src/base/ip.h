/*
 * ip.h - strict IPv4/IPv6 address and CIDR prefix parsing and formatting.
 *
 * Strict means: IPv4 is exactly four decimal octets 0-255 without leading zeros
 * (010.0.0.1 is refused: some parsers read it as octal); IPv6 follows RFC 4291
 * text forms (one "::" at most, 1-4 hex digits a group, an embedded IPv4 tail
 * allowed) without zone ids; a prefix length is decimal, no leading zeros, in
 * range; a prefix with host bits set is refused with a hint naming the network
 * ("did you mean 10.0.0.0/8?"). Formatting is canonical (RFC 5952 for IPv6).
 */
#ifndef KC_IP_H
#define KC_IP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define KC_IP_STRLEN 46	  /* INET6_ADDRSTRLEN */
#define KC_CIDR_STRLEN 50 /* address, "/", up to 3 digits, NUL */

typedef struct kc_ip {
	uint8_t family;	    /* 4 or 6 */
	uint8_t bytes[16];  /* network order; IPv4 uses bytes[0..3], the rest zero */
} kc_ip;

typedef struct kc_cidr {
	kc_ip addr;	    /* network address: host bits are always zero */
	uint8_t len;	    /* prefix length: 0-32 or 0-128 */
} kc_cidr;

/* Parse an address from s[0..n). Returns 0 or KC_EINVAL with a message. */
int kc_ip_parse(const char *s, size_t n, kc_ip *out, kc_err *err);

/* Flags for kc_cidr_parse. */
#define KC_CIDR_BARE_HOST 0x1 /* accept a bare address as a host prefix (/32, /128) */

/* Parse "ADDR/LEN" from s[0..n). Returns 0 or KC_EINVAL with a message. */
int kc_cidr_parse(const char *s, size_t n, kc_cidr *out, unsigned flags, kc_err *err);

/* Canonical text; out must hold KC_IP_STRLEN / KC_CIDR_STRLEN bytes. Returns out. */
char *kc_ip_format(const kc_ip *ip, char *out);
char *kc_cidr_format(const kc_cidr *c, char *out);

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as IPv4; other addresses unchanged. */
kc_ip kc_ip_unmap(const kc_ip *ip);

/* 1 when the address / prefix lies inside outer (same family), else 0. */
int kc_cidr_contains(const kc_cidr *outer, const kc_ip *ip);
int kc_cidr_covers(const kc_cidr *outer, const kc_cidr *inner);

/* 1 when a and b are equal (same family and bytes). */
int kc_ip_equal(const kc_ip *a, const kc_ip *b);

#endif
