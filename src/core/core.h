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

/* Put "PREFIX: " in front of the message already in ERR. */
void tlsrpt_err_prefix(struct tlsrpt_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
