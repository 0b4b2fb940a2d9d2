/*
 * report_model.h - what `tlsrpt report` knows, as one JSON document.
 *
 * report_model_build() reads the store once (store_query) and aggregates
 * per domain, day, result type, MX host, sending MTA and reporter, then
 * derives the insights (report_insights.h).  The document's keys are
 * specified in doc/report-json.md; every output format renders from it.
 * The caller owns the returned object (json_object_put).
 */
#ifndef TLSRPT_REPORT_MODEL_H
#define TLSRPT_REPORT_MODEL_H

#include <json.h>
#include <stddef.h>
#include <time.h>

#include "model_get.h"
#include "report_options.h"
#include "store.h"

struct json_object *report_model_build(struct store *st,
    const struct report_options *opt, char *errbuf, size_t errlen);

#endif
