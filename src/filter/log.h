/*
 * log.h - the daemon's logging: syslog, or stderr in the foreground.
 *
 * log_warn() appends strerror(errno), log_warnx() does not (OpenSMTPD's
 * convention).  Per-message lines go through log_msg(), which puts the
 * MTA queue id first ("4XyZ1: ...") so a grep for the id finds every line
 * of a message.  fatal() is for start-up only: nothing on the
 * per-message path may exit.  A formatted message and its queue id go
 * through text_sanitize() (text_safe.h): a CR/LF in a report-id is logged
 * as "\x0d\x0a", an ESC or C1 control as an escape too, so no string from
 * a report can start a line of its own or steer a terminal.  Lines are
 * cut at 2 KiB.  Thread-safe (syslog(3) and one fprintf).
 */
#ifndef TLSRPT_LOG_H
#define TLSRPT_LOG_H

#include <syslog.h>

/* FOREGROUND: log to stderr instead of syslog. */
void log_init(const char *ident, int foreground, int facility);
void log_set_level(int level);		/* LOG_ERR .. LOG_DEBUG */

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Per message: PRIORITY, queue id QID (NULL prints "NOQUEUE"). */
void log_msg(int priority, const char *qid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
