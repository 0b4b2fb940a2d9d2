/*
 * cmd_report.c - `tlsrpt report`: read the store, build the model
 * (report_model.h) and render it in the asked format.
 *
 * Exit 0 on success, 1 when the store cannot be read, 2 on a usage error
 * or a missing SQLite store (it never creates one);
 * with --check, the check's own 0/1/2 (OK/WARNING/CRITICAL).
 */
#include "cli_config.h"
#include "cmd.h"
#include "mail_header.h"
#include "outfile.h"
#include "report_daily.h"
#include "report_html.h"
#include "report_model.h"
#include "report_render.h"
#include "runtime.h"
#include "store.h"
#include "text_safe.h"

#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_DAYS	30

/*
 * The store, read only in spirit: a missing SQLite file is an error (exit
 * 2, a typo in --db is no empty store), other failures exit 1 (RC_R).
 */
static struct store *
open_existing(const struct config *cfg, int *rc_r)
{
	struct store_options so = { .password_file =
	    cfg->database_password_file[0] != '\0' ? cfg->database_password_file : NULL,
	    .must_exist = 1 };
	struct store *st;
	char err[600];

	*rc_r = 1;
	if (strncmp(cfg->database, "sqlite:", 7) == 0 && cfg->database[7] != '\0' &&
	    access(cfg->database + 7, F_OK) < 0 && errno == ENOENT)
		*rc_r = 2;
	if ((st = store_open_with(cfg->database, &so, err, sizeof(err))) == NULL)
		fprintf(stderr, "tlsrpt: report: Database: %s\n", err);
	return st;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsrpt [-c FILE] [--db URI] report [OPTIONS]\n"
	    "  --since DATE        first day (YYYY-MM-DD, UTC; default %d days before --until)\n"
	    "  --until DATE        last day, included (default today)\n"
	    "  --days N            the N days up to --until (instead of --since)\n"
	    "  --domain DOMAIN     only this policy domain\n"
	    "  --grain GRAIN       sum failures by day, week or month (default auto: by\n"
	    "                      day up to %d days, by week up to %d, by month beyond)\n"
	    "  --format FORMAT     text (default), json, csv, prometheus, html or email\n"
	    "  --to ADDR[,ADDR]    email: the recipients (bare addresses)\n"
	    "  --from ADDR         email: the sender (default DigestFrom, else\n"
	    "                      tlsrpt@ the host's fully qualified name)\n"
	    "  -o, --output FILE   write there instead of standard output (atomically;\n"
	    "                      opened as the caller, before switching to UserID)\n"
	    "  --include-unverified  count reports stored with RecordUnverified too\n"
	    "  --silence-days N    a reporter is silent after N days without a report\n"
	    "                      (default: 3 times its usual gap, at least 3)\n"
	    "  --check             one status line and exit 0/1/2 (OK/WARNING/CRITICAL)\n"
	    "  --warn-rate R       --check: WARNING at a domain failure rate >= R (default 0.01)\n"
	    "  --crit-rate R       --check: CRITICAL at >= R (default 0.05)\n"
	    "  --silent-critical   --check: a silent reporter is CRITICAL, not WARNING\n"
	    "  --color WHEN        text: auto (default: on a terminal, unless NO_COLOR), always, never\n"
	    "  -h, --help          this help\n", DEFAULT_DAYS, REPORT_GRAIN_DAY_MAX,
	    REPORT_GRAIN_WEEK_MAX);
}

enum format { F_TEXT, F_JSON, F_CSV, F_PROMETHEUS, F_HTML, F_EMAIL };

static int
parse_rate(const char *s, double *r)
{
	char *end;

	errno = 0;
	*r = strtod(s, &end);
	return errno != 0 || end == s || *end != '\0' || *r < 0 || *r > 1 ? -1 : 0;
}

/* "Now", overridable for reproducible output (SOURCE_DATE_EPOCH). */
static time_t
now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");

	if (s != NULL && *s != '\0')
		return (time_t)strtoll(s, NULL, 10);
	return time(NULL);
}

static int
render(FILE *fp, enum format format, struct json_object *model, int color,
    const struct report_email *em)
{
	char err[256];

	switch (format) {
	case F_EMAIL:
		if (report_email_write(fp, model, em, err, sizeof(err)) < 0) {
			fprintf(stderr, "tlsrpt: email: %s\n", err);
			return -1;
		}
		return 0;
	case F_JSON:
		/* A stream: a year's text need never be in memory at once. */
		if (report_daily_json_write(fp, model, JSON_C_TO_STRING_PRETTY |
		    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
			return -1;
		return fputc('\n', fp) == EOF ? -1 : 0;
	case F_CSV:
		return report_csv_write(fp, model);
	case F_PROMETHEUS:
		return report_prometheus_write(fp, model);
	case F_HTML:
		if (report_html_write(fp, model, err, sizeof(err)) < 0) {
			fprintf(stderr, "tlsrpt: html: %s\n", err);
			return -1;
		}
		return 0;
	default:
		return report_text_write(fp, model, color);
	}
}

/* The name of user UID, for messages; its number when it has none. */
static const char *
user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)uid);
	return buf;
}

