/*
 * cli_config.h - how the `tlsrpt` subcommands that use the store find it:
 * the daemon's configuration file, read the way the daemon reads it, and
 * the daemon's user, so files they create keep the owner it needs.
 * Both print their own error (to stderr, "tlsrpt: ...").
 */
#ifndef TLSRPT_CLI_CONFIG_H
#define TLSRPT_CLI_CONFIG_H

#include "conf.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define CLI_DEFAULT_CONFIG	SYSCONFDIR "/tlsrpt-milter.conf"

/* PATH, or built-in defaults when PATH was not GIVEN and does not exist. */
struct config *cli_load_config(const char *path, int given);

/* As root with UserID SPEC set: become that user (and group); 0 or -1. */
int cli_become_user(const char *spec);

#endif
