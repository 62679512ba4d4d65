/*
 * dns.c - the scanner's DNS: libunbound queries with a deadline, DNSSEC
 * status, and a bounded parser of the answers' record data.
 *
 * libunbound resolves in a thread of its own (ub_ctx_async(ctx, 1), never a
 * forked process); we wait on its descriptor with poll() until every query
 * has answered or the deadline passed, and cancel what is left. An answer
 * that never comes, whatever the reason (a silent server, replies with the
 * wrong query id that libunbound drops), is reported as timed out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unbound.h>

#include "scan/dns.h"
#include "base/kc.h"

#define ROOT_KEY "/usr/share/dns/root.key"

struct kc_dns {
	struct ub_ctx *ctx;
	int validating;
	int timeout_ms;
};

static const char *const sec_names[] = { "unknown", "insecure", "secure", "bogus" };

const char *
kc_dns_sec_name(enum kc_dns_sec s)
{
	if ((unsigned)s >= KC_ARRAY_LEN(sec_names))
		return "unknown";
	return sec_names[s];
}

void
kc_dns_answer_init(struct kc_dns_answer *a)
{
	memset(a, 0, sizeof(*a));
}

void
kc_dns_answer_release(struct kc_dns_answer *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->rr[i].text);
	free(a->rr);
	kc_dns_answer_init(a);
}

int
kc_dns_answer_add(struct kc_dns_answer *a, uint16_t type, uint16_t pref, const char *text,
	size_t len)
{
	struct kc_dns_rr *rr;
	char *t;

	if (a->n >= KC_DNS_RR_MAX)
		return KC_ETOOBIG;
	rr = realloc(a->rr, (a->n + 1) * sizeof(*rr));
	if (rr == NULL)
		return KC_ENOMEM;
	a->rr = rr;
	t = malloc(len + 1);
	if (t == NULL)
		return KC_ENOMEM;
	if (len)
		memcpy(t, text, len);
	t[len] = '\0';
	a->rr[a->n].type = type;
	a->rr[a->n].pref = pref;
	a->rr[a->n].text = t;
	a->rr[a->n].len = len;
	a->n++;
	return 0;
}

/* Append to buf at *pos, keeping one byte for the NUL. */
static int
put(char *buf, size_t bufsz, size_t *pos, const char *s, size_t n)
{
	if (*pos + n + 1 > bufsz)
		return KC_ETOOBIG;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
	return 0;
}

/* An uncompressed wire name at rd[*off..len) as text; *off moves past it. */
static int
parse_name(const uint8_t *rd, size_t len, size_t *off, char *buf, size_t bufsz, size_t *pos,
	kc_err *err)
{
	size_t wire = 0, start = *pos;

	for (;;) {
		uint8_t l;

		if (*off >= len)
			return kc_err_set(err, KC_EPARSE, _("DNS name truncated at byte %zu"), *off);
		l = rd[(*off)++];
		wire++;
		if (l == 0)
			break;
		if (l & 0xc0)
			return kc_err_set(err, KC_EPARSE,
				_("DNS name has a compression pointer or bad label type at byte %zu"),
				*off - 1);
		if (*off + l > len)
			return kc_err_set(err, KC_EPARSE, _("DNS label truncated at byte %zu"), *off);
		wire += l;
		if (wire > 255)
			return kc_err_set(err, KC_EPARSE, _("DNS name longer than 255 bytes"));
		if (*pos > start && put(buf, bufsz, pos, ".", 1))
			return kc_err_set(err, KC_ETOOBIG, _("DNS name too long for its buffer"));
		for (uint8_t i = 0; i < l; i++) {
			unsigned char c = rd[*off + i];
			char esc[8];
			int r;

			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
				char ch = (char)c;

				r = put(buf, bufsz, pos, &ch, 1);
			} else if (c == '.' || c == '\\') {
				esc[0] = '\\';
				esc[1] = (char)c;
				r = put(buf, bufsz, pos, esc, 2);
			} else {
				snprintf(esc, sizeof(esc), "\\%03u", c);
				r = put(buf, bufsz, pos, esc, 4);
			}
			if (r)
				return kc_err_set(err, KC_ETOOBIG, _("DNS name too long for its buffer"));
		}
		*off += l;
	}
	return 0;
}

