/*
 * test_report_options.c - report_date() names the same day as gmtime_r()
 * and strftime() would, from year 1000 to 9999, at both ends of a day and
 * before 1970; years below 1000 in four digits too, as "YYYY-MM-DD" says
 * (strftime() drops the zeros); and cuts its name short to a small
 * buffer; and report_parse_date() reads back what it writes.
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
	return test_summary("test_report_options");
}
