/*
 * json_scan.c - lexical validation of JSON text; see json_scan.h.
 */
#include "json_scan.h"
#include "core.h"

#include <string.h>

size_t
utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (avail < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0;	/* UTF-16 surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (avail < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;	/* beyond U+10FFFF */
		return 4;
	}
	return 0;
}

static int
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Scan the string whose opening quote is at *POS; leave *POS after it. */
static enum tlsrpt_errcode
scan_string(const unsigned char *s, size_t len, size_t *pos,
    const struct tlsrpt_limits *lim, struct tlsrpt_error *err)
{
	size_t start = *pos, i = *pos + 1, n;

	while (i < len) {
		unsigned char c;

		/* Fast path: the plain ASCII that makes up nearly every string. */
		while (i < len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' &&
		    s[i] != '\\')
			i++;
		if (i >= len)
			break;
		c = s[i];
		if (c == '"') {
			if (i - start - 1 > lim->max_string_bytes)
				return tlsrpt_seterr(err, TLSRPT_E_LIMIT_STRING,
				    "json: string at byte %zu longer than %zu bytes",
				    start, lim->max_string_bytes);
			*pos = i + 1;
			return TLSRPT_OK;
		}
		if (c == '\\') {
			if (i + 1 >= len)
				break;
			c = s[i + 1];
			if (c == 'u') {
				if (i + 5 >= len || !is_hex(s[i + 2]) ||
				    !is_hex(s[i + 3]) || !is_hex(s[i + 4]) ||
				    !is_hex(s[i + 5]))
					return tlsrpt_seterr(err, TLSRPT_E_JSON,
					    "json: bad \\u escape at byte %zu", i);
				i += 6;
			} else if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
				i += 2;
			} else {
				return tlsrpt_seterr(err, TLSRPT_E_JSON,
				    "json: bad escape at byte %zu", i);
			}
			continue;
		}
		if (c < 0x20)
			return tlsrpt_seterr(err, TLSRPT_E_JSON,
			    "json: control character in string at byte %zu", i);
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq_len(s + i, len - i)) == 0)
			return tlsrpt_seterr(err, TLSRPT_E_ENCODING,
			    "json: invalid UTF-8 at byte %zu", i);
		i += n;
	}
	return tlsrpt_seterr(err, TLSRPT_E_JSON,
	    "json: unterminated string at byte %zu", start);
}

enum tlsrpt_errcode
json_prescan(const char *text, size_t len, const struct tlsrpt_limits *lim,
    struct tlsrpt_error *err)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned depth = 0;
	size_t i = 0, n;
	enum tlsrpt_errcode code;

	/* A UTF-8 byte-order mark is tolerated (RFC 8259 section 8.1). */
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		i = 3;
	while (i < len) {
		unsigned char c = s[i];

		switch (c) {
		case ' ': case '\t': case '\n': case '\r':
		case ',': case ':':
			i++;
			break;
		case '{': case '[':
			if (++depth > lim->max_json_depth)
				return tlsrpt_seterr(err, TLSRPT_E_LIMIT_DEPTH,
				    "json: nesting deeper than %u at byte %zu",
				    lim->max_json_depth, i);
			i++;
			break;
		case '}': case ']':
			if (depth == 0)
				return tlsrpt_seterr(err, TLSRPT_E_JSON,
				    "json: unbalanced '%c' at byte %zu", c, i);
			depth--;
			i++;
			break;
		case '"':
			if ((code = scan_string(s, len, &i, lim, err)) != TLSRPT_OK)
				return code;
			break;
		case '-': case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			n = i;
			while (i < len && (strchr("0123456789+-.eE", s[i]) != NULL) &&
			    s[i] != '\0')
				i++;
			if (i - n > 64)
				return tlsrpt_seterr(err, TLSRPT_E_JSON,
				    "json: number too long at byte %zu", n);
			break;
		case 't': case 'f': case 'n':
			if (len - i >= 4 && memcmp(s + i, "true", 4) == 0)
				i += 4;
			else if (len - i >= 5 && memcmp(s + i, "false", 5) == 0)
				i += 5;
			else if (len - i >= 4 && memcmp(s + i, "null", 4) == 0)
				i += 4;
			else
				goto bad_token;
			if (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z')))
				goto bad_token;
			break;
		case '\'':
			return tlsrpt_seterr(err, TLSRPT_E_JSON,
			    "json: single-quoted string at byte %zu", i);
		case '\0':
			return tlsrpt_seterr(err, TLSRPT_E_JSON,
			    "json: NUL byte at byte %zu", i);
		default:
			if (c >= 0x80 && utf8_seq_len(s + i, len - i) == 0)
				return tlsrpt_seterr(err, TLSRPT_E_ENCODING,
				    "json: invalid UTF-8 at byte %zu", i);
			goto bad_token;
		}
	}
	if (depth != 0)
		return tlsrpt_seterr(err, TLSRPT_E_JSON,
		    "json: unexpected end of input (%u unclosed)", depth);
	return TLSRPT_OK;

bad_token:
	{
		char tok[16];
		size_t k = 0;

		while (k < sizeof(tok) - 1 && i + k < len && s[i + k] > 0x20 &&
		    s[i + k] < 0x7f && strchr("{}[],:\"", s[i + k]) == NULL) {
			tok[k] = (char)s[i + k];
			k++;
		}
		tok[k] = '\0';
		return tlsrpt_seterr(err, TLSRPT_E_JSON,
		    "json: invalid token '%s' at byte %zu", k > 0 ? tok : "?", i);
	}
}
