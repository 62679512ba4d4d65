/*
 * bench/mailparse.c - messages/s through kc_mail_parse, and through
 * kc_mail_parse plus kc_observables_extract on the body, beside a memchr scan
 * over the same bytes in the same run.
 *
 * Generates MESSAGES (default 10,000) messages in memory from a fixed seed, of
 * mixed size and structure as a CERT's mailbox gets them: plain UTF-8 reports
 * (a third), quoted-printable ISO-8859-1, multipart/alternative with HTML,
 * HTML only, multipart/mixed with a base64 attachment (1-64 KiB, one in ten
 * 256 KiB, over the 200 KiB per-attachment limit set here), forwarded messages
 * (message/rfc822) with a defanged URL, and automatic replies and bounces.
 * Each message names a few addresses, domains, a hash and a CVE id. The
 * baseline counts the lines of every message with memchr: the floor any
 * reader of the same bytes pays. Best of PASSES passes each.
 *
 *   make build/bench/mailparse && build/bench/mailparse [MESSAGES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/mime.h"
#include "mail/observable.h"
#include "base/kc.h"
#include "bench.h"

#define PASSES 3

static const char *const towns[] = { "bergen", "tromso", "bodo", "alesund", "drammen", "molde", "stavanger" };

static const char text[] =
	"Vi har oppdaget mistenkelig trafikk fra 192.0.2.%u mot skoleportalen (skoleportal.%s.kommune.no) i natt.\n"
	"Brannmuren viser også forsøk fra 2001:db8:%x::1 og fra nettet 198.51.%u.0/24. Trafikken ser ut\n"
	"til å utnytte CVE-2024-%04u, og vi fant en fil med SHA-256\n"
	"%016llx%016llx%016llx%016llx på serveren.\n";

/* A paragraph of report text with its observables; n times. */
static void paragraphs(kc_buf *b, unsigned n, const char *town)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned long long r = next();

		kc_buf_addf(b, text, (unsigned)(r % 250) + 1, town, (unsigned)(r >> 8 & 0xffff),
			    (unsigned)(r >> 24 & 255), (unsigned)((r >> 32) % 9000) + 1000, (unsigned long long)next(),
			    (unsigned long long)next(), (unsigned long long)next(), (unsigned long long)next());
		kc_buf_adds(b, "Med vennlig hilsen\nIT-leder\n\n");
	}
}

static void headers(kc_buf *b, unsigned i, const char *town, const char *extra)
{
	kc_buf_addf(b,
		    "Received: from mx.%s.kommune.no (mx.%s.kommune.no [192.0.2.25])\n"
		    "\tby mx.kommunecert.no (Postfix) with ESMTPS id %08X\n"
		    "Message-ID: <bench.%u@%s.kommune.no>\n"
		    "Date: Mon, %u Jun 2024 10:%02u:00 +0200\n"
		    "From: Kari Nordmann <kari.nordmann@%s.kommune.no>\n"
		    "To: KommuneCERT <post@kommunecert.no>\n"
		    "Subject: %sMistenkelig trafikk fra 192.0.2.%u\n"
		    "MIME-Version: 1.0\n",
		    town, town, i, i, town, 1 + i % 28, i % 60, town, extra, i % 250);
}

static void base64(kc_buf *b, size_t bytes)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t chars = (bytes + 2) / 3 * 4;

	for (size_t k = 0; k < chars; k++) {
		kc_buf_addc(b, a[next() & 63]);
		if (k % 76 == 75)
			kc_buf_addc(b, '\n');
	}
	kc_buf_addc(b, '\n');
}

