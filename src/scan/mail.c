/*
 * mail.c - mail and DNS checks of registered domains: SPF, DMARC, DNSSEC,
 * MTA-STS, TLS-RPT and STARTTLS on the MX hosts (see mail.h).
 *
 * Severity rules (docs/kcert-scan-checks-web.md has the table):
 *   mail.spf      none, several, or permerror (more than 10 lookups, more
 *                 than 2 void lookups, syntax): medium; +all: high; ?all or
 *                 no all: low.
 *   mail.dmarc    none or invalid: medium; p=none: low; pct below 100: low.
 *   mail.dnssec   bogus: high; unsigned: low.
 *   mail.mta-sts  no valid v=STSv1 record: low.
 *   mail.tls-rpt  no valid v=TLSRPTv1 record: low.
 *   mail.starttls an MX that does not offer STARTTLS: medium.
 * An MX that offers STARTTLS gets the engine's TLS checks (tls.*, engine.h)
 * through STARTTLS. Only an answer from a working resolver (NOERROR, NODATA,
 * NXDOMAIN) gives a verdict: a timeout, SERVFAIL or REFUSED opens and closes
 * nothing.
 * Evidence is a JSON object with the records seen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "scan/dns.h"
#include "scan/engine.h"
#include "scan/mail.h"
#include "scan/spf.h"
#include "base/kc.h"

#define MX_MAX 8

struct ctx {
	const struct kc_scan_opts *opts;
	const struct kc_scan_sink *sink;
	kc_dns *dns;
	const struct kc_mail_domain *d;
};

static void
report(struct ctx *c, const char *check, const char *target, const char *host, int port,
	enum kc_sev sev, const char *title, json_t *ev)
{
	struct kc_finding f = { 0 };
	char *evs = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);

	f.org_id = c->d->org_id;
	f.check = check;
	f.target = target;
	f.host = host;
	f.port = port;
	f.severity = sev;
	f.confidence = 100;
	f.title = title;
	f.evidence = evs ? evs : "{}";
	if (c->sink->finding)
		c->sink->finding(c->sink->arg, &f);
	free(evs);
}

static json_t *
txts(const struct kc_dns_answer *a)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < a->n; i++)
		json_array_append_new(arr, json_stringn_nocheck(a->rr[i].text, a->rr[i].len));
	return arr;
}

static int
lookup_fn(void *arg, const char *name, uint16_t type, struct kc_dns_answer *ans)
{
	kc_dns *d = arg;

	return kc_dns_lookup(d, name, type, ans, NULL);
}

void
kc_dmarc_parse(const char *rec, size_t len, struct kc_dmarc *out)
{
	size_t i = 0, ntag = 0;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	while (i < len) {
		size_t s = i, e, eq;
		const char *tag, *val;
		size_t tl, vl;

		while (i < len && rec[i] != ';')
			i++;
		e = i++;
		while (s < e && (rec[s] == ' ' || rec[s] == '\t'))
			s++;
		while (e > s && (rec[e - 1] == ' ' || rec[e - 1] == '\t'))
			e--;
		if (s == e)
			continue;
		for (eq = s; eq < e && rec[eq] != '='; eq++)
			;
		if (eq == e)
			return; /* a tag without "=": invalid */
		tag = rec + s;
		tl = eq - s;
		while (tl && tag[tl - 1] == ' ')
			tl--;
		val = rec + eq + 1;
		vl = e - eq - 1;
		while (vl && *val == ' ')
			val++, vl--;
		if (ntag++ == 0) {
			if (tl != 1 || tag[0] != 'v' || vl != 6 || strncmp(val, "DMARC1", 6) != 0)
				return;
			continue;
		}
		if (tl == 1 && tag[0] == 'p')
			snprintf(out->p, sizeof(out->p), "%.*s", (int)(vl > 15 ? 15 : vl), val);
		else if (tl == 2 && !strncmp(tag, "sp", 2))
			snprintf(out->sp, sizeof(out->sp), "%.*s", (int)(vl > 15 ? 15 : vl), val);
		else if (tl == 3 && !strncmp(tag, "pct", 3)) {
			int v = 0;

			for (size_t k = 0; k < vl && k < 4; k++)
				v = val[k] >= '0' && val[k] <= '9' ? v * 10 + (val[k] - '0') : -1000;
			out->pct = v < 0 || v > 100 ? -1 : v;
		} else if (tl == 3 && !strncmp(tag, "rua", 3))
			out->has_rua = 1;
	}
	out->valid = ntag > 0 && (!strcasecmp(out->p, "none") || !strcasecmp(out->p, "quarantine") ||
		!strcasecmp(out->p, "reject")) && out->pct >= 0;
}

