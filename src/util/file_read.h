/*
 * file_read.h - read a whole file or standard input, bounded.
 *
 * Reads at most MAX + 1 bytes, so an oversized input is noticed without
 * reading a gigabyte.  On success *buf_r is malloc'd (NUL-terminated, not
 * counted in *len_r) and the caller frees it; on failure returns -1 with
 * errno set.
 */
#ifndef TLSRPT_FILE_READ_H
#define TLSRPT_FILE_READ_H

#include <stddef.h>

/* PATH "-" means standard input. */
int file_read_bounded(const char *path, size_t max, char **buf_r, size_t *len_r);

#endif
