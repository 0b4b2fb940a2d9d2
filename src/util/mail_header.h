/*
 * mail_header.h - writing an RFC 5322 message from text nobody vetted.
 *
 * A header value may come from a report (an organization name, a policy
 * domain): mail_header_write() first makes it safe with text_sanitize()
 * (no CR, LF or other control survives, so no header can be injected),
 * then writes it as is when it is printable ASCII, else as RFC 2047
 * encoded-words (UTF-8, base64, never splitting a character), folding
 * lines at 78 columns where it can and never past 998.  Values longer
 * than MAIL_HEADER_MAX bytes are cut, with "...".
 *
 * mail_address_valid() accepts a bare addr-spec (local@domain, printable
 * ASCII, no space, quote, bracket, comma or semicolon, at most 254
 * bytes); mail_address_list_valid() a comma-separated list of them
 * (spaces around the commas allowed), naming the first bad one.
 *
 * mail_qp_write() writes LEN bytes as quoted-printable (RFC 2045): lines
 * of at most 76 characters, LF as the line break, every byte outside
 * printable ASCII encoded, so the part is 7-bit whatever it holds.
 *
 * Writers return 0, or -1 when FP failed (errors stay in FP).
 */
#ifndef TLSRPT_MAIL_HEADER_H
#define TLSRPT_MAIL_HEADER_H

#include <stddef.h>
#include <stdio.h>

#define MAIL_HEADER_MAX		512

int mail_header_write(FILE *fp, const char *name, const char *value);
int mail_address_valid(const char *addr);
int mail_address_list_valid(const char *list, char *bad, size_t badlen);
int mail_qp_write(FILE *fp, const char *data, size_t len);

#endif
