/*
 * core.h - helpers shared by the core's modules; not part of the API.
 */
#ifndef TLSRPT_CORE_H
#define TLSRPT_CORE_H

#include "tlsrpt.h"

/* Fill ERR (when not NULL) and return CODE, so callers can `return seterr(...)`. */
enum tlsrpt_errcode tlsrpt_seterr(struct tlsrpt_error *err,
    enum tlsrpt_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The first byte of P/LEN past a UTF-8 byte order mark and white space
 * (SP, TAB, CR, LF), or -1 when there is none: how a payload is told to
 * be JSON ('{') whatever its label, as reporters' tooling varies.
 */
int tlsrpt_first_byte(const unsigned char *p, size_t len);

/* Put "PREFIX: " in front of the message already in ERR. */
void tlsrpt_err_prefix(struct tlsrpt_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
