/*
 * engine.c - the probe engine: TCP connect sweeps, service handshakes and TLS
 * checks, all on one epoll loop (see engine.h).
 *
 * A run is a list of hosts (unique target addresses), each with a queue of
 * jobs (port + kind of probe). The scheduler starts jobs round-robin over the
 * hosts while slots (opts->max_inflight), the global token bucket and each
 * host's buckets allow; with per-IP limits on, a host has one probe in flight
 * at a time. A probe is a small state machine: connect, optional SMTP
 * STARTTLS dialogue, optional TLS handshake, then request/response exchanges
 * defined by its kind (proto_*). Every step gets a deadline when it starts
 * (a min-heap of deadlines); reads are bounded by opts->max_read.
 *
 * Phases: kc_scan_ports runs a sweep (kind CONNECT for TCP, the BACnet
 * exchange for UDP), then the identification of each open port; kc_scan_tls
 * runs one job per endpoint and TLS version. Findings are made from the
 * collected records when a phase is over, so one function decides each
 * verdict.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "scan/banner.h"
#include "scan/engine.h"
#include "base/kc.h"

/* ------------------------------------------------------------------ */
/* Probe kinds and the port table                                       */

enum kind {
	K_CONNECT, /* sweep: is the port open */
	K_GENERIC, /* read whatever the service says first */
	K_SSH,
	K_FTP,
	K_SMTP,
	K_MAILBOX, /* IMAP, POP3: one greeting line */
	K_HTTP,
	K_TLSONLY,
	K_RDP,
	K_SMB2,
	K_SMB1,
	K_TELNET,
	K_VNC,
	K_REDIS,
	K_MYSQL,
	K_PGSQL,
	K_MSSQL,
	K_MONGO,
	K_ES,
	K_MEMCACHED,
	K_MODBUS,
	K_S7,
	K_DNP3,
	K_BACNET,
	K_TLSVER, /* kc_scan_tls: one handshake at one version */
};

struct portdef {
	uint16_t port;
	int udp;
	const char *service;
	enum kind kind, kind2; /* kind2: a second handshake (SMBv1), else K_CONNECT */
	int tls;               /* implicit TLS before the exchange */
	const char *check;     /* finding for the exposed service, or NULL */
	const char *title;
	enum kc_sev sev;
};

static const struct portdef portdefs[] = {
    {21, 0, "ftp", K_FTP, K_CONNECT, 0, "service.ftp", N_("FTP service exposed"), KC_SEV_MEDIUM},
    {22, 0, "ssh", K_SSH, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO},
    {23, 0, "telnet", K_TELNET, K_CONNECT, 0, "service.telnet", N_("Telnet service exposed"), KC_SEV_HIGH},
    {25, 0, "smtp", K_SMTP, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO},
    {80, 0, "http", K_HTTP, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO},
    {102, 0, "s7", K_S7, K_CONNECT, 0, "service.s7", N_("Siemens S7 (ISO-TSAP) exposed"), KC_SEV_HIGH},
    {110, 0, "pop3", K_MAILBOX, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO},
    {143, 0, "imap", K_MAILBOX, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO},
    {443, 0, "https", K_TLSONLY, K_CONNECT, 1, NULL, NULL, KC_SEV_INFO},
    {445, 0, "smb", K_SMB2, K_SMB1, 0, "service.smb", N_("SMB file sharing exposed"), KC_SEV_HIGH},
    {465, 0, "smtp", K_SMTP, K_CONNECT, 1, NULL, NULL, KC_SEV_INFO},
    {502, 0, "modbus", K_MODBUS, K_CONNECT, 0, "service.modbus", N_("Modbus/TCP exposed"), KC_SEV_HIGH},
    {587, 0, "smtp", K_SMTP, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO},
    {993, 0, "imap", K_MAILBOX, K_CONNECT, 1, NULL, NULL, KC_SEV_INFO},
    {995, 0, "pop3", K_MAILBOX, K_CONNECT, 1, NULL, NULL, KC_SEV_INFO},
    {1433, 0, "mssql", K_MSSQL, K_CONNECT, 0, "service.mssql", N_("Microsoft SQL Server exposed"),
     KC_SEV_MEDIUM},
    {3306, 0, "mysql", K_MYSQL, K_CONNECT, 0, "service.mysql", N_("MySQL/MariaDB exposed"), KC_SEV_MEDIUM},
    {3389, 0, "rdp", K_RDP, K_CONNECT, 0, "service.rdp", N_("Remote Desktop (RDP) exposed"), KC_SEV_HIGH},
    {5432, 0, "postgresql", K_PGSQL, K_CONNECT, 0, "service.postgresql", N_("PostgreSQL exposed"),
     KC_SEV_MEDIUM},
    {5900, 0, "vnc", K_VNC, K_CONNECT, 0, "service.vnc", N_("VNC remote desktop exposed"), KC_SEV_HIGH},
    {6379, 0, "redis", K_REDIS, K_CONNECT, 0, "service.redis", N_("Redis exposed"), KC_SEV_MEDIUM},
    {8080, 0, "http", K_HTTP, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO},
    {8443, 0, "https", K_TLSONLY, K_CONNECT, 1, NULL, NULL, KC_SEV_INFO},
    {9200, 0, "elasticsearch", K_ES, K_CONNECT, 0, "service.elasticsearch", N_("Elasticsearch exposed"),
     KC_SEV_HIGH},
    {11211, 0, "memcached", K_MEMCACHED, K_CONNECT, 0, "service.memcached", N_("memcached exposed"),
     KC_SEV_HIGH},
    {20000, 0, "dnp3", K_DNP3, K_CONNECT, 0, "service.dnp3", N_("DNP3 exposed"), KC_SEV_HIGH},
    {27017, 0, "mongodb", K_MONGO, K_CONNECT, 0, "service.mongodb", N_("MongoDB exposed"), KC_SEV_MEDIUM},
    {47808, 1, "bacnet", K_BACNET, K_CONNECT, 0, "service.bacnet", N_("BACnet building automation exposed"),
     KC_SEV_HIGH},
};

const uint16_t kc_scan_default_ports[] = {
    21,  22,   23,   25,   80,   102,  110,  143,  443,  445,  465,   502,   587,   993,
    995, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 11211, 20000, 27017, 47808,
};
const size_t kc_scan_default_nports = KC_ARRAY_LEN(kc_scan_default_ports);

static const struct portdef generic_def = {0, 0, "", K_GENERIC, K_CONNECT, 0, NULL, NULL, KC_SEV_INFO};

static const struct portdef *portdef_find(uint16_t port)
{
	for (size_t i = 0; i < KC_ARRAY_LEN(portdefs); i++)
		if (portdefs[i].port == port)
			return &portdefs[i];
	return &generic_def;
}

/* ------------------------------------------------------------------ */
/* Time and token buckets                                               */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct bucket {
	double rate, burst, tokens, last;
};

static void bucket_init(struct bucket *b, double rate, double now)
{
	b->rate = rate;
	b->burst = rate > 1 ? rate : 1;
	b->tokens = b->burst;
	b->last = now;
}

static void bucket_refill(struct bucket *b, double now)
{
	if (b->rate <= 0)
		return;
	b->tokens += (now - b->last) * b->rate;
	if (b->tokens > b->burst)
		b->tokens = b->burst;
	b->last = now;
}

/* Seconds until a token is there (0: now; rate <= 0 means no limit). */
static double bucket_wait(struct bucket *b, double now)
{
	if (b->rate <= 0)
		return 0;
	bucket_refill(b, now);
	return b->tokens >= 1 ? 0 : (1 - b->tokens) / b->rate;
}

static void bucket_take(struct bucket *b)
{
	if (b->rate > 0)
		b->tokens -= 1;
}

/* ------------------------------------------------------------------ */
/* Engine state                                                         */

struct job {
	uint32_t ref; /* record or endpoint index */
	uint16_t port;
	uint8_t kind;
	uint8_t attempt;
	int8_t tlsv; /* K_TLSVER: index 0..3 of TLS 1.0..1.3 */
};

struct host {
	struct sockaddr_storage sa;
	socklen_t salen;
	const char *ip;
	struct bucket conn, req;
	struct job *jobs;
	size_t njobs, ajobs, next;
	int busy;
	int active; /* in the engine's active list */
	int reachable;
	size_t *tix; /* targets (or endpoints) at this address */
	size_t ntix;
};

enum pstate { S_CONNECT, S_TLS, S_WRITE, S_READ };
enum result { R_OPEN, R_CLOSED, R_TIMEOUT, R_UNREACH, R_DONE, R_TLSFAIL };

struct eng;

struct probe {
	struct host *h;
	struct job job;
	int fd;
	int udp;
	enum pstate st;
	int step;      /* exchange number within the kind */
	int want_tls;  /* TLS after connect (or after STARTTLS) */
	int tls_done;  /* handshake completed */
	int starttls;  /* SMTP dialogue before TLS */
	int timed_out; /* the last step hit its deadline */
	int tls_version;
	int pong; /* Redis answered PING without a password */
	double deadline;
	size_t hidx; /* index in the deadline heap, SIZE_MAX when not there */
	uint32_t events;
	int in_epoll;
	unsigned char out[512];
	size_t outlen, outoff;
	kc_buf in;
	SSL *ssl;
	struct probe *next_free;
};

