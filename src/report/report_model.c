/*
 * report_model.c - read the store once and aggregate it into the model
 * of doc/report-json.md.  See report_model.h.
 *
 * Rows arrive reports first, then policies, then failure details, in
 * their reports' order (store.h), so a policy finds its report and a
 * failure detail its policy next to the last one found, or by binary
 * search in arrays kept here.  Policies and failure details add to
 * counters keyed by interned strings (report_tally.h), replayed once
 * into json-c aggregates keyed by name, which become the
 * sorted arrays of the model at the end; the failure details also feed
 * the per-day cells of the episodes (report_cells.h).  The failure
 * details' sums and cells are added in a second thread (relay.h) while
 * the rows come in: it takes a quarter of the rows' work off the first.
 */
#include "report_model.h"
#include "array_grow.h"
#include "report_cells.h"
#include "relay.h"
#include "report_daily.h"
#include "report_episodes.h"
#include "report_insights.h"
#include "report_probes.h"
#include "report_tally.h"
#include "report_trust.h"
#include "result_types.h"
#include "errbuf.h"
#include "rfc3339.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A report of the period, and below a policy: one each per row read, so
 * kept small, their strings interned but for the report's own id.
 */
struct rep {
	long long id;
	int32_t day;			/* days since the epoch of its start */
	int32_t bucket;			/* the first day of its grain's bucket */
	uint32_t org_id;		/* the reporter: who signed it (report_trust.h) */
	uint32_t claim_id;		/* its organization-name */
	char *report_id;
	uint32_t n_details;		/* failure rows seen, up to past the cap */
	int excluded;			/* implausible counts: left out */
};

struct pol {
	long long id;
	long long failed;		/* its summary's failed sessions */
	long long detail_sum;		/* its failure details' sessions */
	uint32_t rep;			/* index into reps */
	uint32_t dom;			/* its domain, lower-cased, "(none)" when absent */
	uint32_t n_details;		/* rows seen, up to past the cap */
	int enforce;			/* tlsa, or sts in mode enforce */
};

/* A day of a domain, for its daily series. */
struct dom_day {
	const char *domain;
	long day;
	long long ok, failed;
};

/* A report before the period, for the baseline: its id and day. */
struct pre_rep {
	long long id;
	long day;
};

struct agg {
	const struct report_options *opt;
	enum report_grain grain;	/* report_grain(opt) */
	struct rep *reps;
	size_t n_reps, cap_reps;
	struct pol *pols;
	size_t n_pols, cap_pols;
	size_t rep_hint, pol_hint;	/* find_rep(), find_pol() */
	int pols_checked;		/* find_pol(): sorted by id */
	int oom;
	struct tally *t;		/* the failure details' and history's sums */
	/*
	 * Per string id of T, what a non-folded failure detail named: its
	 * result type gets a reason_codes key, its MX host a receiving_ips
	 * key (S_*).  An array, not tally entries: every row sets them.
	 */
	uint8_t *sflag;
	size_t cap_sflag;
	struct json_object *domains, *result_types, *failures, *mx_hosts,
	    *mtas, *reporters, *history;
	/* The daily series (report_daily.h): the top-level one, built by
	 * replay(), and each domain's days, sorted by build_domains(). */
	struct report_daily *daily;
	struct dom_day *dom_days;
	size_t n_dom_days;
	struct json_object *contacts;	/* reporter -> its last contact-info */
	struct json_object *claims;	/* reporter -> {organization-name: reports} */
	struct json_object *trust;	/* insights of report_trust.h */
	size_t n_excluded;
	/* For the episodes and the insights (report_cells.h). */
	struct report_cells *cells;
	/*
	 * The failure details' sums: FT, keyed by T's string ids, and CELLS
	 * are filled by FRELAY's thread (apply_failure()) while the rows
	 * come in.  FT's entries come after T's first FT_AT in creation order.
	 */
	struct relay *frelay;
	struct tally *ft;
	size_t ft_at;
	/* The period's report days per domain and reporter (report_episodes.h). */
	struct report_domain_reps *repdays;
	size_t n_repdays, n_repslots;
	struct report_rep_days *repslots;
	struct report_rep_day *repday;
	struct json_object *before;	/* domain -> day -> sessions, before the period */
	struct pre_rep *pre;
	size_t n_pre, cap_pre;
	long long n_unverified;		/* reports the filter hid */
	long long n_all;		/* reports in the store, when the period has none */
	long all_first, all_last;
};

/* ---- small json-c helpers --------------------------------------------- */

static void
add_int(struct json_object *obj, const char *key, long long n)
{
	struct json_object *o;

	if (json_object_object_get_ex(obj, key, &o))
		json_object_set_int64(o, json_object_get_int64(o) + n);
	else
		json_object_object_add(obj, key, json_object_new_int64(n));
}

static void
set_add(struct json_object *set, const char *key)
{
	if (key != NULL && key[0] != '\0' && !json_object_object_get_ex(set, key, NULL))
		json_object_object_add(set, key, json_object_new_boolean(1));
}

/* ---- days ---------------------------------------------------------------- */

static void
day_name(long day, char *buf, size_t size)
{
	report_date((time_t)day * REPORT_DAY, buf, size);
}

static long
day_of(time_t t)
{
	return (long)(t >= 0 ? t / REPORT_DAY : -((-t + REPORT_DAY - 1) / REPORT_DAY));
}

/* ---- collecting ---------------------------------------------------------- */

