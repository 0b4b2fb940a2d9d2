/*
 * test_store_sqlite.c - the SQLite store: what lands in each table, one
 * copy per report, the unverified-to-verified upgrade, schema versions,
 * clear open errors, all-or-nothing storing, and two writer threads.
 *
 * Every case uses a fresh database in a private temporary directory
 * (under $TMPDIR or /tmp), removed at the end; results are checked with
 * plain SQL on a separate connection.
 */
#include "store.h"
#include "testlib.h"
#include "tlsrpt.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[1024];	/* short enough that every path under it fits */
static int db_serial;

/* ---- helpers ---------------------------------------------------------- */

static void
new_db_path(char *buf, size_t size, const char *tag)
{
	snprintf(buf, size, "%s/%s-%d.db", tmpdir, tag, ++db_serial);
}

static struct store *
open_path(const char *path)
{
	char uri[PATH_MAX + 16], err[512] = "";
	struct store *st;

	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	st = store_open(uri, err, sizeof(err));
	CHECKF(st != NULL, "store_open(%s): %s", uri, err);
	return st;
}

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		CHECKF(0, "raw open %s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/*
 * The first column of the first row of SQL, as text (integers too), in a
 * static buffer; "(null)" for SQL NULL, "(no row)" or "(error: ...)".
 */
static const char *
q(sqlite3 *db, const char *sql)
{
	static char buf[1024];
	sqlite3_stmt *st;
	int rc;

	if (db == NULL)
		return "(no db)";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(buf, sizeof(buf), "(error: %s)", sqlite3_errmsg(db));
		return buf;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(buf, sizeof(buf), "%s", t != NULL ? (const char *)t : "(null)");
	} else if (rc == SQLITE_DONE)
		snprintf(buf, sizeof(buf), "(no row)");
	else
		snprintf(buf, sizeof(buf), "(error: %s)", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return buf;
}

static long long
qi(sqlite3 *db, const char *sql)
{
	return strtoll(q(db, sql), NULL, 10);
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		CHECKF(0, "exec %s: %s", sql, msg != NULL ? msg : "?");
	sqlite3_free(msg);
}

/* Rows in reports, policies and failure_details. */
struct counts {
	long long reports, policies, details;
};

static struct counts
count_rows(const char *path)
{
	struct counts c = { -1, -1, -1 };
	sqlite3 *db = raw_open(path);

	if (db != NULL) {
		c.reports = qi(db, "SELECT count(*) FROM reports");
		c.policies = qi(db, "SELECT count(*) FROM policies");
		c.details = qi(db, "SELECT count(*) FROM failure_details");
		sqlite3_close(db);
	}
	return c;
}

#define CHECK_COUNTS(path, r, p, d) do { \
	struct counts c_ = count_rows(path); \
	CHECK_INT(c_.reports, (r)); \
	CHECK_INT(c_.policies, (p)); \
	CHECK_INT(c_.details, (d)); \
} while (0)

/*
 * A report: policy 1 (sts, DOM1) with two failure details, and when DOM2
 * is set, policy 2 (tlsa, DOM2) with one detail of result type RT2.
 */
struct spec {
	const char *org;
	const char *id;
	const char *start;
	const char *dom1;
	const char *dom2;	/* NULL: one policy only */
	const char *rt2;	/* NULL: "dane-required" */
};

