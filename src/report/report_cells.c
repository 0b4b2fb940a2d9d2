/*
 * report_cells.c - compact per-day cells for the episodes and the
 * insights; see report_cells.h.
 *
 * Entries are numbered in the order they were created, so an entry's
 * index is also its rank among the rows that named it first; an
 * open-addressing table of indexes per day finds them by key.  A year
 * can hold millions of entries: each is 24 bytes, kept in fixed blocks
 * that never move (no copy and no doubled array when they grow), and the
 * tables go once the rows are in.  Strings are interned once and named by number
 * (report_tally.h).
 */
#include "report_cells.h"
#include "report_tally.h"
#include "array_grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* RESERVE(x, cap_x, n): array_grow() in place; 0, or -1 when out of memory. */
#define RESERVE(ptr, cap, n) \
	((tmp = array_grow((ptr), &(cap), (n), sizeof(*(ptr)))) == NULL ? -1 : \
	((ptr) = tmp, 0))

/*
 * An episode cell (EP) has its reporters, receiving IPs and sessions
 * under an enforcing policy as entries of their own; so has an insight
 * cell (IN) its MX hosts and reporters.  EP..EP_LAST are the episodes'.
 */
enum kind { EP = 1, EP_ORG, EP_IP, EP_ENF, IN, IN_MX, IN_ORG };
#define EP_LAST		EP_ENF

/*
 * The key is (kind, dom, key, day, sub); an EP cell's sub is not part of
 * it but holds the number of receiving IPs kept under the cell and
 * whether its rows came under an enforcing policy: all (its sessions are
 * all enforced), none, or both, when an EP_ENF entry keeps the sum.
 */
struct entry {
	uint32_t dom, key;		/* strings */
	uint32_t sub;			/* a string under the cell; EP: IPs kept */
	uint32_t kday;			/* kind << 24 | day + DAY_BIAS */
	long long v;			/* failed sessions */
};

#define EP_IPS		0x7u		/* EP sub: receiving IPs kept */
#define EP_ON		0x8u		/* EP sub: rows under an enforcing policy */
#define EP_OFF		0x10u		/* EP sub: rows under no enforcing policy */
#if REPORT_CELLS_MAX_IPS > EP_IPS
#error "EP_IPS cannot count REPORT_CELLS_MAX_IPS"
#endif

/* Any RFC 3339 date, 0000-9999, has a day in [-DAY_BIAS, DAY_BIAS). */
#define DAY_BIAS	(1L << 23)
#define KIND(e)		((enum kind)((e)->kday >> 24))
#define DAY(e)		((long)((e)->kday & 0xffffff) - DAY_BIAS)

#define BLOCK_BITS	15		/* 32768 entries, 768 KB a block */
#define BLOCK_SIZE	((size_t)1 << BLOCK_BITS)

/*
 * A day's lookup table: per slot the high half of an entry's hash, then
 * its index + 1 (0: empty); a probe compares the hashes before it reads
 * an entry.
 */
struct day_tab {
	long day;
	uint64_t *tab;
	size_t mask, n;
};

/*
 * A small map of 64-bit keys to non-zero ids: slot 2j holds a key, 2j+1
 * its id (0: empty).  The days and the episode keys' pairs each have one.
 */
struct idmap {
	uint64_t *slot;
	size_t mask, n;
};

/* An episode entry of a domain, with what it sorts by. */
struct ep_sort {
	uint32_t rank;			/* of its key */
	int32_t day;
	uint32_t idx;			/* creation order */
};

/*
 * The arrays report_cells_episodes() and report_cells_insight() fill for
 * one domain; a reader that gathers in a thread of its own brings its
 * own (report_cells_scratch_new()).
 */
struct report_cells_scratch {
	struct ep_sort *srt;
	size_t cap_srt;
	uint32_t *kid;			/* a domain's entries per key */
	size_t cap_kid;
	uint32_t *rank_of;		/* string id -> rank of the key */
	struct report_ep_key *keys;
	size_t cap_keys;
	struct report_ep_cell *cells;
	size_t cap_cells;
	struct report_ep_count *orgs, *ips;
	size_t cap_orgs, cap_ips;
	struct report_in_type *in_types;
	size_t cap_in_types;
	struct report_in_day *in_days;
	size_t cap_in_days;
	struct report_ep_count *in_mx, *in_orgs;
	size_t cap_in_mx, cap_in_orgs;
};

