/*
 * sts_policy.c - RFC 8461 section 3.2, the MTA-STS policy file:
 *
 *   sts-policy-record = sts-policy-field *WSP
 *                       *(sts-policy-term sts-policy-field *WSP)
 *                       [sts-policy-term]
 *   sts-policy-field  = name ":" *WSP value
 *   sts-policy-term   = LF / CRLF
 * with version (STSv1), mode (enforce/testing/none) and max_age (up to
 * 31557600) each required once, mx (["*."] Domain) at least once unless
 * mode is none, and other names extensions.  Section 3.1: the TXT
 * record "v=STSv1; id=1*32(ALPHA / DIGIT)".
 */
#include "sts_policy.h"
#include "ascii.h"
#include "txt_fields.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define INVALID "sts-policy-invalid"

const char *
sts_mode_name(enum sts_mode mode)
{
	switch (mode) {
	case STS_MODE_NONE:
		return "none";
	case STS_MODE_TESTING:
		return "testing";
	case STS_MODE_ENFORCE:
		return "enforce";
	default:
		return "(unset)";
	}
}

/* An LDH domain of two labels or more; a leading "*." when WILD. */
static int
domain_ok(const char *s, size_t n, int wild)
{
	if (wild && n > 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		n -= 2;
	}
	return txt_hostname_ok(s, n);
}

int
sts_mx_match(const char *pattern, const char *host)
{
	size_t p = strlen(pattern), h = strlen(host);

	while (h > 0 && host[h - 1] == '.')
		h--;
	while (p > 0 && pattern[p - 1] == '.')
		p--;
	if (p > 2 && pattern[0] == '*' && pattern[1] == '.') {
		const char *dot = memchr(host, '.', h);

		/* One label, not empty, replaces the star. */
		if (dot == NULL || dot == host)
			return 0;
		return (size_t)(host + h - dot) == p - 1 &&
		    strncasecmp(dot, pattern + 1, p - 1) == 0;
	}
	return p == h && p > 0 && strncasecmp(pattern, host, h) == 0;
}

/* One "key: value" line; LINE has no terminator. */
static int
policy_line(const char *line, size_t n, unsigned lineno, int first,
    struct sts_policy *pol, unsigned seen[3], struct check_report *rep)
{
	size_t k = 0, v, j;
	const char *val;
	size_t vlen;

	for (j = 0; j < n; j++) {
		unsigned char c = (unsigned char)line[j];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			check_add(rep, CHECK_FAIL, "policy-ctl", INVALID,
			    "line %u: control character 0x%02x", lineno, c);
			return -1;
		}
	}
	while (k < n && (ASCII_IS_ALNUM(line[k]) || line[k] == '_' ||
	    line[k] == '-' || line[k] == '.'))
		k++;
	if (k == 0 || k >= n || line[k] != ':' || !ASCII_IS_ALNUM(line[0]) ||
	    k > 32) {
		check_add(rep, CHECK_FAIL, "policy-syntax", INVALID,
		    "line %u: \"%.*s\" is not \"key: value\"", lineno,
		    (int)(n > 60 ? 60 : n), line);
		return -1;
	}
	v = k + 1;
	while (v < n && ASCII_IS_WSP(line[v]))
		v++;
	val = line + v;
	vlen = n - v;
	while (vlen > 0 && ASCII_IS_WSP(val[vlen - 1]))
		vlen--;
	if (vlen == 0) {
		check_add(rep, CHECK_FAIL, "policy-empty-value", INVALID,
		    "line %u: \"%.*s\" has no value", lineno, (int)k, line);
		return -1;
	}
	for (j = 0; j < vlen; j++)
		if (ASCII_IS_WSP(val[j])) {
			check_add(rep, CHECK_FAIL, "policy-value-space", INVALID,
			    "line %u: whitespace inside the value of \"%.*s\"",
			    lineno, (int)k, line);
			return -1;
		}
