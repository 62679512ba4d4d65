/*
 * run.c - the scan orchestrator, scan runs and schedules, and the notices of
 * findings; see run.h.
 *
 * The check families are a table of function pointers (ports, tls, web,
 * mail): a family whose implementation this build lacks is skipped and named
 * in the report, never faked.
 */
#include "scan/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit/audit.h"
#include "base/time.h"
#include "notify/compose.h"
#include "notify/notice.h"
#include "notify/outbox.h"
#include "org/asset.h"
#include "org/org.h"
#include "scan/dns.h"
#include "scan/engine.h"
#include "scan/finding.h"
#include "scan/mail.h"
#include "scan/web.h"
#include "base/kc.h"
#include "vuln/vuln.h"

/* Lease on a scheduled scan: longer than any scan of one schedule takes. */
#define SCHEDULE_LEASE_SECONDS (6 * 3600)

struct checks_impl {
	int (*ports)(const struct kc_scan_opts *, const struct kc_scan_target *, size_t, const uint16_t *, size_t,
		     unsigned, const struct kc_scan_sink *, struct kc_port_result **, size_t *, kc_err *);
	int (*tls)(const struct kc_scan_opts *, const struct kc_tls_endpoint *, size_t, const struct kc_scan_sink *,
		   kc_err *);
	int (*web)(const struct kc_scan_opts *, const struct kc_web_target *, size_t, const struct kc_scan_sink *,
		   kc_err *);
	int (*mail)(const struct kc_scan_opts *, const struct kc_mail_domain *, size_t, const struct kc_scan_sink *,
		    kc_err *);
};

/* Every family of this build. */
static const struct checks_impl impl = {
	.ports = kc_scan_ports,
	.tls = kc_scan_tls,
	.web = kc_scan_web,
	.mail = kc_scan_mail,
};

static const char *const family_names[] = { "service", "tls", "http", "mail" };

int kc_scan_checks_parse(const char *s, unsigned *bits, kc_err *err)
{
	char word[32];

	*bits = 0;
	if (!s || !*s || !strcmp(s, "all")) {
		*bits = KC_CHECK_ALL;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, ",");
		size_t k;

		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), s);
		for (k = 0; k < KC_ARRAY_LEN(family_names); k++)
			if (!strcmp(word, family_names[k]))
				break;
		if (k == KC_ARRAY_LEN(family_names))
			return kc_err_set(err, KC_EINVAL, _("--checks: unknown check family '%s' (service, tls, http, mail)"),
					  word);
		*bits |= 1u << k;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

void kc_scan_checks_format(unsigned bits, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t k = 0; k < KC_ARRAY_LEN(family_names); k++)
		if (bits & (1u << k))
			len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s", len ? "," : "",
						family_names[k]);
}

void kc_scan_opts_from_env(struct kc_scan_opts *o, char *ua, size_t uacap)
{
	const char *v;

	kc_scan_opts_default(o);
	if ((v = getenv("KCERT_SCAN_RESOLVER")) && *v)
		o->resolver = v;
	if ((v = getenv("KCERT_SCAN_TRUST_ANCHOR")) && *v)
		o->trust_anchor = v;
	if ((v = getenv("KCERT_SCAN_CA_FILE")) && *v)
		o->ca_file = v;
	if ((v = getenv("KCERT_SCAN_TIMEOUT_MS")) && atoi(v) > 0)
		o->timeout_ms = atoi(v);
	/* Requests per second per IP per check; connection attempts five times that
	 * (the production default is 1 and 5: tests on loopback go faster). */
	if ((v = getenv("KCERT_SCAN_RATE")) && atof(v) > 0) {
		o->per_ip_rate = atof(v);
		o->per_ip_connect_rate = 5 * atof(v);
	}
	if ((v = getenv("KCERT_SCAN_CONTACT_URL")) && *v && ua && uacap) {
		snprintf(ua, uacap, "kcert-scanner/%s (+%s)", KCERT_VERSION, v);
		o->user_agent = ua;
	}
}

void kc_scan_report_release(struct kc_scan_report *r)
{
	free(r->refused);
	r->refused = NULL;
	r->nrefused = 0;
}

/* ---- progress ---- */

struct prog {
	kc_store *st;
	int64_t run_id;
	time_t last;
	char phase[16];
	const struct kc_scan_request *rq;
};

static void run_update(struct prog *p, const char *phase, uint64_t done, uint64_t total)
{
	char now[KC_TIME_STRLEN];
	kc_err e;

	kc_time_now_iso(now);
	kc_store_exec(p->st, &e, NULL,
		      "UPDATE scan_run SET phase = ?, probes_done = ?, probes_total = ?, updated_at = ? WHERE id = ?",
		      "tiiti", phase, (int64_t)done, (int64_t)total, now, p->run_id);
}

static void on_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
	struct prog *p = arg;
	time_t now = time(NULL);

	if (p->rq->progress)
		p->rq->progress(p->rq->progress_arg, phase, done, total);
	if (now != p->last || strcmp(phase, p->phase) || done == total) {
		p->last = now;
		snprintf(p->phase, sizeof(p->phase), "%s", phase);
		run_update(p, phase, done, total);
	}
}

