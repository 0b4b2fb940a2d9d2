/*
 * mailsource.c - Maildir, mbox and report files as items; see
 * mailsource.h.
 */
#include "mailsource.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MBOX_BUF	(64 * 1024)
/* At a line start, this much (or the whole line) is looked at for
 * "From " and ">>>From " before a byte of the line is used. */
#define LOOKAHEAD	256

/* --- mbox ---------------------------------------------------------------- */

struct mbox {
	int fd;
	const char *path;
	time_t mtime;
	const struct mailsource_ops *ops;
	char in[MBOX_BUF];
	size_t start, end;		/* unread bytes: in[start..end) */
	int eof;
	/* The message being gathered. */
	struct mail_item it;
	char *msg;
	size_t cap;
	uint64_t raw;			/* file bytes since its From_ line */
	char held[2];			/* an empty line that may be a separator */
	size_t n_held;
};

/* Read more; 0, or -1 on a read error (errno set). */
static int
refill(struct mbox *mb)
{
	ssize_t n;

	if (mb->start > 0) {
		memmove(mb->in, mb->in + mb->start, mb->end - mb->start);
		mb->end -= mb->start;
		mb->start = 0;
	}
	while (mb->end < sizeof(mb->in)) {
		n = read(mb->fd, mb->in + mb->end, sizeof(mb->in) - mb->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			mb->eof = 1;
		mb->end += (size_t)n;
		return 0;
	}
	return 0;
}

/* Add bytes to the message, up to the limit; past it, only count them. */
static int
add(struct mbox *mb, const char *p, size_t n)
{
	if (mb->it.len + n > mb->ops->max) {
		mb->it.oversize = 1;
		n = mb->ops->max - mb->it.len;
	}
	if (n == 0)
		return 0;
	if (mb->it.len + n > mb->cap) {
		size_t ncap = mb->cap == 0 ? 64 * 1024 : mb->cap;
		char *grown;

		while (ncap < mb->it.len + n)
			ncap *= 2;
		if (ncap > mb->ops->max)
			ncap = mb->ops->max;
		if ((grown = realloc(mb->msg, ncap)) == NULL)
			return -1;
		mb->msg = grown;
		mb->cap = ncap;
	}
	memcpy(mb->msg + mb->it.len, p, n);
	mb->it.len += n;
	return 0;
}

/* The date of a From_ line ("From sender Sat Mar  2 06:12:00 2024"). */
static time_t
from_line_date(const char *line, size_t len)
{
	char copy[256], *p;
	struct tm tm;
	time_t t;

	if (len >= sizeof(copy))
		return 0;
	memcpy(copy, line, len);
	copy[len] = '\0';
	p = copy + 5;
	while (*p == ' ')
		p++;
	while (*p != '\0' && *p != ' ')	/* the sender */
		p++;
	memset(&tm, 0, sizeof(tm));
	if (strptime(p, " %a %b %d %H:%M:%S %Y", &tm) == NULL)
		return 0;
	tm.tm_isdst = -1;		/* written in the MTA's local time */
	return (t = mktime(&tm)) == (time_t)-1 ? 0 : t;
}

/* Hand the gathered message out; 1 when the callback says stop. */
static int
emit(struct mbox *mb)
{
	int stop;

	mb->it.data = mb->msg != NULL ? mb->msg : "";
	mb->it.raw_bytes = mb->raw;
	stop = mb->ops->item(mb->ops->arg, &mb->it) != 0;
	mb->it.len = 0;
	mb->it.oversize = 0;
	mb->raw = 0;
	return stop;
}

static int
is_from_line(const char *p, size_t n)
{
	return n >= 5 && memcmp(p, "From ", 5) == 0;
}

/* ">+From ": the number of '>' to keep is this minus one. */
static int
is_quoted_from(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == '>')
		i++;
	return i > 0 && is_from_line(p + i, n - i);
}

