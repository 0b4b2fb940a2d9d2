/*
 * cmd_digest.c - `tlsrpt digest`: one mail per DigestRecipients address,
 * about the domains its patterns match, handed to `sendmail -t -i`.
 *
 * The domains are those with reports in the period or in the history
 * read before it (a domain whose reporters fell silent still gets its
 * digest); a recipient none of whose patterns match one gets no mail.
 * Each digest's model is built with the recipient's domains as the
 * store's filter (store.h), so no other domain's data is ever read into
 * it.  A recipient with the pattern "*" gets the whole store.
 *
 * Exit 0 when every digest was sent (or written), 1 when one failed or
 * the store cannot be read, 2 on a usage error.
 */
#include "cli_config.h"
#include "cmd.h"
#include "mail_header.h"
#include "outfile.h"
#include "report_model.h"
#include "report_render.h"
#include "store.h"
#include "text_safe.h"

#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DIGEST_DAYS	7
/* Distinct policy domains read from the store, at most. */
#define MAX_DOMAINS	100000

struct recipient {
	char *addr;
	char **patterns;	/* into the config's lines */
	size_t n_patterns;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsrpt [-c FILE] [--db URI] digest [OPTIONS]\n"
	    "  --days N            the N days up to --until (default %d)\n"
	    "  --until DATE        last day, included (default today)\n"
	    "  --from ADDR         the sender (default DigestFrom, else tlsrpt@ the\n"
	    "                      host's fully qualified name)\n"
	    "  --include-unverified  count reports stored with RecordUnverified too\n"
	    "  --dry-run           say who would get which domains, send nothing\n"
	    "  -o, --output DIR    write each message to DIR/digest-N.eml instead\n"
	    "                      of running DigestSendmail\n"
	    "  -h, --help          this help\n"
	    "Recipients and their domains come from DigestRecipients lines.\n",
	    DIGEST_DAYS);
}

/* Does DOMAIN (lower case) match PATTERN: "*", "*.SUFFIX" (a proper
 * subdomain) or the domain itself? */
static int
pattern_match(const char *pattern, const char *domain)
{
	size_t pl, dl = strlen(domain);

	if (strcmp(pattern, "*") == 0)
		return 1;
	if (strncmp(pattern, "*.", 2) == 0) {
		pl = strlen(pattern + 1);	/* ".SUFFIX" */
		return dl > pl && strcasecmp(domain + dl - pl, pattern + 1) == 0;
	}
	return strcasecmp(pattern, domain) == 0;
}

static void
free_recipients(struct recipient *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].addr);
		free(r[i].patterns);
	}
	free(r);
}

/* Add PATTERN to ADDR's entry (made on first sight; addresses compared
 * without regard to case).  0 or -1 (out of memory). */
static int
add_rule(struct recipient **rs, size_t *n, char *pattern, const char *addr)
{
	struct recipient *r = NULL, *grown;
	char **pats;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp((*rs)[i].addr, addr) == 0)
			r = &(*rs)[i];
	if (r == NULL) {
		if ((grown = realloc(*rs, (*n + 1) * sizeof(*grown))) == NULL)
			return -1;
		*rs = grown;
		r = &grown[*n];
		memset(r, 0, sizeof(*r));
		if ((r->addr = strdup(addr)) == NULL)
			return -1;
		++*n;
	}
	if ((pats = realloc(r->patterns, (r->n_patterns + 1) * sizeof(*pats))) == NULL)
		return -1;
	r->patterns = pats;
	pats[r->n_patterns++] = pattern;
	return 0;
}

/* The DigestRecipients lines ("PATTERN ADDR,ADDR", as conf.c keeps them,
 * split in place) as one entry per address. */
