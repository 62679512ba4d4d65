/*
 * metrics.c - GET /metrics in Prometheus' text format (version 0.0.4): what
 * an operator alerts on. The store's figures are the whole installation's
 * (every node sees the same); the HTTP counters are this process's. Only the
 * CERT's own accounts may read it (a bearer token for the scraper): the
 * figures tell how much is going on, which is not for everyone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/time.h"
#include "notify/worker.h"
#include "web/web.h"
#include "base/kc.h"

static void gauge(kc_req *r, const char *name, const char *help, const char *type)
{
	kc_buf_addf(&r->out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int64_t scalar(kc_req *r, const char *sql, const char *types, const char *arg)
{
	int64_t v = 0;
	kc_err err;

	if (kc_store_scalar_int(r->st, &err, &v, sql, types, arg))
		return -1;
	return v;
}

/* One line per label value of a column's count. */
static void labelled(kc_req *r, const char *name, const char *label, const char *const *values, const char *sql)
{
	for (size_t i = 0; values[i]; i++)
		kc_buf_addf(&r->out, "%s{%s=\"%s\"} %" PRId64 "\n", name, label, values[i], scalar(r, sql, "t", values[i]));
}

void kc_metrics(kc_req *r)
{
	static const char *const states[] = { "queued", "sending", "sent", "failed", "uncertain", NULL };
	static const char *const severities[] = { "lav", "moderat", "alvorlig", "kritisk", NULL };
	static const char *const feed_states[] = { "ok", "unchanged", "quarantined", "failed", NULL };
	static const char *const scan_states[] = { "running", "done", "failed", NULL };
	static const char *const finding_sevs[] = { "high", "medium", "low", "info", NULL };
	static const char *const classes[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	char now[KC_TIME_STRLEN];
	uint64_t by_class[6], us;
	int64_t oldest;

	if (!r->authed) {
		kc_resp_error(r, 401, "unauthenticated", kc_req_tr(r, "log in or give a token"));
		return;
	}
	if (r->user.role != KC_ROLE_ADMIN && r->user.role != KC_ROLE_ANALYST) {
		kc_resp_error(r, 403, "forbidden", kc_req_tr(r, "only the CERT's analysts do this"));
		return;
	}
	kc_time_now_iso(now);
	kc_web_counters(by_class, &us);
	gauge(r, "kcert_http_requests_total", "Requests this process answered, by status class.", "counter");
	for (int i = 1; i < 6; i++)
		kc_buf_addf(&r->out, "kcert_http_requests_total{code=\"%s\"} %" PRIu64 "\n", classes[i], by_class[i]);
	gauge(r, "kcert_http_request_seconds_total", "Time spent answering them.", "counter");
	kc_buf_addf(&r->out, "kcert_http_request_seconds_total %.6f\n", (double)us / 1e6);
	gauge(r, "kcert_events", "Events stored from threat feeds.", "gauge");
	kc_buf_addf(&r->out, "kcert_events %" PRId64 "\n", scalar(r, "SELECT count(*) FROM event", "", NULL));
	gauge(r, "kcert_ingested_files", "Feed files ingested.", "gauge");
	kc_buf_addf(&r->out, "kcert_ingested_files %" PRId64 "\n", scalar(r, "SELECT count(*) FROM ingest_file", "", NULL));
	gauge(r, "kcert_notices", "Notices composed for organisations.", "gauge");
	kc_buf_addf(&r->out, "kcert_notices %" PRId64 "\n", scalar(r, "SELECT count(*) FROM notice", "", NULL));
	gauge(r, "kcert_outbox_messages", "Outgoing messages by state.", "gauge");
	labelled(r, "kcert_outbox_messages", "state", states, "SELECT count(*) FROM outbox WHERE state = ?");
	gauge(r, "kcert_outbox_oldest_due_seconds", "How long the oldest due message has waited (0: none).", "gauge");
	oldest = 0;
	{
		kc_stmt *s;
		kc_err err;

		if (!kc_store_query(r->st, &err, &s,
				    "SELECT MIN(next_attempt) FROM outbox WHERE state = 'queued' AND next_attempt <= ?", "t",
				    now)) {
			if (kc_stmt_step(s, &err) == KC_ROW && kc_stmt_text(s, 0)) {
				time_t t;

				if (!kc_time_parse(kc_stmt_text(s, 0), &t))
					oldest = (int64_t)(kc_now() - t);
			}
			kc_stmt_finalize(s);
		}
	}
	kc_buf_addf(&r->out, "kcert_outbox_oldest_due_seconds %" PRId64 "\n", oldest);
	gauge(r, "kcert_cases_open", "Open cases by severity.", "gauge");
	labelled(r, "kcert_cases_open", "severity", severities,
		 "SELECT count(*) FROM incident_case WHERE severity = ? AND status IN ('reported', 'triage', 'handling', "
		 "'recovery')");
	gauge(r, "kcert_case_clocks_overdue", "Legal clocks running past their deadline.", "gauge");
	kc_buf_addf(&r->out, "kcert_case_clocks_overdue %" PRId64 "\n",
		    scalar(r, "SELECT count(*) FROM case_clock WHERE met_at IS NULL AND due_at < ?", "t", now));
	gauge(r, "kcert_feeds", "Scheduled feeds by the outcome of their last fetch.", "gauge");
	labelled(r, "kcert_feeds", "status", feed_states, "SELECT count(*) FROM feed WHERE last_status = ?");
	gauge(r, "kcert_scan_probes_total", "Probes the scanner has sent (every run, every node).", "counter");
	kc_buf_addf(&r->out, "kcert_scan_probes_total %" PRId64 "\n",
		    scalar(r, "SELECT COALESCE(SUM(probes_done), 0) FROM scan_run", "", NULL));
	gauge(r, "kcert_scan_runs", "Scan runs by status.", "gauge");
	labelled(r, "kcert_scan_runs", "status", scan_states, "SELECT count(*) FROM scan_run WHERE status = ?");
	gauge(r, "kcert_findings_open", "Open findings by severity.", "gauge");
	labelled(r, "kcert_findings_open", "severity", finding_sevs,
		 "SELECT count(*) FROM finding WHERE status = 'open' AND severity = ?");
	{
		kc_worker_stats ws;

		kc_worker_stats_get(&ws);
		gauge(r, "kcert_worker_rounds_total", "Background rounds (feeds, notices, outbox) this process ran.",
		      "counter");
		kc_buf_addf(&r->out, "kcert_worker_rounds_total %" PRIu64 "\n", ws.rounds);
		gauge(r, "kcert_worker_round_failures_total", "Rounds that ended in an error.", "counter");
		kc_buf_addf(&r->out, "kcert_worker_round_failures_total %" PRIu64 "\n", ws.failures);
		gauge(r, "kcert_worker_round_seconds_total", "Time spent in the rounds (job latency).", "counter");
		kc_buf_addf(&r->out, "kcert_worker_round_seconds_total %.6f\n", (double)ws.total_us / 1e6);
		gauge(r, "kcert_worker_round_last_seconds", "How long the last round took.", "gauge");
		kc_buf_addf(&r->out, "kcert_worker_round_last_seconds %.6f\n", (double)ws.last_us / 1e6);
	}
	r->status = 200;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
