/*
 * conf.c - the configuration table and its parser; see conf.h.
 */
#include "conf.h"
#include "errbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

#define OFF(field) offsetof(struct config, field)
#define MAX_LINE 4096

/* A CONFIG_LIST field is a char ** immediately followed by its count. */
#define LIST_PAIR(list, count) _Static_assert(offsetof(struct config, count) == \
	offsetof(struct config, list) + sizeof(char **), #list " layout")
LIST_PAIR(report_addresses, n_report_addresses);
LIST_PAIR(known_reporters, n_known_reporters);
LIST_PAIR(trusted_authserv_ids, n_trusted_authserv_ids);
LIST_PAIR(digest_recipients, n_digest_recipients);
LIST_PAIR(watch_domains, n_watch_domains);

static const struct config_key keys[] = {
	{ "Socket", CONFIG_STRING,
	  "unix:" RUNSTATEDIR "/tlsrpt-milter/tlsrpt-milter.sock", OFF(socket),
	  "Where the MTA connects: unix:/path, inet:port@host or inet6:port@host." },
	{ "UserID", CONFIG_STRING, "", OFF(user_id),
	  "User (and optionally :group) to run as after opening the socket; empty keeps the starting user." },
	{ "PidFile", CONFIG_STRING, "", OFF(pid_file),
	  "File to write the process id to; empty for none." },
	{ "SyslogFacility", CONFIG_FACILITY, "mail", OFF(syslog_facility),
	  "Syslog facility: mail, daemon, user or local0 to local7." },
	{ "LogLevel", CONFIG_LOGLEVEL, "info", OFF(log_level),
	  "Least important messages logged: error, warning, notice, info or debug." },
	{ "Database", CONFIG_STRING,
	  "sqlite:" LOCALSTATEDIR "/lib/tlsrpt-milter/tlsrpt.db", OFF(database),
	  "Where reports are recorded: sqlite:/path/to/file.db or postgresql://user@host:port/dbname." },
	{ "DatabasePasswordFile", CONFIG_STRING, "", OFF(database_password_file),
	  "PostgreSQL password file (pgpass format); empty uses PGPASSFILE or ~/.pgpass. Never logged." },
	{ "SpoolDirectory", CONFIG_STRING, LOCALSTATEDIR "/spool/tlsrpt-milter",
	  OFF(spool_directory),
	  "Where a report waits, with its provenance, while the store cannot be written; replayed when it can." },
	{ "ReportAddresses", CONFIG_LIST, "", OFF(report_addresses),
	  "Recipient patterns (shell wildcards, case-insensitive) that receive TLS-RPT reports, e.g. tlsrpt@*; when set, pass needs every recipient to match." },
	{ "KnownReporters", CONFIG_LIST,
	  "noreply-smtp-tls-reporting@google.com, tlsrpt-noreply@microsoft.com, "
	  "comcast.net, mail.ru, mimecast.com", OFF(known_reporters),
	  "Trusted reporters: addresses (with @, wildcards allowed) or domains; a From match makes a candidate, and pass needs the DKIM signer to match an entry's domain or a subdomain." },
	{ "AuthMode", CONFIG_AUTHMODE, "dkim", OFF(auth_mode),
	  "How reports are authenticated: dkim (verify here) or authres (trust Authentication-Results from TrustedAuthservIDs)." },
	{ "TrustedAuthservIDs", CONFIG_LIST, "", OFF(trusted_authserv_ids),
	  "authserv-ids whose Authentication-Results are trusted with AuthMode authres." },
	{ "DKIMKeyFile", CONFIG_STRING, "", OFF(dkim_key_file),
	  "File of \"selector._domainkey.domain TXT-record\" lines used instead of DNS for DKIM keys." },
	{ "DKIMTimeout", CONFIG_SECONDS, "20", OFF(dkim_timeout),
	  "Seconds one message's DKIM check may take, key lookups included; past it the verdict is fail. Keep it under the MTA's milter timeouts." },
	{ "RecordUnverified", CONFIG_BOOL, "no", OFF(record_unverified),
	  "Also record reports that fail authentication, marked unverified (never counted by default)." },
	{ "TagHeader", CONFIG_HEADER, "X-TLSRPT", OFF(tag_header),
	  "Header added to report mail with the verdict; every incoming copy is deleted." },
	{ "Action", CONFIG_ACTION, "tag", OFF(action),
	  "What happens to a report tagged pass (never verified, fail or invalid): tag (header only), redirect (to RedirectTo) or discard (once stored)." },
	{ "RedirectTo", CONFIG_ADDRESS, "", OFF(redirect_to),
	  "The mailbox that receives verified reports with Action redirect, e.g. tlsrpt-archive@example.net." },
	{ "MaxMessageSize", CONFIG_SIZE, "10M", OFF(max_message_size),
	  "Largest report message buffered and parsed (k, M, G suffixes); larger ones are tagged invalid." },
	{ "MaxInflatedSize", CONFIG_SIZE, "32M", OFF(max_inflated_size),
	  "Largest decompressed report accepted (k, M, G suffixes)." },
	{ "MilterTimeout", CONFIG_SECONDS, "7210", OFF(milter_timeout),
	  "Seconds libmilter waits on the MTA (s, m, h suffixes); keep it above the MTA's own timeouts. Read at start only." },
	{ "RetentionDays", CONFIG_DAYS, "0", OFF(retention_days),
	  "Days a report is kept after its date range ends; the milter prunes older ones once a day (tlsrpt db prune). 0 keeps them forever." },
	{ "DigestRecipients", CONFIG_RECIPIENTS, "", OFF(digest_recipients),
	  "One line per rule: a domain pattern (example.com, *.example.com or *) and the addresses (comma-separated) that receive tlsrpt digest's mail about the domains it matches; repeat the key for more rules." },
	{ "DigestFrom", CONFIG_ADDRESS, "", OFF(digest_from),
	  "From address of tlsrpt digest's mail; empty means tlsrpt@ the host's fully qualified name." },
	{ "DigestSendmail", CONFIG_STRING, "/usr/sbin/sendmail", OFF(digest_sendmail),
	  "The sendmail program tlsrpt digest runs (as PATH -t -i) for each message." },
	{ "WatchDomains", CONFIG_LIST, "", OFF(watch_domains),
	  "Domains `tlsrpt watch` checks as senders would (tlsrpt check --domain), recording what changed in the store; empty: the watch timer does nothing." },
};

