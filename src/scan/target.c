/*
 * target.c - registered assets into scan targets, exclusions, and the refusal
 * of anything no constituent registered; see target.h for the rules.
 */
#include "scan/target.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/domain.h"
#include "base/ip.h"
#include "base/time.h"
#include "scan/dns.h"
#include "base/kc.h"

void kc_scan_targets_init(struct kc_scan_targets *t)
{
	memset(t, 0, sizeof(*t));
}

void kc_scan_targets_release(struct kc_scan_targets *t)
{
	free(t->v);
	free(t->domains);
	free(t->refused);
	memset(t, 0, sizeof(*t));
}

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t c2;
	void *p;

	if (n < *cap)
		return 0;
	c2 = *cap ? *cap * 2 : 64;
	p = realloc(*v, c2 * elem);
	if (!p)
		return KC_ENOMEM;
	*v = p;
	*cap = c2;
	return 0;
}

static int add_target(struct kc_scan_targets *t, int64_t org, const char *ip, const char *host)
{
	struct kc_scan_target *x;

	if (grow((void **)&t->v, &t->cap, t->n, sizeof(*t->v)))
		return KC_ENOMEM;
	x = &t->v[t->n++];
	memset(x, 0, sizeof(*x));
	x->org_id = org;
	snprintf(x->ip, sizeof(x->ip), "%s", ip);
	snprintf(x->host, sizeof(x->host), "%s", host ? host : "");
	return 0;
}

static int add_domain(struct kc_scan_targets *t, int64_t org, const char *name)
{
	for (size_t i = 0; i < t->ndomains; i++)
		if (t->domains[i].org_id == org && !strcmp(t->domains[i].name, name))
			return 0;
	if (grow((void **)&t->domains, &t->capd, t->ndomains, sizeof(*t->domains)))
		return KC_ENOMEM;
	t->domains[t->ndomains].org_id = org;
	snprintf(t->domains[t->ndomains].name, sizeof(t->domains[0].name), "%s", name);
	t->ndomains++;
	return 0;
}