#define KEY(s) (k == sizeof(s) - 1 && memcmp(line, s, k) == 0)
	if (KEY("version")) {
		if (seen[0]++) {
			check_add(rep, CHECK_FAIL, "policy-repeated", INVALID,
			    "line %u: a second version", lineno);
			return -1;
		}
		if (vlen != 5 || memcmp(val, "STSv1", 5) != 0) {
			check_add(rep, CHECK_FAIL, "policy-version", INVALID,
			    "line %u: version must be STSv1, not \"%.*s\"",
			    lineno, (int)vlen, val);
			return -1;
		}
		if (!first)
			check_add(rep, CHECK_WARN, "policy-version-not-first",
			    NULL, "line %u: put \"version: STSv1\" on the "
			    "first line; some parsers expect it there", lineno);
	} else if (KEY("mode")) {
		if (seen[1]++) {
			check_add(rep, CHECK_FAIL, "policy-repeated", INVALID,
			    "line %u: a second mode", lineno);
			return -1;
		}
		if (vlen == 7 && memcmp(val, "enforce", 7) == 0)
			pol->mode = STS_MODE_ENFORCE;
		else if (vlen == 7 && memcmp(val, "testing", 7) == 0)
			pol->mode = STS_MODE_TESTING;
		else if (vlen == 4 && memcmp(val, "none", 4) == 0)
			pol->mode = STS_MODE_NONE;
		else {
			check_add(rep, CHECK_FAIL, "policy-mode", INVALID,
			    "line %u: mode must be enforce, testing or none "
			    "(lower case), not \"%.*s\"", lineno, (int)vlen, val);
			return -1;
		}
	} else if (KEY("max_age")) {
		long age = 0;

		if (seen[2]++) {
			check_add(rep, CHECK_FAIL, "policy-repeated", INVALID,
			    "line %u: a second max_age", lineno);
			return -1;
		}
		for (j = 0; j < vlen && j < 11; j++) {
			if (!isdigit((unsigned char)val[j]))
				break;
			age = age * 10 + (val[j] - '0');
		}
		if (j != vlen || vlen > 10 || age > STS_MAX_AGE_MAX) {
			check_add(rep, CHECK_FAIL, "policy-max-age", INVALID,
			    "line %u: max_age must be a number of seconds up to "
			    "%ld, not \"%.*s\"", lineno, STS_MAX_AGE_MAX,
			    (int)(vlen > 20 ? 20 : vlen), val);
			return -1;
		}
		pol->max_age = age;
	} else if (KEY("mx")) {
		if (!domain_ok(val, vlen, 1)) {
			check_add(rep, CHECK_FAIL, "policy-mx", INVALID,
			    "line %u: \"%.*s\" is not a host name or *.domain "
			    "pattern", lineno, (int)(vlen > 80 ? 80 : vlen), val);
			return -1;
		}
		for (j = 0; j < pol->mx_count; j++)
			if (strlen(pol->mx[j]) == vlen &&
			    strncasecmp(pol->mx[j], val, vlen) == 0)
				check_add(rep, CHECK_INFO, "policy-mx-repeated",
				    NULL, "line %u: mx %.*s is listed twice",
				    lineno, (int)vlen, val);
		if (pol->mx_count >= STS_MX_MAX) {
			check_add(rep, CHECK_FAIL, "policy-mx-too-many", INVALID,
			    "more than %d mx lines", STS_MX_MAX);
			return -1;
		}
		for (j = 0; j < vlen; j++)
			pol->mx[pol->mx_count][j] = (char)tolower(
			    (unsigned char)val[j]);
		pol->mx[pol->mx_count++][vlen] = '\0';
	} else if ((k == 7 && strncasecmp(line, "version", 7) == 0) ||
	    (k == 4 && strncasecmp(line, "mode", 4) == 0) ||
	    (k == 2 && strncasecmp(line, "mx", 2) == 0) ||
	    (k == 7 && (strncasecmp(line, "max_age", 7) == 0 ||
	    strncasecmp(line, "max-age", 7) == 0))) {
		check_add(rep, CHECK_FAIL, "policy-key-spelling", INVALID,
		    "line %u: \"%.*s\" is not a policy key: keys are "
		    "version, mode, mx and max_age, lower case", lineno,
		    (int)k, line);
		return -1;
	} else
		check_add(rep, CHECK_WARN, "policy-unknown-key", NULL,
		    "line %u: unknown key \"%.*s\"; senders ignore it (a "
		    "typo?)", lineno, (int)k, line);
