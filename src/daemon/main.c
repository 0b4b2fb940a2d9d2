/*
 * main.c - the daemon: options, configuration, socket,
 * privileges, then libmilter's main loop.
 *
 * Start-up errors are fatal and say why; after start-up nothing exits
 * until SIGTERM/SIGINT, which stop taking connections and let the
 * messages in flight finish.  SIGHUP reloads the configuration for new
 * connections (signals.h, runtime.h).  While the store cannot be written,
 * reports wait in SpoolDirectory; a thread stores them later (replay.h).
 */
#include "conf.h"
#include "log.h"
#include "milter.h"
#include "replay.h"
#include "runtime.h"
#include "signals.h"
#include "store.h"
#include "tcp_nodelay.h"
#include "tlsrpt.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
/*
 * SIGTERM waits for the messages in flight at most DKIMTimeout (by then
 * every DKIM check has ended) plus this, for the MTA to send the rest
 * and take the replies; then it stops regardless.
 */
#define DRAIN_MARGIN_SECONDS	10
/*
 * libmilter's packet limit.  Its default, 64 KiB, drops the connection on
 * a longer header field, with nothing deleted; Postfix's header_size_limit
 * is 100 KiB (102400) by default, and 1 MiB is libmilter's largest.
 */
#define MILTER_DATA_MAX		((1024 * 1024) - 1)

static const char *config_path = SYSCONFDIR "/tlsrpt-milter.conf";
static int config_path_given;
static const char *socket_override;

static void
usage(void)
{
	fprintf(stderr, "usage: tlsrpt-milter [-c FILE] [-p SOCKET] [-f] [-n] [-V]\n"
	    "  -c FILE    configuration file (default %s)\n"
	    "  -p SOCKET  socket: unix:/path, inet:port@host, inet6:port@host\n"
	    "  -f         stay in the foreground and log to standard error\n"
	    "  -n         check the configuration, print it, and exit\n"
	    "  -V         print the version and exit\n", SYSCONFDIR "/tlsrpt-milter.conf");
	exit(2);
}

static struct config *
load_config(char *errbuf, size_t errlen)
{
	struct config *cfg;
	char *copy;

	/* Without -c, a missing default file means "all defaults". */
	if (!config_path_given && access(config_path, F_OK) != 0)
		cfg = config_defaults(errbuf, errlen);
	else
		cfg = config_load(config_path, errbuf, errlen);
	if (cfg != NULL && socket_override != NULL) {
		if ((copy = strdup(socket_override)) == NULL) {
			config_free(cfg);
			snprintf(errbuf, errlen, "out of memory");
			return NULL;
		}
		free(cfg->socket);
		cfg->socket = copy;
	}
	return cfg;
}

static void
reload(void)
{
	struct runtime *rt, *old;
	struct config *cfg;
	char err[512];

	log_notice("SIGHUP: reloading %s", config_path);
	if ((cfg = load_config(err, sizeof(err))) == NULL ||
	    (rt = runtime_new(cfg, err, sizeof(err))) == NULL) {
		log_warnx("reload failed, keeping the running configuration: %s", err);
		return;
	}
	old = runtime_acquire();
	if (old != NULL && (strcmp(old->cfg->socket, rt->cfg->socket) != 0 ||
	    strcmp(old->cfg->user_id, rt->cfg->user_id) != 0 ||
	    old->cfg->milter_timeout != rt->cfg->milter_timeout))
		log_warnx("Socket, UserID and MilterTimeout changes take effect only at restart");
	runtime_release(old);
	log_set_level(rt->cfg->log_level);
	runtime_install(rt);
	log_notice("configuration reloaded; connections in flight keep the old one");
}

/*
 * SIGTERM/SIGINT: let the messages under way finish (new ones are still
 * served meanwhile: refusing them would only hand them to the MTA's
 * default_action) for a bounded grace, then stop libmilter.  A message
 * still unfinished then is abandoned: the process exits under it (a
 * libmilter worker would otherwise keep it alive).  Runs in the signal
 * thread.
 */
