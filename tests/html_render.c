/*
 * html_render.c - test driver: a report model JSON file in, the HTML
 * page out, through report_html_write().  Used by tests/html_browser.sh
 * until `tlsrpt report --format html` produces the page itself.
 *
 *   html_render MODEL.json OUT.html     (OUT "-" is standard output)
 *
 * Exit 0 on success, 1 with a message on stderr otherwise.
 */
#include "report_html.h"

#include <json.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	struct json_object *model;
	char err[256];
	FILE *fp;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: html_render MODEL.json OUT.html\n");
		return 2;
	}
	if ((model = json_object_from_file(argv[1])) == NULL) {
		fprintf(stderr, "html_render: %s: %s\n", argv[1],
		    json_util_get_last_err());
		return 1;
	}
	fp = strcmp(argv[2], "-") == 0 ? stdout : fopen(argv[2], "w");
	if (fp == NULL) {
		perror(argv[2]);
		json_object_put(model);
		return 1;
	}
	rc = report_html_write(fp, model, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "html_render: %s\n", err);
	if (fp != stdout && fclose(fp) != 0 && rc == 0) {
		perror(argv[2]);
		rc = -1;
	}
	json_object_put(model);
	return rc == 0 ? 0 : 1;
}
