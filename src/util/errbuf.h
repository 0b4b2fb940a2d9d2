/*
 * errbuf.h - printf into a caller's error buffer.
 *
 * The daemon-side modules report errors as text in a (buffer, length)
 * pair the caller provides; this fills one, and does nothing when the
 * buffer is NULL or empty.  Truncation is fine: it is for people.
 */
#ifndef TLSRPT_ERRBUF_H
#define TLSRPT_ERRBUF_H

#include <stddef.h>

void errbuf_printf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
