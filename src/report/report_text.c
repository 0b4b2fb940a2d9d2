/*
 * report_text.c - `tlsrpt report` as text: aligned tables within 100
 * columns, long text wrapped, colour only when asked (a terminal without
 * NO_COLOR, decided by the caller).  Every cell comes from reports anyone
 * can send, so every cell goes through text_sanitize() (text_safe.h)
 * before printing: no control character, C1 or bidi override reaches
 * the terminal.
 */
#include "report_daily.h"
#include "report_episodes.h"
#include "report_model.h"
#include "report_render.h"
#include "text_safe.h"

#include <stdio.h>
#include <string.h>

#define WIDTH		100
#define MAX_ROWS	25	/* per table, except domains and insights */
#define MAX_PROBLEMS	50	/* insights shown, the worst first */

struct col {
	const char *head;
	int width;		/* the last column may be 0: the rest of the line */
	int right;		/* numbers align right */
};

struct out {
	FILE *fp;
	int color;
};

static const char *
paint(const struct out *o, const char *code)
{
	return o->color ? code : "";
}
#define BOLD	"\033[1m"
#define RED	"\033[31m"
#define YELLOW	"\033[33m"
#define GREEN	"\033[32m"
#define RESET	"\033[0m"

/* S sanitized, cut to WIDTH characters ('~' marks a cut). */
static void
cell(char *buf, size_t size, const char *raw, int width)
{
	char safe[2048];
	const char *s = safe;
	size_t n = 0, chars = 0;

	text_sanitize(safe, sizeof(safe), raw);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch & 0xc0) != 0x80) {	/* a character starts */
			if (n + 5 >= size)	/* room for a whole one */
				break;
			if (width > 0 && (int)chars == width) {
				/* back up one character for the mark */
				while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
					n--;
				if (n > 0)
					n--;
				buf[n++] = '~';
				break;
			}
			chars++;
		}
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
}

static int
display_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void wrap_at(const struct out *o, int col, int indent, const char *text);

static void
row(const struct out *o, const struct col *cols, size_t ncols, const char *const *vals)
{
	char buf[512];
	size_t i;
	int used = 0;

	for (i = 0; i < ncols; i++) {
		int w = cols[i].width, pad;

		/* The last column gets what is left of the line, wrapped. */
		if (w == 0 && !cols[i].right) {
			wrap_at(o, used, used, vals[i] ? vals[i] : "");
			return;
		}
		cell(buf, sizeof(buf), vals[i] ? vals[i] : "", w);
		used += w + 2;
		if (cols[i].width == 0)
			w = 0;
		pad = w > 0 ? w - display_width(buf) : 0;
		if (cols[i].right)
			fprintf(o->fp, "%*s%s", pad, "", buf);
		else if (i + 1 < ncols)
			fprintf(o->fp, "%s%*s", buf, pad, "");
		else
			fputs(buf, o->fp);
		if (i + 1 < ncols)
			fputs("  ", o->fp);
	}
	fputc('\n', o->fp);
}

static void
header(const struct out *o, const struct col *cols, size_t ncols)
{
	const char *vals[16];
	size_t i;

	for (i = 0; i < ncols && i < 16; i++)
		vals[i] = cols[i].head;
	fputs(paint(o, BOLD), o->fp);
	row(o, cols, ncols, vals);
	fputs(paint(o, RESET), o->fp);
}

static void
section(const struct out *o, const char *title)
{
	fprintf(o->fp, "\n%s%s%s\n", paint(o, BOLD), title, paint(o, RESET));
}

/*
 * TEXT wrapped at WIDTH from column COL (where the cursor is), every
 * further line indented by INDENT.
 */
