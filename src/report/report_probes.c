/*
 * report_probes.c - alerts from the probe history; see report_probes.h.
 *
 * A probe row says what a sender saw at one moment; rows are stored only
 * when something changed (plus a daily heartbeat), so the latest row of
 * a host is its current state and the last different row before it what
 * it changed from.  Every string here came from DNS, a web server or a
 * certificate: renderers escape the model as they escape reports, and a
 * name pasted into a command goes through insight_cmd_name().
 */
#include "report_probes.h"
#include "insight_list.h"
#include "model_get.h"
#include "rfc3339.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DAY	86400

/* What the visitor gathers: "domain\nmx" -> {latest, prev}; domain -> run. */
struct gather {
	struct json_object *hosts;
	struct json_object *runs;
};

static void
add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v != NULL ? json_object_new_string(v) : NULL);
}

static void
add_time(struct json_object *o, const char *key, time_t t)
{
	char buf[32];

	if (t == 0) {
		json_object_object_add(o, key, NULL);
		return;
	}
	rfc3339_format(t, buf, sizeof(buf));
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* The row as the model shows it (doc/report-json.md, "probes"). */
static struct json_object *
row_json(const struct store_probe_row *r)
{
	struct json_object *o = json_object_new_object(), *tlsa;
	const char *p, *nl;

	add_str(o, "domain", r->domain);
	add_str(o, "mx_host", r->mx[0] != '\0' ? r->mx : NULL);
	add_str(o, "result_type", r->result_type);
	if (r->mx[0] != '\0') {
		json_object_object_add(o, "starttls", r->starttls < 0 ? NULL :
		    json_object_new_boolean(r->starttls));
		add_str(o, "tls_version", r->tls_version);
		add_time(o, "certificate_not_after", r->cert_not_after);
		json_object_object_add(o, "certificate_not_after_unix",
		    json_object_new_int64((int64_t)r->cert_not_after));
		add_str(o, "certificate_names", r->cert_names);
		add_str(o, "spki_sha256", r->spki_sha256);
		tlsa = json_object_new_array();
		for (p = r->tlsa; p != NULL && *p != '\0'; p = nl + 1) {
			nl = strchr(p, '\n');
			json_object_array_add(tlsa, json_object_new_string_len(p,
			    (int)(nl != NULL ? (size_t)(nl - p) : strlen(p))));
			if (nl == NULL)
				break;
		}
		json_object_object_add(o, "tlsa", tlsa);
		json_object_object_add(o, "tlsa_match", json_object_new_int(r->tlsa_match));
		json_object_object_add(o, "tlsa_dnssec", json_object_new_boolean(r->tlsa_dnssec));
		json_object_object_add(o, "mta_sts_covered", r->sts_covered < 0 ? NULL :
		    json_object_new_boolean(r->sts_covered));
	} else {
		add_str(o, "tlsrpt_record", r->tlsrpt_record);
		add_str(o, "mta_sts_id", r->sts_id);
		add_str(o, "mta_sts_mode", r->sts_mode);
		json_object_object_add(o, "mta_sts_max_age", r->sts_max_age < 0 ? NULL :
		    json_object_new_int64(r->sts_max_age));
		/* The policy text is compared here, not shown: a hash says enough. */
		json_object_object_add(o, "_policy", r->sts_policy != NULL ?
		    json_object_new_string(r->sts_policy) : NULL);
	}
	/* What changed is everything but the time. */
	json_object_object_add(o, "_fp", json_object_new_string(
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)));
	add_time(o, "time", r->time);
	json_object_object_add(o, "time_unix", json_object_new_int64((int64_t)r->time));
	return o;
}

static int
on_row(void *ctx, const struct store_probe_row *r)
{
	struct gather *g = ctx;
	struct json_object *h, *o, *latest;
	char key[600];

	if (r->domain == NULL || r->mx == NULL)
		return 0;
	snprintf(key, sizeof(key), "%s\n%s", r->domain, r->mx);
	o = row_json(r);
	if (!json_object_object_get_ex(g->hosts, key, &h)) {
		h = json_object_new_object();
		json_object_object_add(g->hosts, key, h);
	}
	if (json_object_object_get_ex(h, "latest", &latest) &&
	    strcmp(mval_str(latest, "_fp"), mval_str(o, "_fp")) != 0)
		json_object_object_add(h, "prev", json_object_get(latest));
	json_object_object_add(h, "latest", o);
	return 0;
}

static int
on_run(void *ctx, const char *domain, time_t last_run)
{
	struct gather *g = ctx;

	json_object_object_add(g->runs, domain, json_object_new_int64((int64_t)last_run));
	return 0;
}

