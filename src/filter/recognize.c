/*
 * recognize.c - candidate detection from headers; see recognize.h.
 */
#include "recognize.h"

#include <ctype.h>
#include <fnmatch.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Skip white space and RFC 5322 comments (nested parentheses). */
static const char *
skip_cfws(const char *p)
{
	int depth;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '(')
			return p;
		for (depth = 0; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

int
recog_content_type_is_tlsrpt(const char *value)
{
	static const char type[] = "multipart/report";
	const char *p = skip_cfws(value), *name, *val;
	size_t name_len, val_len;

	if (strncasecmp(p, type, sizeof(type) - 1) != 0)
		return 0;
	p += sizeof(type) - 1;
	/* Parameters: ; name = value, value a token or a quoted string. */
	for (;;) {
		p = skip_cfws(p);
		if (*p != ';')
			return 0;
		p = skip_cfws(p + 1);
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' &&
		    !isspace((unsigned char)*p))
			p++;
		name_len = (size_t)(p - name);
		p = skip_cfws(p);
		if (*p != '=')
			continue;
		p = skip_cfws(p + 1);
		if (*p == '"') {
			val = ++p;
			while (*p != '\0' && *p != '"')
				p += *p == '\\' && p[1] != '\0' ? 2 : 1;
			val_len = (size_t)(p - val);
			if (*p == '"')
				p++;
		} else {
			val = p;
			while (*p != '\0' && *p != ';' && *p != '(' &&
			    !isspace((unsigned char)*p))
				p++;
			val_len = (size_t)(p - val);
		}
		if (name_len == 11 && strncasecmp(name, "report-type", 11) == 0)
			return val_len == 6 && strncasecmp(val, "tlsrpt", 6) == 0;
	}
}

int
recog_is_report_header(const char *name)
{
	return strcasecmp(name, "TLS-Report-Domain") == 0 ||
	    strcasecmp(name, "TLS-Report-Submitter") == 0;
}

int
recog_from_address(const char *value, char *addr, size_t addr_len,
    char *domain, size_t domain_len)
{
	InternetAddressList *list;
	InternetAddress *ia;
	const char *a, *at;
	int rc = -1, i, n;

	if ((list = internet_address_list_parse(NULL, value)) == NULL)
		return -1;
	n = internet_address_list_length(list);
	for (i = 0; i < n && rc < 0; i++) {
		ia = internet_address_list_get_address(list, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		if (a == NULL || (at = strrchr(a, '@')) == NULL || at[1] == '\0' ||
		    strlen(a) >= addr_len || strlen(at + 1) >= domain_len)
			continue;
		snprintf(addr, addr_len, "%s", a);
		snprintf(domain, domain_len, "%s", at + 1);
		for (char *d = domain; *d != '\0'; d++)
			*d = (char)tolower((unsigned char)*d);
		rc = 0;
	}
	g_object_unref(list);
	return rc;
}

static int
domain_matches(const char *domain, const char *pattern)
{
	size_t dl = strlen(domain), pl = strlen(pattern);

	if (dl == pl)
		return strcasecmp(domain, pattern) == 0;
	return dl > pl && domain[dl - pl - 1] == '.' &&
	    strcasecmp(domain + dl - pl, pattern) == 0;
}

int
recog_address_matches(const char *addr, char *const *patterns, size_t n)
{
	char bare[512];
	const char *at;
	size_t i, len;

	if (*addr == '<')
		addr++;
	len = strcspn(addr, ">");
	if (len == 0 || len >= sizeof(bare))
		return 0;
	memcpy(bare, addr, len);
	bare[len] = '\0';
	at = strrchr(bare, '@');
	for (i = 0; i < n; i++) {
		if (strchr(patterns[i], '@') != NULL) {
			if (fnmatch(patterns[i], bare, FNM_CASEFOLD) == 0)
				return 1;
		} else if (at != NULL && domain_matches(at + 1, patterns[i])) {
			return 1;
		}
	}
	return 0;
}

int
recog_signer_matches(const char *signer, char *const *patterns, size_t n)
{
	char bare[256];
	const char *domain;
	size_t i, len = strlen(signer);

	if (len > 0 && signer[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(bare))
		return 0;
	memcpy(bare, signer, len);
	bare[len] = '\0';
	for (i = 0; i < n; i++) {
		domain = strrchr(patterns[i], '@');
		domain = domain != NULL ? domain + 1 : patterns[i];
		if (*domain == '\0')
			continue;
		if (strpbrk(domain, "*?[") != NULL) {
			if (fnmatch(domain, bare, FNM_CASEFOLD) == 0)
				return 1;
		} else if (domain_matches(bare, domain))
			return 1;
	}
	return 0;
}

static int
contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return 1;
	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int
recog_may_mention(const char *text, char *const *patterns, size_t n)
{
	const char *domain;
	size_t i;

	for (i = 0; i < n; i++) {
		domain = strrchr(patterns[i], '@');
		domain = domain != NULL ? domain + 1 : patterns[i];
		/* The address itself is never encoded (RFC 2047 covers only
		 * the display name), so its domain appears as is. */
		if (strpbrk(domain, "*?[") != NULL || contains_nocase(text, domain))
			return 1;
	}
	return 0;
}

const char *
recog_reason_string(unsigned reasons, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ RECOG_CONTENT_TYPE, "content-type" },
		{ RECOG_REPORT_HEADER, "tls-report-header" },
		{ RECOG_KNOWN_REPORTER, "known-reporter" },
		{ RECOG_REPORT_ADDRESS, "report-address" },
	};
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((reasons & names[i].bit) != 0 && off < size)
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
			    off > 0 ? "," : "", names[i].name);
	return buf;
}
