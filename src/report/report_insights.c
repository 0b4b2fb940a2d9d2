/*
 * report_insights.c - derive the insights of a report model; see
 * report_insights.h.  Each detector reads the aggregates, never the store.
 */
#include "report_insights.h"
#include "model_get.h"
#include "insight_list.h"
#include "report_daily.h"
#include "report_episodes.h"
#include "report_ahead.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Append K, the I-th of N names, to the list in BUF (SIZE bytes, LEN of
 * them used): "a, b and c", the first 4 named, then " and N more".  0
 * once the list is done (or BUF full).
 */
static int
name_add(char *buf, size_t size, size_t *len, size_t i, size_t n, const char *k)
{
	if (i == 4) {
		snprintf(buf + *len, size - *len, " and %zu more", n - 4);
		return 0;
	}
	*len += (size_t)snprintf(buf + *len, size - *len, "%s%s",
	    i == 0 ? "" : i + 1 == n ? " and " : ", ", k);
	return *len < size;
}

/* The strings of the N counts V of the cells C, named (name_add()) into BUF. */
static void
names(const struct report_cells *c, const struct report_ep_count *v, size_t n,
    char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && name_add(buf, size, &len, i, n, report_cells_str(c, v[i].id)); i++)
		;
}

/* The N strings S, named (name_add()) into BUF. */
static void
names_str(const char *const *s, size_t n, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && name_add(buf, size, &len, i, n, s[i]); i++)
		;
}

/* "YYYY-MM-DD" of DAY (days since the epoch) into BUF. */
static const char *
day_date(long day, char buf[REPORT_DAILY_DATE_SIZE])
{
	report_date((time_t)day * REPORT_DAY, buf, REPORT_DAILY_DATE_SIZE);
	return buf;
}

/* The last day of DAY's bucket at OPT's grain: where a date range ends. */
static long
bucket_last(const struct report_options *opt, long day)
{
	return report_bucket_last(report_grain(opt), (long)(opt->until / REPORT_DAY), day);
}

/*
 * The model's domains by name (each is there once), and the MX hosts
 * each is served by in the order of the model's "mx_hosts", read once:
 * the detectors ask for every domain.
 */
struct dindex {
	struct json_object *entry;	/* domain -> its entry in "domains" */
	struct json_object *mx;		/* domain -> [host] */
};

static void
dindex_load(struct dindex *ix, struct json_object *model)
{
	struct json_object *arr = mval_array(model, "domains");
	struct json_object *mxs = mval_array(model, "mx_hosts");
	size_t i, j, n = model_len(arr);

	ix->entry = json_object_new_object();
	ix->mx = json_object_new_object();
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(arr, i);
		const char *name = mval_str(d, "domain");

		if (!json_object_object_get_ex(ix->entry, name, NULL))
			json_object_object_add(ix->entry, name, json_object_get(d));
	}
	for (i = 0; i < model_len(mxs); i++) {
		struct json_object *m = json_object_array_get_idx(mxs, i);
		struct json_object *doms = mval_array(m, "domains");
		const char *host = mval_str(m, "mx_host");

		for (j = 0; j < model_len(doms); j++) {
			const char *d = json_object_get_string(json_object_array_get_idx(doms, j));
			struct json_object *hosts;

			if (d == NULL)
				continue;
			if ((hosts = model_get(ix->mx, d)) == NULL) {
				hosts = json_object_new_array();
				json_object_object_add(ix->mx, d, hosts);
			}
			json_object_array_add(hosts, json_object_new_string(host));
		}
	}
}

static void
dindex_free(struct dindex *ix)
{
	json_object_put(ix->entry);
	json_object_put(ix->mx);
}

static struct json_object *
domain_entry(const struct dindex *ix, const char *domain)
{
	return domain != NULL ? model_get(ix->entry, domain) : NULL;
}

/* The last day with any report for DOMAIN, kept in BUF if need be. */
static const char *
last_report_day(const struct dindex *ix, const char *domain,
    char buf[REPORT_DAILY_DATE_SIZE])
{
	struct json_object *dom = domain_entry(ix, domain);
	struct report_daily_entry e;
	size_t n = report_daily_n(dom);

	if (n == 0 || report_daily_at(dom, n - 1, &e) < 0)
		return "";
	return report_daily_date(&e, buf, REPORT_DAILY_DATE_SIZE);
}

/* The cells of result type RT in V, or NULL when it has none. */
static const struct report_in_type *
in_type(const struct report_cells *c, const struct report_in_domain *v, const char *rt)
{
	size_t i;

	for (i = 0; i < v->n_types; i++)
		if (strcmp(report_cells_str(c, v->types[i].rt), rt) == 0)
			return &v->types[i];
	return NULL;
}

/* ---- tlsa-invalid that starts and clears within about two days -------- */

