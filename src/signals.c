/*
 * signals.c - SIGHUP for reload beside libmilter's signal thread.
 */
#include "signals.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>

static void (*reload_fn)(void);

/*
 * libmilter calls sigwait(&{HUP, TERM, INT}) and stops the filter on any
 * of them.  This definition in the executable takes that call (the
 * dynamic linker binds libmilter's reference to the executable first) and
 * leaves SIGHUP out, so a reload never stops the filter.  Nothing else in
 * the program calls sigwait().
 */
int
sigwait(const sigset_t *set, int *sig)
{
	sigset_t without_hup = *set;
	int r;

	sigdelset(&without_hup, SIGHUP);
	do
		r = sigwaitinfo(&without_hup, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno;
	*sig = r;
	return 0;
}

static void *
hup_thread(void *arg)
{
	sigset_t hup;
	int sig;

	(void)arg;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	for (;;) {
		if ((sig = sigwaitinfo(&hup, NULL)) < 0) {
			if (errno != EINTR)
				log_warn("sigwaitinfo");
			continue;
		}
		reload_fn();
	}
	return NULL;
}

int
signals_start(void (*reload)(void))
{
	sigset_t set;
	pthread_t tid;
	int rc;

	reload_fn = reload;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* Blocked in every thread from now on; only sigwait* receives them. */
	if ((rc = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0) {
		errno = rc;
		return -1;
	}
	if ((rc = pthread_create(&tid, NULL, hup_thread, NULL)) != 0) {
		errno = rc;
		return -1;
	}
	pthread_detach(tid);
	return 0;
}
