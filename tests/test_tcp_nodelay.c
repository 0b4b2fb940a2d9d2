/*
 * test_tcp_nodelay.c - tcp_nodelay_listeners() sets TCP_NODELAY on a
 * listening TCP socket and on nothing else, and a connection accepted
 * from it has the option too (the daemon relies on Linux handing it on,
 * since libmilter's accepted sockets are out of our reach).
 */
#include "testlib.h"
#include "tcp_nodelay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
nodelay(int fd)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) < 0)
		return -1;
	return v != 0;
}

int
main(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int lfd, idle, ufd, cfd, afd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	idle = socket(AF_INET, SOCK_STREAM, 0);		/* TCP, not listening */
	ufd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (!CHECK(lfd >= 0 && idle >= 0 && ufd >= 0) ||
	    !CHECK(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0) ||
	    !CHECK(listen(lfd, 4) == 0) ||
	    !CHECK(getsockname(lfd, (struct sockaddr *)&sin, &len) == 0))
		return test_summary("test_tcp_nodelay");
	{
		struct sockaddr_un sun;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;	/* abstract: nothing on disk */
		snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "tlsrpt-test-%d", (int)getpid());
		CHECK(bind(ufd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
		CHECK(listen(ufd, 4) == 0);
	}
	CHECK_INT(nodelay(lfd), 0);
	CHECK_INT(tcp_nodelay_listeners(), 1);		/* the TCP listener only */
	CHECK_INT(nodelay(lfd), 1);
	CHECK_INT(nodelay(idle), 0);

	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (CHECK(cfd >= 0) &&
	    CHECK(connect(cfd, (struct sockaddr *)&sin, sizeof(sin)) == 0) &&
	    CHECK((afd = accept(lfd, NULL, NULL)) >= 0)) {
		CHECKF(nodelay(afd) == 1, "an accepted connection inherits TCP_NODELAY");
		CHECK_INT(nodelay(cfd), 0);	/* the client side is not ours */
		close(afd);
	}
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	close(idle);
	close(ufd);
	CHECK_INT(tcp_nodelay_listeners(), 0);		/* none left */
	return test_summary("test_tcp_nodelay");
}
