/*
 * texts.h - what a notice says about each kind of event: a title, why it
 * matters and what to do, in English here and in bokmål and nynorsk in the
 * message catalogue (share/i18n/notify.tsv.part). Also the severity that
 * decides whether an event waits for the organisation's digest.
 */
#ifndef KC_NOTIFY_TEXTS_H
#define KC_NOTIFY_TEXTS_H

typedef struct kc_notice_text {
	const char *identifier;	/* classification.identifier; NULL: any of the taxonomy */
	const char *taxonomy;	/* classification.taxonomy; NULL: any */
	int high;		/* goes out at the next run, whatever the organisation's period */
	const char *title, *why, *todo; /* N_() marked English */
} kc_notice_text;

/* The text for an event's classification; never NULL (a generic one last). */
const kc_notice_text *kc_notice_text_find(const char *taxonomy, const char *identifier);

#endif
