/*
 * cli_config.h - how the `tlsrpt` subcommands that use the store find it:
 * the daemon's configuration file, read the way the daemon reads it, and
 * the daemon's user, so files they create keep the owner it needs.
 * Both print their own error (to stderr, "tlsrpt: ...").
 */
#ifndef TLSRPT_CLI_CONFIG_H
#define TLSRPT_CLI_CONFIG_H

#include "conf.h"

#include <stdio.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define CLI_DEFAULT_CONFIG	SYSCONFDIR "/tlsrpt-milter.conf"

/* PATH, or built-in defaults when PATH was not GIVEN and does not exist. */
struct config *cli_load_config(const char *path, int given);

/*
 * `tlsrpt SUBCOMMAND VERB [-c CONFIG]`: check ARGV (argv[0] is the
 * subcommand, argv[1] must be VERB), load the configuration and become its
 * UserID.  Returns -1 with *CFG_R set when the caller should go on, else
 * the exit status (0 after --help, 1 on an error, 2 on a usage error);
 * USAGE prints the subcommand's usage line.
 */
int cli_verb_setup(int argc, char **argv, const char *verb,
    void (*usage)(FILE *fp), struct config **cfg_r);

/* As root with UserID SPEC set: become that user (and group); 0 or -1. */
int cli_become_user(const char *spec);

#endif
