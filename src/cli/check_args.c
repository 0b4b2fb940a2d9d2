/*
 * check_args.c - the options `tlsrpt check` and `tlsrpt watch` share; see
 * check_args.h.
 */
#include "check_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
check_args_defaults(struct check_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->smtp_port = 25;
	opt->https_port = 443;
	opt->timeout = 10;
}

long
check_args_number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	return v;
}

int
check_args_option(int c, const char *arg, struct check_options *opt)
{
	long v;

	switch (c) {
	case 'r':
		opt->resolver = arg;
		return 1;
	case 'C':
		opt->ca_file = arg;
		return 1;
	case 'p':
	case 'H':
		if ((v = check_args_number(arg, 1, 65535)) < 0) {
			fprintf(stderr, "tlsrpt: bad port \"%s\"\n", arg);
			return -1;
		}
		*(c == 'p' ? &opt->smtp_port : &opt->https_port) = (int)v;
		return 1;
	case 't':
		if ((v = check_args_number(arg, 1, 600)) < 0) {
			fprintf(stderr, "tlsrpt: --timeout is 1 to 600 seconds\n");
			return -1;
		}
		opt->timeout = (int)v;
		return 1;
	default:
		return 0;
	}
}
