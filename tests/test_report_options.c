/*
 * test_report_options.c - report_date() names the same day as gmtime_r()
 * and strftime() would, from year 1000 to 9999, at both ends of a day and
 * before 1970; years below 1000 in four digits too, as "YYYY-MM-DD" says
 * (strftime() drops the zeros); and cuts its name short to a small
 * buffer; and report_parse_date() reads back what it writes.  The
 * grains: weeks from Monday and months from the first, as gmtime_r()
 * counts them, before 1970 too; a period's first bucket starts with it,
 * its last ends with it; auto picks by the period's length.
 */
#include "report_options.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The name of T as gmtime_r() and strftime() give it. */
static void
libc_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

/* DAY's broken-down UTC time. */
static struct tm
tm_of(long day)
{
	time_t t = (time_t)day * REPORT_DAY;
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm;
}

static void
check_grains(void)
{
	struct report_options o;
	long day, bad = 0, since;
	char buf[REPORT_BUCKET_LABEL_SIZE];

	for (day = -800; day <= 25000; day++) {
		long w = report_bucket(REPORT_GRAIN_WEEK, -100000, day);
		long m = report_bucket(REPORT_GRAIN_MONTH, -100000, day);
		long mn = report_bucket_next(REPORT_GRAIN_MONTH, day);
		struct tm td = tm_of(day), tw = tm_of(w), tm = tm_of(m), tn = tm_of(mn);
		struct tm tl = tm_of(mn - 1);

		if ((tw.tm_wday != 1 || w > day || day >= w + 7 ||
		    report_bucket_next(REPORT_GRAIN_WEEK, day) != w + 7 ||
		    tm.tm_mday != 1 || tm.tm_mon != td.tm_mon || tm.tm_year != td.tm_year ||
		    tn.tm_mday != 1 || tl.tm_mon != td.tm_mon ||
		    report_bucket(REPORT_GRAIN_DAY, -100000, day) != day ||
		    report_bucket_next(REPORT_GRAIN_DAY, day) != day + 1 ||
		    report_bucket_last(REPORT_GRAIN_MONTH, 100000, day) != mn - 1 ||
		    report_bucket_last(REPORT_GRAIN_DAY, 100000, day) != day) && bad++ < 5)
			CHECKF(0, "day %ld: week %ld, month %ld, next month %ld", day, w, m, mn);
	}
	CHECK_INT(bad, 0);
	/* 2026-01-07, a Wednesday: its week and month start with it. */
	since = 20460;
	CHECK_INT(tm_of(since).tm_wday, 3);
	CHECK_INT(report_bucket(REPORT_GRAIN_WEEK, since, since + 2), since);
	CHECK_INT(report_bucket(REPORT_GRAIN_WEEK, since, since + 5), since + 5);
	CHECK_INT(report_bucket(REPORT_GRAIN_MONTH, since, since + 20), since);
	CHECK_INT(report_bucket(REPORT_GRAIN_MONTH, since, since + 25), since + 25);
	/* The last bucket ends with the period: 2026-03-20, of March. */
	CHECK_INT(report_bucket_last(REPORT_GRAIN_MONTH, 20532 + 1, 20513), 20532);
	CHECK_INT(report_bucket_last(REPORT_GRAIN_WEEK, 20532 + 1, 20531), 20532);
	report_bucket_label(REPORT_GRAIN_WEEK, 20468, buf, sizeof(buf));
	CHECK_STR(buf, "the week of 2026-01-15");
	report_bucket_label(REPORT_GRAIN_MONTH, 20485, buf, sizeof(buf));
	CHECK_STR(buf, "the month of 2026-02-01");
	report_bucket_label(REPORT_GRAIN_DAY, 20485, buf, sizeof(buf));
	CHECK_STR(buf, "2026-02-01");
	/* Names, and auto by the period's length. */
	CHECK_INT(report_grain_parse("week"), REPORT_GRAIN_WEEK);
	CHECK_INT(report_grain_parse("auto"), REPORT_GRAIN_AUTO);
	CHECK_INT(report_grain_parse("Week"), -1);
	CHECK_STR(report_grain_name(REPORT_GRAIN_MONTH), "month");
	memset(&o, 0, sizeof(o));
	o.since = (time_t)20454 * REPORT_DAY;
	o.until = o.since + (time_t)REPORT_GRAIN_DAY_MAX * REPORT_DAY;
	CHECK_INT(report_grain(&o), REPORT_GRAIN_DAY);
	o.until += REPORT_DAY;
	CHECK_INT(report_grain(&o), REPORT_GRAIN_WEEK);
	o.until = o.since + (time_t)REPORT_GRAIN_WEEK_MAX * REPORT_DAY;
	CHECK_INT(report_grain(&o), REPORT_GRAIN_WEEK);
	o.until += REPORT_DAY;
	CHECK_INT(report_grain(&o), REPORT_GRAIN_MONTH);
	o.grain = REPORT_GRAIN_DAY;
	CHECK_INT(report_grain(&o), REPORT_GRAIN_DAY);
}

int
main(void)
{
	/* 0000-01-01, 1000-01-01 and 9999-12-31, in days since the epoch. */
	const long first = -719528, y1000 = -354285, last = 2932896;
	char a[32], b[32];
	long day, bad = 0, n = 0;
	time_t t, back;
	int k;

	for (day = y1000; day <= last; day += day < -1000 || day > 30000 ? 97 : 1) {
		for (k = 0; k < 3; k++) {
			t = (time_t)day * REPORT_DAY + (k == 0 ? 0 : k == 1 ? 43210 : REPORT_DAY - 1);
			report_date(t, a, sizeof(a));
			libc_date(t, b, sizeof(b));
			if (strcmp(a, b) != 0 && bad++ < 5)
				CHECKF(0, "%lld: %s, libc %s", (long long)t, a, b);
			n++;
		}
	}
	CHECK_INT(bad, 0);
	CHECK(n > 100000);
	report_date((time_t)last * REPORT_DAY, a, sizeof(a));
	CHECK_STR(a, "9999-12-31");
	report_date((time_t)first * REPORT_DAY, a, sizeof(a));
	CHECK_STR(a, "0000-01-01");
	report_date((time_t)(y1000 - 1) * REPORT_DAY, a, sizeof(a));
	CHECK_STR(a, "0999-12-31");
	report_date((time_t)y1000 * REPORT_DAY, a, sizeof(a));
	CHECK_STR(a, "1000-01-01");
	report_date(-1, a, sizeof(a));
	CHECK_STR(a, "1969-12-31");
	/* Past 9999: what strftime() prints. */
	t = (time_t)(last + 1) * REPORT_DAY;
	report_date(t, a, sizeof(a));
	libc_date(t, b, sizeof(b));
	CHECK_STR(a, b);
	/* A small buffer gets the start of the name; none gets nothing. */
	report_date(0, a, 5);
	CHECK_STR(a, "1970");
	strcpy(a, "kept");
	report_date(0, a, 0);
	CHECK_STR(a, "kept");
	/* Read back. */
	CHECK_INT(report_parse_date("2024-02-29", &t), 0);
	report_date(t, a, sizeof(a));
	CHECK_STR(a, "2024-02-29");
	CHECK_INT(report_parse_date("2023-02-29", &back), -1);
	check_grains();
	return test_summary("test_report_options");
}
