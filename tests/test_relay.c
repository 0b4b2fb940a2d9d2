/*
 * test_relay.c - records through a relay are applied in the order put,
 * every one, in a thread other than the caller's; a record refused stops
 * the rest and both relay_put() and relay_end() say so.  And as the
 * report uses it: failure details handed to the cells by id alone
 * (strings and episode keys resolved by the caller) make the same cells
 * as the rows added directly with strings: every domain's episode keys,
 * cells, reporters and receiving IPs, in the same order.
 */
#include "relay.h"
#include "report_cells.h"
#include "report_tally.h"

#include <pthread.h>
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

/* A cells row as ids only, the way the report's second thread gets it. */
struct idrow {
	uint32_t domain, rt, epmx, host, org, ip, key;
	int32_t enforced, insight;
	long day;
	long long n;
};

static int
apply_cells(void *ctx, const void *rec)
{
	struct idrow f;
	struct report_cell_row r;

	memcpy(&f, rec, sizeof(f));
	memset(&r, 0, sizeof(r));
	r.domain_id = f.domain;
	r.rt_id = f.rt;
	r.epmx_id = f.epmx;
	r.host_id = f.host;
	r.org_id = f.org;
	r.ip_id = f.ip;
	r.key_id = f.key;
	r.day = f.day;
	r.n = f.n;
	r.enforced = f.enforced;
	r.insight = f.insight;
	return report_cells_add(ctx, &r);
}

/*
 * The cells of the generated rows: added directly with strings, or
 * through a relay by ids that T (shared with the cells) resolves here.
 */
static struct report_cells *
fill(int relayed, struct tally **t_r)
{
	struct tally *t = relayed ? tally_new() : NULL;
	struct report_cells *c;
	struct relay *rl = NULL;
	char buf[6][48];
	long i;
	int bad = 0;

	/* Ids in the shared table differ from those the cells would make. */
	if (t != NULL)
		tally_str(t, "unrelated");
	c = report_cells_new(t);
	if (relayed)
		rl = relay_new(sizeof(struct idrow), apply_cells, c);
	for (i = 0; i < N_ROWS; i++) {
		struct report_cell_row r;
		struct idrow f;

		gen(&r, i, buf);
		if (!relayed) {
			bad += report_cells_add(c, &r) < 0;
			continue;
		}
		memset(&f, 0, sizeof(f));
		f.domain = tally_str(t, r.domain);
		f.rt = tally_str(t, r.rt);
		f.epmx = tally_str(t, r.epmx);
		f.host = tally_str(t, r.host);
		f.org = tally_str(t, r.org);
		f.ip = r.ip != NULL && r.ip[0] != '\0' ? tally_str(t, r.ip) : 0;
		f.key = report_cells_episode_key(c, f.rt, f.epmx);
		f.enforced = r.enforced;
		f.insight = r.insight;
		f.day = r.day;
		f.n = r.n;
		bad += f.key == 0 || relay_put(rl, &f) < 0;
	}
	if (relayed && relay_end(rl) < 0)
		bad++;
	CHECK_INT(bad, 0);
	*t_r = t;
	return c;
}

/* Plain records: a sequence number each, checked in order. */
struct seq {
	long next, refuse_at;
	int other_thread;
	pthread_t caller;
};

static int
apply_seq(void *ctx, const void *rec)
{
	struct seq *q = ctx;
	long v;

	memcpy(&v, rec, sizeof(v));
	if (!pthread_equal(pthread_self(), q->caller))
		q->other_thread = 1;
	if (v == q->refuse_at)
		return -1;
	if (v != q->next)
		return -1;
	q->next++;
	return 0;
}

int
main(void)
{
	struct tally *t0, *t1;
	struct report_cells *direct, *fed;
	struct relay *rl;
	struct seq q;
	long i, puts_ok;
	size_t k;
	int differ = 0;

	/* Every record, in order, in another thread. */
	memset(&q, 0, sizeof(q));
	q.refuse_at = -1;
	q.caller = pthread_self();
	rl = relay_new(sizeof(long), apply_seq, &q);
	CHECK(rl != NULL);
	for (i = 0, puts_ok = 0; i < 300000; i++)
		puts_ok += relay_put(rl, &i) == 0;
	CHECK_INT(puts_ok, 300000);
	CHECK_INT(relay_end(rl), 0);
	CHECK_INT(q.next, 300000);
	CHECK(q.other_thread);

	/* A refused record: nothing after it applied, the caller told. */
	memset(&q, 0, sizeof(q));
	q.refuse_at = 1000;
	q.caller = pthread_self();
	rl = relay_new(sizeof(long), apply_seq, &q);
	for (i = 0, puts_ok = 0; i < 300000; i++)
		puts_ok += relay_put(rl, &i) == 0;
	CHECK(puts_ok < 300000);
	CHECK_INT(relay_end(rl), -1);
	CHECK_INT(q.next, 1000);
	CHECK_INT(relay_end(NULL), -1);
	CHECK(relay_new(0, apply_seq, &q) == NULL);

	/* The cells, relayed by id and added directly. */
	direct = fill(0, &t0);
	fed = fill(1, &t1);
	CHECK_INT(report_cells_domains(direct), 17);
	CHECK_INT(report_cells_domains(fed), report_cells_domains(direct));
	for (k = 0; k < report_cells_domains(direct); k++) {
		char *a = dump(direct, k), *b = dump(fed, k);

		if (a == NULL || b == NULL || strcmp(a, b) != 0) {
			if (differ++ == 0)
				CHECKF(0, "domain %zu: %.80s | %.80s", k, a ? a : "NULL",
				    b ? b : "NULL");
		}
		free(a);
		free(b);
	}
	CHECK_INT(differ, 0);
	report_cells_free(fed);
	tally_free(t1);
	report_cells_free(direct);
	return test_summary("test_relay");
}
