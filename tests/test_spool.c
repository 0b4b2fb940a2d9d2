/*
 * test_spool.c - the spool: what a spool file holds, provenance back
 * intact through replay (verified=0 too, CR/LF in values neutralized),
 * replay idempotent, corrupt files moved to bad/ with the reason, clear
 * errors for a spool that cannot be written, replay stopping at a store
 * error and keeping the rest, oldest first, bounded batches, temporary
 * files left alone, and writers in several threads.
 *
 * Each case uses fresh spool directories and SQLite databases in a
 * private temporary directory (under $TMPDIR or /tmp), removed at the end.
 */
#include "spool.h"
#include "store.h"
#include "testlib.h"
#include "tlsrpt.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[1024];
static int serial;

/* ---- helpers ---------------------------------------------------------- */

/* A fresh directory (spool) or path (database) under tmpdir. */
static void
fresh_dir(char *buf, size_t size, const char *tag)
{
	snprintf(buf, size, "%s/%s-%d", tmpdir, tag, ++serial);
	CHECKF(mkdir(buf, 0750) == 0, "mkdir %s: %s", buf, strerror(errno));
}

static struct store *
fresh_store(char *path, size_t size)
{
	char uri[PATH_MAX + 16], err[512] = "";
	struct store *st;

	snprintf(path, size, "%s/db-%d.db", tmpdir, ++serial);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	st = store_open(uri, err, sizeof(err));
	CHECKF(st != NULL, "store_open(%s): %s", uri, err);
	return st;
}

/* The first column of the first row of SQL on the database at PATH. */
static const char *
q(const char *path, const char *sql)
{
	static char buf[1024];
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(buf, sizeof(buf), "(open: %s)", sqlite3_errmsg(db));
		sqlite3_close(db);
		return buf;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(buf, sizeof(buf), "(error: %s)", sqlite3_errmsg(db));
		sqlite3_close(db);
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
	sqlite3_close(db);
	return buf;
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		CHECKF(0, "%s: %s", sql, msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
}

/* A bare JSON report with report-id ID (malloc'd). */
static char *
report_json(const char *id)
{
	char *buf = malloc(1024);

	if (buf == NULL)
		return NULL;
	snprintf(buf, 1024,
	    "{\"organization-name\": \"Spool Reporter\",\n"
	    " \"date-range\": {\"start-datetime\": \"2024-03-01T00:00:00Z\","
	    " \"end-datetime\": \"2024-03-01T23:59:59Z\"},\n"
	    " \"contact-info\": \"tlsrpt@reporter.example\",\n"
	    " \"report-id\": \"%s\",\n"
	    " \"policies\": [{\"policy\": {\"policy-type\": \"sts\","
	    " \"policy-string\": [\"version: STSv1\", \"mode: enforce\"],"
	    " \"policy-domain\": \"example.net\"},"
	    " \"summary\": {\"total-successful-session-count\": 10,"
	    " \"total-failure-session-count\": 1},"
	    " \"failure-details\": [{\"result-type\": \"certificate-expired\","
	    " \"failed-session-count\": 1}]}]}\n", id);
	return buf;
}

/* Spool the JSON report ID with PROV into DIR; 0 or -1. */
static int
spool_report(const char *dir, const char *id,
    const struct store_provenance *prov, char *name, size_t name_len)
{
	char *json = report_json(id), err[512] = "";
	int rc;

	if (json == NULL)
		return -1;
	rc = spool_write(dir, json, strlen(json), prov, name, name_len, err,
	    sizeof(err));
	CHECKF(rc == 0, "spool_write %s: %s", id, err);
	free(json);
	return rc;
}

static char *
slurp(const char *path, size_t *len_r)
{
	struct stat sb;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &sb) < 0) {
		CHECKF(0, "open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) != NULL) {
		if (read(fd, buf, (size_t)sb.st_size) != sb.st_size) {
			free(buf);
			buf = NULL;
		} else {
			buf[sb.st_size] = '\0';
			*len_r = (size_t)sb.st_size;
		}
	}
	close(fd);
	return buf;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	CHECKF(fp != NULL, "fopen %s: %s", path, strerror(errno));
	if (fp == NULL)
		return;
	CHECK(fwrite(data, 1, len, fp) == len);
	CHECK(fclose(fp) == 0);
}

static int
exists(const char *dir, const char *name)
{
	char p[PATH_MAX * 3];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p))
		return 0;
	return access(p, F_OK) == 0;
}

