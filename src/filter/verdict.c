/*
 * verdict.c - authenticate, parse, record, tag; see verdict.h.
 */
#include "verdict.h"
#include "authres.h"
#include "log.h"
#include "recognize.h"
#include "spool.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

int
verdict_authenticate(const struct verdict_input *in, char *signer,
    size_t signer_len, char *why, size_t why_len)
{
	const struct config *cfg = in->rt->cfg;
	enum dkim_verdict dv;

	signer[0] = '\0';
	if (in->from_domain[0] == '\0') {
		snprintf(why, why_len, "no From address to align with");
		return 0;
	}
	if (cfg->auth_mode == AUTH_MODE_AUTHRES) {
		const char *const *ids =
		    (const char *const *)cfg->trusted_authserv_ids;
		long top = authres_trusted_topmost(in->authres, in->n_authres,
		    ids, cfg->n_trusted_authserv_ids);

		/* Only the trusted hop's own header counts (authres.h). */
		if (top >= 0 && authres_dkim_pass(in->authres[top], ids,
		    cfg->n_trusted_authserv_ids, in->from_domain, signer,
		    signer_len))
			return 1;
		snprintf(why, why_len, top < 0 ?
		    "no Authentication-Results from a trusted authserv-id" :
		    "the trusted Authentication-Results has no aligned dkim=pass");
		return 0;
	}
	if (in->dkim == NULL) {
		snprintf(why, why_len, "DKIM verification unavailable");
		return 0;
	}
	dv = dkim_auth_eom(in->dkim, in->from_domain, signer, signer_len, why,
	    why_len);
	if (dv == DKIM_AUTH_PASS)
		return 1;
	if (dv == DKIM_AUTH_TEMPERROR && why[0] == '\0')
		snprintf(why, why_len, "DKIM key lookup failed temporarily");
	return 0;
}

int
verdict_trusted(const struct verdict_input *in, const char *signer,
    const struct tlsrpt_result *res, char *why, size_t why_len)
{
	const struct config *cfg = in->rt->cfg;

	if (!recog_signer_matches(signer, cfg->known_reporters,
	    cfg->n_known_reporters)) {
		snprintf(why, why_len, "reporter %s not in KnownReporters", signer);
		return 0;
	}
	if (res->not_only_report != NULL) {
		snprintf(why, why_len, "not only a report: %s", res->not_only_report);
		return 0;
	}
	if (cfg->n_report_addresses == 0)
		return 1;
	if (!in->have_envelope || in->n_rcpts == 0) {
		snprintf(why, why_len, "no envelope recipient to check against "
		    "ReportAddresses");
		return 0;
	}
	if (in->stray_rcpt != NULL) {
		snprintf(why, why_len, "recipient %s is not a report address",
		    in->stray_rcpt);
		return 0;
	}
	return 1;
}

/* Unique policy domains of all reports, comma-joined, into BUF. */
static void
policy_domains(const struct tlsrpt_result *res, char *buf, size_t size)
{
	size_t r, p, off = 0;

	buf[0] = '\0';
	for (r = 0; r < res->n_reports; r++)
		for (p = 0; p < res->reports[r].n_policies; p++) {
			const char *d = res->reports[r].policies[p].policy_domain;
			const char *hit;
			size_t dl;

			if (d == NULL)
				continue;
			dl = strlen(d);
			/* Already listed?  (as a whole comma-separated item) */
			for (hit = strstr(buf, d); hit != NULL; hit = strstr(hit + 1, d))
				if ((hit == buf || hit[-1] == ',') &&
				    (hit[dl] == '\0' || hit[dl] == ','))
					break;
			if (hit != NULL || off + dl + 2 >= size)
				continue;
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
			    off > 0 ? "," : "", d);
		}
}

/*
 * The store failed (WHY): keep the whole message, with its provenance, in
 * the spool for the replay thread; N_LEFT reports were not yet recorded.
 */