static int refuse(struct kc_scan_targets *t, int64_t org, const char *what, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int refuse(struct kc_scan_targets *t, int64_t org, const char *what, const char *rule, const char *fmt, ...)
{
	struct kc_scan_refusal *r;
	va_list ap;

	if (grow((void **)&t->refused, &t->capr, t->nrefused, sizeof(*t->refused)))
		return KC_ENOMEM;
	r = &t->refused[t->nrefused++];
	r->org_id = org;
	snprintf(r->what, sizeof(r->what), "%s", what);
	snprintf(r->rule, sizeof(r->rule), "%s", rule);
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return 0;
}

static int cmp_target(const void *a, const void *b)
{
	const struct kc_scan_target *x = a, *y = b;
	int c;

	if (x->org_id != y->org_id)
		return x->org_id < y->org_id ? -1 : 1;
	if ((c = strcmp(x->ip, y->ip)))
		return c;
	return strcmp(x->host, y->host);
}

/* Sort and drop duplicates. */
static void tidy(struct kc_scan_targets *t)
{
	size_t w = 0;

	if (t->n < 2)
		return;
	qsort(t->v, t->n, sizeof(*t->v), cmp_target);
	for (size_t r = 1; r < t->n; r++)
		if (cmp_target(&t->v[w], &t->v[r]))
			t->v[++w] = t->v[r];
	t->n = w + 1;
}

/* ---- the registry ---- */

/* The organisation owning address ip (most specific cidr/host), or 0. */
static int64_t ip_owner(const kc_registry *reg, const kc_ip *ip)
{
	uint32_t v;

	if (kc_attrib_ip1(reg->engine, ip, &v) && v < reg->n)
		return reg->assets[v].org_id;
	return 0;
}

static int64_t ip_owner_text(const kc_registry *reg, const char *s)
{
	kc_ip ip;

	if (kc_ip_parse(s, strlen(s), &ip, NULL))
		return 0;
	return ip_owner(reg, &ip);
}

/* The organisation owning name (a registered host, or under a registered domain), or 0. */
static int64_t name_owner(const kc_registry *reg, const char *name, const kc_asset **asset)
{
	kc_attrib_hit hit;

	if (kc_attrib_domain(reg->engine, name, strlen(name), &hit, 1) > 0 && hit.value < reg->n) {
		if (asset)
			*asset = &reg->assets[hit.value];
		return reg->assets[hit.value].org_id;
	}
	return 0;
}

/* ---- exclusions ---- */

struct excl {
	int is_prefix;
	kc_cidr c;
	char name[256];
	char reason[200];
};

static int load_excl(kc_store *st, int64_t org, struct excl **out, size_t *n, kc_err *err)
{
	size_t cap = 0;
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_store_query(st, err, &s, "SELECT value, reason FROM scan_exclude WHERE org_id = ? ORDER BY id", "i", org);
	if (rc)
		return rc;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		const char *v = kc_stmt_text(s, 0);
		struct excl *e;

		if (grow((void **)out, &cap, *n, sizeof(**out))) {
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
			break;
		}
		e = &(*out)[(*n)++];
		memset(e, 0, sizeof(*e));
		e->is_prefix = !kc_cidr_parse(v, strlen(v), &e->c, KC_CIDR_BARE_HOST, NULL);
		snprintf(e->name, sizeof(e->name), "%s", v);
		snprintf(e->reason, sizeof(e->reason), "%s", kc_stmt_text(s, 1) ? kc_stmt_text(s, 1) : "");
	}
	kc_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

static const struct excl *excluded(const struct excl *x, size_t n, const char *ip, const char *host)
{
	kc_ip a;
	int have = ip && !kc_ip_parse(ip, strlen(ip), &a, NULL);

	for (size_t i = 0; i < n; i++) {
		if (x[i].is_prefix ? (have && kc_cidr_contains(&x[i].c, &a)) : (host && !strcmp(host, x[i].name)))
			return &x[i];
	}
	return NULL;
}

/* ---- resolving ---- */

typedef char addr_t[48];

/* A and AAAA of name into *out (malloc'd). With no resolver: none. */
static int resolve(struct kc_dns *dns, const char *name, addr_t **out, size_t *n, kc_err *err)
{
	struct kc_dns_query q[2] = { { .name = name, .type = KC_DNS_A }, { .name = name, .type = KC_DNS_AAAA } };
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!dns)
		return 0;
	rc = kc_dns_lookup_many(dns, q, 2, err);
	if (rc)
		return rc;
	for (int k = 0; k < 2 && !rc; k++)
		for (size_t i = 0; i < q[k].ans.n; i++) {
			if (grow((void **)out, &cap, *n, sizeof(addr_t))) {
				rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
				break;
			}
			snprintf((*out)[(*n)++], sizeof(addr_t), "%s", q[k].ans.rr[i].text);
		}
	kc_dns_answer_release(&q[0].ans);
	kc_dns_answer_release(&q[1].ans);
	return rc;
}

/* ---- expansion ---- */

