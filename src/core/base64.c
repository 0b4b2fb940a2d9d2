/*
 * base64.c - strict base64; see base64.h.
 */
#include "base64.h"
#include "core.h"

/* 0-63 for the alphabet, 64 for white space, 65 for '=', 255 otherwise. */
static const unsigned char b64_class[256] = {
#define X 255
	X, X, X, X, X, X, X, X, X, 64, 64, X, 64, 64, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	64, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, 65, X, X,
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

static unsigned
line_of(const char *in, size_t pos)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < pos; i++)
		if (in[i] == '\n')
			line++;
	return line;
}

enum tlsrpt_errcode
base64_decode_strict(const char *in, size_t len, unsigned char *out,
    size_t *out_len_r, struct tlsrpt_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned long acc = 0;
	size_t i, o = 0;
	unsigned n = 0, pad = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = b64_class[s[i]];

		if (c == 64)
			continue;
		if (c == 65) {
			pad++;
			continue;
		}
		if (c == 255 || pad > 0)
			return tlsrpt_seterr(err, TLSRPT_E_MIME,
			    "base64: invalid character 0x%02x on line %u",
			    s[i], line_of(in, i));
		acc = (acc << 6) | c;
		if (++n == 4) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			n = 0;
		}
	}
	/* Leftover sextets: 2 or 3 make whole bytes, 1 is a cut-off quantum. */
	if (n == 1 || pad > 2)
		return tlsrpt_seterr(err, TLSRPT_E_MIME,
		    "base64: truncated input (%u stray characters at the end)", n);
	/* Padding may only fill the last quantum, and only as far as it is short. */
	if (pad > 0 && (n == 0 || pad > 4 - n))
		return tlsrpt_seterr(err, TLSRPT_E_MIME, "base64: misplaced padding");
	if (n == 2) {
		out[o++] = (unsigned char)(acc >> 4);
	} else if (n == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	*out_len_r = o;
	return TLSRPT_OK;
}
