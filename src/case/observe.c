/*
 * observe.c - observables of a case: what a report names that can be looked
 * for elsewhere (addresses, prefixes, domains, URLs, e-mail addresses, file
 * hashes, CVE ids), found in its text after refanging, and linked to every
 * other case that names them too.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/domain.h"
#include "base/ip.h"
#include "base/time.h"
#include "case/case.h"
#include "feed/ingest.h"
#include "base/kc.h"

#define MAX_PER_TEXT 500

static int add(kc_store *st, int64_t case_id, const char *kind, const char *value, const char *now, kc_err *err)
{
	int64_t oid = 0;
	int rc;

	rc = kc_store_exec(st, err, NULL, "INSERT INTO observable (kind, value) VALUES (?, ?) ON CONFLICT (kind, value) DO NOTHING",
			   "tt", kind, value);
	if (!rc)
		rc = kc_store_scalar_int(st, err, &oid, "SELECT id FROM observable WHERE kind = ? AND value = ?", "tt", kind,
					 value);
	if (!rc)
		rc = kc_store_exec(st, err, NULL,
				   "INSERT INTO case_observable (case_id, observable_id, added_at) VALUES (?, ?, ?) "
				   "ON CONFLICT (case_id, observable_id) DO NOTHING",
				   "iit", case_id, oid, now);
	return rc;
}

static int all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* File names look like domains: "rapport.pdf". Their endings are not TLDs. */
static int file_like(const char *d)
{
	static const char *const ext[] = { "pdf", "png", "jpg", "jpeg", "gif", "doc", "docx", "xls", "xlsx", "ppt",
					   "pptx", "txt", "csv", "exe", "dll", "zip", "rar", "eml", "msg", "htm",
					   "html", "php", "asp", "aspx", "js", "json", "xml", "log", "bat", "ps1",
					   "vbs", "iso", "img", "tmp", "bak", "odt", "ods" };
	const char *dot = strrchr(d, '.');

	for (size_t i = 0; dot && i < KC_ARRAY_LEN(ext); i++)
		if (!strcmp(dot + 1, ext[i]))
			return 1;
	return 0;
}

static int domain_ok(const char *s, size_t n, char out[KC_DOMAIN_MAX])
{
	const char *dot;

	if (!memchr(s, '.', n) || kc_domain_normalise(s, n, out, NULL))
		return 0;
	dot = strrchr(out, '.');
	if (!dot || strlen(dot + 1) < 2 || file_like(out))
		return 0;
	for (const char *p = dot + 1; *p; p++)
		if (!isalpha((unsigned char)*p) && strncmp(dot + 1, "xn--", 4))
			return 0;
	return 1;
}

int kc_case_add_observables(kc_store *st, int64_t id, const char *text, kc_err *err)
{
	char now[KC_TIME_STRLEN], *buf;
	size_t found = 0;
	int rc = KC_OK;

	if (!text || !*text)
		return KC_OK;
	buf = strdup(text);
	if (!buf)
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	kc_refang(buf);
	kc_time_now_iso(now);
	for (char *p = buf; *p && !rc && found < MAX_PER_TEXT;) {
		char tok[2048], dom[KC_DOMAIN_MAX];
		size_t n;
		kc_slice host;
		kc_cidr net;
		kc_ip ip;

		/* A token: up to white space or a quote or bracket; URLs keep theirs. */
		while (*p && (isspace((unsigned char)*p) || strchr("<>()[]{}\"'`,;|", *p)))
			p++;
		if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8))
			n = strcspn(p, " \t\r\n<>\"'`");
		else
			n = strcspn(p, " \t\r\n<>()[]{}\"'`,;|");
		if (!n)
			break;
		snprintf(tok, sizeof(tok), "%.*s", (int)(n < sizeof(tok) - 1 ? n : sizeof(tok) - 1), p);
		p += n;
		n = strlen(tok);
		while (n && strchr(".,:;!?)]}", tok[n - 1])) /* sentence punctuation */
			tok[--n] = '\0';
		if (n < 4)
			continue;
		if (!strncasecmp(tok, "cve-", 4) && n >= 13 && n <= 20 && strspn(tok + 4, "0123456789") == 4 &&
		    tok[8] == '-' && strspn(tok + 9, "0123456789") == n - 9) {
			for (char *c = tok; *c; c++)
				*c = (char)toupper((unsigned char)*c);
			rc = add(st, id, "cve", tok, now, err);
		} else if (!strncasecmp(tok, "http://", 7) || !strncasecmp(tok, "https://", 8)) {
			rc = add(st, id, "url", tok, now, err);
			if (!rc && !kc_url_host(tok, n, &host, NULL)) {
				if (!kc_ip_parse(host.ptr, host.len, &ip, NULL)) {
					char t[KC_CIDR_STRLEN];

					rc = add(st, id, "ip", kc_ip_format(&ip, t), now, err);
				} else if (domain_ok(host.ptr, host.len, dom)) {
					rc = add(st, id, "domain", dom, now, err);
				}
			}
		} else if (strchr(tok, '@')) {
			const char *at = strrchr(tok, '@');

			if (at > tok && domain_ok(at + 1, strlen(at + 1), dom)) {
				char mail[600];

				for (char *c = tok; c < at; c++)
					*c = (char)tolower((unsigned char)*c);
				snprintf(mail, sizeof(mail), "%.*s@%s", (int)(at - tok), tok, dom);
				rc = add(st, id, "email", mail, now, err);
				if (!rc)
					rc = add(st, id, "domain", dom, now, err);
			}
		} else if ((n == 32 || n == 40 || n == 64) && all_hex(tok, n)) {
			for (char *c = tok; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			rc = add(st, id, n == 32 ? "md5" : n == 40 ? "sha1" : "sha256", tok, now, err);
		} else if (strchr(tok, '/') && !kc_cidr_parse(tok, n, &net, 0, NULL)) {
			char t[KC_CIDR_STRLEN];

			rc = add(st, id, "cidr", kc_cidr_format(&net, t), now, err);
		} else if (!kc_ip_parse(tok, n, &ip, NULL)) {
			char t[KC_CIDR_STRLEN];

			rc = add(st, id, "ip", kc_ip_format(&ip, t), now, err);
		} else if (domain_ok(tok, n, dom)) {
			rc = add(st, id, "domain", dom, now, err);
		} else {
			continue;
		}
		found++;
	}
	free(buf);
	return rc;
}
