/*
 * mime.h - one incoming e-mail message (RFC 5322, MIME), read with GMime 3 into
 * plain UTF-8 fields for `kcert mailgate`: who wrote it, what it answers, its
 * text (HTML reduced to plain text, forwarded messages appended under a
 * marker), its attachments (size-limited, SHA-256), and whether it is an
 * automatic reply or a bounce that must never be answered.
 *
 * Hostile or broken input is the normal case here. Parsing never fails on
 * malformed MIME, an unknown charset or missing headers: what can be read is
 * returned and each problem is listed in warnings. Only input in which no
 * message can be found at all gives KC_EPARSE (the caller keeps the raw bytes).
 */
#ifndef KC_MAIL_MIME_H
#define KC_MAIL_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* What a zero field of kc_mail_limits (or a NULL limits) means. */
#define KC_MAIL_MAX_ATTACHMENT (10u << 20) /* decoded bytes of one attachment kept */
#define KC_MAIL_MAX_TOTAL (25u << 20)	   /* decoded bytes of all attachments kept */
#define KC_MAIL_MAX_BODY (1u << 20)	   /* bytes of body text */
#define KC_MAIL_MAX_PARTS 500		   /* MIME parts looked at */
#define KC_MAIL_MAX_DEPTH 20		   /* nesting of multiparts and forwarded messages */

typedef struct kc_mail_limits {
	size_t max_attachment;
	size_t max_total;
	size_t max_body;
	size_t max_parts;
	size_t max_depth;
} kc_mail_limits;

typedef enum kc_mail_kind {
	KC_MAIL_NORMAL = 0,
	KC_MAIL_AUTO_REPLY, /* vacation notices, auto-responders, read receipts, bulk and list mail */
	KC_MAIL_BOUNCE,	    /* delivery status notifications, mail from MAILER-DAEMON */
} kc_mail_kind;

typedef struct kc_mail_addr {
	char *addr; /* "kari@bergen.kommune.no", ASCII letters in lower case; NULL when absent */
	char *name; /* display name, or NULL */
} kc_mail_addr;

/* kc_mail_attachment.flags */
#define KC_MAIL_ATT_DROPPED 0x1	  /* over max_attachment or max_total: data is NULL */
#define KC_MAIL_ATT_TRUNCATED 0x2 /* the message ended inside it: size and sha256 are of what was there */

typedef struct kc_mail_attachment {
	char *filename;	      /* UTF-8 (RFC 2231 and 2047 decoded), no directories; NULL when unnamed */
	char *content_type;   /* "text/csv", lower case */
	size_t size;	      /* decoded bytes */
	char sha256[65];      /* hex SHA-256 of those bytes */
	unsigned char *data;  /* the bytes when kept, else NULL */
	unsigned flags;	      /* KC_MAIL_ATT_* */
	unsigned forwarded;   /* 0: of the message itself; N: of its Nth forwarded message */
} kc_mail_attachment;

/* kc_mail.flags */
#define KC_MAIL_SYNTH_ID 0x1	     /* message_id was made from the bytes (no Message-ID header) */
#define KC_MAIL_HTML 0x2	     /* some of the body was reduced from HTML */
#define KC_MAIL_CHARSET_FALLBACK 0x4 /* some text was read as windows-1252: unknown or wrong charset */
#define KC_MAIL_BODY_CUT 0x8	     /* the body was cut at max_body */

typedef struct kc_mail {
	char *message_id;	     /* without <>; never NULL (see KC_MAIL_SYNTH_ID) */
	char *in_reply_to;	     /* without <>, or NULL */
	char **references;	     /* References, oldest first, without <> */
	size_t nreferences;
	kc_mail_addr from;
	kc_mail_addr reply_to;
	kc_mail_addr *to;
	size_t nto;
	kc_mail_addr *cc;
	size_t ncc;
	char *subject;		     /* decoded, one line; "" when absent */
	char *date;		     /* ISO 8601 UTC ("2024-06-03T08:15:00Z"), or NULL */
	char *body;		     /* the text, UTF-8, LF line ends; "" when none */
	size_t body_len;
	kc_mail_attachment *attachments;
	size_t nattachments;
	size_t nforwarded;	     /* message/rfc822 parts read */
	kc_mail_kind kind;
	char *kind_reason;	     /* the header or subject that decided kind, or NULL for normal */
	unsigned flags;		     /* KC_MAIL_* */
	char **warnings;	     /* what was wrong with the message, translated */
	size_t nwarnings;
} kc_mail;

/*
 * Parse raw[0..len) as one message. On success *out is a new kc_mail (free it
 * with kc_mail_free) and 0 is returned. KC_EPARSE when no message can be found
 * (no header and no body), KC_ENOMEM; err says why. lim may be NULL.
 * Thread-safe (GMime is initialised once).
 */
int kc_mail_parse(const char *raw, size_t len, const kc_mail_limits *lim, kc_mail **out, kc_err *err);

void kc_mail_free(kc_mail *m);

/* "normal", "auto_reply", "bounce". */
const char *kc_mail_kind_name(kc_mail_kind kind);

/* Initialise GMime (and libsodium) once; kc_mail_parse calls it. */
void kc_mail_init(void);

#endif