int
mailsource_read_mbox(int fd, const char *path, time_t mtime,
    const struct mailsource_ops *ops)
{
	struct mbox *mb;
	int at_line_start = 1, prev_empty = 1, in_msg = 0, skip_line = 0;
	int rc = 0;

	if ((mb = calloc(1, sizeof(*mb))) == NULL) {
		ops->error(ops->arg, path, "out of memory");
		return -1;
	}
	mb->fd = fd;
	mb->path = path;
	mb->mtime = mtime;
	mb->ops = ops;
	mb->it.path = path;
	mb->it.kind = TLSRPT_KIND_MESSAGE;
	for (;;) {
		const char *p, *nl;
		size_t avail, n;
		int complete;

		avail = mb->end - mb->start;
		if (!mb->eof && (avail == 0 || (at_line_start && avail < LOOKAHEAD &&
		    memchr(mb->in + mb->start, '\n', avail) == NULL))) {
			if (refill(mb) < 0) {
				char why[256];

				snprintf(why, sizeof(why), "read: %s", strerror(errno));
				ops->error(ops->arg, path, why);
				rc = -1;
				break;
			}
			continue;
		}
		if (avail == 0)
			break;			/* end of file */
		p = mb->in + mb->start;
		nl = memchr(p, '\n', avail);
		n = nl != NULL ? (size_t)(nl - p) + 1 : avail;
		complete = nl != NULL;
		mb->start += n;
		if (skip_line) {		/* the rest of a long From_ line */
			mb->raw += n;
			skip_line = !complete;
			continue;
		}
		if (at_line_start) {
			int empty = complete && (n == 1 || (n == 2 && p[0] == '\r'));

			if (prev_empty && is_from_line(p, n)) {
				if (in_msg && emit(mb)) {
					rc = 1;
					break;
				}
				in_msg = 1;
				mb->n_held = 0;
				mb->it.msgno++;
				mb->it.received = complete ? from_line_date(p, n) : 0;
				if (mb->it.received == 0)
					mb->it.received = mtime;
				mb->raw = n;
				skip_line = !complete;
				prev_empty = 0;
				continue;
			}
			if (!in_msg) {		/* no From_ line first: one anyway */
				in_msg = 1;
				mb->it.msgno++;
				mb->it.received = mtime;
			}
			if (mb->n_held > 0) {	/* it was not a separator */
				if (add(mb, mb->held, mb->n_held) < 0)
					goto nomem;
				mb->n_held = 0;
			}
			prev_empty = empty;
			if (empty) {
				memcpy(mb->held, p, n);
				mb->n_held = n;
				mb->raw += n;
				continue;
			}
			if (is_quoted_from(p, n)) {
				p++;
				n--;
				mb->raw++;
			}
		}
		mb->raw += n;
		if (add(mb, p, n) < 0)
			goto nomem;
		at_line_start = complete;
	}
	if (rc == 0 && in_msg) {
		/* A last empty line (held back) ends the mbox, not the message. */
		if (emit(mb))
			rc = 1;
	}
	free(mb->msg);
	free(mb);
	return rc;
nomem:
	ops->error(ops->arg, path, "out of memory");
	free(mb->msg);
	free(mb);
	return -1;
}

/* --- single files ---------------------------------------------------- */

/* A whole file as one item, or an mbox; 0, 1 (stop) or -1. */
static int
read_file(const char *path, const struct stat *st,
    const struct mailsource_ops *ops)
{
	struct mail_item it;
	char *buf = NULL, why[256];
	size_t len = 0, cap;
	ssize_t n;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		ops->error(ops->arg, path, why);
		return -1;
	}
	/* Enough to tell an mbox; the rest of a single item follows. */
	cap = ops->max + 1 < 64 * 1024 ? ops->max + 1 : 64 * 1024;
	for (;;) {
		if (len == cap) {
			char *grown;

			if (len == ops->max + 1)
				break;			/* over the limit */
			cap = cap * 2 > ops->max + 1 ? ops->max + 1 : cap * 2;
			if ((grown = realloc(buf, cap)) == NULL)
				goto nomem;
			buf = grown;
		} else if (buf == NULL && (buf = malloc(cap)) == NULL)
			goto nomem;
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, sizeof(why), "read: %s", strerror(errno));
			ops->error(ops->arg, path, why);
			rc = -1;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len >= 5 && memcmp(buf, "From ", 5) == 0) {
			free(buf);
			buf = NULL;
			if (lseek(fd, 0, SEEK_SET) < 0) {
				snprintf(why, sizeof(why), "seek: %s", strerror(errno));
				ops->error(ops->arg, path, why);
				rc = -1;
				goto out;
			}
			rc = mailsource_read_mbox(fd, path, st->st_mtime, ops);
			goto out;
		}
	}
	if (len > 0) {
		memset(&it, 0, sizeof(it));
		it.path = path;
		it.oversize = len > ops->max;
		it.len = it.oversize ? ops->max : len;
		it.data = buf;
		it.kind = tlsrpt_sniff(buf, it.len);
		it.raw_bytes = (uint64_t)st->st_size;
		it.received = st->st_mtime;
		rc = ops->item(ops->arg, &it) != 0;
	}