static void
wrap_at(const struct out *o, int col, int indent, const char *text)
{
	char buf[2048], buf2[600];
	const char *p;
	int fresh;

	cell(buf, sizeof(buf), text, 0);
	p = buf;
	fresh = 1;
	while (*p != '\0') {
		const char *sp = strchr(p, ' ');
		int len = sp ? (int)(sp - p) : (int)strlen(p);

		if (!fresh && col + 1 + len > WIDTH) {
			fprintf(o->fp, "\n%*s", indent, "");
			col = indent;
			fresh = 1;
		}
		if (!fresh) {
			fputc(' ', o->fp);
			col++;
		}
		if (col + len > WIDTH && WIDTH - col > 1) {
			/* One word longer than the line: cut it. */
			char word[512];

			snprintf(word, sizeof(word), "%.*s", len < 511 ? len : 511, p);
			cell(buf2, sizeof(buf2), word, WIDTH - col);
			fputs(buf2, o->fp);
		} else
			fwrite(p, 1, (size_t)len, o->fp);
		col += len;
		fresh = 0;
		p += len;
		while (*p == ' ')
			p++;
	}
	fputc('\n', o->fp);
}

static void
wrap(const struct out *o, const char *first, int indent, const char *text)
{
	fputs(first, o->fp);
	wrap_at(o, display_width(first), indent, text);
}

static void
num(char *buf, size_t size, long long n)
{
	char tmp[32];
	int len, i, j = 0;

	len = snprintf(tmp, sizeof(tmp), "%lld", n < 0 ? -n : n);
	if (n < 0 && size > 1)
		buf[j++] = '-';
	for (i = 0; i < len && (size_t)j + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
}

static void
pct(char *buf, size_t size, double rate)
{
	snprintf(buf, size, "%.2f%%", rate * 100);
}

/* "a, b, c" of an array of strings, into BUF. */
static void
join(char *buf, size_t size, struct json_object *arr)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len + 1 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
		    json_object_get_string(json_object_array_get_idx(arr, i)));
}

/* "type n, type n" of a {name: count} object. */
static void
counts(char *buf, size_t size, struct json_object *obj)
{
	size_t len = 0;

	buf[0] = '\0';
	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return;
	json_object_object_foreach(obj, k, v) {
		if (len + 1 >= size)
			break;
		len += (size_t)snprintf(buf + len, size - len, "%s%s %lld",
		    len ? ", " : "", k, (long long)json_object_get_int64(v));
	}
}

static struct json_object *
get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static void
more(const struct out *o, size_t shown, size_t n, const char *hint)
{
	if (n > shown)
		fprintf(o->fp, "... %zu more (%s)\n", n - shown, hint);
}

static void
print_domains(const struct out *o, struct json_object *m)
{
	static const struct col cols[] = {
		{ "DOMAIN", 24, 0 }, { "REPORTS", 7, 1 }, { "SUCCESSFUL", 11, 1 },
		{ "FAILED", 8, 1 }, { "RATE", 7, 1 }, { "STS FAIL", 8, 1 },
		{ "TLSA FAIL", 9, 1 }, { "NO-POL FAIL", 11, 1 },
	};
	struct json_object *arr = mval_array(m, "domains");
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	section(o, "Domains: sessions to your MX hosts, by the policy senders applied");
	if (n == 0) {
		fprintf(o->fp, "(no reports in this period)\n");
		return;
	}
	header(o, cols, 8);
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(arr, i);
		struct json_object *pt = get(d, "policy_types");
		char r[32], s[32], f[32], rate[32], sts[32], tlsa[32], np[32];
		const char *vals[8];

		num(r, sizeof(r), mval_int(d, "reports"));
		num(s, sizeof(s), mval_int(d, "successful"));
		num(f, sizeof(f), mval_int(d, "failed"));
		pct(rate, sizeof(rate), mval_double(d, "failure_rate"));
		num(sts, sizeof(sts), mval_int(get(pt, "sts"), "failed"));
		num(tlsa, sizeof(tlsa), mval_int(get(pt, "tlsa"), "failed"));
		num(np, sizeof(np), mval_int(get(pt, "no-policy-found"), "failed"));
		vals[0] = mval_str(d, "domain"); vals[1] = r; vals[2] = s; vals[3] = f;
		vals[4] = rate; vals[5] = sts; vals[6] = tlsa; vals[7] = np;
		if (mval_double(d, "failure_rate") >= 0.05)
			fputs(paint(o, RED), o->fp);
		row(o, cols, 8, vals);
		fputs(paint(o, RESET), o->fp);
	}
}

