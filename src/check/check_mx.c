/*
 * check_mx.c - one MX host, from DNS to certificate; see check_mx.h.
 * The probe (smtp_probe.c) only collects; the judging is here, with
 * the name rules in rfc6125.c and the DANE rules in tlsa.c.
 */
#include "check_mx.h"
#include "check_observed.h"
#include "rfc6125.h"
#include "smtp_probe.h"
#include "tlsa.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
check_expiry(X509 *leaf, struct check_report *rep)
{
	const ASN1_TIME *na = X509_get0_notAfter(leaf);
	int days = 0, secs = 0;

	if (X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0) {
		check_add(rep, CHECK_FAIL, "cert-not-yet-valid",
		    "certificate-expired", "the certificate is not valid yet");
		return;
	}
	if (X509_cmp_current_time(na) < 0) {
		check_add(rep, CHECK_FAIL, "cert-expired", "certificate-expired",
		    "the certificate has expired");
		return;
	}
	if (ASN1_TIME_diff(&days, &secs, NULL, na) == 1 &&
	    days < CHECK_EXPIRY_WARN_DAYS)
		check_add(rep, CHECK_WARN, "cert-expires-soon",
		    "certificate-expired", "the certificate expires in %d "
		    "day%s: renew it before senders fail", days,
		    days == 1 ? "" : "s");
	else
		check_add(rep, CHECK_PASS, "cert-dates", NULL,
		    "the certificate is valid for %d more days", days);
}

/* SAN dNSNames, or the CN when there are none (with a warning). */
static void
check_names(X509 *leaf, const char *host, struct check_report *rep)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(leaf, NID_subject_alt_name,
	    NULL, NULL);
	char names[200] = "", cn[256];
	int i, dns = 0, match = 0, len;

	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		const unsigned char *d;

		if (gn->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(gn->d.dNSName);
		len = ASN1_STRING_length(gn->d.dNSName);
		dns++;
		if (rfc6125_match((const char *)d, (size_t)len, host))
			match = 1;
		if (strlen(names) + (size_t)len + 3 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) -
			    strlen(names), "%s%.*s", dns > 1 ? ", " : "", len,
			    (const char *)d);
	}
	GENERAL_NAMES_free(sans);
	if (dns == 0) {
		len = X509_NAME_get_text_by_NID(X509_get_subject_name(leaf),
		    NID_commonName, cn, sizeof(cn));
		if (len > 0 && rfc6125_match(cn, (size_t)len, host)) {
			check_add(rep, CHECK_WARN, "cert-cn-only", NULL,
			    "the certificate names %s only in its CN, with no "
			    "subjectAltName: many senders ignore the CN", cn);
			return;
		}
		snprintf(names, sizeof(names), "CN %.150s", len > 0 ? cn :
		    "(none)");
	}
	if (match)
		check_add(rep, CHECK_PASS, "cert-name", NULL,
		    "the certificate covers %s", host);
	else
		check_add(rep, CHECK_FAIL, "cert-name-mismatch",
		    "certificate-host-mismatch", "the certificate does not "
		    "cover %s (it names %s)", host, names);
}

static void
check_trust(long vr, struct check_report *rep)
{
	if (vr == X509_V_OK)
		check_add(rep, CHECK_PASS, "cert-trusted", NULL,
		    "the chain leads to a trusted root");
	else if (vr != X509_V_ERR_CERT_HAS_EXPIRED &&
	    vr != X509_V_ERR_CERT_NOT_YET_VALID)
		check_add(rep, CHECK_FAIL, "cert-untrusted",
		    "certificate-not-trusted", "the chain does not verify: %s "
		    "(send the intermediates; use a public CA)",
		    X509_verify_cert_error_string(vr));
}

/*
 * The fix when no record matches: the 3 1 1 record of the served key, the
 * one RFC 7672 section 3.1.1 recommends, as a zone line.
 */
static void
tlsa_fix(const char *host, const struct tlsa_cert *leaf,
    struct check_report *rep)
{
	unsigned char md[TLSA_DIGEST_MAX];
	const unsigned char *data;
	char hex[2 * TLSA_DIGEST_MAX + 1];
	size_t len, i;

	if (tlsa_data(1, 1, leaf, md, &data, &len) < 0)
		return;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", data[i]);
	check_add(rep, CHECK_INFO, "tlsa-fix", NULL, "the record matching the "
	    "served key: _25._tcp.%s. IN TLSA 3 1 1 %s", host, hex);
}

/*
 * Judge each record once all are matched: a record that matches nothing
 * while another matches is a key published ahead of its use (RFC 7671
 * section 8.1 rollover), not a fault.
 */
