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

#include "store.h"

#define REPORT_DAY		86400
/* How far before --since reporters' history is read, for cadence. */
#define REPORT_HISTORY_DAYS	120

struct report_options {
	time_t since;		/* first day, 00:00 UTC */
	time_t until;		/* the day after the last day, 00:00 UTC */
	const char *domain;	/* only this policy domain, or NULL */
	int include_unverified;
	int silence_days;	/* a reporter is silent after this; 0 = from its cadence */
	time_t generated;	/* "now", for the document */
};

struct json_object *report_model_build(struct store *st,
    const struct report_options *opt, char *errbuf, size_t errlen);

/* "YYYY-MM-DD" of T (UTC) into BUF (11 bytes or more). */
void report_date(time_t t, char *buf, size_t size);

/* Parse "YYYY-MM-DD" into 00:00 UTC of that day; 0 or -1. */
int report_parse_date(const char *s, time_t *t_r);

/*
 * Accessors for the aggregation and the text renderers: missing or
 * mistyped keys give 0 or "" (never NULL), so they go straight to printf.
 * The HTML renderer uses model_get.h, whose absent is NULL.
 */
long long mval_int(struct json_object *obj, const char *key);
double mval_double(struct json_object *obj, const char *key);
const char *mval_str(struct json_object *obj, const char *key);
struct json_object *mval_array(struct json_object *obj, const char *key);

#endif
