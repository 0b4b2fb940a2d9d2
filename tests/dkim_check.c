/*
 * dkim_check.c - run dkim_auth over a message file, as the milter would.
 *
 *   dkim_check KEYFILE MESSAGE FROM_DOMAIN [TIMEOUT]
 *
 * KEYFILE "-" means DNS.  The message may have LF or CRLF line ends.
 * Headers and body go in as libmilter hands them (rawmsg.h: folds kept,
 * body with CRLF line ends in odd-sized chunks), as `tlsrpt import` does.
 * TIMEOUT is DKIMTimeout in seconds (default: none).
 * Prints "pass D", "fail WHY", "none WHY" or "temperror WHY"; exit 0,
 * or 2 on a usage or I/O error.
 */
#include "dkim_auth.h"
#include "file_read.h"
#include "rawmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
on_field(void *arg, const char *name, const char *value)
{
	dkim_auth_header(arg, name, value);
}

static void
on_chunk(void *arg, const unsigned char *data, size_t len)
{
	dkim_auth_body(arg, data, len);
}

int
main(int argc, char **argv)
{
	static const char *names[] = { "pass", "fail", "none", "temperror" };
	struct dkim_auth *da;
	struct dkim_auth_msg *m;
	enum dkim_verdict v;
	char err[256], signer[256], why[256], *msg;
	size_t len, body;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: dkim_check KEYFILE|- MESSAGE "
		    "FROM_DOMAIN [TIMEOUT]\n");
		return 2;
	}
	da = dkim_auth_new(strcmp(argv[1], "-") == 0 ? NULL : argv[1], err,
	    sizeof(err));
	if (da == NULL) {
		fprintf(stderr, "dkim_check: %s\n", err);
		return 2;
	}
	if (argc == 5)
		dkim_auth_set_timeout(da, (unsigned)strtoul(argv[4], NULL, 10));
	/* Doubling as it reads: the 105,000-signature test message is 68 MB. */
	if (file_read_bounded(argv[2], (size_t)1 << 30, &msg, &len) < 0) {
		perror(argv[2]);
		dkim_auth_free(da);
		return 2;
	}
	m = dkim_auth_msg_new(da, "dkim_check", argv[3]);
	if (m == NULL) {
		fprintf(stderr, "dkim_check: dkim_auth_msg_new failed\n");
		free(msg);
		dkim_auth_free(da);
		return 2;
	}
	if ((body = rawmsg_headers(msg, len, on_field, m)) == (size_t)-1) {
		fprintf(stderr, "dkim_check: out of memory\n");
		return 2;
	}
	dkim_auth_eoh(m);
	rawmsg_body_crlf(msg + body, len - body, on_chunk, m);
	v = dkim_auth_eom(m, argv[3], signer, sizeof(signer), why,
	    sizeof(why));
	if (v == DKIM_AUTH_PASS)
		printf("pass d=%s\n", signer);
	else
		printf("%s %s\n", names[v], why);
	dkim_auth_msg_free(m);
	free(msg);
	dkim_auth_free(da);
	return 0;
}
