/*
 * test_report_cells.c - the per-day cells of the episodes and insights:
 * keys sorted, cells by day, reporters and IPs in the order the rows
 * named them, sums right after the table grew many times, and the
 * insight cells by type and day with their MX hosts and reporters in the
 * order the rows named them; the same when the rows come by string id in
 * a table the cells share; and the same arrays gathered a domain ahead
 * in a second thread (report_ahead.h), to the end or stopped early.
 */
#include "report_ahead.h"
#include "report_cells.h"
#include "report_tally.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>

/* Set: the cells share it, and row() hands them ids from it. */
static struct tally *shared;

static void
row(struct report_cells *c, const char *domain, const char *rt, const char *mx,
    long day, const char *org, const char *ip, long long n, int enforced, int insight)
{
	struct report_cell_row r;

	memset(&r, 0, sizeof(r));
	r.domain = domain;
	r.rt = rt;
	r.epmx = mx;
	r.host = mx[0] ? mx : "(none)";
	r.org = org;
	r.ip = ip;
	r.day = day;
	r.n = n;
	r.enforced = enforced;
	r.insight = insight;
	if (shared != NULL) {
		/* Strings left out: the cells must go by the ids alone. */
		r.domain_id = tally_str(shared, domain);
		r.rt_id = tally_str(shared, rt);
		r.epmx_id = mx[0] ? tally_str(shared, mx) : 0;
		r.epmx = mx[0] ? NULL : mx;
		r.host_id = tally_str(shared, r.host);
		r.org_id = tally_str(shared, org);
		r.ip_id = ip != NULL ? tally_str(shared, ip) : 0;
		r.domain = r.rt = r.host = r.org = NULL;
	}
	if (report_cells_add(c, &r) != 0)
		CHECKF(0, "row %s %s %ld refused", domain, rt, day);
}

/* A row of DOMAIN on DAY that the cells must refuse. */
static void
row_refused(struct report_cells *c, const char *domain, long day)
{
	struct report_cell_row r;

	memset(&r, 0, sizeof(r));
	r.domain = domain;
	r.rt = "x";
	r.epmx = r.host = "";
	r.org = "Org A";
	r.day = day;
	r.n = 1;
	CHECK_INT(report_cells_add(c, &r), -1);
}

/* The index of DOMAIN among the cells' domains, or the count when absent. */
static size_t
domain_index(const struct report_cells *c, const char *domain)
{
	size_t i;

	for (i = 0; i < report_cells_domains(c); i++)
		if (strcmp(report_cells_domain(c, i), domain) == 0)
			break;
	return i;
}

