/*
 * report_options.c - UTC day names for `tlsrpt report`; see report_options.h.
 */
#include "report_options.h"

#include <string.h>

void
report_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
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