static int
tlsa_rollover(const struct dindex *ix, struct json_object *list, const char *domain,
    const struct report_cells *c, const struct report_in_domain *v,
    const struct report_in_type *t, const struct report_options *opt)
{
	enum report_grain g = report_grain(opt);
	const struct report_in_day *d = v->days + t->day0;
	size_t n = t->n_days, i = 0, k;
	char last_buf[REPORT_DAILY_DATE_SIZE];
	const char *last_day = last_report_day(ix, domain, last_buf);
	/* A run's hosts: at most all those of the type, which come in a row. */
	const char **hosts = calloc(d[n - 1].mx0 + d[n - 1].n_mx - d[0].mx0 + 1,
	    sizeof(*hosts));

	if (hosts == NULL)
		return -1;
	while (i < n) {
		size_t j = i, n_hosts = 0;
		int cleared;
		struct json_object *o;
		long long total = 0;
		char hnames[300], first[REPORT_DAILY_DATE_SIZE], last[REPORT_DAILY_DATE_SIZE];

		while (j + 1 < n && d[j + 1].day == report_bucket_next(g, d[j].day))
			j++;
		day_date(d[i].day, first);
		day_date(d[j].day, last);
		cleared = strcmp(last_day, last) > 0;
		day_date(bucket_last(opt, d[j].day), last);
		/* A week or a month is longer than a burst: only one not cleared shows. */
		if (cleared && report_bucket_next(g, d[j].day) - d[i].day > INSIGHT_BURST_MAX_DAYS) {
			i = j + 1;
			continue;
		}
		o = insight_new(list, "tlsa-rollover", cleared ? "warning" : "critical",
		    domain, first, last);
		json_object_object_add(o, "result_type", json_object_new_string("tlsa-invalid"));
		for (k = i; k <= j; k++) {
			char mx[300], who[300], date[REPORT_BUCKET_LABEL_SIZE];
			size_t h, m;

			names(c, v->mx + d[k].mx0, d[k].n_mx, mx, sizeof(mx));
			names(c, v->orgs + d[k].org0, d[k].n_org, who, sizeof(who));
			total += d[k].failed;
			/* The run's hosts in the order first named (interned: one pointer each). */
			for (h = 0; h < d[k].n_mx; h++) {
				const char *name = report_cells_str(c, v->mx[d[k].mx0 + h].id);

				for (m = 0; m < n_hosts && hosts[m] != name; m++)
					;
				if (m == n_hosts)
					hosts[n_hosts++] = name;
			}
			report_bucket_label(g, d[k].day, date, sizeof(date));
			insight_evidence(o, "%s: %lld failed sessions (tlsa-invalid) on %s, reported by %s",
			    date, d[k].failed, mx, who);
		}
		names_str(hosts, n_hosts, hnames, sizeof(hnames));
		if (cleared) {
			insight_text(o, "title", "%s: tlsa-invalid on %s from %s to %s (%lld sessions), "
			    "then cleared", domain, hnames, first, last, total);
			insight_evidence(o, "after %s: reports with no tlsa-invalid (last report %s)",
			    last, last_day);
		} else
			insight_text(o, "title", "%s: tlsa-invalid on %s since %s (%lld sessions), "
			    "not cleared", domain, hnames, first, total);
		insight_text(o, "fix", "A certificate was most likely replaced with a new key "
		    "before the TLSA record was updated. Renew keeping the key (certbot renew "
		    "--reuse-key), publish TLSA 3 1 1 (public key SHA-256), and publish the next "
		    "key's TLSA record before switching to it. See: tlsrpt explain tlsa-invalid");
		i = j + 1;
	}
	free(hosts);
	return 0;
}

/* ---- a certificate problem on one MX while the others are fine -------- */

/* An MX host with a certificate problem: its days and failed sessions. */
struct affected {
	const char *host;		/* the cells' string */
	long first, last;
	long long failed;
};

/* The index of HOST among the N of A, or N. */
static size_t
affected_at(const struct affected *a, size_t n, const char *host)
{
	size_t i;

	for (i = 0; i < n && strcmp(a[i].host, host) != 0; i++)
		;
	return i;
}

static int
mx_certificate(const struct dindex *ix, struct json_object *list, const char *domain,
    const char *rt, const struct report_cells *c, const struct report_in_domain *v,
    const struct report_in_type *t, const struct report_options *opt)
{
	const struct report_in_day *d = v->days + t->day0;
	struct json_object *mxs = model_get(ix->mx, domain), *o;
	struct json_object *known = model_get(domain_entry(ix, domain), "_mx_known");
	size_t n = t->n_days, i, h, n_aff = 0, n_fine = 0;
	struct affected *aff;
	const char **fine;
	char bad[300], good[300], first[REPORT_DAILY_DATE_SIZE], last[REPORT_DAILY_DATE_SIZE];

	aff = calloc(d[n - 1].mx0 + d[n - 1].n_mx - d[0].mx0 + 1, sizeof(*aff));
	fine = calloc((known != NULL ? (size_t)json_object_object_length(known) : 0) +
	    model_len(mxs) + 1, sizeof(*fine));
	if (aff == NULL || fine == NULL) {
		free(aff);
		free(fine);
		return -1;
	}
	/* The hosts in the order first named, each with its days and sum. */
	for (i = 0; i < n; i++) {
		for (h = 0; h < d[i].n_mx; h++) {
			const struct report_ep_count *m = &v->mx[d[i].mx0 + h];
			const char *host = report_cells_str(c, m->id);
			size_t a = affected_at(aff, n_aff, host);

			if (a == n_aff) {
				aff[n_aff].host = host;
				aff[n_aff++].first = d[i].day;
			}
			aff[a].last = d[i].day;
			aff[a].failed += m->n;
		}
	}
	/* The domain's other MX hosts: named by its policies or seen failing otherwise. */
	if (known != NULL) {
		json_object_object_foreach(known, k, kv) {
			(void)kv;
			if (affected_at(aff, n_aff, k) == n_aff)
				fine[n_fine++] = k;
		}
	}
	for (i = 0; i < model_len(mxs); i++) {
		const char *host = json_object_get_string(json_object_array_get_idx(mxs, i));

		if (affected_at(aff, n_aff, host) == n_aff && host[0] != '(') {
			for (h = 0; h < n_fine && strcmp(fine[h], host) != 0; h++)
				;
			if (h == n_fine)
				fine[n_fine++] = host;
		}
	}
	if (n > 0 && n_aff > 0 && n_fine > 0) {
		size_t len = 0;

		bad[0] = '\0';
		for (i = 0; i < n_aff && name_add(bad, sizeof(bad), &len, i, n_aff, aff[i].host); i++)
			;
		names_str(fine, n_fine, good, sizeof(good));
		o = insight_new(list, "mx-certificate", "critical", domain,
		    day_date(d[0].day, first), day_date(bucket_last(opt, d[n - 1].day), last));
		json_object_object_add(o, "result_type", json_object_new_string(rt));
		insight_text(o, "title", "%s: %s on %s while %s %s fine", domain, rt, bad, good,
		    n_fine > 1 ? "are" : "is");
		for (i = 0; i < n_aff; i++)
			insight_evidence(o, "%s: %lld failed sessions (%s), %s to %s", aff[i].host,
			    aff[i].failed, rt, day_date(aff[i].first, first),
			    day_date(bucket_last(opt, aff[i].last), last));
		insight_evidence(o, "no %s on %s", rt, good);
		if (strcmp(rt, "certificate-expired") == 0)
			insight_text(o, "fix", "Renew the certificate on %s and make sure the MTA "
			    "reloaded it (compare with %s, which is fine): openssl s_client -starttls "
			    "smtp -connect %s:25 -servername %s | openssl x509 -noout -dates. "
			    "See: tlsrpt explain certificate-expired", bad, good,
			    insight_cmd_name(bad, "MXHOST"), insight_cmd_name(bad, "MXHOST"));
		else
			insight_text(o, "fix", "The certificate on %s does not name the host senders "
			    "connect to; install one whose subjectAltName covers it, as on %s. "
			    "See: tlsrpt explain certificate-host-mismatch", bad, good);
	}
	free(aff);
	free(fine);
	return 0;
}

