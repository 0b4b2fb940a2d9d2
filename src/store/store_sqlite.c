/*
 * store_sqlite.c - the SQLite backend of store.h.
 *
 * One connection per handle, opened SQLITE_OPEN_NOMUTEX (a handle is used
 * by one thread at a time), in WAL mode with a busy timeout, so handles in
 * several threads or processes write in turn instead of failing.
 *
 * The schema is built by an ordered list of migration steps; each runs in
 * its own transaction and records its number in schema_version, so a
 * later release appends steps and an old database catches up on open.
 *
 * A report goes in as one BEGIN IMMEDIATE ... COMMIT: the reports row,
 * then its policies, then their failure details; any error rolls it all
 * back.  The dedup key is (organization_name, report_id, start_time,
 * end_time, policy_domains, signer), policy_domains being the report's
 * policy domains lower-cased, sorted, de-duplicated and joined with ",",
 * signer store_signer_key(): who signed it, '' when unverified (not NULL:
 * NULLs never collide in a UNIQUE constraint).  A duplicate writes
 * nothing, and so does a late resend of a report pruned a few days ago
 * (store_sqlite_prune.c).  Copies from different signers, and a verified
 * copy after an unverified one, are different reports: a copy that
 * arrives first can never keep out, or lend its numbers to, the
 * reporter's own.
 */
#include "store_sqlite.h"
#include "errbuf.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS	5000

/*
 * Migration steps, in order.  Never edit a released step: append one.
 * The last step's version must equal store_schema_version().
 */
struct migration {
	int version;
	const char *sql;
};

