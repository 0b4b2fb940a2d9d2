/*
 * report_ahead.h - each domain's cells gathered one domain ahead of the
 * reader, in a thread of its own.
 *
 * The insights walk the domains in order and first gather each one's
 * cells into arrays (report_cells_episodes(), report_cells_insight()),
 * which takes about half their time; the second core sits idle
 * meanwhile.  A report_ahead gathers domain K + 1 while its caller works
 * on domain K, with two scratches (report_cells.h) that take turns.
 *
 * report_ahead_start(C, INSIGHT) starts the thread over the cells C,
 * sealed first (report_cells_seal()): it gathers the episode cells, and
 * with INSIGHT the insight cells too.  NULL when out of memory or
 * without a thread: the caller then gathers itself.
 * report_ahead_get(A, K, EP, IN) waits for domain K's arrays; K goes
 * from 0 up by one.  They stay valid until the next call; IN may be NULL.
 * -1 when gathering ran out of memory.
 * report_ahead_end(A) stops the thread (which may be gathering a domain
 * nobody will ask for) and frees A; NULL is fine.
 *
 * Nothing else may change the cells between start and end.
 */
#ifndef TLSRPT_REPORT_AHEAD_H
#define TLSRPT_REPORT_AHEAD_H

#include "report_cells.h"

#include <stddef.h>

struct report_ahead;

struct report_ahead *report_ahead_start(struct report_cells *c, int insight);
int report_ahead_get(struct report_ahead *a, size_t k, struct report_ep_domain *ep,
    struct report_in_domain *in);
void report_ahead_end(struct report_ahead *a);

#endif
