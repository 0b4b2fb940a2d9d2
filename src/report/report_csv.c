/*
 * report_csv.c - `tlsrpt report --format csv`: one row per domain, day and
 * result type, for spreadsheets.  A day with no failure still gets a row
 * (result_type empty) so the successful sessions are there.  RFC 4180:
 * CRLF line ends, fields with a comma, quote or line break quoted.
 *
 * Text cells (domain, result type) come from reports.  One starting with
 * = + - @ TAB or CR, which a spreadsheet may run as a formula, is quoted
 * and gets a leading ' (OWASP's rule); the rest of a text cell goes
 * through text_sanitize(), so no control character reaches a terminal
 * that shows the CSV.  Numbers are ours (printf of an integer) and are
 * written as they are: a negative count keeps its '-'.
 */
#include "report_daily.h"
#include "report_model.h"
#include "report_render.h"
#include "text_safe.h"

#include <string.h>

#define FORMULA_START	"=+-@\t\r"

static void
field(FILE *fp, const char *raw)
{
	char safe[1024];
	const char *s = safe;
	int formula = raw[0] != '\0' && strchr(FORMULA_START, raw[0]) != NULL;

	text_sanitize(safe, sizeof(safe), raw);
	if (strpbrk(s, ",\"\r\n") == NULL && !formula) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (formula)
		fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

int
report_csv_write(FILE *fp, struct json_object *model)
{
	size_t i, j, n = report_daily_n(model);

	fputs("date,domain,result_type,failed_sessions,day_successful_sessions,"
	    "day_failed_sessions\r\n", fp);
	for (i = 0; i < n; i++) {
		struct report_daily_entry d;
		const char *rt;
		long long cnt;

		if (report_daily_at(model, i, &d) < 0)
			break;
		for (j = 0; report_daily_type(&d, j, &rt, &cnt) == 0; j++) {
			field(fp, d.date);
			fputc(',', fp);
			field(fp, d.domain);
			fputc(',', fp);
			field(fp, rt);
			fprintf(fp, ",%lld,%lld,%lld\r\n", cnt, d.successful, d.failed);
		}
		if (j == 0) {
			field(fp, d.date);
			fputc(',', fp);
			field(fp, d.domain);
			fprintf(fp, ",,0,%lld,%lld\r\n", d.successful, d.failed);
		}
	}
	return ferror(fp) ? -1 : 0;
}
