/*
 * ascii.h - the character classes of the protocols' grammars (RFC 5234
 * ALPHA, DIGIT, WSP, HEXDIG), in ASCII whatever the locale, which
 * ctype.h would follow.  The macros evaluate their argument more than
 * once: pass a plain value.
 */
#ifndef TLSRPT_ASCII_H
#define TLSRPT_ASCII_H

#define ASCII_IS_WSP(c)		((c) == ' ' || (c) == '\t')
#define ASCII_IS_ALPHA(c)	(((c) >= 'a' && (c) <= 'z') || \
	((c) >= 'A' && (c) <= 'Z'))
#define ASCII_IS_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define ASCII_IS_ALNUM(c)	(ASCII_IS_ALPHA(c) || ASCII_IS_DIGIT(c))
#define ASCII_IS_HEX(c)		(ASCII_IS_DIGIT(c) || \
	((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))

/* The value of hex digit C, or -1. */
static inline int
ascii_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
