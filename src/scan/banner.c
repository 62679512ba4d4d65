/*
 * banner.c - products from service banners (see banner.h).
 *
 * Each service has a small hand-written recogniser: banners are short and the
 * formats fixed, so a table of prefixes per product is clearer than regular
 * expressions. Every read is bounded by len; the input need not be
 * NUL-terminated.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "scan/banner.h"
#include "vuln/cpe.h"
#include "base/kc.h"

/* Products distributions patch behind an unchanged version string: without the
 * distribution's patch level their version says little (confidence 30). */
struct known {
	const char *vendor, *product, *name;
	int backported;
};

static const struct known K_OPENSSH = {"openbsd", "openssh", "OpenSSH", 1};
static const struct known K_DROPBEAR = {"dropbear_ssh_project", "dropbear_ssh", "Dropbear SSH", 0};
static const struct known K_VSFTPD = {"vsftpd_project", "vsftpd", "vsftpd", 1};
static const struct known K_PROFTPD = {"proftpd", "proftpd", "ProFTPD", 1};
static const struct known K_PUREFTPD = {"pureftpd", "pure-ftpd", "Pure-FTPd", 1};
static const struct known K_FILEZILLA = {"filezilla-project", "filezilla_server", "FileZilla Server", 0};
static const struct known K_MSFTP = {"microsoft", "internet_information_services", "Microsoft FTP Service",
                                     0};
static const struct known K_POSTFIX = {"postfix", "postfix", "Postfix", 1};
static const struct known K_EXIM = {"exim", "exim", "Exim", 1};
static const struct known K_EXCHANGE = {"microsoft", "exchange_server", "Microsoft Exchange Server", 0};
static const struct known K_SENDMAIL = {"sendmail", "sendmail", "Sendmail", 1};
static const struct known K_DOVECOT = {"dovecot", "dovecot", "Dovecot", 1};
static const struct known K_NGINX = {"f5", "nginx", "nginx", 1};
static const struct known K_APACHE = {"apache", "http_server", "Apache HTTP Server", 1};
static const struct known K_IIS = {"microsoft", "internet_information_services", "Microsoft IIS", 0};
static const struct known K_LIGHTTPD = {"lighttpd", "lighttpd", "lighttpd", 1};
static const struct known K_MYSQL = {"oracle", "mysql", "MySQL", 1};
static const struct known K_MARIADB = {"mariadb", "mariadb", "MariaDB", 1};
static const struct known K_REDIS = {"redis", "redis", "Redis", 1};
static const struct known K_MEMCACHED = {"memcached", "memcached", "memcached", 1};
static const struct known K_ELASTIC = {"elastic", "elasticsearch", "Elasticsearch", 0};

/* Copy at most n bytes of s into out (outsz), NUL-terminated. */
static void copy_n(char *out, size_t outsz, const char *s, size_t n)
{
	if (outsz == 0)
		return;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Find needle (NUL-terminated) in the first len bytes of hay, case-insensitively. */
static const char *find_ci(const char *hay, size_t len, const char *needle)
{
	size_t nl = strlen(needle);

	if (nl == 0 || nl > len)
		return NULL;
	for (size_t i = 0; i + nl <= len; i++)
		if (strncasecmp(hay + i, needle, nl) == 0)
			return hay + i;
	return NULL;
}

/* The len bytes at s start with prefix. */
static int has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);

	return len >= pl && memcmp(s, prefix, pl) == 0;
}

static int is_vchar(int c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '~';
}

/* Length of a version token at s (digits first), at most len. */
static size_t version_len(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !isdigit((unsigned char)s[0]))
		return 0;
	while (i < len && is_vchar((unsigned char)s[i]))
		i++;
	/* A trailing dot or dash ends a sentence, not a version. */
	while (i > 0 && (s[i - 1] == '.' || s[i - 1] == '-'))
		i--;
	return i;
}

/*
 * Fill out from a product, a version token ("9.2p1", "1.3.8b", may be empty)
 * and a distribution patch level (may be empty).
 */
