/*
 * signals.c - our own handling of SIGHUP, SIGTERM and SIGINT beside
 * libmilter's signal thread; see signals.h.
 */
#include "signals.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>

static void (*reload_fn)(void);
static void (*stop_fn)(int);

/*
 * libmilter calls sigwait(&{HUP, TERM, INT}) and stops the filter on any
 * of them.  This definition in the executable takes that call (the
 * dynamic linker binds libmilter's reference to the executable first) and
 * leaves the three out, so libmilter's thread just sleeps; they are ours.
 * Nothing else in the program calls sigwait().
 */
int
sigwait(const sigset_t *set, int *sig)
{
	sigset_t rest = *set;
	int r;

	sigdelset(&rest, SIGHUP);
	sigdelset(&rest, SIGTERM);
	sigdelset(&rest, SIGINT);
	do
		r = sigwaitinfo(&rest, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno;
	*sig = r;
	return 0;
}

static void *
signal_thread(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		if ((sig = sigwaitinfo(&set, NULL)) < 0) {
			if (errno != EINTR)
				log_warn("sigwaitinfo");
			continue;
		}
		if (sig == SIGHUP) {
			reload_fn();
			continue;
		}
		stop_fn(sig);
		return NULL;	/* a second SIGTERM finds it blocked: ignored */
	}
}

int
signals_start(void (*reload)(void), void (*stop)(int sig))
{
	sigset_t set;
	pthread_t tid;
	int rc;

	reload_fn = reload;
	stop_fn = stop;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* Blocked in every thread from now on; only sigwait* receives them. */
	if ((rc = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0) {
		errno = rc;
		return -1;
	}
	if ((rc = pthread_create(&tid, NULL, signal_thread, NULL)) != 0) {
		errno = rc;
		return -1;
	}
	pthread_detach(tid);
	return 0;
}
