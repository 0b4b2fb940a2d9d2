/*
 * test_config.c - the configuration table, its parser, and its docs.
 *
 * Every key of the table must appear in tlsrpt-milter.conf(5) and in
 * etc/tlsrpt-milter.conf.sample; defaults must parse; each kind of bad
 * line must be a start-up error naming the file and line.
 */
#include "testlib.h"
#include "conf.h"

#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

static char tmpl[] = "/tmp/tlsrpt-config-XXXXXX";

static const char *
write_conf(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "%s", tmpl);
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return NULL;
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* KEY appears in TEXT as a whole word (not inside a longer name). */
static int
mentions(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	for (p = strstr(text, key); p != NULL; p = strstr(p + 1, key)) {
		char before = p == text ? ' ' : p[-1], after = p[n];

		if (!((before >= 'A' && before <= 'Z') || (before >= 'a' && before <= 'z')) &&
		    !((after >= 'A' && after <= 'Z') || (after >= 'a' && after <= 'z')))
			return 1;
	}
	return 0;
}

static void
test_documented(void)
{
	const char *docs[] = { "doc/tlsrpt-milter.conf.5.in", "etc/tlsrpt-milter.conf.sample" };
	const struct config_key *keys;
	size_t n, i, d, len;
	char *text;

	keys = config_keys(&n);
	CHECK(n >= 15);
	for (d = 0; d < 2; d++) {
		text = test_read_file(docs[d], &len);
		if (!CHECKF(text != NULL, "cannot read %s", docs[d]))
			continue;
		for (i = 0; i < n; i++)
			CHECKF(mentions(text, keys[i].name), "%s does not document %s",
			    docs[d], keys[i].name);
		free(text);
	}
	/* The keys the daemon's issue names, at least. */
	{
		static const char *required[] = { "Socket", "UserID", "PidFile",
		    "SyslogFacility", "LogLevel", "Database", "ReportAddresses",
		    "KnownReporters", "AuthMode", "TrustedAuthservIDs", "DKIMKeyFile",
		    "RecordUnverified", "TagHeader", "MaxMessageSize", "MaxInflatedSize" };

		for (d = 0; d < sizeof(required) / sizeof(required[0]); d++) {
			for (i = 0; i < n && strcmp(keys[i].name, required[d]) != 0; i++)
				;
			CHECKF(i < n, "key %s missing from the table", required[d]);
		}
	}
}

static void
test_defaults(void)
{
	char err[256];
	struct config *cfg = config_defaults(err, sizeof(err));

	if (!CHECKF(cfg != NULL, "defaults: %s", err))
		return;
	CHECK_STR(cfg->tag_header, "X-TLSRPT");
	CHECK_INT(cfg->max_message_size, 10 * 1024 * 1024);
	CHECK_INT(cfg->max_inflated_size, 32 * 1024 * 1024);
	CHECK_INT(cfg->auth_mode, AUTH_MODE_DKIM);
	CHECK_INT(cfg->record_unverified, 0);
	CHECK_INT(cfg->log_level, LOG_INFO);
	CHECK_INT(cfg->syslog_facility, LOG_MAIL);
	CHECK_CONTAINS(cfg->database, "sqlite:");
	CHECK_CONTAINS(cfg->database, "/lib/tlsrpt-milter/tlsrpt.db");
	CHECK(cfg->n_known_reporters == 5);
	CHECK_STR(cfg->known_reporters[0], "noreply-smtp-tls-reporting@google.com");
	CHECK(cfg->n_report_addresses == 0);
	CHECK_INT(cfg->action, ACTION_TAG);
	CHECK_STR(cfg->redirect_to, "");
	CHECK_INT(cfg->milter_timeout, 7210);	/* libmilter's own default */
	config_free(cfg);
}

static void
test_good_file(void)
{
	char err[256];
	const char *path = write_conf(
	    "# comment line\n"
	    "\n"
	    "Socket inet:8891@127.0.0.1   # trailing comment\n"
	    "loglevel debug\n"
	    "SyslogFacility local3\n"
	    "ReportAddresses tlsrpt@*, tls-reports@example.net\n"
	    "AuthMode authres\n"
	    "TrustedAuthservIDs mx.example.net mx2.example.net\n"
	    "RecordUnverified yes\n"
	    "TagHeader X-TLS-Report-Verdict\n"
	    "MaxMessageSize 512k\n"
	    "MaxInflatedSize 1G\n"
	    "Action Redirect\n"
	    "RedirectTo tlsrpt-archive@example.net\n"
	    "MilterTimeout 15m\n"
	    "UserID\n");
	struct config *cfg;

	if (!CHECK(path != NULL))
		return;
	cfg = config_load(path, err, sizeof(err));
	unlink(path);
	if (!CHECKF(cfg != NULL, "load: %s", err))
		return;
	CHECK_STR(cfg->socket, "inet:8891@127.0.0.1");
	CHECK_INT(cfg->log_level, LOG_DEBUG);
	CHECK_INT(cfg->syslog_facility, LOG_LOCAL3);
	CHECK_INT(cfg->n_report_addresses, 2);
	CHECK_STR(cfg->report_addresses[1], "tls-reports@example.net");
	CHECK_INT(cfg->auth_mode, AUTH_MODE_AUTHRES);
	CHECK_INT(cfg->n_trusted_authserv_ids, 2);
	CHECK_INT(cfg->record_unverified, 1);
	CHECK_STR(cfg->tag_header, "X-TLS-Report-Verdict");
	CHECK_INT(cfg->max_message_size, 512 * 1024);
	CHECK_INT(cfg->max_inflated_size, 1024LL * 1024 * 1024);
	CHECK_STR(cfg->user_id, "");
	CHECK_INT(cfg->action, ACTION_REDIRECT);
	CHECK_STR(cfg->redirect_to, "tlsrpt-archive@example.net");
	CHECK_INT(cfg->milter_timeout, 900);
	config_free(cfg);
}

