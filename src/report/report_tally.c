/*
 * report_tally.c - counters keyed by interned strings; see report_tally.h.
 *
 * Two open-addressing tables of indexes, one over the strings and one
 * over the entries, each kept at most half full; the strings and entries
 * themselves live in arrays in creation order.
 */
#include "report_tally.h"
#include "array_grow.h"

#include <stdlib.h>
#include <string.h>

struct tally {
	char **str;			/* str[id]; str[0] unused */
	size_t n_str, cap_str;
	uint32_t *str_tab;		/* string id, 0 empty */
	size_t str_mask;
	struct tally_entry *e;
	size_t n_e, cap_e;
	uint32_t *tab;			/* entry index + 1, 0 empty */
	size_t mask;
};

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/* Eight bytes at a time: every failure detail hashes five strings. */
static uint64_t
str_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

struct tally *
tally_new(void)
{
	return calloc(1, sizeof(struct tally));
}

void
tally_free(struct tally *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 1; i <= t->n_str; i++)
		free(t->str[i]);
	free(t->str);
	free(t->str_tab);
	free(t->e);
	free(t->tab);
	free(t);
}

static int
str_grow(struct tally *t)
{
	size_t cap = t->str_mask ? (t->str_mask + 1) * 2 : 256, i;
	uint32_t *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return -1;
	for (i = 1; i <= t->n_str; i++) {
		size_t j = str_hash(t->str[i], strlen(t->str[i])) & (cap - 1);

		while (tab[j] != 0)
			j = (j + 1) & (cap - 1);
		tab[j] = (uint32_t)i;
	}
	free(t->str_tab);
	t->str_tab = tab;
	t->str_mask = cap - 1;
	return 0;
}

/* The id of the N bytes at S (no NUL among them). */
static uint32_t
intern(struct tally *t, const char *s, size_t n)
{
	size_t j;
	char *d, **a;

	if ((t->n_str + 1) * 2 > t->str_mask && str_grow(t) < 0)
		return 0;
	for (j = str_hash(s, n) & t->str_mask; t->str_tab[j] != 0;
	    j = (j + 1) & t->str_mask) {
		const char *x = t->str[t->str_tab[j]];

		if (strncmp(x, s, n) == 0 && x[n] == '\0')
			return t->str_tab[j];
	}
	/* str[0] is unused: room for n_str + 2. */
	if ((a = array_grow(t->str, &t->cap_str, t->n_str + 2, sizeof(*a))) == NULL)
		return 0;
	t->str = a;
	if ((d = malloc(n + 1)) == NULL)
		return 0;
	memcpy(d, s, n);
	d[n] = '\0';
	t->str[++t->n_str] = d;
	t->str_tab[j] = (uint32_t)t->n_str;
	return (uint32_t)t->n_str;
}

uint32_t
tally_str(struct tally *t, const char *s)
{
	return intern(t, s, strlen(s));
}

uint32_t
tally_lower(struct tally *t, const char *s, const char *absent)
{
	char buf[256] = "", *d = buf;
	size_t n, i;
	uint32_t id;

	if (s == NULL || s[0] == '\0')
		s = absent;
	n = strlen(s);
	/* Long names are rare: a heap copy then, no limit on length. */
	if (n >= sizeof(buf) && (d = malloc(n + 1)) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		d[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	if (n > 1 && d[n - 1] == '.')
		n--;
	id = intern(t, d, n);
	if (d != buf)
		free(d);
	return id;
}

const char *
tally_name(const struct tally *t, uint32_t id)
{
	return id >= 1 && id <= t->n_str ? t->str[id] : "";
}

size_t
tally_strings(const struct tally *t)
{
	return t->n_str;
}

static uint64_t
entry_hash(unsigned kind, uint32_t a, uint32_t b, uint32_t c)
{
	return mix(mix(mix(mix(0, kind), a), b), c);
}

static int
tab_grow(struct tally *t)
{
	size_t cap = t->mask ? (t->mask + 1) * 2 : 1024, i;
	uint32_t *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return -1;
	for (i = 0; i < t->n_e; i++) {
		const struct tally_entry *e = &t->e[i];
		size_t j = entry_hash(e->kind, e->a, e->b, e->c) & (cap - 1);

		while (tab[j] != 0)
			j = (j + 1) & (cap - 1);
		tab[j] = (uint32_t)(i + 1);
	}
	free(t->tab);
	t->tab = tab;
	t->mask = cap - 1;
	return 0;
}

struct tally_entry *
tally_get(struct tally *t, unsigned kind, uint32_t a, uint32_t b, uint32_t c,
    int *created)
{
	struct tally_entry *e;
	size_t j;

	if (created != NULL)
		*created = 0;
	if ((t->n_e + 1) * 2 > t->mask && tab_grow(t) < 0)
		return NULL;
	for (j = entry_hash(kind, a, b, c) & t->mask; t->tab[j] != 0;
	    j = (j + 1) & t->mask) {
		e = &t->e[t->tab[j] - 1];
		if (e->kind == kind && e->a == a && e->b == b && e->c == c)
			return e;
	}
	if ((e = array_grow(t->e, &t->cap_e, t->n_e + 1, sizeof(*e))) == NULL)
		return NULL;
	t->e = e;
	e = &t->e[t->n_e];
	memset(e, 0, sizeof(*e));
	e->kind = (uint8_t)kind;
	e->a = a;
	e->b = b;
	e->c = c;
	t->tab[j] = (uint32_t)(++t->n_e);
	if (created != NULL)
		*created = 1;
	return e;
}

void
tally_drop_entries(struct tally *t)
{
	free(t->e);
	free(t->tab);
	t->e = NULL;
	t->tab = NULL;
	t->n_e = t->cap_e = t->mask = 0;
}

size_t
tally_count(const struct tally *t)
{
	return t->n_e;
}

const struct tally_entry *
tally_at(const struct tally *t, size_t i)
{
	return i < t->n_e ? &t->e[i] : NULL;
}
