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

struct check_report;

/* How one record type words the findings of its opening. */
struct txt_opening {
	const char *version;		/* "STSv1": the record opens "v=STSv1" */
	const char *syntax_id;		/* finding for a malformed record */
	const char *syntax_pre;		/* its text: PRE, the error, POST */
	const char *syntax_post;
	const char *version_id;		/* finding for a wrong version */
	const char *delim_id;		/* warning for "v=X ;" */
	const char *delim_text;
};

/*
 * Split DATA as txt_fields_split() does and check the opening both
 * grammars demand: a first field exactly "v=VERSION", then ";" right
 * after it (the RFCs have senders discard "v=STSv1 ;", so that is a
 * warning).  Findings go to REP in OPENING's words.  Returns the number
 * of fields, or -1 after a failure finding.
 */
int txt_fields_open(struct check_report *rep, const struct txt_opening *opening,
    const char *data, size_t len, struct txt_field *fields, size_t max);

/*
 * Is S/N a DNS host name as both grammars' values need: LDH labels of 1
 * to 63 characters, at least two labels, 253 at most, no trailing dot?
 */
int txt_hostname_ok(const char *s, size_t n);

/* True when the field's name is NAME exactly (case-sensitive, as %s""). */
int txt_field_is(const struct txt_field *f, const char *name);

#endif
