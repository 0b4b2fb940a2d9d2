/*
 * check_args.h - the options `tlsrpt check` and `tlsrpt watch` share:
 * where to ask DNS, which CA to trust, the SMTP and HTTPS ports, the
 * timeout.  A verb lists CHECK_ARGS_LONGOPTS in its getopt_long() table
 * and hands each option it does not know itself to check_args_option().
 */
#ifndef TLSRPT_CHECK_ARGS_H
#define TLSRPT_CHECK_ARGS_H

#include "check_options.h"

#define CHECK_ARGS_LONGOPTS \
	{ "resolver", required_argument, NULL, 'r' }, \
	{ "ca-file", required_argument, NULL, 'C' }, \
	{ "port", required_argument, NULL, 'p' }, \
	{ "timeout", required_argument, NULL, 't' }, \
	{ "https-port", required_argument, NULL, 'H' }

/* OPT zeroed, with the ports and timeout a sender uses. */
void check_args_defaults(struct check_options *opt);

/*
 * Option C with argument ARG into OPT: 1 when taken, 0 when C is not one
 * of CHECK_ARGS_LONGOPTS, -1 after saying on stderr why ARG is bad.
 */
int check_args_option(int c, const char *arg, struct check_options *opt);

/* A decimal number in [LO, HI], or -1. */
long check_args_number(const char *s, long lo, long hi);

#endif
