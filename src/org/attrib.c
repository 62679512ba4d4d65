/*
 * attrib.c - the attribution engine: longest-prefix match over IPv4 and IPv6
 * prefixes, AS numbers, and domain names by suffix.
 *
 * Prefixes. kc_attrib_build sorts the prefixes of one family (by start, the
 * wider first) and sweeps them with a stack into a sorted array of disjoint
 * intervals that together cover the whole address space, each naming the most
 * specific prefix that covers it, or none; on the way every prefix learns its
 * parent, the nearest prefix around it, so the whole chain of covering entries
 * is a walk up from one interval. A lookup is then "the last interval start at
 * or below the address". Keys are integers: uint32 for IPv4 (sixteen keys to
 * a cache line), unsigned __int128 for IPv6; beside each start sits a slot
 * holding the entry and its value, so a hit costs one more cache line.
 *
 * The search is narrowed by a radix index over the interval starts. Each node
 * first skips the bits that every start below it shares, then indexes the
 * next `stride` bits with one bucket per value, holding the first interval
 * of the bucket and, when the bucket has more starts than one leaf search
 * covers (16 for IPv4, 8 for IPv6), a child node. The root has up to 16 bits:
 * the 16 right after the leading bits all registered starts share, so that
 * for IPv6 it spreads the allocations instead of indexing the 2000::/3 every
 * global address sits in. A child gets as many bits (up to 16) as give
 * about two starts a bucket, so that a crowded /32 is spread in one step
 * and the index stays near the size of the interval array. An
 * address outside the shared bits of a node lies below or above every start
 * under it, which the node answers without a search. A lookup walks one to
 * three nodes and ends in a binary search with no branches and a fixed number
 * of steps (4 for IPv4, 3 for IPv6), so it costs no mispredictions.
 * bench/whois.c measures it against a linear scan; the randomised
 * cross-checks in tests/unit/org/test_attrib.c and fuzz/fuzz_attrib.c keep
 * it honest.
 *
 * IPv4-mapped IPv6 addresses and prefixes inside ::ffff:0:0/96 are IPv4.
 *
 * Domains and AS numbers live in one open-addressing hash table keyed by
 * bytes (a kind letter, then the AS number or the lower-case name); a domain
 * lookup tries the full name and then each parent suffix, so its cost is one
 * probe per label. Prefixes are checked for duplicates while they are added
 * with a hash set of their own, dropped at build time.
 *
 * The engine is built once and then only read, so lookups need no locks.
 */
#include "org/attrib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kc.h"

typedef unsigned __int128 u128;

#define NONE UINT32_MAX
#define LEAF4 16	   /* IPv4 starts a leaf search covers: one cache line */
#define LEAF6 8	   /* IPv6 starts a leaf search covers: two cache lines */
#define ROOT_STRIDE 16	   /* bits the root indexes at most */
#define CHILD_STRIDE 16   /* bits a child indexes at most */
#define DOMAIN_MAX 253	   /* bytes in a domain name, without a trailing dot */
#define DOMAIN_LABEL_MAX 63

/* A prefix as added; sorted and swept at build time, then freed. */
struct prefix {
	u128 start, end;
	uint32_t value;
	uint8_t len;
};

/* A prefix after the build, in sorted order: what the chain walk needs. */
struct entry {
	uint32_t value;
	uint32_t parent; /* index of the nearest covering entry, or NONE */
	uint8_t len;
};

/* Interval i: the entry covering it (or NONE) and that entry's value. */
struct slot {
	uint32_t entry;
	uint32_t value;
};

struct bucket {
	uint32_t pos;	/* the first interval whose start falls in this bucket */
	uint32_t child; /* node index + 1, or 0 for a leaf */
};

struct node {
	u128 prefix, pmask; /* every start below has (start & pmask) == prefix */
	uint32_t base;	    /* first of 2^stride + 1 buckets in family.buckets */
	uint8_t shift, stride;
};

