/*
 * smtp_probe.h - connect to an MX as a sending MTA would: banner, EHLO,
 * STARTTLS, a TLS 1.2+ handshake with SNI, and the certificate chain and
 * its verification result kept for the caller to judge.
 *
 * Network bounds: each step has the timeout, each SMTP reply at most
 * SMTP_REPLY_MAX bytes.  The probe never sends mail: it ends with QUIT.
 * On return, p->leaf and p->chain (OpenSSL objects, owned by the probe)
 * are set when the handshake succeeded; smtp_probe_free releases them.
 */
#ifndef TLSRPT_SMTP_PROBE_H
#define TLSRPT_SMTP_PROBE_H

#include <openssl/x509.h>

#define SMTP_REPLY_MAX 16384

enum smtp_stage {
	SMTP_CONNECT_FAILED,	/* no TCP connection or no 220 banner */
	SMTP_NO_STARTTLS,	/* EHLO did not offer STARTTLS, or it failed */
	SMTP_TLS_FAILED,	/* the handshake failed */
	SMTP_TLS_OK
};

struct smtp_probe {
	enum smtp_stage stage;
	char err[256];
	char tls_version[32], cipher[64];
	X509 *leaf;
	STACK_OF(X509) *chain;	/* as presented, leaf first */
	long verify_result;	/* X509_V_OK or an X509_V_ERR_* */
};

/* HOST is the MX name (for SNI); ADDR its IPv4 address. */
void smtp_probe_run(const char *host, const char *addr, int port,
    const char *ca_file, int timeout, struct smtp_probe *p);
void smtp_probe_free(struct smtp_probe *p);

#endif