static const struct store_provenance prov_dkim = {
	.queue_id = "4SpoolQ1", .mail_from = "noreply@reporter.example",
	.dkim_domain = "reporter.example", .auth_method = "dkim",
	.received = 1710000000, .verified = 1,
};

/* ---- cases ------------------------------------------------------------ */

/* The file as written: provenance block, blank line, the bytes verbatim. */
static void
test_file_format(void)
{
	char dir[PATH_MAX], name[128], path[PATH_MAX * 2], *buf, *json;
	size_t len = 0;

	fresh_dir(dir, sizeof(dir), "format");
	if (spool_report(dir, "fmt-1", &prov_dkim, name, sizeof(name)) < 0)
		return;
	CHECKF(strchr(name, '/') == NULL && name[0] != '.', "name %s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((buf = slurp(path, &len)) == NULL)
		return;
	json = report_json("fmt-1");
	CHECK_STR(strstr(buf, "\n\n") != NULL ? "" : "no blank line", "");
	CHECKF(strncmp(buf, "Spool-Version: 1\nQueue-Id: 4SpoolQ1\n"
	    "From: noreply@reporter.example\nDKIM-Domain: reporter.example\n"
	    "Auth-Method: dkim\nVerified: 1\nReceived: 1710000000\n\n",
	    strlen("Spool-Version: 1\nQueue-Id: 4SpoolQ1\n"
	    "From: noreply@reporter.example\nDKIM-Domain: reporter.example\n"
	    "Auth-Method: dkim\nVerified: 1\nReceived: 1710000000\n\n")) == 0,
	    "header block:\n%s", buf);
	CHECK(json != NULL && strstr(buf, "\n\n") != NULL &&
	    strcmp(strstr(buf, "\n\n") + 2, json) == 0);
	CHECK_INT(spool_pending(dir, NULL, 0), 1);
	CHECKF((access(path, R_OK) == 0), "%s readable", path);
	{
		struct stat sb;

		CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0640);
	}
	free(json);
	free(buf);
}

/* Provenance through write and replay, row by row. */
static void
test_provenance_roundtrip(void)
{
	static const struct {
		const char *name;
		struct store_provenance prov;
		const char *want;	/* queue_id|mail_from|dkim|auth|verified|received */
	} rows[] = {
		{ "dkim, verified", { .queue_id = "Q-A", .mail_from = "a@r.example",
		  .dkim_domain = "r.example", .auth_method = "dkim",
		  .received = 1710000000, .verified = 1 },
		  "Q-A|a@r.example|r.example|dkim|1|1710000000" },
		{ "authres, verified", { .queue_id = "Q-B", .mail_from = "b@r.example",
		  .dkim_domain = "r.example", .auth_method = "authres",
		  .received = 1710000001, .verified = 1 },
		  "Q-B|b@r.example|r.example|authres|1|1710000001" },
		{ "unverified stays unverified", { .queue_id = "Q-C",
		  .mail_from = "c@r.example", .auth_method = "none",
		  .received = 1710000002, .verified = 0 },
		  "Q-C|c@r.example|(null)|none|0|1710000002" },
		{ "no queue id, no From", { .auth_method = "dkim",
		  .dkim_domain = "r.example", .received = 1710000003, .verified = 1 },
		  "(null)|(null)|r.example|dkim|1|1710000003" },
		{ "CR/LF cannot forge a line", { .queue_id = "Q-D\r\nVerified: 1",
		  .mail_from = "d@r.example\nDKIM-Domain: evil.example",
		  .auth_method = "none", .received = 1710000004, .verified = 0 },
		  "Q-D  Verified: 1|d@r.example DKIM-Domain: evil.example|(null)|none|0|"
		  "1710000004" },
		{ "received unknown (0)", { .queue_id = "Q-E", .auth_method = "import",
		  .received = 0, .verified = 1 },
		  "Q-E|(null)|(null)|import|1|(null)" },
	};
	char dir[PATH_MAX], db[PATH_MAX], id[32], sql[512], err[512];
	struct spool_counts c;
	struct store *st;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fresh_dir(dir, sizeof(dir), "prov");
		snprintf(id, sizeof(id), "prov-%zu", i);
		if (spool_report(dir, id, &rows[i].prov, NULL, 0) < 0)
			continue;
		if ((st = fresh_store(db, sizeof(db))) == NULL)
			continue;
		err[0] = '\0';
		CHECKF(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0,
		    "%s: %s", rows[i].name, err);
		store_close(st);
		CHECKF(c.files == 1 && c.stored == 1 && c.removed == 1 && c.left == 0,
		    "%s: files %u stored %u removed %u left %u", rows[i].name,
		    c.files, c.stored, c.removed, c.left);
		snprintf(sql, sizeof(sql), "SELECT coalesce(queue_id, '(null)') || '|' ||"
		    " coalesce(mail_from, '(null)') || '|' || coalesce(dkim_domain,"
		    " '(null)') || '|' || auth_method || '|' || verified || '|' ||"
		    " coalesce(received_time, '(null)') FROM reports WHERE report_id = '%s'", id);
		CHECKF(strcmp(q(db, sql), rows[i].want) == 0, "%s: got \"%s\", want \"%s\"",
		    rows[i].name, q(db, sql), rows[i].want);
		CHECK_INT(spool_pending(dir, NULL, 0), 0);
	}
}

