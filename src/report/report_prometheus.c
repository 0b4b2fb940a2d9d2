/*
 * report_prometheus.c - `tlsrpt report --format prometheus`: the text
 * exposition format, for node_exporter's textfile collector (written to
 * a .prom file by contrib/prometheus/tlsrpt-prometheus.timer).  Values
 * cover the report's period, so they are gauges.  Label values come
 * from reports: they go through text_sanitize() (no control character
 * reaches whoever reads the file on a terminal, nor a raw newline the
 * parser), then backslash, quote and newline are escaped as the format
 * requires.
 */
#include "report_model.h"
#include "report_render.h"
#include "text_safe.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROM_MAX_MX_SERIES	8	/* failed-session series per domain */

static void
label(FILE *fp, const char *name, const char *raw, int last)
{
	char safe[1024];
	const char *value = safe;

	text_sanitize(safe, sizeof(safe), raw);
	fprintf(fp, "%s=\"", name);
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			fprintf(fp, "\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", fp);
		else
			fputc(*value, fp);
	}
	fputs(last ? "\"}" : "\",", fp);
}

static void
help(FILE *fp, const char *name, const char *text)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, text, name);
}

static struct json_object *
get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static long long
date_seconds(const char *date)
{
	time_t t;

	return report_parse_date(date, &t) == 0 ? (long long)t : 0;
}

/* One domain's failed sessions by MX and result type (cells of mx_failures). */
struct mx_cell {
	const char *mx, *rt;
	long long n;
};

static int
by_count(const void *a, const void *b)
{
	const struct mx_cell *x = a, *y = b;
	int c = (x->n < y->n) - (x->n > y->n);

	if (c == 0)
		c = strcmp(x->mx, y->mx);
	return c != 0 ? c : strcmp(x->rt, y->rt);
}

/*
 * The MX names come from reports: anyone can send thousands.  A domain
 * gets PROM_MAX_MX_SERIES series, the largest; the rest add up under
 * mx="(other)", so the number of series stays bounded.
 */
static void
failed_by_mx(FILE *fp, struct json_object *d)
{
	struct json_object *mxs = get(d, "mx_failures");
	struct mx_cell *c;
	size_t n = 0, cap = 0, i;
	long long other = 0;

	if (mxs == NULL || !json_object_is_type(mxs, json_type_object))
		return;
	json_object_object_foreach(mxs, mx0, types0) {
		(void)mx0;
		if (json_object_is_type(types0, json_type_object))
			cap += json_object_object_length(types0);
	}
	if ((c = calloc(cap + 1, sizeof(*c))) == NULL)
		return;
	json_object_object_foreach(mxs, mx, types) {
		if (!json_object_is_type(types, json_type_object))
			continue;
		json_object_object_foreach(types, rt, cnt) {
			c[n].mx = mx;
			c[n].rt = rt;
			c[n].n = json_object_get_int64(cnt);
			n++;
		}
	}
	qsort(c, n, sizeof(*c), by_count);
	for (i = 0; i < n; i++) {
		if (i >= PROM_MAX_MX_SERIES) {
			other += c[i].n;
			continue;
		}
		fputs("tlsrpt_failed_sessions{", fp);
		label(fp, "domain", mval_str(d, "domain"), 0);
		label(fp, "mx", c[i].mx, 0);
		label(fp, "result", c[i].rt, 1);
		fprintf(fp, " %lld\n", c[i].n);
	}
	if (n > PROM_MAX_MX_SERIES) {
		fputs("tlsrpt_failed_sessions{", fp);
		label(fp, "domain", mval_str(d, "domain"), 0);
		label(fp, "mx", "(other)", 0);
		label(fp, "result", "(other)", 1);
		fprintf(fp, " %lld\n", other);
	}
	free(c);
}

/* The probe history's gauges, when the model has probes (report_probes.h). */
static void
probe_metrics(FILE *fp, struct json_object *model)
{
	struct json_object *probes = get(model, "probes"), *runs = get(model, "probe_runs");
	size_t i, n = probes != NULL ? json_object_array_length(probes) : 0;
	int pass;

	if (n == 0)
		return;
	for (pass = 0; pass < 2; pass++) {
		help(fp, pass == 0 ? "tlsrpt_mx_certificate_expiry_seconds" :
		    "tlsrpt_mx_tlsa_match", pass == 0 ? "the not-after time of the "
		    "certificate the MX host served at its latest probe (unix time)" :
		    "TLSA records matching the key the MX host served at its latest "
		    "probe (0: DANE senders fail)");
		for (i = 0; i < n; i++) {
			struct json_object *p = json_object_array_get_idx(probes, i);

			if (get(p, "mx_host") == NULL || (pass == 0 ?
			    mval_int(p, "certificate_not_after_unix") == 0 :
			    mval_int(p, "tlsa_match") < 0))
				continue;
			fputs(pass == 0 ? "tlsrpt_mx_certificate_expiry_seconds{" :
			    "tlsrpt_mx_tlsa_match{", fp);
			label(fp, "domain", mval_str(p, "domain"), 0);
			label(fp, "mx", mval_str(p, "mx_host"), 1);
			fprintf(fp, " %lld\n", mval_int(p, pass == 0 ?
			    "certificate_not_after_unix" : "tlsa_match"));
		}
	}
	help(fp, "tlsrpt_probe_last_run_seconds", "when tlsrpt watch (or tlsrpt "
	    "check --record) last probed the domain (unix time)");
	for (i = 0; runs != NULL && i < json_object_array_length(runs); i++) {
		struct json_object *r = json_object_array_get_idx(runs, i);

		fputs("tlsrpt_probe_last_run_seconds{", fp);
		label(fp, "domain", mval_str(r, "domain"), 1);
		fprintf(fp, " %lld\n", mval_int(r, "last_run_unix"));
	}
}

