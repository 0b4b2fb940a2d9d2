/*
 * tag.c - format the verdict header; see tag.h.
 */
#include "tag.h"

#include <stdio.h>
#include <string.h>

#define FOLD_AT	78

const char *
tag_verdict_word(enum tag_verdict verdict)
{
	switch (verdict) {
	case TAG_PASS:
		return "pass";
	case TAG_FAIL:
		return "fail";
	case TAG_INVALID:
		return "invalid";
	case TAG_VERIFIED:
		return "verified";
	}
	return "invalid";
}

/* RFC 2045 token characters: no specials, no space, no controls. */
static int
is_token_char(unsigned char c)
{
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* name=value, quoted when needed, sanitized, into ITEM. */
static size_t
format_item(char *item, size_t size, const char *name, const char *value)
{
	const unsigned char *v = (const unsigned char *)value;
	size_t o, i, vlen = strlen(value);
	int quote = vlen == 0;

	if (vlen > TAG_MAX_VALUE)
		vlen = TAG_MAX_VALUE;
	for (i = 0; i < vlen && !quote; i++)
		if (!is_token_char(v[i]) && v[i] != '@')
			quote = 1;
	o = (size_t)snprintf(item, size, "%s=%s", name, quote ? "\"" : "");
	for (i = 0; i < vlen && o + 4 < size; i++) {
		unsigned char c = v[i];

		if (c < 32 || c >= 127)
			c = '?';
		if (quote && (c == '"' || c == '\\'))
			item[o++] = '\\';
		item[o++] = (char)c;
	}
	if (quote)
		item[o++] = '"';
	item[o] = '\0';
	return o;
}

int
tag_format(char *buf, size_t size, size_t header_len, enum tag_verdict verdict,
    const struct tag_field *fields, size_t n)
{
	char item[2 * TAG_MAX_VALUE + 80];
	size_t len, col, ilen, i;
	const char *word = tag_verdict_word(verdict);

	len = strlen(word);
	if (len + 1 > size)
		return -1;
	memcpy(buf, word, len + 1);
	col = header_len + 2 + len;	/* "Name: word" */
	for (i = 0; i < n; i++) {
		if (fields[i].value == NULL)
			continue;
		ilen = format_item(item, sizeof(item), fields[i].name,
		    fields[i].value);
		/* Fold before an item that would pass the soft limit. */
		if (col + 1 + ilen > FOLD_AT) {
			if (len + 2 + ilen + 1 > size)
				return -1;
			memcpy(buf + len, "\n\t", 2);
			len += 2;
			col = 8;
		} else {
			if (len + 1 + ilen + 1 > size)
				return -1;
			buf[len++] = ' ';
			col++;
		}
		memcpy(buf + len, item, ilen + 1);
		len += ilen;
		col += ilen;
	}
	return (int)len;
}
