/*
 * webprobe.c - drives the scanner's DNS, mail and web checks for the
 * end-to-end tests (tests/e2e/test_scan_web.sh) and prints JSON lines.
 *
 *   webprobe [OPTIONS] dns NAME TYPE        one lookup: rcode, status, records
 *   webprobe [OPTIONS] expand DOMAIN        A/AAAA, MX and NS hosts with addresses
 *   webprobe [OPTIONS] mail DOMAIN[=MXPORT]...
 *                                           mail checks (STARTTLS probed on MXPORT)
 *   webprobe [OPTIONS] web IP,HOST,PORT,http|https ...
 *                                           HTTP(S) checks
 *
 * OPTIONS: --resolver ADDR@PORT --trust-anchor FILE --timeout MS --rate R
 *          --max-read BYTES --now UNIXTIME --org ID
 * Each finding is a line {"finding":{...}}, each covered call {"covered":{...}}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scan/dns.h"
#include "scan/mail.h"
#include "scan/scan.h"
#include "scan/web.h"

static void
emit(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	if (s) {
		puts(s);
		free(s);
	}
	json_decref(o);
	fflush(stdout);
}

static void
on_finding(void *arg, const struct kc_finding *f)
{
	json_t *ev = f->evidence ? json_loads(f->evidence, 0, NULL) : NULL;

	(void)arg;
	if (f->evidence && ev == NULL) {
		fprintf(stderr, "webprobe: evidence is not JSON: %s\n", f->evidence);
		exit(3);
	}
	emit(json_pack("{s:{s:I,s:s,s:s,s:s?,s:i,s:s,s:i,s:s,s:o*,s:s?}}", "finding", "org",
		(json_int_t)f->org_id, "check", f->check, "target", f->target, "host", f->host, "port",
		f->port, "severity", kc_sev_name(f->severity), "confidence", f->confidence, "title",
		f->title, "evidence", ev, "cpe", f->cpe));
}

static void
on_covered(void *arg, int64_t org, const char *family, const char *target, int port)
{
	(void)arg;
	emit(json_pack("{s:{s:I,s:s,s:s,s:i}}", "covered", "org", (json_int_t)org, "family", family,
		"target", target, "port", port));
}

static int
type_of(const char *s)
{
	static const struct { const char *n; int t; } types[] = {
		{ "A", KC_DNS_A }, { "AAAA", KC_DNS_AAAA }, { "MX", KC_DNS_MX }, { "NS", KC_DNS_NS },
		{ "TXT", KC_DNS_TXT }, { "CNAME", KC_DNS_CNAME }, { "DNSKEY", KC_DNS_DNSKEY },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(s, types[i].n) == 0)
			return types[i].t;
	return -1;
}

static json_t *
addrs(char (*a)[48], size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(a[i]));
	return arr;
}

static json_t *
hosts(const struct kc_dns_host *h, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:i,s:o}", "name", h[i].name, "pref",
			h[i].pref, "addr", addrs(h[i].addr, h[i].naddr)));
	return arr;
}

static int
usage(void)
{
	fprintf(stderr, "usage: webprobe [--resolver A@P] [--trust-anchor F] [--timeout MS] [--rate R] "
			"[--max-read N] [--now T] [--org ID] dns|expand|mail|web ARGS...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct kc_scan_opts o;
	struct kc_scan_sink sink = { NULL, on_finding, on_covered, NULL };
	int64_t org = 1;
	kc_err err = { 0 };
	int i, rc = 0;

	kc_scan_opts_default(&o);
	o.timeout_ms = 2000;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--resolver"))
			o.resolver = argv[i + 1];
		else if (!strcmp(argv[i], "--trust-anchor"))
			o.trust_anchor = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			o.timeout_ms = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--rate"))
			o.per_ip_rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-read"))
			o.max_read = (size_t)atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--now"))
			o.now = (time_t)atoll(argv[i + 1]);
		else if (!strcmp(argv[i], "--org"))
			org = atoll(argv[i + 1]);
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	if (!strcmp(argv[i], "dns") && i + 2 < argc) {
		kc_dns *d;
		struct kc_dns_answer a;
		json_t *rr;
		int t = type_of(argv[i + 2]);

		if (t < 0)
			return usage();
		if ((rc = kc_dns_new(&o, &d, &err)) || (rc = kc_dns_lookup(d, argv[i + 1], (uint16_t)t, &a, &err)))
			goto fail;
		rr = json_array();
		for (size_t k = 0; k < a.n; k++)
			json_array_append_new(rr, t == KC_DNS_MX
					? json_sprintf("%u %s", a.rr[k].pref, a.rr[k].text)
					: json_stringn_nocheck(a.rr[k].text, a.rr[k].len));
		emit(json_pack("{s:s,s:i,s:b,s:s,s:o}", "name", argv[i + 1], "rcode", a.rcode,
			"timed_out", a.timed_out, "sec", kc_dns_sec_name(a.sec), "rr", rr));
		kc_dns_answer_release(&a);
		kc_dns_free(d);
		return 0;
	}
	if (!strcmp(argv[i], "expand") && i + 1 < argc) {
		kc_dns *d;
		struct kc_dns_expansion e;

		if ((rc = kc_dns_new(&o, &d, &err)) || (rc = kc_dns_expand_domain(d, argv[i + 1], &e, &err)))
			goto fail;
		emit(json_pack("{s:s,s:s,s:b,s:o,s:o,s:o}", "domain", e.domain, "sec",
			kc_dns_sec_name(e.sec), "timed_out", e.timed_out, "addr", addrs(e.addr, e.naddr),
			"mx", hosts(e.mx, e.nmx), "ns", hosts(e.ns, e.nns)));
		kc_dns_expansion_release(&e);
		kc_dns_free(d);
		return 0;
	}
	if (!strcmp(argv[i], "mail") && i + 1 < argc) {
		size_t n = (size_t)(argc - i - 1);
		struct kc_mail_domain *m = calloc(n, sizeof(*m));

		for (size_t k = 0; k < n; k++) {
			char *eq = strchr(argv[i + 1 + k], '=');

			m[k].org_id = org;
			m[k].smtp_port = 25;
			if (eq) {
				*eq = '\0';
				m[k].smtp_port = atoi(eq + 1);
			}
			snprintf(m[k].domain, sizeof(m[k].domain), "%s", argv[i + 1 + k]);
		}
		rc = kc_scan_mail(&o, m, n, &sink, &err);
		free(m);
		if (rc)
			goto fail;
		return 0;
	}
	if (!strcmp(argv[i], "web") && i + 1 < argc) {
		size_t n = (size_t)(argc - i - 1);
		struct kc_web_target *w = calloc(n, sizeof(*w));

		for (size_t k = 0; k < n; k++) {
			char ip[64] = "", host[256] = "", proto[16] = "";
			int port = 0;

			if (sscanf(argv[i + 1 + k], "%63[^,],%255[^,],%d,%15s", ip, host, &port, proto) != 4)
				return usage();
			w[k].org_id = org;
			snprintf(w[k].ip, sizeof(w[k].ip), "%s", ip);
			snprintf(w[k].host, sizeof(w[k].host), "%s", strcmp(host, "-") ? host : "");
			w[k].port = port;
			w[k].tls = !strcmp(proto, "https");
		}
		rc = kc_scan_web(&o, w, n, &sink, &err);
		free(w);
		if (rc)
			goto fail;
		return 0;
	}
	return usage();
fail:
	fprintf(stderr, "webprobe: %s\n", err.msg);
	return 1;
}
