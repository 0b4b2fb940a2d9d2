/*
 * tlsa.c - TLSA record matching; see tlsa.h.
 */
#include "tlsa.h"

#include <openssl/evp.h>
#include <string.h>

/* Does one certificate match the record's selector and matching type? */
static int
cert_matches(const struct tlsa_rr *rr, const struct tlsa_cert *c)
{
	const unsigned char *in = rr->selector == 0 ? c->der : c->spki;
	size_t in_len = rr->selector == 0 ? c->der_len : c->spki_len;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (in == NULL || in_len == 0)
		return 0;
	if (rr->mtype == 0)
		return rr->len == in_len && memcmp(rr->data, in, in_len) == 0;
	if (EVP_Digest(in, in_len, md, &md_len, rr->mtype == 1 ?
	    EVP_sha256() : EVP_sha512(), NULL) != 1)
		return 0;
	return rr->len == md_len && memcmp(rr->data, md, md_len) == 0;
}

int
tlsa_rr_match(const struct tlsa_rr *rr, const struct tlsa_cert *chain,
    size_t n)
{
	size_t i;

	if ((rr->usage != 2 && rr->usage != 3) || rr->selector > 1 ||
	    rr->mtype > 2 || rr->len == 0 ||
	    (rr->mtype == 1 && rr->len != 32) ||
	    (rr->mtype == 2 && rr->len != 64))
		return TLSA_UNUSABLE;
	if (rr->usage == 3)
		return n > 0 && cert_matches(rr, &chain[0]) ? 0 : TLSA_NO_MATCH;
	for (i = 1; i < n; i++)
		if (cert_matches(rr, &chain[i]))
			return (int)i;
	return TLSA_NO_MATCH;
}
