/*
 * test_report_html.c - the HTML report (report_html.c) from models built
 * here: escaping of hostile strings, both chart kinds, the empty and the
 * malformed model, tag balance, nothing loaded from outside the file,
 * bounded lists.  The charts alone: test_svg_chart.c.
 */
#include "report_html.h"
#include "svg_chart.h"
#include "testlib.h"

#include <ctype.h>
#include <errno.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

#define HOSTILE_ORG	"<script>alert('org')</script>"
#define HOSTILE_MX	"mx\"><img src=x onerror=alert(1)>.example"
#define HOSTILE_DOMAIN	"evil<b>.example"

/* Render MODEL into a malloc'd string; *rc_r gets report_html_write's. */
static char *
render(struct json_object *model, int *rc_r, char *err, size_t errlen)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		return NULL;
	*rc_r = report_html_write(fp, model, err, errlen);
	fclose(fp);
	return out;
}

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

/*
 * The page's tags, in order, against a whitelist: every element the
 * renderer writes, properly nested; void/self-closed ones allowed only
 * where they are.  Anything else (a <script> or <img> smuggled in by the
 * data) fails, and so does a stray '<' that is not a tag.
 */
static const char *const container_tags[] = {
	"html", "head", "title", "style", "body", "main", "header", "footer",
	"nav", "section", "article", "div", "p", "h1", "h2", "h3", "ul", "li",
	"details", "summary",
	"dl", "dt", "dd", "a", "span", "strong", "em", "code", "table", "thead",
	"tbody", "tr", "th", "td", "figure", "figcaption", "svg", "g", "text",
	"desc", NULL
};
static const char *const void_tags[] = { "meta", "rect", "line", "br", NULL };

static int
in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* A tag's attributes (from A to END) load nothing from outside. */
static int
attrs_local(const char *a, const char *end)
{
	const char *p;

	for (p = a; p < end; p++) {
		if (strncmp(p, " src=", 5) == 0 || strncmp(p, " srcset=", 8) == 0 ||
		    strncmp(p, " action=", 8) == 0 || strncmp(p, "url(", 4) == 0)
			return 0;
		if (strncmp(p, " href=\"", 7) == 0 && p[7] != '#')
			return 0;
	}
	return 1;
}

/*
 * 0 when balanced, whitelisted and self-contained (no attribute points
 * outside the page, the style sheet imports nothing); else -1 and a
 * reason in WHY.
 */
static int
check_tags(const char *html, char *why, size_t whylen)
{
	char stack[64][16], name[16];
	size_t depth = 0, n;
	const char *p = html, *end, *style_end;
	int closing;

	while ((p = strchr(p, '<')) != NULL) {
		if (strncmp(p, "<!DOCTYPE html>", 15) == 0) {
			p += 15;
			continue;
		}
		closing = p[1] == '/';
		p += closing ? 2 : 1;
		for (n = 0; isalnum((unsigned char)p[n]) && n < sizeof(name) - 1; n++)
			name[n] = p[n];
		name[n] = '\0';
		if (n == 0) {
			snprintf(why, whylen, "stray '<' at offset %zu",
			    (size_t)(p - html));
			return -1;
		}
		if ((end = strchr(p, '>')) == NULL) {
			snprintf(why, whylen, "unterminated <%s", name);
			return -1;
		}
		if (!attrs_local(p + n, end)) {
			snprintf(why, whylen, "<%s> refers outside the page", name);
			return -1;
		}
		if (closing) {
			if (depth == 0 || strcmp(stack[depth - 1], name) != 0) {
				snprintf(why, whylen, "</%s> closes <%s>", name,
				    depth > 0 ? stack[depth - 1] : "(nothing)");
				return -1;
			}
			depth--;
		} else if (in_list(void_tags, name)) {
			/* fine, with or without "/>" */
		} else if (in_list(container_tags, name)) {
			if (end[-1] == '/') {
				snprintf(why, whylen, "<%s/> self-closed", name);
				return -1;
			}
			if (depth == sizeof(stack) / sizeof(stack[0])) {
				snprintf(why, whylen, "nesting too deep");
				return -1;
			}
			snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
			if (strcmp(name, "style") == 0) {
				if ((style_end = strstr(end, "</style>")) == NULL) {
					snprintf(why, whylen, "unterminated <style>");
					return -1;
				}
				if (!attrs_local(end, style_end) || memmem(end,
				    (size_t)(style_end - end), "@import", 7) != NULL) {
					snprintf(why, whylen, "style imports");
					return -1;
				}
				p = style_end;
				continue;
			}
		} else {
			snprintf(why, whylen, "unexpected element <%s>", name);
			return -1;
		}
		p = end + 1;
	}
	if (depth != 0) {
		snprintf(why, whylen, "<%s> never closed", stack[depth - 1]);
		return -1;
	}
	return 0;
}