static void
stop(int sig)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	struct runtime *rt = runtime_acquire();
	unsigned n, waited, grace = DRAIN_MARGIN_SECONDS;
	char pid_file[1024] = "";

	if (rt != NULL) {
		grace += rt->cfg->dkim_timeout;
		snprintf(pid_file, sizeof(pid_file), "%s", rt->cfg->pid_file);
	}
	runtime_release(rt);
	n = milter_messages_in_flight();
	log_notice("%s: stopping; %u message%s in flight, waiting up to %u s",
	    sig == SIGINT ? "SIGINT" : "SIGTERM", n, n == 1 ? "" : "s", grace);
	for (waited = 0; (n = milter_messages_in_flight()) > 0 &&
	    waited < grace * 10; waited++)
		nanosleep(&tick, NULL);
	replay_stop();
	if (n > 0) {
		log_warnx("stopping after %u s with %u message%s unfinished: "
		    "abandoned; the MTA's default_action applies to %s", grace, n,
		    n == 1 ? "" : "s", n == 1 ? "it" : "them");
		if (pid_file[0] != '\0')
			unlink(pid_file);
		_exit(0);
	}
	smfi_stop();
}

/* "unix:/path" or "local:/path" or "/path": the path, else NULL. */
static const char *
unix_socket_path(const char *sock)
{
	if (strncmp(sock, "unix:", 5) == 0)
		return sock + 5;
	if (strncmp(sock, "local:", 6) == 0)
		return sock + 6;
	return sock[0] == '/' ? sock : NULL;
}

static void
lookup_user(const char *spec, uid_t *uid, gid_t *gid, char *name, size_t size)
{
	char user[128], *colon;
	struct passwd *pw;
	struct group *gr;

	snprintf(user, sizeof(user), "%s", spec);
	if ((colon = strchr(user, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL)
		fatalx("UserID: no such user \"%s\"", user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon)) == NULL)
			fatalx("UserID: no such group \"%s\"", colon);
		*gid = gr->gr_gid;
	}
	snprintf(name, size, "%s", user);
}

/*
 * Started without root (systemd's User=), the filter can only already be
 * UserID; then there is nothing to drop.  So one configuration serves the
 * service and the tlsrpt command run as root, which switches to UserID.
 */
static void
drop_privileges(const char *name, uid_t uid, gid_t gid)
{
	if (geteuid() != 0)
		return;		/* checked in main: already UserID */
	if (initgroups(name, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		fatal("cannot become user %s", name);
	if (setuid(0) == 0 && uid != 0)
		fatalx("privileges not dropped: setuid(0) still works");
}

static void
daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		fatal("setsid");
	if (chdir("/") != 0)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

/*
 * SpoolDirectory: created (mode 0750, owned by the filter's user) while
 * still privileged; whether that user may write it is checked later.
 */
static void
make_spool(const char *dir, int chown_it, uid_t uid, gid_t gid)
{
	struct stat sb;

	if (dir[0] == '\0') {
		log_warnx("SpoolDirectory is empty: reports are lost while the "
		    "store cannot be written");
		return;
	}
	if (mkdir(dir, 0750) == 0) {
		if (chown_it && chown(dir, uid, gid) != 0)
			fatal("SpoolDirectory %s: chown", dir);
		log_info("created SpoolDirectory %s", dir);
	} else if (errno != EEXIST)
		fatal("SpoolDirectory %s: cannot create it", dir);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		fatalx("SpoolDirectory %s: not a directory", dir);
}

/* TLSRPT_REPLAY_INTERVAL (seconds; for tests), else the default. */
static unsigned
replay_interval(void)
{
	const char *s = getenv("TLSRPT_REPLAY_INTERVAL");
	char *end;
	long v;

	if (s == NULL || s[0] == '\0')
		return REPLAY_INTERVAL_DEFAULT;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 86400) {
		log_warnx("TLSRPT_REPLAY_INTERVAL=%s: not 1..86400 seconds; "
		    "using %d", s, REPLAY_INTERVAL_DEFAULT);
		return REPLAY_INTERVAL_DEFAULT;
	}
	return (unsigned)v;
}

static void
write_pidfile(const char *path)
{
	FILE *fp;

	if (path[0] == '\0')
		return;
	if ((fp = fopen(path, "w")) == NULL)
		fatal("PidFile %s", path);
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) != 0)
		fatal("PidFile %s", path);
}