static const struct migration migrations[] = {
	{ 1,
	"CREATE TABLE reports (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  organization_name TEXT NOT NULL,\n"
	"  contact_info TEXT,\n"
	"  report_id TEXT NOT NULL,\n"
	"  start_time INTEGER NOT NULL,\n"	/* unix seconds, UTC */
	"  end_time INTEGER NOT NULL,\n"
	"  policy_domains TEXT NOT NULL,\n"	/* the dedup form, see above */
	"  total_successful INTEGER NOT NULL,\n"
	"  total_failure INTEGER NOT NULL,\n"
	"  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),\n"
	"  queue_id TEXT,\n"
	"  mail_from TEXT,\n"
	"  dkim_domain TEXT,\n"
	"  auth_method TEXT,\n"
	"  source TEXT,\n"
	"  received_time INTEGER,\n"		/* unix seconds; NULL unknown */
	"  stored_time INTEGER NOT NULL,\n"
	"  warnings TEXT NOT NULL,\n"		/* JSON array of strings */
	"  UNIQUE (organization_name, report_id, start_time, end_time,\n"
	"    policy_domains)\n"
	");\n"
	"CREATE INDEX reports_start_time ON reports (start_time);\n"
	"CREATE TABLE policies (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  report_fk INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,\n"
	"  policy_index INTEGER NOT NULL,\n"
	"  policy_type TEXT NOT NULL,\n"
	"  policy_domain TEXT COLLATE NOCASE,\n"
	"  policy_strings TEXT NOT NULL,\n"	/* JSON array of strings */
	"  mx_hosts TEXT NOT NULL,\n"		/* JSON array of strings */
	"  total_successful INTEGER NOT NULL,\n"
	"  total_failure INTEGER NOT NULL,\n"
	"  UNIQUE (report_fk, policy_index)\n"
	");\n"
	"CREATE INDEX policies_domain ON policies (policy_domain, report_fk);\n"
	"CREATE TABLE failure_details (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  policy_fk INTEGER NOT NULL REFERENCES policies (id) ON DELETE CASCADE,\n"
	"  detail_index INTEGER NOT NULL,\n"
	"  result_type TEXT NOT NULL,\n"
	"  sending_mta_ip TEXT,\n"
	"  receiving_mx_hostname TEXT COLLATE NOCASE,\n"
	"  receiving_mx_helo TEXT,\n"
	"  receiving_ip TEXT,\n"
	"  failed_session_count INTEGER NOT NULL,\n"
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
	 * 2: PostgreSQL's dedup key became indexable (store_pgsql.c); here the
	 * reporters' history of `tlsrpt report` gets an index of its own.
	 */
	{ 2,
	"CREATE INDEX reports_organization ON reports (organization_name, start_time);\n"
	},
	/*
	 * 3: a report's details beyond the store's cap are folded into one
	 * row per result type (store.h); this counts the details a row
	 * stands for.  0 for a detail stored as it came.
	 */
	{ 3,
	"ALTER TABLE failure_details ADD COLUMN folded_details INTEGER NOT NULL DEFAULT 0;\n"
	},
	/*
	 * 4: the dedup key names who signed the report.  SQLite cannot change
	 * a UNIQUE constraint in place: the table is rebuilt, ids kept, with
	 * foreign keys off (see migrate()) so policies stay where they are.
	 * The old key's rows are unique under the new, finer one.
	 */
	{ 4,
	"CREATE TABLE reports_new (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  organization_name TEXT NOT NULL,\n"
	"  contact_info TEXT,\n"
	"  report_id TEXT NOT NULL,\n"
	"  start_time INTEGER NOT NULL,\n"
	"  end_time INTEGER NOT NULL,\n"
	"  policy_domains TEXT NOT NULL,\n"
	"  signer TEXT NOT NULL,\n"		/* the dedup form, see above */
	"  total_successful INTEGER NOT NULL,\n"
	"  total_failure INTEGER NOT NULL,\n"
	"  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),\n"
	"  queue_id TEXT,\n"
	"  mail_from TEXT,\n"
	"  dkim_domain TEXT,\n"
	"  auth_method TEXT,\n"
	"  source TEXT,\n"
	"  received_time INTEGER,\n"
	"  stored_time INTEGER NOT NULL,\n"
	"  warnings TEXT NOT NULL,\n"
	"  UNIQUE (organization_name, report_id, start_time, end_time,\n"
	"    policy_domains, signer)\n"
	");\n"
	"INSERT INTO reports_new (id, organization_name, contact_info, report_id,\n"
	"  start_time, end_time, policy_domains, signer, total_successful,\n"
	"  total_failure, verified, queue_id, mail_from, dkim_domain, auth_method,\n"
	"  source, received_time, stored_time, warnings)\n"
	" SELECT id, organization_name, contact_info, report_id, start_time,\n"
	"  end_time, policy_domains, CASE WHEN verified = 1\n"
	"  THEN lower(coalesce(dkim_domain, '')) ELSE '' END, total_successful,\n"
	"  total_failure, verified, queue_id, mail_from, dkim_domain, auth_method,\n"
	"  source, received_time, stored_time, warnings FROM reports;\n"
	"DROP TABLE reports;\n"
	"ALTER TABLE reports_new RENAME TO reports;\n"
	"CREATE INDEX reports_start_time ON reports (start_time);\n"
	"CREATE INDEX reports_organization ON reports (organization_name, start_time);\n"
	},
	/*
	 * 5: retention (store_sqlite_prune.c).  Prune picks reports by their
	 * end; a pruned report's dedup key stays here for a few days, so a
	 * late resend is still a duplicate (see ST_FIND).
	 */
	{ 5,
	"CREATE INDEX reports_end_time ON reports (end_time);\n"
	"CREATE TABLE pruned_reports (\n"
	"  organization_name TEXT NOT NULL,\n"
	"  report_id TEXT NOT NULL,\n"
	"  start_time INTEGER NOT NULL,\n"
	"  end_time INTEGER NOT NULL,\n"
	"  policy_domains TEXT NOT NULL,\n"
	"  signer TEXT NOT NULL,\n"
	"  pruned_time INTEGER NOT NULL,\n"
	"  UNIQUE (organization_name, report_id, start_time, end_time,\n"
	"    policy_domains, signer)\n"
	");\n"
	"CREATE INDEX pruned_reports_time ON pruned_reports (pruned_time);\n"
	},
	/*
	 * 7: probe history (store_sqlite_probe.c): rows only when something
	 * changed, plus a daily heartbeat; the last run per domain.
	 */
	{ 7,
	"CREATE TABLE probes (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run_time INTEGER NOT NULL,\n"
	"  domain TEXT NOT NULL,\n"
	"  mx TEXT NOT NULL,\n"		/* '' for the domain's own row */
	"  result_type TEXT,\n"
	"  starttls INTEGER NOT NULL,\n"
	"  tls_version TEXT,\n"
	"  cert_not_after INTEGER NOT NULL,\n"
	"  cert_names TEXT,\n"
	"  spki_sha256 TEXT,\n"
	"  tlsa TEXT,\n"
	"  tlsa_dnssec INTEGER NOT NULL,\n"
	"  tlsa_match INTEGER NOT NULL,\n"
	"  sts_covered INTEGER NOT NULL,\n"
	"  tlsrpt_record TEXT,\n"
	"  sts_id TEXT,\n"
	"  sts_mode TEXT,\n"
	"  sts_max_age INTEGER NOT NULL,\n"
	"  sts_policy TEXT\n"
	");\n"
	"CREATE INDEX probes_host ON probes (domain, mx, run_time);\n"
	"CREATE INDEX probes_time ON probes (run_time);\n"
	"CREATE TABLE probe_runs (\n"
	"  domain TEXT PRIMARY KEY,\n"
	"  last_run INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n"
	},
};

#define N_MIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

static const char schema_version_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_version (\n"
	"  version INTEGER PRIMARY KEY,\n"
	"  applied_time INTEGER NOT NULL\n"
	")";

/* The statements of store_put_report, prepared once per handle. */
enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_FIND,
	ST_INSERT_REPORT,
	ST_INSERT_POLICY,
	ST_INSERT_DETAIL,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	/* Stored, or pruned so recently that a resend is still a duplicate. */
	[ST_FIND] =
	    "SELECT 1 FROM reports WHERE organization_name = ?1"
	    " AND report_id = ?2 AND start_time = ?3 AND end_time = ?4"
	    " AND policy_domains = ?5 AND signer = ?6"
	    " UNION ALL SELECT 1 FROM pruned_reports WHERE organization_name = ?1"
	    " AND report_id = ?2 AND start_time = ?3 AND end_time = ?4"
	    " AND policy_domains = ?5 AND signer = ?6",
	[ST_INSERT_REPORT] =
	    "INSERT INTO reports (organization_name, contact_info, report_id,"
	    " start_time, end_time, policy_domains, total_successful,"
	    " total_failure, verified, queue_id, mail_from, dkim_domain,"
	    " auth_method, source, received_time, stored_time, warnings, signer)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, ?16, ?17, ?18)",
	[ST_INSERT_POLICY] =
	    "INSERT INTO policies (report_fk, policy_index, policy_type,"
	    " policy_domain, policy_strings, mx_hosts, total_successful,"
	    " total_failure) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_INSERT_DETAIL] =
	    "INSERT INTO failure_details (policy_fk, detail_index, result_type,"
	    " sending_mta_ip, receiving_mx_hostname, receiving_mx_helo,"
	    " receiving_ip, failed_session_count, additional_information,"
	    " failure_reason_code, folded_details) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?11)",
};

struct store_sqlite {
	struct store base;		/* first, so store.c can use it */
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
};


/* ---- opening ---------------------------------------------------------- */

/*
 * A parent directory that is missing, not a directory or not writable
 * gets its own message rather than SQLite's "unable to open database file".
 */
static int
check_directory(const char *path, char *errbuf, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	struct stat sb;
	int rc = 0;

	if (slash == NULL)
		return 0;			/* the current directory */
	if ((dir = strndup(path, slash == path ? 1 : (size_t)(slash - path))) == NULL) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: out of memory", path);
		return -1;
	}
	if (stat(dir, &sb) < 0) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: directory %s: %s%s", path, dir,
		    strerror(errno), errno == ENOENT ?
		    " (create it, writable by the milter's user)" : "");
		rc = -1;
	} else if (!S_ISDIR(sb.st_mode)) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: %s is not a directory", path, dir);
		rc = -1;
	} else if (access(dir, W_OK | X_OK) < 0) {
		/* WAL mode creates PATH-wal and PATH-shm beside the database */
		errbuf_printf(errbuf, errlen, "sqlite:%s: directory %s: %s (the database "
		    "and its -wal and -shm files are created there)", path, dir,
		    strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

/* "sqlite:PATH: WHAT: errmsg (OS error)". */
static void
db_error(sqlite3 *db, const char *path, const char *what, char *errbuf,
    size_t errlen)
{
	int oserr = db != NULL ? sqlite3_system_errno(db) : 0;

	errbuf_printf(errbuf, errlen, "sqlite:%s: %s: %s%s%s%s", path, what,
	    db != NULL ? sqlite3_errmsg(db) : "out of memory",
	    oserr != 0 ? " (" : "", oserr != 0 ? strerror(oserr) : "",
	    oserr != 0 ? ")" : "");
}

/* The first column of the first row of SQL as an int; -1 on error. */
static int
query_int(sqlite3 *db, const char *sql, int *value_r)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*value_r = sqlite3_column_int(st, 0);
	else if (rc == SQLITE_DONE)
		*value_r = 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
current_version(sqlite3 *db, int *version_r)
{
	int exists;

	if (query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	    " AND name = 'schema_version'", &exists) < 0)
		return -1;
	if (!exists) {
		*version_r = 0;
		return 0;
	}
	return query_int(db, "SELECT coalesce(max(version), 0) FROM schema_version",
	    version_r);
}

/* Apply the missing migration steps, one transaction each. */
static int
migrate(sqlite3 *db, const char *path, char *errbuf, size_t errlen)
{
	int latest = store_schema_version(), version, dangling;
	char what[64];
	size_t i;

	if (N_MIGRATIONS == 0 || migrations[N_MIGRATIONS - 1].version != latest) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: this build has no migration to "
		    "schema version %d", path, latest);
		return -1;
	}
	/* The common case, without taking the write lock. */
	if (current_version(db, &version) < 0) {
		db_error(db, path, "reading the schema version", errbuf, errlen);
		return -1;
	}
	/*
	 * A step may rebuild a table that others reference: with foreign keys
	 * on, dropping the old one would cascade to them.  Off for the
	 * migration (the pragma is a no-op inside a transaction), and each
	 * step must leave every reference intact.
	 */
	if (version < latest && sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL,
	    NULL, NULL) != SQLITE_OK) {
		db_error(db, path, "migrating the schema", errbuf, errlen);
		return -1;
	}
	while (version < latest) {
		/* Another process may be migrating too: decide under the lock. */
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			db_error(db, path, "migrating the schema", errbuf, errlen);
			return -1;
		}
		if (sqlite3_exec(db, schema_version_sql, NULL, NULL, NULL) != SQLITE_OK ||
		    current_version(db, &version) < 0) {
			db_error(db, path, "reading the schema version", errbuf, errlen);
			goto rollback;
		}
		for (i = 0; i < N_MIGRATIONS && migrations[i].version <= version; i++)
			;
		if (version < latest && i < N_MIGRATIONS) {
			char *sql = sqlite3_mprintf("INSERT INTO schema_version"
			    " (version, applied_time) VALUES (%d, strftime('%%s', 'now'))",
			    migrations[i].version);

			snprintf(what, sizeof(what), "schema migration to version %d",
			    migrations[i].version);
			if (sql == NULL ||
			    sqlite3_exec(db, migrations[i].sql, NULL, NULL, NULL) != SQLITE_OK ||
			    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
			    query_int(db, "SELECT count(*) FROM pragma_foreign_key_check",
			    &dangling) < 0) {
				db_error(db, path, what, errbuf, errlen);
				sqlite3_free(sql);
				goto rollback;
			}
			sqlite3_free(sql);
			if (dangling > 0) {
				errbuf_printf(errbuf, errlen, "sqlite:%s: %s: %d broken "
				    "foreign key reference(s)", path, what, dangling);
				goto rollback;
			}
			version = migrations[i].version;
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			db_error(db, path, "committing the schema", errbuf, errlen);
			goto rollback;
		}
	}
	if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		db_error(db, path, "migrating the schema", errbuf, errlen);
		return -1;
	}
	if (version > latest) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: database schema version %d is newer "
		    "than this build's %d; use a newer tlsrpt-milter", path, version,
		    latest);
		return -1;
	}
	return 0;