static void
check_page(const char *what, const char *html)
{
	char why[128] = "";

	CHECKF(check_tags(html, why, sizeof(why)) == 0, "%s: tags: %s", what, why);
	CHECKF(strstr(html, "<meta name=\"viewport\"") != NULL, "%s: viewport",
	    what);
	CHECKF(strstr(html, "Content-Security-Policy") != NULL, "%s: CSP", what);
	CHECKF(strstr(html, "nan") == NULL && strstr(html, "inf%") == NULL,
	    "%s: NaN or infinity printed", what);
}

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void
add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static struct json_object *
str_array(const char *a, const char *b)
{
	struct json_object *arr = json_object_new_array();

	if (a != NULL)
		json_object_array_add(arr, json_object_new_string(a));
	if (b != NULL)
		json_object_array_add(arr, json_object_new_string(b));
	return arr;
}

/* A domain with N_DAYS days from 2026-03-01, FAILED failures a day. */
static struct json_object *
domain(const char *name, int n_days, int64_t failed_per_day)
{
	struct json_object *d = json_object_new_object();
	struct json_object *daily = json_object_new_array(), *e, *pt, *t;
	char date[16];
	int32_t first;
	int i;

	add_str(d, "domain", name);
	add_int(d, "reports", n_days * 2);
	add_int(d, "successful", 1000LL * n_days);
	add_int(d, "failed", failed_per_day * n_days);
	json_object_object_add(d, "failure_rate", json_object_new_double(
	    (double)failed_per_day / (1000 + failed_per_day)));
	pt = json_object_new_object();
	t = json_object_new_object();
	add_int(t, "successful", 1000LL * n_days);
	add_int(t, "failed", failed_per_day * n_days);
	json_object_object_add(pt, "sts", t);
	json_object_object_add(d, "policy_types", pt);
	svg_parse_date("2026-03-01", &first);
	for (i = 0; i < n_days; i++) {
		e = json_object_new_object();
		svg_format_date(first + i, date, sizeof(date));
		add_str(e, "date", date);
		add_int(e, "successful", 1000);
		add_int(e, "failed", failed_per_day);
		json_object_array_add(daily, e);
	}
	json_object_object_add(d, "daily", daily);
	return d;
}

static struct json_object *
insight(const char *kind, const char *severity, const char *title,
    const char *fix)
{
	struct json_object *in = json_object_new_object();

	add_str(in, "kind", kind);
	add_str(in, "severity", severity);
	add_str(in, "domain", "example.com");
	add_str(in, "title", title);
	json_object_object_add(in, "evidence",
	    str_array("2026-03-02: 40 failed sessions", "2 reporters"));
	add_str(in, "fix", fix);
	add_str(in, "first_date", "2026-03-02");
	add_str(in, "last_date", "2026-03-03");
	return in;
}

