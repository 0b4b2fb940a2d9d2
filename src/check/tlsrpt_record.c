/*
 * tlsrpt_record.c - RFC 8460 section 3: the _smtp._tls TXT record.
 *
 *   tlsrpt-record    = tlsrpt-version 1*(field-delim tlsrpt-field)
 *                      [field-delim]
 *   tlsrpt-version   = %s"v=TLSRPTv1"
 *   tlsrpt-rua       = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 *   tlsrpt-uri       = URI ; "," "!" ";" must be percent-encoded
 *   tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value
 *   tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
 * The field split is txt_fields.c; this file judges the values.
 */
#include "tlsrpt_record.h"
#include "ascii.h"
#include "txt_fields.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>


static const char RECORD_VERSION[] = "v=TLSRPTv1";

int
tlsrpt_record_is_candidate(const char *data, size_t len)
{
	return len >= sizeof(RECORD_VERSION) - 1 &&
	    memcmp(data, RECORD_VERSION, sizeof(RECORD_VERSION) - 1) == 0;
}

/* HOST equals DOMAIN or is below it (case-insensitive, no trailing dot). */
static int
in_domain(const char *host, size_t n, const char *domain)
{
	size_t d = strlen(domain);

	while (d > 0 && domain[d - 1] == '.')
		d--;
	if (n == d)
		return strncasecmp(host, domain, n) == 0;
	return n > d && host[n - d - 1] == '.' &&
	    strncasecmp(host + n - d, domain, d) == 0;
}

/*
 * One URI from the rua list.  Returns 0 when senders can use it.  The
 * URI character set is RFC 3986's; TLS-RPT also takes "," "!" and ";"
 * away (they must be %-encoded).
 */
static int
uri_check(const char *u, size_t n, const char *domain,
    struct check_report *rep)
{
	size_t i, colon = 0, at = 0, end;
	const char *host;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];

		if (c == '%') {
			if (i + 2 >= n || !ASCII_IS_HEX(u[i + 1]) ||
			    !ASCII_IS_HEX(u[i + 2])) {
				check_add(rep, CHECK_FAIL, "rua-bad-escape", NULL,
				    "\"%.*s\": \"%%\" must start a %%XX escape",
				    (int)n, u);
				return -1;
			}
			i += 2;
			continue;
		}
		if (c == '!') {
			check_add(rep, CHECK_FAIL, "rua-bang", NULL,
			    "\"%.*s\": \"!\" must be written %%21 in a TLS-RPT "
			    "URI (DMARC-style size limits like !10m do not exist "
			    "in TLS-RPT)", (int)n, u);
			return -1;
		}
		if (ASCII_IS_ALPHA(c) || ASCII_IS_DIGIT(c) || strchr("-._~:/?#[]@$&'()*+=", c))
			continue;
		check_add(rep, CHECK_FAIL, "rua-bad-char", NULL,
		    "\"%.*s\": character '%c' is not allowed in a URI "
		    "(percent-encode it)", (int)n, u, c);
		return -1;
	}
	while (colon < n && u[colon] != ':')
		colon++;
	if (colon == n || colon == 0) {
		check_add(rep, CHECK_FAIL, "rua-no-scheme", NULL,
		    "\"%.*s\" is not a URI: write mailto:ADDRESS or "
		    "https://HOST/PATH", (int)n, u);
		return -1;
	}
	if (colon == 6 && strncasecmp(u, "mailto", 6) == 0) {
		end = colon + 1;
		while (end < n && u[end] != '?')
			end++;
		for (i = colon + 1; i < end; i++)
			if (u[i] == '@') {
				if (at != 0)
					break;
				at = i;
			}
		if (at == 0 || i < end || at == colon + 1 || at + 1 == end) {
			check_add(rep, CHECK_FAIL, "rua-bad-mailto", NULL,
			    "\"%.*s\": mailto: needs one address local@domain",
			    (int)n, u);
			return -1;
		}
		host = u + at + 1;
		if (!txt_hostname_ok(host, (size_t)(u + end - host))) {
			check_add(rep, CHECK_FAIL, "rua-bad-mailto", NULL,
			    "\"%.*s\": \"%.*s\" is not a mail domain", (int)n, u,
			    (int)(u + end - host), host);
			return -1;
		}
		if (domain != NULL && *domain != '\0' &&
		    !in_domain(host, (size_t)(u + end - host), domain))
			check_add(rep, CHECK_WARN, "rua-external", NULL,
			    "reports for %s go to a mailbox at %.*s: check "
			    "that it accepts them (mail there is not under "
			    "this domain's control)", domain,
			    (int)(u + end - host), host);
		return 0;
	}
	if (colon == 5 && strncasecmp(u, "https", 5) == 0) {
		if (n < colon + 3 || memcmp(u + colon, "://", 3) != 0) {
			check_add(rep, CHECK_FAIL, "rua-bad-https", NULL,
			    "\"%.*s\": https: URIs need //HOST", (int)n, u);
			return -1;
		}
		host = u + colon + 3;
		for (end = (size_t)(host - u); end < n && u[end] != '/' &&
		    u[end] != '?' && u[end] != '#'; end++)
			;
		i = (size_t)(host - u);
		while (i < end && u[i] != ':')
			i++;
		if (!txt_hostname_ok(host, (size_t)(u + i - host))) {
			check_add(rep, CHECK_FAIL, "rua-bad-https", NULL,
			    "\"%.*s\": \"%.*s\" is not a host name", (int)n, u,
			    (int)(u + i - host), host);
			return -1;
		}
		if (i < end) {
			size_t p = i + 1;

			if (p == end || end - p > 5)
				p = end + 1;
			while (p < end && ASCII_IS_DIGIT(u[p]))
				p++;
			if (p != end) {
				check_add(rep, CHECK_FAIL, "rua-bad-https", NULL,
				    "\"%.*s\": bad port", (int)n, u);
				return -1;
			}
		}
		return 0;
	}
	if (colon == 4 && strncasecmp(u, "http", 4) == 0) {
		check_add(rep, CHECK_FAIL, "rua-http", NULL,
		    "\"%.*s\": plain http: is not allowed, senders only "
		    "POST reports to https: URIs", (int)n, u);
		return -1;
	}
	check_add(rep, CHECK_FAIL, "rua-scheme", NULL,
	    "\"%.*s\": scheme \"%.*s\" is not supported: only mailto: and "
	    "https:", (int)n, u, (int)colon, u);
	return -1;
}

