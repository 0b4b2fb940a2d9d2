/*
 * mailsource.h - the mail an admin already has, as a stream of items:
 * Maildir folders, mbox files, single messages (.eml), bare reports
 * (.json, .json.gz), and directories of any of them, walked recursively
 * in name order.
 *
 * A file's kind comes from its content, never its name: a file that
 * starts with "From " is an mbox, read as a stream with one message in
 * memory at a time; any other file is one item, whose kind is
 * tlsrpt_sniff()'s.  Empty files yield nothing (an empty mbox).
 *
 * A directory with both cur/ and new/ is a Maildir: the files in cur/ and
 * new/ are its messages, tmp/ (deliveries in progress) and the other
 * files at its top (dovecot-uidlist, ...) are not read, and its other
 * subdirectories (Maildir++ folders such as .Sent) are walked.  In any
 * other directory every regular file not starting with '.' is read.
 * Symbolic links to files are followed, links to directories are not (no
 * loops); nesting deeper than MAILSOURCE_MAX_DEPTH is an error.
 *
 * mbox: a message starts at a "From " line at the start of the file or
 * after an empty line; that empty line separates and belongs to neither
 * message.  Lines of one or more '>' then "From " lose one '>' (mboxrd
 * unquoting).  Line ends are kept as they are (LF or CRLF).  A last
 * message cut short comes out as it is.
 *
 * Every item is bounded by ops->max bytes: a larger one comes out once,
 * with oversize set and only its first max bytes (enough for headers).
 * Nothing here logs: a path that cannot be read goes to ops->error, and
 * the walk goes on with the next one.
 */
#ifndef TLSRPT_MAILSOURCE_H
#define TLSRPT_MAILSOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tlsrpt.h"

#define MAILSOURCE_MAX_DEPTH	32

struct mail_item {
	const char *path;		/* the file */
	unsigned long msgno;		/* 1-based in an mbox, 0 for a whole file */
	enum tlsrpt_kind kind;		/* of the item; mbox messages: MESSAGE */
	const char *data;		/* valid during the callback only */
	size_t len;			/* <= max */
	int oversize;			/* longer than max: data is its head */
	uint64_t raw_bytes;		/* bytes of the file it took (progress) */
	time_t received;		/* the From_ line's date, else the mtime */
};

struct mailsource_ops {
	size_t max;			/* bytes per item */
	/* One item; a non-zero return stops the walk. */
	int (*item)(void *arg, const struct mail_item *it);
	/* PATH could not be read (or walked), and WHY. */
	void (*error)(void *arg, const char *path, const char *why);
	void *arg;
};

/*
 * Read PATH, a file or a directory.  Returns 0 when all was read, 1 when
 * item() stopped it, -1 when something could not be read (error() was
 * told what).
 */
int mailsource_read(const char *path, const struct mailsource_ops *ops);

/* The bytes mailsource_read(PATH) would read, for a progress bar. */
uint64_t mailsource_size(const char *path);

/*
 * Read an mbox from FD (at its start) as mailsource_read() does; PATH
 * names it in items and errors, MTIME is the date of messages whose From_
 * line has none.  Same return values.  For tests, and used by the above.
 */
int mailsource_read_mbox(int fd, const char *path, time_t mtime,
    const struct mailsource_ops *ops);

#endif