/* The full model of doc/report-json.md, with hostile strings in it. */
static struct json_object *
full_model(void)
{
	struct json_object *m = json_object_new_object(), *o, *arr, *rt, *e;

	add_int(m, "version", 1);
	add_str(m, "generated", "2026-11-29T12:00:00Z");
	o = json_object_new_object();
	add_str(o, "since", "2026-03-01");
	add_str(o, "until", "2026-03-31");
	add_int(o, "days", 31);
	json_object_object_add(m, "period", o);
	o = json_object_new_object();
	json_object_object_add(o, "domain", NULL);
	json_object_object_add(o, "include_unverified", json_object_new_boolean(0));
	json_object_object_add(m, "filter", o);
	o = json_object_new_object();
	add_int(o, "reports", 412);
	add_int(o, "successful", 1234567);
	add_int(o, "failed", 321);
	json_object_object_add(o, "failure_rate", json_object_new_double(0.00026));
	json_object_object_add(m, "totals", o);

	/* Not sorted by failures on purpose: the charts sort. */
	arr = json_object_new_array();
	json_object_array_add(arr, domain("quiet.example", 31, 0));
	json_object_array_add(arr, domain("example.com", 31, 9));
	json_object_array_add(arr, domain(HOSTILE_DOMAIN, 1, 3));
	json_object_object_add(m, "domains", arr);

	rt = json_object_new_object();
	add_int(rt, "tlsa-invalid", 80);
	add_int(rt, "certificate-expired", 120);
	add_int(rt, "<svg onload=alert(3)>", 5);
	json_object_object_add(m, "result_types", rt);

	arr = json_object_new_array();
	e = json_object_new_object();
	add_str(e, "result_type", "certificate-expired");
	add_int(e, "failed", 120);
	add_str(e, "meaning", "the MX host's certificate has expired");
	add_str(e, "explain", "tlsrpt explain certificate-expired");
	json_object_object_add(e, "domains", str_array("example.com", NULL));
	json_object_object_add(e, "mx_hosts", str_array(HOSTILE_MX, NULL));
	json_object_object_add(e, "reason_codes",
	    str_array("X509_V_ERR_CERT_HAS_EXPIRED", NULL));
	add_str(e, "first_date", "2026-03-02");
	add_str(e, "last_date", "2026-03-03");
	json_object_array_add(arr, e);
	json_object_object_add(m, "failures", arr);

	arr = json_object_new_array();
	e = json_object_new_object();
	add_str(e, "mx_host", HOSTILE_MX);
	json_object_object_add(e, "receiving_ips", str_array("192.0.2.2", NULL));
	json_object_object_add(e, "domains", str_array("example.com", NULL));
	add_int(e, "failed", 120);
	rt = json_object_new_object();
	add_int(rt, "certificate-expired", 120);
	json_object_object_add(e, "result_types", rt);
	json_object_array_add(arr, e);
	json_object_object_add(m, "mx_hosts", arr);

	arr = json_object_new_array();
	e = json_object_new_object();
	add_str(e, "ip", "203.0.113.9");
	add_int(e, "failed", 40);
	json_object_object_add(e, "reporters", str_array(HOSTILE_ORG, NULL));
	json_object_array_add(arr, e);
	json_object_object_add(m, "sending_mtas", arr);

	arr = json_object_new_array();
	e = json_object_new_object();
	add_str(e, "organization", HOSTILE_ORG);
	add_str(e, "contact", "a@b.example");
	add_int(e, "reports", 90);
	add_str(e, "first_seen", "2026-03-01");
	add_str(e, "last_seen", "2026-03-31");
	json_object_object_add(e, "cadence_days", json_object_new_double(1.0));
	add_int(e, "silent_days", 0);
	json_object_object_add(e, "silent", json_object_new_boolean(0));
	json_object_array_add(arr, e);
	e = json_object_new_object();
	add_str(e, "organization", "Quiet Reporter Ltd");
	add_int(e, "reports", 4);
	add_int(e, "silent_days", 20);
	json_object_object_add(e, "silent", json_object_new_boolean(1));
	json_object_array_add(arr, e);
	json_object_object_add(m, "reporters", arr);

	arr = json_object_new_array();
	json_object_array_add(arr, insight("mx-certificate", "critical",
	    "certificate-expired on " HOSTILE_MX, "renew it</p><script>x()</script>"));
	json_object_array_add(arr, insight("tlsa-rollover", "warning",
	    "tlsa-invalid burst", "certbot renew --reuse-key"));
	json_object_array_add(arr, insight("made-up", "<b>bold</b>",
	    "odd severity", "none"));
	json_object_object_add(m, "insights", arr);

	json_object_object_add(m, "notes", str_array(
	    "These reports describe mail delivered TO your domains",
	    "see https://example.com/<i>docs</i>"));
	return m;
}

