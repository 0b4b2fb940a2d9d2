/*
 * report_html_tables.c - insights and the tables of the HTML report
 * (failures by result type, MX hosts, sending MTAs, reporters); see
 * report_html.h for the contract and report_html_int.h for the split.
 *
 * Each section reads its array from the model with model_get.h, shows
 * at most REPORT_HTML_MAX_ROWS rows, and skips entries that are not
 * objects.  Tables sit in a <div class="scroll"> so that a phone scrolls
 * the table, not the page.
 */
#include "html_out.h"
#include "model_get.h"
#include "report_episodes.h"
#include "report_html.h"
#include "report_html_int.h"

#include <string.h>

void
html_td_count(FILE *fp, int64_t v)
{
	fputs("<td class=\"num\">", fp);
	html_count(fp, v);
	fputs("</td>", fp);
}

/* Up to HTML_CELL_ITEMS strings of ARR, comma-separated, "+N more". */
static void
td_items(FILE *fp, struct json_object *arr)
{
	size_t i, n = model_len(arr), shown = 0;
	const char *s;

	for (i = 0; i < n && shown < HTML_CELL_ITEMS; i++) {
		if ((s = model_str_at(arr, i)) == NULL)
			continue;
		if (shown++ > 0)
			fputs(", ", fp);
		html_text_n(fp, s, HTML_CELL_CHARS);
	}
	if (i < n)
		fprintf(fp, " <span class=\"muted\">+%zu more</span>", n - i);
}

void
html_td_list(FILE *fp, struct json_object *arr)
{
	fputs("<td>", fp);
	td_items(fp, arr);
	fputs("</td>", fp);
}

void
html_td_counts(FILE *fp, struct json_object *obj)
{
	size_t shown = 0, total;

	fputs("<td>", fp);
	if (obj != NULL && json_object_is_type(obj, json_type_object)) {
		total = (size_t)json_object_object_length(obj);
		json_object_object_foreach(obj, key, val) {
			if (shown == HTML_CELL_ITEMS)
				break;
			if (shown++ > 0)
				fputs(", ", fp);
			html_text_n(fp, key, HTML_CELL_CHARS);
			fputc(' ', fp);
			html_count(fp, model_int_value(val, 0));
		}
		if (shown < total)
			fprintf(fp, " <span class=\"muted\">+%zu more</span>",
			    total - shown);
	}
	fputs("</td>", fp);
}

void
html_more(FILE *fp, size_t n)
{
	if (n > 0)
		fprintf(fp, "<p class=\"more\">%zu more not shown.</p>\n", n);
}

static void
td_text(FILE *fp, const char *cls, const char *s)
{
	if (cls != NULL)
		fprintf(fp, "<td class=\"%s\">", cls);
	else
		fputs("<td>", fp);
	html_text_n(fp, s, HTML_CELL_CHARS);
	fputs("</td>", fp);
}

/* The period an entry covers: "2026-02-01 to 2026-02-03", or one date;
 * a date never breaks at its hyphens. */
static void
td_dates(FILE *fp, const char *first, const char *last)
{
	fputs("<td class=\"date\">", fp);
	if (first != NULL) {
		fputs("<span class=\"nw\">", fp);
		html_text_n(fp, first, 20);
		fputs("</span>", fp);
	}
	if (last != NULL && (first == NULL || strcmp(first, last) != 0)) {
		if (first != NULL)
			fputs(" to ", fp);
		fputs("<span class=\"nw\">", fp);
		html_text_n(fp, last, 20);
		fputs("</span>", fp);
	}
	fputs("</td>", fp);
}

static void
table_start(FILE *fp, const char *id, const char *headings)
{
	fprintf(fp, "<div class=\"scroll\"><table id=\"%s\"><thead><tr>%s"
	    "</tr></thead><tbody>\n", id, headings);
}

static void
table_end(FILE *fp)
{
	fputs("</tbody></table></div>\n", fp);
}

