/*
 * replay.c - the background thread that empties the spool and, once a
 * day, prunes the store; see replay.h.
 */
#include "replay.h"
#include "log.h"
#include "runtime.h"
#include "spool.h"
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#define BATCH	100	/* files per spool_replay() call: stop is checked between */
#define PRUNE_INTERVAL	86400	/* seconds between prunes, with RetentionDays */
#define PRUNE_RETRY	3600	/* after a failed one */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t tid;
static int running, stopping;
static unsigned interval;

static int
stop_requested(void)
{
	int s;

	pthread_mutex_lock(&lock);
	s = stopping;
	pthread_mutex_unlock(&lock);
	return s;
}

static void
bad_file(void *arg, const char *name, const char *why)
{
	const char *dir = arg;

	log_warnx("spool %s: %s moved to %s/bad/: %s", dir, name, dir, why);
}

static void
add_counts(struct spool_counts *sum, const struct spool_counts *c)
{
	sum->files += c->files;
	sum->stored += c->stored;
	sum->duplicates += c->duplicates;
	sum->removed += c->removed;
	sum->bad += c->bad;
	sum->left = c->left;
}

/* What went wrong last time: each trouble is logged when it begins. */
enum trouble { FINE = 0, SPOOL_UNREADABLE, STORE_DOWN, REPLAY_STOPPED };

/* One look at the spool; *LAST is the trouble of the previous look. */
static void
replay_pass(enum trouble *last)
{
	struct runtime *rt = runtime_acquire();
	const char *dir = rt->cfg->spool_directory;
	struct spool_replay_opts opt;
	struct spool_counts c, sum;
	enum trouble now = FINE;
	struct store *st;
	char err[512];
	long waiting;
	int rc;

	if (dir[0] == '\0' || (waiting = spool_pending(dir, err, sizeof(err))) == 0) {
		/* Nothing to store: whether the store works is not known. */
		if (*last == STORE_DOWN || *last == REPLAY_STOPPED)
			now = *last;
		goto out;
	}
	if (waiting < 0) {
		if (*last != SPOOL_UNREADABLE)
			log_warnx("%s", err);
		now = SPOOL_UNREADABLE;
		goto out;
	}
	if ((st = config_store_open(rt->cfg, err, sizeof(err))) == NULL) {
		if (*last != STORE_DOWN)
			log_warnx("spool %s: %ld message%s waiting; store still "
			    "unavailable: %s", dir, waiting, waiting == 1 ? "" : "s", err);
		else
			log_debug("spool %s: %ld waiting; store unavailable: %s", dir,
			    waiting, err);
		now = STORE_DOWN;
		goto out;
	}
	memset(&sum, 0, sizeof(sum));
	memset(&opt, 0, sizeof(opt));
	opt.lim = &rt->limits;
	opt.max_files = BATCH;
	opt.bad_file = bad_file;
	opt.arg = (void *)dir;
	do {
		rc = spool_replay(dir, st, &opt, &c, err, sizeof(err));
		add_counts(&sum, &c);
	} while (rc == 0 && c.files > 0 && c.left > 0 && !stop_requested());
	store_close(st);
	if (sum.files > 0)
		log_notice("spool %s: replayed %u file%s: %u report%s stored, "
		    "%u duplicate%s, %u moved to bad/; %u left", dir, sum.files,
		    sum.files == 1 ? "" : "s", sum.stored, sum.stored == 1 ? "" : "s",
		    sum.duplicates, sum.duplicates == 1 ? "" : "s", sum.bad, sum.left);
	if (rc < 0) {
		if (*last != REPLAY_STOPPED)
			log_warnx("spool %s: replay stopped, %u file%s kept: %s", dir,
			    sum.left, sum.left == 1 ? "" : "s", err);
		now = REPLAY_STOPPED;
	}
out:
	if (now == FINE && (*last == STORE_DOWN || *last == REPLAY_STOPPED))
		log_notice("spool %s: store available again", dir);
	else if (now == FINE && *last == SPOOL_UNREADABLE)
		log_notice("spool %s: readable again", dir);
	*last = now;
	runtime_release(rt);
}

static int
prune_stop(void *arg)
{
	(void)arg;
	return stop_requested();
}

/*
 * Retention, when RetentionDays is set: one prune, in short batches the
 * milter's threads write between (store_prune()).  0 when it ran (or had
 * nothing to do), -1 when it failed, to be tried again at the next look.
 */
static int
prune_pass(void)
{
	struct runtime *rt = runtime_acquire();
	unsigned days = rt->cfg->retention_days;
	struct store_prune pr;
	struct store *st;
	char err[512];
	int rc = 0;

	if (days == 0)
		goto out;
	memset(&pr, 0, sizeof(pr));
	pr.now = time(NULL);
	pr.cutoff = pr.now - (time_t)days * 86400;
	pr.stop = prune_stop;
	if ((st = config_store_open(rt->cfg, err, sizeof(err))) == NULL ||
	    store_prune(st, &pr, err, sizeof(err)) < 0) {
		log_warnx("retention: prune failed after %lld report%s, tried again "
		    "in %d s: %s", pr.reports, pr.reports == 1 ? "" : "s",
		    PRUNE_RETRY, err);
		rc = -1;
	} else
		log_notice("retention: pruned %lld report%s (%lld polic%s, %lld "
		    "failure detail%s) that ended over %u day%s ago; %lld "
		    "transaction%s, the longest %lld ms", pr.reports,
		    pr.reports == 1 ? "" : "s", pr.policies,
		    pr.policies == 1 ? "y" : "ies", pr.details,
		    pr.details == 1 ? "" : "s", days, days == 1 ? "" : "s",
		    pr.batches, pr.batches == 1 ? "" : "s", pr.longest_ms);
	store_close(st);
out:
	runtime_release(rt);
	return rc;
}

static void *
replay_thread(void *arg)
{
	struct timespec until, now;
	enum trouble last = FINE;
	time_t next_prune = 0;		/* monotonic seconds; 0: at once */

	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		pthread_mutex_unlock(&lock);
		replay_pass(&last);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= next_prune && !stop_requested())
			next_prune = now.tv_sec + (prune_pass() == 0 ?
			    PRUNE_INTERVAL : PRUNE_RETRY);
		pthread_mutex_lock(&lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += interval;
		while (!stopping &&
		    pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int
replay_start(unsigned seconds)
{
	pthread_condattr_t attr;
	int rc;

	interval = seconds > 0 ? seconds : REPLAY_INTERVAL_DEFAULT;
	if ((rc = pthread_condattr_init(&attr)) != 0) {
		errno = rc;
		return -1;
	}
	if ((rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) == 0)
		rc = pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	pthread_mutex_lock(&lock);
	if ((rc = pthread_create(&tid, NULL, replay_thread, NULL)) == 0)
		running = 1;
	pthread_mutex_unlock(&lock);
	if (rc != 0) {
		pthread_cond_destroy(&wake);
		errno = rc;
		return -1;
	}
	return 0;
}

void
replay_stop(void)
{
	int was_running;

	pthread_mutex_lock(&lock);
	was_running = running;
	running = 0;
	stopping = 1;
	if (was_running)
		pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	if (was_running) {
		pthread_join(tid, NULL);
		pthread_cond_destroy(&wake);
	}
}