int
kc_dns_rdata_parse(uint16_t type, const uint8_t *rd, size_t len, struct kc_dns_rr *out,
	char *buf, size_t bufsz, kc_err *err)
{
	size_t off = 0, pos = 0;
	int rc;

	if (bufsz < 64)
		return kc_err_set(err, KC_EINVAL, _("DNS text buffer too small"));
	memset(out, 0, sizeof(*out));
	out->type = type;
	out->text = buf;
	buf[0] = '\0';
	switch (type) {
	case KC_DNS_A:
	case KC_DNS_AAAA: {
		size_t want = type == KC_DNS_A ? 4 : 16;

		if (len != want)
			return kc_err_set(err, KC_EPARSE, _("DNS address record of %zu bytes, want %zu"),
				len, want);
		if (inet_ntop(type == KC_DNS_A ? AF_INET : AF_INET6, rd, buf, (socklen_t)bufsz) == NULL)
			return kc_err_set(err, KC_EPARSE, _("DNS address record unprintable"));
		out->len = strlen(buf);
		return 0;
	}
	case KC_DNS_MX:
		if (len < 3)
			return kc_err_set(err, KC_EPARSE, _("DNS MX record of %zu bytes is too short"), len);
		out->pref = (uint16_t)(rd[0] << 8 | rd[1]);
		off = 2;
		/* fall through */
	case KC_DNS_NS:
	case KC_DNS_CNAME:
		rc = parse_name(rd, len, &off, buf, bufsz, &pos, err);
		if (rc)
			return rc;
		if (off != len)
			return kc_err_set(err, KC_EPARSE, _("DNS record has %zu bytes after its name"),
				len - off);
		out->len = pos;
		return 0;
	case KC_DNS_TXT:
		if (len == 0)
			return kc_err_set(err, KC_EPARSE, _("DNS TXT record is empty"));
		while (off < len) {
			uint8_t l = rd[off++];

			if (off + l > len)
				return kc_err_set(err, KC_EPARSE,
					_("DNS TXT string truncated at byte %zu"), off);
			if (pos + l > KC_DNS_TEXT_MAX || put(buf, bufsz, &pos, (const char *)rd + off, l))
				return kc_err_set(err, KC_ETOOBIG, _("DNS TXT record longer than %d bytes"),
					KC_DNS_TEXT_MAX);
			off += l;
		}
		out->len = pos;
		return 0;
	default:
		return 0;
	}
}

static int
valid_resolver(const char *r)
{
	char addr[64];
	const char *at = strchr(r, '@');
	size_t n = at ? (size_t)(at - r) : strlen(r);
	unsigned char tmp[16];

	if (n == 0 || n >= sizeof(addr))
		return 0;
	memcpy(addr, r, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1)
		return 0;
	if (at) {
		char *end;
		long port;

		errno = 0;
		port = strtol(at + 1, &end, 10);
		if (errno || end == at + 1 || *end || port < 1 || port > 65535)
			return 0;
	}
	return 1;
}

