/*
 * log.c - syslog or stderr; see log.h.
 */
#include "log.h"
#include "text_safe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int to_stderr = 1;
static volatile int max_level = LOG_INFO;	/* swapped on SIGHUP */
static const char *log_ident = "tlsrpt-milter";

void
log_init(const char *ident, int foreground, int facility)
{
	log_ident = ident;
	to_stderr = foreground;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void
log_set_level(int level)
{
	max_level = level;
}

/* The format attribute lets clang's -Wformat-nonliteral see FMT's origin. */
static void vlog(int, const char *, const char *, va_list, int)
    __attribute__((format(printf, 3, 0)));

static void
vlog(int priority, const char *prefix, const char *fmt, va_list ap, int with_errno)
{
	char raw[2048], msg[2048], qid[128];
	int saved = errno, n;

	if (priority > max_level)
		return;
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - (size_t)n, ": %s", strerror(saved));
	/* Report strings reach the log (report-id, organization-name): a
	 * JSON "\r\n" in one must not start a forged line of its own, nor
	 * an ESC or a C1 CSI drive the terminal of whoever reads the log. */
	text_sanitize(msg, sizeof(msg), raw);
	if (prefix != NULL) {
		text_sanitize(qid, sizeof(qid), prefix);
		prefix = qid;
	}
	if (to_stderr)
		fprintf(stderr, "%s: %s%s%s\n", log_ident, prefix ? prefix : "",
		    prefix ? ": " : "", msg);
	else if (prefix != NULL)
		syslog(priority, "%s: %s", prefix, msg);
	else
		syslog(priority, "%s", msg);
	errno = saved;
}

#define DEFINE_LOG(fn, prio, errflag)			\
void							\
fn(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	vlog(prio, NULL, fmt, ap, errflag);		\
	va_end(ap);					\
}

DEFINE_LOG(log_warn, LOG_WARNING, 1)
DEFINE_LOG(log_warnx, LOG_WARNING, 0)
DEFINE_LOG(log_notice, LOG_NOTICE, 0)
DEFINE_LOG(log_info, LOG_INFO, 0)
DEFINE_LOG(log_debug, LOG_DEBUG, 0)

void
log_msg(int priority, const char *qid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(priority, qid != NULL ? qid : "NOQUEUE", fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, NULL, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, NULL, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
