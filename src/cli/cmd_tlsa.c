/*
 * cmd_tlsa.c - `tlsrpt tlsa`: the TLSA record for a certificate or key,
 * so the next key can be published before the MTA serves it (the DANE
 * rollover of RFC 7671 section 8.1), and with --published, whether a
 * DNSSEC-validated RRset already holds it (the certbot hook's test).
 *
 * Input is PEM: certificates (a chain: usage 3 takes the first, usage 2
 * the last), a public key, or an unencrypted private key (RSA, EC,
 * Ed25519), whose public half is derived; nothing of a private key is
 * printed.  The digests are tlsa.c's, the ones `tlsrpt check` matches.
 *
 * Exit status: 0 done (or published), 1 not published or the lookup
 * failed, 2 usage error or an unusable FILE, 3 no TLSA records at the
 * name (DANE not in use there).
 */
#include "cmd.h"
#include "dns_lookup.h"
#include "file_read.h"
#include "tlsa.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEM_FILE_MAX (1024 * 1024)	/* a long chain is some 10 KB */

struct tlsa_want {
	unsigned usage, selector, mtype;
	const char *name;		/* MX host, or NULL */
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsrpt tlsa [OPTIONS] FILE...\n"
	    "       tlsrpt tlsa [OPTIONS] --published --name MXHOST FILE...\n"
	    "FILE: PEM certificate, chain, public key or private key\n"
	    "options:\n"
	    "  --usage 3|2                DANE-EE (default: the first\n"
	    "                             certificate) or DANE-TA (the last)\n"
	    "  --selector spki|cert       what is hashed (default spki)\n"
	    "  --matching sha256|sha512|full   (default sha256)\n"
	    "  --name MXHOST              print the zone line for\n"
	    "                             _25._tcp.MXHOST\n"
	    "  --published                print nothing new: exit 0 only when a\n"
	    "                             DNSSEC-validated TLSA RRset at\n"
	    "                             _25._tcp.MXHOST holds each record\n"
	    "  --resolver HOST:PORT       ask this DNS server (default:\n"
	    "                             resolv.conf)\n"
	    "  --timeout SECONDS          for the lookup (default 10)\n"
	    "exit: 0 done or published, 1 not published, 2 usage or file\n"
	    "error, 3 no TLSA records at the name\n");
}

/* One of NAMES (index = value) or the value as a digit; -1 if neither. */
static int
enum_arg(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(s, names[i]) == 0)
			return i;
	if (s[0] >= '0' && s[0] < '0' + n && s[1] == '\0' &&
	    names[s[0] - '0'] != NULL)
		return s[0] - '0';
	return -1;
}

/* A host name as DNS writes it: letters, digits, '-', '_', '.'. */
static int
valid_host(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 253 || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return 0;
	return strstr(s, "..") == NULL;
}

/* What one PEM file yields: its first and last certificate, its key. */
struct pem_items {
	X509 *first, *last;
	EVP_PKEY *key;
};

static void
pem_items_free(struct pem_items *it)
{
	if (it->last != it->first)
		X509_free(it->last);
	X509_free(it->first);
	EVP_PKEY_free(it->key);
	memset(it, 0, sizeof(*it));
}

/*
 * Decode one PEM block into IT.  Returns 0 (also for blocks that are
 * neither a certificate nor a key, such as EC PARAMETERS), or -1 with
 * the reason in ERR.
 */
static int
pem_block(const char *type, const char *header, const unsigned char *der,
    long len, struct pem_items *it, const char **err)
{
	const unsigned char *p = der;
	EVP_PKEY *k = NULL;
	X509 *x;

	if (strcmp(type, "CERTIFICATE") == 0 ||
	    strcmp(type, "X509 CERTIFICATE") == 0 ||
	    strcmp(type, "TRUSTED CERTIFICATE") == 0) {
		x = strcmp(type, "TRUSTED CERTIFICATE") == 0 ?
		    d2i_X509_AUX(NULL, &p, len) : d2i_X509(NULL, &p, len);
		if (x == NULL) {
			*err = "a malformed certificate";
			return -1;
		}
		if (it->first == NULL)
			it->first = x;
		else if (it->last != it->first)
			X509_free(it->last);
		it->last = x;
		return 0;
	}
	if (strcmp(type, "ENCRYPTED PRIVATE KEY") == 0 ||
	    (strstr(type, "PRIVATE KEY") != NULL &&
	    strstr(header, "ENCRYPTED") != NULL)) {
		*err = "an encrypted private key (give the certificate, the "
		    "public key, or the key decrypted with openssl pkey)";
		return -1;
	}
	if (strcmp(type, "PRIVATE KEY") == 0 ||
	    strcmp(type, "RSA PRIVATE KEY") == 0 ||
	    strcmp(type, "EC PRIVATE KEY") == 0)
		k = d2i_AutoPrivateKey(NULL, &p, len);
	else if (strcmp(type, "PUBLIC KEY") == 0)
		k = d2i_PUBKEY(NULL, &p, len);
	else if (strcmp(type, "RSA PUBLIC KEY") == 0)
		k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
	else
		return 0;
	if (k == NULL) {
		*err = "a malformed or unsupported key";
		return -1;
	}
	if (it->key == NULL)
		it->key = k;
	else
		EVP_PKEY_free(k);
	return 0;
}