/* ---- MTA-STS failures reported by several reporters on one day -------- */

static void
sts_outage(struct json_object *list, const char *domain, const char *rt,
    const struct report_cells *c, const struct report_in_domain *v,
    const struct report_in_type *t)
{
	const struct report_in_day *d = v->days + t->day0;
	size_t n = t->n_days, i = 0;

	while (i < n) {
		struct json_object *o;
		size_t j = i;
		char who[300], first[REPORT_DAILY_DATE_SIZE], last[REPORT_DAILY_DATE_SIZE];

		if (d[i].n_org < INSIGHT_STS_MIN_REPORTERS) {
			i++;
			continue;
		}
		while (j + 1 < n && d[j + 1].day == d[j].day + 1 &&
		    d[j + 1].n_org >= INSIGHT_STS_MIN_REPORTERS)
			j++;
		day_date(d[i].day, first);
		day_date(d[j].day, last);
		o = insight_new(list, "sts-outage", "critical", domain, first, last);
		json_object_object_add(o, "result_type", json_object_new_string(rt));
		names(c, v->orgs + d[i].org0, d[i].n_org, who, sizeof(who));
		if (i == j)
			insight_text(o, "title", "%s: %s reported by %s on %s", domain, rt, who, first);
		else
			insight_text(o, "title", "%s: %s reported by several reporters, %s to %s",
			    domain, rt, first, last);
		for (size_t k = i; k <= j; k++) {
			char date[REPORT_DAILY_DATE_SIZE];

			names(c, v->orgs + d[k].org0, d[k].n_org, who, sizeof(who));
			insight_evidence(o, "%s: %lld failed sessions, reporters: %s",
			    day_date(d[k].day, date), d[k].failed, who);
		}
		if (strcmp(rt, "sts-webpki-invalid") == 0)
			insight_text(o, "fix", "The certificate of https://mta-sts.%s is not valid for "
			    "senders (expired, wrong name or incomplete chain): curl -v "
			    "https://mta-sts.%s/.well-known/mta-sts.txt. See: tlsrpt explain "
			    "sts-webpki-invalid", domain, insight_cmd_name(domain, "DOMAIN"));
		else
			insight_text(o, "fix", "Senders could not fetch the MTA-STS policy: check that "
			    "https://mta-sts.%s/.well-known/mta-sts.txt answers 200 with text/plain "
			    "from the internet (DNS, web server, firewall): curl -v "
			    "https://mta-sts.%s/.well-known/mta-sts.txt. See: tlsrpt explain "
			    "sts-policy-fetch-error", domain, insight_cmd_name(domain, "DOMAIN"));
		i = j + 1;
	}
}

/* ---- a domain's failure rate well above its own recent past ----------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The domain's own insights: LIST[FIRST..END) and the stubs ST[0..NST)
 * of its episodes that rank too low to be kept, in the order they were
 * made.
 */
struct own {
	struct json_object *list;
	size_t first, end;
	const struct episode_stub *st;
	size_t nst;
};

/*
 * The first of OWN covering a day in [FROM, TO]; NULL when none does, or
 * when that one is a stub (*STUB_R then set): it will be left out.
 */
static struct json_object *
overlapping(const struct own *own, const char *from, const char *to, int *stub_r)
{
	size_t i, s = 0;

	*stub_r = 0;
	for (i = own->first; i <= own->end; i++) {
		struct json_object *o;

		for (; s < own->nst && own->st[s].pos <= i; s++)
			if (strcmp(own->st[s].first, to) <= 0 &&
			    strcmp(own->st[s].last, from) >= 0) {
				*stub_r = 1;
				return NULL;
			}
		if (i == own->end)
			break;
		o = json_object_array_get_idx(own->list, i);
		if (strcmp(mval_str(o, "first_date"), to) <= 0 &&
		    strcmp(mval_str(o, "last_date"), from) >= 0)
			return o;
	}
	return NULL;
}