/* ---- the run ---- */

static int gather(kc_store *st, const struct kc_scan_request *rq, const kc_registry *reg, kc_dns *dns,
		  struct kc_scan_targets *t, struct kc_scan_report *rep, kc_err *err)
{
	int64_t *orgs = NULL;
	size_t norgs = 0;
	int rc = 0, refused = 0;

	if (rq->ntargets) {
		for (size_t i = 0; i < rq->ntargets && rc >= 0; i++) {
			rc = kc_scan_targets_manual(st, reg, dns, rq->org_id, rq->targets[i], t, err);
			if (rc == 1)
				refused = 1;
		}
		if (rc < 0)
			return rc;
		if (refused) {
			rep->all_refused = 1;
			t->n = 0;
			t->ndomains = 0;
		}
		return 0;
	}
	if (rq->all) {
		rc = kc_scan_orgs(st, &orgs, &norgs, err);
		if (rc)
			return rc;
	} else if (rq->org_id) {
		orgs = malloc(sizeof(*orgs));
		if (!orgs)
			return kc_err_set(err, KC_ENOMEM, _("out of memory"));
		orgs[0] = rq->org_id;
		norgs = 1;
	}
	for (size_t i = 0; i < norgs && !rc; i++)
		rc = kc_scan_targets_org(st, reg, dns, orgs[i], t, err);
	free(orgs);
	return rc;
}

/* The distinct organisations among targets and domains. */
static size_t run_orgs(const struct kc_scan_targets *t, int64_t **out)
{
	size_t n = 0, cap = t->n + t->ndomains;
	int64_t *v = malloc((cap ? cap : 1) * sizeof(*v));

	*out = v;
	if (!v)
		return 0;
	for (size_t i = 0; i < t->n + t->ndomains; i++) {
		int64_t o = i < t->n ? t->v[i].org_id : t->domains[i - t->n].org_id;
		size_t k;

		for (k = 0; k < n && v[k] != o; k++)
			;
		if (k == n)
			v[n++] = o;
	}
	return n;
}

static int is_http_port(const struct kc_port_result *p)
{
	return !strcmp(p->service, "http") || !strcmp(p->service, "https");
}

/* The mail checks probe an MX address only when the target expansion kept it:
 * an MX host the organisation owns, not excluded (target.c refuses the
 * others with rule "third-party", and the report names them). */
static int mx_in_targets(void *arg, int64_t org_id, const char *mx, const char *ip)
{
	const struct kc_scan_targets *t = arg;

	(void)mx;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].org_id == org_id && !strcmp(t->v[i].ip, ip))
			return 1;
	return 0;
}

/*
 * The port sweep's sink, passed through, remembering which targets answered
 * (covered "service"): on those, a swept port found closed closes the TLS and
 * HTTP findings of that port too (the server that had them is gone); a target
 * that did not answer at all closes nothing.
 */
struct sweep_sink {
	const struct kc_scan_sink *next;
	int64_t *org;
	char (*ip)[48];
	size_t n, cap;
};

static void sweep_finding(void *arg, const struct kc_finding *f)
{
	struct sweep_sink *w = arg;

	if (w->next->finding)
		w->next->finding(w->next->arg, f);
}

static void sweep_covered(void *arg, int64_t org_id, const char *family, const char *target, int port)
{
	struct sweep_sink *w = arg;

	if (!strcmp(family, "service") && port == 0 && strlen(target) < sizeof(w->ip[0])) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 64;
			int64_t *o = realloc(w->org, cap * sizeof(*o));
			char(*ip)[48] = o ? realloc(w->ip, cap * sizeof(*ip)) : NULL;

			if (o)
				w->org = o;
			if (ip) {
				w->ip = ip;
				w->cap = cap;
			}
		}
		if (w->n < w->cap) {
			w->org[w->n] = org_id;
			snprintf(w->ip[w->n], sizeof(w->ip[w->n]), "%s", target);
			w->n++;
		}
	}
	if (w->next->covered)
		w->next->covered(w->next->arg, org_id, family, target, port);
}

static void sweep_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
	struct sweep_sink *w = arg;

	if (w->next->progress)
		w->next->progress(w->next->arg, phase, done, total);
}

static void close_gone_ports(const struct sweep_sink *w, unsigned checks, const uint16_t *ports, size_t nports,
			     const struct kc_port_result *open, size_t nopen)
{
	for (size_t i = 0; i < w->n && w->next->covered; i++)
		for (size_t k = 0; k < nports; k++) {
			size_t j;

			for (j = 0; j < nopen; j++)
				if (open[j].org_id == w->org[i] && open[j].port == ports[k] && !strcmp(open[j].ip, w->ip[i]))
					break;
			if (j < nopen)
				continue;
			if (checks & KC_CHECK_TLS)
				w->next->covered(w->next->arg, w->org[i], "tls", w->ip[i], ports[k]);
			if (checks & KC_CHECK_HTTP)
				w->next->covered(w->next->arg, w->org[i], "http", w->ip[i], ports[k]);
		}
}