static void
test_order(void)
{
	struct report_cells *c = report_cells_new(shared);
	struct report_ep_domain d;
	const struct report_ep_key *k;
	const struct report_ep_cell *cell;
	char ip[32];
	int i;

	row(c, "b.example", "starttls-not-supported", "mx.b.example", 50, "Org A", NULL, 1,
	    0, 0);
	row(c, "a.example", "tlsa-invalid", "mx2.a.example", 100, "Org B", "192.0.2.1", 3,
	    1, 1);
	row(c, "a.example", "tlsa-invalid", "mx2.a.example", 98, "Org A", "192.0.2.2", 2,
	    0, 1);
	row(c, "a.example", "certificate-expired", "", 99, "Org A", NULL, 5, 0, 1);
	row(c, "a.example", "tlsa-invalid", "mx2.a.example", 100, "Org A", "192.0.2.3", 4,
	    0, 1);
	row(c, "a.example", "tlsa-invalid", "mx2.a.example", 100, "Org B", "192.0.2.1", 1,
	    1, 1);
	for (i = 0; i < 6; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		row(c, "a.example", "tlsa-invalid", "mx1.a.example", 97, "Org A", ip, 1, 0, 1);
	}
	CHECK_INT(report_cells_domains(c), 2);
	CHECK_STR(report_cells_domain(c, 0), "b.example");
	CHECK_INT(report_cells_episodes(c, domain_index(c, "a.example"), &d), 0);
	CHECK_INT(d.n_keys, 3);
	if (d.n_keys != 3)
		goto done;
	CHECK_STR(d.keys[0].key, "certificate-expired\t");
	CHECK_STR(d.keys[1].key, "tlsa-invalid\tmx1.a.example");
	CHECK_STR(d.keys[2].key, "tlsa-invalid\tmx2.a.example");
	/* Cells by day though the rows came later first. */
	k = &d.keys[2];
	CHECK_INT(k->n_cells, 2);
	cell = &d.cells[k->cell0];
	CHECK_INT(cell[0].day, 98);
	CHECK_INT(cell[0].failed, 2);
	CHECK_INT(cell[1].day, 100);
	CHECK_INT(cell[1].failed, 8);
	CHECK_INT(cell[1].enforced, 4);
	/* Reporters and IPs in the order of their first row. */
	CHECK_INT(cell[1].n_org, 2);
	CHECK_STR(report_cells_str(c, d.orgs[cell[1].org0].id), "Org B");
	CHECK_INT(d.orgs[cell[1].org0].n, 4);
	CHECK_STR(report_cells_str(c, d.orgs[cell[1].org0 + 1].id), "Org A");
	CHECK_INT(d.orgs[cell[1].org0 + 1].n, 4);
	CHECK_INT(cell[1].n_ip, 2);
	CHECK_STR(report_cells_str(c, d.ips[cell[1].ip0].id), "192.0.2.1");
	CHECK_STR(report_cells_str(c, d.ips[cell[1].ip0 + 1].id), "192.0.2.3");
	/* A few IPs per cell, the first ones. */
	cell = &d.cells[d.keys[1].cell0];
	CHECK_INT(cell->n_ip, REPORT_CELLS_MAX_IPS);
	CHECK_STR(report_cells_str(c, d.ips[cell->ip0].id), "198.51.100.0");
	CHECK_INT(d.cells[d.keys[0].cell0].n_ip, 0);
	CHECK(report_cells_str(c, 0) == NULL);
	/* The other domain still answers; no rows once built. */
	CHECK_INT(report_cells_episodes(c, domain_index(c, "b.example"), &d), 0);
	CHECK_INT(d.n_keys, 1);
	CHECK_INT(report_cells_episodes(c, 2, &d), -1);
	row_refused(c, "a.example", 1);
done:
	report_cells_free(c);
}

/* "name:n name:n" of the N counts V into BUF: an order is easy to compare. */
static const char *
counts(const struct report_cells *c, const struct report_ep_count *v, size_t n,
    char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s:%lld", i ? " " : "",
		    report_cells_str(c, v[i].id), v[i].n);
	return buf;
}

/*
 * The insight cells: types in the order first named, days ascending
 * though a later day came first, MX hosts and reporters in the order the
 * rows of the day named them (not sorted), rows not for the insights
 * left out, and a domain with none of them.
 */