static void
day_of(int64_t t, char *buf, size_t size)
{
	char full[32];

	rfc3339_format((time_t)t, full, sizeof(full));
	snprintf(buf, size, "%.10s", full);
}

/* When probe P ran, "YYYY-MM-DD HH:MM" (UTC), in BUF. */
static const char *
probe_when(struct json_object *p, char *buf, size_t size)
{
	char full[32];

	rfc3339_format((time_t)mval_int(p, "time_unix"), full, sizeof(full));
	snprintf(buf, size, "%.10s %.5s", full, full + 11);
	return buf;
}

/* A new probe alert about DOMAIN (and MX, or NULL) from probe P. */
static struct json_object *
alert(struct json_object *extra, const char *kind, const char *severity,
    struct json_object *p)
{
	char day[16];
	struct json_object *o;

	day_of(mval_int(p, "time_unix"), day, sizeof(day));
	o = insight_new(extra, kind, severity, mval_str(p, "domain"), day, day);
	json_object_object_add(o, "mx_host", model_str(p, "mx_host") != NULL ?
	    json_object_new_string(mval_str(p, "mx_host")) : NULL);
	json_object_object_add(o, "status", json_object_new_string("ongoing"));
	json_object_object_add(o, "source", json_object_new_string("probe"));
	return o;
}

/* Counts of the TLSA lines by their last word. */
static void
tlsa_counts(struct json_object *p, int *match, int *nomatch)
{
	struct json_object *t = mval_array(p, "tlsa");
	size_t i;

	*match = *nomatch = 0;
	for (i = 0; i < model_len(t); i++) {
		const char *l = model_str_at(t, i), *sp = l ? strrchr(l, ' ') : NULL;

		if (sp == NULL)
			continue;
		if (strcmp(sp + 1, "match") == 0)
			(*match)++;
		else if (strcmp(sp + 1, "no-match") == 0)
			(*nomatch)++;
	}
}

static void
mx_alerts(struct json_object *extra, struct json_object *p,
    struct json_object *prev, time_t now)
{
	const char *mx = mval_str(p, "mx_host"), *dom = mval_str(p, "domain");
	const char *safe = insight_cmd_name(mx, "MX-HOST");
	int64_t na = model_int(p, "certificate_not_after_unix", 0);
	int match, nomatch;
	struct json_object *o;
	char tb[24], tb2[24];