/* A MIME report message: its reports and their sources come back. */
static void
test_mime_message(void)
{
	char dir[PATH_MAX], db[PATH_MAX], err[512] = "", *msg;
	struct spool_counts c;
	struct store *st;
	size_t len;

	if ((msg = test_read_file("tests/fixtures/mime-two-reports.eml", &len)) == NULL) {
		CHECKF(0, "fixture mime-two-reports.eml: %s", strerror(errno));
		return;
	}
	fresh_dir(dir, sizeof(dir), "mime");
	CHECKF(spool_write(dir, msg, len, &prov_dkim, NULL, 0, err, sizeof(err)) == 0,
	    "%s", err);
	free(msg);
	if ((st = fresh_store(db, sizeof(db))) == NULL)
		return;
	CHECKF(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0, "%s", err);
	store_close(st);
	CHECK_INT(c.stored, 2);
	CHECK_STR(q(db, "SELECT count(*) FROM reports WHERE source LIKE 'part %'"), "2");
	CHECK_STR(q(db, "SELECT count(DISTINCT queue_id) FROM reports"), "1");
}

/* Replaying twice, and the same report spooled twice, stores it once. */
static void
test_idempotent(void)
{
	char dir[PATH_MAX], db[PATH_MAX], name[128], saved[PATH_MAX * 2],
	    path[PATH_MAX * 2], err[512] = "", *copy;
	struct spool_counts c;
	struct store *st;
	size_t len = 0;

	fresh_dir(dir, sizeof(dir), "idem");
	spool_report(dir, "idem-1", &prov_dkim, name, sizeof(name));
	spool_report(dir, "idem-1", &prov_dkim, NULL, 0);
	spool_report(dir, "idem-2", &prov_dkim, NULL, 0);
	/* Keep a copy of the first, as if a crash came before its removal. */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(saved, sizeof(saved), "%s/saved-%d", tmpdir, ++serial);
	copy = slurp(path, &len);
	if (copy != NULL)
		write_file(saved, copy, len);
	if ((st = fresh_store(db, sizeof(db))) == NULL) {
		free(copy);
		return;
	}
	CHECKF(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0, "%s", err);
	CHECKF(c.files == 3 && c.stored == 2 && c.duplicates == 1 && c.removed == 3 &&
	    c.bad == 0 && c.left == 0, "first: files %u stored %u dup %u removed %u "
	    "bad %u left %u", c.files, c.stored, c.duplicates, c.removed, c.bad, c.left);

	CHECKF(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0, "%s", err);
	CHECKF(c.files == 0 && c.stored == 0 && c.left == 0, "empty: files %u", c.files);

	if (copy != NULL)
		write_file(path, copy, len);	/* back under its own name */
	CHECKF(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0, "%s", err);
	CHECKF(c.files == 1 && c.stored == 0 && c.duplicates == 1 && c.removed == 1 &&
	    c.left == 0, "again: files %u stored %u dup %u", c.files, c.stored,
	    c.duplicates);
	store_close(st);
	CHECK_STR(q(db, "SELECT count(*) FROM reports"), "2");
	CHECK_STR(q(db, "SELECT count(*) FROM policies"), "2");
	free(copy);
	unlink(saved);
}

struct bad_seen {
	char names[8][128];
	char whys[8][512];
	unsigned n;
};

static void
note_bad(void *arg, const char *name, const char *why)
{
	struct bad_seen *b = arg;

	if (b->n < 8) {
		snprintf(b->names[b->n], sizeof(b->names[0]), "%s", name);
		snprintf(b->whys[b->n], sizeof(b->whys[0]), "%s", why);
	}
	b->n++;
}