static int expand_cidr(struct kc_scan_targets *t, const kc_registry *reg, int64_t org, const kc_asset *a, const struct excl *x, size_t nx,
		       size_t *budget)
{
	char ip[KC_IP_STRLEN];
	kc_cidr c;
	uint64_t count, first = 0, last;

	if (kc_cidr_parse(a->value, strlen(a->value), &c, KC_CIDR_BARE_HOST, NULL))
		return refuse(t, org, a->value, "invalid", _("%s is not a prefix"), a->value);
	if ((c.addr.family == 4 && c.len < KC_SCAN_V4_MIN_PLEN) || (c.addr.family == 6 && c.len < KC_SCAN_V6_MIN_PLEN))
		return refuse(t, org, a->value, "too-large",
			      _("%s is larger than /%d: not swept; its registered hosts and domains are scanned"),
			      a->value, c.addr.family == 4 ? KC_SCAN_V4_MIN_PLEN : KC_SCAN_V6_MIN_PLEN);
	count = 1ull << ((c.addr.family == 4 ? 32 : 128) - c.len);
	last = count - 1;
	if (c.addr.family == 4 && c.len <= 30) { /* network and broadcast addresses */
		first = 1;
		last = count - 2;
	}
	for (uint64_t i = first; i <= last; i++) {
		kc_ip ip1 = c.addr;
		int off = c.addr.family == 4 ? 3 : 15;
		uint64_t carry = i;

		for (int b = off; b >= 0 && carry; b--) {
			uint64_t sum = ip1.bytes[b] + (carry & 0xff);

			ip1.bytes[b] = (uint8_t)sum;
			carry = (carry >> 8) + (sum >> 8);
		}
		/* A more specific registration (a sub-allocation) belongs to its owner. */
		if (ip_owner(reg, &ip1) != org)
			continue;
		kc_ip_format(&ip1, ip);
		if (excluded(x, nx, ip, NULL)) {
			t->excluded++;
			continue;
		}
		if (!*budget)
			return refuse(t, org, a->value, "too-large", _("more than %d targets: the rest of %s is left out"),
				      KC_SCAN_ORG_MAX_TARGETS, a->value);
		(*budget)--;
		if (add_target(t, org, ip, NULL))
			return KC_ENOMEM;
	}
	return 0;
}

/* Add the addresses of name for org, minus exclusions. */
static int add_name(struct kc_scan_targets *t, int64_t org, const char *name, addr_t *addr, size_t naddr,
		    const struct excl *x, size_t nx, size_t *budget)
{
	for (size_t i = 0; i < naddr; i++) {
		if (excluded(x, nx, addr[i], name)) {
			t->excluded++;
			continue;
		}
		if (!*budget)
			return 0;
		(*budget)--;
		if (add_target(t, org, addr[i], name))
			return KC_ENOMEM;
	}
	return 0;
}

/* An MX or NS host of a registered domain: scanned only when it is the organisation's own. */
static int add_aux_host(struct kc_scan_targets *t, const kc_registry *reg, int64_t org, const struct kc_dns_host *h,
			const char *role, const struct excl *x, size_t nx, size_t *budget)
{
	int own = name_owner(reg, h->name, NULL) == org;

	for (size_t i = 0; !own && h->naddr && i < h->naddr; i++)
		if (ip_owner_text(reg, h->addr[i]) != org)
			break;
		else if (i + 1 == h->naddr)
			own = 1;
	if (!own)
		return refuse(t, org, h->name, "third-party",
			      _("%s host %s is not registered to the organisation: not scanned"), role, h->name);
	return add_name(t, org, h->name, h->addr, h->naddr, x, nx, budget);
}

int kc_scan_targets_org(kc_store *st, const kc_registry *reg, struct kc_dns *dns, int64_t org_id,
			struct kc_scan_targets *t, kc_err *err)
{
	size_t nx = 0, budget = KC_SCAN_ORG_MAX_TARGETS;
	struct excl *x = NULL;
	int rc;