static void
test_insight(void)
{
	struct report_cells *c = report_cells_new(shared);
	struct report_in_domain v;
	struct report_ep_domain ep;
	const struct report_in_type *t;
	const struct report_in_day *d;
	char buf[256];

	row(c, "i.example", "sts-policy-fetch-error", "", 20, "Org B", NULL, 1, 0, 1);
	row(c, "i.example", "tlsa-invalid", "mxB.i.example", 12, "Org Z", NULL, 2, 0, 1);
	row(c, "i.example", "tlsa-invalid", "mxA.i.example", 12, "Org Y", NULL, 3, 0, 1);
	row(c, "i.example", "tlsa-invalid", "mxA.i.example", 10, "Org Y", NULL, 1, 0, 1);
	row(c, "i.example", "starttls-not-supported", "mxA.i.example", 11, "Org Y", NULL, 9,
	    0, 0);
	row(c, "i.example", "tlsa-invalid", "mxC.i.example", 12, "Org Y", NULL, 4, 0, 1);
	row(c, "i.example", "tlsa-invalid", "mxB.i.example", 12, "Org Z", NULL, 1, 1, 1);
	row(c, "i.example", "sts-policy-fetch-error", "", 20, "Org A", NULL, 2, 0, 1);
	row(c, "o.example", "starttls-not-supported", "", 20, "Org A", NULL, 2, 0, 0);
	CHECK_INT(report_cells_insight(c, 1, &v), 0);
	CHECK_INT(v.n_types, 0);
	CHECK_INT(report_cells_episodes(c, 0, &ep), 0);
	CHECK_INT(report_cells_insight(c, 0, &v), 0);
	CHECK_INT(v.n_types, 2);
	if (v.n_types != 2)
		goto done;
	t = &v.types[0];
	CHECK_STR(report_cells_str(c, t->rt), "sts-policy-fetch-error");
	CHECK_INT(t->n_days, 1);
	d = &v.days[t->day0];
	CHECK_INT(d->day, 20);
	CHECK_INT(d->failed, 3);
	CHECK_STR(counts(c, v.mx + d->mx0, d->n_mx, buf, sizeof(buf)), "(none):3");
	CHECK_STR(counts(c, v.orgs + d->org0, d->n_org, buf, sizeof(buf)), "Org B:1 Org A:2");
	t = &v.types[1];
	CHECK_STR(report_cells_str(c, t->rt), "tlsa-invalid");
	CHECK_INT(t->n_days, 2);
	if (t->n_days != 2)
		goto done;
	d = &v.days[t->day0];
	CHECK_INT(d[0].day, 10);
	CHECK_INT(d[0].failed, 1);
	CHECK_STR(counts(c, v.mx + d[0].mx0, d[0].n_mx, buf, sizeof(buf)), "mxA.i.example:1");
	CHECK_STR(counts(c, v.orgs + d[0].org0, d[0].n_org, buf, sizeof(buf)), "Org Y:1");
	CHECK_INT(d[1].day, 12);
	CHECK_INT(d[1].failed, 10);
	CHECK_STR(counts(c, v.mx + d[1].mx0, d[1].n_mx, buf, sizeof(buf)),
	    "mxB.i.example:3 mxA.i.example:3 mxC.i.example:4");
	CHECK_STR(counts(c, v.orgs + d[1].org0, d[1].n_org, buf, sizeof(buf)),
	    "Org Z:3 Org Y:7");
	/* The episode cells asked for before are still there. */
	CHECK_INT(ep.n_keys, 5);
	CHECK_STR(ep.keys[0].key, "starttls-not-supported\tmxA.i.example");
	CHECK_INT(ep.cells[ep.keys[0].cell0].failed, 9);
	CHECK_INT(report_cells_insight(c, 2, &v), -1);
done:
	report_cells_free(c);
}

/*
 * Enough cells that the table grows many times, in an order that is not
 * the sorted one: every sum still lands in its own cell.
 */
static void
test_many(void)
{
	struct report_cells *c = report_cells_new(NULL);
	struct report_ep_domain d;
	char mx[64];
	long day;
	int h, bad = 0;
	size_t i, j;

	for (day = 400; day > 0; day--)
		for (h = 0; h < 60; h++) {
			snprintf(mx, sizeof(mx), "mx%02d.example", (h * 37) % 60);
			row(c, "many.example", "validation-failure", mx, day, "Org A", NULL,
			    day, 0, 0);
			row(c, "many.example", "validation-failure", mx, day, "Org B", NULL,
			    h, 0, 0);
		}
	CHECK_INT(report_cells_episodes(c, 0, &d), 0);
	CHECK_INT(d.n_keys, 60);
	for (i = 0; i < d.n_keys; i++) {
		snprintf(mx, sizeof(mx), "validation-failure\tmx%02zu.example", i);
		if (strcmp(d.keys[i].key, mx) != 0 || d.keys[i].n_cells != 400)
			bad++;
		for (j = 0; j < d.keys[i].n_cells; j++) {
			const struct report_ep_cell *cell = &d.cells[d.keys[i].cell0 + j];
			long long hh = d.orgs[cell->org0 + 1].n;

			if (cell->day != (long)j + 1 || cell->n_org != 2 ||
			    cell->failed != cell->day + hh || (hh * 37) % 60 != (long long)i ||
			    d.orgs[cell->org0].n != cell->day)
				bad++;
		}
	}
	CHECK_INT(bad, 0);
	report_cells_free(c);
}

/* The enforced sessions of the one cell of KEY in domain D. */
static long long
enforced_of(const struct report_ep_domain *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->n_keys; i++)
		if (strcmp(d->keys[i].key, key) == 0 && d->keys[i].n_cells == 1)
			return d->cells[d->keys[i].cell0].enforced;
	return -1;
}

/*
 * Sessions under an enforcing policy: a cell of one kind of rows, and
 * cells whose rows change kind (first rows either way, sessions of zero),
 * each with the exact sum; and days at both ends of RFC 3339 dates.
 */
