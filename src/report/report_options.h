/*
 * report_options.h - what one `tlsrpt report` covers: the period, the
 * domain, which reports count; and how its days are named (UTC dates).
 * Shared by the model, its insights and the renderers.
 */
#ifndef TLSRPT_REPORT_OPTIONS_H
#define TLSRPT_REPORT_OPTIONS_H

#include <stddef.h>
#include <time.h>

#define REPORT_DAY		86400
/* How far before --since reporters' history is read, for cadence. */
#define REPORT_HISTORY_DAYS	120
/* The longest gap a reporter may leave, whatever its cadence. */
#define REPORT_SILENT_MAX_GAP	45

struct report_options {
	time_t since;		/* first day, 00:00 UTC */
	time_t until;		/* the day after the last day, 00:00 UTC */
	const char *domain;	/* only this policy domain, or NULL */
	int include_unverified;
	int silence_days;	/* a reporter is silent after this; 0 = from its cadence */
	time_t generated;	/* "now", for the document */
};

/* "YYYY-MM-DD" of T (UTC) into BUF (11 bytes or more). */
void report_date(time_t t, char *buf, size_t size);

/* Parse "YYYY-MM-DD" into 00:00 UTC of that day; 0 or -1. */
int report_parse_date(const char *s, time_t *t_r);

#endif