static char *
spec_json(const struct spec *s)
{
	char pol2[1024] = "", *out;
	size_t size = 8192;

	if (s->dom2 != NULL)
		snprintf(pol2, sizeof(pol2), ",\n"
		    "{\"policy\": {\"policy-type\": \"tlsa\","
		    " \"policy-string\": [\"3 1 1 0123abcd\"],"
		    " \"policy-domain\": \"%s\"},"
		    " \"summary\": {\"total-successful-session-count\": 50,"
		    " \"total-failure-session-count\": 1},"
		    " \"failure-details\": [{\"result-type\": \"%s\","
		    " \"receiving-ip\": \"2001:db8::25\", \"failed-session-count\": 1}]}",
		    s->dom2, s->rt2 != NULL ? s->rt2 : "dane-required");
	if ((out = malloc(size)) == NULL)
		return NULL;
	snprintf(out, size,
	    "{\"organization-name\": \"%s\",\n"
	    " \"date-range\": {\"start-datetime\": \"%sT00:00:00Z\","
	    " \"end-datetime\": \"%sT23:59:59Z\"},\n"
	    " \"contact-info\": \"tlsrpt@reporter.example\",\n"
	    " \"report-id\": \"%s\",\n"
	    " \"policies\": [\n"
	    "{\"policy\": {\"policy-type\": \"sts\","
	    " \"policy-string\": [\"version: STSv1\", \"mode: enforce\","
	    " \"mx: mx1.example.org\", \"odd: \\\"q\\\\/\\u00e9\\\"\"],"
	    " \"policy-domain\": \"%s\", \"mx-host\": [\"mx1.example.org\", \"*.example.org\"]},"
	    " \"summary\": {\"total-successful-session-count\": 100,"
	    " \"total-failure-session-count\": 3},"
	    " \"failure-details\": ["
	    "{\"result-type\": \"certificate-expired\", \"sending-mta-ip\": \"192.0.2.1\","
	    " \"receiving-mx-hostname\": \"mx1.example.org\","
	    " \"receiving-mx-helo\": \"mx1-helo.example.org\","
	    " \"receiving-ip\": \"198.51.100.7\", \"failed-session-count\": 2,"
	    " \"additional-information\": \"https://reporter.example/why\","
	    " \"failure-reason-code\": \"X509_V_ERR_CERT_HAS_EXPIRED\"},"
	    "{\"result-type\": \"starttls-not-supported\", \"failed-session-count\": 1}]}"
	    "%s]}\n",
	    s->org, s->start, s->start, s->id, s->dom1, pol2);
	return out;
}

static struct tlsrpt_result *
parse_text(const char *json)
{
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;

	if (json == NULL) {
		CHECKF(0, "out of memory");
		return NULL;
	}
	if (tlsrpt_parse(json, strlen(json), NULL, &res, &err) != TLSRPT_OK)
		CHECKF(0, "tlsrpt_parse: %s", err.message);
	return res;
}

static struct tlsrpt_result *
parse_spec(const struct spec *s)
{
	char *json = spec_json(s);
	struct tlsrpt_result *res = parse_text(json);

	free(json);
	return res;
}

static const struct store_provenance prov_verified = {
	.queue_id = "4XyZ1abc", .mail_from = "noreply@reporter.example",
	.dkim_domain = "reporter.example", .auth_method = "dkim",
	.source = "part 2 (application/tlsrpt+gzip)", .received = 1710000000,
	.verified = 1,
};

static const struct store_provenance prov_unverified = {
	.queue_id = "5Unv", .mail_from = "noreply@reporter.example",
	.dkim_domain = NULL, .auth_method = "none", .source = "",
	.received = 1710000100, .verified = 0,
};

/* Parse S, store it with PROV, free it; returns the status. */
static enum store_status
put_spec(struct store *st, const struct spec *s,
    const struct store_provenance *prov, char *err, size_t errlen)
{
	struct tlsrpt_result *res = parse_spec(s);
	enum store_status status = STORE_ERROR;

	err[0] = '\0';
	if (res != NULL && st != NULL)
		status = store_put_report(st, &res->reports[0], prov, err, errlen);
	tlsrpt_result_free(res);
	return status;
}

static const struct spec base_spec = {
	"Example Reporter", "rpt-0001", "2024-03-01", "Example.ORG",
	"example.net", NULL,
};

/* ---- cases ------------------------------------------------------------ */

