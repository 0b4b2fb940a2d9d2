/*
 * cmd_watch.c - `tlsrpt watch`: `tlsrpt check --domain D --record` for
 * every domain of WatchDomains, one after the other, so the store's probe
 * history (and with it `tlsrpt report`) knows the receiving side between
 * reports.  The systemd timer contrib/systemd/tlsrpt-watch.timer runs it.
 *
 * Exit status as `tlsrpt check`'s, the worst over the domains: 0 all
 * passed, 1 warnings, 2 failures; also 2 when a run could not be
 * recorded or on a usage error.  An empty WatchDomains is not an error:
 * one line says so and the exit is 0, so the timer can ship enabled.
 */
#include "check_args.h"
#include "check_live.h"
#include "check_observed.h"
#include "check_print.h"
#include "cli_config.h"
#include "cmd.h"
#include "probe_record.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsrpt [-c CONFIG] watch [OPTIONS]\n"
	    "checks every domain of WatchDomains as `tlsrpt check --domain D\n"
	    "--record` does, and keeps what changed in the store\n"
	    "options:\n"
	    "  --resolver HOST:PORT  ask this DNS server (default: resolv.conf)\n"
	    "  --ca-file FILE        trusted roots for SMTP and HTTPS\n"
	    "  --port N              SMTP port of the MX hosts (default 25)\n"
	    "  --timeout SECONDS     per network step (default 10)\n"
	    "  --quiet               print only problems and the summary\n"
	    "  --https-port N        test only: fetch policies from port N\n"
	    "exit: 0 all passed, 1 warnings, 2 failures, a store error or\n"
	    "usage error\n");
}

/* One domain: check, print, record.  Its exit status. */
static int
watch_domain(struct store *st, struct check_options *opt, const char *domain,
    int quiet, time_t now)
{
	struct check_report *rep = malloc(sizeof(*rep));
	size_t stored = 0;
	int rc;

	if (rep == NULL) {
		fprintf(stderr, "tlsrpt: out of memory\n");
		return 2;
	}
	check_report_init(rep);
	if ((rep->obs = check_observed_new()) == NULL) {
		fprintf(stderr, "tlsrpt: out of memory\n");
		free(rep);
		return 2;
	}
	opt->domain = domain;
	if (check_live_domain(opt, rep) < 0)
		rc = 2;
	else {
		rc = check_exit_status(rep);
		if (probe_record(st, domain, rep, now, &stored) < 0)
			rc = 2;
		printf("== %s: %s, %zu probe row%s stored\n", domain,
		    rc == 0 ? "pass" : rc == 1 ? "warn" : "fail", stored,
		    stored == 1 ? "" : "s");
		if (!quiet || rc != 0)
			(void)check_print_text(stdout, rep, 0);
	}
	check_observed_free(rep->obs);
	free(rep);
	return rc;
}

int
cmd_watch(int argc, char **argv)
{
	static const struct option longopts[] = {
		CHECK_ARGS_LONGOPTS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct check_options opt;
	struct config *cfg;
	struct store *st;
	size_t i;
	time_t now;
	int c, rc = 0, r, quiet = 0, taken;

	check_args_defaults(&opt);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		if ((taken = check_args_option(c, optarg, &opt)) != 0) {
			if (taken < 0)
				return 2;
			continue;
		}
		switch (c) {
		case 'q':
			quiet = 1;
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
		fprintf(stderr, "tlsrpt: watch: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	if ((cfg = cli_config_as_user(cli_globals.config_path,
	    cli_globals.config_given)) == NULL)
		return 2;
	if (cfg->n_watch_domains == 0) {
		printf("tlsrpt: watch: WatchDomains is empty in %s: nothing to "
		    "check\n", cli_globals.config_path);
		config_free(cfg);
		return 0;
	}
	if ((st = cli_store_open(cfg)) == NULL) {
		config_free(cfg);
		return 2;
	}
	now = probe_now();
	for (i = 0; i < cfg->n_watch_domains; i++) {
		r = watch_domain(st, &opt, cfg->watch_domains[i], quiet, now);
		if (r > rc)
			rc = r;
	}
	store_close(st);
	config_free(cfg);
	return rc;
}
