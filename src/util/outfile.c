/*
 * outfile.c - `-o PATH`: atomic replacement or in-place write; see
 * outfile.h.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outfile {
	FILE *fp;
	char *path;
	char *tmp;		/* NULL: written in place */
};

static void
seterr(char *errbuf, size_t errlen, const char *path, const char *what, int err)
{
	snprintf(errbuf, errlen, "%s: %s%s%s", path, what, *what ? ": " : "",
	    strerror(err));
}

static struct outfile *
wrap(int fd, const char *path, char *tmp, char *errbuf, size_t errlen)
{
	struct outfile *of = calloc(1, sizeof(*of));
	int saved;

	if (of == NULL || (of->path = strdup(path)) == NULL ||
	    (of->fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		seterr(errbuf, errlen, path, "", saved);
		close(fd);
		if (tmp != NULL)
			unlink(tmp);
		free(tmp);
		if (of != NULL)
			free(of->path);
		free(of);
		return NULL;
	}
	of->tmp = tmp;
	return of;
}

/*
 * PATH as it is, written in place.  EXPECT is what (l)stat saw: the node
 * opened must be that one, so nothing swapped in meanwhile is written.
 */
static struct outfile *
open_in_place(const char *path, int follow, const struct stat *expect,
    char *errbuf, size_t errlen)
{
	struct stat st;
	int fd, flags = O_WRONLY | O_NOCTTY | O_CLOEXEC;

	if (!follow)
		flags |= O_NOFOLLOW;
	if (S_ISREG(expect->st_mode))
		flags |= O_TRUNC;
	if ((fd = open(path, flags)) < 0) {
		seterr(errbuf, errlen, path, "", errno);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_dev != expect->st_dev ||
	    st.st_ino != expect->st_ino) {
		seterr(errbuf, errlen, path, "changed while being opened", EAGAIN);
		close(fd);
		return NULL;
	}
	return wrap(fd, path, NULL, errbuf, errlen);
}

/* A new file in PATH's directory, renamed over PATH at commit. */
static struct outfile *
open_atomic(const char *path, const struct stat *keep, char *errbuf, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash == NULL ? 0 : (size_t)(slash - path) + 1;
	char *tmp = malloc(dirlen + sizeof(".tlsrpt.XXXXXX"));
	mode_t mask;
	int fd;

	if (tmp == NULL) {
		seterr(errbuf, errlen, path, "", ENOMEM);
		return NULL;
	}
	memcpy(tmp, path, dirlen);
	memcpy(tmp + dirlen, ".tlsrpt.XXXXXX", sizeof(".tlsrpt.XXXXXX"));
	/* O_CREAT | O_EXCL: whatever is planted at that name, never followed. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		seterr(errbuf, errlen, path, "cannot create a temporary file", errno);
		free(tmp);
		return NULL;
	}
	if (keep != NULL) {
		if (geteuid() == 0)
			(void)fchown(fd, keep->st_uid, keep->st_gid);
		(void)fchmod(fd, keep->st_mode & 0777);
	} else {
		mask = umask(0);
		umask(mask);
		(void)fchmod(fd, 0666 & ~mask);
	}
	return wrap(fd, path, tmp, errbuf, errlen);
}

struct outfile *
outfile_open(const char *path, char *errbuf, size_t errlen)
{
	struct stat st, target;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT) {
			seterr(errbuf, errlen, path, "", errno);
			return NULL;
		}
		return open_atomic(path, NULL, errbuf, errlen);
	}
	if (S_ISREG(st.st_mode))
		return open_atomic(path, &st, errbuf, errlen);
	if (S_ISDIR(st.st_mode)) {
		seterr(errbuf, errlen, path, "", EISDIR);
		return NULL;
	}
	if (!S_ISLNK(st.st_mode))
		return open_in_place(path, 0, &st, errbuf, errlen);
	/* A link of root's or the caller's own (/dev/stdout) is followed, to
	 * anything but a directory; any other link, or a dangling one, is
	 * replaced without looking where it leads. */
	if ((st.st_uid == 0 || st.st_uid == geteuid()) && stat(path, &target) == 0) {
		if (S_ISDIR(target.st_mode)) {
			seterr(errbuf, errlen, path, "", EISDIR);
			return NULL;
		}
		return open_in_place(path, 1, &target, errbuf, errlen);
	}
	return open_atomic(path, NULL, errbuf, errlen);
}

FILE *
outfile_stream(struct outfile *of)
{
	return of->fp;
}

/* The rename survives a crash only once the directory is on disk too. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
outfile_commit(struct outfile *of, char *errbuf, size_t errlen)
{
	struct stat st;
	const char *what = "";
	int rc = -1, err = 0;

	errno = 0;
	if (fflush(of->fp) != 0 || ferror(of->fp)) {
		err = errno != 0 ? errno : EIO;
		what = "write";
	} else if (fstat(fileno(of->fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    fsync(fileno(of->fp)) < 0) {
		err = errno;
		what = "fsync";
	}
	if (fclose(of->fp) != 0 && err == 0) {
		err = errno;
		what = "close";
	}
	if (err == 0 && of->tmp != NULL && rename(of->tmp, of->path) < 0) {
		err = errno;
		what = "rename";
	}
	if (err != 0) {
		seterr(errbuf, errlen, of->path, what, err);
		if (of->tmp != NULL)
			unlink(of->tmp);
	} else {
		if (of->tmp != NULL)
			sync_dir(of->path);
		rc = 0;
	}
	free(of->tmp);
	free(of->path);
	free(of);
	return rc;
}

void
outfile_abort(struct outfile *of)
{
	fclose(of->fp);
	if (of->tmp != NULL)
		unlink(of->tmp);
	free(of->tmp);
	free(of->path);
	free(of);
}
