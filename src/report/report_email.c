/*
 * report_email.c - `tlsrpt report --format email`: the text report and
 * the HTML page as one RFC 5322 message for `sendmail -t`; see
 * report_render.h.
 *
 * Everything in the model came from reports, so the Subject goes through
 * mail_header_write() (sanitized, RFC 2047, folded) and both bodies are
 * quoted-printable: no line of the message is longer than 76 characters
 * and none can start a header or end the message early.  The boundary
 * holds "=_", which quoted-printable never writes.
 */
#include "mail_header.h"
#include "model_get.h"
#include "report_html.h"
#include "report_render.h"

#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
severity_rank(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "critical") == 0)
		return 3;
	if (strcmp(s, "warning") == 0)
		return 2;
	return 0;
}

/* The worst ongoing problem (critical before warning, model order
 * otherwise) and how many ongoing problems there are; NULL when none. */
static struct json_object *
worst_ongoing(struct json_object *model, size_t *n_r)
{
	struct json_object *arr = model_array(model, "insights"), *o, *best = NULL;
	size_t i, n = model_len(arr);
	int rank, best_rank = 0;

	*n_r = 0;
	for (i = 0; i < n; i++) {
		o = model_obj_at(arr, i);
		if (o == NULL || model_str(o, "status") == NULL ||
		    strcmp(model_str(o, "status"), "ongoing") != 0)
			continue;
		if ((rank = severity_rank(model_str(o, "severity"))) == 0)
			continue;
		++*n_r;
		if (rank > best_rank) {
			best = o;
			best_rank = rank;
		}
	}
	return best;
}

size_t
report_email_subject(struct json_object *model, char *buf, size_t size)
{
	struct json_object *period = model_object(model, "period"), *w;
	const char *what, *mx, *domain;
	size_t n;
	int len;

	if ((w = worst_ongoing(model, &n)) != NULL) {
		domain = model_str(w, "domain");
		what = model_str(w, "result_type");
		if (what == NULL)
			what = model_str(w, "kind");
		mx = model_str(w, "mx_host");
		len = snprintf(buf, size, "TLS-RPT: %s: %s%s%s%s%s", model_str(w, "severity"),
		    domain != NULL ? domain : "", domain != NULL ? ": " : "",
		    what != NULL ? what : "problem", mx != NULL ? " on " : "",
		    mx != NULL ? mx : "");
		if (n > 1 && len >= 0 && (size_t)len < size)
			snprintf(buf + len, size - (size_t)len, " (and %zu more ongoing)",
			    n - 1);
	} else
		snprintf(buf, size, "TLS-RPT: all is well, %s to %s",
		    model_str(period, "since") != NULL ? model_str(period, "since") : "?",
		    model_str(period, "until") != NULL ? model_str(period, "until") : "?");
	return strlen(buf);
}

/* RFC 5322 date-time of T in UTC, whatever the locale. */
static void
mail_date(time_t t, char *buf, size_t size)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", wday[tm.tm_wday],
	    tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

/* 16 random hex digits (the clock and pid when getrandom fails). */
static void
random_hex(char *buf, size_t size)
{
	unsigned long long r;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = ((unsigned long long)time(NULL) << 20) ^ (unsigned long long)getpid();
	snprintf(buf, size, "%016llx", r);
}

/* "To: a, b, ..." from the validated list TO, folded before an address
 * that would take the line past 78 columns. */
static void
write_to(FILE *fp, const char *to)
{
	const char *p = to, *end;
	size_t n, col = 3;
	int first = 1;

	fputs("To:", fp);
	for (;;) {
		while (*p == ' ')
			p++;
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (!first && col + n + 2 > 78) {
			fputs("\n", fp);
			col = 0;
		}
		fputc(' ', fp);
		fwrite(p, 1, n, fp);
		col += n + 1;
		if (end == NULL)
			break;
		fputc(',', fp);
		col++;
		first = 0;
		p = end + 1;
	}
	fputc('\n', fp);
}

/* Render the two bodies into memory. */
static int
bodies(struct json_object *model, char **text_r, size_t *tlen_r, char **html_r,
    size_t *hlen_r, char *errbuf, size_t errlen)
{
	FILE *t = NULL, *h = NULL;
	int rc = -1;

	*text_r = *html_r = NULL;
	if ((t = open_memstream(text_r, tlen_r)) == NULL ||
	    (h = open_memstream(html_r, hlen_r)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		goto done;
	}
	if (report_text_write(t, model, 0) < 0 || fflush(t) != 0) {
		snprintf(errbuf, errlen, "text part: out of memory");
		goto done;
	}
	if (report_html_write(h, model, errbuf, errlen) < 0)
		goto done;
	rc = 0;
done:
	if (t != NULL)
		fclose(t);
	if (h != NULL)
		fclose(h);
	if (rc < 0) {
		free(*text_r);
		free(*html_r);
		*text_r = *html_r = NULL;
	}
	return rc;
}

int
report_email_write(FILE *fp, struct json_object *model,
    const struct report_email *em, char *errbuf, size_t errlen)
{
	char subject[MAIL_HEADER_MAX], date[64], id[24], boundary[40], *text, *html;
	size_t tlen, hlen;
	int rc;

	if (model == NULL || !json_object_is_type(model, json_type_object)) {
		snprintf(errbuf, errlen, "report model is not a JSON object");
		return -1;
	}
	if (!mail_address_valid(em->from) ||
	    !mail_address_list_valid(em->to, subject, sizeof(subject))) {
		snprintf(errbuf, errlen, "bad From or To address");
		return -1;
	}
	if (bodies(model, &text, &tlen, &html, &hlen, errbuf, errlen) < 0)
		return -1;
	report_email_subject(model, subject, sizeof(subject));
	mail_date(em->date, date, sizeof(date));
	random_hex(id, sizeof(id));
	snprintf(boundary, sizeof(boundary), "=_tlsrpt_%s", id);

	/* From and To were validated: bare addresses, no CR, LF or comma
	 * but between list items. */
	fprintf(fp, "From: %s\n", em->from);
	write_to(fp, em->to);
	mail_header_write(fp, "Subject", subject);
	fprintf(fp, "Date: %s\n", date);
	random_hex(id, sizeof(id));
	fprintf(fp, "Message-ID: <tlsrpt.%lld.%s@%s>\n", (long long)em->date, id,
	    strchr(em->from, '@') + 1);
	fprintf(fp, "Auto-Submitted: auto-generated\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/alternative; boundary=\"%s\"\n\n"
	    "This is a TLS-RPT digest in MIME format.\n\n", boundary);
	fprintf(fp, "--%s\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n", boundary);
	mail_qp_write(fp, text, tlen);
	fprintf(fp, "\n--%s\nContent-Type: text/html; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n", boundary);
	mail_qp_write(fp, html, hlen);
	fprintf(fp, "\n--%s--\n", boundary);
	free(text);
	free(html);
	errno = 0;
	rc = fflush(fp) != 0 || ferror(fp) ? -1 : 0;
	if (rc < 0)
		snprintf(errbuf, errlen, "write error: %s", strerror(errno != 0 ? errno : EIO));
	return rc;
}
