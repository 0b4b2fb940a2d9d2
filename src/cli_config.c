/*
 * cli_config.c - configuration and user for `tlsrpt` subcommands; see
 * cli_config.h.
 */
#include "cli_config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct config *
cli_load_config(const char *path, int given)
{
	struct config *cfg;
	char err[512];

	/* As the daemon: without -c, a missing default file means defaults. */
	if (!given && access(path, F_OK) != 0)
		cfg = config_defaults(err, sizeof(err));
	else
		cfg = config_load(path, err, sizeof(err));
	if (cfg == NULL)
		fprintf(stderr, "tlsrpt: %s\n", err);
	return cfg;
}

int
cli_become_user(const char *spec)
{
	char user[128], *colon;
	struct passwd *pw;
	struct group *gr;
	gid_t gid;

	if (spec[0] == '\0' || geteuid() != 0)
		return 0;
	snprintf(user, sizeof(user), "%s", spec);
	if ((colon = strchr(user, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		fprintf(stderr, "tlsrpt: UserID: no such user \"%s\"\n", user);
		return -1;
	}
	gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon)) == NULL) {
			fprintf(stderr, "tlsrpt: UserID: no such group \"%s\"\n", colon);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (initgroups(user, gid) != 0 || setgid(gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "tlsrpt: cannot become user %s: %s\n", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