/* What a phase does with a finished probe. */
typedef void (*done_fn)(struct eng *e, struct probe *p, enum result r);
/* Called when a TLS handshake completed (kc_scan_tls). */
typedef void (*tls_fn)(struct eng *e, struct probe *p);
/* Called for a request to send (kind, step), returns 1 to send/read, 0 to finish. */

struct eng {
	const struct kc_scan_opts *o;
	const struct kc_scan_sink *sink;
	int ep;
	struct host *hosts;
	size_t nhosts;
	size_t *active;
	size_t nactive;
	struct bucket global;
	int limits; /* per-IP limits on */
	int max_inflight, inflight;
	struct probe *probes, *free;
	struct probe **heap;
	size_t nheap;
	done_fn done;
	tls_fn on_tls;
	void *ctx;
	const char *phase;
	uint64_t ndone, total;
	double last_progress;
	SSL_CTX *tls_any, *tls_v[4];
	X509_STORE *store;
	const struct kc_scan_target *targets;
	const struct kc_tls_endpoint *eps;
	size_t *tix;
	/* Sweep sockets refused before they reached epoll, reset with
	 * connect(AF_UNSPEC) for the next probe: allocating and freeing a socket
	 * costs more than the probe itself on near targets. [0] IPv4, [1] IPv6. */
	int spare[2][64];
	int nspare[2];
};

/* ---- deadline heap ---- */

static void heap_swap(struct eng *e, size_t a, size_t b)
{
	struct probe *t = e->heap[a];

	e->heap[a] = e->heap[b];
	e->heap[b] = t;
	e->heap[a]->hidx = a;
	e->heap[b]->hidx = b;
}

static void heap_up(struct eng *e, size_t i)
{
	while (i > 0 && e->heap[(i - 1) / 2]->deadline > e->heap[i]->deadline) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct eng *e, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < e->nheap && e->heap[l]->deadline < e->heap[m]->deadline)
			m = l;
		if (r < e->nheap && e->heap[r]->deadline < e->heap[m]->deadline)
			m = r;
		if (m == i)
			return;
		heap_swap(e, i, m);
		i = m;
	}
}

static void heap_remove(struct eng *e, struct probe *p)
{
	size_t i = p->hidx;

	if (i == SIZE_MAX)
		return;
	p->hidx = SIZE_MAX;
	if (i == --e->nheap)
		return;
	e->heap[i] = e->heap[e->nheap];
	e->heap[i]->hidx = i;
	heap_up(e, i);
	heap_down(e, e->heap[i]->hidx);
}

/* Start a step: a fresh deadline, counted from now, not reset by data. */
static void set_deadline(struct eng *e, struct probe *p)
{
	heap_remove(e, p);
	p->deadline = mono() + e->o->timeout_ms / 1000.0;
	p->hidx = e->nheap;
	e->heap[e->nheap++] = p;
	heap_up(e, p->hidx);
}

/* ---- hosts and jobs ---- */

static int host_addr(struct host *h, const char *ip)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&h->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&h->sa;

	memset(&h->sa, 0, sizeof(h->sa));
	h->ip = ip;
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		h->salen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		h->salen = sizeof(*s6);
		return 0;
	}
	return KC_EINVAL;
}

static void activate(struct eng *e, struct host *h)
{
	if (h->active)
		return;
	h->active = 1;
	e->active[e->nactive++] = (size_t)(h - e->hosts);
}

static int job_add(struct eng *e, struct host *h, struct job j)
{
	if (h->njobs == h->ajobs) {
		size_t na = h->ajobs ? h->ajobs * 2 : 8;
		struct job *nj = realloc(h->jobs, na * sizeof(*nj));

		if (!nj)
			return KC_ENOMEM;
		h->jobs = nj;
		h->ajobs = na;
	}
	h->jobs[h->njobs++] = j;
	e->total++;
	activate(e, h);
	return 0;
}

/* Group n addresses into hosts: one per distinct address. tix lists, per
 * host, the indices of the items at that address. */
static int hosts_build(struct eng *e, size_t n, const char *(*ip_of)(struct eng *, size_t), kc_err *err)
{
	size_t *order;
	size_t m = n ? n : 1;

	e->hosts = calloc(m, sizeof(*e->hosts));
	e->active = calloc(m, sizeof(*e->active));
	e->tix = malloc(m * sizeof(*e->tix));
	order = e->tix;
	if (!e->hosts || !e->active || !order)
		return kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Shell sort by address text: equal addresses become neighbours. */
	for (size_t gap = n / 2; gap > 0; gap /= 2)
		for (size_t i = gap; i < n; i++)
			for (size_t j = i;
			     j >= gap && strcmp(ip_of(e, order[j - gap]), ip_of(e, order[j])) > 0; j -= gap) {
				size_t t = order[j];

				order[j] = order[j - gap];
				order[j - gap] = t;
			}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct host *h = &e->hosts[e->nhosts];

		while (j < n && strcmp(ip_of(e, order[i]), ip_of(e, order[j])) == 0)
			j++;
		if (host_addr(h, ip_of(e, order[i])))
			return kc_err_set(err, KC_EINVAL, _("not a numeric IP address: %s"),
			                  ip_of(e, order[i]));
		h->tix = order + i;
		h->ntix = j - i;
		bucket_init(&h->conn, e->limits ? e->o->per_ip_connect_rate : 0, mono());
		bucket_init(&h->req, e->limits ? e->o->per_ip_rate : 0, mono());
		e->nhosts++;
		i = j;
	}
	return 0;
}

/* ---- TLS contexts ---- */

static SSL_CTX *tls_ctx(int minv, int maxv, size_t max_cert)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());

	if (!c)
		return NULL;
	SSL_CTX_set_min_proto_version(c, minv);
	SSL_CTX_set_max_proto_version(c, maxv);
	/* Old versions and weak certificates must be seen to be reported. */
	SSL_CTX_set_security_level(c, 0);
	SSL_CTX_set_cipher_list(c, "ALL:@SECLEVEL=0");
	SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_max_cert_list(c, (long)max_cert);
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
	return c;
}

static const int tls_versions[4] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};

/* ------------------------------------------------------------------ */
/* Engine core                                                          */

static int eng_init(struct eng *e, const struct kc_scan_opts *o, const struct kc_scan_sink *sink, int limits,
                    kc_err *err)
{
	struct rlimit rl;
	int maxfd;

	memset(e, 0, sizeof(*e));
	e->ep = -1;
	e->o = o;
	e->sink = sink;
	e->limits = limits;
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	if (e->ep < 0)
		return kc_err_set(err, KC_EIO, _("cannot create an epoll instance: %s"), strerror(errno));
	e->max_inflight = o->max_inflight > 0 ? o->max_inflight : 1;
	/* Leave room under the descriptor limit for the rest of the process. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		maxfd = rl.rlim_cur > 100000 ? 100000 : (int)rl.rlim_cur;
		if (e->max_inflight > maxfd - 64)
			e->max_inflight = maxfd > 128 ? maxfd - 64 : 32;
	}
	e->probes = calloc((size_t)e->max_inflight, sizeof(*e->probes));
	e->heap = calloc((size_t)e->max_inflight, sizeof(*e->heap));
	if (!e->probes || !e->heap)
		return kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
	for (int i = e->max_inflight - 1; i >= 0; i--) {
		e->probes[i].next_free = e->free;
		e->probes[i].fd = -1;
		e->probes[i].hidx = SIZE_MAX;
		e->free = &e->probes[i];
	}
	bucket_init(&e->global, o->global_rate, mono());
	return 0;
}

static int eng_tls_init(struct eng *e, kc_err *err)
{
	size_t mc = e->o->max_read > 16384 ? e->o->max_read : 16384;

	e->tls_any = tls_ctx(TLS1_VERSION, TLS1_3_VERSION, mc);
	for (int i = 0; i < 4; i++)
		e->tls_v[i] = tls_ctx(tls_versions[i], tls_versions[i], mc);
	if (!e->tls_any || !e->tls_v[0] || !e->tls_v[1] || !e->tls_v[2] || !e->tls_v[3])
		return kc_err_set(err, KC_EINTERNAL, "%s", _("cannot set up OpenSSL"));
	e->store = X509_STORE_new();
	if (!e->store)
		return kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
	if (e->o->ca_file) {
		if (X509_STORE_load_file(e->store, e->o->ca_file) != 1)
			return kc_err_set(err, KC_EIO, _("cannot read the CA file %s"), e->o->ca_file);
	} else {
		X509_STORE_set_default_paths(e->store);
	}
	return 0;
}

static void eng_release(struct eng *e)
{
	if (e->ep >= 0)
		close(e->ep);
	for (int f = 0; f < 2; f++)
		while (e->nspare[f] > 0)
			close(e->spare[f][--e->nspare[f]]);
	for (size_t i = 0; i < e->nhosts; i++)
		free(e->hosts[i].jobs);
	free(e->tix);
	free(e->hosts);
	free(e->active);
	free(e->probes);
	free(e->heap);
	SSL_CTX_free(e->tls_any);
	for (int i = 0; i < 4; i++)
		SSL_CTX_free(e->tls_v[i]);
	X509_STORE_free(e->store);
}

static void progress(struct eng *e, int force)
{
	double now;

	if (!e->sink || !e->sink->progress)
		return;
	if (!force && (e->ndone & 255) != 0)
		return;
	now = mono();
	if (!force && now - e->last_progress < 0.25)
		return;
	e->last_progress = now;
	e->sink->progress(e->sink->arg, e->phase, e->ndone, e->total);
}

static void want(struct eng *e, struct probe *p, uint32_t ev)
{
	struct epoll_event ee = {.events = ev, .data.ptr = p};

	if (p->in_epoll && p->events == ev)
		return;
	if (epoll_ctl(e->ep, p->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, p->fd, &ee) == 0) {
		p->in_epoll = 1;
		p->events = ev;
	}
}

static void finish(struct eng *e, struct probe *p, enum result r)
{
	heap_remove(e, p);
	if (p->ssl) {
		SSL_free(p->ssl);
		p->ssl = NULL;
	}
	if (p->fd >= 0 && p->job.kind == K_CONNECT && r == R_CLOSED && !p->in_epoll) {
		int fam = p->h->sa.ss_family == AF_INET6;
		struct sockaddr un = {.sa_family = AF_UNSPEC};

		if (e->nspare[fam] < (int)KC_ARRAY_LEN(e->spare[fam]) &&
		    connect(p->fd, &un, sizeof(un)) == 0) {
			e->spare[fam][e->nspare[fam]++] = p->fd;
			p->fd = -1;
		}
	}
	if (p->fd >= 0) {
		if (p->job.kind == K_CONNECT && r == R_OPEN) {
			/* A sweep closes with a reset: no TIME_WAIT, nothing more sent. */
			struct linger lg = {1, 0};

			setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		close(p->fd);
		p->fd = -1;
	}
	p->in_epoll = 0;
	if (r == R_OPEN || r == R_CLOSED || r == R_DONE || r == R_TLSFAIL)
		p->h->reachable = 1;
	p->h->busy--;
	e->inflight--;
	e->ndone++;
	e->done(e, p, r);
	kc_buf_release(&p->in);
	p->next_free = e->free;
	e->free = p;
	progress(e, 0);
}