rollback:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return -1;
}

static int
journal_mode_cb(void *arg, int ncol, char **values, char **names)
{
	(void)names;
	if (ncol > 0 && values[0] != NULL)
		snprintf(arg, 16, "%s", values[0]);
	return 0;
}

static int
configure(sqlite3 *db, const char *path, char *errbuf, size_t errlen)
{
	char mode[16] = "";
	int rc, waited;

	if (sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
	    NULL, NULL, NULL) != SQLITE_OK) {
		db_error(db, path, "setting options", errbuf, errlen);
		return -1;
	}
	/*
	 * Switching a new file to WAL takes a lock the busy timeout does not
	 * cover: two handles opening the same new file at once can get
	 * SQLITE_BUSY here.  Retry for as long as the busy timeout would wait.
	 */
	for (waited = 0;; waited += 10) {
		rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", journal_mode_cb,
		    mode, NULL);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    waited >= BUSY_TIMEOUT_MS)
			break;
		sqlite3_sleep(10);
	}
	if (rc != SQLITE_OK) {
		db_error(db, path, "setting WAL mode", errbuf, errlen);
		return -1;
	}
	if (strcmp(mode, "wal") != 0) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: cannot use WAL journal mode "
		    "(journal mode is \"%s\")", path, mode);
		return -1;
	}
	return 0;
}

