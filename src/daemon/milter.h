/*
 * milter.h - the libmilter callbacks of tlsrpt-milter.
 *
 * milter_register() hands libmilter the filter description; the callbacks
 * take the runtime in force when each connection starts (runtime.h).
 * milter_messages_in_flight() counts messages under way, so a shutdown
 * can let them finish (an idle SMTP session may hold its milter
 * connection for minutes: connections are not what to wait for).
 */
#ifndef TLSRPT_MILTER_H
#define TLSRPT_MILTER_H

/* 0 on success; -1 when smfi_register refused. */
int milter_register(const char *name);

/* Messages between their first header and their end, right now. */
unsigned milter_messages_in_flight(void);

#endif
