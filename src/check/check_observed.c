/*
 * check_observed.c - collect what a live check saw; see check_observed.h.
 */
#include "check_observed.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct check_observed *
check_observed_new(void)
{
	struct check_observed *obs = calloc(1, sizeof(*obs));

	if (obs != NULL)
		obs->sts_max_age = -1;
	return obs;
}

void
check_observed_free(struct check_observed *obs)
{
	free(obs);
}

struct check_obs_mx *
check_obs_mx(struct check_report *rep, const char *host)
{
	struct check_observed *obs = rep->obs;
	struct check_obs_mx *m;
	size_t i;

	if (obs == NULL || host == NULL)
		return NULL;
	for (i = 0; i < obs->mx_count; i++)
		if (strcasecmp(obs->mx[i].host, host) == 0)
			return &obs->mx[i];
	if (obs->mx_count == CHECK_OBS_MX_MAX)
		return NULL;
	m = &obs->mx[obs->mx_count++];
	memset(m, 0, sizeof(*m));
	snprintf(m->host, sizeof(m->host), "%s", host);
	m->sts_covered = -1;
	m->starttls = -1;
	m->tlsa_match = -1;
	return m;
}

void
check_observe_record(struct check_report *rep, const struct dns_txt *txt)
{
	struct check_observed *obs = rep->obs;
	size_t i, used = 0;

	if (obs == NULL)
		return;
	obs->tlsrpt_record[0] = '\0';
	obs->has_record = 0;
	for (i = 0; txt != NULL && i < txt->count; i++) {
		if (strncasecmp(txt->rr[i].text, "v=TLSRPTv1", 10) != 0)
			continue;
		used += (size_t)snprintf(obs->tlsrpt_record + used,
		    sizeof(obs->tlsrpt_record) - used, "%s%s",
		    obs->has_record ? "\n" : "", txt->rr[i].text);
		obs->has_record = 1;
		if (used >= sizeof(obs->tlsrpt_record))
			break;
	}
}

void
check_observe_sts_id(struct check_report *rep, const char *id)
{
	if (rep->obs != NULL)
		snprintf(rep->obs->sts_id, sizeof(rep->obs->sts_id), "%s", id);
}

void
check_observe_sts_policy(struct check_report *rep, const char *text,
    size_t len, const struct sts_policy *pol)
{
	struct check_observed *obs = rep->obs;

	if (obs == NULL)
		return;
	if (len > STS_POLICY_MAX)
		len = STS_POLICY_MAX;
	memcpy(obs->sts_policy, text, len);
	obs->sts_policy[len] = '\0';
	obs->has_policy = 1;
	if (pol != NULL && pol->mode != STS_MODE_UNSET)
		obs->sts_mode = sts_mode_name(pol->mode);
	obs->sts_max_age = pol != NULL ? pol->max_age : -1;
}

void
check_observe_covered(struct check_report *rep, const char *host, int covered)
{
	struct check_obs_mx *m = check_obs_mx(rep, host);

	if (m != NULL)
		m->sts_covered = covered;
}

static void
hex(const unsigned char *d, size_t n, char *out, size_t size)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < n && 2 * i + 2 < size; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* The SAN dNSNames of LEAF, ", "-joined, cut to fit. */
static void
leaf_names(X509 *leaf, char *out, size_t size)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(leaf, NID_subject_alt_name,
	    NULL, NULL);
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		int len;

		if (gn->type != GEN_DNS)
			continue;
		len = ASN1_STRING_length(gn->d.dNSName);
		if (used + (size_t)len + 3 >= size)
			break;
		used += (size_t)snprintf(out + used, size - used, "%s%.*s",
		    used ? ", " : "", len,
		    (const char *)ASN1_STRING_get0_data(gn->d.dNSName));
	}
	GENERAL_NAMES_free(sans);
}

void
check_observe_probe(struct check_report *rep, const char *host,
    const struct smtp_probe *p)
{
	struct check_obs_mx *m = check_obs_mx(rep, host);
	unsigned char *spki = NULL, md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	struct tm tm;
	int n;

	if (m == NULL)
		return;
	m->starttls = p->stage == SMTP_CONNECT_FAILED ? -1 :
	    p->stage == SMTP_NO_STARTTLS ? 0 : 1;
	if (p->stage == SMTP_TLS_OK)
		snprintf(m->tls_version, sizeof(m->tls_version), "%s",
		    p->tls_version);
	if (p->leaf == NULL)
		return;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(p->leaf), &tm) == 1)
		m->not_after = (long long)timegm(&tm);
	leaf_names(p->leaf, m->names, sizeof(m->names));
	if ((n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(p->leaf), &spki)) > 0 &&
	    EVP_Digest(spki, (size_t)n, md, &md_len, EVP_sha256(), NULL) == 1)
		hex(md, md_len, m->spki_sha256, sizeof(m->spki_sha256));
	OPENSSL_free(spki);
}

void
check_observe_tlsa(struct check_report *rep, const char *host,
    const struct dns_tlsa *t, const struct tlsa_cert *chain, size_t n)
{
	struct check_obs_mx *m = check_obs_mx(rep, host);
	char data[2 * 64 + 1];
	size_t i, used = 0;

	if (m == NULL)
		return;
	m->tlsa_match = 0;
	m->tlsa_dnssec = t->ad != 0;
	m->tlsa[0] = '\0';
	for (i = 0; i < t->count; i++) {
		struct tlsa_rr rr = { t->rr[i].usage, t->rr[i].selector,
		    t->rr[i].mtype, t->rr[i].data, t->rr[i].len };
		int r = tlsa_rr_match(&rr, chain, n);

		/* Exact (matching type 0) data can be long: its head only. */
		hex(rr.data, rr.len < 64 ? rr.len : 64, data, sizeof(data));
		if (r >= 0)
			m->tlsa_match++;
		used += (size_t)snprintf(m->tlsa + used, sizeof(m->tlsa) - used,
		    "%s%u %u %u %s %s", used ? "\n" : "", rr.usage, rr.selector,
		    rr.mtype, data, r >= 0 ? "match" : r == TLSA_UNUSABLE ?
		    "unusable" : "no-match");
		if (used >= sizeof(m->tlsa))
			break;
	}
}

/*
 * The first failure's result type among the findings whose subject is
 * SUBJECT (or, with PREFIX, starts with it); NULL when none has one.
 */
static const char *
failure_type(const struct check_report *rep, const char *subject, int prefix)
{
	size_t i, len = strlen(subject);

	for (i = 0; i < rep->count; i++)
		if (rep->items[i].level == CHECK_FAIL &&
		    rep->items[i].result_type != NULL &&
		    strncasecmp(rep->items[i].subject, subject, len) == 0 &&
		    (prefix || rep->items[i].subject[len] == '\0'))
			return rep->items[i].result_type;
	return NULL;
}

void
check_observed_finish(struct check_report *rep)
{
	struct check_observed *obs = rep->obs;
	char subject[CHECK_SUBJECT_MAX];
	size_t i;

	if (obs == NULL)
		return;
	obs->result_type = failure_type(rep, "mta-sts ", 1);
	for (i = 0; i < obs->mx_count; i++) {
		snprintf(subject, sizeof(subject), "mx %s", obs->mx[i].host);
		obs->mx[i].result_type = failure_type(rep, subject, 0);
	}
}