static void
sqlite_close(struct store *st)
{
	struct store_sqlite *s = (struct store_sqlite *)st;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
	free(s);
}

static struct store *
sqlite_open(const char *path, const struct store_options *opt, char *errbuf,
    size_t errlen)
{
	struct store_sqlite *s;
	size_t i;

	if (path == NULL || path[0] == '\0') {
		errbuf_printf(errbuf, errlen, "sqlite: no database path (sqlite:/PATH)");
		return NULL;
	}
	if (opt != NULL && opt->must_exist && access(path, F_OK) < 0) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: %s; create the store with `tlsrpt "
		    "db migrate` (or check the Database setting and --db)", path,
		    strerror(errno));
		return NULL;
	}
	if (check_directory(path, errbuf, errlen) < 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: out of memory", path);
		return NULL;
	}
	s->base.backend = &store_sqlite_backend;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_error(s->db, path, "cannot open", errbuf, errlen);
		goto fail;
	}
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		errbuf_printf(errbuf, errlen, "sqlite:%s: the database file is read-only "
		    "for this user", path);
		goto fail;
	}
	if (configure(s->db, path, errbuf, errlen) < 0 ||
	    migrate(s->db, path, errbuf, errlen) < 0)
		goto fail;
	for (i = 0; i < ST__COUNT; i++)
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK) {
			db_error(s->db, path, "preparing statements", errbuf, errlen);
			goto fail;
		}
	return &s->base;