static int run_checks(const struct kc_scan_request *rq, unsigned checks, const struct kc_scan_targets *t,
		      const struct kc_scan_sink *sink, struct kc_scan_report *rep, kc_err *err)
{
	struct kc_port_result *open = NULL;
	struct kc_scan_target *uniq = NULL;
	size_t nopen = 0, nuniq = 0;
	int rc = 0;

	/* One probe per address: the first host name stands for it (t is sorted). */
	uniq = malloc((t->n ? t->n : 1) * sizeof(*uniq));
	if (!uniq)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	for (size_t i = 0; i < t->n; i++)
		if (!nuniq || uniq[nuniq - 1].org_id != t->v[i].org_id || strcmp(uniq[nuniq - 1].ip, t->v[i].ip))
			uniq[nuniq++] = t->v[i];

	if ((checks & (KC_CHECK_SERVICE | KC_CHECK_TLS | KC_CHECK_HTTP)) && nuniq) {
		if (impl.ports) {
			const uint16_t *ports = rq->ports ? rq->ports : kc_scan_default_ports;
			size_t nports = rq->ports ? rq->nports : kc_scan_default_nports;

			struct sweep_sink w = { .next = sink };
			struct kc_scan_sink ws = { &w, sweep_finding, sweep_covered, sweep_progress };

			rc = impl.ports(rq->opts, uniq, nuniq, ports, nports,
					(checks & KC_CHECK_SERVICE) ? 0 : KC_SCAN_NO_FINDINGS, &ws, &open, &nopen, err);
			if (!rc)
				close_gone_ports(&w, checks, ports, nports, open, nopen);
			free(w.org);
			free(w.ip);
		} else {
			snprintf(rep->skipped, sizeof(rep->skipped), "service,tls");
		}
	}
	if (!rc && (checks & KC_CHECK_TLS) && impl.tls && nopen) {
		struct kc_tls_endpoint *eps = calloc(nopen * 2 + 1, sizeof(*eps));
		size_t neps = 0;

		if (!eps)
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
		for (size_t i = 0; eps && i < nopen; i++) {
			if (!open[i].tls || open[i].udp)
				continue;
			eps[neps].org_id = open[i].org_id;
			snprintf(eps[neps].ip, sizeof(eps[neps].ip), "%s", open[i].ip);
			snprintf(eps[neps].host, sizeof(eps[neps].host), "%s", open[i].host);
			eps[neps].port = open[i].port;
			neps++;
		}
		if (eps && neps)
			rc = impl.tls(rq->opts, eps, neps, sink, err);
		free(eps);
	}
	if (!rc && (checks & KC_CHECK_HTTP) && impl.web) {
		struct kc_web_target *w = NULL;
		size_t nw = 0, cap = 0;

		if (impl.ports) {
			for (size_t i = 0; i < nopen; i++) {
				if (!is_http_port(&open[i]) && !((open[i].port == 443 || open[i].port == 8443) && open[i].tls))
					continue;
				/* Every name the address was reached through (Host:, SNI). */
				for (size_t k = 0; k < t->n; k++) {
					if (t->v[k].org_id != open[i].org_id || strcmp(t->v[k].ip, open[i].ip))
						continue;
					if (nw == cap) {
						struct kc_web_target *w2 = realloc(w, (cap = cap ? cap * 2 : 16) * sizeof(*w2));

						if (!w2) {
							rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
							break;
						}
						w = w2;
					}
					memset(&w[nw], 0, sizeof(w[nw]));
					w[nw].org_id = open[i].org_id;
					snprintf(w[nw].ip, sizeof(w[nw].ip), "%s", open[i].ip);
					snprintf(w[nw].host, sizeof(w[nw].host), "%s", t->v[k].host);
					w[nw].port = open[i].port;
					w[nw].tls = open[i].tls || !strcmp(open[i].service, "https");
					nw++;
				}
			}
		} else {
			/* No port sweep in this build: the web checks try 80 and 443 themselves
			 * (an unreachable port is simply not covered). */
			w = calloc(t->n * 2 + 1, sizeof(*w));
			if (!w)
				rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
			for (size_t k = 0; w && k < t->n; k++)
				for (int s = 0; s < 2; s++) {
					w[nw].org_id = t->v[k].org_id;
					snprintf(w[nw].ip, sizeof(w[nw].ip), "%s", t->v[k].ip);
					snprintf(w[nw].host, sizeof(w[nw].host), "%s", t->v[k].host);
					w[nw].port = s ? 443 : 80;
					w[nw].tls = s;
					nw++;
				}
		}
		if (!rc && nw)
			rc = impl.web(rq->opts, w, nw, sink, err);
		free(w);
	}
	if (!rc && (checks & KC_CHECK_MAIL) && impl.mail && t->ndomains) {
		struct kc_mail_domain *d = calloc(t->ndomains, sizeof(*d));

		if (!d)
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
		for (size_t i = 0; d && i < t->ndomains; i++) {
			d[i].org_id = t->domains[i].org_id;
			snprintf(d[i].domain, sizeof(d[i].domain), "%s", t->domains[i].name);
			d[i].smtp_port = rq->smtp_port;
			d[i].mx_allowed = mx_in_targets;
			d[i].mx_arg = (void *)t;
		}
		if (d)
			rc = impl.mail(rq->opts, d, t->ndomains, sink, err);
		free(d);
	}
	free(open);
	free(uniq);
	return rc;
}