/* One message of kind k (0-99 picks the mix) appended to b. */
static void message(kc_buf *b, unsigned i, unsigned k)
{
	const char *town = towns[i % KC_ARRAY_LEN(towns)];
	unsigned paras = 1 + (unsigned)(next() % 6);

	if (k < 33) { /* plain UTF-8 */
		headers(b, i, town, "");
		kc_buf_adds(b, "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHei,\n\n");
		paragraphs(b, paras, town);
	} else if (k < 45) { /* quoted-printable ISO-8859-1 */
		headers(b, i, town, "=?iso-8859-1?Q?P=E5logging_fra_ukjent_adresse?= ");
		kc_buf_adds(b, "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n");
		for (unsigned p = 0; p < paras; p++)
			kc_buf_addf(b, "Vi i Troms=F8 kommune har f=E5tt melding om innlogginger fra 198.51.100.%u p=E5 =\n"
				       "kontoen etter kl. 13.00 i g=E5r. Kontoen er sperret n=E5.\n\n",
				    (unsigned)(next() % 250));
	} else if (k < 60) { /* multipart/alternative */
		headers(b, i, town, "SV: [KommuneCERT #42] ");
		kc_buf_adds(b, "Content-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\n"
			       "Content-Type: text/plain; charset=utf-8\n\n");
		paragraphs(b, paras, town);
		kc_buf_adds(b, "--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>");
		paragraphs(b, paras, town);
		kc_buf_adds(b, "</p></body></html>\n--alt--\n");
	} else if (k < 70) { /* HTML only */
		headers(b, i, town, "");
		kc_buf_adds(b, "Content-Type: text/html; charset=utf-8\n\n<html><head><style>p{color:red}</style>"
			       "<script>var x=1;</script></head><body>");
		for (unsigned p = 0; p < paras; p++)
			kc_buf_addf(b, "<p>Vi har sett en &oslash;kning i innloggingsfors&oslash;k fra&nbsp;203.0.113.%u "
				       "&ndash; se <a href=\"https://www.example.com/rapport?id=%u&amp;t=2\">rapporten</a>.</p>"
				       "<ul><li>F&oslash;rste: kl.&nbsp;10:02</li><li>Siste: kl.&nbsp;13:45</li></ul>\n",
				    (unsigned)(next() % 250), i);
		kc_buf_adds(b, "</body></html>\n");
	} else if (k < 85) { /* an attachment */
		size_t att = next() % 10 == 0 ? 256 * 1024 : 1024 + next() % (63 * 1024);

		headers(b, i, town, "");
		kc_buf_adds(b, "Content-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\n"
			       "Content-Type: text/plain; charset=utf-8\n\nVedlagt er loggen.\n\n");
		paragraphs(b, 1, town);
		kc_buf_adds(b, "--mix\nContent-Type: text/csv; name*=utf-8''brannmurlogg%20Bod%C3%B8.csv\n"
			       "Content-Disposition: attachment; filename*=utf-8''brannmurlogg%20Bod%C3%B8.csv\n"
			       "Content-Transfer-Encoding: base64\n\n");
		base64(b, att);
		kc_buf_adds(b, "--mix--\n");
	} else if (k < 93) { /* forwarded */
		headers(b, i, town, "VS: ");
		kc_buf_adds(b, "Content-Type: multipart/mixed; boundary=\"fwd\"\n\n--fwd\n"
			       "Content-Type: text/plain; charset=utf-8\n\nSe videresendt e-post.\n\n"
			       "--fwd\nContent-Type: message/rfc822\n\n"
			       "From: \"IT\" <it-support@mail.example.org>\nSubject: Din postkasse er full\n"
			       "Content-Type: text/plain; charset=utf-8\n\n"
			       "Logg inn: hxxps://login-microsoft[.]example[.]com/owa/?u=");
		kc_buf_addf(b, "%u\n", i);
		paragraphs(b, paras, town);
		kc_buf_adds(b, "--fwd--\n");
	} else if (k < 97) { /* auto-reply */
		headers(b, i, town, "Fraværsmelding: ");
		kc_buf_adds(b, "Auto-Submitted: auto-replied\nContent-Type: text/plain; charset=utf-8\n\n"
			       "Jeg er på ferie til og med 28. juni.\n");
	} else { /* bounce */
		headers(b, i, town, "");
		kc_buf_adds(b, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"rep\"\n\n"
			       "--rep\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
			       "--rep\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.kommunecert.no\n\n"
			       "Final-Recipient: rfc822; it@nedlagt.kommune.no\nAction: failed\nStatus: 5.1.1\n\n"
			       "--rep--\n");
	}
}

typedef struct corpus {
	kc_buf all;
	size_t *off; /* message i is all.ptr[off[i] .. off[i + 1]) */
	size_t n;
	size_t normal, automatic; /* as generated */
} corpus;

