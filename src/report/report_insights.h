/*
 * report_insights.h - what changed, derived from the aggregated data:
 * each insight names its evidence (dates, counts, hosts, reporters) and
 * the fix.  The kinds are listed in doc/report-json.md.
 *
 * ED holds the per-day cells (report_cells.h: of each domain, per result
 * type and day the failed sessions with their MX hosts and reporters, and
 * those of the episodes); INCONSISTENT an array of policies whose
 * failure details do not add up to their summary.  report_insights()
 * adds the "insights" array to MODEL, which must already hold "domains"
 * (with "daily"), "mx_hosts", "reporters" and "totals"; -1 when out of
 * memory (MODEL then has no "insights").
 */
#ifndef TLSRPT_REPORT_INSIGHTS_H
#define TLSRPT_REPORT_INSIGHTS_H

#include <json.h>

#include "insight_list.h"
#include "report_episodes.h"
#include "report_options.h"

/* Thresholds, exposed for the documentation and the tests. */
#define INSIGHT_BURST_MAX_DAYS		3	/* tlsa-invalid that clears within */
#define INSIGHT_BASELINE_DAYS		14	/* a domain's own recent past */
#define INSIGHT_BASELINE_MIN_DAYS	3
#define INSIGHT_SPIKE_FACTOR		3.0
#define INSIGHT_SPIKE_MARGIN		0.05	/* and at least 5 points above */
#define INSIGHT_SPIKE_MIN_FAILED	10
#define INSIGHT_STS_MIN_REPORTERS	2
/*
 * Insights kept, the worst first (silent reporters and "no reports"
 * always): past it they are only counted (doc/report-json.md,
 * "insights_left_out").  A store of real reports has a few; a year of
 * noise has hundreds of thousands, each a kilobyte of JSON.
 */
#define INSIGHT_MAX			1000

/* True for the result types whose cells the insights read. */
int report_insight_type(const char *result_type);

/* EXTRA: insights made elsewhere (report_trust.h), sorted in with these. */
int report_insights(struct json_object *model, const struct report_episode_data *ed,
    struct json_object *inconsistent, struct json_object *extra,
    const struct report_options *opt);

#endif
