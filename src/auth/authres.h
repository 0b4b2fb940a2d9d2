/*
 * authres.h - trust a DKIM verdict made upstream (AuthMode authres).
 *
 * For sites that verify DKIM before this filter: an Authentication-Results
 * header (RFC 8601) counts when its authserv-id is one of TRUSTED and it
 * holds dkim=pass with a header.d (or header.i domain) aligned with the
 * From domain (align.h).  Only one header speaks for the message: the
 * topmost one with a trusted authserv-id, which the trusted hop added
 * above every header that came with the message (a copy further down,
 * trusted id or not, is the sender's word).  Comments in parentheses,
 * quoted strings and folding are handled; anything unparsable counts as
 * no pass.  Pure.
 */
#ifndef TLSRPT_AUTHRES_H
#define TLSRPT_AUTHRES_H

#include <stddef.h>

/* 1 and *DOMAIN_R set (size DOMAIN_LEN) when VALUE says an aligned pass. */
int authres_dkim_pass(const char *value, const char *const *trusted,
    size_t n_trusted, const char *from_domain, char *domain_r,
    size_t domain_len);

/*
 * Of VALUES (header values in header order, topmost first), the index of
 * the first whose authserv-id is in TRUSTED, or -1 when none is.
 */
long authres_trusted_topmost(const char *const *values, size_t n,
    const char *const *trusted, size_t n_trusted);

/* The authserv-id of VALUE into ID_R (for deleting forged copies); 0/-1. */
int authres_servid(const char *value, char *id_r, size_t id_len);

#endif
