/*
 * test_report_csv.c - CSV cells from report strings: formula starts
 * neutralised, quoting intact, control characters escaped, our own
 * numbers untouched.
 */
#include "report_model.h"
#include "report_render.h"
#include "testlib.h"

#include <json.h>
#include <stdlib.h>

/* The CSV of one day for DOMAIN with one failure of RESULT_TYPE. */
static char *
csv_of(const char *domain, const char *result_type)
{
	struct json_object *m = json_object_new_object(), *daily = json_object_new_array();
	struct json_object *d = json_object_new_object(), *types = json_object_new_object();
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	json_object_object_add(d, "date", json_object_new_string("2026-01-10"));
	json_object_object_add(d, "domain", json_object_new_string(domain));
	json_object_object_add(d, "successful", json_object_new_int64(5));
	json_object_object_add(d, "failed", json_object_new_int64(-2));
	json_object_object_add(types, result_type, json_object_new_int64(2));
	json_object_object_add(d, "result_types", types);
	json_object_array_add(daily, d);
	json_object_object_add(m, "daily", daily);
	CHECK_INT(report_csv_write(fp, m), 0);
	fclose(fp);
	json_object_put(m);
	return out;
}

static const struct {
	const char *name, *domain, *type, *want;	/* WANT: the row after the header */
} cases[] = {
	{ "plain", "example.com", "certificate-expired",
	    "2026-01-10,example.com,certificate-expired,2,5,-2\r\n" },
	{ "UTF-8 kept", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84",
	    "x", "2026-01-10,\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84"
	    ",x,2,5,-2\r\n" },
	{ "=HYPERLINK", "=HYPERLINK(\"http://x.example/\",\"a\")", "x",
	    "2026-01-10,\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"a\"\")\",x,2,5,-2\r\n" },
	{ "+", "+1+1", "x", "2026-01-10,\"'+1+1\",x,2,5,-2\r\n" },
	{ "- in a text cell", "-1+cmd", "x", "2026-01-10,\"'-1+cmd\",x,2,5,-2\r\n" },
	{ "@", "@SUM(A1)", "x", "2026-01-10,\"'@SUM(A1)\",x,2,5,-2\r\n" },
	{ "TAB first", "\t=1+1", "x", "2026-01-10,\"'\\x09=1+1\",x,2,5,-2\r\n" },
	{ "CR first", "\r=1+1", "x", "2026-01-10,\"'\\x0d=1+1\",x,2,5,-2\r\n" },
	{ "result type =", "example.com", "=cmd|' /C calc'!A0",
	    "2026-01-10,example.com,\"'=cmd|' /C calc'!A0\",2,5,-2\r\n" },
	{ "C1 and ESC escaped", "a\xc2\x9b" "31m\x1b]0;x\x07", "x",
	    "2026-01-10,a\\u009b31m\\x1b]0;x\\x07,x,2,5,-2\r\n" },
	{ "comma quoted", "a,b", "x", "2026-01-10,\"a,b\",x,2,5,-2\r\n" },
	{ "= inside is fine", "a=b", "x", "2026-01-10,a=b,x,2,5,-2\r\n" },
};

int
main(void)
{
	static const char head[] = "date,domain,result_type,failed_sessions,"
	    "day_successful_sessions,day_failed_sessions\r\n";
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = csv_of(cases[i].domain, cases[i].type);

		CHECKF(out != NULL && strncmp(out, head, strlen(head)) == 0,
		    "%s: header", cases[i].name);
		CHECKF(out != NULL && strcmp(out + strlen(head), cases[i].want) == 0,
		    "%s: got \"%s\"", cases[i].name, out ? out + strlen(head) : "(null)");
		free(out);
	}
	return test_summary("test_report_csv");
}