/* The rua value: URIs separated by *WSP "," *WSP. */
static int
rua_check(const char *data, const struct txt_field *f, const char *domain,
    struct tlsrpt_record *rec, struct check_report *rep)
{
	const char *v = f->value, *end = f->value + f->value_len;
	int bad = 0;

	if (f->value_len == 0) {
		check_add(rep, CHECK_FAIL, "rua-empty", NULL,
		    "rua= is empty: senders have nowhere to send reports");
		return -1;
	}
	while (v < end) {
		const char *u = v;
		size_t j;

		while (v < end && *v != ',' && !ASCII_IS_WSP(*v))
			v++;
		if (v == u) {
			check_add(rep, CHECK_FAIL, "rua-empty-uri", NULL,
			    "empty URI in rua= (stray comma at offset %zu)",
			    (size_t)(u - data));
			return -1;
		}
		if (uri_check(u, (size_t)(v - u), domain, rep) < 0)
			bad = 1;
		if (rec->rua_count >= TLSRPT_RUA_MAX) {
			check_add(rep, CHECK_FAIL, "rua-too-many", NULL,
			    "more than %d report URIs", TLSRPT_RUA_MAX);
			return -1;
		}
		for (j = 0; j < rec->rua_count; j++)
			if (rec->rua[j].len == (size_t)(v - u) &&
			    strncasecmp(data + rec->rua[j].off, u, rec->rua[j].len) == 0)
				check_add(rep, CHECK_WARN, "rua-duplicate", NULL,
				    "\"%.*s\" is listed twice: senders may "
				    "send it two reports", (int)(v - u), u);
		rec->rua[rec->rua_count].off = (size_t)(u - data);
		rec->rua[rec->rua_count].len = (size_t)(v - u);
		rec->rua_count++;
		while (v < end && ASCII_IS_WSP(*v))
			v++;
		if (v == end)
			break;
		if (*v != ',') {
			check_add(rep, CHECK_FAIL, "rua-space", NULL,
			    "whitespace inside a URI at offset %zu: encode it "
			    "as %%20, or separate URIs with \",\"",
			    (size_t)(v - data));
			return -1;
		}
		v++;
		while (v < end && ASCII_IS_WSP(*v))
			v++;
		if (v == end) {
			check_add(rep, CHECK_FAIL, "rua-empty-uri", NULL,
			    "rua= ends with a comma");
			return -1;
		}
	}
	return bad ? -1 : 0;
}