static const struct { const char *name; int value; } facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

static const struct { const char *name; int value; } levels[] = {
	{ "error", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

const struct config_key *
config_keys(size_t *n_r)
{
	*n_r = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

static void
free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Comma- and/or space-separated list. */
static int
parse_list(const char *value, char ***list_r, size_t *n_r)
{
	char **list = NULL, **grown;
	size_t n = 0;
	const char *p = value, *start;

	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p))
			p++;
		if ((grown = realloc(list, (n + 1) * sizeof(*list))) == NULL ||
		    (grown[n] = strndup(start, (size_t)(p - start))) == NULL) {
			free_list(grown != NULL ? grown : list, n);
			return -1;
		}
		list = grown;
		n++;
	}
	*list_r = list;
	*n_r = n;
	return 0;
}

/* A whole number of days, 0 (none) to CONFIG_MAX_DAYS. */
static int
parse_days(const char *value, unsigned *out)
{
	unsigned long n;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*value))
		return -1;
	n = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || n > CONFIG_MAX_DAYS)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* A number with an optional one-letter unit, as in "10M" or "5m". */
struct unit {
	char suffix;
	unsigned long long mult;
};

/* 1 .. MAX after scaling; units match case-insensitively. */
static int
parse_scaled(const char *value, const struct unit *units, size_t n_units,
    unsigned long long max, unsigned long long *out)
{
	unsigned long long n, mult = 1;
	char *end;
	size_t i;

	errno = 0;
	if (!isdigit((unsigned char)*value))
		return -1;
	n = strtoull(value, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		for (i = 0; i < n_units; i++)
			if (tolower((unsigned char)*end) == units[i].suffix)
				break;
		if (i == n_units || end[1] != '\0')
			return -1;
		mult = units[i].mult;
	}
	if (n == 0 || n > max / mult)
		return -1;
	*out = n * mult;
	return 0;
}

