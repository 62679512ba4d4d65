/*
 * tag.h - case references in e-mail subjects.
 *
 * Our own tag is "[PREFIX #123]" (PREFIX configurable, "KommuneCERT" by
 * default), found anywhere in the subject so that "SV: VS: Fwd: [KommuneCERT
 * #42] ..." still files the answer under case 42; the prefix is matched
 * without regard to case, and white space inside the brackets is tolerated
 * ("[ kommunecert#42 ]"). Partner teams write their own references in
 * brackets ("[NCSC #2024-123]", "[HelseCERT-2024-55]"); those are found as
 * foreign tags so that the partner's reference can be recorded on the case.
 */
#ifndef KC_MAIL_TAG_H
#define KC_MAIL_TAG_H

#include <stddef.h>
#include <stdint.h>

/* The first "[prefix #N]" in subject: 1 and *case_id = N (1 .. 10^18), or 0 when
 * there is none (or subject or prefix is NULL or empty). */
int kc_mail_subject_tag(const char *subject, const char *prefix, int64_t *case_id);

/*
 * The first bracketed reference of another team in subject: a word (starting
 * with a letter), then "#", "-" or white space, then an id starting with a
 * digit ("NCSC #2024-123", "HelseCERT-2024-55", "CERT-SE#12345",
 * "INC0012345"). Our own tag (own_prefix, may be NULL) and TLP labels are not
 * references. Returns 1 and copies the text inside the brackets, trimmed, to
 * tag (cap bytes, NUL-terminated; at most 64 characters), or 0.
 */
int kc_mail_subject_foreign_tag(const char *subject, const char *own_prefix, char *tag, size_t cap);

#endif
