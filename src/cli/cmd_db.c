/*
 * cmd_db.c - the store's upkeep:
 *   `tlsrpt db migrate [-c CONFIG]`: bring the schema up to this build's
 *   version by hand (the daemon does it at start), and say where it stands;
 *   `tlsrpt db prune [--older-than DAYS] [--dry-run] [-c CONFIG]`: delete
 *   the reports that ended more than DAYS (default RetentionDays) ago, in
 *   short transactions the milter can write between (store_prune()).
 * Exit 0 on success, 1 on an error, 2 on a usage error.
 */
#include "cli_config.h"
#include "cmd.h"
#include "runtime.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: tlsrpt db migrate [-c CONFIG]   (default %s)\n"
	    "       tlsrpt db prune [--older-than DAYS] [--dry-run] [-c CONFIG]\n",
	    CLI_DEFAULT_CONFIG);
}

static int
migrate(int argc, char **argv)
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

/* DAYS as --older-than takes it: 1 to CONFIG_MAX_DAYS; else -1. */
static long
parse_days(const char *s)
{
	char *end;
	long n;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n > CONFIG_MAX_DAYS)
		return -1;
	return n;
}

/* What prune's own options ask for. */
struct prune_args {
	long days;		/* -1: RetentionDays */
	int dry_run;
};

/* One of prune's options (cli_verb_opts.on_opt): -1, or 2 after the error. */
static int
prune_opt(int c, const char *arg, void *argp)
{
	struct prune_args *pa = argp;

	if (c == 'n') {
		pa->dry_run = 1;
		return -1;
	}
	if ((pa->days = parse_days(arg)) < 0) {
		fprintf(stderr, "tlsrpt db prune: --older-than \"%s\" is not "
		    "a number of days from 1 to %d\n", arg, CONFIG_MAX_DAYS);
		return 2;
	}
	if (pa->days == 0) {
		fprintf(stderr, "tlsrpt db prune: --older-than 0 would "
		    "prune every report; give 1 or more days\n");
		return 2;
	}
	return -1;
}

static int
prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "older-than", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct prune_args pa = { -1, 0 };
	const struct cli_verb_opts extra = { opts, "o:n", prune_opt, &pa };
	const char *path;
	struct store_prune pr;
	struct config *cfg;
	struct store *st;
	long days;
	char when[32], err[512];
	struct tm tm;
	int rc;

	if ((rc = cli_verb_setup_opts(argc, argv, "prune", usage, &extra, &cfg,
	    &path)) >= 0)
		return rc;
	memset(&pr, 0, sizeof(pr));
	pr.dry_run = pa.dry_run;
	days = pa.days;
	if (days < 0) {
		if (cfg->retention_days == 0) {
			fprintf(stderr, "tlsrpt db prune: no age given: RetentionDays "
			    "is 0 (keep reports forever) in %s; give --older-than "
			    "DAYS or set RetentionDays\n", path);
			config_free(cfg);
			return 2;
		}
		days = (long)cfg->retention_days;
	}
	if ((st = cli_store_open(cfg)) == NULL) {
		config_free(cfg);
		return 1;
	}
	pr.now = time(NULL);
	pr.cutoff = pr.now - (time_t)days * 86400;
	rc = store_prune(st, &pr, err, sizeof(err));
	store_close(st);
	config_free(cfg);
	if (gmtime_r(&pr.cutoff, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)pr.cutoff);
	if (rc < 0) {
		fprintf(stderr, "tlsrpt db prune: %s\n", err);
		if (pr.reports > 0)
			fprintf(stderr, "tlsrpt db prune: %lld report%s pruned before "
			    "the error\n", pr.reports, pr.reports == 1 ? "" : "s");
		return 1;
	}
	printf("%s %lld report%s (%lld polic%s, %lld failure detail%s) that "
	    "ended before %s (%ld day%s ago)\n", pr.dry_run ? "would prune" :
	    "pruned", pr.reports, pr.reports == 1 ? "" : "s", pr.policies,
	    pr.policies == 1 ? "y" : "ies", pr.details, pr.details == 1 ? "" : "s",
	    when, days, days == 1 ? "" : "s");
	if (pr.probes > 0)
		printf("%s %lld probe row%s from before %s\n", pr.dry_run ?
		    "would prune" : "pruned", pr.probes, pr.probes == 1 ? "" :
		    "s", when);
	if (pr.batches > 0)
		printf("%lld transaction%s, the longest %lld.%03lld s\n", pr.batches,
		    pr.batches == 1 ? "" : "s", pr.longest_ms / 1000,
		    pr.longest_ms % 1000);
	return 0;
}

int
cmd_db(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "prune") == 0)
		return prune(argc, argv);
	return migrate(argc, argv);
}
