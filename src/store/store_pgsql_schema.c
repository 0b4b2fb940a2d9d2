/*
 * store_pgsql_schema.c - the PostgreSQL schema: store_sqlite.c's,
 * translated (INTEGER PRIMARY KEY becomes BIGSERIAL, times and counts
 * BIGINT, COLLATE NOCASE an ICU collation that ignores case), built by
 * ordered migration steps that run in one transaction holding an advisory
 * lock, so milters starting together migrate once.  See store_pgsql.h.
 */
#include "store_pgsql.h"
#include "errbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_advisory_xact_lock() key for migrating: "TLSRPTmi" in ASCII. */
#define MIGRATION_LOCK	"6074321610416090473"

/* Migration steps, in order; as in store_sqlite.c, append, never edit. */
struct migration {
	int version;
	const char *sql;
};

static const struct migration migrations[] = {
	{ 1,
	"CREATE COLLATION IF NOT EXISTS tlsrpt_nocase (provider = icu,\n"
	"  locale = 'und-u-ks-level2', deterministic = false);\n"
	"CREATE TABLE reports (\n"
	"  id BIGSERIAL PRIMARY KEY,\n"
	"  organization_name TEXT NOT NULL,\n"
	"  contact_info TEXT,\n"
	"  report_id TEXT NOT NULL,\n"
	"  start_time BIGINT NOT NULL,\n"	/* unix seconds, UTC */
	"  end_time BIGINT NOT NULL,\n"
	"  policy_domains TEXT NOT NULL,\n"	/* the dedup form */
	"  total_successful BIGINT NOT NULL,\n"
	"  total_failure BIGINT NOT NULL,\n"
	"  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),\n"
	"  queue_id TEXT,\n"
	"  mail_from TEXT,\n"
	"  dkim_domain TEXT,\n"
	"  auth_method TEXT,\n"
	"  source TEXT,\n"
	"  received_time BIGINT,\n"		/* unix seconds; NULL unknown */
	"  stored_time BIGINT NOT NULL,\n"
	"  warnings TEXT NOT NULL,\n"		/* JSON array of strings */
	"  UNIQUE (organization_name, report_id, start_time, end_time,\n"
	"    policy_domains)\n"
	");\n"
	"CREATE INDEX reports_start_time ON reports (start_time);\n"
	"CREATE TABLE policies (\n"
	"  id BIGSERIAL PRIMARY KEY,\n"
	"  report_fk BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,\n"
	"  policy_index INTEGER NOT NULL,\n"
	"  policy_type TEXT NOT NULL,\n"
	"  policy_domain TEXT COLLATE tlsrpt_nocase,\n"
	"  policy_strings TEXT NOT NULL,\n"	/* JSON array of strings */
	"  mx_hosts TEXT NOT NULL,\n"		/* JSON array of strings */
	"  total_successful BIGINT NOT NULL,\n"
	"  total_failure BIGINT NOT NULL,\n"
	"  UNIQUE (report_fk, policy_index)\n"
	");\n"
	"CREATE INDEX policies_domain ON policies (policy_domain, report_fk);\n"
	"CREATE TABLE failure_details (\n"
	"  id BIGSERIAL PRIMARY KEY,\n"
	"  policy_fk BIGINT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,\n"
	"  detail_index INTEGER NOT NULL,\n"
	"  result_type TEXT NOT NULL,\n"
	"  sending_mta_ip TEXT,\n"
	"  receiving_mx_hostname TEXT COLLATE tlsrpt_nocase,\n"
	"  receiving_mx_helo TEXT,\n"
	"  receiving_ip TEXT,\n"
	"  failed_session_count BIGINT NOT NULL,\n"
	"  additional_information TEXT,\n"
	"  failure_reason_code TEXT,\n"
	"  UNIQUE (policy_fk, detail_index)\n"
	");\n"
	"CREATE INDEX failure_details_result_type\n"
	"  ON failure_details (result_type, policy_fk);\n"
	"CREATE INDEX failure_details_mx\n"
	"  ON failure_details (receiving_mx_hostname, policy_fk);\n"
	},
	/*
	 * 2: a btree entry holds at most ~2.7 KB, and the policy domains of a
	 * report with many policies are longer: the dedup key keeps their md5
	 * (the parser caps organization-name and report-id at 1 KB each).
	 */
	{ 2,
	"DO $$ DECLARE c text; BEGIN\n"
	"  SELECT conname INTO c FROM pg_constraint\n"
	"   WHERE conrelid = 'reports'::regclass AND contype = 'u';\n"
	"  EXECUTE format('ALTER TABLE reports DROP CONSTRAINT %I', c);\n"
	"END $$;\n"
	"CREATE UNIQUE INDEX reports_dedup ON reports (organization_name,\n"
	"  report_id, start_time, end_time, md5(policy_domains));\n"
	"CREATE INDEX reports_organization ON reports (organization_name, start_time);\n"
	},
	/* 3: details folded beyond the store's cap (store.h), as in SQLite. */
	{ 3,
	"ALTER TABLE failure_details ADD COLUMN folded_details bigint NOT NULL DEFAULT 0;\n"
	},
	/*
	 * 4: the dedup key names who signed (store_sqlite.c); lower-cased as
	 * store_signer_key() does, ASCII only.  A domain name is short, so
	 * the key stays within a btree entry.
	 */
	{ 4,
	"ALTER TABLE reports ADD COLUMN signer TEXT NOT NULL DEFAULT '';\n"
	"UPDATE reports SET signer = translate(dkim_domain,\n"
	"  'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')\n"
	"  WHERE verified = 1 AND dkim_domain IS NOT NULL;\n"
	"ALTER TABLE reports ALTER COLUMN signer DROP DEFAULT;\n"
	"DROP INDEX reports_dedup;\n"
	"CREATE UNIQUE INDEX reports_dedup ON reports (organization_name,\n"
	"  report_id, start_time, end_time, md5(policy_domains), signer);\n"
	},
	/*
	 * 5: retention (store_pgsql_prune.c): prune picks reports by their
	 * end, and a pruned report's dedup key stays a few days so a late
	 * resend is still a duplicate (store_pgsql.c).
	 */
	{ 5,
	"CREATE INDEX reports_end_time ON reports (end_time);\n"
	"CREATE TABLE pruned_reports (\n"
	"  organization_name TEXT NOT NULL,\n"
	"  report_id TEXT NOT NULL,\n"
	"  start_time BIGINT NOT NULL,\n"
	"  end_time BIGINT NOT NULL,\n"
	"  policy_domains TEXT NOT NULL,\n"
	"  signer TEXT NOT NULL,\n"
	"  pruned_time BIGINT NOT NULL\n"
	");\n"
	"CREATE UNIQUE INDEX pruned_reports_dedup ON pruned_reports\n"
	"  (organization_name, report_id, start_time, end_time,\n"
	"  md5(policy_domains), signer);\n"
	"CREATE INDEX pruned_reports_time ON pruned_reports (pruned_time);\n"
	},
	/*
	 * 7: probe history (store_pgsql_probe.c): rows only when something
	 * changed, plus a daily heartbeat; the last run per domain.
	 */
	{ 7,
	"CREATE TABLE probes (\n"
	"  id BIGSERIAL PRIMARY KEY,\n"
	"  run_time BIGINT NOT NULL,\n"
	"  domain TEXT NOT NULL,\n"
	"  mx TEXT NOT NULL,\n"
	"  result_type TEXT,\n"
	"  starttls INTEGER NOT NULL,\n"
	"  tls_version TEXT,\n"
	"  cert_not_after BIGINT NOT NULL,\n"
	"  cert_names TEXT,\n"
	"  spki_sha256 TEXT,\n"
	"  tlsa TEXT,\n"
	"  tlsa_dnssec INTEGER NOT NULL,\n"
	"  tlsa_match INTEGER NOT NULL,\n"
	"  sts_covered INTEGER NOT NULL,\n"
	"  tlsrpt_record TEXT,\n"
	"  sts_id TEXT,\n"
	"  sts_mode TEXT,\n"
	"  sts_max_age BIGINT NOT NULL,\n"
	"  sts_policy TEXT\n"
	");\n"
	"CREATE INDEX probes_host ON probes (domain, mx, run_time);\n"
	"CREATE INDEX probes_time ON probes (run_time);\n"
	"CREATE TABLE probe_runs (\n"
	"  domain TEXT PRIMARY KEY,\n"
	"  last_run BIGINT NOT NULL\n"
	");\n"
	},
};

