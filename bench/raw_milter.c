/*
 * raw_milter.c - the floor without libmilter: the milter protocol spoken
 * directly, by one thread polling every connection.  It negotiates exactly
 * like bench/null_milter (and so like tlsrpt-milter), receives every header
 * and accepts at end-of-headers, nothing more.  The Postfix benchmark runs
 * it beside null_milter: what null costs beyond raw is libmilter's (its
 * worker pool hands each command between threads); what raw costs beyond
 * no filter at all is the MTA's side of the protocol.
 *
 * Protocol (Sendmail 8.14 milter, version 6, as libmilter and Postfix's
 * milter8.c speak it): every packet is a 4-byte big-endian length, then a
 * command byte and length - 1 bytes of data.  Packets longer than 64 KiB
 * (libmilter's default limit), unknown commands, data too short for the
 * command, or any command before option negotiation drop the connection.
 * No message content is interpreted.
 *
 * Usage: raw_milter unix:/path | local:/path | inet:port[@host]
 * On SIGTERM/SIGINT it prints connection, message and drop counts to
 * stderr and exits 0.
 */
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONNS	1024
#define MAX_PACKET	65536		/* length field: command byte + data */
#define IN_START	4096
#define OUT_SIZE	256		/* replies are at most 17 bytes */

/* What null_milter asks for (its unix-socket set; over TCP it answers
 * DATA and each header, so NODATA and NR_HDR are left out there). */
#define WANT_PROTO	(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | \
			 SMFIP_NOUNKNOWN | SMFIP_SKIP | SMFIP_NR_RCPT | \
			 SMFIP_NORCPT | SMFIP_NODATA | SMFIP_NR_HDR)
#define TCP_UNWANTED	(SMFIP_NODATA | SMFIP_NR_HDR)
#define WANT_ACTIONS	(SMFIF_ADDHDRS | SMFIF_CHGHDRS)

struct conn {
	unsigned char *in;
	size_t in_len, in_cap;
	unsigned char out[OUT_SIZE];
	size_t out_len;
	int negotiated;
	uint32_t proto;			/* the protocol flags we replied with */
};

static struct pollfd pfd[MAX_CONNS + 1];	/* [0] is the listener */
static struct conn conns[MAX_CONNS + 1];
static nfds_t nfds = 1;
static int tcp;
static volatile sig_atomic_t stop;
static unsigned long n_conns, n_accepted, n_dropped;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Queues one reply packet: cmd and len bytes of data. */
static void
reply(struct conn *c, int cmd, const unsigned char *data, size_t len)
{
	put32(c->out + c->out_len, (uint32_t)len + 1);
	c->out[c->out_len + 4] = (unsigned char)cmd;
	if (len > 0)
		memcpy(c->out + c->out_len + 5, data, len);
	c->out_len += 5 + len;
}

/*
 * Option negotiation, with libmilter's semantics (engine.c st_optionneg):
 * the version is the lower of ours and the MTA's; zero flags mean the V1
 * sets; we ask only for what the MTA offers, so "no reply" flags it lacks
 * are dropped here and the step is answered instead (libmilter "fakes"
 * them the same way).  Postfix takes the reply's protocol mask as is.
 */
static int
optneg(struct conn *c, const unsigned char *d, size_t len)
{
	uint32_t version, actions, proto, want = WANT_PROTO;
	unsigned char r[12];

	if (len < 12 || (version = get32(d)) < 2)
		return -1;
	actions = get32(d + 4);
	proto = get32(d + 8);
	if (actions == 0)
		actions = SMFI_V1_ACTS;
	if (proto == 0)
		proto = SMFI_V1_PROT;
	if (tcp)
		want &= ~TCP_UNWANTED;
	c->proto = proto & want;
	put32(r, version < SMFI_PROT_VERSION ? version : SMFI_PROT_VERSION);
	put32(r + 4, actions & WANT_ACTIONS);
	put32(r + 8, c->proto);
	reply(c, SMFIC_OPTNEG, r, sizeof(r));
	c->negotiated = 1;
	return 0;
}