#undef KEY
	return 0;
}

int
sts_policy_check(const char *data, size_t len, struct sts_policy *pol,
    struct check_report *rep)
{
	size_t i = 0, from = rep->count;
	unsigned seen[3] = { 0, 0, 0 }, lineno = 0, crlf = 0, lf = 0;
	unsigned blank = 0, fields = 0;
	int bad = 0;

	memset(pol, 0, sizeof(*pol));
	pol->max_age = -1;
	if (len > STS_POLICY_MAX) {
		check_add(rep, CHECK_FAIL, "policy-too-big", INVALID,
		    "the policy is %zu bytes, over the %d that senders "
		    "accept", len, STS_POLICY_MAX);
		return -1;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		check_add(rep, CHECK_FAIL, "policy-bom", INVALID,
		    "the file starts with a UTF-8 byte order mark: senders "
		    "read the first key as \"\\xef\\xbb\\xbfversion\"; save it "
		    "without BOM");
		bad = 1;
		i = 3;
	}
	while (i < len) {
		const char *line = data + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl != NULL ? (size_t)(nl - line) : len - i;

		lineno++;
		i += n + (nl != NULL);
		if (nl != NULL) {
			if (n > 0 && line[n - 1] == '\r') {
				n--;
				crlf++;
			} else
				lf++;
		}
		if (n == 0) {
			blank++;
			continue;
		}
		if (blank > 0) {
			check_add(rep, CHECK_WARN, "policy-blank-line", NULL,
			    "blank line before line %u: the grammar has no "
			    "blank lines and strict senders reject the policy",
			    lineno);
			blank = 0;
		}
		if (policy_line(line, n, lineno, fields == 0, pol, seen,
		    rep) < 0)
			bad = 1;
		fields++;
	}
	if (blank > 0)
		check_add(rep, CHECK_WARN, "policy-trailing-blank", NULL,
		    "blank line(s) at the end: strict senders reject them");
	if (crlf > 0 && lf > 0)
		check_add(rep, CHECK_WARN, "policy-mixed-eol", NULL,
		    "%u lines end in CRLF and %u in LF: pick one", crlf, lf);
	if (fields == 0) {
		check_add(rep, CHECK_FAIL, "policy-empty", INVALID,
		    "the policy is empty");
		return -1;
	}
	if (!seen[0])
		check_add(rep, CHECK_FAIL, "policy-no-version", INVALID,
		    "no \"version: STSv1\" line");
	if (!seen[1])
		check_add(rep, CHECK_FAIL, "policy-no-mode", INVALID,
		    "no \"mode:\" line");
	if (!seen[2])
		check_add(rep, CHECK_FAIL, "policy-no-max-age", INVALID,
		    "no \"max_age:\" line");
	if (!seen[0] || !seen[1] || !seen[2])
		bad = 1;
	if ((pol->mode == STS_MODE_ENFORCE || pol->mode == STS_MODE_TESTING) &&
	    pol->mx_count == 0) {
		check_add(rep, CHECK_FAIL, "policy-no-mx", INVALID,
		    "mode %s needs at least one \"mx:\" line",
		    sts_mode_name(pol->mode));
		bad = 1;
	}
	if (bad)
		return -1;
	if (pol->max_age < 86400)
		check_add(rep, CHECK_WARN, "policy-max-age-short", NULL,
		    "max_age %ld is under a day: RFC 8461 recommends weeks "
		    "(e.g. 604800 or more), or senders refetch constantly and "
		    "lose protection when the web server is down",
		    pol->max_age);
	if (pol->mode == STS_MODE_TESTING)
		check_add(rep, CHECK_INFO, "policy-testing", NULL,
		    "mode testing: senders report failures but still deliver");
	else if (pol->mode == STS_MODE_NONE)
		check_add(rep, CHECK_INFO, "policy-none", NULL,
		    "mode none: the policy is being withdrawn; senders do "
		    "not apply it");
	if (check_count_from(rep, from, CHECK_WARN) == 0)
		check_add(rep, CHECK_PASS, "policy-ok", NULL,
		    "valid policy: mode %s, %zu mx, max_age %ld",
		    sts_mode_name(pol->mode), pol->mx_count, pol->max_age);
	return 0;
}

