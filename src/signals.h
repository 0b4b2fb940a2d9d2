/*
 * signals.h - SIGHUP reloads the configuration; SIGTERM/SIGINT stop.
 *
 * libmilter runs its own signal thread, which treats SIGHUP like SIGTERM
 * and stops the filter.  signals.c therefore provides the process's
 * sigwait(): libmilter's call lands there and waits for SIGTERM and
 * SIGINT only, while SIGHUP goes to a thread of ours that calls the
 * reload function.  Call signals_start() before smfi_main(), from the
 * main thread, before any other thread exists.
 */
#ifndef TLSRPT_SIGNALS_H
#define TLSRPT_SIGNALS_H

/* Block SIGHUP/SIGTERM/SIGINT everywhere and start the SIGHUP thread. */
int signals_start(void (*reload)(void));

#endif
