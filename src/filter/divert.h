/*
 * divert.h - what happens to a report message after its verdict: the
 * Action key (tlsrpt-milter.conf(5)) decided, and the audit header worded.
 *
 * Only a "pass" verdict is ever diverted; fail and invalid mail flows as
 * ordinary mail with its tag.  Every fallback is towards delivery:
 * discard needs every report of the message in the store (stored or a
 * duplicate), not merely spooled; redirect needs the whole recipient list
 * (at most DIVERT_MAX_RCPTS).  Pure: no libmilter, no logging; the glue
 * (milter.c) performs the outcome and logs it.
 */
#ifndef TLSRPT_DIVERT_H
#define TLSRPT_DIVERT_H

#include <stddef.h>

#include "conf.h"
#include "verdict.h"

#define DIVERT_MAX_RCPTS	50	/* recipients kept for redirect */
#define DIVERT_MAX_ADDR		320	/* bytes of one kept recipient */

enum divert_outcome { DIVERT_TAG, DIVERT_REDIRECT, DIVERT_DISCARD };

/*
 * The outcome for V under CFG, given whether all recipients were kept
 * (RCPTS_COMPLETE: at least one, none lost).  When the configured action is withheld, *WHY_R
 * says why (a static string); otherwise it is set to NULL.
 */
enum divert_outcome divert_choose(const struct config *cfg,
    const struct verdict *v, int rcpts_complete, const char **why_r);

/*
 * The audit header's value: the N original recipients, comma-separated,
 * one per folded line ("\n\t"), control and non-ASCII bytes as '?'.
 * Returns the length, or -1 when BUF is too small.
 */
int divert_audit_value(char *buf, size_t size, const char *const *rcpts,
    size_t n);

/* RCPT (as the MTA gave it, maybe in <>) is ADDR, ignoring case. */
int divert_same_address(const char *rcpt, const char *addr);

#endif
