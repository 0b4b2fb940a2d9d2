/*
 * mail_header.c - safe header fields and quoted-printable bodies; see
 * mail_header.h.
 */
#include "mail_header.h"
#include "text_safe.h"

#include <string.h>

#define FOLD_AT		78
/* An encoded-word is at most 75 characters: "=?UTF-8?B?" + 60 + "?=". */
#define EW_RAW		45

static int
is_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 32 || (unsigned char)*s > 126)
			return 0;
	return 1;
}

/* The safe, bounded form of VALUE into BUF (SIZE > 4). */
static void
prepare(char *buf, size_t size, const char *value)
{
	size_t n = text_sanitize(buf, size, value);

	/* Near the end: cut at a character boundary and mark the cut. */
	if (n + 8 >= size - 1) {
		n = size - 12;
		while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf + n, "...", 4);
	}
}

/* Printable ASCII, folded at spaces so lines stay near FOLD_AT. */
static void
write_plain(FILE *fp, size_t col, const char *s)
{
	const char *sp;
	size_t word;

	while (*s != '\0') {
		sp = strchr(s + 1, ' ');
		word = sp != NULL ? (size_t)(sp - s) : strlen(s);
		if (col + word > FOLD_AT && *s == ' ' && col > 1) {
			fputs("\n", fp);
			col = 0;
		}
		fwrite(s, 1, word, fp);
		col += word;
		s += word;
	}
}

static void
write_b64(FILE *fp, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		fputc(tab[p[i] >> 2], fp);
		fputc(tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)], fp);
		fputc(tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], fp);
		fputc(tab[p[i + 2] & 63], fp);
	}
	if (n - i == 1) {
		fputc(tab[p[i] >> 2], fp);
		fputc(tab[(p[i] & 3) << 4], fp);
		fputs("==", fp);
	} else if (n - i == 2) {
		fputc(tab[p[i] >> 2], fp);
		fputc(tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)], fp);
		fputc(tab[(p[i + 1] & 15) << 2], fp);
		fputc('=', fp);
	}
}

/*
 * Encoded-words, one per line, each line at most 76 characters (RFC 2047
 * section 2): the first word's share is what fits after COL.
 */
static void
write_encoded(FILE *fp, size_t col, const char *s)
{
	size_t len = strlen(s), n, room;
	int first = 1;

	while (len > 0) {
		/* "=?UTF-8?B?" and "?=" take 12; base64 is 4 per 3 bytes. */
		room = 76 - (first ? (col < 40 ? col : 40) : 1) - 12;
		room = room / 4 * 3;
		if (room > EW_RAW)
			room = EW_RAW;
		n = len < room ? len : room;
		/* Never split a UTF-8 sequence between two words. */
		while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			n = len < room ? len : room;
		fputs(first ? "=?UTF-8?B?" : "\n =?UTF-8?B?", fp);
		write_b64(fp, (const unsigned char *)s, n);
		fputs("?=", fp);
		first = 0;
		s += n;
		len -= n;
	}
}

int
mail_header_write(FILE *fp, const char *name, const char *value)
{
	char buf[MAIL_HEADER_MAX];

	prepare(buf, sizeof(buf), value != NULL ? value : "");
	fprintf(fp, "%s: ", name);
	if (is_plain(buf))
		write_plain(fp, strlen(name) + 2, buf);
	else
		write_encoded(fp, strlen(name) + 2, buf);
	fputc('\n', fp);
	return ferror(fp) ? -1 : 0;
}

int
mail_address_valid(const char *s)
{
	const char *at = strrchr(s, '@'), *p;

	if (*s == '\0' || strlen(s) > 254 || at == NULL || at == s || at[1] == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (*p < 33 || *p > 126 || strchr("<>,;:\"()[]\\", *p) != NULL)
			return 0;
	return strchr(s, '@') == at;
}

int
mail_address_list_valid(const char *list, char *bad, size_t badlen)
{
	char one[256];
	const char *p = list, *end;
	size_t n;
	int count = 0;

	for (;;) {
		while (*p == ' ')
			p++;
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n >= sizeof(one)) {
			text_sanitize(bad, badlen, "(an address longer than 254 bytes)");
			return 0;
		}
		memcpy(one, p, n);
		one[n] = '\0';
		if (!mail_address_valid(one)) {
			text_sanitize(bad, badlen, n > 0 ? one : "(empty)");
			return 0;
		}
		count++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return count > 0;
}

int
mail_qp_write(FILE *fp, const char *data, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, col = 0;
	unsigned char c;
	int enc;

	for (i = 0; i < len; i++) {
		c = (unsigned char)data[i];
		if (c == '\n') {
			fputc('\n', fp);
			col = 0;
			continue;
		}
		/* Trailing white space would be stripped in transit. */
		enc = c == '=' || c > 126 || (c < 32 && c != '\t') ||
		    ((c == ' ' || c == '\t') && (i + 1 == len || data[i + 1] == '\n'));
		if (col + (enc ? 3 : 1) > 75) {
			fputs("=\n", fp);
			col = 0;
		}
		if (enc) {
			fputc('=', fp);
			fputc(hex[c >> 4], fp);
			fputc(hex[c & 15], fp);
			col += 3;
		} else {
			fputc(c, fp);
			col++;
		}
	}
	if (col > 0)
		fputs("=\n", fp);
	return ferror(fp) ? -1 : 0;
}
