/*
 * svg_chart.c - inline SVG charts; see svg_chart.h.
 *
 * Coordinates are in viewBox units (about CSS pixels at full width).
 * Colours: blue for successful, orange for failed sessions, a pair that
 * stays apart for the common colour-vision deficiencies; the legend and
 * the panel captions say it in words too.
 */
#include "svg_chart.h"
#include "rfc3339.h"
#include "html_out.h"

#include <stdlib.h>
#include <string.h>

#define COLOR_OK	"#3a78b5"
#define COLOR_FAIL	"#d95f02"
#define COLOR_GRID	"#d0d7de"
#define COLOR_AXIS	"#57606a"

/* Daily chart layout. */
#define D_W		480
#define D_ML		44	/* left margin: y labels */
#define D_MR		12
#define D_PW		(D_W - D_ML - D_MR)
#define D_TOP1		34	/* successful panel */
#define D_H1		120
#define D_TOP2		(D_TOP1 + D_H1 + 26)	/* failed panel */
#define D_H2		80
#define D_AXIS		(D_TOP2 + D_H2)
#define D_H		(D_AXIS + 28)
#define D_LABEL_PX	58	/* room one date label needs */
#define D_HALF_MONTH	24	/* half a YYYY-MM label */
#define D_HALF_DAY	18	/* half an MM-DD label */

/* Bar chart layout. */
#define B_W		480
#define B_LABEL_W	180
#define B_VALUE_W	48
#define B_ROW		24
#define B_TOP		8
#define B_LABEL_CHARS	26	/* certificate-host-mismatch fits */

/* Day numbers as int32_t here; the calendar arithmetic is rfc3339.c's. */
static int32_t
day_number(int y, unsigned m, unsigned d)
{
	return (int32_t)days_from_civil(y, m, d);
}

static void
day_date(int32_t z, int *y_r, unsigned *m_r, unsigned *d_r)
{
	int64_t y;

	civil_from_days(z, &y, m_r, d_r);
	*y_r = (int)y;
}

int
svg_parse_date(const char *s, int32_t *day_r)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int i, y;
	unsigned m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*day_r = day_number(y, m, d);
	return 0;
}

