/*
 * report_episodes.c - every failure as an episode with its status, its
 * evidence and its fix; see report_episodes.h.
 */
#include "report_episodes.h"
#include "insight_list.h"
#include "model_get.h"
#include "report_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One reporter's report days for a domain, sorted. */
struct rep_days {
	const char *org;
	struct json_object *by_day;	/* day -> {successful, failed} */
	long *days;
	size_t n;
};

/* One run of failure days. */
struct episode {
	const char *domain, *rt, *mx;
	size_t first, last;		/* indexes into the sorted dates */
	long long failed, enforced, sessions;
	struct json_object *reporters;	/* org -> failed */
	struct json_object *last_seen;	/* org -> last day it reported the failure */
	struct json_object *ips;	/* set */
	int ongoing;
	int earlier;			/* the domain failed the day before the period */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* The keys of OBJ, sorted; the caller frees the array (not the keys). */
static size_t
sorted_keys(struct json_object *obj, const char ***keys_r)
{
	size_t n = obj ? json_object_object_length(obj) : 0, k = 0;
	const char **d = malloc(sizeof(*d) * (n + 1));

	*keys_r = d;
	if (d == NULL || obj == NULL)
		return 0;
	json_object_object_foreach(obj, key, v) {
		(void)v;
		d[k++] = key;
	}
	qsort(d, k, sizeof(*d), cmp_str);
	return k;
}

static struct rep_days *
load_rep_days(struct json_object *by_reporter, size_t *n_r)
{
	size_t n = by_reporter ? json_object_object_length(by_reporter) : 0, i = 0;
	struct rep_days *r = calloc(n + 1, sizeof(*r));

	*n_r = 0;
	if (r == NULL || by_reporter == NULL)
		return r;
	json_object_object_foreach(by_reporter, org, days) {
		size_t k = 0;

		r[i].org = org;
		r[i].by_day = days;
		r[i].days = malloc(sizeof(long) * (json_object_object_length(days) + 1));
		if (r[i].days == NULL)
			continue;
		json_object_object_foreach(days, date, v) {
			(void)v;
			r[i].days[k++] = model_day(date);
		}
		qsort(r[i].days, k, sizeof(long), cmp_long);
		r[i].n = k;
		i++;
	}
	*n_r = i;
	return r;
}

static void
free_rep_days(struct rep_days *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].days);
	free(r);
}

static const struct rep_days *
find_rep(const struct rep_days *r, size_t n, const char *org)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(r[i].org, org) == 0)
			return &r[i];
	return NULL;
}

/* Did REP send a report on a day strictly between A and B? */
static int
reported_between(const struct rep_days *rep, long a, long b)
{
	size_t lo = 0, hi = rep->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rep->days[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rep->n && rep->days[lo] < b;
}

/* "Google (80), Microsoft (40)" of an org -> count object. */
static void
who(struct json_object *counts, int with_counts, char *buf, size_t size)
{
	const char **k;
	size_t n = sorted_keys(counts, &k), i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		if (i == 4) {
			snprintf(buf + len, size - len, " and %zu more", n - 4);
			break;
		}
		if (with_counts)
			len += (size_t)snprintf(buf + len, size - len, "%s%s (%lld)",
			    i ? ", " : "", k[i], (long long)json_object_get_int64(model_get(counts, k[i])));
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", k[i]);
	}
	free(k);
}

static int
is_type(const char *rt, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(rt, *list) == 0)
			return 1;
	return 0;
}

static const char *const policy_types[] = { "sts-policy-fetch-error",
    "sts-policy-invalid", "sts-webpki-invalid", "tlsa-invalid", "dnssec-invalid",
    "dane-required", NULL };

/*
 * The fix for result type RT on host H (or every MX host) of domain D; on
 * a MERGED detector insight only the command that confirms it.
 */
