/*
 * check_findings.h - the findings of `tlsrpt check`, one list per run.
 *
 * Every checker (record and policy grammars, DNS, HTTPS, SMTP/TLS probes)
 * appends findings to a caller-owned struct check_report: a level, a
 * stable identifier for scripts and tests, the TLS-RPT result type a
 * sending MTA would report for the problem (NULL where none applies: a
 * broken TLS-RPT record means no reports at all), the subject checked
 * and a message for people.  Fixed-size storage, no allocation: the
 * struct can live on the stack or in a fuzz target.  When full, further
 * findings are counted in `dropped` but the worst level still rises, so
 * the exit status never hides a failure.
 */
#ifndef TLSRPT_CHECK_FINDINGS_H
#define TLSRPT_CHECK_FINDINGS_H

#include <stddef.h>

enum check_level {
	CHECK_PASS = 0,		/* a check that passed, said for the record */
	CHECK_INFO = 1,		/* worth knowing, changes nothing */
	CHECK_WARN = 2,		/* works today, but some sender may fail */
	CHECK_FAIL = 3		/* senders will fail or ignore it */
};

#define CHECK_FINDINGS_MAX 64
#define CHECK_SUBJECT_MAX 128
#define CHECK_MSG_MAX 320

struct check_finding {
	enum check_level level;
	const char *id;			/* static, e.g. "rua-multiple" */
	const char *result_type;	/* static or NULL */
	char subject[CHECK_SUBJECT_MAX];
	char msg[CHECK_MSG_MAX];
};

struct check_observed;

struct check_report {
	char subject[CHECK_SUBJECT_MAX];	/* given to new findings */
	struct check_observed *obs;	/* NULL, or filled (check_observed.h) */
	size_t count, dropped;
	enum check_level worst;
	struct check_finding items[CHECK_FINDINGS_MAX];
};

void check_report_init(struct check_report *rep);
/* Subject for the findings that follow (truncated to fit). */
void check_report_subject(struct check_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void check_add(struct check_report *rep, enum check_level level,
    const char *id, const char *result_type, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Findings at LEVEL or worse since finding index FROM. */
size_t check_count_from(const struct check_report *rep, size_t from,
    enum check_level level);
/* The finding with ID, or NULL (tests and callers that branch on it). */
const struct check_finding *check_find(const struct check_report *rep,
    const char *id);
/* Exit status of `tlsrpt check`: 0 pass/info, 1 warnings, 2 failures. */
int check_exit_status(const struct check_report *rep);
const char *check_level_name(enum check_level level);

#endif
