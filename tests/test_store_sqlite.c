/*
 * test_store_sqlite.c - the store suite, for either backend: what lands in
 * each table, the schema's shape, one copy per report and signer (a copy
 * signed by another, or unverified, never keeps the reporter's own out),
 * schema versions and migrations, clear open errors,
 * all-or-nothing storing, waiting for a writer holding the same report,
 * writer threads (distinct and identical reports), strings that look
 * like SQL, and retention (prune, its batches and kept dedup keys).
 *
 * Without TLSRPT_TEST_STORE_URI every case uses a fresh SQLite database in
 * a private temporary directory (under $TMPDIR or /tmp), removed at the
 * end.  With TLSRPT_TEST_STORE_URI=postgresql://... (and, when it needs a
 * password, TLSRPT_TEST_STORE_PASSWORD_FILE, passed as
 * store_options.password_file) every case uses a fresh schema in that
 * database instead, selected through the URI's search_path option and
 * dropped at the end; cases about SQLite files and WAL are skipped.
 * Results are checked with plain SQL, in the backend's dialect, on a
 * separate connection.
 *
 * Two helper modes serve tests/store_pgsql.sh, on the database of
 * TLSRPT_TEST_STORE_URI itself:
 *   test_store_sqlite put-many TAG N   store reports TAG-0000..N-1, print
 *                                      "stored S duplicate D error E"
 *   test_store_sqlite serve            one handle, driven from stdin:
 *                                      "put ID", "file PATH", "reopen";
 *                                      each answered by one line, "STORED",
 *                                      "DUPLICATE", "OPEN" or "ERROR: why"
 */
#include "rfc3339.h"
#include "store.h"
#include "testlib.h"
#include "tlsrpt.h"

#include <dirent.h>
#include <errno.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Big enough for a path under tmpdir or a URI with a schema option. */
#define TARGET_MAX	(PATH_MAX + 64)
/* Schema steps a new store records: versions 1 to 5 and 7. */
#define MIGRATION_STEPS		6
#define MIGRATION_STEPS_S	"6"

static char tmpdir[1024];	/* short enough that every path under it fits */
static int db_serial;

static int pg_mode;		/* the suite runs against PostgreSQL */
static const char *pg_uri;	/* TLSRPT_TEST_STORE_URI */
static const char *pg_passfile;	/* TLSRPT_TEST_STORE_PASSWORD_FILE, or NULL */
static PGconn *pg_admin;	/* on pg_uri: creates and drops the schemas */
#define MAX_SCHEMAS	64
static char schemas[MAX_SCHEMAS][64];
static int n_schemas;

/* ---- databases under test --------------------------------------------- */

/* SQL for this backend: PG, unless it is NULL (the same as LITE). */
static const char *
dialect(const char *lite, const char *pg)
{
	return pg_mode && pg != NULL ? pg : lite;
}

/* A row only for SQLite has "" as its PostgreSQL text. */
#define ONLY_SQLITE	""

static PGconn *
pg_connect(const char *uri)
{
	const char *keys[] = { "dbname", "passfile", NULL };
	const char *values[] = { uri, pg_passfile, NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		CHECKF(0, "connecting to %s: %s", uri,
		    conn != NULL ? PQerrorMessage(conn) : "out of memory");
		PQfinish(conn);
		return NULL;
	}
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	return conn;
}

/*
 * A fresh database: a new SQLite file, or a new PostgreSQL schema and
 * the URI that selects it.  BUF names it for open_target() and raw_open().
 */
static void
new_db_path(char *buf, size_t size, const char *tag)
{
	char sql[128];
	PGresult *res;
	char *schema;

	if (!pg_mode) {
		snprintf(buf, size, "%s/%s-%d.db", tmpdir, tag, ++db_serial);
		return;
	}
	buf[0] = '\0';
	if (n_schemas == MAX_SCHEMAS) {
		CHECKF(0, "more than %d schemas", MAX_SCHEMAS);
		return;
	}
	schema = schemas[n_schemas];
	snprintf(schema, sizeof(schemas[0]), "tlsrpt_test_%ld_%s_%d",
	    (long)getpid(), tag, ++db_serial);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %.63s", schema);
	res = PQexec(pg_admin, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		CHECKF(0, "%s: %s", sql, PQerrorMessage(pg_admin));
	else {
		n_schemas++;
		snprintf(buf, size, "%s%coptions=-csearch_path%%3D%s", pg_uri,
		    strchr(pg_uri, '?') != NULL ? '&' : '?', schema);
	}
	PQclear(res);
}

static void
drop_schemas(void)
{
	char sql[128];
	int i;

	for (i = 0; i < n_schemas; i++) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA %.63s CASCADE", schemas[i]);
		PQclear(PQexec(pg_admin, sql));
	}
}

/* The Database URI of TARGET. */
static void
target_uri(char *buf, size_t size, const char *target)
{
	snprintf(buf, size, pg_mode ? "%s" : "sqlite:%s", target);
}

static struct store *
open_uri(const char *uri, char *err, size_t errlen)
{
	struct store_options opt = { .password_file = pg_passfile };

	return store_open_with(uri, &opt, err, errlen);
}

static struct store *
open_path(const char *target)
{
	char uri[TARGET_MAX + 16], err[512] = "";
	struct store *st;

	target_uri(uri, sizeof(uri), target);
	st = open_uri(uri, err, sizeof(err));
	CHECKF(st != NULL, "store_open(%s): %s", uri, err);
	return st;
}

/* A plain connection of our own, to look at what the store wrote. */
struct raw {
	sqlite3 *lite;
	PGconn *pg;
};

static struct raw *
raw_open(const char *target)
{
	struct raw *db;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		CHECKF(0, "out of memory");
		return NULL;
	}
	if (pg_mode) {
		if ((db->pg = pg_connect(target)) != NULL)
			return db;
	} else if (sqlite3_open_v2(target, &db->lite, SQLITE_OPEN_READWRITE,
	    NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db->lite, 5000);
		return db;
	} else {
		CHECKF(0, "raw open %s: %s", target, sqlite3_errmsg(db->lite));
		sqlite3_close(db->lite);
	}
	free(db);
	return NULL;
}

static void
raw_close(struct raw *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->lite);
	PQfinish(db->pg);
	free(db);
}

/* One line, without libpq's newlines. */
static const char *
pg_message(PGconn *conn)
{
	static char buf[512];
	char *p;

	snprintf(buf, sizeof(buf), "%s", PQerrorMessage(conn));
	for (p = buf; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return buf;
}

/*
 * The first column of the first row of SQL, as text (integers too), in a
 * static buffer; "(null)" for SQL NULL, "(no row)" or "(error: ...)".
 */
static const char *
q(struct raw *db, const char *sql)
{
	static char buf[2048];
	sqlite3_stmt *st;
	PGresult *res;
	int rc;

	if (db == NULL)
		return "(no db)";
	if (db->pg != NULL) {
		res = PQexec(db->pg, sql);
		rc = PQresultStatus(res);
		if (rc == PGRES_TUPLES_OK && PQntuples(res) > 0)
			snprintf(buf, sizeof(buf), "%s", PQgetisnull(res, 0, 0) ?
			    "(null)" : PQgetvalue(res, 0, 0));
		else if (rc == PGRES_TUPLES_OK || rc == PGRES_COMMAND_OK)
			snprintf(buf, sizeof(buf), "(no row)");
		else
			snprintf(buf, sizeof(buf), "(error: %s)", pg_message(db->pg));
		PQclear(res);
		return buf;
	}
	if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(buf, sizeof(buf), "(error: %s)", sqlite3_errmsg(db->lite));
		return buf;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(buf, sizeof(buf), "%s", t != NULL ? (const char *)t : "(null)");
	} else if (rc == SQLITE_DONE)
		snprintf(buf, sizeof(buf), "(no row)");
	else
		snprintf(buf, sizeof(buf), "(error: %s)", sqlite3_errmsg(db->lite));
	sqlite3_finalize(st);
	return buf;
}

static long long
qi(struct raw *db, const char *sql)
{
	return strtoll(q(db, sql), NULL, 10);
}

static void
exec_ok(struct raw *db, const char *sql)
{
	char *msg = NULL;
	PGresult *res;

	if (db == NULL)
		return;
	if (db->pg != NULL) {
		res = PQexec(db->pg, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    PQresultStatus(res) != PGRES_TUPLES_OK)
			CHECKF(0, "exec %s: %s", sql, pg_message(db->pg));
		PQclear(res);
		return;
	}
	if (sqlite3_exec(db->lite, sql, NULL, NULL, &msg) != SQLITE_OK)
		CHECKF(0, "exec %s: %s", sql, msg != NULL ? msg : "?");
	sqlite3_free(msg);
}

/* Rows in reports, policies and failure_details. */
struct counts {
	long long reports, policies, details;
};

