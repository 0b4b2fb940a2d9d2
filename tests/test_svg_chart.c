/*
 * test_svg_chart.c - the chart drawing (svg_chart.c) and the escaping
 * under it (html_out.c): axis labels, dates, and the edge cases of a
 * daily chart (one day, no day, zeros, huge counts, hundreds of days,
 * a range past the limit), the bar limit, and escaping tables.
 */
#include "html_out.h"
#include "svg_chart.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += len;
	}
	return n;
}

/* Run a chart writer into a string. */
static char *
daily_svg(const struct svg_daily *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		return NULL;
	svg_daily_chart(fp, c);
	fclose(fp);
	return out;
}

static void
test_count_labels(void)
{
	static const struct { double v; const char *want; } rows[] = {
		{ 0, "0" }, { -5, "0" }, { 7, "7" }, { 999, "999" },
		{ 1000, "1k" }, { 1234, "1.2k" }, { 9949, "9.9k" },
		{ 12345, "12k" }, { 999499, "999k" }, { 999500, "1M" },
		{ 1200000, "1.2M" }, { 3e9, "3G" }, { 9.2e18, "9.2E" },
		{ 1e21, "1000E" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		svg_format_count(rows[i].v, buf, sizeof(buf));
		CHECK_STR(buf, rows[i].want);
	}
}

static void
test_dates(void)
{
	static const struct { const char *s; int ok; int32_t day; } rows[] = {
		{ "1970-01-01", 1, 0 }, { "2000-03-01", 1, 11017 },
		{ "2024-02-29", 1, 19782 }, { "2026-02-29", 0, 0 },
		{ "2026-13-01", 0, 0 }, { "2026-04-31", 0, 0 },
		{ "2026-1-01", 0, 0 }, { "2026-01-01T", 0, 0 }, { "", 0, 0 },
		{ "1969-12-31", 1, -1 },
	};
	char buf[16];
	int32_t day, d;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = svg_parse_date(rows[i].s, &day) == 0;

		CHECKF(got == rows[i].ok, "parse %s", rows[i].s);
		if (got && rows[i].ok)
			CHECK_INT(day, rows[i].day);
	}
	CHECK(svg_parse_date(NULL, &day) == -1);
	/* Every day from 1900 to 2100 survives format + parse. */
	for (d = -25567; d < 47482 && bad < 3; d++) {
		svg_format_date(d, buf, sizeof(buf));
		if (svg_parse_date(buf, &day) != 0 || day != d)
			CHECKF(0, "round trip %d (%s)", d, buf), bad++;
	}
	CHECK_INT(bad, 0);
}

static void
test_daily_edges(void)
{
	struct svg_day days[400];
	struct svg_daily c;
	char *svg;
	int32_t base;
	int i;

	svg_parse_date("2026-01-01", &base);
	memset(days, 0, sizeof(days));
	memset(&c, 0, sizeof(c));
	c.id = "t";
	c.title = "one day";
	c.first_day = c.last_day = base;
	days[0].day = base;
	days[0].successful = 5;
	days[0].failed = 1;
	c.days = days;
	c.n_days = 1;
	svg = daily_svg(&c);
	CHECK(svg != NULL && count(svg, "class=\"ok\"") == 1 &&
	    count(svg, "class=\"fail\"") == 1);
	CHECK(svg != NULL && strstr(svg, ">01-01<") != NULL);
	CHECK(svg != NULL && strstr(svg, "no failed sessions") == NULL);
	CHECK(svg != NULL && strstr(svg, "#3a78b5") != NULL &&
	    strstr(svg, "#d95f02") != NULL);
	free(svg);

	c.n_days = 0;
	svg = daily_svg(&c);
	CHECK(svg != NULL && strstr(svg, "no daily data") != NULL &&
	    count(svg, "<rect class=") == 0);
	free(svg);

	days[0].successful = days[0].failed = 0;
	c.n_days = 1;
	svg = daily_svg(&c);
	CHECK(svg != NULL && count(svg, "<g class=\"day\">") == 1 &&
	    count(svg, "<rect class=") == 0);
	CHECK(svg != NULL && strstr(svg, "no failed sessions") != NULL);
	free(svg);

	days[0].successful = INT64_MAX;
	days[0].failed = INT64_MAX / 3;
	svg = daily_svg(&c);
	CHECK(svg != NULL && strstr(svg, "E</text>") != NULL &&
	    strstr(svg, "nan") == NULL && strstr(svg, "inf") == NULL);
	CHECK(svg != NULL && strstr(svg, "9,223,372,036,854,775,807 successful")
	    != NULL);
	free(svg);

	/* 400 days: one group per day, month ticks, no day labels. */
	for (i = 0; i < 400; i++) {
		days[i].day = base + i;
		days[i].successful = 100 + i;
		days[i].failed = i % 10;
	}
	c.first_day = base + 399;	/* reversed range is swapped */
	c.last_day = base;
	c.n_days = 400;
	svg = daily_svg(&c);
	CHECK(svg != NULL && count(svg, "<g class=\"day\">") == 400);
	CHECK(svg != NULL && strstr(svg, ">2026-") != NULL &&
	    strstr(svg, ">01-01<") == NULL);
	/* Ends 2027-02-04: the 2027-02 tick sits at the edge and is dropped. */
	CHECK(svg != NULL && strstr(svg, ">2027-01<") != NULL &&
	    strstr(svg, ">2027-02<") == NULL);
	free(svg);

	/* A range past the limit keeps the last SVG_MAX_DAYS days. */
	c.first_day = base - 20 * SVG_MAX_DAYS;
	c.last_day = base + 399;
	svg = daily_svg(&c);
	CHECK(svg != NULL && count(svg, "<g class=\"day\">") == 400);
	free(svg);
	c.first_day = base - SVG_MAX_DAYS;
	c.last_day = base + 199;
	svg = daily_svg(&c);
	CHECK(svg != NULL && count(svg, "<g class=\"day\">") == 200);
	free(svg);
}