/* One complete packet; -1 drops the connection, 1 ends it (QUIT). */
static int
command(struct conn *c, int cmd, const unsigned char *d, size_t len)
{
	uint32_t nr = 0;

	if (cmd == SMFIC_OPTNEG)
		return c->negotiated ? -1 : optneg(c, d, len);
	if (!c->negotiated)
		return -1;
	switch (cmd) {
	case SMFIC_MACRO:		/* event code, then name/value pairs */
		return len >= 1 ? 0 : -1;
	case SMFIC_ABORT:
		return 0;
	case SMFIC_QUIT:
		return 1;
	case SMFIC_QUIT_NC:		/* a new SMTP session on this socket */
		return 0;
	case SMFIC_HEADER:		/* "name\0value\0" */
		if (len < 2 || d[len - 1] != '\0' || memchr(d, '\0', len - 1) == NULL)
			return -1;
		nr = SMFIP_NR_HDR;
		break;
	case SMFIC_EOH:
		if (!(c->proto & SMFIP_NR_EOH)) {
			reply(c, SMFIR_ACCEPT, NULL, 0);
			n_accepted++;
		}
		return 0;
	case SMFIC_BODYEOB:
		reply(c, SMFIR_ACCEPT, NULL, 0);
		n_accepted++;
		return 0;
	case SMFIC_DATA:
		nr = SMFIP_NR_DATA;
		break;
	case SMFIC_CONNECT:
		nr = SMFIP_NR_CONN;
		break;
	case SMFIC_HELO:
		nr = SMFIP_NR_HELO;
		break;
	case SMFIC_MAIL:
		nr = SMFIP_NR_MAIL;
		break;
	case SMFIC_RCPT:
		nr = SMFIP_NR_RCPT;
		break;
	case SMFIC_UNKNOWN:
		nr = SMFIP_NR_UNKN;
		break;
	case SMFIC_BODY:
		nr = SMFIP_NR_BODY;
		break;
	default:
		return -1;
	}
	/* Commands that carry arguments (libmilter's CM_BUF) need data. */
	if (cmd != SMFIC_DATA && len == 0)
		return -1;
	if (!(c->proto & nr))
		reply(c, SMFIR_CONTINUE, NULL, 0);
	return 0;
}

static void
drop(nfds_t i)
{
	close(pfd[i].fd);
	free(conns[i].in);
	nfds--;
	if (i != nfds) {
		pfd[i] = pfd[nfds];
		conns[i] = conns[nfds];
	}
}