static struct counts
count_rows(const char *target)
{
	struct counts c = { -1, -1, -1 };
	struct raw *db = raw_open(target);

	if (db != NULL) {
		c.reports = qi(db, "SELECT count(*) FROM reports");
		c.policies = qi(db, "SELECT count(*) FROM policies");
		c.details = qi(db, "SELECT count(*) FROM failure_details");
		raw_close(db);
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
	static const struct { const char *sql, *pg, *want; } rows[] = {
		{ "SELECT organization_name FROM reports", NULL, "Example Reporter" },
		{ "SELECT contact_info FROM reports", NULL, "tlsrpt@reporter.example" },
		{ "SELECT report_id FROM reports", NULL, "rpt-0001" },
		{ "SELECT start_time FROM reports", NULL, "1709251200" },
		{ "SELECT end_time FROM reports", NULL, "1709337599" },
		{ "SELECT datetime(start_time, 'unixepoch') FROM reports",
		  "SELECT to_char(to_timestamp(start_time) AT TIME ZONE 'UTC',"
		  " 'YYYY-MM-DD HH24:MI:SS') FROM reports", "2024-03-01 00:00:00" },
		{ "SELECT policy_domains FROM reports", NULL,
		  "example.net,example.org" },
		{ "SELECT total_successful FROM reports", NULL, "150" },
		{ "SELECT total_failure FROM reports", NULL, "4" },
		{ "SELECT verified FROM reports", NULL, "1" },
		{ "SELECT queue_id FROM reports", NULL, "4XyZ1abc" },
		{ "SELECT mail_from FROM reports", NULL, "noreply@reporter.example" },
		{ "SELECT dkim_domain FROM reports", NULL, "reporter.example" },
		{ "SELECT signer FROM reports", NULL, "reporter.example" },
		{ "SELECT auth_method FROM reports", NULL, "dkim" },
		{ "SELECT source FROM reports", NULL,
		  "part 2 (application/tlsrpt+gzip)" },
		{ "SELECT received_time FROM reports", NULL, "1710000000" },
		{ "SELECT warnings FROM reports", NULL, "[]" },
		{ "SELECT CASE WHEN stored_time > 1700000000 THEN 1 ELSE 0 END"
		  " FROM reports", NULL, "1" },

		{ "SELECT group_concat(policy_index) FROM policies",
		  "SELECT string_agg(policy_index::text, ',' ORDER BY policy_index)"
		  " FROM policies", "0,1" },
		{ "SELECT policy_type FROM policies WHERE policy_index = 0", NULL,
		  "sts" },
		{ "SELECT policy_domain FROM policies WHERE policy_index = 0", NULL,
		  "Example.ORG" },
		{ "SELECT policy_strings FROM policies WHERE policy_index = 0", NULL,
		  "[\"version: STSv1\",\"mode: enforce\",\"mx: mx1.example.org\","
		  "\"odd: \\\"q\\\\/\xc3\xa9\\\"\"]" },
		{ "SELECT json_extract(policy_strings, '$[3]') FROM policies"
		  " WHERE policy_index = 0",
		  "SELECT policy_strings::jsonb ->> 3 FROM policies"
		  " WHERE policy_index = 0", "odd: \"q\\/\xc3\xa9\"" },
		{ "SELECT mx_hosts FROM policies WHERE policy_index = 0", NULL,
		  "[\"mx1.example.org\",\"*.example.org\"]" },
		{ "SELECT total_successful || '/' || total_failure FROM policies"
		  " WHERE policy_index = 0", NULL, "100/3" },
		{ "SELECT policy_type FROM policies WHERE policy_index = 1", NULL,
		  "tlsa" },
		{ "SELECT policy_domain FROM policies WHERE policy_index = 1", NULL,
		  "example.net" },
		{ "SELECT policy_strings FROM policies WHERE policy_index = 1", NULL,
		  "[\"3 1 1 0123abcd\"]" },
		{ "SELECT mx_hosts FROM policies WHERE policy_index = 1", NULL, "[]" },
		/* NOCASE: a domain query needs no lower() */
		{ "SELECT count(*) FROM policies WHERE policy_domain = 'example.org'",
		  NULL, "1" },
		{ "SELECT count(*) FROM failure_details WHERE receiving_mx_hostname"
		  " = 'MX1.Example.Org'", NULL, "1" },

		{ "SELECT count(*) FROM failure_details f JOIN policies p"
		  " ON f.policy_fk = p.id JOIN reports r ON p.report_fk = r.id", NULL,
		  "3" },
		{ "SELECT group_concat(detail_index) FROM failure_details f"
		  " JOIN policies p ON f.policy_fk = p.id WHERE p.policy_index = 0",
		  "SELECT string_agg(detail_index::text, ',' ORDER BY detail_index)"
		  " FROM failure_details f JOIN policies p ON f.policy_fk = p.id"
		  " WHERE p.policy_index = 0", "0,1" },
		{ "SELECT sending_mta_ip || '|' || receiving_mx_hostname || '|' ||"
		  " receiving_mx_helo || '|' || receiving_ip || '|' ||"
		  " failed_session_count || '|' || additional_information || '|' ||"
		  " failure_reason_code FROM failure_details"
		  " WHERE result_type = 'certificate-expired'", NULL,
		  "192.0.2.1|mx1.example.org|mx1-helo.example.org|198.51.100.7|2|"
		  "https://reporter.example/why|X509_V_ERR_CERT_HAS_EXPIRED" },
		{ "SELECT coalesce(sending_mta_ip, receiving_mx_hostname,"
		  " receiving_mx_helo, receiving_ip, additional_information,"
		  " failure_reason_code, 'all null') || failed_session_count"
		  " FROM failure_details WHERE result_type = 'starttls-not-supported'",
		  NULL, "all null1" },
		{ "SELECT p.policy_domain || ' ' || f.receiving_ip FROM failure_details f"
		  " JOIN policies p ON f.policy_fk = p.id WHERE f.result_type ="
		  " 'dane-required'", NULL, "example.net 2001:db8::25" },

		{ "SELECT max(version) FROM schema_version", NULL, NULL },	/* below */
		{ "PRAGMA journal_mode", ONLY_SQLITE, "wal" },
		{ "PRAGMA foreign_key_check", ONLY_SQLITE, "(no row)" },
		{ "PRAGMA integrity_check", ONLY_SQLITE, "ok" },
	};
	char path[TARGET_MAX], err[512], version[16];
	struct store *st;
	struct raw *db;
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
		const char *sql = dialect(rows[i].sql, rows[i].pg);
		const char *want = rows[i].want != NULL ? rows[i].want : version;

		if (sql[0] == '\0')
			continue;
		CHECKF(strcmp(q(db, sql), want) == 0, "%s: got \"%s\", want \"%s\"",
		    sql, q(db, sql), want);
	}
	raw_close(db);
}

/* The same tables, columns and indexes on every backend. */
static void
test_schema_shape(void)
{
	static const struct { const char *what, *sql, *pg, *want; } rows[] = {
		{ "columns",
		  "SELECT group_concat(c, ' ') FROM (SELECT m.name || '.' || p.name"
		  " AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p"
		  " WHERE m.type = 'table' ORDER BY 1)",
		  "SELECT string_agg(table_name || '.' || column_name, ' ' ORDER BY"
		  " table_name || '.' || column_name COLLATE \"C\")"
		  " FROM information_schema.columns"
		  " WHERE table_schema = current_schema()",
		  "failure_details.additional_information"
		  " failure_details.detail_index failure_details.failed_session_count"
		  " failure_details.failure_reason_code failure_details.folded_details"
		  " failure_details.id"
		  " failure_details.policy_fk failure_details.receiving_ip"
		  " failure_details.receiving_mx_helo"
		  " failure_details.receiving_mx_hostname failure_details.result_type"
		  " failure_details.sending_mta_ip policies.id policies.mx_hosts"
		  " policies.policy_domain policies.policy_index"
		  " policies.policy_strings policies.policy_type policies.report_fk"
		  " policies.total_failure policies.total_successful"
		  " probe_runs.domain probe_runs.last_run probes.cert_names"
		  " probes.cert_not_after probes.domain probes.id probes.mx"
		  " probes.result_type probes.run_time probes.spki_sha256"
		  " probes.starttls probes.sts_covered probes.sts_id"
		  " probes.sts_max_age probes.sts_mode probes.sts_policy"
		  " probes.tls_version probes.tlsa probes.tlsa_dnssec"
		  " probes.tlsa_match probes.tlsrpt_record"
		  " pruned_reports.end_time pruned_reports.organization_name"
		  " pruned_reports.policy_domains pruned_reports.pruned_time"
		  " pruned_reports.report_id pruned_reports.signer"
		  " pruned_reports.start_time"
		  " reports.auth_method reports.contact_info reports.dkim_domain"
		  " reports.end_time reports.id reports.mail_from"
		  " reports.organization_name reports.policy_domains"
		  " reports.queue_id reports.received_time reports.report_id"
		  " reports.signer reports.source reports.start_time reports.stored_time"
		  " reports.total_failure reports.total_successful reports.verified"
		  " reports.warnings schema_version.applied_time"
		  " schema_version.version" },
		{ "indexes",
		  "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
		  " WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)",
		  "SELECT string_agg(indexname, ' ' ORDER BY indexname COLLATE \"C\")"
		  " FROM pg_indexes WHERE schemaname = current_schema()"
		  " AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'"
		  " AND indexname NOT IN ('reports_dedup', 'pruned_reports_dedup')",
		  "failure_details_mx failure_details_result_type policies_domain"
		  " probes_host probes_time pruned_reports_time reports_end_time reports_organization"
		  " reports_start_time" },
		{ "unique constraints",
		  "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
		  " AND name LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\'",
		  /* two UNIQUE constraints and the dedup keys' unique indexes */
		  "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
		  " JOIN pg_namespace n ON c.relnamespace = n.oid"
		  " WHERE n.nspname = current_schema() AND i.indisunique"
		  " AND NOT i.indisprimary AND c.relname NOT LIKE 'schema\\_version%'", "4" },
		{ "foreign keys",
		  "SELECT count(*) FROM sqlite_master m JOIN"
		  " pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
		  " AND f.on_delete = 'CASCADE'",
		  "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n"
		  " ON c.connamespace = n.oid WHERE n.nspname = current_schema()"
		  " AND c.contype = 'f' AND c.confdeltype = 'c'", "2" },
	};
	char path[TARGET_MAX];
	struct store *st;
	struct raw *db;
	size_t i;

	new_db_path(path, sizeof(path), "shape");
	if ((st = open_path(path)) == NULL)
		return;
	store_close(st);
	if ((db = raw_open(path)) == NULL)
		return;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *sql = dialect(rows[i].sql, rows[i].pg);

		CHECKF(strcmp(q(db, sql), rows[i].want) == 0,
		    "%s: got \"%s\", want \"%s\"", rows[i].what, q(db, sql),
		    rows[i].want);
	}
	raw_close(db);
}

/*
 * A report with more failure details than the store keeps: the first
 * STORE_MAX_DETAILS_PER_POLICY of each policy as they came, the rest one
 * row per result type (an unregistered type as "(other)") with the sum
 * of their sessions and how many details they stand for; the report cap
 * folds the second policy's details after the first 1000 of the report.
 */
static void
test_fold(void)
{
	/*
	 * policy 0: 1,500 details of three types; policies 1-11: 100 each.
	 * Kept: 100 of policy 0 and of policies 1-9 (the report's 1,000);
	 * folded: 1,400 of policy 0 into 3 rows, policies 10-11 into 1 each.
	 */
	size_t cap = 1 << 20, len = 0, i, p;
	char *json = malloc(cap), path[TARGET_MAX], err[512] = "";
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error perr;
	struct store *st = NULL;
	struct raw *db = NULL;

	if (json == NULL) {
		CHECKF(0, "out of memory");
		return;
	}
	len += (size_t)snprintf(json + len, cap - len, "{\"organization-name\":\"Fold\","
	    "\"report-id\":\"fold-1\",\"date-range\":{\"start-datetime\":"
	    "\"2024-03-01T00:00:00Z\",\"end-datetime\":\"2024-03-01T23:59:59Z\"},"
	    "\"policies\":[");
	for (p = 0; p < 12; p++) {
		len += (size_t)snprintf(json + len, cap - len, "%s{\"policy\":{\"policy-type\":"
		    "\"sts\",\"policy-domain\":\"fold%zu.example\"},\"summary\":{"
		    "\"total-successful-session-count\":0,\"total-failure-session-count\":%d},"
		    "\"failure-details\":[", p ? "," : "", p, p == 0 ? 3000 : 100);
		for (i = 0; i < (p == 0 ? 1500u : 100u); i++)
			len += (size_t)snprintf(json + len, cap - len, "%s{\"result-type\":"
			    "\"%s\",\"receiving-mx-hostname\":\"mx%zu.fold.example\","
			    "\"sending-mta-ip\":\"192.0.2.%zu\",\"failed-session-count\":%d}",
			    i ? "," : "", p > 0 ? "dane-required" : i % 3 == 0 ?
			    "certificate-expired" : i % 3 == 1 ? "validation-failure" :
			    "made-up-type", i, i % 250, p == 0 ? 2 : 1);
		len += (size_t)snprintf(json + len, cap - len, "]}");
	}
	len += (size_t)snprintf(json + len, cap - len, "]}");
	new_db_path(path, sizeof(path), "fold");
	if (tlsrpt_parse(json, len, NULL, &res, &perr) != TLSRPT_OK) {
		CHECKF(0, "fold: parse: %s", perr.message);
		goto out;
	}
	if ((st = open_path(path)) == NULL)
		goto out;
	CHECK_INT(store_put_report(st, &res->reports[0], &prov_verified, err,
	    sizeof(err)), STORE_STORED);
	CHECKF(strstr(err, "1600 failure details beyond the first 100 per policy "
	    "(1000 per report) folded into 5 row(s)") != NULL, "fold note: \"%s\"", err);
	if ((db = raw_open(path)) == NULL)
		goto out;
	CHECK_INT(qi(db, "SELECT count(*) FROM failure_details"), 1005);
	CHECK_INT(qi(db, "SELECT count(*) FROM failure_details WHERE folded_details = 0"),
	    1000);
	CHECK_INT(qi(db, "SELECT sum(folded_details) FROM failure_details"), 1600);
	/* every session is still counted */
	CHECK_INT(qi(db, "SELECT sum(failed_session_count) FROM failure_details"), 4100);
	CHECK_STR(q(db, "SELECT result_type || ':' || folded_details || ':' ||"
	    " failed_session_count FROM failure_details WHERE result_type = '(other)'"),
	    "(other):467:934");
	CHECK_STR(q(db, "SELECT count(*) FROM failure_details f JOIN policies p"
	    " ON p.id = f.policy_fk WHERE p.policy_index = 0 AND folded_details > 0"), "3");
	CHECK_STR(q(db, "SELECT max(detail_index) FROM failure_details f JOIN policies p"
	    " ON p.id = f.policy_fk WHERE p.policy_index = 0 AND folded_details = 0"), "99");
	CHECK_STR(q(db, "SELECT count(*) || ' ' || sum(folded_details) FROM failure_details f"
	    " JOIN policies p ON p.id = f.policy_fk WHERE p.policy_index >= 10"
	    " AND receiving_mx_hostname IS NULL AND sending_mta_ip IS NULL"
	    " AND result_type = 'dane-required'"), "2 200");
	/* A report within the caps is stored as it came, with an empty note. */
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)), STORE_STORED);
	CHECKF(err[0] == '\0', "no fold note for a small report: \"%s\"", err);