static int set_product(struct kc_product *out, const struct known *k, const char *ver, size_t vlen,
                       const char *patch, size_t plen)
{
	size_t num = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->vendor, sizeof(out->vendor), "%s", k->vendor);
	snprintf(out->product, sizeof(out->product), "%s", k->product);
	if (vlen >= sizeof(out->version))
		vlen = 0; /* absurdly long: not a version we can name */
	while (num < vlen && (isdigit((unsigned char)ver[num]) || ver[num] == '.'))
		num++;
	while (num > 0 && ver[num - 1] == '.')
		num--;
	copy_n(out->version, sizeof(out->version), ver, num);
	if (num < vlen && num > 0) {
		size_t u = num, ulen = 0;

		while (u + ulen < vlen && isalnum((unsigned char)ver[u + ulen]))
			ulen++;
		if (ulen > 0 && ulen < sizeof(out->update))
			copy_n(out->update, sizeof(out->update), ver + u, ulen);
	}
	if (plen >= sizeof(out->patch))
		plen = sizeof(out->patch) - 1;
	copy_n(out->patch, sizeof(out->patch), patch, plen);
	/* Names are for people: keep only printable characters. */
	for (char *p = out->patch; *p; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
	if (out->version[0])
		snprintf(out->name, sizeof(out->name), "%s %s%s", k->name, out->version, out->update);
	else
		snprintf(out->name, sizeof(out->name), "%s", k->name);
	if (kc_banner_cpe(out->cpe, sizeof(out->cpe), 'a', out->vendor, out->product, out->version,
	                  out->update)) {
		/* A version CPE cannot carry: the product without it. */
		out->version[0] = out->update[0] = '\0';
		snprintf(out->name, sizeof(out->name), "%s", k->name);
		if (kc_banner_cpe(out->cpe, sizeof(out->cpe), 'a', out->vendor, out->product, "", ""))
			out->cpe[0] = '\0';
	}
	if (out->version[0] && (!k->backported || out->patch[0]))
		out->confidence = 80;
	else
		out->confidence = 30;
	return 1;
}

/* The text after a 3-digit reply code ("220 ", "220-"), or the whole banner. */
static const char *after_code(const char *b, size_t len, size_t *rest)
{
	if (len >= 4 && isdigit((unsigned char)b[0]) && isdigit((unsigned char)b[1]) &&
	    isdigit((unsigned char)b[2]) && (b[3] == ' ' || b[3] == '-')) {
		*rest = len - 4;
		return b + 4;
	}
	*rest = len;
	return b;
}

/* Length of the first line. */
static size_t line_len(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] != '\r' && s[i] != '\n')
		i++;
	return i;
}

/* After name (found at p inside [b, b+len)), skip one separator and read a version. */
static int product_after(struct kc_product *out, const struct known *k, const char *b, size_t len,
                         const char *p, size_t namelen)
{
	const char *v = p + namelen;
	size_t left = (size_t)(b + len - v);

	if (left > 0 && (*v == ' ' || *v == '/' || *v == '_' || *v == '-')) {
		v++;
		left--;
	}
	return set_product(out, k, v, version_len(v, left), "", 0);
}

static int parse_ssh(const char *b, size_t len, struct kc_product *out)
{
	size_t n = line_len(b, len), i;
	const char *sw, *c;
	size_t swlen, clen;

	if (n < 8 || memcmp(b, "SSH-", 4) != 0)
		return 0;
	i = 4;
	while (i < n && b[i] != '-')
		i++;
	if (i >= n)
		return 0;
	sw = b + i + 1;
	swlen = 0;
	while (sw + swlen < b + n && sw[swlen] != ' ')
		swlen++;
	c = sw + swlen;
	clen = (size_t)(b + n - c);
	if (clen > 0) {
		c++;
		clen--;
	}
	if (swlen > 8 && memcmp(sw, "OpenSSH_", 8) == 0) {
		const char *v = sw + 8;
		size_t vl = swlen - 8;

		if (vl > 12 && memcmp(v, "for_Windows_", 12) == 0) {
			v += 12;
			vl -= 12;
		}
		/* Debian-2+deb12u3, Ubuntu-3ubuntu0.6, FreeBSD-20230316: the package. */
		if (has_prefix(c, clen, "Debian-") || has_prefix(c, clen, "Ubuntu-") ||
		    has_prefix(c, clen, "Raspbian-") || has_prefix(c, clen, "FreeBSD-"))
			return set_product(out, &K_OPENSSH, v, version_len(v, vl), c, clen);
		return set_product(out, &K_OPENSSH, v, version_len(v, vl), "", 0);
	}
	if (swlen > 9 && strncasecmp(sw, "dropbear_", 9) == 0)
		return set_product(out, &K_DROPBEAR, sw + 9, version_len(sw + 9, swlen - 9), "", 0);
	if (swlen == 8 && strncasecmp(sw, "dropbear", 8) == 0)
		return set_product(out, &K_DROPBEAR, "", 0, "", 0);
	return 0;
}