void
html_section_failures(FILE *fp, struct json_object *model)
{
	struct json_object *arr = model_array(model, "failures"), *f;
	size_t i, n = model_len(arr), rows = 0;
	const char *explain;

	if (n == 0)
		return;
	fputs("<h3>What each failure means</h3>\n", fp);
	table_start(fp, "failures-table", "<th>Result type</th>"
	    "<th class=\"num\">Failed</th><th>Meaning</th><th>Domains</th>"
	    "<th>MX hosts</th><th>Reason codes</th><th>Seen</th>");
	for (i = 0; i < n && rows < REPORT_HTML_MAX_ROWS; i++) {
		if ((f = model_obj_at(arr, i)) == NULL)
			continue;
		rows++;
		fputs("<tr>", fp);
		td_text(fp, "key nw", model_str(f, "result_type"));
		html_td_count(fp, model_int(f, "failed", 0));
		/* The meaning, and where to read more. */
		fputs("<td class=\"wide\">", fp);
		html_text_n(fp, model_str(f, "meaning"), HTML_TITLE_CHARS);
		if ((explain = model_str(f, "explain")) != NULL) {
			fputs("<br><code>", fp);
			html_text_n(fp, explain, HTML_CELL_CHARS);
			fputs("</code>", fp);
		}
		fputs("</td>", fp);
		html_td_list(fp, model_array(f, "domains"));
		html_td_list(fp, model_array(f, "mx_hosts"));
		fputs("<td class=\"codes\">", fp);
		td_items(fp, model_array(f, "reason_codes"));
		fputs("</td>", fp);
		td_dates(fp, model_str(f, "first_date"), model_str(f, "last_date"));
		fputs("</tr>\n", fp);
	}
	table_end(fp);
	html_more(fp, n - i);
}

/* Severity as a class name: only the three known words reach the page. */
static const char *
severity_class(const char *sev)
{
	if (sev != NULL && (strcmp(sev, "critical") == 0 ||
	    strcmp(sev, "warning") == 0 || strcmp(sev, "info") == 0))
		return sev;
	return "other";
}

