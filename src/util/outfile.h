/*
 * outfile.h - an output file named on the command line (`-o PATH`),
 * written so that a reader never sees half of it and nothing but PATH
 * is ever touched.
 *
 * What PATH is when outfile_open() looks at it (lstat) decides how:
 *
 *   absent, or a regular file   a new file from mkstemp(3) in PATH's own
 *                               directory (O_EXCL: a link planted there
 *                               is never followed) takes the output, is
 *                               fsync'ed and renamed over PATH at commit.
 *                               A new PATH gets 0666 less the umask (as
 *                               a shell redirection would make it); a
 *                               replaced one keeps its permission bits
 *                               (set-id bits dropped) and, when run as
 *                               root, its owner and group.
 *   a device, FIFO or socket    opened as it is (no O_CREAT, no O_TRUNC,
 *                               O_NOFOLLOW, and checked to be the same
 *                               node lstat saw) and written in place:
 *                               -o /dev/null stays a device, a FIFO's
 *                               reader gets the output.
 *   a symbolic link         followed only when it belongs to root or
 *                               to the caller (/dev/stdout, a link the
 *                               admin made) and leads somewhere: what it
 *                               leads to is opened as it is and written
 *                               in place (a regular file truncated first,
 *                               as a shell redirection would).  Any other
 *                               link is replaced by the new file, as
 *                               mv(1) would: its target is never opened,
 *                               so a link someone planted at PATH cannot
 *                               aim the output elsewhere.
 *   a directory                 an error.
 *
 * On any error before commit, outfile_abort() removes the temporary
 * file and PATH is as it was.  An in-place write cannot be undone; its
 * error is still reported.
 *
 * outfile_open() does all of the opening, so a caller can open before
 * it gives up privileges and write afterwards.  Errors come back as -1
 * or NULL with a message (naming PATH) in ERRBUF.  outfile_commit() and
 * outfile_abort() free the handle whatever happens.
 */
#ifndef TLSRPT_OUTFILE_H
#define TLSRPT_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

struct outfile;

struct outfile *outfile_open(const char *path, char *errbuf, size_t errlen);
FILE *outfile_stream(struct outfile *of);
int outfile_commit(struct outfile *of, char *errbuf, size_t errlen);
void outfile_abort(struct outfile *of);

#endif