int
sts_txt_is_candidate(const char *data, size_t len)
{
	return len >= 7 && memcmp(data, "v=STSv1", 7) == 0;
}

static const struct txt_opening sts_opening = {
	"STSv1", "sts-txt-syntax", "_mta-sts record: ", "", "sts-txt-version",
	"sts-txt-delim", "RFC 8461 has senders discard TXT records that do not "
	"begin with \"v=STSv1;\": remove the space before \";\"",
};

int
sts_txt_check(const char *data, size_t len, char *id_r,
    struct check_report *rep)
{
	struct txt_field fields[TXT_FIELDS_MAX];
	size_t i, j;
	int n, ids = 0, bad = 0;

	id_r[0] = '\0';
	if (len > 1024) {
		check_add(rep, CHECK_FAIL, "sts-txt-huge", NULL,
		    "the _mta-sts record is %zu bytes: not checked", len);
		return -1;
	}
	if (!sts_txt_is_candidate(data, len)) {
		check_add(rep, CHECK_FAIL, "sts-txt-version", NULL,
		    "the _mta-sts record must start with \"v=STSv1\": "
		    "senders ignore it and apply no policy");
		return -1;
	}
	if ((n = txt_fields_open(rep, &sts_opening, data, len, fields,
	    TXT_FIELDS_MAX)) < 0)
		return -1;
	for (i = 1; i < (size_t)n; i++) {
		const struct txt_field *f = &fields[i];

		if (txt_field_is(f, "id")) {
			if (ids++) {
				check_add(rep, CHECK_FAIL, "sts-txt-id", NULL,
				    "id= appears twice");
				bad = 1;
				continue;
			}
			for (j = 0; j < f->value_len && ASCII_IS_ALNUM(f->value[j]); j++)
				;
			if (f->value_len == 0 || j != f->value_len ||
			    f->value_len > STS_ID_MAX) {
				check_add(rep, CHECK_FAIL, "sts-txt-id", NULL,
				    "id \"%.*s\" must be 1 to 32 letters and "
				    "digits", (int)(f->value_len > 40 ? 40 :
				    f->value_len), f->value);
				bad = 1;
				continue;
			}
			memcpy(id_r, f->value, f->value_len);
			id_r[f->value_len] = '\0';
		} else {
			for (j = 0; j < f->value_len; j++)
				if (f->value[j] <= 0x20 || f->value[j] == '=')
					break;
			if (f->value_len == 0 || j != f->value_len) {
				check_add(rep, CHECK_FAIL, "sts-txt-ext", NULL,
				    "extension \"%.*s\" has a bad value",
				    (int)f->name_len, f->name);
				bad = 1;
			}
		}
	}
	if (ids == 0) {
		check_add(rep, CHECK_FAIL, "sts-txt-id", NULL,
		    "no id= field: senders cannot tell when the policy "
		    "changes and ignore the record");
		bad = 1;
	}
	return bad ? -1 : 0;
}
