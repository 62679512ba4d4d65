/*
 * engine.h - the scanner's asynchronous probe engine: TCP ports, service
 * handshakes and TLS checks on one epoll loop.
 *
 * The engine takes plain target lists (scan.h) and reports through a
 * kc_scan_sink; it knows nothing of the store or of which targets are
 * registered (the orchestrator, run.c, decides that before calling here).
 *
 * Safety, always on: non-blocking sockets, a deadline on every step (connect,
 * each handshake, each TLS handshake) counted from the start of the step, so a
 * server dripping one byte a second cannot hold a probe past it; every read
 * bounded by opts->max_read; connection attempts limited per target IP
 * (opts->per_ip_connect_rate) and overall (opts->global_rate); handshake
 * requests limited per IP per check (opts->per_ip_rate), one handshake per
 * host at a time. The engine never logs in and never sends more than a
 * protocol's greeting or negotiation needs (see docs/kcert-scan-checks.md).
 */
#ifndef KC_SCAN_ENGINE_H
#define KC_SCAN_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "scan/scan.h"

/* Flags for kc_scan_ports. */
enum {
	/* Lift the per-IP connection and request limits (benchmarks on loopback
	 * only; never for a production scan). */
	KC_SCAN_NO_PER_IP_LIMIT = 1u << 0,
	/* Only find open ports: no service handshakes, no findings. */
	KC_SCAN_CONNECT_ONLY = 1u << 1,
	/* Do not report findings (port results only). */
	KC_SCAN_NO_FINDINGS = 1u << 2,
	/* Skip UDP probes (BACnet 47808) in the port list. */
	KC_SCAN_NO_UDP = 1u << 3,
};

/* The default port list: the risky services of issue 6 and the common ones
 * whose product or TLS the other checks look at. */
extern const uint16_t kc_scan_default_ports[];
extern const size_t kc_scan_default_nports;

/* One open port found by kc_scan_ports. */
struct kc_port_result {
	int64_t org_id;
	char ip[48];
	char host[256];
	uint16_t port;
	int udp;          /* 1 for a UDP service (BACnet), else TCP */
	char service[24]; /* "ssh", "http", "rdp", "smb", "redis", ... "" when unknown */
	int tls;          /* 1 when a TLS handshake succeeded on the port (implicit TLS) */
	int confirmed;    /* 1 when the protocol's own handshake answered */
	int confidence;   /* 0-100 that service is right */
	char banner[256]; /* printable excerpt of what the service said ("" none) */
	char product[64]; /* "OpenSSH 9.2p1", "" when unknown */
	char cpe[160];    /* CPE 2.3 name, "" when unknown */
};

/*
 * Probe every target on every port. TCP ports get a non-blocking connect
 * (with opts->retries more attempts after a timeout); open ports are then
 * identified by a handshake chosen from the port (RDP negotiation, SMB2
 * NEGOTIATE, Redis PING, ...; TLS where the port is a TLS port) unless
 * KC_SCAN_CONNECT_ONLY. Findings (service.*, product.*) go to sink->finding
 * unless KC_SCAN_NO_FINDINGS. For a reachable target (one that answered or
 * refused on at least one port): sink->covered(org, "service", target, 0) and
 * sink->covered(org, "product", target, port) for each port probed except
 * HTTPS ports (443, 8443), whose products the web checks report.
 *
 * *out (malloc'd, free with free()) receives the open ports, sorted by target
 * then port; out may be NULL. Returns 0, or a negative KC_E* when the engine
 * itself could not run (no memory, no epoll); unreachable targets are not
 * errors.
 */
int kc_scan_ports(const struct kc_scan_opts *opts, const struct kc_scan_target *targets, size_t n,
                  const uint16_t *ports, size_t nports, unsigned flags, const struct kc_scan_sink *sink,
                  struct kc_port_result **out, size_t *nout, kc_err *err);

enum kc_starttls {
	KC_STARTTLS_NONE = 0,
	KC_STARTTLS_SMTP = 1, /* read 220, EHLO, STARTTLS, then TLS */
};

/* A TLS service to check. */
struct kc_tls_endpoint {
	int64_t org_id;
	char ip[48];    /* numeric address to connect to */
	char host[256]; /* SNI and name to match; "" for a bare address */
	uint16_t port;
	enum kc_starttls starttls;
};

/* Bits of kc_tls_result.versions. */
enum {
	KC_TLS_V1_0 = 1u << 0,
	KC_TLS_V1_1 = 1u << 1,
	KC_TLS_V1_2 = 1u << 2,
	KC_TLS_V1_3 = 1u << 3,
};

/* What kc_scan_tls saw at one endpoint. */
struct kc_tls_result {
	struct kc_tls_endpoint ep;
	int reached;         /* 1 when a TCP connection was made */
	int handshake;       /* 1 when at least one TLS version completed */
	unsigned versions;   /* KC_TLS_V* offered by the server */
	int trusted;         /* chain verifies against the store (time not checked) */
	int self_signed;     /* leaf issued by itself */
	int name_ok;         /* host (or IP when host is "") matches the leaf; -1 not checked */
	int key_bits;        /* leaf public key size */
	char key_type[8];    /* "RSA", "EC", "ED25519", ... */
	char sig_alg[32];    /* leaf signature algorithm, "sha256WithRSAEncryption" */
	time_t not_after;    /* leaf expiry */
	char subject[256];   /* leaf subject, one line */
	char verify_msg[96]; /* OpenSSL's reason when not trusted */
};

/*
 * Check TLS on each endpoint: which of TLS 1.0-1.3 the server accepts (one
 * handshake each, minimum = maximum version; 1.0/1.1 with security level 0),
 * and on the best one the certificate: chain trust against opts->ca_file or
 * the system store, expiry against opts->now, host name, key size, signature
 * algorithm, self-signed. Findings tls.* go to sink->finding; sink->covered
 * (org, "tls", target, port) for each endpoint where a handshake completed.
 * *out (optional, free()) receives one result per endpoint in input order.
 */
int kc_scan_tls(const struct kc_scan_opts *opts, const struct kc_tls_endpoint *eps, size_t n,
                const struct kc_scan_sink *sink, kc_err *err);
int kc_scan_tls_results(const struct kc_scan_opts *opts, const struct kc_tls_endpoint *eps, size_t n,
                        const struct kc_scan_sink *sink, struct kc_tls_result **out, kc_err *err);

/* "TLSv1.0" ... for one KC_TLS_V* bit. */
const char *kc_tls_version_name(unsigned bit);

#endif