/* One day of a domain's series: before the period (baseline only) or in it. */
struct rate_day {
	const char *date;
	char buf[REPORT_DAILY_DATE_SIZE];	/* DATE, when the series' own */
	long day;
	long long ok, failed;
	double rate, base;
	int in_period, spike;
};

static int
cmp_rate_day(const void *a, const void *b)
{
	return strcmp(((const struct rate_day *)a)->date, ((const struct rate_day *)b)->date);
}

/*
 * The baseline of each day is the median rate of the INSIGHT_BASELINE_DAYS
 * before it, spikes left out, read from before the period when the period
 * has not lasted that long.  A spike that an insight of the domain
 * (OWN) already covers adds its numbers to that insight as evidence.
 */
static void
rate_spikes(struct json_object *list, const struct own *own,
    struct json_object *dom, struct json_object *before)
{
	const char *domain = mval_str(dom, "domain");
	size_t nw = report_daily_n(dom), nb = before ? json_object_object_length(before) : 0;
	size_t n = 0, i;
	struct rate_day *r = calloc(nw + nb + 1, sizeof(*r));
	double window[INSIGHT_BASELINE_DAYS];

	if (r == NULL)
		return;
	if (before != NULL) {
		json_object_object_foreach(before, date, e) {
			r[n].date = date;
			r[n].ok = mval_int(e, "successful");
			r[n].failed = mval_int(e, "failed");
			n++;
		}
	}
	for (i = 0; i < nw; i++) {
		struct report_daily_entry e;

		if (report_daily_at(dom, i, &e) < 0)
			break;
		r[n].date = report_daily_date(&e, r[n].buf, sizeof(r[n].buf));
		r[n].ok = e.successful;
		r[n].failed = e.failed;
		r[n].in_period = 1;
		n++;
	}
	qsort(r, n, sizeof(*r), cmp_rate_day);
	for (i = 0; i < n; i++) {
		r[i].day = model_day(r[i].date);
		r[i].rate = r[i].ok + r[i].failed > 0 ?
		    (double)r[i].failed / (double)(r[i].ok + r[i].failed) : 0;
	}
	for (i = 0; i < n; i++) {
		size_t k, w = 0;
		double b;

		for (k = i; k-- > 0 && w < INSIGHT_BASELINE_DAYS;) {
			if (r[i].day - r[k].day > INSIGHT_BASELINE_DAYS)
				break;
			if (!r[k].spike)
				window[w++] = r[k].rate;
		}
		if (w < INSIGHT_BASELINE_MIN_DAYS)
			continue;
		qsort(window, w, sizeof(double), cmp_double);
		b = w % 2 ? window[w / 2] : (window[w / 2 - 1] + window[w / 2]) / 2;
		r[i].base = b;
		if (r[i].failed >= INSIGHT_SPIKE_MIN_FAILED &&
		    r[i].rate >= b * INSIGHT_SPIKE_FACTOR && r[i].rate >= b + INSIGHT_SPIKE_MARGIN)
			r[i].spike = 1;
	}
	for (i = 0; i < n; i++) {
		size_t j = i, k;
		struct json_object *o;
		int stub;

		if (!r[i].spike || !r[i].in_period)
			continue;
		while (j + 1 < n && r[j + 1].spike)
			j++;
		if ((o = overlapping(own, r[i].date, r[j].date, &stub)) != NULL || stub) {
			char line[300];

			if (stub) {
				i = j;
				continue;
			}

			snprintf(line, sizeof(line), "failure rate on %s: %.1f%% of all sessions, "
			    "against a baseline of %.2f%%", r[i].date, r[i].rate * 100,
			    r[i].base * 100);
			insight_evidence_second(o, line);
			i = j;
			continue;
		}
		o = insight_new(list, "failure-rate-spike", "warning", domain, r[i].date,
		    r[j].date);
		insight_text(o, "title", "%s: failure rate %.1f%% on %s, against a baseline "
		    "of %.2f%%", domain, r[i].rate * 100, r[i].date, r[i].base * 100);
		for (k = i; k <= j; k++)
			insight_evidence(o, "%s: %lld of %lld sessions failed (%.1f%%); baseline "
			    "%.2f%% (median of the previous %d days)", r[k].date, r[k].failed,
			    r[k].failed + r[k].ok, r[k].rate * 100, r[k].base * 100,
			    INSIGHT_BASELINE_DAYS);
		insight_text(o, "fix", "See which result types and MX hosts failed on those "
		    "days: tlsrpt report --since %s --until %s --domain %s", r[i].date,
		    r[j].date, domain);
		i = j;
	}
	free(r);
}

/* ---- reports whose details disagree with their own totals ------------- */