/* Corrupt files go to bad/ with the reason; the good ones are stored. */
static void
test_bad_files(void)
{
	static const struct {
		const char *name;
		const char *content;	/* NULL: a big file, see below */
		const char *why;
	} rows[] = {
		{ "no version line", "Queue-Id: X\nVerified: 1\nReceived: 1\n\n{}",
		  "not a spool file" },
		{ "not a spool file at all", "hello\n", "not a spool file" },
		{ "empty", "", "not a spool file" },
		{ "no blank line", "Spool-Version: 1\nVerified: 1\nReceived: 1\n",
		  "not ended by a blank line" },
		{ "line without a colon", "Spool-Version: 1\nVerified 1\n\n{}",
		  "without \"Key: value\"" },
		{ "bad Verified", "Spool-Version: 1\nVerified: yes\nReceived: 1\n\n{}",
		  "Verified is neither 0 nor 1" },
		{ "bad Received", "Spool-Version: 1\nVerified: 1\nReceived: -5\n\n{}",
		  "Received is not a number" },
		{ "no Received", "Spool-Version: 1\nVerified: 1\n\n{}",
		  "lacks Verified or Received" },
		{ "message not a report", "Spool-Version: 1\nVerified: 1\nReceived: 1\n\n"
		  "this is not a report\n", "neither a mail message, JSON nor gzip" },
		{ "JSON not a report", "Spool-Version: 1\nVerified: 1\nReceived: 1\n\n"
		  "{\"organization-name\": \"x\"}", "report-id: missing" },
		{ "larger than the limit", NULL, "larger than the message limit" },
	};
	struct tlsrpt_limits lim;
	struct spool_replay_opts opt;
	struct bad_seen seen;
	struct spool_counts c;
	char dir[PATH_MAX], db[PATH_MAX], bad[PATH_MAX * 2], path[PATH_MAX * 2],
	    first[128], corrupt[160], err[512], *big;
	const char *head = "Spool-Version: 1\nVerified: 1\nReceived: 1\n\n";
	struct store *st;
	size_t i, big_len;

	tlsrpt_limits_default(&lim);
	lim.max_message_bytes = 4096;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fresh_dir(dir, sizeof(dir), "bad");
		/* A good file on either side: sorted names put this one between. */
		if (spool_report(dir, "good-before", &prov_dkim, first, sizeof(first)) < 0)
			continue;
		snprintf(corrupt, sizeof(corrupt), "%s-corrupt", first);
		snprintf(path, sizeof(path), "%s/%s", dir, corrupt);
		if (rows[i].content != NULL)
			write_file(path, rows[i].content, strlen(rows[i].content));
		else {
			big_len = lim.max_message_bytes + SPOOL_MAX_HEADER + 1;
			if ((big = malloc(big_len)) == NULL)
				continue;
			memset(big, 'x', big_len);
			memcpy(big, head, strlen(head));
			write_file(path, big, big_len);
			free(big);
		}
		spool_report(dir, "good-after", &prov_dkim, NULL, 0);
		if ((st = fresh_store(db, sizeof(db))) == NULL)
			continue;
		memset(&seen, 0, sizeof(seen));
		memset(&opt, 0, sizeof(opt));
		opt.lim = &lim;
		opt.bad_file = note_bad;
		opt.arg = &seen;
		err[0] = '\0';
		CHECKF(spool_replay(dir, st, &opt, &c, err, sizeof(err)) == 0, "%s: %s",
		    rows[i].name, err);
		store_close(st);
		CHECKF(c.files == 3 && c.stored == 2 && c.bad == 1 && c.removed == 2 &&
		    c.left == 0, "%s: files %u stored %u bad %u removed %u left %u",
		    rows[i].name, c.files, c.stored, c.bad, c.removed, c.left);
		CHECKF(seen.n == 1 && strstr(seen.whys[0], rows[i].why) != NULL,
		    "%s: told %u: \"%s\", want \"%s\"", rows[i].name, seen.n,
		    seen.whys[0], rows[i].why);
		snprintf(bad, sizeof(bad), "%s/bad", dir);
		CHECKF(exists(bad, corrupt), "%s: not in bad/", rows[i].name);
		CHECKF(!exists(dir, corrupt), "%s: still in the spool", rows[i].name);
		CHECKF(strcmp(seen.names[0], corrupt) == 0, "%s: told of %s",
		    rows[i].name, seen.names[0]);
		CHECK_STR(q(db, "SELECT count(*) FROM reports"), "2");
	}

	/* A symlink is refused (and kept in bad/, not followed). */
	fresh_dir(dir, sizeof(dir), "bad");
	snprintf(path, sizeof(path), "%s/1-link", dir);
	CHECK(symlink("/etc/passwd", path) == 0);
	CHECK_INT(spool_pending(dir, NULL, 0), 1);
	if ((st = fresh_store(db, sizeof(db))) != NULL) {
		CHECK(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0);
		store_close(st);
		CHECK_INT(c.bad, 1);
		snprintf(bad, sizeof(bad), "%s/bad", dir);
		CHECK(exists(bad, "1-link"));
	}
}

