/*
 * cmd_check.c - `tlsrpt check`: find what senders would report before
 * they report it.  Offline: `record TEXT` and `sts FILE`; the argument
 * parsing and the output live here, the checks in their modules
 * (tlsrpt_record.c, sts_policy.c, and for live checks check_live.c).
 *
 * Exit status: 0 every check passed, 1 warnings only, 2 failures; a
 * usage error or an unreadable input is also 2, with a message on
 * stderr and no findings.
 */
#include "check_args.h"
#include "check_live.h"
#include "check_observed.h"
#include "cli_config.h"
#include "check_print.h"
#include "check_findings.h"
#include "cmd.h"
#include "file_read.h"
#include "probe_record.h"
#include "store.h"
#include "sts_policy.h"
#include "tlsrpt_record.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsrpt check [OPTIONS] record 'v=TLSRPTv1; rua=...'\n"
	    "       tlsrpt check [OPTIONS] sts FILE|-\n"
	    "       tlsrpt check [OPTIONS] --domain DOMAIN\n"
	    "       tlsrpt check [OPTIONS] mx --domain DOMAIN | mx HOST\n"
	    "options:\n"
	    "  --domain DOMAIN       the policy domain (live checks; for record,\n"
	    "                        flags report addresses outside it)\n"
	    "  --format text|json    output (default text)\n"
	    "  --resolver HOST:PORT  ask this DNS server (default: resolv.conf)\n"
	    "  --ca-file FILE        trusted roots for SMTP and HTTPS (default:\n"
	    "                        the system store)\n"
	    "  --port N              SMTP port of the MX hosts (default 25)\n"
	    "  --timeout SECONDS     per network step (default 10)\n"
	    "  --verbose             name each finding's id\n"
	    "  --record              with --domain: keep what was seen in the\n"
	    "                        store's probe history (tlsrpt report)\n"
	    "  --https-port N        test only: fetch the policy from port N\n"
	    "exit: 0 all passed, 1 warnings, 2 failures or usage error\n");
}

static int
check_record(const char *text, const char *domain, struct check_report *rep)
{
	struct tlsrpt_record rec;

	check_report_subject(rep, "record");
	(void)tlsrpt_record_check(text, strlen(text), domain, 0, &rec, rep);
	return 0;
}

static int
check_sts_file(const char *path, struct check_report *rep)
{
	struct sts_policy *pol;
	char *buf;
	size_t len;

	if (file_read_bounded(path, STS_POLICY_MAX, &buf, &len) < 0) {
		fprintf(stderr, "tlsrpt: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((pol = malloc(sizeof(*pol))) == NULL) {
		fprintf(stderr, "tlsrpt: out of memory\n");
		free(buf);
		return -1;
	}
	check_report_subject(rep, "sts %s", path);
	(void)sts_policy_check(buf, len, pol, rep);
	free(pol);
	free(buf);
	return 0;
}

int
cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		CHECK_ARGS_LONGOPTS,
		{ "verbose", no_argument, NULL, 'v' },
		{ "record", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct check_options opt;
	struct check_report *rep;
	const char *verb;
	struct config *cfg = NULL;
	struct store *st = NULL;
	int c, json = 0, verbose = 0, record = 0, rc, taken;

	check_args_defaults(&opt);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		if ((taken = check_args_option(c, optarg, &opt)) != 0) {
			if (taken < 0)
				return 2;
			continue;
		}
		switch (c) {
		case 'd':
			opt.domain = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") != 0) {
				fprintf(stderr, "tlsrpt: --format is text or json\n");
				return 2;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		case 'R':
			record = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	verb = argc > 0 ? argv[0] : NULL;
	if (record && (verb != NULL || opt.domain == NULL)) {
		fprintf(stderr, "tlsrpt: --record goes with --domain DOMAIN "
		    "alone\n");
		return 2;
	}
	/* The store first: a run that cannot be kept is not worth making. */
	if (record && ((cfg = cli_config_as_user(cli_globals.config_path,
	    cli_globals.config_given)) == NULL ||
	    (st = cli_store_open(cfg)) == NULL)) {
		config_free(cfg);
		return 2;
	}
	if ((rep = malloc(sizeof(*rep))) == NULL) {
		fprintf(stderr, "tlsrpt: out of memory\n");
		store_close(st);
		config_free(cfg);
		return 2;
	}
	check_report_init(rep);
	if (record && (rep->obs = check_observed_new()) == NULL) {
		fprintf(stderr, "tlsrpt: out of memory\n");
		free(rep);
		store_close(st);
		config_free(cfg);
		return 2;
	}
	if (verb != NULL && strcmp(verb, "record") == 0 && argc == 2)
		rc = check_record(argv[1], opt.domain, rep);
	else if (verb != NULL && strcmp(verb, "sts") == 0 && argc == 2)
		rc = check_sts_file(argv[1], rep);
	else if (verb != NULL && strcmp(verb, "mx") == 0 &&
	    (argc == 2 || (argc == 1 && opt.domain != NULL)))
		rc = check_live_mx(&opt, argc == 2 ? argv[1] : NULL, rep);
	else if (verb == NULL && opt.domain != NULL)
		rc = check_live_domain(&opt, rep);
	else {
		usage(stderr);
		free(rep);
		return 2;
	}
	if (rc == 0 && record) {
		size_t stored;

		if (probe_record(st, opt.domain, rep, probe_now(), &stored) < 0)
			rc = -1;
	}
	if (rc < 0) {
		check_observed_free(rep->obs);
		free(rep);
		store_close(st);
		config_free(cfg);
		return 2;
	}
	if ((json ? check_print_json(stdout, rep) :
	    check_print_text(stdout, rep, verbose)) < 0)
		fprintf(stderr, "tlsrpt: out of memory\n");
	rc = check_exit_status(rep);
	check_observed_free(rep->obs);
	free(rep);
	store_close(st);
	config_free(cfg);
	return rc;
}