/* "tlsrpt: report: cannot write PATH as user U: WHY", WHY being ERR (from
 * outfile.h, or strerror) less a leading "PATH: ". */
static void
write_error(const char *path, const char *err)
{
	size_t n = strlen(path);
	char user[64];

	if (strncmp(err, path, n) == 0 && strncmp(err + n, ": ", 2) == 0)
		err += n + 2;
	fprintf(stderr, "tlsrpt: report: cannot write %s as user %s: %s\n", path,
	    user_name(geteuid(), user, sizeof(user)), err);
}

/*
 * Become CFG's UserID, read the store and render into FP, flushed (with
 * CHECK, the one status line).  The exit status, after saying what
 * failed; PATH names FP in messages (NULL: standard output).
 */
static int
produce(const struct config *cfg, const struct report_options *ro,
    const struct report_check_limits *limits, int check, enum format format,
    int color, const struct report_email *em, FILE *fp, const char *path)
{
	struct json_object *model;
	struct store *st;
	char err[512];
	int rc;

	if (cli_become_user(cfg->user_id) < 0)
		return 1;
	if ((st = open_existing(cfg, &rc)) == NULL)
		return rc;
	model = report_model_build(st, ro, err, sizeof(err));
	store_close(st);
	if (model == NULL) {
		fprintf(stderr, "tlsrpt: report: %s\n", err);
		return 1;
	}
	if (check)
		rc = report_nagios(fp, model, limits);
	else {
		errno = 0;
		rc = render(fp, format, model, color, em) < 0 || fflush(fp) != 0 ? 1 : 0;
		if (rc != 0)
			write_error(path != NULL ? path : "standard output",
			    strerror(errno != 0 ? errno : EIO));
	}
	json_object_put(model);
	return rc;
}

/*
 * -o PATH through outfile.h (never half a file, never a device or FIFO
 * replaced, never a planted link written through), opened here as the
 * caller: root may write where the filter's user cannot.  A child then
 * becomes UserID, reads the store and writes into it, so the report's
 * content is handled by the unprivileged user only; the file is
 * committed (renamed, as the caller) only when the child succeeded.
 */
static int
produce_to_file(const struct config *cfg, const struct report_options *ro,
    enum format format, const struct report_email *em, const char *path)
{
	struct outfile *of;
	char err[512];
	pid_t pid;
	int status;

