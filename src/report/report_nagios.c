/*
 * report_nagios.c - `tlsrpt report --check`: the model judged against
 * thresholds, as one status line for Nagios/Icinga (plugin convention:
 * "TLSRPT STATE - text | perfdata") or cron, with exit 0 OK, 1 WARNING,
 * 2 CRITICAL.  Only what is still going on at the end of the period
 * counts: ongoing insights (report_episodes.h), named worst first, and
 * the failure rate of a domain with an ongoing warning or critical one.  A domain's rate
 * is its worst reporter's (report_trust.h), never the sum over reporters.
 * CRITICAL: a domain at or above the critical failure rate, or a critical
 * insight.  WARNING: the warning rate, a warning insight, a silent
 * reporter (CRITICAL with --silent-critical), or no report at all.
 * Domain names in the text are sanitized (text_safe.h) and a '|' in one
 * becomes '/', so a report cannot add a line or forge performance data.
 */
#include "report_model.h"
#include "report_render.h"
#include "text_safe.h"

#include <string.h>

/* Append "; ITEM" (or ITEM) to BUF when the whole of it fits. */
static void
add(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf), n = strlen(item);

	if (len + 2 + n >= size)
		return;
	if (len > 0) {
		memcpy(buf + len, "; ", 2);
		len += 2;
	}
	memcpy(buf + len, item, n + 1);
}

/* SRC sanitized (text_safe.h), with '|' as '/', into DST. */
static void
one_line(char *dst, size_t size, const char *src)
{
	size_t i;

	text_sanitize(dst, size, src);
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '|')
			dst[i] = '/';
}

/* "example.com failure rate 50.00% (google.com)": who saw it. */
static void
add_rate(char *buf, size_t size, const char *domain, double rate,
    const char *reporter)
{
	char item[600], safe[256], safe_rep[256];

	/* One line, and a '|' would start the performance data. */
	one_line(safe, sizeof(safe), domain);
	one_line(safe_rep, sizeof(safe_rep), reporter);
	snprintf(item, sizeof(item), "%s failure rate %.2f%%%s%s%s", safe,
	    rate * 100, safe_rep[0] != '\0' ? " (" : "", safe_rep,
	    safe_rep[0] != '\0' ? ")" : "");
	add(buf, size, item);
}

/*
 * The domains whose problems are all over: a resolved insight and none
 * still going on, as a set.  Their rate no longer counts; a domain with
 * failures too few to be a problem of their own is judged by its rate.
 */
static struct json_object *
resolved_domains(struct json_object *ins, struct json_object *left)
{
	struct json_object *set = json_object_new_object();
	struct json_object *ongoing = json_object_new_object();
	struct json_object *lr = mval_array(left, "resolved_domains");
	struct json_object *lo = mval_array(left, "ongoing_domains");
	size_t i, n = ins ? json_object_array_length(ins) : 0;

	/* Those past the model's cap: only their domains are known. */
	for (i = 0; lr != NULL && i < json_object_array_length(lr); i++)
		json_object_object_add(set, json_object_get_string(
		    json_object_array_get_idx(lr, i)), NULL);
	for (i = 0; lo != NULL && i < json_object_array_length(lo); i++)
		json_object_object_add(ongoing, json_object_get_string(
		    json_object_array_get_idx(lo, i)), NULL);

	for (i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(ins, i);

		json_object_object_add(strcmp(mval_str(x, "status"), "ongoing") == 0 ?
		    ongoing : set, mval_str(x, "domain"), NULL);
	}
	json_object_object_foreach(ongoing, d, v) {
		(void)v;
		json_object_object_del(set, d);
	}
	json_object_put(ongoing);
	return set;
}

/*
 * "example.com: certificate-expired on mx.example.com since 2026-11-25
 * (google.com, microsoft.com)" for an episode; its title for another insight.
 */
static void
add_problem(char *buf, size_t size, struct json_object *x)
{
	struct json_object *reps = mval_array(x, "reporters");
	const char *rt = mval_str(x, "result_type"), *mx = mval_str(x, "mx_host");
	char item[900], who[400] = "", safe[900];
	size_t i, n = reps ? json_object_array_length(reps) : 0, len = 0;

	if (rt[0] == '\0') {
		one_line(safe, sizeof(safe), mval_str(x, "title"));
		add(buf, size, safe);
		return;
	}
	for (i = 0; i < n && len < sizeof(who); i++)
		len += (size_t)snprintf(who + len, sizeof(who) - len, "%s%s", i ? ", " : "",
		    json_object_get_string(json_object_array_get_idx(reps, i)));
	snprintf(item, sizeof(item), "%s: %s%s%s since %s%s%s%s", mval_str(x, "domain"), rt,
	    mx[0] != '\0' ? " on " : "", mx, mval_str(x, "first_date"),
	    who[0] != '\0' ? " (" : "", who, who[0] != '\0' ? ")" : "");
	one_line(safe, sizeof(safe), item);
	add(buf, size, safe);
}

