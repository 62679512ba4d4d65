/*
 * scanprobe.c - drive the scan engine (src/scan/engine.c) from the command line
 * for the end-to-end tests and the benchmark; prints JSON lines.
 *
 *   scanprobe [options] TARGET...          ports (default list) on each target
 *   scanprobe --tls [options] ENDPOINT...   TLS checks
 *
 * TARGET is IP or IP=HOST; --range A.B.C.D/N adds every address of an IPv4
 * prefix. ENDPOINT is IP:PORT, [IPv6]:PORT or HOST@IP:PORT. Options:
 * --ports LIST, --timeout MS, --retries N, --max-read N, --inflight N,
 * --rate R (requests/s per IP), --connect-rate R, --no-limit (lift per-IP
 * limits), --connect-only, --starttls smtp, --ca FILE, --now EPOCH, --quiet
 * (open ports and verdicts only, no findings), --org N.
 *
 * Lines: {"type":"port",...} per open port, {"type":"finding",...} per
 * finding, {"type":"covered",...}, {"type":"tls",...} per endpoint. The run's
 * wall time goes to stderr ("elapsed_ms N"), never into assertions.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "scan/engine.h"
#include "base/kc.h"

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	if (s) {
		puts(s);
		free(s);
	}
	json_decref(j);
}

static void on_finding(void *arg, const struct kc_finding *f)
{
	json_t *ev = json_loads(f->evidence ? f->evidence : "{}", 0, NULL);

	(void)arg;
	print_json(json_pack("{s:s,s:I,s:s,s:s,s:s?,s:i,s:s,s:i,s:s,s:o,s:s?}", "type", "finding", "org",
	                     (json_int_t)f->org_id, "check", f->check, "target", f->target, "host", f->host,
	                     "port", f->port, "severity", kc_sev_name(f->severity), "confidence",
	                     f->confidence, "title", f->title, "evidence", ev ? ev : json_null(), "cpe",
	                     f->cpe));
}

static void on_covered(void *arg, int64_t org, const char *family, const char *target, int port)
{
	(void)arg;
	print_json(json_pack("{s:s,s:I,s:s,s:s,s:i}", "type", "covered", "org", (json_int_t)org, "family",
	                     family, "target", target, "port", port));
}

static int parse_ports(const char *s, uint16_t **out, size_t *n)
{
	size_t cap = 16;
	uint16_t *p = malloc(cap * sizeof(*p));

	*n = 0;
	while (p && *s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s || a == 0 || a > 65535)
			return -1;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (b < a || b > 65535)
			return -1;
		for (unsigned long v = a; v <= b; v++) {
			if (*n == cap) {
				cap *= 2;
				p = realloc(p, cap * sizeof(*p));
				if (!p)
					return -1;
			}
			p[(*n)++] = (uint16_t)v;
		}
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	*out = p;
	return p ? 0 : -1;
}

static void usage(void)
{
	fputs("usage: scanprobe [--tls] [options] TARGET...\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct kc_scan_opts o;
	struct kc_scan_sink sink = {NULL, on_finding, on_covered, NULL};
	struct kc_scan_target *tg = NULL;
	struct kc_tls_endpoint *eps = NULL;
	size_t nt = 0, cap = 0;
	uint16_t *ports = NULL;
	size_t nports = 0;
	unsigned flags = 0;
	int tls = 0, quiet = 0, starttls = 0, rc;
	int64_t org = 1;
	kc_err err;
	struct timespec t0, t1;

	kc_i18n_init_from_env();
	kc_scan_opts_default(&o);
	o.timeout_ms = 2000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define OPT(name) (strcmp(a, name) == 0 && (v || (usage(), 0)) && (i++, 1))
		if (strcmp(a, "--tls") == 0)
			tls = 1;
		else if (strcmp(a, "--no-limit") == 0)
			flags |= KC_SCAN_NO_PER_IP_LIMIT;
		else if (strcmp(a, "--connect-only") == 0)
			flags |= KC_SCAN_CONNECT_ONLY;
		else if (strcmp(a, "--quiet") == 0)
			quiet = 1;
		else if (OPT("--ports")) {
			if (parse_ports(v, &ports, &nports))
				usage();
		} else if (OPT("--timeout"))
			o.timeout_ms = atoi(v);
		else if (OPT("--retries"))
			o.retries = atoi(v);
		else if (OPT("--max-read"))
			o.max_read = (size_t)atol(v);
		else if (OPT("--inflight"))
			o.max_inflight = atoi(v);
		else if (OPT("--rate"))
			o.per_ip_rate = atof(v);
		else if (OPT("--connect-rate"))
			o.per_ip_connect_rate = atof(v);
		else if (OPT("--global-rate"))
			o.global_rate = atof(v);
		else if (OPT("--ca"))
			o.ca_file = v;
		else if (OPT("--now"))
			o.now = (time_t)atoll(v);
		else if (OPT("--org"))
			org = atoll(v);
		else if (OPT("--starttls"))
			starttls = strcmp(v, "smtp") == 0;
		else if (OPT("--range")) {
			unsigned a4[4], len;
			uint32_t base;

			if (sscanf(v, "%u.%u.%u.%u/%u", &a4[0], &a4[1], &a4[2], &a4[3], &len) != 5 ||
			    len < 8 || len > 32)
				usage();
			base = a4[0] << 24 | a4[1] << 16 | a4[2] << 8 | a4[3];
			for (uint64_t k = 0; k < (1ull << (32 - len)); k++) {
				struct in_addr in = {htonl(base + (uint32_t)k)};

				if (nt == cap) {
					cap = cap ? cap * 2 : 64;
					tg = realloc(tg, cap * sizeof(*tg));
				}
				memset(&tg[nt], 0, sizeof(*tg));
				tg[nt].org_id = org;
				inet_ntop(AF_INET, &in, tg[nt].ip, sizeof(tg[nt].ip));
				nt++;
			}
		} else if (a[0] == '-')
			usage();
		else {
			if (nt == cap) {
				cap = cap ? cap * 2 : 64;
				tg = realloc(tg, cap * sizeof(*tg));
				eps = realloc(eps, cap * sizeof(*eps));
			}
			if (!eps)
				eps = calloc(cap, sizeof(*eps));
			memset(&tg[nt], 0, sizeof(*tg));
			memset(&eps[nt], 0, sizeof(*eps));
			tg[nt].org_id = eps[nt].org_id = org;
			if (tls) {
				const char *at = strchr(a, '@'), *ip = at ? at + 1 : a, *colon;
				size_t iplen;

				if (at)
					snprintf(eps[nt].host, sizeof(eps[nt].host), "%.*s", (int)(at - a),
					         a);
				colon = strrchr(ip, ':');
				if (!colon)
					usage();
				iplen = (size_t)(colon - ip);
				if (ip[0] == '[') {
					ip++;
					iplen -= 2;
				}
				snprintf(eps[nt].ip, sizeof(eps[nt].ip), "%.*s", (int)iplen, ip);
				eps[nt].port = (uint16_t)atoi(colon + 1);
				eps[nt].starttls = starttls ? KC_STARTTLS_SMTP : KC_STARTTLS_NONE;
			} else {
				const char *eq = strchr(a, '=');

				snprintf(tg[nt].ip, sizeof(tg[nt].ip), "%.*s",
				         (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
				if (eq)
					snprintf(tg[nt].host, sizeof(tg[nt].host), "%s", eq + 1);
			}
			nt++;
		}
	}
	if (nt == 0)
		usage();
	if (quiet)
		sink.finding = NULL, sink.covered = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (tls) {
		struct kc_tls_result *res = NULL;

		if (flags & KC_SCAN_NO_PER_IP_LIMIT)
			o.per_ip_rate = o.per_ip_connect_rate = 0;
		rc = kc_scan_tls_results(&o, eps, nt, &sink, &res, &err);
		for (size_t i = 0; rc == 0 && i < nt; i++) {
			json_t *vs = json_array();

			for (unsigned b = KC_TLS_V1_0; b <= KC_TLS_V1_3; b <<= 1)
				if (res[i].versions & b)
					json_array_append_new(vs, json_string(kc_tls_version_name(b)));
			print_json(json_pack(
			    "{s:s,s:s,s:s,s:i,s:b,s:b,s:o,s:b,s:b,s:i,s:s,s:i,s:s,s:I}", "type", "tls", "ip",
			    res[i].ep.ip, "host", res[i].ep.host, "port", res[i].ep.port, "reached",
			    res[i].reached, "handshake", res[i].handshake, "versions", vs, "trusted",
			    res[i].trusted, "self_signed", res[i].self_signed, "name_ok", res[i].name_ok,
			    "key_type", res[i].key_type, "key_bits", res[i].key_bits, "signature",
			    res[i].sig_alg, "not_after", (json_int_t)res[i].not_after));
		}
		free(res);
	} else {
		struct kc_port_result *pr = NULL;
		size_t np = 0;

		if (!ports) {
			ports = malloc(kc_scan_default_nports * sizeof(*ports));
			memcpy(ports, kc_scan_default_ports, kc_scan_default_nports * sizeof(*ports));
			nports = kc_scan_default_nports;
		}
		rc = kc_scan_ports(&o, tg, nt, ports, nports, flags, &sink, &pr, &np, &err);
		for (size_t i = 0; rc == 0 && i < np; i++)
			print_json(json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:b,s:b,s:i,s:s,s:s,s:s}", "type",
			                     "port", "ip", pr[i].ip, "host", pr[i].host, "port", pr[i].port,
			                     "proto", pr[i].udp ? "udp" : "tcp", "service", pr[i].service,
			                     "tls", pr[i].tls, "confirmed", pr[i].confirmed, "confidence",
			                     pr[i].confidence, "banner", pr[i].banner, "product",
			                     pr[i].product, "cpe", pr[i].cpe));
		free(pr);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "elapsed_ms %.0f\n",
	        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (rc)
		fprintf(stderr, "scanprobe: %s\n", err.msg);
	free(ports);
	free(tg);
	free(eps);
	return rc ? 1 : 0;
}
