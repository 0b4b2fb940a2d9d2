/*
 * check_live.c - `tlsrpt check --domain D`: the TLS-RPT record, the
 * MTA-STS TXT record and policy, and every MX, in the order a sender
 * meets them, and each DANE MX host's own TLS-RPT record.  Grammars are
 * tlsrpt_record.c and sts_policy.c; hosts are
 * check_mx.c; this file asks DNS and HTTPS and joins the answers.
 */
#include "check_live.h"
#include "check_mx.h"
#include "check_observed.h"
#include "dns_lookup.h"
#include "https_fetch.h"
#include "sts_policy.h"
#include "tlsrpt_record.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The TLS-RPT record at _smtp._tls.NAME.  NAME is the policy domain, or
 * (DANE_FIX set) an MX host with TLSA records: for DANE the policy
 * domain is the MX host (RFC 8460 section 3), so senders reporting DANE
 * failures look there; its absence is a warning with DANE_FIX, the
 * record to publish.  A usable record's text is copied to KEEP (KEEP_MAX
 * bytes) when KEEP is not NULL.
 */
static void
live_record(struct dns_ctx *dns, const char *domain, const char *dane_fix,
    char *keep, size_t keep_max, struct check_report *rep)
{
	struct dns_txt *txt = malloc(sizeof(*txt));
	struct tlsrpt_record rec;
	char name[300];
	enum dns_status st;
	size_t i, found = 0, which = 0;

	snprintf(name, sizeof(name), "_smtp._tls.%s", domain);
	check_report_subject(rep, "record %s", name);
	if (txt == NULL)
		return;
	st = dns_txt(dns, name, txt);
	if (st == DNS_ERROR)
		check_add(rep, CHECK_FAIL, "record-dns", NULL, "%s: senders "
		    "cannot tell whether you want reports", dns->err);
	else if (st != DNS_OK && dane_fix != NULL) {
		check_add(rep, CHECK_WARN, "dane-record-none", NULL, "%s: this "
		    "MX uses DANE, and senders that report DANE failures send "
		    "them to the MX host's own TLS-RPT record (RFC 8460 section "
		    "3)", dns_status_name(st));
		check_add(rep, CHECK_INFO, "dane-record-fix", NULL, "publish: "
		    "%s. IN TXT \"%s\"", name, dane_fix);
	} else if (st != DNS_OK)
		check_add(rep, CHECK_FAIL, "record-none", NULL, "%s: senders "
		    "send no TLS-RPT reports", dns_status_name(st));
	if (st != DNS_OK)
		goto out;
	for (i = 0; i < txt->count; i++)
		if (tlsrpt_record_is_candidate(txt->rr[i].text, txt->rr[i].len)) {
			found++;
			which = i;
		}
	if (dane_fix == NULL)		/* the domain's, not an MX host's */
		check_observe_record(rep, txt);
	if (found > 1) {
		check_add(rep, CHECK_FAIL, "record-several", NULL,
		    "%zu TXT records start with v=TLSRPTv1: RFC 8460 has "
		    "senders treat that as no record, so no reports", found);
		goto out;
	}
	if (found == 0 && txt->count == 1)
		which = 0;	/* judge it: the grammar says what is wrong */
	else if (found == 0) {
		check_add(rep, CHECK_FAIL, "version-missing", NULL,
		    "%zu TXT records, none starting with v=TLSRPTv1: senders "
		    "send no reports", txt->count);
		goto out;
	}
	if (txt->rr[which].truncated)
		check_add(rep, CHECK_FAIL, "record-huge", NULL,
		    "the record is over %d bytes", DNS_TXT_MAX);
	/* An MX host's record sends reports to the domain: not "outside". */
	else if (tlsrpt_record_check(txt->rr[which].text, txt->rr[which].len,
	    dane_fix == NULL ? domain : NULL, TLSRPT_RECORD_FROM_DNS, &rec,
	    rep) == 0 && keep != NULL && txt->rr[which].len < keep_max)
		memcpy(keep, txt->rr[which].text, txt->rr[which].len + 1);
out:
	free(txt);
}

/*
 * The MTA-STS TXT record and policy.  Returns the policy (malloc'd) when
 * senders would apply one, so the MX can be matched against it.
 */