struct report_cells {
	struct tally *s;		/* the interned strings: ids from 1 */
	int own_s;			/* S is ours to free */
	struct idmap pairs;		/* (rt, epmx) ids -> the episode key's id */
	struct entry **blk;		/* blocks of BLOCK_SIZE entries */
	size_t n_e, n_blk, cap_blk;
	/*
	 * One lookup table per day: rows come report by report, mostly in
	 * day order, so the table a row probes is small and recently used
	 * (one table over a year's 2.5 million entries missed the cache on
	 * nearly every probe).  Days are found through DAY_MAP (day -> index
	 * + 1), the last one used first.
	 */
	struct day_tab *days;
	size_t n_days, cap_days, last_day;
	struct idmap day_map;
	/* Domains in first-seen order; per domain its entries in order. */
	uint32_t *domains;		/* string ids */
	size_t n_dom, cap_dom;
	uint32_t *dom_of;		/* string id -> domain index + 1 */
	size_t cap_dom_of;
	uint32_t *order;		/* built once by group(); entry indexes */
	size_t *start;
	/* The views' arrays when the caller brings none. */
	struct report_cells_scratch own;
};

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/* The id of S, interned; 0 when out of memory. */
static uint32_t
intern(struct report_cells *c, const char *s)
{
	return tally_str(c->s, s);
}

/* ID when the caller gave one, else S interned. */
static uint32_t
id_of(struct report_cells *c, uint32_t id, const char *s)
{
	return id != 0 ? id : intern(c, s);
}

/* Entry I: blocks never move, so a pointer stays good as entries are added. */
static struct entry *
at(const struct report_cells *c, size_t i)
{
	return &c->blk[i >> BLOCK_BITS][i & (BLOCK_SIZE - 1)];
}

static uint64_t
entry_hash(const struct entry *k)
{
	uint64_t h = mix(k->kday, k->dom);

	h = mix(h, k->key);
	return KIND(k) == EP ? h : mix(h, k->sub);
}

static int
same(const struct entry *a, const struct entry *b)
{
	return a->kday == b->kday && a->dom == b->dom && a->key == b->key &&
	    (KIND(a) == EP || a->sub == b->sub);
}

static int
tab_grow(struct report_cells *c, struct day_tab *d)
{
	size_t cap = d->mask ? (d->mask + 1) * 2 : 64, i;
	uint64_t *t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return -1;
	for (i = 0; i <= d->mask && d->tab != NULL; i++) {
		uint32_t idx = (uint32_t)d->tab[i];
		size_t j;

		if (idx == 0)
			continue;
		j = entry_hash(at(c, idx - 1)) & (cap - 1);
		while (t[j] != 0)
			j = (j + 1) & (cap - 1);
		t[j] = d->tab[i];
	}
	free(d->tab);
	d->tab = t;
	d->mask = cap - 1;
	return 0;
}

/* Small keys in both halves: each goes through the mixing on its own. */
static size_t
idmap_slot(uint64_t key, size_t mask)
{
	return (size_t)mix(mix(0, key >> 32), key & UINT32_MAX) & mask;
}

/* The id of KEY, or 0 when it has none. */
static uint32_t
idmap_get(const struct idmap *m, uint64_t key)
{
	size_t j;

	if (m->slot == NULL)
		return 0;
	for (j = idmap_slot(key, m->mask); m->slot[2 * j + 1] != 0; j = (j + 1) & m->mask)
		if (m->slot[2 * j] == key)
			return (uint32_t)m->slot[2 * j + 1];
	return 0;
}