void
svg_format_date(int32_t day, char *buf, size_t len)
{
	int y;
	unsigned m, d;

	day_date(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02u", y, m, d);
}

void
svg_format_count(double v, char *buf, size_t len)
{
	static const char suffix[] = "kMGTPE";
	int i = -1;

	if (!(v > 0)) {
		snprintf(buf, len, "0");
		return;
	}
	/* 999.6k would print as "1000k": move up at 999.5. */
	while (v >= 999.5 && i < (int)sizeof(suffix) - 2) {
		v /= 1000;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%.0f", v);
	else if (v < 9.95 && (long long)(v * 10 + 0.5) % 10 != 0)
		snprintf(buf, len, "%.1f%c", v, suffix[i]);
	else
		snprintf(buf, len, "%.0f%c", v, suffix[i]);
}

/* A "nice" axis step (1, 2 or 5 times a power of ten) of at least RAW. */
static double
nice_step(double raw)
{
	double p = 1;

	if (raw <= 1)
		return 1;
	while (p * 10 <= raw)
		p *= 10;
	if (raw <= p)
		return p;
	if (raw <= 2 * p)
		return 2 * p;
	if (raw <= 5 * p)
		return 5 * p;
	return 10 * p;
}

/* Axis top for values up to MAX in at most N steps; *step_r the step. */
static double
axis_top(double max, int n, double *step_r)
{
	double step = nice_step(max / n);
	int k = 1;

	while (k < n && step * k < max)
		k++;
	*step_r = step;
	return step * k;
}

/* Horizontal grid lines and y labels of one panel. */
static void
y_axis(FILE *fp, int top, int height, double max, int steps, double *top_r)
{
	double step, axmax = axis_top(max, steps, &step), v;
	char label[16];
	double y;

	for (v = 0; v <= axmax + step / 2; v += step) {
		y = top + height - v / axmax * height;
		svg_format_count(v, label, sizeof(label));
		fprintf(fp, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>", D_ML, y,
		    D_W - D_MR, y, v == 0 ? COLOR_AXIS : COLOR_GRID);
		fprintf(fp, "<text class=\"ylabel\" x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\" font-size=\"12\">%s</text>", D_ML - 6,
		    y + 4, label);
	}
	*top_r = axmax;
}

/* Date ticks under the axis: days, weeks or months, whatever fits. */
static void
x_axis(FILE *fp, int32_t first, int32_t span, double bw)
{
	static const int day_steps[] = { 1, 2, 7, 14 };
	static const int month_steps[] = { 1, 2, 3, 6, 12, 24, 60 };
	int max_labels = D_PW / D_LABEL_PX, step = 0, y;
	unsigned m, d;
	size_t i;
	int32_t day;
	char date[16];
	double x;

	for (i = 0; i < sizeof(day_steps) / sizeof(day_steps[0]); i++)
		if ((span + day_steps[i] - 1) / day_steps[i] <= max_labels) {
			step = day_steps[i];
			break;
		}
	if (step > 0) {
		for (day = first; day < first + span; day += step) {
			svg_format_date(day, date, sizeof(date));
			x = D_ML + (day - first + 0.5) * bw;
			if (x > D_W - D_HALF_DAY)
				break;
			fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
			    "y2=\"%d\" stroke=\"%s\"/>", x, D_AXIS, x, D_AXIS + 4,
			    COLOR_AXIS);
			fprintf(fp, "<text class=\"xlabel\" x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" font-size=\"12\">%s</text>", x,
			    D_AXIS + 16, date + 5);	/* MM-DD */
		}
		return;
	}
	/* Months: a tick on the 1st, labelled YYYY-MM. */
	step = month_steps[sizeof(month_steps) / sizeof(month_steps[0]) - 1];
	for (i = 0; i < sizeof(month_steps) / sizeof(month_steps[0]); i++)
		if (span / 30 / month_steps[i] < max_labels) {
			step = month_steps[i];
			break;
		}
	day_date(first, &y, &m, &d);
	if (d != 1 && ++m > 12) {
		m = 1;
		y++;
	}
	for (;;) {
		day = day_number(y, m, 1);
		if (day >= first + span)
			break;
		/* A label cut by the right edge would be misread: drop it. */
		x = D_ML + (day - first) * bw;
		if ((y * 12 + (int)m - 1) % step == 0 && x <= D_W - D_HALF_MONTH) {
			svg_format_date(day, date, sizeof(date));
			date[7] = '\0';
			fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
			    "y2=\"%d\" stroke=\"%s\"/>", x, D_AXIS, x, D_AXIS + 4,
			    COLOR_AXIS);
			fprintf(fp, "<text class=\"xlabel\" x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" font-size=\"12\">%s</text>", x,
			    D_AXIS + 16, date);
		}
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
}

static void
legend(FILE *fp)
{
	fprintf(fp, "<g class=\"legend\"><rect x=\"%d\" y=\"8\" width=\"12\" "
	    "height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"18\" font-size=\"12\">"
	    "successful sessions</text><rect x=\"%d\" y=\"8\" width=\"12\" "
	    "height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"18\" font-size=\"12\">"
	    "failed sessions</text></g>", D_ML, COLOR_OK, D_ML + 16,
	    D_ML + 150, COLOR_FAIL, D_ML + 166);
}

static int64_t
nonneg(int64_t v)
{
	return v < 0 ? 0 : v;
}

/* A bar's height: at least one unit when the value is not zero. */
static double
bar_height(int64_t v, double axmax, int height)
{
	double h;

	if (v <= 0)
		return 0;
	h = (double)v / axmax * height;
	return h < 1 ? 1 : h;
}

void
svg_daily_chart(FILE *fp, const struct svg_daily *c)
{
	int32_t first = c->first_day, last = c->last_day, span;
	double ok_max = 0, fail_max = 0, ok_top, fail_top, bw, gap, x, h;
	int64_t ok_sum = 0, fail_sum = 0, worst = 0;
	int32_t worst_day = 0, wide;
	size_t i, shown = 0;
	char a[16], b[16], w[16];
	/* Only the three names: the unit is printed as it is. */
	const char *unit = c->unit == NULL ? "day" : strcmp(c->unit, "week") == 0 ? "week" :
	    strcmp(c->unit, "month") == 0 ? "month" : "day";

	if (first > last) {
		span = first;
		first = last;
		last = span;
	}
	if ((int64_t)last - first + 1 > SVG_MAX_DAYS)
		first = last - SVG_MAX_DAYS + 1;
	span = last - first + 1;

	for (i = 0; i < c->n_days; i++) {
		const struct svg_day *p = &c->days[i];

		if (p->day < first || p->day > last)
			continue;
		shown++;
		if (nonneg(p->successful) > ok_max)
			ok_max = (double)p->successful;
		if (nonneg(p->failed) > fail_max)
			fail_max = (double)p->failed;
		ok_sum = nonneg(p->successful) > INT64_MAX - ok_sum ? INT64_MAX :
		    ok_sum + nonneg(p->successful);
		fail_sum = nonneg(p->failed) > INT64_MAX - fail_sum ? INT64_MAX :
		    fail_sum + nonneg(p->failed);
		if (p->failed > worst) {
			worst = p->failed;
			worst_day = p->day;
		}
	}
	svg_format_date(first, a, sizeof(a));
	svg_format_date(last, b, sizeof(b));

	fputs("<svg class=\"chart daily\" id=\"", fp);
	html_text(fp, c->id);
	fprintf(fp, "\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-labelledby=\"", D_W, D_H);
	html_text(fp, c->id);
	fputs("-t ", fp);
	html_text(fp, c->id);
	fputs("-d\" data-title=\"", fp);
	html_text(fp, c->title);
	fputs("\"><title id=\"", fp);
	html_text(fp, c->id);
	fprintf(fp, "-t\">%s successful and failed sessions: ", strcmp(unit, "week") == 0 ?
	    "Weekly" : strcmp(unit, "month") == 0 ? "Monthly" : "Daily");
	html_text(fp, c->title);
	fputs("</title><desc id=\"", fp);
	html_text(fp, c->id);
	fprintf(fp, "-d\">%s to %s: %zu %ss with reports, ", a, b, shown, unit);
	html_count(fp, ok_sum);
	fputs(" successful and ", fp);
	html_count(fp, fail_sum);
	fputs(" failed sessions", fp);
	if (worst > 0) {
		svg_format_date(worst_day, w, sizeof(w));
		fprintf(fp, "; most failed sessions %s%s (", strcmp(unit, "week") == 0 ?
		    "in the week of " : strcmp(unit, "month") == 0 ? "in the month of " : "on ", w);
		html_count(fp, worst);
		fputc(')', fp);
	}
	fputs(".</desc>", fp);

	legend(fp);
	y_axis(fp, D_TOP1, D_H1, ok_max, 4, &ok_top);
	y_axis(fp, D_TOP2, D_H2, fail_max, 2, &fail_top);
	fprintf(fp, "<text class=\"caption\" x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	    "font-size=\"12\" fill=\"%s\">successful</text>", D_W - D_MR,
	    D_TOP1 - 4, COLOR_OK);
	fprintf(fp, "<text class=\"caption\" x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	    "font-size=\"12\" fill=\"%s\">failed</text>", D_W - D_MR,
	    D_TOP2 - 4, COLOR_FAIL);

	bw = (double)D_PW / span;
	if (shown == 0)
		fprintf(fp, "<text class=\"nodata\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\" font-size=\"13\">no daily data</text>",
		    D_ML + D_PW / 2, D_TOP1 + D_H1 / 2);
	else if (fail_max == 0)
		fprintf(fp, "<text class=\"nodata\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\" font-size=\"12\">no failed sessions"
		    "</text>", D_ML + D_PW / 2, D_TOP2 + D_H2 / 2);
	for (i = 0; i < c->n_days; i++) {
		const struct svg_day *p = &c->days[i];

		if (p->day < first || p->day > last)
			continue;
		/* A week's or a month's bar stops at the end of the range. */
		wide = p->days > 1 ? (p->day + p->days - 1 > last ? last - p->day + 1 : p->days) : 1;
		gap = wide * bw > 4 ? (wide > 1 && wide * bw * 0.15 > 4 ? 4 : wide * bw * 0.15) : 0;
		x = D_ML + (p->day - first) * bw + gap;
		svg_format_date(p->day, w, sizeof(w));
		fprintf(fp, "<g class=\"day\"><title>%s%s: ", strcmp(unit, "day") == 0 ?
		    "" : strcmp(unit, "week") == 0 ? "week of " : "month of ", w);
		html_count(fp, nonneg(p->successful));
		fputs(" successful, ", fp);
		html_count(fp, nonneg(p->failed));
		fputs(" failed</title>", fp);
		if ((h = bar_height(p->successful, ok_top, D_H1)) > 0)
			fprintf(fp, "<rect class=\"ok\" x=\"%.2f\" y=\"%.2f\" "
			    "width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>", x,
			    D_TOP1 + D_H1 - h, wide * bw - 2 * gap, h, COLOR_OK);
		if ((h = bar_height(p->failed, fail_top, D_H2)) > 0)
			fprintf(fp, "<rect class=\"fail\" x=\"%.2f\" y=\"%.2f\" "
			    "width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>", x,
			    D_TOP2 + D_H2 - h, wide * bw - 2 * gap, h, COLOR_FAIL);
		fputs("</g>", fp);
	}
	x_axis(fp, first, span, bw);
	fputs("</svg>\n", fp);
}

void
svg_bar_chart(FILE *fp, const char *id, const char *cls, const char *title,
    const struct svg_bar *bars, size_t n_bars)
{
	size_t i, rows = n_bars > SVG_MAX_BARS ? SVG_MAX_BARS : n_bars;
	int64_t max = 0, other = 0;
	double top, wmax = B_W - B_LABEL_W - B_VALUE_W, w;
	int height, y;
	char label[16];

	for (i = 0; i < n_bars; i++) {
		if (i >= SVG_MAX_BARS - 1 && n_bars > SVG_MAX_BARS)
			other = nonneg(bars[i].value) > INT64_MAX - other ?
			    INT64_MAX : other + nonneg(bars[i].value);
		else if (bars[i].value > max)
			max = bars[i].value;
	}
	if (other > max)
		max = other;
	top = max > 0 ? (double)max : 1;
	height = B_TOP * 2 + (rows == 0 ? 1 : (int)rows) * B_ROW;

	fputs("<svg class=\"chart ", fp);
	html_text(fp, cls);
	fputs("\" id=\"", fp);
	html_text(fp, id);
	fprintf(fp, "\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-labelledby=\"", B_W, height);
	html_text(fp, id);
	fputs("-t ", fp);
	html_text(fp, id);
	fputs("-d\"><title id=\"", fp);
	html_text(fp, id);
	fputs("-t\">", fp);
	html_text(fp, title);
	fputs("</title><desc id=\"", fp);
	html_text(fp, id);
	fputs("-d\">", fp);
	if (rows == 0)
		fputs("nothing to show", fp);
	for (i = 0; i < rows; i++) {
		int is_other = n_bars > SVG_MAX_BARS && i == rows - 1;

		if (i > 0)
			fputs("; ", fp);
		if (is_other)
			fputs("other", fp);
		else
			html_text(fp, bars[i].label);
		fputs(": ", fp);
		html_count(fp, is_other ? other : nonneg(bars[i].value));
	}
	fputs(".</desc>", fp);
	if (rows == 0)
		fprintf(fp, "<text class=\"nodata\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\" font-size=\"13\">nothing to show</text>",
		    B_W / 2, B_TOP + B_ROW / 2 + 4);
	for (i = 0; i < rows; i++) {
		int is_other = n_bars > SVG_MAX_BARS && i == rows - 1;
		int64_t v = is_other ? other : nonneg(bars[i].value);

		y = B_TOP + (int)i * B_ROW;
		w = v > 0 ? (double)v / top * wmax : 0;
		if (v > 0 && w < 1)
			w = 1;
		fputs("<g class=\"bar\"><title>", fp);
		if (is_other)
			fputs("other", fp);
		else
			html_text(fp, bars[i].label);
		fputs(": ", fp);
		html_count(fp, v);
		fprintf(fp, "</title><text class=\"label\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"end\" font-size=\"12\">", B_LABEL_W - 8,
		    y + B_ROW / 2 + 4);
		if (is_other)
			fputs("other", fp);
		else
			html_text_n(fp, bars[i].label, B_LABEL_CHARS);
		fprintf(fp, "</text><rect x=\"%d\" y=\"%d\" width=\"%.2f\" "
		    "height=\"%d\" fill=\"%s\"/>", B_LABEL_W, y + 3, w, B_ROW - 6,
		    COLOR_FAIL);
		svg_format_count((double)v, label, sizeof(label));
		fprintf(fp, "<text class=\"value\" x=\"%.2f\" y=\"%d\" "
		    "font-size=\"12\">%s</text></g>", B_LABEL_W + w + 6,
		    y + B_ROW / 2 + 4, label);
	}
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>",
	    B_LABEL_W, B_TOP, B_LABEL_W, height - B_TOP, COLOR_AXIS);
	fputs("</svg>\n", fp);
}
