/*
 * json_scan.h - a strict lexical pass over JSON text before json-c sees it.
 *
 * json-c, even with JSON_TOKENER_STRICT, accepts single-quoted strings,
 * NaN and Infinity, and does not bound string length.  This pass rejects
 * what RFC 8259 forbids at the lexical level (bytes outside strings that
 * are not JSON tokens, control characters in strings, bad escapes,
 * invalid UTF-8 anywhere) and enforces the depth and string-length limits
 * with an error naming the byte offset.  Grammar (commas, colons) is left
 * to json-c.  One linear pass, no allocation.
 */
#ifndef TLSRPT_JSON_SCAN_H
#define TLSRPT_JSON_SCAN_H

#include "tlsrpt.h"

enum tlsrpt_errcode json_prescan(const char *text, size_t len,
    const struct tlsrpt_limits *lim, struct tlsrpt_error *err);

/* Length of the valid UTF-8 sequence at P (1-4), or 0 when invalid. */
size_t utf8_seq_len(const unsigned char *p, size_t avail);

#endif