/* Give KEY, which has none yet, the id ID (not 0); -1 when out of memory. */
static int
idmap_put(struct idmap *m, uint64_t key, uint32_t id)
{
	size_t j;

	if ((m->n + 1) * 2 > m->mask) {
		size_t cap = m->mask ? (m->mask + 1) * 2 : 64, i;
		uint64_t *t = calloc(cap, 2 * sizeof(*t));

		if (t == NULL)
			return -1;
		for (i = 0; m->slot != NULL && i <= m->mask; i++) {
			if (m->slot[2 * i + 1] == 0)
				continue;
			for (j = idmap_slot(m->slot[2 * i], cap - 1); t[2 * j + 1] != 0;
			    j = (j + 1) & (cap - 1))
				;
			t[2 * j] = m->slot[2 * i];
			t[2 * j + 1] = m->slot[2 * i + 1];
		}
		free(m->slot);
		m->slot = t;
		m->mask = cap - 1;
	}
	for (j = idmap_slot(key, m->mask); m->slot[2 * j + 1] != 0; j = (j + 1) & m->mask)
		;
	m->slot[2 * j] = key;
	m->slot[2 * j + 1] = id;
	m->n++;
	return 0;
}

static void
idmap_free(struct idmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* The lookup table of DAY, made when new; NULL when out of memory. */
static struct day_tab *
day_tab(struct report_cells *c, long day)
{
	uint32_t id;
	void *tmp;

	if (c->n_days > 0 && c->days[c->last_day].day == day)
		return &c->days[c->last_day];
	if ((id = idmap_get(&c->day_map, (uint64_t)(day + DAY_BIAS))) != 0)
		return &c->days[c->last_day = id - 1];
	if (RESERVE(c->days, c->cap_days, c->n_days + 1) < 0 ||
	    idmap_put(&c->day_map, (uint64_t)(day + DAY_BIAS), (uint32_t)(c->n_days + 1)) < 0)
		return NULL;
	memset(&c->days[c->n_days], 0, sizeof(c->days[0]));
	c->days[c->n_days].day = day;
	return &c->days[c->last_day = c->n_days++];
}

/* The entry of key K, created (zero) when new; NULL when out of memory. */
static struct entry *
entry(struct report_cells *c, const struct entry *k, int *created)
{
	struct day_tab *d;
	uint64_t h, tag;
	size_t j;
	struct entry *e;
	void *tmp;

	*created = 0;
	if ((d = day_tab(c, DAY(k))) == NULL)
		return NULL;
	/*
	 * Up to seven eighths full: the hash tags keep the longer runs cheap,
	 * and a year has a table for each of its days.
	 */
	if ((d->n + 1) * 8 > (d->mask + 1) * 7 && tab_grow(c, d) < 0)
		return NULL;
	if (c->n_e >= UINT32_MAX)
		return NULL;
	h = entry_hash(k);
	tag = h >> 32;
	for (j = h & d->mask; d->tab[j] != 0; j = (j + 1) & d->mask) {
		uint64_t slot = d->tab[j];

		if (slot >> 32 == tag && same(e = at(c, (uint32_t)slot - 1), k))
			return e;
	}
	if ((c->n_e & (BLOCK_SIZE - 1)) == 0) {
		if (RESERVE(c->blk, c->cap_blk, c->n_blk + 1) < 0)
			return NULL;
		if ((c->blk[c->n_blk] = malloc(BLOCK_SIZE * sizeof(struct entry))) == NULL)
			return NULL;
		c->n_blk++;
	}
	e = at(c, c->n_e);
	*e = *k;
	d->tab[j] = (tag << 32) | (uint64_t)(++c->n_e);
	d->n++;
	*created = 1;
	return e;
}

/* Free the lookup tables: no entry is looked up once the rows are in. */
static void
drop_tables(struct report_cells *c)
{
	size_t i;

	for (i = 0; i < c->n_days; i++)
		free(c->days[i].tab);
	free(c->days);
	idmap_free(&c->day_map);
	c->days = NULL;
	c->n_days = c->cap_days = c->last_day = 0;
}

/* Add N to the entry (KIND, DOM, KEY, DAY, SUB); NULL when out of memory. */
static struct entry *
add(struct report_cells *c, enum kind kind, uint32_t dom, uint32_t key, long day,
    uint32_t sub, long long n)
{
	struct entry k, *e;
	int created;

	if (day < -DAY_BIAS || day >= DAY_BIAS)
		return NULL;	/* no RFC 3339 date: cannot be */
	k.kday = (uint32_t)kind << 24 | (uint32_t)(day + DAY_BIAS);
	k.dom = dom;
	k.key = key;
	k.sub = sub;
	k.v = 0;
	if ((e = entry(c, &k, &created)) != NULL)
		e->v += n;
	return e;
}

static int
note_domain(struct report_cells *c, uint32_t dom)
{
	size_t had = c->cap_dom_of;
	void *tmp;

	if (RESERVE(c->dom_of, c->cap_dom_of, (size_t)dom + 1) < 0)
		return -1;
	memset(c->dom_of + had, 0, (c->cap_dom_of - had) * sizeof(*c->dom_of));
	if (c->dom_of[dom] != 0)
		return 0;
	if (RESERVE(c->domains, c->cap_dom, c->n_dom + 1) < 0)
		return -1;
	c->domains[c->n_dom++] = dom;
	c->dom_of[dom] = (uint32_t)c->n_dom;
	return 0;
}

struct report_cells *
report_cells_new(struct tally *strings)
{
	struct report_cells *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->s = strings;
	if (c->s == NULL) {
		if ((c->s = tally_new()) == NULL) {
			free(c);
			return NULL;
		}
		c->own_s = 1;
	}
	return c;
}

static void
scratch_drop(struct report_cells_scratch *s)
{
	free(s->srt);
	free(s->kid);
	free(s->rank_of);
	free(s->keys);
	free(s->cells);
	free(s->orgs);
	free(s->ips);
	free(s->in_types);
	free(s->in_days);
	free(s->in_mx);
	free(s->in_orgs);
}

struct report_cells_scratch *
report_cells_scratch_new(void)
{
	return calloc(1, sizeof(struct report_cells_scratch));
}

void
report_cells_scratch_free(struct report_cells_scratch *s)
{
	if (s == NULL)
		return;
	scratch_drop(s);
	free(s);
}

void
report_cells_free(struct report_cells *c)
{
	if (c == NULL)
		return;
	if (c->own_s)
		tally_free(c->s);
	idmap_free(&c->pairs);
	for (size_t i = 0; i < c->n_blk; i++)
		free(c->blk[i]);
	free(c->blk);
	drop_tables(c);
	free(c->domains);
	free(c->dom_of);
	free(c->order);
	free(c->start);
	scratch_drop(&c->own);
	free(c);
}

/*
 * Row R's sessions, added to CELL already, under an enforcing policy or
 * not: most cells see only one kind, told by two flags; a cell that sees
 * both keeps its enforced sum in an EP_ENF entry.  -1 when out of memory.
 */
static int
enforced(struct report_cells *c, struct entry *cell, const struct report_cell_row *r)
{
	const uint32_t both = EP_ON | EP_OFF;
	uint32_t was = cell->sub & both;
	long long sum;

	cell->sub |= r->enforced ? EP_ON : EP_OFF;
	if ((cell->sub & both) != both)
		return 0;			/* one kind so far */
	if (was == both) {
		if (!r->enforced)
			return 0;
		sum = r->n;
	} else	/* both from now on: the earlier rows were all of the other kind */
		sum = r->enforced ? r->n : cell->v - r->n;
	return add(c, EP_ENF, cell->dom, cell->key, DAY(cell), 0, sum) == NULL ? -1 : 0;
}

/*
 * The id of the episode key "RT\tEPMX" of string ids RT and EPMX: a map
 * of the pairs seen spares building and interning the text per row.
 * 0 when out of memory.
 */
static uint32_t
episode_key(struct report_cells *c, uint32_t rt, uint32_t epmx)
{
	uint64_t pair = (uint64_t)rt << 32 | epmx;
	const char *srt, *smx;
	size_t lr, lm;
	char buf[512], *k = buf;
	uint32_t key;

	if ((key = idmap_get(&c->pairs, pair)) != 0)
		return key;
	srt = tally_name(c->s, rt);
	smx = tally_name(c->s, epmx);
	lr = strlen(srt);
	lm = strlen(smx);
	if (lr + lm + 2 > sizeof(buf) && (k = malloc(lr + lm + 2)) == NULL)
		return 0;
	memcpy(k, srt, lr);
	k[lr] = '\t';
	memcpy(k + lr + 1, smx, lm + 1);
	key = intern(c, k);
	if (k != buf)
		free(k);
	if (key == 0 || idmap_put(&c->pairs, pair, key) < 0)
		return 0;
	return key;
}

uint32_t
report_cells_episode_key(struct report_cells *c, uint32_t rt, uint32_t epmx)
{
	return rt != 0 && epmx != 0 ? episode_key(c, rt, epmx) : 0;
}

int
report_cells_add(struct report_cells *c, const struct report_cell_row *r)
{
	uint32_t dom, rt, mx, org, key;
	struct entry *cell;

	if (c == NULL || c->order != NULL)
		return -1;	/* none, or built already */
	dom = id_of(c, r->domain_id, r->domain);
	rt = id_of(c, r->rt_id, r->rt);
	mx = id_of(c, r->epmx_id, r->epmx);
	org = id_of(c, r->org_id, r->org);
	if (dom == 0 || rt == 0 || mx == 0 || org == 0 ||
	    (key = r->key_id != 0 ? r->key_id : episode_key(c, rt, mx)) == 0 ||
	    note_domain(c, dom) < 0)
		return -1;
	if ((cell = add(c, EP, dom, key, r->day, 0, r->n)) == NULL)
		return -1;
	if (enforced(c, cell, r) < 0)
		return -1;
	if (add(c, EP_ORG, dom, key, r->day, org, r->n) == NULL)
		return -1;
	/* A few receiving IPs name the host well enough; a pool has hundreds. */
	if ((r->ip != NULL ? r->ip[0] != '\0' : r->ip_id != 0) &&
	    (cell->sub & EP_IPS) < REPORT_CELLS_MAX_IPS) {
		uint32_t ip = id_of(c, r->ip_id, r->ip);
		size_t before = c->n_e;

		if (ip == 0 || add(c, EP_IP, dom, key, r->day, ip, 0) == NULL)
			return -1;
		if (c->n_e > before)
			cell->sub++;
	}
	if (!r->insight)
		return 0;
	if (add(c, IN, dom, rt, r->day, 0, r->n) == NULL)
		return -1;
	if ((mx = id_of(c, r->host_id, r->host)) == 0 ||
	    add(c, IN_MX, dom, rt, r->day, mx, r->n) == NULL ||
	    add(c, IN_ORG, dom, rt, r->day, org, r->n) == NULL)
		return -1;
	return 0;
}

size_t
report_cells_domains(const struct report_cells *c)
{
	return c->n_dom;
}

const char *
report_cells_domain(const struct report_cells *c, size_t i)
{
	return i < c->n_dom ? tally_name(c->s, c->domains[i]) : NULL;
}

/* Each domain's entries, in creation order, grouped (a counting sort). */
static int
group(struct report_cells *c)
{
	size_t i, *fill;

	/* Entries are no longer looked up: the tables can go first. */
	drop_tables(c);
	c->order = malloc(sizeof(*c->order) * (c->n_e + 1));
	c->start = calloc(c->n_dom + 2, sizeof(*c->start));
	fill = calloc(c->n_dom + 1, sizeof(*fill));
	if (c->order == NULL || c->start == NULL || fill == NULL) {
		free(fill);
		return -1;
	}
	for (i = 0; i < c->n_e; i++)
		c->start[c->dom_of[at(c, i)->dom]]++;
	for (i = 1; i <= c->n_dom; i++)
		c->start[i] += c->start[i - 1];
	for (i = 0; i < c->n_e; i++) {
		size_t d = c->dom_of[at(c, i)->dom] - 1;

		c->order[c->start[d] + fill[d]++] = (uint32_t)i;
	}
	free(fill);
	return 0;
}

int
report_cells_seal(struct report_cells *c)
{
	if (c == NULL)
		return -1;
	return c->order != NULL ? 0 : group(c);
}

const char *
report_cells_str(const struct report_cells *c, uint32_t id)
{
	return id >= 1 && id <= tally_strings(c->s) ? tally_name(c->s, id) : NULL;
}


static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct report_ep_key *)a)->key,
	    ((const struct report_ep_key *)b)->key);
}