static void
inconsistent_reports(struct json_object *list, struct json_object *inconsistent)
{
	struct json_object *groups = json_object_new_object();
	size_t i, n = json_object_array_length(inconsistent);

	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(inconsistent, i), *g;
		char key[600];

		snprintf(key, sizeof(key), "%s\t%s", mval_str(e, "organization"),
		    mval_str(e, "domain"));
		if ((g = model_get(groups, key)) == NULL) {
			g = json_object_new_array();
			json_object_object_add(groups, key, g);
		}
		json_object_array_add(g, json_object_get(e));
	}
	json_object_object_foreach(groups, key, g) {
		size_t m = json_object_array_length(g), k;
		struct json_object *e0 = json_object_array_get_idx(g, 0), *o;
		const char *org = mval_str(e0, "organization");
		const char *first = mval_str(e0, "date"), *last = first;

		(void)key;
		for (k = 1; k < m; k++) {
			const char *dk = mval_str(json_object_array_get_idx(g, k), "date");

			if (strcmp(dk, first) < 0)
				first = dk;
			if (strcmp(dk, last) > 0)
				last = dk;
		}
		o = insight_new(list, "inconsistent-report", "info", mval_str(e0, "domain"),
		    first, last);
		insight_text(o, "title", "%s: %zu report%s from %s whose failure details do not "
		    "add up to their own totals", mval_str(e0, "domain"), m, m == 1 ? "" : "s",
		    org);
		for (k = 0; k < m; k++) {
			struct json_object *e = json_object_array_get_idx(g, k);

			insight_evidence(o, "%s: report %s says %lld failed sessions, its details add "
			    "up to %lld", mval_str(e, "date"), mval_str(e, "report_id"),
			    mval_int(e, "summary_failed"), mval_int(e, "details_failed"));
		}
		insight_text(o, "fix", "Nothing to fix on your side: %s's details do not match its "
		    "summary (some reporters, Mail.ru for one, do this). Rates here use the "
		    "summary totals.", org);
	}
	json_object_put(groups);
}

/* ---- reporters that stopped, and no reports at all -------------------- */

static void
silent_reporters(struct json_object *model, struct json_object *list)
{
	struct json_object *reps = mval_array(model, "reporters");
	size_t i, n = reps ? json_object_array_length(reps) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(reps, i), *o, *s;

		if (!json_object_object_get_ex(r, "silent", &s) || !json_object_get_boolean(s))
			continue;
		o = insight_new(list, "silent-reporter", "warning", NULL,
		    mval_str(r, "last_seen"), mval_str(r, "last_seen"));
		insight_text(o, "title", "%s has sent no report for %lld day%s (allowed gap: %lld)",
		    mval_str(r, "name"), mval_int(r, "silent_days"),
		    mval_int(r, "silent_days") == 1 ? "" : "s", mval_int(r, "allowed_gap_days"));
		if (mval_double(r, "cadence_days") > 0)
			insight_evidence(o, "last report %s; first seen %s; usually every %.1f "
			    "days", mval_str(r, "last_seen"), mval_str(r, "first_seen"),
			    mval_double(r, "cadence_days"));
		else
			insight_evidence(o, "last report %s; first seen %s; too few reports for "
			    "a usual gap", mval_str(r, "last_seen"), mval_str(r, "first_seen"));
		insight_text(o, "fix", "Check that its reports still reach the rua address (spam "
		    "folder, filters, a full mailbox), and that the _smtp._tls record is unchanged "
		    "(tlsrpt check --domain DOMAIN). A reporter only sends after delivering mail "
		    "to you, and may stop on its own.");
	}
}

static const char *const checklist =
	"Few providers send TLS-RPT (Google, Microsoft, Comcast, Mail.ru, "
	"Mimecast), and only after they delivered mail to you. Check the record with "
	"`tlsrpt check --domain DOMAIN` (_smtp._tls.DOMAIN TXT \"v=TLSRPTv1; rua=mailto:...\"), "
	"look in the spam folder of the rua mailbox, and allow 24-72 hours after publishing.";

/*
 * The period has no report: say why as far as the store knows (reports
 * outside the period, unverified ones hidden) before the checklist.
 */
static void
no_reports(struct json_object *model, struct json_object *o)
{
	struct json_object *store = model_get(model, "store");
	long long all = mval_int(store, "reports");
	long long hidden = mval_int(model_get(model, "totals"), "unverified_hidden");

	if (hidden > 0) {
		insight_text(o, "title", "no verified report in this period; %lld unverified "
		    "report%s hidden", hidden, hidden == 1 ? "" : "s");
		insight_text(o, "fix", "Reports whose DKIM signature could not be verified "
		    "are left out; --include-unverified shows them.");
	} else if (all > 0) {
		insight_text(o, "title", "no reports in this period; the store holds %lld "
		    "report%s from %s to %s", all, all == 1 ? "" : "s",
		    mval_str(store, "first_date"), mval_str(store, "last_date"));
		insight_text(o, "fix", "Choose a period that covers them: --since %s "
		    "(or --days N for the last N days before --until).",
		    mval_str(store, "first_date"));
	} else {
		insight_text(o, "title", "no reports in this period");
		insight_text(o, "fix", "No reports yet. %s", checklist);
	}
}

/*
 * The result types the detectors read: their cells are kept for them, and
 * only their episodes can merge into a detector's insight.
 */
static const char *const detector_types[] = { "tlsa-invalid", "certificate-expired",
    "certificate-host-mismatch", "sts-policy-fetch-error", "sts-webpki-invalid", NULL };

int
report_insight_type(const char *rt)
{
	size_t i;

	for (i = 0; detector_types[i] != NULL; i++)
		if (strcmp(rt, detector_types[i]) == 0)
			return 1;
	return 0;
}


/* An insight with its sort keys read once: a sort compares them often. */
struct ranked {
	struct json_object *o;
	struct insight_rank k;
};

/* insight_order() over the keys read once. */
static int
by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return insight_rank_cmp(&x->k, &y->k);
}

/*
 * The left-out summary (doc/report-json.md), counted in C: tens of
 * thousands of insights can be left out of one report.  Its keys in the
 * order of that document, a count only when not 0.
 */
enum { LO_CRITICAL, LO_WARNING, LO_INFO, LO_ONGOING_CRITICAL, LO_ONGOING_WARNING, LO_N };

static const char *const lo_key[LO_N] = { "critical", "warning", "info",
    "ongoing_critical", "ongoing_warning" };