fail:
	sqlite_close(&s->base);
	return NULL;
}

/* ---- storing ---------------------------------------------------------- */

/* Binds in sequence; the first failure sticks and later binds are skipped. */
struct binder {
	sqlite3_stmt *st;
	int rc;
};

static void
bind_text(struct binder *b, int idx, const char *v)
{
	if (b->rc == SQLITE_OK)
		b->rc = v == NULL ? sqlite3_bind_null(b->st, idx) :
		    sqlite3_bind_text(b->st, idx, v, -1, SQLITE_STATIC);
}

/* V is malloc'd; SQLite frees it (even when binding fails). */
static void
bind_owned_text(struct binder *b, int idx, char *v)
{
	if (b->rc != SQLITE_OK)
		free(v);
	else if (v == NULL)
		b->rc = SQLITE_NOMEM;
	else
		b->rc = sqlite3_bind_text(b->st, idx, v, -1, free);
}

static void
bind_int(struct binder *b, int idx, sqlite3_int64 v)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_int64(b->st, idx, v);
}

/* Time 0 means unknown. */
static void
bind_time(struct binder *b, int idx, time_t t)
{
	if (b->rc == SQLITE_OK)
		b->rc = t == 0 ? sqlite3_bind_null(b->st, idx) :
		    sqlite3_bind_int64(b->st, idx, (sqlite3_int64)t);
}

/*
 * Step statement ID, which must finish (SQLITE_DONE), then reset it.
 * On failure fills ERRBUF with WHAT and SQLite's message.
 */
static int
run(struct store_sqlite *s, enum stmt_id id, int bind_rc, char *errbuf,
    size_t errlen, const char *what)
{
	sqlite3_stmt *st = s->stmt[id];
	int rc = bind_rc;

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_DONE)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK)
		errbuf_printf(errbuf, errlen, "sqlite: %s: %s", what,
		    bind_rc != SQLITE_OK ? sqlite3_errstr(bind_rc) :
		    sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_OK ? 0 : -1;
}

static void
bind_provenance(struct binder *b, int first, const struct store_provenance *prov,
    const struct tlsrpt_report *rep)
{
	const char *source = prov->source;

	if (source == NULL && rep->source != NULL && rep->source[0] != '\0')
		source = rep->source;
	bind_text(b, first, prov->queue_id);
	bind_text(b, first + 1, prov->mail_from);
	bind_text(b, first + 2, prov->dkim_domain);
	bind_text(b, first + 3, prov->auth_method);
	bind_text(b, first + 4, source);
	bind_time(b, first + 5, prov->received);
}