/* A spool that cannot be written is a clear error, and leaves nothing. */
static void
test_unwritable(void)
{
	char file[PATH_MAX], ro[PATH_MAX] = "", missing[PATH_MAX], err[512];
	struct spool_counts c;
	struct {
		const char *name;
		const char *dir;
		const char *want;
	} rows[4];
	size_t i, n = 0;
	char *json = report_json("unwritable");

	snprintf(file, sizeof(file), "%s/plain-file", tmpdir);
	write_file(file, "x", 1);
	snprintf(missing, sizeof(missing), "%s/no/such/dir", tmpdir);
	rows[n].name = "missing directory";
	rows[n].dir = missing;
	rows[n++].want = "No such file or directory";
	rows[n].name = "a file, not a directory";
	rows[n].dir = file;
	rows[n++].want = "Not a directory";
	rows[n].name = "no SpoolDirectory";
	rows[n].dir = "";
	rows[n++].want = "no SpoolDirectory set";
	if (geteuid() != 0) {	/* root writes anyway */
		fresh_dir(ro, sizeof(ro), "readonly");
		chmod(ro, 0550);
		rows[n].name = "read-only directory";
		rows[n].dir = ro;
		rows[n++].want = "Permission denied";
	}
	for (i = 0; i < n && json != NULL; i++) {
		err[0] = '\0';
		CHECKF(spool_write(rows[i].dir, json, strlen(json), &prov_dkim, NULL, 0,
		    err, sizeof(err)) == -1, "%s: written", rows[i].name);
		CHECKF(strstr(err, rows[i].want) != NULL, "%s: \"%s\", want \"%s\"",
		    rows[i].name, err, rows[i].want);
		CHECKF(rows[i].dir[0] == '\0' || strstr(err, rows[i].dir) != NULL,
		    "%s: the directory is not named: \"%s\"", rows[i].name, err);
	}
	if (geteuid() != 0)
		chmod(ro, 0750);
	free(json);

	/* Replay and count of a spool that is not there say so too. */
	err[0] = '\0';
	CHECK(spool_replay(missing, NULL, NULL, &c, err, sizeof(err)) == -1);
	CHECK_CONTAINS(err, "No such file or directory");
	CHECK_INT(spool_pending(missing, err, sizeof(err)), -1);
	unlink(file);
}

/* Replay stops at the first store error and keeps that file and the rest. */
static void
test_store_error(void)
{
	char dir[PATH_MAX], db[PATH_MAX], id[32], err[512];
	struct store_provenance prov = prov_dkim;
	struct spool_counts c;
	struct store *st;
	int i;

	fresh_dir(dir, sizeof(dir), "storeerr");
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "err-%d", i);
		spool_report(dir, id, &prov, NULL, 0);
	}
	if ((st = fresh_store(db, sizeof(db))) == NULL)
		return;
	/* The store works for one report, then fails like a full disk. */
	exec_sql(db, "CREATE TRIGGER full BEFORE INSERT ON reports"
	    " WHEN (SELECT count(*) FROM reports) >= 1"
	    " BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END");
	err[0] = '\0';
	CHECK_INT(spool_replay(dir, st, NULL, &c, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "disk is full (test)");
	CHECKF(c.files == 2 && c.stored == 1 && c.removed == 1 && c.bad == 0 &&
	    c.left == 3, "files %u stored %u removed %u bad %u left %u", c.files,
	    c.stored, c.removed, c.bad, c.left);
	CHECK_INT(spool_pending(dir, NULL, 0), 3);

	/* The store is back: the rest goes in, nothing twice. */
	exec_sql(db, "DROP TRIGGER full");
	CHECKF(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0, "%s", err);
	CHECKF(c.files == 3 && c.stored == 3 && c.left == 0, "files %u stored %u "
	    "left %u", c.files, c.stored, c.left);
	store_close(st);
	CHECK_STR(q(db, "SELECT group_concat(report_id) FROM (SELECT report_id"
	    " FROM reports ORDER BY id)"), "err-0,err-1,err-2,err-3");
}