int kc_scan_run(kc_store *st, const struct kc_scan_request *rq, struct kc_scan_report *rep, kc_err *err)
{
	char now[KC_TIME_STRLEN], scope[128], checks_s[64];
	struct kc_scan_targets t;
	struct kc_finding_sink fs;
	struct kc_scan_sink sink;
	struct prog prog = { 0 };
	kc_registry *reg = NULL;
	kc_dns *dns = NULL;
	unsigned checks = rq->checks ? rq->checks : KC_CHECK_ALL;
	int64_t *orgs = NULL;
	size_t norgs;
	int rc;

	memset(rep, 0, sizeof(*rep));
	kc_scan_targets_init(&t);
	kc_scan_checks_format(checks, checks_s, sizeof(checks_s));
	if (rq->ntargets)
		snprintf(scope, sizeof(scope), "targets:%s%s", rq->targets[0], rq->ntargets > 1 ? ",..." : "");
	else if (rq->all)
		snprintf(scope, sizeof(scope), "all");
	else
		snprintf(scope, sizeof(scope), "org:%lld", (long long)rq->org_id);
	if (!rq->all && !rq->org_id && !rq->ntargets)
		return kc_err_set(err, KC_EINVAL, _("give --org, --all or targets"));
	rc = kc_finding_expire(st, rq->actor, NULL, err);
	if (!rc)
		rc = kc_registry_load(st, &reg, err);
	if (!rc)
		rc = kc_dns_new(rq->opts, &dns, err);
	if (rc)
		goto out;
	rc = gather(st, rq, reg, dns, &t, rep, err);
	if (rc)
		goto out;
	rep->targets = t.n;
	rep->domains = t.ndomains;
	rep->excluded = t.excluded;
	if (t.nrefused) {
		rep->refused = malloc(t.nrefused * sizeof(*rep->refused));
		if (rep->refused) {
			memcpy(rep->refused, t.refused, t.nrefused * sizeof(*rep->refused));
			rep->nrefused = t.nrefused;
		}
	}
	kc_time_now_iso(now);
	rc = kc_store_exec(st, err, &rep->run_id,
			   "INSERT INTO scan_run (org_id, scope, checks, actor, schedule_id, status, phase, targets, refused, "
			   "started_at, updated_at) VALUES (CASE WHEN CAST(? AS INTEGER) = 0 THEN NULL ELSE CAST(? AS INTEGER) END, ?, ?, ?, ?, ?, 'targets', ?, ?, ?, ?) "
			   "RETURNING id",
			   "iittti" "t" "ii" "tt", rq->org_id, rq->org_id, scope, checks_s,
			   rq->actor ? rq->actor : "scan", rq->schedule_id, rep->all_refused ? "failed" : "running",
			   (int64_t)t.n, (int64_t)t.nrefused, now, now);
	if (rc)
		goto out;
	if (rep->all_refused) {
		kc_store_exec(st, err, NULL,
			      "UPDATE scan_run SET error = 'targets refused', finished_at = ?, updated_at = ? WHERE id = ?",
			      "tti", now, now, rep->run_id);
		goto out;
	}
	kc_finding_sink_init(&fs, st, rep->run_id, rq->actor);
	prog.st = st;
	prog.run_id = rep->run_id;
	prog.rq = rq;
	fs.progress = on_progress;
	fs.progress_arg = &prog;
	kc_finding_sink_bind(&fs, &sink);
	rc = run_checks(rq, checks, &t, &sink, rep, err);
	if (!rc && fs.rc) {
		rc = fs.rc;
		*err = fs.err;
	}
	rep->seen = fs.seen;
	rep->opened = fs.opened;
	rep->reopened = fs.reopened;
	rep->fixed = fs.fixed;
	norgs = run_orgs(&t, &orgs);
	for (size_t i = 0; !rc && i < norgs; i++)
		rc = kc_rating_record(st, orgs[i], err);
	/* Products the scan saw may be in CISA's KEV catalogue: tell each
	 * organisation once, as a KEV import would have. */
	for (size_t i = 0; !rc && !rq->no_notify && i < norgs; i++) {
		kc_vuln_stats vs;

		rc = kc_kev_notify_org(st, "scanner", orgs[i], &vs, err);
		rep->notices += vs.mails;
	}
	free(orgs);
	if (!rc && !rq->no_notify && fs.nnew_high)
		rc = kc_scan_notify_high(st, fs.new_high, fs.nnew_high, &rep->notices, err);
	kc_finding_sink_release(&fs);
	kc_time_now_iso(now);
	{
		kc_err e;

		kc_store_exec(st, &e, NULL,
			      "UPDATE scan_run SET status = ?, phase = 'done', findings_opened = ?, findings_fixed = ?, "
			      "error = ?, finished_at = ?, updated_at = ? WHERE id = ?",
			      "tiit" "tti", rc ? "failed" : "done", (int64_t)(rep->opened + rep->reopened), (int64_t)rep->fixed,
			      rc ? err->msg : (rep->skipped[0] ? "skipped: engine not in this build" : NULL), now, now,
			      rep->run_id);
	}
out:
	kc_dns_free(dns);
	kc_registry_free(reg);
	kc_scan_targets_release(&t);
	return rc;
}