out:
	free(buf);
	close(fd);
	return rc;
nomem:
	ops->error(ops->arg, path, "out of memory");
	free(buf);
	close(fd);
	return -1;
}

/* --- walking ------------------------------------------------------------ */

struct walk {
	/* Called for each file to read; 0, 1 (stop) or -1 (error, go on). */
	int (*file)(struct walk *w, const char *path, const struct stat *st);
	const struct mailsource_ops *ops;
	uint64_t bytes;			/* mailsource_size() */
	int failed;
};

static int walk_dir(struct walk *w, const char *dir, int depth);

static void
walk_error(struct walk *w, const char *path, const char *why)
{
	w->failed = 1;
	if (w->ops != NULL)
		w->ops->error(w->ops->arg, path, why);
}

static int
is_dir(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return 0;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The files of one directory, or the directories below a Maildir. */
static int
walk_entries(struct walk *w, const char *dir, int depth, int maildir,
    int files_only)
{
	struct dirent **ents;
	char path[4096], why[256];
	struct stat st;
	int i, n, rc = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		walk_error(w, dir, why);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (rc == 1 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		    sizeof(path)) {
			walk_error(w, dir, "path too long");
			continue;
		}
		if (lstat(path, &st) < 0) {
			snprintf(why, sizeof(why), "%s", strerror(errno));
			walk_error(w, path, why);
			continue;
		}
		if (S_ISLNK(st.st_mode) && (stat(path, &st) < 0 ||
		    !S_ISREG(st.st_mode)))
			continue;	/* dangling, or a directory: no loops */
		if (S_ISDIR(st.st_mode)) {
			if (files_only || (maildir && (strcmp(name, "cur") == 0 ||
			    strcmp(name, "new") == 0 || strcmp(name, "tmp") == 0)))
				continue;
			rc = walk_dir(w, path, depth + 1);
		} else if (S_ISREG(st.st_mode) && name[0] != '.' && !maildir) {
			if (w->file(w, path, &st) == 1)
				rc = 1;
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}

static int
walk_dir(struct walk *w, const char *dir, int depth)
{
	char sub[4096];

	if (depth > MAILSOURCE_MAX_DEPTH) {
		walk_error(w, dir, "directories nested too deep");
		return 0;
	}
	if (is_dir(dir, "cur") && is_dir(dir, "new")) {
		/* A Maildir: its messages, then its folders. */
		snprintf(sub, sizeof(sub), "%s/cur", dir);
		if (walk_entries(w, sub, depth, 0, 1) == 1)
			return 1;
		snprintf(sub, sizeof(sub), "%s/new", dir);
		if (walk_entries(w, sub, depth, 0, 1) == 1)
			return 1;
		return walk_entries(w, dir, depth, 1, 0);
	}
	return walk_entries(w, dir, depth, 0, 0);
}

static int
walk(struct walk *w, const char *path)
{
	struct stat st;
	char why[256];

	if (stat(path, &st) < 0) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		walk_error(w, path, why);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (walk_dir(w, path, 0) == 1)
			return 1;
	} else if (S_ISREG(st.st_mode)) {
		if (w->file(w, path, &st) == 1)
			return 1;
	} else
		walk_error(w, path, "not a file or directory");
	return w->failed ? -1 : 0;
}

static int
file_read(struct walk *w, const char *path, const struct stat *st)
{
	int rc = read_file(path, st, w->ops);

	if (rc < 0)
		w->failed = 1;
	return rc;
}

int
mailsource_read(const char *path, const struct mailsource_ops *ops)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.file = file_read;
	w.ops = ops;
	return walk(&w, path);
}

static int
file_size(struct walk *w, const char *path, const struct stat *st)
{
	(void)path;
	w->bytes += (uint64_t)st->st_size;
	return 0;
}

uint64_t
mailsource_size(const char *path)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.file = file_size;
	walk(&w, path);
	return w.bytes;
}
