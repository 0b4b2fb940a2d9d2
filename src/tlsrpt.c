/*
 * tlsrpt.c - the admin's command: dispatch to a subcommand.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *help;
} commands[] = {
	{ "parse", cmd_parse, "decode report files: tlsrpt parse [--json] FILE..." },
	{ "explain", cmd_explain, "what a result type means and how to fix it" },
	{ "spool", cmd_spool, "store spooled reports now: tlsrpt spool replay [-c CONFIG]" },
	{ "db", cmd_db, "create or migrate the store's schema: tlsrpt db migrate [-c CONFIG]" },
};

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: tlsrpt COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\n`tlsrpt COMMAND --help` for details; tlsrpt --version.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

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
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "tlsrpt: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
