/*
 * cmd_parse.c - `tlsrpt parse [--json] FILE...`: decode reports.
 */
#include "cmd.h"
#include "file_read.h"
#include "parse_print.h"
#include "text_safe.h"
#include "tlsrpt.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: tlsrpt parse [--json] FILE...   (FILE - is standard input)\n");
}

/* Returns 0 when FILE yielded at least one report, 1 otherwise. */
static int
parse_one(const char *path, int as_json, const struct tlsrpt_limits *lim)
{
	struct tlsrpt_result *res;
	struct tlsrpt_error err;
	char *buf, source[4096];
	size_t len, i;
	int rc = 0;

	if (file_read_bounded(path, lim->max_message_bytes, &buf, &len) < 0) {
		fprintf(stderr, "tlsrpt: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (tlsrpt_parse(buf, len, lim, &res, &err) != TLSRPT_OK) {
		fprintf(stderr, "tlsrpt: %s: ", path);
		text_fputs(stderr, err.message);
		fputc('\n', stderr);
		free(buf);
		return 1;
	}
	for (i = 0; i < res->n_warnings; i++) {
		fprintf(stderr, "tlsrpt: %s: warning: ", path);
		text_fputs(stderr, res->warnings[i]);
		fputc('\n', stderr);
	}
	for (i = 0; i < res->n_reports && rc == 0; i++) {
		const struct tlsrpt_report *rep = &res->reports[i];

		if (rep->part_index > 0)
			snprintf(source, sizeof(source), "%s#%u", path, rep->part_index);
		else
			snprintf(source, sizeof(source), "%s", path);
		if ((as_json ? report_print_jsonl(stdout, source, rep,
		    res->warnings, res->n_warnings) :
		    report_print_text(stdout, source, rep)) < 0) {
			fprintf(stderr, "tlsrpt: %s: out of memory\n", path);
			rc = 1;
		}
	}
	tlsrpt_result_free(res);
	free(buf);
	return rc;
}

int
cmd_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlsrpt_limits lim;
	int c, as_json = 0, failed = 0, i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	tlsrpt_limits_default(&lim);
	tlsrpt_library_init();
	for (i = optind; i < argc; i++)
		failed |= parse_one(argv[i], as_json, &lim);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "tlsrpt: standard output: %s\n", strerror(errno));
		failed = 1;
	}
	tlsrpt_library_shutdown();
	return failed ? 1 : 0;
}