int
kc_dns_new(const struct kc_scan_opts *opts, kc_dns **out, kc_err *err)
{
	kc_dns *d;
	int rc = 0;

	*out = NULL;
	if (opts->resolver && !valid_resolver(opts->resolver))
		return kc_err_set(err, KC_EINVAL,
			_("resolver \"%s\" is not ADDR or ADDR@PORT with a numeric address"),
			opts->resolver);
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	d->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 5000;
	d->ctx = ub_ctx_create();
	if (d->ctx == NULL) {
		free(d);
		return kc_err_set(err, KC_EIO, _("cannot create a DNS resolver context"));
	}
	/* Resolve in a thread, not a forked process. */
	if (ub_ctx_async(d->ctx, 1) != 0) {
		rc = kc_err_set(err, KC_EIO, _("cannot make the DNS resolver asynchronous"));
		goto out;
	}
	if (opts->resolver) {
		/* 127.0.0.0/8 is on libunbound's do-not-query list by default. */
		int r = ub_ctx_set_option(d->ctx, "do-not-query-localhost:", "no");

		if (r == 0)
			r = ub_ctx_set_fwd(d->ctx, opts->resolver);
		if (r != 0) {
			rc = kc_err_set(err, KC_EINVAL, _("resolver \"%s\": %s"), opts->resolver,
				ub_strerror(r));
			goto out;
		}
	} else {
		int r = ub_ctx_resolvconf(d->ctx, NULL);

		if (r != 0) {
			rc = kc_err_set(err, KC_EIO, _("cannot read /etc/resolv.conf: %s"),
				ub_strerror(r));
			goto out;
		}
	}
	if (opts->trust_anchor && *opts->trust_anchor) {
		int r;

		if (access(opts->trust_anchor, R_OK) != 0) {
			rc = kc_err_set(err, KC_EIO, _("cannot read trust anchor file %s"),
				opts->trust_anchor);
			goto out;
		}
		r = ub_ctx_add_ta_file(d->ctx, opts->trust_anchor);
		if (r != 0) {
			rc = kc_err_set(err, KC_EIO, _("trust anchor file %s: %s"), opts->trust_anchor,
				ub_strerror(r));
			goto out;
		}
		d->validating = 1;
	} else if (!opts->resolver && access(ROOT_KEY, R_OK) == 0) {
		if (ub_ctx_add_ta_file(d->ctx, ROOT_KEY) == 0)
			d->validating = 1;
	}
out:
	if (rc) {
		ub_ctx_delete(d->ctx);
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void
kc_dns_free(kc_dns *d)
{
	if (d == NULL)
		return;
	ub_ctx_delete(d->ctx);
	free(d);
}

int
kc_dns_validating(const kc_dns *d)
{
	return d->validating;
}

struct pending {
	kc_dns *d;
	struct kc_dns_query *q;
	int async_id;
	int done;
	int err;
};

/* Turn libunbound's result into our answer; unparsable records are skipped. */
static void
fill_answer(kc_dns *d, struct kc_dns_query *q, struct ub_result *res)
{
	char buf[KC_DNS_TEXT_MAX + 64];
	struct kc_dns_answer *a = &q->ans;

	a->rcode = res->rcode;
	if (!d->validating)
		a->sec = KC_DNS_SEC_UNKNOWN;
	else if (res->bogus)
		a->sec = KC_DNS_SEC_BOGUS;
	else if (res->secure)
		a->sec = KC_DNS_SEC_SECURE;
	else
		a->sec = KC_DNS_SEC_INSECURE;
	if (res->why_bogus)
		snprintf(a->why_bogus, sizeof(a->why_bogus), "%s", res->why_bogus);
	if (!res->havedata || res->data == NULL)
		return;
	for (size_t i = 0; res->data[i] != NULL && i < KC_DNS_RR_MAX; i++) {
		struct kc_dns_rr rr;

		if (res->len[i] < 0)
			continue;
		if (kc_dns_rdata_parse(q->type, (const uint8_t *)res->data[i], (size_t)res->len[i],
			    &rr, buf, sizeof(buf), NULL) != 0)
			continue;
		if (kc_dns_answer_add(a, q->type, rr.pref, rr.text, rr.len) != 0)
			break;
	}
}

static void
on_result(void *arg, int err, struct ub_result *res)
{
	struct pending *p = arg;

	p->done = 1;
	p->err = err;
	if (err == 0 && res != NULL)
		fill_answer(p->d, p->q, res);
	if (res)
		ub_resolve_free(res);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
kc_dns_lookup_many(kc_dns *d, struct kc_dns_query *q, size_t n, kc_err *err)
{
	struct pending *p;
	size_t left = 0;
	long deadline;
	int rc = 0;

	if (n == 0)
		return 0;
	p = calloc(n, sizeof(*p));
	if (p == NULL)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		kc_dns_answer_init(&q[i].ans);
		q[i].ans.rcode = -1;
		p[i].d = d;
		p[i].q = &q[i];
		p[i].async_id = -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = q[i].name ? strlen(q[i].name) : 0;
		int r;

		if (len == 0 || len > 254) {
			/* A name no server can have: answer it here. */
			p[i].done = 1;
			q[i].ans.rcode = KC_DNS_NXDOMAIN;
			continue;
		}
		r = ub_resolve_async(d->ctx, q[i].name, q[i].type, 1, &p[i], on_result,
			&p[i].async_id);
		if (r != 0) {
			rc = kc_err_set(err, KC_EIO, _("DNS lookup of %s: %s"), q[i].name, ub_strerror(r));
			p[i].done = 1;
			break;
		}
		left++;
	}
	deadline = now_ms() + d->timeout_ms;
	for (;;) {
		struct pollfd pfd;
		long wait;
		size_t still = 0;

		for (size_t i = 0; i < n; i++)
			still += !p[i].done;
		if (still == 0)
			break;
		wait = deadline - now_ms();
		if (wait <= 0)
			break;
		pfd.fd = ub_fd(d->ctx);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(wait > 1000 ? 1000 : wait)) < 0 && errno != EINTR) {
			rc = kc_err_set(err, KC_EIO, _("waiting for DNS answers: %s"), strerror(errno));
			break;
		}
		if (ub_poll(d->ctx) && ub_process(d->ctx) != 0) {
			rc = kc_err_set(err, KC_EIO, _("DNS resolver failed"));
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!p[i].done) {
			if (p[i].async_id >= 0)
				ub_cancel(d->ctx, p[i].async_id);
			q[i].ans.timed_out = 1;
			q[i].ans.rcode = -1;
		} else if (p[i].err != 0 && q[i].ans.rcode == -1) {
			q[i].ans.rcode = KC_DNS_SERVFAIL;
		}
	}
	(void)left;
	free(p);
	return rc;
}

