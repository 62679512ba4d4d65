/*
 * attrib.c - the attribution engine: longest-prefix match over IPv4 and IPv6
 * prefixes, AS numbers, and domain names by suffix.
 *
 * Prefixes. At build time the prefixes of one family are sorted and swept with
 * a stack into a sorted array of disjoint intervals that cover the whole
 * address space, each naming the most specific prefix that covers it (or
 * none); every prefix also learns its parent, the nearest prefix around it.
 * A lookup finds the last interval starting at or below the address. To make
 * that search short whatever the data looks like, a radix index sits over the
 * interval array: a root node on 16 key bits, and below any bucket holding
 * more than LEAF_MAX (32, measured best of 4-128) intervals a node on the next 8 bits that differ among
 * them (bits all of them share are skipped, so a thousand prefixes inside one
 * /32 do not cost one level per byte). A lookup walks two or three nodes and
 * ends in a binary search over at most LEAF_MAX keys. Keys are 128-bit
 * integers for both families (IPv4 in the low 32 bits).
 *
 * Domains and AS numbers live in one open-addressing hash table keyed by
 * bytes; a domain lookup tries the name and then each parent suffix.
 *
 * The engine is built once and then only read, so lookups need no locks.
 */
#include "org/attrib.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

typedef unsigned __int128 u128;

#define LEAF_MAX 32
#define NONE UINT32_MAX

struct prefix {
	u128 start, end;
	uint32_t value;
	uint32_t parent; /* index into the family's prefixes, or NONE */
	uint8_t len;
};

struct node {
	u128 prefix, pmask;   /* keys under this node share (key & pmask) == prefix */
	uint32_t *pos;	      /* 2^stride + 1 positions: first interval of each bucket */
	uint32_t *child;      /* 2^stride node indexes, or NONE */
	uint8_t shift, stride;
};

struct family {
	unsigned bits;
	struct prefix *p;
	size_t n, cap;
	u128 *starts;	      /* interval starts */
	uint32_t *starts32;   /* the same as 32-bit keys, for IPv4 (smaller, so faster to search) */
	uint32_t *entry;      /* interval -> prefix index, or NONE */
	uint32_t *val;	      /* interval -> the prefix's value (saves a load on the fast path) */
	size_t nint;
	struct node *nodes;
	size_t nnodes, nodes_cap;
};

/* Hash table entry: domains, AS numbers and prefix keys (for duplicates). */
struct hent {
	char *key;
	size_t klen;
	uint32_t value;
	uint8_t exact;
	uint8_t used;
};

struct kc_attrib {
	struct family fam[2]; /* [0] IPv4, [1] IPv6 */
	struct hent *tab;
	size_t tcap, tn;
	int built;
	size_t mem;
};

