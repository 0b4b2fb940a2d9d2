/*
 * report_probes.h - the probe history (store.h: `tlsrpt check --record`,
 * `tlsrpt watch`) in `tlsrpt report`.
 *
 * report_probes() reads the probe rows before the period's end, keeps the
 * latest row (and the last different one before it) of each domain and
 * MX host probed in the period, adds them to MODEL as "probes" and
 * "probe_runs" (only when there are any: a store without probes gives
 * the same document as before), and appends to EXTRA one insight per
 * alert, each with its fix (doc/report-json.md lists the kinds).
 * report_probes_annotate() then adds the latest probe of its MX host to
 * every other insight that names one, as a last line of evidence and a
 * "probe" object.  0, or -1 + ERRBUF when the store failed.
 */
#ifndef TLSRPT_REPORT_PROBES_H
#define TLSRPT_REPORT_PROBES_H

#include <json.h>
#include <stddef.h>

#include "report_options.h"
#include "store.h"

/* Alert thresholds, in days before a certificate's not-after. */
#define PROBE_CERT_WARN_DAYS		14
#define PROBE_CERT_CRITICAL_DAYS	3

int report_probes(struct store *st, const struct report_options *opt,
    struct json_object *model, struct json_object *extra, char *errbuf,
    size_t errlen);

void report_probes_annotate(struct json_object *model);

#endif
