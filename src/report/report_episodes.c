/*
 * report_episodes.c - every failure as an episode with its status, its
 * evidence and its fix; see report_episodes.h.
 */
#include "report_episodes.h"
#include "insight_list.h"
#include "model_get.h"
#include "report_daily.h"
#include "report_options.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One day of a reporter's reports for a domain. */
/* A reporter of an episode, in the order the episode first saw it. */
struct ep_org {
	uint32_t id;
	long long failed;
	long last_seen;			/* the last day it reported the failure */
};

/* One run of failure days. */
struct episode {
	const char *domain, *rt, *mx;
	size_t first, last;		/* indexes into the key's cells */
	long long failed, enforced, sessions;
	struct ep_org *orgs;
	size_t n_org, cap_org;
	uint32_t ips[EPISODE_MAX_IPS];
	size_t n_ips;
	int open, ongoing;
	int earlier;			/* the domain failed the day before the period */
};

/* A detector's insight, with what covering() compares read once. */
struct cover {
	struct json_object *o;
	char rt[64];
	long first, last;		/* days */
};

/* A reporter name and a count, for who(). */
struct named {
	const char *name;
	long long n;
};

/* What the episodes of one domain share. */
struct ctx {
	struct json_object *model, *before, *list;
	struct episode_stubs *stubs;
	const struct report_cells *cells;
	const struct report_ep_domain *d;
	const char *domain;
	const struct report_rep_days *reps;
	size_t n_reps, n_mx;
	uint32_t *rep_id;		/* reps[i]'s string id, 0 unknown, */
	int *rep_known;			/* ... once looked up */
	struct cover *cov;
	size_t n_cov;
	int cov_live;			/* a key did not fit: read the JSON */
	struct json_object *detected;
	/* The floor's ranking keys, when there is one. */
	int has_floor;
	struct insight_rank floor;	/* the last insight the list keeps */
	const struct insight_rank *cap;	/* no title: see report_episodes() */
	struct episode_ranks *ranks;	/* collect ranks instead of emitting */
	const char *const *skip;	/* ... but not of these result types */
	int oom;
	enum report_grain grain;	/* the model's */
	long until_day;			/* the day after the period */
	long day0;
	char (*dates)[16];		/* day - day0 -> date, "" until made */
	size_t n_dates;
	/*
	 * after() of reps[i] and day day0 - 1 + d, at [i * (n_dates + 1) + d]:
	 * each cell asks it of each of its reporters.
	 */
	size_t *after;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static int
cmp_domain_reps(const void *key, const void *elem)
{
	return strcmp(key, ((const struct report_domain_reps *)elem)->domain);
}

/* DOMAIN's report days per reporter in ED; NULL when it has none. */
static const struct report_domain_reps *
domain_reps(const struct report_episode_data *ed, const char *domain)
{
	if (ed->repdays == NULL || domain == NULL)
		return NULL;
	return bsearch(domain, ed->repdays, ed->n_repdays, sizeof(*ed->repdays),
	    cmp_domain_reps);
}

/* The report days of the reporter of string ID, or NULL. */
static const struct report_rep_days *
find_rep(struct ctx *x, uint32_t id)
{
	size_t i;
	const char *org;

	for (i = 0; i < x->n_reps; i++)
		if (x->rep_known[i] && x->rep_id[i] == id)
			return &x->reps[i];
	org = report_cells_str(x->cells, id);
	for (i = 0; org != NULL && i < x->n_reps; i++)
		if (!x->rep_known[i] && strcmp(x->reps[i].org, org) == 0) {
			x->rep_known[i] = 1;
			x->rep_id[i] = id;
			return &x->reps[i];
		}
	return NULL;
}

/* The index of the first report day of REP after day A. */
static size_t
after(const struct report_rep_days *rep, long a)
{
	size_t lo = 0, hi = rep->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rep->days[mid].day <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* after() of REP, one of X's reporters, from X's table when A is in it. */
static size_t
rep_after(const struct ctx *x, const struct report_rep_days *rep, long a)
{
	if (x->after != NULL && a >= x->day0 - 1 && a < x->day0 + (long)x->n_dates)
		return x->after[(size_t)(rep - x->reps) * (x->n_dates + 1) +
		    (size_t)(a - x->day0 + 1)];
	return after(rep, a);
}

/* Did REP send a report on a day strictly between A and B? */
static int
reported_between(const struct ctx *x, const struct report_rep_days *rep, long a, long b)
{
	size_t lo = rep_after(x, rep, a);

	return lo < rep->n && rep->days[lo].day < b;
}

/* REP's report day DAY, or NULL. */
static const struct report_rep_day *
rep_day(const struct ctx *x, const struct report_rep_days *rep, long day)
{
	size_t lo = rep_after(x, rep, day - 1);

	return lo < rep->n && rep->days[lo].day == day ? &rep->days[lo] : NULL;
}

/* The model's grain, and the day after its period. */
static void
period_grain(struct json_object *model, enum report_grain *g, long *until_day)
{
	struct json_object *p = model_object(model, "period");

	*g = report_grain_named(mval_str(p, "grain"));
	*until_day = model_day(mval_str(p, "until")) + 1;
}

/* DAY as a date, made once. */
static const char *
date_of(struct ctx *x, long day)
{
	static char buf[16];
	char *d;

	if (day < x->day0 || (size_t)(day - x->day0) >= x->n_dates) {
		report_date((time_t)day * REPORT_DAY, buf, sizeof(buf));
		return buf;
	}
	d = x->dates[day - x->day0];
	if (d[0] == '\0')
		report_date((time_t)day * REPORT_DAY, d, 16);
	return d;
}

/*
 * SRC into DST of SIZE bytes, cut short to fit: snprintf(DST, SIZE, "%s",
 * SRC) without its cost, which a string per episode makes count.
 */
static void
copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "Google (80), Microsoft (40)" of N names and counts (sorted here). */
static void
who(struct named *v, size_t n, int with_counts, char *buf, size_t size)
{
	size_t i, len = 0;

	qsort(v, n, sizeof(*v), cmp_named);
	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		if (i == 4) {
			snprintf(buf + len, size - len, " and %zu more", n - 4);
			break;
		}
		if (with_counts)
			len += (size_t)snprintf(buf + len, size - len, "%s%s (%lld)",
			    i ? ", " : "", v[i].name, v[i].n);
		else {
			if (i > 0)
				copy(buf + len, size - len, ", ");
			len += strlen(buf + len);
			if (len < size)
				copy(buf + len, size - len, v[i].name);
			len += strlen(buf + len);
		}
	}
}

/* who() of the reporters of episode EP. */
static void
who_of(struct ctx *x, const struct episode *ep, int with_counts, char *buf,
    size_t size)
{
	struct named *v = malloc(sizeof(*v) * (ep->n_org + 1));
	size_t i;

	buf[0] = '\0';
	if (v == NULL)
		return;
	for (i = 0; i < ep->n_org; i++) {
		v[i].name = report_cells_str(x->cells, ep->orgs[i].id);
		v[i].n = ep->orgs[i].failed;
		if (v[i].name == NULL)
			v[i].name = "";
	}
	who(v, ep->n_org, with_counts, buf, size);
	free(v);
}

/* who() of the reporters of cell C. */
static void
who_of_cell(struct ctx *x, const struct report_ep_cell *c, char *buf, size_t size)
{
	struct named *v = malloc(sizeof(*v) * (c->n_org + 1));
	size_t i;

	buf[0] = '\0';
	if (v == NULL)
		return;
	for (i = 0; i < c->n_org; i++) {
		const struct report_ep_count *o = &x->d->orgs[c->org0 + i];

		v[i].name = report_cells_str(x->cells, o->id);
		v[i].n = o->n;
		if (v[i].name == NULL)
			v[i].name = "";
	}
	who(v, c->n_org, 1, buf, size);
	free(v);
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

/* How many MX hosts a domain (entry DOM) is known to have (its policies, its failures). */
static size_t
known_mx_count(struct json_object *dom, const struct report_ep_domain *cells)
{
	struct json_object *set;
	size_t i, count;

	set = json_object_new_object();
	if (model_get(dom, "_mx_known") != NULL) {
		json_object_object_foreach(model_get(dom, "_mx_known"), h, v) {
			(void)v;
			json_object_object_add(set, h, json_object_new_boolean(1));
		}
	}
	for (i = 0; i < cells->n_keys; i++) {
		const char *tab = strchr(cells->keys[i].key, '\t');

		if (tab != NULL && tab[1] != '\0')
			json_object_object_add(set, tab + 1, json_object_new_boolean(1));
	}
	count = json_object_object_length(set);
	json_object_put(set);
	return count;
}

/* DATE as a day, when it is a date as report_date() writes it; else -1. */
static long
canonical_day(const char *date)
{
	char again[16];
	long day = model_day(date);

	if (day < 0)
		return -1;
	report_date((time_t)day * REPORT_DAY, again, sizeof(again));
	return strcmp(again, date) == 0 ? day : -1;
}

/*
 * Read the keys covering() compares of the detectors' insights once, the
 * dates as days: every episode compares them.
 */
static int
load_cover(struct ctx *x)
{
	size_t i, n = model_len(x->detected);

	x->n_cov = 0;
	if (n == 0)
		return 0;
	if ((x->cov = calloc(n, sizeof(*x->cov))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(x->detected, i);
		struct cover *c = &x->cov[i];

		c->o = o;
		c->first = canonical_day(mval_str(o, "first_date"));
		c->last = canonical_day(mval_str(o, "last_date"));
		if ((size_t)snprintf(c->rt, sizeof(c->rt), "%s", mval_str(o, "result_type")) >=
		    sizeof(c->rt) || c->first < 0 || c->last < 0)
			x->cov_live = 1;
	}
	x->n_cov = n;
	return 0;
}

/*
 * An insight of a detector covering EP's type and days (FIRST to LAST,
 * dates of days FDAY to LDAY).  Merging keeps a detector's result type
 * and dates, so they can be read once.
 */
static struct json_object *
covering(struct ctx *x, const struct episode *ep, const char *first, const char *last,
    long fday, long lday)
{
	size_t i;

	for (i = 0; i < x->n_cov; i++) {
		const struct cover *c = &x->cov[i];

		if (x->cov_live) {
			if (strcmp(mval_str(c->o, "result_type"), ep->rt) == 0 &&
			    strcmp(mval_str(c->o, "first_date"), last) <= 0 &&
			    strcmp(mval_str(c->o, "last_date"), first) >= 0)
				return c->o;
		} else if (c->first <= lday && c->last >= fday && strcmp(c->rt, ep->rt) == 0)
			return c->o;
	}
	return NULL;
}

/* The names of EP's reporters, with those of array OLD (or NULL), sorted, distinct. */
static struct json_object *
reporters(struct ctx *x, const struct episode *ep, struct json_object *old)
{
	struct json_object *arr, *set;
	const char **k;
	size_t i;

	if (old == NULL) {
		/* Only the episode's own: distinct already. */
		arr = json_object_new_array_ext((int)ep->n_org + 1);
		if ((k = malloc(sizeof(*k) * (ep->n_org + 1))) == NULL)
			return arr;
		for (i = 0; i < ep->n_org; i++) {
			k[i] = report_cells_str(x->cells, ep->orgs[i].id);
			if (k[i] == NULL)
				k[i] = "";
		}
		qsort(k, ep->n_org, sizeof(*k), cmp_str);
		for (i = 0; i < ep->n_org; i++)
			json_object_array_add(arr, json_object_new_string(k[i]));
		free(k);
		return arr;
	}
	set = json_object_new_object();
	for (i = 0; i < json_object_array_length(old); i++)
		json_object_object_add(set, json_object_get_string(
		    json_object_array_get_idx(old, i)), json_object_new_boolean(1));
	for (i = 0; i < ep->n_org; i++) {
		const char *org = report_cells_str(x->cells, ep->orgs[i].id);

		json_object_object_add(set, org ? org : "", json_object_new_boolean(1));
	}
	arr = model_keys_array(set);
	json_object_put(set);
	return arr;
}

/* The episode keys of doc/report-json.md on insight O (merged when present). */
static void
episode_keys(struct ctx *x, struct json_object *o, const struct episode *ep)
{
	struct json_object *reps;
	size_t i;

	json_object_object_add(o, "status", json_object_new_string(
	    ep->ongoing || strcmp(mval_str(o, "status"), "ongoing") == 0 ?
	    "ongoing" : "resolved"));
	json_object_object_add(o, "result_type", json_object_new_string(ep->rt));
	if (model_get(o, "mx_host") == NULL)
		json_object_object_add(o, "mx_host", ep->mx[0] != '\0' ?
		    json_object_new_string(ep->mx) : NULL);
	json_object_object_add(o, "reporters", reporters(x, ep, model_get(o, "reporters")));
	json_object_object_add(o, "failed_sessions", json_object_new_int64(
	    mval_int(o, "failed_sessions") + ep->failed));
	/* The IPs, sorted. */
	{
		const char *ip[EPISODE_MAX_IPS] = { NULL };

		for (i = 0; i < ep->n_ips; i++)
			ip[i] = report_cells_str(x->cells, ep->ips[i]);
		qsort(ip, ep->n_ips, sizeof(*ip), cmp_str);
		reps = model_get(o, "receiving_ips");
		if (reps == NULL) {
			reps = json_object_new_array();
			json_object_object_add(o, "receiving_ips", reps);
		}
		for (i = 0; i < ep->n_ips; i++)
			json_object_array_add(reps, json_object_new_string(ip[i]));
	}
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

/*
 * An episode that ranks after the floor (the insight the list keeps
 * last so far) can never be kept: only what ranks and counts it is kept,
 * as a stub, to be left out at the next cut (report_insights.h,
 * INSIGHT_MAX).  Its dates stay visible to the spikes, which must not
 * repeat it.  insight_order() over the keys read once.
 *
 * With TITLE NULL, only whether it ranks strictly after the cap, titles
 * aside: such a stub gets an empty title, as no title of one is ever
 * shown or decides what is kept (INSIGHT_MAX entries come before it).
 */
static int
below_floor(struct ctx *x, const struct episode *ep, const char *first, const char *last,
    const char *title)
{
	const char *sev = severity(ep, x->n_mx);
	struct insight_rank k = { !ep->ongoing, insight_severity_rank(sev), last,
	    first, ep->domain, title };
	struct episode_stub *st;

	if (title == NULL) {
		if (x->cap == NULL || insight_rank_cmp_untitled(&k, x->cap) <= 0)
			return 0;
		title = "";
	} else if (!x->has_floor || insight_rank_cmp(&k, &x->floor) <= 0)
		return 0;
	if (x->stubs->n == x->stubs->cap) {
		size_t cap = x->stubs->cap ? x->stubs->cap * 2 : 1024;
		struct episode_stub *v = realloc(x->stubs->v, cap * sizeof(*v));

		if (v == NULL)
			return 1;	/* left out without a count: out of memory */
		x->stubs->v = v;
		x->stubs->cap = cap;
	}
	st = &x->stubs->v[x->stubs->n];
	if ((st->title = strdup(title)) == NULL)
		return 1;
	st->domain = ep->domain;
	st->severity = sev;
	st->ongoing = ep->ongoing;
	copy(st->first, sizeof(st->first), first);
	copy(st->last, sizeof(st->last), last);
	st->pos = json_object_array_length(x->list);
	x->stubs->n++;
	return 1;
}

/* One day, one reporter, a few sessions: left out. */
static int
is_noise(const struct episode *ep)
{
	return ep->failed < EPISODE_NOISE_SESSIONS && ep->first == ep->last && ep->n_org == 1;
}

/* Is RT one of the result types X's ranks leave out? */
static int
skipped(const struct ctx *x, const char *rt)
{
	size_t i;

	for (i = 0; x->skip != NULL && x->skip[i] != NULL; i++)
		if (strcmp(rt, x->skip[i]) == 0)
			return 1;
	return 0;
}

/*
 * EP's rank into X's ranks.  one_key() never walks the keys of the types
 * a detector may take in (X's skip list).
 */
static void
add_rank(struct ctx *x, const struct episode *ep, const struct report_ep_cell *cells)
{
	struct episode_rank *r;

	if (is_noise(ep))
		return;
	if (x->ranks->n == x->ranks->cap) {
		size_t cap = x->ranks->cap ? x->ranks->cap * 2 : 1024;
		struct episode_rank *v = realloc(x->ranks->v, cap * sizeof(*v));

		if (v == NULL) {
			x->oom = 1;
			return;
		}
		x->ranks->v = v;
		x->ranks->cap = cap;
	}
	r = &x->ranks->v[x->ranks->n++];
	r->resolved = !ep->ongoing;
	r->severity = insight_severity_rank(severity(ep, x->n_mx));
	r->last = cells[ep->last].day;
	r->first = cells[ep->first].day;
	r->domain = ep->domain;
}

static void
emit(struct ctx *x, struct episode *ep, const struct report_ep_cell *cells)
{
	char first[16], last[16];
	struct json_object *o, *list = x->list;
	char names[400], counts[400], where[400];
	size_t i, k;
	int merged = 0;

	if (is_noise(ep))
		return;
	copy(first, sizeof(first), date_of(x, cells[ep->first].day));
	/* By week or month, a range ends with the last day of its bucket. */
	copy(last, sizeof(last), date_of(x, report_bucket_last(x->grain, x->until_day,
	    cells[ep->last].day)));
	if ((o = covering(x, ep, first, last, cells[ep->first].day,
	    cells[ep->last].day)) != NULL) {
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

		/* Most episodes rank too low to need a title. */
		if (below_floor(x, ep, first, last, NULL))
			return;
		who_of(x, ep, 0, names, sizeof(names));
		if (ep->mx[0] != '\0')
			copy(where, sizeof(where), ep->mx);
		else if (strncmp(ep->rt, "sts-", 4) == 0)
			copy(where, sizeof(where), "the MTA-STS policy");
		else
			copy(where, sizeof(where), "an MX host the reports do not name");
		if (ep->ongoing)
			snprintf(title, sizeof(title), "%s: %s on %s since %s%s, still failing (%s)",
			    ep->domain, ep->rt, where, first, ep->earlier ? " or earlier" : "",
			    names);
		else if (ep->first == ep->last && x->grain == REPORT_GRAIN_DAY)
			snprintf(title, sizeof(title), "%s: %s on %s on %s, resolved (%s)",
			    ep->domain, ep->rt, where, first, names);
		else
			snprintf(title, sizeof(title), "%s: %s on %s from %s to %s, resolved (%s)",
			    ep->domain, ep->rt, where, first, last, names);
		if (below_floor(x, ep, first, last, title))
			return;
		o = insight_new(list, "failure-episode", severity(ep, x->n_mx), ep->domain,
		    first, last);
		insight_text(o, "title", "%s", title);
	}
	fix_for(o, ep->rt, ep->mx, ep->domain, merged);
	episode_keys(x, o, ep);
	if (merged)
		return;
	/* Only an insight of its own says it; most episodes rank too low. */
	who_of(x, ep, 1, counts, sizeof(counts));
	insight_evidence(o, "%lld of %lld sessions failed (%.1f%%), reported by %s",
	    ep->failed, ep->sessions, ep->sessions > 0 ?
	    100.0 * (double)ep->failed / (double)ep->sessions : 100.0, counts);
	/* Who reported the domain on those days without the failure. */
	for (i = 0; i < x->n_reps; i++) {
		const struct report_rep_days *r = &x->reps[i];
		long a = cells[ep->first].day, b = cells[ep->last].day;
		long long ok = 0;
		size_t j;

		for (j = 0; j < ep->n_org; j++)
			if (find_rep(x, ep->orgs[j].id) == r)
				break;
		if (j < ep->n_org)
			continue;
		for (j = rep_after(x, r, a - 1); j < r->n && r->days[j].day <= b; j++)
			ok += r->days[j].ok;
		if (ok > 0)
			insight_evidence(o, "not seen by %s, which reported %lld successful "
			    "sessions for %s on those days", r->org, ok, ep->domain);
	}
	for (i = 0; i < ep->n_org; i++) {
		const struct report_rep_days *r = find_rep(x, ep->orgs[i].id);
		char lastrep[REPORT_BUCKET_LABEL_SIZE], seen[REPORT_BUCKET_LABEL_SIZE];

		if (r == NULL || r->n == 0)
			continue;
		report_bucket_label(x->grain, r->days[r->n - 1].day, lastrep, sizeof(lastrep));
		if (r->days[r->n - 1].day <= ep->orgs[i].last_seen)
			insight_evidence(o, "still in the latest report of %s (%s)", r->org, lastrep);
		else {
			report_bucket_label(x->grain, ep->orgs[i].last_seen, seen, sizeof(seen));
			insight_evidence(o, "gone from the reports of %s after %s (latest report "
			    "%s)", r->org, seen, lastrep);
		}
	}
	for (k = ep->first; k <= ep->last; k++) {
		char when[REPORT_BUCKET_LABEL_SIZE];

		who_of_cell(x, &cells[k], counts, sizeof(counts));
		if (x->grain == REPORT_GRAIN_DAY)
			copy(when, sizeof(when), date_of(x, cells[k].day));
		else
			report_bucket_label(x->grain, cells[k].day, when, sizeof(when));
		insight_evidence(o, "%s: %lld failed sessions (%s)", when, cells[k].failed,
		    counts);
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

/* Add reporter ID's N failed sessions on DAY to EP; -1 when out of memory. */
static int
ep_org_add(struct episode *ep, uint32_t id, long long n, long day)
{
	size_t i;

	for (i = 0; i < ep->n_org; i++)
		if (ep->orgs[i].id == id)
			break;
	if (i == ep->n_org) {
		if (ep->n_org == ep->cap_org) {
			size_t cap = ep->cap_org ? ep->cap_org * 2 : 8;
			struct ep_org *v = realloc(ep->orgs, cap * sizeof(*v));

			if (v == NULL)
				return -1;
			ep->orgs = v;
			ep->cap_org = cap;
		}
		ep->orgs[i].id = id;
		ep->orgs[i].failed = 0;
		ep->n_org++;
	}
	ep->orgs[i].failed += n;
	ep->orgs[i].last_seen = day;
	return 0;
}

/* Split the failure days of one (domain, type, mx) into episodes. */
static void
one_key(struct ctx *x, struct episode *ep, const struct report_ep_key *key)
{
	const struct report_ep_cell *cells = x->d->cells + key->cell0;
	const struct report_ep_count *orgs = x->d->orgs, *ips = x->d->ips;
	size_t n = key->n_cells, i, j;
	char rt[256];
	const char *tab = strchr(key->key, '\t');

	if (tab == NULL || (size_t)(tab - key->key) >= sizeof(rt) || n == 0)
		return;
	snprintf(rt, sizeof(rt), "%.*s", (int)(tab - key->key), key->key);
	/* Ranks leave out the types a detector may take in: nearly half the cells. */
	if (x->ranks != NULL && skipped(x, rt))
		return;
	ep->open = 0;
	for (i = 0; i <= n; i++) {
		const struct report_ep_cell *c = i < n ? &cells[i] : NULL;
		int split = i == n;

		/* A report without the failure, from one that saw it, ends the episode. */
		if (i > 0 && i < n) {
			const struct report_ep_cell *p = &cells[i - 1];

			for (j = 0; j < p->n_org; j++) {
				const struct report_rep_days *r = find_rep(x, orgs[p->org0 + j].id);

				if (r != NULL && reported_between(x, r, p->day, c->day))
					split = 1;
			}
		}
		if (split && ep->open) {
			ep->last = i - 1;
			ep->ongoing = 0;
			for (j = 0; j < ep->n_org; j++) {
				const struct report_rep_days *r = find_rep(x, ep->orgs[j].id);

				if (r == NULL || r->n == 0 ||
				    r->days[r->n - 1].day <= ep->orgs[j].last_seen)
					ep->ongoing = 1;
			}
			if (x->ranks != NULL)
				add_rank(x, ep, cells);
			else {
				ep->earlier = ep->first == 0 &&
				    failed_before(x->model, x->before, date_of(x, cells[0].day));
				emit(x, ep, cells);
			}
			ep->open = 0;
		}
		if (i == n)
			break;
		if (!ep->open) {
			ep->open = 1;
			ep->domain = x->domain;
			ep->rt = rt;
			ep->mx = tab + 1;
			ep->first = i;
			ep->failed = ep->enforced = ep->sessions = 0;
			ep->n_org = ep->n_ips = 0;
		}
		ep->failed += c->failed;
		ep->enforced += c->enforced;
		for (j = 0; j < c->n_org; j++) {
			const struct report_ep_count *o = &orgs[c->org0 + j];
			const struct report_rep_days *r = find_rep(x, o->id);
			const struct report_rep_day *s = r != NULL ? rep_day(x, r, c->day) : NULL;

			if (ep_org_add(ep, o->id, o->n, c->day) < 0)
				continue;
			ep->sessions += s != NULL ? s->ok + s->failed : o->n;
		}
		/* Only an insight names them. */
		for (j = 0; x->ranks == NULL && j < c->n_ip && ep->n_ips < EPISODE_MAX_IPS; j++) {
			size_t m;

			for (m = 0; m < ep->n_ips; m++)
				if (ep->ips[m] == ips[c->ip0 + j].id)
					break;
			if (m == ep->n_ips)
				ep->ips[ep->n_ips++] = ips[c->ip0 + j].id;
		}
	}
	ep->rt = NULL;		/* it named this call's RT */
}

/* The floor's ranking keys, read once (it does not change meanwhile). */
static void
load_floor(struct ctx *x, struct json_object *floor)
{
	if (floor == NULL)
		return;
	x->has_floor = 1;
	insight_rank_read(&x->floor, floor);
}

/* X's after table, over the days its cells span; -1 when out of memory. */
static int
after_table(struct ctx *x)
{
	size_t i, d, w = x->n_dates + 1;

	if ((x->after = malloc(x->n_reps * w * sizeof(*x->after))) == NULL)
		return -1;
	for (i = 0; i < x->n_reps; i++) {
		const struct report_rep_days *r = &x->reps[i];
		size_t j = after(r, x->day0 - 1);

		for (d = 0; d < w; d++) {
			while (j < r->n && r->days[j].day <= x->day0 - 1 + (long)d)
				j++;
			x->after[i * w + d] = j;
		}
	}
	return 0;
}

/*
 * X set up for domain INDEX's episodes, with its cells in D; -1 when out
 * of memory (ctx_close() in any case).
 */
static int
ctx_open(struct ctx *x, struct report_ep_domain *d, struct json_object *model,
    const struct report_episode_data *ed, size_t index, struct json_object *dom)
{
	const struct report_domain_reps *reps;
	size_t i;
	long hi = 0;
	int spanned = 0;

	memset(x, 0, sizeof(*x));
	if (ed->gathered != NULL)
		*d = *ed->gathered;
	else if (report_cells_episodes(ed->cells, index, d) < 0)
		return -1;
	x->model = model;
	x->cells = ed->cells;
	x->d = d;
	period_grain(model, &x->grain, &x->until_day);
	x->domain = report_cells_domain(ed->cells, index);
	x->before = model_get(ed->before, x->domain);
	x->n_mx = known_mx_count(dom, d);
	if ((reps = domain_reps(ed, x->domain)) != NULL) {
		x->reps = reps->reps;
		x->n_reps = reps->n;
	}
	x->rep_id = calloc(x->n_reps + 1, sizeof(*x->rep_id));
	x->rep_known = calloc(x->n_reps + 1, sizeof(*x->rep_known));
	if (x->rep_id == NULL || x->rep_known == NULL)
		return -1;
	/* The dates of the days the cells span. */
	for (i = 0; i < d->n_keys; i++) {
		const struct report_ep_key *k = &d->keys[i];
		long a, b;

		if (k->n_cells == 0)
			continue;
		a = d->cells[k->cell0].day;
		b = d->cells[k->cell0 + k->n_cells - 1].day;
		if (!spanned || a < x->day0)
			x->day0 = a;
		if (!spanned || b > hi)
			hi = b;
		spanned = 1;
	}
	if (spanned) {
		x->n_dates = (size_t)(hi - x->day0 + 1);
		if ((x->dates = calloc(x->n_dates, sizeof(*x->dates))) == NULL)
			return -1;
		if (x->n_reps > 0 && after_table(x) < 0)
			return -1;
	}
	return 0;
}

static void
ctx_close(struct ctx *x)
{
	free(x->dates);
	free(x->after);
	free(x->cov);
	free(x->rep_id);
	free(x->rep_known);
}

/*
 * Domain INDEX's episodes through one_key(), with what WITH sets of a
 * context (the list and stubs, or the ranks) and FLOOR's keys.
 */
static int
walk(struct json_object *model, const struct report_episode_data *ed, size_t index,
    struct json_object *dom, const struct ctx *with, struct json_object *floor)
{
	struct report_ep_domain d;
	struct episode ep;
	struct ctx x;
	size_t i;
	int rc = -1;

	memset(&ep, 0, sizeof(ep));
	if (ctx_open(&x, &d, model, ed, index, dom) < 0)
		goto done;
	x.list = with->list;
	x.stubs = with->stubs;
	x.detected = with->detected;
	x.cap = with->cap;
	x.ranks = with->ranks;
	x.skip = with->skip;
	load_floor(&x, floor);
	if (x.ranks == NULL && load_cover(&x) < 0)
		goto done;
	for (i = 0; i < d.n_keys && !x.oom; i++)
		one_key(&x, &ep, &d.keys[i]);
	rc = x.oom ? -1 : 0;
done:
	free(ep.orgs);
	ctx_close(&x);
	return rc;
}

int
report_episodes(struct json_object *model, const struct report_episode_data *ed,
    size_t index, struct json_object *dom, struct json_object *detected,
    struct json_object *floor, const struct insight_rank *cap,
    struct episode_stubs *stubs, struct json_object *list)
{
	struct ctx with;

	memset(&with, 0, sizeof(with));
	with.list = list;
	with.stubs = stubs;
	with.detected = detected;
	with.cap = cap;
	return walk(model, ed, index, dom, &with, floor);
}

int
report_episode_ranks(struct json_object *model, const struct report_episode_data *ed,
    size_t index, struct json_object *dom, const char *const *detected_types,
    struct episode_ranks *ranks)
{
	struct ctx with;

	memset(&with, 0, sizeof(with));
	with.ranks = ranks;
	with.skip = detected_types;
	return walk(model, ed, index, dom, &with, NULL);
}

void
episode_ranks_free(struct episode_ranks *r)
{
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

void
episode_stubs_clear(struct episode_stubs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].title);
	s->n = 0;
}

void
episode_stubs_free(struct episode_stubs *s)
{
	episode_stubs_clear(s);
	free(s->v);
	s->v = NULL;
	s->cap = 0;
}

const char *
report_episode_status(struct json_object *model, const char *domain, const char *last)
{
	struct json_object *doms = mval_array(model, "domains");
	size_t i, n = model_len(doms);
	const char *end = "";
	char buf[2][REPORT_DAILY_DATE_SIZE];
	int k = 0;

	if (last == NULL)
		return "ongoing";
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);
		struct report_daily_entry e;
		size_t nd = report_daily_n(d);
		const char *dl = "";

		if (domain != NULL && strcmp(mval_str(d, "domain"), domain) != 0)
			continue;
		/* The latest so far stays in one buffer, the next goes in the other. */
		if (nd > 0 && report_daily_at(d, nd - 1, &e) == 0)
			dl = report_daily_date(&e, buf[k], sizeof(buf[k]));
		if (strcmp(dl, end) > 0) {
			end = dl;
			k ^= dl == buf[k];
		}
	}
	return strcmp(last, end) >= 0 ? "ongoing" : "resolved";
}