static int
recipients(struct config *cfg, struct recipient **rs_r, size_t *n_r)
{
	char *line, *addrs, *addr, *save = NULL;
	size_t i;

	*rs_r = NULL;
	*n_r = 0;
	for (i = 0; i < cfg->n_digest_recipients; i++) {
		line = cfg->digest_recipients[i];
		if ((addrs = strchr(line, ' ')) == NULL)
			continue;
		*addrs++ = '\0';
		for (addr = strtok_r(addrs, ",", &save); addr != NULL;
		    addr = strtok_r(NULL, ",", &save))
			if (add_rule(rs_r, n_r, line, addr) < 0) {
				fprintf(stderr, "tlsrpt: digest: out of memory\n");
				return -1;
			}
	}
	return 0;
}

/* The distinct policy domains of the selected reports, lower-cased. */
struct domain_set {
	struct json_object *set;
	int full;
	int any;		/* a policy was seen, whatever its domain */
};

/* A name that can go into the store's comma-separated filter. */
static int
plain_domain(const char *s)
{
	if (*s == '\0' || strlen(s) > 253)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.", *s) == NULL)
			return 0;
	return 1;
}

static int
on_domain(void *ctx, const struct store_policy_row *row)
{
	struct domain_set *ds = ctx;
	char buf[256];
	size_t i;

	ds->any = 1;
	if (row->policy_domain == NULL || !plain_domain(row->policy_domain))
		return 0;
	for (i = 0; row->policy_domain[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)row->policy_domain[i]);
	buf[i] = '\0';
	if (json_object_object_get_ex(ds->set, buf, NULL))
		return 0;
	if (json_object_object_length(ds->set) >= MAX_DOMAINS) {
		ds->full = 1;
		return 0;
	}
	json_object_object_add(ds->set, buf, NULL);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * R's domains from DS, sorted and joined with "," into *LIST_R (malloc'd;
 * NULL for "every domain", when R has "*": then 1 when the store has
 * any); how many, or -1.
 */
static long
recipient_domains(const struct recipient *r, struct domain_set *ds, char **list_r)
{
	const char **names;
	size_t i, n = 0, len = 1;
	char *out;
	long count;

	*list_r = NULL;
	for (i = 0; i < r->n_patterns; i++)
		if (strcmp(r->patterns[i], "*") == 0)
			return ds->any;
	if ((names = calloc((size_t)json_object_object_length(ds->set) + 1,
	    sizeof(*names))) == NULL)
		return -1;
	json_object_object_foreach(ds->set, key, val) {
		(void)val;
		for (i = 0; i < r->n_patterns; i++)
			if (pattern_match(r->patterns[i], key)) {
				names[n++] = key;
				len += strlen(key) + 1;
				break;
			}
	}
	qsort(names, n, sizeof(*names), cmp_str);
	if ((out = malloc(len)) == NULL) {
		free(names);
		return -1;
	}
	*out = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, ",");
		strcat(out, names[i]);
	}
	count = (long)n;
	free(names);
	if (count == 0)
		free(out);
	else
		*list_r = out;
	return count;
}

