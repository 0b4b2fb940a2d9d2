/*
 * check_options.h - what one run of the live checks was asked to do:
 * the domain, where to ask DNS, which CA store, ports and the timeout
 * per network step.  Shared by check_live (the domain) and check_mx
 * (each MX host), which must not include each other.
 */
#ifndef TLSRPT_CHECK_OPTIONS_H
#define TLSRPT_CHECK_OPTIONS_H

struct check_options {
	const char *domain;
	const char *resolver;		/* "HOST:PORT" or NULL */
	const char *ca_file;		/* NULL: the system store */
	int smtp_port;			/* 25 */
	int https_port;			/* 443; another only for tests */
	int timeout;			/* seconds, per network step */
};

#endif
