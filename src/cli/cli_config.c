/*
 * cli_config.c - configuration and user for `tlsrpt` subcommands; see
 * cli_config.h.
 */
#include "cli_config.h"
#include "mail_header.h"
#include "runtime.h"

#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cli_globals cli_globals = { CLI_DEFAULT_CONFIG, 0, NULL };

struct config *
cli_load_config(const char *path, int given)
{
	struct config *cfg;
	char err[512];

	/* As the daemon: without -c, a missing default file means defaults. */
	if (!given && access(path, F_OK) != 0)
		cfg = config_defaults(err, sizeof(err));
	else
		cfg = config_load(path, err, sizeof(err));
	if (cfg == NULL) {
		fprintf(stderr, "tlsrpt: %s\n", err);
		return NULL;
	}
	if (cli_globals.db_uri != NULL) {
		char *uri = strdup(cli_globals.db_uri);

		if (uri == NULL) {
			fprintf(stderr, "tlsrpt: out of memory\n");
			config_free(cfg);
			return NULL;
		}
		free(cfg->database);
		cfg->database = uri;
	}
	return cfg;
}

int
cli_become_user(const char *spec)
{
	char user[128], *colon;
	struct passwd *pw;
	struct group *gr;
	gid_t gid;

	if (spec[0] == '\0' || geteuid() != 0)
		return 0;
	snprintf(user, sizeof(user), "%s", spec);
	if ((colon = strchr(user, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		fprintf(stderr, "tlsrpt: UserID: no such user \"%s\"\n", user);
		return -1;
	}
	gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon)) == NULL) {
			fprintf(stderr, "tlsrpt: UserID: no such group \"%s\"\n", colon);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (initgroups(user, gid) != 0 || setgid(gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "tlsrpt: cannot become user %s: %s\n", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}


int
cli_verb_setup(int argc, char **argv, const char *verb,
    void (*usage)(FILE *fp), struct config **cfg_r)
{
	return cli_verb_setup_opts(argc, argv, verb, usage, NULL, cfg_r, NULL);
}

int
cli_verb_setup_opts(int argc, char **argv, const char *verb,
    void (*usage)(FILE *fp), const struct cli_verb_opts *extra,
    struct config **cfg_r, const char **path_r)
{
	static const struct option common[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct option opts[CLI_VERB_MAX_OPTS + 3];
	char shortopts[64];
	const char *path = cli_globals.config_path;
	int c, given = cli_globals.config_given, rc;
	size_t n = 0, i;

	*cfg_r = NULL;
	if (path_r != NULL)
		*path_r = path;
	/* The verb's options first, then -c and -h, in one table. */
	if (extra != NULL)
		while (n < CLI_VERB_MAX_OPTS && extra->longopts[n].name != NULL) {
			opts[n] = extra->longopts[n];
			n++;
		}
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		opts[n + i] = common[i];
	if ((size_t)snprintf(shortopts, sizeof(shortopts), "%sc:h",
	    extra != NULL ? extra->shortopts : "") >= sizeof(shortopts)) {
		fprintf(stderr, "tlsrpt %s: too many options\n", verb);
		return 1;
	}
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], verb) != 0) {
		usage(stderr);
		return 2;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			given = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case '?':
		case ':':
			usage(stderr);
			return 2;
		default:
			if (extra == NULL) {
				usage(stderr);
				return 2;
			}
			if ((rc = extra->on_opt(c, optarg, extra->arg)) >= 0)
				return rc;
			break;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (path_r != NULL)
		*path_r = path;
	if ((*cfg_r = cli_config_as_user(path, given)) == NULL)
		return 1;
	return -1;
}

struct config *
cli_config_as_user(const char *path, int given)
{
	struct config *cfg;

	if ((cfg = cli_load_config(path, given)) == NULL)
		return NULL;
	if (cli_become_user(cfg->user_id) < 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct store *
cli_store_open(const struct config *cfg)
{
	struct store *st;
	char err[512];

	if ((st = config_store_open(cfg, err, sizeof(err))) == NULL)
		fprintf(stderr, "tlsrpt: Database: %s\n", err);
	return st;
}

int
cli_mail_from(const struct config *cfg, char *buf, size_t size)
{
	struct addrinfo hints, *ai = NULL;
	char host[256];
	const char *name = host;

	if (cfg->digest_from != NULL && cfg->digest_from[0] != '\0') {
		snprintf(buf, size, "%s", cfg->digest_from);
		return 0;
	}
	if (gethostname(host, sizeof(host)) < 0) {
		fprintf(stderr, "tlsrpt: gethostname: %s; set DigestFrom or --from\n",
		    strerror(errno));
		return -1;
	}
	host[sizeof(host) - 1] = '\0';
	if (strchr(host, '.') == NULL) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_CANONNAME;
		if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai != NULL &&
		    ai->ai_canonname != NULL)
			name = ai->ai_canonname;
	}
	snprintf(buf, size, "tlsrpt@%s", name);
	if (ai != NULL)
		freeaddrinfo(ai);
	if (!mail_address_valid(buf)) {
		fprintf(stderr, "tlsrpt: this host's name does not make a From "
		    "address; set DigestFrom or --from\n");
		return -1;
	}
	return 0;
}
