/*
 * align.c - DKIM signer / From domain alignment; see align.h.
 *
 * Both names are lowercased, lose one trailing dot and must be plain
 * dot-separated labels.  The signer must equal the From domain or be one
 * of its parents, no higher than the From domain's registrable domain
 * (libpsl's built-in list), and must never itself be a public suffix.
 */
#include "align.h"

#include <libpsl.h>
#include <string.h>

#define DOMAIN_MAX 253

/* Lowercase IN into OUT (DOMAIN_MAX + 1) and check its shape; 0 or -1. */
static int
normalize(const char *in, char *out)
{
	size_t len, i, label = 0;

	if (in == NULL)
		return -1;
	len = strlen(in);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > DOMAIN_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (label == 0)
				return -1;	/* empty label */
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_') {
			label++;
		} else if (c >= 'A' && c <= 'Z') {
			c = (unsigned char)(c - 'A' + 'a');
			label++;
		} else {
			return -1;	/* U-labels and junk: not a DKIM d= */
		}
		if (label > 63)
			return -1;
		out[i] = (char)c;
	}
	if (label == 0)
		return -1;
	out[len] = '\0';
	return 0;
}

int
domain_aligned(const char *signer, const char *from_domain)
{
	const psl_ctx_t *psl = psl_builtin();
	char s[DOMAIN_MAX + 1], f[DOMAIN_MAX + 1];
	const char *reg;
	size_t slen, flen;

	if (psl == NULL || normalize(signer, s) != 0 ||
	    normalize(from_domain, f) != 0)
		return 0;
	if (psl_is_public_suffix(psl, s))
		return 0;
	slen = strlen(s);
	flen = strlen(f);
	if (slen > flen)
		return 0;
	if (slen < flen && (f[flen - slen - 1] != '.' ||
	    strcmp(f + flen - slen, s) != 0))
		return 0;
	if (slen == flen && strcmp(f, s) != 0)
		return 0;
	/* S is F or a parent of it: stay within F's registrable domain. */
	reg = psl_registrable_domain(psl, f);
	return reg != NULL && slen >= strlen(reg);
}