out:
	raw_close(db);
	store_close(st);
	tlsrpt_result_free(res);
	free(json);
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
	char path[TARGET_MAX], err[512];
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

/*
 * One copy per report and signer.  An attacker's copy of a reporter's
 * report (same organization-name, report-id, dates, domains), signed by
 * the attacker and arriving first, does not make the genuine one a
 * duplicate; nor does an unverified copy, and neither is touched by it.
 */
static void
test_signer_dedup(void)
{
	static const struct spec google = { "Google Inc.", "2024-03-01T00:00:00Z_example.org",
	    "2024-03-01", "example.org", NULL, NULL };
	static const struct spec other = { "Example Reporter", "rpt-0009",
	    "2024-03-05", "example.org", NULL, NULL };
	struct store_provenance attacker = prov_verified, genuine = prov_verified;
	struct store_provenance genuine_upper = prov_verified;
	struct store_provenance unverified_signed = prov_unverified;
	struct store_provenance long_signer = prov_verified;
	char path[TARGET_MAX], err[512], longname[300];
	struct store *st;
	struct raw *db;

	attacker.queue_id = "1Attacker";
	attacker.dkim_domain = "attacker.example";
	genuine.queue_id = "2Genuine";
	genuine.dkim_domain = "google.com";
	genuine_upper.queue_id = "3Upper";
	genuine_upper.dkim_domain = "Google.COM";
	unverified_signed.queue_id = "6Unv";
	unverified_signed.dkim_domain = "other.example";
	new_db_path(path, sizeof(path), "signer");
	if ((st = open_path(path)) == NULL || (db = raw_open(path)) == NULL) {
		store_close(st);
		return;
	}

	/* the attacker's copy first, then the genuine one: both stored */
	CHECK_INT(put_spec(st, &google, &attacker, err, sizeof(err)), STORE_STORED);
	CHECK_INT(put_spec(st, &google, &genuine, err, sizeof(err)), STORE_STORED);
	CHECK_STR(err, "");
	CHECK_STR(q(db, "SELECT count(*) FROM reports"), "2");
	CHECK_STR(q(db, dialect("SELECT group_concat(queue_id || ':' || dkim_domain || ':'"
	    " || signer, ' ') FROM (SELECT * FROM reports ORDER BY id)",
	    "SELECT string_agg(queue_id || ':' || dkim_domain || ':' || signer, ' '"
	    " ORDER BY id) FROM reports")),
	    "1Attacker:attacker.example:attacker.example 2Genuine:google.com:google.com");
	CHECK_COUNTS(path, 2, 2, 4);
	/* the genuine one again, its signer in any case: a duplicate */
	CHECK_INT(put_spec(st, &google, &genuine, err, sizeof(err)), STORE_DUPLICATE);
	CHECK_STR(err, "");
	CHECK_INT(put_spec(st, &google, &genuine_upper, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_INT(put_spec(st, &google, &attacker, err, sizeof(err)), STORE_DUPLICATE);
	CHECK_COUNTS(path, 2, 2, 4);

	/* an unverified copy first, then the verified one: both stored */
	CHECK_INT(put_spec(st, &base_spec, &prov_unverified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_STR(err, "");
	CHECK_STR(q(db, "SELECT verified || queue_id || auth_method ||"
	    " coalesce(dkim_domain, '-') || '[' || signer || ']' FROM reports"
	    " WHERE report_id = 'rpt-0001' AND verified = 0"), "05Unvnone-[]");
	CHECK_STR(q(db, "SELECT verified || queue_id || auth_method || dkim_domain"
	    " || received_time || source FROM reports WHERE report_id = 'rpt-0001'"
	    " AND verified = 1"),
	    "14XyZ1abcdkimreporter.example1710000000part 2 (application/tlsrpt+gzip)");
	/* any unverified copy is one signer, '': a duplicate of the first */
	CHECK_INT(put_spec(st, &base_spec, &unverified_signed, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_COUNTS(path, 4, 6, 10);

	/* verified first, then unverified: the verified row stays as it was */
	CHECK_INT(put_spec(st, &other, &prov_verified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_INT(put_spec(st, &other, &prov_unverified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_STR(q(db, "SELECT verified || queue_id FROM reports"
	    " WHERE report_id = 'rpt-0009' AND verified = 1"), "14XyZ1abc");
	CHECK_COUNTS(path, 6, 8, 14);

	/* no provenance at all: stored as unverified with NULLs */
	{
		static const struct spec bare = { "Example Reporter", "rpt-0010",
		    "2024-03-06", "example.org", NULL, NULL };
		struct tlsrpt_result *res = parse_spec(&bare);

		if (res != NULL) {
			CHECK_INT(store_put_report(st, &res->reports[0], NULL, err,
			    sizeof(err)), STORE_STORED);
			CHECK_INT(store_put_report(st, &res->reports[0],
			    &prov_unverified, err, sizeof(err)), STORE_DUPLICATE);
		}
		tlsrpt_result_free(res);
		CHECK_STR(q(db, "SELECT verified || coalesce(queue_id, auth_method,"
		    " CAST(received_time AS TEXT), source, '-') || '[' || signer || ']'"
		    " FROM reports WHERE report_id = 'rpt-0010'"), "0-[]");
	}

	/* a signer longer than any domain name: refused, nothing written */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	long_signer.dkim_domain = longname;
	CHECK_INT(put_spec(st, &google, &long_signer, err, sizeof(err)), STORE_ERROR);
	CHECK_CONTAINS(err, "signer domain longer than a domain name");
	CHECK_COUNTS(path, 7, 9, 16);
	raw_close(db);
	store_close(st);
}

/* Data and schema version survive reopening; a newer schema is refused. */
static void
test_reopen(void)
{
	char path[TARGET_MAX], uri[TARGET_MAX + 16], err[512];
	const char *rest;
	struct store *st;
	struct raw *db;

	new_db_path(path, sizeof(path), "reopen");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_STORED);
	store_close(st);

	if (!pg_mode) {
		/* a bare absolute path and an upper-case scheme mean SQLite too */
		st = store_open(path, err, sizeof(err));
		CHECKF(st != NULL, "bare path: %s", err);
		CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
		    STORE_DUPLICATE);
		store_close(st);
		snprintf(uri, sizeof(uri), "SQLite:%s", path);
	} else {
		/* "postgres:" and an upper-case scheme mean PostgreSQL too */
		rest = strchr(path, ':') + 1;
		snprintf(uri, sizeof(uri), "postgres:%s", rest);
		st = open_uri(uri, err, sizeof(err));
		CHECKF(st != NULL, "postgres: %s", err);
		CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
		    STORE_DUPLICATE);
		store_close(st);
		snprintf(uri, sizeof(uri), "PostgreSQL:%s", rest);
	}
	st = open_uri(uri, err, sizeof(err));
	CHECKF(st != NULL, "%.12s: %s", uri, err);
	store_close(st);

	CHECK_COUNTS(path, 1, 2, 3);
	if ((db = raw_open(path)) == NULL)
		return;
	CHECK_INT(qi(db, "SELECT max(version) FROM schema_version"),
	    store_schema_version());
	CHECK_INT(qi(db, "SELECT count(*) FROM schema_version"),
	    MIGRATION_STEPS);

	/* a database written by a later release */
	exec_ok(db, "INSERT INTO schema_version VALUES (9999, 0)");
	err[0] = '\0';
	target_uri(uri, sizeof(uri), path);
	CHECK(open_uri(uri, err, sizeof(err)) == NULL);
	CHECK_CONTAINS(err, "schema version 9999 is newer");
	exec_ok(db, "DELETE FROM schema_version WHERE version = 9999");
	raw_close(db);
	st = open_uri(uri, err, sizeof(err));
	CHECKF(st != NULL, "after removing version 9999: %s", err);
	store_close(st);
}

/*
 * Bad URIs and unusable places: NULL and a message saying why, which
 * never holds a password ("secret" in every one given here).
 */
static void
test_open_errors(void)
{
	struct row {
		const char *what;
		char uri[TARGET_MAX + 32];
		const char *passfile;
		const char *want1, *want2;
	};
	struct row rows[24];
	size_t n = 0, i;
	char err[512], file[PATH_MAX], loose[PATH_MAX];
	FILE *fp;

#define ROWP(w, u, pf, a, b) do { \
	rows[n].what = (w); \
	snprintf(rows[n].uri, sizeof(rows[n].uri), "%s", (u)); \
	rows[n].passfile = (pf); \
	rows[n].want1 = (a); \
	rows[n].want2 = (b); \
	n++; \
} while (0)
#define ROW(w, u, a, b) ROWP(w, u, NULL, a, b)

	ROW("empty", "", "empty", "");
	ROW("no scheme", "tlsrpt.db", "no scheme", "sqlite:/");
	ROW("unknown scheme", "mysql://user:secret@db/tlsrpt",
	    "unknown scheme \"mysql\"", "supports: sqlite, postgresql");

	/* PostgreSQL, without a server: port 1 on loopback refuses */
	ROW("postgresql without //", "postgresql:tlsrpt", "expected a libpq URI",
	    "postgresql://[user@]host");
	ROW("refused, password in the URI",
	    "postgresql://tlsrpt:secret@127.0.0.1:1/tlsrpt?connect_timeout=5",
	    "postgresql://tlsrpt@127.0.0.1:1/tlsrpt: cannot connect",
	    "Connection refused");
	ROW("refused, percent-encoded password",
	    "postgres://tlsrpt:s%65cret%2F%3A@127.0.0.1:1/tlsrpt",
	    "postgresql://tlsrpt@127.0.0.1:1/tlsrpt: cannot connect",
	    "Connection refused");
	ROW("refused, password in the query",
	    "postgresql://127.0.0.1:1/tlsrpt?sslmode=disable&password=secret",
	    "postgresql://127.0.0.1:1/tlsrpt: cannot connect",
	    "Connection refused");
	ROW("bad port", "postgresql://tlsrpt:secret@127.0.0.1:notaport/tlsrpt",
	    "cannot connect", "\"notaport\"");
	ROW("bad percent-encoding in the password",
	    "postgresql://tlsrpt:secret%zz@127.0.0.1:1/tlsrpt",
	    "percent-encoded", "***");
	ROWP("missing password file", "postgresql://tlsrpt:secret@127.0.0.1:1/t",
	    "/nonexistent-tlsrpt-test/pgpass", "password file "
	    "/nonexistent-tlsrpt-test/pgpass: No such file or directory", "");
	snprintf(loose, sizeof(loose), "%s/pgpass-loose", tmpdir);
	if ((fp = fopen(loose, "w")) != NULL) {
		fprintf(fp, "*:*:*:tlsrpt:secret\n");
		fclose(fp);
		chmod(loose, 0644);
		ROWP("password file others may read",
		    "postgresql://tlsrpt@127.0.0.1:1/t", loose, "has mode 0644",
		    "chmod 600");
	}
	if (pg_mode) {
		/* the real server, the wrong password */
		const char *at = strchr(pg_uri, '@');

		if (at != NULL) {
			snprintf(rows[n].uri, sizeof(rows[n].uri),
			    "%.*s:wrongsecret%s", (int)(at - pg_uri), pg_uri, at);
			rows[n].what = "wrong password";
			rows[n].passfile = NULL;
			rows[n].want1 = "cannot connect";
			rows[n].want2 = "password authentication failed";
			n++;
		}
	}

	if (!pg_mode) {
		ROW("no path", "sqlite:", "no database path", "");
		ROW("missing directory", "sqlite:/nonexistent-tlsrpt-test/sub/t.db",
		    "directory /nonexistent-tlsrpt-test/sub: No such file or directory",
		    "create it");
		snprintf(file, sizeof(file), "%s/plain-file", tmpdir);
		if ((fp = fopen(file, "w")) != NULL)
			fclose(fp);
		snprintf(rows[n].uri, sizeof(rows[n].uri), "sqlite:%s/t.db", file);
		rows[n].what = "parent is a file";
		rows[n].passfile = NULL;
		rows[n].want1 = "is not a directory";
		rows[n].want2 = "plain-file";
		n++;
	}
	if (!pg_mode && geteuid() != 0) {
		char ro[PATH_MAX], rofile[PATH_MAX];
		struct store *st;

		/* a directory the milter's user cannot write */
		snprintf(ro, sizeof(ro), "%s/readonly-dir", tmpdir);
		if (mkdir(ro, 0555) == 0) {
			snprintf(rows[n].uri, sizeof(rows[n].uri), "sqlite:%s/t.db", ro);
			rows[n].what = "read-only directory";
			rows[n].passfile = NULL;
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
			rows[n].passfile = NULL;
			rows[n].want1 = "read-only";
			rows[n].want2 = "readonly.db";
			n++;
		}
	} else if (!pg_mode) {
		/* root writes anywhere but where no file can be made */
		struct stat sb;

		if (stat("/proc/self", &sb) == 0) {
			ROW("unwritable directory (as root)", "sqlite:/proc/tlsrpt-test.db",
			    "cannot open", "/proc/tlsrpt-test.db");
		}
	}
#undef ROW
#undef ROWP

	for (i = 0; i < n; i++) {
		struct store_options opt = { .password_file = rows[i].passfile };
		struct store *st;

		snprintf(err, sizeof(err), "(unset)");
		st = store_open_with(rows[i].uri, &opt, err, sizeof(err));
		CHECKF(st == NULL, "%s: opened", rows[i].what);
		store_close(st);
		CHECKF(strstr(err, rows[i].want1) != NULL &&
		    strstr(err, rows[i].want2) != NULL,
		    "%s: \"%s\" lacks \"%s\" or \"%s\"", rows[i].what, err,
		    rows[i].want1, rows[i].want2);
		CHECKF(strstr(err, "secret") == NULL && strstr(err, "%2F%3A") == NULL &&
		    strchr(err, '\n') == NULL, "%s: password or newline in: %s",
		    rows[i].what, err);
	}
	store_close(NULL);
}

/* A failure at any stage leaves nothing of that report behind. */
static void
test_rollback(void)
{
	/* PostgreSQL: the trigger calls boom(), which raises. */
	static const char pg_boom[] =
	    "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS"
	    " $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$; ";
	static const struct {
		const char *what;
		const char *trigger, *pg_trigger;
		const char *drop, *pg_drop;
		const char *want, *pg_want;	/* in the error message */
	} rows[] = {
		{ "reports row", "CREATE TRIGGER boom BEFORE INSERT ON reports"
		  " WHEN NEW.report_id = 'boom' BEGIN"
		  " SELECT RAISE(ABORT, 'injected failure'); END",
		  "CREATE TRIGGER boom BEFORE INSERT ON reports FOR EACH ROW"
		  " WHEN (NEW.report_id = 'boom') EXECUTE FUNCTION boom()",
		  "DROP TRIGGER boom", "DROP TRIGGER boom ON reports",
		  "inserting the report: injected failure", NULL },
		{ "second policy", "CREATE TRIGGER boom BEFORE INSERT ON policies"
		  " WHEN NEW.policy_domain = 'boom.example' BEGIN"
		  " SELECT RAISE(ABORT, 'injected failure'); END",
		  "CREATE TRIGGER boom BEFORE INSERT ON policies FOR EACH ROW"
		  " WHEN (NEW.policy_domain = 'boom.example') EXECUTE FUNCTION boom()",
		  "DROP TRIGGER boom", "DROP TRIGGER boom ON policies",
		  "inserting policy 2: injected failure", NULL },
		{ "last failure detail", "CREATE TRIGGER boom BEFORE INSERT ON"
		  " failure_details WHEN NEW.result_type = 'boom-type' BEGIN"
		  " SELECT RAISE(ABORT, 'injected failure'); END",
		  "CREATE TRIGGER boom BEFORE INSERT ON failure_details FOR EACH ROW"
		  " WHEN (NEW.result_type = 'boom-type') EXECUTE FUNCTION boom()",
		  "DROP TRIGGER boom", "DROP TRIGGER boom ON failure_details",
		  "inserting failure detail 1 of policy 2: injected failure",
		  "inserting the failure details of policy 2: injected failure" },
		/* PostgreSQL: a deferred check fails the COMMIT itself */
		{ "after the last detail", "CREATE TRIGGER boom AFTER INSERT ON"
		  " failure_details WHEN NEW.result_type = 'boom-type' BEGIN"
		  " SELECT RAISE(FAIL, 'injected failure'); END",
		  "CREATE CONSTRAINT TRIGGER boom AFTER INSERT ON failure_details"
		  " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
		  " WHEN (NEW.result_type = 'boom-type') EXECUTE FUNCTION boom()",
		  "DROP TRIGGER boom", "DROP TRIGGER boom ON failure_details",
		  "injected failure", "committing: injected failure" },
	};
	static const struct spec boom = { "Example Reporter", "boom", "2024-03-01",
	    "example.org", "boom.example", "boom-type" };
	static const struct spec good2 = { "Example Reporter", "rpt-0002",
	    "2024-03-01", "example.org", NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char path[TARGET_MAX], err[512], trigger[512];
		const char *want = dialect(rows[i].want, rows[i].pg_want);
		struct store *st;
		struct raw *db;

		new_db_path(path, sizeof(path), "rollback");
		if ((st = open_path(path)) == NULL)
			continue;
		CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
		    STORE_STORED);
		if ((db = raw_open(path)) != NULL) {
			snprintf(trigger, sizeof(trigger), "%s%s", pg_mode ? pg_boom : "",
			    dialect(rows[i].trigger, rows[i].pg_trigger));
			exec_ok(db, trigger);
			CHECKF(put_spec(st, &boom, &prov_verified, err, sizeof(err)) ==
			    STORE_ERROR, "%s: stored despite the trigger", rows[i].what);
			CHECKF(strstr(err, want) != NULL, "%s: \"%s\" lacks \"%s\"",
			    rows[i].what, err, want);
			CHECK_COUNTS(path, 1, 2, 3);
			CHECK_STR(q(db, "SELECT count(*) FROM reports WHERE"
			    " report_id = 'boom'"), "0");

			/* the handle is still good, and so is the report */
			CHECKF(put_spec(st, &good2, &prov_verified, err, sizeof(err)) ==
			    STORE_STORED, "%s: next report: %s", rows[i].what, err);
			exec_ok(db, dialect(rows[i].drop, rows[i].pg_drop));
			CHECKF(put_spec(st, &boom, &prov_verified, err, sizeof(err)) ==
			    STORE_STORED, "%s: without the trigger: %s", rows[i].what, err);
			CHECK_COUNTS(path, 3, 5, 8);
			raw_close(db);
		}
		store_close(st);
	}
}

/*
 * Another writer holds the same report in an open transaction (another MX
 * host storing it at this moment): store_put_report waits for it, then
 * finds a duplicate when it commits, or stores the report when it rolls
 * back.  SQLite waits on its write lock, PostgreSQL on the unique key.
 */
struct holder {
	struct raw *db;
	const char *end;	/* "COMMIT" or "ROLLBACK" */
};

static void *
hold_then_end(void *arg)
{
	struct holder *h = arg;
	struct timespec ts = { 0, 300 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	exec_ok(h->db, h->end);
	return NULL;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_concurrent_writer(void)
{
	static const struct {
		const char *end;
		enum store_status want;
		long long reports, policies, details;
	} rows[] = {
		{ "COMMIT", STORE_DUPLICATE, 1, 0, 0 },
		{ "ROLLBACK", STORE_STORED, 1, 2, 3 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char path[TARGET_MAX], err[512];
		struct holder h = { NULL, rows[i].end };
		struct store *st;
		pthread_t t;
		double t0, waited;

		new_db_path(path, sizeof(path), "wait");
		if ((st = open_path(path)) == NULL)
			continue;
		if ((h.db = raw_open(path)) == NULL) {
			store_close(st);
			continue;
		}
		exec_ok(h.db, dialect("BEGIN IMMEDIATE", "BEGIN"));
		exec_ok(h.db, "INSERT INTO reports (organization_name, report_id,"
		    " start_time, end_time, policy_domains, total_successful,"
		    " total_failure, verified, stored_time, warnings, signer) VALUES"
		    " ('Example Reporter', 'rpt-0001', 1709251200, 1709337599,"
		    " 'example.net,example.org', 0, 0, 1, 0, '[]', 'reporter.example')");
		/* The clock starts before the holder does: its 0.3 s end
		 * comes after t0 + 0.3 however the threads are scheduled, so
		 * "waited > 0.2" cannot fail under load; it fails only when
		 * the put gave up on the lock instead of waiting it out. */
		t0 = now_seconds();
		if (pthread_create(&t, NULL, hold_then_end, &h) == 0) {
			CHECKF(put_spec(st, &base_spec, &prov_verified, err,
			    sizeof(err)) == rows[i].want, "other writer %s: %s",
			    rows[i].end, err);
			waited = now_seconds() - t0;
			CHECKF(waited > 0.2, "other writer %s: waited only %.3f s",
			    rows[i].end, waited);
			pthread_join(t, NULL);
		}
		raw_close(h.db);
		store_close(st);
		CHECK_COUNTS(path, rows[i].reports, rows[i].policies, rows[i].details);
	}
}

/*
 * Two handles in two threads, 200 reports each, at the same time: their
 * own reports, or the same 200 (two MX hosts receiving the same mail).
 */
#define THREAD_REPORTS	200

struct writer {
	const char *path;
	int n;
	int same;		/* both threads store the same reports */
	int stored, duplicate, other;
	char err[512];
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	char uri[TARGET_MAX + 16], id[64], err[512];
	struct store *st;
	int i;

	target_uri(uri, sizeof(uri), w->path);
	if ((st = open_uri(uri, w->err, sizeof(w->err))) == NULL) {
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

		snprintf(id, sizeof(id), "thread%d-%03d", w->same ? 0 : w->n, i);
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
		else if (status == STORE_DUPLICATE)
			w->duplicate++;
		else if (w->other++ == 0)
			snprintf(w->err, sizeof(w->err), "%s", err);
	}
	store_close(st);
	return NULL;
}

static void
test_threads(void)
{
	int same;

	for (same = 0; same <= 1; same++) {
		struct writer w[2];
		pthread_t t[2];
		char path[TARGET_MAX];
		int i, started[2], stored = 0, duplicate = 0, n;

		/*
		 * A fresh database: both threads also race to create the
		 * schema.  The second run leaves that race to PostgreSQL (its
		 * advisory lock); on SQLite it is the first run's alone.
		 */
		new_db_path(path, sizeof(path), same ? "same" : "threads");
		if (same && !pg_mode)
			store_close(open_path(path));
		for (i = 0; i < 2; i++) {
			memset(&w[i], 0, sizeof(w[i]));
			w[i].path = path;
			w[i].n = i;
			w[i].same = same;
			started[i] = pthread_create(&t[i], NULL, writer_main, &w[i]) == 0;
			CHECK(started[i]);
		}
		for (i = 0; i < 2; i++) {
			if (!started[i])
				continue;
			pthread_join(t[i], NULL);
			CHECKF(w[i].other == 0, "%s, thread %d: %d errors (%s)",
			    same ? "same reports" : "own reports", i, w[i].other,
			    w[i].err);
			stored += w[i].stored;
			duplicate += w[i].duplicate;
		}
		n = same ? THREAD_REPORTS : 2 * THREAD_REPORTS;
		CHECKF(stored == n && duplicate == 2 * THREAD_REPORTS - n,
		    "%s: %d stored, %d duplicates", same ? "same reports" :
		    "own reports", stored, duplicate);
		CHECK_COUNTS(path, n, 2 * n, 3 * n);
	}
}

/* Strings that would break string-built SQL are stored as they are. */
static void
test_sql_injection(void)
{
	static const struct spec evil = {
	    "Evil'); DROP TABLE reports; --",
	    "x' OR '1'='1'; DELETE FROM policies; /* $$ %s \\\\ */",
	    "2024-05-01",
	    "evil.example'); DROP TABLE failure_details; --",
	    "\\\"; DROP TABLE schema_version; --",
	    "x'); UPDATE reports SET verified = 0; --" };
	static const struct { const char *sql, *want; } rows[] = {
		{ "SELECT organization_name FROM reports",
		  "Evil'); DROP TABLE reports; --" },
		{ "SELECT report_id FROM reports",
		  "x' OR '1'='1'; DELETE FROM policies; /* $$ %s \\ */" },
		{ "SELECT policy_domain FROM policies WHERE policy_index = 0",
		  "evil.example'); DROP TABLE failure_details; --" },
		{ "SELECT policy_domain FROM policies WHERE policy_index = 1",
		  "\"; DROP TABLE schema_version; --" },
		{ "SELECT policy_domains FROM reports",
		  "\"; drop table schema_version; --,"
		  "evil.example'); drop table failure_details; --" },
		{ "SELECT result_type FROM failure_details WHERE detail_index = 0"
		  " AND policy_fk = (SELECT max(id) FROM policies)",
		  "x'); UPDATE reports SET verified = 0; --" },
		{ "SELECT verified FROM reports", "1" },
		{ "SELECT count(*) FROM schema_version", MIGRATION_STEPS_S },
	};
	char path[TARGET_MAX], err[512];
	struct store *st;
	struct raw *db;
	size_t i;

	new_db_path(path, sizeof(path), "injection");
	if ((st = open_path(path)) == NULL)
		return;
	CHECKF(put_spec(st, &evil, &prov_verified, err, sizeof(err)) ==
	    STORE_STORED, "injection: %s", err);
	CHECKF(put_spec(st, &evil, &prov_verified, err, sizeof(err)) ==
	    STORE_DUPLICATE, "injection again: %s", err);
	store_close(st);
	CHECK_COUNTS(path, 1, 2, 3);
	if ((db = raw_open(path)) == NULL)
		return;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(strcmp(q(db, rows[i].sql), rows[i].want) == 0,
		    "%s: got \"%s\", want \"%s\"", rows[i].sql, q(db, rows[i].sql),
		    rows[i].want);
	raw_close(db);
}

/*
 * Strings that mean something in an array literal (PostgreSQL stores a
 * policy's details through arrays) or in CSV-like output come back as
 * they went in; a JSON null is SQL NULL, a string "NULL" is not.
 */
static void
test_special_strings(void)
{
	static const char json[] =
	    "{\"organization-name\": \"Quote, \\\"Reporter\\\"\","
	    " \"date-range\": {\"start-datetime\": \"2024-05-02T00:00:00Z\","
	    " \"end-datetime\": \"2024-05-02T23:59:59Z\"},"
	    " \"contact-info\": null, \"report-id\": \"{quotes}\","
	    " \"policies\": [{\"policy\": {\"policy-type\": \"sts\","
	    " \"policy-string\": [\"NULL\", \"\\\\\"], \"policy-domain\": \"quotes.example\"},"
	    " \"summary\": {\"total-successful-session-count\": 0,"
	    " \"total-failure-session-count\": 6},"
	    " \"failure-details\": ["
	    "{\"result-type\": \"NULL\", \"receiving-mx-hostname\": \"{a,b}\","
	    " \"failed-session-count\": 1},"
	    "{\"result-type\": \"\\\"quoted\\\"\", \"sending-mta-ip\": \"back\\\\slash\","
	    " \"failed-session-count\": 2},"
	    "{\"result-type\": \"a,b}{\", \"receiving-mx-helo\": \"NULL\","
	    " \"additional-information\": \"\\\\\\\"\", \"receiving-ip\": \"\xc3\xa9\\u00e9\","
	    " \"failed-session-count\": 3}]}]}";
	static const struct { const char *sql, *want; } rows[] = {
		{ "SELECT organization_name || '|' || report_id FROM reports",
		  "Quote, \"Reporter\"|{quotes}" },
		{ "SELECT policy_strings FROM policies", "[\"NULL\",\"\\\\\"]" },
		{ "SELECT result_type || '|' || receiving_mx_hostname || '|' ||"
		  " coalesce(sending_mta_ip, receiving_mx_helo, receiving_ip,"
		  " additional_information, failure_reason_code, '-')"
		  " FROM failure_details WHERE detail_index = 0", "NULL|{a,b}|-" },
		{ "SELECT result_type || '|' || sending_mta_ip || '|' ||"
		  " coalesce(receiving_mx_hostname, '-') FROM failure_details"
		  " WHERE detail_index = 1", "\"quoted\"|back\\slash|-" },
		{ "SELECT result_type || '|' || receiving_mx_helo || '|' ||"
		  " additional_information || '|' || receiving_ip || '|' ||"
		  " failed_session_count FROM failure_details WHERE detail_index = 2",
		  "a,b}{|NULL|\\\"|\xc3\xa9\xc3\xa9|3" },
		{ "SELECT count(*) FROM failure_details WHERE receiving_mx_helo IS NULL",
		  "2" },
	};
	struct tlsrpt_result *res = parse_text(json);
	char path[TARGET_MAX], err[512];
	struct store *st;
	struct raw *db;
	size_t i;

	new_db_path(path, sizeof(path), "special");
	if (res == NULL || (st = open_path(path)) == NULL) {
		tlsrpt_result_free(res);
		return;
	}
	CHECKF(store_put_report(st, &res->reports[0], &prov_verified, err,
	    sizeof(err)) == STORE_STORED, "special strings: %s", err);
	store_close(st);
	tlsrpt_result_free(res);
	CHECK_COUNTS(path, 1, 1, 3);
	if ((db = raw_open(path)) == NULL)
		return;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(strcmp(q(db, rows[i].sql), rows[i].want) == 0,
		    "%s: got \"%s\", want \"%s\"", rows[i].sql, q(db, rows[i].sql),
		    rows[i].want);
	raw_close(db);
}

/* Real-world shapes from the fixtures: counts match the parsed structs. */

/*
 * The largest dedup key the parser lets through: organization-name and
 * report-id at their 1024-byte caps, 1000 policies of 250-byte domains.
 * PostgreSQL cannot index such a key as it is (2.7 KB per btree entry);
 * it must still be stored once, and a copy found to be a duplicate.
 */
static char *
big_key_json(char last_domain_mark)
{
	size_t size = 1024 * 1024, len = 0, i;
	char *out = malloc(size), org[1025], id[1025];

	if (out == NULL)
		return NULL;
	memset(org, 'O', 1024);
	org[1024] = '\0';
	memset(id, 'R', 1024);
	id[1024] = '\0';
	len += (size_t)snprintf(out + len, size - len, "{\"organization-name\":\"%s\","
	    "\"date-range\":{\"start-datetime\":\"2024-05-01T00:00:00Z\","
	    "\"end-datetime\":\"2024-05-01T23:59:59Z\"},\"report-id\":\"%s\","
	    "\"policies\":[", org, id);
	for (i = 0; i < 1000; i++) {
		char dom[251];

		memset(dom, 'd', 250);
		snprintf(dom, sizeof(dom), "%04zu%c", i, i == 999 ? last_domain_mark : 'x');
		dom[strlen(dom)] = 'd';
		dom[250] = '\0';
		len += (size_t)snprintf(out + len, size - len, "%s{\"policy\":{\"policy-type\":"
		    "\"sts\",\"policy-domain\":\"%s\"},\"summary\":{"
		    "\"total-successful-session-count\":1,\"total-failure-session-count\":0}}",
		    i ? "," : "", dom);
	}
	snprintf(out + len, size - len, "]}");
	return out;
}

static void
test_big_dedup_key(void)
{
	static const struct { char mark; enum store_status want; const char *what; } rows[] = {
		{ 'x', STORE_STORED, "a 250 KB dedup key is stored" },
		{ 'x', STORE_DUPLICATE, "and its copy is a duplicate" },
		{ 'y', STORE_STORED, "one domain differs: another report" },
	};
	char path[TARGET_MAX], err[512];
	struct store *st;
	size_t i;

	new_db_path(path, sizeof(path), "bigkey");
	if ((st = open_path(path)) == NULL)
		return;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *json = big_key_json(rows[i].mark);
		struct tlsrpt_result *res = parse_text(json);
		enum store_status got = STORE_ERROR;

		err[0] = '\0';
		if (res != NULL)
			got = store_put_report(st, &res->reports[0], &prov_verified, err,
			    sizeof(err));
		CHECKF(got == rows[i].want, "%s: status %d, want %d (%s)", rows[i].what,
		    (int)got, (int)rows[i].want, err);
		tlsrpt_result_free(res);
		free(json);
	}
	CHECK_COUNTS(path, 2, 2000, 0);
	store_close(st);
}

/* store_query: what a filter selects, and the rows' contents. */
struct seen {
	int reports, policies, failures;
	long long failed, report_ids_sum;
	int unverified;
	char org[64], domains[256], types[256];
};

static int
seen_report(void *ctx, const struct store_report_row *r)
{
	struct seen *s = ctx;

	s->reports++;
	s->unverified += !r->verified;
	snprintf(s->org, sizeof(s->org), "%s", r->organization_name);
	return 0;
}

/* A brief visitor's report: only id, start, trust and contact. */
static int
seen_brief(void *ctx, const struct store_report_row *r)
{
	struct seen *s = ctx;
	int ok = r->id > 0 && r->start > 0 && r->organization_name == NULL &&
	    r->report_id == NULL && r->end == 0 && r->received == 0 &&
	    r->successful == 0 && r->failed == 0 && r->contact_info != NULL &&
	    strcmp(r->contact_info, "tlsrpt@reporter.example") == 0 &&
	    (!r->verified || (r->dkim_domain != NULL &&
	    strcmp(r->dkim_domain, "reporter.example") == 0));

	s->reports++;
	s->unverified += !r->verified;
	if (!ok)
		snprintf(s->org, sizeof(s->org), "not brief: report %lld", r->id);
	else if (s->org[0] == '\0')
		snprintf(s->org, sizeof(s->org), "brief");
	return 0;
}

static int
seen_policy(void *ctx, const struct store_policy_row *p)
{
	struct seen *s = ctx;
	size_t n = strlen(s->domains);

	s->policies++;
	snprintf(s->domains + n, sizeof(s->domains) - n, "%s%s", n ? "," : "",
	    p->policy_domain ? p->policy_domain : "-");
	return 0;
}

static int
seen_failure(void *ctx, const struct store_failure_row *f)
{
	struct seen *s = ctx;
	size_t n = strlen(s->types);

	s->failures++;
	s->failed += f->failed;
	snprintf(s->types + n, sizeof(s->types) - n, "%s%s", n ? "," : "", f->result_type);
	return 0;
}

static int
stop_now(void *ctx, const struct store_report_row *r)
{
	(void)ctx;
	(void)r;
	return 1;
}

static void
test_query(void)
{
	static const struct spec a = { "Reporter A", "q-1", "2024-06-01", "example.org",
	    "example.net", "tlsa-invalid" };
	static const struct spec b = { "Reporter B", "q-2", "2024-06-02", "example.org",
	    NULL, NULL };
	static const struct spec c = { "Reporter C", "q-3", "2024-06-03", "example.com",
	    NULL, NULL };
	struct store_visitor v;
	struct store_filter f;
	struct seen s;
	char path[TARGET_MAX], err[512];
	struct store *st;
	time_t jun2;

	new_db_path(path, sizeof(path), "query");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK(put_spec(st, &a, &prov_verified, err, sizeof(err)) == STORE_STORED);
	CHECK(put_spec(st, &b, &prov_verified, err, sizeof(err)) == STORE_STORED);
	CHECK(put_spec(st, &c, &prov_unverified, err, sizeof(err)) == STORE_STORED);
	rfc3339_parse("2024-06-02T00:00:00Z", &jun2);
	v = (struct store_visitor){ &s, seen_report, seen_policy, seen_failure, 0 };

	memset(&f, 0, sizeof(f));
	memset(&s, 0, sizeof(s));
	CHECKF(store_query(st, &f, &v, err, sizeof(err)) == 0, "query all: %s", err);
	CHECK_INT(s.reports, 2);		/* C is unverified */
	CHECK_INT(s.policies, 3);
	CHECK_INT(s.failures, 5);
	CHECK_INT(s.failed, 7);
	CHECK_STR(s.domains, "example.org,example.net,example.org");
	CHECK_STR(s.types, "certificate-expired,starttls-not-supported,tlsa-invalid,"
	    "certificate-expired,starttls-not-supported");

	memset(&s, 0, sizeof(s));
	f.include_unverified = 1;
	CHECK(store_query(st, &f, &v, err, sizeof(err)) == 0);
	CHECK_INT(s.reports, 3);
	CHECK_INT(s.unverified, 1);

	memset(&s, 0, sizeof(s));
	f.domain = "EXAMPLE.NET";		/* case does not matter */
	CHECK(store_query(st, &f, &v, err, sizeof(err)) == 0);
	CHECK_INT(s.reports, 1);
	CHECK_STR(s.domains, "example.net");	/* only that domain's policies */
	CHECK_STR(s.types, "tlsa-invalid");

	memset(&s, 0, sizeof(s));
	f.domain = NULL;
	f.since = jun2;				/* [since, until) */
	f.until = jun2 + 86400;
	CHECK(store_query(st, &f, &v, err, sizeof(err)) == 0);
	CHECK_INT(s.reports, 1);
	CHECK_STR(s.org, "Reporter B");

	memset(&s, 0, sizeof(s));
	f.since = f.until = 0;
	v.report = stop_now;
	CHECK(store_query(st, &f, &v, err, sizeof(err)) == -1);
	CHECK_STR(err, "stopped");
	CHECK_INT(s.policies, 0);

	/* Brief: the same reports, each with id, start, trust and contact only. */
	memset(&s, 0, sizeof(s));
	v = (struct store_visitor){ &s, seen_brief, seen_policy, NULL, 1 };
	f.include_unverified = 1;
	CHECK(store_query(st, &f, &v, err, sizeof(err)) == 0);
	CHECK_INT(s.reports, 3);
	CHECK_INT(s.unverified, 1);
	CHECK_INT(s.policies, 4);
	CHECK_STR(s.org, "brief");
	store_close(st);
}

/* Every row of the period 2024-06-01 to 2024-06-03 (DOMAIN's, when set). */
static void
query_period(struct store *st, const char *domain, struct seen *s)
{
	struct store_visitor v = { s, seen_report, seen_policy, seen_failure, 0 };
	struct store_filter f;
	char err[512];

	memset(&f, 0, sizeof(f));
	memset(s, 0, sizeof(*s));
	rfc3339_parse("2024-06-01T00:00:00Z", &f.since);
	rfc3339_parse("2024-06-04T00:00:00Z", &f.until);
	f.include_unverified = 1;
	f.domain = domain;
	CHECKF(store_query(st, &f, &v, err, sizeof(err)) == 0, "query: %s", err);
}

/*
 * Both query plans give the same rows in the same order: the period's
 * reports alone and with older ones stored after them (their ids close
 * together: the ranged plan), and the same reports stored among older
 * ones (their ids spread out: the sparse plan).
 */
static void
test_query_share(void)
{
	static const struct spec in[] = {
		{ "Reporter A", "s-1", "2024-06-02", "example.org", "example.net", "tlsa-invalid" },
		{ "Reporter B", "s-2", "2024-06-01", "example.net", NULL, NULL },
		{ "Reporter C", "s-3", "2024-06-03", "example.org", "example.com",
		    "sts-policy-invalid" },
	};
	struct seen all[3], one[3];
	struct spec old = { "Reporter D", NULL, NULL, "example.org", NULL, NULL };
	char path[TARGET_MAX], err[512], id[32], start[16];
	struct store *st, *sp;
	size_t i;
	int k, n_old = 0;

	new_db_path(path, sizeof(path), "share");
	if ((st = open_path(path)) == NULL)
		return;
	new_db_path(path, sizeof(path), "sparse");
	if ((sp = open_path(path)) == NULL) {
		store_close(st);
		return;
	}
	old.id = id;
	old.start = start;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		const struct store_provenance *prov = i == 1 ? &prov_unverified : &prov_verified;

		CHECK(put_spec(st, &in[i], prov, err, sizeof(err)) == STORE_STORED);
		/* Nine older reports before each of the period's. */
		for (k = 0; k < 9; k++, n_old++) {
			snprintf(id, sizeof(id), "old-%d", n_old);
			snprintf(start, sizeof(start), "2020-01-%02d", n_old + 1);
			CHECK(put_spec(sp, &old, &prov_verified, err, sizeof(err)) ==
			    STORE_STORED);
		}
		CHECK(put_spec(sp, &in[i], prov, err, sizeof(err)) == STORE_STORED);
	}
	query_period(st, NULL, &all[0]);
	query_period(st, "example.org", &one[0]);
	/* Reports outside the period, until it holds a tenth of the store. */
	for (k = 0; k < 27; k++) {
		snprintf(id, sizeof(id), "old-%d", k);
		snprintf(start, sizeof(start), "2020-01-%02d", k + 1);
		CHECK(put_spec(st, &old, &prov_verified, err, sizeof(err)) == STORE_STORED);
	}
	query_period(st, NULL, &all[1]);
	query_period(st, "example.org", &one[1]);
	query_period(sp, NULL, &all[2]);
	query_period(sp, "example.org", &one[2]);
	CHECK_INT(all[0].reports, 3);
	CHECK_INT(all[0].policies, 5);
	CHECK_STR(all[0].domains, "example.org,example.net,example.net,example.org,example.com");
	CHECK_STR(all[0].types, "certificate-expired,starttls-not-supported,tlsa-invalid,"
	    "certificate-expired,starttls-not-supported,certificate-expired,"
	    "starttls-not-supported,sts-policy-invalid");
	CHECK_STR(one[0].domains, "example.org,example.org");
	for (k = 0; k < 4; k++) {
		struct seen *x = k & 1 ? one : all, *y = &x[1 + k / 2];

		CHECK_INT(y->reports, x[0].reports);
		CHECK_INT(y->policies, x[0].policies);
		CHECK_INT(y->failures, x[0].failures);
		CHECK_INT(y->failed, x[0].failed);
		CHECK_INT(y->unverified, x[0].unverified);
		CHECK_STR(y->org, x[0].org);
		CHECK_STR(y->domains, x[0].domains);
		CHECK_STR(y->types, x[0].types);
	}
	store_close(sp);
	store_close(st);
}

/* Back to the schema before the probe history (version 7). */
static void
downgrade_probes(struct raw *db)
{
	exec_ok(db, "DROP TABLE probes");
	exec_ok(db, "DROP TABLE probe_runs");
	exec_ok(db, "DELETE FROM schema_version WHERE version >= 7");
}

/* Back to what schema version 4 had: no retention. */
static void
downgrade_to_4(struct raw *db)
{
	downgrade_probes(db);
	exec_ok(db, "DROP TABLE pruned_reports");
	exec_ok(db, "DROP INDEX reports_end_time");
	exec_ok(db, "DELETE FROM schema_version WHERE version >= 5");
}

/*
 * Back to what schema version 3 had: reports unique on (organization,
 * report-id, dates, policy domains), no signer column.  Rows kept.
 */
static void
downgrade_to_3(struct raw *db)
{
	downgrade_to_4(db);
	if (pg_mode) {
		exec_ok(db, "DROP INDEX reports_dedup");
		exec_ok(db, "ALTER TABLE reports DROP COLUMN signer");
		exec_ok(db, "CREATE UNIQUE INDEX reports_dedup ON reports"
		    " (organization_name, report_id, start_time, end_time,"
		    " md5(policy_domains))");
	} else {
		exec_ok(db, "PRAGMA foreign_keys = OFF");
		exec_ok(db, "BEGIN");
		exec_ok(db, "CREATE TABLE reports_v3 (id INTEGER PRIMARY KEY,"
		    " organization_name TEXT NOT NULL, contact_info TEXT,"
		    " report_id TEXT NOT NULL, start_time INTEGER NOT NULL,"
		    " end_time INTEGER NOT NULL, policy_domains TEXT NOT NULL,"
		    " total_successful INTEGER NOT NULL, total_failure INTEGER NOT NULL,"
		    " verified INTEGER NOT NULL CHECK (verified IN (0, 1)),"
		    " queue_id TEXT, mail_from TEXT, dkim_domain TEXT, auth_method TEXT,"
		    " source TEXT, received_time INTEGER, stored_time INTEGER NOT NULL,"
		    " warnings TEXT NOT NULL, UNIQUE (organization_name, report_id,"
		    " start_time, end_time, policy_domains))");
		exec_ok(db, "INSERT INTO reports_v3 SELECT id, organization_name,"
		    " contact_info, report_id, start_time, end_time, policy_domains,"
		    " total_successful, total_failure, verified, queue_id, mail_from,"
		    " dkim_domain, auth_method, source, received_time, stored_time,"
		    " warnings FROM reports");
		exec_ok(db, "DROP TABLE reports");
		exec_ok(db, "ALTER TABLE reports_v3 RENAME TO reports");
		exec_ok(db, "CREATE INDEX reports_start_time ON reports (start_time)");
		exec_ok(db, "CREATE INDEX reports_organization ON reports"
		    " (organization_name, start_time)");
		exec_ok(db, "COMMIT");
	}
	exec_ok(db, "DELETE FROM schema_version WHERE version >= 4");
}

/* A store left at schema version 1 catches up on open, data intact. */
static void
test_migrate_from_1(void)
{
	static const struct spec a = { "Old Reporter", "m-1", "2024-07-01", "example.org",
	    NULL, NULL };
	char path[TARGET_MAX], err[512], version[16];
	struct store *st;
	struct raw *db;

	new_db_path(path, sizeof(path), "migrate1");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK(put_spec(st, &a, &prov_verified, err, sizeof(err)) == STORE_STORED);
	store_close(st);
	/* Back to what version 1 created. */
	if ((db = raw_open(path)) == NULL)
		return;
	downgrade_to_3(db);
	exec_ok(db, "DROP INDEX reports_organization");
	if (pg_mode) {
		exec_ok(db, "DROP INDEX reports_dedup");
		exec_ok(db, "ALTER TABLE reports ADD UNIQUE (organization_name, report_id,"
		    " start_time, end_time, policy_domains)");
	}
	exec_ok(db, "ALTER TABLE failure_details DROP COLUMN folded_details");
	exec_ok(db, "DELETE FROM schema_version WHERE version >= 2");
	raw_close(db);

	if ((st = open_path(path)) == NULL)
		return;
	CHECK(put_spec(st, &a, &prov_verified, err, sizeof(err)) == STORE_DUPLICATE);
	store_close(st);
	if ((db = raw_open(path)) == NULL)
		return;
	snprintf(version, sizeof(version), "%d", store_schema_version());
	CHECK_STR(q(db, "SELECT max(version) FROM schema_version"), version);
	CHECK_STR(q(db, "SELECT count(*) FROM reports"), "1");
	CHECK_STR(q(db, "SELECT signer FROM reports"), "reporter.example");
	CHECK_STR(q(db, "SELECT count(*) FROM failure_details WHERE folded_details = 0"),
	    q(db, "SELECT count(*) FROM failure_details"));
	raw_close(db);
}

/*
 * A store at schema version 3 gets the signer in its dedup key: every
 * row, policy and detail kept under its id, the signer filled in from
 * what was stored (lower-cased, '' when unverified), references intact;
 * then the new key holds, whichever copy came first.
 */
static void
test_migrate_from_3(void)
{
	static const struct spec google = { "Google Inc.", "g-1", "2024-07-01",
	    "example.org", NULL, NULL };
	static const struct spec other = { "Other Reporter", "o-1", "2024-07-02",
	    "example.org", NULL, NULL };
	struct store_provenance attacker = prov_verified, genuine = prov_verified;
	struct store_provenance upper = prov_verified;
	char path[TARGET_MAX], err[512], ids[64];
	struct store *st;
	struct raw *db;

	attacker.dkim_domain = "attacker.example";
	genuine.dkim_domain = "google.com";
	upper.dkim_domain = "Google.COM";
	new_db_path(path, sizeof(path), "migrate3");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK_INT(put_spec(st, &google, &attacker, err, sizeof(err)), STORE_STORED);
	CHECK_INT(put_spec(st, &base_spec, &prov_unverified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_INT(put_spec(st, &other, &upper, err, sizeof(err)), STORE_STORED);
	store_close(st);
	if ((db = raw_open(path)) == NULL)
		return;
	downgrade_to_3(db);
	CHECK_STR(q(db, "SELECT max(version) FROM schema_version"), "3");
	snprintf(ids, sizeof(ids), "%s", q(db, "SELECT sum(id) FROM reports"));
	raw_close(db);
	CHECK_COUNTS(path, 3, 4, 7);

	if ((st = open_path(path)) == NULL)
		return;
	if ((db = raw_open(path)) == NULL) {
		store_close(st);
		return;
	}
	CHECK_INT(qi(db, "SELECT max(version) FROM schema_version"),
	    store_schema_version());
	CHECK_COUNTS(path, 3, 4, 7);
	CHECK_STR(q(db, "SELECT sum(id) FROM reports"), ids);
	CHECK_STR(q(db, dialect("SELECT group_concat(report_id || '[' || signer || ']',"
	    " ' ') FROM (SELECT * FROM reports ORDER BY id)",
	    "SELECT string_agg(report_id || '[' || signer || ']', ' ' ORDER BY id)"
	    " FROM reports")), "g-1[attacker.example] rpt-0001[] o-1[google.com]");
	CHECK_STR(q(db, "SELECT count(*) FROM policies p LEFT JOIN reports r"
	    " ON r.id = p.report_fk WHERE r.id IS NULL"), "0");
	if (!pg_mode) {
		CHECK_STR(q(db, "SELECT count(*) FROM pragma_foreign_key_list('policies')"
		    " WHERE \"table\" = 'reports' AND on_delete = 'CASCADE'"), "1");
		CHECK_STR(q(db, "PRAGMA foreign_key_check"), "(no row)");
		CHECK_STR(q(db, "PRAGMA integrity_check"), "ok");
	}

	/* the new key: the genuine copy after the attacker's is stored */
	CHECK_INT(put_spec(st, &google, &genuine, err, sizeof(err)), STORE_STORED);
	CHECK_INT(put_spec(st, &google, &genuine, err, sizeof(err)), STORE_DUPLICATE);
	CHECK_INT(put_spec(st, &google, &attacker, err, sizeof(err)), STORE_DUPLICATE);
	CHECK_INT(put_spec(st, &base_spec, &prov_verified, err, sizeof(err)),
	    STORE_STORED);
	CHECK_INT(put_spec(st, &base_spec, &prov_unverified, err, sizeof(err)),
	    STORE_DUPLICATE);
	/* a migrated signer compares as the store writes it */
	CHECK_INT(put_spec(st, &other, &genuine, err, sizeof(err)), STORE_DUPLICATE);
	CHECK_COUNTS(path, 5, 7, 12);

	/* deleting a report still takes its policies and details with it */
	if (!pg_mode)
		exec_ok(db, "PRAGMA foreign_keys = ON");
	exec_ok(db, "DELETE FROM reports WHERE report_id = 'rpt-0001'");
	CHECK_COUNTS(path, 3, 3, 6);
	raw_close(db);
	store_close(st);
}

static void
test_fixtures(void)
{
	static const struct {
		const char *file;
		const char *sql, *pg, *want;	/* one more check on the stored row */
	} rows[] = {
		{ "json-multi-policy.json", "SELECT CASE WHEN policy_domains <> ''"
		  " THEN 1 ELSE 0 END FROM reports", NULL, "1" },
		{ "json-sum-mismatch.json",
		  "SELECT json_array_length(warnings) > 0 FROM reports",
		  "SELECT CASE WHEN json_array_length(warnings::json) > 0 THEN 1"
		  " ELSE 0 END FROM reports", "1" },
		{ "json-no-policy-domain.json",
		  "SELECT policy_domains || '|' || coalesce(policy_domain, 'NULL')"
		  " FROM reports r JOIN policies p ON p.report_fk = r.id", NULL,
		  "|NULL" },
		{ "json-contact-null.json",
		  "SELECT coalesce(contact_info, 'NULL') FROM reports", NULL, "NULL" },
		{ "json-ms-tlsa-string.json",
		  "SELECT json_valid(policy_strings) FROM policies LIMIT 1",
		  "SELECT CASE WHEN policy_strings::jsonb IS NOT NULL THEN 1 END"
		  " FROM policies LIMIT 1", "1" },
		{ "json-all-result-types.json",
		  "SELECT CASE WHEN count(DISTINCT result_type) >= 11 THEN 1 ELSE 0"
		  " END FROM failure_details", NULL, "1" },
		{ "json-unknown-result-type.json",
		  "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END"
		  " FROM failure_details", NULL, "1" },
		{ "json-empty-strings.json", "SELECT json_valid(warnings) FROM reports",
		  "SELECT CASE WHEN warnings::jsonb IS NOT NULL THEN 1 END"
		  " FROM reports", "1" },
		{ "json-mx-prefix.json",
		  "SELECT instr(mx_hosts, 'mx: ') FROM policies LIMIT 1",
		  "SELECT strpos(mx_hosts, 'mx: ') FROM policies LIMIT 1", "0" },
		{ "json-details-omitted.json",
		  "SELECT count(*) FROM failure_details", NULL, "0" },
	};
	size_t i, p;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char path[TARGET_MAX], file[256], err[512], *data;
		const char *sql = dialect(rows[i].sql, rows[i].pg);
		struct tlsrpt_result *res;
		struct tlsrpt_error perr;
		struct store *st;
		size_t len, n_pol, n_det = 0;
		struct raw *db;

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
				CHECKF(strcmp(q(db, sql), rows[i].want) == 0,
				    "%s: %s: got \"%s\", want \"%s\"", rows[i].file,
				    sql, q(db, sql), rows[i].want);
				raw_close(db);
			}
		}
		tlsrpt_result_free(res);
	}
}

/* ---- retention ------------------------------------------------------- */

static int
stop_after_one(void *arg)
{
	return ++*(int *)arg >= 1;
}

/* A prune of ST at CUTOFF with NOW, BATCH and DRY_RUN; counts in PR. */
static int
prune(struct store *st, struct store_prune *pr, time_t cutoff, time_t now,
    size_t batch, int dry_run)
{
	char err[512] = "";
	int rc;

	memset(pr, 0, sizeof(*pr));
	pr->cutoff = cutoff;
	pr->now = now;
	pr->batch = batch;
	pr->dry_run = dry_run;
	rc = store_prune(st, pr, err, sizeof(err));
	CHECKF(rc == 0, "store_prune: %s", err);
	return rc;
}

/*
 * Reports whose date range ended before the cutoff go with their
 * policies and failure details, batch by batch; newer ones and the end
 * itself stay; a dry run changes nothing; a late resend of a pruned
 * report is a duplicate while its key is kept (signer included), and a
 * new report once the key has expired.
 */
static void
test_prune(void)
{
	/* two policies, three details each; one policy, two details */
	static const struct spec old1 = { "Old Reporter", "p-1", "2024-01-01",
	    "example.org", "example.net", NULL };
	static const struct spec old2 = { "Old Reporter", "p-2", "2024-01-02",
	    "example.org", NULL, NULL };
	static const struct spec new1 = { "New Reporter", "p-3", "2024-06-01",
	    "example.org", "example.net", NULL };
	struct store_provenance other = prov_verified;
	time_t end2, march, now = 1720000000;
	struct store_prune pr;
	char path[TARGET_MAX], err[512];
	struct store *st;
	struct raw *db;
	int calls = 0;

	other.dkim_domain = "other.example";
	rfc3339_parse("2024-01-02T23:59:59Z", &end2);
	rfc3339_parse("2024-03-01T00:00:00Z", &march);
	new_db_path(path, sizeof(path), "prune");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK_INT(put_spec(st, &old1, &prov_verified, err, sizeof(err)), STORE_STORED);
	CHECK_INT(put_spec(st, &old2, &prov_verified, err, sizeof(err)), STORE_STORED);
	CHECK_INT(put_spec(st, &new1, &prov_verified, err, sizeof(err)), STORE_STORED);
	CHECK_COUNTS(path, 3, 5, 8);

	/* dry runs: strictly before the cutoff; nothing written */
	if (prune(st, &pr, end2, now, 0, 1) == 0) {
		CHECK_INT(pr.reports, 1);
		CHECK_INT(pr.policies, 2);
		CHECK_INT(pr.details, 3);
	}
	if (prune(st, &pr, march, now, 0, 1) == 0) {
		CHECK_INT(pr.reports, 2);
		CHECK_INT(pr.policies, 3);
		CHECK_INT(pr.details, 5);
		CHECK_INT(pr.batches, 0);
	}
	CHECK_COUNTS(path, 3, 5, 8);
	if ((db = raw_open(path)) == NULL) {
		store_close(st);
		return;
	}
	CHECK_INT(qi(db, "SELECT count(*) FROM pruned_reports"), 0);

	/* stopped between batches: one batch of one report done */
	memset(&pr, 0, sizeof(pr));
	pr.cutoff = march;
	pr.now = now;
	pr.batch = 1;
	pr.stop = stop_after_one;
	pr.arg = &calls;
	CHECKF(store_prune(st, &pr, err, sizeof(err)) == 0, "stopped: %s", err);
	CHECK_INT(pr.reports, 1);
	CHECK_INT(pr.batches, 1);
	CHECK_INT(calls, 1);
	CHECK_COUNTS(path, 2, 3, 5);		/* the oldest went: old1 */

	/* the rest, one report per batch */
	if (prune(st, &pr, march, now, 1, 0) == 0) {
		CHECK_INT(pr.reports, 1);
		CHECK_INT(pr.policies, 1);
		CHECK_INT(pr.details, 2);
		CHECK_INT(pr.keys_expired, 0);
	}
	CHECK_COUNTS(path, 1, 2, 3);
	CHECK_STR(q(db, "SELECT report_id FROM reports"), "p-3");
	CHECK_INT(qi(db, "SELECT count(*) FROM policies p LEFT JOIN reports r"
	    " ON r.id = p.report_fk WHERE r.id IS NULL"), 0);
	CHECK_STR(q(db, dialect("SELECT group_concat(report_id || '[' || signer"
	    " || ']' || pruned_time, ' ') FROM (SELECT * FROM pruned_reports"
	    " ORDER BY report_id)", "SELECT string_agg(report_id || '[' || signer"
	    " || ']' || pruned_time, ' ' ORDER BY report_id) FROM pruned_reports")),
	    "p-1[reporter.example]1720000000 p-2[reporter.example]1720000000");

	/* nothing left to prune: no batch */
	if (prune(st, &pr, march, now, 1, 0) == 0) {
		CHECK_INT(pr.reports, 0);
		CHECK_INT(pr.batches, 0);
	}

	/* a late resend of a pruned report is still a duplicate ... */
	CHECK_INT(put_spec(st, &old1, &prov_verified, err, sizeof(err)),
	    STORE_DUPLICATE);
	CHECK_INT(put_spec(st, &old2, &prov_verified, err, sizeof(err)),
	    STORE_DUPLICATE);
	/* ... under its own signer only: a copy signed by another is not */
	CHECK_INT(put_spec(st, &old1, &other, err, sizeof(err)), STORE_STORED);
	CHECK_COUNTS(path, 2, 4, 6);

	/* later: the old keys expire, the other copy is pruned, its key kept */
	if (prune(st, &pr, march, now + STORE_PRUNE_KEEP_KEYS + 1, 0, 0) == 0) {
		CHECK_INT(pr.keys_expired, 2);
		CHECK_INT(pr.reports, 1);
	}
	CHECK_STR(q(db, "SELECT signer FROM pruned_reports"), "other.example");
	CHECK_INT(put_spec(st, &old1, &other, err, sizeof(err)), STORE_DUPLICATE);
	CHECK_INT(put_spec(st, &old1, &prov_verified, err, sizeof(err)), STORE_STORED);
	CHECK_COUNTS(path, 2, 4, 6);
	raw_close(db);
	store_close(st);
}

/* Many reports in small batches: all old ones go, every new one stays. */
static void
test_prune_batches(void)
{
	char path[TARGET_MAX], err[512], id[32];
	struct spec sp = { "Bulk Reporter", NULL, NULL, "example.org", NULL, NULL };
	struct store_prune pr;
	time_t cutoff;
	struct store *st;
	int i;

	rfc3339_parse("2024-02-01T00:00:00Z", &cutoff);
	new_db_path(path, sizeof(path), "prunebatch");
	if ((st = open_path(path)) == NULL)
		return;
	for (i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "b-%d", i);
		sp.id = id;
		sp.start = i < 45 ? "2024-01-15" : "2024-02-15";
		CHECK_INT(put_spec(st, &sp, &prov_verified, err, sizeof(err)),
		    STORE_STORED);
	}
	if (prune(st, &pr, cutoff, 0, 10, 0) == 0) {
		CHECK_INT(pr.reports, 45);
		CHECK_INT(pr.details, 90);
		CHECK_INT(pr.batches, 5);
	}
	CHECK_COUNTS(path, 15, 15, 30);
	store_close(st);
}

/* A store at schema version 4 gets retention's table on open. */
static void
test_migrate_from_4(void)
{
	static const struct spec a = { "Old Reporter", "m4-1", "2024-01-01",
	    "example.org", NULL, NULL };
	char path[TARGET_MAX], err[512];
	struct store_prune pr;
	struct store *st;
	struct raw *db;

	new_db_path(path, sizeof(path), "migrate4");
	if ((st = open_path(path)) == NULL)
		return;
	CHECK_INT(put_spec(st, &a, &prov_verified, err, sizeof(err)), STORE_STORED);
	store_close(st);
	if ((db = raw_open(path)) == NULL)
		return;
	downgrade_to_4(db);
	CHECK_INT(qi(db, "SELECT max(version) FROM schema_version"), 4);
	raw_close(db);
	if ((st = open_path(path)) == NULL)
		return;
	if ((db = raw_open(path)) != NULL) {
		CHECK_INT(qi(db, "SELECT max(version) FROM schema_version"),
		    store_schema_version());
		CHECK_INT(qi(db, "SELECT count(*) FROM pruned_reports"), 0);
		raw_close(db);
	}
	if (prune(st, &pr, 1720000000, 1720000000, 0, 0) == 0)
		CHECK_INT(pr.reports, 1);
	CHECK_INT(put_spec(st, &a, &prov_verified, err, sizeof(err)), STORE_DUPLICATE);
	CHECK_COUNTS(path, 0, 0, 0);
	store_close(st);
}

/* ---- helper modes for tests/store_pgsql.sh ----------------------------- */

static const char *
status_name(enum store_status status)
{
	return status == STORE_STORED ? "STORED" :
	    status == STORE_DUPLICATE ? "DUPLICATE" : "ERROR";
}

/* Store report ID (base_spec otherwise) on ST. */
static enum store_status
put_id(struct store *st, const char *id, char *err, size_t errlen)
{
	struct spec s = base_spec;

	s.org = "Helper Reporter";
	s.id = id;
	return put_spec(st, &s, &prov_verified, err, errlen);
}

static int
put_many(const char *tag, int n)
{
	int i, counts[3] = { 0, 0, 0 };
	char id[128], err[512], first[512] = "";
	struct store *st;

	if ((st = open_uri(pg_uri, err, sizeof(err))) == NULL) {
		fprintf(stderr, "put-many: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		enum store_status status;

		snprintf(id, sizeof(id), "%s-%04d", tag, i);
		status = put_id(st, id, err, sizeof(err));
		counts[status]++;
		if (status == STORE_ERROR && first[0] == '\0')
			snprintf(first, sizeof(first), "%s", err);
	}
	store_close(st);
	printf("stored %d duplicate %d error %d\n", counts[STORE_STORED],
	    counts[STORE_DUPLICATE], counts[STORE_ERROR]);
	if (first[0] != '\0')
		fprintf(stderr, "put-many: first error: %s\n", first);
	return counts[STORE_ERROR] == 0 ? 0 : 1;
}

/* A report file (JSON, gzip or mail): its first report. */
static enum store_status
put_file(struct store *st, const char *file, char *err, size_t errlen)
{
	struct tlsrpt_result *res;
	struct tlsrpt_error perr;
	enum store_status status;
	FILE *fp;
	char *data;
	size_t len;

	if ((fp = fopen(file, "rb")) == NULL) {
		snprintf(err, errlen, "%.300s: %s", file, strerror(errno));
		return STORE_ERROR;
	}
	data = malloc(1 << 20);
	len = data != NULL ? fread(data, 1, 1 << 20, fp) : 0;
	fclose(fp);
	if (data == NULL || tlsrpt_parse(data, len, NULL, &res, &perr) != TLSRPT_OK) {
		snprintf(err, errlen, "%.100s: %.300s", file, data == NULL ? "out of memory" :
		    perr.message);
		free(data);
		return STORE_ERROR;
	}
	free(data);
	status = store_put_report(st, &res->reports[0], &prov_verified, err, errlen);
	tlsrpt_result_free(res);
	return status;
}

static int
serve(void)
{
	char line[1024], err[512];
	struct store *st;

	if ((st = open_uri(pg_uri, err, sizeof(err))) == NULL) {
		printf("ERROR: %s\n", err);
		return 1;
	}
	printf("OPEN\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		enum store_status status;

		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "put ", 4) == 0)
			status = put_id(st, line + 4, err, sizeof(err));
		else if (strncmp(line, "file ", 5) == 0)
			status = put_file(st, line + 5, err, sizeof(err));
		else if (strcmp(line, "reopen") == 0) {
			store_close(st);
			st = open_uri(pg_uri, err, sizeof(err));
			if (st == NULL)
				printf("ERROR: %s\n", err);
			else
				printf("OPEN\n");
			fflush(stdout);
			if (st == NULL)
				return 1;
			continue;
		} else {
			snprintf(err, sizeof(err), "unknown command \"%.200s\"", line);
			status = STORE_ERROR;
		}
		if (status == STORE_ERROR)
			printf("ERROR: %s\n", err);
		else
			printf("%s\n", status_name(status));
		fflush(stdout);
	}
	store_close(st);
	return 0;
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
main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	int rc;

	pg_uri = getenv("TLSRPT_TEST_STORE_URI");
	pg_passfile = getenv("TLSRPT_TEST_STORE_PASSWORD_FILE");
	if (pg_passfile != NULL && pg_passfile[0] == '\0')
		pg_passfile = NULL;
	if (pg_uri != NULL && pg_uri[0] != '\0') {
		if (strncmp(pg_uri, "postgresql://", 13) != 0 &&
		    strncmp(pg_uri, "postgres://", 11) != 0) {
			fprintf(stderr, "TLSRPT_TEST_STORE_URI: expected "
			    "postgresql://...; unset it for SQLite\n");
			return 99;
		}
		pg_mode = 1;
	} else if (argc > 1) {
		fprintf(stderr, "%s: helper modes need TLSRPT_TEST_STORE_URI\n",
		    argv[0]);
		return 99;
	}
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	tlsrpt_library_init();
	if (argc == 4 && strcmp(argv[1], "put-many") == 0)
		rc = put_many(argv[2], atoi(argv[3]));
	else if (argc == 2 && strcmp(argv[1], "serve") == 0)
		rc = serve();
	else if (argc > 1) {
		fprintf(stderr, "usage: %s [put-many TAG N | serve]\n", argv[0]);
		rc = 99;
	} else
		rc = -1;
	if (rc >= 0) {
		tlsrpt_library_shutdown();
		return rc;
	}

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_store_sqlite.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 99;
	}
	if (pg_mode && (pg_admin = pg_connect(pg_uri)) == NULL) {
		remove_tmpdir();
		return 99;
	}

	test_columns();
	test_schema_shape();
	test_dedup();
	test_fold();
	test_signer_dedup();
	test_reopen();
	test_open_errors();
	test_rollback();
	test_concurrent_writer();
	test_threads();
	test_sql_injection();
	test_special_strings();
	test_fixtures();
	test_big_dedup_key();
	test_migrate_from_1();
	test_migrate_from_3();
	test_query();
	test_query_share();
	test_prune();
	test_prune_batches();
	test_migrate_from_4();

	if (pg_mode) {
		drop_schemas();
		PQfinish(pg_admin);
	}
	remove_tmpdir();
	tlsrpt_library_shutdown();
	return test_summary(pg_mode ? "test_store_sqlite (postgresql)" :
	    "test_store_sqlite");
}
