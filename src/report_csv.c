/*
 * report_csv.c - `tlsrpt report --format csv`: one row per domain, day and
 * result type, for spreadsheets.  A day with no failure still gets a row
 * (result_type empty) so the successful sessions are there.  RFC 4180:
 * CRLF line ends, fields with a comma, quote or line break quoted.
 */
#include "report_model.h"
#include "report_render.h"

#include <string.h>

static void
field(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL && s[0] != '=' && s[0] != '+' &&
	    s[0] != '-' && s[0] != '@') {
		fputs(s, fp);
		return;
	}
	/* Quoted; a leading = + - @ gets a ' so a spreadsheet won't run it. */
	fputc('"', fp);
	if (strchr("=+-@", s[0]) != NULL)
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
