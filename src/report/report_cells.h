/*
 * report_cells.h - the per-day cells of the failure episodes and of the
 * insights, kept compact while the failure details stream in, and turned
 * into JSON one domain at a time.
 *
 * A period of a year over a large store has a cell for nearly every
 * failure detail (domain, result type, MX host, day); as json-c objects
 * they took gigabytes.  Here each cell, and each reporter, receiving IP
 * and MX host under it, is one small fixed-size entry in a hash table
 * over interned strings; report_cells_episodes() and
 * report_cells_insight() then give the episode and the insight cells of a
 * single domain as plain arrays, reused for the next domain asked for.
 * What is under a cell (reporters, receiving IPs, MX hosts) comes in the
 * order the rows first named it: the readers that name the first few
 * depend on it.
 *
 * Errors: report_cells_add() and the views return -1 when out of memory;
 * the table is then unusable but report_cells_free() is safe.
 */
#ifndef TLSRPT_REPORT_CELLS_H
#define TLSRPT_REPORT_CELLS_H

#include <stddef.h>
#include <stdint.h>

#define REPORT_CELLS_MAX_IPS	4	/* receiving IPs kept per episode cell */

struct report_cells;
struct tally;

/*
 * STRINGS: the caller's interned strings (report_tally.h), which the
 * cells then share and which must outlive them; or NULL for a table of
 * their own.  Sharing lets a caller hand rows over by string id.
 */
struct report_cells *report_cells_new(struct tally *strings);
void report_cells_free(struct report_cells *c);

/*
 * One failure detail's sessions N on DAY (days since the epoch) for
 * DOMAIN: into the episode cell of (RT, EPMX; EPMX "" when the reports
 * name no host) with ENFORCED, reporter ORG and receiving IP (""; or
 * NULL with IP_ID 0: none; the first REPORT_CELLS_MAX_IPS are kept);
 * and, with INSIGHT, into the insight cell of RT with MX host HOST and
 * reporter ORG.
 */
struct report_cell_row {
	const char *domain, *rt, *epmx, *host, *org, *ip;
	/* Their ids in the shared strings when the caller has them; 0: look up. */
	uint32_t domain_id, rt_id, epmx_id, host_id, org_id, ip_id;
	/* The episode key of (RT, EPMX) from report_cells_episode_key(); 0: made here. */
	uint32_t key_id;
	long day;
	long long n;
	int enforced, insight;
};

int report_cells_add(struct report_cells *c, const struct report_cell_row *row);

/*
 * The episode key of string ids RT and EPMX, made once per pair (its
 * text interned in the cells' strings); 0 when out of memory.  With it a
 * caller can hand rows over by id alone, strings NULL, to a thread that
 * adds them while the caller goes on interning (report_model.c does).
 */
uint32_t report_cells_episode_key(struct report_cells *c, uint32_t rt, uint32_t epmx);

/*
 * No more rows: the lookup table goes (a large part of the memory while
 * the rows stream in) and the cells are grouped by domain; the first
 * report_cells_episodes() or report_cells_insight() does it when not done.
 * -1 when out of memory.
 */
int report_cells_seal(struct report_cells *c);

/* The domains seen, in the order of their first row. */
size_t report_cells_domains(const struct report_cells *c);
const char *report_cells_domain(const struct report_cells *c, size_t i);

/*
 * The episode cells of domain I, as plain arrays that stay valid until
 * the next call (or report_cells_free()): its keys ("type\tmx") sorted
 * by strcmp; each key's cells by day; each cell's reporters and
 * receiving IPs in the order the rows first named them.  Strings are
 * named by id (report_cells_str()).  -1 when out of memory.
 */
struct report_ep_count {
	uint32_t id;			/* reporter or IP */
	long long n;			/* reporter: failed sessions */
};

struct report_ep_cell {
	long day;
	long long failed, enforced;
	size_t org0, n_org;		/* into orgs */
	size_t ip0, n_ip;		/* into ips */
};

struct report_ep_key {
	const char *key;
	size_t cell0, n_cells;		/* into cells */
};

struct report_ep_domain {
	const struct report_ep_key *keys;
	size_t n_keys;
	const struct report_ep_cell *cells;
	const struct report_ep_count *orgs, *ips;
};

int report_cells_episodes(struct report_cells *c, size_t i, struct report_ep_domain *d);

/* String ID (from 1) of the table; NULL when there is none. */
const char *report_cells_str(const struct report_cells *c, uint32_t id);

/*
 * The insight cells of domain I, as plain arrays that stay valid until
 * the next call (or report_cells_free()); those of
 * report_cells_episodes() stay valid meanwhile.  Its result types in the
 * order the rows first named them; each type's days in ascending order;
 * each day's failed sessions, and its MX hosts and reporters (with their
 * failed sessions) in the order the rows of that day first named them.
 * Strings are named by id (report_cells_str()).  -1 when out of memory.
 */
struct report_in_day {
	long day;
	long long failed;
	size_t mx0, n_mx;		/* into mx */
	size_t org0, n_org;		/* into orgs */
};

struct report_in_type {
	uint32_t rt;			/* the result type's string id */
	size_t day0, n_days;		/* into days */
};

struct report_in_domain {
	const struct report_in_type *types;
	size_t n_types;
	const struct report_in_day *days;
	const struct report_ep_count *mx, *orgs;
};

int report_cells_insight(struct report_cells *c, size_t i, struct report_in_domain *d);

/*
 * The same two views into arrays of the caller's own, which stay valid
 * until the next call with the same scratch.  Once the cells are sealed
 * (report_cells_seal()) nothing else changes them, so threads that each
 * bring a scratch may gather domains at once.  report_cells_free() does
 * not free a scratch: report_cells_scratch_free() does.
 */
struct report_cells_scratch;

struct report_cells_scratch *report_cells_scratch_new(void);
void report_cells_scratch_free(struct report_cells_scratch *s);
int report_cells_episodes_in(struct report_cells *c, struct report_cells_scratch *s,
    size_t i, struct report_ep_domain *d);
int report_cells_insight_in(struct report_cells *c, struct report_cells_scratch *s,
    size_t i, struct report_in_domain *d);

#endif
