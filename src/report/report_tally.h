/*
 * report_tally.h - counters keyed by small tuples of interned strings,
 * for the aggregation behind `tlsrpt report`.
 *
 * A report period can hold a million failure details.  Aggregating each
 * one straight into json-c objects costs a dozen string-keyed hash
 * lookups and several allocations per row; here a row costs a few
 * integer-keyed lookups, and the JSON is built once per distinct key.
 *
 * Strings are interned once and named by number (1, 2, ...; 0 is "none").
 * An entry is named by (KIND, A, B, C), three string ids or small
 * numbers, and holds a sum and two free fields; entries stay in the
 * order they were created, so replaying them in that order reproduces
 * the order in which rows first named each key.
 *
 * Errors: the functions that can allocate return 0 / NULL when out of
 * memory; the table stays consistent and tally_free() is always safe.
 * Returned names belong to the table.
 */
#ifndef TLSRPT_REPORT_TALLY_H
#define TLSRPT_REPORT_TALLY_H

#include <stddef.h>
#include <stdint.h>

struct tally;

struct tally_entry {
	uint32_t a, b, c;
	uint8_t kind;
	long long v;			/* the sum */
	long x, y;			/* the caller's, zero when created */
};

struct tally *tally_new(void);
void tally_free(struct tally *t);

/* The id of string S (exactly as given), interned; 0 when out of memory. */
uint32_t tally_str(struct tally *t, const char *s);

/*
 * The id of S lower-cased (ASCII letters only), without one trailing dot ("MX.example.com."
 * and "mx.example.com" are one host), or of ABSENT when S is NULL or "".
 */
uint32_t tally_lower(struct tally *t, const char *s, const char *absent);

/* The string of ID ("" for 0 or an unknown id); how many there are. */
const char *tally_name(const struct tally *t, uint32_t id);
size_t tally_strings(const struct tally *t);

/*
 * The entry (KIND, A, B, C), created zero when new (*CREATED then 1, when
 * CREATED is not NULL); NULL when out of memory.  The pointer is good
 * until the next call that creates an entry.
 */
struct tally_entry *tally_get(struct tally *t, unsigned kind, uint32_t a,
    uint32_t b, uint32_t c, int *created);

/* Free every entry, keeping the strings and their ids. */
void tally_drop_entries(struct tally *t);

/* Entries in the order they were created. */
size_t tally_count(const struct tally *t);
const struct tally_entry *tally_at(const struct tally *t, size_t i);

#endif