struct left_out {
	long long count, ongoing, n[LO_N];
	struct json_object *domains[2];	/* resolved, ongoing: sets */
	char last[2][256];		/* the domain added last to each */
};

/* Count an insight of SEV on domain D into LO. */
static void
leave_out(struct left_out *lo, const char *sev, const char *d, int ongoing)
{
	int k = strcmp(sev, "critical") == 0 ? LO_CRITICAL :
	    strcmp(sev, "warning") == 0 ? LO_WARNING : LO_INFO;

	lo->count++;
	lo->ongoing += ongoing != 0;
	lo->n[k]++;
	if (ongoing && k != LO_INFO)
		lo->n[k == LO_CRITICAL ? LO_ONGOING_CRITICAL : LO_ONGOING_WARNING]++;
	/* The domains they name, by status: a domain set grows with domains only. */
	ongoing = ongoing != 0;
	if (d[0] != '\0' && strcmp(lo->last[ongoing], d) != 0) {
		if (lo->domains[ongoing] == NULL)
			lo->domains[ongoing] = json_object_new_object();
		json_object_object_add(lo->domains[ongoing], d, NULL);
		/* Insights come a domain at a time: most repeat the last one. */
		snprintf(lo->last[ongoing], sizeof(lo->last[ongoing]), "%s",
		    strlen(d) < sizeof(lo->last[ongoing]) ? d : "");
	}
}

/* LO as the model's "insights_left_out", or NULL when nothing was left out. */
static struct json_object *
left_out_json(struct left_out *lo)
{
	struct json_object *o;
	int i;

	if (lo->count == 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int64(lo->count));
	json_object_object_add(o, "ongoing", json_object_new_int64(lo->ongoing));
	for (i = 0; i < LO_N; i++)
		if (lo->n[i] > 0)
			json_object_object_add(o, lo_key[i], json_object_new_int64(lo->n[i]));
	json_object_object_add(o, "ongoing_domains", model_keys_array(lo->domains[1]));
	json_object_object_add(o, "resolved_domains", model_keys_array(lo->domains[0]));
	return o;
}

static void
left_out_free(struct left_out *lo)
{
	json_object_put(lo->domains[0]);
	json_object_put(lo->domains[1]);
}

/* The keys of insight O, read. */
static void
rank_keys(struct ranked *r, struct json_object *o)
{
	r->o = o;
	insight_rank_read(&r->k, o);
}

/*
 * The keys of the insights a cut kept (the head of the next list): they
 * no longer change, so the next cut need not read them again.
 */
struct rank_cache {
	struct ranked *r;
	size_t n;
};

/*
 * Every stub of STUBS into the left-out summary LO, STUBS emptied: a stub
 * ranks after KEEP insights of the list (those of the floor or the cap it
 * was stubbed by, or better ones), so it is never kept, and nothing but
 * its own domain's spikes reads it.
 */
static void
stubs_out(struct episode_stubs *stubs, struct left_out *lo)
{
	size_t i;

	for (i = 0; i < stubs->n; i++)
		leave_out(lo, stubs->v[i].severity, stubs->v[i].domain, stubs->v[i].ongoing);
	episode_stubs_clear(stubs);
}

/*
 * LIST in the order of by_rank, as a new array (LIST is released); past
 * the first KEEP, every insight but a silent reporter or "no reports"
 * goes into the left-out summary LO instead, and so does every stub of
 * STUBS, unsorted (stubs_out()).  RC holds the keys of LIST's head, and
 * then of the new array.
 */
static struct json_object *
ranked(struct json_object *list, struct episode_stubs *stubs, size_t keep,
    struct left_out *lo, struct rank_cache *rc)
{
	size_t i, n = json_object_array_length(list), kept = 0;
	struct ranked *r = calloc(n + 1, sizeof(*r)), *kr;
	struct json_object *out;

	if (r == NULL)
		return list;
	stubs_out(stubs, lo);
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(list, i);

		if (i < rc->n && rc->r[i].o == o) {
			r[i] = rc->r[i];
			continue;
		}
		rank_keys(&r[i], o);
	}
	qsort(r, n, sizeof(*r), by_rank);
	out = json_object_new_array_ext((int)(keep < n ? keep + 1 : n + 1));
	free(rc->r);
	rc->n = 0;
	rc->r = kr = malloc(sizeof(*kr) * (keep < n ? keep + 1 : n + 1));
	for (i = 0; i < n; i++) {
		const char *kind = kept < keep ? NULL : mval_str(r[i].o, "kind");

		if (kind == NULL || strcmp(kind, "silent-reporter") == 0 ||
		    strcmp(kind, "no-reports") == 0) {
			json_object_array_add(out, json_object_get(r[i].o));
			if (kr != NULL && rc->n == kept && kept < keep)
				kr[rc->n++] = r[i];
			kept++;
		} else
			leave_out(lo, mval_str(r[i].o, "severity"), mval_str(r[i].o, "domain"),
			    strcmp(mval_str(r[i].o, "status"), "ongoing") == 0);
	}
	free(r);
	json_object_put(list);
	return out;
}