int
kc_dns_lookup(kc_dns *d, const char *name, uint16_t type, struct kc_dns_answer *ans, kc_err *err)
{
	struct kc_dns_query q = { .name = name, .type = type };
	int rc = kc_dns_lookup_many(d, &q, 1, err);

	*ans = q.ans;
	return rc;
}

/* Lower case, no trailing dot; 0 on success. */
static int
norm_name(const char *in, char out[256])
{
	size_t n = strlen(in);

	if (n && in[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	return 0;
}

static int
add_addr(char (**list)[48], size_t *n, const char *a)
{
	char(*l)[48];

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], a) == 0)
			return 0;
	if (*n >= KC_DNS_RR_MAX)
		return 0;
	l = realloc(*list, (*n + 1) * sizeof(**list));
	if (l == NULL)
		return KC_ENOMEM;
	*list = l;
	snprintf(l[*n], 48, "%s", a);
	(*n)++;
	return 0;
}

static int
add_host(struct kc_dns_host **list, size_t *n, const char *name, uint16_t pref)
{
	struct kc_dns_host *l;
	char nn[256];

	if (norm_name(name, nn) != 0)
		return 0;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i].name, nn) == 0)
			return 0;
	if (*n >= 16)
		return 0;
	l = realloc(*list, (*n + 1) * sizeof(**list));
	if (l == NULL)
		return KC_ENOMEM;
	*list = l;
	memset(&l[*n], 0, sizeof(l[*n]));
	snprintf(l[*n].name, sizeof(l[*n].name), "%s", nn);
	l[*n].pref = pref;
	(*n)++;
	return 0;
}

