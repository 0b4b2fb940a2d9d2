/*
 * report_ahead.c - cells gathered a domain ahead; see report_ahead.h.
 */
#include "report_ahead.h"

#include <pthread.h>
#include <stdlib.h>

/* A slot holds one domain's arrays: gathered (READY) or free to fill. */
struct slot {
	struct report_cells_scratch *s;
	struct report_ep_domain ep;
	struct report_in_domain in;
	size_t k;
	int ready, rc;
};

struct report_ahead {
	struct report_cells *c;
	int insight;
	size_t n;			/* domains */
	struct slot slot[2];		/* domain K in slot K % 2 */
	int stop;			/* the caller's: gather no more */
	int done;			/* the thread's: no more to come */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t tid;
};

static void *
gather(void *arg)
{
	struct report_ahead *a = arg;
	size_t k;
	int rc = 0;

	for (k = 0; k < a->n && rc == 0; k++) {
		struct slot *sl = &a->slot[k % 2];
		int stop;

		pthread_mutex_lock(&a->mu);
		while (sl->ready && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		stop = a->stop;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			break;
		/* The slot is this thread's until it says READY. */
		rc = report_cells_episodes_in(a->c, sl->s, k, &sl->ep);
		if (rc == 0 && a->insight)
			rc = report_cells_insight_in(a->c, sl->s, k, &sl->in);
		pthread_mutex_lock(&a->mu);
		sl->k = k;
		sl->rc = rc;
		sl->ready = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	pthread_mutex_lock(&a->mu);
	a->done = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct report_ahead *
report_ahead_start(struct report_cells *c, int insight)
{
	struct report_ahead *a;

	if (c == NULL || report_cells_seal(c) < 0 || (a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->c = c;
	a->insight = insight;
	a->n = report_cells_domains(c);
	if ((a->slot[0].s = report_cells_scratch_new()) == NULL ||
	    (a->slot[1].s = report_cells_scratch_new()) == NULL)
		goto fail;
	if (pthread_mutex_init(&a->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		goto fail;
	}
	if (pthread_create(&a->tid, NULL, gather, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		goto fail;
	}
	return a;
fail:
	report_cells_scratch_free(a->slot[0].s);
	report_cells_scratch_free(a->slot[1].s);
	free(a);
	return NULL;
}

int
report_ahead_get(struct report_ahead *a, size_t k, struct report_ep_domain *ep,
    struct report_in_domain *in)
{
	struct slot *sl = &a->slot[k % 2];
	int rc;

	pthread_mutex_lock(&a->mu);
	/* The caller is done with domain K - 1: its slot can take K + 1. */
	if (k > 0) {
		a->slot[(k - 1) % 2].ready = 0;
		pthread_cond_broadcast(&a->cv);
	}
	while (!(sl->ready && sl->k == k) && !a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	rc = sl->ready && sl->k == k ? sl->rc : -1;
	pthread_mutex_unlock(&a->mu);
	if (rc == 0) {
		*ep = sl->ep;
		if (in != NULL)
			*in = sl->in;
	}
	return rc;
}

void
report_ahead_end(struct report_ahead *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->tid, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	report_cells_scratch_free(a->slot[0].s);
	report_cells_scratch_free(a->slot[1].s);
	free(a);
}
