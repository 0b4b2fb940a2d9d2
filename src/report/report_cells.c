/*
 * report_cells.c - compact per-day cells for the episodes and the
 * insights; see report_cells.h.
 *
 * Entries live in one array in the order they were created, so an
 * entry's index is also its rank among the rows that named it first;
 * one open-addressing table of indexes finds them by key.  Strings are
 * interned once and named by number.
 */
#include "report_cells.h"
#include "report_options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum kind { EP = 1, EP_ORG, EP_IP, IN, IN_MX, IN_ORG };

struct entry {
	uint32_t dom, key, sub;		/* strings; sub 0 for a cell */
	int32_t day;
	long long v;			/* failed sessions */
	long long enforced;		/* EP: under an enforcing policy */
	uint32_t n_ips;			/* EP: receiving IPs kept */
	uint8_t kind;
};

struct report_cells {
	/* Interned strings: ids from 1; 0 is "none". */
	char **str;
	size_t n_str, cap_str;
	uint32_t *str_tab;		/* id, 0 empty */
	size_t str_mask;
	struct entry *e;
	size_t n_e, cap_e;
	uint32_t *tab;			/* entry index + 1, 0 empty */
	size_t mask;
	/* Domains in first-seen order; per domain its entries in order. */
	uint32_t *domains;		/* string ids */
	size_t n_dom, cap_dom;
	uint32_t *dom_of;		/* string id -> domain index + 1 */
	size_t cap_dom_of;
	size_t *order, *start;		/* built once by report_cells_build */
};

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int
str_grow(struct report_cells *c)
{
	size_t cap = c->str_mask ? (c->str_mask + 1) * 2 : 256, i;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return -1;
	for (i = 1; i <= c->n_str; i++) {
		size_t j = str_hash(c->str[i]) & (cap - 1);

		while (t[j] != 0)
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)i;
	}
	free(c->str_tab);
	c->str_tab = t;
	c->str_mask = cap - 1;
	return 0;
}

/* The id of S, interned; 0 when out of memory. */
static uint32_t
intern(struct report_cells *c, const char *s)
{
	size_t j;
	char *d;

	if ((c->n_str + 1) * 2 > c->str_mask && str_grow(c) < 0)
		return 0;
	for (j = str_hash(s) & c->str_mask; c->str_tab[j] != 0; j = (j + 1) & c->str_mask)
		if (strcmp(c->str[c->str_tab[j]], s) == 0)
			return c->str_tab[j];
	if (c->n_str + 2 > c->cap_str) {
		size_t cap = c->cap_str ? c->cap_str * 2 : 256;
		char **n = realloc(c->str, cap * sizeof(*n));

		if (n == NULL)
			return 0;
		c->str = n;
		c->cap_str = cap;
	}
	if ((d = strdup(s)) == NULL)
		return 0;
	c->str[++c->n_str] = d;
	c->str_tab[j] = (uint32_t)c->n_str;
	return (uint32_t)c->n_str;
}

static uint64_t
entry_hash(const struct entry *k)
{
	uint64_t h = mix(k->kind, k->dom);

	h = mix(h, k->key);
	h = mix(h, (uint32_t)k->day);
	return mix(h, k->sub);
}

static int
same(const struct entry *a, const struct entry *b)
{
	return a->kind == b->kind && a->dom == b->dom && a->key == b->key &&
	    a->day == b->day && a->sub == b->sub;
}

static int
tab_grow(struct report_cells *c)
{
	size_t cap = c->mask ? (c->mask + 1) * 2 : 4096, i;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return -1;
	for (i = 0; i < c->n_e; i++) {
		size_t j = entry_hash(&c->e[i]) & (cap - 1);

		while (t[j] != 0)
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)(i + 1);
	}
	free(c->tab);
	c->tab = t;
	c->mask = cap - 1;
	return 0;
}