/* Oldest first, in batches; temporary files are not taken up. */
static void
test_order_and_batches(void)
{
	char dir[PATH_MAX], db[PATH_MAX], id[32], err[512], tmp[PATH_MAX * 2];
	struct spool_replay_opts opt;
	struct spool_counts c;
	struct store *st;
	int i;

	fresh_dir(dir, sizeof(dir), "order");
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "order-%d", i);
		spool_report(dir, id, &prov_dkim, NULL, 0);
	}
	snprintf(tmp, sizeof(tmp), "%s/.tmp.123.456.7.8", dir);
	write_file(tmp, "half a spool fi", 15);
	CHECK_INT(spool_pending(dir, NULL, 0), 5);
	if ((st = fresh_store(db, sizeof(db))) == NULL)
		return;
	memset(&opt, 0, sizeof(opt));
	opt.max_files = 2;
	CHECKF(spool_replay(dir, st, &opt, &c, err, sizeof(err)) == 0, "%s", err);
	CHECKF(c.files == 2 && c.left == 3, "files %u left %u", c.files, c.left);
	CHECK_STR(q(db, "SELECT group_concat(report_id) FROM (SELECT report_id"
	    " FROM reports ORDER BY id)"), "order-0,order-1");
	opt.max_files = 0;
	CHECKF(spool_replay(dir, st, &opt, &c, err, sizeof(err)) == 0, "%s", err);
	CHECKF(c.files == 3 && c.left == 0, "files %u left %u", c.files, c.left);
	store_close(st);
	CHECK_STR(q(db, "SELECT group_concat(report_id) FROM (SELECT report_id"
	    " FROM reports ORDER BY id)"), "order-0,order-1,order-2,order-3,order-4");
	CHECK(access(tmp, F_OK) == 0);
	unlink(tmp);
}

/* Writers in several threads: every file whole and its own. */
#define WRITERS		4
#define PER_WRITER	25

static void *
writer(void *arg)
{
	const char *dir = arg;
	char *json = report_json("thread"), err[512];
	int i, failed = 0;

	for (i = 0; i < PER_WRITER && json != NULL; i++)
		if (spool_write(dir, json, strlen(json), &prov_dkim, NULL, 0, err,
		    sizeof(err)) < 0)
			failed++;
	free(json);
	return (void *)(long)failed;
}

static void
test_threads(void)
{
	char dir[PATH_MAX], db[PATH_MAX], err[512];
	pthread_t tid[WRITERS];
	struct spool_counts c;
	struct store *st;
	void *failed;
	int i;

	fresh_dir(dir, sizeof(dir), "threads");
	for (i = 0; i < WRITERS; i++)
		CHECK(pthread_create(&tid[i], NULL, writer, dir) == 0);
	for (i = 0; i < WRITERS; i++) {
		CHECK(pthread_join(tid[i], &failed) == 0);
		CHECK(failed == NULL);
	}
	CHECK_INT(spool_pending(dir, NULL, 0), WRITERS * PER_WRITER);
	if ((st = fresh_store(db, sizeof(db))) == NULL)
		return;
	CHECKF(spool_replay(dir, st, NULL, &c, err, sizeof(err)) == 0, "%s", err);
	store_close(st);
	CHECKF(c.files == WRITERS * PER_WRITER && c.stored == 1 &&
	    c.duplicates == WRITERS * PER_WRITER - 1 && c.bad == 0 && c.left == 0,
	    "files %u stored %u dup %u bad %u", c.files, c.stored, c.duplicates, c.bad);
}

/* ---- setup ------------------------------------------------------------ */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_spool.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 99;
	}
	tlsrpt_library_init();

	test_file_format();
	test_provenance_roundtrip();
	test_mime_message();
	test_idempotent();
	test_bad_files();
	test_unwritable();
	test_store_error();
	test_order_and_batches();
	test_threads();

	if (nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "test_spool: cannot remove %s: %s\n", tmpdir,
		    strerror(errno));
	tlsrpt_library_shutdown();
	return test_summary("test_spool");
}