	rc = load_excl(st, org_id, &x, &nx, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < reg->n && !rc; i++) {
		const kc_asset *a = &reg->assets[i];
		kc_ip ip;

		if (a->org_id != org_id)
			continue;
		if (!strcmp(a->kind, "cidr")) {
			rc = expand_cidr(t, reg, org_id, a, x, nx, &budget);
		} else if (!strcmp(a->kind, "host")) {
			if (!kc_ip_parse(a->value, strlen(a->value), &ip, NULL)) {
				addr_t one;

				snprintf(one, sizeof(one), "%s", a->value);
				rc = add_name(t, org_id, NULL, &one, 1, x, nx, &budget);
			} else if (excluded(x, nx, NULL, a->value)) {
				t->excluded++;
			} else {
				addr_t *addr = NULL;
				size_t naddr = 0;
				kc_err e;

				if (!dns)
					rc = refuse(t, org_id, a->value, "unresolved", _("%s: no resolver"), a->value);
				else if (resolve(dns, a->value, &addr, &naddr, &e) || !naddr)
					rc = refuse(t, org_id, a->value, "unresolved", _("%s does not resolve"), a->value);
				else
					rc = add_name(t, org_id, a->value, addr, naddr, x, nx, &budget);
				free(addr);
			}
		} else if (!strcmp(a->kind, "domain")) {
			struct kc_dns_expansion ex;
			kc_err e;

			if (excluded(x, nx, NULL, a->value)) {
				t->excluded++;
				continue;
			}
			rc = add_domain(t, org_id, a->value);
			if (rc || !dns)
				continue;
			memset(&ex, 0, sizeof(ex));
			if (kc_dns_expand_domain(dns, a->value, &ex, &e)) {
				rc = refuse(t, org_id, a->value, "unresolved", "%s: %s", a->value, e.msg);
				continue;
			}
			rc = add_name(t, org_id, a->value, ex.addr, ex.naddr, x, nx, &budget);
			for (size_t k = 0; k < ex.nmx && !rc; k++)
				rc = add_aux_host(t, reg, org_id, &ex.mx[k], "MX", x, nx, &budget);
			for (size_t k = 0; k < ex.nns && !rc; k++)
				rc = add_aux_host(t, reg, org_id, &ex.ns[k], "NS", x, nx, &budget);
			kc_dns_expansion_release(&ex);
		}
	}
	free(x);
	if (rc == KC_ENOMEM)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	tidy(t);
	return rc;
}

int kc_scan_targets_manual(kc_store *st, const kc_registry *reg, struct kc_dns *dns, int64_t only_org,
			   const char *arg, struct kc_scan_targets *t, kc_err *err)
{
	char name[256], ipbuf[KC_IP_STRLEN];
	const kc_asset *asset = NULL;
	struct excl *x = NULL;
	const struct excl *hit;
	addr_t *addr = NULL;
	size_t nx = 0, naddr = 0, budget = KC_SCAN_ORG_MAX_TARGETS;
	int64_t org = 0;
	kc_ip ip;
	int rc = 0, refused = 1;

	if (!arg || !*arg || strlen(arg) > 253)
		return refuse(t, 0, arg ? arg : "", "invalid", _("give an IP address, a host name or a domain")) ? KC_ENOMEM : 1;
	if (strchr(arg, '/'))
		return refuse(t, 0, arg, "invalid",
			      _("%s: give an address or a name; registered ranges are scanned with --org"), arg)
			       ? KC_ENOMEM
			       : 1;
	if (!kc_ip_parse(arg, strlen(arg), &ip, NULL)) {
		kc_ip_format(&ip, ipbuf);
		org = ip_owner(reg, &ip);
		if (!org) {
			rc = refuse(t, 0, ipbuf, "unregistered",
				    _("%s is not inside any range or host registered to a constituent organisation"), ipbuf);
			goto out;
		}
		if (only_org && org != only_org) {
			rc = refuse(t, org, ipbuf, "other-org", _("%s is registered to another organisation"), ipbuf);
			goto out;
		}
		if ((rc = load_excl(st, org, &x, &nx, err)))
			goto out;
		if ((hit = excluded(x, nx, ipbuf, NULL))) {
			rc = refuse(t, org, ipbuf, "excluded", _("%s is excluded by its organisation (%s): %s"), ipbuf,
				    hit->name, hit->reason);
			goto out;
		}
		rc = add_target(t, org, ipbuf, NULL);
		refused = 0;
		goto out;
	}
	if (kc_domain_normalise(arg, strlen(arg), name, NULL)) {
		rc = refuse(t, 0, arg, "invalid", _("%s is neither an IP address nor a host name"), arg);
		goto out;
	}
	org = name_owner(reg, name, &asset);
	if (only_org && org && org != only_org) {
		rc = refuse(t, org, name, "other-org", _("%s is registered to another organisation"), name);
		goto out;
	}
	if (!dns) {
		rc = refuse(t, org, name, "unresolved", _("%s: no resolver to look the name up"), name);
		goto out;
	}
	if ((rc = resolve(dns, name, &addr, &naddr, err)))
		goto out;
	if (!naddr && !(asset && !strcmp(asset->kind, "domain") && !strcmp(asset->value, name))) {
		rc = refuse(t, org, name, org ? "unresolved" : "unregistered",
			    org ? _("%s does not resolve") : _("%s is not registered and does not resolve"), name);
		goto out;
	}
	if (!org) {
		/* Not a registered name: every address must lie in one organisation's ranges. */
		for (size_t i = 0; i < naddr; i++) {
			int64_t o = ip_owner_text(reg, addr[i]);

			if (!o || (org && o != org)) {
				rc = refuse(t, o, name, "resolves-outside",
					    _("%s is not registered and resolves to %s, outside the ranges of %s"), name,
					    addr[i], org ? _("the same organisation") : _("any constituent organisation"));
				goto out;
			}
			org = o;
		}
		if (only_org && org != only_org) {
			rc = refuse(t, org, name, "other-org", _("%s is registered to another organisation"), name);
			goto out;
		}
	}
	if ((rc = load_excl(st, org, &x, &nx, err)))
		goto out;
	if ((hit = excluded(x, nx, NULL, name))) {
		rc = refuse(t, org, name, "excluded", _("%s is excluded by its organisation (%s): %s"), name, hit->name,
			    hit->reason);
		goto out;
	}
	{
		size_t before = t->n, ex0 = t->excluded;

		rc = add_name(t, org, name, addr, naddr, x, nx, &budget);
		if (!rc && t->n == before && t->excluded > ex0 && naddr) {
			rc = refuse(t, org, name, "excluded", _("every address of %s is excluded by its organisation"), name);
			goto out;
		}
	}
	if (!rc && asset && !strcmp(asset->kind, "domain") && !strcmp(asset->value, name))
		rc = add_domain(t, org, name);
	refused = 0;
out:
	free(x);
	free(addr);
	if (rc == KC_ENOMEM)
		return kc_err_set(err, KC_ENOMEM, _("out of memory"));
	if (rc < 0)
		return rc;
	tidy(t);
	return refused;
}