static char *
lower_dup(const char *s, const char *absent)
{
	char *d, *p;
	size_t n;

	if (s == NULL || s[0] == '\0')
		s = absent;
	if ((d = strdup(s)) == NULL)
		return NULL;
	for (p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* "mx.example.com." and "mx.example.com" are one host. */
	if ((n = strlen(d)) > 1 && d[n - 1] == '.')
		d[n - 1] = '\0';
	return d;
}

static int
on_report(void *ctx, const struct store_report_row *row)
{
	struct agg *a = ctx;
	struct rep *r;
	const char *org, *claim;
	char *who;
	void *v;

	if (a->n_reps >= UINT32_MAX)
		return a->oom = 1;
	if ((v = array_grow(a->reps, &a->cap_reps, a->n_reps + 1, sizeof(*a->reps))) == NULL)
		return a->oom = 1;
	a->reps = v;
	r = &a->reps[a->n_reps];
	memset(r, 0, sizeof(*r));
	r->id = row->id;
	r->day = (int32_t)day_of(row->start);
	r->bucket = (int32_t)report_bucket(a->grain, day_of(a->opt->since), r->day);
	who = report_trust_reporter(row->verified, row->dkim_domain);
	r->org_id = who != NULL ? tally_str(a->t, who) : 0;
	free(who);
	r->claim_id = tally_str(a->t, row->organization_name ? row->organization_name :
	    "(unnamed)");
	r->report_id = strdup(row->report_id ? row->report_id : "");
	if (r->org_id == 0 || r->claim_id == 0 || r->report_id == NULL) {
		free(r->report_id);
		return a->oom = 1;
	}
	a->n_reps++;
	org = tally_name(a->t, r->org_id);
	claim = tally_name(a->t, r->claim_id);
	add_int(mval_child(a->claims, org), claim, 1);
	if (row->verified && row->dkim_domain != NULL)
		report_trust_check_claim(a->trust, org, claim, r->report_id, row->start);
	if (report_trust_implausible(a->trust, org, claim, r->report_id,
	    row->start, row->end, row->successful, row->failed)) {
		r->excluded = 1;
		a->n_excluded++;
	}
	return 0;
}

/*
 * The index of the row with ID in ROWS (N of them, each SIZE bytes, an id
 * first), or -1.  Child rows come in their parents' order, so the row
 * after the last one found (*HINT) is nearly always it; otherwise ROWS
 * are sorted by id.
 */
static long
find_row(const void *rows, size_t n, size_t size, long long id, size_t *hint)
{
	const char *base = rows;
	size_t lo = 0, hi = n, i;

#define ROW_ID(i)	(*(const long long *)(const void *)(base + (i) * size))
	for (i = *hint; i < n && i <= *hint + 1; i++)
		if (ROW_ID(i) == id)
			return (long)(*hint = i);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ROW_ID(mid) == id)
			return (long)(*hint = mid);
		if (ROW_ID(mid) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
#undef ROW_ID
	return -1;
}

static long
find_rep(struct agg *a, long long id)
{
	return find_row(a->reps, a->n_reps, sizeof(*a->reps), id, &a->rep_hint);
}

static int
by_pol_id(const void *x, const void *y)
{
	const struct pol *p = x, *q = y;

	return p->id < q->id ? -1 : p->id > q->id;
}

static long
find_pol(struct agg *a, long long id)
{
	size_t i;

	/*
	 * Once, before the first detail: a store whose policy ids do not
	 * follow its reports' (none this program writes) is sorted here.
	 */
	if (!a->pols_checked) {
		a->pols_checked = 1;
		for (i = 1; i < a->n_pols; i++)
			if (a->pols[i - 1].id > a->pols[i].id) {
				qsort(a->pols, a->n_pols, sizeof(*a->pols), by_pol_id);
				break;
			}
	}
	return find_row(a->pols, a->n_pols, sizeof(*a->pols), id, &a->pol_hint);
}

/*
 * What a policy or a failure detail adds, as tally entries
 * (report_tally.h).  Each row touches its entries in the order the JSON
 * keys they stand for were first created when rows went straight into
 * json-c, and replay() walks them in creation order: the model's objects
 * get the same keys in the same order, with the same sums.
 */
enum {
	/*
	 * From the failure details.  K_MXF and K_MTA_RT hold the finest sums
	 * of their views; replay() derives the coarser ones (result_types,
	 * failures[], mx_hosts[], sending_mtas[]) from them, so a row costs
	 * a few lookups rather than one per view.
	 */
	K_MXF = 1,		/* (domain, host, rt): domains[].mx_failures */
	K_FAIL_RC,		/* (rt, code) */
	K_MX_IP,		/* (host, ip) */
	K_MTA_RT,		/* (ip, reporter, rt): sending_mtas[ip] */
	K_DAILY_RT,		/* (day, domain, rt): daily[day, domain].result_types */
	K_RP_RT,		/* (domain, reporter, rt): domains[].reporters[].result_types */
	K_HIST,			/* (reporter): reports in the period */
	K_HIST_DAY,		/* (reporter, day): report days */
	/* From the policies; sums are v successful, x failed. */
	K_D_REPORTS,		/* (domain): v reports; x the last one's id */
	K_D,			/* (domain) */
	K_D_TYPE,		/* (domain, policy type) */
	K_D_DAY,		/* (domain, day) */
	K_D_MXSET,		/* (domain): _mx_known created */
	K_D_MXJSON,		/* (domain, MX list text): parsed already */
	K_D_MX,			/* (domain, host): in a policy's MX list */
	K_D_RP,			/* (domain, reporter); y reports */
	K_D_RP_LAST,		/* (domain, reporter): x the last report's id, y its rank */
	K_DAILY,		/* (day, domain) */
	K_REPORTER,		/* (reporter) */
	K_REPDAY		/* (domain, reporter, day) */
};

/* MX lists up to this long are parsed once per domain and text. */
#define MX_LIST_KEY_MAX	1024

/* Add N to entry (KIND, A, B, C) of T; 0, or -1 when out of memory. */
static int
add_to(struct tally *t, unsigned kind, uint32_t x, uint32_t y, uint32_t z,
    long long n)
{
	struct tally_entry *e = tally_get(t, kind, x, y, z, NULL);

	if (e == NULL)
		return -1;
	e->v += n;
	return 0;
}

/* add_to() the model's tally. */
static int
tally_add(struct agg *a, unsigned kind, uint32_t x, uint32_t y, uint32_t z,
    long long n)
{
	return add_to(a->t, kind, x, y, z, n);
}

/* Add OK to the entry's sum and FAILED to its x. */
static int
tally_add2(struct agg *a, unsigned kind, uint32_t x, uint32_t y, uint32_t z,
    long long ok, long long failed)
{
	struct tally_entry *e = tally_get(a->t, kind, x, y, z, NULL);

	if (e == NULL)
		return -1;
	e->v += ok;
	e->x += failed;
	return 0;
}

/* The policy's MX hosts (not the wildcard patterns) into DOM's known set. */
static int
known_mx(struct agg *a, uint32_t dom, const char *json)
{
	struct json_object *arr;
	size_t i, n;
	int bad = 0;

	if (json == NULL || (arr = json_tokener_parse(json)) == NULL)
		return 0;
	n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		const char *h = json_object_get_string(json_object_array_get_idx(arr, i));
		uint32_t id;

		if (h == NULL || strchr(h, '*') != NULL)
			continue;
		if (strncmp(h, "mx: ", 4) == 0)	/* seen in one real report */
			h += 4;
		if (h[0] == '\0')
			continue;
		if ((id = tally_lower(a->t, h, "")) == 0 ||
		    tally_add(a, K_D_MX, dom, id, 0, 0) < 0)
			bad = -1;
	}
	json_object_put(arr);
	return bad;
}

/* Does a policy-string array (JSON text) say "mode: enforce"? */
static int
sts_enforce(const char *strings)
{
	const char *p = strings;

	if (p == NULL)
		return 0;
	while ((p = strstr(p, "mode:")) != NULL) {
		p += 5;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "enforce", 7) == 0)
			return 1;
	}
	return 0;
}

static int
on_policy(void *ctx, const struct store_policy_row *row)
{
	struct agg *a = ctx;
	struct tally_entry *e;
	long ri = find_rep(a, row->report);
	struct pol *p;
	struct rep *r;
	char *domain;
	uint32_t dom, org, day, type, mxj = 0;
	long long ok = row->successful, failed = row->failed;
	int created, bad = 0;
	void *v;

	if (ri < 0 || a->reps[ri].excluded)
		return 0;	/* cannot happen: same snapshot; or left out */
	r = &a->reps[ri];
	if ((v = array_grow(a->pols, &a->cap_pols, a->n_pols + 1, sizeof(*a->pols))) == NULL)
		return a->oom = 1;
	a->pols = v;
	p = &a->pols[a->n_pols];
	memset(p, 0, sizeof(*p));
	p->id = row->id;
	p->rep = (uint32_t)ri;
	p->failed = row->failed;
	p->enforce = row->policy_type != NULL && (strcmp(row->policy_type, "tlsa") == 0 ||
	    (strcmp(row->policy_type, "sts") == 0 && sts_enforce(row->policy_strings)));
	if ((domain = lower_dup(row->policy_domain, "(none)")) == NULL)
		return a->oom = 1;
	p->dom = tally_str(a->t, domain);
	free(domain);
	if (p->dom == 0)
		return a->oom = 1;
	a->n_pols++;
	dom = p->dom;
	org = r->org_id;
	day = (uint32_t)r->bucket;
	type = tally_str(a->t, row->policy_type != NULL ? row->policy_type : "unknown");
	/* A long list is parsed each time rather than kept as a key. */
	if (type == 0 || (row->mx_hosts != NULL && strlen(row->mx_hosts) <= MX_LIST_KEY_MAX &&
	    (mxj = tally_str(a->t, row->mx_hosts)) == 0))
		return a->oom = 1;

	/* A report counts once per domain, however many policies it has. */
	if ((e = tally_get(a->t, K_D_REPORTS, dom, 0, 0, &created)) == NULL)
		return a->oom = 1;
	if (created || e->x != r->id) {
		e->v++;
		e->x = r->id;
	}
	bad |= tally_add2(a, K_D, dom, 0, 0, ok, failed);
	bad |= tally_add2(a, K_D_TYPE, dom, type, 0, ok, failed);
	bad |= tally_add2(a, K_D_DAY, dom, day, 0, ok, failed);
	bad |= tally_add(a, K_D_MXSET, dom, 0, 0, 0);
	/* The policy's MX list is parsed once per domain and text. */
	if (mxj != 0) {
		if (tally_get(a->t, K_D_MXJSON, dom, mxj, 0, &created) == NULL)
			return a->oom = 1;
	} else
		created = 1;
	if (created && known_mx(a, dom, row->mx_hosts) < 0)
		return a->oom = 1;
	if ((e = tally_get(a->t, K_D_RP, dom, org, 0, &created)) == NULL)
		return a->oom = 1;
	e->v += ok;
	e->x += failed;
	if ((e = tally_get(a->t, K_D_RP_LAST, dom, org, 0, &created)) == NULL)
		return a->oom = 1;
	if (created)
		e->y = (long)a->n_repslots++;
	if (created || e->x != r->id) {
		e->x = r->id;
		if ((e = tally_get(a->t, K_D_RP, dom, org, 0, NULL)) == NULL)
			return a->oom = 1;
		e->y++;
	}
	bad |= tally_add2(a, K_DAILY, day, dom, 0, ok, failed);
	bad |= tally_add2(a, K_REPORTER, org, 0, 0, ok, failed);
	bad |= tally_add2(a, K_REPDAY, dom, org, day, ok, failed);
	return bad ? (a->oom = 1) : 0;
}

