/*
 * ui_internal.h - what the server-rendered pages share (ui.c routes).
 */
#ifndef KC_UI_INTERNAL_H
#define KC_UI_INTERNAL_H

#include "auth/visibility.h"
#include "web/web.h"

void kc_ui_head(kc_req *r, const char *title);
void kc_ui_foot(kc_req *r);
int kc_ui_csrf_ok(kc_req *r);
void kc_ui_tlp_label(kc_buf *b, kc_tlp t);

/* ui_case.c: /cases, /cases/new, /cases/N and its forms. rest is the path
 * after "/cases". Returns 0 when the path is not one of these. */
int kc_ui_case_route(kc_req *r, const char *rest, int post);

/* ui_picture.c: GET /situation, POST /situation/level. */
int kc_ui_situation_route(kc_req *r, int post);

/* advisory_web.c: /advisories, /advisories/ID, /advisories.atom (public for
 * TLP:CLEAR). rest is the path after "/advisories". Returns 0 when not one. */
int kc_ui_advisory_route(kc_req *r, const char *rest, int get, int post);

/* ui_scan.c: the "Findings" section of an organisation's page (for the CERT
 * and the organisation's own members), and /findings, /findings/ID (with its
 * accept and withdraw forms), /ratings. p is the whole path. Returns 0 when
 * the path is not one of these. */
struct kc_org;
void kc_ui_org_findings(kc_req *r, const struct kc_org *o);
int kc_ui_scan_route(kc_req *r, const char *p, int get, int post);

#endif
