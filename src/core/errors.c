/*
 * errors.c - error codes, their stable names, message formatting, and the
 * other helpers core.h shares among the core's modules.
 */
#include "core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const errcode_names[TLSRPT_E__COUNT] = {
	[TLSRPT_OK] = "ok",
	[TLSRPT_E_EMPTY] = "empty-input",
	[TLSRPT_E_UNRECOGNIZED] = "unrecognized-input",
	[TLSRPT_E_NO_REPORT] = "no-report-part",
	[TLSRPT_E_MIME] = "mime",
	[TLSRPT_E_INFLATE] = "inflate",
	[TLSRPT_E_JSON] = "json-syntax",
	[TLSRPT_E_ENCODING] = "json-encoding",
	[TLSRPT_E_SCHEMA] = "report-schema",
	[TLSRPT_E_LIMIT_MESSAGE] = "limit-message-size",
	[TLSRPT_E_LIMIT_INFLATED] = "limit-inflated-size",
	[TLSRPT_E_LIMIT_RATIO] = "limit-inflate-ratio",
	[TLSRPT_E_LIMIT_DEPTH] = "limit-json-depth",
	[TLSRPT_E_LIMIT_POLICIES] = "limit-policies",
	[TLSRPT_E_LIMIT_DETAILS] = "limit-failure-details",
	[TLSRPT_E_LIMIT_STRING] = "limit-string-length",
	[TLSRPT_E_LIMIT_MIME_DEPTH] = "limit-mime-depth",
	[TLSRPT_E_LIMIT_PARTS] = "limit-report-parts",
	[TLSRPT_E_LIMIT_MIME_PARTS] = "limit-mime-parts",
	[TLSRPT_E_NOMEM] = "out-of-memory",
};

const char *
tlsrpt_errcode_name(enum tlsrpt_errcode code)
{
	if ((unsigned)code >= TLSRPT_E__COUNT)
		return "unknown-error";
	return errcode_names[code];
}

int
tlsrpt_errcode_is_limit(enum tlsrpt_errcode code)
{
	return code >= TLSRPT_E_LIMIT_MESSAGE && code <= TLSRPT_E_LIMIT_MIME_PARTS;
}

void
tlsrpt_limits_default(struct tlsrpt_limits *lim)
{
	lim->max_message_bytes = TLSRPT_DEFAULT_MAX_MESSAGE;
	lim->max_inflated_bytes = TLSRPT_DEFAULT_MAX_INFLATED;
	lim->max_inflate_ratio = TLSRPT_DEFAULT_MAX_RATIO;
	lim->max_json_depth = TLSRPT_DEFAULT_MAX_DEPTH;
	lim->max_policies = TLSRPT_DEFAULT_MAX_POLICIES;
	lim->max_failure_details = TLSRPT_DEFAULT_MAX_DETAILS;
	lim->max_string_bytes = TLSRPT_DEFAULT_MAX_STRING;
	lim->max_mime_depth = TLSRPT_DEFAULT_MAX_MIME_DEPTH;
	lim->max_report_parts = TLSRPT_DEFAULT_MAX_PARTS;
	lim->max_mime_parts = TLSRPT_DEFAULT_MAX_MIME_PARTS;
}

enum tlsrpt_errcode
tlsrpt_seterr(struct tlsrpt_error *err, enum tlsrpt_errcode code,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void
tlsrpt_err_prefix(struct tlsrpt_error *err, const char *fmt, ...)
{
	char prefix[256];
	size_t plen, mlen, cap = sizeof(err->message) - 1;
	va_list ap;
	int n;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	plen = strlen(prefix);
	memcpy(prefix + plen, ": ", 2);
	plen += 2;
	/* Shift the old message right; a too-long tail is cut, never the prefix. */
	mlen = strnlen(err->message, cap);
	if (plen + mlen > cap)
		mlen = cap - plen;
	memmove(err->message + plen, err->message, mlen);
	memcpy(err->message, prefix, plen);
	err->message[plen + mlen] = '\0';
}

int
tlsrpt_first_byte(const unsigned char *p, size_t len)
{
	size_t i = 0;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return (int)(i < len ? p[i] : -1);
}
