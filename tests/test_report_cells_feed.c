/*
 * test_report_cells_feed.c - rows through a feed (a second thread) make
 * the same cells as rows added directly: every domain's episode keys,
 * cells, reporters and receiving IPs, in the same order, whether the rows
 * carry strings, ids, or both; a row the cells refuse in the feed's
 * thread makes report_cells_feed_end() fail.
 */
#include "report_cells_feed.h"
#include "report_tally.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ROWS	60000

/* Row I of the generated set, its strings in BUF. */
static void
gen(struct report_cell_row *r, long i, char buf[6][48])
{
	unsigned long x = (unsigned long)i * 2654435761u;

	memset(r, 0, sizeof(*r));
	snprintf(buf[0], sizeof(buf[0]), "d%lu.example", x % 17);
	snprintf(buf[1], sizeof(buf[1]), "%s", x % 5 == 0 ? "tlsa-invalid" :
	    x % 5 == 1 ? "certificate-expired" : x % 5 == 2 ? "starttls-not-supported" :
	    x % 5 == 3 ? "sts-policy-fetch-error" : "validation-failure");
	snprintf(buf[2], sizeof(buf[2]), "%s", (x >> 3) % 9 == 0 ? "" : (x >> 3) % 2 ?
	    "mx1.example" : "mx2.example");
	snprintf(buf[3], sizeof(buf[3]), "%s", buf[2][0] ? buf[2] : "(not reported)");
	snprintf(buf[4], sizeof(buf[4]), "Org %lu", (x >> 5) % 4);
	snprintf(buf[5], sizeof(buf[5]), "192.0.2.%lu", (x >> 7) % 7);
	r->domain = buf[0];
	r->rt = buf[1];
	r->epmx = buf[2];
	r->host = buf[3];
	r->org = buf[4];
	r->ip = (x >> 9) % 3 == 0 ? NULL : buf[5];
	r->day = 19000 + (long)((i / 200) % 90) - (long)(x % 3);
	r->n = (long long)(x % 50) + 1;
	r->enforced = (x >> 11) % 2;
	r->insight = x % 5 < 2 || x % 5 == 3;
}

/* Strings, ids or both (MODE 0, 1, 2) in T for row R. */
static void
by(struct report_cell_row *r, struct tally *t, int mode)
{
	if (mode == 0)
		return;
	r->domain_id = tally_str(t, r->domain);
	r->rt_id = tally_str(t, r->rt);
	r->epmx_id = r->epmx[0] ? tally_str(t, r->epmx) : 0;
	r->host_id = tally_str(t, r->host);
	r->org_id = tally_str(t, r->org);
	r->ip_id = r->ip != NULL ? tally_str(t, r->ip) : 0;
	if (mode == 1) {
		r->domain = r->rt = r->host = r->org = r->ip = NULL;
		if (r->epmx[0])
			r->epmx = NULL;
	}
}

/* What domain K of C holds, as text, for comparing. */
static char *
dump(struct report_cells *c, size_t k)
{
	struct report_ep_domain d;
	size_t i, j, len = 0, cap = 1 << 20;
	char *s = malloc(cap);

	if (s == NULL || report_cells_episodes(c, k, &d) < 0) {
		free(s);
		return NULL;
	}
	len += (size_t)snprintf(s + len, cap - len, "%s:", report_cells_domain(c, k));
	for (i = 0; i < d.n_keys && len < cap - 256; i++) {
		len += (size_t)snprintf(s + len, cap - len, "[%s]", d.keys[i].key);
		for (j = 0; j < d.keys[i].n_cells && len < cap - 256; j++) {
			const struct report_ep_cell *e = &d.cells[d.keys[i].cell0 + j];
			size_t o;

			len += (size_t)snprintf(s + len, cap - len, "%ld,%lld,%lld", e->day,
			    e->failed, e->enforced);
			for (o = 0; o < e->n_org; o++)
				len += (size_t)snprintf(s + len, cap - len, ",%s=%lld",
				    report_cells_str(c, d.orgs[e->org0 + o].id), d.orgs[e->org0 + o].n);
			for (o = 0; o < e->n_ip; o++)
				len += (size_t)snprintf(s + len, cap - len, ",%s",
				    report_cells_str(c, d.ips[e->ip0 + o].id));
			len += (size_t)snprintf(s + len, cap - len, ";");
		}
	}
	return s;
}

/* The cells of the generated rows, directly or through a feed. */
static struct report_cells *
fill(int feed, int mode, struct tally **t_r)
{
	struct tally *t = mode ? tally_new() : NULL;
	struct report_cells *c;
	struct report_cells_feed *f = NULL;
	char buf[6][48];
	long i;
	int bad = 0;

	/* Ids in the shared table differ from those the cells would make. */
	if (t != NULL)
		tally_str(t, "unrelated");
	c = report_cells_new(t);
	if (feed)
		f = report_cells_feed_new(c);
	for (i = 0; i < N_ROWS; i++) {
		struct report_cell_row r;

		gen(&r, i, buf);
		by(&r, t, mode);
		if ((feed ? report_cells_feed_add(f, &r) : report_cells_add(c, &r)) < 0)
			bad++;
	}
	if (feed && report_cells_feed_end(f) < 0)
		bad++;
	CHECK_INT(bad, 0);
	*t_r = t;
	return c;
}

int
main(void)
{
	struct tally *t0, *t1;
	struct report_cells *direct = fill(0, 0, &t0), *fed;
	struct report_cells_feed *f;
	struct report_cell_row r;
	char buf[6][48];
	int mode;
	size_t k;

	CHECK(report_cells_domains(direct) == 17);
	for (mode = 0; mode < 3; mode++) {
		int differ = 0;

		fed = fill(1, mode, &t1);
		CHECK_INT(report_cells_domains(fed), report_cells_domains(direct));
		for (k = 0; k < report_cells_domains(direct); k++) {
			char *a = dump(direct, k), *b = dump(fed, k);

			if (a == NULL || b == NULL || strcmp(a, b) != 0) {
				if (differ++ == 0)
					CHECKF(0, "mode %d domain %zu: %.80s | %.80s", mode, k,
					    a ? a : "NULL", b ? b : "NULL");
			}
			free(a);
			free(b);
		}
		CHECK_INT(differ, 0);
		report_cells_free(fed);
		tally_free(t1);
	}

	/* A day no date has: refused in the feed's thread, seen at the end. */
	fed = report_cells_new(NULL);
	f = report_cells_feed_new(fed);
	gen(&r, 1, buf);
	CHECK_INT(report_cells_feed_add(f, &r), 0);
	r.day = 3000000L * 3;
	CHECK_INT(report_cells_feed_add(f, &r), 0);	/* queued: refused later */
	CHECK_INT(report_cells_feed_end(f), -1);
	report_cells_free(fed);

	report_cells_free(direct);
	return test_summary("test_report_cells_feed");
}
