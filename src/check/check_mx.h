/*
 * check_mx.h - judge one MX host as a sending MTA would: address,
 * STARTTLS, handshake, certificate expiry, names, trust and TLSA.
 * Findings go to REP under the subject "mx HOST".
 */
#ifndef TLSRPT_CHECK_MX_H
#define TLSRPT_CHECK_MX_H

#include "check_findings.h"
#include "check_options.h"
#include "dns_lookup.h"

/* Days before expiry under which a certificate earns a warning. */
#define CHECK_EXPIRY_WARN_DAYS 14

void check_mx_host(const struct check_options *opt, struct dns_ctx *dns,
    const char *host, struct check_report *rep);

#endif