static int
ext_check(const struct txt_field *f, struct check_report *rep)
{
	size_t i;

	if (f->name_len == 3 && strncasecmp(f->name, "rua", 3) == 0) {
		check_add(rep, CHECK_FAIL, "rua-case", NULL,
		    "\"%.*s=\" is not \"rua=\": field names are "
		    "case-sensitive", (int)f->name_len, f->name);
		return -1;
	}
	if (f->value_len == 0) {
		check_add(rep, CHECK_FAIL, "ext-empty", NULL,
		    "extension \"%.*s\" has an empty value",
		    (int)f->name_len, f->name);
		return -1;
	}
	for (i = 0; i < f->value_len; i++) {
		unsigned char c = (unsigned char)f->value[i];

		if (c <= 0x20 || c == '=' || c >= 0x7f) {
			check_add(rep, CHECK_FAIL, "ext-bad-value", NULL,
			    "extension \"%.*s\": '%c' is not allowed in an "
			    "extension value", (int)f->name_len, f->name,
			    c == ' ' || c == '\t' ? ' ' : c);
			return -1;
		}
	}
	check_add(rep, CHECK_INFO, "ext-unknown", NULL,
	    "extension \"%.*s\" is not registered; senders ignore it",
	    (int)f->name_len, f->name);
	return 0;
}

static const struct txt_opening record_opening = {
	"TLSRPTv1", "record-syntax", "", "; senders ignore a malformed record",
	"version-missing", "version-delim",
	"RFC 8460 has senders discard TXT records that do not begin with "
	"\"v=TLSRPTv1;\" and strict ones apply that to this record: remove "
	"the space before \";\"",
};

int
tlsrpt_record_check(const char *data, size_t len, const char *domain,
    unsigned flags, struct tlsrpt_record *rec, struct check_report *rep)
{
	struct txt_field fields[TXT_FIELDS_MAX];
	size_t from = rep->count, i, ruas = 0;
	int n, bad = 0;

	memset(rec, 0, sizeof(*rec));
	if (len > TLSRPT_RECORD_MAX) {
		check_add(rep, CHECK_FAIL, "record-huge", NULL,
		    "record is %zu bytes, over %d: not checked", len,
		    TLSRPT_RECORD_MAX);
		return -1;
	}
	if (!tlsrpt_record_is_candidate(data, len)) {
		if (len >= sizeof(RECORD_VERSION) - 1 &&
		    strncasecmp(data, RECORD_VERSION, sizeof(RECORD_VERSION) - 1) == 0)
			check_add(rep, CHECK_FAIL, "version-case", NULL,
			    "\"%.10s\" is not \"v=TLSRPTv1\": the version is "
			    "case-sensitive, senders ignore this record", data);
		else
			check_add(rep, CHECK_FAIL, "version-missing", NULL,
			    "the record must start with \"v=TLSRPTv1\": senders "
			    "ignore it and send no reports");
		return -1;
	}
	if (len > 255 && !(flags & TLSRPT_RECORD_FROM_DNS))
		check_add(rep, CHECK_WARN, "record-long", NULL,
		    "the record is %zu bytes: a TXT string holds 255, so "
		    "publish it as several quoted strings (\"...\" \"...\"), "
		    "which DNS joins", len);
	if ((n = txt_fields_open(rep, &record_opening, data, len, fields,
	    TXT_FIELDS_MAX)) < 0)
		return -1;
	for (i = 1; i < (size_t)n; i++) {
		if (txt_field_is(&fields[i], "v")) {
			check_add(rep, CHECK_FAIL, "version-repeated", NULL,
			    "v= appears again at offset %zu", fields[i].offset);
			bad = 1;
		} else if (txt_field_is(&fields[i], "rua")) {
			if (++ruas > 1) {
				check_add(rep, CHECK_FAIL, "rua-repeated", NULL,
				    "rua= appears twice: list every URI in one "
				    "rua=, separated by commas");
				bad = 1;
			} else if (rua_check(data, &fields[i], domain, rec,
			    rep) < 0)
				bad = 1;
		} else if (ext_check(&fields[i], rep) < 0)
			bad = 1;
	}
	if (ruas == 0) {
		check_add(rep, CHECK_FAIL, "rua-missing", NULL,
		    "no rua= field: senders have nowhere to send reports");
		bad = 1;
	}
	if (!bad && rec->rua_count > 1)
		check_add(rep, CHECK_WARN, "rua-multiple", NULL,
		    "%zu report URIs: most senders use all of them, but "
		    "Microsoft delivers only to the first, %.*s",
		    rec->rua_count, (int)rec->rua[0].len, data + rec->rua[0].off);
	if (!bad && check_count_from(rep, from, CHECK_WARN) == 0)
		check_add(rep, CHECK_PASS, "record-ok", NULL,
		    "valid TLS-RPT record, reports go to %.*s%s",
		    (int)rec->rua[0].len, data + rec->rua[0].off,
		    rec->rua_count > 1 ? " and others" : "");
	return bad ? -1 : 0;
}
