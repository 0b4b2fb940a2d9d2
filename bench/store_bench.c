/*
 * store_bench.c - store a year of generated reports into a backend, then
 * time the main report queries over them.
 *
 * Not a test: `make check` neither builds nor runs it (`make
 * bench/store_bench` builds it).  The data, from a seeded PRNG, is the same
 * every run: 300 domains, 5 reporters with their own cadence (daily for
 * some domains, weekly, fortnightly, monthly), one report per reporter,
 * domain and period over 365 days: about 100,000 reports.  Half have no
 * failure details, the others 1-39 (an sts policy, one in five a tlsa
 * policy too), about a million detail rows in all.  Reports are built as
 * structs (no parsing) and stored through store_put_report() on one
 * handle, as the milter would; inserts/s counts reports.
 *
 * Then, with the data warm (ANALYZE, and each query run once untimed), the
 * best of three runs of: a per-domain summary over the last 30 days, a
 * per-result-type breakdown over the same 30 days, and each reporter's
 * cadence (days between reports for a domain) over the year; each printed
 * with its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
 * PostgreSQL) and its first rows.
 *
 * Last, what `tlsrpt report` asks of the store: store_query() with a
 * visitor that only counts what it is given, over the last day, week,
 * 30 days and the whole period (best of three, warm).  That is the
 * statements' cost with every column fetched and decoded, without the
 * report's own work and without a shell formatting the rows.
 *
 * Usage: store_bench [-q] [-d DAYS] [-p PASSWORD_FILE] URI
 *   URI  sqlite:/path/bench.db or postgresql://user@host:port/db
 *   -q   queries only, over what an earlier run stored
 *   -d   days of reports (365)
 */
#include "store.h"
#include "tlsrpt.h"

#include <errno.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N_DOMAINS	300
#define YEAR_START	1672531200	/* 2023-01-01T00:00:00Z */
#define DAY		86400
#define MAX_DETAILS	39

struct reporter {
	const char *org, *contact;
	int period;			/* days between reports */
	int n_domains;			/* the first N domains get reports */
};

static const struct reporter reporters[] = {
	{ "Google LLC", "smtp-tls-reporting@google.com", 1, 145 },
	{ "Microsoft Corporation", "tlsrpt-noreply@microsoft.com", 1, 68 },
	{ "Yahoo Inc.", "tlsrpt@yahooinc.com", 7, 300 },
	{ "Comcast", "tlsrpt@comcast.net", 14, 100 },
	{ "Mail.Ru", "tlsrpt@corp.mail.ru", 30, 300 },
};
#define N_REPORTERS	(sizeof(reporters) / sizeof(reporters[0]))

static const char *const result_types[] = {
	"starttls-not-supported", "certificate-host-mismatch",
	"certificate-expired", "certificate-not-trusted", "validation-failure",
	"tlsa-invalid", "dnssec-invalid", "dane-required",
	"sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid",
};
#define N_RESULT_TYPES	(sizeof(result_types) / sizeof(result_types[0]))

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- generating and storing ------------------------------------------ */

/* One report's worth of storage, reused from report to report. */
struct gen {
	char domain[32], report_id[96];
	char ips[MAX_DETAILS][3][40];	/* sending, receiving ip, mx host */
	char *sts_strings[3];
	char *mx_hosts[2];
	char sts_buf[3][64], mx_buf[2][64];
	const char *tlsa_strings[1];
	struct tlsrpt_failure_detail details[MAX_DETAILS];
	struct tlsrpt_policy policies[2];
	struct tlsrpt_report rep;
};

