/*
 * milter.h - the libmilter callbacks of tlsrpt-milter.
 *
 * milter_register() hands libmilter the filter description; the callbacks
 * take the runtime in force when each connection starts (runtime.h).
 * milter_active() counts connections in flight, so shutdown can wait for
 * them.
 */
#ifndef TLSRPT_MILTER_H
#define TLSRPT_MILTER_H

/* 0 on success; -1 when smfi_register refused. */
int milter_register(const char *name);

/* Connections open right now. */
unsigned milter_active(void);

#endif