static int parse_ftp(const char *b, size_t len, struct kc_product *out)
{
	size_t n;
	const char *t = after_code(b, len, &n), *p;

	n = line_len(t, n);
	if ((p = find_ci(t, n, "vsFTPd")))
		return product_after(out, &K_VSFTPD, t, n, p, 6);
	if ((p = find_ci(t, n, "ProFTPD")))
		return product_after(out, &K_PROFTPD, t, n, p, 7);
	if ((p = find_ci(t, n, "Pure-FTPd")))
		return product_after(out, &K_PUREFTPD, t, n, p, 9);
	if ((p = find_ci(t, n, "FileZilla Server")))
		return product_after(out, &K_FILEZILLA, t, n, p, 16);
	if (find_ci(t, n, "Microsoft FTP Service"))
		return set_product(out, &K_MSFTP, "", 0, "", 0);
	return 0;
}

static int parse_smtp(const char *b, size_t len, struct kc_product *out)
{
	size_t n;
	const char *t = after_code(b, len, &n), *p;

	n = line_len(t, n);
	if (find_ci(t, n, "Microsoft ESMTP MAIL Service"))
		return set_product(out, &K_EXCHANGE, "", 0, "", 0);
	if ((p = find_ci(t, n, "Exim ")))
		return product_after(out, &K_EXIM, t, n, p, 4);
	if (find_ci(t, n, "Postfix"))
		return set_product(out, &K_POSTFIX, "", 0, "", 0);
	if ((p = find_ci(t, n, "Sendmail")))
		return product_after(out, &K_SENDMAIL, t, n, p, 8);
	return 0;
}

static int parse_mailbox(const char *b, size_t len, struct kc_product *out)
{
	size_t n = line_len(b, len);

	if (find_ci(b, n, "Dovecot"))
		return set_product(out, &K_DOVECOT, "", 0, "", 0);
	return 0;
}

static int parse_http(const char *b, size_t len, struct kc_product *out)
{
	size_t n = line_len(b, len);
	const char *p;

	if (n >= 5 && strncasecmp(b, "nginx", 5) == 0 && (n == 5 || b[5] == '/' || b[5] == ' '))
		return product_after(out, &K_NGINX, b, n, b, 5);
	if (n >= 6 && strncasecmp(b, "Apache", 6) == 0) {
		/* "Apache/2.4.57 (Debian)": the distribution, not its patch level. */
		return product_after(out, &K_APACHE, b, n, b, 6);
	}
	if ((p = find_ci(b, n, "Microsoft-IIS")))
		return product_after(out, &K_IIS, b, n, p, 13);
	if (n >= 8 && strncasecmp(b, "lighttpd", 8) == 0)
		return product_after(out, &K_LIGHTTPD, b, n, b, 8);
	return 0;
}

static int parse_mysql(const char *b, size_t len, struct kc_product *out)
{
	size_t vl, n = 0;
	const char *dash;
	const struct known *k = &K_MYSQL;

	while (n < len && b[n] != '\0' && isprint((unsigned char)b[n]))
		n++;
	/* MariaDB prefixes "5.5.5-" for old clients. */
	if (n > 6 && memcmp(b, "5.5.5-", 6) == 0) {
		b += 6;
		n -= 6;
	}
	vl = 0;
	while (vl < n && (isdigit((unsigned char)b[vl]) || b[vl] == '.'))
		vl++;
	if (vl == 0)
		return 0;
	if (find_ci(b, n, "MariaDB"))
		k = &K_MARIADB;
	dash = vl < n && b[vl] == '-' ? b + vl + 1 : NULL;
	if (dash) {
		/* "10.11.6-MariaDB-0+deb12u1", "8.0.36-0ubuntu0.22.04.1", "8.0.36-log" */
		const char *pl = dash;
		size_t plen = (size_t)(b + n - dash);

		if (plen >= 8 && strncasecmp(pl, "MariaDB-", 8) == 0) {
			pl += 8;
			plen -= 8;
		} else if (plen >= 7 && strncasecmp(pl, "MariaDB", 7) == 0) {
			plen = 0;
		}
		if (plen > 0 && (find_ci(pl, plen, "deb") || find_ci(pl, plen, "ubuntu") ||
		                 find_ci(pl, plen, ".el") || find_ci(pl, plen, "+")))
			return set_product(out, k, b, vl, pl, plen);
	}
	return set_product(out, k, b, vl, "", 0);
}

/* "key:value" line in Redis INFO output. */
static int parse_redis(const char *b, size_t len, struct kc_product *out)
{
	const char *p = find_ci(b, len, "redis_version:");

	if (!p)
		return 0;
	p += 14;
	return set_product(out, &K_REDIS, p, version_len(p, (size_t)(b + len - p)), "", 0);
}