static void
fix_for(struct json_object *o, const char *rt, const char *mx, const char *d,
    int merged)
{
	char h[300], fix[1024], confirm[1024];

	/* Names from reports go into commands only when they are plain. */
	d = insight_cmd_name(d, "DOMAIN");
	if (mx[0] != '\0')
		snprintf(h, sizeof(h), "%s", insight_cmd_name(mx, "MXHOST"));
	else
		snprintf(h, sizeof(h), "MXHOST (each of: dig +short MX %s)", d);
	confirm[0] = '\0';
	if (strcmp(rt, "starttls-not-supported") == 0) {
		snprintf(fix, sizeof(fix), "Enable STARTTLS with a certificate on %s "
		    "(Postfix: smtpd_tls_security_level = may, smtpd_tls_chain_files), then "
		    "reload the MTA; a backup MX needs it as much as the primary.", h);
		snprintf(confirm, sizeof(confirm), "tlsrpt check mx %s", h);
	} else if (strcmp(rt, "certificate-expired") == 0) {
		snprintf(fix, sizeof(fix), "Renew the certificate on %s and reload the MTA "
		    "(postfix reload) so that it serves the new one.", h);
		snprintf(confirm, sizeof(confirm), "openssl s_client -starttls smtp -connect "
		    "%s:25 -servername %s </dev/null | openssl x509 -noout -dates", h, h);
	} else if (strcmp(rt, "certificate-host-mismatch") == 0) {
		snprintf(fix, sizeof(fix), "Install a certificate on %s whose subjectAltName "
		    "names the host senders connect to.", h);
		snprintf(confirm, sizeof(confirm), "openssl s_client -starttls smtp -connect "
		    "%s:25 -servername %s </dev/null | openssl x509 -noout -ext subjectAltName",
		    h, h);
	} else if (strcmp(rt, "certificate-not-trusted") == 0) {
		snprintf(fix, sizeof(fix), "Serve the full chain of a public CA on %s "
		    "(fullchain.pem, not cert.pem), then reload the MTA.", h);
		snprintf(confirm, sizeof(confirm), "openssl s_client -starttls smtp -connect "
		    "%s:25 -servername %s -showcerts </dev/null", h, h);
	} else if (strcmp(rt, "validation-failure") == 0) {
		snprintf(fix, sizeof(fix), "Senders could not validate the TLS set-up of %s; "
		    "the reason code says why (often a broken chain or an old protocol).", h);
		snprintf(confirm, sizeof(confirm), "tlsrpt check mx %s", h);
	} else if (strcmp(rt, "tlsa-invalid") == 0) {
		snprintf(fix, sizeof(fix), "Make the TLSA record of _25._tcp.%s match the key "
		    "the host serves (TLSA 3 1 1 of its public key), and publish the next key's "
		    "record before a rollover (certbot renew --reuse-key keeps the key).", h);
		snprintf(confirm, sizeof(confirm), "tlsrpt check mx %s", h);
	} else if (strcmp(rt, "dnssec-invalid") == 0) {
		snprintf(fix, sizeof(fix), "Senders could not validate DNSSEC for %s or %s: "
		    "look for expired signatures or a DS record that does not match the key.",
		    d, h);
		snprintf(confirm, sizeof(confirm), "delv %s MX", d);
	} else if (strcmp(rt, "dane-required") == 0) {
		snprintf(fix, sizeof(fix), "Senders require DANE but found no usable TLSA "
		    "record for %s: publish DNSSEC-signed TLSA records, or remove broken ones.",
		    h);
		snprintf(confirm, sizeof(confirm), "dig +dnssec TLSA _25._tcp.%s", h);
	} else if (strcmp(rt, "sts-policy-fetch-error") == 0) {
		snprintf(fix, sizeof(fix), "Senders could not fetch the MTA-STS policy: serve "
		    "https://mta-sts.%s/.well-known/mta-sts.txt with status 200 and text/plain "
		    "to the internet (DNS, web server, firewall).", d);
		snprintf(confirm, sizeof(confirm), "curl -v "
		    "https://mta-sts.%s/.well-known/mta-sts.txt", d);
	} else if (strcmp(rt, "sts-policy-invalid") == 0) {
		snprintf(fix, sizeof(fix), "Fix the policy at https://mta-sts.%s/.well-known/"
		    "mta-sts.txt: version: STSv1, mode, one mx line per MX host, max_age.", d);
		snprintf(confirm, sizeof(confirm), "tlsrpt check --domain %s", d);
	} else if (strcmp(rt, "sts-webpki-invalid") == 0) {
		snprintf(fix, sizeof(fix), "The certificate of https://mta-sts.%s is not valid "
		    "for senders: install a publicly trusted one naming mta-sts.%s, with its "
		    "full chain.", d, d);
		snprintf(confirm, sizeof(confirm), "curl -v "
		    "https://mta-sts.%s/.well-known/mta-sts.txt", d);
	} else {
		snprintf(fix, sizeof(fix), "The reports name a result type this version does "
		    "not know.");
		snprintf(confirm, sizeof(confirm), "tlsrpt check --domain %s", d);
	}
	if (merged) {
		/* A detector's own advice, with the command that confirms it. */
		const char *old = mval_str(o, "fix"), *see = strstr(old, " See: ");

		if (strstr(old, "Confirm: ") != NULL)
			return;
		if (see != NULL)
			insight_text(o, "fix", "%.*s Confirm: %s.%s", (int)(see - old), old,
			    confirm, see);
		else
			insight_text(o, "fix", "%s Confirm: %s.", old, confirm);
		return;
	}
	insight_text(o, "fix", "%s Confirm: %s. See: tlsrpt explain %s", fix, confirm, rt);
}

