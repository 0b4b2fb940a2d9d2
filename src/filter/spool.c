/*
 * spool.c - write report messages to the spool and replay them into the
 * store; see spool.h.
 */
#include "spool.h"
#include "errbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SPOOL_VERSION_LINE	"Spool-Version: 1\n"
#define MAX_VALUE		1024	/* one provenance value, as written */
#define BAD_DIR			"bad"

static unsigned spool_counter;		/* atomic: unique names per process */

/* ---- writing ---------------------------------------------------------- */

/* Append "KEY: VALUE\n" with CR, LF and other controls made spaces. */
static size_t
put_line(char *buf, size_t size, size_t off, const char *key, const char *value)
{
	size_t i;

	if (value == NULL || off >= size)
		return off;
	off += (size_t)snprintf(buf + off, size - off, "%s: ", key);
	if (off + 2 >= size)
		return size - 1;	/* cannot happen: values are capped */
	for (i = 0; i < MAX_VALUE && value[i] != '\0' && off + 2 < size; i++)
		buf[off++] = (unsigned char)value[i] < 0x20 || value[i] == 0x7f ?
		    ' ' : value[i];
	buf[off++] = '\n';
	return off;
}

static size_t
provenance_block(char *buf, size_t size, const struct store_provenance *prov)
{
	char num[32];
	size_t off;

	off = (size_t)snprintf(buf, size, "%s", SPOOL_VERSION_LINE);
	off = put_line(buf, size, off, "Queue-Id", prov->queue_id);
	off = put_line(buf, size, off, "From", prov->mail_from);
	off = put_line(buf, size, off, "DKIM-Domain", prov->dkim_domain);
	off = put_line(buf, size, off, "Auth-Method", prov->auth_method);
	off = put_line(buf, size, off, "Verified", prov->verified ? "1" : "0");
	snprintf(num, sizeof(num), "%lld", (long long)prov->received);
	off = put_line(buf, size, off, "Received", num);
	buf[off++] = '\n';
	return off;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
spool_write(const char *dir, const char *msg, size_t len,
    const struct store_provenance *prov, char *name_r, size_t name_len,
    char *errbuf, size_t errlen)
{
	char head[SPOOL_MAX_HEADER], name[128], tmp[PATH_MAX], final[PATH_MAX];
	const char *step;
	struct timespec now;
	size_t head_len;
	unsigned serial;
	int fd, saved;

	if (dir == NULL || dir[0] == '\0') {
		errbuf_printf(errbuf, errlen, "no SpoolDirectory set");
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	serial = __atomic_add_fetch(&spool_counter, 1, __ATOMIC_RELAXED);
	snprintf(name, sizeof(name), "%lld.%09ld.%ld.%u", (long long)now.tv_sec,
	    now.tv_nsec, (long)getpid(), serial);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp.%s", dir, name) >= sizeof(tmp) ||
	    (size_t)snprintf(final, sizeof(final), "%s/%s", dir, name) >= sizeof(final)) {
		errbuf_printf(errbuf, errlen, "spool %s: path too long", dir);
		return -1;
	}
	head_len = provenance_block(head, sizeof(head), prov);

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0) {
		errbuf_printf(errbuf, errlen, "spool %s: cannot create a file: %s", dir,
		    strerror(errno));
		return -1;
	}
	step = "write";
	if (write_all(fd, head, head_len) < 0 || write_all(fd, msg, len) < 0)
		goto fail;
	step = "fsync";
	if (fsync(fd) < 0)
		goto fail;
	step = "close";
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename";
	if (rename(tmp, final) < 0)
		goto fail;
	if (fsync_dir(dir) < 0) {
		/* The file is whole and named; only its durability is unsure. */
		errbuf_printf(errbuf, errlen, "spool %s: fsync of the directory: %s", dir,
		    strerror(errno));
		unlink(final);
		return -1;
	}
	if (name_r != NULL && name_len > 0)
		snprintf(name_r, name_len, "%s", name);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errbuf_printf(errbuf, errlen, "spool %s: %s: %s", dir, step, strerror(saved));
	return -1;
}

/* ---- listing ---------------------------------------------------------- */

/* A name replay takes: not hidden (temporary files), a regular file. */
static int
is_spool_file(int dfd, const struct dirent *de)
{
	struct stat sb;

	if (de->d_name[0] == '.')
		return 0;
	if (de->d_type == DT_REG)
		return 1;
	if (de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
		return 0;
	/* A symlink is taken up (and refused) so it does not linger unseen. */
	return fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode));
}