#define S_RCS		0x1u		/* a result type: reason_codes */
#define S_IPS		0x2u		/* an MX host: receiving_ips */
#define S_TYPED		0x4u		/* a result type: S_INSIGHT is known */
#define S_INSIGHT	0x8u		/* a result type a detector reads */

/* Set FLAG on string ID; 0, or -1 when out of memory. */
static int
set_flag(struct agg *a, uint32_t id, uint8_t flag)
{
	size_t had = a->cap_sflag;
	void *v;

	if (id >= had) {
		if ((v = array_grow(a->sflag, &a->cap_sflag, (size_t)id + 1,
		    sizeof(*a->sflag))) == NULL)
			return -1;
		a->sflag = v;
		memset(a->sflag + had, 0, a->cap_sflag - had);
	}
	a->sflag[id] |= flag;
	return 0;
}

/*
 * Whether result type RT (a string id) is one the detectors read, asked
 * of report_insight_type() once per type: 1, 0, or -1 out of memory.
 */
static int
insight_type(struct agg *a, uint32_t rt)
{
	if (rt >= a->cap_sflag || !(a->sflag[rt] & S_TYPED)) {
		if (set_flag(a, rt, S_TYPED | (report_insight_type(tally_name(a->t, rt)) ?
		    S_INSIGHT : 0)) < 0)
			return -1;
	}
	return (a->sflag[rt] & S_INSIGHT) != 0;
}

/* A failure detail for apply_failure(): string ids of a->t. */
struct frec {
	uint32_t dom, host, rt, code, ip, mta, org, epmx, key;
	int32_t enforced, insight;
	long day;
	long long n;
};

/* add_to() the failure details' own sums, in their thread. */
static int
ftally_add(struct agg *a, unsigned kind, uint32_t x, uint32_t y, uint32_t z,
    long long n)
{
	return add_to(a->ft, kind, x, y, z, n);
}

static int
on_failure(void *ctx, const struct store_failure_row *row)
{
	struct agg *a = ctx;
	struct frec f;
	char key[600];
	long pi = find_pol(a, row->policy);
	const struct pol *p;
	struct rep *r;
	long long n = row->failed;
	uint32_t rt, host, dom, org, ip = 0, mta = 0, code = 0;
	int folded, bad = 0;

	if (pi < 0)
		return 0;
	p = &a->pols[pi];
	r = &a->reps[p->rep];
	a->pols[pi].detail_sum += n;
	/* The counts stop past the caps: all they are asked is whether they passed. */
	if (a->pols[pi].n_details <= STORE_MAX_DETAILS_PER_POLICY)
		a->pols[pi].n_details++;
	dom = p->dom;
	org = r->org_id;
	/*
	 * Rows past the store's cap (stored before it existed, or folded
	 * rows) count by result type only, so that no stored report makes
	 * this work grow with its size.
	 */
	folded = row->folded > 0 || p->n_details > STORE_MAX_DETAILS_PER_POLICY;
	if (!folded) {
		if (r->n_details <= STORE_MAX_DETAILS_PER_REPORT)
			r->n_details++;
		folded = r->n_details > STORE_MAX_DETAILS_PER_REPORT;
	}
	if (folded) {
		char date[16];

		rt = tally_str(a->t, row->result_type != NULL &&
		    result_type_is_known(row->result_type) ? row->result_type :
		    STORE_FOLDED_TYPE);
		host = tally_str(a->t, STORE_FOLDED_TYPE);
		day_name(r->day, date, sizeof(date));
		report_trust_folded(a->trust, tally_name(a->t, r->org_id),
		    tally_name(a->t, r->claim_id), r->report_id, date,
		    row->folded > 0 ? row->folded : 1);
	} else {
		rt = tally_lower(a->t, row->result_type, "(none)");
		if (row->receiving_mx_hostname != NULL && row->receiving_mx_hostname[0] != '\0')
			host = tally_lower(a->t, row->receiving_mx_hostname, "");
		else {
			snprintf(key, sizeof(key), "(not reported%s%s)",
			    row->receiving_ip ? ": " : "",
			    row->receiving_ip ? row->receiving_ip : "");
			host = tally_str(a->t, key);
		}
		if (row->receiving_ip != NULL && row->receiving_ip[0] != '\0')
			ip = tally_str(a->t, row->receiving_ip);
		if (row->sending_mta_ip != NULL && row->sending_mta_ip[0] != '\0')
			mta = tally_str(a->t, row->sending_mta_ip);
		if (row->failure_reason_code != NULL && row->failure_reason_code[0] != '\0')
			code = tally_str(a->t, row->failure_reason_code);
		if ((row->receiving_ip != NULL && row->receiving_ip[0] != '\0' && ip == 0) ||
		    (row->sending_mta_ip != NULL && row->sending_mta_ip[0] != '\0' && mta == 0) ||
		    (row->failure_reason_code != NULL && row->failure_reason_code[0] != '\0' &&
		    code == 0))
			return a->oom = 1;
	}
	if (rt == 0 || host == 0)
		return a->oom = 1;
	if (!folded)
		bad |= set_flag(a, rt, S_RCS) | set_flag(a, host, S_IPS);
	/*
	 * The rest by id, in the failures' thread.  The episode key, and ""
	 * for a row without a host, are interned here, where rows intern.
	 */
	memset(&f, 0, sizeof(f));
	f.dom = dom;
	f.host = host;
	f.rt = rt;
	f.code = code;
	f.ip = ip;
	f.mta = mta;
	f.org = org;
	f.epmx = folded || row->receiving_mx_hostname == NULL ||
	    row->receiving_mx_hostname[0] == '\0' ? tally_str(a->t, "") : host;
	f.key = report_cells_episode_key(a->cells, rt, f.epmx);
	f.enforced = p->enforce != 0;
	if ((f.insight = insight_type(a, rt)) < 0)
		bad = 1;
	f.day = r->bucket;
	f.n = n;
	if (bad || f.epmx == 0 || f.key == 0 || relay_put(a->frelay, &f) < 0)
		a->oom = 1;
	return a->oom;
}

/*
 * A failure detail's sums and cells, in the failures' thread: only FT
 * and CELLS are touched, by the ids on_failure() resolved.
 */
static int
apply_failure(void *ctx, const void *rec)
{
	struct agg *a = ctx;
	struct frec f;
	struct report_cell_row cr;

	memcpy(&f, rec, sizeof(f));
	/* K_MXF first: replay() builds the views it stands for from it. */
	if (ftally_add(a, K_MXF, f.dom, f.host, f.rt, f.n) < 0 ||
	    (f.code != 0 && ftally_add(a, K_FAIL_RC, f.rt, f.code, 0, 0) < 0) ||
	    (f.ip != 0 && ftally_add(a, K_MX_IP, f.host, f.ip, 0, 0) < 0) ||
	    (f.mta != 0 && ftally_add(a, K_MTA_RT, f.mta, f.org, f.rt, f.n) < 0) ||
	    ftally_add(a, K_DAILY_RT, (uint32_t)f.day, f.dom, f.rt, f.n) < 0 ||
	    ftally_add(a, K_RP_RT, f.dom, f.org, f.rt, f.n) < 0)
		return -1;
	/* For the episodes and the insights: the per-day cells, by id alone. */
	memset(&cr, 0, sizeof(cr));
	cr.domain_id = f.dom;
	cr.rt_id = f.rt;
	cr.epmx_id = f.epmx;
	cr.host_id = f.host;
	cr.org_id = f.org;
	cr.ip_id = f.ip;
	cr.key_id = f.key;
	cr.day = f.day;
	cr.n = f.n;
	cr.enforced = f.enforced;
	cr.insight = f.insight;
	return report_cells_add(a->cells, &cr);
}

