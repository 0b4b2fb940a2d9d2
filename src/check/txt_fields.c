/*
 * txt_fields.c - the field syntax shared by TLS-RPT and MTA-STS records.
 */
#include "txt_fields.h"
#include "ascii.h"
#include "check_findings.h"

#include <stdio.h>
#include <string.h>


int
txt_field_is(const struct txt_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->name_len == n && memcmp(f->name, name, n) == 0;
}

int
txt_fields_split(const char *data, size_t len, struct txt_field *fields,
    size_t max, char *err, size_t errlen)
{
	size_t i = 0, n = 0, start;

	/* Control characters and 8-bit bytes have no place in either grammar. */
	for (start = 0; start < len; start++) {
		unsigned char c = (unsigned char)data[start];

		if ((c < 0x20 && c != '\t') || c >= 0x7f) {
			snprintf(err, errlen, "byte 0x%02x at offset %zu: only "
			    "printable ASCII is allowed", c, start);
			return -1;
		}
	}
	if (len == 0) {
		snprintf(err, errlen, "the record is empty");
		return -1;
	}
	if (ASCII_IS_WSP(data[0])) {
		snprintf(err, errlen, "the record starts with whitespace");
		return -1;
	}
	for (;;) {
		struct txt_field *f;

		start = i;
		if (i < len && data[i] == ';') {
			snprintf(err, errlen, "empty field at offset %zu "
			    "(two \";\" in a row)", i);
			return -1;
		}
		if (i >= len || !ASCII_IS_ALNUM(data[i])) {
			snprintf(err, errlen, "offset %zu: a field name must "
			    "start with a letter or digit", i);
			return -1;
		}
		while (i < len && (ASCII_IS_ALNUM(data[i]) || data[i] == '_' ||
		    data[i] == '-' || data[i] == '.'))
			i++;
		if (i - start > TXT_NAME_MAX) {
			snprintf(err, errlen, "field name at offset %zu is longer "
			    "than %d characters", start, TXT_NAME_MAX);
			return -1;
		}
		if (i >= len || data[i] != '=') {
			snprintf(err, errlen, "offset %zu: field \"%.*s\" has no "
			    "\"=\" right after its name", i, (int)(i - start),
			    data + start);
			return -1;
		}
		if (n >= max) {
			snprintf(err, errlen, "more than %zu fields", max);
			return -1;
		}
		f = &fields[n++];
		f->name = data + start;
		f->name_len = i - start;
		f->offset = start;
		i++;
		f->value = data + i;
		while (i < len && data[i] != ';')
			i++;
		f->value_len = (size_t)(data + i - f->value);
		while (f->value_len > 0 && ASCII_IS_WSP(f->value[f->value_len - 1]))
			f->value_len--;
		if (i >= len)
			return (int)n;
		i++;			/* the ";" */
		while (i < len && ASCII_IS_WSP(data[i]))
			i++;
		if (i >= len)
			return (int)n;	/* a trailing delimiter is allowed */
	}
}

int
txt_fields_open(struct check_report *rep, const struct txt_opening *opening,
    const char *data, size_t len, struct txt_field *fields, size_t max)
{
	size_t vlen = strlen(opening->version);
	char err[160];
	int n;

	if ((n = txt_fields_split(data, len, fields, max, err, sizeof(err))) < 0) {
		check_add(rep, CHECK_FAIL, opening->syntax_id, NULL, "%s%s%s",
		    opening->syntax_pre, err, opening->syntax_post);
		return -1;
	}
	if (!txt_field_is(&fields[0], "v") || fields[0].value_len != vlen ||
	    memcmp(fields[0].value, opening->version, vlen) != 0) {
		check_add(rep, CHECK_FAIL, opening->version_id, NULL,
		    "the version must be exactly \"v=%s\"", opening->version);
		return -1;
	}
	if (len > 2 + vlen && data[2 + vlen] != ';')
		check_add(rep, CHECK_WARN, opening->delim_id, NULL, "%s",
		    opening->delim_text);
	return n;
}

int
txt_hostname_ok(const char *s, size_t n)
{
	size_t i, label = 0, labels = 1;

	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			continue;
		}
		if (!ASCII_IS_ALPHA(s[i]) && !ASCII_IS_DIGIT(s[i]) && s[i] != '-')
			return 0;
		if (label == 0 && s[i] == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return labels >= 2 && s[n - 1] != '-';
}