	if (na > 0 && na - (int64_t)now < (int64_t)PROBE_CERT_WARN_DAYS * DAY) {
		long days = (long)((na - (int64_t)now) / DAY);
		char when[16];

		day_of(na, when, sizeof(when));
		o = alert(extra, "mx-certificate-expiry", na - (int64_t)now <
		    (int64_t)PROBE_CERT_CRITICAL_DAYS * DAY ? "critical" : "warning", p);
		if (na <= (int64_t)now)
			insight_text(o, "title", "The certificate of MX %s expired on %s",
			    mx, when);
		else
			insight_text(o, "title", "The certificate of MX %s expires on %s "
			    "(in %ld day%s)", mx, when, days, days == 1 ? "" : "s");
		insight_evidence(o, "probe %s: certificate valid until %s, names %s",
		    probe_when(p, tb, sizeof(tb)), mval_str(p, "certificate_not_after"),
		    mval_str(p, "certificate_names"));
		insight_text(o, "fix", "Renew the certificate of %s before %s and reload "
		    "the MTA. With DANE, keep the key (certbot renew --reuse-key) or "
		    "publish the new key's TLSA 3 1 1 record first; then `tlsrpt check "
		    "mx %s` to confirm.", safe, when, safe);
	}
	if (mval_int(p, "tlsa_match") == 0 && model_str(p, "spki_sha256") != NULL) {
		int signed_zone = model_true(p, "tlsa_dnssec");

		/* Unsigned TLSA records are ignored by senders: a warning. */
		o = alert(extra, "tlsa-key-mismatch", signed_zone ? "critical" :
		    "warning", p);
		insight_text(o, "title", "The key MX %s serves matches none of its TLSA "
		    "records: %s", mx, signed_zone ? "DANE senders do not deliver" :
		    "DANE senders would not deliver once the zone is DNSSEC-signed");
		insight_evidence(o, "probe %s: served SPKI SHA-256 %s", probe_when(p, tb, sizeof(tb)),
		    mval_str(p, "spki_sha256"));
		insight_text(o, "fix", "Publish the record of the served key, "
		    "_25._tcp.%s. IN TLSA 3 1 1 %s, or go back to the key a record "
		    "matches; keep the old record until the change is done.", safe,
		    mval_str(p, "spki_sha256"));
	}
	tlsa_counts(p, &match, &nomatch);
	if (match == 1 && nomatch == 0 && mval_int(p, "tlsa_match") == 1) {
		o = alert(extra, "tlsa-no-next-key", "info", p);
		insight_text(o, "title", "MX %s has one TLSA record and no next key "
		    "pre-published", mx);
		insight_evidence(o, "probe %s: TLSA 3 1 1 %s matches", probe_when(p, tb, sizeof(tb)),
		    mval_str(p, "spki_sha256"));
		insight_text(o, "fix", "Either renew with the same key (certbot renew "
		    "--reuse-key) so the record stays valid, or make the next key now "
		    "(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "
		    "next.key), print its record with `tlsrpt tlsa --name %s next.key` "
		    "and publish it beside the current one, two TTLs before switching.",
		    safe);
	} else if (match >= 1 && nomatch >= 1) {
		o = alert(extra, "tlsa-next-key", "info", p);
		insight_text(o, "title", "MX %s: %d TLSA record%s match%s no served key: "
		    "a pre-published next key", mx, nomatch, nomatch == 1 ? "" : "s",
		    nomatch == 1 ? "es" : "");
		insight_evidence(o, "probe %s: %d of %d TLSA records match the served key",
		    probe_when(p, tb, sizeof(tb)), match, match + nomatch);
		insight_text(o, "fix", "Nothing to do: senders accept either key. Switch "
		    "to the next key when you renew, then remove the old key's record.");
	}
	{
		struct json_object *c = NULL;

		if (json_object_object_get_ex(p, "mta_sts_covered", &c) && c != NULL &&
		    !json_object_get_boolean(c)) {
			o = alert(extra, "sts-mx-not-covered", "critical", p);
			insight_text(o, "title", "MX %s matches no mx: line of the MTA-STS "
			    "policy of %s", mx, dom);
			insight_evidence(o, "probe %s: %s is an MX of %s", probe_when(p, tb, sizeof(tb)),
			    mx, dom);
			insight_text(o, "fix", "Add \"mx: %s\" to the policy at "
			    "https://mta-sts.%s/.well-known/mta-sts.txt and change the id= "
			    "of _mta-sts.%s so senders fetch it again.", safe,
			    insight_cmd_name(dom, "DOMAIN"), insight_cmd_name(dom, "DOMAIN"));
		}
	}
	{
		struct json_object *s = NULL, *ps = NULL;
		int had = prev != NULL && json_object_object_get_ex(prev, "starttls", &ps) &&
		    ps != NULL && json_object_get_boolean(ps);
		const char *tv = model_str(p, "tls_version");

		if (json_object_object_get_ex(p, "starttls", &s) && s != NULL &&
		    !json_object_get_boolean(s)) {
			o = alert(extra, "mx-starttls", "critical", p);
			insight_text(o, "title", "MX %s %s STARTTLS", mx, had ?
			    "stopped offering" : "does not offer");
			if (had)
				insight_evidence(o, "probe %s: STARTTLS offered",
				    probe_when(prev, tb2, sizeof(tb2)));
			insight_evidence(o, "probe %s: no STARTTLS in the EHLO reply",
			    probe_when(p, tb, sizeof(tb)));
			insight_text(o, "fix", "Turn STARTTLS back on for %s (Postfix: "
			    "smtpd_tls_security_level = may, with smtpd_tls_chain_files); "
			    "senders with MTA-STS or DANE defer mail until it is back.", safe);
		} else if (s != NULL && json_object_get_boolean(s) && (tv == NULL ||
		    strcmp(tv, "TLSv1") == 0 || strcmp(tv, "TLSv1.1") == 0)) {
			o = alert(extra, "mx-starttls", "critical", p);
			insight_text(o, "title", "MX %s offers STARTTLS but no TLS 1.2 or "
			    "newer handshake", mx);
			insight_evidence(o, "probe %s: %s", probe_when(p, tb, sizeof(tb)),
			    tv != NULL ? tv : "the handshake failed");
			insight_text(o, "fix", "Enable TLS 1.2 and 1.3 on %s (Postfix: "
			    "smtpd_tls_protocols = >=TLSv1.2) with a certificate it can "
			    "load; check with `tlsrpt check mx %s`.", safe, safe);
		}
	}
}