static int
cmp_srt(const void *a, const void *b)
{
	const struct ep_sort *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Entry E's string id and sum, at the end of the array *V (N of CAP used). */
static int
push_count(struct report_ep_count **v, size_t *cap, size_t *n, const struct entry *e)
{
	void *tmp;

	if (RESERVE(*v, *cap, *n + 1) < 0)
		return -1;
	(*v)[*n].id = e->sub;
	(*v)[(*n)++].n = e->v;
	return 0;
}

/*
 * The first N of S->srt, left by rank by a counting sort, by day within
 * each rank too; a run is sorted only when out of order, as rows come
 * mostly in day order.
 */
static void
sort_runs(struct report_cells_scratch *s, size_t n)
{
	size_t k, j;

	for (k = 0; k < n; k = j) {
		int sorted = 1;

		for (j = k + 1; j < n && s->srt[j].rank == s->srt[k].rank; j++)
			if (s->srt[j].day < s->srt[j - 1].day)
				sorted = 0;
		if (!sorted)
			qsort(s->srt + k, j - k, sizeof(*s->srt), cmp_srt);
	}
}

int
report_cells_episodes_in(struct report_cells *c, struct report_cells_scratch *s, size_t i,
    struct report_ep_domain *d)
{
	size_t k, n = 0, n_kid = 0, n_cells = 0, n_orgs = 0, n_ips = 0;
	size_t n_e;
	void *tmp;
	struct report_ep_cell *cell = NULL;

	memset(d, 0, sizeof(*d));
	if (i >= c->n_dom || (c->order == NULL && group(c) < 0))
		return -1;
	if (s->rank_of == NULL && (s->rank_of = calloc(tally_strings(c->s) + 1,
	    sizeof(*s->rank_of))) == NULL)
		return -1;
	n_e = c->start[i + 1] - c->start[i] + 1;
	if (RESERVE(s->srt, s->cap_srt, n_e) < 0 ||
	    RESERVE(s->kid, s->cap_kid, n_e) < 0)
		return -1;
	/*
	 * The distinct keys, then each its rank in strcmp order (cell0 holds
	 * a key's string id meanwhile).
	 */
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);

		if (KIND(e) == EP)
			s->rank_of[e->key] = 0;
	}
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);

		if (KIND(e) == EP && s->rank_of[e->key] == 0) {
			if (RESERVE(s->keys, s->cap_keys, n_kid + 1) < 0)
				return -1;
			s->rank_of[e->key] = 1;
			s->keys[n_kid].key = tally_name(c->s, e->key);
			s->keys[n_kid++].cell0 = e->key;
		}
	}
	qsort(s->keys, n_kid, sizeof(*s->keys), cmp_key);
	for (k = 0; k < n_kid; k++) {
		s->rank_of[s->keys[k].cell0] = (uint32_t)k;
		s->keys[k].cell0 = s->keys[k].n_cells = 0;
	}
	/*
	 * The episode entries by key, day and creation: a cell, then its
	 * own.  Counted into their keys in creation order, then each key's
	 * run sorted by day unless the rows came in day order already.
	 */
	for (k = 0; k <= n_kid; k++)
		s->kid[k] = 0;
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);

		if (KIND(e) <= EP_LAST)
			s->kid[s->rank_of[e->key] + 1]++;
	}
	for (k = 1; k <= n_kid; k++)
		s->kid[k] += s->kid[k - 1];
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);
		struct ep_sort *t;

		if (KIND(e) > EP_LAST)
			continue;
		t = &s->srt[s->kid[s->rank_of[e->key]]++];
		t->rank = s->rank_of[e->key];
		t->day = (int32_t)DAY(e);
		t->idx = c->order[k];
		n++;
	}
	sort_runs(s, n);
	for (k = 0; k < n; k++) {
		const struct entry *e = at(c, s->srt[k].idx);
		struct report_ep_key *key = &s->keys[s->srt[k].rank];

		if (KIND(e) == EP) {
			if (RESERVE(s->cells, s->cap_cells, n_cells + 1) < 0)
				return -1;
			if (key->n_cells == 0)
				key->cell0 = n_cells;
			key->n_cells++;
			cell = &s->cells[n_cells++];
			cell->day = DAY(e);
			cell->failed = e->v;
			cell->enforced = (e->sub & EP_ON) ? e->v : 0;
			cell->org0 = n_orgs;
			cell->ip0 = n_ips;
			cell->n_org = cell->n_ip = 0;
		} else if (cell == NULL) {
			return -1;	/* cannot be: a cell is created first */
		} else if (KIND(e) == EP_ENF) {
			cell->enforced = e->v;	/* rows of both kinds */
		} else if (KIND(e) == EP_ORG) {
			if (push_count(&s->orgs, &s->cap_orgs, &n_orgs, e) < 0)
				return -1;
			cell->n_org++;
		} else {
			if (push_count(&s->ips, &s->cap_ips, &n_ips, e) < 0)
				return -1;
			cell->n_ip++;
		}
	}
	d->keys = s->keys;
	d->n_keys = n_kid;
	d->cells = s->cells;
	d->orgs = s->orgs;
	d->ips = s->ips;
	return 0;
}

