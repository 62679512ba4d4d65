/*
 * opts.c - scanner defaults and severity names.
 *
 * The rate defaults are CERT Polska's production settings for Artemis: at most
 * one request per second per IP per check and five connection attempts per
 * second per IP.
 */
#include <string.h>

#include "base/time.h"
#include "scan/scan.h"

static const char *const sev_names[] = { "info", "low", "medium", "high" };

const char *
kc_sev_name(enum kc_sev s)
{
	if ((unsigned)s >= sizeof(sev_names) / sizeof(sev_names[0]))
		return "info";
	return sev_names[s];
}

int
kc_sev_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(sev_names) / sizeof(sev_names[0]); i++)
		if (strcmp(s, sev_names[i]) == 0)
			return (int)i;
	return -1;
}

void
kc_scan_opts_default(struct kc_scan_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->user_agent = "kcert-scanner/" KCERT_VERSION " (+https://kommunecert.no/skanning)";
	o->per_ip_rate = 1.0;
	o->per_ip_connect_rate = 5.0;
	o->global_rate = 0;
	o->timeout_ms = 5000;
	o->retries = 1;
	o->max_inflight = 2048;
	o->max_read = 64 * 1024;
	o->now = kc_now();
}
