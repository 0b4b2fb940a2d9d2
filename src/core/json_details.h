/*
 * json_details.h - find the failure-details arrays of a report's text, so
 * report_json.c can hand json-c the report without them and then parse
 * their elements one at a time.
 *
 * A report may carry 200,000 failure details; json-c's tree of them costs
 * about a kilobyte each (an object with its own hash table per detail),
 * while a parsed detail costs under a hundred bytes.  Parsing one element
 * at a time keeps one detail's tree alive at once.
 *
 * TEXT must have passed json_prescan() (valid strings and UTF-8, bounded
 * depth): these functions only follow its structure.  Nothing here
 * allocates except json_details_locate()'s array.
 */
#ifndef TLSRPT_JSON_DETAILS_H
#define TLSRPT_JSON_DETAILS_H

#include <stddef.h>

/* Bytes [start, end) of an array value, from its '[' through its ']'. */
struct json_span {
	size_t start, end;		/* end == 0: none */
};

/*
 * The failure-details array of each element of the top-level "policies"
 * array, as json-c keeps them (of duplicate keys the last one; a
 * failure-details that is not an array is left to json-c and gets no
 * span).  *SPANS_R (malloc'd, caller frees) has *N_R entries, one per
 * policy up to MAX_POLICIES.  0, or -1 when out of memory.
 */
int json_details_locate(const char *text, size_t len, size_t max_policies,
    struct json_span **spans_r, size_t *n_r);

/*
 * The elements of array SPAN, one per call: *POS starts at 0; each call
 * sets [*START_R, *END_R) to the next element's text (white space
 * trimmed) and returns 1, returns 0 after the last, or -1 with *POS at
 * the offending byte when an element is empty ("[1,,2]", "[1,]").
 * Offsets are into TEXT.
 */
int json_details_next(const char *text, const struct json_span *span,
    size_t *pos, size_t *start_r, size_t *end_r);

#endif