int
report_nagios(FILE *fp, struct json_object *model,
    const struct report_check_limits *limits)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL" };
	struct json_object *doms = mval_array(model, "domains");
	struct json_object *ins = mval_array(model, "insights");
	struct json_object *totals = NULL;
	size_t i, nd = doms ? json_object_array_length(doms) : 0;
	size_t ni = ins ? json_object_array_length(ins) : 0;
	char text[900] = "";
	int state = 0, silent = 0, crit = 0, warn = 0;
	struct json_object *resolved, *left;

	json_object_object_get_ex(model, "totals", &totals);
	left = NULL;
	json_object_object_get_ex(model, "insights_left_out", &left);
	resolved = resolved_domains(ins, left);
	/* The ongoing problems past the model's cap count all the same. */
	crit = (int)mval_int(left, "ongoing_critical");
	warn = (int)mval_int(left, "ongoing_warning");
	/* Insights come ongoing first, worst first: the line names those. */
	for (i = 0; i < ni; i++) {
		struct json_object *x = json_object_array_get_idx(ins, i);
		const char *sev = mval_str(x, "severity");
		const char *kind = mval_str(x, "kind");

		if (strcmp(mval_str(x, "status"), "ongoing") != 0)
			continue;
		if (strcmp(kind, "silent-reporter") == 0) {
			silent++;
			if (limits->silent_is > state)
				state = limits->silent_is;
			continue;
		}
		if (strcmp(kind, "no-reports") == 0) {
			long long hidden = mval_int(totals, "unverified_hidden");
			char n[128];

			if (hidden > 0)
				snprintf(n, sizeof(n), "no verified reports in the period, %lld "
				    "unverified hidden (--include-unverified)", hidden);
			else
				snprintf(n, sizeof(n), "no reports in the period");
			add(text, sizeof(text), n);
			if (state < 1)
				state = 1;
			continue;
		}
		if (strcmp(sev, "critical") == 0) {
			crit++;
			state = 2;
		} else if (strcmp(sev, "warning") == 0) {
			warn++;
			if (state < 1)
				state = 1;
		} else
			continue;
		add_problem(text, sizeof(text), x);
	}
	for (i = 0; i < nd; i++) {
		/* The worst reporter's rate: others' sessions cannot dilute it. */
		struct json_object *d = json_object_array_get_idx(doms, i);
		double r = mval_double(d, "worst_failure_rate");
		const char *who = mval_str(d, "worst_reporter");

		/* A domain whose problems are all resolved is fine again. */
		if (json_object_object_get_ex(resolved, mval_str(d, "domain"), NULL))
			continue;
		if (r >= limits->crit_rate) {
			add_rate(text, sizeof(text), mval_str(d, "domain"), r, who);
			state = 2;
		} else if (r >= limits->warn_rate) {
			add_rate(text, sizeof(text), mval_str(d, "domain"), r, who);
			if (state < 1)
				state = 1;
		}
	}
	json_object_put(resolved);
	if (silent > 0) {
		char n[64];

		snprintf(n, sizeof(n), "%d silent reporter%s", silent, silent == 1 ? "" : "s");
		add(text, sizeof(text), n);
	}
	if (text[0] == '\0')
		snprintf(text, sizeof(text), "%lld report%s, failure rate %.2f%%",
		    mval_int(totals, "reports"), mval_int(totals, "reports") == 1 ? "" : "s",
		    mval_double(totals, "failure_rate") * 100);
	fprintf(fp, "TLSRPT %s - %s | reports=%lld failed=%lld successful=%lld "
	    "failure_rate=%.4f insights_critical=%d insights_warning=%d silent_reporters=%d\n",
	    names[state], text, mval_int(totals, "reports"), mval_int(totals, "failed"),
	    mval_int(totals, "successful"), mval_double(totals, "failure_rate"), crit,
	    warn, silent);
	return state;
}