/* The width of the first successful bar in SVG, or -1. */
static double
first_width(const char *svg)
{
	const char *p = svg != NULL ? strstr(svg, "class=\"ok\"") : NULL;
	double w;

	if (p == NULL || (p = strstr(p, "width=\"")) == NULL ||
	    sscanf(p, "width=\"%lf\"", &w) != 1)
		return -1;
	return w;
}

/* By month: a bar as wide as its days, cut at the range's end; the unit named. */
static void
test_daily_months(void)
{
	struct svg_day days[3];
	struct svg_daily c;
	char *svg;
	int32_t jan, feb, mar;
	double wd, wm, wcut, bw;

	svg_parse_date("2026-01-01", &jan);
	svg_parse_date("2026-02-01", &feb);
	svg_parse_date("2026-03-01", &mar);
	memset(days, 0, sizeof(days));
	memset(&c, 0, sizeof(c));
	c.id = "m";
	c.title = "months";
	c.first_day = jan;
	c.last_day = mar + 19;		/* 2026-03-20 */
	days[0].day = jan;
	days[1].day = feb;
	days[2].day = mar;
	days[0].successful = days[1].successful = days[2].successful = 10;
	days[0].failed = 1;
	c.days = days;
	c.n_days = 1;
	svg = daily_svg(&c);		/* January, as a day */
	wd = first_width(svg);
	free(svg);
	days[0].days = 31;
	c.unit = "month";
	svg = daily_svg(&c);
	wm = first_width(svg);
	CHECK(svg != NULL && strstr(svg, "<title>month of 2026-01-01: ") != NULL);
	CHECK(svg != NULL && strstr(svg, "Monthly successful and failed sessions") != NULL);
	CHECK(svg != NULL && strstr(svg, "1 months with reports") != NULL);
	CHECK(svg != NULL && strstr(svg, "most failed sessions in the month of 2026-01-01") != NULL);
	free(svg);
	/* A day's bar keeps 70 % of its slot; a month's loses 8 px of 31 slots. */
	bw = wd / 0.7;
	CHECKF(wd > 0 && wm > 29 * bw && wm < 31 * bw, "day %.2f, month %.2f", wd, wm);
	/* March, 31 days, stops at the 20th. */
	days[0] = days[2];
	days[0].days = 31;
	svg = daily_svg(&c);
	wcut = first_width(svg);
	free(svg);
	CHECKF(wcut > 18 * bw && wcut < 20 * bw, "day %.2f, cut month %.2f", wd, wcut);
	/* Another unit is drawn as days, and never printed. */
	c.unit = "fortnight<b>";
	svg = daily_svg(&c);
	CHECK(svg != NULL && strstr(svg, "fortnight") == NULL &&
	    strstr(svg, "Daily successful and failed sessions") != NULL);
	free(svg);
}

static void
test_bar_limit(void)
{
	struct svg_bar bars[SVG_MAX_BARS + 5];
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		return;
	for (i = 0; i < SVG_MAX_BARS + 5; i++) {
		bars[i].label = "a-rather-long-result-type-name-that-is-cut";
		bars[i].value = 10;
	}
	svg_bar_chart(fp, "b", "result-types", "t", bars, SVG_MAX_BARS + 5);
	fclose(fp);
	CHECK_INT(count(out, "<g class=\"bar\">"), SVG_MAX_BARS);
	CHECK_CONTAINS(out, "other: 60");
	CHECK_CONTAINS(out, ">a-rather-long-result-type-\xe2\x80\xa6</text>");
	free(out);
}

static void
test_escaping(void)
{
	static const struct { const char *in; size_t max; const char *want; }
	    rows[] = {
		{ "a&b<c>d\"e'f", 100, "a&amp;b&lt;c&gt;d&quot;e&#39;f" },
		{ "tab\there\x01\x7f", 100, "tab\there\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xc3\xa9\xc3\xa9\xc3\xa9", 2, "\xc3\xa9\xc3\xa9\xe2\x80\xa6" },
		{ "<<<", 2, "&lt;&lt;\xe2\x80\xa6" },
		{ "\xe2<", 100, "\xe2&lt;" },
		{ "", 0, "" },
		{ "abc", 3, "abc" },
	};
	char *out;
	size_t len, i;
	FILE *fp;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out = NULL;
		if ((fp = open_memstream(&out, &len)) == NULL)
			continue;
		html_text_n(fp, rows[i].in, rows[i].max);
		fclose(fp);
		CHECK_STR(out, rows[i].want);
		free(out);
	}
	out = NULL;
	if ((fp = open_memstream(&out, &len)) != NULL) {
		html_count(fp, 0);
		fputc(' ', fp);
		html_count(fp, 999);
		fputc(' ', fp);
		html_count(fp, 1000);
		fputc(' ', fp);
		html_count(fp, -1234567);
		fputc(' ', fp);
		html_percent(fp, 0.0026);
		fputc(' ', fp);
		html_percent(fp, 0.00001);
		fputc(' ', fp);
		html_percent(fp, 0.5);
		fclose(fp);
		CHECK_STR(out, "0 999 1,000 -1,234,567 0.26% &lt;0.01% 50.0%");
		free(out);
	}
}

int
main(void)
{
	test_escaping();
	test_count_labels();
	test_dates();
	test_daily_edges();
	test_daily_months();
	test_bar_limit();
	return test_summary("test_svg_chart");
}
