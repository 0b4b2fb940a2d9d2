/*
 * test_report_cells.c - the per-day cells of the episodes and insights:
 * keys sorted, cells by day, reporters and IPs in the order the rows
 * named them, sums right after the table grew many times, and the
 * insight cells as JSON; the same when the rows come by string id in a
 * table the cells share.
 */
#include "report_cells.h"
#include "report_tally.h"
#include "testlib.h"

#include <json.h>
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
	struct json_object *in = NULL;
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
	/* The insight cells of the same domain, as JSON. */
	CHECK_INT(report_cells_build(c, domain_index(c, "a.example"), &in), 0);
	CHECK_STR(json_object_to_json_string_ext(in, JSON_C_TO_STRING_PLAIN),
	    "{\"tlsa-invalid\":{\"1970-04-11\":{\"failed\":8,\"mx_hosts\":"
	    "{\"mx2.a.example\":8},\"reporters\":{\"Org B\":4,\"Org A\":4}},"
	    "\"1970-04-09\":{\"failed\":2,\"mx_hosts\":{\"mx2.a.example\":2},"
	    "\"reporters\":{\"Org A\":2}},\"1970-04-08\":{\"failed\":6,\"mx_hosts\":"
	    "{\"mx1.a.example\":6},\"reporters\":{\"Org A\":6}}},"
	    "\"certificate-expired\":{\"1970-04-10\":{\"failed\":5,\"mx_hosts\":"
	    "{\"(none)\":5},\"reporters\":{\"Org A\":5}}}}");
	json_object_put(in);
	/* The other domain still answers; no rows once built. */
	CHECK_INT(report_cells_episodes(c, domain_index(c, "b.example"), &d), 0);
	CHECK_INT(d.n_keys, 1);
	CHECK_INT(report_cells_episodes(c, 2, &d), -1);
	row_refused(c, "a.example", 1);
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

int
main(void)
{
	test_order();
	/* Again with shared strings, whose ids differ from the cells' own. */
	if ((shared = tally_new()) == NULL || tally_str(shared, "unrelated") == 0)
		return 1;
	test_order();
	tally_free(shared);
	shared = NULL;
	test_many();
	test_enforced();
	return test_summary("test_report_cells");
}
