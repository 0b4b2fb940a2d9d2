/*
 * test_tlsa.c - TLSA matching against a fake chain whose "certificates"
 * are short strings with published digests (FIPS 180-2 "abc" vectors),
 * so the expected values do not come from the code under test.
 */
#include "testlib.h"
#include "tlsa.h"

static const unsigned char SHA256_ABC[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
	0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
static const unsigned char SHA512_ABC[64] = {
	0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba, 0xcc, 0x41, 0x73, 0x49,
	0xae, 0x20, 0x41, 0x31, 0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2,
	0x0a, 0x9e, 0xee, 0xe6, 0x4b, 0x55, 0xd3, 0x9a, 0x21, 0x92, 0x99, 0x2a,
	0x27, 0x4f, 0xc1, 0xa8, 0x36, 0xba, 0x3c, 0x23, 0xa3, 0xfe, 0xeb, 0xbd,
	0x45, 0x4d, 0x44, 0x23, 0x64, 0x3c, 0xe8, 0x0e, 0x2a, 0x9a, 0xc9, 0x4f,
	0xa5, 0x4c, 0xa4, 0x9f };

int
main(void)
{
	/* Leaf: cert "abc", SPKI "leafkey"; CA: cert "cacert", SPKI "abc". */
	const struct tlsa_cert chain[2] = {
		{ (const unsigned char *)"abc", (const unsigned char *)"leafkey",
		    3, 7 },
		{ (const unsigned char *)"cacert", (const unsigned char *)"abc",
		    6, 3 },
	};
	/* A bare key: SPKI only, no certificate. */
	const struct tlsa_cert nocert = { NULL, (const unsigned char *)"abc",
	    0, 3 };
	unsigned char md[TLSA_DIGEST_MAX];
	const unsigned char *data;
	size_t len;
	struct tlsa_rr rr;
	unsigned char wrong[32];

	/* 3 0 1: SHA-256 of the leaf certificate. */
	rr = (struct tlsa_rr){ 3, 0, 1, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), 0);
	/* 3 0 2: SHA-512 of the leaf certificate. */
	rr = (struct tlsa_rr){ 3, 0, 2, SHA512_ABC, 64 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), 0);
	/* 3 1 0: the leaf's SPKI, exact. */
	rr = (struct tlsa_rr){ 3, 1, 0, (const unsigned char *)"leafkey", 7 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), 0);
	/* 3 1 1 with the CA's key digest: DANE-EE looks at the leaf only. */
	rr = (struct tlsa_rr){ 3, 1, 1, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_NO_MATCH);
	/* 2 1 1: the CA's key, at depth 1. */
	CHECK_INT((rr.usage = 2, tlsa_rr_match(&rr, chain, 2)), 1);
	/* 2 0 1 with the leaf digest: DANE-TA never matches the leaf. */
	rr = (struct tlsa_rr){ 2, 0, 1, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_NO_MATCH);
	/* 2 0 0: the CA certificate, exact. */
	rr = (struct tlsa_rr){ 2, 0, 0, (const unsigned char *)"cacert", 6 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), 1);
	/* A digest that differs in one bit. */
	memcpy(wrong, SHA256_ABC, 32);
	wrong[31] ^= 1;
	rr = (struct tlsa_rr){ 3, 0, 1, wrong, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_NO_MATCH);
	/* Unusable for SMTP: PKIX usages, unknown selector or type, bad length. */
	rr = (struct tlsa_rr){ 1, 0, 1, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_UNUSABLE);
	rr = (struct tlsa_rr){ 0, 0, 1, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_UNUSABLE);
	rr = (struct tlsa_rr){ 3, 2, 1, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_UNUSABLE);
	rr = (struct tlsa_rr){ 3, 0, 3, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_UNUSABLE);
	rr = (struct tlsa_rr){ 3, 0, 1, SHA256_ABC, 31 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_UNUSABLE);
	rr = (struct tlsa_rr){ 3, 0, 2, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 2), TLSA_UNUSABLE);
	/* No chain at all. */
	rr = (struct tlsa_rr){ 3, 0, 1, SHA256_ABC, 32 };
	CHECK_INT(tlsa_rr_match(&rr, chain, 0), TLSA_NO_MATCH);

	/* The other direction: the record data for a certificate. */
	CHECK_INT(tlsa_data(1, 1, &chain[1], md, &data, &len), 0);
	CHECK(len == 32 && memcmp(data, SHA256_ABC, 32) == 0);
	CHECK_INT(tlsa_data(0, 2, &chain[0], md, &data, &len), 0);
	CHECK(len == 64 && memcmp(data, SHA512_ABC, 64) == 0);
	CHECK_INT(tlsa_data(1, 0, &chain[0], md, &data, &len), 0);
	CHECK(len == 7 && data == chain[0].spki);
	CHECK_INT(tlsa_data(2, 1, &chain[0], md, &data, &len), -1);
	CHECK_INT(tlsa_data(1, 3, &chain[0], md, &data, &len), -1);
	CHECK_INT(tlsa_data(0, 1, &nocert, md, &data, &len), -1);
	return test_summary("test_tlsa");
}