/* MSG to PROG -t -i -f FROM; 0 when it exited 0. */
static int
send_mail(const char *prog, const char *from, const char *msg, size_t len)
{
	int fd[2], status;
	pid_t pid;
	FILE *fp;

	if (pipe(fd) < 0) {
		fprintf(stderr, "tlsrpt: digest: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "tlsrpt: digest: fork: %s\n", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		close(fd[1]);
		if (dup2(fd[0], STDIN_FILENO) < 0)
			_exit(127);
		close(fd[0]);
		execl(prog, prog, "-t", "-i", "-f", from, (char *)NULL);
		fprintf(stderr, "tlsrpt: digest: %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(fd[0]);
	/* A sendmail that exits early must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if ((fp = fdopen(fd[1], "w")) == NULL) {
		close(fd[1]);
		status = -1;
	} else {
		fwrite(msg, 1, len, fp);
		status = fclose(fp) != 0 ? -1 : 0;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status != 0) {
		if (status != -1 && WIFEXITED(status))
			fprintf(stderr, "tlsrpt: digest: %s exited %d\n", prog,
			    WEXITSTATUS(status));
		else
			fprintf(stderr, "tlsrpt: digest: %s failed\n", prog);
		return -1;
	}
	return 0;
}

/* DIR/digest-N.eml, through outfile.h. */
static int
write_file(const char *dir, size_t n, const char *msg, size_t len)
{
	char path[4096], err[600];
	struct outfile *of;

	snprintf(path, sizeof(path), "%s/digest-%zu.eml", dir, n);
	if ((of = outfile_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt: digest: %s\n", err);
		return -1;
	}
	if (fwrite(msg, 1, len, outfile_stream(of)) != len ||
	    fflush(outfile_stream(of)) != 0) {
		fprintf(stderr, "tlsrpt: digest: %s: %s\n", path, strerror(errno));
		outfile_abort(of);
		return -1;
	}
	if (outfile_commit(of, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt: digest: %s\n", err);
		return -1;
	}
	printf("%s\n", path);
	return 0;
}

struct run {
	struct config *cfg;
	struct store *st;
	struct report_options ro;
	const char *from;
	const char *dir;	/* -o DIR, or NULL */
	int dry_run;
	size_t written;
};

/* One recipient's digest: built, then sent, written or described. */
static int
one_digest(struct run *run, const struct recipient *r, struct domain_set *ds)
{
	struct report_email em = { run->from, r->addr, run->ro.generated };
	struct report_options ro = run->ro;
	struct json_object *model;
	char *list, *msg = NULL, err[512], subject[MAIL_HEADER_MAX];
	size_t len = 0;
	long n;
	FILE *fp;
	int rc = -1;

	if ((n = recipient_domains(r, ds, &list)) < 0) {
		fprintf(stderr, "tlsrpt: digest: out of memory\n");
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, "tlsrpt: digest: %s: no domain with reports, "
		    "nothing sent\n", r->addr);
		return 0;
	}
	ro.domain = list;
	if ((model = report_model_build(run->st, &ro, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt: digest: %s\n", err);
		free(list);
		return -1;
	}
	if (run->dry_run) {
		report_email_subject(model, subject, sizeof(subject));
		printf("%s: %s: ", r->addr, list != NULL ? list : "*");
		text_fputs(stdout, subject);
		putchar('\n');
		rc = 0;
		goto done;
	}
	if ((fp = open_memstream(&msg, &len)) == NULL) {
		fprintf(stderr, "tlsrpt: digest: out of memory\n");
		goto done;
	}
	rc = report_email_write(fp, model, &em, err, sizeof(err));
	fclose(fp);
	if (rc < 0) {
		fprintf(stderr, "tlsrpt: digest: %s: %s\n", r->addr, err);
		goto done;
	}
	if (run->dir != NULL)
		rc = write_file(run->dir, ++run->written, msg, len);
	else
		rc = send_mail(run->cfg->digest_sendmail, run->from, msg, len);
done:
	free(msg);
	free(list);
	json_object_put(model);
	return rc;
}

/* The domains with reports in the period or its history. */
static int
read_domains(struct run *run, struct domain_set *ds)
{
	struct store_visitor v = { ds, NULL, on_domain, NULL, 0 };
	struct store_filter f;
	char err[512];

	memset(&f, 0, sizeof(f));
	f.since = run->ro.since - (time_t)REPORT_HISTORY_DAYS * REPORT_DAY;
	f.until = run->ro.until;
	f.include_unverified = run->ro.include_unverified;
	if (store_query(run->st, &f, &v, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt: digest: %s\n", err);
		return -1;
	}
	if (ds->full)
		fprintf(stderr, "tlsrpt: digest: more than %d domains; the rest "
		    "are left out\n", MAX_DOMAINS);
	return 0;
}

static int
run_digests(struct run *run, struct recipient *rs, size_t n_rs)
{
	struct store_options so = { .password_file =
	    run->cfg->database_password_file[0] != '\0' ?
	    run->cfg->database_password_file : NULL, .must_exist = 1 };
	struct domain_set ds = { json_object_new_object(), 0, 0 };
	char err[600];
	size_t i;
	int rc = 0;

	if (cli_become_user(run->cfg->user_id) < 0)
		return 1;
	if ((run->st = store_open_with(run->cfg->database, &so, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt: digest: Database: %s\n", err);
		json_object_put(ds.set);
		return 1;
	}
	if (read_domains(run, &ds) < 0)
		rc = 1;
	/* One recipient's failure does not keep the others from theirs. */
	for (i = 0; run->st != NULL && rc != 1 && i < n_rs; i++)
		if (one_digest(run, &rs[i], &ds) < 0)
			rc = 3;
	if (rc == 3)
		rc = 1;
	store_close(run->st);
	json_object_put(ds.set);
	return rc;
}

int
cmd_digest(int argc, char **argv)
{
	enum { O_DAYS = 256, O_UNTIL, O_FROM, O_UNVERIFIED, O_DRY };
	static const struct option opts[] = {
		{ "days", required_argument, NULL, O_DAYS },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "from", required_argument, NULL, O_FROM },
		{ "include-unverified", no_argument, NULL, O_UNVERIFIED },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run run;
	struct recipient *rs = NULL;
	size_t n_rs = 0;
	const char *until_s = NULL, *from = NULL, *env;
	char from_buf[300], bad[300];
	int c, days = DIGEST_DAYS, rc;

	memset(&run, 0, sizeof(run));
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case O_DAYS:
			days = atoi(optarg);
			if (days < 1 || days > 36500 ||
			    strspn(optarg, "0123456789") != strlen(optarg)) {
				fprintf(stderr, "tlsrpt: digest: --days: a number of days, "
				    "got \"%s\"\n", optarg);
				return 2;
			}
			break;
		case O_UNTIL: until_s = optarg; break;
		case O_FROM: from = optarg; break;
		case O_UNVERIFIED: run.ro.include_unverified = 1; break;
		case O_DRY: run.dry_run = 1; break;
		case 'o': run.dir = optarg; break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "tlsrpt: digest: unexpected argument \"%s\"\n", argv[optind]);
		return 2;
	}
	if (run.dry_run && run.dir != NULL) {
		fprintf(stderr, "tlsrpt: digest: --dry-run or -o, not both\n");
		return 2;
	}
	if (from != NULL && !mail_address_valid(from)) {
		text_sanitize(bad, sizeof(bad), from);
		fprintf(stderr, "tlsrpt: digest: --from: \"%s\" is not a bare address "
		    "(local@domain)\n", bad);
		return 2;
	}
	env = getenv("SOURCE_DATE_EPOCH");
	run.ro.generated = env != NULL && *env != '\0' ? (time_t)strtoll(env, NULL, 10) :
	    time(NULL);
	if (until_s != NULL) {
		if (report_parse_date(until_s, &run.ro.until) < 0) {
			fprintf(stderr, "tlsrpt: digest: --until: not a date (YYYY-MM-DD): "
			    "\"%s\"\n", until_s);
			return 2;
		}
	} else
		run.ro.until = run.ro.generated - run.ro.generated % REPORT_DAY;
	run.ro.until += REPORT_DAY;
	run.ro.since = run.ro.until - (time_t)days * REPORT_DAY;

	if ((run.cfg = cli_load_config(cli_globals.config_path,
	    cli_globals.config_given)) == NULL)
		return 1;
	if (run.cfg->n_digest_recipients == 0) {
		fprintf(stderr, "tlsrpt: digest: no DigestRecipients in %s\n",
		    cli_globals.config_path);
		config_free(run.cfg);
		return 2;
	}
	if (from == NULL) {
		if (cli_mail_from(run.cfg, from_buf, sizeof(from_buf)) < 0) {
			config_free(run.cfg);
			return 2;
		}
		from = from_buf;
	}
	run.from = from;
	if (recipients(run.cfg, &rs, &n_rs) < 0)
		rc = 1;
	else
		rc = run_digests(&run, rs, n_rs);
	free_recipients(rs, n_rs);
	config_free(run.cfg);
	return rc;
}
