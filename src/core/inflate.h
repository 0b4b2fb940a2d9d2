/*
 * inflate.h - gunzip a report payload, bounded.
 *
 * Accepts one or several concatenated gzip members (zlib's auto-detection
 * would also take a zlib stream, but the pipeline only routes payloads
 * that start with the gzip magic here: no reporter sends zlib).  Output is capped at lim->max_inflated_bytes and,
 * once past 1 MiB, at lim->max_inflate_ratio times the input: a gzip bomb
 * stops with TLSRPT_E_LIMIT_* after at most the cap, never after the bomb.
 * On success *out_r is a malloc'd buffer (NUL-terminated, not counted in
 * *out_len_r) that the caller frees.
 */
#ifndef TLSRPT_INFLATE_H
#define TLSRPT_INFLATE_H

#include "tlsrpt.h"

/* True when DATA starts with the gzip magic bytes. */
int is_gzip(const unsigned char *data, size_t len);

enum tlsrpt_errcode gunzip_bounded(const unsigned char *in, size_t in_len,
    const struct tlsrpt_limits *lim, char **out_r, size_t *out_len_r,
    struct tlsrpt_error *err);

#endif
