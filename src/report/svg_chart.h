/*
 * svg_chart.h - inline SVG charts for the HTML report, drawn here.
 *
 * Two kinds, both scaled by a viewBox (the page sets the width):
 *
 *   svg_daily_chart()  successful and failed sessions per day, as two
 *                      panels over one date axis, each with its own
 *                      y scale: failures are often well under 1% of the
 *                      sessions and would vanish in a single stacked bar.
 *                      <svg class="chart daily" ...>
 *   svg_bar_chart()    one horizontal bar per label (failed sessions by
 *                      result type).  <svg class="chart CLASS" ...>
 *
 * Every chart carries role="img", a <title> and a <desc> that says in
 * words what it shows, and a <title> per bar for hovering.  Labels and
 * titles are escaped (html_out.h).  Dates are days since 1970-01-01
 * (UTC).  Drawing cannot fail; write errors stay in FP's error flag.
 */
#ifndef TLSRPT_SVG_CHART_H
#define TLSRPT_SVG_CHART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Longest date range a daily chart draws (ten years); older days drop. */
#define SVG_MAX_DAYS	3660
/* Most bars a bar chart draws; the rest are summed into one "other" bar. */
#define SVG_MAX_BARS	40

struct svg_day {
	int32_t day;		/* days since 1970-01-01 */
	int64_t successful;	/* negative values draw as 0 */
	int64_t failed;
	int32_t days;		/* the days the bar stands for (a week, a month); 0 = 1 */
};

struct svg_daily {
	const char *id;		/* element id, unique in the page */
	const char *title;	/* e.g. the domain; escaped */
	int32_t first_day;	/* x range, inclusive; swapped if reversed */
	int32_t last_day;
	const struct svg_day *days;	/* any order; outside the range ignored */
	size_t n_days;
	const char *unit;	/* what a bar is: "day" (NULL), "week", "month" */
};

struct svg_bar {
	const char *label;	/* escaped; cut to 28 characters on the bar */
	int64_t value;
};

void svg_daily_chart(FILE *fp, const struct svg_daily *chart);
void svg_bar_chart(FILE *fp, const char *id, const char *cls,
    const char *title, const struct svg_bar *bars, size_t n_bars);

/* "YYYY-MM-DD" (strict, a real calendar day) -> days since the epoch. */
int svg_parse_date(const char *s, int32_t *day_r);
/* Days since the epoch -> "YYYY-MM-DD" (LEN >= 11). */
void svg_format_date(int32_t day, char *buf, size_t len);
/* A short axis label: 950, 1.2k, 12k, 1.2M, ... up to E (10^18). */
void svg_format_count(double v, char *buf, size_t len);

#endif
