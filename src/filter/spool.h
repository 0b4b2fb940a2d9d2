/*
 * spool.h - report messages kept on disk while the store cannot be
 * written, and stored later ("replayed") when it can.
 *
 * One file per message in the spool directory: a provenance block of
 * "Key: value" lines (the first is "Spool-Version: 1"), a blank line, then
 * the message bytes exactly as the filter buffered them:
 *
 *	Spool-Version: 1
 *	Queue-Id: 4TmBcd0Z1Qz9s
 *	From: noreply-smtp-tls-reporting@google.com
 *	DKIM-Domain: google.com
 *	Auth-Method: dkim
 *	Verified: 1
 *	Received: 1709359921
 *
 *	Return-Path: ...
 *
 * A file is written under a temporary name starting with '.', fsync'd,
 * renamed to its final name ("SECONDS.NANOSECONDS.PID.COUNTER", so names
 * sort oldest first), and the directory fsync'd: a file under its final
 * name is always whole.  Replay stores every report of a file and then
 * removes it; since the store counts a report once, replaying a file
 * twice (a crash between storing and removing, two replayers at once)
 * stores nothing twice.  A file that no longer parses is moved to
 * DIR/bad/, never deleted.
 *
 * Nothing here logs or exits; errors come back as -1 and a message in
 * ERRBUF naming the file.  Safe to call from several threads and
 * processes at once.
 */
#ifndef TLSRPT_SPOOL_H
#define TLSRPT_SPOOL_H

#include <stddef.h>

#include "store.h"
#include "tlsrpt.h"

/* The provenance block is at most this long; the message adds its limit. */
#define SPOOL_MAX_HEADER	8192

/*
 * Write MSG/LEN with PROV (whose source is not kept: each report's comes
 * back from the parse) into DIR.  0 and the file's name (without DIR) in
 * NAME_R, or -1 and ERRBUF.  NAME_R may be NULL.
 */
int spool_write(const char *dir, const char *msg, size_t len,
    const struct store_provenance *prov, char *name_r, size_t name_len,
    char *errbuf, size_t errlen);

/* Files waiting in DIR (not counting temporary files and bad/), or -1. */
long spool_pending(const char *dir, char *errbuf, size_t errlen);

struct spool_replay_opts {
	const struct tlsrpt_limits *lim;	/* NULL: the defaults */
	unsigned max_files;			/* per call; 0: no limit */
	/* Told of each file moved to bad/ and why; may be NULL. */
	void (*bad_file)(void *arg, const char *name, const char *why);
	void *arg;
};

struct spool_counts {
	unsigned files;		/* files taken up */
	unsigned stored;	/* reports newly stored */
	unsigned duplicates;	/* reports the store already had */
	unsigned removed;	/* files fully stored and removed */
	unsigned bad;		/* files moved to DIR/bad/ */
	unsigned left;		/* files still waiting afterwards */
};

/*
 * Store the spooled files of DIR into ST, oldest first.  Returns 0 when
 * every file taken up was stored or moved aside (with max_files some may
 * remain: see counts->left), -1 and ERRBUF when the store failed (replay
 * stops there; that file and the rest stay for the next time) or DIR
 * cannot be read.  COUNTS_R is filled in either case.
 */
int spool_replay(const char *dir, struct store *st,
    const struct spool_replay_opts *opt, struct spool_counts *counts_r,
    char *errbuf, size_t errlen);

#endif
