/*
 * report.h - the weekly (or monthly) situation report: the threat level and
 * its rationale, the figures, a chart of new events per day, events by type,
 * open cases by classification, exposed services and notable incidents,
 * anonymised for the report's own TLP, as Markdown, HTML or PDF (cairo).
 *
 * TLP: the report carries one marking, printed at the top and bottom of every
 * page. Below AMBER it names no organisation: notable incidents are listed
 * only when the case's own TLP is at most the report's, by classification and
 * severity (GREEN adds the county); the rest are only counted. Exposed
 * services are summed per service over organisations. AMBER and above name
 * the organisations.
 */
#ifndef KC_REPORT_H
#define KC_REPORT_H

#include <time.h>

#include "auth/visibility.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/i18n.h"
#include "store/store.h"

typedef enum kc_report_period { KC_REPORT_WEEK, KC_REPORT_MONTH } kc_report_period;
typedef enum kc_report_format { KC_REPORT_MD, KC_REPORT_HTML, KC_REPORT_PDF } kc_report_format;

typedef struct kc_report_opts {
	kc_report_period period;
	kc_report_format format;
	kc_tlp tlp;		/* the report's marking; default GREEN */
	kc_lang lang;
} kc_report_opts;

int kc_report_period_parse(const char *s, kc_report_period *out);
int kc_report_format_parse(const char *s, kc_report_format *out);

/* The period's label at time t: "2026-W48" (ISO week) or "2026-11". */
void kc_report_period_label(kc_report_period p, time_t t, char out[16]);

/* The report of the period ending now, appended to out (PDF: binary). */
int kc_report_situation(kc_store *st, const kc_report_opts *o, kc_buf *out, kc_err *err);

/*
 * The weekly report by e-mail: once per ISO week, to every contact whose
 * notices include "report" (kcert contact ... --notices report,...), in the
 * contact's language, TLP:GREEN, the PDF attached, through the outbox. A row
 * in report_delivery per (week, address) makes it exactly once, whatever the
 * number of workers. *queued (may be NULL) is the number of messages queued.
 */
int kc_report_mail_due(kc_store *st, const char *actor, int *queued, kc_err *err);

#endif