	if ((of = outfile_open(path, err, sizeof(err))) == NULL) {
		write_error(path, err);
		return 1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "tlsrpt: report: fork: %s\n", strerror(errno));
		outfile_abort(of);
		return 1;
	}
	if (pid == 0)
		_exit(produce(cfg, ro, NULL, 0, format, 0, em, outfile_stream(of), path));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		outfile_abort(of);
		return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) != 0 ?
		    WEXITSTATUS(status) : 1;
	}
	if (outfile_commit(of, err, sizeof(err)) < 0) {
		write_error(path, err);
		return 1;
	}
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	enum { O_SINCE = 256, O_UNTIL, O_DAYS, O_DOMAIN, O_FORMAT, O_UNVERIFIED,
	    O_SILENCE, O_CHECK, O_WARN, O_CRIT, O_SILENT_CRIT, O_COLOR, O_TO, O_FROM, O_GRAIN };
	static const struct option opts[] = {
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "days", required_argument, NULL, O_DAYS },
		{ "domain", required_argument, NULL, O_DOMAIN },
		{ "grain", required_argument, NULL, O_GRAIN },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "include-unverified", no_argument, NULL, O_UNVERIFIED },
		{ "silence-days", required_argument, NULL, O_SILENCE },
		{ "check", no_argument, NULL, O_CHECK },
		{ "warn-rate", required_argument, NULL, O_WARN },
		{ "crit-rate", required_argument, NULL, O_CRIT },
		{ "silent-critical", no_argument, NULL, O_SILENT_CRIT },
		{ "color", required_argument, NULL, O_COLOR },
		{ "to", required_argument, NULL, O_TO },
		{ "from", required_argument, NULL, O_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "text", "json", "csv", "prometheus", "html",
	    "email" };
	struct report_check_limits limits = { 0.01, 0.05, 1 };
	struct report_options ro;
	struct report_email em = { NULL, NULL, 0 };
	char from_buf[300], bad[300];
	const char *since_s = NULL, *until_s = NULL, *output = NULL, *color_s = "auto";
	enum format format = F_TEXT;
	struct config *cfg;
	int c, check = 0, color, rc, days = 0;
	size_t i;

	memset(&ro, 0, sizeof(ro));
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case O_SINCE: since_s = optarg; break;
		case O_UNTIL: until_s = optarg; break;
		case O_DAYS:
			days = atoi(optarg);
			if (days < 1 || days > 36500 || strspn(optarg, "0123456789") !=
			    strlen(optarg)) {
				fprintf(stderr, "tlsrpt: report: --days: a number of days, "
				    "got \"%s\"\n", optarg);
				return 2;
			}
			break;
		case O_DOMAIN: ro.domain = optarg; break;
		case O_GRAIN: {
			int g = report_grain_parse(optarg);

			if (g < 0) {
				fprintf(stderr, "tlsrpt: report: --grain: day, week, month or "
				    "auto\n");
				return 2;
			}
			ro.grain = (enum report_grain)g;
			break;
		}
		case 'o': output = optarg; break;
		case O_UNVERIFIED: ro.include_unverified = 1; break;
		case O_CHECK: check = 1; break;
		case O_SILENT_CRIT: limits.silent_is = 2; break;
		case O_COLOR: color_s = optarg; break;
		case O_TO: em.to = optarg; break;
		case O_FROM: em.from = optarg; break;
		case O_FORMAT:
			for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
				if (strcmp(optarg, formats[i]) == 0)
					break;
			if (i == sizeof(formats) / sizeof(formats[0])) {
				fprintf(stderr, "tlsrpt: report: unknown format \"%s\" "
				    "(text, json, csv, prometheus, html, email)\n", optarg);
				return 2;
			}
			format = (enum format)i;
			break;
		case O_SILENCE:
			ro.silence_days = atoi(optarg);
			if (ro.silence_days < 1 || ro.silence_days > 3650) {
				fprintf(stderr, "tlsrpt: report: --silence-days: 1 to 3650\n");
				return 2;
			}
			break;
		case O_WARN:
		case O_CRIT:
			if (parse_rate(optarg, c == O_WARN ? &limits.warn_rate :
			    &limits.crit_rate) < 0) {
				fprintf(stderr, "tlsrpt: report: %s: a rate from 0 to 1, "
				    "got \"%s\"\n", c == O_WARN ? "--warn-rate" : "--crit-rate",
				    optarg);
				return 2;
			}
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
		fprintf(stderr, "tlsrpt: report: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (strcmp(color_s, "auto") != 0 && strcmp(color_s, "always") != 0 &&
	    strcmp(color_s, "never") != 0) {
		fprintf(stderr, "tlsrpt: report: --color: auto, always or never\n");
		return 2;
	}
	if (format == F_EMAIL && !check) {
		if (em.to == NULL) {
			fprintf(stderr, "tlsrpt: report: --format email needs --to ADDR\n");
			return 2;
		}
		if (!mail_address_list_valid(em.to, bad, sizeof(bad))) {
			fprintf(stderr, "tlsrpt: report: --to: \"%s\" is not a bare address "
			    "(local@domain; several separated by commas)\n", bad);
			return 2;
		}
		if (em.from != NULL && !mail_address_valid(em.from)) {
			text_sanitize(bad, sizeof(bad), em.from);
			fprintf(stderr, "tlsrpt: report: --from: \"%s\" is not a bare "
			    "address (local@domain)\n", bad);
			return 2;
		}
	} else if (em.to != NULL || em.from != NULL) {
		fprintf(stderr, "tlsrpt: report: --to and --from go with --format email\n");
		return 2;
	}
	ro.generated = now();
	em.date = ro.generated;
	if (until_s != NULL) {
		if (report_parse_date(until_s, &ro.until) < 0) {
			fprintf(stderr, "tlsrpt: report: --until: not a date (YYYY-MM-DD): "
			    "\"%s\"\n", until_s);
			return 2;
		}
	} else
		ro.until = ro.generated - ro.generated % REPORT_DAY;
	ro.until += REPORT_DAY;
	if (since_s != NULL && days > 0) {
		fprintf(stderr, "tlsrpt: report: --since or --days, not both\n");
		return 2;
	}
	if (since_s != NULL) {
		if (report_parse_date(since_s, &ro.since) < 0) {
			fprintf(stderr, "tlsrpt: report: --since: not a date (YYYY-MM-DD): "
			    "\"%s\"\n", since_s);
			return 2;
		}
	} else
		ro.since = ro.until - (time_t)(days > 0 ? days : DEFAULT_DAYS) * REPORT_DAY;
	if (ro.since >= ro.until) {
		fprintf(stderr, "tlsrpt: report: --since is after --until\n");
		return 2;
	}

	if ((cfg = cli_load_config(cli_globals.config_path,
	    cli_globals.config_given)) == NULL)
		return 1;
	if (format == F_EMAIL && em.from == NULL) {
		if (cli_mail_from(cfg, from_buf, sizeof(from_buf)) < 0) {
			config_free(cfg);
			return 2;
		}
		em.from = from_buf;
	}
	if (output != NULL && !check)
		rc = produce_to_file(cfg, &ro, format, &em, output);
	else {
		const char *no_color = getenv("NO_COLOR");

		color = strcmp(color_s, "always") == 0 || (strcmp(color_s, "auto") == 0 &&
		    isatty(STDOUT_FILENO) && (no_color == NULL || *no_color == '\0'));
		rc = produce(cfg, &ro, &limits, check, format, color, &em, stdout, NULL);
	}
	config_free(cfg);
	return rc;
}