static const struct {
	const char *name, *text, *want;
} bad[] = {
	{ "unknown key", "Socket unix:/x\nSockett unix:/y\n", ":2: unknown key \"Sockett\"" },
	{ "bad bool", "RecordUnverified maybe\n", ":1: RecordUnverified: \"maybe\" is not yes or no" },
	{ "bad size", "MaxMessageSize 10X\n", ":1: MaxMessageSize: \"10X\" is not a size" },
	{ "zero size", "MaxMessageSize 0\n", "is not a size" },
	{ "negative size", "MaxInflatedSize -5\n", "is not a size" },
	{ "huge size", "MaxInflatedSize 99999999999999999999G\n", "is not a size" },
	{ "zero timeout", "MilterTimeout 0\n", ":1: MilterTimeout: \"0\" is not a time from 1s to 24h" },
	{ "timeout over a day", "MilterTimeout 25h\n", "is not a time from 1s to 24h" },
	{ "timeout in days", "MilterTimeout 2d\n", "is not a time" },
	{ "negative timeout", "MilterTimeout -1\n", "is not a time" },
	{ "bad level", "\n\nLogLevel loud\n", ":3: LogLevel: unknown log level \"loud\"" },
	{ "bad facility", "SyslogFacility kern9\n", "unknown syslog facility" },
	{ "bad auth mode", "AuthMode trust-me\n", "\"trust-me\" is not dkim or authres" },
	{ "authres without ids", "AuthMode authres\n", "AuthMode authres needs TrustedAuthservIDs" },
	{ "bad header name", "TagHeader X TLSRPT\n", "is not a header field name" },
	{ "header name with colon", "TagHeader X-TLSRPT:\n", "is not a header field name" },
	{ "missing value", "LogLevel\n", ":1: LogLevel needs a value" },
	{ "bad action", "Action quarantine\n", ":1: Action: \"quarantine\" is not tag, redirect or discard" },
	{ "redirect without RedirectTo", "LogLevel info\nAction redirect\n",
	  ":2: Action redirect needs RedirectTo" },
	{ "redirect with an empty RedirectTo", "RedirectTo a@b.example\nAction redirect\nRedirectTo\n",
	  ":2: Action redirect needs RedirectTo" },
	{ "RedirectTo in brackets", "RedirectTo <a@b.example>\n", ":1: RedirectTo: \"<a@b.example>\" is not a bare address" },
	{ "RedirectTo without a domain", "RedirectTo archive\n", "is not a bare address" },
	{ "RedirectTo a list", "RedirectTo a@b.example,c@d.example\n", "is not a bare address" },
	{ "bad socket", "Socket /tmp/x.sock\nSocket tcp:25\n", "Socket \"tcp:25\" is not unix:/path" },
};

static void
test_bad_files(void)
{
	char err[256];
	struct config *cfg;
	const char *path;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if ((path = write_conf(bad[i].text)) == NULL)
			continue;
		err[0] = '\0';
		cfg = config_load(path, err, sizeof(err));
		unlink(path);
		CHECKF(cfg == NULL, "%s: accepted", bad[i].name);
		CHECKF(strstr(err, bad[i].want) != NULL, "%s: error \"%s\" lacks \"%s\"",
		    bad[i].name, err, bad[i].want);
		config_free(cfg);
	}
	cfg = config_load("/nonexistent/tlsrpt-milter.conf", err, sizeof(err));
	CHECK(cfg == NULL);
	CHECK_CONTAINS(err, "No such file or directory");
}

static void
test_print_round_trip(void)
{
	char err[256], *text;
	struct config *cfg = config_defaults(err, sizeof(err)), *again;
	const char *path;
	size_t len;
	FILE *fp;

	if (!CHECK(cfg != NULL) || (fp = open_memstream(&text, &len)) == NULL)
		return;
	config_print(cfg, fp);
	fclose(fp);
	/* What -n prints is itself a valid configuration. */
	path = write_conf(text);
	again = path != NULL ? config_load(path, err, sizeof(err)) : NULL;
	if (path != NULL)
		unlink(path);
	if (CHECKF(again != NULL, "printed config does not load: %s", err)) {
		CHECK_STR(again->database, cfg->database);
		CHECK_INT(again->n_known_reporters, cfg->n_known_reporters);
		CHECK_INT(again->max_message_size, cfg->max_message_size);
	}
	config_free(again);
	config_free(cfg);
	free(text);
}

int
main(void)
{
	test_documented();
	test_defaults();
	test_good_file();
	test_bad_files();
	test_print_round_trip();
	return test_summary("test_config");
}