#define N_MIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

/* ---- the connection --------------------------------------------------- */

/* Run SQL (no parameters, maybe several statements); 0 or -1 + ERRBUF. */
int
pgsql_simple(struct store_pgsql *s, const char *sql, const char *what, char *errbuf,
    size_t errlen)
{
	PGresult *res = PQexec(s->conn, sql);
	ExecStatusType rc = PQresultStatus(res);

	if (rc == PGRES_COMMAND_OK || rc == PGRES_TUPLES_OK) {
		PQclear(res);
		return 0;
	}
	pgsql_err(s, errbuf, errlen, "%s: %s", what, pgsql_result_message(s, res));
	PQclear(res);
	return -1;
}

/* COMMIT, which the server turns into ROLLBACK in a failed transaction. */
int
pgsql_commit(struct store_pgsql *s, char *errbuf, size_t errlen)
{
	PGresult *res = PQexec(s->conn, "COMMIT");
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK &&
	    strcmp(PQcmdStatus(res), "COMMIT") == 0;

	if (!ok)
		pgsql_err(s, errbuf, errlen, "committing: %s",
		    PQresultStatus(res) == PGRES_COMMAND_OK ?
		    "the server rolled the transaction back" : pgsql_result_message(s, res));
	PQclear(res);
	return ok ? 0 : -1;
}

