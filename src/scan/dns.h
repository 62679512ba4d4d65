/*
 * dns.h - DNS lookups for the scanner on libunbound, with DNSSEC status.
 *
 * A kc_dns context forwards every query to the resolver named in the scan
 * options ("ADDR" or "ADDR@PORT"; tests point it at an nsd on 127.0.0.x so no
 * query leaves the machine) or, without one, resolves through
 * /etc/resolv.conf. DNSSEC is validated against the trust anchor file of the
 * options (DS or DNSKEY records in zone-file format, as ldns-keygen writes
 * them). With no trust anchor file the root key /usr/share/dns/root.key is used
 * when the system resolver is used and the file exists; with an explicit
 * resolver and no trust anchor nothing is validated and every answer's status
 * is KC_DNS_SEC_UNKNOWN (a local test server has no chain to the root).
 *
 * The answers' record data is parsed by kc_dns_rdata_parse from the wire
 * bytes libunbound hands over (uncompressed names), bounded and fuzzed
 * (fuzz/fuzz_dns.c). Each lookup has a deadline (opts->timeout_ms): a server
 * that never answers, or answers with a wrong query id (libunbound drops
 * such replies), yields a timed-out answer, never a hang.
 */
#ifndef KC_SCAN_DNS_H
#define KC_SCAN_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "scan/scan.h"

enum {
	KC_DNS_A = 1,
	KC_DNS_NS = 2,
	KC_DNS_CNAME = 5,
	KC_DNS_SOA = 6,
	KC_DNS_MX = 15,
	KC_DNS_TXT = 16,
	KC_DNS_AAAA = 28,
	KC_DNS_DS = 43,
	KC_DNS_DNSKEY = 48,
};

/* rcodes worth naming. */
enum { KC_DNS_NOERROR = 0, KC_DNS_SERVFAIL = 2, KC_DNS_NXDOMAIN = 3, KC_DNS_REFUSED = 5 };

enum kc_dns_sec {
	KC_DNS_SEC_UNKNOWN = 0,	 /* no trust anchor: not validated */
	KC_DNS_SEC_INSECURE = 1, /* validated: no signatures expected (unsigned) */
	KC_DNS_SEC_SECURE = 2,	 /* validated: signatures check out */
	KC_DNS_SEC_BOGUS = 3,	 /* validation failed (broken or stripped signatures) */
};

/* "unknown", "insecure", "secure", "bogus". */
const char *kc_dns_sec_name(enum kc_dns_sec s);

/* Longest text of one record: a TXT record's strings concatenated, or a name. */
#define KC_DNS_TEXT_MAX 4096
/* Most records kept of one answer. */
#define KC_DNS_RR_MAX 256

/*
 * One record. text is NUL-terminated and owned by the answer:
 *   A / AAAA       the numeric address ("192.0.2.1", "2001:db8::1")
 *   NS / CNAME     the name, lower case, no trailing dot ("ns1.example.no"),
 *                  bytes outside [a-z0-9-_] escaped as \DDD, a dot in a label as "\."
 *   MX             the exchange name as above; pref is the preference
 *   TXT            the character-strings concatenated without separator (len
 *                  bytes; may hold NUL or any byte)
 *   other types    text is "" and len 0
 */
struct kc_dns_rr {
	uint16_t type;
	uint16_t pref;
	char *text;
	size_t len;
};

struct kc_dns_answer {
	int rcode;		/* KC_DNS_NOERROR, KC_DNS_NXDOMAIN, ... (-1 when timed out) */
	int timed_out;		/* 1: no answer before the deadline */
	enum kc_dns_sec sec;	/* DNSSEC status of this answer */
	char why_bogus[256];	/* libunbound's reason when sec is bogus */
	struct kc_dns_rr *rr;	/* records of the asked type (CNAMEs followed) */
	size_t n;
};

void kc_dns_answer_init(struct kc_dns_answer *a);
void kc_dns_answer_release(struct kc_dns_answer *a);
/* Append a record (text copied, len bytes); KC_ETOOBIG past KC_DNS_RR_MAX. */
int kc_dns_answer_add(struct kc_dns_answer *a, uint16_t type, uint16_t pref,
	const char *text, size_t len);

/*
 * Parse one record's wire rdata (rd, len bytes) of the given type into out
 * (text stored in buf of bufsz bytes, NUL-terminated; out->text points into
 * buf). Returns 0, or KC_EPARSE with err naming what is wrong (truncated
 * name, label too long, compression pointer, trailing bytes ...). bufsz must be
 * at least KC_DNS_TEXT_MAX + 1 for TXT data of any length; shorter text is
 * KC_ETOOBIG.
 */
int kc_dns_rdata_parse(uint16_t type, const uint8_t *rd, size_t len, struct kc_dns_rr *out,
	char *buf, size_t bufsz, kc_err *err);

typedef struct kc_dns kc_dns;

/*
 * A resolver context from the scan options (resolver, trust_anchor,
 * timeout_ms). KC_EINVAL for a malformed resolver address, KC_EIO for an
 * unreadable trust anchor file.
 */
int kc_dns_new(const struct kc_scan_opts *opts, kc_dns **out, kc_err *err);
void kc_dns_free(kc_dns *d);
/* 1 when answers are DNSSEC-validated (a trust anchor is loaded). */
int kc_dns_validating(const kc_dns *d);

/*
 * Look up name/type; ans is filled (kc_dns_answer_init'ed by the call; release
 * it). A timeout is not an error: ans->timed_out is set and 0 returned. Errors:
 * KC_EINVAL for a bad name, KC_EIO when libunbound fails.
 */
int kc_dns_lookup(kc_dns *d, const char *name, uint16_t type, struct kc_dns_answer *ans,
	kc_err *err);

/* Many lookups at once, all in flight together, one shared deadline. */
struct kc_dns_query {
	const char *name;
	uint16_t type;
	struct kc_dns_answer ans; /* filled; release each */
};
int kc_dns_lookup_many(kc_dns *d, struct kc_dns_query *q, size_t n, kc_err *err);

/*
 * A registered domain expanded into what the scanner probes: its own A/AAAA
 * addresses, its MX hosts and their addresses, its NS hosts and their
 * addresses. Host names are normalised (lower case, no trailing dot); hosts
 * and addresses are de-duplicated per role.
 */
struct kc_dns_host {
	char name[256];
	uint16_t pref;	 /* MX preference; 0 otherwise */
	char (*addr)[48]; /* numeric IPv4/IPv6 */
	size_t naddr;
};

struct kc_dns_expansion {
	char domain[256];
	enum kc_dns_sec sec;   /* status of the domain's own A lookup */
	int timed_out;	       /* some lookup timed out: the expansion may be partial */
	char (*addr)[48];      /* the domain's own A/AAAA */
	size_t naddr;
	struct kc_dns_host *mx; /* by preference */
	size_t nmx;
	struct kc_dns_host *ns;
	size_t nns;
};

int kc_dns_expand_domain(kc_dns *d, const char *domain, struct kc_dns_expansion *out,
	kc_err *err);
void kc_dns_expansion_release(struct kc_dns_expansion *e);

#endif
