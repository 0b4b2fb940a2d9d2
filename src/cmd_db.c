/*
 * cmd_db.c - `tlsrpt db migrate [-c CONFIG]`: bring the store's schema up
 * to this build's version by hand (the daemon does it at start), and say
 * where it stands.  Exit 0 on success, 1 on an error, 2 on a usage error.
 */
#include "cli_config.h"
#include "cmd.h"
#include "runtime.h"
#include "store.h"

#include <getopt.h>
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
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = CLI_DEFAULT_CONFIG;
	struct config *cfg;
	struct store *st;
	char err[512];
	int c, given = 0;

	if (argc < 2 || strcmp(argv[1], "migrate") != 0) {
		usage(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			given = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((cfg = cli_load_config(path, given)) == NULL)
		return 1;
	if (cli_become_user(cfg->user_id) < 0) {
		config_free(cfg);
		return 1;
	}
	/* Opening migrates, in a transaction, under the backend's lock. */
	if ((st = config_store_open(cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt: Database: %s\n", err);
		config_free(cfg);
		return 1;
	}
	store_close(st);
	printf("database schema at version %d\n", store_schema_version());
	config_free(cfg);
	return 0;
}