static void
test_enforced(void)
{
	struct report_cells *c = report_cells_new(NULL);
	struct report_ep_domain d;

	row(c, "e.example", "all", "", 10, "Org A", NULL, 5, 1, 0);
	row(c, "e.example", "all", "", 10, "Org B", NULL, 7, 1, 0);
	row(c, "e.example", "none", "", 10, "Org A", NULL, 5, 0, 0);
	row(c, "e.example", "on-off", "", 10, "Org A", NULL, 5, 1, 0);
	row(c, "e.example", "on-off", "", 10, "Org A", NULL, 2, 0, 0);
	row(c, "e.example", "on-off", "", 10, "Org B", NULL, 3, 1, 0);
	row(c, "e.example", "on-off", "", 10, "Org B", NULL, 11, 0, 0);
	row(c, "e.example", "off-on", "", 10, "Org A", NULL, 6, 0, 0);
	row(c, "e.example", "off-on", "", 10, "Org A", NULL, 4, 0, 0);
	row(c, "e.example", "off-on", "", 10, "Org B", NULL, 9, 1, 0);
	row(c, "e.example", "zero", "", 10, "Org A", NULL, 0, 1, 0);
	row(c, "e.example", "zero", "", 10, "Org A", NULL, 8, 0, 0);
	row(c, "e.example", "early", "", -719528, "Org A", NULL, 1, 1, 0);
	row(c, "e.example", "late", "", 2932896, "Org A", NULL, 1, 0, 0);
	/* A day no date has is refused, not folded into another. */
	row_refused(c, "e.example", 3000000L * 3);
	CHECK_INT(report_cells_seal(c), 0);
	CHECK_INT(report_cells_seal(c), 0);
	CHECK_INT(report_cells_episodes(c, 0, &d), 0);
	CHECK_INT(enforced_of(&d, "all\t"), 12);
	CHECK_INT(enforced_of(&d, "none\t"), 0);
	CHECK_INT(enforced_of(&d, "on-off\t"), 8);
	CHECK_INT(enforced_of(&d, "off-on\t"), 9);
	CHECK_INT(enforced_of(&d, "zero\t"), 0);
	CHECK_INT(enforced_of(&d, "early\t"), 1);
	CHECK_INT(d.cells[d.keys[0].cell0].failed, 12);	/* "all" */
	CHECK_STR(d.keys[1].key, "early\t");
	CHECK_INT(d.cells[d.keys[1].cell0].day, -719528);
	CHECK_STR(d.keys[2].key, "late\t");
	CHECK_INT(d.cells[d.keys[2].cell0].day, 2932896);
	report_cells_free(c);
}

/* Domain K's arrays from the two paths are equal, entry by entry. */
static void
same_views(struct report_cells *c, size_t k, const struct report_ep_domain *a,
    const struct report_in_domain *b)
{
	struct report_ep_domain ep;
	struct report_in_domain in;
	size_t i, j, n_cells = 0, n_days = 0;

	CHECK_INT(report_cells_episodes(c, k, &ep), 0);
	CHECK_INT(a->n_keys, ep.n_keys);
	for (i = 0; i < ep.n_keys && i < a->n_keys; i++) {
		CHECK_STR(a->keys[i].key, ep.keys[i].key);
		CHECK_INT(a->keys[i].n_cells, ep.keys[i].n_cells);
		CHECK_INT(a->keys[i].cell0, ep.keys[i].cell0);
		n_cells += ep.keys[i].n_cells;
	}
	for (i = 0; i < n_cells; i++) {
		const struct report_ep_cell *x = &a->cells[i], *y = &ep.cells[i];

		CHECK(x->day == y->day && x->failed == y->failed && x->enforced == y->enforced &&
		    x->n_org == y->n_org && x->n_ip == y->n_ip && x->org0 == y->org0 &&
		    x->ip0 == y->ip0);
		for (j = 0; j < y->n_org; j++)
			CHECK(a->orgs[x->org0 + j].id == ep.orgs[y->org0 + j].id &&
			    a->orgs[x->org0 + j].n == ep.orgs[y->org0 + j].n);
		for (j = 0; j < y->n_ip; j++)
			CHECK(a->ips[x->ip0 + j].id == ep.ips[y->ip0 + j].id);
	}
	CHECK_INT(report_cells_insight(c, k, &in), 0);
	CHECK_INT(b->n_types, in.n_types);
	for (i = 0; i < in.n_types && i < b->n_types; i++) {
		CHECK(b->types[i].rt == in.types[i].rt && b->types[i].day0 == in.types[i].day0 &&
		    b->types[i].n_days == in.types[i].n_days);
		n_days += in.types[i].n_days;
	}
	for (i = 0; i < n_days; i++) {
		const struct report_in_day *x = &b->days[i], *y = &in.days[i];

		CHECK(x->day == y->day && x->failed == y->failed && x->n_mx == y->n_mx &&
		    x->n_org == y->n_org && x->mx0 == y->mx0 && x->org0 == y->org0);
		for (j = 0; j < y->n_mx; j++)
			CHECK(b->mx[x->mx0 + j].id == in.mx[y->mx0 + j].id &&
			    b->mx[x->mx0 + j].n == in.mx[y->mx0 + j].n);
		for (j = 0; j < y->n_org; j++)
			CHECK(b->orgs[x->org0 + j].id == in.orgs[y->org0 + j].id &&
			    b->orgs[x->org0 + j].n == in.orgs[y->org0 + j].n);
	}
}