static uint64_t hash_bytes(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static int tab_grow(kc_attrib *a)
{
	size_t cap = a->tcap ? a->tcap * 2 : 1024;
	struct hent *t = calloc(cap, sizeof(*t));

	if (!t)
		return KC_ENOMEM;
	for (size_t i = 0; i < a->tcap; i++) {
		struct hent *e = &a->tab[i];
		size_t j;

		if (!e->used)
			continue;
		for (j = hash_bytes(e->key, e->klen) & (cap - 1); t[j].used; j = (j + 1) & (cap - 1))
			;
		t[j] = *e;
	}
	free(a->tab);
	a->tab = t;
	a->tcap = cap;
	return KC_OK;
}

static const struct hent *tab_find(const kc_attrib *a, const char *k, size_t n)
{
	if (!a->tcap)
		return NULL;
	for (size_t j = hash_bytes(k, n) & (a->tcap - 1);; j = (j + 1) & (a->tcap - 1)) {
		const struct hent *e = &a->tab[j];

		if (!e->used)
			return NULL;
		if (e->klen == n && !memcmp(e->key, k, n))
			return e;
	}
}

/* Insert; KC_EEXIST when the key is there already. */
static int tab_put(kc_attrib *a, const char *k, size_t n, uint32_t value, int exact)
{
	size_t j;
	char *copy;

	if (tab_find(a, k, n))
		return KC_EEXIST;
	if ((a->tn + 1) * 2 > a->tcap && tab_grow(a))
		return KC_ENOMEM;
	copy = malloc(n);
	if (!copy)
		return KC_ENOMEM;
	memcpy(copy, k, n);
	for (j = hash_bytes(k, n) & (a->tcap - 1); a->tab[j].used; j = (j + 1) & (a->tcap - 1))
		;
	a->tab[j] = (struct hent){ copy, n, value, (uint8_t)exact, 1 };
	a->tn++;
	return KC_OK;
}

kc_attrib *kc_attrib_new(void)
{
	kc_attrib *a = calloc(1, sizeof(*a));

	if (a) {
		a->fam[0].bits = 32;
		a->fam[1].bits = 128;
	}
	return a;
}

void kc_attrib_free(kc_attrib *a)
{
	if (!a)
		return;
	for (int f = 0; f < 2; f++) {
		struct family *fm = &a->fam[f];

		for (size_t i = 0; i < fm->nnodes; i++) {
			free(fm->nodes[i].pos);
			free(fm->nodes[i].child);
		}
		free(fm->nodes);
		free(fm->p);
		free(fm->starts);
		free(fm->starts32);
		free(fm->entry);
		free(fm->val);
	}
	for (size_t i = 0; i < a->tcap; i++)
		free(a->tab[i].key);
	free(a->tab);
	free(a);
}

static u128 key_of(const kc_ip *ip)
{
	u128 k = 0;
	int n = ip->family == 4 ? 4 : 16;

	for (int i = 0; i < n; i++)
		k = k << 8 | ip->bytes[i];
	return k;
}

static u128 ones(unsigned n) /* the low n bits set, n <= 128 */
{
	return n >= 128 ? ~(u128)0 : (((u128)1 << n) - 1);
}

int kc_attrib_add_prefix(kc_attrib *a, const kc_cidr *prefix, uint32_t value, kc_err *err)
{
	kc_cidr c = *prefix;
	struct family *fm;
	struct prefix *p;
	char key[18];
	int rc;

	if (a->built)
		return kc_err_set(err, KC_EINTERNAL, _("the attribution engine is already built"));
	if (c.addr.family == 6 && c.len >= 96 && kc_ip_unmap(&c.addr).family == 4) {
		c.addr = kc_ip_unmap(&c.addr); /* ::ffff:0:0/96 and inside: IPv4 */
		c.len = (uint8_t)(c.len - 96);
	}
	fm = &a->fam[c.addr.family == 4 ? 0 : 1];
	if (c.len > fm->bits)
		return kc_err_set(err, KC_EINVAL, _("bad prefix length"));
	memset(key, 0, sizeof(key));
	key[0] = (char)c.addr.family;
	key[1] = (char)c.len;
	memcpy(key + 2, c.addr.bytes, c.addr.family == 4 ? 4 : 16);
	rc = tab_put(a, key, sizeof(key), value, 0);
	if (rc == KC_EEXIST) {
		char text[KC_CIDR_STRLEN];

		return kc_err_set(err, KC_EEXIST, _("%s is registered twice"), kc_cidr_format(&c, text));
	}
	if (rc)
		return kc_err_set(err, rc, "%s", kc_strerror(rc));
	if (fm->n == fm->cap) {
		size_t cap = fm->cap ? fm->cap * 2 : 256;
		struct prefix *np = realloc(fm->p, cap * sizeof(*np));

		if (!np)
			return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
		fm->p = np;
		fm->cap = cap;
	}
	p = &fm->p[fm->n++];
	p->start = key_of(&c.addr);
	p->end = p->start | ones(fm->bits - c.len);
	p->len = c.len;
	p->value = value;
	p->parent = NONE;
	return KC_OK;
}

int kc_attrib_add_asn(kc_attrib *a, uint32_t asn, uint32_t value, kc_err *err)
{
	char key[5] = { 'A' };
	int rc;

	if (a->built)
		return kc_err_set(err, KC_EINTERNAL, _("the attribution engine is already built"));
	memcpy(key + 1, &asn, 4);
	rc = tab_put(a, key, sizeof(key), value, 0);
	if (rc == KC_EEXIST)
		return kc_err_set(err, rc, _("AS%u is registered twice"), asn);
	return rc ? kc_err_set(err, rc, "%s", kc_strerror(rc)) : KC_OK;
}

/* Domain keys: 'D' + lower-case name without a trailing dot. */
static size_t domain_key(const char *name, size_t n, char *out, size_t cap)
{
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n + 1 > cap)
		return 0;
	out[0] = 'D';
	for (size_t i = 0; i < n; i++)
		out[i + 1] = (char)tolower((unsigned char)name[i]);
	return n + 1;
}