static int
parse_size(const char *value, size_t *out)
{
	static const struct unit units[] = {
		{ 'k', 1024 }, { 'm', 1024 * 1024 }, { 'g', 1024ULL * 1024 * 1024 },
	};
	unsigned long long n;

	if (parse_scaled(value, units, sizeof(units) / sizeof(units[0]),
	    SIZE_MAX, &n) < 0)
		return -1;
	*out = (size_t)n;
	return 0;
}

/* "90", "90s", "15m", "2h": 1 second to 1 day (libmilter takes an int). */
static int
parse_seconds(const char *value, unsigned *out)
{
	static const struct unit units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 },
	};
	unsigned long long n;

	if (parse_scaled(value, units, sizeof(units) / sizeof(units[0]),
	    86400, &n) < 0)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* RFC 5322 field name: printable ASCII except ':'. */
static int
valid_header_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 33 || *s > 126 || *s == ':')
			return 0;
	return 1;
}

/*
 * A bare envelope address for smfi_addrcpt: local@domain, printable
 * ASCII without spaces, angle brackets, commas or quotes (no source
 * routes, no lists), at most 254 bytes.  Empty means unset.
 */
static int
valid_address(const char *s)
{
	const char *at = strrchr(s, '@'), *p;

	if (*s == '\0')
		return 1;
	if (strlen(s) > 254 || at == NULL || at == s || at[1] == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (*p < 33 || *p > 126 || strchr("<>,;\"()[]\\", *p) != NULL)
			return 0;
	return 1;
}

/* A DigestRecipients pattern: "*", "*.DOMAIN" or DOMAIN (letters, digits,
 * '-', '_', '.'). */
static int
valid_domain_pattern(const char *s)
{
	if (strcmp(s, "*") == 0)
		return 1;
	if (strncmp(s, "*.", 2) == 0)
		s += 2;
	if (*s == '\0' || *s == '.' || strlen(s) > 253)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.", *s) == NULL)
			return 0;
	return 1;
}

/* "PATTERN ADDR[, ADDR...]" as "PATTERN ADDR,ADDR" in *OUT_R (malloc'd). */
static int
parse_recipients(const char *value, char **out_r, char *why, size_t whylen)
{
	char **addrs = NULL, *out, *p;
	size_t n = 0, i, len, plen = strcspn(value, " \t");
	char pattern[256];

	*out_r = NULL;
	if (plen == 0 || plen >= sizeof(pattern)) {
		errbuf_printf(why, whylen, "needs a domain pattern and addresses");
		return -1;
	}
	memcpy(pattern, value, plen);
	pattern[plen] = '\0';
	if (!valid_domain_pattern(pattern)) {
		errbuf_printf(why, whylen, "\"%s\" is not a domain pattern "
		    "(example.com, *.example.com or *)", pattern);
		return -1;
	}
	if (parse_list(value + plen, &addrs, &n) < 0) {
		errbuf_printf(why, whylen, "out of memory");
		return -1;
	}
	if (n == 0) {
		errbuf_printf(why, whylen, "%s: no address", pattern);
		free_list(addrs, n);
		return -1;
	}
	len = plen + 1;
	for (i = 0; i < n; i++) {
		if (*addrs[i] == '\0' || !valid_address(addrs[i])) {
			errbuf_printf(why, whylen, "\"%s\" is not a bare address "
			    "(local@domain, no <>)", addrs[i]);
			free_list(addrs, n);
			return -1;
		}
		len += strlen(addrs[i]) + 1;
	}
	if ((out = malloc(len + 1)) == NULL) {
		errbuf_printf(why, whylen, "out of memory");
		free_list(addrs, n);
		return -1;
	}
	for (p = out, i = 0; i < plen; i++)
		*p++ = (char)tolower((unsigned char)pattern[i]);
	for (i = 0; i < n; i++) {
		*p++ = i == 0 ? ' ' : ',';
		strcpy(p, addrs[i]);
		p += strlen(p);
	}
	*p = '\0';
	free_list(addrs, n);
	*out_r = out;
	return 0;
}

static const char *const action_names[] = { "tag", "redirect", "discard" };

const char *
config_action_name(enum divert_action action)
{
	return (size_t)action < sizeof(action_names) / sizeof(action_names[0]) ?
	    action_names[action] : "?";
}

/* Store VALUE into the field of KEY; "why" into ERRBUF on a bad value. */
static int
set_value(struct config *cfg, const struct config_key *key, const char *value,
    char *why, size_t whylen)
{
	char *field = (char *)cfg + key->offset;
	size_t i, n;

	switch (key->type) {
	case CONFIG_STRING:
	case CONFIG_HEADER:
	case CONFIG_ADDRESS: {
		char *copy;

		if (key->type == CONFIG_HEADER && !valid_header_name(value)) {
			errbuf_printf(why, whylen, "\"%s\" is not a header field name", value);
			return -1;
		}
		if (key->type == CONFIG_ADDRESS && !valid_address(value)) {
			errbuf_printf(why, whylen, "\"%s\" is not a bare address (local@domain, no <>)",
			    value);
			return -1;
		}
		if ((copy = strdup(value)) == NULL) {
			errbuf_printf(why, whylen, "out of memory");
			return -1;
		}
		free(*(char **)field);
		*(char **)field = copy;
		return 0;
	}
	case CONFIG_BOOL:
		if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0)
			*(int *)field = 1;
		else if (strcasecmp(value, "no") == 0 ||
		    strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
			*(int *)field = 0;
		else {
			errbuf_printf(why, whylen, "\"%s\" is not yes or no", value);
			return -1;
		}
		return 0;
	case CONFIG_SIZE:
		if (parse_size(value, (size_t *)(void *)field) < 0) {
			errbuf_printf(why, whylen, "\"%s\" is not a size (e.g. 512k, 10M)", value);
			return -1;
		}
		return 0;
	case CONFIG_SECONDS:
		if (parse_seconds(value, (unsigned *)(void *)field) < 0) {
			errbuf_printf(why, whylen, "\"%s\" is not a time from 1s to 24h (e.g. 300, 5m, 2h)",
			    value);
			return -1;
		}
		return 0;
	case CONFIG_DAYS:
		if (parse_days(value, (unsigned *)(void *)field) < 0) {
			errbuf_printf(why, whylen, "\"%s\" is not a number of days "
			    "from 0 to %d", value, CONFIG_MAX_DAYS);
			return -1;
		}
		return 0;
	case CONFIG_LIST: {
		char ***list = (char ***)(void *)field;
		size_t *count = (size_t *)(void *)(field + sizeof(char **));

		free_list(*list, *count);
		*list = NULL;
		*count = 0;
		if (parse_list(value, list, count) < 0) {
			errbuf_printf(why, whylen, "out of memory");
			return -1;
		}
		return 0;
	}
	case CONFIG_RECIPIENTS: {
		char ***list = (char ***)(void *)field, **grown, *line;
		size_t *count = (size_t *)(void *)(field + sizeof(char **));

		/* The default (and an empty line) is no rule; others add one. */
		if (*value == '\0')
			return 0;
		if (parse_recipients(value, &line, why, whylen) < 0)
			return -1;
		if ((grown = realloc(*list, (*count + 1) * sizeof(*grown))) == NULL) {
			free(line);
			errbuf_printf(why, whylen, "out of memory");
			return -1;
		}
		grown[(*count)++] = line;
		*list = grown;
		return 0;
	}
	case CONFIG_FACILITY:
		n = sizeof(facilities) / sizeof(facilities[0]);
		for (i = 0; i < n; i++)
			if (strcasecmp(value, facilities[i].name) == 0) {
				*(int *)field = facilities[i].value;
				return 0;
			}
		errbuf_printf(why, whylen, "unknown syslog facility \"%s\"", value);
		return -1;
	case CONFIG_LOGLEVEL:
		n = sizeof(levels) / sizeof(levels[0]);
		for (i = 0; i < n; i++)
			if (strcasecmp(value, levels[i].name) == 0) {
				*(int *)field = levels[i].value;
				return 0;
			}
		errbuf_printf(why, whylen, "unknown log level \"%s\" (error, warning, notice, info, debug)",
		    value);
		return -1;
	case CONFIG_AUTHMODE:
		if (strcasecmp(value, "dkim") == 0)
			*(enum auth_mode *)(void *)field = AUTH_MODE_DKIM;
		else if (strcasecmp(value, "authres") == 0)
			*(enum auth_mode *)(void *)field = AUTH_MODE_AUTHRES;
		else {
			errbuf_printf(why, whylen, "\"%s\" is not dkim or authres", value);
			return -1;
		}
		return 0;
	case CONFIG_ACTION:
		n = sizeof(action_names) / sizeof(action_names[0]);
		for (i = 0; i < n; i++)
			if (strcasecmp(value, action_names[i]) == 0) {
				*(enum divert_action *)(void *)field = (enum divert_action)i;
				return 0;
			}
		errbuf_printf(why, whylen, "\"%s\" is not tag, redirect or discard", value);
		return -1;
	}
	return -1;
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	/* The key table says which fields own memory: a new key cannot leak. */
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *field = (char *)cfg + keys[i].offset;

		switch (keys[i].type) {
		case CONFIG_STRING:
		case CONFIG_HEADER:
		case CONFIG_ADDRESS:
			free(*(char **)(void *)field);
			break;
		case CONFIG_LIST:
		case CONFIG_RECIPIENTS:
			free_list(*(char ***)(void *)field,
			    *(size_t *)(void *)(field + sizeof(char **)));
			break;
		default:
			break;
		}
	}
	free(cfg);
}

