/*
 * report_render.h - the output formats of `tlsrpt report`, each rendered
 * from the model of report_model.h (doc/report-json.md) and nothing else.
 * Each returns 0, or -1 when writing FP failed.
 */
#ifndef TLSRPT_REPORT_RENDER_H
#define TLSRPT_REPORT_RENDER_H

#include <json.h>
#include <stdio.h>

/* Aligned tables within 100 columns; COLOR adds ANSI colours. */
int report_text_write(FILE *fp, struct json_object *model, int color);

/* One row per domain, day and result type (RFC 4180 quoting). */
int report_csv_write(FILE *fp, struct json_object *model);

/* The node_exporter textfile collector's format. */
int report_prometheus_write(FILE *fp, struct json_object *model);

/* Thresholds for --check. */
struct report_check_limits {
	double warn_rate;	/* a domain's failure rate over the period */
	double crit_rate;
	int silent_is;		/* 1 warning, 2 critical, 0 ignored */
};

/* One line for Nagios/Icinga/cron; returns the exit status 0, 1 or 2. */
int report_nagios(FILE *fp, struct json_object *model,
    const struct report_check_limits *limits);

#endif