/* Every insight gets the episode keys; those without an episode their defaults. */
static void
complete(const struct dindex *ix, struct json_object *model, struct json_object *o)
{
	const char *kind = mval_str(o, "kind");

	if (model_get(o, "status") == NULL) {
		const char *d = model_str(o, "domain"), *last = model_str(o, "last_date");
		char buf[REPORT_DAILY_DATE_SIZE];
		/* report_episode_status(), with the domain's last day looked up once. */
		const char *st = strcmp(kind, "silent-reporter") == 0 ||
		    strcmp(kind, "no-reports") == 0 ? "ongoing" :
		    d == NULL || last == NULL ? report_episode_status(model, d, last) :
		    strcmp(last, last_report_day(ix, d, buf)) >= 0 ? "ongoing" : "resolved";

		json_object_object_add(o, "status", json_object_new_string(st));
	}
	if (!json_object_object_get_ex(o, "result_type", NULL))
		json_object_object_add(o, "result_type", NULL);
	if (!json_object_object_get_ex(o, "mx_host", NULL))
		json_object_object_add(o, "mx_host", NULL);
	if (model_get(o, "reporters") == NULL)
		json_object_object_add(o, "reporters", json_object_new_array());
	if (model_get(o, "failed_sessions") == NULL)
		json_object_object_add(o, "failed_sessions", json_object_new_int64(0));
	json_object_object_del(o, "_severity");
	insight_evidence_end(o);
}

/* Complete the insights of LIST from index FROM on. */
static void
complete_from(const struct dindex *ix, struct json_object *model, struct json_object *list,
    size_t from)
{
	size_t i;

	for (i = from; i < json_object_array_length(list); i++)
		complete(ix, model, json_object_array_get_idx(list, i));
}

/*
 * The spikes of DOMAIN, after the insights of LIST from FIRST on and the
 * stubs of STUBS from S0 on (its own).
 */
static void
domain_spikes(const struct dindex *ix, struct json_object *list, size_t first,
    const struct episode_stubs *stubs, size_t s0, const struct report_episode_data *ed,
    const char *domain)
{
	struct json_object *dom = domain_entry(ix, domain);
	struct own own;

	if (dom == NULL)
		return;
	own.list = list;
	own.first = first;
	own.end = json_object_array_length(list);
	own.st = stubs->v != NULL ? stubs->v + s0 : NULL;
	own.nst = own.st != NULL ? stubs->n - s0 : 0;
	rate_spikes(list, &own, dom, model_get(ed->before, domain));
}

static int
by_episode_rank(const void *a, const void *b)
{
	const struct episode_rank *x = a, *y = b;

	if (x->resolved != y->resolved)
		return x->resolved - y->resolved;
	if (x->severity != y->severity)
		return x->severity - y->severity;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;	/* the most recent first */
	if (x->first != y->first)
		return x->first > y->first ? -1 : 1;
	return strcmp(x->domain, y->domain);
}

/*
 * The cap for report_episodes(), over every domain before any insight is
 * built: the INSIGHT_MAX-th rank of the episodes that will be entries of
 * their own whatever the detectors find.  What ranks strictly after it
 * has INSIGHT_MAX entries before it and is left out, so it need only be
 * stubbed.  The floor of the list as it grows only gets there domain by
 * domain, and meanwhile builds thousands of insights to cut them.  0
 * with the cap in *CAP (its dates in LAST and FIRST), 1 when there are
 * too few such episodes for one, -1 when out of memory.
 */
static int
episode_cap(const struct dindex *ix, struct json_object *model,
    const struct report_episode_data *ed, struct insight_rank *cap,
    char last[REPORT_DAILY_DATE_SIZE], char first[REPORT_DAILY_DATE_SIZE],
    const struct report_options *opt)
{
	struct episode_ranks r = { NULL, 0, 0 };
	const struct episode_rank *e;
	struct report_ahead *ahead = report_ahead_start(ed->cells, 0);
	struct report_episode_data mine = *ed;
	struct report_ep_domain cells;
	size_t k;

	for (k = 0; k < report_cells_domains(ed->cells); k++) {
		if (ahead != NULL) {
			if (report_ahead_get(ahead, k, &cells, NULL) < 0)
				break;
			mine.gathered = &cells;
		}
		if (report_episode_ranks(model, &mine, k,
		    domain_entry(ix, report_cells_domain(ed->cells, k)), detector_types, &r) < 0)
			break;
	}
	report_ahead_end(ahead);
	if (k < report_cells_domains(ed->cells)) {
		episode_ranks_free(&r);
		return -1;
	}
	if (r.n < INSIGHT_MAX) {
		episode_ranks_free(&r);
		return 1;
	}
	qsort(r.v, r.n, sizeof(*r.v), by_episode_rank);
	e = &r.v[INSIGHT_MAX - 1];
	report_date((time_t)bucket_last(opt, e->last) * REPORT_DAY, last, REPORT_DAILY_DATE_SIZE);
	report_date((time_t)e->first * REPORT_DAY, first, REPORT_DAILY_DATE_SIZE);
	*cap = (struct insight_rank){ e->resolved, e->severity, last, first, e->domain, NULL };
	episode_ranks_free(&r);
	return 0;
}