static void
tlsa_judge(const char *host, const struct dns_tlsa *t, const int *res,
    const struct tlsa_cert *chain, size_t n, struct check_report *rep)
{
	size_t i, usable = 0, matched = 0;

	for (i = 0; i < t->count; i++) {
		usable += res[i] != TLSA_UNUSABLE;
		matched += res[i] >= 0;
	}
	for (i = 0; i < t->count; i++) {
		unsigned u = t->rr[i].usage, s = t->rr[i].selector,
		    m = t->rr[i].mtype;

		if (res[i] == TLSA_UNUSABLE)
			check_add(rep, CHECK_WARN, "tlsa-unusable", NULL,
			    "TLSA %u %u %u is unusable for SMTP (RFC 7672: "
			    "usages 2 and 3, selectors 0 and 1, matching types "
			    "0 to 2 with the right length)", u, s, m);
		else if (res[i] >= 0)
			check_add(rep, CHECK_PASS, "tlsa-match", NULL,
			    "TLSA %u %u %u matches the certificate at depth %d",
			    u, s, m, res[i]);
		else if (matched > 0)
			check_add(rep, CHECK_INFO, "tlsa-next-key", NULL,
			    "TLSA %u %u %u matches no presented certificate: a "
			    "pre-published next key (another record matches)",
			    u, s, m);
		else
			check_add(rep, CHECK_INFO, "tlsa-rr-no-match", NULL,
			    "TLSA %u %u %u matches no presented certificate",
			    u, s, m);
	}
	if (matched == 0) {
		check_add(rep, CHECK_FAIL, "tlsa-mismatch", "tlsa-invalid",
		    "%s of %zu TLSA records matches the certificate chain: "
		    "DANE senders will not deliver", usable ? "none" :
		    "no usable one", t->count);
		if (n > 0)
			tlsa_fix(host, &chain[0], rep);
	} else
		check_add(rep, CHECK_INFO, "tlsa-dnssec", NULL,
		    "DNSSEC is not validated here: TLSA counts only in a "
		    "signed zone");
}

static void
check_tlsa(struct dns_ctx *dns, const char *host, const struct smtp_probe *p,
    struct check_report *rep)
{
	struct dns_tlsa *t = malloc(sizeof(*t));
	struct tlsa_cert chain[16];
	int res[DNS_RR_MAX];
	char name[300];
	enum dns_status st;
	size_t i, n = 0;

	if (t == NULL)
		return;
	/* Senders look up port 25, whatever port this probe used. */
	snprintf(name, sizeof(name), "_25._tcp.%s", host);
	st = dns_tlsa(dns, name, t);
	if (st == DNS_NODATA || st == DNS_NXDOMAIN) {
		check_add(rep, CHECK_INFO, "tlsa-none", NULL,
		    "no TLSA records at %s: DANE is not in use", name);
		goto out;
	}
	if (st == DNS_ERROR) {
		check_add(rep, CHECK_WARN, "tlsa-lookup", NULL,
		    "TLSA lookup of %s failed (%s): DANE senders defer mail "
		    "while it fails", name, dns->err);
		goto out;
	}
	if (p->chain == NULL) {
		check_observe_tlsa(rep, host, t, chain, 0);
		check_add(rep, CHECK_FAIL, "tlsa-no-tls", "tlsa-invalid",
		    "%zu TLSA records published, but no TLS session to match "
		    "them against", t->count);
		goto out;
	}
	for (i = 0; i < (size_t)sk_X509_num(p->chain) && n < 16; i++)
		if (tlsa_cert_of(sk_X509_value(p->chain, (int)i),
		    &chain[n]) == 0)
			n++;
	for (i = 0; i < t->count; i++) {
		struct tlsa_rr rr = { t->rr[i].usage, t->rr[i].selector,
		    t->rr[i].mtype, t->rr[i].data, t->rr[i].len };

		res[i] = tlsa_rr_match(&rr, chain, n);
	}
	tlsa_judge(host, t, res, chain, n, rep);
	check_observe_tlsa(rep, host, t, chain, n);
	for (i = 0; i < n; i++)
		tlsa_cert_free(&chain[i]);
out:
	free(t);
}

void
check_mx_host(const struct check_options *opt, struct dns_ctx *dns,
    const char *host, struct check_report *rep)
{
	char addr[INET_ADDRSTRLEN];
	struct smtp_probe p;
	enum dns_status st;

	check_report_subject(rep, "mx %s", host);
	if ((st = dns_a(dns, host, addr)) != DNS_OK) {
		check_add(rep, CHECK_FAIL, "mx-no-address", NULL,
		    "no IPv4 address for %s: %s", host, st == DNS_ERROR ?
		    dns->err : dns_status_name(st));
		return;
	}
	smtp_probe_run(host, addr, opt->smtp_port, opt->ca_file, opt->timeout,
	    &p);
	check_observe_probe(rep, host, &p);
	switch (p.stage) {
	case SMTP_CONNECT_FAILED:
		check_add(rep, CHECK_FAIL, "mx-connect", NULL,
		    "%s port %d: %s", addr, opt->smtp_port, p.err);
		break;
	case SMTP_NO_STARTTLS:
		check_add(rep, CHECK_FAIL, "starttls-missing",
		    "starttls-not-supported", "%s", p.err);
		break;
	case SMTP_TLS_FAILED:
		check_add(rep, CHECK_FAIL, "tls-handshake", "validation-failure",
		    "%s (TLS 1.2 or newer is required)", p.err);
		break;
	case SMTP_TLS_OK:
		check_add(rep, CHECK_PASS, "tls-ok", NULL, "STARTTLS with %s, %s",
		    p.tls_version, p.cipher);
		if (p.leaf == NULL) {
			check_add(rep, CHECK_FAIL, "cert-missing",
			    "validation-failure", "no certificate presented");
			break;
		}
		check_expiry(p.leaf, rep);
		check_names(p.leaf, host, rep);
		check_trust(p.verify_result, rep);
		break;
	}
	check_tlsa(dns, host, &p, rep);
	smtp_probe_free(&p);
}
