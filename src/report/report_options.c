/*
 * report_options.c - UTC day names for `tlsrpt report`; see report_options.h.
 */
#include "report_options.h"
#include "rfc3339.h"

#include <string.h>

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
