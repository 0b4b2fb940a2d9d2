/*
 * store_pipe.c - a backend's query stepped in a thread of its own; see
 * store_backend.h.
 *
 * The backend's thread packs each row into the batch it fills: a header,
 * a copy of the row struct, then each of its strings with the offset of
 * each kept in the record (0 for NULL), so a batch can grow without
 * pointers to fix.  Full batches go to the calling thread through a
 * handoff (handoff.h), which unpacks them in order.
 */
#include "store_backend.h"
#include "errbuf.h"
#include "handoff.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The string fields of each kind of row (store.h), by offset. */
static const size_t report_strs[] = {
	offsetof(struct store_report_row, organization_name),
	offsetof(struct store_report_row, contact_info),
	offsetof(struct store_report_row, report_id),
	offsetof(struct store_report_row, dkim_domain),
};
static const size_t policy_strs[] = {
	offsetof(struct store_policy_row, policy_type),
	offsetof(struct store_policy_row, policy_domain),
	offsetof(struct store_policy_row, mx_hosts),
	offsetof(struct store_policy_row, policy_strings),
};
static const size_t failure_strs[] = {
	offsetof(struct store_failure_row, result_type),
	offsetof(struct store_failure_row, sending_mta_ip),
	offsetof(struct store_failure_row, receiving_mx_hostname),
	offsetof(struct store_failure_row, receiving_mx_helo),
	offsetof(struct store_failure_row, receiving_ip),
	offsetof(struct store_failure_row, additional_information),
	offsetof(struct store_failure_row, failure_reason_code),
};
#define MAX_STRS	7		/* the most of any kind */
_Static_assert(N(report_strs) <= MAX_STRS && N(policy_strs) <= MAX_STRS &&
    N(failure_strs) <= MAX_STRS, "MAX_STRS is too small");

enum kind { K_REPORT, K_POLICY, K_FAILURE };

static const struct shape {
	size_t size;			/* of the row struct */
	const size_t *strs;
	size_t n_strs;
} shapes[] = {
	{ sizeof(struct store_report_row), report_strs, N(report_strs) },
	{ sizeof(struct store_policy_row), policy_strs, N(policy_strs) },
	{ sizeof(struct store_failure_row), failure_strs, N(failure_strs) },
};

/* A record: this header, the row struct, then its strings; 8-aligned. */
struct rec {
	uint32_t kind;
	uint32_t size;			/* the whole record */
	uint32_t off[MAX_STRS];		/* from the record's start; 0: NULL */
};
#define ROW_AT	((sizeof(struct rec) + 7) & ~(size_t)7)

struct pipe {
	struct handoff *h;
	struct handoff_buf *fill;	/* the producer's, or NULL */
	int oom, rc;
	char err[512];
	/* the query the producer runs */
	store_pipe_fn query;
	struct store *st;
	const struct store_filter *filter;
	const struct store_visitor *visitor;
};

/* Pack ROW of KIND; non-zero stops the backend's query. */
static int
put(struct pipe *p, enum kind kind, const void *row)
{
	const struct shape *sh = &shapes[kind];
	size_t need = ROW_AT + sh->size, lens[MAX_STRS] = { 0 }, i, at;
	struct rec h;
	char *r;

	for (i = 0; i < sh->n_strs; i++) {
		const char *s;

		memcpy(&s, (const char *)row + sh->strs[i], sizeof(s));
		lens[i] = s != NULL ? strlen(s) + 1 : 0;
		need += lens[i];
	}
	need = (need + 7) & ~(size_t)7;
	if (need > UINT32_MAX) {
		p->oom = 1;
		return 1;
	}
	/* A full batch goes; a row larger than a batch gets one of its own. */
	if (p->fill != NULL && p->fill->len > 0 && p->fill->len + need > STORE_PIPE_BYTES) {
		handoff_publish(p->h);
		p->fill = NULL;
	}
	if (p->fill == NULL && (p->fill = handoff_take(p->h)) == NULL)
		return 1;	/* the caller stopped */
	if (handoff_room(p->fill, need) < 0) {
		p->oom = 1;
		return 1;
	}
	r = p->fill->data + p->fill->len;
	memset(&h, 0, sizeof(h));
	h.kind = (uint32_t)kind;
	h.size = (uint32_t)need;
	memcpy(r + ROW_AT, row, sh->size);
	at = ROW_AT + sh->size;
	for (i = 0; i < sh->n_strs; i++) {
		const char *s;

		if (lens[i] == 0)
			continue;
		memcpy(&s, (const char *)row + sh->strs[i], sizeof(s));
		memcpy(r + at, s, lens[i]);
		h.off[i] = (uint32_t)at;
		at += lens[i];
	}
	memcpy(r, &h, sizeof(h));
	p->fill->len += need;
	return 0;
}