static void fill_run(kc_stmt *s, void *rec)
{
	kc_scan_run_row *r = rec;
	const char *v;

	memset(r, 0, sizeof(*r));
	r->id = kc_stmt_int(s, 0);
	snprintf(r->scope, sizeof(r->scope), "%s", kc_stmt_text(s, 1));
	snprintf(r->checks, sizeof(r->checks), "%s", kc_stmt_text(s, 2));
	snprintf(r->actor, sizeof(r->actor), "%s", kc_stmt_text(s, 3));
	snprintf(r->status, sizeof(r->status), "%s", kc_stmt_text(s, 4));
	snprintf(r->phase, sizeof(r->phase), "%s", (v = kc_stmt_text(s, 5)) ? v : "");
	r->targets = kc_stmt_int(s, 6);
	r->probes_total = kc_stmt_int(s, 7);
	r->probes_done = kc_stmt_int(s, 8);
	r->refused = kc_stmt_int(s, 9);
	r->opened = kc_stmt_int(s, 10);
	r->fixed = kc_stmt_int(s, 11);
	snprintf(r->error, sizeof(r->error), "%s", (v = kc_stmt_text(s, 12)) ? v : "");
	snprintf(r->started_at, sizeof(r->started_at), "%s", kc_stmt_text(s, 13));
	snprintf(r->finished_at, sizeof(r->finished_at), "%s", (v = kc_stmt_text(s, 14)) ? v : "");
}

int kc_scan_run_list(kc_store *st, size_t limit, kc_scan_run_row **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT id, scope, checks, actor, status, phase, targets, probes_total, probes_done, refused, "
				"findings_opened, findings_fixed, error, started_at, finished_at FROM scan_run "
				"ORDER BY id DESC LIMIT ?",
				"i", (int64_t)(limit ? limit : 50));

	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_scan_run_row), fill_run, (void **)out, n, err);
}

/* ---- schedules ---- */

int kc_scan_schedule_add(kc_store *st, const char *actor, int64_t org_id, unsigned checks, int64_t every,
			 int64_t *id, kc_err *err)
{
	char now[KC_TIME_STRLEN], checks_s[64], obj[48];
	int rc;

	if (every < 3600)
		return kc_err_set(err, KC_EINVAL, _("--every: scans run at most once an hour"));
	kc_scan_checks_format(checks ? checks : KC_CHECK_ALL, checks_s, sizeof(checks_s));
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, id,
			   "INSERT INTO scan_schedule (org_id, checks, every_seconds, next_run, created_by, created_at) "
			   "VALUES (CASE WHEN CAST(? AS INTEGER) = 0 THEN NULL ELSE CAST(? AS INTEGER) END, ?, ?, ?, ?, ?) RETURNING id",
			   "iitittt", org_id, org_id, checks_s, every, now, actor, now);
	snprintf(obj, sizeof(obj), "scan_schedule:%lld", (long long)*id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "scan.schedule", obj, "%s every %lld s: %s",
				      org_id ? "org" : "all", (long long)every, checks_s);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

int kc_scan_schedule_rm(kc_store *st, const char *actor, int64_t id, kc_err *err)
{
	char obj[48];
	int64_t n = 0;
	int rc = kc_store_begin(st, err);

	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &n, "SELECT count(*) FROM scan_schedule WHERE id = ?", "i", id);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("no scan schedule %lld"), (long long)id);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM scan_schedule WHERE id = ?", "i", id);
	snprintf(obj, sizeof(obj), "scan_schedule:%lld", (long long)id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "scan.unschedule", obj, "removed");
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

#define SCHEDULE_COLS                                                                                          \
	"s.id, COALESCE(s.org_id, 0), COALESCE(o.code, o.slug), s.checks, s.every_seconds, s.next_run, s.last_status, " \
	"COALESCE(s.last_run_id, 0)"

static void fill_schedule(kc_stmt *s, void *rec)
{
	kc_scan_schedule *r = rec;
	const char *v;

	memset(r, 0, sizeof(*r));
	r->id = kc_stmt_int(s, 0);
	r->org_id = kc_stmt_int(s, 1);
	snprintf(r->org, sizeof(r->org), "%s", (v = kc_stmt_text(s, 2)) ? v : "all");
	snprintf(r->checks, sizeof(r->checks), "%s", kc_stmt_text(s, 3));
	r->every = kc_stmt_int(s, 4);
	snprintf(r->next_run, sizeof(r->next_run), "%s", kc_stmt_text(s, 5));
	snprintf(r->last_status, sizeof(r->last_status), "%s", (v = kc_stmt_text(s, 6)) ? v : "");
	r->last_run_id = kc_stmt_int(s, 7);
}

