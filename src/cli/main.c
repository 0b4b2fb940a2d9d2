/*
 * main.c - the admin's command: dispatch to a subcommand.
 */
#include "cli_config.h"
#include "cmd.h"
#include "heap_reserve.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>

/* What a year's report over a large store is designed to stay within. */
#define REPORT_HEAP_BYTES	((size_t)256 * 1024 * 1024)

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

static const struct {
	const char *name;
	int (*run)(int, char **);
	int big_heap;			/* builds the report's tables in memory */
	const char *help;
} commands[] = {
	{ "parse", cmd_parse, 0, "decode report files: tlsrpt parse [--json] FILE..." },
	{ "explain", cmd_explain, 0, "what a result type means and how to fix it" },
	{ "spool", cmd_spool, 0, "store spooled reports now: tlsrpt spool replay [-c CONFIG]" },
	{ "report", cmd_report, 1, "what is failing, where, who reports: tlsrpt report [--format F]" },
	{ "digest", cmd_digest, 1, "mail each DigestRecipients address its domains' report" },
	{ "check", cmd_check, 0, "check the TLS-RPT record, MTA-STS and MX hosts: tlsrpt check --help" },
	{ "tlsa", cmd_tlsa, 0, "the DANE TLSA record of a certificate or key: tlsrpt tlsa FILE" },
	{ "import", cmd_import, 0, "backfill from Maildir, mbox, .eml, .json(.gz): tlsrpt import PATH..." },
	{ "watch", cmd_watch, 0, "check and record WatchDomains (the timer runs it): tlsrpt watch" },
	{ "db", cmd_db, 0, "migrate or prune the store: tlsrpt db migrate|prune [-c CONFIG]" },
};

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: tlsrpt [-c FILE] [--db URI] COMMAND [ARGS]\n\n"
	    "  -c FILE    the milter's configuration, for Database and the\n"
	    "             authentication settings (default %s)\n"
	    "  --db URI   use this database instead of the configured one\n"
	    "             (sqlite:/path/file.db or postgresql://user@host/db)\n"
	    "\ncommands:\n", CLI_DEFAULT_CONFIG);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\n`tlsrpt COMMAND --help` for details; tlsrpt --version.\n");
}

/*
 * The global options, before the subcommand; returns how many arguments
 * they took, or -1 after a usage error.  Not getopt: it would permute the
 * subcommand's own options.
 */
static int
global_options(int argc, char **argv)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		const char *opt = argv[i], *val = NULL;

		if (strcmp(opt, "-c") == 0 || strcmp(opt, "--config") == 0 ||
		    strcmp(opt, "--db") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "tlsrpt: %s needs a value\n", opt);
				return -1;
			}
			val = argv[i + 1];
			i += 2;
		} else if (strncmp(opt, "--config=", 9) == 0) {
			val = opt + 9;
			opt = "-c";
			i++;
		} else if (strncmp(opt, "--db=", 5) == 0) {
			val = opt + 5;
			opt = "--db";
			i++;
		} else
			break;
		if (strcmp(opt, "--db") == 0)
			cli_globals.db_uri = val;
		else {
			cli_globals.config_path = val;
			cli_globals.config_given = 1;
		}
	}
	return i - 1;
}

int
main(int argc, char **argv)
{
	size_t i;
	int skip;

#ifdef M_ARENA_MAX
	/*
	 * The report fills its cells in a second thread and frees them in the
	 * first: with one malloc arena the memory one frees is the other's to
	 * reuse (a year's report peaked 22 MB higher with an arena each).
	 */
	mallopt(M_ARENA_MAX, 1);
#endif
	if ((skip = global_options(argc, argv)) < 0) {
		usage(stderr);
		return 2;
	}
	argc -= skip;
	argv += skip;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("tlsrpt %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			/* The report's memory budget; it runs the same without. */
			if (commands[i].big_heap)
				(void)heap_reserve(REPORT_HEAP_BYTES);
			return commands[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "tlsrpt: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