/* domains[DOMAIN], reporters[ORG] of it: as on_policy made them. */
static struct json_object *
domain_obj(struct agg *a, uint32_t dom)
{
	return mval_child(a->domains, tally_name(a->t, dom));
}

/*
 * The top-level daily series' entries, one per (day, domain), in the
 * order rows made them; each tally entry's y is its index + 1, for the
 * result types.  The domains' days are kept for build_domains().
 */
static int
daily_entries(struct agg *a)
{
	size_t i, n = tally_count(a->t), k = 0;

	if ((a->daily = report_daily_new(1)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		k += tally_at(a->t, i)->kind == K_D_DAY;
	if ((a->dom_days = malloc((k + 1) * sizeof(*a->dom_days))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const struct tally_entry *e = tally_at(a->t, i);
		struct tally_entry *w;
		long idx;

		if (e->kind == K_D_DAY) {
			struct dom_day *d = &a->dom_days[a->n_dom_days++];

			d->domain = tally_name(a->t, e->a);
			d->day = (long)(int32_t)e->b;
			d->ok = e->v;
			d->failed = e->x;
			continue;
		}
		if (e->kind != K_DAILY)
			continue;
		idx = report_daily_add(a->daily, (long)(int32_t)e->a,
		    tally_name(a->t, e->b), e->v, e->x);
		if (idx < 0 || (w = tally_get(a->t, K_DAILY, e->a, e->b, 0, NULL)) == NULL)
			return -1;
		w->y = idx + 1;
	}
	return 0;
}

/* Result type of the tally entry K_DAILY_RT (DAY, DOM, RT) with N sessions. */
static int
daily_type(struct agg *a, uint32_t day, uint32_t dom, uint32_t rt, long long n)
{
	struct tally_entry *w = tally_get(a->t, K_DAILY, day, dom, 0, NULL);
	long idx;

	if (w == NULL)
		return -1;
	/* Every failure's policy came first; should one not have, its day shows. */
	if (w->y == 0) {
		if ((idx = report_daily_add(a->daily, (long)(int32_t)day,
		    tally_name(a->t, dom), 0, 0)) < 0 ||
		    (w = tally_get(a->t, K_DAILY, day, dom, 0, NULL)) == NULL)
			return -1;
		w->y = idx + 1;
	}
	return report_daily_add_type(a->daily, (size_t)(w->y - 1),
	    tally_name(a->t, rt), n);
}

static void
add_sf(struct json_object *o, const struct tally_entry *e)
{
	add_int(o, "successful", e->v);
	add_int(o, "failed", e->x);
}

struct host_ip {
	uint32_t host;
	uint32_t rank;			/* of the IP, by name */
};

/*
 * V's N pairs sorted by host, then rank, as two stable counting sorts
 * (by rank, then by host) through TMP: a qsort() of a year's pairs cost
 * more than the rest of mx_ips().  Hosts are below NS, ranks at most NR.
 * 0, or -1 when out of memory.
 */
static int
sort_host_ip(struct host_ip *v, struct host_ip *tmp, size_t n, size_t ns, size_t nr)
{
	size_t *at = calloc((ns > nr ? ns : nr) + 2, sizeof(*at)), i, sum;

	if (at == NULL)
		return -1;
	for (i = 0; i < n; i++)
		at[v[i].rank + 1]++;
	for (i = 1, sum = 0; i <= nr + 1; i++)
		at[i] = sum += at[i];
	for (i = 0; i < n; i++)
		tmp[at[v[i].rank]++] = v[i];
	memset(at, 0, ((ns > nr ? ns : nr) + 2) * sizeof(*at));
	for (i = 0; i < n; i++)
		at[tmp[i].host + 1]++;
	for (i = 1, sum = 0; i <= ns; i++)
		at[i] = sum += at[i];
	for (i = 0; i < n; i++)
		v[at[tmp[i].host]++] = tmp[i];
	free(at);
	return 0;
}

/* A string id with its string, to sort ids by name. */
struct named_id {
	const char *name;
	uint32_t id;
};

static int
by_id_name(const void *x, const void *y)
{
	return strcmp(((const struct named_id *)x)->name, ((const struct named_id *)y)->name);
}

/*
 * Each MX host's receiving IPs, straight into the sorted array the model
 * shows (build_places() leaves an array as it is): a year can name
 * hundreds of thousands of (host, IP) pairs, and a json-c set of them
 * costs far more.  The pairs name far fewer IPs: those are sorted once,
 * and each is one json-c string shared by every array that holds it.
 */
static int
mx_ips(struct agg *a)
{
	size_t i, k = 0, n = tally_count(a->ft), ns = tally_strings(a->t) + 1, nip = 0;
	uint32_t *rank = calloc(ns, sizeof(*rank));
	struct named_id *ids = NULL;
	struct json_object **str = NULL;
	struct host_ip *v, *tmp = NULL;
	int rc = -1;

	for (i = 0; i < n; i++)
		k += tally_at(a->ft, i)->kind == K_MX_IP;
	v = malloc((k + 1) * sizeof(*v));
	tmp = calloc(k + 1, sizeof(*tmp));	/* every slot written; zeroed for the analyzer */
	if (rank == NULL || v == NULL || tmp == NULL)
		goto fail;
	/* The IPs' ranks (1, 2, ...) by name; RANK first marks those named. */
	for (i = 0; i < n; i++) {
		const struct tally_entry *e = tally_at(a->ft, i);

		if (e->kind == K_MX_IP && e->b < ns && rank[e->b] == 0) {
			rank[e->b] = 1;
			nip++;
		}
	}
	if ((ids = malloc((nip + 1) * sizeof(*ids))) == NULL ||
	    (str = calloc(nip + 1, sizeof(*str))) == NULL)
		goto fail;
	for (i = 0, nip = 0; i < ns; i++)
		if (rank[i] != 0) {
			ids[nip].name = tally_name(a->t, (uint32_t)i);
			ids[nip++].id = (uint32_t)i;
		}
	qsort(ids, nip, sizeof(*ids), by_id_name);
	for (i = 0; i < nip; i++)
		rank[ids[i].id] = (uint32_t)i + 1;
	for (i = 0, k = 0; i < n; i++) {
		const struct tally_entry *e = tally_at(a->ft, i);

		if (e->kind == K_MX_IP && e->b < ns && e->a < ns) {
			v[k].host = e->a;
			v[k++].rank = rank[e->b];
		}
	}
	if (sort_host_ip(v, tmp, k, ns, nip) < 0)
		goto fail;
	for (i = 0; i < k; ) {
		struct json_object *arr = json_object_new_array();
		uint32_t host = v[i].host;

		for (; i < k && v[i].host == host; i++) {
			uint32_t r = v[i].rank - 1;

			if (str[r] == NULL)
				str[r] = json_object_new_string(ids[r].name);
			json_object_array_add(arr, json_object_get(str[r]));
		}
		json_object_object_add(mval_child(a->mx_hosts, tally_name(a->t, host)),
		    "receiving_ips", arr);
	}
	for (i = 0; i < nip; i++)
		json_object_put(str[i]);
	rc = 0;
fail:
	free(str);
	free(ids);
	free(rank);
	free(v);
	free(tmp);
	return rc;
}

/* A report day of a domain and reporter, to be sorted. */
struct rd {
	uint32_t dom;
	long slot;			/* the (domain, reporter)'s rank */
	const char *org;
	struct report_rep_day day;
};

static int
by_slot_day(const void *x, const void *y)
{
	const struct rd *a = x, *b = y;

	if (a->dom != b->dom)
		return a->dom < b->dom ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	return a->day.day < b->day.day ? -1 : a->day.day > b->day.day;
}

static int
by_domain_name(const void *x, const void *y)
{
	return strcmp(((const struct report_domain_reps *)x)->domain,
	    ((const struct report_domain_reps *)y)->domain);
}

/*
 * The report days per domain and reporter as the episodes read them
 * (report_episodes.h): reporters in the order the reports first named
 * them for the domain, days sorted, domains sorted by name.  Strings
 * are the tally's.
 */
static int
rep_days(struct agg *a)
{
	size_t i, k = 0, n = tally_count(a->t), nd = 0, ns = 0;
	struct rd *v;

	for (i = 0; i < n; i++)
		k += tally_at(a->t, i)->kind == K_REPDAY;
	if ((v = malloc((k + 1) * sizeof(*v))) == NULL ||
	    (a->repday = malloc((k + 1) * sizeof(*a->repday))) == NULL ||
	    (a->repslots = malloc((a->n_repslots + 1) * sizeof(*a->repslots))) == NULL ||
	    (a->repdays = malloc((a->n_repslots + 1) * sizeof(*a->repdays))) == NULL) {
		free(v);
		return -1;
	}
	for (i = 0, k = 0; i < n; i++) {
		const struct tally_entry *e = tally_at(a->t, i), *s;
		uint32_t dom = e->a, org = e->b;
		long day = (long)(int32_t)e->c;
		long long ok = e->v, failed = e->x;

		if (e->kind != K_REPDAY)
			continue;
		/* It exists: the same row made both; the lookup creates nothing. */
		if ((s = tally_get(a->t, K_D_RP_LAST, dom, org, 0, NULL)) == NULL) {
			free(v);
			return -1;
		}
		v[k].dom = dom;
		v[k].slot = s->y;
		v[k].org = tally_name(a->t, org);
		v[k].day.day = day;
		v[k].day.ok = ok;
		v[k].day.failed = failed;
		k++;
	}
	qsort(v, k, sizeof(*v), by_slot_day);
	for (i = 0; i < k; i++) {
		struct report_rep_days *r;

		a->repday[i] = v[i].day;
		if (i == 0 || v[i].dom != v[i - 1].dom) {
			a->repdays[nd].domain = tally_name(a->t, v[i].dom);
			a->repdays[nd].reps = &a->repslots[ns];
			a->repdays[nd++].n = 0;
		}
		if (i == 0 || v[i].dom != v[i - 1].dom || v[i].slot != v[i - 1].slot) {
			r = &a->repslots[ns++];
			r->org = v[i].org;
			r->days = &a->repday[i];
			r->n = 0;
			a->repdays[nd - 1].n++;
		}
		a->repslots[ns - 1].n++;
	}
	free(v);
	a->n_repdays = nd;
	qsort(a->repdays, nd, sizeof(*a->repdays), by_domain_name);
	return 0;
}

/*
 * What replay() derives the failure views from, besides K_MXF and the
 * flags of a->sflag: per string id, a result type's first and last day.
 */
struct derive {
	uint8_t *dated;			/* by string id: first, last set */
	long *first, *last;		/* by string id: days */
};

static void
derive_free(struct derive *d)
{
	free(d->dated);
	free(d->first);
	free(d->last);
}

static int
derive_new(struct agg *a, struct derive *d)
{
	size_t i, n = tally_count(a->ft), ns = tally_strings(a->t) + 1;

	d->dated = calloc(ns, sizeof(*d->dated));
	d->first = calloc(ns, sizeof(*d->first));
	d->last = calloc(ns, sizeof(*d->last));
	if (d->dated == NULL || d->first == NULL || d->last == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const struct tally_entry *e = tally_at(a->ft, i);
		long day;

		if (e->kind != K_DAILY_RT)
			continue;
		day = (long)(int32_t)e->a;
		if (!d->dated[e->c] || day < d->first[e->c])
			d->first[e->c] = day;
		if (!d->dated[e->c] || day > d->last[e->c])
			d->last[e->c] = day;
		d->dated[e->c] = 1;
	}
	return 0;
}

/* Flag F of string ID (a->sflag). */
static int
has_flag(const struct agg *a, uint32_t id, uint8_t f)
{
	return id < a->cap_sflag && (a->sflag[id] & f) != 0;
}

/*
 * The views K_MXF (domain, host, rt) stands for: result_types[rt],
 * failures[rt] and mx_hosts[host].  An object's keys are all created
 * with it, in one fixed order, when its first K_MXF entry replays.
 */
static void
failure_views(struct agg *a, const struct tally_entry *e, const struct derive *d)
{
	const char *dom = tally_name(a->t, e->a), *host = tally_name(a->t, e->b),
	    *rt = tally_name(a->t, e->c);
	struct json_object *o;
	char date[16];
	int fresh;

	add_int(a->result_types, rt, e->v);
	fresh = !json_object_object_get_ex(a->failures, rt, NULL);
	o = mval_child(a->failures, rt);
	add_int(o, "failed", e->v);
	set_add(mval_child(o, "domains"), dom);
	set_add(mval_child(o, "mx_hosts"), host);
	if (fresh) {
		if (has_flag(a, e->c, S_RCS))
			mval_child(o, "reason_codes");
		day_name(d->first[e->c], date, sizeof(date));
		json_object_object_add(o, "first_date", json_object_new_string(date));
		day_name(report_bucket_last(a->grain, day_of(a->opt->until), d->last[e->c]),
		    date, sizeof(date));
		json_object_object_add(o, "last_date", json_object_new_string(date));
	}
	fresh = !json_object_object_get_ex(a->mx_hosts, host, NULL);
	o = mval_child(a->mx_hosts, host);
	if (fresh && has_flag(a, e->b, S_IPS))
		mval_child(o, "receiving_ips");
	set_add(mval_child(o, "domains"), dom);
	add_int(o, "failed", e->v);
	add_int(mval_child(o, "result_types"), rt, e->v);
}

/* The tallies into the model's json-c aggregates, in creation order. */
static int
replay(struct agg *a)
{
	size_t i, nf = tally_count(a->ft), n = tally_count(a->t) + nf;
	struct derive dv = { NULL, NULL, NULL };
	char date[16];

	if (daily_entries(a) < 0 || derive_new(a, &dv) < 0) {
		derive_free(&dv);
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* In creation order: the failure details' sums came after FT_AT. */
		const struct tally_entry *e = i < a->ft_at ? tally_at(a->t, i) :
		    i < a->ft_at + nf ? tally_at(a->ft, i - a->ft_at) : tally_at(a->t, i - nf);
		const char *s1 = tally_name(a->t, e->a), *s2 = tally_name(a->t, e->b);
		struct json_object *o, *o2;

		switch (e->kind) {
		case K_MXF:
			failure_views(a, e, &dv);
			o = mval_child(mval_child(domain_obj(a, e->a), "mx_failures"), s2);
			add_int(o, tally_name(a->t, e->c), e->v);
			break;
		case K_FAIL_RC:
			set_add(mval_child(mval_child(a->failures, s1), "reason_codes"), s2);
			break;
		case K_MX_IP:
			break;	/* mx_ips(), sorted at once */
		case K_MTA_RT:
			o = mval_child(a->mtas, s1);
			add_int(o, "failed", e->v);
			set_add(mval_child(o, "reporters"), s2);
			add_int(mval_child(o, "result_types"), tally_name(a->t, e->c), e->v);
			break;
		case K_DAILY_RT:
			if (daily_type(a, e->a, e->b, e->c, e->v) < 0) {
				derive_free(&dv);
				return -1;
			}
			break;
		case K_RP_RT:
			o = mval_child(mval_child(domain_obj(a, e->a), "reporters"), s2);
			add_int(mval_child(o, "result_types"), tally_name(a->t, e->c), e->v);
			break;
		case K_D_REPORTS:
			add_int(domain_obj(a, e->a), "reports", e->v);
			break;
		case K_D:
			add_sf(domain_obj(a, e->a), e);
			break;
		case K_D_TYPE:
			add_sf(mval_child(mval_child(domain_obj(a, e->a), "policy_types"), s2), e);
			break;
		case K_D_DAY:
			/* The key where the model shows the series (build_domains()). */
			mval_child(domain_obj(a, e->a), "daily");
			break;
		case K_D_MXSET:
			mval_child(domain_obj(a, e->a), "_mx_known");
			break;
		case K_D_MX:
			set_add(mval_child(domain_obj(a, e->a), "_mx_known"), s2);
			break;
		case K_D_RP:
			o = mval_child(mval_child(domain_obj(a, e->a), "reporters"), s2);
			add_sf(o, e);
			add_int(o, "reports", e->y);
			break;
		case K_DAILY:
			break;	/* daily_entries() */
		case K_REPORTER:
			add_sf(mval_child(a->reporters, s1), e);
			break;
		case K_REPDAY:
			break;	/* rep_days(), as arrays */
		case K_HIST:
			o = mval_child(a->history, s1);
			mval_child(o, "days");
			if (e->v > 0)
				add_int(o, "reports", e->v);
			if (json_object_object_get_ex(a->contacts, s1, &o2))
				json_object_object_add(o, "contact", json_object_get(o2));
			break;
		case K_HIST_DAY:
			day_name((long)(int32_t)e->b, date, sizeof(date));
			add_int(mval_child(mval_child(a->history, s1), "days"), date, e->v);
			break;
		}
	}
	derive_free(&dv);
	return mx_ips(a) < 0 || rep_days(a) < 0 ? -1 : 0;
}

/* The reporters' history: report days per organization. */
static int
on_history(void *ctx, const struct store_report_row *row)
{
	struct agg *a = ctx;
	struct tally_entry *e;
	struct json_object *c;
	char *who;
	uint32_t org;

	/*
	 * The pass reads unverified reports too: those of the period that
	 * the report hides are counted here, not in a pass of their own.
	 */
	if (!row->verified && !a->opt->include_unverified) {
		if (row->start >= a->opt->since)
			a->n_unverified++;
		return 0;
	}
	who = report_trust_reporter(row->verified, row->dkim_domain);
	org = who != NULL ? tally_str(a->t, who) : 0;
	free(who);
	if (org == 0 || (e = tally_get(a->t, K_HIST, org, 0, 0, NULL)) == NULL)
		return a->oom = 1;
	if (row->start >= a->opt->since)
		e->v++;
	/* The last contact wins; only one a reporter is kept. */
	if (row->contact_info != NULL &&
	    (!json_object_object_get_ex(a->contacts, tally_name(a->t, org), &c) ||
	    strcmp(json_object_get_string(c), row->contact_info) != 0))
		json_object_object_add(a->contacts, tally_name(a->t, org),
		    json_object_new_string(row->contact_info));
	return tally_add(a, K_HIST_DAY, org, (uint32_t)day_of(row->start), 0, 1) < 0 ?
	    (a->oom = 1) : 0;
}

/* Reports before the period: only their day, for the baseline. */
static int
on_pre_report(void *ctx, const struct store_report_row *row)
{
	struct agg *a = ctx;
	void *v;

	if ((v = array_grow(a->pre, &a->cap_pre, a->n_pre + 1, sizeof(*a->pre))) == NULL)
		return a->oom = 1;
	a->pre = v;
	a->pre[a->n_pre].id = row->id;
	a->pre[a->n_pre].day = day_of(row->start);
	a->n_pre++;
	return 0;
}

static int
on_pre_policy(void *ctx, const struct store_policy_row *row)
{
	struct agg *a = ctx;
	size_t lo = 0, hi = a->n_pre;
	struct json_object *day;
	char date[16], *domain;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->pre[mid].id < row->report)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == a->n_pre || a->pre[lo].id != row->report)
		return 0;
	if ((domain = lower_dup(row->policy_domain, "(none)")) == NULL)
		return a->oom = 1;
	day_name(a->pre[lo].day, date, sizeof(date));
	day = mval_child(mval_child(a->before, domain), date);
	add_int(day, "successful", row->successful);
	add_int(day, "failed", row->failed);
	free(domain);
	return 0;
}

/* Reports the period's filter hid: the unverified ones. */
/* Every report in the store, when the period has none: how many, which days. */
static int
on_any_report(void *ctx, const struct store_report_row *row)
{
	struct agg *a = ctx;
	long d = day_of(row->start);

	if (a->n_all == 0 || d < a->all_first)
		a->all_first = d;
	if (a->n_all == 0 || d > a->all_last)
		a->all_last = d;
	a->n_all++;
	return 0;
}

/* ---- the model ----------------------------------------------------------- */

static double
rate(long long ok, long long failed)
{
	return ok + failed > 0 ? (double)failed / (double)(ok + failed) : 0.0;
}

static struct json_object *
new_rate(double r)
{
	/* Four significant decimals: stable text in golden files. */
	char buf[32];

	snprintf(buf, sizeof(buf), "%.4f", r);
	return json_object_new_double_s(r, buf);
}

/* Sort by "failed" descending, then by the string under NAME. */
static const char *sort_name;

static int
by_failed(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a;
	struct json_object *y = *(struct json_object *const *)b;
	long long fx = mval_int(x, "failed"), fy = mval_int(y, "failed");

	if (fx != fy)
		return fx > fy ? -1 : 1;
	return strcmp(mval_str(x, sort_name), mval_str(y, sort_name));
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(mval_str(*(struct json_object *const *)a, sort_name),
	    mval_str(*(struct json_object *const *)b, sort_name));
}

/* A name -> object map as an array of its objects, each given NAME_KEY. */
static struct json_object *
map_array(struct json_object *map, const char *name_key,
    int (*cmp)(const void *, const void *))
{
	struct json_object *arr = json_object_new_array();

	json_object_object_foreach(map, k, v) {
		/* The name first: the JSON reads better. */
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, name_key, json_object_new_string(k));
		json_object_object_foreach(v, vk, vv) {
			if (strcmp(vk, "_last_report") != 0)
				json_object_object_add(e, vk, json_object_get(vv));
		}
		json_object_array_add(arr, e);
	}
	sort_name = name_key;
	json_object_array_sort(arr, cmp);
	return arr;
}

