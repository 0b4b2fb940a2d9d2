/*
 * report_html.h - `tlsrpt report --format html`: the report model
 * (doc/report-json.md) as one self-contained HTML5 page.
 *
 * The page needs nothing but itself: inline CSS, charts as inline SVG
 * drawn by svg_chart.c, no script, font, image or link outside the file,
 * and a Content-Security-Policy that forbids loading any.  It reads on a
 * phone (viewport, one column, tables and charts scroll sideways in their
 * own box) and on a laptop.  Every string taken from the model is escaped
 * and cut to a sane length; missing keys and values of the wrong type are
 * skipped, so any JSON value renders without crashing.  Long lists are
 * bounded (REPORT_HTML_MAX_ROWS rows per table, REPORT_HTML_MAX_CHARTS
 * daily charts, the domains with the most failed sessions first) and the
 * page says how many it left out.
 *
 * report_html_write() returns 0, or -1 with a message in ERRBUF when the
 * model is not a JSON object or writing to FP failed.  FP is not closed.
 */
#ifndef TLSRPT_REPORT_HTML_H
#define TLSRPT_REPORT_HTML_H

#include <json.h>
#include <stddef.h>
#include <stdio.h>

#define REPORT_HTML_MAX_CHARTS	10
#define REPORT_HTML_MAX_ROWS	500

int report_html_write(FILE *fp, struct json_object *model, char *errbuf,
    size_t errlen);

#endif