static void
generate(struct gen *g, const struct reporter *r, int domain, time_t start)
{
	int n_details = (rng() & 1) ? 0 : (int)(1 + rng() % MAX_DETAILS);
	int n_policies = rng() % 5 == 0 ? 2 : 1;
	int split = n_policies == 2 ? n_details / 2 : n_details;
	int64_t failed[2] = { 0, 0 };
	struct tm tm;
	char day[32];
	int i, p;

	memset(&g->rep, 0, sizeof(g->rep));
	memset(g->policies, 0, sizeof(g->policies));
	snprintf(g->domain, sizeof(g->domain), "d%03d.example", domain);
	gmtime_r(&start, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(g->report_id, sizeof(g->report_id), "%s_%s_%.8s", day, g->domain,
	    r->org);

	snprintf(g->sts_buf[0], sizeof(g->sts_buf[0]), "version: STSv1");
	snprintf(g->sts_buf[1], sizeof(g->sts_buf[1]), "mode: enforce");
	snprintf(g->sts_buf[2], sizeof(g->sts_buf[2]), "mx: mx1.%s", g->domain);
	snprintf(g->mx_buf[0], sizeof(g->mx_buf[0]), "mx1.%s", g->domain);
	snprintf(g->mx_buf[1], sizeof(g->mx_buf[1]), "mx2.%s", g->domain);
	for (i = 0; i < 3; i++)
		g->sts_strings[i] = g->sts_buf[i];
	for (i = 0; i < 2; i++)
		g->mx_hosts[i] = g->mx_buf[i];
	g->tlsa_strings[0] = "3 1 1 0123456789abcdef0123456789abcdef";

	for (i = 0; i < n_details; i++) {
		struct tlsrpt_failure_detail *fd = &g->details[i];

		p = i < split ? 0 : 1;
		snprintf(g->ips[i][0], sizeof(g->ips[i][0]), "203.0.113.%u",
		    rng() % 254 + 1);
		snprintf(g->ips[i][1], sizeof(g->ips[i][1]), "198.51.100.%u",
		    rng() % 254 + 1);
		snprintf(g->ips[i][2], sizeof(g->ips[i][2]), "mx%u.%s", rng() % 2 + 1,
		    g->domain);
		memset(fd, 0, sizeof(*fd));
		fd->result_type = p == 1 ? result_types[5 + rng() % 3] :
		    result_types[rng() % N_RESULT_TYPES];
		fd->sending_mta_ip = g->ips[i][0];
		fd->receiving_ip = g->ips[i][1];
		fd->receiving_mx_hostname = g->ips[i][2];
		fd->failed_session_count = 1 + rng() % 50;
		if (rng() % 3 == 0)
			fd->failure_reason_code = "X509_V_ERR_CERT_HAS_EXPIRED";
		failed[p] += fd->failed_session_count;
	}
	g->policies[0].policy_type = "sts";
	g->policies[0].policy_domain = g->domain;
	g->policies[0].policy_strings = (const char **)g->sts_strings;
	g->policies[0].n_policy_strings = 3;
	g->policies[0].mx_hosts = (const char **)g->mx_hosts;
	g->policies[0].n_mx_hosts = 2;
	g->policies[0].total_successful = 100 + rng() % 10000;
	g->policies[0].total_failure = failed[0];
	g->policies[0].details = g->details;
	g->policies[0].n_details = (size_t)split;
	if (n_policies == 2) {
		g->policies[1].policy_type = "tlsa";
		g->policies[1].policy_domain = g->domain;
		g->policies[1].policy_strings = g->tlsa_strings;
		g->policies[1].n_policy_strings = 1;
		g->policies[1].total_successful = 10 + rng() % 1000;
		g->policies[1].total_failure = failed[1];
		g->policies[1].details = g->details + split;
		g->policies[1].n_details = (size_t)(n_details - split);
	}
	g->rep.source = "";
	g->rep.organization_name = r->org;
	g->rep.contact_info = r->contact;
	g->rep.report_id = g->report_id;
	g->rep.start = start;
	g->rep.end = start + (time_t)r->period * DAY - 1;
	g->rep.policies = g->policies;
	g->rep.n_policies = (size_t)n_policies;
	for (p = 0; p < n_policies; p++) {
		g->rep.total_successful += g->policies[p].total_successful;
		g->rep.total_failure += g->policies[p].total_failure;
	}
}

static int
fill(struct store *st, int days)
{
	static const struct store_provenance prov = {
		.queue_id = "4BenchQ1d", .mail_from = "noreply@reporter.example",
		.dkim_domain = "reporter.example", .auth_method = "dkim",
		.source = "part 2 (application/tlsrpt+gzip)", .verified = 1,
	};
	struct store_provenance p = prov;
	struct gen *g;
	long reports = 0, details = 0, dup = 0;
	double t0 = now(), t;
	char err[1024];
	size_t r;
	int day, d;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return -1;
	for (day = 0; day < days; day++) {
		for (r = 0; r < N_REPORTERS; r++) {
			if (day % reporters[r].period != 0)
				continue;
			for (d = 0; d < reporters[r].n_domains; d++) {
				enum store_status s;

				generate(g, &reporters[r], d, YEAR_START + (time_t)day * DAY);
				p.received = g->rep.end + 3600;
				s = store_put_report(st, &g->rep, &p, err, sizeof(err));
				if (s == STORE_ERROR) {
					fprintf(stderr, "store_bench: %s\n", err);
					free(g);
					return -1;
				}
				dup += s == STORE_DUPLICATE;
				reports++;
				details += (long)(g->policies[0].n_details +
				    g->policies[1].n_details);
			}
		}
		if ((day + 1) % 30 == 0) {
			t = now() - t0;
			fprintf(stderr, "  day %3d: %ld reports, %.0f/s\r", day + 1,
			    reports, reports / t);
		}
	}
	t = now() - t0;
	fprintf(stderr, "\n");
	printf("stored %ld reports (%ld failure details, %ld duplicates) in "
	    "%.1f s: %.0f reports/s, %.0f details/s\n", reports, details, dup, t,
	    reports / t, details / t);
	free(g);
	return dup == 0 ? 0 : -1;
}

/* ---- querying --------------------------------------------------------- */

struct db {
	sqlite3 *lite;
	PGconn *pg;
};

/* Run SQL, print its first MAXROWS rows when MAXROWS > 0; -1 on error. */
static int
run(struct db *db, const char *sql, int maxrows)
{
	int i, j, n;

	if (db->pg != NULL) {
		PGresult *res = PQexec(db->pg, sql);

		if (PQresultStatus(res) != PGRES_TUPLES_OK &&
		    PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "store_bench: %s\n%s", sql, PQerrorMessage(db->pg));
			PQclear(res);
			return -1;
		}
		n = PQntuples(res);
		for (i = 0; i < n && i < maxrows; i++) {
			printf("    ");
			for (j = 0; j < PQnfields(res); j++)
				printf("%s%s", j > 0 ? " | " : "", PQgetvalue(res, i, j));
			printf("\n");
		}
		if (maxrows > 0 && n > maxrows)
			printf("    ... %d rows\n", n);
		PQclear(res);
		return 0;
	} else {
		sqlite3_stmt *st;
		int rc;

		if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "store_bench: %s\n%s\n", sql,
			    sqlite3_errmsg(db->lite));
			return -1;
		}
		for (n = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; n++) {
			if (n >= maxrows)
				continue;
			printf("    ");
			for (j = 0; j < sqlite3_column_count(st); j++) {
				const unsigned char *t = sqlite3_column_text(st, j);

				printf("%s%s", j > 0 ? " | " : "", t != NULL ?
				    (const char *)t : "");
			}
			printf("\n");
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "store_bench: %s\n", sqlite3_errmsg(db->lite));
			return -1;
		}
		if (maxrows > 0 && n > maxrows)
			printf("    ... %d rows\n", n);
		return 0;
	}
}