/* A count of a counts object, to sort as by_failed() does. */
struct named_count {
	const char *name;
	long long n;
};

static int
by_count(const void *a, const void *b)
{
	const struct named_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* {name: count} sorted by count descending, then name. */
static struct json_object *
sorted_counts(struct json_object *counts)
{
	size_t n = (size_t)json_object_object_length(counts), k = 0, i;
	struct named_count *v = malloc((n + 1) * sizeof(*v));
	struct json_object *out;

	if (v == NULL)
		return json_object_get(counts);	/* unsorted rather than lost */
	json_object_object_foreach(counts, name, val) {
		v[k].name = name;
		v[k++].n = (long long)json_object_get_int64(val);
	}
	qsort(v, k, sizeof(*v), by_count);
	out = json_object_new_object();
	for (i = 0; i < k; i++)
		json_object_object_add(out, v[i].name, json_object_new_int64(v[i].n));
	free(v);
	return out;
}

static void
replace_counts(struct json_object *obj, const char *key)
{
	struct json_object *o;

	if (json_object_object_get_ex(obj, key, &o))
		json_object_object_add(obj, key, sorted_counts(o));
}

static void
replace_set(struct json_object *obj, const char *key)
{
	struct json_object *o = NULL;

	json_object_object_get_ex(obj, key, &o);
	if (!json_object_is_type(o, json_type_array))	/* else sorted already */
		json_object_object_add(obj, key, model_keys_array(o));
}

static int
by_domain_day(const void *x, const void *y)
{
	const struct dom_day *a = x, *b = y;
	int c = strcmp(a->domain, b->domain);

	if (c != 0)
		return c;
	return a->day < b->day ? -1 : a->day > b->day;
}

/* DOMAIN's daily series from a->dom_days (sorted); NULL when out of memory. */
static struct json_object *
domain_days(struct agg *a, const char *domain)
{
	struct report_daily *s = report_daily_new(0);
	size_t lo = 0, hi = a->n_dom_days;

	if (s == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(a->dom_days[mid].domain, domain) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->n_dom_days && strcmp(a->dom_days[lo].domain, domain) == 0; lo++)
		if (report_daily_add(s, a->dom_days[lo].day, NULL, a->dom_days[lo].ok,
		    a->dom_days[lo].failed) < 0) {
			report_daily_free(s);
			return NULL;
		}
	return report_daily_finish(s);
}

static struct json_object *
build_domains(struct agg *a, long long *ok_r, long long *failed_r)
{
	static const char *const types[] = { "sts", "tlsa", "no-policy-found" };
	struct json_object *arr = map_array(a->domains, "domain", by_failed);
	size_t i, j, n = json_object_array_length(arr);
	const char *worst_name;
	double worst;

	*ok_r = *failed_r = 0;
	qsort(a->dom_days, a->n_dom_days, sizeof(*a->dom_days), by_domain_day);
	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(arr, i);
		struct json_object *pt = mval_child(d, "policy_types"), *days, *reps;
		long long ok = mval_int(d, "successful"), failed = mval_int(d, "failed");

		*ok_r += ok;
		*failed_r += failed;
		json_object_object_add(d, "failure_rate", new_rate(rate(ok, failed)));
		for (j = 0; j < 3; j++) {
			struct json_object *t = mval_child(pt, types[j]);

			add_int(t, "successful", 0);
			add_int(t, "failed", 0);
		}
		if ((days = domain_days(a, mval_str(d, "domain"))) == NULL)
			a->oom = 1;
		else
			json_object_object_add(d, "daily", days);
		reps = mval_child(d, "reporters");
		worst = -1.0;
		worst_name = NULL;
		json_object_object_foreach(reps, org, rv) {
			long long rok = mval_int(rv, "successful"), rf = mval_int(rv, "failed");

			json_object_object_del(rv, "_last_report");
			replace_counts(rv, "result_types");
			json_object_object_add(rv, "failure_rate", new_rate(rate(rok, rf)));
			/* Each reporter on its own: a large one cannot hide another. */
			if (rok + rf >= REPORT_JUDGE_MIN_SESSIONS && rate(rok, rf) > worst) {
				worst = rate(rok, rf);
				worst_name = org;
			}
		}
		if (worst_name == NULL || rate(ok, failed) > worst) {
			worst = rate(ok, failed);	/* no reporter large enough */
			worst_name = NULL;
		}
		json_object_object_add(d, "worst_failure_rate", new_rate(worst));
		json_object_object_add(d, "worst_reporter", worst_name != NULL ?
		    json_object_new_string(worst_name) : NULL);
	}
	return arr;
}

