/*
 * check_live.c - placeholder until the live checks land.
 */
#include "check_live.h"

#include <stdio.h>

int
check_live_domain(const struct check_options *opt, struct check_report *rep)
{
	(void)opt;
	(void)rep;
	fprintf(stderr, "tlsrpt: live checks are not built yet\n");
	return -1;
}

int
check_live_mx(const struct check_options *opt, const char *host,
    struct check_report *rep)
{
	(void)opt;
	(void)host;
	(void)rep;
	fprintf(stderr, "tlsrpt: live checks are not built yet\n");
	return -1;
}
