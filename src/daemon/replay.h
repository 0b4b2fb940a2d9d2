/*
 * replay.h - the daemon's spool replay thread, which also keeps the
 * store within RetentionDays.
 *
 * While the store cannot be written, report messages wait in
 * SpoolDirectory (spool.h).  This thread looks there at once when started
 * and then every INTERVAL seconds; when files wait, it opens a store
 * handle of its own (Database of the configuration in force at that
 * moment), stores them, closes the handle, and logs what it did.  A store
 * still down is logged once when it is first seen and once when it is
 * back, not on every attempt.  With RetentionDays set it also prunes the
 * store (store_prune()) when started and then once a day, an hour after
 * a failed attempt, logging one line each time.  Start it after privileges are dropped and
 * after signals_start() (so it inherits the blocked signals).
 */
#ifndef TLSRPT_REPLAY_H
#define TLSRPT_REPLAY_H

#define REPLAY_INTERVAL_DEFAULT	30	/* seconds */

/* 0, or -1 with errno when the thread cannot be created. */
int replay_start(unsigned interval);

/* Stop the thread after the file it is at, and wait for it; idempotent. */
void replay_stop(void);

#endif
