/* Unit tests: products, CPE names and confidence from service banners (src/scan/banner.c). */
#include "../test.h"
#include "scan/banner.h"
#include "vuln/cpe.h"

static void want(const char *svc, const char *banner, const char *cpe, int conf, const char *name)
{
	struct kc_product p;

	if (!kc_banner_product(svc, banner, strlen(banner), &p))
		fail_msg("%s \"%s\" not recognised", svc, banner);
	if (strcmp(p.cpe, cpe) != 0)
		fail_msg("%s \"%s\": cpe %s, want %s", svc, banner, p.cpe, cpe);
	if (p.confidence != conf)
		fail_msg("%s \"%s\": confidence %d, want %d", svc, banner, p.confidence, conf);
	if (name && strcmp(p.name, name) != 0)
		fail_msg("%s \"%s\": name %s, want %s", svc, banner, p.name, name);
	{
		/* The name is src/vuln's: it parses there and is already canonical. */
		char *canon = NULL;
		kc_err e;

		if (kc_cpe_canonical(p.cpe, &canon, &e) != 0)
			fail_msg("%s: src/vuln does not parse it: %s", p.cpe, e.msg);
		if (strcmp(canon, p.cpe) != 0)
			fail_msg("%s: canonical form is %s", p.cpe, canon);
		free(canon);
	}
}

static void none(const char *svc, const char *banner)
{
	struct kc_product p;

	if (kc_banner_product(svc, banner, strlen(banner), &p))
		fail_msg("%s \"%s\" recognised as %s", svc, banner, p.cpe);
	assert_string_equal(p.cpe, "");
}

static void ssh_banners(void **state)
{
	(void)state;
	want("ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
	     "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*", 80, "OpenSSH 9.2p1");
	want("ssh", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n",
	     "cpe:2.3:a:openbsd:openssh:8.9:p1:*:*:*:*:*:*", 80, NULL);
	/* No package patch level: backports may hide behind the version. */
	want("ssh", "SSH-2.0-OpenSSH_7.4\r\n", "cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*", 30, NULL);
	want("ssh", "SSH-2.0-OpenSSH_for_Windows_8.1\r\n", "cpe:2.3:a:openbsd:openssh:8.1:*:*:*:*:*:*:*", 30,
	     NULL);
	want("ssh", "SSH-2.0-dropbear_2022.83\r\n",
	     "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2022.83:*:*:*:*:*:*:*", 80, NULL);
	none("ssh", "SSH-2.0-Cisco-1.25\r\n");
	none("ssh", "HTTP/1.1 400 Bad Request\r\n");
	none("ssh", "SSH-");
}

static void ftp_and_mail_banners(void **state)
{
	(void)state;
	want("ftp", "220 (vsFTPd 3.0.3)\r\n", "cpe:2.3:a:vsftpd_project:vsftpd:3.0.3:*:*:*:*:*:*:*", 30,
	     "vsftpd 3.0.3");
	want("ftp", "220 ProFTPD 1.3.8b Server (Debian) [::ffff:10.0.0.1]\r\n",
	     "cpe:2.3:a:proftpd:proftpd:1.3.8:b:*:*:*:*:*:*", 30, NULL);
	want("ftp", "220 ProFTPD Server (Debian)\r\n", "cpe:2.3:a:proftpd:proftpd:*:*:*:*:*:*:*:*", 30,
	     "ProFTPD");
	want("ftp", "220-FileZilla Server 1.7.0\r\n220 Please visit https://filezilla-project.org/\r\n",
	     "cpe:2.3:a:filezilla-project:filezilla_server:1.7.0:*:*:*:*:*:*:*", 80, NULL);
	want("ftp", "220 Microsoft FTP Service\r\n",
	     "cpe:2.3:a:microsoft:internet_information_services:*:*:*:*:*:*:*:*", 30, NULL);
	want("smtp", "220 mx.kommune.no ESMTP Postfix (Debian/GNU)\r\n",
	     "cpe:2.3:a:postfix:postfix:*:*:*:*:*:*:*:*", 30, NULL);
	want("smtp", "220 mail.example ESMTP Exim 4.96 Mon, 02 Dec 2024 10:00:00 +0100\r\n",
	     "cpe:2.3:a:exim:exim:4.96:*:*:*:*:*:*:*", 30, "Exim 4.96");
	want("smtp", "220 EX01.kommune.local Microsoft ESMTP MAIL Service ready at Mon, 2 Dec 2024\r\n",
	     "cpe:2.3:a:microsoft:exchange_server:*:*:*:*:*:*:*:*", 30, NULL);
	want("smtp", "220 h ESMTP Sendmail 8.15.2/8.15.2; Mon\r\n",
	     "cpe:2.3:a:sendmail:sendmail:8.15.2:*:*:*:*:*:*:*", 30, NULL);
	want("imap", "* OK [CAPABILITY IMAP4rev1] Dovecot (Debian) ready.\r\n",
	     "cpe:2.3:a:dovecot:dovecot:*:*:*:*:*:*:*:*", 30, NULL);
	none("smtp", "220 mail.example ESMTP ready\r\n");
	none("ftp", "");
}