int kc_attrib_add_domain(kc_attrib *a, const char *name, int exact, uint32_t value, kc_err *err)
{
	char key[300];
	size_t n = domain_key(name, strlen(name), key, sizeof(key));
	int rc;

	if (a->built)
		return kc_err_set(err, KC_EINTERNAL, _("the attribution engine is already built"));
	if (n <= 1)
		return kc_err_set(err, KC_EINVAL, _("%s: not a domain name"), name);
	rc = tab_put(a, key, n, value, exact);
	if (rc == KC_EEXIST)
		return kc_err_set(err, rc, _("%s is registered twice"), name);
	return rc ? kc_err_set(err, rc, "%s", kc_strerror(rc)) : KC_OK;
}

static int cmp_prefix(const void *x, const void *y)
{
	const struct prefix *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (int)a->len - (int)b->len; /* the wider first */
}

static int emit(struct family *fm, u128 start, uint32_t entry)
{
	if (fm->nint && fm->starts[fm->nint - 1] == start) {
		fm->entry[fm->nint - 1] = entry;
		if (fm->nint >= 2 && fm->entry[fm->nint - 2] == entry)
			fm->nint--;
		return KC_OK;
	}
	if (fm->nint && fm->entry[fm->nint - 1] == entry)
		return KC_OK;
	fm->starts[fm->nint] = start;
	fm->entry[fm->nint] = entry;
	fm->nint++;
	return KC_OK;
}

static unsigned clz128(u128 x, unsigned bits)
{
	unsigned n = 0;

	for (int b = (int)bits - 1; b >= 0 && !((x >> b) & 1); b--)
		n++;
	return n;
}

/* Index positions [lo, hi) whose keys share the bits above `top` (exclusive
 * count from the least significant bit): returns a node index or NONE. */
static uint32_t build_node(struct family *fm, size_t lo, size_t hi, unsigned top, unsigned stride, size_t *mem)
{
	unsigned common, shift, width;
	struct node nd;
	uint32_t id;

	/* Skip the bits every key in the range shares. */
	common = clz128((fm->starts[lo] ^ fm->starts[hi - 1]) & ones(top), top);
	top -= common;
	if (top == 0)
		return NONE;
	width = top < stride ? top : stride;
	shift = top - width;
	memset(&nd, 0, sizeof(nd));
	nd.pmask = ~ones(top) & ones(fm->bits);
	nd.prefix = fm->starts[lo] & nd.pmask;
	nd.shift = (uint8_t)shift;
	nd.stride = (uint8_t)width;
	nd.pos = malloc(((size_t)1 << width) * sizeof(uint32_t) + sizeof(uint32_t));
	nd.child = malloc(((size_t)1 << width) * sizeof(uint32_t));
	if (!nd.pos || !nd.child) {
		free(nd.pos);
		free(nd.child);
		return NONE - 1;
	}
	*mem += ((size_t)2 << width) * sizeof(uint32_t) + sizeof(struct node);
	{
		size_t p = lo, buckets = (size_t)1 << width;

		for (size_t b = 0; b < buckets; b++) {
			while (p < hi && (size_t)((fm->starts[p] >> shift) & ones(width)) < b)
				p++;
			nd.pos[b] = (uint32_t)p;
			nd.child[b] = NONE;
		}
		nd.pos[buckets] = (uint32_t)hi;
	}
	if (fm->nnodes == fm->nodes_cap) {
		size_t cap = fm->nodes_cap ? fm->nodes_cap * 2 : 16;
		struct node *nn = realloc(fm->nodes, cap * sizeof(*nn));

		if (!nn) {
			free(nd.pos);
			free(nd.child);
			return NONE - 1;
		}
		fm->nodes = nn;
		fm->nodes_cap = cap;
	}
	id = (uint32_t)fm->nnodes++;
	fm->nodes[id] = nd;
	for (size_t b = 0; b < ((size_t)1 << width); b++) {
		uint32_t blo = fm->nodes[id].pos[b], bhi = fm->nodes[id].pos[b + 1], ch;

		if (bhi - blo <= LEAF_MAX || shift == 0)
			continue;
		ch = build_node(fm, blo, bhi, shift, 8, mem);
		if (ch == NONE - 1)
			return NONE - 1;
		fm->nodes[id].child[b] = ch;
	}
	return id;
}

