/*
 * cmd_db.c - `tlsrpt db migrate [-c CONFIG]`: bring the store's schema up
 * to this build's version by hand (the daemon does it at start), and say
 * where it stands.  Exit 0 on success, 1 on an error, 2 on a usage error.
 */
#include "cli_config.h"
#include "cmd.h"
#include "runtime.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: tlsrpt db migrate [-c CONFIG]   (default %s)\n",
	    CLI_DEFAULT_CONFIG);
}

int
cmd_db(int argc, char **argv)
{
	struct config *cfg;
	struct store *st;
	int rc;

	if ((rc = cli_verb_setup(argc, argv, "migrate", usage, &cfg)) >= 0)
		return rc;
	/* Opening migrates, in a transaction, under the backend's lock. */
	if ((st = cli_store_open(cfg)) == NULL) {
		config_free(cfg);
		return 1;
	}
	store_close(st);
	printf("database schema at version %d\n", store_schema_version());
	config_free(cfg);
	return 0;
}
