/*
 * jsplit.h - a streaming splitter for large JSON documents shaped like NVD's
 * and CISA's: one or more top-level objects (or arrays of them), each with a
 * "vulnerabilities" array that may hold hundreds of thousands of records.
 *
 * The splitter walks the bytes once, keeping only a stack of open brackets.
 * Each element of a page's "vulnerabilities" array is handed, as its own
 * bytes, to a callback (which parses it with jansson's json_loadb); the rest
 * of the page (its envelope, with the array left empty: "vulnerabilities":[])
 * goes to another callback when the page closes. Memory therefore depends on
 * the largest record and envelope, not on the file. Syntax inside a record is
 * left to its parser; the splitter checks the structure (brackets, strings,
 * what stands between pages) and reports truncation with a byte offset. A
 * UTF-8 byte order mark at the very start is skipped (offsets still count it).
 */
#ifndef KC_JSPLIT_H
#define KC_JSPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Largest record and largest envelope accepted (bytes). */
#define KC_JSPLIT_RECORD_MAX (16u << 20)
#define KC_JSPLIT_ENVELOPE_MAX (16u << 20)
#define KC_JSPLIT_DEPTH_MAX 256

typedef struct kc_jsplit_cb {
	/* One element of a "vulnerabilities" array: its index in the array, the
	 * byte offset of its first byte in the stream. data is NULL (len 0) when
	 * the element was longer than KC_JSPLIT_RECORD_MAX and was skipped. A
	 * negative return stops the walk with that code. */
	int (*record)(void *arg, size_t page, size_t index, uint64_t offset, const char *data, size_t len);
	/* A page closed: its bytes without the array's elements. */
	int (*envelope)(void *arg, size_t page, uint64_t offset, const char *data, size_t len);
	void *arg;
} kc_jsplit_cb;

typedef struct kc_jsplit {
	kc_jsplit_cb cb;
	uint64_t offset;   /* bytes consumed so far */
	int depth;	   /* brackets open */
	char stack[KC_JSPLIT_DEPTH_MAX];
	int in_string, escape;
	int page_depth;	   /* depth of the page object's contents, 0 before a page */
	int outer_array;   /* the stream's top level is an array of pages */
	int expect_key;	   /* at page level, the next string is a key */
	int key_done;	   /* the last page-level string was a key awaiting its value */
	kc_buf key;	   /* page-level key being read */
	int vuln_key;	   /* the last key was "vulnerabilities" */
	int arr_depth;	   /* depth of the records' array contents, 0 when outside */
	int in_record;	   /* bytes are going to rec */
	int rec_scalar;	   /* the record is a bare scalar (ends at , or ]) */
	int rec_toobig;
	uint64_t rec_offset;
	size_t rec_index, page;
	kc_buf rec, env;
	uint64_t env_offset;
	int done_value;	   /* a top-level value was completed (for between-page checks) */
	int bom;	   /* bytes of a leading UTF-8 byte order mark seen (skipped) */
} kc_jsplit;

void kc_jsplit_init(kc_jsplit *j, const kc_jsplit_cb *cb);
void kc_jsplit_release(kc_jsplit *j);

/* Feed the next len bytes. Errors: KC_EPARSE (with the offset in the
 * message), KC_ETOOBIG (an envelope too large or brackets too deep), or what
 * a callback returned. */
int kc_jsplit_feed(kc_jsplit *j, const char *data, size_t len, kc_err *err);

/* The stream ended: KC_EPARSE when it stopped inside a value. */
int kc_jsplit_finish(kc_jsplit *j, kc_err *err);

#endif
