/*
 * test_store_pipe.c - store_pipe_query() keeps store_query()'s contract
 * with the backend stepping in a second thread: every row, field and
 * string as the backend gave it (NULLs, empty strings, one larger than a
 * batch), in order, with the callbacks in the caller's thread and the
 * backend in another; kinds without a callback skipped; a callback's stop
 * ends the backend's query soon and reads "stopped"; a backend's error
 * comes back with its text after the rows it gave.
 */
#include "store_backend.h"
#include "testlib.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the fake backend gives, and what it saw. */
struct fake {
	long reports, policies, failures;	/* rows to give of each kind */
	long fail_after;			/* give -1 after this many failures; -1 never */
	long given;				/* rows the visitor accepted */
	int other_thread;			/* ran outside the caller's thread */
	pthread_t caller;
	char *big;				/* a string longer than a batch */
};

/* The Ith string of field F: NULL, empty, the big one or a short text. */
static const char *
str(struct fake *fk, long i, int f, char *buf, size_t size)
{
	if (i == 5 && f == 2)
		return fk->big;
	if ((i + f) % 7 == 0)
		return NULL;
	if ((i + f) % 11 == 0)
		return "";
	snprintf(buf, size, "s%ld.%d", i, f);
	return buf;
}

static int
fake_query(struct store *st, const struct store_filter *filter,
    const struct store_visitor *v, char *errbuf, size_t errlen)
{
	struct fake *fk = (struct fake *)(void *)st;
	char b[8][32];
	long i;

	(void)filter;
	fk->other_thread = !pthread_equal(pthread_self(), fk->caller);
	for (i = 0; v->report != NULL && i < fk->reports; i++) {
		struct store_report_row r = { .id = i + 1, .start = 1000 + i, .end = 2000 + i,
		    .received = i % 2 ? 0 : 3000 + i, .verified = (int)(i % 2),
		    .successful = 7 * i, .failed = 3 * i };

		r.organization_name = str(fk, i, 0, b[0], sizeof(b[0]));
		r.contact_info = str(fk, i, 1, b[1], sizeof(b[1]));
		r.report_id = str(fk, i, 2, b[2], sizeof(b[2]));
		r.dkim_domain = str(fk, i, 3, b[3], sizeof(b[3]));
		if (v->report(v->ctx, &r) != 0)
			goto stopped;
		fk->given++;
	}
	for (i = 0; v->policy != NULL && i < fk->policies; i++) {
		struct store_policy_row p = { .id = 100 + i, .report = i / 2 + 1,
		    .successful = i, .failed = i + 1 };

		p.policy_type = str(fk, i, 0, b[0], sizeof(b[0]));
		p.policy_domain = str(fk, i, 1, b[1], sizeof(b[1]));
		p.mx_hosts = str(fk, i, 2, b[2], sizeof(b[2]));
		p.policy_strings = str(fk, i, 3, b[3], sizeof(b[3]));
		if (v->policy(v->ctx, &p) != 0)
			goto stopped;
		fk->given++;
	}
	for (i = 0; v->failure != NULL && i < fk->failures; i++) {
		struct store_failure_row f = { .policy = 100 + i / 3, .failed = i * 5,
		    .folded = i % 4 };

		if (i == fk->fail_after) {
			snprintf(errbuf, errlen, "sqlite: query: disk I/O error");
			return -1;
		}
		f.result_type = str(fk, i, 0, b[0], sizeof(b[0]));
		f.sending_mta_ip = str(fk, i, 1, b[1], sizeof(b[1]));
		f.receiving_mx_hostname = str(fk, i, 2, b[2], sizeof(b[2]));
		f.receiving_mx_helo = str(fk, i, 3, b[3], sizeof(b[3]));
		f.receiving_ip = str(fk, i, 4, b[4], sizeof(b[4]));
		f.additional_information = str(fk, i, 5, b[5], sizeof(b[5]));
		f.failure_reason_code = str(fk, i, 6, b[6], sizeof(b[6]));
		if (v->failure(v->ctx, &f) != 0)
			goto stopped;
		fk->given++;
	}
	return 0;
stopped:
	snprintf(errbuf, errlen, "stopped");
	return -1;
}

/* The visitor's side: what it got, checked against what was given. */
struct seen {
	struct fake *fk;
	long reports, policies, failures, bad;
	long stop_at;			/* return 1 at this failure; -1 never */
	int wrong_thread;
};

static int
same(struct seen *s, const char *got, long i, int f, const char *what)
{
	char b[32];
	const char *want = str(s->fk, i, f, b, sizeof(b));

	if ((got == NULL) != (want == NULL) ||
	    (got != NULL && strcmp(got, want) != 0)) {
		if (s->bad++ < 5)
			CHECKF(0, "%s %ld field %d: got %.20s, want %.20s", what, i, f,
			    got ? got : "NULL", want ? want : "NULL");
		return 0;
	}
	return 1;
}

static void
thread_check(struct seen *s)
{
	if (!pthread_equal(pthread_self(), s->fk->caller))
		s->wrong_thread = 1;
}

