/*
 * signals.h - SIGHUP reloads the configuration; SIGTERM/SIGINT stop.
 *
 * libmilter runs its own signal thread, which treats SIGHUP like SIGTERM,
 * and on either stops its worker pool at once: messages in flight are cut
 * off.  signals.c therefore provides the process's sigwait(): libmilter's
 * call lands there and never sees these three signals, which go to a
 * thread of ours instead: SIGHUP calls RELOAD; SIGTERM and SIGINT call
 * STOP, which lets the messages in flight finish and then calls
 * smfi_stop().  Call signals_start() before smfi_main(), from the main
 * thread, before any other thread exists.
 */
#ifndef TLSRPT_SIGNALS_H
#define TLSRPT_SIGNALS_H

/* Block SIGHUP/SIGTERM/SIGINT everywhere and start the signal thread. */
int signals_start(void (*reload)(void), void (*stop)(int sig));

#endif