static void
print_failures(const struct out *o, struct json_object *m)
{
	static const struct col cols[] = {
		{ "RESULT TYPE", 26, 0 }, { "FAILED", 9, 1 }, { "DAYS", 23, 0 },
		{ "WHERE", 0, 0 },
	};
	struct json_object *arr = mval_array(m, "failures");
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	section(o, "What is failing: failed sessions by result type");
	if (n == 0) {
		fprintf(o->fp, "(no failures)\n");
		return;
	}
	header(o, cols, 4);
	for (i = 0; i < n && i < MAX_ROWS; i++) {
		struct json_object *f = json_object_array_get_idx(arr, i);
		char failed[32], days[64], where[700], mx[300], dom[300], line[600], codes[300];
		const char *vals[4];

		num(failed, sizeof(failed), mval_int(f, "failed"));
		snprintf(days, sizeof(days), "%s..%s", mval_str(f, "first_date"),
		    mval_str(f, "last_date"));
		join(dom, sizeof(dom), mval_array(f, "domains"));
		join(mx, sizeof(mx), mval_array(f, "mx_hosts"));
		snprintf(where, sizeof(where), "%s: %s", dom, mx);
		vals[0] = mval_str(f, "result_type"); vals[1] = failed; vals[2] = days;
		vals[3] = where;
		row(o, cols, 4, vals);
		snprintf(line, sizeof(line), "%s. See: %s", mval_str(f, "meaning"),
		    mval_str(f, "explain"));
		wrap(o, "    ", 4, line);
		join(codes, sizeof(codes), mval_array(f, "reason_codes"));
		if (codes[0] != '\0') {
			snprintf(line, sizeof(line), "reason codes: %s", codes);
			wrap(o, "    ", 4, line);
		}
	}
	more(o, i, n, "--format json has them all");
}

static void
print_places(const struct out *o, struct json_object *m)
{
	static const struct col mxc[] = {
		{ "RECEIVING MX HOST", 30, 0 }, { "IP", 18, 0 }, { "FAILED", 9, 1 },
		{ "RESULT TYPES", 0, 0 },
	};
	static const struct col mtac[] = {
		{ "SENDING MTA", 30, 0 }, { "REPORTERS", 18, 0 }, { "FAILED", 9, 1 },
		{ "RESULT TYPES", 0, 0 },
	};
	struct json_object *arr = mval_array(m, "mx_hosts");
	size_t i, n = arr ? json_object_array_length(arr) : 0;
	char a[300], b[300], c[32];
	const char *vals[4];

	section(o, "Where: failures by receiving MX host");
	if (n == 0)
		fprintf(o->fp, "(none)\n");
	else
		header(o, mxc, 4);
	for (i = 0; i < n && i < MAX_ROWS; i++) {
		struct json_object *x = json_object_array_get_idx(arr, i);

		join(a, sizeof(a), mval_array(x, "receiving_ips"));
		num(c, sizeof(c), mval_int(x, "failed"));
		counts(b, sizeof(b), get(x, "result_types"));
		vals[0] = mval_str(x, "mx_host"); vals[1] = a; vals[2] = c; vals[3] = b;
		row(o, mxc, 4, vals);
	}
	more(o, i, n, "--format json has them all");

	arr = mval_array(m, "sending_mtas");
	n = arr ? json_object_array_length(arr) : 0;
	section(o, "From where: failures by sending MTA");
	if (n == 0)
		fprintf(o->fp, "(none reported)\n");
	else
		header(o, mtac, 4);
	for (i = 0; i < n && i < MAX_ROWS / 2; i++) {
		struct json_object *x = json_object_array_get_idx(arr, i);

		join(a, sizeof(a), mval_array(x, "reporters"));
		num(c, sizeof(c), mval_int(x, "failed"));
		counts(b, sizeof(b), get(x, "result_types"));
		vals[0] = mval_str(x, "ip"); vals[1] = a; vals[2] = c; vals[3] = b;
		row(o, mtac, 4, vals);
	}
	more(o, i, n, "--format json has them all");
}