/*
 * Forty domains of mixed rows: every domain's arrays gathered ahead are
 * those gathered in place, while the caller gathers in place meanwhile
 * (its own scratch); a reader that stops after a few domains, one that
 * asks past the last, and cells without domains end cleanly.
 */
static void
test_ahead(void)
{
	static const char *const rts[] = { "certificate-expired", "tlsa-invalid",
	    "sts-policy-invalid", "starttls-not-supported" };
	struct report_cells *c = report_cells_new(NULL), *none = report_cells_new(NULL);
	struct report_ahead *a;
	struct report_ep_domain ep;
	struct report_in_domain in;
	char dom[32], mx[32], org[16], ip[32];
	unsigned x = 12345;
	size_t k, n;
	int i;

	for (i = 0; i < 4000; i++) {
		x = x * 1103515245u + 12345u;
		snprintf(dom, sizeof(dom), "d%02u.example", (x >> 8) % 40);
		snprintf(mx, sizeof(mx), "mx%u.d.example", (x >> 14) % 3);
		snprintf(org, sizeof(org), "Org %c", 'A' + (int)((x >> 18) % 5));
		snprintf(ip, sizeof(ip), "192.0.2.%u", (x >> 22) % 9);
		row(c, dom, rts[(x >> 4) % 4], (x >> 26) % 4 ? mx : "", 19000 + (long)((x >> 10) % 60),
		    org, (x >> 3) % 3 ? ip : NULL, (long long)((x >> 20) % 50), (int)((x >> 2) & 1),
		    (int)((x >> 5) & 1));
	}
	CHECK((a = report_ahead_start(c, 1)) != NULL);
	n = report_cells_domains(c);
	CHECK_INT(n, 40);
	for (k = 0; a != NULL && k < n; k++) {
		CHECK_INT(report_ahead_get(a, k, &ep, &in), 0);
		same_views(c, k, &ep, &in);
	}
	if (a != NULL)
		CHECK_INT(report_ahead_get(a, n, &ep, &in), -1);	/* past the last */
	report_ahead_end(a);
	/* Episodes only, stopped after three domains. */
	CHECK((a = report_ahead_start(c, 0)) != NULL);
	for (k = 0; a != NULL && k < 3; k++)
		CHECK_INT(report_ahead_get(a, k, &ep, NULL), 0);
	report_ahead_end(a);
	report_ahead_end(NULL);
	CHECK((a = report_ahead_start(none, 1)) != NULL);
	if (a != NULL)
		CHECK_INT(report_ahead_get(a, 0, &ep, &in), -1);
	report_ahead_end(a);
	report_cells_free(none);
	report_cells_free(c);
}

int
main(void)
{
	test_order();
	test_insight();
	/* Again with shared strings, whose ids differ from the cells' own. */
	if ((shared = tally_new()) == NULL || tally_str(shared, "unrelated") == 0)
		return 1;
	test_order();
	test_insight();
	tally_free(shared);
	shared = NULL;
	test_many();
	test_enforced();
	test_ahead();
	return test_summary("test_report_cells");
}
