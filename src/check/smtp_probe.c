/*
 * smtp_probe.c - SMTP + STARTTLS probe with OpenSSL; see smtp_probe.h.
 */
#include "smtp_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/*
 * Read one SMTP reply (all its lines) into BUF; returns the code, or -1.
 * Byte by byte: replies are short, and no byte of a later TLS handshake
 * may be swallowed into a buffer.
 */
static int
read_reply(int fd, char *buf, size_t size)
{
	size_t len = 0, line = 0;
	char c;

	for (;;) {
		ssize_t n = recv(fd, &c, 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || len + 1 >= size)
			return -1;
		buf[len++] = c;
		if (c != '\n')
			continue;
		buf[len] = '\0';
		if (len - line < 4 || buf[line + 3] == ' ' ||
		    buf[line + 3] == '\r' || buf[line + 3] == '\n')
			break;
		line = len;
	}
	if (len - line < 3 || buf[line] < '1' || buf[line] > '5')
		return -1;
	return (buf[line] - '0') * 100 + (buf[line + 1] - '0') * 10 +
	    (buf[line + 2] - '0');
}

static int
send_line(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = send(fd, s + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Does an EHLO reply offer STARTTLS (a line "250-STARTTLS" or "250 ...")? */
static int
offers_starttls(const char *reply)
{
	const char *p = reply;

	while (*p != '\0') {
		if (strlen(p) >= 12 && strncasecmp(p + 4, "STARTTLS", 8) == 0 &&
		    (p[12] == '\r' || p[12] == '\n' || p[12] == ' '))
			return 1;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return 0;
}

static int
tcp_connect(const char *addr, int port, int timeout, char *err, size_t errlen)
{
	struct sockaddr_in sin;
	struct timeval tv = { timeout, 0 };
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		snprintf(err, errlen, "bad address %s", addr);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* SO_SNDTIMEO bounds connect() too, on Linux. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		snprintf(err, errlen, "connect to %s port %d: %s", addr, port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void
smtp_probe_run(const char *host, const char *addr, int port,
    const char *ca_file, int timeout, struct smtp_probe *p)
{
	char reply[SMTP_REPLY_MAX];
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	STACK_OF(X509) *chain;
	unsigned long e;
	int fd, code, i;

	memset(p, 0, sizeof(*p));
	/* Defined bytes throughout: clang --analyze cannot follow that
	 * read_reply() NUL-terminates what offers_starttls() scans. */
	memset(reply, 0, sizeof(reply));
	p->stage = SMTP_CONNECT_FAILED;
	p->verify_result = X509_V_OK;
	if ((fd = tcp_connect(addr, port, timeout, p->err, sizeof(p->err))) < 0)
		return;
	if ((code = read_reply(fd, reply, sizeof(reply))) != 220) {
		snprintf(p->err, sizeof(p->err), "no 220 greeting (%s)",
		    code < 0 ? "timeout, closed or garbled" : "refused");
		goto out;
	}
	p->stage = SMTP_NO_STARTTLS;
	if (send_line(fd, "EHLO tlsrpt-check.invalid\r\n") < 0 ||
	    read_reply(fd, reply, sizeof(reply)) != 250) {
		snprintf(p->err, sizeof(p->err), "EHLO was not accepted");
		goto out;
	}
	if (!offers_starttls(reply)) {
		snprintf(p->err, sizeof(p->err), "EHLO reply does not offer "
		    "STARTTLS");
		goto out;
	}
	if (send_line(fd, "STARTTLS\r\n") < 0 ||
	    (code = read_reply(fd, reply, sizeof(reply))) != 220) {
		snprintf(p->err, sizeof(p->err), "STARTTLS was answered %d",
		    code);
		goto out;
	}
	p->stage = SMTP_TLS_FAILED;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    (ca_file != NULL ? SSL_CTX_load_verify_locations(ctx, ca_file,
	    NULL) : SSL_CTX_set_default_verify_paths(ctx)) != 1 ||
	    (ssl = SSL_new(ctx)) == NULL) {
		snprintf(p->err, sizeof(p->err), "TLS set-up failed%s%s",
		    ca_file != NULL ? " (cannot load --ca-file " : "",
		    ca_file != NULL ? ca_file : "");
		goto out;
	}
	/* Verify, but let the handshake finish: we judge the result. */
	SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_tlsext_host_name(ssl, host);
	SSL_set_fd(ssl, fd);
	ERR_clear_error();
	if (SSL_connect(ssl) != 1) {
		e = ERR_peek_last_error();
		snprintf(p->err, sizeof(p->err), "TLS handshake failed: %s",
		    e != 0 ? ERR_reason_error_string(e) : "connection closed");
		ERR_clear_error();
		goto out;
	}
	p->stage = SMTP_TLS_OK;
	snprintf(p->tls_version, sizeof(p->tls_version), "%s",
	    SSL_get_version(ssl));
	snprintf(p->cipher, sizeof(p->cipher), "%s",
	    SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
	p->verify_result = SSL_get_verify_result(ssl);
	p->leaf = SSL_get1_peer_certificate(ssl);
	if ((chain = SSL_get_peer_cert_chain(ssl)) != NULL) {
		p->chain = sk_X509_new_null();
		for (i = 0; p->chain != NULL && i < sk_X509_num(chain); i++) {
			X509 *x = sk_X509_value(chain, i);

			X509_up_ref(x);
			sk_X509_push(p->chain, x);
		}
	}
	(void)send_line(fd, "QUIT\r\n");
	SSL_shutdown(ssl);
out:
	if (p->stage != SMTP_TLS_OK && p->stage != SMTP_CONNECT_FAILED &&
	    ssl == NULL)
		(void)send_line(fd, "QUIT\r\n");
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
}

void
smtp_probe_free(struct smtp_probe *p)
{
	X509_free(p->leaf);
	if (p->chain != NULL)
		sk_X509_pop_free(p->chain, X509_free);
	p->leaf = NULL;
	p->chain = NULL;
}
