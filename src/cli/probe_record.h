/*
 * probe_record.h - put what a live check saw (check_observed.h) into the
 * store's probe history (store_put_probes()): one row for the domain, one
 * per MX host.  Errors are printed ("tlsrpt: ...") and return -1.
 */
#ifndef TLSRPT_PROBE_RECORD_H
#define TLSRPT_PROBE_RECORD_H

#include "check_findings.h"
#include "store.h"

#include <stddef.h>
#include <time.h>

/*
 * REP is a finished check_live_domain() run of DOMAIN with rep->obs set;
 * NOW its time.  *STORED_R gets the rows written (0 when nothing
 * changed).  0 or -1.
 */
int probe_record(struct store *st, const char *domain,
    const struct check_report *rep, time_t now, size_t *stored_r);

/* "Now", overridable for tests and reproducible runs (SOURCE_DATE_EPOCH). */
time_t probe_now(void);

#endif
