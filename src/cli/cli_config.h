/*
 * cli_config.h - how the `tlsrpt` subcommands that use the store find it:
 * the daemon's configuration file, read the way the daemon reads it, and
 * the daemon's user, so files they create keep the owner it needs.
 * Both print their own error (to stderr, "tlsrpt: ...").
 */
#ifndef TLSRPT_CLI_CONFIG_H
#define TLSRPT_CLI_CONFIG_H

#include "conf.h"

#include <getopt.h>
#include <stdio.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define CLI_DEFAULT_CONFIG	SYSCONFDIR "/tlsrpt-milter.conf"

/*
 * The options every subcommand honours, given before it:
 * `tlsrpt [-c FILE] [--db URI] COMMAND ...`.  main() fills them in.
 */
struct cli_globals {
	const char *config_path;	/* -c FILE, else CLI_DEFAULT_CONFIG */
	int config_given;		/* -c was given: a missing file is an error */
	const char *db_uri;		/* --db URI, overrides Database; or NULL */
};
extern struct cli_globals cli_globals;

/*
 * PATH, or built-in defaults when PATH was not GIVEN and does not exist;
 * then --db, when given, replaces Database.
 */
struct config *cli_load_config(const char *path, int given);

/*
 * `tlsrpt SUBCOMMAND VERB [-c CONFIG]` (-c here wins over the global -c):
 * check ARGV (argv[0] is the
 * subcommand, argv[1] must be VERB), load the configuration and become its
 * UserID.  Returns -1 with *CFG_R set when the caller should go on, else
 * the exit status (0 after --help, 1 on an error, 2 on a usage error);
 * USAGE prints the subcommand's usage line.
 */
int cli_verb_setup(int argc, char **argv, const char *verb,
    void (*usage)(FILE *fp), struct config **cfg_r);

/*
 * A verb's own options, beyond -c and -h: LONGOPTS (ended by a zeroed
 * entry, at most CLI_VERB_MAX_OPTS) and SHORTOPTS in getopt_long() form.
 * ON_OPT(C, OPTARG, ARG) takes each one before the configuration is loaded
 * and returns -1 to go on, else the exit status (after printing why).
 */
#define CLI_VERB_MAX_OPTS 8
struct cli_verb_opts {
	const struct option *longopts;
	const char *shortopts;
	int (*on_opt)(int c, const char *optarg, void *arg);
	void *arg;
};

/*
 * cli_verb_setup() with the verb's own options EXTRA (NULL for none);
 * *PATH_R (unless NULL) is set to the configuration file it used.
 */
int cli_verb_setup_opts(int argc, char **argv, const char *verb,
    void (*usage)(FILE *fp), const struct cli_verb_opts *extra,
    struct config **cfg_r, const char **path_r);

/* As root with UserID SPEC set: become that user (and group); 0 or -1. */
int cli_become_user(const char *spec);

/*
 * The way in of every command that writes the store: cli_load_config(PATH,
 * GIVEN), then become its UserID, so files the store creates keep the
 * daemon's owner.  NULL after the error is printed.
 */
struct config *cli_config_as_user(const char *path, int given);

/*
 * The From of a digest into BUF: DigestFrom, else tlsrpt@ the host's fully
 * qualified name (gethostname, then its canonical name when it has no
 * dot).  -1 after the error is printed.
 */
int cli_mail_from(const struct config *cfg, char *buf, size_t size);

struct store;
/* CFG's store (config_store_open); NULL after "tlsrpt: Database: ...". */
struct store *cli_store_open(const struct config *cfg);

#endif
