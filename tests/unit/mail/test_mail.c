/* Unit tests: incoming mail (src/mail/mime.c, html.c, charset.c, tag.c) on the
 * .eml corpus in tests/fixtures/mail/ and on messages built here. */
#include "../test.h"

#include <pthread.h>

#include "base/buf.h"
#include "mail/charset.h"
#include "mail/html.h"
#include "mail/mime.h"
#include "mail/observable.h"
#include "mail/tag.h"

#define FIXTURES "tests/fixtures/mail/"

static char *load(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run the tests from the top of the repository)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static kc_mail *parse_mem(const char *raw, size_t len, const kc_mail_limits *lim)
{
	kc_mail *m = NULL;
	kc_err err;
	int rc = kc_mail_parse(raw, len, lim, &m, &err);

	if (rc)
		fail_msg("kc_mail_parse: %d %s", rc, err.msg);
	assert_non_null(m);
	return m;
}

static kc_mail *parse_file(const char *name)
{
	size_t len;
	char *raw = load(name, &len);
	kc_mail *m = parse_mem(raw, len, NULL);

	free(raw);
	return m;
}

static kc_mail *parse_str(const char *raw)
{
	return parse_mem(raw, strlen(raw), NULL);
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int has_warning(const kc_mail *m, const char *part)
{
	for (size_t i = 0; i < m->nwarnings; i++)
		if (strstr(m->warnings[i], part))
			return 1;
	return 0;
}

static int has_observable(const char *text, kc_obs_kind kind, const char *value)
{
	kc_observable *o;
	size_t n;
	int found = 0;

	assert_int_equal(kc_observables_extract(text, strlen(text), 0, &o, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		if (o[i].kind == kind && !strcmp(o[i].value, value))
			found = 1;
	kc_observables_free(o, n);
	return found;
}

/* ---- the corpus, message by message ---- */

static void plain_utf8(void **state)
{
	kc_mail *m = parse_file("01-plain-utf8.eml");

	(void)state;
	assert_string_equal(m->message_id, "20240603081500.GA1234@bergen.kommune.no");
	assert_false(m->flags & KC_MAIL_SYNTH_ID);
	assert_null(m->in_reply_to);
	assert_int_equal(m->nreferences, 0);
	assert_string_equal(m->from.addr, "kari.nordmann@bergen.kommune.no"); /* lower case */
	assert_string_equal(m->from.name, "Kari Nordmann");
	assert_null(m->reply_to.addr);
	assert_int_equal(m->nto, 1);
	assert_string_equal(m->to[0].addr, "post@kommunecert.no");
	assert_string_equal(m->to[0].name, "KommuneCERT");
	assert_int_equal(m->ncc, 2);
	assert_string_equal(m->cc[0].addr, "ola.hansen@bergen.kommune.no");
	assert_string_equal(m->cc[0].name, "Ola Hansen");
	assert_string_equal(m->cc[1].addr, "sikkerhet@bergen.kommune.no");
	assert_null(m->cc[1].name);
	assert_string_equal(m->subject, "Mistenkelig trafikk fra 192.0.2.15 mot skoleportalen");
	assert_string_equal(m->date, "2024-06-03T08:15:00Z"); /* +0200 to UTC */
	assert_true(starts_with(m->body, "Hei KommuneCERT,\n\nVi har oppdaget mistenkelig trafikk fra 192.0.2.15…"));
	assert_non_null(strstr(m->body, "Brannmuren viser også forsøk fra 2001:db8:4601::bad:1"));
	assert_int_equal(m->body_len, strlen(m->body));
	assert_string_equal(m->body + m->body_len - strlen("IT-leder, Bergen kommune"), "IT-leder, Bergen kommune");
	assert_int_equal(m->kind, KC_MAIL_NORMAL);
	assert_null(m->kind_reason);
	assert_int_equal(m->nattachments, 0);
	assert_int_equal(m->nforwarded, 0);
	assert_int_equal(m->nwarnings, 0);
	assert_int_equal(m->flags, 0);
	kc_mail_free(m);
}

static void qp_latin1(void **state)
{
	kc_mail *m = parse_file("02-qp-latin1.eml");

	(void)state;
	assert_string_equal(m->message_id, "a1b2c3d4e5@tromso.kommune.no");
	assert_string_equal(m->from.name, "Åse Ærlighet"); /* B-encoded UTF-8 */
	assert_string_equal(m->from.addr, "ase.aerlighet@tromso.kommune.no");
	/* Q-encoded ISO-8859-1 over two words; =96 is windows-1252's en dash */
	assert_string_equal(m->subject, "Pålogging fra ukjent adresse – økonomiavdelingen i Tromsø");
	assert_string_equal(m->date, "2024-06-04T07:02:11Z");
	assert_non_null(strstr(m->body, "Vi i Tromsø kommune har fått melding om at en ansatt på økonomiavdelingen\n"
					"har lagt inn passordet sitt på en falsk påloggingsside."));
	assert_non_null(strstr(m->body, "Åse Ærlighet\nIT-leder, Tromsø kommune"));
	assert_null(strchr(m->body, '\r')); /* CRLF to LF */
	assert_null(strstr(m->body, "=\n"));
	assert_false(m->flags & KC_MAIL_CHARSET_FALLBACK); /* declared and right */
	assert_int_equal(m->nwarnings, 0);
	kc_mail_free(m);
}

static void attachment_csv(void **state)
{
	static const char csv[] = "tidspunkt,kilde,destinasjon,port,handling\n"
				  "2024-06-05T01:12:44Z,203.0.113.9,10.20.30.40,3389,blokkert\n";
	kc_mail *m = parse_file("03-attachment-csv.eml");
	const kc_mail_attachment *a;

	(void)state;
	assert_string_equal(m->subject, "Brannmurlogg fra Bodø – RDP-skanning");
	assert_string_equal(m->from.name, "Bjørn Bodøgaard");
	assert_int_equal(m->nattachments, 1);
	a = &m->attachments[0];
	assert_string_equal(a->filename, "brannmurlogg Bodø uke 23.csv"); /* RFC 2231, continued */
	assert_string_equal(a->content_type, "text/csv");
	assert_int_equal(a->size, 219);
	assert_string_equal(a->sha256, "cca465fc8d29028857236ad9b6ecfb2434148e748d29480d084858f550af7751");
	assert_non_null(a->data);
	assert_memory_equal(a->data, csv, strlen(csv));
	assert_int_equal(a->flags, 0);
	assert_int_equal(a->forwarded, 0);
	/* the text part is the body, the preamble is not */
	assert_true(starts_with(m->body, "Hei,\n\nVedlagt er brannmurloggen for natt til onsdag."));
	assert_null(strstr(m->body, "multi-part message"));
	assert_null(strstr(m->body, "tidspunkt"));
	kc_mail_free(m);
}

static void html_only(void **state)
{
	kc_mail *m = parse_file("04-html-only.eml");

	(void)state;
	assert_string_equal(m->subject, "Varsel om innbruddsforsøk mot hjemmesiden");
	assert_string_equal(m->from.name, "Sølvi Strand");
	assert_true(m->flags & KC_MAIL_HTML);
	assert_string_equal(m->body,
			    "Hei,\n\n"
			    "Vi har sett en økning i innloggingsforsøk mot hjemmesiden vår. Angrepet kommer fra 203.0.113.50 "
			    "og ser ut til å bruke en liste med passord fra Ærlige Arne's lekkasje – se rapporten her "
			    "<https://www.example.com/rapport?id=1&tab=2>.\n\n"
			    "- Første forsøk: kl. 10:02\n"
			    "- Siste forsøk: kl. 13:45\n\n"
			    "Kontakt: solvi.strand@alesund.kommune.no\n"
			    "Telefon 70 16 20 00\n"
			    "Ålesund kommune\n\n"
			    "klikk");
	/* nothing of script, style, title or comments; no markup; no javascript: link */
	assert_null(strstr(m->body, "ikke vis"));
	assert_null(strstr(m->body, "heller ikke"));
	assert_null(strstr(m->body, "color"));
	assert_null(strstr(m->body, "kommentar"));
	assert_null(strstr(m->body, "Varsel"));
	assert_null(strstr(m->body, "javascript"));
	assert_null(strstr(m->body, "&amp;"));
	assert_null(strstr(m->body, "&nbsp;"));
	assert_null(strchr(m->body, '\r'));
	kc_mail_free(m);
}

static void alternative(void **state)
{
	kc_mail *m = parse_file("05-alternative.eml");

	(void)state;
	assert_non_null(strstr(m->body, "(tekstversjon)"));
	assert_null(strstr(m->body, "HTML-versjon"));
	assert_false(m->flags & KC_MAIL_HTML);
	assert_non_null(strstr(m->body, "fått e-post fra faktura@drammen-kommune.example.net med lenke")); /* QP soft break */
	assert_int_equal(m->nattachments, 0);
	kc_mail_free(m);
}

static void forwarded(void **state)
{
	kc_mail *m = parse_file("06-forwarded.eml");
	const kc_mail_attachment *eml, *htm;

	(void)state;
	assert_string_equal(m->subject, "VS: Din postkasse er full");
	assert_int_equal(m->nforwarded, 1);
	assert_non_null(strstr(m->body, "Hei, vi har fått denne phishing-e-posten til 40 ansatte i dag."));
	assert_non_null(strstr(m->body, "Siri\n\n---------- Forwarded message ----------\n"
					"From: IT-brukerstøtte <it-support@mail.example.org>\n"
					"Date: 2024-06-10T07:01:00Z\n"
					"Subject: Din postkasse er full\n"
					"To: siri.stavnes@stavanger.kommune.no\n\n"
					"Kjære bruker,\n"));
	assert_non_null(strstr(m->body, "stenges: hxxps://login-microsoft[.]example[.]com/owa/?user=siri"));
	assert_int_equal(m->nattachments, 2);
	eml = &m->attachments[0];
	assert_string_equal(eml->filename, "Din postkasse er full.eml");
	assert_string_equal(eml->content_type, "message/rfc822");
	assert_int_equal(eml->forwarded, 0);
	assert_non_null(eml->data);
	assert_non_null(memmem(eml->data, eml->size, "Message-ID: <phish-991@mail.example.org>", 40));
	assert_non_null(memmem(eml->data, eml->size, "unknown [203.0.113.66]", 22)); /* its trace kept */
	htm = &m->attachments[1];
	assert_string_equal(htm->filename, "faktura.htm");
	assert_string_equal(htm->content_type, "text/html");
	assert_int_equal(htm->size, 120);
	assert_string_equal(htm->sha256, "25b3dc61fb2eee97d1d2f1ac442c8df8f4146bd2e9f4fd090854b91fad649d68");
	assert_int_equal(htm->forwarded, 1);
	/* the defanged URL in the forwarded text becomes an observable */
	assert_true(has_observable(m->body, KC_OBS_URL, "https://login-microsoft.example.com/owa/?user=siri"));
	assert_true(has_observable(m->body, KC_OBS_DOMAIN, "login-microsoft.example.com"));
	kc_mail_free(m);
}

static void reply_tag(void **state)
{
	kc_mail *m = parse_file("07-reply-tag.eml");
	int64_t id = 0;
	char tag[80];

	(void)state;
	assert_string_equal(m->subject, "SV: [KommuneCERT #42] Mistenkelig trafikk fra 192.0.2.15");
	assert_int_equal(kc_mail_subject_tag(m->subject, "KommuneCERT", &id), 1);
	assert_int_equal(id, 42);
	assert_int_equal(kc_mail_subject_foreign_tag(m->subject, "KommuneCERT", tag, sizeof(tag)), 0);
	assert_string_equal(m->in_reply_to, "case-42.7f3a9c@kommunecert.no");
	assert_int_equal(m->nreferences, 2);
	assert_string_equal(m->references[0], "case-42.0a1b2c@kommunecert.no");
	assert_string_equal(m->references[1], "case-42.7f3a9c@kommunecert.no");
	assert_non_null(strstr(m->body, "> Vi anbefaler at dere blokkerer adressen"));
	assert_int_equal(m->kind, KC_MAIL_NORMAL);
	kc_mail_free(m);
}

static void autoreply(void **state)
{
	kc_mail *m = parse_file("08-autoreply.eml");
	int64_t id = 0;

	(void)state;
	assert_int_equal(m->kind, KC_MAIL_AUTO_REPLY);
	assert_string_equal(kc_mail_kind_name(m->kind), "auto_reply");
	assert_string_equal(m->kind_reason, "Auto-Submitted: auto-replied");
	/* two encoded words, the white space between them dropped */
	assert_string_equal(m->subject, "Fraværsmelding: [KommuneCERT #43] Varsel om sårbarhet");
	assert_int_equal(kc_mail_subject_tag(m->subject, "KommuneCERT", &id), 1);
	assert_int_equal(id, 43);
	assert_string_equal(m->in_reply_to, "case-43.11aa@kommunecert.no");
	kc_mail_free(m);
}

static void bounce(void **state)
{
	kc_mail *m = parse_file("09-bounce.eml");
	int status = 0, headers = 0;

	(void)state;
	assert_int_equal(m->kind, KC_MAIL_BOUNCE);
	assert_string_equal(kc_mail_kind_name(m->kind), "bounce");
	assert_string_equal(m->kind_reason, "Content-Type: multipart/report; report-type=delivery-status");
	assert_string_equal(m->from.addr, "mailer-daemon@mx.kommunecert.no");
	assert_non_null(strstr(m->body, "550 5.1.1 User unknown"));
	for (size_t i = 0; i < m->nattachments; i++) {
		const kc_mail_attachment *a = &m->attachments[i];

		if (!strcmp(a->content_type, "message/delivery-status")) {
			assert_non_null(memmem(a->data, a->size, "Status: 5.1.1", 13));
			status = 1;
		} else if (!strcmp(a->content_type, "text/rfc822-headers")) {
			assert_non_null(memmem(a->data, a->size, "[KommuneCERT #44]", 17));
			headers = 1;
		}
	}
	assert_true(status && headers);
	kc_mail_free(m);
}

static void malformed(void **state)
{
	kc_mail *m = parse_file("10-malformed.eml");

	(void)state;
	assert_null(m->from.addr);
	assert_null(m->date);
	assert_true(m->flags & KC_MAIL_SYNTH_ID);
	assert_int_equal(strlen(m->message_id), 64);
	assert_int_equal(strspn(m->message_id, "0123456789abcdef"), 64);
	/* the encoded word names "x-unknown": read as windows-1252 */
	assert_string_equal(m->subject, "hjelp!! virus på PC");
	/* the text part, found with the boundary that was used, in "x-unknown" */
	assert_non_null(strstr(m->body, "Maskinen til resepsjonen på rådhuset viser en melding"));
	assert_non_null(strstr(m->body, "Hva gjør vi?"));
	assert_true(m->flags & KC_MAIL_CHARSET_FALLBACK);
	assert_true(has_warning(m, "x-unknown"));
	assert_true(has_warning(m, "boundary"));
	assert_true(has_warning(m, "From"));
	/* the last part was cut off by the end of the message */
	assert_int_equal(m->nattachments, 1);
	assert_string_equal(m->attachments[0].filename, "skjermbilde.png");
	assert_true(m->attachments[0].flags & KC_MAIL_ATT_TRUNCATED);
	assert_false(m->attachments[0].flags & KC_MAIL_ATT_DROPPED);
	assert_int_equal(m->attachments[0].size, 54);
	assert_memory_equal(m->attachments[0].data, "\x89PNG\r\n", 6);
	kc_mail_free(m);
}

static void no_message_id(void **state)
{
	size_t len;
	char *raw = load("11-no-message-id.eml", &len);
	kc_mail *a = parse_mem(raw, len, NULL), *b, *c;
	kc_buf again;

	(void)state;
	assert_true(a->flags & KC_MAIL_SYNTH_ID);
	assert_int_equal(strlen(a->message_id), 64);
	/* the same bytes: the same id */
	b = parse_mem(raw, len, NULL);
	assert_string_equal(a->message_id, b->message_id);
	kc_mail_free(b);
	/* delivered again through one more relay: trace headers on top do not count */
	kc_buf_init(&again, 1 << 20);
	assert_int_equal(kc_buf_adds(&again, "Return-Path: <varsling@molde.kommune.no>\n"
					     "Received: from relay.example (relay.example [198.51.100.9])\n"
					     "\tby mx2.kommunecert.no; Fri, 14 Jun 2024 12:05:00 +0200\n"
					     "Delivered-To: post@kommunecert.no\n"),
			 0);
	assert_int_equal(kc_buf_add(&again, raw, len), 0);
	b = parse_mem(again.ptr, again.len, NULL);
	assert_string_equal(a->message_id, b->message_id);
	kc_mail_free(b);
	/* another text: another id */
	kc_buf_truncate(&again, again.len - 4);
	assert_int_equal(kc_buf_adds(&again, "et.\n"), 0);
	c = parse_mem(again.ptr, again.len, NULL);
	assert_string_not_equal(a->message_id, c->message_id);
	kc_mail_free(c);
	kc_buf_release(&again);
	assert_string_equal(a->subject, "Automatisk varsel fra overvåkingssystemet");
	assert_int_equal(a->kind, KC_MAIL_NORMAL); /* "Automatisk varsel" is no auto-reply */
	kc_mail_free(a);
	free(raw);
}

static void partner_tag(void **state)
{
	kc_mail *m = parse_file("12-partner-tag.eml");
	int64_t id = 0;
	char tag[80];

	(void)state;
	assert_int_equal(kc_mail_subject_tag(m->subject, "KommuneCERT", &id), 1);
	assert_int_equal(id, 42);
	assert_int_equal(kc_mail_subject_foreign_tag(m->subject, "KommuneCERT", tag, sizeof(tag)), 1);
	assert_string_equal(tag, "NCSC #2024-123");
	kc_mail_free(m);
}

/* ---- classification ---- */

static void classification(void **state)
{
	static const struct {
		const char *headers;
		kc_mail_kind kind;
		const char *reason;
	} cases[] = {
		{ "From: a@b.no\nSubject: Hei\n", KC_MAIL_NORMAL, NULL },
		{ "From: a@b.no\nAuto-Submitted: no\nSubject: Hei\n", KC_MAIL_NORMAL, NULL },
		{ "From: a@b.no\nAuto-Submitted: auto-generated (ferie)\n", KC_MAIL_AUTO_REPLY, "Auto-Submitted: auto-generated" },
		{ "From: a@b.no\nX-Autoreply: yes\n", KC_MAIL_AUTO_REPLY, "X-Autoreply: yes" },
		{ "From: a@b.no\nX-Autorespond: Ferie\n", KC_MAIL_AUTO_REPLY, "X-Autorespond: ferie" },
		{ "From: a@b.no\nPrecedence: bulk\n", KC_MAIL_AUTO_REPLY, "Precedence: bulk" },
		{ "From: a@b.no\nPrecedence: Junk\n", KC_MAIL_AUTO_REPLY, "Precedence: junk" },
		{ "From: a@b.no\nPrecedence: list\n", KC_MAIL_AUTO_REPLY, "Precedence: list" },
		{ "From: a@b.no\nPrecedence: first-class\n", KC_MAIL_NORMAL, NULL },
		{ "From: a@b.no\nX-Auto-Response-Suppress: All\n", KC_MAIL_AUTO_REPLY, "X-Auto-Response-Suppress: all" },
		{ "From: a@b.no\nSubject: Automatisk svar: Varsel\n", KC_MAIL_AUTO_REPLY, "Subject: Automatisk svar: Varsel" },
		{ "From: a@b.no\nSubject: AUTOSVAR: Varsel\n", KC_MAIL_AUTO_REPLY, "Subject: AUTOSVAR: Varsel" },
		{ "From: a@b.no\nSubject: =?utf-8?q?FRAV=C3=86RSMELDING?=\n", KC_MAIL_AUTO_REPLY, "Subject: FRAVÆRSMELDING" },
		{ "From: a@b.no\nSubject: Out of Office: Re: x\n", KC_MAIL_AUTO_REPLY, "Subject: Out of Office: Re: x" },
		{ "From: a@b.no\nSubject: SV: Fraværsmelding neste uke\n", KC_MAIL_NORMAL, NULL },
		{ "From: a@b.no\nSubject: Undeliverable: Varsel\n", KC_MAIL_BOUNCE, "Subject: Undeliverable: Varsel" },
		{ "From: postmaster@b.no\nSubject: x\n", KC_MAIL_BOUNCE, "From: postmaster@b.no" },
		{ "From: Mailer-Daemon@b.no\nAuto-Submitted: auto-replied\n", KC_MAIL_BOUNCE, "From: mailer-daemon@b.no" },
		{ "Return-Path: <>\nFrom: a@b.no\n", KC_MAIL_BOUNCE, "Return-Path: <>" },
		{ "Return-Path: <>\nFrom: a@b.no\nAuto-Submitted: auto-replied\n", KC_MAIL_AUTO_REPLY, "Auto-Submitted: auto-replied" },
		{ "Return-Path: <a@b.no>\nFrom: a@b.no\n", KC_MAIL_NORMAL, NULL },
		{ "From: a@b.no\nContent-Type: multipart/report; report-type=disposition-notification; boundary=x\n",
		  KC_MAIL_AUTO_REPLY, "Content-Type: multipart/report; report-type=disposition-notification" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char raw[512];
		kc_mail *m;

		snprintf(raw, sizeof(raw), "%s\n--x\nContent-Type: text/plain\n\ntekst\n--x--\n", cases[i].headers);
		m = parse_str(raw);
		if (m->kind != cases[i].kind)
			fail_msg("case %zu: kind %d, want %d", i, m->kind, cases[i].kind);
		if (cases[i].reason)
			assert_string_equal(m->kind_reason, cases[i].reason);
		else
			assert_null(m->kind_reason);
		kc_mail_free(m);
	}
}

/* ---- limits and hostile input ---- */

static void build_attachments(kc_buf *b, size_t n, size_t each)
{
	assert_int_equal(kc_buf_adds(b, "From: a@b.no\nSubject: vedlegg\nMIME-Version: 1.0\n"
					"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nSe vedlegg.\n"),
			 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(kc_buf_addf(b, "--B\nContent-Type: application/octet-stream\n"
						"Content-Disposition: attachment; filename=\"fil%zu.bin\"\n\n",
					     i),
				 0);
		for (size_t k = 0; k < each; k++)
			assert_int_equal(kc_buf_addc(b, (char)('a' + (k % 26))), 0);
		assert_int_equal(kc_buf_addc(b, '\n'), 0);
	}
	assert_int_equal(kc_buf_adds(b, "--B--\n"), 0);
}

static void attachment_limits(void **state)
{
	kc_mail_limits lim = { .max_attachment = 1000, .max_total = 2500 };
	kc_buf b;
	kc_mail *m;

	(void)state;
	kc_buf_init(&b, 1 << 20);
	build_attachments(&b, 4, 900);
	/* one over the limit of one attachment */
	assert_int_equal(kc_buf_adds(&b, ""), 0);
	kc_buf_truncate(&b, b.len - 6); /* reopen the multipart */
	assert_int_equal(kc_buf_adds(&b, "--B\nContent-Type: application/pdf\n"
					"Content-Disposition: attachment; filename=stor.pdf\n\n"),
			 0);
	for (int k = 0; k < 1500; k++)
		assert_int_equal(kc_buf_addc(&b, 'x'), 0);
	assert_int_equal(kc_buf_adds(&b, "\n--B--\n"), 0);
	m = parse_mem(b.ptr, b.len, &lim);
	assert_int_equal(m->nattachments, 5);
	/* 900 + 900 kept, the third would pass 2500 in all */
	assert_non_null(m->attachments[0].data);
	assert_non_null(m->attachments[1].data);
	assert_null(m->attachments[2].data);
	assert_true(m->attachments[2].flags & KC_MAIL_ATT_DROPPED);
	assert_null(m->attachments[3].data);
	assert_true(m->attachments[3].flags & KC_MAIL_ATT_DROPPED);
	/* dropped ones keep their name, size and hash */
	assert_string_equal(m->attachments[4].filename, "stor.pdf");
	assert_int_equal(m->attachments[4].size, 1500);
	assert_true(m->attachments[4].flags & KC_MAIL_ATT_DROPPED);
	assert_string_equal(m->attachments[2].sha256, m->attachments[0].sha256); /* same bytes */
	assert_int_equal(strlen(m->attachments[4].sha256), 64);
	assert_true(has_warning(m, "stor.pdf (1500 bytes) is over the limit of 1000 bytes"));
	assert_true(has_warning(m, "fil2.bin"));
	kc_mail_free(m);
	kc_buf_release(&b);
}

static void body_limit(void **state)
{
	kc_mail_limits lim = { .max_body = 100 };
	kc_buf b;
	kc_mail *m;

	(void)state;
	kc_buf_init(&b, 1 << 20);
	assert_int_equal(kc_buf_adds(&b, "From: a@b.no\nContent-Type: text/plain; charset=utf-8\n\n"), 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(kc_buf_adds(&b, "æ"), 0); /* two bytes each: 100 is a boundary */
	assert_int_equal(kc_buf_adds(&b, "ø\n"), 0);
	m = parse_mem(b.ptr, b.len, &lim);
	assert_true(m->flags & KC_MAIL_BODY_CUT);
	assert_true(m->body_len <= 100);
	assert_true(m->body_len >= 98);
	assert_int_equal(m->body_len % 2, 0); /* never half a character */
	assert_true(has_warning(m, "longer than 100 bytes"));
	kc_mail_free(m);
	kc_buf_release(&b);
}

static void unparseable(void **state)
{
	static const char *const inputs[] = { "", "hello world\nthis is not a mail\n", "\x01\x02\x03 garbage: no" };
	kc_mail *m = (kc_mail *)1;
	kc_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_int_equal(kc_mail_parse(inputs[i], strlen(inputs[i]), NULL, &m, &err), KC_EPARSE);
		assert_null(m);
		assert_non_null(strstr(err.msg, "not an e-mail message"));
	}
	assert_int_equal(kc_mail_parse(NULL, 5, NULL, &m, &err), KC_EINVAL);
}

static void odd_but_readable(void **state)
{
	kc_mail *m;

	(void)state;
	/* an mbox "From " line before the headers, as some MTA pipes deliver */
	m = parse_str("From kari@bergen.kommune.no Mon Jun  3 10:15:00 2024\n"
		      "From: kari@bergen.kommune.no\nSubject: Hei\n\nTekst\n");
	assert_string_equal(m->from.addr, "kari@bergen.kommune.no");
	assert_string_equal(m->subject, "Hei");
	assert_string_equal(m->body, "Tekst");
	kc_mail_free(m);
	/* headers only */
	m = parse_str("From: a@b.no\nSubject: tom\n");
	assert_string_equal(m->body, "");
	assert_int_equal(m->body_len, 0);
	kc_mail_free(m);
	/* a body without headers */
	m = parse_str("\nbare tekst\n");
	assert_string_equal(m->body, "bare tekst");
	assert_string_equal(m->subject, "");
	assert_true(has_warning(m, "no header lines"));
	kc_mail_free(m);
	/* an unreadable Date */
	m = parse_str("From: a@b.no\nDate: i går ved lunsjtid\n\nx\n");
	assert_null(m->date);
	kc_mail_free(m);
	/* undeclared 8-bit Latin-1 text: read as windows-1252 and flagged */
	m = parse_str("From: a@b.no\nSubject: \xe6\xf8\xe5\n\nbl\xe5" "b\xe6" "r\n");
	assert_string_equal(m->body, "blåbær");
	assert_string_equal(m->subject, "æøå");
	assert_true(m->flags & KC_MAIL_CHARSET_FALLBACK);
	kc_mail_free(m);
	/* a group in To */
	m = parse_str("From: a@b.no\nTo: Beredskap: x@b.no, y@b.no;\n\nx\n");
	assert_int_equal(m->nto, 2);
	assert_string_equal(m->to[1].addr, "y@b.no");
	kc_mail_free(m);
}

static void file_names(void **state)
{
	kc_mail *m;

	(void)state;
	m = parse_str("From: a@b.no\nContent-Type: multipart/mixed; boundary=B\n\n"
		      "--B\nContent-Type: application/octet-stream; name=\"../../etc/passwd\"\n\nx\n"
		      "--B\nContent-Disposition: attachment; filename=\"C:\\\\Users\\\\ola\\\\faktura.pdf\"\n\nx\n"
		      "--B\nContent-Disposition: attachment; filename*=utf-8''faktura%E2%80%AEfdp.exe\n\nx\n"
		      "--B\nContent-Disposition: attachment; filename=\"..\"\n\nx\n"
		      "--B--\n");
	assert_int_equal(m->nattachments, 4);
	assert_string_equal(m->attachments[0].filename, "passwd");
	assert_string_equal(m->attachments[1].filename, "faktura.pdf");
	assert_string_equal(m->attachments[2].filename, "fakturafdp.exe"); /* no right-to-left override */
	assert_null(m->attachments[3].filename);
	assert_string_equal(m->attachments[3].content_type, "text/plain"); /* the MIME default */
	kc_mail_free(m);
}

static void deep_and_wide(void **state)
{
	kc_buf b;
	kc_mail *m;

	(void)state;
	kc_buf_init(&b, 4 << 20);
	assert_int_equal(kc_buf_adds(&b, "From: a@b.no\n"), 0);
	for (int i = 0; i < 60; i++)
		assert_int_equal(kc_buf_addf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i), 0);
	assert_int_equal(kc_buf_adds(&b, "Content-Type: text/plain\n\ninnerst\n"), 0);
	m = parse_mem(b.ptr, b.len, NULL);
	assert_true(has_warning(m, "nested"));
	assert_null(strstr(m->body, "innerst"));
	kc_mail_free(m);
	kc_buf_clear(&b);
	assert_int_equal(kc_buf_adds(&b, "From: a@b.no\nContent-Type: multipart/mixed; boundary=B\n\n"), 0);
	for (int i = 0; i < 700; i++)
		assert_int_equal(kc_buf_addf(&b, "--B\nContent-Type: application/x-del%d\n\n%d\n", i, i), 0);
	assert_int_equal(kc_buf_adds(&b, "--B--\n"), 0);
	m = parse_mem(b.ptr, b.len, NULL);
	assert_true(has_warning(m, "more than 500 MIME parts"));
	assert_true(m->nattachments < 500);
	kc_mail_free(m);
	kc_buf_release(&b);
}

static void alternative_empty_plain(void **state)
{
	kc_mail *m;

	(void)state;
	/* an empty text/plain alternative does not hide the HTML one */
	m = parse_str("From: a@b.no\nContent-Type: multipart/alternative; boundary=A\n\n"
		      "--A\nContent-Type: text/plain\n\n \n"
		      "--A\nContent-Type: multipart/related; boundary=R\n\n"
		      "--R\nContent-Type: text/html\n\n<p>Se <b>bildet</b></p>\n"
		      "--R\nContent-Type: image/png\nContent-ID: <bilde1>\n\nPNG\n--R--\n"
		      "--A--\n");
	assert_string_equal(m->body, "Se bildet");
	assert_int_equal(m->nattachments, 1);
	assert_string_equal(m->attachments[0].content_type, "image/png");
	kc_mail_free(m);
	/* a chosen plain alternative keeps the images of the other */
	m = parse_str("From: a@b.no\nContent-Type: multipart/alternative; boundary=A\n\n"
		      "--A\nContent-Type: text/plain\n\nSe bildet\n"
		      "--A\nContent-Type: multipart/related; boundary=R\n\n"
		      "--R\nContent-Type: text/html\n\n<p>Se <b>bildet</b> (html)</p>\n"
		      "--R\nContent-Type: image/png\n\nPNG\n--R--\n"
		      "--A--\n");
	assert_string_equal(m->body, "Se bildet");
	assert_int_equal(m->nattachments, 1);
	kc_mail_free(m);
}

/* ---- threads ---- */

struct job {
	const char *raw;
	size_t len;
	size_t body_len, natt;
	int fails;
};

static void *parse_many(void *arg)
{
	struct job *j = arg;

	for (int i = 0; i < 40; i++) {
		kc_mail *m = NULL;
		kc_err err;

		if (kc_mail_parse(j->raw, j->len, NULL, &m, &err) || m->body_len != j->body_len ||
		    m->nattachments != j->natt || strcmp(m->attachments[1].sha256,
							 "25b3dc61fb2eee97d1d2f1ac442c8df8f4146bd2e9f4fd090854b91fad649d68"))
			j->fails++;
		kc_mail_free(m);
	}
	return NULL;
}

static void threads(void **state)
{
	size_t len;
	char *raw = load("06-forwarded.eml", &len);
	kc_mail *m = parse_mem(raw, len, NULL);
	struct job jobs[4];
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ raw, len, m->body_len, m->nattachments, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, parse_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(jobs[i].fails, 0);
	}
	kc_mail_free(m);
	free(raw);
}

/* ---- HTML to text ---- */

static void html_text(void **state)
{
	static const struct {
		const char *html, *text;
	} cases[] = {
		{ "a&amp;b &lt;c&gt; &quot;d&quot; &aelig;&oslash;&aring; &AElig;&Oslash;&Aring;", "a&b <c> \"d\" æøå ÆØÅ" },
		{ "&#229;&#xE6;&#XF8; &#150; &#0; &#x110000;", "åæø – \xEF\xBF\xBD \xEF\xBF\xBD" },
		{ "a&nbsp;&nbsp;b", "a  b" },
		{ "&unknown; &amp &ampx &", "&unknown; & &ampx &" },
		{ "x<br>y<br/><br />z", "x\ny\n\nz" },
		{ "<p>a</p><p>b</p><div>c</div>d", "a\n\nb\n\nc\nd" },
		{ "  lots   of\n\n  white\tspace  ", "lots of white space" },
		{ "<pre>  a\n    b</pre>c", "a\n    b\n\nc" },
		{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc" },
		{ "<script>x</script>a<SCRIPT type=x>y</SCRIPT >b<style>p{}</style>c", "abc" },
		{ "a<script>never closed", "a" },
		{ "a<!-- hidden -->b<!-- never closed", "ab" },
		{ "a<!DOCTYPE html>b<?xml x?>c", "abc" },
		{ "<a href=\"https://x.example/\">https://x.example/</a>", "https://x.example/" },
		{ "<a href=\"https://x.example/\">https://x.example</a>", "https://x.example" },
		{ "<a href='https://x.example/a?b=1&amp;c=2'>lenke</a>", "lenke <https://x.example/a?b=1&c=2>" },
		{ "<a href=https://x.example/>lenke</a>.", "lenke <https://x.example/>." },
		{ "<a title=\"a>b\" href=\"http://x.example/\">t</a>", "t <http://x.example/>" },
		{ "<a href=\"javascript:alert(1)\">t</a> <a href=\"cid:x\">u</a>", "t u" },
		{ "<a href=\"mailto:kari@x.no\">kari@x.no</a>", "kari@x.no" },
		{ "<a href=\"https://a.example/\"><img src=x></a>", "<https://a.example/>" },
		{ "<a href=\"https://a.example/\">a<a href=\"https://b.example/\">b</a>", "a <https://a.example/>b <https://b.example/>" },
		{ "<a href=\"https://a.example/<x>\">t</a>", "t <https://a.example/%3Cx%3E>" },
		{ "<ul><li>en<li>to</ul>", "- en\n- to" },
		{ "1 < 2 and 3 <4", "1 < 2 and 3 <4" },
		{ "<head><title>T</title><meta x></head><body>B</body>", "B" },
		{ "<", "<" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kc_buf b;

		kc_buf_init(&b, 1 << 16);
		assert_int_equal(kc_html_to_text(cases[i].html, strlen(cases[i].html), &b), 0);
		if (strcmp(kc_buf_str(&b), cases[i].text))
			fail_msg("html %zu: got \"%s\", want \"%s\"", i, kc_buf_str(&b), cases[i].text);
		kc_buf_release(&b);
	}
}

static void html_full(void **state)
{
	kc_buf b;

	(void)state;
	kc_buf_init(&b, 10);
	assert_int_equal(kc_html_to_text("<p>a long text that does not fit</p>", 36, &b), KC_ETOOBIG);
	assert_true(b.len <= 10);
	kc_buf_release(&b);
}

/* ---- charsets ---- */

static const char *conv(const char *cs, const char *in, int *fallback)
{
	static char out[256];
	kc_buf b;

	kc_buf_init(&b, 1024);
	assert_int_equal(kc_charset_to_utf8(cs, in, strlen(in), &b, fallback), 0);
	snprintf(out, sizeof(out), "%s", kc_buf_str(&b));
	kc_buf_release(&b);
	return out;
}

static void charsets(void **state)
{
	int fb;

	(void)state;
	assert_string_equal(conv("iso-8859-1", "bl\xe5 b\xe6r \xf8l", &fb), "blå bær øl");
	assert_int_equal(fb, 0);
	assert_string_equal(conv("ISO-8859-1", "\x96 \x80", &fb), "– €"); /* as windows-1252 */
	assert_string_equal(conv("windows-1252", "\x80\x81", &fb), "€\xEF\xBF\xBD"); /* 0x81 is unassigned */
	assert_string_equal(conv("iso-8859-15", "\xa4", &fb), "€");
	assert_int_equal(fb, 0);
	assert_string_equal(conv("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", &fb), "Привет");
	assert_int_equal(fb, 0);
	assert_string_equal(conv("utf-8", "blåbær", &fb), "blåbær");
	assert_int_equal(fb, 0);
	assert_string_equal(conv(NULL, "blåbær", &fb), "blåbær");
	assert_int_equal(fb, 0);
	assert_string_equal(conv("utf-8", "bl\xe5", &fb), "blå");
	assert_int_equal(fb, 1);
	assert_string_equal(conv("x-unknown", "p\xe5 r\xe5" "dhuset", &fb), "på rådhuset");
	assert_int_equal(fb, 1);
	assert_string_equal(conv("x-unknown", "på", &fb), "på"); /* it was UTF-8 */
	assert_int_equal(fb, 1);
	assert_string_equal(conv("iso-8859-1", "på", &fb), "på"); /* UTF-8 labelled Latin-1 */
	assert_int_equal(fb, 1);
	assert_string_equal(conv("us-ascii", "a\r\nb\rc\x01\x7f\td", &fb), "a\nb\nc\td");
	assert_string_equal(conv("utf-8", "a\xe2\x80\xae" "b\xef\xbb\xbf", &fb), "ab"); /* RLO, BOM */
	assert_string_equal(conv("shift_jis", "\x82\xa0", &fb), "あ");
	assert_int_equal(fb, 0);
	/* invalid in the declared charset: all of it as windows-1252 */
	assert_string_equal(conv("shift_jis", "\x82\xa0\xff\xff", &fb), "\xe2\x80\x9a\xc2\xa0\xc3\xbf\xc3\xbf");
	assert_int_equal(fb, 1);
}

static void utf8_lines(void **state)
{
	char *s;
	kc_buf b;
	int fb;

	(void)state;
	s = kc_utf8_line("  a \t\n b\xc2\xa0 c  ", 14, 100);
	assert_string_equal(s, "a b c");
	free(s);
	s = kc_utf8_line("æøå", 6, 5);
	assert_string_equal(s, "æø"); /* cut on a character boundary */
	free(s);
	s = kc_utf8_line("a\xff\xc3", 3, 100);
	assert_string_equal(s, "a\xEF\xBF\xBD\xEF\xBF\xBD");
	free(s);
	kc_buf_init(&b, 1024);
	assert_int_equal(kc_rfc2047_decode("=?utf-8?q?s=C3?= =?utf-8?q?=A5rbar?= x =?x-ukjent*no?b?5g==?=", &b, &fb), 0);
	assert_string_equal(kc_buf_str(&b), "sårbar x æ");
	assert_int_equal(fb, 1);
	kc_buf_release(&b);
}

/* ---- subject tags ---- */

static void subject_tags(void **state)
{
	static const struct {
		const char *subject, *prefix;
		int found;
		int64_t id;
	} cases[] = {
		{ "[KommuneCERT #42] Varsel", "KommuneCERT", 1, 42 },
		{ "SV: [KommuneCERT #42] Varsel", "KommuneCERT", 1, 42 },
		{ "VS: Fwd: RE: Sv: [kommunecert #7] x", "KommuneCERT", 1, 7 },
		{ "Re:[ KommuneCERT # 123 ]", "KommuneCERT", 1, 123 },
		{ "[KommuneCERT#9]", "KommuneCERT", 1, 9 },
		{ "x [TLP:AMBER] [KommuneCERT #5] [KommuneCERT #6]", "KommuneCERT", 1, 5 },
		{ "[HelseCERT #5]", "HelseCERT", 1, 5 },
		{ "[KommuneCERT #999999999999999999]", "KommuneCERT", 1, 999999999999999999LL },
		{ "[KommuneCERT #9999999999999999999]", "KommuneCERT", 0, 0 },
		{ "[KommuneCERTX #1]", "KommuneCERT", 0, 0 },
		{ "[KommuneCERT #]", "KommuneCERT", 0, 0 },
		{ "[KommuneCERT #0]", "KommuneCERT", 0, 0 },
		{ "[KommuneCERT 42]", "KommuneCERT", 0, 0 },
		{ "[KommuneCERT #42", "KommuneCERT", 0, 0 },
		{ "[KommuneCERT #4x2]", "KommuneCERT", 0, 0 },
		{ "KommuneCERT #42", "KommuneCERT", 0, 0 },
		{ "[KommuneCERT #42]", "", 0, 0 },
		{ "", "KommuneCERT", 0, 0 },
	};
	int64_t id;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		id = -1;
		if (kc_mail_subject_tag(cases[i].subject, cases[i].prefix, &id) != cases[i].found)
			fail_msg("tag %zu: \"%s\"", i, cases[i].subject);
		if (cases[i].found)
			assert_int_equal(id, cases[i].id);
	}
	assert_int_equal(kc_mail_subject_tag(NULL, "KommuneCERT", &id), 0);
	assert_int_equal(kc_mail_subject_tag("[x #1]", NULL, &id), 0);
}

static void foreign_tags(void **state)
{
	static const struct {
		const char *subject, *tag;
	} cases[] = {
		{ "RE: [NCSC #2024-123] Sak", "NCSC #2024-123" },
		{ "[HelseCERT-2024-55] Varsel", "HelseCERT-2024-55" },
		{ "Sv: [CERT-SE#12345]", "CERT-SE#12345" },
		{ "[INC0012345] Ticket", "INC0012345" },
		{ "[KraftCERT 2024/17]", "KraftCERT 2024/17" },
		{ "[ EkomCERT #77 ]", "EkomCERT #77" },
		{ "[EKSTERN] [SPAM] [NCSC #1]", "NCSC #1" },
		{ "[KommuneCERT #42] [TLP:AMBER] [TLP:AMBER+STRICT]", NULL },
		{ "[IPv6] [COVID19] [Fwd: Report 2024]", NULL },
		{ "[1234] [#55] [-A-1]", NULL },
		{ "[NCSC #12345678901234567890123456789012345678901234567890123456789012345]", NULL },
		{ "no brackets", NULL },
		{ "[NCSC #1", NULL },
	};
	char tag[80];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int found = kc_mail_subject_foreign_tag(cases[i].subject, "KommuneCERT", tag, sizeof(tag));

		if (found != (cases[i].tag != NULL))
			fail_msg("foreign %zu: \"%s\" gave %d", i, cases[i].subject, found);
		if (found)
			assert_string_equal(tag, cases[i].tag);
	}
	/* without our own prefix, our tag is as foreign as any */
	assert_int_equal(kc_mail_subject_foreign_tag("[KommuneCERT #42]", NULL, tag, sizeof(tag)), 1);
	assert_string_equal(tag, "KommuneCERT #42");
	/* a small buffer gets what fits */
	assert_int_equal(kc_mail_subject_foreign_tag("[NCSC #2024-123]", NULL, tag, 5), 1);
	assert_string_equal(tag, "NCSC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_utf8),
		cmocka_unit_test(qp_latin1),
		cmocka_unit_test(attachment_csv),
		cmocka_unit_test(html_only),
		cmocka_unit_test(alternative),
		cmocka_unit_test(forwarded),
		cmocka_unit_test(reply_tag),
		cmocka_unit_test(autoreply),
		cmocka_unit_test(bounce),
		cmocka_unit_test(malformed),
		cmocka_unit_test(no_message_id),
		cmocka_unit_test(partner_tag),
		cmocka_unit_test(classification),
		cmocka_unit_test(attachment_limits),
		cmocka_unit_test(body_limit),
		cmocka_unit_test(unparseable),
		cmocka_unit_test(odd_but_readable),
		cmocka_unit_test(file_names),
		cmocka_unit_test(deep_and_wide),
		cmocka_unit_test(alternative_empty_plain),
		cmocka_unit_test(threads),
		cmocka_unit_test(html_text),
		cmocka_unit_test(html_full),
		cmocka_unit_test(charsets),
		cmocka_unit_test(utf8_lines),
		cmocka_unit_test(subject_tags),
		cmocka_unit_test(foreign_tags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