/* Records among a TXT answer that start with prefix (as its first tag). */
static size_t
with_prefix(const struct kc_dns_answer *a, const char *prefix, size_t *first)
{
	size_t n = 0, pl = strlen(prefix);

	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->rr[i].text;
		size_t l = a->rr[i].len;

		if (l >= pl && strncmp(t, prefix, pl) == 0 && (l == pl || t[pl] == ';' || t[pl] == ' ')) {
			if (n++ == 0 && first)
				*first = i;
		}
	}
	return n;
}

static void
check_spf(struct ctx *c)
{
	struct kc_spf_result r;
	json_t *ev;
	const char *title = NULL;
	enum kc_sev sev = KC_SEV_INFO;
	char all[2] = { 0, 0 };

	kc_spf_evaluate(c->d->domain, lookup_fn, c->dns, &r);
	all[0] = r.all;
	ev = json_pack("{s:i,s:s,s:s,s:i,s:i,s:s}", "records", r.nrecords, "record", r.record, "all",
		all, "lookups", r.lookups, "void_lookups", r.void_lookups, "problem", r.problem);
	if (r.temperror && !r.permerror && r.nrecords <= 1) {
		json_decref(ev);
		return; /* DNS trouble: no verdict */
	}
	if (r.nrecords == 0) {
		title = N_("No SPF record");
		sev = KC_SEV_MEDIUM;
	} else if (r.nrecords > 1) {
		title = N_("More than one SPF record");
		sev = KC_SEV_MEDIUM;
	} else if (r.permerror) {
		title = N_("SPF record is invalid (permerror)");
		sev = KC_SEV_MEDIUM;
	} else if (r.all == '+') {
		title = N_("SPF allows any sender (+all)");
		sev = KC_SEV_HIGH;
	} else if (r.all != '-' && r.all != '~') {
		title = N_("SPF does not end in ~all or -all");
		sev = KC_SEV_LOW;
	}
	if (title)
		report(c, "mail.spf", c->d->domain, NULL, 0, sev, title, ev);
	json_decref(ev);
}

static void
check_dmarc(struct ctx *c, const struct kc_dns_answer *a)
{
	struct kc_dmarc dm = { 0 };
	size_t first = 0, n = with_prefix(a, "v=DMARC1", &first);
	const char *title = NULL;
	enum kc_sev sev = KC_SEV_INFO;
	json_t *ev;

	if (n == 1)
		kc_dmarc_parse(a->rr[first].text, a->rr[first].len, &dm);
	ev = json_pack("{s:o,s:s,s:i}", "records", txts(a), "p", dm.p, "pct", dm.pct);
	if (n == 0) {
		title = N_("No DMARC record");
		sev = KC_SEV_MEDIUM;
	} else if (n > 1 || !dm.valid) {
		title = N_("DMARC record is invalid");
		sev = KC_SEV_MEDIUM;
	} else if (!strcasecmp(dm.p, "none")) {
		title = N_("DMARC policy is none");
		sev = KC_SEV_LOW;
	} else if (dm.pct < 100) {
		title = N_("DMARC policy does not apply to all mail (pct below 100)");
		sev = KC_SEV_LOW;
	}
	if (title)
		report(c, "mail.dmarc", c->d->domain, NULL, 0, sev, title, ev);
	json_decref(ev);
}

static void
check_simple(struct ctx *c, const struct kc_dns_answer *a, const char *prefix, const char *check,
	const char *title)
{
	size_t n = with_prefix(a, prefix, NULL);

	if (n == 1)
		return;
	{
		json_t *ev = json_pack("{s:o,s:i}", "records", txts(a), "valid", (int)n);

		report(c, check, c->d->domain, NULL, 0, KC_SEV_LOW, title, ev);
		json_decref(ev);
	}
}

