/*
 * insight_list.h - building the insights of `tlsrpt report`, each a JSON
 * object of the "insights" array (doc/report-json.md).
 *
 * insight_new() appends an insight with its common keys to LIST and
 * returns it (LIST owns it).  An evidence list keeps its first
 * INSIGHT_MAX_EVIDENCE lines and counts the rest; insight_evidence_end()
 * then closes it with "... and N more days" (or "... and N more").
 */
#ifndef TLSRPT_INSIGHT_LIST_H
#define TLSRPT_INSIGHT_LIST_H

#include <json.h>

#define INSIGHT_MAX_EVIDENCE	6

struct json_object *insight_new(struct json_object *list, const char *kind,
    const char *severity, const char *domain, const char *first, const char *last);

/*
 * The order of the insights list: ongoing first; then critical, warning,
 * info; then the most recent last_date, first_date; then domain and
 * title.  Negative when A comes before B, 0 when neither does.
 */
int insight_order(struct json_object *a, struct json_object *b);
int insight_severity_rank(const char *severity);

/*
 * The keys insight_order() compares, read once: sorting many insights
 * compares each one many times.  The strings belong to the insight.
 */
struct insight_rank {
	int resolved, severity;
	const char *last, *first, *domain, *title;
};

void insight_rank_read(struct insight_rank *r, struct json_object *o);
int insight_rank_cmp(const struct insight_rank *a, const struct insight_rank *b);
/* insight_rank_cmp() without the titles, which may be NULL. */
int insight_rank_cmp_untitled(const struct insight_rank *a, const struct insight_rank *b);

/* Set KEY ("title", "fix") of insight O to the printf text FMT. */
void insight_text(struct json_object *o, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Add a line of evidence (printf FMT) to insight O's "evidence" array,
 * unless it repeats the last line; past the limit it is only counted.
 */
void insight_evidence(struct json_object *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* LINE as the second line of evidence: a refinement of the first. */
void insight_evidence_second(struct json_object *o, const char *line);

/* Say how many lines were cut, once all evidence is in. */
void insight_evidence_end(struct json_object *o);

/*
 * NAME when it is a plain DNS name (letters, digits, '-', '.', '_'; 253
 * bytes at most), else PLACEHOLDER: host and domain names come from
 * reports, and a fix's command is pasted into a shell.
 */
const char *insight_cmd_name(const char *name, const char *placeholder);

#endif