int
main(int argc, char **argv)
{
	struct runtime *rt;
	struct config *cfg;
	struct store *st;
	char err[512], user[128];
	const char *sock_path;
	uid_t uid = 0;
	gid_t gid = 0;
	int ch, foreground = 0, check_only = 0;

	while ((ch = getopt(argc, argv, "c:p:fnVh")) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			config_path_given = 1;
			break;
		case 'p':
			socket_override = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check_only = 1;
			break;
		case 'V':
			printf("tlsrpt-milter %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init("tlsrpt-milter", 1, LOG_MAIL);
	if ((cfg = load_config(err, sizeof(err))) == NULL)
		fatalx("%s", err);
	tlsrpt_library_init();
	if (check_only) {
		if ((rt = runtime_new(cfg, err, sizeof(err))) == NULL)
			fatalx("%s", err);
		config_print(rt->cfg, stdout);
		fflush(stdout);
		fprintf(stderr, "tlsrpt-milter: %s: configuration OK\n",
		    config_path_given || access(config_path, F_OK) == 0 ?
		    config_path : "(built-in defaults)");
		runtime_install(rt);
		return 0;
	}
	log_init("tlsrpt-milter", foreground, cfg->syslog_facility);
	log_set_level(cfg->log_level);
	if ((rt = runtime_new(cfg, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	/* Main's own reference: the start-up runtime (socket, pid file) stays
	 * valid however often SIGHUP replaces the current one. */
	runtime_install(rt);
	rt = runtime_acquire();
	cfg = rt->cfg;
	if (cfg->user_id[0] != '\0') {
		lookup_user(cfg->user_id, &uid, &gid, user, sizeof(user));
		if (geteuid() != 0 && (geteuid() != uid || getuid() != uid))
			fatalx("UserID %s: started as another user, not root: "
			    "cannot become it", user);
	}

	/* The socket is made before privileges go, owned by the filter's user. */
	umask(0007);
	if (smfi_setconn(cfg->socket) != MI_SUCCESS)
		fatalx("Socket %s: not usable", cfg->socket);
	if (milter_register("tlsrpt-milter") < 0)
		fatalx("smfi_register failed");
	/* Only before smfi_main(): a reload cannot change it. */
	(void)smfi_settimeout((int)cfg->milter_timeout);
	(void)smfi_setmaxdatasize(MILTER_DATA_MAX);
	if (smfi_opensocket(1) != MI_SUCCESS)
		fatalx("Socket %s: cannot open (is another filter running? "
		    "does the directory exist?)", cfg->socket);
	if (strncmp(cfg->socket, "inet", 4) == 0 && tcp_nodelay_listeners() != 1)
		log_warnx("Socket %s: TCP_NODELAY not set; each report may wait "
		    "40 ms for the MTA's delayed ACK", cfg->socket);
	if ((sock_path = unix_socket_path(cfg->socket)) != NULL &&
	    cfg->user_id[0] != '\0' && chown(sock_path, uid, gid) != 0)
		fatal("chown %s", sock_path);

	if (!foreground)
		daemonize();
	write_pidfile(cfg->pid_file);
	make_spool(cfg->spool_directory, cfg->user_id[0] != '\0', uid, gid);
	if (cfg->user_id[0] != '\0')
		drop_privileges(user, uid, gid);
	else if (geteuid() == 0)
		log_warnx("running as root: set UserID");

	if (cfg->spool_directory[0] != '\0' &&
	    access(cfg->spool_directory, W_OK | X_OK) != 0)
		fatal("SpoolDirectory %s: not writable by the filter's user",
		    cfg->spool_directory);
	/*
	 * Create or migrate the store now, as the user that will write it.
	 * A store that is down when the filter (re)starts is the outage the
	 * spool is for: start, and let reports wait there, rather than leave
	 * mail untagged and forged tags in place until someone notices.
	 */
	if ((st = config_store_open(cfg, err, sizeof(err))) != NULL)
		store_close(st);
	else if (cfg->spool_directory[0] != '\0')
		log_warnx("Database: %s; starting anyway: reports wait in %s "
		    "until it can be written", err, cfg->spool_directory);
	else
		fatalx("Database: %s", err);

	if (signals_start(reload, stop) < 0)
		fatal("signal setup");
	if (cfg->spool_directory[0] != '\0' && replay_start(replay_interval()) < 0)
		fatal("spool replay thread");
	log_notice("starting: socket %s, database %s, AuthMode %s, spool %s",
	    cfg->socket, cfg->database, cfg->auth_mode == AUTH_MODE_AUTHRES ?
	    "authres" : "dkim", cfg->spool_directory[0] != '\0' ?
	    cfg->spool_directory : "(none)");
	if (smfi_main() != MI_SUCCESS)
		log_warnx("smfi_main ended with an error");
	replay_stop();
	if (cfg->pid_file[0] != '\0')
		unlink(cfg->pid_file);
	runtime_release(rt);
	log_notice("stopped");
	return 0;
}
