/*
 * tcp_nodelay.h - TCP_NODELAY on libmilter's listening socket.
 *
 * A verdict is several small packets in a row (change header, add header,
 * continue) that the MTA does not answer one by one.  With Nagle's
 * algorithm the second waits for the MTA's ACK of the first, which the
 * MTA's kernel delays (40 ms on Linux): every report over an inet socket
 * took that long.  libmilter neither sets TCP_NODELAY nor shows its
 * sockets, so the listener is found among our descriptors (a listening
 * TCP socket, before any other is opened) and the option set there;
 * Linux hands it on to every accepted connection.
 */
#ifndef TLSRPT_TCP_NODELAY_H
#define TLSRPT_TCP_NODELAY_H

/* Set TCP_NODELAY on each listening TCP socket; how many, -1 on error. */
int tcp_nodelay_listeners(void);

#endif
