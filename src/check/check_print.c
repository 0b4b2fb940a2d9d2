/*
 * check_print.c - output of `tlsrpt check`; see check_print.h.
 */
#include "check_print.h"
#include "text_safe.h"

#include <json.h>

static const char *
status_name(const struct check_report *rep)
{
	switch (check_exit_status(rep)) {
	case 0:
		return "pass";
	case 1:
		return "warn";
	default:
		return "fail";
	}
}

int
check_print_text(FILE *fp, const struct check_report *rep, int verbose)
{
	size_t i, fails = 0, warns = 0;

	for (i = 0; i < rep->count; i++) {
		const struct check_finding *f = &rep->items[i];

		if (f->level == CHECK_FAIL)
			fails++;
		else if (f->level == CHECK_WARN)
			warns++;
		/* Subjects and messages quote DNS records and fetched
		 * policies: anyone's text, sanitized. */
		fprintf(fp, "%-8s ", check_level_name(f->level));
		text_fputs(fp, f->subject);
		fputs(f->subject[0] != '\0' ? ": " : "", fp);
		text_fputs(fp, f->msg);
		if (f->result_type != NULL) {
			fputs(" [", fp);
			text_fputs(fp, f->result_type);
			fputc(']', fp);
		}
		if (verbose)
			fprintf(fp, " (%s)", f->id);
		fputc('\n', fp);
	}
	if (rep->dropped > 0)
		fprintf(fp, "(%zu more findings not shown)\n", rep->dropped);
	fprintf(fp, "%s: %zu failure%s, %zu warning%s\n", status_name(rep),
	    fails, fails == 1 ? "" : "s", warns, warns == 1 ? "" : "s");
	return 0;
}

int
check_print_json(FILE *fp, const struct check_report *rep)
{
	struct json_object *top, *arr, *o;
	size_t i;

	if ((top = json_object_new_object()) == NULL)
		return -1;
	json_object_object_add(top, "status",
	    json_object_new_string(status_name(rep)));
	json_object_object_add(top, "exit",
	    json_object_new_int(check_exit_status(rep)));
	arr = json_object_new_array();
	for (i = 0; i < rep->count; i++) {
		const struct check_finding *f = &rep->items[i];

		o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(
		    f->level == CHECK_FAIL ? "fail" : check_level_name(f->level)));
		json_object_object_add(o, "id", json_object_new_string(f->id));
		json_object_object_add(o, "result_type", f->result_type != NULL ?
		    json_object_new_string(f->result_type) : NULL);
		json_object_object_add(o, "subject",
		    json_object_new_string(f->subject));
		json_object_object_add(o, "message",
		    json_object_new_string(f->msg));
		json_object_array_add(arr, o);
	}
	json_object_object_add(top, "findings", arr);
	json_object_object_add(top, "dropped",
	    json_object_new_int64((int64_t)rep->dropped));
	text_json_fputs(fp, json_object_to_json_string_ext(top,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fputc('\n', fp);
	json_object_put(top);
	return 0;
}
