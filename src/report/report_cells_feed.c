/*
 * report_cells_feed.c - the cells filled in a thread of their own; see
 * report_cells_feed.h.
 *
 * Rows travel as fixed-size records of ids through a handoff
 * (handoff.h); the cells' thread adds each with no string in it, so it
 * never reads the shared strings the calling thread goes on adding to.
 */
#include "report_cells_feed.h"
#include "handoff.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FEED_BYTES	(64 * 1024)	/* a batch: about 1,300 rows */

/* A row as ids, its strings resolved in the calling thread. */
struct frow {
	uint32_t domain, rt, epmx, host, org, ip, key;
	int32_t enforced, insight;
	long day;
	long long n;
};

struct report_cells_feed {
	struct report_cells *c;
	struct handoff *h;		/* NULL: rows go straight to the cells */
	struct handoff_buf *fill;
	pthread_t tid;
	int failed;			/* the thread's: a row not added */
	int oom;			/* the caller's */
};

static void *
consume(void *arg)
{
	struct report_cells_feed *f = arg;
	struct handoff_buf *b;

	while ((b = handoff_next(f->h)) != NULL) {
		size_t at;

		for (at = 0; !f->failed && at + sizeof(struct frow) <= b->len;
		    at += sizeof(struct frow)) {
			struct frow fr;
			struct report_cell_row r;

			memcpy(&fr, b->data + at, sizeof(fr));
			memset(&r, 0, sizeof(r));
			r.domain_id = fr.domain;
			r.rt_id = fr.rt;
			r.epmx_id = fr.epmx;
			r.host_id = fr.host;
			r.org_id = fr.org;
			r.ip_id = fr.ip;
			r.key_id = fr.key;
			r.day = fr.day;
			r.n = fr.n;
			r.enforced = fr.enforced;
			r.insight = fr.insight;
			if (report_cells_add(f->c, &r) < 0)
				f->failed = 1;
		}
		/* After a failure the rest is only released: the result is -1. */
		if (f->failed)
			handoff_stop(f->h);
		handoff_release(f->h);
	}
	return NULL;
}

struct report_cells_feed *
report_cells_feed_new(struct report_cells *cells)
{
	struct report_cells_feed *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->c = cells;
	if ((f->h = handoff_new()) != NULL &&
	    pthread_create(&f->tid, NULL, consume, f) != 0) {
		handoff_free(f->h);
		f->h = NULL;
	}
	return f;
}

/* The id of S (or ID when given): interned here, in the calling thread. */
static uint32_t
resolve(struct report_cells_feed *f, uint32_t id, const char *s)
{
	if (id != 0 || s == NULL)
		return id;
	return report_cells_id(f->c, s);
}

int
report_cells_feed_add(struct report_cells_feed *f, const struct report_cell_row *row)
{
	struct frow fr;

	if (f->h == NULL)
		return report_cells_add(f->c, row);
	if (f->oom)
		return -1;
	memset(&fr, 0, sizeof(fr));
	fr.domain = resolve(f, row->domain_id, row->domain);
	fr.rt = resolve(f, row->rt_id, row->rt);
	fr.epmx = resolve(f, row->epmx_id, row->epmx);
	fr.host = resolve(f, row->host_id, row->host);
	fr.org = resolve(f, row->org_id, row->org);
	fr.ip = row->ip_id != 0 || (row->ip != NULL && row->ip[0] != '\0') ?
	    resolve(f, row->ip_id, row->ip) : 0;
	if (fr.domain == 0 || fr.rt == 0 || fr.epmx == 0 || fr.org == 0 ||
	    (row->insight && fr.host == 0) ||
	    (fr.ip == 0 && row->ip != NULL && row->ip[0] != '\0') ||
	    (fr.key = report_cells_episode_key(f->c, fr.rt, fr.epmx)) == 0)
		return f->oom = 1, -1;
	fr.enforced = row->enforced != 0;
	fr.insight = row->insight != 0;
	fr.day = row->day;
	fr.n = row->n;
	if (f->fill != NULL && f->fill->len + sizeof(fr) > FEED_BYTES) {
		handoff_publish(f->h);
		f->fill = NULL;
	}
	/* NULL: the thread stopped on a row it could not add. */
	if (f->fill == NULL && (f->fill = handoff_take(f->h)) == NULL)
		return f->oom = 1, -1;
	if (handoff_room(f->fill, sizeof(fr)) < 0)
		return f->oom = 1, -1;
	memcpy(f->fill->data + f->fill->len, &fr, sizeof(fr));
	f->fill->len += sizeof(fr);
	return 0;
}

int
report_cells_feed_end(struct report_cells_feed *f)
{
	int rc;

	if (f == NULL)
		return -1;
	if (f->h != NULL) {
		if (f->fill != NULL && f->fill->len > 0)
			handoff_publish(f->h);
		handoff_close(f->h);
		pthread_join(f->tid, NULL);
		handoff_free(f->h);
	}
	rc = f->oom || f->failed ? -1 : 0;
	free(f);
	return rc;
}