struct config *
config_defaults(char *errbuf, size_t errlen)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	char why[256];
	size_t i;

	if (cfg == NULL) {
		errbuf_printf(errbuf, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (set_value(cfg, &keys[i], keys[i].default_value, why,
		    sizeof(why)) < 0) {
			errbuf_printf(errbuf, errlen, "default of %s: %s", keys[i].name, why);
			config_free(cfg);
			return NULL;
		}
	return cfg;
}

/* Cross-key rules, checked after the whole file; errors as "PATH[:LINE]: why". */
static int
check_consistency(const struct config *cfg, const char *path,
    unsigned action_line, char *errbuf, size_t errlen)
{
	/* The Action line is where the mistake most likely is. */
	if (cfg->action == ACTION_REDIRECT && cfg->redirect_to[0] == '\0') {
		errbuf_printf(errbuf, errlen, "%s:%u: Action redirect needs RedirectTo (an address)",
		    path, action_line);
		return -1;
	}
	if (cfg->auth_mode == AUTH_MODE_AUTHRES && cfg->n_trusted_authserv_ids == 0) {
		errbuf_printf(errbuf, errlen, "%s: AuthMode authres needs TrustedAuthservIDs",
		    path);
		return -1;
	}
	if (strncmp(cfg->socket, "unix:", 5) != 0 &&
	    strncmp(cfg->socket, "local:", 6) != 0 &&
	    strncmp(cfg->socket, "inet:", 5) != 0 &&
	    strncmp(cfg->socket, "inet6:", 6) != 0 && cfg->socket[0] != '/') {
		errbuf_printf(errbuf, errlen, "%s: Socket \"%s\" is not unix:/path, inet:port@host or inet6:port@host",
		    path, cfg->socket);
		return -1;
	}
	return 0;
}

struct config *
config_load(const char *path, char *errbuf, size_t errlen)
{
	struct config *cfg;
	char line[MAX_LINE + 2], why[512];
	const struct config_key *key;
	unsigned lineno = 0, action_line = 0;
	size_t i, n = sizeof(keys) / sizeof(keys[0]);
	FILE *fp;

	if ((cfg = config_defaults(errbuf, errlen)) == NULL)
		return NULL;
	if ((fp = fopen(path, "r")) == NULL) {
		errbuf_printf(errbuf, errlen, "%s: %s", path, strerror(errno));
		config_free(cfg);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *name, *value, *end;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			errbuf_printf(errbuf, errlen, "%s:%u: line longer than %d bytes",
			    path, lineno, MAX_LINE);
			goto fail;
		}
		if ((end = strchr(line, '#')) != NULL)
			*end = '\0';
		for (name = line; isspace((unsigned char)*name); name++)
			;
		if (*name == '\0')
			continue;
		for (value = name; *value != '\0' && !isspace((unsigned char)*value);
		    value++)
			;
		if (*value != '\0')
			*value++ = '\0';
		while (isspace((unsigned char)*value))
			value++;
		end = value + strlen(value);
		while (end > value && isspace((unsigned char)end[-1]))
			*--end = '\0';
		for (key = NULL, i = 0; i < n; i++)
			if (strcasecmp(name, keys[i].name) == 0)
				key = &keys[i];
		if (key == NULL) {
			errbuf_printf(errbuf, errlen, "%s:%u: unknown key \"%s\"", path,
			    lineno, name);
			goto fail;
		}
		if (*value == '\0' && key->type != CONFIG_STRING &&
		    key->type != CONFIG_LIST && key->type != CONFIG_ADDRESS &&
		    key->type != CONFIG_RECIPIENTS) {
			errbuf_printf(errbuf, errlen, "%s:%u: %s needs a value", path,
			    lineno, key->name);
			goto fail;
		}
		if (set_value(cfg, key, value, why, sizeof(why)) < 0) {
			errbuf_printf(errbuf, errlen, "%s:%u: %s: %s", path, lineno,
			    key->name, why);
			goto fail;
		}
		if (key->type == CONFIG_ACTION)
			action_line = lineno;
	}
	if (ferror(fp)) {
		errbuf_printf(errbuf, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(fp);
	if (check_consistency(cfg, path, action_line, errbuf, errlen) < 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
fail:
	fclose(fp);
	config_free(cfg);
	return NULL;
}

static const char *
name_of(int value, int facility)
{
	size_t i;

	if (facility) {
		for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
			if (facilities[i].value == value)
				return facilities[i].name;
	} else {
		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			if (levels[i].value == value)
				return levels[i].name;
	}
	return "?";
}

void
config_print(const struct config *cfg, FILE *fp)
{
	const char *field;
	size_t i, j, n = sizeof(keys) / sizeof(keys[0]);

	for (i = 0; i < n; i++) {
		field = (const char *)cfg + keys[i].offset;
		fprintf(fp, "%-20s ", keys[i].name);
		switch (keys[i].type) {
		case CONFIG_STRING:
		case CONFIG_HEADER:
		case CONFIG_ADDRESS:
			fputs(*(char *const *)(const void *)field, fp);
			break;
		case CONFIG_BOOL:
			fputs(*(const int *)(const void *)field ? "yes" : "no", fp);
			break;
		case CONFIG_SIZE:
			fprintf(fp, "%zu", *(const size_t *)(const void *)field);
			break;
		case CONFIG_SECONDS:
		case CONFIG_DAYS:
			fprintf(fp, "%u", *(const unsigned *)(const void *)field);
			break;
		case CONFIG_LIST: {
			char *const *list = *(char **const *)(const void *)field;
			size_t count = *(const size_t *)(const void *)(field + sizeof(char **));

			for (j = 0; j < count; j++)
				fprintf(fp, "%s%s", j ? ", " : "", list[j]);
			break;
		}
		case CONFIG_RECIPIENTS: {
			char *const *list = *(char **const *)(const void *)field;
			size_t count = *(const size_t *)(const void *)(field + sizeof(char **));

			/* One line per rule, the key repeated. */
			for (j = 0; j < count; j++)
				fprintf(fp, "%s%s", j ? "\nDigestRecipients     " : "", list[j]);
			break;
		}
		case CONFIG_FACILITY:
			fputs(name_of(*(const int *)(const void *)field, 1), fp);
			break;
		case CONFIG_LOGLEVEL:
			fputs(name_of(*(const int *)(const void *)field, 0), fp);
			break;
		case CONFIG_AUTHMODE:
			fputs(*(const enum auth_mode *)(const void *)field ==
			    AUTH_MODE_AUTHRES ? "authres" : "dkim", fp);
			break;
		case CONFIG_ACTION:
			fputs(config_action_name(*(const enum divert_action *)(const void *)field),
			    fp);
			break;
		}
		fputc('\n', fp);
	}
}
