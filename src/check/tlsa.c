/*
 * tlsa.c - TLSA record matching; see tlsa.h.
 */
#include "tlsa.h"

#include <openssl/evp.h>
#include <string.h>

int
tlsa_data(unsigned selector, unsigned mtype, const struct tlsa_cert *c,
    unsigned char *md, const unsigned char **data_r, size_t *len_r)
{
	const unsigned char *in = selector == 0 ? c->der : c->spki;
	size_t in_len = selector == 0 ? c->der_len : c->spki_len;
	unsigned int md_len = 0;

	if (selector > 1 || mtype > 2 || in == NULL || in_len == 0)
		return -1;
	if (mtype == 0) {
		*data_r = in;
		*len_r = in_len;
		return 0;
	}
	if (EVP_Digest(in, in_len, md, &md_len, mtype == 1 ? EVP_sha256() :
	    EVP_sha512(), NULL) != 1)
		return -1;
	*data_r = md;
	*len_r = md_len;
	return 0;
}

/* Does one certificate match the record's selector and matching type? */
static int
cert_matches(const struct tlsa_rr *rr, const struct tlsa_cert *c)
{
	unsigned char md[TLSA_DIGEST_MAX];
	const unsigned char *data;
	size_t len;

	if (tlsa_data(rr->selector, rr->mtype, c, md, &data, &len) < 0)
		return 0;
	return rr->len == len && memcmp(rr->data, data, len) == 0;
}

int
tlsa_cert_of(X509 *x, struct tlsa_cert *c)
{
	unsigned char *der = NULL, *spki = NULL;
	int n, m;

	memset(c, 0, sizeof(*c));
	if ((n = i2d_X509(x, &der)) <= 0)
		return -1;
	if ((m = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki)) <= 0) {
		OPENSSL_free(der);
		return -1;
	}
	c->der = der;
	c->der_len = (size_t)n;
	c->spki = spki;
	c->spki_len = (size_t)m;
	return 0;
}

void
tlsa_cert_free(struct tlsa_cert *c)
{
	OPENSSL_free((void *)c->der);
	OPENSSL_free((void *)c->spki);
	memset(c, 0, sizeof(*c));
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
