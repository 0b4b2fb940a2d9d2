/*
 * cmd_explain.c - `tlsrpt explain [RESULT-TYPE...]`: what a failure means.
 */
#include "cmd.h"
#include "result_types.h"

#include <stdio.h>
#include <string.h>

int
cmd_explain(int argc, char **argv)
{
	const struct result_type_info *all;
	size_t n, i;
	int a;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		printf("usage: tlsrpt explain [RESULT-TYPE...]\n");
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: tlsrpt explain [RESULT-TYPE...]\n");
		return 2;
	}
	if (argc <= 1) {
		printf("TLS-RPT result types (RFC 8460 section 4.3). Reports describe mail\n"
		    "that other organisations delivered TO your domain: every fix below is\n"
		    "on your receiving side (MX hosts, DNS, MTA-STS policy host).\n\n");
		all = result_types_all(&n);
		for (i = 0; i < n; i++)
			result_type_explain(stdout, &all[i], all[i].name);
		return 0;
	}
	for (a = 1; a < argc; a++)
		result_type_explain(stdout, result_type_lookup(argv[a]), argv[a]);
	return 0;
}