static struct sts_policy *
live_sts(const struct check_options *opt, struct dns_ctx *dns,
    struct check_report *rep)
{
	struct dns_txt *txt = malloc(sizeof(*txt));
	struct sts_policy *pol = NULL;
	struct https_result res;
	char name[300], addr[INET_ADDRSTRLEN], id[STS_ID_MAX + 1];
	enum dns_status st;
	size_t i, found = 0, which = 0;
	int ok;

	snprintf(name, sizeof(name), "_mta-sts.%s", opt->domain);
	check_report_subject(rep, "mta-sts %s", name);
	if (txt == NULL)
		return NULL;
	st = dns_txt(dns, name, txt);
	if (st == DNS_ERROR) {
		check_add(rep, CHECK_WARN, "sts-txt-dns", NULL, "%s: senders "
		    "with a cached policy keep it, others apply none",
		    dns->err);
		goto out;
	}
	for (i = 0; st == DNS_OK && i < txt->count; i++)
		if (sts_txt_is_candidate(txt->rr[i].text, txt->rr[i].len)) {
			found++;
			which = i;
		}
	if (found == 0) {
		check_add(rep, CHECK_INFO, "sts-none", NULL, "no MTA-STS record: "
		    "senders apply no MTA-STS policy");
		goto out;
	}
	if (found > 1) {
		check_add(rep, CHECK_FAIL, "sts-txt-several", NULL,
		    "%zu TXT records start with v=STSv1: senders treat that as "
		    "no policy", found);
		goto out;
	}
	if (sts_txt_check(txt->rr[which].text, txt->rr[which].len, id,
	    rep) < 0)
		goto out;
	check_add(rep, CHECK_PASS, "sts-txt-ok", NULL, "MTA-STS record, id %s",
	    id);
	check_observe_sts_id(rep, id);

	/* The policy, from https://mta-sts.DOMAIN/.well-known/mta-sts.txt */
	snprintf(name, sizeof(name), "mta-sts.%s", opt->domain);
	check_report_subject(rep, "mta-sts https://%s/.well-known/mta-sts.txt",
	    name);
	if ((st = dns_a(dns, name, addr)) != DNS_OK) {
		check_add(rep, CHECK_FAIL, "sts-host-dns",
		    "sts-policy-fetch-error", "%s: %s", name, st == DNS_ERROR ?
		    dns->err : dns_status_name(st));
		goto out;
	}
	https_fetch(name, addr, opt->https_port, "/.well-known/mta-sts.txt",
	    opt->ca_file, opt->timeout, STS_POLICY_MAX, &res);
	if (res.outcome == HTTPS_WEBPKI)
		check_add(rep, CHECK_FAIL, "sts-webpki", "sts-webpki-invalid",
		    "%s", res.err);
	else if (res.outcome == HTTPS_FETCH)
		check_add(rep, CHECK_FAIL, "sts-fetch", "sts-policy-fetch-error",
		    "%s%s", res.err, res.location[0] ? " (senders do not "
		    "follow redirects)" : "");
	else {
		if (strncasecmp(res.content_type, "text/plain", 10) != 0)
			check_add(rep, CHECK_WARN, "sts-content-type", NULL,
			    "served as \"%s\": RFC 8461 says text/plain, and "
			    "strict senders refuse anything else",
			    res.content_type[0] ? res.content_type : "(none)");
		if ((pol = malloc(sizeof(*pol))) != NULL) {
			ok = sts_policy_check(res.body != NULL ? res.body : "",
			    res.len, pol, rep);
			check_observe_sts_policy(rep, res.body != NULL ?
			    res.body : "", res.len, pol);
			if (ok < 0 || pol->mode == STS_MODE_NONE) {
				free(pol);
				pol = NULL;
			}
		}
	}
	https_result_free(&res);
out:
	free(txt);
	return pol;
}

/* Does HOST publish TLSA records for SMTP? */
static int
has_tlsa(struct dns_ctx *dns, const char *host)
{
	struct dns_tlsa *t = malloc(sizeof(*t));
	char name[300];
	int yes;

	if (t == NULL)
		return 0;
	snprintf(name, sizeof(name), "_25._tcp.%s", host);
	yes = dns_tlsa(dns, name, t) == DNS_OK;
	free(t);
	return yes;
}