static struct json_object *
build_failures(struct agg *a)
{
	struct json_object *arr = map_array(a->failures, "result_type", by_failed);
	size_t i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(arr, i);
		const char *rt = mval_str(f, "result_type");
		const struct result_type_info *info = result_type_lookup(rt);
		char explain[300];

		json_object_object_add(f, "meaning", json_object_new_string(info->summary));
		snprintf(explain, sizeof(explain), "tlsrpt explain %s", rt);
		json_object_object_add(f, "explain", json_object_new_string(explain));
		replace_set(f, "domains");
		replace_set(f, "mx_hosts");
		replace_set(f, "reason_codes");
	}
	return arr;
}

static struct json_object *
build_places(struct json_object *map, const char *name_key,
    const char *set1, const char *set2)
{
	struct json_object *arr = map_array(map, name_key, by_failed);
	size_t i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		replace_set(o, set1);
		if (set2 != NULL)
			replace_set(o, set2);
		replace_counts(o, "result_types");
	}
	return arr;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static struct json_object *
build_reporters(struct agg *a)
{
	const struct report_options *opt = a->opt;
	struct json_object *arr;
	long last_day = day_of(opt->until) - 1;

	/* Everyone heard from in the history, with or without period reports. */
	json_object_object_foreach(a->history, org, h) {
		struct json_object *r = mval_child(a->reporters, org);
		struct json_object *days = mval_child(h, "days");
		size_t nd = json_object_object_length(days), k = 0;
		long *d = malloc(sizeof(long) * (nd + 1)), *gaps;
		char first[16], last[16];
		double cadence = 0;
		long silent_days, threshold;

		if (d == NULL)
			continue;
		json_object_object_foreach(days, date, cnt) {
			time_t t;

			(void)cnt;
			if (report_parse_date(date, &t) == 0)
				d[k++] = day_of(t);
		}
		qsort(d, k, sizeof(long), cmp_long);
		if (k == 0) {
			free(d);
			continue;
		}
		gaps = malloc(sizeof(long) * k);
		if (gaps != NULL && k >= 2) {
			size_t g;

			for (g = 0; g + 1 < k; g++)
				gaps[g] = d[g + 1] - d[g];
			qsort(gaps, k - 1, sizeof(long), cmp_long);
			cadence = (k - 1) % 2 ? (double)gaps[(k - 1) / 2] :
			    (gaps[(k - 1) / 2 - 1] + gaps[(k - 1) / 2]) / 2.0;
		}
		free(gaps);
		day_name(d[0], first, sizeof(first));
		day_name(d[k - 1], last, sizeof(last));
		silent_days = last_day - d[k - 1];
		if (silent_days < 0)
			silent_days = 0;
		threshold = opt->silence_days > 0 ? opt->silence_days :
		    (long)(cadence * 3 + 0.5) > 3 ? (long)(cadence * 3 + 0.5) : 3;
		if (threshold > REPORT_SILENT_MAX_GAP)
			threshold = REPORT_SILENT_MAX_GAP;
		json_object_object_add(r, "contact", json_object_new_string(mval_str(h, "contact")));
		add_int(r, "reports", mval_int(h, "reports"));
		json_object_object_add(r, "first_seen", json_object_new_string(first));
		json_object_object_add(r, "last_seen", json_object_new_string(last));
		json_object_object_add(r, "cadence_days", k >= 2 ?
		    json_object_new_double(cadence) : NULL);
		json_object_object_add(r, "silent_days", json_object_new_int64(silent_days));
		json_object_object_add(r, "allowed_gap_days", json_object_new_int64(threshold));
		/*
		 * "Used to send": a cadence needs a few reports; without one, a
		 * gap past the longest allowed is silence all the same.
		 */
		json_object_object_add(r, "silent", json_object_new_boolean(
		    silent_days > threshold && (k >= 3 || silent_days > REPORT_SILENT_MAX_GAP)));
		add_int(r, "successful", 0);
		add_int(r, "failed", 0);
		free(d);
	}
	arr = map_array(a->reporters, "reporter", by_name);
	report_trust_name_reporters(arr, a->claims);
	return arr;
}