static int
cmp_pref(const void *a, const void *b)
{
	const struct kc_dns_host *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

void
kc_dns_expansion_release(struct kc_dns_expansion *e)
{
	free(e->addr);
	for (size_t i = 0; i < e->nmx; i++)
		free(e->mx[i].addr);
	for (size_t i = 0; i < e->nns; i++)
		free(e->ns[i].addr);
	free(e->mx);
	free(e->ns);
	memset(e, 0, sizeof(*e));
}

int
kc_dns_expand_domain(kc_dns *d, const char *domain, struct kc_dns_expansion *out, kc_err *err)
{
	struct kc_dns_query q1[4], *q2 = NULL;
	size_t nq2 = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (norm_name(domain, out->domain) != 0)
		return kc_err_set(err, KC_EINVAL, _("\"%s\" is not a domain name"), domain);
	q1[0] = (struct kc_dns_query){ .name = out->domain, .type = KC_DNS_A };
	q1[1] = (struct kc_dns_query){ .name = out->domain, .type = KC_DNS_AAAA };
	q1[2] = (struct kc_dns_query){ .name = out->domain, .type = KC_DNS_MX };
	q1[3] = (struct kc_dns_query){ .name = out->domain, .type = KC_DNS_NS };
	rc = kc_dns_lookup_many(d, q1, 4, err);
	if (rc)
		goto out1;
	out->sec = q1[0].ans.sec;
	for (int i = 0; i < 4; i++) {
		out->timed_out |= q1[i].ans.timed_out;
		for (size_t j = 0; j < q1[i].ans.n && rc == 0; j++) {
			const struct kc_dns_rr *rr = &q1[i].ans.rr[j];

			if (i < 2)
				rc = add_addr(&out->addr, &out->naddr, rr->text);
			else if (i == 2)
				rc = add_host(&out->mx, &out->nmx, rr->text, rr->pref);
			else
				rc = add_host(&out->ns, &out->nns, rr->text, 0);
		}
	}
	if (rc) {
		rc = kc_err_set(err, rc, _("out of memory"));
		goto out1;
	}
	if (out->nmx)
		qsort(out->mx, out->nmx, sizeof(*out->mx), cmp_pref);
	nq2 = 2 * (out->nmx + out->nns);
	if (nq2) {
		q2 = calloc(nq2, sizeof(*q2));
		if (q2 == NULL) {
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
			goto out1;
		}
		for (size_t i = 0; i < out->nmx + out->nns; i++) {
			const char *name = i < out->nmx ? out->mx[i].name : out->ns[i - out->nmx].name;

			q2[2 * i] = (struct kc_dns_query){ .name = name, .type = KC_DNS_A };
			q2[2 * i + 1] = (struct kc_dns_query){ .name = name, .type = KC_DNS_AAAA };
		}
		rc = kc_dns_lookup_many(d, q2, nq2, err);
		for (size_t i = 0; rc == 0 && i < nq2; i++) {
			size_t h = i / 2;
			struct kc_dns_host *host = h < out->nmx ? &out->mx[h] : &out->ns[h - out->nmx];

			out->timed_out |= q2[i].ans.timed_out;
			for (size_t j = 0; j < q2[i].ans.n && rc == 0; j++)
				rc = add_addr(&host->addr, &host->naddr, q2[i].ans.rr[j].text);
			if (rc)
				rc = kc_err_set(err, rc, _("out of memory"));
		}
		for (size_t i = 0; i < nq2; i++)
			kc_dns_answer_release(&q2[i].ans);
		free(q2);
	}
out1:
	for (int i = 0; i < 4; i++)
		kc_dns_answer_release(&q1[i].ans);
	if (rc)
		kc_dns_expansion_release(out);
	return rc;
}