static void
test_full_model(void)
{
	struct json_object *m = full_model();
	char err[128] = "", *html, *first;
	int rc = -1;

	html = render(m, &rc, err, sizeof(err));
	CHECK(html != NULL);
	if (html == NULL)
		goto out;
	CHECK_INT(rc, 0);
	check_page("full model", html);
	CHECK_INT(count(html, "<svg class=\"chart daily\""), 3);
	CHECK_INT(count(html, "<svg class=\"chart result-types\""), 1);
	CHECK_INT(count(html, "<svg"), count(html, "</svg>"));
	CHECK_INT(count(html, "<table"), count(html, "</table>"));
	CHECK(strstr(html, "id=\"domains-table\"") != NULL);
	CHECK(strstr(html, "id=\"failures-table\"") != NULL);
	CHECK(strstr(html, "id=\"mx-table\"") != NULL);
	CHECK(strstr(html, "id=\"mta-table\"") != NULL);
	CHECK(strstr(html, "id=\"reporters-table\"") != NULL);
	/* Hostile strings: escaped wherever they appear, never live. */
	CHECK(strstr(html, "<script") == NULL);
	CHECK(strstr(html, "<img") == NULL);
	CHECK(strstr(html, "<b>") == NULL && strstr(html, "<i>") == NULL);
	CHECK(strstr(html, "<svg onload") == NULL);
	CHECK_CONTAINS(html, "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt;");
	CHECK_CONTAINS(html, "mx&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
	    ".example");
	CHECK_CONTAINS(html, "data-title=\"evil&lt;b&gt;.example\"");
	CHECK_CONTAINS(html, "renew it&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;");
	CHECK_CONTAINS(html, "&lt;svg onload=alert(3)&gt;");
	/* Most failures first: example.com (279), the one-day domain, quiet. */
	first = strstr(html, "<svg class=\"chart daily\"");
	CHECK(first != NULL && strstr(first, "data-title=\"example.com\"") ==
	    strstr(first, "data-title="));
	/* The numbers and the words. */
	CHECK_CONTAINS(html, "1,234,567");
	CHECK_CONTAINS(html, "0.03%");
	CHECK_CONTAINS(html, "2026-03-01 to 2026-03-31 (31 days)");
	CHECK_CONTAINS(html, "all domains");
	CHECK_CONTAINS(html, "<p class=\"note\">These reports describe mail "
	    "delivered TO your domains</p>");
	CHECK_CONTAINS(html, "<code>tlsrpt explain certificate-expired</code>");
	CHECK_CONTAINS(html, "X509_V_ERR_CERT_HAS_EXPIRED");
	CHECK_INT(count(html, "<tr class=\"silent\">"), 1);
	CHECK_INT(count(html, "<article class=\"insight"), 3);
	CHECK_CONTAINS(html, "<article class=\"insight sev-critical\" "
	    "data-kind=\"mx-certificate\">");
	CHECK_CONTAINS(html, "<article class=\"insight sev-other\"");
	CHECK_CONTAINS(html, "certbot renew --reuse-key");
	CHECK(strstr(html, "id=\"no-data\"") == NULL);
	/* Result types, largest first, in the chart's text fallback. */
	CHECK_CONTAINS(html, "certificate-expired: 120; tlsa-invalid: 80; "
	    "&lt;svg onload=alert(3)&gt;: 5.");
	/* Every registered type is explained. */
	CHECK_CONTAINS(html, "<dt>sts-webpki-invalid</dt>");
out:
	free(html);
	json_object_put(m);
}

static void
test_empty_model(void)
{
	struct json_object *m = json_object_new_object();
	char err[128] = "", *html;
	int rc = -1;

	html = render(m, &rc, err, sizeof(err));
	CHECK(html != NULL);
	if (html != NULL) {
		CHECK_INT(rc, 0);
		check_page("empty model", html);
		CHECK(strstr(html, "<svg") == NULL);
		CHECK(strstr(html, "<table") == NULL);
		CHECK_CONTAINS(html, "id=\"no-data\">No data");
		CHECK_CONTAINS(html, "tlsrpt check");
		CHECK_CONTAINS(html, "No failed sessions in this period");
	}
	free(html);
	json_object_put(m);
}

