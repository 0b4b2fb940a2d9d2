/*
 * rfc6125.h - does a certificate name cover a host?  RFC 6125 section 6.4
 * as SMTP uses it (RFC 7672 section 3.2.3, RFC 8461 section 4.2).
 *
 * Pure, no allocation.  NAME is a DNS-ID from the certificate (length
 * given, since certificates can hold NULs); HOST the reference name,
 * NUL-terminated, a trailing dot allowed.  Case-insensitive.  A wildcard
 * is honoured only as the whole leftmost label ("*.example.com"), matches
 * exactly one non-empty label, and needs two labels after it; partial
 * wildcards ("mx*.example.com"), wildcards elsewhere, IDN A-label
 * wildcards ("*.xn--..." is fine, "xn--*" is not) and names with NULs
 * never match.
 */
#ifndef TLSRPT_RFC6125_H
#define TLSRPT_RFC6125_H

#include <stddef.h>

int rfc6125_match(const char *name, size_t name_len, const char *host);

#endif