/* Every column of the three tables, for one stored report. */
static void
test_columns(void)
{
	static const struct { const char *sql, *want; } rows[] = {
		{ "SELECT organization_name FROM reports", "Example Reporter" },
		{ "SELECT contact_info FROM reports", "tlsrpt@reporter.example" },
		{ "SELECT report_id FROM reports", "rpt-0001" },
		{ "SELECT start_time FROM reports", "1709251200" },
		{ "SELECT end_time FROM reports", "1709337599" },
		{ "SELECT datetime(start_time, 'unixepoch') FROM reports",
		  "2024-03-01 00:00:00" },
		{ "SELECT policy_domains FROM reports", "example.net,example.org" },
		{ "SELECT total_successful FROM reports", "150" },
		{ "SELECT total_failure FROM reports", "4" },
		{ "SELECT verified FROM reports", "1" },
		{ "SELECT queue_id FROM reports", "4XyZ1abc" },
		{ "SELECT mail_from FROM reports", "noreply@reporter.example" },
		{ "SELECT dkim_domain FROM reports", "reporter.example" },
		{ "SELECT auth_method FROM reports", "dkim" },
		{ "SELECT source FROM reports", "part 2 (application/tlsrpt+gzip)" },
		{ "SELECT received_time FROM reports", "1710000000" },
		{ "SELECT warnings FROM reports", "[]" },
		{ "SELECT stored_time > 1700000000 FROM reports", "1" },

		{ "SELECT group_concat(policy_index) FROM policies", "0,1" },
		{ "SELECT policy_type FROM policies WHERE policy_index = 0", "sts" },
		{ "SELECT policy_domain FROM policies WHERE policy_index = 0",
		  "Example.ORG" },
		{ "SELECT policy_strings FROM policies WHERE policy_index = 0",
		  "[\"version: STSv1\",\"mode: enforce\",\"mx: mx1.example.org\","
		  "\"odd: \\\"q\\\\/\xc3\xa9\\\"\"]" },
		{ "SELECT json_extract(policy_strings, '$[3]') FROM policies"
		  " WHERE policy_index = 0", "odd: \"q\\/\xc3\xa9\"" },
		{ "SELECT mx_hosts FROM policies WHERE policy_index = 0",
		  "[\"mx1.example.org\",\"*.example.org\"]" },
		{ "SELECT total_successful || '/' || total_failure FROM policies"
		  " WHERE policy_index = 0", "100/3" },
		{ "SELECT policy_type FROM policies WHERE policy_index = 1", "tlsa" },
		{ "SELECT policy_domain FROM policies WHERE policy_index = 1",
		  "example.net" },
		{ "SELECT policy_strings FROM policies WHERE policy_index = 1",
		  "[\"3 1 1 0123abcd\"]" },
		{ "SELECT mx_hosts FROM policies WHERE policy_index = 1", "[]" },
		/* NOCASE: a domain query needs no lower() */
		{ "SELECT count(*) FROM policies WHERE policy_domain = 'example.org'",
		  "1" },

		{ "SELECT count(*) FROM failure_details f JOIN policies p"
		  " ON f.policy_fk = p.id JOIN reports r ON p.report_fk = r.id", "3" },
		{ "SELECT group_concat(detail_index) FROM failure_details f"
		  " JOIN policies p ON f.policy_fk = p.id WHERE p.policy_index = 0",
		  "0,1" },
		{ "SELECT sending_mta_ip || '|' || receiving_mx_hostname || '|' ||"
		  " receiving_mx_helo || '|' || receiving_ip || '|' ||"
		  " failed_session_count || '|' || additional_information || '|' ||"
		  " failure_reason_code FROM failure_details"
		  " WHERE result_type = 'certificate-expired'",
		  "192.0.2.1|mx1.example.org|mx1-helo.example.org|198.51.100.7|2|"
		  "https://reporter.example/why|X509_V_ERR_CERT_HAS_EXPIRED" },
		{ "SELECT coalesce(sending_mta_ip, receiving_mx_hostname,"
		  " receiving_mx_helo, receiving_ip, additional_information,"
		  " failure_reason_code, 'all null') || failed_session_count"
		  " FROM failure_details WHERE result_type = 'starttls-not-supported'",
		  "all null1" },
		{ "SELECT p.policy_domain || ' ' || f.receiving_ip FROM failure_details f"
		  " JOIN policies p ON f.policy_fk = p.id WHERE f.result_type ="
		  " 'dane-required'", "example.net 2001:db8::25" },

		{ "SELECT max(version) FROM schema_version", NULL },	/* filled below */
		{ "PRAGMA journal_mode", "wal" },
		{ "PRAGMA foreign_key_check", "(no row)" },
		{ "PRAGMA integrity_check", "ok" },
	};
	char path[PATH_MAX], err[512], version[16];
	struct store *st;
	sqlite3 *db;
	size_t i;

	new_db_path(path, sizeof(path), "columns");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_STR(err, "");
	store_close(st);
	CHECK_COUNTS(path, 1, 2, 3);

	snprintf(version, sizeof(version), "%d", store_schema_version());
	if ((db = raw_open(path)) == NULL)
		return;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *want = rows[i].want != NULL ? rows[i].want : version;

		CHECKF(strcmp(q(db, rows[i].sql), want) == 0, "%s: got \"%s\", want \"%s\"",
		    rows[i].sql, q(db, rows[i].sql), want);
	}
	sqlite3_close(db);
}