/*
 * Read PATH's PEM blocks into IT.  Returns 0, or -1 after a message on
 * stderr.  Decoded private key bytes are wiped before they are freed.
 */
static int
pem_load(const char *path, struct pem_items *it)
{
	char *buf, *type = NULL, *header = NULL;
	unsigned char *der = NULL;
	const char *err = NULL;
	size_t len;
	long dlen;
	int blocks = 0, rc = 0;
	unsigned long e;
	BIO *bio;

	memset(it, 0, sizeof(*it));
	if (file_read_bounded(path, PEM_FILE_MAX, &buf, &len) < 0) {
		fprintf(stderr, "tlsrpt: %s: %s\n", path, errno == EFBIG ?
		    "too big for a PEM file" : strerror(errno));
		return -1;
	}
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		fprintf(stderr, "tlsrpt: out of memory\n");
		free(buf);
		return -1;
	}
	ERR_clear_error();
	while (rc == 0 && PEM_read_bio(bio, &type, &header, &der, &dlen) == 1) {
		blocks++;
		rc = pem_block(type, header, der, dlen, it, &err);
		OPENSSL_cleanse(der, (size_t)dlen);
		OPENSSL_free(type);
		OPENSSL_free(header);
		OPENSSL_free(der);
	}
	e = ERR_peek_last_error();
	if (rc == 0 && e != 0 && !(ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE)) {
		err = "malformed PEM";
		rc = -1;
	}
	ERR_clear_error();
	BIO_free(bio);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (rc == 0 && blocks == 0) {
		err = "not PEM (no -----BEGIN line)";
		rc = -1;
	} else if (rc == 0 && it->first == NULL && it->key == NULL) {
		err = "no certificate or key in it";
		rc = -1;
	}
	if (rc < 0) {
		fprintf(stderr, "tlsrpt: %s: %s\n", path, err);
		pem_items_free(it);
	}
	return rc;
}

/*
 * The DER a record of WANT is computed from, for PATH: a certificate when
 * the file has one, else the key's SubjectPublicKeyInfo.  Returns 0, or
 * -1 after a message.
 */
static int
pem_subject(const char *path, const struct tlsa_want *want,
    struct tlsa_cert *c)
{
	struct pem_items it;
	unsigned char *spki = NULL;
	X509 *x;
	int n, rc = 0;

	memset(c, 0, sizeof(*c));
	if (pem_load(path, &it) < 0)
		return -1;
	x = want->usage == 2 ? it.last : it.first;
	if (x != NULL)
		rc = tlsa_cert_of(x, c);
	else if (want->selector == 0) {
		fprintf(stderr, "tlsrpt: %s: a key, no certificate: "
		    "--selector cert needs the certificate\n", path);
		pem_items_free(&it);
		return -1;
	} else if ((n = i2d_PUBKEY(it.key, &spki)) > 0) {
		/* Only the public half: i2d_PUBKEY writes no private part. */
		c->spki = spki;
		c->spki_len = (size_t)n;
	} else
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "tlsrpt: %s: cannot encode it\n", path);
	pem_items_free(&it);
	return rc;
}

static void
print_record(const struct tlsa_want *want, const unsigned char *data,
    size_t len)
{
	size_t i;

	if (want->name != NULL)
		printf("_25._tcp.%s. IN TLSA ", want->name);
	printf("%u %u %u ", want->usage, want->selector, want->mtype);
	for (i = 0; i < len; i++)
		printf("%02x", data[i]);
	putchar('\n');
}

/* Is the record in the RRset?  (A DNS record is compared as data.) */
static int
rrset_has(const struct dns_tlsa *t, const struct tlsa_want *want,
    const unsigned char *data, size_t len)
{
	size_t i;

	for (i = 0; i < t->count; i++)
		if (t->rr[i].usage == want->usage &&
		    t->rr[i].selector == want->selector &&
		    t->rr[i].mtype == want->mtype && t->rr[i].len == len &&
		    memcmp(t->rr[i].data, data, len) == 0)
			return 1;
	return 0;
}

