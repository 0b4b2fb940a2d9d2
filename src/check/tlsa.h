/*
 * tlsa.h - match DANE TLSA records (RFC 6698, RFC 7672) against the
 * certificate chain an SMTP server presented.
 *
 * No I/O: certificates come in as DER (whole certificate and its
 * SubjectPublicKeyInfo), records as parsed fields; hashing is libcrypto's.
 * Usage 3 (DANE-EE) matches the leaf only, usage 2 (DANE-TA) any
 * certificate above it; selectors 0 (certificate) and 1 (SPKI); matching
 * types 0 (exact), 1 (SHA-256), 2 (SHA-512).  Usages 0 and 1 are unusable
 * for SMTP (RFC 7672 section 3.1.3), as are unknown values.
 *
 * The other direction, for publishing: tlsa_data computes a record's
 * data from a certificate, and tlsa_cert_of takes the DER a record is
 * computed from out of an X509.
 */
#ifndef TLSRPT_TLSA_H
#define TLSRPT_TLSA_H

#include <openssl/x509.h>
#include <stddef.h>

struct tlsa_rr {
	unsigned usage, selector, mtype;
	const unsigned char *data;
	size_t len;
};

struct tlsa_cert {
	const unsigned char *der, *spki;
	size_t der_len, spki_len;
};

#define TLSA_UNUSABLE (-2)
#define TLSA_NO_MATCH (-1)

/*
 * CHAIN[0] is the leaf.  Returns the depth of the certificate RR matches,
 * TLSA_NO_MATCH, or TLSA_UNUSABLE for a record senders must ignore
 * (usage 0/1, unknown selector or matching type, wrong digest length).
 */
int tlsa_rr_match(const struct tlsa_rr *rr, const struct tlsa_cert *chain,
    size_t n);

/* The longest digest a matching type yields (SHA-512). */
#define TLSA_DIGEST_MAX 64

/*
 * The data of a record with SELECTOR (0 certificate, 1 SPKI) and MTYPE
 * (0 exact, 1 SHA-256, 2 SHA-512) for certificate C: *DATA_R points into
 * C for MTYPE 0, into MD (TLSA_DIGEST_MAX bytes) otherwise.  Returns 0,
 * or -1 for an unknown selector or matching type or missing input.
 */
int tlsa_data(unsigned selector, unsigned mtype, const struct tlsa_cert *c,
    unsigned char *md, const unsigned char **data_r, size_t *len_r);

/*
 * Fill C with X's DER and its SubjectPublicKeyInfo's, libcrypto-allocated;
 * tlsa_cert_free releases them.  Returns 0, or -1 (C left empty).
 */
int tlsa_cert_of(X509 *x, struct tlsa_cert *c);
void tlsa_cert_free(struct tlsa_cert *c);

#endif
