/*
 * report_trust.c - reporters are who signed; see report_trust.h.
 */
#include "report_trust.h"
#include "report_insights.h"
#include "model_get.h"
#include "report_options.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/*
 * Organizations known to send TLS-RPT reports, by a word of their
 * organization-name, and the domains that sign their reports.  A claim
 * of one of these words by any other signer is flagged; other names are
 * nobody's to protect.
 */
static const struct {
	const char *word;
	const char *name;
	const char *const domains[4];
} known[] = {
	{ "google", "Google", { "google.com", NULL } },
	{ "microsoft", "Microsoft", { "microsoft.com", "outlook.com", NULL } },
	{ "yahoo", "Yahoo", { "yahoo.com", "yahooinc.com", NULL } },
	{ "comcast", "Comcast", { "comcast.net", NULL } },
	{ "mail.ru", "Mail.ru", { "mail.ru", "corp.mail.ru", NULL } },
	{ "apple", "Apple", { "apple.com", "icloud.com", NULL } },
	{ "mimecast", "Mimecast", { "mimecast.com", NULL } },
	{ "proofpoint", "Proofpoint", { "proofpoint.com", NULL } },
};

#define N_KNOWN	(sizeof(known) / sizeof(known[0]))

char *
report_trust_reporter(int verified, const char *dkim_domain)
{
	char *r, *p;
	size_t n;

	if (!verified || dkim_domain == NULL || dkim_domain[0] == '\0')
		return strdup(REPORT_UNVERIFIED);
	if ((r = strdup(dkim_domain)) == NULL)
		return NULL;
	for (p = r; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((n = strlen(r)) > 1 && r[n - 1] == '.')
		r[n - 1] = '\0';
	return r;
}

/* WORD in S as a whole word (not inside a longer name), any case. */
static int
has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (strncasecmp(p, word, n) != 0)
			continue;
		if ((p == s || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

const char *
report_trust_claimed(const char *org, const char *const **domains_r)
{
	size_t i;

	for (i = 0; org != NULL && i < N_KNOWN; i++)
		if (has_word(org, known[i].word)) {
			*domains_r = known[i].domains;
			return known[i].name;
		}
	return NULL;
}

/* SIGNER is DOMAIN or below it. */
static int
signs_for(const char *signer, const char *domain)
{
	size_t ls = strlen(signer), ld = strlen(domain);

	return strcasecmp(signer, domain) == 0 ||
	    (ls > ld && signer[ls - ld - 1] == '.' &&
	    strcasecmp(signer + ls - ld, domain) == 0);
}

/* The insight of KIND whose title is TITLE, made when first asked for. */
static struct json_object *
insight(struct json_object *trust, const char *kind, const char *severity,
    const char *title, const char *fix, const char *date)
{
	struct json_object *o;
	const char *first, *last;
	size_t i;

	for (i = 0; i < json_object_array_length(trust); i++) {
		o = json_object_array_get_idx(trust, i);
		if (strcmp(mval_str(o, "kind"), kind) == 0 &&
		    strcmp(mval_str(o, "title"), title) == 0) {
			first = mval_str(o, "first_date");
			last = mval_str(o, "last_date");
			if (strcmp(date, first) < 0)
				json_object_object_add(o, "first_date",
				    json_object_new_string(date));
			if (strcmp(date, last) > 0)
				json_object_object_add(o, "last_date",
				    json_object_new_string(date));
			return o;
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "severity", json_object_new_string(severity));
	json_object_object_add(o, "domain", NULL);
	json_object_object_add(o, "title", json_object_new_string(title));
	json_object_object_add(o, "evidence", json_object_new_array());
	json_object_object_add(o, "fix", json_object_new_string(fix));
	json_object_object_add(o, "first_date", json_object_new_string(date));
	json_object_object_add(o, "last_date", json_object_new_string(date));
	json_object_array_add(trust, o);
	return o;
}

void
report_trust_check_claim(struct json_object *trust, const char *signer,
    const char *org, const char *report_id, time_t start)
{
	const char *const *domains;
	const char *name = report_trust_claimed(org, &domains);
	char title[700], fix[900], date[16];
	size_t i;

	if (name == NULL)
		return;
	for (i = 0; domains[i] != NULL; i++)
		if (signs_for(signer, domains[i]))
			return;
	report_date(start, date, sizeof(date));
	snprintf(title, sizeof(title), "organization-name claims %s but signed by %s",
	    name, signer);
	snprintf(fix, sizeof(fix), "%s's reports are signed by %s. These reports are "
	    "counted as %s's, not %s's; if %s is not a reporter you expect, leave it "
	    "out of KnownReporters, and treat the mail it sends with suspicion.",
	    name, domains[0], signer, name, signer);
	insight_evidence(insight(trust, "impersonation", "warning", title, fix, date),
	    "%s: report %.200s, organization-name \"%.200s\"", date, report_id, org);
}

int
report_trust_implausible(struct json_object *trust, const char *reporter,
    const char *org, const char *report_id, time_t start, time_t end,
    long long successful, long long failed)
{
	long long days = end > start ? (end - start + REPORT_DAY - 1) / REPORT_DAY : 1;
	long long sessions = successful + failed;
	char title[600], date[16];

	/* Each count is at most 2^53 (the parser's bound), so no overflow. */
	if (days < 1)
		days = 1;
	if (successful >= 0 && failed >= 0 && days <= 366 &&
	    sessions <= REPORT_MAX_SESSIONS_PER_DAY * days)
		return 0;
	report_date(start, date, sizeof(date));
	snprintf(title, sizeof(title), "%s sent reports with more sessions than any "
	    "reporter delivers: left out of every count", reporter);
	insight_evidence(insight(trust, "implausible-report", "warning", title,
	    "No sender delivers more than 10^9 TLS sessions a day to one receiver; "
	    "such a report is forged or broken. Check who signed it.", date),
	    "%s: report %.200s (organization-name \"%.200s\"): %lld sessions in %lld day%s",
	    date, report_id, org, sessions, days, days == 1 ? "" : "s");
	return 1;
}

void
report_trust_folded(struct json_object *trust, const char *reporter,
    const char *org, const char *report_id, const char *date, long long count)
{
	char title[600];

	(void)count;
	snprintf(title, sizeof(title), "failure details from %s past the store's cap are "
	    "counted by result type only", reporter);
	insight_evidence(insight(trust, "folded-details", "info", title,
	    "A report with that many distinct failure details is unusual; real "
	    "reporters send a handful per policy. Nothing to fix if the counts look "
	    "right.", date),
	    "%s: report %.200s (organization-name \"%.200s\")", date, report_id, org);
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(struct json_object *const *)a),
	    json_object_get_string(*(struct json_object *const *)b));
}

void
report_trust_name_reporters(struct json_object *reporters,
    struct json_object *claims)
{
	size_t i, n = reporters != NULL ? json_object_array_length(reporters) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(reporters, i);
		struct json_object *c = NULL, *list = json_object_new_array();
		const char *who = mval_str(r, "reporter"), *best = NULL;
		long long best_n = 0;
		size_t nc;
		char name[600];

		json_object_object_get_ex(claims, who, &c);
		if (c != NULL) {
			json_object_object_foreach(c, org, cnt) {
				long long v = json_object_get_int64(cnt);

				json_object_array_add(list, json_object_new_string(org));
				if (best == NULL || v > best_n ||
				    (v == best_n && strcmp(org, best) < 0)) {
					best = org;
					best_n = v;
				}
			}
		}
		json_object_array_sort(list, by_string);
		nc = json_object_array_length(list);
		if (best != NULL && nc > 1)
			snprintf(name, sizeof(name), "%s (%s, +%zu more)", who, best, nc - 1);
		else if (best != NULL && strcasecmp(best, who) != 0)
			snprintf(name, sizeof(name), "%s (%s)", who, best);
		else
			snprintf(name, sizeof(name), "%s", who);
		json_object_object_add(r, "organization",
		    json_object_new_string(best != NULL ? best : ""));
		json_object_object_add(r, "organizations", list);
		json_object_object_add(r, "name", json_object_new_string(name));
	}
}
