/*
 * html_out.c - escaping and number formatting for HTML; see html_out.h.
 */
#include "html_out.h"

#include <string.h>

/* Length of the UTF-8 sequence that starts with byte C (1 when invalid). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	if (c >= 0xe0)
		return c <= 0xef ? 3 : 1;
	if (c >= 0xc2)
		return 2;
	return 1;
}

void
html_text_n(FILE *fp, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0, n, k;

	if (s == NULL)
		return;
	while (*p != '\0') {
		if (chars == max_chars) {
			fputs("\xe2\x80\xa6", fp);	/* U+2026 ellipsis */
			return;
		}
		chars++;
		switch (*p) {
		case '&': fputs("&amp;", fp); p++; continue;
		case '<': fputs("&lt;", fp); p++; continue;
		case '>': fputs("&gt;", fp); p++; continue;
		case '"': fputs("&quot;", fp); p++; continue;
		case '\'': fputs("&#39;", fp); p++; continue;
		case '\t': case '\n': fputc(*p, fp); p++; continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fputs("\xef\xbf\xbd", fp);	/* U+FFFD */
			p++;
			continue;
		}
		/* Copy a whole multibyte sequence, or a lone bad byte, as is:
		 * a browser shows U+FFFD for what is not UTF-8. */
		n = utf8_len(*p);
		for (k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				break;
		fwrite(p, 1, k, fp);
		p += k;
	}
}

void
html_text(FILE *fp, const char *s)
{
	html_text_n(fp, s, (size_t)-1);
}

void
html_count(FILE *fp, int64_t v)
{
	char digits[32];
	size_t len, i;

	if (v < 0) {
		fputc('-', fp);
		/* INT64_MIN has no positive twin: print it as digits. */
		if (v == INT64_MIN) {
			fputs("9223372036854775808", fp);
			return;
		}
		v = -v;
	}
	len = (size_t)snprintf(digits, sizeof(digits), "%lld", (long long)v);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			fputc(',', fp);
		fputc(digits[i], fp);
	}
}

void
html_percent(FILE *fp, double ratio)
{
	double pct;

	/* NaN fails every comparison: show it as 0, never as "nan%". */
	if (!(ratio > 0)) {
		fputs("0%", fp);
		return;
	}
	pct = ratio > 1 ? 100 : ratio * 100;
	if (pct < 0.01)
		fputs("&lt;0.01%", fp);
	else if (pct < 10)
		fprintf(fp, "%.2f%%", pct);
	else
		fprintf(fp, "%.1f%%", pct);
}
