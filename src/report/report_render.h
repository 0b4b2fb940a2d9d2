/*
 * report_render.h - the output formats of `tlsrpt report`, each rendered
 * from the model of report_model.h (doc/report-json.md) and nothing else.
 * Each returns 0, or -1 when writing FP failed.
 */
#ifndef TLSRPT_REPORT_RENDER_H
#define TLSRPT_REPORT_RENDER_H

#include <json.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

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

/*
 * A mail (report_email.c): multipart/alternative with the text report and
 * the HTML page, both quoted-printable, for `sendmail -t`.  FROM and TO
 * are bare addresses (TO a comma-separated list), checked again here;
 * DATE gives the Date header.  0, or -1 with a message in ERRBUF.
 */
struct report_email {
	const char *from;
	const char *to;
	time_t date;
};
int report_email_write(FILE *fp, struct json_object *model,
    const struct report_email *em, char *errbuf, size_t errlen);

/* The Subject: the worst ongoing problem (severity, domain, result type,
 * MX host) or that all is well; its length (cut to SIZE). */
size_t report_email_subject(struct json_object *model, char *buf, size_t size);

#endif