static void
print_reporters(const struct out *o, struct json_object *m)
{
	static const struct col cols[] = {
		{ "REPORTER", 38, 0 }, { "REPORTS", 7, 1 }, { "FIRST SEEN", 10, 0 },
		{ "LAST SEEN", 10, 0 }, { "EVERY", 6, 1 }, { "SILENT", 6, 1 },
		{ "STATUS", 0, 0 },
	};
	struct json_object *arr = mval_array(m, "reporters");
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	section(o, "Who reports");
	if (n == 0) {
		fprintf(o->fp, "(nobody yet)\n");
		return;
	}
	header(o, cols, 7);
	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(arr, i), *cad, *sil;
		char reps[32], every[32], silent[32], status[64];
		const char *vals[7];
		int is_silent = json_object_object_get_ex(r, "silent", &sil) &&
		    json_object_get_boolean(sil);

		num(reps, sizeof(reps), mval_int(r, "reports"));
		if (json_object_object_get_ex(r, "cadence_days", &cad) && cad != NULL)
			snprintf(every, sizeof(every), "%.1fd", json_object_get_double(cad));
		else
			snprintf(every, sizeof(every), "-");
		snprintf(silent, sizeof(silent), "%lldd", mval_int(r, "silent_days"));
		snprintf(status, sizeof(status), "%s", is_silent ? "SILENT: check delivery" :
		    "ok");
		vals[0] = mval_str(r, "name")[0] != '\0' ? mval_str(r, "name") :
		    mval_str(r, "organization");
		vals[1] = reps;
		vals[2] = mval_str(r, "first_seen"); vals[3] = mval_str(r, "last_seen");
		vals[4] = every; vals[5] = silent; vals[6] = status;
		if (is_silent)
			fputs(paint(o, YELLOW), o->fp);
		row(o, cols, 7, vals);
		fputs(paint(o, RESET), o->fp);
	}
}

/* The episode's facts in one line: where, who saw it, how many. */
static void
print_episode(const struct out *o, struct json_object *x)
{
	struct json_object *reps = mval_array(x, "reporters");
	struct json_object *ips = mval_array(x, "receiving_ips");
	char line[900], f[32];
	size_t i, len, n = reps ? json_object_array_length(reps) : 0;
	const char *mx = mval_str(x, "mx_host");

	if (mval_str(x, "result_type")[0] == '\0')
		return;
	num(f, sizeof(f), mval_int(x, "failed_sessions"));
	len = (size_t)snprintf(line, sizeof(line), "%s: %s on %s", mval_str(x, "status"),
	    mval_str(x, "result_type"), mx[0] != '\0' ? mx :
	    strncmp(mval_str(x, "result_type"), "sts-", 4) == 0 ? "the MTA-STS policy" :
	    "an MX host not reported");
	for (i = 0; ips != NULL && i < json_object_array_length(ips) && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i ? ", " : " (",
		    json_object_get_string(json_object_array_get_idx(ips, i)));
	if (ips != NULL && json_object_array_length(ips) > 0 && len < sizeof(line))
		len += (size_t)snprintf(line + len, sizeof(line) - len, ")");
	for (i = 0; i < n && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
		    i ? ", " : "; seen by ", json_object_get_string(json_object_array_get_idx(reps, i)));
	if (len < sizeof(line))
		snprintf(line + len, sizeof(line) - len, "; %s failed session%s, %s to %s", f,
		    mval_int(x, "failed_sessions") == 1 ? "" : "s", mval_str(x, "first_date"),
		    mval_str(x, "last_date"));
	wrap(o, "  ", 4, line);
}