static void generate(corpus *c, size_t n)
{
	kc_buf_init(&c->all, (size_t)4 << 30);
	c->off = calloc(n + 1, sizeof(*c->off));
	if (!c->off)
		exit(1);
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		unsigned k = (unsigned)(next() % 100);

		c->off[i] = c->all.len;
		message(&c->all, (unsigned)i, k);
		if (k >= 93)
			c->automatic++;
		else
			c->normal++;
	}
	c->off[n] = c->all.len;
}

/* The floor: count the lines of every message with memchr. */
static double run_memchr(const corpus *c, unsigned long long *sum)
{
	double t0 = now();

	*sum = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *p = c->all.ptr + c->off[i], *end = c->all.ptr + c->off[i + 1];

		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			(*sum)++;
			p++;
		}
	}
	return now() - t0;
}

typedef struct tally {
	unsigned long long body, observables, attachments, dropped;
	size_t normal, automatic;
} tally;

static double run_parse(const corpus *c, int observables, tally *t)
{
	kc_mail_limits lim = { .max_attachment = 200 * 1024 };
	double t0 = now();

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < c->n; i++) {
		kc_mail *m;
		kc_err err;

		if (kc_mail_parse(c->all.ptr + c->off[i], c->off[i + 1] - c->off[i], &lim, &m, &err)) {
			fprintf(stderr, "bench/mailparse: message %zu: %s\n", i, err.msg);
			exit(1);
		}
		t->body += m->body_len;
		t->attachments += m->nattachments;
		for (size_t a = 0; a < m->nattachments; a++)
			t->dropped += (m->attachments[a].flags & KC_MAIL_ATT_DROPPED) != 0;
		if (m->kind == KC_MAIL_NORMAL)
			t->normal++;
		else
			t->automatic++;
		if (observables) {
			kc_observable *o;
			size_t n;

			if (kc_observables_extract(m->body, m->body_len, 0, &o, &n, &err)) {
				fprintf(stderr, "bench/mailparse: %s\n", err.msg);
				exit(1);
			}
			t->observables += n;
			kc_observables_free(o, n);
		}
		kc_mail_free(m);
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
	double best[3] = { 1e30, 1e30, 1e30 };
	unsigned long long lines = 0;
	tally t[3];
	corpus c;

	memset(&c, 0, sizeof(c));
	if (!n) {
		fprintf(stderr, "usage: bench/mailparse [MESSAGES]\n");
		return 1;
	}
	generate(&c, n);
	for (int p = 0; p < PASSES; p++) {
		for (int k = 0; k < 3; k++) {
			double s = k == 0 ? run_memchr(&c, &lines) : run_parse(&c, k == 2, &t[k]);

			if (s < best[k])
				best[k] = s;
		}
	}
	printf("bench/mailparse: %zu generated messages, %.1f MB (%.1f KB on average)\n", n, (double)c.all.len / 1e6,
	       (double)c.all.len / 1e3 / (double)n);
	printf("  baseline memchr line scan        %10.0f messages/s  %8.1f MB/s  (best of %d passes)\n",
	       (double)n / best[0], (double)c.all.len / 1e6 / best[0], PASSES);
	printf("  kc_mail_parse                    %10.0f messages/s  %8.1f MB/s\n", (double)n / best[1],
	       (double)c.all.len / 1e6 / best[1]);
	printf("  kc_mail_parse + observables      %10.0f messages/s  %8.1f MB/s  (%.4f of the memchr scan)\n",
	       (double)n / best[2], (double)c.all.len / 1e6 / best[2], best[0] / best[2]);
	printf("  %llu lines; %llu body bytes, %llu attachments (%llu over the limit), %llu observables; "
	       "%zu normal, %zu automatic\n",
	       lines, t[2].body, t[2].attachments, t[2].dropped, t[2].observables, t[2].normal, t[2].automatic);
	if (t[1].body != t[2].body || t[2].normal != c.normal || t[2].automatic != c.automatic) {
		fprintf(stderr, "bench/mailparse: the passes disagree, or the kinds are not those generated\n");
		return 1;
	}
	free(c.off);
	kc_buf_release(&c.all);
	return 0;
}