/* The plan: EXPLAIN QUERY PLAN's tree, or EXPLAIN ANALYZE's lines. */
static void
explain(struct db *db, const char *sql)
{
	char *q;

	if ((q = malloc(strlen(sql) + 64)) == NULL)
		return;
	if (db->pg != NULL) {
		PGresult *res;
		int i;

		sprintf(q, "EXPLAIN (ANALYZE, COSTS OFF) %s", sql);
		res = PQexec(db->pg, q);
		for (i = 0; i < PQntuples(res); i++)
			printf("    %s\n", PQgetvalue(res, i, 0));
		PQclear(res);
	} else {
		sqlite3_stmt *st;
		int depth[64] = { 0 }, n = 0, k;

		sprintf(q, "EXPLAIN QUERY PLAN %s", sql);
		if (sqlite3_prepare_v2(db->lite, q, -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW) {
				int id = sqlite3_column_int(st, 0);
				int parent = sqlite3_column_int(st, 1);
				int level = 0;

				for (k = 0; k < n; k++)
					if (depth[2 * k] == parent)
						level = depth[2 * k + 1] + 1;
				if (n < 32) {
					depth[2 * n] = id;
					depth[2 * n + 1] = level;
					n++;
				}
				printf("    %*s%s\n", 2 * level, "",
				    (const char *)sqlite3_column_text(st, 3));
			}
			sqlite3_finalize(st);
		}
	}
	free(q);
}

