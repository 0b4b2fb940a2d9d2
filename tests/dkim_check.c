/*
 * dkim_check.c - run dkim_auth over a message file, as the milter would.
 *
 *   dkim_check KEYFILE MESSAGE FROM_DOMAIN
 *
 * KEYFILE "-" means DNS.  The message may have LF or CRLF line ends.
 * Headers go in as libmilter hands them: name, and value without the
 * one space after the colon, folds kept inside the value as they are in
 * the file.  The body goes in with CRLF line ends, in odd-sized chunks.
 * Prints "pass D", "fail WHY", "none WHY" or "temperror WHY"; exit 0,
 * or 2 on a usage or I/O error.
 */
#include "dkim_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 1021		/* odd, so CRLF pairs straddle chunks */

static char *
slurp(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536 + 1);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	*len_r = len;
	return buf;
}

/* Length of the line at P (up to END), without its LF or CRLF. */
static size_t
line_len(const char *p, const char *end, size_t *eol_r)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

	*eol_r = nl != NULL ? 1 : 0;
	if (n > 0 && p[n - 1] == '\r') {
		n--;
		(*eol_r)++;
	}
	return n;
}

/* Feed header fields; returns where the body starts. */
static const char *
feed_headers(struct dkim_auth_msg *m, const char *p, const char *end)
{
	while (p < end) {
		size_t eol, n = line_len(p, end, &eol);
		const char *colon, *v, *q;
		char *name, *value;

		if (n == 0)
			return p + eol;		/* the empty line */
		/* the field runs on over continuation lines */
		q = p + n + eol;
		while (q < end && (*q == ' ' || *q == '\t')) {
			size_t e2, n2 = line_len(q, end, &e2);

			q += n2 + e2;
		}
		colon = memchr(p, ':', n);
		if (colon != NULL) {
			size_t vlen = (size_t)(q - colon - 1);

			v = colon + 1;
			if (*v == ' ') {
				v++;
				vlen--;
			}
			/* drop the field's own final line end */
			while (vlen > 0 && (v[vlen - 1] == '\n' ||
			    v[vlen - 1] == '\r'))
				vlen--;
			name = strndup(p, (size_t)(colon - p));
			value = strndup(v, vlen);
			if (name != NULL && value != NULL)
				dkim_auth_header(m, name, value);
			free(name);
			free(value);
		}
		p = q;
	}
	return end;
}

static void
feed_body(struct dkim_auth_msg *m, const char *p, const char *end)
{
	unsigned char buf[CHUNK];
	size_t o = 0;
	char prev = '\0';

	for (; p < end; prev = *p++) {
		if (*p == '\n' && prev != '\r') {
			if (o + 2 > sizeof(buf)) {
				dkim_auth_body(m, buf, o);
				o = 0;
			}
			buf[o++] = '\r';
		}
		if (o + 1 > sizeof(buf)) {
			dkim_auth_body(m, buf, o);
			o = 0;
		}
		buf[o++] = (unsigned char)*p;
	}
	if (o > 0)
		dkim_auth_body(m, buf, o);
}

int
main(int argc, char **argv)
{
	static const char *names[] = { "pass", "fail", "none", "temperror" };
	struct dkim_auth *da;
	struct dkim_auth_msg *m;
	enum dkim_verdict v;
	char err[256], signer[256], why[256], *msg;
	const char *body;
	size_t len;

	if (argc != 4) {
		fprintf(stderr, "usage: dkim_check KEYFILE|- MESSAGE "
		    "FROM_DOMAIN\n");
		return 2;
	}
	da = dkim_auth_new(strcmp(argv[1], "-") == 0 ? NULL : argv[1], err,
	    sizeof(err));
	if (da == NULL) {
		fprintf(stderr, "dkim_check: %s\n", err);
		return 2;
	}
	msg = slurp(argv[2], &len);
	if (msg == NULL) {
		perror(argv[2]);
		dkim_auth_free(da);
		return 2;
	}
	m = dkim_auth_msg_new(da, "dkim_check");
	if (m == NULL) {
		fprintf(stderr, "dkim_check: dkim_auth_msg_new failed\n");
		free(msg);
		dkim_auth_free(da);
		return 2;
	}
	body = feed_headers(m, msg, msg + len);
	dkim_auth_eoh(m);
	feed_body(m, body, msg + len);
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
