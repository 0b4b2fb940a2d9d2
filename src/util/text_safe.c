/*
 * text_safe.c - escaping for terminals and logs; see text_safe.h.
 */
#include "text_safe.h"

#include <string.h>

/* Code points that are valid UTF-8 but steer a terminal or reorder text. */
static int
unsafe_code_point(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||		/* C1 controls */
	    cp == 0x61c || cp == 0x200e || cp == 0x200f ||	/* bidi marks */
	    cp == 0x2028 || cp == 0x2029 ||		/* line/paragraph separators */
	    (cp >= 0x202a && cp <= 0x202e) ||		/* embeddings, overrides */
	    (cp >= 0x2066 && cp <= 0x2069);		/* isolates */
}

/*
 * The well-formed UTF-8 sequence at P (RFC 3629: no overlong form, no
 * surrogate, nothing past U+10FFFF): its length, its code point in
 * *CP_R; 0 when P does not start one.
 */
static size_t
utf8_decode(const unsigned char *p, unsigned long *cp_r)
{
	size_t n, i;
	unsigned long cp;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;		/* past U+10FFFF */
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*cp_r = cp;
	return n;
}

/*
 * One character at P (not at the NUL) as it should be printed, into OUT
 * (at least 8 bytes), its length in *OLEN; returns the input bytes used.
 * JSON: escape as \uXXXX, leaving C0 alone (json-c escapes those inside
 * strings, and the new lines between members are its own).
 */
static size_t
escape_one(const unsigned char *p, char *out, size_t *olen, int json)
{
	static const char hex[] = "0123456789abcdef";
	unsigned long cp;
	size_t n;

	if (*p < 0x80) {
		if ((*p >= 0x20 && *p != 0x7f) || (json && *p != 0x7f)) {
			out[0] = (char)*p;
			*olen = 1;
		} else if (json) {
			memcpy(out, "\\u007f", 6);
			*olen = 6;
		} else {
			out[0] = '\\';
			out[1] = 'x';
			out[2] = hex[*p >> 4];
			out[3] = hex[*p & 0xf];
			*olen = 4;
		}
		return 1;
	}
	if ((n = utf8_decode(p, &cp)) == 0) {
		if (json) {
			memcpy(out, "\\ufffd", 6);
			*olen = 6;
		} else {
			out[0] = '\\';
			out[1] = 'x';
			out[2] = hex[*p >> 4];
			out[3] = hex[*p & 0xf];
			*olen = 4;
		}
		return 1;
	}
	if (!unsafe_code_point(cp)) {
		memcpy(out, p, n);
		*olen = n;
		return n;
	}
	out[0] = '\\';
	out[1] = 'u';
	out[2] = hex[cp >> 12 & 0xf];
	out[3] = hex[cp >> 8 & 0xf];
	out[4] = hex[cp >> 4 & 0xf];
	out[5] = hex[cp & 0xf];
	*olen = 6;
	return n;
}

size_t
text_sanitize(char *buf, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t len = 0, olen;
	char one[8];

	if (size == 0)
		return 0;
	while (*p != '\0') {
		const unsigned char *run = p;
		size_t used, k;

		/* Plain printable ASCII is copied as it is, a run at a time. */
		while (*p >= 0x20 && *p < 0x7f)
			p++;
		if ((k = (size_t)(p - run)) > 0) {
			if (len + k >= size) {
				memcpy(buf + len, run, size - 1 - len);
				len = size - 1;
				break;
			}
			memcpy(buf + len, run, k);
			len += k;
		}
		if (*p == '\0')
			break;
		used = escape_one(p, one, &olen, 0);
		if (len + olen >= size)
			break;
		memcpy(buf + len, one, olen);
		len += olen;
		p += used;
	}
	buf[len] = '\0';
	return len;
}

static void
fputs_escaped(FILE *fp, const char *s, int json)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t olen;
	char one[8];

	while (*p != '\0') {
		const unsigned char *run = p;

		/*
		 * Plain printable ASCII goes out in one piece; in JSON, C0 too,
		 * as escape_one() leaves it: the layout's new lines would
		 * otherwise cost a write each.
		 */
		while ((*p >= 0x20 && *p < 0x7f) || (json && *p != '\0' && *p < 0x20))
			p++;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), fp);
		if (*p == '\0')
			break;
		p += escape_one(p, one, &olen, json);
		fwrite(one, 1, olen, fp);
	}
}

void
text_fputs(FILE *fp, const char *s)
{
	fputs_escaped(fp, s, 0);
}

void
text_json_fputs(FILE *fp, const char *json)
{
	fputs_escaped(fp, json, 1);
}
