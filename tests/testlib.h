/*
 * testlib.h - the smallest test harness that says what failed.
 *
 * CHECK* macros record a failure with file:line and go on; a test program
 * ends with `return test_summary("name")`, which prints
 * "name: N passed, N failed" and returns the exit status automake wants.
 */
#ifndef TLSRPT_TESTLIB_H
#define TLSRPT_TESTLIB_H

#include <stdio.h>
#include <string.h>

extern int test_passed, test_failed;

#define CHECK(cond) test_check(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECKF(cond, ...) test_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STR(got, want) test_check_str((got), (want), __FILE__, __LINE__, #got)
#define CHECK_INT(got, want) test_check_int((long long)(got), (long long)(want), \
	__FILE__, __LINE__, #got)
#define CHECK_CONTAINS(hay, needle) test_check_contains((hay), (needle), \
	__FILE__, __LINE__, #hay)

int test_check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int test_check_str(const char *got, const char *want, const char *file,
    int line, const char *expr);
int test_check_int(long long got, long long want, const char *file, int line,
    const char *expr);
int test_check_contains(const char *hay, const char *needle, const char *file,
    int line, const char *expr);
int test_summary(const char *name);

/* Fixture helpers (testutil.c).  Buffers are malloc'd; callers free. */
/* gzip DATA as one member (level 6); *len_r gets the size. */
unsigned char *test_gzip(const void *data, size_t len, size_t *len_r);
/* A gzip (or, with ZLIB, zlib) stream of MIBS MiB of zeros: a bomb. */
unsigned char *test_zero_bomb(unsigned mibs, int zlib, size_t *len_r);
/* base64 with 76-column lines ending in EOL ("\n" or "\r\n"). */
char *test_base64(const void *data, size_t len, const char *eol);
/* Read a whole file from the test source directory ($srcdir/PATH). */
char *test_read_file(const char *path, size_t *len_r);
/* Absolute path of a file in the source tree, in a static buffer. */
const char *test_srcpath(const char *path);

#endif