static struct json_object *
build_inconsistent(struct agg *a)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < a->n_pols; i++) {
		const struct pol *p = &a->pols[i];
		const struct rep *r = &a->reps[p->rep];
		struct json_object *o;
		char date[16];

		if (p->n_details == 0 || p->detail_sum == p->failed)
			continue;
		day_name(r->day, date, sizeof(date));
		o = json_object_new_object();
		json_object_object_add(o, "organization",
		    json_object_new_string(tally_name(a->t, r->claim_id)));
		json_object_object_add(o, "reporter",
		    json_object_new_string(tally_name(a->t, r->org_id)));
		json_object_object_add(o, "report_id", json_object_new_string(r->report_id));
		json_object_object_add(o, "domain", json_object_new_string(tally_name(a->t, p->dom)));
		json_object_object_add(o, "date", json_object_new_string(date));
		json_object_object_add(o, "summary_failed", json_object_new_int64(p->failed));
		json_object_object_add(o, "details_failed", json_object_new_int64(p->detail_sum));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *
notes(enum report_grain g)
{
	struct json_object *arr = json_object_new_array();
	char buf[600];

	json_object_array_add(arr, json_object_new_string(
	    "These reports describe mail that other senders delivered TO your domains: "
	    "failures point at your MX hosts, DNS records and MTA-STS policy, not at "
	    "mail you send."));
	json_object_array_add(arr, json_object_new_string(
	    "A report belongs to the day its date range starts (UTC); senders send it "
	    "a day later."));
	if (g != REPORT_GRAIN_DAY) {
		snprintf(buf, sizeof(buf), "Failures are summed by %s: each date names the "
		    "first day of its %s (the period's first day for the first), and a "
		    "problem is ongoing when it failed in the last %s. Events of a day or "
		    "two (a TLSA rollover that cleared, MTA-STS failures that several "
		    "reporters saw on one day, a day's failure-rate spike) need days: "
		    "report %d days or fewer, or add --grain day.", report_grain_name(g),
		    report_grain_name(g), report_grain_name(g), REPORT_GRAIN_DAY_MAX);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

static void
free_agg(struct agg *a)
{
	size_t i;

	for (i = 0; i < a->n_reps; i++)
		free(a->reps[i].report_id);
	free(a->reps);
	free(a->pols);
	free(a->sflag);
	tally_free(a->t);
	json_object_put(a->domains);
	json_object_put(a->result_types);
	json_object_put(a->failures);
	json_object_put(a->mx_hosts);
	json_object_put(a->mtas);
	report_daily_free(a->daily);
	free(a->dom_days);
	/* The failures' thread goes before what it fills. */
	if (a->frelay != NULL)
		relay_end(a->frelay);
	tally_free(a->ft);
	report_cells_free(a->cells);
	json_object_put(a->reporters);
	json_object_put(a->history);
	json_object_put(a->contacts);
	json_object_put(a->claims);
	json_object_put(a->trust);
	free(a->repdays);
	free(a->repslots);
	free(a->repday);
	json_object_put(a->before);
	free(a->pre);
}

static void
add_period(struct json_object *m, const struct report_options *opt)
{
	struct json_object *p = json_object_new_object(), *f = json_object_new_object();
	char buf[32];

	report_date(opt->since, buf, sizeof(buf));
	json_object_object_add(p, "since", json_object_new_string(buf));
	report_date(opt->until - REPORT_DAY, buf, sizeof(buf));
	json_object_object_add(p, "until", json_object_new_string(buf));
	json_object_object_add(p, "days",
	    json_object_new_int64((opt->until - opt->since) / REPORT_DAY));
	json_object_object_add(p, "grain",
	    json_object_new_string(report_grain_name(report_grain(opt))));
	json_object_object_add(m, "period", p);
	json_object_object_add(f, "domain",
	    opt->domain ? json_object_new_string(opt->domain) : NULL);
	json_object_object_add(f, "include_unverified",
	    json_object_new_boolean(opt->include_unverified));
	json_object_object_add(m, "filter", f);
}

/*
 * When the period has no report: how many the store holds at all (with
 * its filter's domain and trust) and their first and last day, as the
 * model's "store" object, so the renderers can point at --since.
 */
static int
store_outside(struct store *st, struct agg *a, struct json_object *m,
    char *errbuf, size_t errlen)
{
	struct store_visitor v = { a, on_any_report, NULL, NULL, 1 };
	struct store_filter all;
	struct json_object *o = json_object_new_object();
	char buf[16];

	memset(&all, 0, sizeof(all));
	all.since = 0;
	all.until = (time_t)INT32_MAX;
	all.domain = a->opt->domain;
	all.include_unverified = a->opt->include_unverified;
	json_object_object_add(m, "store", o);
	if (store_query(st, &all, &v, errbuf, errlen) < 0)
		return -1;
	json_object_object_add(o, "reports", json_object_new_int64(a->n_all));
	day_name(a->all_first, buf, sizeof(buf));
	json_object_object_add(o, "first_date", a->n_all ? json_object_new_string(buf) : NULL);
	day_name(a->all_last, buf, sizeof(buf));
	json_object_object_add(o, "last_date", a->n_all ? json_object_new_string(buf) : NULL);
	return 0;
}

struct json_object *
report_model_build(struct store *st, const struct report_options *opt,
    char *errbuf, size_t errlen)
{
	struct store_visitor main_pass, history_pass, before_pass;
	struct store_filter filter, history, before;
	struct json_object *m, *totals, *inconsistent, *daily;
	struct agg a;
	long long ok, failed;
	char buf[32];

	memset(&a, 0, sizeof(a));
	a.opt = opt;
	a.grain = report_grain(opt);
	a.t = tally_new();
	a.domains = json_object_new_object();
	a.result_types = json_object_new_object();
	a.failures = json_object_new_object();
	a.mx_hosts = json_object_new_object();
	a.mtas = json_object_new_object();
	a.cells = report_cells_new(a.t);
	a.ft = tally_new();
	a.frelay = relay_new(sizeof(struct frec), apply_failure, &a);
	a.reporters = json_object_new_object();
	a.history = json_object_new_object();
	a.contacts = json_object_new_object();
	a.claims = json_object_new_object();
	a.trust = json_object_new_array();
	a.before = json_object_new_object();

	filter.since = opt->since;
	filter.until = opt->until;
	filter.domain = opt->domain;
	filter.include_unverified = opt->include_unverified;
	history = filter;
	history.since = opt->since - (time_t)REPORT_HISTORY_DAYS * REPORT_DAY;
	history.include_unverified = 1;	/* on_history() counts those hidden */
	main_pass = (struct store_visitor){ &a, on_report, on_policy, on_failure, 0 };
	history_pass = (struct store_visitor){ &a, on_history, NULL, NULL, 1 };
	/* The baseline's days before the period; the reports the period hid. */
	before = filter;
	before.since = opt->since - (time_t)INSIGHT_BASELINE_DAYS * REPORT_DAY;
	before.until = opt->since;
	before_pass = (struct store_visitor){ &a, on_pre_report, on_pre_policy, NULL, 1 };
	if (a.t == NULL || a.cells == NULL || a.ft == NULL || a.frelay == NULL)
		a.oom = 1;
	if (!a.oom && store_query(st, &filter, &main_pass, errbuf, errlen) == 0)
		a.ft_at = tally_count(a.t);	/* the failure details came last */
	else if (!a.oom) {
		free_agg(&a);
		return NULL;
	}
	if (a.oom || store_query(st, &history, &history_pass, errbuf, errlen) < 0 ||
	    store_query(st, &before, &before_pass, errbuf, errlen) < 0 || a.oom) {
		if (a.oom)
			errbuf_printf(errbuf, errlen, "out of memory");
		free_agg(&a);
		return NULL;
	}
	/* All rows in: the failures' thread's last ones too. */
	if (relay_end(a.frelay) < 0) {
		a.frelay = NULL;
		errbuf_printf(errbuf, errlen, "out of memory");
		free_agg(&a);
		return NULL;
	}
	a.frelay = NULL;
	/* The cells' lookup table is not needed past the rows. */
	if (report_cells_seal(a.cells) < 0 || replay(&a) < 0) {
		errbuf_printf(errbuf, errlen, "out of memory");
		free_agg(&a);
		return NULL;
	}
	/* Its sums are in the JSON now: give the memory to the insights. */
	tally_drop_entries(a.t);
	tally_free(a.ft);
	a.ft = NULL;

	m = json_object_new_object();
	json_object_object_add(m, "version", json_object_new_int(1));
	rfc3339_format(opt->generated, buf, sizeof(buf));
	json_object_object_add(m, "generated", json_object_new_string(buf));
	add_period(m, opt);
	totals = json_object_new_object();
	json_object_object_add(m, "totals", totals);
	json_object_object_add(m, "domains", build_domains(&a, &ok, &failed));
	json_object_object_add(totals, "reports",
	    json_object_new_int64((int64_t)(a.n_reps - a.n_excluded)));
	json_object_object_add(totals, "successful", json_object_new_int64(ok));
	json_object_object_add(totals, "failed", json_object_new_int64(failed));
	json_object_object_add(totals, "failure_rate", new_rate(rate(ok, failed)));
	json_object_object_add(totals, "unverified_hidden", json_object_new_int64(a.n_unverified));
	if (a.n_reps - a.n_excluded == 0 && store_outside(st, &a, m, errbuf, errlen) < 0) {
		json_object_put(m);
		free_agg(&a);
		return NULL;
	}
	json_object_object_add(m, "result_types", sorted_counts(a.result_types));
	json_object_object_add(m, "failures", build_failures(&a));
	json_object_object_add(m, "mx_hosts",
	    build_places(a.mx_hosts, "mx_host", "receiving_ips", "domains"));
	json_object_object_add(m, "sending_mtas",
	    build_places(a.mtas, "ip", "reporters", NULL));
	json_object_object_add(m, "reporters", build_reporters(&a));
	/* Sorted by date, then domain. */
	daily = report_daily_finish(a.daily);
	a.daily = NULL;
	if (daily == NULL || a.oom) {
		errbuf_printf(errbuf, errlen, "out of memory");
		json_object_put(daily);
		json_object_put(m);
		free_agg(&a);
		return NULL;
	}
	json_object_object_add(m, "daily", daily);
	inconsistent = build_inconsistent(&a);
	{
		struct report_episode_data ed = { a.cells, a.repdays, a.n_repdays,
		    a.before, NULL };

		int bad = report_probes(st, opt, m, a.trust, errbuf, errlen) < 0;

		if (!bad && report_insights(m, &ed, inconsistent, a.trust, opt) < 0) {
			errbuf_printf(errbuf, errlen, "out of memory");
			bad = 1;
		}
		if (bad) {
			json_object_put(inconsistent);
			json_object_put(m);
			free_agg(&a);
			return NULL;
		}
		report_probes_annotate(m);
	}
	json_object_put(inconsistent);
	json_object_object_add(m, "notes", notes(a.grain));
	free_agg(&a);
	return m;
}
