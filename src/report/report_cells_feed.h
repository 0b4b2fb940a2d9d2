/*
 * report_cells_feed.h - the cells filled in a thread of their own.
 *
 * Over a long period the cells (report_cells.h) take about a tenth of
 * the report's work, one failure detail at a time, and need nothing of
 * the rest of the model but string ids.  A feed takes the rows in the
 * calling thread, turns every string into an id there (the shared
 * strings, and the episode key of each (result type, host) pair, are
 * only ever touched by that thread), and hands the rows in batches to a
 * second thread that adds them to the cells in the order given.
 *
 * Until report_cells_feed_end() returns, only the feed may touch CELLS;
 * the caller may go on interning strings in the shared table.  When no
 * thread can be started, rows go to the cells in the calling thread.
 *
 * report_cells_feed_add() returns -1 when out of memory, now or in an
 * earlier batch; report_cells_feed_end() (always called, it frees the
 * feed) -1 when any row could not be added.
 */
#ifndef TLSRPT_REPORT_CELLS_FEED_H
#define TLSRPT_REPORT_CELLS_FEED_H

#include "report_cells.h"

struct report_cells_feed;

/* NULL when out of memory. */
struct report_cells_feed *report_cells_feed_new(struct report_cells *cells);
int report_cells_feed_add(struct report_cells_feed *f, const struct report_cell_row *row);
int report_cells_feed_end(struct report_cells_feed *f);

#endif