long
spool_pending(const char *dir, char *errbuf, size_t errlen)
{
	struct dirent *de;
	long n = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		errbuf_printf(errbuf, errlen, "spool %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (is_spool_file(dirfd(d), de))
			n++;
	closedir(d);
	return n;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The spool files of D, sorted (oldest first); -1 on error. */
static int
list_sorted(DIR *d, char ***names_r, size_t *n_r)
{
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;

	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!is_spool_file(dirfd(d), de))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((grown = realloc(names, cap * sizeof(*names))) == NULL)
				goto fail;
			names = grown;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	if (errno != 0)
		goto fail;
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	*names_r = names;
	*n_r = n;
	return 0;
fail:
	free_names(names, n);
	return -1;
}

/* ---- replaying -------------------------------------------------------- */

enum file_outcome { FILE_DONE, FILE_GONE, FILE_BAD, FILE_STORE_ERROR, FILE_ERROR };

/*
 * Split the provenance block off BUF (NUL-terminating its values in
 * place); the message starts at *MSG_OFF_R.  NULL, or what is wrong.
 */
static const char *
parse_provenance(char *buf, size_t len, struct store_provenance *prov,
    size_t *msg_off_r)
{
	char *line, *end, *colon, *value, *num_end;
	size_t vl = strlen(SPOOL_VERSION_LINE);
	int have_verified = 0, have_received = 0;
	long long t;

	memset(prov, 0, sizeof(*prov));
	if (len < vl || memcmp(buf, SPOOL_VERSION_LINE, vl) != 0)
		return "not a spool file (no \"Spool-Version: 1\" line)";
	for (line = buf + vl;; line = end + 1) {
		if ((size_t)(line - buf) >= len || (size_t)(line - buf) > SPOOL_MAX_HEADER)
			return "provenance block not ended by a blank line";
		if ((end = memchr(line, '\n', len - (size_t)(line - buf))) == NULL)
			return "provenance block not ended by a blank line";
		if (end == line)
			break;
		*end = '\0';
		if ((colon = strchr(line, ':')) == NULL || colon[1] != ' ')
			return "provenance line without \"Key: value\"";
		*colon = '\0';
		value = colon + 2;
		if (strcmp(line, "Queue-Id") == 0)
			prov->queue_id = value;
		else if (strcmp(line, "From") == 0)
			prov->mail_from = value;
		else if (strcmp(line, "DKIM-Domain") == 0)
			prov->dkim_domain = value;
		else if (strcmp(line, "Auth-Method") == 0)
			prov->auth_method = value;
		else if (strcmp(line, "Verified") == 0) {
			if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
				return "Verified is neither 0 nor 1";
			prov->verified = value[0] == '1';
			have_verified = 1;
		} else if (strcmp(line, "Received") == 0) {
			errno = 0;
			t = strtoll(value, &num_end, 10);
			if (value[0] < '0' || value[0] > '9' || *num_end != '\0' ||
			    errno != 0)
				return "Received is not a number of seconds";
			prov->received = (time_t)t;
			have_received = 1;
		}
		/* Other keys: written by a later version; ignored. */
	}
	if (!have_verified || !have_received)
		return "provenance block lacks Verified or Received";
	*msg_off_r = (size_t)(end + 1 - buf);
	return NULL;
}

/* Read NAME (opened at DFD) whole, bounded by MAX; outcome and message. */
static enum file_outcome
read_spool_file(int dfd, const char *name, size_t max, char **buf_r,
    size_t *len_r, char *why, size_t why_len)
{
	struct stat sb;
	size_t len = 0;
	ssize_t n;
	char *buf;
	int fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return FILE_GONE;	/* another replayer took it */
		snprintf(why, why_len, "cannot open: %s", strerror(errno));
		return errno == EACCES || errno == EPERM || errno == ELOOP ?
		    FILE_BAD : FILE_ERROR;
	}
	if (fstat(fd, &sb) < 0) {
		snprintf(why, why_len, "fstat: %s", strerror(errno));
		close(fd);
		return FILE_ERROR;
	}
	if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size > max) {
		if (!S_ISREG(sb.st_mode))
			snprintf(why, why_len, "not a regular file");
		else
			snprintf(why, why_len, "%lld bytes: larger than the message "
			    "limit allows (%zu)", (long long)sb.st_size, max);
		close(fd);
		return FILE_BAD;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(why, why_len, "out of memory");
		close(fd);
		return FILE_ERROR;
	}
	while (len < (size_t)sb.st_size) {
		n = read(fd, buf + len, (size_t)sb.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, why_len, "read: %s", n < 0 ? strerror(errno) :
			    "file shrank while read");
			free(buf);
			close(fd);
			return FILE_ERROR;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*buf_r = buf;
	*len_r = len;
	return FILE_DONE;
}