/*
 * Every MX of the domain (or the domain itself when it has none).  With
 * DANE_FIX, each MX host with TLSA records also has its TLS-RPT record
 * checked (see live_record).
 */
static void
live_mx_all(const struct check_options *opt, struct dns_ctx *dns,
    const struct sts_policy *pol, const char *dane_fix,
    struct check_report *rep)
{
	struct dns_mx *mx = malloc(sizeof(*mx));
	enum dns_status st;
	size_t i, j;

	if (mx == NULL)
		return;
	check_report_subject(rep, "mx %s", opt->domain);
	st = dns_mx(dns, opt->domain, mx);
	if (st == DNS_ERROR) {
		check_add(rep, CHECK_FAIL, "mx-dns", NULL, "%s", dns->err);
		goto out;
	}
	if (st != DNS_OK) {
		check_add(rep, CHECK_WARN, "mx-none", NULL, "no MX records: "
		    "senders use %s itself", opt->domain);
		mx->count = 1;
		mx->rr[0].pref = 0;
		snprintf(mx->rr[0].host, sizeof(mx->rr[0].host), "%s",
		    opt->domain);
	}
	if (mx->count == 1 && (mx->rr[0].host[0] == '\0' ||
	    strcmp(mx->rr[0].host, ".") == 0)) {
		check_add(rep, CHECK_INFO, "mx-null", NULL, "null MX: the "
		    "domain accepts no mail");
		goto out;
	}
	for (i = 0; i < mx->count; i++) {
		check_report_subject(rep, "mx %s", mx->rr[i].host);
		if (pol != NULL) {
			for (j = 0; j < pol->mx_count; j++)
				if (sts_mx_match(pol->mx[j], mx->rr[i].host))
					break;
			check_observe_covered(rep, mx->rr[i].host,
			    j < pol->mx_count);
			if (j == pol->mx_count)
				check_add(rep, CHECK_FAIL, "mx-not-in-policy",
				    "certificate-host-mismatch", "matches no mx "
				    "line of the MTA-STS policy: senders in "
				    "mode %s will not deliver to it",
				    sts_mode_name(pol->mode));
			else
				check_add(rep, CHECK_PASS, "mx-in-policy", NULL,
				    "matches mx %s of the policy", pol->mx[j]);
		}
		(void)check_obs_mx(rep, mx->rr[i].host);
		check_mx_host(opt, dns, mx->rr[i].host, rep);
		if (dane_fix != NULL && strcasecmp(mx->rr[i].host,
		    opt->domain) != 0 && has_tlsa(dns, mx->rr[i].host))
			live_record(dns, mx->rr[i].host, dane_fix, NULL, 0, rep);
	}
out:
	free(mx);
}

int
check_live_domain(const struct check_options *opt, struct check_report *rep)
{
	struct sts_policy *pol;
	struct dns_ctx dns;
	char rec[200] = "";

	if (dns_open(&dns, opt->resolver, opt->timeout) < 0) {
		fprintf(stderr, "tlsrpt: %s\n", dns.err);
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "tlsrpt: curl_global_init failed\n");
		dns_close(&dns);
		return -1;
	}
	live_record(&dns, opt->domain, NULL, rec, sizeof(rec), rep);
	/* The MX hosts' records can send reports where the domain's do. */
	if (rec[0] == '\0')
		snprintf(rec, sizeof(rec), "v=TLSRPTv1; rua=mailto:tlsrpt@%.150s",
		    opt->domain);
	pol = live_sts(opt, &dns, rep);
	live_mx_all(opt, &dns, pol, rec, rep);
	free(pol);
	check_observed_finish(rep);
	curl_global_cleanup();
	dns_close(&dns);
	return 0;
}

int
check_live_mx(const struct check_options *opt, const char *host,
    struct check_report *rep)
{
	struct dns_ctx dns;

	if (dns_open(&dns, opt->resolver, opt->timeout) < 0) {
		fprintf(stderr, "tlsrpt: %s\n", dns.err);
		return -1;
	}
	if (host != NULL)
		check_mx_host(opt, &dns, host, rep);
	else
		live_mx_all(opt, &dns, NULL, NULL, rep);
	dns_close(&dns);
	return 0;
}
