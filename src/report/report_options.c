/*
 * report_options.c - UTC day names for `tlsrpt report`; see report_options.h.
 */
#include "report_options.h"
#include "rfc3339.h"

#include <stdio.h>
#include <string.h>

enum report_grain
report_grain(const struct report_options *opt)
{
	time_t days = (opt->until - opt->since) / REPORT_DAY;

	if (opt->grain != REPORT_GRAIN_AUTO)
		return opt->grain;
	return days <= REPORT_GRAIN_DAY_MAX ? REPORT_GRAIN_DAY :
	    days <= REPORT_GRAIN_WEEK_MAX ? REPORT_GRAIN_WEEK : REPORT_GRAIN_MONTH;
}

static const char *const grain_names[] = { "auto", "day", "week", "month" };

const char *
report_grain_name(enum report_grain g)
{
	return (unsigned)g < sizeof(grain_names) / sizeof(grain_names[0]) ?
	    grain_names[g] : "day";
}

int
report_grain_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(grain_names) / sizeof(grain_names[0]); i++)
		if (strcmp(s, grain_names[i]) == 0)
			return (int)i;
	return -1;
}

enum report_grain
report_grain_named(const char *s)
{
	int g = s != NULL ? report_grain_parse(s) : -1;

	return g > REPORT_GRAIN_AUTO ? (enum report_grain)g : REPORT_GRAIN_DAY;
}

/* The Monday of DAY's week: 1970-01-01, day 0, was a Thursday. */
static long
monday(long day)
{
	return day - (((day + 3) % 7) + 7) % 7;
}

/* The first day of DAY's month, and (NEXT) of the month after. */
static long
month_start(long day, int next)
{
	int64_t y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	if (next && ++m > 12) {
		m = 1;
		y++;
	}
	return (long)days_from_civil(y, m, 1);
}

long
report_bucket(enum report_grain g, long since_day, long day)
{
	long b;

	switch (g) {
	case REPORT_GRAIN_WEEK:
		b = monday(day);
		break;
	case REPORT_GRAIN_MONTH:
		b = month_start(day, 0);
		break;
	default:
		return day;
	}
	return b < since_day && day >= since_day ? since_day : b;
}

long
report_bucket_next(enum report_grain g, long day)
{
	switch (g) {
	case REPORT_GRAIN_WEEK:
		return monday(day) + 7;
	case REPORT_GRAIN_MONTH:
		return month_start(day, 1);
	default:
		return day + 1;
	}
}

/*
 * Days are named by arithmetic: a report names a day for every row of
 * its daily series and every episode, and gmtime_r() with strftime()
 * cost twenty times as much.  Years outside 0000-9999 take that path;
 * below 1000 the year keeps its four digits, which strftime() drops.
 */
void
report_date(time_t t, char *buf, size_t size)
{
	int64_t days = (int64_t)(t / REPORT_DAY) - (t % REPORT_DAY < 0), y;
	unsigned m, d;
	char out[11];
	struct tm tm;

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		gmtime_r(&t, &tm);
		strftime(buf, size, "%Y-%m-%d", &tm);
		return;
	}
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	if (size == 0)
		return;
	if (size > sizeof(out))
		size = sizeof(out);
	memcpy(buf, out, size - 1);
	buf[size - 1] = '\0';
}

int
report_parse_date(const char *s, time_t *t_r)
{
	struct tm tm;
	char back[16];
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 10 || strptime(s, "%Y-%m-%d", &tm) == NULL)
		return -1;
	t = timegm(&tm);
	/* strptime takes 2026-02-31; the round trip does not. */
	report_date(t, back, sizeof(back));
	if (strcmp(back, s) != 0)
		return -1;
	*t_r = t;
	return 0;
}

long
report_bucket_last(enum report_grain g, long until_day, long day)
{
	long end = report_bucket_next(g, day);

	return (end < until_day || until_day <= day ? end : until_day) - 1;
}

void
report_bucket_label(enum report_grain g, long day, char *buf, size_t size)
{
	char date[16];

	report_date((time_t)day * REPORT_DAY, date, sizeof(date));
	snprintf(buf, size, "%s%s", g == REPORT_GRAIN_WEEK ? "the week of " :
	    g == REPORT_GRAIN_MONTH ? "the month of " : "", date);
}