struct family {
	unsigned bits;	      /* 32 or 128 */
	unsigned leaf;	      /* LEAF4 or LEAF6 */
	struct prefix *p;     /* while adding */
	size_t n, cap;
	uint32_t *set;	      /* while adding: p index + 1, open addressing */
	size_t set_cap;
	struct entry *e;      /* after the build: n entries */
	uint32_t *keys32;     /* IPv4 interval starts */
	u128 *keys128;	      /* IPv6 interval starts */
	struct slot *slot;
	size_t nint;
	size_t root_lo;	      /* the root indexes intervals [root_lo, nint) */
	size_t win, win_lo_max; /* leaf search: min(leaf, nint) starts from at most nint - win */
	struct node *nodes;
	size_t nnodes, nodes_cap;
	struct bucket *buckets;
	size_t nbuckets, buckets_cap;
};

/* Hash table entry: domains ('D' + name) and AS numbers ('A' + 4 bytes). */
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

static uint64_t hash_bytes(const void *data, size_t n)
{
	const unsigned char *k = data;
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= k[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static int tab_grow(kc_attrib *a)
{
	size_t cap = a->tcap ? a->tcap * 2 : 64;
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
		a->fam[0].leaf = LEAF4;
		a->fam[1].bits = 128;
		a->fam[1].leaf = LEAF6;
	}
	return a;
}

static void family_release(struct family *fm)
{
	free(fm->p);
	free(fm->set);
	free(fm->e);
	free(fm->keys32);
	free(fm->keys128);
	free(fm->slot);
	free(fm->nodes);
	free(fm->buckets);
}

void kc_attrib_free(kc_attrib *a)
{
	if (!a)
		return;
	family_release(&a->fam[0]);
	family_release(&a->fam[1]);
	for (size_t i = 0; i < a->tcap; i++)
		free(a->tab[i].key);
	free(a->tab);
	free(a);
}

static u128 ones(unsigned n) /* the low n bits set, n <= 128 */
{
	return n >= 128 ? ~(u128)0 : (((u128)1 << n) - 1);
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

static uint32_t be32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static int is_mapped(const uint8_t *b)
{
	return !memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
}

/* The family an address is looked up in, and its key there. */
static const struct family *family_for(const kc_attrib *a, const kc_ip *ip, u128 *key)
{
	uint64_t hi, lo;

	if (ip->family == 4) {
		*key = be32(ip->bytes);
		return &a->fam[0];
	}
	hi = be64(ip->bytes);
	lo = be64(ip->bytes + 8);
	if (hi == 0 && lo >> 32 == 0xffff) { /* ::ffff:a.b.c.d is IPv4 */
		*key = (uint32_t)lo;
		return &a->fam[0];
	}
	*key = (u128)hi << 64 | lo;
	return &a->fam[1];
}

/* A prefix inside ::ffff:0:0/96 becomes the IPv4 prefix it maps. */
static kc_cidr unmap_prefix(const kc_cidr *p)
{
	kc_cidr c = *p;

	if (c.addr.family == 6 && c.len >= 96 && is_mapped(c.addr.bytes)) {
		c.addr = kc_ip_unmap(&c.addr);
		c.len = (uint8_t)(c.len - 96);
	}
	return c;
}

static uint64_t prefix_hash(u128 start, uint8_t len)
{
	uint64_t k[3] = { (uint64_t)(start >> 64), (uint64_t)start, len };

	return hash_bytes(k, sizeof(k));
}

/* The duplicate check while adding: index of the same prefix, or NONE. */
static uint32_t set_find(const struct family *fm, u128 start, uint8_t len)
{
	if (!fm->set_cap)
		return NONE;
	for (size_t j = prefix_hash(start, len) & (fm->set_cap - 1);; j = (j + 1) & (fm->set_cap - 1)) {
		uint32_t i = fm->set[j];

		if (!i)
			return NONE;
		if (fm->p[i - 1].start == start && fm->p[i - 1].len == len)
			return i - 1;
	}
}

static void set_put(struct family *fm, uint32_t i)
{
	size_t j = prefix_hash(fm->p[i].start, fm->p[i].len) & (fm->set_cap - 1);

	while (fm->set[j])
		j = (j + 1) & (fm->set_cap - 1);
	fm->set[j] = i + 1;
}

static int family_reserve(struct family *fm)
{
	if (fm->n == fm->cap) {
		size_t cap = fm->cap ? fm->cap * 2 : 64;
		struct prefix *np = realloc(fm->p, cap * sizeof(*np));

		if (!np)
			return KC_ENOMEM;
		fm->p = np;
		fm->cap = cap;
	}
	if ((fm->n + 1) * 2 > fm->set_cap) {
		size_t cap = fm->set_cap ? fm->set_cap * 2 : 128;
		uint32_t *ns = calloc(cap, sizeof(*ns));

		if (!ns)
			return KC_ENOMEM;
		free(fm->set);
		fm->set = ns;
		fm->set_cap = cap;
		for (size_t i = 0; i < fm->n; i++)
			set_put(fm, (uint32_t)i);
	}
	return KC_OK;
}

static int already_built(kc_err *err)
{
	return kc_err_set(err, KC_EINTERNAL, _("the attribution engine is already built"));
}

int kc_attrib_add_prefix(kc_attrib *a, const kc_cidr *prefix, uint32_t value, kc_err *err)
{
	kc_cidr c = unmap_prefix(prefix);
	char text[KC_CIDR_STRLEN];
	struct family *fm;
	struct prefix *p;
	u128 start;

	if (a->built)
		return already_built(err);
	if ((c.addr.family != 4 && c.addr.family != 6) || c.len > (c.addr.family == 4 ? 32 : 128))
		return kc_err_set(err, KC_EINVAL, _("not an IPv4 or IPv6 prefix"));
	fm = &a->fam[c.addr.family == 4 ? 0 : 1];
	start = c.addr.family == 4 ? be32(c.addr.bytes) : (u128)be64(c.addr.bytes) << 64 | be64(c.addr.bytes + 8);
	if (start & ones(fm->bits - c.len)) {
		char net[KC_CIDR_STRLEN];
		kc_cidr masked = c;

		for (unsigned bit = c.len; bit < fm->bits; bit++)
			masked.addr.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
		return kc_err_set(err, KC_EINVAL, _("%s: host bits are set; did you mean %s?"), kc_cidr_format(&c, text),
				  kc_cidr_format(&masked, net));
	}
	if (set_find(fm, start, c.len) != NONE)
		return kc_err_set(err, KC_EEXIST, _("%s is registered twice"), kc_cidr_format(&c, text));
	if (fm->n >= NONE - 1 || family_reserve(fm))
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	p = &fm->p[fm->n];
	p->start = start;
	p->end = start | ones(fm->bits - c.len);
	p->len = c.len;
	p->value = value;
	set_put(fm, (uint32_t)fm->n);
	fm->n++;
	return KC_OK;
}

int kc_attrib_add_asn(kc_attrib *a, uint32_t asn, uint32_t value, kc_err *err)
{
	char key[5] = { 'A' };
	int rc;

	if (a->built)
		return already_built(err);
	memcpy(key + 1, &asn, 4);
	rc = tab_put(a, key, sizeof(key), value, 0);
	if (rc == KC_EEXIST)
		return kc_err_set(err, rc, _("AS%u is registered twice"), asn);
	return rc ? kc_err_set(err, rc, "%s", kc_strerror(rc)) : KC_OK;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The table key of a domain name: 'D', then the name in lower case without a
 * trailing dot. Returns its length, or 0 when name is not a well-formed name
 * (empty, an empty label, a label over 63 or a name over 253 bytes, a byte
 * that is not printable ASCII). */
static size_t domain_key(const char *name, size_t n, char out[DOMAIN_MAX + 1])
{
	size_t label = 0;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > DOMAIN_MAX)
		return 0;
	out[0] = 'D';
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (c <= ' ' || c >= 0x7f)
			return 0;
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (++label > DOMAIN_LABEL_MAX) {
			return 0;
		}
		out[i + 1] = ascii_lower(c);
	}
	return label ? n + 1 : 0;
}

int kc_attrib_add_domain(kc_attrib *a, const char *name, int exact, uint32_t value, kc_err *err)
{
	char key[DOMAIN_MAX + 1], shown[80];
	size_t n = strlen(name), klen = domain_key(name, n, key);
	int rc;

	if (a->built)
		return already_built(err);
	if (klen == 0) {
		size_t i, k = 0;

		for (i = 0; i < n && k + 4 < sizeof(shown); i++)
			shown[k++] = name[i] > ' ' && name[i] < 0x7f ? name[i] : '?';
		if (i < n)
			k += (size_t)snprintf(shown + k, sizeof(shown) - k, "...");
		shown[k] = '\0';
		return kc_err_set(err, KC_EINVAL, _("%s: not a domain name"), shown);
	}
	rc = tab_put(a, key, klen, value, exact);
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

/* Append interval [start, ...) -> entry to the sweep's output, merging. */
static void emit(u128 *starts, uint32_t *ent, size_t *nint, u128 start, uint32_t entry)
{
	size_t k = *nint;

	if (k && starts[k - 1] == start) { /* the later wins an empty interval */
		ent[k - 1] = entry;
		if (k >= 2 && ent[k - 2] == entry)
			(*nint)--;
		return;
	}
	if (k && ent[k - 1] == entry)
		return;
	starts[k] = start;
	ent[k] = entry;
	(*nint)++;
}

static unsigned bitlen128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;

	if (hi)
		return 128 - (unsigned)__builtin_clzll(hi);
	return lo ? 64 - (unsigned)__builtin_clzll(lo) : 0;
}

/* The smallest stride whose 2^stride buckets hold about `per` starts each. */
static unsigned stride_for(size_t count, size_t per, unsigned lo, unsigned hi)
{
	unsigned s = lo;

	while (s < hi && ((size_t)per << s) < count)
		s++;
	return s;
}

/* Index the starts [lo, hi) (more than fm->leaf of them, all equal above bit
 * `top`): append a node, and children for big buckets. Returns the node's
 * index, or NONE when out of memory. */
static uint32_t build_node(struct family *fm, const u128 *starts, size_t lo, size_t hi, unsigned top,
			   unsigned stride)
{
	unsigned width, shift;
	size_t nb, base, p = lo;
	struct node nd;
	uint32_t id;

	top = bitlen128((starts[lo] ^ starts[hi - 1]) & ones(top)); /* skip the shared bits */
	width = top < stride ? top : stride;
	shift = top - width;
	nb = (size_t)1 << width;
	if (fm->nnodes == fm->nodes_cap) {
		size_t cap = fm->nodes_cap ? fm->nodes_cap * 2 : 16;
		struct node *nn = realloc(fm->nodes, cap * sizeof(*nn));

		if (!nn)
			return NONE;
		fm->nodes = nn;
		fm->nodes_cap = cap;
	}
	if (fm->nbuckets + nb + 1 > fm->buckets_cap) {
		size_t cap = fm->buckets_cap ? fm->buckets_cap * 2 : 1024;
		struct bucket *b;

		while (cap < fm->nbuckets + nb + 1)
			cap *= 2;
		b = realloc(fm->buckets, cap * sizeof(*b));
		if (!b)
			return NONE;
		fm->buckets = b;
		fm->buckets_cap = cap;
	}
	base = fm->nbuckets;
	fm->nbuckets += nb + 1;
	nd.pmask = ones(fm->bits) & ~ones(top);
	nd.prefix = starts[lo] & nd.pmask;
	nd.base = (uint32_t)base;
	nd.shift = (uint8_t)shift;
	nd.stride = (uint8_t)width;
	id = (uint32_t)fm->nnodes++;
	fm->nodes[id] = nd;
	for (size_t b = 0; b <= nb; b++) {
		while (p < hi && (size_t)(starts[p] >> shift & ones(width)) < b)
			p++;
		fm->buckets[base + b].pos = (uint32_t)p;
		fm->buckets[base + b].child = 0;
	}
	fm->buckets[base + nb].pos = (uint32_t)hi;
	for (size_t b = 0; b < nb; b++) {
		size_t blo = fm->buckets[base + b].pos, bhi = fm->buckets[base + b + 1].pos;
		uint32_t child;

		if (bhi - blo <= fm->leaf)
			continue;
		child = build_node(fm, starts, blo, bhi, shift, stride_for(bhi - blo, 2, 1, CHILD_STRIDE));
		if (child == NONE)
			return NONE;
		fm->buckets[base + b].child = child + 1;
	}
	return id;
}

static int build_family(struct family *fm)
{
	u128 *starts = NULL;
	uint32_t *ent = NULL, *stack = NULL;
	size_t sp = 0, nint = 0;
	int rc = KC_ENOMEM;

	free(fm->set);
	fm->set = NULL;
	fm->set_cap = 0;
	if (fm->n)
		qsort(fm->p, fm->n, sizeof(*fm->p), cmp_prefix);
	starts = malloc((2 * fm->n + 1) * sizeof(*starts));
	ent = malloc((2 * fm->n + 1) * sizeof(*ent));
	stack = malloc((fm->n + 1) * sizeof(*stack));
	fm->e = malloc((fm->n + 1) * sizeof(*fm->e));
	if (!starts || !ent || !stack || !fm->e)
		goto out;
	/* The sweep: the stack holds the prefixes around the current start. */
	emit(starts, ent, &nint, 0, NONE);
	for (size_t i = 0; i < fm->n; i++) {
		const struct prefix *p = &fm->p[i];

		while (sp && fm->p[stack[sp - 1]].end < p->start) {
			u128 after = fm->p[stack[--sp]].end + 1;

			emit(starts, ent, &nint, after, sp ? stack[sp - 1] : NONE);
		}
		fm->e[i].value = p->value;
		fm->e[i].len = p->len;
		fm->e[i].parent = sp ? stack[sp - 1] : NONE;
		emit(starts, ent, &nint, p->start, (uint32_t)i);
		stack[sp++] = (uint32_t)i;
	}
	while (sp) {
		u128 end = fm->p[stack[--sp]].end;

		if (end != ones(fm->bits))
			emit(starts, ent, &nint, end + 1, sp ? stack[sp - 1] : NONE);
	}
	fm->nint = nint;
	fm->win = nint < fm->leaf ? nint : fm->leaf;
	fm->win_lo_max = nint - fm->win;
	fm->slot = malloc(nint * sizeof(*fm->slot));
	if (!fm->slot)
		goto out;
	for (size_t i = 0; i < nint; i++) {
		fm->slot[i].entry = ent[i];
		fm->slot[i].value = ent[i] == NONE ? 0 : fm->e[ent[i]].value;
	}
	if (fm->bits == 32) {
		fm->keys32 = malloc(nint * sizeof(*fm->keys32));
		if (!fm->keys32)
			goto out;
		for (size_t i = 0; i < nint; i++)
			fm->keys32[i] = (uint32_t)starts[i];
	} else {
		fm->keys128 = malloc(nint * sizeof(*fm->keys128));
		if (!fm->keys128)
			goto out;
		memcpy(fm->keys128, starts, nint * sizeof(*starts));
	}
	/* The index leaves out the first interval (the one from address 0) so
	 * that the root skips the leading bits the registered prefixes share; an
	 * address below them all lands in it through the root's bounds check. */
	fm->root_lo = nint > 1 ? 1 : 0;
	if (nint - fm->root_lo > fm->leaf &&
	    build_node(fm, starts, fm->root_lo, nint, fm->bits,
		       stride_for(nint - fm->root_lo, 1, 4, ROOT_STRIDE)) == NONE)
		goto out;
	rc = KC_OK;
out:
	free(fm->p);
	fm->p = NULL;
	free(starts);
	free(ent);
	free(stack);
	return rc;
}

static size_t family_memory(const struct family *fm)
{
	return fm->n * sizeof(*fm->e) + fm->nint * (sizeof(*fm->slot) + (fm->bits == 32 ? 4 : 16)) +
	       fm->nnodes * sizeof(*fm->nodes) + fm->nbuckets * sizeof(*fm->buckets);
}

int kc_attrib_build(kc_attrib *a, kc_err *err)
{
	size_t mem = sizeof(*a) + a->tcap * sizeof(*a->tab);

	if (a->built)
		return KC_OK;
	for (int f = 0; f < 2; f++) {
		if (build_family(&a->fam[f]) == KC_OK)
			continue;
		/* Leave nothing half-built behind: an engine that finds nothing. */
		for (int g = 0; g < 2; g++) {
			struct family *fm = &a->fam[g];
			unsigned bits = fm->bits, leaf = fm->leaf;

			family_release(fm);
			memset(fm, 0, sizeof(*fm));
			fm->bits = bits;
			fm->leaf = leaf;
		}
		a->built = 1;
		return kc_err_set(err, KC_ENOMEM, "%s", kc_strerror(KC_ENOMEM));
	}
	for (size_t i = 0; i < a->tcap; i++)
		mem += a->tab[i].klen;
	mem += family_memory(&a->fam[0]) + family_memory(&a->fam[1]);
	a->mem = mem;
	a->built = 1;
	return KC_OK;
}

/* The interval holding key: the last one starting at or below it. */
static size_t find_interval(const struct family *fm, u128 key)
{
	size_t lo = fm->root_lo, hi = fm->nint, len;

	if (fm->nnodes) {
		const struct node *nd = fm->nodes;

		for (;;) {
			const struct bucket *bk;

			if ((key & nd->pmask) != nd->prefix) /* below or above every start here */
				return key < nd->prefix ? lo - 1 : hi - 1;
			bk = &fm->buckets[nd->base + (size_t)(key >> nd->shift & (((u128)1 << nd->stride) - 1))];
			lo = bk[0].pos;
			hi = bk[1].pos;
			if (!bk[0].child)
				break;
			nd = &fm->nodes[bk[0].child - 1];
		}
	}
	/* Branch-free, and the same number of steps every time: search a window
	 * of `leaf` starts from lo whatever the bucket holds (it holds at most
	 * that many). The starts after the bucket are above key and those before
	 * lo at or below it, so the window may run past the bucket, and near the
	 * end of the array it may start before lo. Keep the last start <= key in
	 * [base, base + len). */
	(void)hi;
	lo = lo < fm->win_lo_max ? lo : fm->win_lo_max;
	len = fm->win;
	if (fm->keys32) {
		const uint32_t *base = fm->keys32 + lo;
		uint32_t k = (uint32_t)key;

		while (len > 1) {
			size_t half = len / 2;

			base = base[half] <= k ? base + half : base;
			len -= half;
		}
		return (size_t)(base - fm->keys32) - (*base > k);
	} else {
		const u128 *base = fm->keys128 + lo;

		while (len > 1) {
			size_t half = len / 2;

			base = base[half] <= key ? base + half : base;
			len -= half;
		}
		return (size_t)(base - fm->keys128) - (*base > key);
	}
}

int kc_attrib_ip1(const kc_attrib *a, const kc_ip *ip, uint32_t *value)
{
	u128 key;
	const struct family *fm = family_for(a, ip, &key);
	const struct slot *s;

	if (!fm->nint)
		return 0;
	s = &fm->slot[find_interval(fm, key)];
	if (s->entry == NONE)
		return 0;
	*value = s->value;
	return 1;
}

/* The chain of entries from e up, skipping those longer than maxlen. */
static int chain(const struct family *fm, uint32_t e, unsigned maxlen, kc_attrib_hit *hits, int max)
{
	int n = 0;

	for (; e != NONE && n < max; e = fm->e[e].parent) {
		if (fm->e[e].len > maxlen)
			continue;
		hits[n].value = fm->e[e].value;
		hits[n].plen = fm->e[e].len;
		hits[n].exact = fm->e[e].len == maxlen;
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
	return chain(fm, fm->slot[find_interval(fm, key)].entry, fm->bits, hits, max);
}

int kc_attrib_prefix(const kc_attrib *a, const kc_cidr *p, kc_attrib_hit *hits, int max)
{
	kc_cidr c = unmap_prefix(p);
	const struct family *fm;
	u128 key;

	fm = family_for(a, &c.addr, &key);
	if (!fm->nint || max <= 0 || c.len > fm->bits)
		return 0;
	/* Entries that contain p contain its first address and are no longer. */
	return chain(fm, fm->slot[find_interval(fm, key)].entry, c.len, hits, max);
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
	char key[DOMAIN_MAX + 1];
	size_t klen = domain_key(name, n, key), labels = 1, at = 1;
	int cnt = 0;

	if (klen == 0 || max <= 0)
		return 0;
	for (size_t i = 1; i < klen; i++)
		labels += key[i] == '.';
	/* The full name, then each parent: 'D' + suffix, written over the dot. */
	while (cnt < max) {
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
		if (at == klen)
			break;
		at++;
		labels--;
	}
	return cnt;
}

size_t kc_attrib_memory(const kc_attrib *a)
{
	return a->mem;
}
