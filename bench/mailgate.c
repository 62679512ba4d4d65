/*
 * bench/mailgate - messages/s through kcert mailgate's filing (parse with
 * GMime, match the sender, open or join a case, keep the raw message, the
 * attachments and the observables, one transaction each) into SQLite, over
 * 10,000 generated messages of mixed size and structure: plain reports,
 * replies carrying a case tag, quoted-printable Latin-1, HTML-only,
 * multipart with base64 attachments, auto-replies. In the same run, the
 * floor: the same messages only stored raw (one INSERT each, one
 * transaction each). Target: >= 500 messages/s.
 *
 *   build/bench/mailgate [MESSAGES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "case/mailgate.h"
#include "org/org.h"
#include "org/seed.h"
#include "store/store.h"
#include "bench.h"

static void make_message(kc_buf *b, size_t i)
{
	unsigned kind = (unsigned)(next() % 6), paras = 1 + (unsigned)(next() % 12);

	kc_buf_clear(b);
	kc_buf_addf(b, "From: Kontakt %zu <kontakt%zu@kommune%zu.example>\r\nTo: cert@kommunecert.example\r\n"
		       "Message-ID: <bench-%zu@kommune%zu.example>\r\nDate: Mon, 30 Nov 2026 08:%02zu:00 +0100\r\nMIME-Version: 1.0\r\n",
		    i % 400, i % 400, i % 400, i, i % 400, i % 60);
	if (kind == 1 && i > 10)
		kc_buf_addf(b, "Subject: SV: [KommuneCERT #%zu] Mistenkelig trafikk\r\n", 1 + (size_t)(next() % (i / 2)));
	else if (kind == 5)
		kc_buf_adds(b, "Subject: =?utf-8?q?Frav=C3=A6rsmelding?=\r\nAuto-Submitted: auto-replied\r\n");
	else
		kc_buf_addf(b, "Subject: =?utf-8?q?Mistenkelig_p=C3=A5logging_nr_%zu?=\r\n", i);
	if (kind == 2) {
		kc_buf_adds(b, "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
		for (unsigned p = 0; p < paras; p++)
			kc_buf_addf(b, "Vi har sett p=E5logginger fra 198.51.%u.%u mot l=F8nnssystemet, og en lenke til\r\n"
				       "hxxps://login-%u[.]example[.]net/ i e-post til de ansatte.\r\n\r\n",
				    (unsigned)(next() % 256), (unsigned)(next() % 256), p);
	} else if (kind == 3) {
		kc_buf_adds(b, "Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>p{color:red}</style></head><body>");
		for (unsigned p = 0; p < paras; p++)
			kc_buf_addf(b, "<p>Trafikk fra <b>203.0.113.%u</b> til <a href=\"https://evil%u.example/x\">lenke</a> &aring;pnet.</p>",
				    (unsigned)(next() % 256), p);
		kc_buf_adds(b, "</body></html>\r\n");
	} else if (kind == 4) {
		size_t att = 1000 + (size_t)(next() % 60000);

		kc_buf_adds(b, "Content-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n--xyz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
			       "Vedlagt er loggen fra brannmuren.\r\n--xyz\r\nContent-Type: text/csv; name=\"logg.csv\"\r\n"
			       "Content-Disposition: attachment; filename=\"logg.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		for (size_t k = 0; k < att / 57; k++)
			kc_buf_adds(b, "MDI6MTAsMTk4LjUxLjEwMC43NywyMDMuMC4xMTMuOTksdGNwLDQ0MyxBTExPVyxpbnRlcm5hbAo=\r\n");
		kc_buf_adds(b, "--xyz--\r\n");
	} else {
		kc_buf_adds(b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
		for (unsigned p = 0; p < paras; p++)
			kc_buf_addf(b, "Vi ser trafikk fra 192.0.2.%u til %u.example.no. Hash %016llx%016llx.\r\n\r\n",
				    (unsigned)(next() % 256), p, (unsigned long long)next(), (unsigned long long)next());
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000, bytes = 0, opened = 0, filed = 0, aside = 0;
	char db[64], floor_db[64];
	kc_buf *msgs = calloc(n, sizeof(*msgs));
	kc_store *st, *fst;
	kc_seed_report rep;
	kc_err err;
	double t, floor_rate, rate;

	snprintf(db, sizeof(db), "/tmp/kcert-bench-mailgate-%d.db", (int)getpid());
	snprintf(floor_db, sizeof(floor_db), "/tmp/kcert-bench-mailfloor-%d.db", (int)getpid());
	for (size_t i = 0; i < n; i++) {
		kc_buf_init(&msgs[i], 1u << 20);
		make_message(&msgs[i], i);
		bytes += msgs[i].len;
	}
	if (kc_store_open(db, &st, &err) || kc_store_migrate(st, NULL, &err) || kc_seed_registry(st, "bench", &rep, &err) ||
	    kc_store_open(floor_db, &fst, &err) ||
	    kc_store_exec(fst, &err, NULL, "CREATE TABLE m (id INTEGER PRIMARY KEY, message_id TEXT UNIQUE, raw TEXT)", "")) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	/* The sender of every 4th message is a registered contact. */
	for (size_t i = 0; i < 400; i += 4) {
		kc_contact c = { .org_id = 1 + (int64_t)(i % 300) };

		snprintf(c.name, sizeof(c.name), "Kontakt %zu", i);
		snprintf(c.email, sizeof(c.email), "kontakt%zu@kommune%zu.example", i, i);
		snprintf(c.role, sizeof(c.role), "security");
		snprintf(c.lang, sizeof(c.lang), "nb");
		snprintf(c.notices, sizeof(c.notices), "all");
		kc_contact_add(st, "bench", &c, &err);
	}
	printf("bench/mailgate: %zu messages, %.1f MB\n", n, (double)bytes / 1e6);
	t = now();
	for (size_t i = 0; i < n; i++) {
		char mid[64];

		snprintf(mid, sizeof(mid), "bench-%zu", i);
		if (kc_store_begin(fst, &err) ||
		    kc_store_exec(fst, &err, NULL, "INSERT INTO m (message_id, raw) VALUES (?, ?)", "tt", mid, kc_buf_str(&msgs[i])) ||
		    kc_store_commit(fst, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	t = now() - t;
	floor_rate = (double)n / t;
	printf("  floor  raw INSERT, one transaction each   %8.0f messages/s  (%.2f s)\n", floor_rate, t);
	t = now();
	for (size_t i = 0; i < n; i++) {
		kc_mailgate_result r;

		if (kc_mailgate(st, msgs[i].ptr, msgs[i].len, &r, &err)) {
			fprintf(stderr, "message %zu: %s\n", i, err.msg);
			return 1;
		}
		opened += r.created;
		filed += !r.created && !strcmp(r.disposition, "filed");
		aside += !strcmp(r.disposition, "auto-reply") || !strcmp(r.disposition, "bounce");
	}
	t = now() - t;
	rate = (double)n / t;
	printf("  mailgate: parse + file + store         %8.0f messages/s  (%.2f s; %zu cases opened, %zu joined, "
	       "%zu set aside; %.2f of the floor)   target >= 500\n",
	       rate, t, opened, filed, aside, rate / floor_rate);
	kc_store_close(st);
	kc_store_close(fst);
	for (size_t i = 0; i < n; i++)
		kc_buf_release(&msgs[i]);
	free(msgs);
	for (const char *p = db; p; p = p == db ? floor_db : NULL) {
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", p, p, p);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}