static int
time_query(struct db *db, const char *name, const char *sql)
{
	double best = 1e9, t;
	int i;

	printf("\n%s\n", name);
	if (run(db, sql, 0) < 0)	/* warm */
		return -1;
	for (i = 0; i < 3; i++) {
		t = now();
		if (run(db, sql, 0) < 0)
			return -1;
		t = now() - t;
		if (t < best)
			best = t;
	}
	printf("  time: %.3f s (best of 3, warm)\n  first rows:\n", best);
	run(db, sql, 5);
	printf("  plan:\n");
	explain(db, sql);
	return 0;
}

static int
queries(struct db *db, int days)
{
	char q1[1024], q2[1024], size[64] = "?";
	const char *q3;
	long long t1 = YEAR_START + (long long)days * DAY, t0 = t1 - 30LL * DAY;

	snprintf(q1, sizeof(q1),
	    "SELECT p.policy_domain, count(*) AS reports,"
	    " sum(p.total_successful) AS successful,"
	    " sum(p.total_failure) AS failed"
	    " FROM reports r JOIN policies p ON p.report_fk = r.id"
	    " WHERE r.start_time >= %lld AND r.start_time < %lld"
	    " GROUP BY p.policy_domain ORDER BY p.policy_domain", t0, t1);
	snprintf(q2, sizeof(q2),
	    "SELECT f.result_type, count(*) AS details,"
	    " sum(f.failed_session_count) AS sessions"
	    " FROM reports r JOIN policies p ON p.report_fk = r.id"
	    " JOIN failure_details f ON f.policy_fk = p.id"
	    " WHERE r.start_time >= %lld AND r.start_time < %lld"
	    " GROUP BY f.result_type ORDER BY sessions DESC", t0, t1);
	q3 = "SELECT organization_name, count(*) AS reports,"
	    " count(DISTINCT policy_domains) AS domains,"
	    " round(avg(gap) / 86400.0, 2) AS days_between"
	    " FROM (SELECT organization_name, policy_domains, start_time - lag(start_time)"
	    " OVER (PARTITION BY organization_name, policy_domains"
	    " ORDER BY start_time) AS gap FROM reports) g"
	    " GROUP BY organization_name ORDER BY organization_name";

	if (run(db, "ANALYZE reports", 0) < 0 ||
	    run(db, "ANALYZE policies", 0) < 0 ||
	    run(db, "ANALYZE failure_details", 0) < 0)
		return -1;
	if (db->pg != NULL) {
		PGresult *res = PQexec(db->pg, "SELECT pg_size_pretty(sum("
		    "pg_total_relation_size(c.oid))) FROM pg_class c JOIN pg_namespace n"
		    " ON c.relnamespace = n.oid WHERE n.nspname = current_schema()"
		    " AND c.relkind = 'r'");

		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
			snprintf(size, sizeof(size), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	} else {
		sqlite3_stmt *st;

		sqlite3_exec(db->lite, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
		    NULL);
		if (sqlite3_prepare_v2(db->lite, "SELECT page_count * page_size FROM"
		    " pragma_page_count(), pragma_page_size()", -1, &st, NULL) ==
		    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			snprintf(size, sizeof(size), "%.1f MB",
			    sqlite3_column_int64(st, 0) / 1e6);
		sqlite3_finalize(st);
	}
	printf("database size (tables and indexes): %s\n", size);
	printf("rows:\n");
	if (run(db, "SELECT (SELECT count(*) FROM reports) || ' reports, ' ||"
	    " (SELECT count(*) FROM policies) || ' policies, ' ||"
	    " (SELECT count(*) FROM failure_details) || ' failure details'", 1) < 0)
		return -1;
	if (time_query(db, "per-domain summary, last 30 days", q1) < 0 ||
	    time_query(db, "per-result-type breakdown, last 30 days", q2) < 0 ||
	    time_query(db, "per-reporter cadence, the whole year", q3) < 0)
		return -1;
	return 0;
}

/* A visitor that counts rows and touches each string, as a caller would. */
struct count {
	long long reports, policies, details, bytes;
};

static long long
touch(const char *s)
{
	return s != NULL ? (unsigned char)s[0] : 0;
}

static int
count_report(void *ctx, const struct store_report_row *r)
{
	struct count *c = ctx;

	c->reports++;
	c->bytes += touch(r->organization_name) + touch(r->report_id);
	return 0;
}

static int
count_policy(void *ctx, const struct store_policy_row *p)
{
	struct count *c = ctx;

	c->policies++;
	c->bytes += touch(p->policy_domain) + touch(p->mx_hosts);
	return 0;
}

static int
count_failure(void *ctx, const struct store_failure_row *f)
{
	struct count *c = ctx;

	c->details++;
	c->bytes += touch(f->result_type) + touch(f->sending_mta_ip) +
	    touch(f->receiving_mx_hostname) + touch(f->receiving_ip) +
	    touch(f->failure_reason_code);
	return 0;
}

/* store_query() over the last DAYS of the data, best of three, warm. */
static int
time_store_query(struct store *st, int total_days, int days, const char *name)
{
	struct store_filter f = { 0 };
	struct count c;
	struct store_visitor v = { &c, count_report, count_policy, count_failure, 0 };
	char err[512];
	double best = 1e9, t;
	int i;

	f.until = YEAR_START + (time_t)total_days * DAY;
	f.since = f.until - (time_t)days * DAY;
	for (i = 0; i < 4; i++) {
		memset(&c, 0, sizeof(c));
		t = now();
		if (store_query(st, &f, &v, err, sizeof(err)) < 0) {
			fprintf(stderr, "store_bench: %s\n", err);
			return -1;
		}
		t = now() - t;
		if (i > 0 && t < best)	/* the first run warms */
			best = t;
	}
	printf("  %-10s %7lld reports %7lld policies %8lld details  %.3f s\n", name,
	    c.reports, c.policies, c.details, best);
	return 0;
}

static int
report_queries(struct store *st, int days)
{
	printf("\nstore_query(), as `tlsrpt report` reads (best of 3, warm):\n");
	return time_store_query(st, days, 1, "day") < 0 ||
	    time_store_query(st, days, 7, "week") < 0 ||
	    time_store_query(st, days, 30, "30 days") < 0 ||
	    time_store_query(st, days, days, "all days") < 0 ? -1 : 0;
}

static int
open_raw(struct db *db, const char *uri, const char *passfile)
{
	memset(db, 0, sizeof(*db));
	if (strncmp(uri, "postgres", 8) == 0) {
		const char *keys[] = { "dbname", "passfile", NULL };
		const char *values[] = { uri, passfile, NULL };

		db->pg = PQconnectdbParams(keys, values, 1);
		if (PQstatus(db->pg) != CONNECTION_OK) {
			fprintf(stderr, "store_bench: %s", PQerrorMessage(db->pg));
			return -1;
		}
		return 0;
	}
	if (strncmp(uri, "sqlite:", 7) == 0)
		uri += 7;
	if (sqlite3_open_v2(uri, &db->lite, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "store_bench: %s: %s\n", uri, sqlite3_errmsg(db->lite));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct store_options opt = { NULL };
	int c, days = 365, queries_only = 0, rc = 0;
	struct store *st;
	struct db db;
	char err[1024];

	memset(&db, 0, sizeof(db));
	while ((c = getopt(argc, argv, "qd:p:h")) != -1) {
		switch (c) {
		case 'q':
			queries_only = 1;
			break;
		case 'd':
			days = atoi(optarg);
			break;
		case 'p':
			opt.password_file = optarg;
			break;
		default:
			fprintf(stderr, "usage: store_bench [-q] [-d DAYS] "
			    "[-p PASSWORD_FILE] URI\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind + 1 != argc || days < 31 || days > 3660) {
		fprintf(stderr, "usage: store_bench [-q] [-d DAYS(31..3660)] "
		    "[-p PASSWORD_FILE] URI\n");
		return 2;
	}
	if ((st = store_open_with(argv[optind], &opt, err, sizeof(err))) == NULL) {
		fprintf(stderr, "store_bench: %s\n", err);
		return 1;
	}
	if (!queries_only && fill(st, days) < 0)
		rc = 1;
	if (rc == 0)
		rc = open_raw(&db, argv[optind], opt.password_file) < 0 ||
		    queries(&db, days) < 0 || report_queries(st, days) < 0;
	store_close(st);
	sqlite3_close(db.lite);
	PQfinish(db.pg);
	return rc;
}
