/*
 * csaf.h - advisories as CSAF 2.0 csaf_security_advisory documents, and the
 * files of a CSAF provider's distribution (CSAF 2.0 section 7): the provider
 * metadata, TLP folders with index.txt and changes.csv, hashes, ROLIE feeds,
 * security.txt (RFC 9116); also the advisory's HTML page and the Atom feed.
 *
 * CSAF 2.0 uses TLP version 1 labels: TLP:CLEAR is written WHITE, and
 * AMBER+STRICT is written AMBER (its distribution text keeps the exact label);
 * folders are white, green, amber and red.
 *
 * Documents are a function of the stored advisory only (the generator date is
 * the advisory's current release), so a document and its hash files always
 * agree, however often they are made.
 */
#ifndef KC_CSAF_H
#define KC_CSAF_H

#include <stddef.h>

#include "advisory/advisory.h"
#include "base/buf.h"
#include "base/i18n.h"

typedef struct kc_csaf_conf {
	char base_url[300];	/* KCERT_BASE_URL: where kcert serve is reached, without a final / */
	char name[200];		/* publisher name: csaf.publisher_name / KCERT_CSAF_PUBLISHER, "KommuneCERT" */
	char namespace_[300];	/* publisher namespace: csaf.namespace / KCERT_CSAF_NAMESPACE, the base URL */
	char contact[256];	/* csaf.contact / KCERT_CSAF_CONTACT, else KCERT_MAIL_FROM */
	char policy_url[300];	/* csaf.policy_url / KCERT_CSAF_POLICY_URL, else BASE/advisories */
	char sign_cmd[512];	/* csaf.sign_command / KCERT_CSAF_SIGN_CMD: reads a document, writes an armored signature */
	char pgp_fingerprint[64]; /* csaf.openpgp_fingerprint / KCERT_CSAF_OPENPGP_FINGERPRINT */
	char pgp_url[300];	/* csaf.openpgp_url / KCERT_CSAF_OPENPGP_URL */
} kc_csaf_conf;

/* Settings in the store first, then the environment, then defaults. */
void kc_csaf_conf_load(kc_store *st, kc_csaf_conf *c);

/* "white", "green", "amber", "red". */
const char *kc_csaf_tlp_folder(kc_tlp t);
/* "WHITE", "GREEN", "AMBER", "RED". */
const char *kc_csaf_tlp_label(kc_tlp t);

/* The document's path under /.well-known/csaf/: "white/2026/kcert-2026-0001.json". */
void kc_csaf_doc_path(const kc_advisory *a, char *out, size_t cap);

/*
 * The CSAF document (pretty-printed JSON, ending in a newline) into out.
 * Fails with KC_EINVAL when the advisory cannot make a valid security
 * advisory (no affected product).
 */
int kc_csaf_document(const kc_advisory *a, const kc_csaf_conf *c, kc_buf *out, kc_err *err);

/* Lowercase hex digests (algo "sha256" or "sha512") of data; out >= 129 bytes. */
int kc_csaf_digest(const char *algo, const char *data, size_t len, char *out);

/* Run the configured signing command on data; *sig is malloc'd (armored). */
int kc_csaf_sign(const kc_csaf_conf *c, const char *data, size_t len, char **sig, kc_err *err);

/* Markdown to HTML with cmark in safe mode (raw HTML and javascript:,
 * vbscript:, file: and data: (except images) links removed). */
int kc_markdown_html(const char *md, kc_buf *out);

/* The advisory as an HTML <article> (for a page of the web UI) in language l. */
void kc_advisory_html_article(const kc_advisory *a, kc_lang l, kc_buf *out);
/* A complete, standalone HTML page. */
void kc_advisory_html_page(const kc_advisory *a, const kc_csaf_conf *c, kc_lang l, kc_buf *out);

/* An Atom feed (RFC 4287) of the advisories given (published ones, newest first). */
void kc_advisory_atom(const kc_advisory *v, size_t n, const kc_csaf_conf *c, kc_buf *out);

/* provider-metadata.json (role csaf_provider). last_updated: newest release. */
void kc_csaf_provider_metadata(const kc_csaf_conf *c, const char *last_updated, kc_buf *out);

/* The ROLIE feed of one TLP folder: the advisories given (all of that TLP). */
void kc_csaf_rolie_feed(const kc_advisory *v, size_t n, kc_tlp folder, const kc_csaf_conf *c, const char *updated,
			kc_buf *out);

/* security.txt (RFC 9116) with a CSAF line; expires a year after now. */
void kc_csaf_security_txt(const kc_csaf_conf *c, kc_buf *out);

#endif