int kc_scan_schedule_list(kc_store *st, kc_scan_schedule **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT " SCHEDULE_COLS " FROM scan_schedule s LEFT JOIN org o ON o.id = s.org_id ORDER BY s.id",
				"");

	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_scan_schedule), fill_schedule, (void **)out, n, err);
}

static int claim_schedule(kc_store *st, const char *owner, kc_scan_schedule *out, kc_err *err)
{
	char now[KC_TIME_STRLEN], until[KC_TIME_STRLEN];
	int pg = !strcmp(kc_store_engine(st), "postgresql");
	kc_scan_schedule *v = NULL;
	int64_t id = 0;
	size_t n = 0;
	kc_stmt *s;
	int rc;

	kc_time_now_iso(now);
	kc_time_iso(kc_now() + SCHEDULE_LEASE_SECONDS, until);
	rc = kc_store_query(st, err, &s,
			    pg ? "UPDATE scan_schedule SET lease_owner = ?, lease_until = ? WHERE id = (SELECT id FROM "
				 "scan_schedule WHERE enabled = 1 AND next_run <= ? AND (lease_until IS NULL OR lease_until < ?) "
				 "ORDER BY next_run LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id"
			       : "UPDATE scan_schedule SET lease_owner = ?, lease_until = ? WHERE id = (SELECT id FROM "
				 "scan_schedule WHERE enabled = 1 AND next_run <= ? AND (lease_until IS NULL OR lease_until < ?) "
				 "ORDER BY next_run LIMIT 1) RETURNING id",
			    "tttt", owner, until, now, now);
	if (rc)
		return rc;
	if ((rc = kc_stmt_step(s, err)) == KC_ROW)
		id = kc_stmt_int(s, 0);
	kc_stmt_finalize(s);
	if (rc < 0 || !id)
		return rc < 0 ? rc : 0;
	rc = kc_store_query(st, err, &s,
			    "SELECT " SCHEDULE_COLS " FROM scan_schedule s LEFT JOIN org o ON o.id = s.org_id WHERE s.id = ?",
			    "i", id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(kc_scan_schedule), fill_schedule, (void **)&v, &n, err);
	if (!rc && n)
		*out = v[0];
	free(v);
	return rc ? rc : n ? 1 : 0;
}

int kc_scan_schedule_run(kc_store *st, const char *owner, size_t *ran, kc_err *err)
{
	struct kc_scan_opts opts;
	char ua[300], actor[64], next[KC_TIME_STRLEN];
	kc_scan_schedule sc;
	int rc;

	if (ran)
		*ran = 0;
	rc = kc_finding_expire(st, "worker", NULL, err);
	while (!rc && (rc = claim_schedule(st, owner, &sc, err)) == 1) {
		struct kc_scan_request rq = { 0 };
		struct kc_scan_report rep;
		kc_err e;
		int r2;

		kc_scan_opts_from_env(&opts, ua, sizeof(ua));
		snprintf(actor, sizeof(actor), "schedule:%lld", (long long)sc.id);
		rq.org_id = sc.org_id;
		rq.all = !sc.org_id;
		rq.opts = &opts;
		rq.actor = actor;
		rq.schedule_id = sc.id;
		kc_scan_checks_parse(sc.checks, &rq.checks, NULL);
		kc_err_clear(&e);
		r2 = kc_scan_run(st, &rq, &rep, &e);
		kc_time_iso(kc_now() + sc.every, next);
		rc = kc_store_exec(st, err, NULL,
				   "UPDATE scan_schedule SET next_run = ?, last_run_id = ?, last_status = ?, lease_owner = NULL, "
				   "lease_until = NULL WHERE id = ?",
				   "titi", next, rep.run_id, r2 ? "failed" : "done", sc.id);
		if (r2)
			kc_warn("scheduled scan %lld: %s", (long long)sc.id, e.msg);
		kc_scan_report_release(&rep);
		if (ran)
			(*ran)++;
	}
	return rc < 0 ? rc : 0;
}

/* ---- notices of high findings ---- */

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* Does a contact's notices setting take findings? all, or a list naming scan, findings or high. */
static int wants_findings(const char *notices)
{
	return !strcmp(notices, "all") || kc_notices_lists(notices, "scan") || kc_notices_lists(notices, "findings") ||
	       kc_notices_lists(notices, "high");
}

struct rcpt {
	int64_t id;
	char name[201], email[255], lang[4], notices[200];
};

static void fill_rcpt(kc_stmt *s, void *rec)
{
	struct rcpt *r = rec;

	r->id = kc_stmt_int(s, 0);
	snprintf(r->name, sizeof(r->name), "%s", kc_stmt_text(s, 1));
	snprintf(r->email, sizeof(r->email), "%s", kc_stmt_text(s, 2));
	snprintf(r->lang, sizeof(r->lang), "%s", kc_stmt_text(s, 3));
	snprintf(r->notices, sizeof(r->notices), "%s", kc_stmt_text(s, 4));
}