static enum file_outcome
replay_file(int dfd, const char *name, struct store *st,
    const struct tlsrpt_limits *lim, struct spool_counts *c, char *why,
    size_t why_len)
{
	struct store_provenance prov;
	struct tlsrpt_result *res;
	struct tlsrpt_error err;
	enum file_outcome out;
	const char *bad;
	size_t len, off, i;
	char *buf;

	out = read_spool_file(dfd, name, lim->max_message_bytes + SPOOL_MAX_HEADER,
	    &buf, &len, why, why_len);
	if (out != FILE_DONE)
		return out;
	if ((bad = parse_provenance(buf, len, &prov, &off)) != NULL) {
		snprintf(why, why_len, "%s", bad);
		free(buf);
		return FILE_BAD;
	}
	if (tlsrpt_parse(buf + off, len - off, lim, &res, &err) != TLSRPT_OK) {
		snprintf(why, why_len, "%s (%s)", err.message,
		    tlsrpt_errcode_name(err.code));
		free(buf);
		return err.code == TLSRPT_E_NOMEM ? FILE_ERROR : FILE_BAD;
	}
	for (i = 0; i < res->n_reports; i++) {
		prov.source = res->reports[i].source;
		switch (store_put_report(st, &res->reports[i], &prov, why, why_len)) {
		case STORE_STORED:
			c->stored++;
			break;
		case STORE_DUPLICATE:
			c->duplicates++;
			break;
		case STORE_ERROR:
			tlsrpt_result_free(res);
			free(buf);
			return FILE_STORE_ERROR;
		}
	}
	tlsrpt_result_free(res);
	free(buf);
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
		snprintf(why, why_len, "stored, but cannot remove: %s", strerror(errno));
		return FILE_ERROR;
	}
	return FILE_DONE;
}

/* Move NAME to bad/; 0, or -1 and WHY. */
static int
move_aside(int dfd, const char *name, char *why, size_t why_len)
{
	char to[NAME_MAX + sizeof(BAD_DIR) + 2];

	if (mkdirat(dfd, BAD_DIR, 0750) < 0 && errno != EEXIST) {
		snprintf(why, why_len, "cannot create %s/: %s", BAD_DIR, strerror(errno));
		return -1;
	}
	snprintf(to, sizeof(to), "%s/%s", BAD_DIR, name);
	if (renameat(dfd, name, dfd, to) < 0 && errno != ENOENT) {
		snprintf(why, why_len, "cannot move to %s/: %s", BAD_DIR, strerror(errno));
		return -1;
	}
	return 0;
}

int
spool_replay(const char *dir, struct store *st,
    const struct spool_replay_opts *opt, struct spool_counts *counts_r,
    char *errbuf, size_t errlen)
{
	struct tlsrpt_limits def;
	const struct tlsrpt_limits *lim;
	char why[1024], **names = NULL;
	size_t n = 0, i;
	long left;
	int rc = 0;
	DIR *d;

	memset(counts_r, 0, sizeof(*counts_r));
	if (opt != NULL && opt->lim != NULL)
		lim = opt->lim;
	else {
		tlsrpt_limits_default(&def);
		lim = &def;
	}
	if ((d = opendir(dir)) == NULL) {
		errbuf_printf(errbuf, errlen, "spool %s: %s", dir, strerror(errno));
		return -1;
	}
	if (list_sorted(d, &names, &n) < 0) {
		errbuf_printf(errbuf, errlen, "spool %s: listing: %s", dir, strerror(errno));
		closedir(d);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (opt != NULL && opt->max_files > 0 && counts_r->files >= opt->max_files)
			break;
		why[0] = '\0';
		switch (replay_file(dirfd(d), names[i], st, lim, counts_r, why,
		    sizeof(why))) {
		case FILE_GONE:
			continue;
		case FILE_DONE:
			counts_r->removed++;
			break;
		case FILE_BAD:
			if (move_aside(dirfd(d), names[i], why, sizeof(why)) < 0) {
				errbuf_printf(errbuf, errlen, "spool %s/%s: %s", dir, names[i], why);
				rc = -1;
				break;
			}
			counts_r->bad++;
			if (opt != NULL && opt->bad_file != NULL)
				opt->bad_file(opt->arg, names[i], why);
			break;
		case FILE_STORE_ERROR:
			errbuf_printf(errbuf, errlen, "store: %s", why);
			rc = -1;
			break;
		case FILE_ERROR:
			errbuf_printf(errbuf, errlen, "spool %s/%s: %s", dir, names[i], why);
			rc = -1;
			break;
		}
		counts_r->files++;
	}
	free_names(names, n);
	closedir(d);
	if ((left = spool_pending(dir, rc == 0 ? errbuf : NULL, errlen)) < 0) {
		rc = -1;
		left = 0;
	}
	counts_r->left = (unsigned)left;
	return rc;
}