int
report_insights(struct json_object *model, const struct report_episode_data *ed,
    struct json_object *inconsistent, struct json_object *extra,
    const struct report_options *opt)
{
	struct json_object *list = json_object_new_array(), *doms, *done, *left;
	struct left_out lo;
	struct json_object *floor = NULL;
	struct episode_stubs stubs = { NULL, 0, 0 };
	struct dindex ix;
	struct rank_cache rc = { NULL, 0 };
	struct insight_rank cap;
	char cap_last[REPORT_DAILY_DATE_SIZE], cap_first[REPORT_DAILY_DATE_SIZE];
	struct report_ahead *ahead = NULL;
	struct report_episode_data mine = *ed;
	struct report_ep_domain cells;
	size_t i, n, k;
	int capped;
	/* The spikes' baseline and the bursts are a day's: only by day. */
	enum report_grain grain = report_grain(opt);

	dindex_load(&ix, model);
	memset(&lo, 0, sizeof(lo));
	done = json_object_new_object();
	if ((capped = episode_cap(&ix, model, ed, &cap, cap_last, cap_first,
	    opt)) < 0)
		goto fail;
	ahead = report_ahead_start(ed->cells, 1);
	/*
	 * A domain at a time, so that the list can be cut as it grows: the
	 * detectors over the domain's insight cells, then every failure as
	 * episodes the detectors refine, then the spikes none of them covers.
	 */
	for (k = 0; k < report_cells_domains(ed->cells); k++) {
		const char *domain = report_cells_domain(ed->cells, k);
		struct json_object *detected = NULL;
		struct report_in_domain v;
		size_t first = json_object_array_length(list), s0 = stubs.n;
		const struct report_in_type *t;

		if (ahead != NULL) {
			if (report_ahead_get(ahead, k, &cells, &v) < 0)
				goto fail;
			mine.gathered = &cells;
		} else if (report_cells_insight(ed->cells, k, &v) < 0)
			goto fail;
		if ((t = in_type(ed->cells, &v, "tlsa-invalid")) != NULL &&
		    tlsa_rollover(&ix, list, domain, ed->cells, &v, t, opt) < 0)
			goto fail;
		if ((t = in_type(ed->cells, &v, "certificate-expired")) != NULL &&
		    mx_certificate(&ix, list, domain, "certificate-expired", ed->cells, &v, t,
		    opt) < 0)
			goto fail;
		if ((t = in_type(ed->cells, &v, "certificate-host-mismatch")) != NULL &&
		    mx_certificate(&ix, list, domain, "certificate-host-mismatch", ed->cells, &v,
		    t, opt) < 0)
			goto fail;
		/* Several reporters in a week or a month are not an outage. */
		if (grain == REPORT_GRAIN_DAY &&
		    (t = in_type(ed->cells, &v, "sts-policy-fetch-error")) != NULL)
			sts_outage(list, domain, "sts-policy-fetch-error", ed->cells, &v, t);
		if (grain == REPORT_GRAIN_DAY &&
		    (t = in_type(ed->cells, &v, "sts-webpki-invalid")) != NULL)
			sts_outage(list, domain, "sts-webpki-invalid", ed->cells, &v, t);
		for (i = first; i < json_object_array_length(list); i++) {
			if (detected == NULL)
				detected = json_object_new_array();
			json_object_array_add(detected,
			    json_object_get(json_object_array_get_idx(list, i)));
		}
		if (report_episodes(model, &mine, k, domain_entry(&ix, domain), detected, floor,
		    capped == 0 ? &cap : NULL, &stubs, list) < 0) {
			json_object_put(detected);
			goto fail;
		}
		json_object_put(detected);
		if (grain == REPORT_GRAIN_DAY)
			domain_spikes(&ix, list, first, &stubs, s0, ed, domain);
		json_object_object_add(done, domain, NULL);
		complete_from(&ix, model, list, first);
		/* The domain's stubs served its spikes: count them out. */
		stubs_out(&stubs, &lo);
		/* Twice the cap before cutting: a sort per domain would cost. */
		if (json_object_array_length(list) > 2 * INSIGHT_MAX) {
			list = ranked(list, &stubs, INSIGHT_MAX, &lo, &rc);
			/* The last kept: what ranks after it can never be kept. */
			json_object_put(floor);
			floor = json_object_array_length(list) == INSIGHT_MAX ?	/* else no memory */
			    json_object_get(json_object_array_get_idx(list, INSIGHT_MAX - 1)) : NULL;
		}
	}
	report_ahead_end(ahead);
	ahead = NULL;
	json_object_put(floor);
	/* The spikes of the domains without failure details. */
	doms = mval_array(model, "domains");
	n = doms ? json_object_array_length(doms) : 0;
	for (i = 0; i < n; i++) {
		const char *domain = mval_str(json_object_array_get_idx(doms, i), "domain");
		size_t first = json_object_array_length(list);

		if (grain != REPORT_GRAIN_DAY || json_object_object_get_ex(done, domain, NULL))
			continue;
		domain_spikes(&ix, list, first, &stubs, stubs.n, ed, domain);
		complete_from(&ix, model, list, first);
	}
	json_object_put(done);
	k = json_object_array_length(list);
	inconsistent_reports(list, inconsistent);
	silent_reporters(model, list);
	if (mval_int(model_get(model, "totals"), "reports") == 0) {
		struct json_object *o = insight_new(list, "no-reports", "warning", NULL, NULL,
		    NULL);

		no_reports(model, o);
	}
	for (i = 0; extra != NULL && i < json_object_array_length(extra); i++)
		json_object_array_add(list, json_object_get(json_object_array_get_idx(extra, i)));
	complete_from(&ix, model, list, k);
	list = ranked(list, &stubs, INSIGHT_MAX, &lo, &rc);
	episode_stubs_free(&stubs);
	json_object_object_add(model, "insights", list);
	if ((left = left_out_json(&lo)) != NULL)
		json_object_object_add(model, "insights_left_out", left);
	left_out_free(&lo);
	for (i = 0; i < n; i++)
		json_object_object_del(json_object_array_get_idx(doms, i), "_mx_known");
	dindex_free(&ix);
	free(rc.r);
	return 0;
fail:
	report_ahead_end(ahead);
	dindex_free(&ix);
	free(rc.r);
	json_object_put(list);
	left_out_free(&lo);
	json_object_put(done);
	json_object_put(floor);
	episode_stubs_free(&stubs);
	return -1;
}
