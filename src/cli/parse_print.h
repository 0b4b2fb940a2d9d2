/*
 * parse_print.h - a parsed report as text for people or JSON for tools.
 *
 * Text: submitter, policy domains, UTC date range, sessions, failures by
 * result type with a one-line meaning, warnings.  JSON: one line
 * {"source": ..., "report": {...}, "warnings": [...]} with RFC 8460 key
 * names, normalized (UTC "Z" timestamps, mx-host and policy-string as
 * arrays, absent optional fields omitted).  Both write to FP and return
 * 0, or -1 when out of memory.
 */
#ifndef TLSRPT_PARSE_PRINT_H
#define TLSRPT_PARSE_PRINT_H

#include <stdio.h>

#include "tlsrpt.h"

int report_print_text(FILE *fp, const char *source,
    const struct tlsrpt_report *rep);
/* EXTRA: message-level warnings (a sibling part that failed), listed first. */
int report_print_jsonl(FILE *fp, const char *source,
    const struct tlsrpt_report *rep, const char *const *extra, size_t n_extra);

#endif
