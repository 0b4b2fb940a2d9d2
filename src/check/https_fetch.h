/*
 * https_fetch.h - fetch an MTA-STS policy the way RFC 8461 section 3.3
 * tells senders to: HTTPS only, TLS 1.2 or newer, the web PKI validated
 * against the system store (or CA_FILE), no redirects, a size limit and
 * a timeout.  libcurl does the work; curl_global_init is the caller's.
 *
 * HOST is connected to at ADDR (resolved by the caller, so one resolver
 * answers every question) on PORT (443, or a test port).  On return
 * res->body is malloc'd (NUL-terminated) when the server answered; the
 * caller frees it with https_result_free().
 */
#ifndef TLSRPT_HTTPS_FETCH_H
#define TLSRPT_HTTPS_FETCH_H

#include <stddef.h>

enum https_outcome {
	HTTPS_OK,		/* 200, body within the limit */
	HTTPS_WEBPKI,		/* the certificate failed validation */
	HTTPS_FETCH		/* anything else: connect, status, size */
};

struct https_result {
	enum https_outcome outcome;
	long status;			/* HTTP status, 0 when none */
	char content_type[128];
	char location[256];		/* a redirect's target, not followed */
	char err[256];
	char *body;
	size_t len;
};

int https_fetch(const char *host, const char *addr, int port,
    const char *path, const char *ca_file, int timeout, size_t max,
    struct https_result *res);
void https_result_free(struct https_result *res);

#endif
