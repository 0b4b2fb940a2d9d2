/*
 * base64.h - strict base64 decoding of a MIME body part.
 *
 * GMime's decoder skips bytes outside the alphabet silently, which turns
 * a corrupted attachment into a confusing inflate error.  This one skips
 * only white space, accepts missing trailing padding, and reports the
 * line of the first bad byte.  OUT must hold base64_decoded_max(len).
 */
#ifndef TLSRPT_BASE64_H
#define TLSRPT_BASE64_H

#include "tlsrpt.h"

#define base64_decoded_max(len)	((len) / 4 * 3 + 3)

enum tlsrpt_errcode base64_decode_strict(const char *in, size_t len,
    unsigned char *out, size_t *out_len_r, struct tlsrpt_error *err);

#endif
