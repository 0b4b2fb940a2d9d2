/*
 * report_episodes.h - every failure of the period as an episode: the days
 * one result type failed for one policy domain on one receiving MX host
 * (or on none, when the reports name no host).
 *
 * An episode runs from a day with failures until a reporter that saw it
 * sends a report for the domain without it; the next failure starts a new
 * one.  It is ongoing when, for at least one reporter that saw it, the
 * last report of the period still shows it; resolved when every such
 * reporter sent a later report without it.  One day, one reporter and
 * fewer than EPISODE_NOISE_SESSIONS failed sessions is noise and left
 * out.  Severity: critical while ongoing for certificate-expired on the
 * domain's only MX host, for an MTA-STS or DANE result type under an
 * enforcing policy (sts in mode enforce, tlsa), or for half or more of
 * the sessions of the reporters that saw it; warning from
 * EPISODE_WARNING_SHARE of them; info below.  Resolved, critical becomes
 * warning and anything else info.
 *
 * report_episodes() turns each episode into an insight in LIST, unless an
 * insight of a detector (report_insights.h) already covers the same
 * domain, result type and days: that one then gains the episode's keys
 * (status, result_type, mx_host, reporters, failed_sessions).
 */
#ifndef TLSRPT_REPORT_EPISODES_H
#define TLSRPT_REPORT_EPISODES_H

#include <json.h>

#include "insight_list.h"
#include "report_cells.h"

#define EPISODE_NOISE_SESSIONS	5
#define EPISODE_CRITICAL_SHARE	0.5
#define EPISODE_WARNING_SHARE	0.05
#define EPISODE_MAX_IPS		REPORT_CELLS_MAX_IPS	/* receiving IPs per episode */

/* A reporter's sessions on one report day of a domain. */
struct report_rep_day {
	long day;			/* days since the epoch */
	long long ok, failed;
};

/* One reporter's report days for a domain, sorted by day. */
struct report_rep_days {
	const char *org;
	const struct report_rep_day *days;
	size_t n;
};

/* A domain's reporters, in the order its reports first named them. */
struct report_domain_reps {
	const char *domain;
	const struct report_rep_days *reps;
	size_t n;
};

/* What report_model.c collects for the episodes; all borrowed. */
struct report_episode_data {
	/* The per-day cells, a domain at a time (report_cells.h). */
	struct report_cells *cells;
	/* The period's report days, per domain sorted by name. */
	const struct report_domain_reps *repdays;
	size_t n_repdays;
	/* domain -> day -> {successful, failed}, the days before the period */
	struct json_object *before;
	/*
	 * When not NULL, the episode cells of the domain the call is about,
	 * gathered already (report_ahead.h); else the call gathers them.
	 */
	const struct report_ep_domain *gathered;
};

/*
 * An episode that ranks after the floor: only what ranks it and counts
 * it as left out.  POS is the length of LIST when it was made: it came
 * before the insight at that index.
 */
struct episode_stub {
	char *title;
	const char *domain;		/* borrowed from the cells */
	const char *severity;		/* static */
	char first[16], last[16];
	int ongoing;
	size_t pos;
};

struct episode_stubs {
	struct episode_stub *v;
	size_t n, cap;
};

void episode_stubs_clear(struct episode_stubs *s);
void episode_stubs_free(struct episode_stubs *s);

/*
 * The episodes of domain INDEX of the cells (report_cells_episodes()),
 * whose entry in the model's "domains" is DOM (with "_mx_known"; NULL
 * when none) and whose detectors' insights so far are DETECTED (an
 * array, or NULL).  Insights go into LIST.
 * FLOOR, when not NULL, is the insight a capped list keeps last so far:
 * a new episode ranked after it (insight_order()) goes into STUBS
 * instead, as it will be left out anyway.  So does one ranked strictly
 * after CAP (insight_rank_cmp_untitled()), when not NULL: a rank that
 * the list's cap of entries are known to come before, over all domains
 * (report_episode_ranks()).  -1 when out of memory.
 */
int report_episodes(struct json_object *model, const struct report_episode_data *ed,
    size_t index, struct json_object *dom, struct json_object *detected,
    struct json_object *floor, const struct insight_rank *cap,
    struct episode_stubs *stubs, struct json_object *list);

/*
 * An episode's rank (insight_rank_cmp_untitled(), days for dates), of
 * one that report_episodes() will surely make an insight or a stub of
 * its own: not noise, and of a result type no detector takes in.
 */
struct episode_rank {
	int resolved, severity;
	long last, first;		/* days since the epoch */
	const char *domain;		/* the cells' */
};

struct episode_ranks {
	struct episode_rank *v;
	size_t n, cap;
};

/*
 * Add to RANKS the rank of each episode of domain INDEX (DOM as for
 * report_episodes()) whose result type is not one of DETECTED_TYPES
 * (NULL-terminated: the types the detectors read).  Nothing is built.
 * -1 when out of memory.
 */
int report_episode_ranks(struct json_object *model, const struct report_episode_data *ed,
    size_t index, struct json_object *dom, const char *const *detected_types,
    struct episode_ranks *ranks);
void episode_ranks_free(struct episode_ranks *r);

/* "ongoing", or "resolved" when the reports of DOMAIN go on past LAST. */
const char *report_episode_status(struct json_object *model, const char *domain,
    const char *last);

#endif