static int
put_report(void *ctx, const struct store_report_row *row)
{
	return put(ctx, K_REPORT, row);
}

static int
put_policy(void *ctx, const struct store_policy_row *row)
{
	return put(ctx, K_POLICY, row);
}

static int
put_failure(void *ctx, const struct store_failure_row *row)
{
	return put(ctx, K_FAILURE, row);
}

static void *
producer(void *arg)
{
	struct pipe *p = arg;
	struct store_visitor v = { p,
	    p->visitor->report != NULL ? put_report : NULL,
	    p->visitor->policy != NULL ? put_policy : NULL,
	    p->visitor->failure != NULL ? put_failure : NULL, p->visitor->brief };

	p->rc = p->query(p->st, p->filter, &v, p->err, sizeof(p->err));
	if (p->fill != NULL && p->fill->len > 0)
		handoff_publish(p->h);
	handoff_close(p->h);
	return NULL;
}

/* Hand the rows of B to VISITOR; non-zero when a callback stopped. */
static int
visit(const struct handoff_buf *b, const struct store_visitor *v)
{
	const char *data = b->data;
	size_t at = 0, len = b->len;

	while (at < len) {
		const char *r = data + at;
		struct rec h;
		union {
			struct store_report_row report;
			struct store_policy_row policy;
			struct store_failure_row failure;
		} row;
		const struct shape *sh;
		size_t i;
		int rc;

		memcpy(&h, r, sizeof(h));
		sh = &shapes[h.kind];
		memcpy(&row, r + ROW_AT, sh->size);
		for (i = 0; i < sh->n_strs; i++) {
			const char *s = h.off[i] != 0 ? r + h.off[i] : NULL;

			memcpy((char *)&row + sh->strs[i], &s, sizeof(s));
		}
		rc = h.kind == K_REPORT ? v->report(v->ctx, &row.report) :
		    h.kind == K_POLICY ? v->policy(v->ctx, &row.policy) :
		    v->failure(v->ctx, &row.failure);
		if (rc != 0)
			return 1;
		at += h.size;
	}
	return 0;
}

int
store_pipe_query(store_pipe_fn query, struct store *st,
    const struct store_filter *filter, const struct store_visitor *visitor,
    char *errbuf, size_t errlen)
{
	struct pipe p;
	struct handoff_buf *b;
	pthread_t tid;
	int stopped = 0;

	memset(&p, 0, sizeof(p));
	p.query = query;
	p.st = st;
	p.filter = filter;
	p.visitor = visitor;
	if ((p.h = handoff_new()) == NULL)
		return query(st, filter, visitor, errbuf, errlen);
	if (pthread_create(&tid, NULL, producer, &p) != 0) {
		handoff_free(p.h);
		return query(st, filter, visitor, errbuf, errlen);
	}
	while ((b = handoff_next(p.h)) != NULL) {
		/* Once stopped, the rest is only released: the producer stops soon. */
		if (!stopped && visit(b, visitor) != 0) {
			stopped = 1;
			handoff_stop(p.h);
		}
		handoff_release(p.h);
	}
	pthread_join(tid, NULL);
	handoff_free(p.h);
	if (stopped) {
		errbuf_printf(errbuf, errlen, "stopped");
		return -1;
	}
	if (p.oom) {
		errbuf_printf(errbuf, errlen, "store_query: out of memory");
		return -1;
	}
	if (p.rc != 0)
		errbuf_printf(errbuf, errlen, "%s", p.err);
	return p.rc;
}
