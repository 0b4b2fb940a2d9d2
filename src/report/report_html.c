/*
 * report_html.c - the report model as one self-contained HTML page; see
 * report_html.h.  This file writes the page frame, the header, notes,
 * totals, the per-domain table and daily charts, the result-type chart
 * and the explanations; report_html_tables.c writes insights and tables.
 *
 * Order on the page follows the admin's questions: is anything broken
 * (totals, insights), where (domains, result types, MX hosts, sending
 * MTAs), who reports, and what the words mean.
 */
#include "html_out.h"
#include "model_get.h"
#include "report_daily.h"
#include "report_html.h"
#include "report_html_int.h"
#include "report_options.h"
#include "result_types.h"
#include "svg_chart.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

/* Nothing may be fetched: no script, font, image or frame, and no form. */
#define CSP "default-src 'none'; style-src 'unsafe-inline'; " \
	"img-src data:; form-action 'none'; base-uri 'none'"

static const char css[] =
	":root{color-scheme:light;--ok:#3a78b5;--fail:#d95f02;--crit:#b00020;"
	"--warn:#9a5b00;--info:#245b8f;--line:#d0d7de;--muted:#57606a}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\","
	"Roboto,sans-serif;color:#1f2328;background:#f6f8fa}\n"
	"main{max-width:1120px;margin:0 auto;padding:12px}\n"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:.1em 0 .6em}"
	"h3{font-size:1em;margin:.8em 0 .4em}\n"
	"section,header.top{background:#fff;border:1px solid var(--line);"
	"border-radius:8px;padding:12px 14px;margin:12px 0}\n"
	"nav{display:flex;flex-wrap:wrap;gap:.2em .9em}nav a{white-space:nowrap}\n"
	".muted,.meta{color:var(--muted)}.meta{margin:.2em 0}\n"
	".note{border-left:4px solid var(--info);background:#eef5fb;"
	"padding:8px 12px;margin:8px 0}\n"
	".warn{border-left:4px solid var(--warn);background:#fff4e5;"
	"padding:8px 12px}\n"
	".nodata{font-style:italic;color:var(--muted)}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(130px,1fr));gap:8px}\n"
	".card{border:1px solid var(--line);border-radius:6px;padding:8px}"
	".card .n{display:block;font-size:1.35em;font-weight:600}"
	".card.bad .n{color:var(--fail)}\n"
	".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;"
	"max-width:100%}\n"
	"table{border-collapse:collapse;width:100%;font-size:.92em}\n"
	"th,td{padding:4px 8px;border-bottom:1px solid var(--line);"
	"text-align:left;vertical-align:top}"
	"th{background:#f0f3f6;white-space:nowrap}\n"
	"td{overflow-wrap:break-word}td.key{font-weight:600}"
	"td.wide{min-width:14em}td.codes{overflow-wrap:anywhere;min-width:8em}"
	".nw{white-space:nowrap}"
	"\n"
	".num{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"tr.silent td{background:#fff4e5}\n"
	".badge{display:inline-block;padding:0 6px;border-radius:9px;"
	"font-size:.8em;color:#fff;background:var(--info);vertical-align:1px}\n"
	".badge.sev-critical{background:var(--crit)}"
	".badge.sev-warning{background:var(--warn)}\n"
	".insight{border-left:5px solid var(--info);padding:4px 12px;"
	"margin:10px 0;background:#fafbfc}\n"
	".insight.sev-critical{border-color:var(--crit)}"
	".insight.sev-warning{border-color:var(--warn)}\n"
	".fix{white-space:pre-wrap}.evidence{margin:.3em 0;padding-left:1.3em}\n"
	"code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;"
	"background:#f0f3f6;padding:0 3px;border-radius:3px;"
	"overflow-wrap:anywhere}\n"
	".charts{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(min(100%,440px),1fr));gap:12px}\n"
	"figure{margin:0}figcaption{font-weight:600;overflow-wrap:anywhere}\n"
	"svg.chart{display:block;width:100%;height:auto;min-width:320px}"
	"svg.chart.result-types{max-width:760px}\n"
	"svg.chart text{font-family:system-ui,sans-serif;fill:#1f2328}\n"
	"dt{font-weight:600;margin-top:.4em}dd{margin-left:1.2em}\n"
	"footer{color:var(--muted);font-size:.85em;padding:8px 2px}\n"
	"@media (max-width:600px){body{font-size:14px}main{padding:6px}"
	"section,header.top{padding:10px 10px;margin:8px 0}}\n"
	/* On paper nothing scrolls: show all of every table. */
	"@media print{body{background:#fff}.scroll{overflow:visible}nav{display:none}"
	"figure,article,tr{break-inside:avoid}}\n";

/* Domains in chart order: most failed sessions first, ties by position. */
struct dom_ref {
	struct json_object *obj;
	int64_t failed;
	size_t pos;
};

static int
cmp_dom(const void *a, const void *b)
{
	const struct dom_ref *x = a, *y = b;

	if (x->failed != y->failed)
		return x->failed > y->failed ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
page_header(FILE *fp, struct json_object *model)
{
	struct json_object *period = model_object(model, "period");
	struct json_object *filter = model_object(model, "filter");
	const char *since = model_str(period, "since");
	const char *until = model_str(period, "until");
	const char *domain = model_str(filter, "domain"), *gen;
	int64_t days = model_int(period, "days", -1);

	fputs("<header class=\"top\"><h1>TLS-RPT report</h1>\n"
	    "<p class=\"period\">", fp);
	if (since != NULL || until != NULL) {
		html_text_n(fp, since != NULL ? since : "the beginning", 20);
		fputs(" to ", fp);
		html_text_n(fp, until != NULL ? until : "today", 20);
	} else
		fputs("All dates", fp);
	if (days >= 0) {
		fputs(" (", fp);
		html_count(fp, days);
		fputs(days == 1 ? " day)" : " days)", fp);
	}
	fputs(" &middot; ", fp);
	if (domain != NULL) {
		fputs("domain <strong>", fp);
		html_text_n(fp, domain, HTML_CELL_CHARS);
		fputs("</strong>", fp);
	} else
		fputs("all domains", fp);
	fputs(model_true(filter, "include_unverified") ?
	    " &middot; unverified reports included" :
	    " &middot; verified reports only", fp);
	fputs("</p>\n", fp);
	if ((gen = model_str(model, "generated")) != NULL) {
		fputs("<p class=\"muted\">Generated ", fp);
		html_text_n(fp, gen, 40);
		fputs("</p>\n", fp);
	}
	fputs("<nav><a href=\"#summary\">Summary</a><a href=\"#insights\">"
	    "Problems</a><a href=\"#domains\">Domains</a><a href=\"#result-types\">"
	    "Failures</a><a href=\"#mx-hosts\">MX hosts</a><a href=\"#sending-mtas\">"
	    "Sending MTAs</a><a href=\"#reporters\">Reporters</a>"
	    "<a href=\"#explanations\">Explanations</a></nav></header>\n", fp);
}

static void
notes(FILE *fp, struct json_object *model)
{
	struct json_object *arr = model_array(model, "notes");
	size_t i, n = model_len(arr);
	const char *s;

	for (i = 0; i < n && i < 20; i++) {
		if ((s = model_str_at(arr, i)) == NULL)
			continue;
		fputs("<p class=\"note\">", fp);
		html_text_n(fp, s, 2000);
		fputs("</p>\n", fp);
	}
}

static void
card(FILE *fp, const char *label, int64_t v, int bad)
{
	fprintf(fp, "<div class=\"card%s\"><span class=\"n\">", bad ? " bad" : "");
	html_count(fp, v);
	fprintf(fp, "</span>%s</div>", label);
}

/* Totals, or the checklist when the model holds no report at all. */
static void
summary(FILE *fp, struct json_object *model)
{
	struct json_object *totals = model_object(model, "totals");
	int64_t reports = model_int(totals, "reports", 0);
	int64_t failed = model_int(totals, "failed", 0);
	size_t n_domains = model_len(model_array(model, "domains"));

	int64_t hidden = model_int(totals, "unverified_hidden", 0);

	fputs("<section id=\"summary\"><h2>Summary</h2>\n", fp);
	if (hidden > 0)
		fprintf(fp, "<p class=\"nodata\" id=\"unverified-hidden\">%lld unverified "
		    "report%s hidden: <code>--include-unverified</code> shows them.</p>\n",
		    (long long)hidden, hidden == 1 ? "" : "s");
	if (reports <= 0 && n_domains == 0 &&
	    model_int(model_object(model, "store"), "reports", 0) > 0) {
		struct json_object *st = model_object(model, "store");

		fprintf(fp, "<p class=\"nodata\" id=\"no-data\">No report in this period; "
		    "the store holds %lld report%s from ",
		    (long long)model_int(st, "reports", 0),
		    model_int(st, "reports", 0) == 1 ? "" : "s");
		html_text_n(fp, model_str(st, "first_date"), 20);
		fputs(" to ", fp);
		html_text_n(fp, model_str(st, "last_date"), 20);
		fputs(": choose a period that covers them (<code>--since</code>, "
		    "<code>--days</code>).</p>\n</section>\n", fp);
		return;
	}
	if (reports <= 0 && n_domains == 0) {
		fputs("<p class=\"nodata\" id=\"no-data\">No data: no TLS-RPT "
		    "report was received for this period.</p>\n"
		    "<ul class=\"checklist\"><li>Few providers send TLS-RPT "
		    "reports: Google, Microsoft, Comcast, Mail.ru and Mimecast "
		    "do.</li><li>Check your <code>_smtp._tls</code> record with "
		    "<code>tlsrpt check</code>.</li><li>Look in the spam folder of "
		    "the <code>rua</code> address.</li><li>Allow 24 to 72 hours "
		    "after publishing the record for the first reports.</li>"
		    "</ul>\n</section>\n", fp);
		return;
	}
	fputs("<div class=\"cards\">", fp);
	card(fp, "reports", reports, 0);
	card(fp, "domains", (int64_t)n_domains, 0);
	card(fp, "successful sessions", model_int(totals, "successful", 0), 0);
	card(fp, "failed sessions", failed, failed > 0);
	fprintf(fp, "<div class=\"card%s\"><span class=\"n\">",
	    failed > 0 ? " bad" : "");
	html_percent(fp, model_num(totals, "failure_rate", 0));
	fputs("</span>failure rate</div>", fp);
	card(fp, "reporters", (int64_t)model_len(model_array(model, "reporters")),
	    0);
	fputs("</div>\n</section>\n", fp);
}

static void
td_policy(FILE *fp, struct json_object *types, const char *name)
{
	struct json_object *t = model_object(types, name);

	fputs("<td class=\"num\">", fp);
	if (t != NULL) {
		html_count(fp, model_int(t, "successful", 0));
		fputs(" / ", fp);
		html_count(fp, model_int(t, "failed", 0));
	}
	fputs("</td>", fp);
}

static void
domain_table(FILE *fp, struct json_object *arr)
{
	struct json_object *d, *types;
	size_t i, n = model_len(arr), rows = 0;

	fputs("<div class=\"scroll\"><table id=\"domains-table\"><thead><tr>"
	    "<th>Domain</th><th class=\"num\">Reports</th>"
	    "<th class=\"num\">Successful</th><th class=\"num\">Failed</th>"
	    "<th class=\"num\">Failure rate</th><th class=\"num\">STS ok / failed"
	    "</th><th class=\"num\">TLSA ok / failed</th><th class=\"num\">"
	    "No policy ok / failed</th></tr></thead><tbody>\n", fp);
	for (i = 0; i < n && rows < REPORT_HTML_MAX_ROWS; i++) {
		if ((d = model_obj_at(arr, i)) == NULL)
			continue;
		rows++;
		fputs("<tr><td class=\"key\">", fp);
		html_text_n(fp, model_str(d, "domain"), HTML_CELL_CHARS);
		fputs("</td>", fp);
		html_td_count(fp, model_int(d, "reports", 0));
		html_td_count(fp, model_int(d, "successful", 0));
		html_td_count(fp, model_int(d, "failed", 0));
		fputs("<td class=\"num\">", fp);
		html_percent(fp, model_num(d, "failure_rate", 0));
		fputs("</td>", fp);
		types = model_object(d, "policy_types");
		td_policy(fp, types, "sts");
		td_policy(fp, types, "tlsa");
		td_policy(fp, types, "no-policy-found");
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table></div>\n", fp);
	html_more(fp, n - i);
}

/* One domain's daily chart; -1 when out of memory. */
static int
domain_chart(FILE *fp, struct json_object *dom, size_t index,
    int32_t since, int32_t until, int have_period, enum report_grain g)
{
	struct report_daily_entry e;
	size_t i, n = report_daily_n(dom), k = 0;
	struct svg_day *days;
	struct svg_daily chart;
	char id[32];
	int32_t day;

	if ((days = calloc(n == 0 ? 1 : n, sizeof(*days))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (report_daily_at(dom, i, &e) < 0 ||
		    svg_parse_date(e.date, &day) != 0)
			continue;
		days[k].day = day;
		days[k].days = (int32_t)(report_bucket_next(g, day) - day);
		days[k].successful = e.successful;
		days[k].failed = e.failed;
		k++;
	}
	memset(&chart, 0, sizeof(chart));
	snprintf(id, sizeof(id), "chart-daily-%zu", index + 1);
	chart.id = id;
	chart.title = model_str(dom, "domain");
	chart.days = days;
	chart.n_days = k;
	chart.unit = g == REPORT_GRAIN_DAY ? NULL : report_grain_name(g);
	if (have_period) {
		chart.first_day = since;
		chart.last_day = until;
	} else if (k > 0) {
		chart.first_day = chart.last_day = days[0].day;
		for (i = 1; i < k; i++) {
			if (days[i].day < chart.first_day)
				chart.first_day = days[i].day;
			if (days[i].day > chart.last_day)
				chart.last_day = days[i].day;
		}
	}
	fputs("<figure class=\"daily\"><figcaption>", fp);
	html_text_n(fp, chart.title != NULL ? chart.title : "(unnamed domain)",
	    HTML_CELL_CHARS);
	fputs("</figcaption><div class=\"scroll\">", fp);
	svg_daily_chart(fp, &chart);
	fputs("</div></figure>\n", fp);
	free(days);
	return 0;
}

static int
domains(FILE *fp, struct json_object *model)
{
	struct json_object *arr = model_array(model, "domains");
	struct json_object *period = model_object(model, "period");
	size_t i, n = model_len(arr), k = 0, charted = 0;
	struct dom_ref *refs;
	int32_t since = 0, until = 0;
	int have_period, rc = 0;
	enum report_grain g = report_grain_named(model_str(period, "grain"));

	fputs("<section id=\"domains\"><h2>Sessions per domain</h2>\n", fp);
	if (n == 0) {
		fputs("<p class=\"nodata\">No data: no policy domain has "
		    "reports in this period.</p></section>\n", fp);
		return 0;
	}
	domain_table(fp, arr);
	if ((refs = calloc(n, sizeof(*refs))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct json_object *d = model_obj_at(arr, i);

		if (d == NULL || report_daily_n(d) == 0)
			continue;
		refs[k].obj = d;
		refs[k].failed = model_int(d, "failed", 0);
		refs[k].pos = i;
		k++;
	}
	qsort(refs, k, sizeof(*refs), cmp_dom);
	/* The period fixes the x axis, so charts of one page line up. */
	have_period = svg_parse_date(model_str(period, "since"), &since) == 0 &&
	    svg_parse_date(model_str(period, "until"), &until) == 0;
	fprintf(fp, "<h3>%s sessions</h3>\n", g == REPORT_GRAIN_WEEK ? "Weekly" :
	    g == REPORT_GRAIN_MONTH ? "Monthly" : "Daily");
	if (k == 0)
		fputs("<p class=\"nodata\">No daily data to chart.</p>\n", fp);
	else
		fprintf(fp, "<p class=\"muted\">Each chart shows one domain: successful "
		    "sessions above, failed sessions below (own scale), one bar per "
		    "%s with reports.</p>\n<div class=\"charts\">\n", report_grain_name(g));
	for (i = 0; i < k && charted < REPORT_HTML_MAX_CHARTS; i++, charted++)
		if ((rc = domain_chart(fp, refs[i].obj, i, since, until,
		    have_period, g)) != 0)
			break;
	if (k > 0)
		fputs("</div>\n", fp);
	if (k > charted)
		fprintf(fp, "<p class=\"more\">%zu more domains with fewer failed "
		    "sessions are not charted.</p>\n", k - charted);
	free(refs);
	fputs("</section>\n", fp);
	return rc;
}

struct type_ref {
	const char *name;
	int64_t failed;
};

static int
cmp_type(const void *a, const void *b)
{
	const struct type_ref *x = a, *y = b;

	if (x->failed != y->failed)
		return x->failed > y->failed ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
result_types(FILE *fp, struct json_object *model)
{
	struct json_object *obj = model_object(model, "result_types");
	struct svg_bar *bars;
	struct type_ref *refs;
	size_t n = obj != NULL ? (size_t)json_object_object_length(obj) : 0;
	size_t k = 0, i;

	fputs("<section id=\"result-types\"><h2>Failures by result type</h2>\n",
	    fp);
	if ((refs = calloc(n == 0 ? 1 : n, sizeof(*refs))) == NULL ||
	    (bars = calloc(n == 0 ? 1 : n, sizeof(*bars))) == NULL) {
		free(refs);
		return -1;
	}
	if (obj != NULL) {
		json_object_object_foreach(obj, key, val) {
			if (k == n)
				break;
			refs[k].name = key;
			refs[k].failed = model_int_value(val, 0);
			if (refs[k].failed > 0)
				k++;
		}
	}
	qsort(refs, k, sizeof(*refs), cmp_type);
	for (i = 0; i < k; i++) {
		bars[i].label = refs[i].name;
		bars[i].value = refs[i].failed;
	}
	if (k == 0)
		fputs("<p class=\"nodata\">No failed sessions in this period."
		    "</p>\n", fp);
	else {
		fputs("<div class=\"scroll\">", fp);
		svg_bar_chart(fp, "chart-result-types", "result-types",
		    "Failed sessions by result type", bars, k);
		fputs("</div>\n", fp);
	}
	html_section_failures(fp, model);
	fputs("</section>\n", fp);
	free(bars);
	free(refs);
	return 0;
}

static void
explanations(FILE *fp)
{
	const struct result_type_info *all;
	size_t n, i;

	all = result_types_all(&n);
	fputs("<section id=\"explanations\"><h2>What this means</h2>\n"
	    "<p>TLS-RPT (RFC 8460) reports are sent by other mail systems about "
	    "the mail <em>they</em> delivered <strong>to your domains</strong>: "
	    "how many SMTP sessions to your MX hosts set up TLS as your policy "
	    "asks (successful) and how many could not (failed). They say nothing "
	    "about mail your domains send. Every fix is on the receiving side: "
	    "your MX hosts, your DNS, your MTA-STS web server.</p>\n"
	    "<dl><dt>sts</dt><dd>sessions under your MTA-STS policy "
	    "(<code>_mta-sts</code> TXT record and "
	    "<code>/.well-known/mta-sts.txt</code>).</dd>"
	    "<dt>tlsa</dt><dd>sessions under DANE: TLSA records on your MX "
	    "hosts, signed with DNSSEC.</dd>"
	    "<dt>no-policy-found</dt><dd>the sender found neither: TLS was "
	    "opportunistic.</dd>"
	    "<dt>silent reporter</dt><dd>an organization that used to send "
	    "reports and has not for longer than its usual gap: its reports may "
	    "be landing in spam, or it stopped sending.</dd></dl>\n"
	    "<h3>Result types</h3>\n<p>For the causes, the commands that confirm "
	    "it and the fix, run <code>tlsrpt explain RESULT-TYPE</code>.</p>\n"
	    "<dl class=\"result-types\">", fp);
	for (i = 0; i < n; i++) {
		fputs("<dt>", fp);
		html_text(fp, all[i].name);
		fputs("</dt><dd>", fp);
		html_text(fp, all[i].summary);
		fputs("</dd>", fp);
	}
	fputs("</dl>\n</section>\n", fp);
}

int
report_html_write(FILE *fp, struct json_object *model, char *errbuf,
    size_t errlen)
{
	int rc = 0;

	if (model == NULL || !json_object_is_type(model, json_type_object)) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "report model is not a JSON object");
		return -1;
	}
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"
	    "<meta name=\"generator\" content=\"tlsrpt %s\">\n"
	    "<title>TLS-RPT report</title>\n<style>\n%s</style>\n</head>\n"
	    "<body><main>\n", CSP, PACKAGE_VERSION, css);
	page_header(fp, model);
	notes(fp, model);
	summary(fp, model);
	html_section_insights(fp, model);
	rc = domains(fp, model);
	if (rc == 0)
		rc = result_types(fp, model);
	if (rc == 0) {
		html_section_mx_hosts(fp, model);
		html_section_sending_mtas(fp, model);
		html_section_reporters(fp, model);
		explanations(fp);
		fprintf(fp, "</main><footer>tlsrpt %s &middot; report model "
		    "version ", PACKAGE_VERSION);
		html_count(fp, model_int(model, "version", 0));
		fputs("</footer></body></html>\n", fp);
	}
	if (rc != 0) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	errno = 0;
	if (fflush(fp) != 0 || ferror(fp)) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "write error: %s",
			    strerror(errno != 0 ? errno : EIO));
		return -1;
	}
	return 0;
}