static int build_family(struct family *fm, size_t *mem)
{
	uint32_t *stack;
	size_t sp = 0;

	if (fm->n)
		qsort(fm->p, fm->n, sizeof(*fm->p), cmp_prefix);
	fm->starts = malloc((2 * fm->n + 2) * sizeof(*fm->starts));
	fm->entry = malloc((2 * fm->n + 2) * sizeof(*fm->entry));
	stack = malloc((fm->n + 1) * sizeof(*stack));
	if (!fm->starts || !fm->entry || !stack) {
		free(stack);
		return KC_ENOMEM;
	}
	*mem += fm->n * sizeof(*fm->p) + (2 * fm->n + 2) * (sizeof(*fm->starts) + sizeof(*fm->entry));
	emit(fm, 0, NONE);
	for (size_t i = 0; i < fm->n; i++) {
		struct prefix *p = &fm->p[i];

		while (sp && fm->p[stack[sp - 1]].end < p->start) {
			u128 after = fm->p[stack[--sp]].end + 1;

			emit(fm, after, sp ? stack[sp - 1] : NONE);
		}
		p->parent = sp ? stack[sp - 1] : NONE;
		emit(fm, p->start, (uint32_t)i);
		stack[sp++] = (uint32_t)i;
	}
	while (sp) {
		u128 end = fm->p[stack[--sp]].end;

		if (end != ones(fm->bits))
			emit(fm, end + 1, sp ? stack[sp - 1] : NONE);
	}
	free(stack);
	fm->val = malloc((fm->nint + 1) * sizeof(*fm->val));
	if (!fm->val)
		return KC_ENOMEM;
	for (size_t i = 0; i < fm->nint; i++)
		fm->val[i] = fm->entry[i] == NONE ? 0 : fm->p[fm->entry[i]].value;
	*mem += fm->nint * sizeof(*fm->val);
	if (fm->bits == 32) {
		fm->starts32 = malloc((fm->nint + 1) * sizeof(*fm->starts32));
		if (!fm->starts32)
			return KC_ENOMEM;
		for (size_t i = 0; i < fm->nint; i++)
			fm->starts32[i] = (uint32_t)fm->starts[i];
		*mem += fm->nint * sizeof(*fm->starts32);
	}
	/* The root's width grows with the data, up to 16 bits (512 KiB of index). */
	if (fm->nint > LEAF_MAX) {
		unsigned stride = 4;

		while (stride < 16 && ((size_t)1 << stride) < fm->nint)
			stride++;
		if (build_node(fm, 0, fm->nint, fm->bits, stride, mem) == NONE - 1)
			return KC_ENOMEM;
	}
	return KC_OK;
}

int kc_attrib_build(kc_attrib *a, kc_err *err)
{
	size_t mem = sizeof(*a) + a->tcap * sizeof(*a->tab);

	if (a->built)
		return KC_OK;
	for (size_t i = 0; i < a->tcap; i++)
		mem += a->tab[i].klen;
	for (int f = 0; f < 2; f++)
		if (build_family(&a->fam[f], &mem))
			return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	a->mem = mem;
	a->built = 1;
	return KC_OK;
}