/* How many MX hosts DOMAIN is known to have (its policies, its failures). */
static size_t
known_mx_count(struct json_object *model, struct json_object *cells, const char *domain)
{
	struct json_object *doms = mval_array(model, "domains"), *set;
	size_t i, n = model_len(doms), count;

	set = json_object_new_object();
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		if (strcmp(mval_str(d, "domain"), domain) == 0 && model_get(d, "_mx_known") != NULL) {
			json_object_object_foreach(model_get(d, "_mx_known"), h, v) {
				(void)v;
				json_object_object_add(set, h, json_object_new_boolean(1));
			}
		}
	}
	json_object_object_foreach(cells, key, v) {
		const char *tab = strchr(key, '\t');

		(void)v;
		if (tab != NULL && tab[1] != '\0')
			json_object_object_add(set, tab + 1, json_object_new_boolean(1));
	}
	count = json_object_object_length(set);
	json_object_put(set);
	return count;
}

/* An insight of a detector (DETECTED: its domain's) covering EP's type and days. */
static struct json_object *
covering(struct json_object *detected, const struct episode *ep, const char *first,
    const char *last)
{
	size_t i, n = model_len(detected);

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(detected, i);

		if (strcmp(mval_str(o, "result_type"), ep->rt) == 0 &&
		    strcmp(mval_str(o, "first_date"), last) <= 0 &&
		    strcmp(mval_str(o, "last_date"), first) >= 0)
			return o;
	}
	return NULL;
}

/* The episode keys of doc/report-json.md on insight O (merged when present). */
static void
episode_keys(struct json_object *o, const struct episode *ep)
{
	struct json_object *reps = model_get(o, "reporters"), *set;
	const char **k;
	size_t n, i;

	json_object_object_add(o, "status", json_object_new_string(
	    ep->ongoing || strcmp(mval_str(o, "status"), "ongoing") == 0 ?
	    "ongoing" : "resolved"));
	json_object_object_add(o, "result_type", json_object_new_string(ep->rt));
	if (model_get(o, "mx_host") == NULL)
		json_object_object_add(o, "mx_host", ep->mx[0] != '\0' ?
		    json_object_new_string(ep->mx) : NULL);
	set = json_object_new_object();
	for (i = 0; reps != NULL && i < json_object_array_length(reps); i++)
		json_object_object_add(set, json_object_get_string(
		    json_object_array_get_idx(reps, i)), json_object_new_boolean(1));
	json_object_object_foreach(ep->reporters, org, v) {
		(void)v;
		json_object_object_add(set, org, json_object_new_boolean(1));
	}
	n = sorted_keys(set, &k);
	reps = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(reps, json_object_new_string(k[i]));
	free(k);
	json_object_put(set);
	json_object_object_add(o, "reporters", reps);
	json_object_object_add(o, "failed_sessions", json_object_new_int64(
	    mval_int(o, "failed_sessions") + ep->failed));
	n = sorted_keys(ep->ips, &k);
	reps = model_get(o, "receiving_ips");
	if (reps == NULL) {
		reps = json_object_new_array();
		json_object_object_add(o, "receiving_ips", reps);
	}
	for (i = 0; i < n; i++)
		json_object_array_add(reps, json_object_new_string(k[i]));
	free(k);
}

