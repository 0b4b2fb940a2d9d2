/*
 * report_daily.h - the model's two daily series as compact C arrays.
 *
 * A year's model holds some 60,000 (day, domain) entries in its
 * top-level "daily" array and as many in its domains' "daily" arrays;
 * as json-c objects they cost about 150 MB.  The builder keeps them as
 * C arrays instead, behind a placeholder under the "daily" key: an empty
 * json-c array that owns the series (freed with the model) and whose
 * serializer prints the series exactly as json-c would print the
 * objects, so json_object_to_json_string_ext() of the model gives the
 * same text as before.
 *
 * Entries, sorted by date (then domain), with their keys in this order:
 *   top-level:  date, domain, result_types {type: sessions}, successful,
 *               failed (result_types in the order rows first named them);
 *   a domain's: date, successful, failed.
 *
 * Readers go through report_daily_n() and report_daily_at(), given the
 * model (its top-level series) or one of its domain objects (that
 * domain's series).  When "daily" is an ordinary JSON array (a model
 * parsed from JSON, as tests and golden files give), they read that
 * array instead, with absent values read as "" and 0, so renderers
 * behave the same for both.
 *
 * report_daily_json_write() prints a model as JSON to a FILE as a
 * stream, without building the whole text in memory.
 *
 * Errors: the builder's functions return -1 or NULL when out of memory
 * and are then safe to call again or free; nothing here exits.
 */
#ifndef TLSRPT_REPORT_DAILY_H
#define TLSRPT_REPORT_DAILY_H

#include <stddef.h>
#include <stdio.h>
#include <json.h>

struct report_daily;

/* One entry, filled by report_daily_at(); do not copy it. */
struct report_daily_entry {
	const char *date;		/* "YYYY-MM-DD" */
	const char *domain;		/* top-level series only, else "" */
	long long successful, failed;
	size_t n_types;			/* result types (top-level series) */
	/* Private. */
	char buf[16];
	const struct report_daily *s;
	size_t i;
	struct json_object *types;
};

/* ---- building ------------------------------------------------------- */

/* A new empty series; WITH_DOMAIN for the top-level one. */
struct report_daily *report_daily_new(int with_domain);

/*
 * Add the entry of DAY (days since the epoch) and DOMAIN (ignored
 * without WITH_DOMAIN; copied) with its sums; its index, or -1.
 */
long report_daily_add(struct report_daily *s, long day, const char *domain,
    long long successful, long long failed);

/* Add result type RT (copied) with N sessions to entry I; 0 or -1. */
int report_daily_add_type(struct report_daily *s, size_t i, const char *rt,
    long long n);

/*
 * Sort S and hand it to a new placeholder array, to be put under
 * "daily"; NULL when out of memory (S is freed either way).
 */
struct json_object *report_daily_finish(struct report_daily *s);

/* Free a series that was not finished; NULL is fine. */
void report_daily_free(struct report_daily *s);

/* ---- reading -------------------------------------------------------- */

/* How many entries the series of OBJ (model or domain object) has. */
size_t report_daily_n(struct json_object *obj);

/* Entry I of OBJ's series into *E; 0, or -1 when I is out of range. */
int report_daily_at(struct json_object *obj, size_t i,
    struct report_daily_entry *e);

/*
 * E's date in a form that outlives E: the JSON's own string, or a copy
 * in BUF (SIZE bytes, REPORT_DAILY_DATE_SIZE is enough).
 */
#define REPORT_DAILY_DATE_SIZE	16
const char *report_daily_date(const struct report_daily_entry *e, char *buf,
    size_t size);

/* Result type J of E: its name and sessions; 0, or -1 when out of range. */
int report_daily_type(const struct report_daily_entry *e, size_t j,
    const char **rt, long long *n);

/* ---- printing ------------------------------------------------------- */

/*
 * MODEL as json_object_to_json_string_ext(MODEL, FLAGS) prints it, through
 * text_json_fputs(), to FP; 0, or -1 on a write error or out of memory.
 */
int report_daily_json_write(FILE *fp, struct json_object *model, int flags);

#endif