static void
spool_message(const struct verdict_input *in,
    const struct store_provenance *prov, const char *why, unsigned n_left,
    struct verdict *out)
{
	const char *dir = in->rt->cfg->spool_directory;
	char name[128], err[512];

	out->store_failed = 1;
	if (spool_write(dir, in->message, in->len, prov, name, sizeof(name), err,
	    sizeof(err)) < 0) {
		log_msg(LOG_ERR, in->qid, "store unavailable and spool failed: %s "
		    "(store: %s); report NOT recorded, message delivered", err, why);
		return;
	}
	out->spooled = n_left;
	log_msg(LOG_WARNING, in->qid, "store unavailable (%s); report spooled to %s/%s",
	    why, dir, name);
}

static void
record(const struct verdict_input *in, const struct tlsrpt_result *res,
    const char *signer, int verified, struct store **store, struct verdict *out)
{
	struct store_provenance prov;
	char errbuf[512], why[768];
	size_t i;

	memset(&prov, 0, sizeof(prov));
	prov.queue_id = in->qid;
	prov.mail_from = in->from_addr[0] != '\0' ? in->from_addr : NULL;
	prov.dkim_domain = signer[0] != '\0' ? signer : NULL;
	prov.auth_method = !verified ? "none" :
	    in->rt->cfg->auth_mode == AUTH_MODE_AUTHRES ? "authres" : "dkim";
	prov.received = time(NULL);
	prov.verified = verified;
	if (*store == NULL &&
	    (*store = config_store_open(in->rt->cfg, errbuf, sizeof(errbuf))) == NULL) {
		snprintf(why, sizeof(why), "cannot open the report store: %s", errbuf);
		spool_message(in, &prov, why, (unsigned)res->n_reports, out);
		return;
	}
	for (i = 0; i < res->n_reports; i++) {
		const struct tlsrpt_report *rep = &res->reports[i];

		prov.source = rep->source;
		switch (store_put_report(*store, rep, &prov, errbuf, sizeof(errbuf))) {
		case STORE_STORED:
			/* Who signed it; the organization-name is only its claim. */
			out->stored++;
			log_msg(LOG_INFO, in->qid, "recorded%s report %s from %s "
			    "(organization-name \"%s\")", verified ? "" : " unverified",
			    rep->report_id, prov.dkim_domain != NULL ?
			    prov.dkim_domain : "an unverified sender",
			    rep->organization_name);
			if (errbuf[0] != '\0')
				log_msg(LOG_NOTICE, in->qid, "report %s: %s",
				    rep->report_id, errbuf);
			break;
		case STORE_DUPLICATE:
			out->duplicates++;
			log_msg(LOG_INFO, in->qid, "duplicate report %s from %s "
			    "(organization-name \"%s\"): counted once", rep->report_id,
			    prov.dkim_domain != NULL ? prov.dkim_domain :
			    "an unverified sender", rep->organization_name);
			break;
		case STORE_ERROR:
			/* A broken handle is not reused for the next message. */
			store_close(*store);
			*store = NULL;
			snprintf(why, sizeof(why), "cannot record report %s: %s",
			    rep->report_id, errbuf);
			/* The whole message: replay counts the ones stored once. */
			spool_message(in, &prov, why, (unsigned)(res->n_reports - i), out);
			return;
		}
	}
}

static void
tag_simple(struct verdict *out, const struct config *cfg, enum tag_verdict v,
    const char *reason)
{
	struct tag_field f = { "reason", reason };

	out->verdict = v;
	if (tag_format(out->tag, sizeof(out->tag), strlen(cfg->tag_header), v,
	    &f, 1) < 0)
		snprintf(out->tag, sizeof(out->tag), "%s", tag_verdict_word(v));
}