static void http_db_and_cache_banners(void **state)
{
	(void)state;
	want("http", "nginx/1.22.1", "cpe:2.3:a:f5:nginx:1.22.1:*:*:*:*:*:*:*", 30, NULL);
	want("http", "Apache/2.4.57 (Debian)", "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*", 30, NULL);
	want("http", "Microsoft-IIS/10.0",
	     "cpe:2.3:a:microsoft:internet_information_services:10.0:*:*:*:*:*:*:*", 80, NULL);
	want("http", "nginx", "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", 30, "nginx");
	want("mysql", "10.11.6-MariaDB-0+deb12u1", "cpe:2.3:a:mariadb:mariadb:10.11.6:*:*:*:*:*:*:*", 80,
	     NULL);
	want("mysql", "5.5.5-10.6.12-MariaDB", "cpe:2.3:a:mariadb:mariadb:10.6.12:*:*:*:*:*:*:*", 30, NULL);
	want("mysql", "8.0.36-0ubuntu0.22.04.1", "cpe:2.3:a:oracle:mysql:8.0.36:*:*:*:*:*:*:*", 80, NULL);
	want("mysql", "8.0.36", "cpe:2.3:a:oracle:mysql:8.0.36:*:*:*:*:*:*:*", 30, NULL);
	want("redis", "$500\r\n# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:0\r\n",
	     "cpe:2.3:a:redis:redis:7.0.15:*:*:*:*:*:*:*", 30, "Redis 7.0.15");
	want("memcached", "VERSION 1.6.18\r\n", "cpe:2.3:a:memcached:memcached:1.6.18:*:*:*:*:*:*:*", 30,
	     NULL);
	want("elasticsearch",
	     "{\"name\":\"n\",\"cluster_name\":\"c\",\"version\":{\"number\" : \"7.17.0\"},\"tagline\":\"You "
	     "Know, for Search\"}",
	     "cpe:2.3:a:elastic:elasticsearch:7.17.0:*:*:*:*:*:*:*", 80, NULL);
	none("redis", "-NOAUTH Authentication required.\r\n");
	none("mysql", "\xff\x01");
	none("nosuch", "nginx/1.0");
}

static void excerpts_and_cpe_quoting(void **state)
{
	char out[32], cpe[64];

	(void)state;
	kc_banner_excerpt("ab\r\n\\\xff", 6, out, sizeof(out));
	assert_string_equal(out, "ab\\x0d\\x0a\\x5c\\xff");
	/* Cut on a whole escape, never in the middle, and always terminated. */
	assert_int_equal(kc_banner_excerpt("\x01\x02\x03\x04", 4, out, 10), 2);
	assert_string_equal(out, "\\x01\\x02");
	assert_int_equal(kc_banner_cpe(cpe, sizeof(cpe), 'a', "Ex", "p", "1.0+x", ""), 0);
	assert_string_equal(cpe, "cpe:2.3:a:ex:p:1.0\\+x:*:*:*:*:*:*:*");
	/* A lone "-" is a literal version, not NA; src/vuln reads it back so. */
	assert_int_equal(kc_banner_cpe(cpe, sizeof(cpe), 'a', "ex", "p", "-", ""), 0);
	assert_string_equal(cpe, "cpe:2.3:a:ex:p:\\-:*:*:*:*:*:*:*");
	{
		kc_cpe *c = malloc(sizeof(*c));

		assert_non_null(c);
		assert_int_equal(kc_cpe_parse(cpe, strlen(cpe), c, NULL), 0);
		assert_int_equal(c->v[KC_CPE_VERSION].kind, KC_CPE_VALUE);
		assert_string_equal(kc_cpe_literal(c, KC_CPE_VERSION), "-");
		free(c);
	}
	assert_int_equal(kc_banner_cpe(cpe, 12, 'a', "vendor", "product", "1", ""), KC_ETOOBIG);
	assert_string_equal(cpe, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ssh_banners),
	    cmocka_unit_test(ftp_and_mail_banners),
	    cmocka_unit_test(http_db_and_cache_banners),
	    cmocka_unit_test(excerpts_and_cpe_quoting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