/* The interval holding key: index into starts/entry. */
static size_t find_interval(const struct family *fm, u128 key)
{
	size_t lo = 0, hi = fm->nint;

	if (fm->nnodes) {
		const struct node *nd = &fm->nodes[0];

		for (;;) {
			size_t b;

			if ((key & nd->pmask) != nd->prefix) {
				/* key is outside every key under this node */
				if (key < nd->prefix)
					return lo ? lo - 1 : 0;
				return hi - 1;
			}
			b = (size_t)((key >> nd->shift) & ones(nd->stride));
			lo = nd->pos[b];
			hi = nd->pos[b + 1];
			if (nd->child[b] == NONE)
				break;
			nd = &fm->nodes[nd->child[b]];
		}
	}
	/* Last start <= key in [lo, hi); if none, the interval before lo. */
	if (fm->starts32) {
		uint32_t k32 = (uint32_t)key;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (fm->starts32[mid] <= k32)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo ? lo - 1 : 0;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fm->starts[mid] <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

static uint64_t be64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static const struct family *family_for(const kc_attrib *a, const kc_ip *ip, u128 *key)
{
	if (ip->family == 4) {
		*key = (u128)(be64(ip->bytes) >> 32);
		return &a->fam[0];
	}
	*key = (u128)be64(ip->bytes) << 64 | be64(ip->bytes + 8);
	/* ::ffff:a.b.c.d is IPv4 */
	if ((*key >> 32) == 0xffff) {
		*key &= 0xffffffffu;
		return &a->fam[0];
	}
	return &a->fam[1];
}

int kc_attrib_ip1(const kc_attrib *a, const kc_ip *ip, uint32_t *value)
{
	u128 key;
	const struct family *fm = family_for(a, ip, &key);
	size_t i;

	if (!fm->nint)
		return 0;
	i = find_interval(fm, key);
	if (fm->entry[i] == NONE)
		return 0;
	*value = fm->val[i];
	return 1;
}

static int chain(const struct family *fm, uint32_t e, unsigned maxlen, unsigned exactlen, kc_attrib_hit *hits,
		 int max)
{
	int n = 0;

	for (; e != NONE && n < max; e = fm->p[e].parent) {
		if (fm->p[e].len > maxlen)
			continue;
		hits[n].value = fm->p[e].value;
		hits[n].plen = fm->p[e].len;
		hits[n].exact = fm->p[e].len == exactlen;
		n++;
	}
	return n;
}

int kc_attrib_ip(const kc_attrib *a, const kc_ip *ip, kc_attrib_hit *hits, int max)
{
	u128 key;
	const struct family *fm = family_for(a, ip, &key);

	if (!fm->nint || max <= 0)
		return 0;
	return chain(fm, fm->entry[find_interval(fm, key)], fm->bits, fm->bits, hits, max);
}

int kc_attrib_prefix(const kc_attrib *a, const kc_cidr *p, kc_attrib_hit *hits, int max)
{
	kc_cidr c = *p;
	const struct family *fm;
	u128 key;

	if (c.addr.family == 6 && c.len >= 96 && kc_ip_unmap(&c.addr).family == 4) {
		c.addr = kc_ip_unmap(&c.addr);
		c.len = (uint8_t)(c.len - 96);
	}
	fm = family_for(a, &c.addr, &key);
	if (!fm->nint || max <= 0)
		return 0;
	return chain(fm, fm->entry[find_interval(fm, key)], c.len, c.len, hits, max);
}

int kc_attrib_asn(const kc_attrib *a, uint32_t asn, uint32_t *value)
{
	char key[5] = { 'A' };
	const struct hent *e;

	memcpy(key + 1, &asn, 4);
	e = tab_find(a, key, sizeof(key));
	if (!e)
		return 0;
	*value = e->value;
	return 1;
}

int kc_attrib_domain(const kc_attrib *a, const char *name, size_t n, kc_attrib_hit *hits, int max)
{
	char key[300];
	size_t klen = domain_key(name, n, key, sizeof(key)), labels = 1, at;
	int cnt = 0;

	if (klen <= 1 || max <= 0)
		return 0;
	for (size_t i = 1; i < klen; i++)
		labels += key[i] == '.';
	/* The full name, then each parent: "D" + suffix, built in place. */
	for (at = 1; at < klen && cnt < max; labels--) {
		const struct hent *e;
		char save = key[at - 1];

		key[at - 1] = 'D';
		e = tab_find(a, key + at - 1, klen - at + 1);
		key[at - 1] = save;
		if (e && (!e->exact || at == 1)) {
			hits[cnt].value = e->value;
			hits[cnt].plen = (uint8_t)labels;
			hits[cnt].exact = at == 1;
			cnt++;
		}
		while (at < klen && key[at] != '.')
			at++;
		at++;
	}
	return cnt;
}

size_t kc_attrib_memory(const kc_attrib *a)
{
	return a->mem;
}