/* Every top-level key given every wrong type: renders, never crashes. */
static void
test_wrong_types(void)
{
	static const char *const keys[] = { "version", "generated", "period",
	    "filter", "totals", "domains", "result_types", "failures",
	    "mx_hosts", "sending_mtas", "reporters", "insights", "daily",
	    "notes" };
	static const char *const values[] = { "null", "1", "-7", "1e308",
	    "\"<x>\"", "true", "[]", "{}", "[1,\"<a>\",null,[],{}]",
	    "{\"a\":\"<b>\",\"domain\":5,\"daily\":{},\"since\":\"2026-02-30\"}",
	    "[{\"domain\":[],\"daily\":[{\"date\":\"junk\"},5,{\"date\":"
	    "\"2026-01-01\",\"successful\":\"x\",\"failed\":-5}],\"failed\":"
	    "\"many\",\"policy_types\":[],\"evidence\":\"<e>\",\"severity\":3}]" };
	size_t k, v;
	char err[128], *html, label[64];
	int rc;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			struct json_object *m = full_model();

			json_object_object_add(m, keys[k],
			    json_tokener_parse(values[v]));
			rc = -1;
			html = render(m, &rc, err, sizeof(err));
			snprintf(label, sizeof(label), "%s = value %zu", keys[k], v);
			CHECKF(html != NULL && rc == 0, "%s renders", label);
			if (html != NULL) {
				check_page(label, html);
				CHECKF(strstr(html, "<x>") == NULL &&
				    strstr(html, "<a>") == NULL &&
				    strstr(html, "<e>") == NULL, "%s escaped", label);
			}
			free(html);
			json_object_put(m);
		}
}

static void
test_not_an_object(void)
{
	struct json_object *arr = json_object_new_array();
	char err[128] = "", *html;
	int rc = 0;

	html = render(NULL, &rc, err, sizeof(err));
	CHECK_INT(rc, -1);
	CHECK_STR(err, "report model is not a JSON object");
	free(html);
	rc = 0;
	html = render(arr, &rc, err, sizeof(err));
	CHECK_INT(rc, -1);
	free(html);
	json_object_put(arr);
}

static void
test_write_error(void)
{
	struct json_object *m = full_model();
	char err[128] = "";
	FILE *fp = fopen("/dev/full", "w");

	if (fp == NULL) {
		printf("skip: no /dev/full\n");
	} else {
		CHECK_INT(report_html_write(fp, m, err, sizeof(err)), -1);
		CHECK_CONTAINS(err, "write error");
		fclose(fp);
	}
	json_object_put(m);
}

/* Twelve domains: ten charts, most failures first, and a count of the rest. */
static void
test_chart_limit(void)
{
	struct json_object *m = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	char name[32], err[128], *html;
	int i, rc = -1;

	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "d%02d.example", i);
		json_object_array_add(arr, domain(name, 3, i));
	}
	json_object_object_add(m, "domains", arr);
	html = render(m, &rc, err, sizeof(err));
	CHECK(html != NULL && rc == 0);
	if (html != NULL) {
		check_page("twelve domains", html);
		CHECK_INT(count(html, "<svg class=\"chart daily\""),
		    REPORT_HTML_MAX_CHARTS);
		CHECK_CONTAINS(html, "2 more domains with fewer failed sessions");
		CHECK(strstr(html, "data-title=\"d11.example\"") != NULL);
		CHECK(strstr(html, "data-title=\"d01.example\"") == NULL);
		CHECK(strstr(html, "data-title=\"d00.example\"") == NULL);
		/* No period in the model: the axis spans the data. */
		CHECK_CONTAINS(html, "2026-03-01 to 2026-03-03: 3 days");
	}
	free(html);
	json_object_put(m);
}

/* One 10,000-character name is cut, so the page stays small. */
static void
test_long_strings(void)
{
	struct json_object *m = full_model(), *reps, *r;
	char *big = malloc(10001), err[128], *html;
	int rc = -1;

	if (big == NULL)
		return;
	memset(big, 'A', 10000);
	big[10000] = '\0';
	reps = json_object_new_array();
	r = json_object_new_object();
	add_str(r, "organization", big);
	json_object_array_add(reps, r);
	json_object_object_add(m, "reporters", reps);
	html = render(m, &rc, err, sizeof(err));
	CHECK(html != NULL && rc == 0);
	if (html != NULL) {
		CHECK(strstr(html, big) == NULL);
		big[120] = '\0';
		CHECK(strstr(html, big) != NULL);
	}
	free(html);
	free(big);
	json_object_put(m);
}

int
main(void)
{
	test_full_model();
	test_empty_model();
	test_wrong_types();
	test_not_an_object();
	test_write_error();
	test_chart_limit();
	test_long_strings();
	return test_summary("test_report_html");
}