/* Put a job back after a timeout when retries are left. */
static int retry(struct eng *e, struct probe *p)
{
	struct job j = p->job;

	if (j.attempt >= e->o->retries)
		return 0;
	j.attempt++;
	if (job_add(e, p->h, j))
		return 0;
	return 1;
}

/* ---- protocol exchanges ---- */

static void put_u16le(unsigned char *b, unsigned v)
{
	b[0] = (unsigned char)(v & 0xff);
	b[1] = (unsigned char)(v >> 8);
}

static uint32_t get_u32le(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void set_out(struct probe *p, const void *d, size_t n)
{
	if (n > sizeof(p->out))
		n = sizeof(p->out);
	memcpy(p->out, d, n);
	p->outlen = n;
	p->outoff = 0;
}

static void set_outs(struct probe *p, const char *s)
{
	set_out(p, s, strlen(s));
}

static uint16_t dnp3_crc(const unsigned char *d, size_t n)
{
	uint16_t crc = 0;

	for (size_t i = 0; i < n; i++) {
		crc ^= d[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA6BC) : (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

static size_t smb2_negotiate(unsigned char *b)
{
	static const uint16_t dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
	size_t off = 4, nd = KC_ARRAY_LEN(dialects), ctx;
	unsigned char *s;

	memset(b, 0, 200);
	s = b + 4;
	memcpy(s, "\xfeSMB", 4);
	s[4] = 64; /* StructureSize */
	s[14] = 1; /* CreditRequest */
	off = 64;  /* NEGOTIATE request */
	s[off] = 36;
	put_u16le(s + off + 2, (unsigned)nd);
	s[off + 4] = 1; /* signing enabled */
	memcpy(s + off + 12, "kcert-scan-guid!", 16);
	for (size_t i = 0; i < nd; i++)
		put_u16le(s + off + 36 + 2 * i, dialects[i]);
	ctx = off + 36 + 2 * nd;
	ctx = (ctx + 7) & ~(size_t)7;
	/* NegotiateContextOffset / Count for 3.1.1: preauth integrity, SHA-512. */
	s[off + 28] = (unsigned char)(ctx & 0xff);
	s[off + 29] = (unsigned char)(ctx >> 8);
	put_u16le(s + off + 32, 1);
	put_u16le(s + ctx, 1);       /* PREAUTH_INTEGRITY_CAPABILITIES */
	put_u16le(s + ctx + 2, 38);  /* DataLength */
	put_u16le(s + ctx + 8, 1);   /* HashAlgorithmCount */
	put_u16le(s + ctx + 10, 32); /* SaltLength */
	put_u16le(s + ctx + 12, 1);  /* SHA-512 */
	memcpy(s + ctx + 14, "kcert-scanner-salt-0123456789abc", 32);
	ctx += 8 + 38;
	b[1] = (unsigned char)(ctx >> 16);
	b[2] = (unsigned char)(ctx >> 8);
	b[3] = (unsigned char)(ctx & 0xff);
	return ctx + 4;
}

/* The first request of a kind (may be empty: the server speaks first). */
static void proto_begin(struct eng *e, struct probe *p)
{
	const char *host = e->targets && p->h->ntix ? e->targets[p->h->tix[0]].host : "";
	char req[400];

	p->outlen = p->outoff = 0;
	switch ((enum kind)p->job.kind) {
	case K_HTTP:
	case K_ES:
		snprintf(req, sizeof(req),
		         "GET / HTTP/1.0\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\nConnection: "
		         "close\r\n\r\n",
		         host[0] ? host : p->h->ip, e->o->user_agent ? e->o->user_agent : "kcert-scanner");
		set_outs(p, req);
		break;
	case K_RDP:
		/* TPKT, X.224 Connection Request, RDP_NEG_REQ offering TLS, CredSSP, CredSSP+EX. */
		set_out(p, "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x0b\x00\x00\x00",
		        19);
		break;
	case K_SMB2: p->outlen = smb2_negotiate(p->out); break;
	case K_SMB1: {
		/* SMB1 NEGOTIATE offering only "NT LM 0.12": an answer means SMBv1 is on. */
		static const unsigned char smb1[] = {
		    0x00, 0x00, 0x00, 0x2f, 0xff, 'S',  'M', 'B', 0x72, 0,   0,    0,    0,
		    0x18, 0x01, 0x48, 0,    0,    0,    0,   0,   0,    0,   0,    0,    0,
		    0,    0,    0,    0,    0xff, 0xfe, 0,   0,   0,    0,   0x00, 0x0c, 0x00,
		    0x02, 'N',  'T',  ' ',  'L',  'M',  ' ', '0', '.',  '1', '2',  0x00,
		};
		set_out(p, smb1, sizeof(smb1));
		break;
	}
	case K_REDIS: set_outs(p, "PING\r\n"); break;
	case K_PGSQL: set_out(p, "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8); break;
	case K_MSSQL: {
		static const unsigned char pre[] = {
		    0x12, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x01, 0x00, /* TDS header */
		    0x00, 0x00, 0x1a, 0x00, 0x06, 0x01, 0x00, 0x20, 0x00, 0x01, 0x02,
		    0x00, 0x21, 0x00, 0x01, 0x03, 0x00, 0x22, 0x00, 0x04, 0x04, 0x00,
		    0x26, 0x00, 0x01, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* VERSION */
		    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ENCRYPTION INSTOPT THREADID */
		    0x00,                                     /* MARS */
		};
		set_out(p, pre, sizeof(pre));
		break;
	}
	case K_MONGO: {
		/* OP_QUERY isMaster on admin.$cmd: every MongoDB answers it. */
		static const unsigned char q[] = {
		    58,  0,   0,   0,   1,   0,    0,    0,    0,    0,   0,   0,   0xd4, 0x07, 0,
		    0,   0,   0,   0,   0,   'a',  'd',  'm',  'i',  'n', '.', '$', 'c',  'm',  'd',
		    0,   0,   0,   0,   0,   0xff, 0xff, 0xff, 0xff, 19,  0,   0,   0,    0x10, 'i',
		    's', 'M', 'a', 's', 't', 'e',  'r',  0,    1,    0,   0,   0,   0,
		};
		set_out(p, q, sizeof(q));
		break;
	}
	case K_MEMCACHED: set_outs(p, "version\r\n"); break;
	case K_MODBUS:
		/* Read Device Identification (43/14), basic objects. */
		set_out(p, "\x00\x01\x00\x00\x00\x05\x00\x2b\x0e\x01\x00", 11);
		break;
	case K_S7:
		/* TPKT + COTP Connection Request to TSAP 0x0102 (rack 0, slot 2). */
		set_out(p,
		        "\x03\x00\x00\x16\x11\xe0\x00\x00\x00\x01\x00\xc1\x02\x01\x00\xc2\x02\x01\x02\xc0\x01"
		        "\x0a",
		        22);
		break;
	case K_DNP3: {
		unsigned char f[10] = {0x05, 0x64, 0x05, 0xc9, 0x01, 0x00, 0x03, 0x00};
		uint16_t crc = dnp3_crc(f, 8);

		f[8] = (unsigned char)(crc & 0xff);
		f[9] = (unsigned char)(crc >> 8);
		set_out(p, f, sizeof(f));
		break;
	}
	case K_BACNET:
		/* BVLC original-unicast, NPDU, unconfirmed Who-Is. */
		set_out(p, "\x81\x0a\x00\x08\x01\x00\x10\x08", 8);
		break;
	default: break;
	}
}

/* A reply line "NNN text" is complete (last line of a multi-line reply). */
static int reply_complete(const kc_buf *in)
{
	const char *s = kc_buf_str(in), *line = s;

	for (const char *nl; (nl = memchr(line, '\n', in->len - (size_t)(line - s))); line = nl + 1)
		if (nl - line >= 3 && (nl - line == 3 || line[3] == ' ' || line[3] == '\r'))
			return 1;
	return 0;
}

static int has_line(const kc_buf *in)
{
	return in->len > 0 && memchr(in->ptr, '\n', in->len) != NULL;
}

/* Length-framed replies: total length once known, else 0. */
static size_t framed_len(const struct probe *p)
{
	const unsigned char *b = (const unsigned char *)p->in.ptr;
	size_t n = p->in.len;

	switch ((enum kind)p->job.kind) {
	case K_RDP:
	case K_S7: return n >= 4 ? ((size_t)b[2] << 8 | b[3]) : 0;
	case K_SMB1:
	case K_SMB2: return n >= 4 ? 4 + ((size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3]) : 0;
	case K_MYSQL: return n >= 4 ? 4 + ((size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16) : 0;
	case K_MSSQL: return n >= 4 ? ((size_t)b[2] << 8 | b[3]) : 0;
	case K_MONGO: return n >= 4 ? get_u32le(b) : 0;
	case K_MODBUS: return n >= 6 ? 6 + ((size_t)b[4] << 8 | b[5]) : 0;
	case K_DNP3: return n >= 3 ? 5 + b[2] + 2 * ((b[2] + 10) / 16) : 0;
	default: return 0;
	}
}

/*
 * Data arrived: 0 when more is needed, 1 when the exchange is over, 2 when a
 * next request was put in p->out (same connection).
 */
static int proto_input(struct eng *e, struct probe *p)
{
	const kc_buf *in = &p->in;
	size_t fl;

	(void)e;
	if (p->starttls) {
		/* SMTP before TLS: 220 greeting, EHLO, STARTTLS, 220. */
		if (!reply_complete(in))
			return 0;
		if (p->step == 0 && strncmp(in->ptr, "220", 3) == 0) {
			set_outs(p, "EHLO kcert-scanner.invalid\r\n");
		} else if (p->step == 1 && strncmp(in->ptr, "250", 3) == 0) {
			set_outs(p, "STARTTLS\r\n");
		} else if (p->step == 2 && strncmp(in->ptr, "220", 3) == 0) {
			p->starttls = 0;
			p->outlen = 0;
		} else {
			return 1; /* no STARTTLS here */
		}
		p->step++;
		return 2;
	}
	switch ((enum kind)p->job.kind) {
	case K_SSH:
	case K_MAILBOX:
	case K_VNC:
	case K_MEMCACHED:
	case K_GENERIC: return has_line(in);
	case K_FTP:
	case K_SMTP: return reply_complete(in);
	case K_TELNET:
		/* IAC negotiation comes first; a few bytes or a line is enough. */
		return in->len >= 12 || has_line(in);
	case K_PGSQL: return in->len >= 1;
	case K_REDIS:
		if (p->step == 0) {
			if (!has_line(in))
				return 0;
			if (strncmp(in->ptr, "+PONG", 5) == 0) {
				p->pong = 1;
				set_outs(p, "INFO server\r\n");
				p->step = 1;
				return 2;
			}
			return 1;
		}
		/* "+PONG\r\n$N\r\n<N bytes>\r\n" */
		{
			const char *d = strchr(in->ptr, '$');
			const char *nl = d ? strstr(d, "\r\n") : NULL;

			if (!nl)
				return in->len > 64 && !d;
			return (size_t)(nl + 2 - in->ptr) + (size_t)strtoul(d + 1, NULL, 10) <= in->len;
		}
	case K_BACNET: return in->len >= 4;
	case K_HTTP:
	case K_ES:
	case K_TLSONLY: return 0; /* until the server closes, max_read or the deadline */
	default: fl = framed_len(p); return fl > 0 && in->len >= fl;
	}
}

/* ---- I/O ---- */

static void step_exchange(struct eng *e, struct probe *p);

static void tls_start(struct eng *e, struct probe *p)
{
	SSL_CTX *c = p->job.kind == K_TLSVER ? e->tls_v[p->job.tlsv] : e->tls_any;
	const char *host = "";

	if (e->eps)
		host = e->eps[p->job.ref].host;
	else if (e->targets && p->h->ntix)
		host = e->targets[p->h->tix[0]].host;
	p->ssl = SSL_new(c);
	if (!p->ssl || !SSL_set_fd(p->ssl, p->fd)) {
		finish(e, p, R_TLSFAIL);
		return;
	}
	if (host[0]) {
		struct in6_addr a;

		if (inet_pton(AF_INET, host, &a) != 1 && inet_pton(AF_INET6, host, &a) != 1)
			SSL_set_tlsext_host_name(p->ssl, host);
	}
	p->st = S_TLS;
	kc_buf_clear(&p->in);
	set_deadline(e, p);
	want(e, p, EPOLLOUT | EPOLLIN);
}

static void tls_step(struct eng *e, struct probe *p)
{
	int r;

	ERR_clear_error();
	r = SSL_connect(p->ssl);
	if (r == 1) {
		p->tls_done = 1;
		p->tls_version = SSL_version(p->ssl);
		if (e->on_tls)
			e->on_tls(e, p);
		if (p->job.kind == K_TLSVER || p->job.kind == K_TLSONLY) {
			finish(e, p, R_DONE);
			return;
		}
		p->step = 0;
		step_exchange(e, p);
		return;
	}
	switch (SSL_get_error(p->ssl, r)) {
	case SSL_ERROR_WANT_READ: want(e, p, EPOLLIN); return;
	case SSL_ERROR_WANT_WRITE: want(e, p, EPOLLOUT); return;
	default: ERR_clear_error(); finish(e, p, R_TLSFAIL);
	}
}

/* Start a request/response exchange: write p->out, then read. */
static void step_exchange(struct eng *e, struct probe *p)
{
	if (p->step == 0 && !p->starttls)
		proto_begin(e, p);
	kc_buf_clear(&p->in);
	set_deadline(e, p);
	p->st = p->outlen > p->outoff ? S_WRITE : S_READ;
	want(e, p, p->st == S_WRITE ? EPOLLOUT : EPOLLIN);
}

static void after_connect(struct eng *e, struct probe *p)
{
	if (p->job.kind == K_CONNECT) {
		finish(e, p, R_OPEN);
		return;
	}
	p->step = 0;
	if (p->starttls) {
		kc_buf_clear(&p->in);
		p->outlen = p->outoff = 0;
		set_deadline(e, p);
		p->st = S_READ;
		want(e, p, EPOLLIN);
		return;
	}
	if (p->want_tls) {
		tls_start(e, p);
		return;
	}
	step_exchange(e, p);
}

static void do_write(struct eng *e, struct probe *p)
{
	while (p->outoff < p->outlen) {
		ssize_t w;

		if (p->ssl && p->tls_done) {
			int r;

			ERR_clear_error();
			r = SSL_write(p->ssl, p->out + p->outoff, (int)(p->outlen - p->outoff));
			if (r <= 0) {
				int se = SSL_get_error(p->ssl, r);

				if (se == SSL_ERROR_WANT_WRITE || se == SSL_ERROR_WANT_READ) {
					want(e, p, se == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
					return;
				}
				finish(e, p, p->in.len ? R_DONE : R_OPEN);
				return;
			}
			w = r;
		} else {
			w = send(p->fd, p->out + p->outoff, p->outlen - p->outoff, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EAGAIN || errno == EINTR) {
					want(e, p, EPOLLOUT);
					return;
				}
				finish(e, p, errno == ECONNREFUSED ? R_CLOSED : R_OPEN);
				return;
			}
		}
		p->outoff += (size_t)w;
	}
	p->st = S_READ;
	want(e, p, EPOLLIN);
}

static void do_read(struct eng *e, struct probe *p)
{
	char buf[4096];

	for (;;) {
		size_t room = p->in.max - p->in.len;
		ssize_t r;
		int pr;

		if (room == 0) {
			/* max_read: what we have is all we take (endless banners). */
			finish(e, p, R_DONE);
			return;
		}
		if (room > sizeof(buf))
			room = sizeof(buf);
		if (p->ssl && p->tls_done) {
			int sr;

			ERR_clear_error();
			sr = SSL_read(p->ssl, buf, (int)room);
			if (sr <= 0) {
				int se = SSL_get_error(p->ssl, sr);

				if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE) {
					want(e, p, se == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
					return;
				}
				ERR_clear_error();
				finish(e, p, R_DONE);
				return;
			}
			r = sr;
		} else {
			r = recv(p->fd, buf, room, 0);
			if (r < 0) {
				if (errno == EAGAIN || errno == EINTR) {
					want(e, p, EPOLLIN);
					return;
				}
				finish(e, p, p->udp && errno == ECONNREFUSED ? R_CLOSED : R_DONE);
				return;
			}
			if (r == 0) {
				finish(e, p, R_DONE);
				return;
			}
		}
		if (kc_buf_add(&p->in, buf, (size_t)r)) {
			finish(e, p, R_DONE);
			return;
		}
		pr = proto_input(e, p);
		if (pr == 1) {
			finish(e, p, R_DONE);
			return;
		}
		if (pr == 2) {
			if (!p->starttls && p->step == 3 && p->job.kind == K_TLSVER) {
				/* STARTTLS accepted: the TLS handshake follows. */
				tls_start(e, p);
				return;
			}
			if (p->step == 3 && p->want_tls && !p->tls_done) {
				tls_start(e, p);
				return;
			}
			kc_buf_clear(&p->in);
			set_deadline(e, p);
			p->st = S_WRITE;
			do_write(e, p);
			return;
		}
		if (p->udp)
			return;
	}
}

static void on_event(struct eng *e, struct probe *p, uint32_t ev)
{
	if (p->st == S_CONNECT) {
		int soerr = 0;
		socklen_t l = sizeof(soerr);

		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &l) < 0)
			soerr = errno;
		if (soerr == 0 && !(ev & (EPOLLERR | EPOLLHUP))) {
			after_connect(e, p);
			return;
		}
		finish(e, p, soerr == ECONNREFUSED ? R_CLOSED : soerr == ETIMEDOUT ? R_TIMEOUT : R_UNREACH);
		return;
	}
	if (p->st == S_TLS) {
		tls_step(e, p);
		return;
	}
	if (p->st == S_WRITE) {
		do_write(e, p);
		return;
	}
	do_read(e, p);
}

static void on_timeout(struct eng *e, struct probe *p)
{
	p->timed_out = 1;
	if (p->st == S_CONNECT) {
		int again = retry(e, p);

		finish(e, p, again ? R_UNREACH : R_TIMEOUT);
		return;
	}
	if (p->udp && p->in.len == 0) {
		int again = retry(e, p);

		finish(e, p, again ? R_UNREACH : R_TIMEOUT);
		return;
	}
	finish(e, p, p->st == S_TLS ? R_TLSFAIL : R_DONE);
}

/* Start one job on host h; returns 0, or -1 when out of descriptors. */
static int start(struct eng *e, struct host *h, struct job j)
{
	struct probe *p = e->free;
	int fd, r;

	e->free = p->next_free;
	memset(p, 0, sizeof(*p));
	p->h = h;
	p->job = j;
	p->fd = -1;
	p->hidx = SIZE_MAX;
	p->udp = portdef_find(j.port)->udp && j.kind == K_BACNET;
	if (j.kind == K_TLSVER) {
		p->want_tls = 1;
		p->starttls = e->eps[j.ref].starttls == KC_STARTTLS_SMTP;
	} else if (j.kind != K_CONNECT) {
		p->want_tls = portdef_find(j.port)->tls;
	}
	kc_buf_init(&p->in, e->o->max_read > 0 ? e->o->max_read : 65536);
	h->busy++;
	e->inflight++;
	if (j.kind == K_CONNECT && e->nspare[h->sa.ss_family == AF_INET6] > 0)
		fd = e->spare[h->sa.ss_family == AF_INET6][--e->nspare[h->sa.ss_family == AF_INET6]];
	else
		fd = socket(h->sa.ss_family,
		            (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int en = errno;

		p->fd = -1;
		/* Give the job back and wait for a slot to free. */
		h->busy--;
		e->inflight--;
		kc_buf_release(&p->in);
		p->next_free = e->free;
		e->free = p;
		return en == EMFILE || en == ENFILE || en == ENOBUFS || en == ENOMEM ? -1 : -2;
	}
	p->fd = fd;
	if (h->sa.ss_family == AF_INET)
		((struct sockaddr_in *)&h->sa)->sin_port = htons(j.port);
	else
		((struct sockaddr_in6 *)&h->sa)->sin6_port = htons(j.port);
	if (!p->udp && j.kind != K_CONNECT) {
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	r = connect(fd, (struct sockaddr *)&h->sa, h->salen);
	if (r == 0) {
		p->st = S_CONNECT;
		after_connect(e, p);
		return 0;
	}
	if (errno == EINPROGRESS) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		/* On near (loopback, LAN) targets the answer is often there already:
		 * a refusal then costs no epoll round trip. */
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr != 0) {
			finish(e, p, soerr == ECONNREFUSED ? R_CLOSED : R_UNREACH);
			return 0;
		}
		p->st = S_CONNECT;
		set_deadline(e, p);
		want(e, p, EPOLLOUT);
		return 0;
	}
	finish(e, p, errno == ECONNREFUSED ? R_CLOSED : R_UNREACH);
	return 0;
}

/* Start what the limits allow; returns seconds until something may start. */
static double schedule(struct eng *e)
{
	double now = mono(), wait = 1.0;

	for (size_t ai = 0; ai < e->nactive && e->inflight < e->max_inflight;) {
		struct host *h = &e->hosts[e->active[ai]];
		int started = 0;

		while (h->next < h->njobs && e->inflight < e->max_inflight) {
			struct job j = h->jobs[h->next];
			int is_req = j.kind != K_CONNECT;
			double w;

			if (e->limits && h->busy > 0 && is_req)
				break; /* one handshake per host at a time */
			w = bucket_wait(&e->global, now);
			if (w > 0) {
				if (w < wait)
					wait = w;
				return wait;
			}
			w = bucket_wait(&h->conn, now);
			if (is_req && w == 0)
				w = bucket_wait(&h->req, now);
			if (w > 0) {
				if (w < wait)
					wait = w;
				break;
			}
			bucket_take(&e->global);
			bucket_take(&h->conn);
			if (is_req)
				bucket_take(&h->req);
			h->next++;
			if (start(e, h, j) == -1) {
				h->next--;
				return 0.01;
			}
			started++;
			/* With limits on, round-robin: one start per host per pass. */
			if (e->limits)
				break;
		}
		if (h->next >= h->njobs) {
			h->active = 0;
			e->active[ai] = e->active[--e->nactive];
			continue;
		}
		(void)started;
		ai++;
	}
	if (e->inflight >= e->max_inflight)
		return 1.0;
	return e->nactive ? wait : 1.0;
}

static int eng_run(struct eng *e)
{
	struct epoll_event evs[512];

	e->last_progress = 0;
	progress(e, 1);
	while (e->nactive > 0 || e->inflight > 0) {
		double wait = schedule(e), now;
		int tmo, n;

		if (e->nheap > 0) {
			double d = e->heap[0]->deadline - mono();

			if (d < wait)
				wait = d;
		}
		if (e->inflight == 0 && e->nactive == 0)
			break;
		tmo = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
		n = epoll_wait(e->ep, evs, (int)KC_ARRAY_LEN(evs), tmo);
		for (int i = 0; i < n; i++) {
			struct probe *p = evs[i].data.ptr;

			if (p->fd >= 0)
				on_event(e, p, evs[i].events);
		}
		now = mono();
		while (e->nheap > 0 && e->heap[0]->deadline <= now)
			on_timeout(e, e->heap[0]);
	}
	progress(e, 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Ports: sweep, identification, findings                               */

struct rec {
	size_t host;
	uint16_t port;
	int udp;
	const struct portdef *def;
	char service[24];
	int tls, confirmed, confidence;
	enum kc_sev sev;
	int smb1;
	size_t bytes;
	char banner[256];
	struct kc_product prod;
	int has_prod;
	json_t *ev; /* facts for the service finding */
};

struct ports_ctx {
	struct rec *recs;
	size_t n, alloc;
	int failed;
};

static const char *target_ip(struct eng *e, size_t i)
{
	return e->targets[i].ip;
}

static const char *ep_ip(struct eng *e, size_t i)
{
	return e->eps[i].ip;
}

static struct rec *rec_new(struct ports_ctx *c, size_t host, uint16_t port, int udp)
{
	struct rec *r;

	if (c->n == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 64;
		struct rec *nr = realloc(c->recs, na * sizeof(*nr));

		if (!nr) {
			c->failed = 1;
			return NULL;
		}
		c->recs = nr;
		c->alloc = na;
	}
	r = &c->recs[c->n++];
	memset(r, 0, sizeof(*r));
	r->host = host;
	r->port = port;
	r->udp = udp;
	r->def = portdef_find(port);
	snprintf(r->service, sizeof(r->service), "%s", r->def->service);
	r->sev = r->def->sev;
	r->confidence = r->def->check ? 30 : 0;
	r->ev = json_object();
	return r;
}

static void ev_str(struct rec *r, const char *k, const char *v)
{
	json_object_set_new(r->ev, k, json_string(v));
}

/* Header value of name in an HTTP response (first line only), into out. */
static int http_header(const char *resp, size_t len, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	const char *p = resp, *end = resp + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (ll == 0 || (ll == 1 && p[0] == '\r'))
			return 0; /* end of headers */
		if (ll > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t vl = ll - nl - 1;

			while (vl > 0 && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			snprintf(out, outsz, "%.*s", (int)vl, v);
			return 1;
		}
		p = eol ? eol + 1 : end;
	}
	return 0;
}

static void set_product_from(struct rec *r, const char *service, const char *b, size_t n)
{
	struct kc_product pr;

	if (!r->has_prod && kc_banner_product(service, b, n, &pr)) {
		r->prod = pr;
		r->has_prod = 1;
	}
}

static const char *rdp_proto_name(uint32_t v)
{
	switch (v) {
	case 0: return "rdp";
	case 1: return "ssl";
	case 2: return "hybrid";
	case 8: return "hybrid_ex";
	default: return "unknown";
	}
}

static const char *smb_dialect(unsigned d)
{
	switch (d) {
	case 0x0202: return "2.0.2";
	case 0x0210: return "2.1";
	case 0x0300: return "3.0";
	case 0x0302: return "3.0.2";
	case 0x0311: return "3.1.1";
	case 0x02ff: return "2.???";
	default: return "unknown";
	}
}

/* What the answer to a handshake says; fills r. */
static void interpret(struct rec *r, const struct probe *p)
{
	const unsigned char *b = (const unsigned char *)kc_buf_str(&p->in);
	const char *s = kc_buf_str(&p->in);
	size_t n = p->in.len;
	char tmp[128];

	if (p->tls_done)
		r->tls = 1;
	if (n > 0 && p->job.kind != K_SMB1) {
		r->bytes = n;
		kc_banner_excerpt(b, n, r->banner, sizeof(r->banner));
	}
	if (p->timed_out && n > 0)
		json_object_set_new(r->ev, "cut_at_deadline", json_true());
	if (n >= p->in.max)
		json_object_set_new(r->ev, "cut_at_max_read", json_true());
	switch ((enum kind)p->job.kind) {
	case K_SSH:
	case K_GENERIC:
		if (n >= 4 && memcmp(s, "SSH-", 4) == 0) {
			r->confirmed = 1;
			snprintf(r->service, sizeof(r->service), "ssh");
			set_product_from(r, "ssh", s, n);
		}
		break;
	case K_FTP:
		if (n >= 4 && memcmp(s, "220", 3) == 0) {
			r->confirmed = 1;
			set_product_from(r, "ftp", s, n);
			ev_str(r, "anonymous_login", "not tried");
		}
		break;
	case K_SMTP:
		if (n >= 4 && memcmp(s, "220", 3) == 0) {
			r->confirmed = 1;
			set_product_from(r, "smtp", s, n);
		}
		break;
	case K_MAILBOX:
		if (n >= 3 && memcmp(s, "+OK", 3) == 0) {
			r->confirmed = 1;
			snprintf(r->service, sizeof(r->service), "pop3");
			set_product_from(r, "pop3", s, n);
		} else if (n >= 4 && memcmp(s, "* OK", 4) == 0) {
			r->confirmed = 1;
			snprintf(r->service, sizeof(r->service), "imap");
			set_product_from(r, "imap", s, n);
		}
		break;
	case K_HTTP:
		if (n >= 5 && memcmp(s, "HTTP/", 5) == 0) {
			char server[128];

			r->confirmed = 1;
			if (http_header(s, n, "Server", server, sizeof(server)))
				set_product_from(r, "http", server, strlen(server));
		}
		break;
	case K_TLSONLY:
		if (p->tls_done) {
			r->confirmed = 1;
			ev_str(r, "tls", "yes"); /* the versions offered come from kc_scan_tls */
		}
		break;
	case K_RDP:
		if (n >= 11 && b[0] == 3 && (b[5] & 0xf0) == 0xd0) {
			r->confirmed = 1;
			ev_str(r, "handshake", "X.224 Connection Confirm");
			if (n >= 19 && b[11] == 0x02) {
				uint32_t sel = get_u32le(b + 15);

				ev_str(r, "selected_protocol", rdp_proto_name(sel));
				json_object_set_new(r->ev, "nla", json_boolean(sel == 2 || sel == 8));
			} else if (n >= 19 && b[11] == 0x03) {
				json_object_set_new(r->ev, "negotiation_failure",
				                    json_integer(get_u32le(b + 15)));
			}
		}
		break;
	case K_SMB2:
		if (n >= 4 + 64 + 6 && memcmp(b + 4, "\xfeSMB", 4) == 0) {
			unsigned d = b[4 + 64 + 4] | (unsigned)b[4 + 64 + 5] << 8;

			r->confirmed = 1;
			ev_str(r, "dialect", smb_dialect(d));
		} else if (n >= 9 && memcmp(b + 4, "\xffSMB", 4) == 0) {
			r->confirmed = 1;
			r->smb1 = 1;
			ev_str(r, "dialect", "NT LM 0.12");
		}
		break;
	case K_SMB1:
		if (n >= 13 && memcmp(b + 4, "\xffSMB", 4) == 0 && b[8] == 0x72 && get_u32le(b + 9) == 0) {
			r->confirmed = 1;
			r->smb1 = 1;
		}
		json_object_set_new(r->ev, "smbv1", json_boolean(r->smb1));
		break;
	case K_TELNET: {
		int iac = 0;

		for (size_t i = 0; i + 1 < n; i++)
			if (b[i] == 0xff && b[i + 1] >= 0xfb && b[i + 1] <= 0xfe)
				iac = 1;
		if (iac) {
			r->confirmed = 1;
			ev_str(r, "handshake", "IAC option negotiation");
		} else if (n > 0) {
			r->confidence = 60;
		}
		break;
	}
	case K_VNC:
		if (n >= 12 && memcmp(s, "RFB ", 4) == 0) {
			r->confirmed = 1;
			snprintf(tmp, sizeof(tmp), "%.7s", s + 4);
			ev_str(r, "rfb_version", tmp);
		}
		break;
	case K_REDIS:
		if (p->pong) {
			r->confirmed = 1;
			r->sev = KC_SEV_HIGH;
			json_object_set_new(r->ev, "auth_required", json_false());
			set_product_from(r, "redis", s, n);
		} else if (n >= 7 && (memcmp(s, "-NOAUTH", 7) == 0 || memcmp(s, "-DENIED", 7) == 0 ||
		                      strstr(s, "uthentication") != NULL)) {
			r->confirmed = 1;
			r->sev = KC_SEV_MEDIUM;
			json_object_set_new(r->ev, "auth_required", json_true());
		}
		break;
	case K_MYSQL:
		if (n >= 6 && b[4] == 0x0a) {
			r->confirmed = 1;
			set_product_from(r, "mysql", s + 5, strnlen(s + 5, n - 5));
			snprintf(tmp, sizeof(tmp), "%.*s", (int)strnlen(s + 5, n - 5), s + 5);
			kc_banner_excerpt(tmp, strlen(tmp), r->banner, sizeof(r->banner));
		} else if (n >= 7 && b[4] == 0xff) {
			r->confirmed = 1;
			ev_str(r, "handshake", "error packet");
		}
		break;
	case K_PGSQL:
		if (n >= 1 && (s[0] == 'S' || s[0] == 'N' || s[0] == 'E')) {
			r->confirmed = 1;
			json_object_set_new(r->ev, "ssl", json_boolean(s[0] == 'S'));
		}
		break;
	case K_MSSQL:
		if (n >= 8 && b[0] == 0x04) {
			r->confirmed = 1;
			/* PRELOGIN options from byte 8: token, offset, length; 0xff ends. */
			for (size_t o = 8; o + 5 <= n && b[o] != 0xff; o += 5) {
				size_t off = 8 + ((size_t)b[o + 1] << 8 | b[o + 2]);

				if (b[o] == 0 && off + 4 <= n) {
					snprintf(tmp, sizeof(tmp), "%u.%u.%u", b[off], b[off + 1],
					         (unsigned)b[off + 2] << 8 | b[off + 3]);
					ev_str(r, "version", tmp);
					break;
				}
			}
		}
		break;
	case K_MONGO:
		if (n >= 16) {
			uint32_t op = get_u32le(b + 12);

			if (op == 1 || op == 2013) {
				r->confirmed = 1;
				ev_str(r, "handshake", "isMaster reply");
			}
		}
		break;
	case K_ES:
		if (n >= 12 && memcmp(s, "HTTP/", 5) == 0) {
			int status = atoi(s + 9);

			json_object_set_new(r->ev, "http_status", json_integer(status));
			if (status == 200 &&
			    (strstr(s, "\"cluster_name\"") || strstr(s, "You Know, for Search"))) {
				r->confirmed = 1;
				r->sev = KC_SEV_HIGH;
				json_object_set_new(r->ev, "auth_required", json_false());
				{
					const char *body = strstr(s, "\r\n\r\n");

					if (body)
						set_product_from(r, "elasticsearch", body,
						                 n - (size_t)(body - s));
				}
			} else if (status == 401 && strstr(s, "realm=\"security\"")) {
				r->confirmed = 1;
				r->sev = KC_SEV_MEDIUM;
				json_object_set_new(r->ev, "auth_required", json_true());
			}
		}
		break;
	case K_MEMCACHED:
		if (n >= 9 && memcmp(s, "VERSION ", 8) == 0) {
			r->confirmed = 1;
			set_product_from(r, "memcached", s, n);
		}
		break;
	case K_MODBUS:
		if (n >= 8 && b[0] == 0 && b[1] == 1 && b[2] == 0 && b[3] == 0 && (b[7] & 0x7f) == 0x2b) {
			r->confirmed = 1;
			ev_str(r, "handshake", b[7] & 0x80 ? "exception reply" : "device identification");
		}
		break;
	case K_S7:
		if (n >= 6 && b[0] == 3 && b[5] == 0xd0) {
			r->confirmed = 1;
			ev_str(r, "handshake", "COTP Connection Confirm");
		}
		break;
	case K_DNP3:
		if (n >= 10 && b[0] == 0x05 && b[1] == 0x64) {
			r->confirmed = 1;
			ev_str(r, "handshake", "link status reply");
		}
		break;
	case K_BACNET:
		if (n >= 4 && b[0] == 0x81) {
			r->confirmed = 1;
			ev_str(r, "handshake", "BVLC reply to Who-Is");
		}
		break;
	default: break;
	}
	if (r->confirmed)
		r->confidence = 95;
}

static void sweep_done(struct eng *e, struct probe *p, enum result res)
{
	struct ports_ctx *c = e->ctx;

	if (p->udp) {
		struct rec *r;

		if (res != R_DONE || p->in.len == 0)
			return;
		r = rec_new(c, (size_t)(p->h - e->hosts), p->job.port, 1);
		if (r)
			interpret(r, p);
		return;
	}
	if (res == R_OPEN && p->job.kind == K_CONNECT)
		rec_new(c, (size_t)(p->h - e->hosts), p->job.port, 0);
}

static void ident_done(struct eng *e, struct probe *p, enum result res)
{
	struct ports_ctx *c = e->ctx;

	(void)res;
	interpret(&c->recs[p->job.ref], p);
}

static int rec_cmp_key(const struct eng *e, const struct rec *a, const struct rec *b)
{
	int d = strcmp(e->hosts[a->host].ip, e->hosts[b->host].ip);

	if (d)
		return d;
	return (int)a->port - (int)b->port;
}

static void emit_ports(struct eng *e, struct ports_ctx *c, unsigned flags, const uint16_t *ports,
                       size_t nports)
{
	const struct kc_scan_sink *sink = e->sink;

	if (!sink || !sink->finding || (flags & (KC_SCAN_NO_FINDINGS | KC_SCAN_CONNECT_ONLY)))
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct rec *r = &c->recs[i];
		struct host *h = &e->hosts[r->host];
		char *ev;

		json_object_set_new(r->ev, "service", json_string(r->service));
		json_object_set_new(r->ev, "transport", json_string(r->udp ? "udp" : "tcp"));
		json_object_set_new(r->ev, "confirmed", json_boolean(r->confirmed));
		json_object_set_new(r->ev, "bytes_seen", json_integer((json_int_t)r->bytes));
		if (r->banner[0])
			json_object_set_new(r->ev, "banner", json_string(r->banner));
		if (r->tls)
			json_object_set_new(r->ev, "tls", json_true());
		ev = json_dumps(r->ev, JSON_COMPACT | JSON_SORT_KEYS);
		for (size_t t = 0; t < h->ntix; t++) {
			const struct kc_scan_target *tg = &e->targets[h->tix[t]];
			struct kc_finding f = {
			    .org_id = tg->org_id,
			    .target = tg->ip,
			    .host = tg->host[0] ? tg->host : NULL,
			    .port = r->port,
			};

			if (r->def->check) {
				f.check = r->def->check;
				f.severity = r->sev;
				f.confidence = r->confidence;
				f.title = r->def->title;
				f.evidence = ev ? ev : "{}";
				sink->finding(sink->arg, &f);
			}
			if (r->smb1) {
				f.check = "service.smbv1";
				f.severity = KC_SEV_HIGH;
				f.confidence = 95;
				f.title = N_("SMBv1 enabled");
				f.evidence = ev ? ev : "{}";
				sink->finding(sink->arg, &f);
			}
			if (r->has_prod) {
				json_t *pj =
				    json_pack("{s:s,s:s,s:s,s:s,s:s}", "product", r->prod.name, "version",
				              r->prod.version, "patch_level", r->prod.patch, "banner",
				              r->banner, "service", r->service);
				char *pev = pj ? json_dumps(pj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
				char check[64];

				snprintf(check, sizeof(check), "product.%s", r->prod.product);
				f.check = check;
				f.severity = KC_SEV_INFO;
				f.confidence = r->prod.confidence;
				f.title = N_("Product identified from its banner");
				f.evidence = pev ? pev : "{}";
				f.cpe = r->prod.cpe[0] ? r->prod.cpe : NULL;
				sink->finding(sink->arg, &f);
				f.cpe = NULL;
				free(pev);
				json_decref(pj);
			}
		}
		free(ev);
	}
	if (sink->covered)
		for (size_t hi = 0; hi < e->nhosts; hi++) {
			struct host *h = &e->hosts[hi];

			if (!h->reachable)
				continue;
			for (size_t t = 0; t < h->ntix; t++) {
				const struct kc_scan_target *tg = &e->targets[h->tix[t]];

				sink->covered(sink->arg, tg->org_id, "service", tg->ip, 0);
				/* Products per port, and not on HTTPS ports: the web checks
				 * report the products they see there. */
				for (size_t pi = 0; pi < nports; pi++) {
					const struct portdef *d = portdef_find(ports[pi]);

					if (d->kind == K_TLSONLY || (d->udp && (flags & KC_SCAN_NO_UDP)))
						continue;
					sink->covered(sink->arg, tg->org_id, "product", tg->ip, ports[pi]);
				}
			}
		}
}

static int rec_sort_cmp(const void *a, const void *b, void *arg)
{
	return rec_cmp_key(arg, a, b);
}

int kc_scan_ports(const struct kc_scan_opts *opts, const struct kc_scan_target *targets, size_t n,
                  const uint16_t *ports, size_t nports, unsigned flags, const struct kc_scan_sink *sink,
                  struct kc_port_result **out, size_t *nout, kc_err *err)
{
	struct eng e;
	struct ports_ctx c = {0};
	struct kc_port_result *res = NULL;
	size_t nres = 0;
	int rc;

	if (out)
		*out = NULL;
	if (nout)
		*nout = 0;
	rc = eng_init(&e, opts, sink, !(flags & KC_SCAN_NO_PER_IP_LIMIT), err);
	if (rc)
		goto out;
	e.targets = targets;
	e.ctx = &c;
	if ((rc = hosts_build(&e, n, target_ip, err)))
		goto out;
	if (!(flags & KC_SCAN_CONNECT_ONLY) && (rc = eng_tls_init(&e, err)))
		goto out;
	/* Sweep. Ports interleave across hosts: port-major order spreads load. */
	for (size_t pi = 0; pi < nports; pi++) {
		const struct portdef *d = portdef_find(ports[pi]);

		if (d->udp && (flags & (KC_SCAN_NO_UDP | KC_SCAN_CONNECT_ONLY)))
			continue;
		for (size_t hi = 0; hi < e.nhosts; hi++) {
			struct job j = {.port = ports[pi], .kind = d->udp ? (uint8_t)d->kind : K_CONNECT};

			if ((rc = job_add(&e, &e.hosts[hi], j))) {
				kc_err_set(err, rc, "%s", _("out of memory"));
				goto out;
			}
		}
	}
	e.phase = "ports";
	e.done = sweep_done;
	eng_run(&e);
	if (!(flags & KC_SCAN_CONNECT_ONLY)) {
		e.phase = "services";
		e.done = ident_done;
		e.ndone = e.total = 0;
		for (size_t hi = 0; hi < e.nhosts; hi++) {
			e.hosts[hi].njobs = e.hosts[hi].next = 0;
			bucket_init(&e.hosts[hi].req, e.limits ? opts->per_ip_rate : 0, mono());
		}
		for (size_t i = 0; i < c.n; i++) {
			struct rec *r = &c.recs[i];
			struct job j = {.ref = (uint32_t)i, .port = r->port, .kind = (uint8_t)r->def->kind};

			if (r->udp)
				continue;
			if (job_add(&e, &e.hosts[r->host], j) ||
			    (r->def->kind2 != K_CONNECT &&
			     (j.kind = (uint8_t)r->def->kind2, job_add(&e, &e.hosts[r->host], j)))) {
				rc = kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
				goto out;
			}
		}
		eng_run(&e);
	}
	if (c.failed) {
		rc = kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
		goto out;
	}
	if (c.n > 1)
		qsort_r(c.recs, c.n, sizeof(*c.recs), rec_sort_cmp, &e);
	emit_ports(&e, &c, flags, ports, nports);
	if (out) {
		size_t total = 0;

		for (size_t i = 0; i < c.n; i++)
			total += e.hosts[c.recs[i].host].ntix;
		res = calloc(total ? total : 1, sizeof(*res));
		if (!res) {
			rc = kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
			goto out;
		}
		for (size_t i = 0; i < c.n; i++) {
			struct rec *r = &c.recs[i];
			struct host *h = &e.hosts[r->host];

			for (size_t t = 0; t < h->ntix; t++) {
				const struct kc_scan_target *tg = &targets[h->tix[t]];
				struct kc_port_result *pr = &res[nres++];

				pr->org_id = tg->org_id;
				snprintf(pr->ip, sizeof(pr->ip), "%s", tg->ip);
				snprintf(pr->host, sizeof(pr->host), "%s", tg->host);
				pr->port = r->port;
				pr->udp = r->udp;
				snprintf(pr->service, sizeof(pr->service), "%s", r->service);
				pr->tls = r->tls;
				pr->confirmed = r->confirmed;
				pr->confidence = r->confirmed ? 95 : r->confidence;
				snprintf(pr->banner, sizeof(pr->banner), "%s", r->banner);
				if (r->has_prod) {
					snprintf(pr->product, sizeof(pr->product), "%s", r->prod.name);
					snprintf(pr->cpe, sizeof(pr->cpe), "%s", r->prod.cpe);
				}
			}
		}
		*out = res;
		if (nout)
			*nout = nres;
		res = NULL;
	}
	rc = 0;
out:
	for (size_t i = 0; i < c.n; i++)
		json_decref(c.recs[i].ev);
	free(c.recs);
	free(res);
	eng_release(&e);
	return rc;
}

/* ------------------------------------------------------------------ */
/* TLS                                                                   */

struct tls_ctx {
	struct kc_tls_result *res;
	int *best; /* index of the best version whose certificate was read, -1 */
};

const char *kc_tls_version_name(unsigned bit)
{
	switch (bit) {
	case KC_TLS_V1_0: return "TLSv1.0";
	case KC_TLS_V1_1: return "TLSv1.1";
	case KC_TLS_V1_2: return "TLSv1.2";
	case KC_TLS_V1_3: return "TLSv1.3";
	default: return "unknown";
	}
}

static void cert_read(struct eng *e, SSL *ssl, struct kc_tls_result *r)
{
	X509 *leaf = SSL_get1_peer_certificate(ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	X509_STORE_CTX *vc;
	EVP_PKEY *pk;
	struct tm tm;

	r->name_ok = -1;
	if (!leaf)
		return;
	vc = X509_STORE_CTX_new();
	if (vc && X509_STORE_CTX_init(vc, e->store, leaf, chain) == 1) {
		/* Trust only; expiry is judged against opts->now below. */
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(vc), X509_V_FLAG_NO_CHECK_TIME);
		r->trusted = X509_verify_cert(vc) == 1;
		if (!r->trusted)
			snprintf(r->verify_msg, sizeof(r->verify_msg), "%s",
			         X509_verify_cert_error_string(X509_STORE_CTX_get_error(vc)));
	}
	X509_STORE_CTX_free(vc);
	r->self_signed = X509_self_signed(leaf, 0) == 1;
	if (r->ep.host[0]) {
		struct in6_addr a;

		if (inet_pton(AF_INET, r->ep.host, &a) == 1 || inet_pton(AF_INET6, r->ep.host, &a) == 1)
			r->name_ok = X509_check_ip_asc(leaf, r->ep.host, 0) == 1;
		else
			r->name_ok = X509_check_host(leaf, r->ep.host, 0, 0, NULL) == 1;
	} else {
		r->name_ok = X509_check_ip_asc(leaf, r->ep.ip, 0) == 1;
	}
	pk = X509_get0_pubkey(leaf);
	if (pk) {
		int id = EVP_PKEY_get_base_id(pk);

		r->key_bits = EVP_PKEY_get_bits(pk);
		snprintf(r->key_type, sizeof(r->key_type), "%s",
		         id == EVP_PKEY_RSA       ? "RSA"
		         : id == EVP_PKEY_EC      ? "EC"
		         : id == EVP_PKEY_DSA     ? "DSA"
		         : id == EVP_PKEY_ED25519 ? "ED25519"
		         : id == EVP_PKEY_ED448   ? "ED448"
		                                  : "other");
	}
	{
		int nid = X509_get_signature_nid(leaf);

		snprintf(r->sig_alg, sizeof(r->sig_alg), "%s", OBJ_nid2ln(nid) ? OBJ_nid2ln(nid) : "unknown");
	}
	if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) == 1)
		r->not_after = timegm(&tm);
	X509_NAME_oneline(X509_get_subject_name(leaf), r->subject, sizeof(r->subject));
	X509_free(leaf);
}

static void tls_on_tls(struct eng *e, struct probe *p)
{
	struct tls_ctx *c = e->ctx;
	size_t i = p->job.ref;
	struct kc_tls_result *r = &c->res[i];

	r->handshake = 1;
	r->versions |= 1u << p->job.tlsv;
	if (p->job.tlsv > c->best[i]) {
		c->best[i] = p->job.tlsv;
		cert_read(e, p->ssl, r);
	}
}

static void tls_done(struct eng *e, struct probe *p, enum result res)
{
	struct tls_ctx *c = e->ctx;

	if (res != R_TIMEOUT && res != R_UNREACH && res != R_CLOSED)
		c->res[p->job.ref].reached = 1;
}

static int weak_sig(const char *alg)
{
	return strstr(alg, "sha1") || strstr(alg, "SHA1") || strstr(alg, "md5") || strstr(alg, "MD5") ||
	       strstr(alg, "md2") || strstr(alg, "md4");
}

static void tls_emit(const struct kc_scan_opts *o, const struct kc_scan_sink *sink,
                     const struct kc_tls_result *r)
{
	json_t *ev, *offered, *not_offered;
	char *evs, when[32];
	struct tm tm;
	struct kc_finding f = {
	    .org_id = r->ep.org_id,
	    .target = r->ep.ip,
	    .host = r->ep.host[0] ? r->ep.host : NULL,
	    .port = r->ep.port,
	    .confidence = 100,
	};

	if (!sink || !sink->finding || !r->handshake)
		return;
	offered = json_array();
	not_offered = json_array();
	for (unsigned b = KC_TLS_V1_0; b <= KC_TLS_V1_3; b <<= 1)
		json_array_append_new(r->versions & b ? offered : not_offered,
		                      json_string(kc_tls_version_name(b)));
	gmtime_r(&r->not_after, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ev = json_pack("{s:o,s:o,s:s,s:s,s:b,s:b,s:i,s:s,s:s,s:s,s:s}", "offered", offered, "not_offered",
	               not_offered, "subject", r->subject, "not_after", when, "trusted", r->trusted,
	               "self_signed", r->self_signed, "key_bits", r->key_bits, "key_type", r->key_type,
	               "signature", r->sig_alg, "starttls",
	               r->ep.starttls == KC_STARTTLS_SMTP ? "smtp" : "none", "verify_error", r->verify_msg);
	if (r->name_ok >= 0 && ev)
		json_object_set_new(ev, "name_match", json_boolean(r->name_ok));
	evs = ev ? json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	f.evidence = evs ? evs : "{}";
#define EMIT(chk, sv, ttl)                                                                                   \
	do {                                                                                                 \
		f.check = chk;                                                                               \
		f.severity = sv;                                                                             \
		f.title = ttl;                                                                               \
		sink->finding(sink->arg, &f);                                                                \
	} while (0)
	if (r->versions & (KC_TLS_V1_0 | KC_TLS_V1_1))
		EMIT("tls.protocol", KC_SEV_MEDIUM, N_("Obsolete TLS versions (1.0/1.1) offered"));
	if (r->not_after && r->not_after < o->now)
		EMIT("tls.expiry", KC_SEV_HIGH, N_("TLS certificate has expired"));
	else if (r->not_after && r->not_after < o->now + 14 * 86400)
		EMIT("tls.expiry", KC_SEV_MEDIUM, N_("TLS certificate expires within 14 days"));
	if (r->self_signed && !r->trusted)
		EMIT("tls.self_signed", KC_SEV_MEDIUM, N_("Self-signed TLS certificate"));
	else if (!r->trusted)
		EMIT("tls.trust", KC_SEV_MEDIUM, N_("TLS certificate chain is not trusted"));
	if (r->ep.host[0] && r->name_ok == 0)
		EMIT("tls.hostname", KC_SEV_MEDIUM, N_("TLS certificate does not match the host name"));
	if (((!strcmp(r->key_type, "RSA") || !strcmp(r->key_type, "DSA")) && r->key_bits < 2048) ||
	    (!strcmp(r->key_type, "EC") && r->key_bits < 224))
		EMIT("tls.key", KC_SEV_MEDIUM, N_("Weak TLS certificate key"));
	if (weak_sig(r->sig_alg) && !r->self_signed)
		EMIT("tls.signature", KC_SEV_MEDIUM,
		     N_("TLS certificate signed with a weak hash (SHA-1/MD5)"));
#undef EMIT
	free(evs);
	json_decref(ev);
}

int kc_scan_tls_results(const struct kc_scan_opts *opts, const struct kc_tls_endpoint *eps, size_t n,
                        const struct kc_scan_sink *sink, struct kc_tls_result **out, kc_err *err)
{
	struct eng e;
	struct tls_ctx c = {0};
	int rc;
	int limits = opts->per_ip_rate > 0 || opts->per_ip_connect_rate > 0;

	if (out)
		*out = NULL;
	rc = eng_init(&e, opts, sink, limits, err);
	if (rc)
		goto out;
	c.res = calloc(n ? n : 1, sizeof(*c.res));
	c.best = malloc((n ? n : 1) * sizeof(*c.best));
	if (!c.res || !c.best) {
		rc = kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
		goto out;
	}
	e.eps = eps;
	e.ctx = &c;
	e.done = tls_done;
	e.on_tls = tls_on_tls;
	e.phase = "tls";
	if ((rc = hosts_build(&e, n, ep_ip, err)) || (rc = eng_tls_init(&e, err)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		c.res[i].ep = eps[i];
		c.res[i].name_ok = -1;
		c.best[i] = -1;
	}
	for (size_t hi = 0; hi < e.nhosts; hi++) {
		struct host *h = &e.hosts[hi];

		for (size_t t = 0; t < h->ntix; t++)
			for (int v = 3; v >= 0; v--) {
				struct job j = {.ref = (uint32_t)h->tix[t],
				                .port = eps[h->tix[t]].port,
				                .kind = K_TLSVER,
				                .tlsv = (int8_t)v};

				if (job_add(&e, h, j)) {
					rc = kc_err_set(err, KC_ENOMEM, "%s", _("out of memory"));
					goto out;
				}
			}
	}
	eng_run(&e);
	for (size_t i = 0; i < n; i++) {
		tls_emit(opts, sink, &c.res[i]);
		if (c.res[i].handshake && sink && sink->covered)
			sink->covered(sink->arg, eps[i].org_id, "tls", eps[i].ip, eps[i].port);
	}
	if (out) {
		*out = c.res;
		c.res = NULL;
	}
	rc = 0;
out:
	free(c.res);
	free(c.best);
	eng_release(&e);
	return rc;
}

int kc_scan_tls(const struct kc_scan_opts *opts, const struct kc_tls_endpoint *eps, size_t n,
                const struct kc_scan_sink *sink, kc_err *err)
{
	return kc_scan_tls_results(opts, eps, n, sink, NULL, err);
}