static void
domain_alerts(struct json_object *extra, struct json_object *p,
    struct json_object *prev)
{
	const char *dom = mval_str(p, "domain");
	const char *safe = insight_cmd_name(dom, "DOMAIN");
	const char *rec = model_str(p, "tlsrpt_record");
	const char *prec = prev != NULL ? model_str(prev, "tlsrpt_record") : NULL;
	struct json_object *o;
	char tb[24], tb2[24];

	if (prev != NULL && model_str(p, "_policy") != NULL &&
	    model_str(prev, "_policy") != NULL &&
	    strcmp(model_str(p, "_policy"), model_str(prev, "_policy")) != 0 &&
	    model_str(p, "mta_sts_id") != NULL && model_str(prev, "mta_sts_id") != NULL &&
	    strcmp(model_str(p, "mta_sts_id"), model_str(prev, "mta_sts_id")) == 0) {
		o = alert(extra, "sts-id-stale", "warning", p);
		insight_text(o, "title", "The MTA-STS policy of %s changed but its id= did "
		    "not: senders keep the old policy", dom);
		insight_evidence(o, "probe %s: id=%s, policy as before",
		    probe_when(prev, tb2, sizeof(tb2)), mval_str(prev, "mta_sts_id"));
		insight_evidence(o, "probe %s: id=%s, policy changed", probe_when(p, tb, sizeof(tb)),
		    mval_str(p, "mta_sts_id"));
		insight_text(o, "fix", "Publish a new id: _mta-sts.%s. IN TXT "
		    "\"v=STSv1; id=YYYYMMDDhhmmss\" (any new value of 1-32 letters and "
		    "digits; the current time is a good one).", safe);
	}
	if (model_str(p, "mta_sts_mode") != NULL &&
	    strcmp(model_str(p, "mta_sts_mode"), "enforce") == 0 &&
	    model_int(p, "mta_sts_max_age", DAY) < DAY) {
		o = alert(extra, "sts-max-age-short", "warning", p);
		insight_text(o, "title", "The MTA-STS policy of %s enforces with max_age "
		    "%lld, under a day", dom, (long long)model_int(p, "mta_sts_max_age", 0));
		insight_evidence(o, "probe %s: mode enforce, max_age %lld",
		    probe_when(p, tb, sizeof(tb)), (long long)model_int(p, "mta_sts_max_age", 0));
		insight_text(o, "fix", "Set max_age: 604800 (a week) or more in "
		    "https://mta-sts.%s/.well-known/mta-sts.txt and change the id=: a "
		    "short max_age lets senders lose the policy whenever the web server "
		    "is down.", safe);
	}
	if (prev != NULL && prec != NULL && (rec == NULL || strcmp(rec, prec) != 0)) {
		o = alert(extra, "tlsrpt-record-changed", rec == NULL ? "warning" : "info", p);
		insight_text(o, "title", "The TLS-RPT record of %s %s", dom,
		    rec == NULL ? "disappeared" : "changed");
		insight_evidence(o, "probe %s: %s", probe_when(prev, tb2, sizeof(tb2)), prec);
		insight_evidence(o, "probe %s: %s", probe_when(p, tb, sizeof(tb)),
		    rec != NULL ? rec : "no TLS-RPT record");
		insight_text(o, "fix", rec == NULL ? "Publish it again, "
		    "_smtp._tls.%s. IN TXT \"v=TLSRPTv1; rua=mailto:...\": without it "
		    "no sender reports." : "Nothing to do if the change was yours; "
		    "reports now go to the new rua= (check it with `tlsrpt check "
		    "--domain %s`).", safe);
	}
}