static void
print_insights(const struct out *o, struct json_object *m)
{
	struct json_object *arr = mval_array(m, "insights");
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	size_t ongoing = 0;
	long long failed = mval_int(get(m, "totals"), "failed");
	char head[128];

	/* Those past the model's cap count all the same. */
	long long left = mval_int(get(m, "insights_left_out"), "count");
	long long left_ongoing = mval_int(get(m, "insights_left_out"), "ongoing");

	for (i = 0; i < n; i++)
		ongoing += strcmp(mval_str(json_object_array_get_idx(arr, i), "status"),
		    "ongoing") == 0;
	snprintf(head, sizeof(head), "Problems: %lld ongoing, %lld resolved (ongoing first)",
	    (long long)ongoing + left_ongoing, (long long)(n - ongoing) + left - left_ongoing);
	section(o, head);
	if (n == 0 && failed > 0) {
		char f[32], line[300];

		num(f, sizeof(f), failed);
		snprintf(line, sizeof(line), "%s failed session%s, each failure below the noise "
		    "floor (one day, one reporter, fewer than %d sessions): see the tables below.",
		    f, failed == 1 ? "" : "s", EPISODE_NOISE_SESSIONS);
		wrap(o, "", 0, line);
		return;
	}
	if (n == 0) {
		fprintf(o->fp, "%sNothing unusual in this period.%s\n", paint(o, GREEN),
		    paint(o, RESET));
		return;
	}
	for (i = 0; i < n && i < MAX_PROBLEMS; i++) {
		struct json_object *x = json_object_array_get_idx(arr, i);
		struct json_object *ev = mval_array(x, "evidence");
		const char *sev = mval_str(x, "severity");
		char first[64];
		size_t k, ne = ev ? json_object_array_length(ev) : 0;

		fputs(paint(o, strcmp(sev, "critical") == 0 ? RED :
		    strcmp(sev, "warning") == 0 ? YELLOW : ""), o->fp);
		snprintf(first, sizeof(first), "%s[%s, %s] ", i ? "\n" : "", sev,
		    mval_str(x, "status"));
		wrap(o, first, 4, mval_str(x, "title"));
		fputs(paint(o, RESET), o->fp);
		print_episode(o, x);
		for (k = 0; k < ne; k++)
			wrap(o, "  - ", 4, json_object_get_string(json_object_array_get_idx(ev, k)));
		wrap(o, "  fix: ", 7, mval_str(x, "fix"));
	}
	if (n > MAX_PROBLEMS && left == 0)
		fprintf(o->fp, "\n... and %zu more problems, less recent or less severe: "
		    "--domain narrows the list, --format json has them all.\n", n - MAX_PROBLEMS);
	else if (n > MAX_PROBLEMS)
		fprintf(o->fp, "\n... and %lld more problems, less recent or less severe: "
		    "--domain narrows the list, --format json has the first %zu.\n",
		    (long long)(n - MAX_PROBLEMS) + left, n);
}

