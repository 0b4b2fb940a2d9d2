/*
 * txt_fields.h - split a "v=X; name=value; ..." DNS TXT record.
 *
 * RFC 8460 (TLS-RPT) and RFC 8461 (MTA-STS) share one shape:
 *   record      = field 1*(field-delim field) [field-delim]
 *   field-delim = *WSP ";" *WSP
 *   field       = name "=" value
 *   name        = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 * This splits the record and checks that shape only; what each value
 * may hold is the caller's business (values are trimmed of trailing
 * WSP but may contain inner WSP, as the rua list allows around commas).
 * Pointers in the fields point into DATA.  No allocation, no I/O.
 */
#ifndef TLSRPT_TXT_FIELDS_H
#define TLSRPT_TXT_FIELDS_H

#include <stddef.h>

#define TXT_FIELDS_MAX 32
#define TXT_NAME_MAX 32

struct txt_field {
	const char *name, *value;
	size_t name_len, value_len;
	size_t offset;		/* of the name, in DATA */
};

/*
 * Split DATA into at most MAX fields.  Returns the number of fields, or
 * -1 with a reason in ERR (which names the byte offset).  A record with
 * more than MAX fields is an error, not a truncation.
 */
int txt_fields_split(const char *data, size_t len, struct txt_field *fields,
    size_t max, char *err, size_t errlen);

/* Why txt_fields_open() refused a record. */
enum txt_open_error { TXT_OPEN_SYNTAX = 1, TXT_OPEN_VERSION };

/*
 * Split DATA as txt_fields_split() does and check that its first field
 * is exactly "v=VERSION", the opening both grammars demand.  Returns the
 * number of fields, or -1 with *WHY_R set (and ERR the syntax error for
 * TXT_OPEN_SYNTAX).  *LOOSE_R is 1 when something other than ";" follows
 * the version directly ("v=STSv1 ;"): the RFCs have senders discard
 * such a record, so callers warn.
 */
int txt_fields_open(const char *data, size_t len, const char *version,
    struct txt_field *fields, size_t max, enum txt_open_error *why_r,
    int *loose_r, char *err, size_t errlen);

/* True when the field's name is NAME exactly (case-sensitive, as %s""). */
int txt_field_is(const struct txt_field *f, const char *name);

#endif