void
html_section_insights(FILE *fp, struct json_object *model)
{
	struct json_object *arr = model_array(model, "insights"), *in, *ev;
	size_t i, j, n = model_len(arr), rows = 0, m;
	const char *sev, *s, *first, *last;

	size_t ongoing = 0;
	int64_t failed = model_int(model_object(model, "totals"), "failed", 0);
	/* Those past the model's cap count all the same. */
	int64_t left = model_int(model_object(model, "insights_left_out"), "count", 0);
	int64_t left_ongoing = model_int(model_object(model, "insights_left_out"),
	    "ongoing", 0);

	for (i = 0; i < n; i++)
		ongoing += (s = model_str(model_obj_at(arr, i), "status")) != NULL &&
		    strcmp(s, "ongoing") == 0;
	fprintf(fp, "<section id=\"insights\"><h2>Problems: %lld ongoing, %lld resolved"
	    "</h2>\n", (long long)ongoing + (long long)left_ongoing,
	    (long long)(n - ongoing) + (long long)(left - left_ongoing));
	if (n == 0 && failed > 0)
		fprintf(fp, "<p class=\"nodata\">%lld failed session%s, each failure below "
		    "the noise floor (one day, one reporter, fewer than %d sessions): see the "
		    "tables below.</p>\n", (long long)failed, failed == 1 ? "" : "s",
		    EPISODE_NOISE_SESSIONS);
	else if (n == 0)
		fputs("<p class=\"nodata\">No problems: nothing failed in this period.</p>\n",
		    fp);
	for (i = 0; i < n && rows < REPORT_HTML_MAX_ROWS; i++) {
		if ((in = model_obj_at(arr, i)) == NULL)
			continue;
		rows++;
		sev = model_str(in, "severity");
		fprintf(fp, "<article class=\"insight sev-%s\" data-kind=\"",
		    severity_class(sev));
		html_text_n(fp, model_str(in, "kind"), 40);
		fprintf(fp, "\"><h3><span class=\"badge sev-%s\">",
		    severity_class(sev));
		html_text_n(fp, sev != NULL ? sev : "note", 20);
		if ((s = model_str(in, "status")) != NULL) {
			fputs(", ", fp);
			html_text_n(fp, s, 20);
		}
		fputs("</span> ", fp);
		html_text_n(fp, (s = model_str(in, "title")) != NULL ? s :
		    model_str(in, "kind"), HTML_TITLE_CHARS);
		fputs("</h3>\n<p class=\"meta\">", fp);
		if ((s = model_str(in, "domain")) != NULL) {
			html_text_n(fp, s, HTML_CELL_CHARS);
			fputs(" &middot; ", fp);
		}
		first = model_str(in, "first_date");
		last = model_str(in, "last_date");
		if (first != NULL || last != NULL) {
			html_text_n(fp, first != NULL ? first : last, 20);
			if (first != NULL && last != NULL && strcmp(first, last) != 0) {
				fputs(" to ", fp);
				html_text_n(fp, last, 20);
			}
			fputs(" &middot; ", fp);
		}
		html_text_n(fp, model_str(in, "kind"), 40);
		fputs("</p>\n", fp);
		ev = model_array(in, "evidence");
		if ((m = model_len(ev)) > 0) {
			/* Folded: the titles and fixes of every problem fit a screen. */
			fprintf(fp, "<details><summary>Evidence (%zu)</summary>", m);
			fputs("<ul class=\"evidence\">", fp);
			for (j = 0; j < m && j < 20; j++) {
				if ((s = model_str_at(ev, j)) == NULL)
					continue;
				fputs("<li>", fp);
				html_text_n(fp, s, HTML_TITLE_CHARS);
				fputs("</li>", fp);
			}
			if (m > 20)
				fprintf(fp, "<li class=\"muted\">%zu more</li>", m - 20);
			fputs("</ul></details>\n", fp);
		}
		if ((s = model_str(in, "fix")) != NULL) {
			fputs("<p class=\"fix\"><strong>Fix:</strong> ", fp);
			html_text_n(fp, s, 2000);
			fputs("</p>\n", fp);
		}
		fputs("</article>\n", fp);
	}
	html_more(fp, n - i + (left > 0 ? (size_t)left : 0));
	fputs("</section>\n", fp);
}

void
html_section_mx_hosts(FILE *fp, struct json_object *model)
{
	struct json_object *arr = model_array(model, "mx_hosts"), *h;
	size_t i, n = model_len(arr), rows = 0;

	fputs("<section id=\"mx-hosts\"><h2>Receiving MX hosts</h2>\n", fp);
	if (n == 0) {
		fputs("<p class=\"nodata\">No failures were reported against "
		    "any MX host.</p></section>\n", fp);
		return;
	}
	table_start(fp, "mx-table", "<th>MX host</th><th>Receiving IPs</th>"
	    "<th>Domains</th><th class=\"num\">Failed</th><th>Result types</th>");
	for (i = 0; i < n && rows < REPORT_HTML_MAX_ROWS; i++) {
		if ((h = model_obj_at(arr, i)) == NULL)
			continue;
		rows++;
		fputs("<tr>", fp);
		td_text(fp, "key", model_str(h, "mx_host"));
		html_td_list(fp, model_array(h, "receiving_ips"));
		html_td_list(fp, model_array(h, "domains"));
		html_td_count(fp, model_int(h, "failed", 0));
		html_td_counts(fp, model_object(h, "result_types"));
		fputs("</tr>\n", fp);
	}
	table_end(fp);
	html_more(fp, n - i);
	fputs("</section>\n", fp);
}

