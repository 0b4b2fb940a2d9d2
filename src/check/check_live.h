/*
 * check_live.h - the network side of `tlsrpt check`: DNS, the MTA-STS
 * policy over HTTPS, and each MX host over SMTP with STARTTLS.
 *
 * Findings go to REP; the functions return 0 when the checks ran (even
 * if they found failures) and -1 after a local error already printed
 * to stderr (bad --resolver, out of memory).
 */
#ifndef TLSRPT_CHECK_LIVE_H
#define TLSRPT_CHECK_LIVE_H

#include "check_findings.h"
#include "check_options.h"

/* Record, MTA-STS and every MX of opt->domain. */
int check_live_domain(const struct check_options *opt,
    struct check_report *rep);

/* HOST, or every MX of opt->domain when HOST is NULL. */
int check_live_mx(const struct check_options *opt, const char *host,
    struct check_report *rep);

#endif
