/*
 * chart.h - the picture's charts as SVG text (for the web pages and the HTML
 * report): a title and a description for screen readers, and the same
 * figures as a table beside it (kc_chart_daily_table).
 */
#ifndef KC_CHART_H
#define KC_CHART_H

#include "base/buf.h"
#include "picture/trend.h"

typedef struct kc_chart_text {
	const char *id;		/* element id prefix, unique on the page */
	const char *title, *desc;
	const char *own_label;	/* legend of the bars ("New events") */
	const char *median_label; /* legend of the median line; NULL: no line */
	const char *day_label;	/* table column heading ("Day") */
} kc_chart_text;

/* Bars of t->own per day; with median_label, a line of t->median. */
void kc_chart_daily_svg(kc_buf *b, const kc_chart_text *x, const kc_trend *t);
void kc_chart_daily_table(kc_buf *b, const kc_chart_text *x, const kc_trend *t);

#endif
