/*
 * test_report_tally.c - the counters behind the report's aggregation:
 * interned strings (exact and lower-cased host forms, long names),
 * entries found again by their whole key, kept in creation order and
 * with their sums after the tables grew many times, dropped while the
 * strings stay.
 */
#include "report_tally.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_strings(void)
{
	struct tally *t = tally_new();
	char long_name[700];
	uint32_t a, b, c, d, e;

	a = tally_str(t, "MX.Example.COM.");
	b = tally_lower(t, "MX.Example.COM.", "");
	c = tally_lower(t, "mx.example.com", "");
	CHECK(a != 0 && b != 0);
	CHECK(a != b);
	CHECK_INT(b, c);
	CHECK_STR(tally_name(t, a), "MX.Example.COM.");
	CHECK_STR(tally_name(t, b), "mx.example.com");
	/* Absent and empty read as the placeholder; a lone dot stays. */
	d = tally_lower(t, NULL, "(none)");
	CHECK_INT(tally_lower(t, "", "(none)"), d);
	CHECK_STR(tally_name(t, d), "(none)");
	CHECK_STR(tally_name(t, tally_lower(t, ".", "")), ".");
	/* A name longer than the stack buffer takes the heap path. */
	memset(long_name, 'A', sizeof(long_name) - 2);
	long_name[sizeof(long_name) - 2] = '.';
	long_name[sizeof(long_name) - 1] = '\0';
	e = tally_lower(t, long_name, "");
	CHECK_INT(strlen(tally_name(t, e)), sizeof(long_name) - 2);
	CHECK(tally_name(t, e)[0] == 'a');
	CHECK_INT(tally_str(t, long_name) != e, 1);
	/* A prefix of an interned string is a string of its own. */
	CHECK(tally_str(t, "mx.example.co") != c);
	CHECK_STR(tally_name(t, 0), "");
	CHECK_STR(tally_name(t, 100000), "");
	CHECK_INT(tally_strings(t), 7);
	tally_free(t);
}

static void
test_entries(void)
{
	struct tally *t = tally_new();
	struct tally_entry *e;
	char name[32];
	uint32_t ids[500];
	size_t i, bad = 0;
	int created;

	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "host%zu.example", i);
		ids[i] = tally_str(t, name);
	}
	/* 500 x 40 keys, each added to three times, far past the first table. */
	for (i = 0; i < 3 * 500 * 40; i++) {
		size_t k = i % (500 * 40);

		e = tally_get(t, 1 + (unsigned)(k % 2), ids[k / 40], (uint32_t)(k % 40),
		    (uint32_t)k, &created);
		if (e == NULL || created != (i < 500 * 40)) {
			bad++;
			continue;
		}
		e->v += (long long)k;
		e->x++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(tally_count(t), 500 * 40);
	for (i = 0; i < tally_count(t); i++) {
		const struct tally_entry *x = tally_at(t, i);

		/* Creation order, and every sum. */
		if (x->kind != 1 + i % 2 || x->a != ids[i / 40] || x->b != i % 40 ||
		    x->c != i || x->v != 3 * (long long)i || x->x != 3 || x->y != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK(tally_at(t, tally_count(t)) == NULL);
	/* The kind is part of the key. */
	e = tally_get(t, 3, ids[0], 0, 0, &created);
	CHECK(e != NULL && created == 1 && e->v == 0);
	CHECK_INT(tally_count(t), 500 * 40 + 1);
	/* Dropping the entries keeps the strings and their ids. */
	tally_drop_entries(t);
	CHECK_INT(tally_count(t), 0);
	CHECK_STR(tally_name(t, ids[499]), "host499.example");
	CHECK_INT(tally_str(t, "host7.example"), ids[7]);
	e = tally_get(t, 1, ids[0], 0, 0, &created);
	CHECK(e != NULL && created == 1 && e->v == 0);
	CHECK_INT(tally_count(t), 1);
	tally_free(t);
	tally_free(NULL);
}

int
main(void)
{
	test_strings();
	test_entries();
	return test_summary("test_report_tally");
}