/* The entry of key K, created (zero) when new; NULL when out of memory. */
static struct entry *
entry(struct report_cells *c, const struct entry *k, int *created)
{
	size_t j;

	*created = 0;
	if ((c->n_e + 1) * 2 > c->mask && tab_grow(c) < 0)
		return NULL;
	for (j = entry_hash(k) & c->mask; c->tab[j] != 0; j = (j + 1) & c->mask)
		if (same(&c->e[c->tab[j] - 1], k))
			return &c->e[c->tab[j] - 1];
	if (c->n_e == c->cap_e) {
		size_t cap = c->cap_e ? c->cap_e * 2 : 4096;
		struct entry *n = realloc(c->e, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		c->e = n;
		c->cap_e = cap;
	}
	c->e[c->n_e] = *k;
	c->tab[j] = (uint32_t)(++c->n_e);
	*created = 1;
	return &c->e[c->n_e - 1];
}

/* Add N to the entry (KIND, DOM, KEY, DAY, SUB); NULL when out of memory. */
static struct entry *
add(struct report_cells *c, enum kind kind, uint32_t dom, uint32_t key, long day,
    uint32_t sub, long long n)
{
	struct entry k, *e;
	int created;

	memset(&k, 0, sizeof(k));
	k.kind = (uint8_t)kind;
	k.dom = dom;
	k.key = key;
	k.day = (int32_t)day;
	k.sub = sub;
	if ((e = entry(c, &k, &created)) != NULL)
		e->v += n;
	return e;
}

static int
note_domain(struct report_cells *c, uint32_t dom)
{
	if (dom >= c->cap_dom_of) {
		size_t cap = c->cap_dom_of ? c->cap_dom_of : 64;
		uint32_t *n;

		while (cap <= dom)
			cap *= 2;
		if ((n = realloc(c->dom_of, cap * sizeof(*n))) == NULL)
			return -1;
		memset(n + c->cap_dom_of, 0, (cap - c->cap_dom_of) * sizeof(*n));
		c->dom_of = n;
		c->cap_dom_of = cap;
	}
	if (c->dom_of[dom] != 0)
		return 0;
	if (c->n_dom == c->cap_dom) {
		size_t cap = c->cap_dom ? c->cap_dom * 2 : 64;
		uint32_t *n = realloc(c->domains, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		c->domains = n;
		c->cap_dom = cap;
	}
	c->domains[c->n_dom++] = dom;
	c->dom_of[dom] = (uint32_t)c->n_dom;
	return 0;
}

struct report_cells *
report_cells_new(void)
{
	return calloc(1, sizeof(struct report_cells));
}

void
report_cells_free(struct report_cells *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 1; i <= c->n_str; i++)
		free(c->str[i]);
	free(c->str);
	free(c->str_tab);
	free(c->e);
	free(c->tab);
	free(c->domains);
	free(c->dom_of);
	free(c->order);
	free(c->start);
	free(c);
}

int
report_cells_add(struct report_cells *c, const struct report_cell_row *r)
{
	uint32_t dom, rt, org, key;
	struct entry *cell;
	size_t ci, len = strlen(r->rt) + strlen(r->epmx) + 2;
	char *k;

	if (c == NULL || c->order != NULL)
		return -1;	/* none, or built already */
	dom = intern(c, r->domain);
	if ((k = malloc(len)) == NULL)
		return -1;
	memcpy(k, r->rt, strlen(r->rt));
	k[strlen(r->rt)] = '\t';
	memcpy(k + strlen(r->rt) + 1, r->epmx, strlen(r->epmx) + 1);
	key = intern(c, k);
	free(k);
	org = intern(c, r->org);
	if (dom == 0 || key == 0 || org == 0 || note_domain(c, dom) < 0)
		return -1;
	if ((cell = add(c, EP, dom, key, r->day, 0, r->n)) == NULL)
		return -1;
	/* An index: adding an entry may move the array. */
	ci = (size_t)(cell - c->e);
	if (r->enforced)
		cell->enforced += r->n;
	if (add(c, EP_ORG, dom, key, r->day, org, r->n) == NULL)
		return -1;
	/* A few receiving IPs name the host well enough; a pool has hundreds. */
	if (r->ip != NULL && r->ip[0] != '\0' && c->e[ci].n_ips < REPORT_CELLS_MAX_IPS) {
		uint32_t ip = intern(c, r->ip);
		size_t before = c->n_e;

		if (ip == 0 || add(c, EP_IP, dom, key, r->day, ip, 0) == NULL)
			return -1;
		if (c->n_e > before)
			c->e[ci].n_ips++;
	}
	if (!r->insight)
		return 0;
	if ((rt = intern(c, r->rt)) == 0 || add(c, IN, dom, rt, r->day, 0, r->n) == NULL)
		return -1;
	if ((key = intern(c, r->host)) == 0 ||
	    add(c, IN_MX, dom, rt, r->day, key, r->n) == NULL ||
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
	return i < c->n_dom ? c->str[c->domains[i]] : NULL;
}

/* Each domain's entries, in creation order, grouped (a counting sort). */
static int
group(struct report_cells *c)
{
	size_t i, *fill;

	c->order = malloc(sizeof(*c->order) * (c->n_e + 1));
	c->start = calloc(c->n_dom + 2, sizeof(*c->start));
	fill = calloc(c->n_dom + 1, sizeof(*fill));
	if (c->order == NULL || c->start == NULL || fill == NULL) {
		free(fill);
		return -1;
	}
	for (i = 0; i < c->n_e; i++)
		c->start[c->dom_of[c->e[i].dom]]++;
	for (i = 1; i <= c->n_dom; i++)
		c->start[i] += c->start[i - 1];
	for (i = 0; i < c->n_e; i++) {
		size_t d = c->dom_of[c->e[i].dom] - 1;

		c->order[c->start[d] + fill[d]++] = i;
	}
	free(fill);
	/* Entries are no longer looked up: the table can go. */
	free(c->tab);
	c->tab = NULL;
	c->mask = 0;
	return 0;
}

static struct json_object *
child(struct json_object *parent, const char *key)
{
	struct json_object *o;

	if (json_object_object_get_ex(parent, key, &o))
		return o;
	o = json_object_new_object();
	json_object_object_add(parent, key, o);
	return o;
}

int
report_cells_build(struct report_cells *c, size_t i, struct json_object **ep_r,
    struct json_object **in_r)
{
	struct json_object *ep, *in;
	size_t k;

	*ep_r = *in_r = NULL;
	if (i >= c->n_dom || (c->order == NULL && group(c) < 0))
		return -1;
	ep = json_object_new_object();
	in = json_object_new_object();
	for (k = c->start[i]; k < c->start[i + 1]; k++) {
		const struct entry *e = &c->e[c->order[k]];
		const char *key = c->str[e->key];
		struct json_object *cell;
		char date[16];

		report_date((time_t)e->day * REPORT_DAY, date, sizeof(date));
		/* A cell's entry comes before those under it: created first. */
		cell = child(child(e->kind <= EP_IP ? ep : in, key), date);
		switch (e->kind) {
		case EP:
			json_object_object_add(cell, "failed", json_object_new_int64(e->v));
			json_object_object_add(cell, "enforced",
			    json_object_new_int64(e->enforced));
			break;
		case EP_ORG:
		case IN_ORG:
			json_object_object_add(child(cell, "reporters"), c->str[e->sub],
			    json_object_new_int64(e->v));
			break;
		case EP_IP:
			json_object_object_add(child(cell, "ips"), c->str[e->sub],
			    json_object_new_boolean(1));
			break;
		case IN:
			json_object_object_add(cell, "failed", json_object_new_int64(e->v));
			break;
		case IN_MX:
			json_object_object_add(child(cell, "mx_hosts"), c->str[e->sub],
			    json_object_new_int64(e->v));
			break;
		}
	}
	*ep_r = ep;
	*in_r = in;
	return 0;
}