/* One copy per (organization, report-id, dates, policy domains). */
static void
test_dedup(void)
{
	static const struct {
		const char *what;
		struct spec spec;
		enum store_status want;
		long long reports, policies, details;	/* totals after */
	} rows[] = {
		{ "first copy", { "Example Reporter", "rpt-0001", "2024-03-01",
		  "example.org", "example.net", NULL }, STORE_STORED, 1, 2, 3 },
		{ "same again", { "Example Reporter", "rpt-0001", "2024-03-01",
		  "example.org", "example.net", NULL }, STORE_DUPLICATE, 1, 2, 3 },
		{ "domains swapped and upper-cased", { "Example Reporter", "rpt-0001",
		  "2024-03-01", "EXAMPLE.NET", "Example.Org", NULL },
		  STORE_DUPLICATE, 1, 2, 3 },
		{ "same domain twice", { "Example Reporter", "rpt-0002", "2024-03-01",
		  "example.org", "example.org", NULL }, STORE_STORED, 2, 4, 6 },
		{ "same domain twice, again", { "Example Reporter", "rpt-0002",
		  "2024-03-01", "example.org", NULL, NULL }, STORE_DUPLICATE, 2, 4, 6 },
		{ "other policy domain", { "Example Reporter", "rpt-0001",
		  "2024-03-01", "example.org", "example.com", NULL },
		  STORE_STORED, 3, 6, 9 },
		{ "one policy only", { "Example Reporter", "rpt-0001", "2024-03-01",
		  "example.org", NULL, NULL }, STORE_STORED, 4, 7, 11 },
		{ "other date", { "Example Reporter", "rpt-0001", "2024-03-02",
		  "example.org", "example.net", NULL }, STORE_STORED, 5, 9, 14 },
		{ "other organization", { "Other Reporter", "rpt-0001", "2024-03-01",
		  "example.org", "example.net", NULL }, STORE_STORED, 6, 11, 17 },
		{ "other result type, same key", { "Other Reporter", "rpt-0001",
		  "2024-03-01", "example.org", "example.net", "tlsa-invalid" },
		  STORE_DUPLICATE, 6, 11, 17 },
	};
	char path[PATH_MAX], err[512];
	struct store *st;
	size_t i;

	new_db_path(path, sizeof(path), "dedup");
	if ((st = open_path(path)) == NULL)
		return;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum store_status got = put_spec(st, &rows[i].spec, &prov_verified,
		    err, sizeof(err));
		struct counts c = count_rows(path);

		CHECKF(got == rows[i].want, "%s: status %d, want %d (%s)",
		    rows[i].what, (int)got, (int)rows[i].want, err);
		CHECKF(c.reports == rows[i].reports && c.policies == rows[i].policies &&
		    c.details == rows[i].details,
		    "%s: rows %lld/%lld/%lld, want %lld/%lld/%lld", rows[i].what,
		    c.reports, c.policies, c.details, rows[i].reports,
		    rows[i].policies, rows[i].details);
	}
	store_close(st);
}