static int parse_memcached(const char *b, size_t len, struct kc_product *out)
{
	if (len < 9 || memcmp(b, "VERSION ", 8) != 0)
		return 0;
	return set_product(out, &K_MEMCACHED, b + 8, version_len(b + 8, len - 8), "", 0);
}

/* The JSON of Elasticsearch's GET /: "version" : { "number" : "7.17.0", ... }. */
static int parse_elastic(const char *b, size_t len, struct kc_product *out)
{
	const char *p, *end = b + len;

	if (!find_ci(b, len, "\"cluster_name\"") && !find_ci(b, len, "You Know, for Search"))
		return 0;
	p = find_ci(b, len, "\"number\"");
	if (!p)
		return set_product(out, &K_ELASTIC, "", 0, "", 0);
	p += 8;
	while (p < end && (*p == ' ' || *p == ':' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p < end && *p == '"')
		p++;
	return set_product(out, &K_ELASTIC, p, version_len(p, (size_t)(end - p)), "", 0);
}

int kc_banner_product(const char *service, const char *banner, size_t len, struct kc_product *out)
{
	static const struct {
		const char *service;
		int (*parse)(const char *, size_t, struct kc_product *);
	} parsers[] = {
	    {"ssh", parse_ssh},
	    {"ftp", parse_ftp},
	    {"smtp", parse_smtp},
	    {"imap", parse_mailbox},
	    {"pop3", parse_mailbox},
	    {"http", parse_http},
	    {"mysql", parse_mysql},
	    {"redis", parse_redis},
	    {"memcached", parse_memcached},
	    {"elasticsearch", parse_elastic},
	};

	memset(out, 0, sizeof(*out));
	if (!service || !banner)
		return 0;
	for (size_t i = 0; i < KC_ARRAY_LEN(parsers); i++)
		if (strcmp(service, parsers[i].service) == 0) {
			if (parsers[i].parse(banner, len, out))
				return 1;
			memset(out, 0, sizeof(*out));
			return 0;
		}
	return 0;
}

size_t kc_banner_excerpt(const void *data, size_t len, char *out, size_t outsz)
{
	const unsigned char *d = data;
	size_t o = 0, i;

	if (outsz == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned c = d[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outsz)
				break;
			snprintf(out + o, outsz - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
	return i;
}

/* Append one CPE component, quoted as the formatted-string binding requires. */
static int cpe_component(kc_buf *b, const char *s)
{
	int rc = 0;

	if (!s || !*s)
		return kc_buf_adds(b, ":*");
	rc = kc_buf_addc(b, ':');
	if (!strcmp(s, "-")) /* a lone "-" would be NA: it is a literal here */
		return rc ? rc : kc_buf_adds(b, "\\-");
	for (; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '_' || c == '.' || c == '-')
			rc = kc_buf_addc(b, (char)tolower(c));
		else if (c > 0x20 && c < 0x7f)
			rc = kc_buf_addf(b, "\\%c", c);
		else
			rc = kc_buf_addc(b, '_');
	}
	return rc;
}

int kc_banner_cpe(char *out, size_t outsz, char part, const char *vendor, const char *product,
                  const char *version, const char *update)
{
	kc_cpe *c = NULL;
	kc_buf b, canon;
	int rc;

	if (outsz == 0)
		return KC_ETOOBIG;
	out[0] = '\0';
	kc_buf_init(&b, outsz - 1);
	kc_buf_init(&canon, outsz - 1);
	rc = kc_buf_addf(&b, "cpe:2.3:%c", part);
	if (!rc)
		rc = cpe_component(&b, vendor);
	if (!rc)
		rc = cpe_component(&b, product);
	if (!rc)
		rc = cpe_component(&b, version);
	if (!rc)
		rc = cpe_component(&b, update);
	if (!rc)
		rc = kc_buf_adds(&b, ":*:*:*:*:*:*");
	/* src/vuln owns the binding: the name must parse there, and what is
	 * stored is its canonical form, so findings, organisation products and
	 * the NVD criteria compare alike. */
	if (!rc && !(c = malloc(sizeof(*c))))
		rc = KC_ENOMEM;
	if (!rc && kc_cpe_parse(kc_buf_str(&b), b.len, c, NULL) != 0)
		rc = KC_EINVAL;
	if (!rc)
		rc = kc_cpe_format(c, &canon);
	if (!rc)
		snprintf(out, outsz, "%s", kc_buf_str(&canon));
	free(c);
	kc_buf_release(&b);
	kc_buf_release(&canon);
	return rc == KC_EINVAL ? KC_EINVAL : rc ? KC_ETOOBIG : 0;
}