/*
 * Look up _25._tcp.NAME.  Returns 0 with T filled and validated, or the
 * exit status after a message: 1 failed or not validated, 3 no records.
 */
static int
lookup(const struct tlsa_want *want, const char *resolver, int timeout,
    struct dns_tlsa *t)
{
	struct dns_ctx dns;
	char qname[300];
	enum dns_status st;

	if (dns_open(&dns, resolver, timeout) < 0) {
		fprintf(stderr, "tlsrpt: %s\n", dns.err);
		return 2;
	}
	snprintf(qname, sizeof(qname), "_25._tcp.%s", want->name);
	st = dns_tlsa(&dns, qname, t);
	if (st == DNS_ERROR)
		printf("lookup failed: %s\n", dns.err);
	dns_close(&dns);
	if (st == DNS_NODATA || st == DNS_NXDOMAIN) {
		printf("%s: no TLSA records: DANE is not in use there\n", qname);
		return 3;
	}
	if (st != DNS_OK)
		return 1;
	if (!t->ad) {
		printf("%s: the answer is not DNSSEC-validated (no AD bit from "
		    "the resolver): senders that use DANE would not trust it "
		    "either; use a validating resolver\n", qname);
		return 1;
	}
	return 0;
}

int
cmd_tlsa(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "usage", required_argument, NULL, 'u' },
		{ "selector", required_argument, NULL, 's' },
		{ "matching", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "published", no_argument, NULL, 'P' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const usages[] = { NULL, NULL, "2", "3" };
	static const char *const selectors[] = { "cert", "spki" };
	static const char *const mtypes[] = { "full", "sha256", "sha512" };
	struct tlsa_want want = { 3, 1, 1, NULL };
	struct dns_tlsa *t = NULL;
	const char *resolver = NULL;
	int c, v, published = 0, timeout = 10, rc = 0, i;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
		case 's':
		case 'm':
			v = c == 'u' ? enum_arg(optarg, usages, 4) : c == 's' ?
			    enum_arg(optarg, selectors, 2) :
			    enum_arg(optarg, mtypes, 3);
			if (v < 0) {
				fprintf(stderr, "tlsrpt: %s: --usage is 3 or 2, "
				    "--selector spki or cert, --matching "
				    "sha256, sha512 or full\n", optarg);
				return 2;
			}
			*(c == 'u' ? &want.usage : c == 's' ? &want.selector :
			    &want.mtype) = (unsigned)v;
			break;
		case 'n':
			if (!valid_host(optarg)) {
				fprintf(stderr, "tlsrpt: --name wants a host "
				    "name, not \"%s\"\n", optarg);
				return 2;
			}
			want.name = optarg;
			if (optarg[strlen(optarg) - 1] == '.')
				optarg[strlen(optarg) - 1] = '\0';
			break;
		case 'P':
			published = 1;
			break;
		case 'r':
			resolver = optarg;
			break;
		case 't':
			errno = 0;
			timeout = (int)strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || timeout < 1 ||
			    timeout > 600) {
				fprintf(stderr, "tlsrpt: --timeout is 1 to 600 "
				    "seconds\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || (published && want.name == NULL)) {
		usage(stderr);
		return 2;
	}
	if (published) {
		if ((t = malloc(sizeof(*t))) == NULL) {
			fprintf(stderr, "tlsrpt: out of memory\n");
			return 2;
		}
		/* Every file first: a file error is a usage error, not "no". */
		for (i = optind; i < argc; i++) {
			struct tlsa_cert cert;

			if (pem_subject(argv[i], &want, &cert) < 0) {
				free(t);
				return 2;
			}
			tlsa_cert_free(&cert);
		}
		if ((rc = lookup(&want, resolver, timeout, t)) != 0) {
			free(t);
			return rc;
		}
	}
	for (i = optind; i < argc; i++) {
		unsigned char md[TLSA_DIGEST_MAX];
		const unsigned char *data;
		struct tlsa_cert cert;
		size_t len;

		if (pem_subject(argv[i], &want, &cert) < 0) {
			rc = 2;
			continue;
		}
		if (tlsa_data(want.selector, want.mtype, &cert, md, &data,
		    &len) < 0) {
			fprintf(stderr, "tlsrpt: %s: cannot hash it\n", argv[i]);
			rc = 2;
		} else if (!published)
			print_record(&want, data, len);
		else if (rrset_has(t, &want, data, len)) {
			printf("published (DNSSEC-validated): ");
			print_record(&want, data, len);
		} else {
			printf("not published: ");
			print_record(&want, data, len);
			rc = rc == 0 ? 1 : rc;
		}
		tlsa_cert_free(&cert);
	}
	free(t);
	return rc;
}