static const char *
severity(const struct episode *ep, size_t n_mx)
{
	double share = ep->sessions > 0 ? (double)ep->failed / (double)ep->sessions : 1.0;
	int crit = (strcmp(ep->rt, "certificate-expired") == 0 && n_mx <= 1) ||
	    (ep->enforced > 0 && is_type(ep->rt, policy_types)) ||
	    share >= EPISODE_CRITICAL_SHARE;

	if (ep->ongoing)
		return crit ? "critical" : share >= EPISODE_WARNING_SHARE ? "warning" : "info";
	return crit ? "warning" : "info";
}

/* Write episode EP over DATES[first..last] into LIST, or onto a detector's insight. */
/*
 * An episode that ranks after FLOOR (the insight the list keeps last so
 * far) can never be kept: only what ranks and counts it goes into LIST,
 * to be left out at the next cut (report_insights.h, INSIGHT_MAX).  Its
 * dates stay visible to the spikes, which must not repeat it.
 */
static int
below_floor(struct json_object *list, struct json_object *floor, const struct episode *ep,
    size_t n_mx, const char *first, const char *last, const char *title)
{
	struct json_object *o;

	if (floor == NULL)
		return 0;
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string("failure-episode"));
	json_object_object_add(o, "severity", json_object_new_string(severity(ep, n_mx)));
	json_object_object_add(o, "domain", json_object_new_string(ep->domain));
	json_object_object_add(o, "title", json_object_new_string(title));
	json_object_object_add(o, "first_date", json_object_new_string(first));
	json_object_object_add(o, "last_date", json_object_new_string(last));
	json_object_object_add(o, "status",
	    json_object_new_string(ep->ongoing ? "ongoing" : "resolved"));
	if (insight_order(o, floor) > 0) {
		json_object_array_add(list, o);
		return 1;
	}
	json_object_put(o);
	return 0;
}