/* Sends what is queued, as far as the socket takes it; -1: close it. */
static int
flush(struct conn *c, int fd)
{
	ssize_t n;

	if (c->out_len == 0)
		return 0;
	if ((n = write(fd, c->out, c->out_len)) < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	memmove(c->out, c->out + n, c->out_len - n);
	c->out_len -= n;
	return 0;
}

/* Answers every complete packet there is room to answer; -1: close it. */
static int
answer(struct conn *c)
{
	size_t off = 0;
	int rc;

	/* Room for a reply to each packet answered in this pass. */
	while (c->in_len - off >= 4 && c->out_len + 32 <= OUT_SIZE) {
		uint32_t len = get32(c->in + off);

		if (len < 1 || len > MAX_PACKET) {
			n_dropped++;
			return -1;
		}
		if (c->in_len - off < 4 + (size_t)len)
			break;
		rc = command(c, c->in[off + 4], c->in + off + 5, len - 1);
		if (rc < 0)
			n_dropped++;
		if (rc != 0)
			return -1;
		off += 4 + (size_t)len;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	/* A packet longer than the buffer: grow to fit it (bounded above). */
	if (c->in_len >= 4 && get32(c->in) <= MAX_PACKET &&
	    4 + (size_t)get32(c->in) > c->in_cap) {
		size_t want = 4 + (size_t)get32(c->in);
		unsigned char *p = realloc(c->in, want);

		if (p == NULL)
			return -1;
		c->in = p;
		c->in_cap = want;
	}
	return 0;
}

/* Reads what is there, answers, sends; -1: close the connection. */
static int
service(struct conn *c, int fd, short revents)
{
	ssize_t n;
	size_t before;

	if (flush(c, fd) < 0)
		return -1;
	if (revents & (POLLIN | POLLHUP | POLLERR) && c->in_len < c->in_cap) {
		n = read(fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (n == 0)
			return -1;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n > 0)
			c->in_len += n;
	}
	/* Packets left over because the reply buffer was full go now. */
	do {
		before = c->in_len;
		if (answer(c) < 0 || flush(c, fd) < 0)
			return -1;
	} while (c->out_len == 0 && c->in_len < before);
	return 0;
}

static int
listen_on(const char *spec)
{
	const char *path = NULL;
	int fd = -1, one = 1;

	if (strncmp(spec, "unix:", 5) == 0)
		path = spec + 5;
	else if (strncmp(spec, "local:", 6) == 0)
		path = spec + 6;
	if (path != NULL) {
		struct sockaddr_un sun;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (*path == '\0' || strlen(path) >= sizeof(sun.sun_path))
			return -1;
		strcpy(sun.sun_path, path);
		(void)unlink(path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
		    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			goto fail;
	} else if (strncmp(spec, "inet:", 5) == 0) {
		struct addrinfo hints, *ai;
		char port[16];
		const char *at = strchr(spec + 5, '@');
		size_t plen = at ? (size_t)(at - (spec + 5)) : strlen(spec + 5);

		if (plen == 0 || plen >= sizeof(port))
			return -1;
		memcpy(port, spec + 5, plen);
		port[plen] = '\0';
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		if (getaddrinfo(at ? at + 1 : NULL, port, &hints, &ai) != 0)
			return -1;
		fd = socket(ai->ai_family, SOCK_STREAM, 0);
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			freeaddrinfo(ai);
			goto fail;
		}
		freeaddrinfo(ai);
		tcp = 1;
	} else
		return -1;
	if (listen(fd, 128) < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	int lfd;

	if (argc != 2) {
		fprintf(stderr, "usage: raw_milter unix:/path | inet:port[@host]\n");
		return 2;
	}
	if ((lfd = listen_on(argv[1])) < 0) {
		fprintf(stderr, "raw_milter: cannot listen on %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pfd[0].fd = lfd;
	fprintf(stderr, "raw_milter: listening on %s\n", argv[1]);
	while (!stop) {
		nfds_t i;

		/* At the connection limit, new ones wait in the backlog. */
		pfd[0].events = nfds <= MAX_CONNS ? POLLIN : 0;
		for (i = 1; i < nfds; i++)
			pfd[i].events = conns[i].out_len > 0 ? POLLOUT :
			    POLLIN;
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("raw_milter: poll");
			return 1;
		}
		/* Backwards, so that drop() moving the last entry is safe. */
		for (i = nfds - 1; i >= 1; i--)
			if (pfd[i].revents != 0 &&
			    service(&conns[i], pfd[i].fd, pfd[i].revents) < 0)
				drop(i);
		if (pfd[0].revents & POLLIN) {
			int fd;

			while (nfds <= MAX_CONNS &&
			    (fd = accept(lfd, NULL, NULL)) >= 0) {
				struct conn *c = &conns[nfds];

				memset(c, 0, sizeof(*c));
				if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 ||
				    (c->in = malloc(IN_START)) == NULL) {
					close(fd);
					continue;
				}
				c->in_cap = IN_START;
				pfd[nfds].fd = fd;
				pfd[nfds].revents = 0;
				nfds++;
				n_conns++;
			}
		}
	}
	if (strncmp(argv[1], "unix:", 5) == 0)
		(void)unlink(argv[1] + 5);
	else if (strncmp(argv[1], "local:", 6) == 0)
		(void)unlink(argv[1] + 6);
	fprintf(stderr, "raw_milter: %lu connections, %lu messages accepted, "
	    "%lu dropped as malformed\n", n_conns, n_accepted, n_dropped);
	return 0;
}
