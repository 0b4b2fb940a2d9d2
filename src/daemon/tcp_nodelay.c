/*
 * tcp_nodelay.c - TCP_NODELAY on libmilter's listening socket; see
 * tcp_nodelay.h.
 */
#include "tcp_nodelay.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

/* Descriptors are scanned up to here: the listener is opened early. */
#define SCAN_LIMIT	1024

static int
is_tcp_listener(int fd)
{
	int v, domain, type;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0 || !v)
		return 0;
	len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    (domain != AF_INET && domain != AF_INET6))
		return 0;
	len = sizeof(type);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM;
}

int
tcp_nodelay_listeners(void)
{
	struct rlimit rl;
	int fd, max = SCAN_LIMIT, one = 1, n = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (fd = 0; fd < max; fd++) {
		if (!is_tcp_listener(fd))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
			return -1;
		n++;
	}
	return n;
}
