/*
 * parse_print.c - text and JSON Lines output; see parse_print.h.
 */
#include "parse_print.h"
#include "result_types.h"
#include "rfc3339.h"
#include "text_safe.h"

#include <json.h>
#include <stdlib.h>
#include <string.h>

/* Failure details printed per policy in the text output. */
#define PRINT_MAX_DETAILS	50

struct type_total {
	const char *result_type;
	int64_t sessions;
};

static int
cmp_totals(const void *a, const void *b)
{
	const struct type_total *x = a, *y = b;

	if (x->sessions != y->sessions)
		return x->sessions > y->sessions ? -1 : 1;
	return strcmp(x->result_type, y->result_type);
}

/* Failed sessions per result type, over all policies, largest first. */
static struct type_total *
totals_by_type(const struct tlsrpt_report *rep, size_t *n_r)
{
	struct type_total *t = NULL, *grown;
	size_t n = 0, cap = 0, p, d, k;

	for (p = 0; p < rep->n_policies; p++) {
		const struct tlsrpt_policy *pol = &rep->policies[p];

		for (d = 0; d < pol->n_details; d++) {
			const struct tlsrpt_failure_detail *fd = &pol->details[d];

			for (k = 0; k < n; k++)
				if (strcmp(t[k].result_type, fd->result_type) == 0)
					break;
			if (k == n) {
				if (n == cap) {
					cap = cap == 0 ? 8 : cap * 2;
					if ((grown = realloc(t, cap * sizeof(*t))) == NULL) {
						free(t);
						return NULL;
					}
					t = grown;
				}
				t[n].result_type = fd->result_type;
				t[n].sessions = 0;
				n++;
			}
			if (t[k].sessions <= INT64_MAX - fd->failed_session_count)
				t[k].sessions += fd->failed_session_count;
		}
	}
	if (n > 1)
		qsort(t, n, sizeof(*t), cmp_totals);
	*n_r = n;
	return t;
}

static void
print_domains(FILE *fp, const struct tlsrpt_report *rep)
{
	size_t i, j;
	int printed = 0;

	for (i = 0; i < rep->n_policies; i++) {
		const char *d = rep->policies[i].policy_domain;

		if (d == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (rep->policies[j].policy_domain != NULL &&
			    strcmp(rep->policies[j].policy_domain, d) == 0)
				break;
		if (j < i)
			continue;
		fputs(printed++ ? ", " : "", fp);
		text_fputs(fp, d);
	}
	fputs(printed ? "\n" : "(none given)\n", fp);
}

/* One field of a failure detail: " LABEL VALUE", when present. */
static void
detail_field(FILE *fp, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	fprintf(fp, " %s ", label);
	text_fputs(fp, value);
}

/*
 * A policy's failure details, one a line: count, result type, receiving
 * MX and IP, sending MTA, reason code; past PRINT_MAX_DETAILS, how many
 * more (the JSON output has them all).
 */
static void
print_details(FILE *fp, const struct tlsrpt_policy *pol)
{
	size_t d;

	for (d = 0; d < pol->n_details && d < PRINT_MAX_DETAILS; d++) {
		const struct tlsrpt_failure_detail *fd = &pol->details[d];

		fprintf(fp, "    %10lld  ", (long long)fd->failed_session_count);
		text_fputs(fp, fd->result_type);
		detail_field(fp, "mx", fd->receiving_mx_hostname);
		detail_field(fp, "ip", fd->receiving_ip);
		detail_field(fp, "helo", fd->receiving_mx_helo);
		detail_field(fp, "from", fd->sending_mta_ip);
		detail_field(fp, "reason", fd->failure_reason_code);
		fputc('\n', fp);
	}
	if (pol->n_details > PRINT_MAX_DETAILS)
		fprintf(fp, "    ... and %zu more failure details (--json shows them all)\n",
		    pol->n_details - PRINT_MAX_DETAILS);
}

int
report_print_text(FILE *fp, const char *source, const struct tlsrpt_report *rep)
{
	char start[32], end[32];
	struct type_total *totals;
	size_t i, j, n_totals = 0;

	rfc3339_format(rep->start, start, sizeof(start));
	rfc3339_format(rep->end, end, sizeof(end));
	/* Every string below but the dates and numbers is the sender's:
	 * text_fputs() keeps control characters off the terminal. */
	fputs("== ", fp);
	text_fputs(fp, source);
	fputs("\nSubmitter:  ", fp);
	text_fputs(fp, rep->organization_name);
	if (rep->contact_info != NULL) {
		fputs(" <", fp);
		text_fputs(fp, rep->contact_info);
		fputc('>', fp);
	}
	fputs("\nReport-ID:  ", fp);
	text_fputs(fp, rep->report_id);
	fputc('\n', fp);
	fprintf(fp, "Domains:    ");
	print_domains(fp, rep);
	fprintf(fp, "Period:     %s .. %s (UTC)\n", start, end);
	fprintf(fp, "Sessions:   %lld successful, %lld failed\n",
	    (long long)rep->total_successful, (long long)rep->total_failure);
	for (i = 0; i < rep->n_policies; i++) {
		const struct tlsrpt_policy *pol = &rep->policies[i];

		fputs("  policy ", fp);
		text_fputs(fp, pol->policy_type);
		fputc(' ', fp);
		text_fputs(fp, pol->policy_domain != NULL ? pol->policy_domain :
		    "(no domain)");
		fprintf(fp, ": %lld successful, %lld failed",
		    (long long)pol->total_successful, (long long)pol->total_failure);
		if (pol->n_mx_hosts > 0) {
			fprintf(fp, " (mx");
			for (j = 0; j < pol->n_mx_hosts; j++) {
				fputc(' ', fp);
				text_fputs(fp, pol->mx_hosts[j]);
			}
			fprintf(fp, ")");
		}
		fputc('\n', fp);
		print_details(fp, pol);
	}
	if ((totals = totals_by_type(rep, &n_totals)) == NULL && n_totals != 0)
		return -1;
	if (n_totals > 0) {
		fprintf(fp, "Failures by result type:\n");
		for (i = 0; i < n_totals; i++) {
			char type[128];

			text_sanitize(type, sizeof(type), totals[i].result_type);
			fprintf(fp, "  %10lld  %-26s %s\n",
			    (long long)totals[i].sessions, type,
			    result_type_lookup(totals[i].result_type)->summary);
		}
	}
	free(totals);
	for (i = 0; i < rep->n_warnings; i++) {
		fputs("Warning:    ", fp);
		text_fputs(fp, rep->warnings[i]);
		fputc('\n', fp);
	}
	fputc('\n', fp);
	return 0;
}

/* json-c helpers that give up quietly on NULL (absent field). */
static void
put_string(struct json_object *obj, const char *key, const char *value)
{
	if (value != NULL)
		json_object_object_add(obj, key, json_object_new_string(value));
}

static void
put_list(struct json_object *obj, const char *key, const char **values,
    size_t n)
{
	struct json_object *arr;
	size_t i;

	if (n == 0)
		return;
	arr = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(values[i]));
	json_object_object_add(obj, key, arr);
}