/* Unverified then verified upgrades; verified is never downgraded. */
static void
test_verified_upgrade(void)
{
	struct store_provenance later_unverified = prov_unverified;
	struct store_provenance later_verified = prov_verified;
	static const struct spec other = { "Example Reporter", "rpt-0009",
	    "2024-03-05", "example.org", NULL, NULL };
	char path[PATH_MAX], err[512];
	struct store *st;
	sqlite3 *db;

	later_unverified.queue_id = "7Later";
	later_verified.queue_id = "8Again";
	new_db_path(path, sizeof(path), "upgrade");
	if ((st = open_path(path)) == NULL || (db = raw_open(path)) == NULL) {
		store_close(st);
		return;
	}

	CHECK_INT(put_spec(st, &base_spec, &prov_unverified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_STR(q(db, "SELECT verified || queue_id || auth_method ||"
	    " coalesce(dkim_domain, '-') FROM reports"), "05Unvnone-");
	CHECK_STR(q(db, "SELECT source FROM reports"), "");

	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_CONTAINS(err, "upgraded to verified");
	CHECK_STR(q(db, "SELECT verified || queue_id || auth_method || dkim_domain"
	    " || received_time || source FROM reports"),
	    "14XyZ1abcdkimreporter.example1710000000part 2 (application/tlsrpt+gzip)");
	CHECK_COUNTS(path, 1, 2, 3);

	/* neither an unverified nor another verified copy changes it now */
	CHECK_INT(put_spec(st, &base_spec, &later_unverified, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_STR(err, "");
	CHECK_INT(put_spec(st, &base_spec, &later_verified, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_STR(err, "");
	CHECK_STR(q(db, "SELECT verified || queue_id FROM reports"), "14XyZ1abc");

	/* verified first, then unverified: stays verified */
	CHECK_INT(put_spec(st, &other, &prov_verified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_INT(put_spec(st, &other, &prov_unverified, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_STR(q(db, "SELECT verified || queue_id FROM reports"
	    " WHERE report_id = 'rpt-0009'"), "14XyZ1abc");
	CHECK_COUNTS(path, 2, 3, 5);

	/* no provenance at all: stored as unverified with NULLs */
	{
		static const struct spec bare = { "Example Reporter", "rpt-0010",
		    "2024-03-06", "example.org", NULL, NULL };
		struct tlsrpt_result *res = parse_spec(&bare);

		if (res != NULL)
			CHECK_INT(store_put_report(st, &res->reports[0], NULL, err,
			    sizeof(err)), STORE_STORED);
		tlsrpt_result_free(res);
		CHECK_STR(q(db, "SELECT verified || coalesce(queue_id, auth_method,"
		    " received_time, source, '-') FROM reports WHERE report_id ="
		    " 'rpt-0010'"), "0-");
	}
	sqlite3_close(db);
	store_close(st);
}

/* Data and schema version survive reopening; a newer schema is refused. */
static void
test_reopen(void)
{
	char path[PATH_MAX], uri[PATH_MAX + 16], err[512];
	struct store *st;
	sqlite3 *db;

	new_db_path(path, sizeof(path), "reopen");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_STORED);
	store_close(st);

	/* a bare absolute path and an upper-case scheme mean SQLite too */
	st = store_open(path, err, sizeof(err));
	CHECKF(st != NULL, "bare path: %s", err);
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_DUPLICATE);
	store_close(st);
	snprintf(uri, sizeof(uri), "SQLite:%s", path);
	st = store_open(uri, err, sizeof(err));
	CHECKF(st != NULL, "SQLite: %s", err);
	store_close(st);

	CHECK_COUNTS(path, 1, 2, 3);
	if ((db = raw_open(path)) == NULL)
		return;
	CHECK_INT(qi(db, "SELECT max(version) FROM schema_version"),
	    store_schema_version());
	CHECK_INT(qi(db, "SELECT count(*) FROM schema_version"),
	    store_schema_version());

	/* a database written by a later release */
	exec_ok(db, "INSERT INTO schema_version VALUES (9999, 0)");
	err[0] = '\0';
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_CONTAINS(err, "schema version 9999 is newer");
	exec_ok(db, "DELETE FROM schema_version WHERE version = 9999");
	sqlite3_close(db);
	st = store_open(path, err, sizeof(err));
	CHECKF(st != NULL, "after removing version 9999: %s", err);
	store_close(st);
}

/* Bad URIs and unusable places: NULL and a message saying why. */
static void
test_open_errors(void)
{
	struct row {
		const char *what;
		char uri[PATH_MAX + 32];
		const char *want1, *want2;
	};
	struct row rows[12];
	size_t n = 0, i;
	char err[512], file[PATH_MAX];
	FILE *fp;

#define ROW(w, u, a, b) do { \
	rows[n].what = (w); \
	snprintf(rows[n].uri, sizeof(rows[n].uri), "%s", (u)); \
	rows[n].want1 = (a); \
	rows[n].want2 = (b); \
	n++; \
} while (0)

	ROW("empty", "", "empty", "");
	ROW("no scheme", "tlsrpt.db", "no scheme", "sqlite:/");
	ROW("unknown scheme", "mysql://user:secret@db/tlsrpt",
	    "unknown scheme \"mysql\"", "supports: sqlite");
	ROW("no path", "sqlite:", "no database path", "");
	ROW("missing directory", "sqlite:/nonexistent-tlsrpt-test/sub/t.db",
	    "directory /nonexistent-tlsrpt-test/sub: No such file or directory",
	    "create it");

	snprintf(file, sizeof(file), "%s/plain-file", tmpdir);
	if ((fp = fopen(file, "w")) != NULL)
		fclose(fp);
	snprintf(rows[n].uri, sizeof(rows[n].uri), "sqlite:%s/t.db", file);
	rows[n].what = "parent is a file";
	rows[n].want1 = "is not a directory";
	rows[n].want2 = "plain-file";
	n++;

	if (geteuid() != 0) {
		char ro[PATH_MAX], rofile[PATH_MAX];
		struct store *st;

		/* a directory the milter's user cannot write */
		snprintf(ro, sizeof(ro), "%s/readonly-dir", tmpdir);
		if (mkdir(ro, 0555) == 0) {
			snprintf(rows[n].uri, sizeof(rows[n].uri), "sqlite:%s/t.db", ro);
			rows[n].what = "read-only directory";
			rows[n].want1 = "readonly-dir: Permission denied";
			rows[n].want2 = "-wal";
			n++;
		}
		/* a database file it cannot write */
		snprintf(rofile, sizeof(rofile), "%s/readonly.db", tmpdir);
		if ((st = open_path(rofile)) != NULL) {
			store_close(st);
			chmod(rofile, 0444);
			snprintf(rows[n].uri, sizeof(rows[n].uri), "sqlite:%s", rofile);
			rows[n].what = "read-only file";
			rows[n].want1 = "read-only";
			rows[n].want2 = "readonly.db";
			n++;
		}
	} else {
		/* root writes anywhere but where no file can be made */
		struct stat sb;

		if (stat("/proc/self", &sb) == 0) {
			ROW("unwritable directory (as root)", "sqlite:/proc/tlsrpt-test.db",
			    "cannot open", "/proc/tlsrpt-test.db");
		}
	}
#undef ROW

	for (i = 0; i < n; i++) {
		struct store *st;

		snprintf(err, sizeof(err), "(unset)");
		st = store_open(rows[i].uri, err, sizeof(err));
		CHECKF(st == NULL, "%s: opened", rows[i].what);
		store_close(st);
		CHECKF(strstr(err, rows[i].want1) != NULL &&
		    strstr(err, rows[i].want2) != NULL,
		    "%s: \"%s\" lacks \"%s\" or \"%s\"", rows[i].what, err,
		    rows[i].want1, rows[i].want2);
		CHECKF(strstr(err, "secret") == NULL, "%s: URI echoed: %s",
		    rows[i].what, err);
	}
	store_close(NULL);
}

/* A failure at any stage leaves nothing of that report behind. */
static void
test_rollback(void)
{
	static const struct {
		const char *what;
		const char *trigger;
		const char *want;	/* in the error message */
	} rows[] = {
		{ "reports row", "CREATE TRIGGER boom BEFORE INSERT ON reports"
		  " WHEN NEW.report_id = 'boom' BEGIN"
		  " SELECT RAISE(ABORT, 'injected failure'); END",
		  "inserting the report: injected failure" },
		{ "second policy", "CREATE TRIGGER boom BEFORE INSERT ON policies"
		  " WHEN NEW.policy_domain = 'boom.example' BEGIN"
		  " SELECT RAISE(ABORT, 'injected failure'); END",
		  "inserting policy 2: injected failure" },
		{ "last failure detail", "CREATE TRIGGER boom BEFORE INSERT ON"
		  " failure_details WHEN NEW.result_type = 'boom-type' BEGIN"
		  " SELECT RAISE(ABORT, 'injected failure'); END",
		  "inserting failure detail 1 of policy 2: injected failure" },
		{ "after the last detail", "CREATE TRIGGER boom AFTER INSERT ON"
		  " failure_details WHEN NEW.result_type = 'boom-type' BEGIN"
		  " SELECT RAISE(FAIL, 'injected failure'); END",
		  "injected failure" },
	};
	static const struct spec boom = { "Example Reporter", "boom", "2024-03-01",
	    "example.org", "boom.example", "boom-type" };
	static const struct spec good2 = { "Example Reporter", "rpt-0002",
	    "2024-03-01", "example.org", NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char path[PATH_MAX], err[512];
		struct store *st;
		sqlite3 *db;

		new_db_path(path, sizeof(path), "rollback");
		if ((st = open_path(path)) == NULL)
			continue;
		CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
		    STORE_STORED);
		if ((db = raw_open(path)) != NULL) {
			exec_ok(db, rows[i].trigger);
			CHECKF(put_spec(st, &boom, &prov_verified, err, sizeof(err)) ==
			    STORE_ERROR, "%s: stored despite the trigger", rows[i].what);
			CHECKF(strstr(err, rows[i].want) != NULL,
			    "%s: \"%s\" lacks \"%s\"", rows[i].what, err, rows[i].want);
			CHECK_COUNTS(path, 1, 2, 3);
			CHECK_STR(q(db, "SELECT count(*) FROM reports WHERE"
			    " report_id = 'boom'"), "0");

			/* the handle is still good, and so is the report */
			CHECKF(put_spec(st, &good2, &prov_verified, err, sizeof(err)) ==
			    STORE_STORED, "%s: next report: %s", rows[i].what, err);
			exec_ok(db, "DROP TRIGGER boom");
			CHECKF(put_spec(st, &boom, &prov_verified, err, sizeof(err)) ==
			    STORE_STORED, "%s: without the trigger: %s", rows[i].what, err);
			CHECK_COUNTS(path, 3, 5, 8);
			sqlite3_close(db);
		}
		store_close(st);
	}
}

/* A writer holding the lock for a moment makes store_put_report wait, not fail. */
struct holder {
	sqlite3 *db;
	int ok;
};

static void *
hold_then_commit(void *arg)
{
	struct holder *h = arg;
	struct timespec ts = { 0, 300 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	h->ok = sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	return NULL;
}

static void
test_busy_wait(void)
{
	char path[PATH_MAX], err[512];
	struct holder h = { NULL, 0 };
	struct store *st;
	pthread_t t;

	new_db_path(path, sizeof(path), "busy");
	if ((st = open_path(path)) == NULL)
		return;
	if ((h.db = raw_open(path)) == NULL) {
		store_close(st);
		return;
	}
	exec_ok(h.db, "BEGIN IMMEDIATE; CREATE TABLE holder (x)");
	if (pthread_create(&t, NULL, hold_then_commit, &h) == 0) {
		CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
		    STORE_STORED);
		CHECK_STR(err, "");
		pthread_join(t, NULL);
		CHECK(h.ok);
	}
	sqlite3_close(h.db);
	store_close(st);
	CHECK_COUNTS(path, 1, 2, 3);
}

/* Two handles in two threads, 200 reports each, at the same time. */
#define THREAD_REPORTS	200

struct writer {
	const char *path;
	int n;
	int stored, other;
	char err[512];
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	char uri[PATH_MAX + 16], id[64], err[512];
	struct store *st;
	int i;

	snprintf(uri, sizeof(uri), "sqlite:%s", w->path);
	if ((st = store_open(uri, w->err, sizeof(w->err))) == NULL) {
		w->other = THREAD_REPORTS;
		return NULL;
	}
	for (i = 0; i < THREAD_REPORTS; i++) {
		struct spec s = { "Thread Reporter", id, "2024-04-01", "example.org",
		    "example.net", NULL };
		struct tlsrpt_result *res;
		char *json;
		struct tlsrpt_error perr;
		enum store_status status = STORE_ERROR;

		snprintf(id, sizeof(id), "thread%d-%03d", w->n, i);
		json = spec_json(&s);
		if (json != NULL && tlsrpt_parse(json, strlen(json), NULL, &res,
		    &perr) == TLSRPT_OK) {
			status = store_put_report(st, &res->reports[0], &prov_verified,
			    err, sizeof(err));
			tlsrpt_result_free(res);
		} else
			snprintf(err, sizeof(err), "parse failed");
		free(json);
		if (status == STORE_STORED)
			w->stored++;
		else {
			if (w->other++ == 0)
				snprintf(w->err, sizeof(w->err), "%s", err);
		}
	}
	store_close(st);
	return NULL;
}

static void
test_threads(void)
{
	struct writer w[2];
	pthread_t t[2];
	char path[PATH_MAX];
	int i, started[2];

	/* a fresh file: both threads also race to create the schema */
	new_db_path(path, sizeof(path), "threads");
	for (i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].path = path;
		w[i].n = i;
		started[i] = pthread_create(&t[i], NULL, writer_main, &w[i]) == 0;
		CHECK(started[i]);
	}
	for (i = 0; i < 2; i++) {
		if (!started[i])
			continue;
		pthread_join(t[i], NULL);
		CHECKF(w[i].stored == THREAD_REPORTS && w[i].other == 0,
		    "thread %d: %d stored, %d not (%s)", i, w[i].stored, w[i].other,
		    w[i].err);
	}
	CHECK_COUNTS(path, 2 * THREAD_REPORTS, 4 * THREAD_REPORTS,
	    6 * THREAD_REPORTS);
}

/* Real-world shapes from the fixtures: counts match the parsed structs. */
static void
test_fixtures(void)
{
	static const struct {
		const char *file;
		const char *sql, *want;	/* one more check on the stored row */
	} rows[] = {
		{ "json-multi-policy.json", "SELECT policy_domains <> '' FROM reports",
		  "1" },
		{ "json-sum-mismatch.json",
		  "SELECT json_array_length(warnings) > 0 FROM reports", "1" },
		{ "json-no-policy-domain.json",
		  "SELECT policy_domains || '|' || coalesce(policy_domain, 'NULL')"
		  " FROM reports r JOIN policies p ON p.report_fk = r.id", "|NULL" },
		{ "json-contact-null.json",
		  "SELECT coalesce(contact_info, 'NULL') FROM reports", "NULL" },
		{ "json-ms-tlsa-string.json",
		  "SELECT json_valid(policy_strings) FROM policies LIMIT 1", "1" },
		{ "json-all-result-types.json",
		  "SELECT count(DISTINCT result_type) >= 11 FROM failure_details", "1" },
		{ "json-unknown-result-type.json",
		  "SELECT count(*) > 0 FROM failure_details", "1" },
		{ "json-empty-strings.json", "SELECT json_valid(warnings) FROM reports",
		  "1" },
		{ "json-mx-prefix.json",
		  "SELECT instr(mx_hosts, 'mx: ') FROM policies LIMIT 1", "0" },
		{ "json-details-omitted.json",
		  "SELECT count(*) FROM failure_details", "0" },
	};
	size_t i, p;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char path[PATH_MAX], file[256], err[512], *data;
		struct tlsrpt_result *res;
		struct tlsrpt_error perr;
		struct store *st;
		size_t len, n_pol, n_det = 0;
		sqlite3 *db;

		snprintf(file, sizeof(file), "tests/fixtures/%s", rows[i].file);
		if ((data = test_read_file(file, &len)) == NULL) {
			CHECKF(0, "cannot read %s", rows[i].file);
			continue;
		}
		if (tlsrpt_parse(data, len, NULL, &res, &perr) != TLSRPT_OK) {
			CHECKF(0, "%s: %s", rows[i].file, perr.message);
			free(data);
			continue;
		}
		free(data);
		new_db_path(path, sizeof(path), "fixture");
		if ((st = open_path(path)) != NULL) {
			const struct tlsrpt_report *rep = &res->reports[0];

			CHECKF(store_put_report(st, rep, &prov_verified, err,
			    sizeof(err)) == STORE_STORED, "%s: %s", rows[i].file, err);
			CHECKF(store_put_report(st, rep, &prov_verified, err,
			    sizeof(err)) == STORE_DUPLICATE, "%s: again: %s",
			    rows[i].file, err);
			store_close(st);
			n_pol = rep->n_policies;
			for (p = 0; p < n_pol; p++)
				n_det += rep->policies[p].n_details;
			CHECK_COUNTS(path, 1, (long long)n_pol, (long long)n_det);
			if ((db = raw_open(path)) != NULL) {
				CHECKF(strcmp(q(db, rows[i].sql), rows[i].want) == 0,
				    "%s: %s: got \"%s\", want \"%s\"", rows[i].file,
				    rows[i].sql, q(db, rows[i].sql), rows[i].want);
				sqlite3_close(db);
			}
		}
		tlsrpt_result_free(res);
	}
}

/* ---- setup ------------------------------------------------------------ */

static void
remove_tmpdir(void)
{
	DIR *d;
	struct dirent *de;
	char p[PATH_MAX * 2];

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
		/* Linux says EISDIR for a directory; POSIX allows EPERM */
		if (unlink(p) < 0 && (errno == EISDIR || errno == EPERM))
			rmdir(p);
	}
	closedir(d);
	if (rmdir(tmpdir) < 0)
		fprintf(stderr, "test_store_sqlite: cannot remove %s: %s\n", tmpdir,
		    strerror(errno));
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_store_sqlite.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 99;
	}
	tlsrpt_library_init();

	test_columns();
	test_dedup();
	test_verified_upgrade();
	test_reopen();
	test_open_errors();
	test_rollback();
	test_busy_wait();
	test_threads();
	test_fixtures();

	remove_tmpdir();
	tlsrpt_library_shutdown();
	return test_summary("test_store_sqlite");
}