void
html_section_sending_mtas(FILE *fp, struct json_object *model)
{
	struct json_object *arr = model_array(model, "sending_mtas"), *m;
	size_t i, n = model_len(arr), rows = 0;

	fputs("<section id=\"sending-mtas\"><h2>Sending MTAs that saw "
	    "failures</h2>\n", fp);
	if (n == 0) {
		fputs("<p class=\"nodata\">No sending MTA reported a failure."
		    "</p></section>\n", fp);
		return;
	}
	table_start(fp, "mta-table", "<th>Sending IP</th>"
	    "<th class=\"num\">Failed</th><th>Reporters</th><th>Result types</th>");
	for (i = 0; i < n && rows < REPORT_HTML_MAX_ROWS; i++) {
		if ((m = model_obj_at(arr, i)) == NULL)
			continue;
		rows++;
		fputs("<tr>", fp);
		td_text(fp, "key", model_str(m, "ip"));
		html_td_count(fp, model_int(m, "failed", 0));
		html_td_list(fp, model_array(m, "reporters"));
		html_td_counts(fp, model_object(m, "result_types"));
		fputs("</tr>\n", fp);
	}
	table_end(fp);
	html_more(fp, n - i);
	fputs("</section>\n", fp);
}

void
html_section_reporters(FILE *fp, struct json_object *model)
{
	struct json_object *arr = model_array(model, "reporters"), *r;
	size_t i, n = model_len(arr), rows = 0, silent = 0;
	double cadence;

	fputs("<section id=\"reporters\"><h2>Who reports</h2>\n", fp);
	if (n == 0) {
		fputs("<p class=\"nodata\">No reporter sent a report in this "
		    "period.</p></section>\n", fp);
		return;
	}
	for (i = 0; i < n; i++)
		silent += model_true(model_obj_at(arr, i), "silent");
	if (silent > 0)
		fprintf(fp, "<p class=\"warn\">%zu reporter%s that used to send "
		    "reports went silent for longer than usual (highlighted).</p>\n",
		    silent, silent == 1 ? "" : "s");
	table_start(fp, "reporters-table", "<th>Reporter (organization)</th><th>Contact</th>"
	    "<th class=\"num\">Reports</th><th>First seen</th><th>Last seen</th>"
	    "<th class=\"num\">Usual gap</th><th class=\"num\">Silent for</th>"
	    "<th class=\"num\">Successful</th><th class=\"num\">Failed</th>");
	for (i = 0; i < n && rows < REPORT_HTML_MAX_ROWS; i++) {
		if ((r = model_obj_at(arr, i)) == NULL)
			continue;
		rows++;
		if (model_true(r, "silent"))
			fputs("<tr class=\"silent\">", fp);
		else
			fputs("<tr>", fp);
		fputs("<td class=\"key\">", fp);
		/* "google.com (Google Inc.)"; a model without it names the organization */
		html_text_n(fp, model_str(r, "name") != NULL ? model_str(r, "name") :
		    model_str(r, "organization"), HTML_CELL_CHARS);
		if (model_true(r, "silent"))
			fputs(" <span class=\"badge sev-warning\">silent</span>", fp);
		fputs("</td>", fp);
		td_text(fp, NULL, model_str(r, "contact"));
		html_td_count(fp, model_int(r, "reports", 0));
		td_text(fp, "date", model_str(r, "first_seen"));
		td_text(fp, "date", model_str(r, "last_seen"));
		cadence = model_num(r, "cadence_days", -1);
		if (cadence >= 0 && cadence < 1e6)
			fprintf(fp, "<td class=\"num\">%.1f d</td>", cadence);
		else
			fputs("<td class=\"num\"></td>", fp);
		fputs("<td class=\"num\">", fp);
		html_count(fp, model_int(r, "silent_days", 0));
		fputs(" d</td>", fp);
		html_td_count(fp, model_int(r, "successful", 0));
		html_td_count(fp, model_int(r, "failed", 0));
		fputs("</tr>\n", fp);
	}
	table_end(fp);
	html_more(fp, n - i);
	fputs("</section>\n", fp);
}