static void
check_dnssec(struct ctx *c, const struct kc_dns_answer *soa, const struct kc_dns_answer *dnskey)
{
	json_t *ev = json_pack("{s:s,s:s,s:i,s:b}", "status", kc_dns_sec_name(soa->sec),
		"why_bogus", soa->why_bogus, "dnskeys", (int)dnskey->n, "validating",
		kc_dns_validating(c->dns));

	if (soa->sec == KC_DNS_SEC_BOGUS || dnskey->sec == KC_DNS_SEC_BOGUS)
		report(c, "mail.dnssec", c->d->domain, NULL, 0, KC_SEV_HIGH,
			N_("DNSSEC validation fails (bogus)"), ev);
	else if (soa->sec == KC_DNS_SEC_INSECURE ||
		 (soa->sec == KC_DNS_SEC_UNKNOWN && dnskey->n == 0 && !dnskey->timed_out))
		report(c, "mail.dnssec", c->d->domain, NULL, 0, KC_SEV_LOW,
			N_("Domain is not DNSSEC-signed"), ev);
	json_decref(ev);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for fd to be ready for events until deadline; 1 ready, 0 timeout, -1 error. */
static int
wait_fd(int fd, short events, long deadline)
{
	for (;;) {
		struct pollfd p = { fd, events, 0 };
		long left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		return r > 0 ? 1 : 0;
	}
}

/*
 * Read one SMTP reply (lines until "NNN " or a bare "NNN") into buf, bounded
 * by max bytes in all and the step deadline. Returns the code, 0 on timeout
 * or garbage, -1 on a closed connection.
 */
static int
smtp_reply(int fd, kc_buf *buf, size_t max, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	size_t line_start = buf->len;

	for (;;) {
		char chunk[512];
		ssize_t r;
		const char *nl;

		/* Complete lines already read? */
		while ((nl = memchr(buf->ptr ? buf->ptr + line_start : "", '\n',
				buf->len - line_start)) != NULL) {
			const char *l = buf->ptr + line_start;
			size_t ll = (size_t)(nl - l);

			line_start += ll + 1;
			if (ll < 3 || l[0] < '1' || l[0] > '5' || l[1] < '0' || l[1] > '9' || l[2] < '0' ||
			    l[2] > '9')
				return 0;
			if (ll == 3 || l[3] == ' ' || l[3] == '\r')
				return (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
		}
		if (buf->len >= max)
			return 0;
		if (wait_fd(fd, POLLIN, deadline) <= 0)
			return 0;
		r = recv(fd, chunk, sizeof(chunk), 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			return -1;
		if (kc_buf_add(buf, chunk, (size_t)r > max - buf->len ? max - buf->len : (size_t)r) != 0)
			return 0;
	}
}

static int
send_all(int fd, const char *s, int timeout_ms)
{
	size_t n = strlen(s), off = 0;
	long deadline = now_ms() + timeout_ms;

	while (off < n) {
		ssize_t w;

		if (wait_fd(fd, POLLOUT, deadline) <= 0)
			return -1;
		w = send(fd, s + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

static int
tcp_connect(const char *ip, int port, int timeout_ms)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, e = 0;
	socklen_t el = sizeof(e);

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, ip, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS)
		goto fail;
	if (wait_fd(fd, POLLOUT, now_ms() + timeout_ms) <= 0)
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0 || e != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Keep printable ASCII of a transcript for evidence. */
static json_t *
clean(const kc_buf *b)
{
	kc_buf o;
	json_t *s;

	kc_buf_init(&o, 4096);
	for (size_t i = 0; i < b->len && o.len < 2048; i++) {
		unsigned char ch = (unsigned char)b->ptr[i];

		if (ch == '\n' || (ch >= 0x20 && ch < 0x7f))
			kc_buf_addc(&o, (char)ch);
	}
	s = json_string(kc_buf_str(&o));
	kc_buf_release(&o);
	return s;
}

/*
 * SMTP greeting and EHLO on one MX address: mail.starttls when STARTTLS is
 * not offered. Returns 1 when STARTTLS is offered (the TLS checks follow), 0
 * when not, -1 when the server could not be asked (no verdict, not covered).
 */
static int
check_starttls(struct ctx *c, const char *mx, const char *ip)
{
	int port = c->d->smtp_port > 0 ? c->d->smtp_port : 25;
	int tmo = c->opts->timeout_ms > 0 ? c->opts->timeout_ms : 5000;
	size_t max = c->opts->max_read ? c->opts->max_read : 65536;
	kc_buf banner, ehlo;
	int fd, code, starttls = 0, ret = -1;
	json_t *ev;

	kc_buf_init(&banner, max);
	kc_buf_init(&ehlo, max);
	fd = tcp_connect(ip, port, tmo);
	if (fd < 0)
		goto out; /* unreachable: no verdict, not covered */
	code = smtp_reply(fd, &banner, max, tmo);
	if (code != 220)
		goto done;
	if (send_all(fd, "EHLO kcert-scanner.invalid\r\n", tmo) != 0)
		goto done;
	code = smtp_reply(fd, &ehlo, max, tmo);
	if (code != 250)
		goto done;
	for (size_t i = 0; i + 8 <= ehlo.len; i++)
		if ((i == 0 || ehlo.ptr[i - 1] == '\n') && ehlo.len - i >= 12 &&
		    strncasecmp(ehlo.ptr + i + 4, "STARTTLS", 8) == 0 &&
		    (i + 12 == ehlo.len || ehlo.ptr[i + 12] == '\r' || ehlo.ptr[i + 12] == '\n' ||
			    ehlo.ptr[i + 12] == ' '))
			starttls = 1;
	send_all(fd, "QUIT\r\n", tmo);
	ev = json_pack("{s:s,s:s,s:i,s:o,s:o,s:b}", "mx", mx, "ip", ip, "port", port, "banner",
		clean(&banner), "ehlo", clean(&ehlo), "starttls", starttls);
	if (!starttls)
		report(c, "mail.starttls", ip, mx, port, KC_SEV_MEDIUM,
			N_("Mail server does not offer STARTTLS"), ev);
	json_decref(ev);
	if (c->sink->covered)
		c->sink->covered(c->sink->arg, c->d->org_id, "mail", ip, port);
	ret = starttls;
done:
	close(fd);
out:
	kc_buf_release(&banner);
	kc_buf_release(&ehlo);
	return ret;
}

/* An answer from a working resolver: data, NODATA or NXDOMAIN. A timeout,
 * SERVFAIL, REFUSED or any other rcode says nothing about the zone. */
static int
answered(const struct kc_dns_answer *a)
{
	return !a->timed_out && (a->rcode == KC_DNS_NOERROR || a->rcode == KC_DNS_NXDOMAIN);
}

/*
 * STARTTLS on each MX address the organisation owns (d->mx_allowed; a
 * third-party MX, a cloud mail service, is the target expansion's to name as
 * skipped), then the TLS checks of the engine through STARTTLS on those that
 * offer it.
 */
static void
scan_mx(struct ctx *c, const struct kc_dns_answer *mxa)
{
	struct kc_dns_query aq[2 * MX_MAX];
	struct kc_tls_endpoint eps[2 * MX_MAX * 4];
	size_t nmx = mxa->n < MX_MAX ? mxa->n : MX_MAX, neps = 0;
	int port = c->d->smtp_port > 0 ? c->d->smtp_port : 25;

	for (size_t i = 0; i < nmx; i++) {
		aq[2 * i] = (struct kc_dns_query){ .name = mxa->rr[i].text, .type = KC_DNS_A };
		aq[2 * i + 1] = (struct kc_dns_query){ .name = mxa->rr[i].text, .type = KC_DNS_AAAA };
	}
	if (nmx && kc_dns_lookup_many(c->dns, aq, 2 * nmx, NULL) == 0) {
		for (size_t i = 0; i < 2 * nmx; i++) {
			const char *mx = mxa->rr[i / 2].text;

			for (size_t j = 0; j < aq[i].ans.n && j < 4; j++) {
				const char *ip = aq[i].ans.rr[j].text;

				if (c->d->mx_allowed &&
				    !c->d->mx_allowed(c->d->mx_arg, c->d->org_id, mx, ip))
					continue;
				if (check_starttls(c, mx, ip) != 1 || neps == KC_ARRAY_LEN(eps))
					continue;
				memset(&eps[neps], 0, sizeof(eps[neps]));
				eps[neps].org_id = c->d->org_id;
				snprintf(eps[neps].ip, sizeof(eps[neps].ip), "%s", ip);
				snprintf(eps[neps].host, sizeof(eps[neps].host), "%s", mx);
				eps[neps].port = (uint16_t)port;
				eps[neps].starttls = KC_STARTTLS_SMTP;
				neps++;
			}
		}
	}
	for (size_t i = 0; i < 2 * nmx; i++)
		kc_dns_answer_release(&aq[i].ans);
	if (neps)
		kc_scan_tls(c->opts, eps, neps, c->sink, NULL);
}

static void
scan_domain(struct ctx *c)
{
	char dmarc[300], sts[300], rpt[300];
	struct kc_dns_query q[6];
	int ok = 1;

	snprintf(dmarc, sizeof(dmarc), "_dmarc.%s", c->d->domain);
	snprintf(sts, sizeof(sts), "_mta-sts.%s", c->d->domain);
	snprintf(rpt, sizeof(rpt), "_smtp._tls.%s", c->d->domain);
	q[0] = (struct kc_dns_query){ .name = dmarc, .type = KC_DNS_TXT };
	q[1] = (struct kc_dns_query){ .name = sts, .type = KC_DNS_TXT };
	q[2] = (struct kc_dns_query){ .name = rpt, .type = KC_DNS_TXT };
	q[3] = (struct kc_dns_query){ .name = c->d->domain, .type = KC_DNS_SOA };
	q[4] = (struct kc_dns_query){ .name = c->d->domain, .type = KC_DNS_DNSKEY };
	q[5] = (struct kc_dns_query){ .name = c->d->domain, .type = KC_DNS_MX };
	if (kc_dns_lookup_many(c->dns, q, 6, NULL) != 0)
		ok = 0;
	for (int i = 0; i < 6; i++)
		ok &= answered(&q[i].ans);
	/* Only a working resolver's NXDOMAIN or NODATA means "absent"; a
	 * timeout, SERVFAIL or REFUSED gives no verdict and covers nothing. */
	if (ok) {
		check_spf(c);
		check_dmarc(c, &q[0].ans);
		check_simple(c, &q[1].ans, "v=STSv1", "mail.mta-sts", N_("No MTA-STS record"));
		check_simple(c, &q[2].ans, "v=TLSRPTv1", "mail.tls-rpt", N_("No TLS-RPT record"));
	}
	/* A bogus zone answers SERVFAIL to everything when validating: that
	 * SERVFAIL, marked bogus by the validator, is the verdict. */
	if (q[3].ans.sec == KC_DNS_SEC_BOGUS || q[4].ans.sec == KC_DNS_SEC_BOGUS ||
	    (answered(&q[3].ans) && answered(&q[4].ans)))
		check_dnssec(c, &q[3].ans, &q[4].ans);
	if (ok && c->sink->covered)
		c->sink->covered(c->sink->arg, c->d->org_id, "mail", c->d->domain, 0);
	if (answered(&q[5].ans))
		scan_mx(c, &q[5].ans);
	for (int i = 0; i < 6; i++)
		kc_dns_answer_release(&q[i].ans);
}

int
kc_scan_mail(const struct kc_scan_opts *opts, const struct kc_mail_domain *d, size_t n,
	const struct kc_scan_sink *sink, kc_err *err)
{
	struct ctx c = { opts, sink, NULL, NULL };
	int rc;

	rc = kc_dns_new(opts, &c.dns, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		c.d = &d[i];
		scan_domain(&c);
		if (sink->progress)
			sink->progress(sink->arg, "mail", i + 1, n);
	}
	kc_dns_free(c.dns);
	return 0;
}