void
verdict_decide(const struct verdict_input *in, struct store **store,
    struct verdict *out)
{
	const struct config *cfg = in->rt->cfg;
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	char signer[256], why[384], domains[256], ids[256], ok[24], failed[24],
	    nrep[16];
	int64_t sum_ok = 0, sum_failed = 0;
	size_t i, off;
	int trusted;

	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	if (in->oversize) {
		snprintf(why, sizeof(why), "message larger than MaxMessageSize (%zu bytes)",
		    cfg->max_message_size);
		tag_simple(out, cfg, TAG_INVALID, why);
		log_msg(LOG_NOTICE, in->qid, "invalid: %s; delivered unparsed", why);
		return;
	}
	out->authenticated = verdict_authenticate(in, signer, sizeof(signer), why,
	    sizeof(why));
	if (!out->authenticated) {
		tag_simple(out, cfg, TAG_FAIL, why);
		log_msg(LOG_NOTICE, in->qid, "fail: from=<%s>: %s%s", in->from_addr,
		    why, cfg->record_unverified ? "; recording unverified" :
		    "; not recorded");
		if (!cfg->record_unverified)
			return;
	}
	if (tlsrpt_parse(in->message, in->len, &in->rt->limits, &res, &err) !=
	    TLSRPT_OK) {
		log_msg(LOG_NOTICE, in->qid, "invalid: from=<%s>: %s (%s)",
		    in->from_addr, err.message, tlsrpt_errcode_name(err.code));
		if (out->authenticated)
			tag_simple(out, cfg, TAG_INVALID, err.message);
		return;
	}
	out->reports = (unsigned)res->n_reports;
	for (i = 0; i < res->n_warnings; i++)
		log_msg(LOG_NOTICE, in->qid, "%s", res->warnings[i]);
	record(in, res, signer, out->authenticated, store, out);
	if (!out->authenticated) {
		tlsrpt_result_free(res);
		return;		/* the fail tag stands */
	}

	policy_domains(res, domains, sizeof(domains));
	ids[0] = '\0';
	for (i = 0, off = 0; i < res->n_reports && off < sizeof(ids); i++) {
		off += (size_t)snprintf(ids + off, sizeof(ids) - off, "%s%s",
		    i > 0 ? "," : "", res->reports[i].report_id);
		sum_ok += res->reports[i].total_successful;
		sum_failed += res->reports[i].total_failure;
	}
	snprintf(ok, sizeof(ok), "%lld", (long long)sum_ok);
	snprintf(failed, sizeof(failed), "%lld", (long long)sum_failed);
	snprintf(nrep, sizeof(nrep), "%zu", res->n_reports);
	trusted = verdict_trusted(in, signer, res, why, sizeof(why));
	{
		struct tag_field f[] = {
			{ "reason", trusted ? NULL : why },
			{ "submitter", signer },
			{ "domain", domains[0] != '\0' ? domains : NULL },
			{ "report-id", ids },
			{ "successful", ok },
			{ "failed", failed },
			{ "reports", res->n_reports > 1 ? nrep : NULL },
		};

		out->verdict = trusted ? TAG_PASS : TAG_VERIFIED;
		snprintf(out->submitter, sizeof(out->submitter), "%s", signer);
		snprintf(out->report_ids, sizeof(out->report_ids), "%s", ids);
		if (tag_format(out->tag, sizeof(out->tag), strlen(cfg->tag_header),
		    out->verdict, f, sizeof(f) / sizeof(f[0])) < 0)
			tag_simple(out, cfg, out->verdict, trusted ? NULL : why);
	}
	log_msg(LOG_INFO, in->qid, "%s: %s%s%ssubmitter=%s domain=%s reports=%zu "
	    "successful=%s failed=%s stored=%u duplicate=%u spooled=%u",
	    tag_verdict_word(out->verdict), trusted ? "" : "reason=\"",
	    trusted ? "" : why, trusted ? "" : "\" ", signer,
	    domains[0] != '\0' ? domains : "-", res->n_reports, ok, failed,
	    out->stored, out->duplicates, out->spooled);
	tlsrpt_result_free(res);
}
