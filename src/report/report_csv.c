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
	struct json_object *daily = mval_array(model, "daily");
	size_t i, n = daily ? json_object_array_length(daily) : 0;

	fputs("date,domain,result_type,failed_sessions,day_successful_sessions,"
	    "day_failed_sessions\r\n", fp);
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(daily, i), *types = NULL;
		long long ok = mval_int(d, "successful"), failed = mval_int(d, "failed");
		int any = 0;

		json_object_object_get_ex(d, "result_types", &types);
		if (types != NULL && json_object_is_type(types, json_type_object)) {
			json_object_object_foreach(types, rt, cnt) {
				field(fp, mval_str(d, "date"));
				fputc(',', fp);
				field(fp, mval_str(d, "domain"));
				fputc(',', fp);
				field(fp, rt);
				fprintf(fp, ",%lld,%lld,%lld\r\n",
				    (long long)json_object_get_int64(cnt), ok, failed);
				any = 1;
			}
		}
		if (!any) {
			field(fp, mval_str(d, "date"));
			fputc(',', fp);
			field(fp, mval_str(d, "domain"));
			fprintf(fp, ",,0,%lld,%lld\r\n", ok, failed);
		}
	}
	return ferror(fp) ? -1 : 0;
}
