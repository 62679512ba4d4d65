/*
 * chart.c - the picture's SVG charts; see chart.h.
 */
#include "picture/chart.h"

#include <stdio.h>

#include "picture/map.h"

#define W 640
#define H 220
#define LEFT 40
#define BOTTOM 24
#define TOP 24

void kc_chart_daily_svg(kc_buf *b, const kc_chart_text *x, const kc_trend *t)
{
	double max = 1, bw = t->ndays ? (double)(W - LEFT - 4) / t->ndays : 1;

	for (int d = 0; d < t->ndays; d++) {
		if (t->own[d] > max)
			max = (double)t->own[d];
		if (x->median_label && t->median[d] > max)
			max = t->median[d];
	}
	kc_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"kc-chart\" id=\"%s\" "
		       "aria-labelledby=\"%s-t %s-d\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"><title id=\"%s-t\">",
		    x->id, x->id, x->id, W, H, W, H, x->id);
	kc_map_esc(b, x->title);
	kc_buf_addf(b, "</title><desc id=\"%s-d\">", x->id);
	kc_map_esc(b, x->desc);
	kc_buf_addf(b, "</desc><g font-family=\"sans-serif\" font-size=\"11\">"
		       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"></line>"
		       "<text x=\"0\" y=\"%d\">%.0f</text><text x=\"0\" y=\"%d\">0</text>",
		    LEFT, H - BOTTOM, W - 4, H - BOTTOM, TOP + 4, max, H - BOTTOM);
	for (int d = 0; d < t->ndays; d++) {
		double h = (double)t->own[d] * (H - BOTTOM - TOP) / max;

		kc_buf_addf(b, "<rect class=\"bar\" data-day=\"%s\" data-value=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			       "height=\"%.1f\" fill=\"#2b6ca3\"><title>%s: %lld</title></rect>",
			    t->day[d], (long long)t->own[d], LEFT + d * bw + 1, H - BOTTOM - h, bw > 3 ? bw - 2 : bw, h,
			    t->day[d], (long long)t->own[d]);
		if (d == 0 || d == t->ndays - 1 || (t->ndays > 10 && d == t->ndays / 2))
			kc_buf_addf(b, "<text x=\"%.1f\" y=\"%d\">%s</text>", LEFT + d * bw - (d ? 50 : 0), H - 6,
				    t->day[d] + 5);
	}
	if (x->median_label) {
		kc_buf_adds(b, "<polyline class=\"median\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"");
		for (int d = 0; d < t->ndays; d++)
			kc_buf_addf(b, "%.1f,%.1f ", LEFT + d * bw + bw / 2, H - BOTTOM - t->median[d] * (H - BOTTOM - TOP) / max);
		kc_buf_adds(b, "\"></polyline>");
	}
	kc_buf_addf(b, "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"#2b6ca3\"></rect><text x=\"%d\" y=\"13\">",
		    LEFT + 10, LEFT + 24);
	kc_map_esc(b, x->own_label);
	kc_buf_adds(b, "</text>");
	if (x->median_label) {
		kc_buf_addf(b, "<line x1=\"%d\" y1=\"9\" x2=\"%d\" y2=\"9\" stroke=\"#c0392b\" stroke-width=\"2\"></line>"
			       "<text x=\"%d\" y=\"13\">",
			    LEFT + 250, LEFT + 264, LEFT + 270);
		kc_map_esc(b, x->median_label);
		kc_buf_adds(b, "</text>");
	}
	kc_buf_adds(b, "</g></svg>");
}

void kc_chart_daily_table(kc_buf *b, const kc_chart_text *x, const kc_trend *t)
{
	kc_buf_addf(b, "<table class=\"kc-chart-table\" id=\"%s-table\"><caption>", x->id);
	kc_map_esc(b, x->title);
	kc_buf_adds(b, "</caption><thead><tr><th scope=\"col\">");
	kc_map_esc(b, x->day_label);
	kc_buf_adds(b, "</th><th scope=\"col\">");
	kc_map_esc(b, x->own_label);
	kc_buf_adds(b, "</th>");
	if (x->median_label) {
		kc_buf_adds(b, "<th scope=\"col\">");
		kc_map_esc(b, x->median_label);
		kc_buf_adds(b, "</th>");
	}
	kc_buf_adds(b, "</tr></thead><tbody>");
	for (int d = t->ndays - 1; d >= 0; d--) {
		kc_buf_addf(b, "<tr><th scope=\"row\">%s</th><td>%lld</td>", t->day[d], (long long)t->own[d]);
		if (x->median_label)
			kc_buf_addf(b, "<td>%g</td>", t->median[d]);
		kc_buf_adds(b, "</tr>");
	}
	kc_buf_adds(b, "</tbody></table>");
}
