/*
 * spf.c - SPF term parsing and lookup counting (RFC 7208 §4.6.4); see spf.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scan/spf.h"
#include "base/kc.h"

/* Stop walking a little past the limit: the verdict is already known. */
#define WALK_MAX 12
#define DEPTH_MAX 12

int
kc_spf_is_record(const char *txt, size_t len)
{
	return len >= 6 && strncasecmp(txt, "v=spf1", 6) == 0 && (len == 6 || txt[6] == ' ');
}

int
kc_spf_parse(const char *rec, size_t len, struct kc_spf_record *out, kc_err *err)
{
	size_t i = 6;

	memset(out, 0, sizeof(*out));
	if (!kc_spf_is_record(rec, len))
		return kc_err_set(err, KC_EPARSE, _("not an SPF record (no \"v=spf1\")"));
	while (i < len) {
		size_t start, nl = 0, tl;
		struct kc_spf_term *t;
		const char *s;

		while (i < len && rec[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && rec[i] != ' ')
			i++;
		s = rec + start;
		tl = i - start;
		if (out->n >= KC_SPF_TERMS_MAX)
			return kc_err_set(err, KC_EPARSE, _("SPF record has more than %d terms"),
				KC_SPF_TERMS_MAX);
		t = &out->t[out->n];
		t->qualifier = '+';
		if (strchr("+-~?", s[0])) {
			t->qualifier = s[0];
			s++;
			tl--;
		}
		while (nl < tl && (isalnum((unsigned char)s[nl]) || s[nl] == '-' || s[nl] == '_' || s[nl] == '.'))
			nl++;
		if (nl == 0 || nl >= sizeof(t->name))
			return kc_err_set(err, KC_EPARSE, _("SPF term %zu (\"%.*s\") is malformed"),
				out->n + 1, (int)(i - start > 40 ? 40 : i - start), rec + start);
		for (size_t k = 0; k < nl; k++)
			t->name[k] = (char)tolower((unsigned char)s[k]);
		t->name[nl] = '\0';
		if (nl < tl && s[nl] == '=') {
			if (t->qualifier != '+' || s != rec + start)
				return kc_err_set(err, KC_EPARSE, _("SPF modifier \"%s\" has a qualifier"),
					t->name);
			t->qualifier = '=';
			t->arg = kc_slice_of(s + nl + 1, tl - nl - 1);
		} else if (nl < tl && (s[nl] == ':' || s[nl] == '/')) {
			size_t skip = s[nl] == ':' ? 1 : 0;

			t->arg = kc_slice_of(s + nl + skip, tl - nl - skip);
		} else if (nl != tl) {
			return kc_err_set(err, KC_EPARSE, _("SPF term %zu (\"%.*s\") is malformed"),
				out->n + 1, (int)(tl > 40 ? 40 : tl), s);
		}
		if (t->qualifier != '=') {
			static const char *const mechs[] = { "all", "include", "a", "mx", "ptr", "ip4",
				"ip6", "exists" };
			int known = 0;

			for (size_t k = 0; k < KC_ARRAY_LEN(mechs); k++)
				known |= !strcmp(t->name, mechs[k]);
			if (!known)
				return kc_err_set(err, KC_EPARSE, _("SPF mechanism \"%s\" is unknown"),
					t->name);
			if ((!strcmp(t->name, "include") || !strcmp(t->name, "exists")) && t->arg.len == 0)
				return kc_err_set(err, KC_EPARSE, _("SPF mechanism \"%s\" needs a domain"),
					t->name);
		}
		out->n++;
	}
	return 0;
}

struct walk {
	kc_spf_lookup_fn fn;
	void *arg;
	struct kc_spf_result *res;
};

static void
problem(struct walk *w, int perm, const char *fmt, const char *a)
{
	if (perm)
		w->res->permerror = 1;
	else
		w->res->temperror = 1;
	if (!w->res->problem[0])
		snprintf(w->res->problem, sizeof(w->res->problem), fmt, a);
}

/* The SPF record of name into buf; number of SPF records found, -1 on a DNS failure. */
static int
fetch(struct walk *w, const char *name, char *buf, size_t bufsz)
{
	struct kc_dns_answer a;
	int found = 0;

	kc_dns_answer_init(&a);
	if (w->fn(w->arg, name, KC_DNS_TXT, &a) != 0 || a.timed_out ||
	    (a.rcode != KC_DNS_NOERROR && a.rcode != KC_DNS_NXDOMAIN)) {
		kc_dns_answer_release(&a);
		return -1;
	}
	for (size_t i = 0; i < a.n; i++) {
		if (!kc_spf_is_record(a.rr[i].text, a.rr[i].len))
			continue;
		if (found++ == 0)
			snprintf(buf, bufsz, "%.*s", (int)a.rr[i].len, a.rr[i].text);
	}
	kc_dns_answer_release(&a);
	return found;
}

/* Query name for type; 1 when it has records, 0 void, -1 failure. */
static int
exists(struct walk *w, const char *name, uint16_t type)
{
	struct kc_dns_answer a;
	int r;

	kc_dns_answer_init(&a);
	if (w->fn(w->arg, name, type, &a) != 0 || a.timed_out ||
	    (a.rcode != KC_DNS_NOERROR && a.rcode != KC_DNS_NXDOMAIN))
		r = -1;
	else
		r = a.n > 0;
	kc_dns_answer_release(&a);
	return r;
}

static int walk_domain(struct walk *w, const char *domain, int depth, char *all_out);

/* The target of a/mx/exists/include/redirect: arg, or the current domain. */
static int
target(const struct kc_spf_term *t, const char *domain, char out[256])
{
	size_t n = t->arg.len;
	const char *slash;

	if (n == 0) {
		snprintf(out, 256, "%s", domain);
		return 0;
	}
	/* a:example.no/24 */
	slash = memchr(t->arg.ptr, '/', n);
	if (slash)
		n = (size_t)(slash - t->arg.ptr);
	if (n == 0) {
		snprintf(out, 256, "%s", domain);
		return 0;
	}
	if (n > 253 || memchr(t->arg.ptr, '%', n))
		return -1; /* macros: not resolvable without a sender */
	snprintf(out, 256, "%.*s", (int)n, t->arg.ptr);
	return 0;
}

static void
count(struct walk *w, const char *name, uint16_t type)
{
	int r;

	w->res->lookups++;
	if (name == NULL || w->res->lookups > WALK_MAX)
		return;
	r = exists(w, name, type);
	if (r == 0 && type == KC_DNS_A)
		r = exists(w, name, KC_DNS_AAAA);
	if (r < 0)
		problem(w, 0, "DNS lookup of %s failed", name);
	else if (r == 0)
		w->res->void_lookups++;
}

static int
walk_record(struct walk *w, const char *domain, const char *rec, int depth, char *all_out)
{
	struct kc_spf_record r;
	const struct kc_spf_term *redirect = NULL;
	kc_err err;
	int has_all = 0;

	if (kc_spf_parse(rec, strlen(rec), &r, &err) != 0) {
		problem(w, 1, "%s", err.msg);
		return -1;
	}
	for (size_t i = 0; i < r.n; i++) {
		const struct kc_spf_term *t = &r.t[i];
		char tgt[256];
		int ok;

		if (w->res->lookups > WALK_MAX)
			return 0;
		ok = target(t, domain, tgt) == 0;
		if (t->qualifier == '=') {
			if (!strcmp(t->name, "redirect"))
				redirect = t;
			continue;
		}
		if (!strcmp(t->name, "all")) {
			has_all = 1;
			if (all_out)
				*all_out = t->qualifier;
		} else if (!strcmp(t->name, "a") || !strcmp(t->name, "exists")) {
			count(w, ok ? tgt : NULL, KC_DNS_A);
		} else if (!strcmp(t->name, "mx")) {
			count(w, ok ? tgt : NULL, KC_DNS_MX);
		} else if (!strcmp(t->name, "ptr")) {
			w->res->lookups++;
		} else if (!strcmp(t->name, "include")) {
			w->res->lookups++;
			if (ok && walk_domain(w, tgt, depth + 1, NULL) == 0)
				problem(w, 1, "include:%s has no SPF record", tgt);
		}
	}
	/* redirect= is ignored when the record has an all mechanism. */
	if (redirect && !has_all) {
		char tgt[256];

		w->res->lookups++;
		if (w->res->lookups <= WALK_MAX && target(redirect, domain, tgt) == 0 &&
		    walk_domain(w, tgt, depth + 1, all_out) == 0)
			problem(w, 1, "redirect=%s has no SPF record", tgt);
	}
	return 0;
}

/* Walk the SPF record of domain; returns the number of SPF records found (-1 failure). */
static int
walk_domain(struct walk *w, const char *domain, int depth, char *all_out)
{
	char rec[KC_DNS_TEXT_MAX + 1];
	int n;

	if (depth > DEPTH_MAX) {
		problem(w, 1, "SPF includes nest deeper than %s levels", "12");
		return 1;
	}
	n = fetch(w, domain, rec, sizeof(rec));
	if (n < 0) {
		problem(w, 0, "DNS lookup of %s failed", domain);
		return 1; /* not "no record": unknown */
	}
	if (n > 1)
		problem(w, 1, "%s has more than one SPF record", domain);
	if (n >= 1)
		walk_record(w, domain, rec, depth, all_out);
	return n;
}

int
kc_spf_evaluate(const char *domain, kc_spf_lookup_fn fn, void *arg, struct kc_spf_result *res)
{
	struct walk w = { fn, arg, res };
	char rec[KC_DNS_TEXT_MAX + 1];
	int n;

	memset(res, 0, sizeof(*res));
	n = fetch(&w, domain, rec, sizeof(rec));
	if (n < 0) {
		problem(&w, 0, "DNS lookup of %s failed", domain);
		return 0;
	}
	res->nrecords = n;
	if (n == 0)
		return 0;
	snprintf(res->record, sizeof(res->record), "%s", rec);
	if (n > 1)
		problem(&w, 1, "%s has more than one SPF record", domain);
	walk_record(&w, domain, rec, 0, &res->all);
	if (res->lookups > 10) {
		res->permerror = 1;
		snprintf(res->problem, sizeof(res->problem),
			"SPF needs more than 10 DNS lookups (RFC 7208 section 4.6.4)");
	} else if (res->void_lookups > 2) {
		res->permerror = 1;
		snprintf(res->problem, sizeof(res->problem),
			"SPF has more than 2 void lookups (RFC 7208 section 4.6.4)");
	}
	return 0;
}