int kc_scan_orgs(kc_store *st, int64_t **out, size_t *n, kc_err *err)
{
	size_t cap = 0;
	kc_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	rc = kc_store_query(st, err, &s,
			    "SELECT DISTINCT a.org_id FROM asset a JOIN org o ON o.id = a.org_id WHERE o.active = 1 AND "
			    "a.kind IN ('cidr', 'host', 'domain') ORDER BY a.org_id",
			    "");
	if (rc)
		return rc;
	while ((rc = kc_stmt_step(s, err)) == KC_ROW) {
		if (grow((void **)out, &cap, *n, sizeof(**out))) {
			rc = kc_err_set(err, KC_ENOMEM, _("out of memory"));
			break;
		}
		(*out)[(*n)++] = kc_stmt_int(s, 0);
	}
	kc_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* ---- exclusions ---- */

int kc_scan_exclude_add(kc_store *st, const char *actor, const kc_registry *reg, int64_t org_id, const char *value,
			const char *reason, kc_err *err)
{
	char canon[256], now[KC_TIME_STRLEN], obj[48];
	kc_attrib_hit hits[16];
	int64_t id = 0;
	kc_cidr c;
	int rc, inside = 0;

	if (!reason || !reason[strspn(reason, " \t\r\n")])
		return kc_err_set(err, KC_EINVAL, _("an exclusion needs a reason (--reason)"));
	if (strlen(reason) > 500)
		return kc_err_set(err, KC_ETOOBIG, _("the reason is longer than %d characters"), 500);
	if (!value || !*value)
		return kc_err_set(err, KC_EINVAL, _("give a range, an address or a host name to exclude"));
	if (strpbrk(value, ":/") || strspn(value, "0123456789.") == strlen(value)) {
		int nh;

		if (kc_cidr_parse(value, strlen(value), &c, KC_CIDR_BARE_HOST, err))
			return KC_EINVAL;
		kc_cidr_format(&c, canon);
		/* The most specific registration covering it must be this organisation's
		 * (not another's sub-allocation inside its range). */
		nh = kc_attrib_prefix(reg->engine, &c, hits, 16);
		inside = nh > 0 && hits[0].value < reg->n && reg->assets[hits[0].value].org_id == org_id;
	} else {
		if (kc_domain_normalise(value, strlen(value), canon, err))
			return KC_EINVAL;
		inside = name_owner(reg, canon, NULL) == org_id;
	}
	if (!inside)
		return kc_err_set(err, KC_EINVAL, _("%s is not inside the assets registered to this organisation"), canon);
	kc_time_now_iso(now);
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_exec(st, err, &id,
			   "INSERT INTO scan_exclude (org_id, value, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?) "
			   "ON CONFLICT (org_id, value) DO UPDATE SET reason = excluded.reason RETURNING id",
			   "ittt" "t", org_id, canon, reason, actor, now);
	snprintf(obj, sizeof(obj), "org:%lld", (long long)org_id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "scan.exclude", obj, "%s: %s", canon, reason);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

int kc_scan_exclude_rm(kc_store *st, const char *actor, int64_t org_id, const char *value, kc_err *err)
{
	char canon[256], obj[48];
	int64_t n = 0;
	kc_cidr c;
	int rc;

	if (value && !kc_cidr_parse(value, strlen(value), &c, KC_CIDR_BARE_HOST, NULL))
		kc_cidr_format(&c, canon);
	else if (!value || kc_domain_normalise(value, strlen(value), canon, err))
		return KC_EINVAL;
	rc = kc_store_begin(st, err);
	if (rc)
		return rc;
	rc = kc_store_scalar_int(st, err, &n, "SELECT count(*) FROM scan_exclude WHERE org_id = ? AND value = ?", "it",
				 org_id, canon);
	if (!rc && !n)
		rc = kc_err_set(err, KC_ENOENT, _("%s is not excluded"), canon);
	if (!rc)
		rc = kc_store_exec(st, err, NULL, "DELETE FROM scan_exclude WHERE org_id = ? AND value = ?", "it", org_id,
				   canon);
	snprintf(obj, sizeof(obj), "org:%lld", (long long)org_id);
	if (!rc)
		rc = kc_audit_appendf(st, err, actor, "scan.include", obj, "%s", canon);
	if (!rc)
		rc = kc_store_commit(st, err);
	if (rc)
		kc_store_rollback(st);
	return rc;
}

static void fill_excl(kc_stmt *s, void *rec)
{
	kc_scan_exclusion *e = rec;
	const char *v;

	memset(e, 0, sizeof(*e));
	e->id = kc_stmt_int(s, 0);
	e->org_id = kc_stmt_int(s, 1);
	snprintf(e->org, sizeof(e->org), "%s", (v = kc_stmt_text(s, 2)) ? v : "");
	snprintf(e->value, sizeof(e->value), "%s", kc_stmt_text(s, 3));
	snprintf(e->reason, sizeof(e->reason), "%s", kc_stmt_text(s, 4));
	snprintf(e->created_by, sizeof(e->created_by), "%s", kc_stmt_text(s, 5));
	snprintf(e->created_at, sizeof(e->created_at), "%s", kc_stmt_text(s, 6));
}

int kc_scan_exclude_list(kc_store *st, int64_t org_id, kc_scan_exclusion **out, size_t *n, kc_err *err)
{
	kc_stmt *s;
	int rc = kc_store_query(st, err, &s,
				"SELECT x.id, x.org_id, COALESCE(o.code, o.slug), x.value, x.reason, x.created_by, "
				"x.created_at FROM scan_exclude x JOIN org o ON o.id = x.org_id WHERE (? = 0 OR x.org_id = ?) "
				"ORDER BY x.org_id, x.value",
				"ii", org_id, org_id);

	if (rc)
		return rc;
	return kc_store_collect(s, sizeof(kc_scan_exclusion), fill_excl, (void **)out, n, err);
}