static void
emit(struct json_object *list, struct json_object *detected, struct json_object *floor,
    struct episode *ep, const char **dates, struct json_object *by_date,
    const struct rep_days *reps, size_t n_reps, size_t n_mx)
{
	const char *first = dates[ep->first], *last = dates[ep->last];
	struct json_object *o;
	char names[400], counts[400], where[400];
	size_t i, k;
	int merged = 0;

	if (ep->failed < EPISODE_NOISE_SESSIONS && ep->first == ep->last &&
	    json_object_object_length(ep->reporters) == 1)
		return;
	who(ep->reporters, 0, names, sizeof(names));
	who(ep->reporters, 1, counts, sizeof(counts));
	if (ep->mx[0] != '\0')
		snprintf(where, sizeof(where), "%s", ep->mx);
	else if (strncmp(ep->rt, "sts-", 4) == 0)
		snprintf(where, sizeof(where), "the MTA-STS policy");
	else
		snprintf(where, sizeof(where), "an MX host the reports do not name");
	if ((o = covering(detected, ep, first, last)) != NULL) {
		/* The detector's severity holds while the problem goes on. */
		merged = 1;
		if (model_get(o, "_severity") == NULL)
			json_object_object_add(o, "_severity",
			    json_object_new_string(mval_str(o, "severity")));
		if (ep->ongoing || strcmp(mval_str(o, "status"), "ongoing") == 0)
			json_object_object_add(o, "severity",
			    json_object_new_string(mval_str(o, "_severity")));
		else if (strcmp(mval_str(o, "_severity"), "critical") == 0)
			json_object_object_add(o, "severity", json_object_new_string("warning"));
	} else {
		char title[2560];

		if (ep->ongoing)
			snprintf(title, sizeof(title), "%s: %s on %s since %s%s, still failing (%s)",
			    ep->domain, ep->rt, where, first, ep->earlier ? " or earlier" : "",
			    names);
		else if (ep->first == ep->last)
			snprintf(title, sizeof(title), "%s: %s on %s on %s, resolved (%s)",
			    ep->domain, ep->rt, where, first, names);
		else
			snprintf(title, sizeof(title), "%s: %s on %s from %s to %s, resolved (%s)",
			    ep->domain, ep->rt, where, first, last, names);
		if (below_floor(list, floor, ep, n_mx, first, last, title))
			return;
		o = insight_new(list, "failure-episode", severity(ep, n_mx), ep->domain,
		    first, last);
		insight_text(o, "title", "%s", title);
	}
	fix_for(o, ep->rt, ep->mx, ep->domain, merged);
	episode_keys(o, ep);
	if (merged)
		return;
	insight_evidence(o, "%lld of %lld sessions failed (%.1f%%), reported by %s",
	    ep->failed, ep->sessions, ep->sessions > 0 ?
	    100.0 * (double)ep->failed / (double)ep->sessions : 100.0, counts);
	/* Who reported the domain on those days without the failure. */
	for (i = 0; i < n_reps; i++) {
		long long ok = 0;

		if (model_get(ep->reporters, reps[i].org) != NULL)
			continue;
		json_object_object_foreach(reps[i].by_day, date, s) {
			if (strcmp(date, first) >= 0 && strcmp(date, last) <= 0)
				ok += mval_int(s, "successful");
		}
		if (ok > 0)
			insight_evidence(o, "not seen by %s, which reported %lld successful "
			    "sessions for %s on those days", reps[i].org, ok, ep->domain);
	}
	json_object_object_foreach(ep->last_seen, org, seen) {
		const struct rep_days *r = find_rep(reps, n_reps, org);
		char lastrep[16];

		if (r == NULL || r->n == 0)
			continue;
		report_date((time_t)r->days[r->n - 1] * REPORT_DAY, lastrep, sizeof(lastrep));
		if (r->days[r->n - 1] <= model_day(json_object_get_string(seen)))
			insight_evidence(o, "still in the latest report of %s (%s)", org, lastrep);
		else
			insight_evidence(o, "gone from the reports of %s after %s (latest report "
			    "%s)", org, json_object_get_string(seen), lastrep);
	}
	for (k = ep->first; k <= ep->last; k++) {
		struct json_object *c = model_get(by_date, dates[k]);

		who(model_get(c, "reporters"), 1, counts, sizeof(counts));
		insight_evidence(o, "%s: %lld failed sessions (%s)", dates[k],
		    mval_int(c, "failed"), counts);
	}
}

/*
 * Is FIRST the period's first day, and had the domain failures (of any
 * kind: the days before hold no more detail) on the day before it?
 */
static int
failed_before(struct json_object *model, struct json_object *before, const char *first)
{
	char prev[16];

	if (strcmp(mval_str(model_object(model, "period"), "since"), first) != 0)
		return 0;
	report_date((time_t)(model_day(first) - 1) * REPORT_DAY, prev, sizeof(prev));
	return mval_int(model_get(before, prev), "failed") > 0;
}

