/*
 * csv.h - streaming CSV reader for untrusted input (feeds, imports).
 *
 * RFC 4180 (quoted fields, "" for a quote inside quotes, CRLF or LF line ends,
 * line breaks inside quoted fields) and also the backslash-escaped quotes that
 * some Shadowserver reports use (\" inside a quoted field). Every size has a
 * limit. A malformed record is reported with its line number and the reader
 * resynchronises at the start of the next line, so that the caller can
 * quarantine the bad record (its raw text is available) and go on with the rest.
 */
#ifndef KC_CSV_H
#define KC_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct kc_csv kc_csv;

typedef struct kc_csv_opts {
	char sep;	     /* field separator; 0 means ',' */
	size_t max_field;    /* bytes in one field; 0 means 64 KiB */
	size_t max_fields;   /* fields in one record; 0 means 1024 */
	size_t max_record;   /* bytes in one record's raw text; 0 means 1 MiB */
} kc_csv_opts;

typedef struct kc_csv_record {
	size_t nfields;
	const kc_slice *fields;	 /* nfields slices, each NUL-terminated at ptr[len] */
	size_t line;		 /* 1-based line number where the record starts */
	kc_slice raw;		 /* the record's raw text without its line end */
} kc_csv_record;

/* Read from a stream (not closed by kc_csv_free) or from memory (not copied). */
int kc_csv_open_file(kc_csv **out, FILE *f, const kc_csv_opts *opts, kc_err *err);
int kc_csv_open_mem(kc_csv **out, const char *data, size_t len, const kc_csv_opts *opts, kc_err *err);

/*
 * The next record: returns 1 and fills rec (valid until the next call), 0 at the
 * end of input, or a negative code: KC_EPARSE / KC_ETOOBIG for a malformed
 * record (err says "line N: ..."; rec->line and rec->raw describe it; calling
 * again continues with the next line), KC_EIO on a read error.
 * Blank lines (outside quotes) are skipped; a NUL byte makes a record malformed.
 */
int kc_csv_next(kc_csv *c, kc_csv_record *rec, kc_err *err);

void kc_csv_free(kc_csv *c);

/* Append s to b as one CSV field (RFC 4180): as it is, or in double quotes
 * with quotes doubled when it holds a comma, a quote or a line break. NULL
 * appends nothing. */
void kc_csv_field(kc_buf *b, const char *s);

#endif