/* Host keys in order, for a stable document. */
static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
report_probes(struct store *st, const struct report_options *opt,
    struct json_object *model, struct json_object *extra, char *errbuf,
    size_t errlen)
{
	struct gather g = { json_object_new_object(), json_object_new_object() };
	struct store_probe_visitor v = { &g, on_row, on_run };
	struct store_filter f;
	struct json_object *probes, *runs;
	const char **keys;
	size_t n = 0, i;

	memset(&f, 0, sizeof(f));
	f.until = opt->until;
	f.domain = opt->domain;
	if (store_query_probes(st, &f, &v, errbuf, errlen) < 0) {
		json_object_put(g.hosts);
		json_object_put(g.runs);
		return -1;
	}
	keys = calloc((size_t)json_object_object_length(g.hosts) + 1, sizeof(*keys));
	json_object_object_foreach(g.hosts, key, val) {
		(void)val;
		if (keys != NULL)
			keys[n++] = key;
	}
	if (n > 0)
		qsort(keys, n, sizeof(*keys), cmp_key);
	probes = json_object_new_array();
	for (i = 0; i < n; i++) {
		struct json_object *h = NULL, *p, *prev = NULL, *run = NULL, *pub;
		int64_t last;

		json_object_object_get_ex(g.hosts, keys[i], &h);
		p = model_object(h, "latest");
		json_object_object_get_ex(h, "prev", &prev);
		json_object_object_get_ex(g.runs, mval_str(p, "domain"), &run);
		last = run != NULL ? model_int_value(run, 0) : 0;
		/* Probed in the period: its latest row, or its last run. */
		if (model_int(p, "time_unix", 0) < (int64_t)opt->since &&
		    (last < (int64_t)opt->since || last >= (int64_t)opt->until))
			continue;
		if (model_str(p, "mx_host") != NULL)
			mx_alerts(extra, p, prev, opt->generated);
		else
			domain_alerts(extra, p, prev);
		pub = json_object_get(p);
		json_object_array_add(probes, pub);
	}
	free(keys);
	runs = json_object_new_array();
	json_object_object_foreach(g.runs, dom, t) {
		struct json_object *r = json_object_new_object();

		add_str(r, "domain", dom);
		add_time(r, "last_run", (time_t)model_int_value(t, 0));
		json_object_object_add(r, "last_run_unix",
		    json_object_new_int64(model_int_value(t, 0)));
		json_object_array_add(runs, r);
	}
	/* The private keys go before the model is shown. */
	for (i = 0; i < json_object_array_length(probes); i++) {
		json_object_object_del(json_object_array_get_idx(probes, i), "_fp");
		json_object_object_del(json_object_array_get_idx(probes, i), "_policy");
	}
	if (json_object_array_length(probes) > 0) {
		json_object_object_add(model, "probes", probes);
		json_object_object_add(model, "probe_runs", runs);
	} else {
		json_object_put(probes);
		json_object_put(runs);
	}
	json_object_put(g.hosts);
	json_object_put(g.runs);
	return 0;
}

/* "probe TIME: what it saw" for an MX probe P, in BUF. */
static int
probe_line(struct json_object *p, time_t now, char *buf, size_t size)
{
	char tb[24];
	const char *t = probe_when(p, tb, sizeof(tb)), *rt = model_str(p, "result_type");
	int64_t na = model_int(p, "certificate_not_after_unix", 0);
	struct json_object *s = NULL;
	char when[16];

	if (json_object_object_get_ex(p, "starttls", &s) && s != NULL &&
	    !json_object_get_boolean(s))
		snprintf(buf, size, "probe %.16s: STARTTLS not offered", t);
	else if (na > 0 && na <= (int64_t)now) {
		day_of(na, when, sizeof(when));
		snprintf(buf, size, "probe %.16s: certificate expired %s", t, when);
	} else if (mval_int(p, "tlsa_match") == 0)
		snprintf(buf, size, "probe %.16s: no TLSA record matches the served "
		    "key", t);
	else if (rt != NULL)
		snprintf(buf, size, "probe %.16s: %s", t, rt);
	else {
		snprintf(buf, size, "probe %.16s: now passes (the problem looks "
		    "fixed)", t);
		return 1;
	}
	return 0;
}

void
report_probes_annotate(struct json_object *model)
{
	struct json_object *ins = mval_array(model, "insights");
	struct json_object *probes = mval_array(model, "probes");
	time_t now = 0;
	size_t i, j;

	if (model_len(probes) == 0)
		return;
	(void)rfc3339_parse(mval_str(model, "generated"), &now);
	for (i = 0; i < model_len(ins); i++) {
		struct json_object *o = model_obj_at(ins, i), *p = NULL, *obj;
		const char *mx = model_str(o, "mx_host");
		char line[400];
		int passes;

		if (mx == NULL || strcmp(mval_str(o, "source"), "probe") == 0)
			continue;
		for (j = 0; j < model_len(probes); j++) {
			struct json_object *c = model_obj_at(probes, j);

			if (model_str(c, "mx_host") != NULL &&
			    strcasecmp(model_str(c, "mx_host"), mx) == 0 &&
			    strcasecmp(mval_str(c, "domain"), mval_str(o, "domain")) == 0)
				p = c;
		}
		if (p == NULL)
			continue;
		passes = probe_line(p, now, line, sizeof(line));
		json_object_array_add(mval_array(o, "evidence"),
		    json_object_new_string(line));
		obj = json_object_new_object();
		add_str(obj, "time", mval_str(p, "time"));
		json_object_object_add(obj, "passes", json_object_new_boolean(passes));
		add_str(obj, "summary", line);
		json_object_object_add(o, "probe", obj);
	}
}
