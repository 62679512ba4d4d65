/*
 * shadowserver.c - the table of Shadowserver report types. Classifications
 * follow IntelMQ's Shadowserver parser (RSIT taxonomy and type, IntelMQ
 * identifiers); see ../shared/data/shadowserver/README.md.
 */
#include "feed/shadowserver.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/kc.h"

#define SCAN(name, id) { name, "vulnerable", "vulnerable-system", id, "ip", "port", "hostname", "asn", NULL, NULL, NULL, NULL, NULL }

static const kc_ss_report reports[] = {
	SCAN("scan_rdp", "open-rdp"),
	SCAN("scan_smb", "open-smb"),
	SCAN("scan_telnet", "open-telnet"),
	SCAN("scan_ftp", "open-ftp"),
	SCAN("scan_vnc", "open-vnc"),
	SCAN("scan_ics", "open-ics"),
	SCAN("scan_mssql", "open-mssql"),
	SCAN("scan_mysql", "open-mysql"),
	SCAN("scan_postgres", "open-postgres"),
	SCAN("scan_redis", "open-redis"),
	SCAN("scan_elasticsearch", "open-elasticsearch"),
	SCAN("scan_memcached", "open-memcached"),
	SCAN("scan_mongodb", "open-mongodb"),
	SCAN("scan_snmp", "open-snmp"),
	SCAN("scan_ntp", "ntp-monitor"),
	SCAN("scan_ssl_poodle", "ssl-poodle"),
	SCAN("scan_ssl_freak", "ssl-freak"),
	SCAN("scan_dns", "dns-open-resolver"),
	SCAN("scan_http_vulnerable", "accessible-http"),
	{ "scan_http", "other", "other", "accessible-http", "ip", "port", "hostname", "asn", NULL, NULL, NULL, NULL, NULL },
	{ "scan_exchange", "vulnerable", "vulnerable-system", "vulnerable-exchange-server", "ip", "port", "hostname", "asn",
	  "url", "webshell", "intrusions", "system-compromise", "exchange-server-webshell" },
	{ "compromised_website", "intrusions", "system-compromise", "compromised-website", "ip", "port", "hostname", "asn",
	  "url", NULL, NULL, NULL, NULL },
	{ "blocklist", "other", "blacklist", "blacklisted-ip", "ip", NULL, "hostname", "asn", NULL, NULL, NULL, NULL, NULL },
	{ "event4_honeypot_brute_force", "intrusion-attempts", "brute-force", "brute-force", "src_ip", "src_port",
	  "src_hostname", "src_asn", NULL, NULL, NULL, NULL, NULL },
	{ "event4_honeypot_darknet", "other", "other", "darknet", "src_ip", "src_port", "src_hostname", "src_asn", NULL,
	  NULL, NULL, NULL, NULL },
	/* Sinkholes, and the generic row for other event4_* reports: the source
	 * is an infected system, the tag names the malware. */
	{ "event4_sinkhole_http", "malicious-code", "infected-system", NULL, "src_ip", "src_port", "src_hostname",
	  "src_asn", "http_url", NULL, NULL, NULL, NULL },
	{ "event4_sinkhole", "malicious-code", "infected-system", NULL, "src_ip", "src_port", "src_hostname", "src_asn",
	  NULL, NULL, NULL, NULL, NULL },
};

const kc_ss_report *kc_ss_reports(size_t *n)
{
	*n = KC_ARRAY_LEN(reports);
	return reports;
}

const kc_ss_report *kc_ss_report_find(const char *name)
{
	for (size_t i = 0; name && i < KC_ARRAY_LEN(reports); i++)
		if (!strcmp(reports[i].name, name))
			return &reports[i];
	if (name && !strncmp(name, "event4_", 7))
		return kc_ss_report_find("event4_sinkhole");
	return NULL;
}

int kc_ss_report_from_filename(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/'), *p, *end;
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n < 5 || strcmp(base + n - 4, ".csv"))
		return -1;
	p = base;
	/* optional YYYY-MM-DD- */
	if (n > 15 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[3]) && p[4] == '-' && p[7] == '-' &&
	    p[10] == '-')
		p += 11;
	end = p;
	while (*end && (isalnum((unsigned char)*end) || *end == '_'))
		end++;
	if (end == p || (*end != '-' && *end != '.') || (size_t)(end - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return 0;
}