static struct json_object *
detail_json(const struct tlsrpt_failure_detail *d)
{
	struct json_object *o = json_object_new_object();

	put_string(o, "result-type", d->result_type);
	put_string(o, "sending-mta-ip", d->sending_mta_ip);
	put_string(o, "receiving-mx-hostname", d->receiving_mx_hostname);
	put_string(o, "receiving-mx-helo", d->receiving_mx_helo);
	put_string(o, "receiving-ip", d->receiving_ip);
	json_object_object_add(o, "failed-session-count",
	    json_object_new_int64(d->failed_session_count));
	put_string(o, "additional-information", d->additional_information);
	put_string(o, "failure-reason-code", d->failure_reason_code);
	return o;
}

static struct json_object *
policy_json(const struct tlsrpt_policy *pol)
{
	struct json_object *o = json_object_new_object();
	struct json_object *p = json_object_new_object();
	struct json_object *s = json_object_new_object();
	struct json_object *details;
	size_t i;

	put_string(p, "policy-type", pol->policy_type);
	put_list(p, "policy-string", pol->policy_strings, pol->n_policy_strings);
	put_string(p, "policy-domain", pol->policy_domain);
	put_list(p, "mx-host", pol->mx_hosts, pol->n_mx_hosts);
	json_object_object_add(o, "policy", p);
	json_object_object_add(s, "total-successful-session-count",
	    json_object_new_int64(pol->total_successful));
	json_object_object_add(s, "total-failure-session-count",
	    json_object_new_int64(pol->total_failure));
	json_object_object_add(o, "summary", s);
	if (pol->n_details > 0) {
		details = json_object_new_array_ext((int)pol->n_details);
		for (i = 0; i < pol->n_details; i++)
			json_object_array_add(details, detail_json(&pol->details[i]));
		json_object_object_add(o, "failure-details", details);
	}
	return o;
}

int
report_print_jsonl(FILE *fp, const char *source, const struct tlsrpt_report *rep,
    const char *const *extra, size_t n_extra)
{
	struct json_object *line, *r, *range, *policies, *warnings;
	char start[32], end[32];
	size_t i;

	rfc3339_format(rep->start, start, sizeof(start));
	rfc3339_format(rep->end, end, sizeof(end));
	line = json_object_new_object();
	r = json_object_new_object();
	range = json_object_new_object();
	policies = json_object_new_array_ext((int)rep->n_policies);
	warnings = json_object_new_array();
	if (line == NULL || r == NULL || range == NULL || policies == NULL ||
	    warnings == NULL) {
		json_object_put(line);
		json_object_put(r);
		json_object_put(range);
		json_object_put(policies);
		json_object_put(warnings);
		return -1;
	}
	put_string(r, "organization-name", rep->organization_name);
	put_string(range, "start-datetime", start);
	put_string(range, "end-datetime", end);
	json_object_object_add(r, "date-range", range);
	put_string(r, "contact-info", rep->contact_info);
	put_string(r, "report-id", rep->report_id);
	for (i = 0; i < rep->n_policies; i++)
		json_object_array_add(policies, policy_json(&rep->policies[i]));
	json_object_object_add(r, "policies", policies);
	for (i = 0; i < n_extra; i++)
		json_object_array_add(warnings, json_object_new_string(extra[i]));
	for (i = 0; i < rep->n_warnings; i++)
		json_object_array_add(warnings,
		    json_object_new_string(rep->warnings[i]));
	put_string(line, "source", source);
	json_object_object_add(line, "report", r);
	json_object_object_add(line, "warnings", warnings);
	text_json_fputs(fp, json_object_to_json_string_ext(line,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fputc('\n', fp);
	json_object_put(line);
	return 0;
}
