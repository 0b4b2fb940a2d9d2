/*
 * file_read.c - bounded whole-file read; see file_read.h.
 */
#include "file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
file_read_bounded(const char *path, size_t max, char **buf_r, size_t *len_r)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = NULL, *grown;
	ssize_t n;
	int fd, saved;

	*buf_r = NULL;
	*len_r = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	for (;;) {
		if (buf == NULL || len == cap) {
			if (buf != NULL)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			if ((grown = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = grown;
		}
		if (len == max + 1)
			break;		/* over the limit: enough to say so */
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	buf[len] = '\0';
	*buf_r = buf;
	*len_r = len;
	return 0;
fail:
	saved = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	errno = saved;
	return -1;
}