/* Whether the report is stored under its key: 1 yes, 0 no, -1 on error. */
static int
find_report(struct store_sqlite *s, const struct tlsrpt_report *rep,
    const char *domains, const char *signer, char *errbuf, size_t errlen)
{
	sqlite3_stmt *st = s->stmt[ST_FIND];
	struct binder b = { st, SQLITE_OK };
	int rc, found = 0;

	bind_text(&b, 1, rep->organization_name);
	bind_text(&b, 2, rep->report_id);
	bind_int(&b, 3, (sqlite3_int64)rep->start);
	bind_int(&b, 4, (sqlite3_int64)rep->end);
	bind_text(&b, 5, domains);
	bind_text(&b, 6, signer);
	if ((rc = b.rc) == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			found = 1;
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		errbuf_printf(errbuf, errlen, "sqlite: looking up the report: %s",
		    b.rc != SQLITE_OK ? sqlite3_errstr(b.rc) : sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_OK ? found : -1;
}

static int
insert_report(struct store_sqlite *s, const struct tlsrpt_report *rep,
    const struct store_provenance *prov, const char *domains,
    const char *signer, char *errbuf, size_t errlen)
{
	struct binder b = { s->stmt[ST_INSERT_REPORT], SQLITE_OK };

	bind_text(&b, 1, rep->organization_name);
	bind_text(&b, 2, rep->contact_info);
	bind_text(&b, 3, rep->report_id);
	bind_int(&b, 4, (sqlite3_int64)rep->start);
	bind_int(&b, 5, (sqlite3_int64)rep->end);
	bind_text(&b, 6, domains);
	bind_int(&b, 7, rep->total_successful);
	bind_int(&b, 8, rep->total_failure);
	bind_int(&b, 9, prov->verified ? 1 : 0);
	bind_provenance(&b, 10, prov, rep);
	bind_int(&b, 16, (sqlite3_int64)time(NULL));
	bind_owned_text(&b, 17, store_json_array(rep->warnings, rep->n_warnings));
	bind_text(&b, 18, signer);
	return run(s, ST_INSERT_REPORT, b.rc, errbuf, errlen, "inserting the report");
}

static int
insert_policy(struct store_sqlite *s, sqlite3_int64 report_pk, size_t idx,
    const struct tlsrpt_policy *pol, char *errbuf, size_t errlen)
{
	struct binder b = { s->stmt[ST_INSERT_POLICY], SQLITE_OK };
	char what[64];

	bind_int(&b, 1, report_pk);
	bind_int(&b, 2, (sqlite3_int64)idx);
	bind_text(&b, 3, pol->policy_type);
	bind_text(&b, 4, pol->policy_domain);
	bind_owned_text(&b, 5, store_json_array(pol->policy_strings,
	    pol->n_policy_strings));
	bind_owned_text(&b, 6, store_json_array(pol->mx_hosts, pol->n_mx_hosts));
	bind_int(&b, 7, pol->total_successful);
	bind_int(&b, 8, pol->total_failure);
	snprintf(what, sizeof(what), "inserting policy %zu", idx + 1);
	return run(s, ST_INSERT_POLICY, b.rc, errbuf, errlen, what);
}

static int
insert_detail(struct store_sqlite *s, sqlite3_int64 policy_pk, size_t pidx,
    size_t idx, const struct tlsrpt_failure_detail *fd, char *errbuf,
    size_t errlen)
{
	struct binder b = { s->stmt[ST_INSERT_DETAIL], SQLITE_OK };
	char what[80];

	bind_int(&b, 1, policy_pk);
	bind_int(&b, 2, (sqlite3_int64)idx);
	bind_text(&b, 3, fd->result_type);
	bind_text(&b, 4, fd->sending_mta_ip);
	bind_text(&b, 5, fd->receiving_mx_hostname);
	bind_text(&b, 6, fd->receiving_mx_helo);
	bind_text(&b, 7, fd->receiving_ip);
	bind_int(&b, 8, fd->failed_session_count);
	bind_text(&b, 9, fd->additional_information);
	bind_text(&b, 10, fd->failure_reason_code);
	bind_int(&b, 11, fd->folded_details);
	snprintf(what, sizeof(what), "inserting failure detail %zu of policy %zu",
	    idx + 1, pidx + 1);
	return run(s, ST_INSERT_DETAIL, b.rc, errbuf, errlen, what);
}

static enum store_status
sqlite_put_report(struct store *st, const struct tlsrpt_report *rep,
    const struct store_provenance *prov, char *errbuf, size_t errlen)
{
	static const struct store_provenance no_provenance = { .verified = 0 };
	struct store_sqlite *s = (struct store_sqlite *)st;
	enum store_status status = STORE_ERROR;
	sqlite3_int64 report_pk, policy_pk;
	char *domains, signer[STORE_SIGNER_MAX];
	size_t p, d;
	int found;

	errbuf_printf(errbuf, errlen, "%s", "");
	if (prov == NULL)
		prov = &no_provenance;
	if (rep->organization_name == NULL || rep->report_id == NULL) {
		errbuf_printf(errbuf, errlen, "sqlite: report without %s",
		    rep->organization_name == NULL ? "organization-name" : "report-id");
		return STORE_ERROR;
	}
	if (store_signer_key(prov, signer, sizeof(signer)) < 0) {
		errbuf_printf(errbuf, errlen, "sqlite: signer domain longer than "
		    "a domain name");
		return STORE_ERROR;
	}
	if ((domains = store_policy_domains_key(rep)) == NULL) {
		errbuf_printf(errbuf, errlen, "sqlite: out of memory");
		return STORE_ERROR;
	}
	if (run(s, ST_BEGIN, SQLITE_OK, errbuf, errlen, "beginning a transaction") < 0)
		goto out;
	if ((found = find_report(s, rep, domains, signer, errbuf, errlen)) < 0)
		goto rollback;
	if (found) {
		/* Nothing to write; end the transaction. */
		if (run(s, ST_ROLLBACK, SQLITE_OK, errbuf, errlen,
		    "ending the transaction") < 0)
			goto out;
		status = STORE_DUPLICATE;
		goto out;
	}
	if (insert_report(s, rep, prov, domains, signer, errbuf, errlen) < 0)
		goto rollback;
	report_pk = sqlite3_last_insert_rowid(s->db);
	for (p = 0; p < rep->n_policies; p++) {
		const struct tlsrpt_policy *pol = &rep->policies[p];

		if (insert_policy(s, report_pk, p, pol, errbuf, errlen) < 0)
			goto rollback;
		policy_pk = sqlite3_last_insert_rowid(s->db);
		for (d = 0; d < pol->n_details; d++)
			if (insert_detail(s, policy_pk, p, d, &pol->details[d],
			    errbuf, errlen) < 0)
				goto rollback;
	}
	if (run(s, ST_COMMIT, SQLITE_OK, errbuf, errlen, "committing") < 0)
		goto rollback;
	status = STORE_STORED;
	goto out;
rollback:
	/* ERRBUF already holds the first error; keep it. */
	if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_step(s->stmt[ST_ROLLBACK]);
		sqlite3_reset(s->stmt[ST_ROLLBACK]);
	}
out:
	free(domains);
	return status;
}

static int
sqlite_prune(struct store *st, struct store_prune *pr, char *errbuf,
    size_t errlen)
{
	return store_sqlite_prune(((struct store_sqlite *)st)->db, pr, errbuf,
	    errlen);
}

static int
sqlite_query(struct store *st, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen)
{
	return store_sqlite_query(((struct store_sqlite *)st)->db, filter,
	    visitor, errbuf, errlen);
}

static int
sqlite_put_probes(struct store *st, const struct store_probe_row *rows,
    size_t n, size_t *stored_r, char *errbuf, size_t errlen)
{
	return store_sqlite_put_probes(((struct store_sqlite *)st)->db, rows, n,
	    stored_r, errbuf, errlen);
}

static int
sqlite_query_probes(struct store *st, const struct store_filter *filter,
    const struct store_probe_visitor *visitor, char *errbuf, size_t errlen)
{
	return store_sqlite_query_probes(((struct store_sqlite *)st)->db,
	    filter, visitor, errbuf, errlen);
}

const struct store_backend store_sqlite_backend = {
	.scheme = "sqlite",
	.open = sqlite_open,
	.put_report = sqlite_put_report,
	.query = sqlite_query,
	.prune = sqlite_prune,
	.close = sqlite_close,
	.put_probes = sqlite_put_probes,
	.query_probes = sqlite_query_probes,
};