/* End a transaction left open by an error, when the connection still works. */
void
pgsql_rollback(struct store_pgsql *s)
{
	PGTransactionStatusType ts = PQtransactionStatus(s->conn);

	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(s->conn, "ROLLBACK"));
}

/*
 * The schema version: 0 without a schema_version table.  Resolved through
 * search_path, as every statement here is.
 */
static int
current_version(struct store_pgsql *s, int *version_r, char *errbuf,
    size_t errlen)
{
	PGresult *res;
	int exists;

	res = PQexec(s->conn, "SELECT to_regclass('schema_version') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pgsql_err(s, errbuf, errlen, "reading the schema version: %s",
		    pgsql_result_message(s, res));
		PQclear(res);
		return -1;
	}
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!exists) {
		*version_r = 0;
		return 0;
	}
	res = PQexec(s->conn, "SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pgsql_err(s, errbuf, errlen, "reading the schema version: %s",
		    pgsql_result_message(s, res));
		PQclear(res);
		return -1;
	}
	*version_r = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/*
 * Apply the missing steps, all in one transaction under an advisory lock:
 * a second milter starting at the same moment waits, then finds the
 * schema current.
 */
int
pgsql_migrate(struct store_pgsql *s, char *errbuf, size_t errlen)
{
	int latest = store_schema_version(), version;
	char what[64], vbuf[16];
	const char *param[1];
	PGresult *res;
	size_t i;

	if (N_MIGRATIONS == 0 || migrations[N_MIGRATIONS - 1].version != latest) {
		pgsql_err(s, errbuf, errlen, "this build has no migration to schema "
		    "version %d", latest);
		return -1;
	}
	/* The common case, without taking the lock. */
	if (current_version(s, &version, errbuf, errlen) < 0)
		return -1;
	if (version < latest) {
		if (pgsql_simple(s, "BEGIN", "migrating the schema", errbuf, errlen) < 0 ||
		    pgsql_simple(s, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")",
		    "waiting for the migration lock", errbuf, errlen) < 0 ||
		    pgsql_simple(s, "CREATE TABLE IF NOT EXISTS schema_version (\n"
		    "  version INTEGER PRIMARY KEY,\n"
		    "  applied_time BIGINT NOT NULL\n"
		    ")", "creating schema_version", errbuf, errlen) < 0 ||
		    current_version(s, &version, errbuf, errlen) < 0)
			goto rollback;
		for (i = 0; i < N_MIGRATIONS; i++) {
			if (migrations[i].version <= version)
				continue;
			snprintf(what, sizeof(what), "schema migration to version %d",
			    migrations[i].version);
			if (pgsql_simple(s, migrations[i].sql, what, errbuf, errlen) < 0)
				goto rollback;
			snprintf(vbuf, sizeof(vbuf), "%d", migrations[i].version);
			param[0] = vbuf;
			res = PQexecParams(s->conn, "INSERT INTO schema_version"
			    " (version, applied_time) VALUES ($1,"
			    " extract(epoch FROM now())::bigint)", 1, NULL, param,
			    NULL, NULL, 0);
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				pgsql_err(s, errbuf, errlen, "%s: %s", what,
				    pgsql_result_message(s, res));
				PQclear(res);
				goto rollback;
			}
			PQclear(res);
			version = migrations[i].version;
		}
		if (pgsql_commit(s, errbuf, errlen) < 0)
			goto rollback;
	}
	if (version > latest) {
		pgsql_err(s, errbuf, errlen, "database schema version %d is newer than "
		    "this build's %d; use a newer tlsrpt-milter", version, latest);
		return -1;
	}
	return 0;
rollback:
	pgsql_rollback(s);
	return -1;
}