/* One mail to one contact about findings v[0..n). */
static int mail_findings(kc_store *st, const struct rcpt *w, const kc_finding_row *v, size_t n, int high,
			 const char *ref, kc_err *err)
{
	const char *from = env_or("KCERT_MAIL_FROM", "kommunecert@localhost");
	const char *prefix = env_or("KCERT_SUBJECT_PREFIX", "KommuneCERT");
	const char *base = env_or("KCERT_BASE_URL", "http://127.0.0.1:8080");
	char subject[512], mid[200];
	kc_lang lang = KC_LANG_NB;
	char *msg = NULL;
	kc_buf body;
	int rc;

	kc_lang_parse(w->lang, &lang);
	if (high)
		snprintf(subject, sizeof(subject), "[%s] %s: %s (%s)", prefix, kc_tr_lang(lang, N_("Serious finding")),
			 kc_tr_lang(lang, v[0].title), v[0].org_name);
	else
		snprintf(subject, sizeof(subject), "[%s] %s: %s", prefix, kc_tr_lang(lang, N_("New scan findings")),
			 v[0].org_name);
	kc_buf_init(&body, 1 << 20);
	kc_buf_addf(&body, "%s\n\n", kc_tr_lang(lang, high ? N_("KommuneCERT's scanning of your registered internet-facing "
							       "assets found a serious problem that needs action now.")
							    : N_("KommuneCERT's scanning of your registered internet-facing "
								 "assets found the following.")));
	for (size_t i = 0; i < n; i++) {
		kc_buf_addf(&body, "* %s\n  %s: %s%s%.0d\n  %s: %s\n  %s: %s\n  %s/findings/%lld\n", kc_tr_lang(lang, v[i].title),
			    kc_tr_lang(lang, N_("Where")), v[i].target, v[i].port ? ":" : "", v[i].port,
			    kc_tr_lang(lang, N_("Severity")), kc_tr_lang(lang, v[i].severity),
			    kc_tr_lang(lang, N_("First seen")), v[i].first_seen, base, (long long)v[i].id);
		if (v[i].evidence && strlen(v[i].evidence) < 2000)
			kc_buf_addf(&body, "  %s: %s\n", kc_tr_lang(lang, N_("Evidence")), v[i].evidence);
		kc_buf_adds(&body, "\n");
	}
	kc_buf_addf(&body, "%s\n\n%s: %s\n",
		    kc_tr_lang(lang, N_("When the problem is fixed, the next scan closes the finding by itself. If you "
					"accept the risk, explain why and until when on the finding's page.")),
		    kc_tr_lang(lang, N_("Reference")), ref);
	kc_compose_message_id(ref, from, mid, sizeof(mid));
	{
		const char *const headers[] = { "Auto-Submitted", "auto-generated", "X-KommuneCERT-Ref", ref, NULL };
		kc_compose c = { .from_name = "KommuneCERT", .from = from, .to_name = w->name, .to = w->email,
				 .subject = subject, .message_id = mid, .text = kc_buf_str(&body), .headers = headers };

		rc = kc_compose_message(&c, &msg, err);
	}
	kc_buf_release(&body);
	if (!rc) {
		kc_outbox_msg m = { .kind = high ? "finding" : "finding-digest", .ref = ref, .from = from, .rcpt = w->email,
				    .subject = subject, .message_id = mid, .body = msg };

		rc = kc_outbox_add(st, &m, NULL, err);
	}
	free(msg);
	return rc;
}

static int org_rcpts(kc_store *st, int64_t org, struct rcpt **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT id, name, email, lang, notices FROM contact WHERE org_id = ? AND notices <> 'none' "
				"ORDER BY id",
				"i", org);

	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(struct rcpt), fill_rcpt, (void **)out, n, err);
}

int kc_scan_notify_high(kc_store *st, const int64_t *ids, size_t n, size_t *queued, kc_err *err)
{
	int rc = 0;

	*queued = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		struct rcpt *who = NULL;
		size_t nwho = 0;
		kc_finding_row f;
		char ref[48], obj[48];
		int64_t claimed = 0;

		rc = kc_finding_get(st, ids[i], &f, err);
		if (rc)
			break;
		if (strcmp(f.severity, "high") || strcmp(f.status, "open")) {
			free(f.evidence);
			continue;
		}
		rc = kc_store_begin(st, err);
		/* Exactly once per opening: only the transaction that flips the flag mails. */
		if (!rc)
			rc = kc_store_exec(st, err, &claimed,
					   "UPDATE finding SET notified_high = 1 WHERE id = ? AND notified_high = 0 RETURNING id",
					   "i", f.id);
		if (!rc && claimed)
			rc = org_rcpts(st, f.org_id, &who, &nwho, err);
		snprintf(ref, sizeof(ref), "KC-F-%lld-%lld", (long long)f.id, (long long)kc_now());
		for (size_t k = 0; !rc && claimed && k < nwho; k++) {
			if (!wants_findings(who[k].notices))
				continue;
			rc = mail_findings(st, &who[k], &f, 1, 1, ref, err);
			if (!rc)
				(*queued)++;
		}
		snprintf(obj, sizeof(obj), "finding:%lld", (long long)f.id);
		if (!rc && claimed)
			rc = kc_audit_appendf(st, err, "scan", "finding.notified", obj, "%s to %zu contacts", ref, nwho);
		if (!rc)
			rc = kc_store_commit(st, err);
		else
			kc_store_rollback(st);
		free(who);
		free(f.evidence);
	}
	return rc;
}

