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

/*
 * The grain a report sums failures by.  A long period's report is read
 * by the week or the month: a year of days is hundreds of thousands of
 * (day, domain) lines nobody reads, and its cells grow with the days.
 * Auto: days up to REPORT_GRAIN_DAY_MAX days, weeks (Monday to Sunday)
 * up to REPORT_GRAIN_WEEK_MAX, months beyond.
 */
enum report_grain {
	REPORT_GRAIN_AUTO = 0,
	REPORT_GRAIN_DAY,
	REPORT_GRAIN_WEEK,
	REPORT_GRAIN_MONTH
};
#define REPORT_GRAIN_DAY_MAX	92
#define REPORT_GRAIN_WEEK_MAX	183

struct report_options {
	time_t since;		/* first day, 00:00 UTC */
	time_t until;		/* the day after the last day, 00:00 UTC */
	const char *domain;	/* only this policy domain, or NULL */
	int include_unverified;
	int silence_days;	/* a reporter is silent after this; 0 = from its cadence */
	time_t generated;	/* "now", for the document */
	enum report_grain grain;	/* REPORT_GRAIN_AUTO: by the period's length */
};

/* "YYYY-MM-DD" of T (UTC) into BUF (11 bytes or more). */
void report_date(time_t t, char *buf, size_t size);

/* Parse "YYYY-MM-DD" into 00:00 UTC of that day; 0 or -1. */
int report_parse_date(const char *s, time_t *t_r);

/* OPT's grain, AUTO resolved by the period's length. */
enum report_grain report_grain(const struct report_options *opt);
/* "day", "week", "month" ("auto" for AUTO). */
const char *report_grain_name(enum report_grain g);
/* The grain named S ("auto" included); -1 when none is. */
int report_grain_parse(const char *s);
/* The grain a model's period names: day for "auto", NULL or any other name. */
enum report_grain report_grain_named(const char *s);
/*
 * The first day of DAY's bucket (days since the epoch) at grain G, never
 * before SINCE_DAY: a period's first bucket starts with the period.
 */
long report_bucket(enum report_grain g, long since_day, long day);
/* The first day of the bucket after the one holding DAY. */
long report_bucket_next(enum report_grain g, long day);
/*
 * The last day of the bucket holding DAY, never past the period's last
 * day (UNTIL_DAY is the day after it): the end of a date range that
 * ends in that bucket.
 */
long report_bucket_last(enum report_grain g, long until_day, long day);
/*
 * The bucket that starts on DAY, for a sentence: "2023-03-06", "the week
 * of 2023-03-06", "the month of 2023-03-01" (REPORT_BUCKET_LABEL_SIZE).
 */
#define REPORT_BUCKET_LABEL_SIZE	32
void report_bucket_label(enum report_grain g, long day, char *buf, size_t size);
#endif
