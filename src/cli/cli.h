/*
 * cli.h - what the verbs of the command line share: the command table entry,
 * the store handle, exit codes, error printing and the table printer behind
 * every listing's --format table|csv|json.
 */
#ifndef KC_CLI_H
#define KC_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "store/store.h"

/* Exit codes: 0 done; 1 the answer is "no" (whois: nobody owns it); 2 bad
 * usage or bad input (nothing changed); 3 the store or the system failed. */
enum { KC_EXIT_OK = 0, KC_EXIT_NO = 1, KC_EXIT_USAGE = 2, KC_EXIT_FAIL = 3 };

struct kc_cli {
	const char *db;	  /* --db / KCERT_DB / default */
	kc_store *st;	  /* opened for commands that need it */
	const char *actor;
};

#define NEEDS_STORE 0x1	 /* open the store */
#define NEEDS_SCHEMA 0x2 /* ... and require the current schema */

struct kc_cmd {
	const char *name;
	int (*fn)(struct kc_cli *cli, int argc, char **argv);
	unsigned flags;
	const char *summary; /* N_() marked; one line */
	const char *usage;   /* N_() marked; full help text */
};

extern const struct kc_cmd kc_commands[];
const struct kc_cmd *kc_cli_find(const char *name);

/* Print "kcert: <message>" for an error and return the exit code it maps to. */
int kc_cli_fail(const kc_err *err, int rc);
/* Print a usage error for a command and return KC_EXIT_USAGE. */
int kc_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the help of a command on stdout. */
void kc_cli_help(const struct kc_cmd *c);
/* 1 when argv (from index 1) asks for help (-h / --help). */
int kc_cli_wants_help(int argc, char **argv);

/* Open the store and, when the command needs it, check its schema. */
int kc_cli_open_store(struct kc_cli *cli, unsigned flags, kc_err *err);

/* Read a whole file (or "-" for stdin) into a malloc'd buffer, up to max bytes. */
int kc_cli_read_file(const char *path, size_t max, char **data, size_t *len, kc_err *err);

/* ---- output ---- */

typedef enum kc_fmt { KC_FMT_TABLE, KC_FMT_CSV, KC_FMT_JSON } kc_fmt;

int kc_fmt_parse(const char *s, kc_fmt *out);

typedef struct kc_col {
	const char *key;   /* CSV header and JSON key: stable, English */
	const char *label; /* table header: N_() marked, translated when printed */
	int numeric;	   /* JSON: a number (or null when empty) */
} kc_col;

typedef struct kc_table {
	const kc_col *cols;
	size_t ncols;
	char **cells; /* nrows * ncols strings, owned */
	size_t nrows, cap;
} kc_table;

void kc_table_init(kc_table *t, const kc_col *cols, size_t ncols);
/* Append a row of ncols strings (NULL is printed as empty / JSON null). */
int kc_table_add(kc_table *t, const char *const *values);
int kc_table_addv(kc_table *t, ...); /* ncols const char * arguments */
void kc_table_print(const kc_table *t, kc_fmt fmt, FILE *out);
void kc_table_release(kc_table *t);

/* Print a key/value record (org show, whois): table as "label: value" lines,
 * csv as one header and one row, json as one object. */
void kc_table_print_record(const kc_table *t, kc_fmt fmt, FILE *out);

/* Verbs. */
int cmd_init(struct kc_cli *cli, int argc, char **argv);
int cmd_status(struct kc_cli *cli, int argc, char **argv);
int cmd_db(struct kc_cli *cli, int argc, char **argv);
int cmd_org(struct kc_cli *cli, int argc, char **argv);
int cmd_contact(struct kc_cli *cli, int argc, char **argv);
int cmd_asset(struct kc_cli *cli, int argc, char **argv);
int cmd_whois(struct kc_cli *cli, int argc, char **argv);
int cmd_audit(struct kc_cli *cli, int argc, char **argv);
int cmd_serve(struct kc_cli *cli, int argc, char **argv);
int cmd_ingest(struct kc_cli *cli, int argc, char **argv);
int cmd_event(struct kc_cli *cli, int argc, char **argv);
int cmd_notify(struct kc_cli *cli, int argc, char **argv);
int cmd_outbox(struct kc_cli *cli, int argc, char **argv);
int cmd_worker(struct kc_cli *cli, int argc, char **argv);
int cmd_feed(struct kc_cli *cli, int argc, char **argv);
int cmd_case(struct kc_cli *cli, int argc, char **argv);
int cmd_mailgate(struct kc_cli *cli, int argc, char **argv);
int cmd_situation(struct kc_cli *cli, int argc, char **argv);
int cmd_demo(struct kc_cli *cli, int argc, char **argv);
int cmd_report(struct kc_cli *cli, int argc, char **argv);
int cmd_user(struct kc_cli *cli, int argc, char **argv);
int cmd_token(struct kc_cli *cli, int argc, char **argv);
int cmd_cvss(struct kc_cli *cli, int argc, char **argv);
int cmd_vuln(struct kc_cli *cli, int argc, char **argv);
int cmd_advisory(struct kc_cli *cli, int argc, char **argv);
int cmd_csaf(struct kc_cli *cli, int argc, char **argv);
int cmd_share(struct kc_cli *cli, int argc, char **argv);
int cmd_stats(struct kc_cli *cli, int argc, char **argv);
int cmd_scan(struct kc_cli *cli, int argc, char **argv);
int cmd_finding(struct kc_cli *cli, int argc, char **argv);
int cmd_rating(struct kc_cli *cli, int argc, char **argv);
int cmd_help(struct kc_cli *cli, int argc, char **argv);
int cmd_version(struct kc_cli *cli, int argc, char **argv);

#endif