/*
 * The insight entries of domain I by result type, day and creation: a
 * cell, then its MX hosts and reporters in the order the rows named them.
 * Counted into their types in creation order, then each type's run
 * sorted by day unless the rows came in day order already.
 */
int
report_cells_insight_in(struct report_cells *c, struct report_cells_scratch *s, size_t i,
    struct report_in_domain *d)
{
	size_t k, n = 0, n_t = 0, n_days = 0, n_mx = 0, n_orgs = 0, n_e;
	void *tmp;
	struct report_in_day *day = NULL;

	memset(d, 0, sizeof(*d));
	if (i >= c->n_dom || (c->order == NULL && group(c) < 0))
		return -1;
	if (s->rank_of == NULL && (s->rank_of = calloc(tally_strings(c->s) + 1,
	    sizeof(*s->rank_of))) == NULL)
		return -1;
	n_e = c->start[i + 1] - c->start[i] + 1;
	if (RESERVE(s->srt, s->cap_srt, n_e) < 0 ||
	    RESERVE(s->kid, s->cap_kid, n_e) < 0)
		return -1;
	/* The types in the order of their first cell: rank_of holds rank + 1. */
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);

		if (KIND(e) == IN)
			s->rank_of[e->key] = 0;
	}
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);

		if (KIND(e) == IN && s->rank_of[e->key] == 0) {
			if (RESERVE(s->in_types, s->cap_in_types, n_t + 1) < 0)
				return -1;
			s->in_types[n_t].rt = e->key;
			s->in_types[n_t].day0 = s->in_types[n_t].n_days = 0;
			s->rank_of[e->key] = (uint32_t)++n_t;
		}
	}
	for (k = 0; k <= n_t; k++)
		s->kid[k] = 0;
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);

		if (KIND(e) >= IN)
			s->kid[s->rank_of[e->key]]++;
	}
	for (k = 1; k <= n_t; k++)
		s->kid[k] += s->kid[k - 1];
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = at(c, c->order[k]);
		struct ep_sort *t;

		if (KIND(e) < IN)
			continue;
		t = &s->srt[s->kid[s->rank_of[e->key] - 1]++];
		t->rank = s->rank_of[e->key] - 1;
		t->day = (int32_t)DAY(e);
		t->idx = c->order[k];
		n++;
	}
	sort_runs(s, n);
	for (k = 0; k < n; k++) {
		const struct entry *e = at(c, s->srt[k].idx);
		struct report_in_type *type = &s->in_types[s->srt[k].rank];

		if (KIND(e) == IN) {
			if (RESERVE(s->in_days, s->cap_in_days, n_days + 1) < 0)
				return -1;
			if (type->n_days == 0)
				type->day0 = n_days;
			type->n_days++;
			day = &s->in_days[n_days++];
			day->day = DAY(e);
			day->failed = e->v;
			day->mx0 = n_mx;
			day->org0 = n_orgs;
			day->n_mx = day->n_org = 0;
		} else if (day == NULL) {
			return -1;	/* cannot be: a cell is created first */
		} else if (KIND(e) == IN_MX) {
			if (push_count(&s->in_mx, &s->cap_in_mx, &n_mx, e) < 0)
				return -1;
			day->n_mx++;
		} else {
			if (push_count(&s->in_orgs, &s->cap_in_orgs, &n_orgs, e) < 0)
				return -1;
			day->n_org++;
		}
	}
	d->types = s->in_types;
	d->n_types = n_t;
	d->days = s->in_days;
	d->mx = s->in_mx;
	d->orgs = s->in_orgs;
	return 0;
}

int
report_cells_episodes(struct report_cells *c, size_t i, struct report_ep_domain *d)
{
	return report_cells_episodes_in(c, &c->own, i, d);
}

int
report_cells_insight(struct report_cells *c, size_t i, struct report_in_domain *d)
{
	return report_cells_insight_in(c, &c->own, i, d);
}
