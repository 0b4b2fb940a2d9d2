/*
 * rfc8460_json.h - RFC 8460 JSON text -> struct tlsrpt_report.
 *
 * Tolerates what real reporters send (see doc/facts.md): date-times without a
 * zone, fractional seconds, contact-info null or missing, missing IPs and
 * MX names, mx-host as string or array with "mx: " prefixes, both spellings
 * of mx-host(-pattern) and additional-info(rmation|-uri), Microsoft's TLSA
 * policy-string holding a JSON-encoded array.  Unknown result and policy
 * types are kept verbatim.  Counts must be JSON integers in 0..2^53.
 * Inconsistencies become warnings on the report, not errors.
 *
 * All strings are copied into arena A; REP is filled in place.  The error
 * message names the JSON path: "report: policies[0].summary...: why".
 */
#ifndef TLSRPT_RFC8460_JSON_H
#define TLSRPT_RFC8460_JSON_H

#include "arena.h"
#include "tlsrpt.h"

enum tlsrpt_errcode report_from_json(const char *text, size_t len,
    const struct tlsrpt_limits *lim, struct arena *a,
    struct tlsrpt_report *rep, struct tlsrpt_error *err);

/* Append a printf-formatted warning to REP (capped; returns -1 on ENOMEM). */
int report_add_warning(struct arena *a, struct tlsrpt_report *rep,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