static int
on_report(void *ctx, const struct store_report_row *r)
{
	struct seen *s = ctx;
	long i = s->reports++;

	thread_check(s);
	if (r->id != i + 1 || r->start != 1000 + i || r->end != 2000 + i ||
	    r->received != (i % 2 ? 0 : 3000 + i) || r->verified != (int)(i % 2) ||
	    r->successful != 7 * i || r->failed != 3 * i)
		s->bad++;
	same(s, r->organization_name, i, 0, "report");
	same(s, r->contact_info, i, 1, "report");
	same(s, r->report_id, i, 2, "report");
	same(s, r->dkim_domain, i, 3, "report");
	return 0;
}

static int
on_policy(void *ctx, const struct store_policy_row *p)
{
	struct seen *s = ctx;
	long i = s->policies++;

	thread_check(s);
	if (p->id != 100 + i || p->report != i / 2 + 1 || p->successful != i ||
	    p->failed != i + 1)
		s->bad++;
	same(s, p->policy_type, i, 0, "policy");
	same(s, p->policy_domain, i, 1, "policy");
	same(s, p->mx_hosts, i, 2, "policy");
	same(s, p->policy_strings, i, 3, "policy");
	return 0;
}

static int
on_failure(void *ctx, const struct store_failure_row *f)
{
	struct seen *s = ctx;
	long i = s->failures++;

	thread_check(s);
	if (f->policy != 100 + i / 3 || f->failed != i * 5 || f->folded != i % 4)
		s->bad++;
	same(s, f->result_type, i, 0, "failure");
	same(s, f->sending_mta_ip, i, 1, "failure");
	same(s, f->receiving_mx_hostname, i, 2, "failure");
	same(s, f->receiving_mx_helo, i, 3, "failure");
	same(s, f->receiving_ip, i, 4, "failure");
	same(s, f->additional_information, i, 5, "failure");
	same(s, f->failure_reason_code, i, 6, "failure");
	return i == s->stop_at;
}

/* Run the pipe over FK with a visitor of the kinds in KINDS ("rpf"). */
static int
run(struct fake *fk, struct seen *s, const char *kinds, long stop_at, char *err,
    size_t errlen)
{
	struct store_filter filter = { 0 };
	struct store_visitor v = { s,
	    strchr(kinds, 'r') ? on_report : NULL,
	    strchr(kinds, 'p') ? on_policy : NULL,
	    strchr(kinds, 'f') ? on_failure : NULL, 0 };

	memset(s, 0, sizeof(*s));
	s->fk = fk;
	s->stop_at = stop_at;
	fk->given = 0;
	fk->other_thread = 0;
	fk->caller = pthread_self();
	err[0] = '\0';
	return store_pipe_query(fake_query, (struct store *)(void *)fk, &filter, &v,
	    err, errlen);
}

int
main(void)
{
	struct fake fk;
	struct seen s;
	char err[256];
	size_t big = STORE_PIPE_BYTES * 2 + 13;

	memset(&fk, 0, sizeof(fk));
	fk.big = malloc(big + 1);
	if (fk.big == NULL)
		return 1;
	memset(fk.big, 'x', big);
	fk.big[big] = '\0';

	/* Every row of every kind, in order, field for field. */
	fk.reports = 5000;
	fk.policies = 6000;
	fk.failures = 50000;
	fk.fail_after = -1;
	CHECK_INT(run(&fk, &s, "rpf", -1, err, sizeof(err)), 0);
	CHECK_INT(s.reports, 5000);
	CHECK_INT(s.policies, 6000);
	CHECK_INT(s.failures, 50000);
	CHECK_INT(s.bad, 0);
	CHECK(fk.other_thread);
	CHECK(!s.wrong_thread);

	/* A kind without a callback is not asked of the backend. */
	CHECK_INT(run(&fk, &s, "f", -1, err, sizeof(err)), 0);
	CHECK_INT(s.reports + s.policies, 0);
	CHECK_INT(fk.given, 50000);
	CHECK_INT(s.failures, 50000);
	CHECK_INT(s.bad, 0);

	/* A stop: no callback after it, the backend stops within the batches. */
	fk.failures = 1000000;
	CHECK_INT(run(&fk, &s, "pf", 999, err, sizeof(err)), -1);
	CHECK_STR(err, "stopped");
	CHECK_INT(s.failures, 1000);
	CHECKF(fk.given < 6000 + 1000 + 100000, "the backend gave %ld rows", fk.given);

	/* A stop on the very last row still reads "stopped". */
	fk.failures = 10;
	CHECK_INT(run(&fk, &s, "f", 9, err, sizeof(err)), -1);
	CHECK_STR(err, "stopped");
	CHECK_INT(s.failures, 10);

	/* The backend's error, after the rows it gave. */
	fk.failures = 100000;
	fk.fail_after = 70000;
	CHECK_INT(run(&fk, &s, "rpf", -1, err, sizeof(err)), -1);
	CHECK_STR(err, "sqlite: query: disk I/O error");
	CHECK_INT(s.failures, 70000);
	CHECK_INT(s.bad, 0);

	/* Nothing to give. */
	fk.reports = fk.policies = fk.failures = 0;
	fk.fail_after = -1;
	CHECK_INT(run(&fk, &s, "rpf", -1, err, sizeof(err)), 0);
	CHECK_INT(s.reports + s.policies + s.failures, 0);
	CHECK_STR(err, "");

	free(fk.big);
	return test_summary("test_store_pipe");
}