/* ---- the daily findings notice (medium and low) ---- */

/* Does a contact's notices setting take the findings notice? all, or a list naming scan or findings. */
static int wants_digest(const char *notices)
{
	return !strcmp(notices, "all") || kc_notices_lists(notices, "scan") || kc_notices_lists(notices, "findings");
}

static void fill_id64(kc_stmt *s, void *rec)
{
	*(int64_t *)rec = kc_stmt_int(s, 0);
}

/* Most findings in one notice; the rest go into the next. */
#define DIGEST_MAX 200

static int digest_org(kc_store *st, int64_t org, const char *now, size_t *queued, int *told, kc_err *err)
{
	kc_finding_row *v = NULL;
	struct rcpt *who = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, n = 0, nwho = 0, sent = 0;
	char ref[48], obj[48];
	kc_stmt *s;
	int rc;

	*told = 0;
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_query(st, err, &s,
			    "SELECT id FROM finding WHERE org_id = ? AND status = 'open' AND severity IN ('medium', 'low') "
			    "AND digest_at IS NULL ORDER BY CASE severity WHEN 'medium' THEN 0 ELSE 1 END, id LIMIT ?",
			    "ii", org, (int64_t)DIGEST_MAX);
	if (!rc)
		rc = kc_store_collect(s, sizeof(int64_t), fill_id64, (void **)&ids, &nids, err);
	if (!rc && nids && !(v = calloc(nids, sizeof(*v))))
		rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
	/* Each opening once: only the transaction that sets digest_at tells it. */
	for (size_t i = 0; !rc && i < nids; i++) {
		int64_t claimed = 0;

		rc = kc_store_exec(st, err, &claimed,
				   "UPDATE finding SET digest_at = ? WHERE id = ? AND digest_at IS NULL RETURNING id", "ti",
				   now, ids[i]);
		if (!rc && claimed && !(rc = kc_finding_get(st, ids[i], &v[n], err)))
			n++;
	}
	if (!rc && n)
		rc = org_rcpts(st, org, &who, &nwho, err);
	snprintf(ref, sizeof(ref), "KC-FD-%lld-%lld", (long long)org, (long long)kc_now());
	for (size_t k = 0; !rc && n && k < nwho; k++) {
		if (!wants_digest(who[k].notices))
			continue;
		rc = mail_findings(st, &who[k], v, n, 0, ref, err);
		if (!rc)
			sent++;
	}
	snprintf(obj, sizeof(obj), "org:%lld", (long long)org);
	if (!rc && n)
		rc = kc_audit_appendf(st, err, "scan", "finding.digest", obj, "%s: %zu findings to %zu contacts", ref, n,
				      sent);
	if (!rc)
		rc = kc_store_commit(st, err);
	else
		kc_store_rollback(st);
	if (!rc) {
		*queued += sent;
		*told = sent > 0;
	}
	kc_finding_rows_free(v, n);
	free(who);
	free(ids);
	return rc;
}

int kc_scan_notify_digest(kc_store *st, int64_t org_id, int force, size_t *queued, size_t *orgs, kc_err *err)
{
	char now[KC_TIME_STRLEN], cutoff[KC_TIME_STRLEN];
	int64_t *pending = NULL, hours = KC_SCAN_DIGEST_HOURS;
	size_t npending = 0;
	char *v = NULL;
	kc_err e;
	kc_stmt *s;
	int rc;

	*queued = 0;
	if (orgs)
		*orgs = 0;
	if (kc_store_setting_get(st, "scan.digest_hours", &v, &e) == KC_OK && v && atoi(v) > 0)
		hours = atoi(v);
	free(v);
	kc_time_now_iso(now);
	kc_time_iso(kc_now() - (time_t)hours * 3600, cutoff);
	rc = kc_store_query(st, err, &s,
			    "SELECT DISTINCT org_id FROM finding WHERE status = 'open' AND severity IN ('medium', 'low') "
			    "AND digest_at IS NULL AND (? = 0 OR org_id = ?) ORDER BY org_id",
			    "ii", org_id, org_id);
	if (!rc)
		rc = kc_store_collect(s, sizeof(int64_t), fill_id64, (void **)&pending, &npending, err);
	for (size_t i = 0; !rc && i < npending; i++) {
		int64_t recent = 0;
		int told = 0;

		/* Daily: not again within the period of the organisation's last notice. */
		if (!force)
			rc = kc_store_scalar_int(st, err, &recent,
						 "SELECT count(*) FROM finding WHERE org_id = ? AND digest_at > ?", "it",
						 pending[i], cutoff);
		if (!rc && !recent)
			rc = digest_org(st, pending[i], now, queued, &told, err);
		if (!rc && told && orgs)
			(*orgs)++;
	}
	free(pending);
	return rc;
}