/* Split the failure days of one (domain, type, mx) into episodes. */
static void
one_key(struct json_object *model, struct json_object *before, struct json_object *list,
    struct json_object *detected, struct json_object *floor, const char *domain,
    const char *key,
    struct json_object *by_date, const struct rep_days *reps, size_t n_reps,
    size_t n_mx)
{
	const char **dates;
	size_t n = sorted_keys(by_date, &dates), i;
	char rt[256];
	const char *tab = strchr(key, '\t');
	struct episode ep;

	if (tab == NULL || (size_t)(tab - key) >= sizeof(rt) || n == 0) {
		free(dates);
		return;
	}
	snprintf(rt, sizeof(rt), "%.*s", (int)(tab - key), key);
	memset(&ep, 0, sizeof(ep));
	for (i = 0; i <= n; i++) {
		struct json_object *c = i < n ? model_get(by_date, dates[i]) : NULL;
		int split = i == n;

		/* A report without the failure, from one that saw it, ends the episode. */
		if (i > 0 && i < n) {
			long a = model_day(dates[i - 1]), b = model_day(dates[i]);

			json_object_object_foreach(model_get(model_get(by_date, dates[i - 1]), "reporters"),
			    org, v) {
				const struct rep_days *r = find_rep(reps, n_reps, org);

				(void)v;
				if (r != NULL && reported_between(r, a, b))
					split = 1;
			}
		}
		if (split && ep.reporters != NULL) {
			ep.last = i - 1;
			ep.ongoing = 0;
			json_object_object_foreach(ep.last_seen, org, seen) {
				const struct rep_days *r = find_rep(reps, n_reps, org);

				if (r == NULL || r->n == 0 ||
				    r->days[r->n - 1] <= model_day(json_object_get_string(seen)))
					ep.ongoing = 1;
			}
			ep.earlier = ep.first == 0 && failed_before(model, before, dates[0]);
			emit(list, detected, floor, &ep, dates, by_date, reps, n_reps, n_mx);
			json_object_put(ep.reporters);
			json_object_put(ep.last_seen);
			json_object_put(ep.ips);
			memset(&ep, 0, sizeof(ep));
		}
		if (i == n)
			break;
		if (ep.reporters == NULL) {
			ep.domain = domain;
			ep.rt = rt;
			ep.mx = tab + 1;
			ep.first = i;
			ep.reporters = json_object_new_object();
			ep.last_seen = json_object_new_object();
			ep.ips = json_object_new_object();
		}
		ep.failed += mval_int(c, "failed");
		ep.enforced += mval_int(c, "enforced");
		json_object_object_foreach(model_get(c, "reporters"), org, cnt) {
			const struct rep_days *r = find_rep(reps, n_reps, org);
			struct json_object *s = r != NULL ? model_get(r->by_day, dates[i]) : NULL;
			struct json_object *prev = model_get(ep.reporters, org);

			json_object_object_add(ep.reporters, org, json_object_new_int64(
			    (prev ? json_object_get_int64(prev) : 0) + json_object_get_int64(cnt)));
			json_object_object_add(ep.last_seen, org, json_object_new_string(dates[i]));
			ep.sessions += s != NULL ? mval_int(s, "successful") + mval_int(s, "failed") :
			    json_object_get_int64(cnt);
		}
		if (model_get(c, "ips") != NULL) {
			json_object_object_foreach(model_get(c, "ips"), ip, v) {
				(void)v;
				if (json_object_object_length(ep.ips) < EPISODE_MAX_IPS)
					json_object_object_add(ep.ips, ip,
					    json_object_new_boolean(1));
			}
		}
	}
	free(dates);
}

void
report_episodes(struct json_object *model, const struct report_episode_data *ed,
    const char *domain, struct json_object *by_key, struct json_object *detected,
    struct json_object *floor, struct json_object *list)
{
	size_t n_reps, n_mx = known_mx_count(model, by_key, domain);
	struct rep_days *reps = load_rep_days(model_get(ed->repdays, domain), &n_reps);
	const char **keys;
	size_t n = sorted_keys(by_key, &keys), i;

	for (i = 0; reps != NULL && i < n; i++)
		one_key(model, model_get(ed->before, domain), list, detected, floor,
		    domain, keys[i], model_get(by_key, keys[i]), reps, n_reps, n_mx);
	free(keys);
	free_rep_days(reps, n_reps);
}

const char *
report_episode_status(struct json_object *model, const char *domain, const char *last)
{
	struct json_object *doms = mval_array(model, "domains");
	size_t i, n = model_len(doms);
	const char *end = "";

	if (last == NULL)
		return "ongoing";
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);
		struct json_object *days = mval_array(d, "daily");
		const char *dl;

		if (domain != NULL && strcmp(mval_str(d, "domain"), domain) != 0)
			continue;
		dl = model_len(days) ? mval_str(json_object_array_get_idx(days,
		    model_len(days) - 1), "date") : "";
		if (strcmp(dl, end) > 0)
			end = dl;
	}
	return strcmp(last, end) >= 0 ? "ongoing" : "resolved";
}
