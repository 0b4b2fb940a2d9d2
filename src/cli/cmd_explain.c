/*
 * cmd_explain.c - `tlsrpt explain [TYPE...]`: what a failure (a result
 * type) or a policy type means.
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
		printf("usage: tlsrpt explain [RESULT-TYPE|POLICY-TYPE...]\n");
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: tlsrpt explain [RESULT-TYPE|POLICY-TYPE...]\n");
		return 2;
	}
	if (argc <= 1) {
		printf("TLS-RPT result types (RFC 8460 section 4.3). Reports describe mail\n"
		    "that other organisations delivered TO your domain: every fix below is\n"
		    "on your receiving side (MX hosts, DNS, MTA-STS policy host).\n\n");
		all = result_types_all(&n);
		for (i = 0; i < n; i++)
			result_type_explain(stdout, &all[i], all[i].name);
		printf("Policy types (RFC 8460 section 4.4): which policy the sender applied.\n\n");
		for (i = 0; policy_type_name(i) != NULL; i++)
			printf("%s\n", policy_type_explanation(policy_type_name(i)));
		return 0;
	}
	for (a = 1; a < argc; a++) {
		const char *p = policy_type_explanation(argv[a]);

		if (p != NULL)
			printf("%s\n", p);
		else
			result_type_explain(stdout, result_type_lookup(argv[a]), argv[a]);
	}
	return 0;
}