int
report_prometheus_write(FILE *fp, struct json_object *model)
{
	struct json_object *doms = mval_array(model, "domains");
	struct json_object *reps = mval_array(model, "reporters");
	struct json_object *ins = mval_array(model, "insights");
	size_t i, nd = doms ? json_object_array_length(doms) : 0;
	size_t nr = reps ? json_object_array_length(reps) : 0;
	size_t ni = ins ? json_object_array_length(ins) : 0;
	static const char *const sev[] = { "critical", "warning", "info" };

	help(fp, "tlsrpt_sessions", "TLS sessions reported over the period, by policy "
	    "domain, reporter and result (successful or the failure's result type)");
	for (i = 0; i < nd; i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);
		const char *domain = mval_str(d, "domain");
		struct json_object *rs = get(d, "reporters");

		if (rs == NULL || !json_object_is_type(rs, json_type_object))
			continue;
		json_object_object_foreach(rs, org, r) {
			struct json_object *types = get(r, "result_types");
			long long listed = 0;

			fputs("tlsrpt_sessions{", fp);
			label(fp, "domain", domain, 0);
			label(fp, "reporter", org, 0);
			label(fp, "result", "successful", 1);
			fprintf(fp, " %lld\n", mval_int(r, "successful"));
			if (types != NULL && json_object_is_type(types, json_type_object)) {
				json_object_object_foreach(types, rt, cnt) {
					fputs("tlsrpt_sessions{", fp);
					label(fp, "domain", domain, 0);
					label(fp, "reporter", org, 0);
					label(fp, "result", rt, 1);
					fprintf(fp, " %lld\n", (long long)json_object_get_int64(cnt));
					listed += json_object_get_int64(cnt);
				}
			}
			/* Failures the reporter did not detail still count. */
			if (mval_int(r, "failed") > listed) {
				fputs("tlsrpt_sessions{", fp);
				label(fp, "domain", domain, 0);
				label(fp, "reporter", org, 0);
				label(fp, "result", "undetailed-failure", 1);
				fprintf(fp, " %lld\n", mval_int(r, "failed") - listed);
			}
		}
	}
	help(fp, "tlsrpt_failed_sessions", "failed TLS sessions over the period, by policy "
	    "domain, receiving MX host (as reported) and result type; past the largest "
	    "few, mx=\"(other)\"");
	for (i = 0; i < nd; i++)
		failed_by_mx(fp, json_object_array_get_idx(doms, i));
	help(fp, "tlsrpt_failure_rate", "failed / all sessions over the period, by policy domain");
	for (i = 0; i < nd; i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		fputs("tlsrpt_failure_rate{", fp);
		label(fp, "domain", mval_str(d, "domain"), 1);
		fprintf(fp, " %.6f\n", mval_double(d, "failure_rate"));
	}
	help(fp, "tlsrpt_reports", "reports received over the period, by reporter");
	for (i = 0; i < nr; i++) {
		struct json_object *r = json_object_array_get_idx(reps, i);

		fputs("tlsrpt_reports{", fp);
		label(fp, "reporter", mval_str(r, "reporter"), 1);
		fprintf(fp, " %lld\n", mval_int(r, "reports"));
	}
	help(fp, "tlsrpt_last_report_timestamp_seconds",
	    "start of the day of the reporter's last report (unix time)");
	for (i = 0; i < nr; i++) {
		struct json_object *r = json_object_array_get_idx(reps, i);

		fputs("tlsrpt_last_report_timestamp_seconds{", fp);
		label(fp, "reporter", mval_str(r, "reporter"), 1);
		fprintf(fp, " %lld\n", date_seconds(mval_str(r, "last_seen")));
	}
	help(fp, "tlsrpt_reporter_silent", "1 when the reporter has been silent longer "
	    "than its usual gap");
	for (i = 0; i < nr; i++) {
		struct json_object *r = json_object_array_get_idx(reps, i), *s;

		fputs("tlsrpt_reporter_silent{", fp);
		label(fp, "reporter", mval_str(r, "reporter"), 1);
		fprintf(fp, " %d\n", json_object_object_get_ex(r, "silent", &s) &&
		    json_object_get_boolean(s));
	}
	help(fp, "tlsrpt_insights", "insights over the period, by severity");
	for (size_t k = 0; k < 3; k++) {
		long long c = 0;

		/* Those past the model's cap count all the same. */
		c = mval_int(get(model, "insights_left_out"), sev[k]);
		for (i = 0; i < ni; i++)
			c += strcmp(mval_str(json_object_array_get_idx(ins, i), "severity"),
			    sev[k]) == 0;
		fputs("tlsrpt_insights{", fp);
		label(fp, "severity", sev[k], 1);
		fprintf(fp, " %lld\n", c);
	}
	probe_metrics(fp, model);
	return ferror(fp) ? -1 : 0;
}