static void
print_daily(const struct out *o, struct json_object *m)
{
	struct col cols[] = {
		{ "DAY", 10, 0 }, { "DOMAIN", 24, 0 }, { "SUCCESSFUL", 11, 1 },
		{ "FAILED", 8, 1 }, { "RATE", 7, 1 }, { "RESULT TYPES", 0, 0 },
	};
	size_t i, j, n = report_daily_n(m), quiet = 0;
	struct report_daily_entry d;
	/* By week or month, each row is dated by the first day of its bucket. */
	const char *unit = report_grain_name(report_grain_named(mval_str(get(m, "period"),
	    "grain")));
	char title[64];

	if (strcmp(unit, "week") == 0)
		cols[0].head = "WEEK OF";
	else if (strcmp(unit, "month") == 0)
		cols[0].head = "MONTH OF";
	snprintf(title, sizeof(title), "Per %s, %ss with failures", unit, unit);
	section(o, title);
	if (n == 0) {
		fprintf(o->fp, "(no reports)\n");
		return;
	}
	for (i = 0; i < n; i++)
		quiet += report_daily_at(m, i, &d) == 0 && d.failed == 0;
	if (quiet < n)
		header(o, cols, 6);
	for (i = 0; i < n; i++) {
		long long ok, failed, cnt;
		char s[32], f[32], rate[32], types[300];
		const char *vals[6], *rt;
		size_t len = 0;

		if (report_daily_at(m, i, &d) < 0 || d.failed == 0)
			continue;
		ok = d.successful;
		failed = d.failed;

		num(s, sizeof(s), ok);
		num(f, sizeof(f), failed);
		pct(rate, sizeof(rate), ok + failed ? (double)failed / (double)(ok + failed) : 0);
		/* "type n, type n", as counts() writes an object's. */
		types[0] = '\0';
		for (j = 0; len + 1 < sizeof(types) &&
		    report_daily_type(&d, j, &rt, &cnt) == 0; j++)
			len += (size_t)snprintf(types + len, sizeof(types) - len,
			    "%s%s %lld", len ? ", " : "", rt, cnt);
		vals[0] = d.date; vals[1] = d.domain;
		vals[2] = s; vals[3] = f; vals[4] = rate; vals[5] = types;
		row(o, cols, 6, vals);
	}
	if (quiet > 0)
		fprintf(o->fp, "(%zu %s%s by domain without failures left out)\n", quiet,
		    unit, quiet == 1 ? "" : "s");
}

int
report_text_write(FILE *fp, struct json_object *model, int color)
{
	struct out o = { fp, color };
	struct json_object *period = get(model, "period"), *filter = get(model, "filter");
	struct json_object *totals = get(model, "totals"), *notes = mval_array(model, "notes");
	char r[32], s[32], f[32], rate[32], line[300];
	size_t i, n = notes ? json_object_array_length(notes) : 0;
	const char *domain = mval_str(filter, "domain");
	enum report_grain g = report_grain_named(mval_str(period, "grain"));

	snprintf(line, sizeof(line), "TLS-RPT report %s to %s (%lld day%s%s%s), %s%s",
	    mval_str(period, "since"), mval_str(period, "until"),
	    mval_int(period, "days"), mval_int(period, "days") == 1 ? "" : "s",
	    g != REPORT_GRAIN_DAY ? " by " : "", g != REPORT_GRAIN_DAY ? report_grain_name(g) : "",
	    domain[0] ? "domain " : "all domains", domain);
	fprintf(fp, "%s", paint(&o, BOLD));
	wrap(&o, "", 0, line);
	fprintf(fp, "%s", paint(&o, RESET));
	for (i = 0; i < n; i++)
		wrap(&o, "Note: ", 6, json_object_get_string(json_object_array_get_idx(notes, i)));
	num(r, sizeof(r), mval_int(totals, "reports"));
	num(s, sizeof(s), mval_int(totals, "successful"));
	num(f, sizeof(f), mval_int(totals, "failed"));
	pct(rate, sizeof(rate), mval_double(totals, "failure_rate"));
	fprintf(fp, "\n%s report%s; %s successful and %s failed session%s (%s failed)\n",
	    r, mval_int(totals, "reports") == 1 ? "" : "s", s, f,
	    mval_int(totals, "failed") == 1 ? "" : "s", rate);
	if (mval_int(totals, "unverified_hidden") > 0) {
		snprintf(line, sizeof(line), "%lld unverified report%s hidden: "
		    "--include-unverified shows them.", mval_int(totals, "unverified_hidden"),
		    mval_int(totals, "unverified_hidden") == 1 ? "" : "s");
		wrap(&o, "", 0, line);
	}
	print_insights(&o, model);
	print_domains(&o, model);
	print_failures(&o, model);
	print_places(&o, model);
	print_reporters(&o, model);
	print_daily(&o, model);
	return ferror(fp) ? -1 : 0;
}
