/*
 * cmd_spool.c - `tlsrpt spool replay [-c CONFIG]`: store by hand the
 * reports that wait in SpoolDirectory (spool.h), as the daemon's replay
 * thread does every 30 seconds.
 *
 * Started as root with a UserID in the configuration, it becomes that
 * user first, so the database and the spool keep the owner the daemon
 * needs.  Exits 0 when the spool is empty afterwards, 1 when files remain
 * (the store still down) or on an error, 2 on a usage error.
 */
#include "cli_config.h"
#include "cmd.h"
#include "runtime.h"
#include "conf.h"
#include "spool.h"
#include "store.h"
#include "tlsrpt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: tlsrpt spool replay [-c CONFIG]   (default %s)\n",
	    CLI_DEFAULT_CONFIG);
}

static void
bad_file(void *arg, const char *name, const char *why)
{
	const char *dir = arg;

	fprintf(stderr, "tlsrpt: spool %s: %s moved to %s/bad/: %s\n", dir, name,
	    dir, why);
}

static int
replay(const struct config *cfg)
{
	const char *dir = cfg->spool_directory;
	struct spool_replay_opts opt;
	struct spool_counts c;
	struct tlsrpt_limits lim;
	struct store *st;
	char err[512];
	long waiting;
	int rc;

	if (dir[0] == '\0') {
		fprintf(stderr, "tlsrpt: no SpoolDirectory set\n");
		return 1;
	}
	if ((waiting = spool_pending(dir, err, sizeof(err))) < 0) {
		fprintf(stderr, "tlsrpt: %s\n", err);
		return 1;
	}
	if (waiting == 0) {
		printf("spool %s: empty\n", dir);
		return 0;
	}
	if ((st = cli_store_open(cfg)) == NULL) {
		printf("spool %s: 0 files replayed; %ld left\n", dir, waiting);
		return 1;
	}
	tlsrpt_limits_default(&lim);
	lim.max_message_bytes = cfg->max_message_size;
	lim.max_inflated_bytes = cfg->max_inflated_size;
	memset(&opt, 0, sizeof(opt));
	opt.lim = &lim;
	opt.bad_file = bad_file;
	opt.arg = (void *)dir;
	rc = spool_replay(dir, st, &opt, &c, err, sizeof(err));
	store_close(st);
	if (rc < 0)
		fprintf(stderr, "tlsrpt: %s\n", err);
	printf("spool %s: %u file%s replayed: %u report%s stored, %u duplicate%s, "
	    "%u moved to bad/; %u left\n", dir, c.files, c.files == 1 ? "" : "s",
	    c.stored, c.stored == 1 ? "" : "s", c.duplicates,
	    c.duplicates == 1 ? "" : "s", c.bad, c.left);
	return rc == 0 && c.left == 0 ? 0 : 1;
}

int
cmd_spool(int argc, char **argv)
{
	struct config *cfg;
	int rc;

	if ((rc = cli_verb_setup(argc, argv, "replay", usage, &cfg)) >= 0)
		return rc;
	tlsrpt_library_init();
	rc = replay(cfg);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "tlsrpt: standard output: %s\n", strerror(errno));
		rc = 1;
	}
	tlsrpt_library_shutdown();
	config_free(cfg);
	return rc;
}
