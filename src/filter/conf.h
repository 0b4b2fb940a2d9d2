/*
 * conf.h - tlsrpt-milter.conf: "Name value" lines, '#' comments.
 *
 * One table (conf.c) names every key with its type, default and a line
 * of documentation; it drives parsing, defaults, `tlsrpt-milter -n`, and
 * the test that every key is documented in tlsrpt-milter.conf(5) and in
 * etc/tlsrpt-milter.conf.sample.  A loaded struct config is immutable;
 * SIGHUP loads a new one beside it (see runtime.h).  Errors name the file
 * and line: "tlsrpt-milter.conf:12: unknown key \"Sockett\"".
 */
#ifndef TLSRPT_CONF_H
#define TLSRPT_CONF_H

#include <stddef.h>
#include <stdio.h>

enum auth_mode { AUTH_MODE_DKIM = 0, AUTH_MODE_AUTHRES };

/* What happens to a verified (pass) report; see tlsrpt-milter.conf(5). */
enum divert_action { ACTION_TAG = 0, ACTION_REDIRECT, ACTION_DISCARD };

struct config {
	char *socket;
	char *user_id;			/* "" = keep the starting user */
	char *pid_file;			/* "" = none */
	int syslog_facility;		/* LOG_MAIL, ... */
	int log_level;			/* LOG_ERR .. LOG_DEBUG */
	char *database;			/* "sqlite:/path" or "postgresql://..." */
	char *database_password_file;	/* "" = libpq's own (~/.pgpass) */
	char *spool_directory;		/* reports kept here while the store is down */
	char **report_addresses;	/* fnmatch patterns on recipients */
	size_t n_report_addresses;
	char **known_reporters;		/* address patterns or domains */
	size_t n_known_reporters;
	enum auth_mode auth_mode;
	char **trusted_authserv_ids;
	size_t n_trusted_authserv_ids;
	char *dkim_key_file;		/* "" = DNS */
	unsigned dkim_timeout;		/* seconds for one message's DKIM check */
	int record_unverified;
	char *tag_header;
	enum divert_action action;
	char *redirect_to;		/* "" unless Action redirect */
	size_t max_message_size;
	size_t max_inflated_size;
	unsigned milter_timeout;	/* seconds, for smfi_settimeout() */
	unsigned retention_days;	/* prune reports older; 0 = keep forever */
	char **digest_recipients;	/* "PATTERN ADDR,ADDR", one per line */
	size_t n_digest_recipients;
	char *digest_from;		/* "" = tlsrpt@ the host's name */
	char *digest_sendmail;		/* run as PATH -t -i */
	char **watch_domains;		/* `tlsrpt watch` probes these */
	size_t n_watch_domains;
};

/* RetentionDays at most: a century. */
#define CONFIG_MAX_DAYS	36500

enum config_type {
	CONFIG_STRING, CONFIG_BOOL, CONFIG_SIZE, CONFIG_LIST,
	CONFIG_FACILITY, CONFIG_LOGLEVEL, CONFIG_AUTHMODE, CONFIG_HEADER,
	CONFIG_ACTION, CONFIG_ADDRESS, CONFIG_SECONDS, CONFIG_DAYS,
	CONFIG_RECIPIENTS	/* each line adds one "PATTERN ADDR[, ADDR...]" */
};

struct config_key {
	const char *name;
	enum config_type type;
	const char *default_value;	/* as it would be written in the file */
	size_t offset;			/* into struct config */
	const char *doc;
};

/* The table, for documentation and its test. */
const struct config_key *config_keys(size_t *n_r);

/* Defaults only. */
struct config *config_defaults(char *errbuf, size_t errlen);
/* Defaults, then PATH on top; NULL + ERRBUF ("PATH:LINE: why") on error. */
struct config *config_load(const char *path, char *errbuf, size_t errlen);
void config_free(struct config *cfg);

/* "tag", "redirect" or "discard". */
const char *config_action_name(enum divert_action action);

/* Print the effective configuration as a config file (`-n -v`). */
void config_print(const struct config *cfg, FILE *fp);

#endif
