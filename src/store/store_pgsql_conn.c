/*
 * store_pgsql_conn.c - the PostgreSQL backend's messages and URI: every
 * message is one line, and no password (from the URI, or any libpq knows)
 * ever appears in one.  See store_pgsql.h.
 */
#include "store_pgsql.h"
#include "ascii.h"
#include "errbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- messages --------------------------------------------------------- */

/* Replace each SECRET in BUF (NUL-terminated, SIZE bytes) with "***". */
static void
mask(char *buf, size_t size, const char *secret)
{
	size_t slen, used = 0;
	char *out, *p, *hit;

	if (secret == NULL || (slen = strlen(secret)) == 0 ||
	    strstr(buf, secret) == NULL)
		return;
	if ((out = malloc(size)) == NULL) {
		/* cannot rewrite it: drop it rather than leak a password */
		snprintf(buf, size, "(message withheld: out of memory)");
		return;
	}
	for (p = buf; (hit = strstr(p, secret)) != NULL; p = hit + slen) {
		used += (size_t)snprintf(out + used, size - used, "%.*s***",
		    (int)(hit - p), p);
		if (used >= size)
			break;
	}
	if (used < size)
		snprintf(out + used, size - used, "%s", p);
	out[size - 1] = '\0';
	memcpy(buf, out, strlen(out) + 1);
	free(out);
}

void
pgsql_err(struct store_pgsql *s, char *errbuf, size_t errlen, const char *fmt, ...)
{
	char msg[2048], *r, *w;
	va_list ap;
	int n;
	size_t i;

	if (errbuf == NULL || errlen == 0)
		return;
	n = snprintf(msg, sizeof(msg), "%s: ", s->where != NULL ? s->where :
	    "postgresql");
	if (n < 0 || (size_t)n >= sizeof(msg) / 2)
		n = snprintf(msg, sizeof(msg), "postgresql: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	for (r = w = msg; *r != '\0'; r++) {
		if (*r == '\n' || *r == '\r' || *r == '\t') {
			if (w > msg && w[-1] != ' ')
				*w++ = ' ';
		} else
			*w++ = *r;
	}
	while (w > msg && w[-1] == ' ')
		w--;
	*w = '\0';
	for (i = 0; i < MAX_SECRETS; i++)
		mask(msg, sizeof(msg), s->secrets[i]);
	if (s->conn != NULL)
		mask(msg, sizeof(msg), PQpass(s->conn));
	errbuf_printf(errbuf, errlen, "%s", msg);
}

/* What the server or libpq said about RES (which may be NULL). */
const char *
pgsql_result_message(struct store_pgsql *s, const PGresult *res)
{
	const char *m = NULL;

	/* The primary message only: DETAIL may quote the report's values. */
	if (res != NULL)
		m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if ((m == NULL || m[0] == '\0') && res != NULL)
		m = PQresultErrorMessage(res);
	if (m == NULL || m[0] == '\0')
		m = PQerrorMessage(s->conn);
	if (m == NULL || m[0] == '\0')
		m = "unknown error";
	return m;
}


/* ---- the URI ---------------------------------------------------------- */

/* Remember LEN bytes at P, and their percent-decoded form, to mask. */
static int
add_secret(struct store_pgsql *s, const char *p, size_t len)
{
	char *raw, *dec, *w;
	size_t i, slot;

	if (len == 0)
		return 0;
	for (slot = 0; slot + 1 < MAX_SECRETS && s->secrets[slot] != NULL; slot++)
		;
	if (slot + 1 >= MAX_SECRETS)
		return 0;		/* the URI names more passwords than we keep */
	if ((raw = strndup(p, len)) == NULL || (dec = strndup(p, len)) == NULL) {
		free(raw);
		return -1;
	}
	for (i = 0, w = dec; i < len; i++) {
		if (p[i] == '%' && i + 2 < len && ascii_hexval(p[i + 1]) >= 0 &&
		    ascii_hexval(p[i + 2]) >= 0) {
			*w++ = (char)(ascii_hexval(p[i + 1]) * 16 + ascii_hexval(p[i + 2]));
			i += 2;
		} else
			*w++ = p[i];
	}
	*w = '\0';
	s->secrets[slot] = raw;
	if (strcmp(dec, raw) != 0 && dec[0] != '\0')
		s->secrets[slot + 1] = dec;
	else
		free(dec);
	return 0;
}

/*
 * REST is what follows "postgresql:".  Sets s->where to the URI without
 * password and query, and notes the passwords found (user:password@, and
 * query parameters whose names contain "password") for masking.
 */
int
pgsql_parse_uri(struct store_pgsql *s, const char *rest, char *errbuf, size_t errlen)
{
	const char *auth, *at, *colon, *end, *q, *userend;
	size_t size;

	if (strncmp(rest, "//", 2) != 0) {
		pgsql_err(s, errbuf, errlen, "expected a libpq URI, "
		    "postgresql://[user@]host[:port]/dbname");
		return -1;
	}
	auth = rest + 2;
	/* As libpq: user information ends at the first '@' before any '/'. */
	at = auth + strcspn(auth, "@/");
	if (*at != '@')
		at = NULL;
	end = (at != NULL ? at + 1 : auth);
	end += strcspn(end, "?");
	userend = at;
	if (at != NULL && (colon = memchr(auth, ':', (size_t)(at - auth))) != NULL) {
		if (add_secret(s, colon + 1, (size_t)(at - colon - 1)) < 0)
			goto nomem;
		userend = colon;
	}
	for (q = end; *q == '?' || *q == '&'; ) {
		const char *key = q + 1, *eq, *stop;

		stop = key + strcspn(key, "&");
		eq = memchr(key, '=', (size_t)(stop - key));
		if (eq != NULL) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(eq - key), key);
			if (strstr(name, "password") != NULL &&
			    add_secret(s, eq + 1, (size_t)(stop - eq - 1)) < 0)
				goto nomem;
		}
		q = stop;
	}
	size = strlen("postgresql://") + (size_t)(end - auth) + 1;
	if ((s->where = malloc(size)) == NULL)
		goto nomem;
	if (at != NULL)
		snprintf(s->where, size, "postgresql://%.*s@%.*s",
		    (int)(userend - auth), auth, (int)(end - at - 1), at + 1);
	else
		snprintf(s->where, size, "postgresql://%.*s", (int)(end - auth),
		    auth);
	return 0;
nomem:
	pgsql_err(s, errbuf, errlen, "out of memory");
	return -1;
}

/* libpq ignores (with a line on stderr) a password file others can read. */
int
pgsql_check_password_file(struct store_pgsql *s, const char *path, char *errbuf,
    size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) < 0) {
		pgsql_err(s, errbuf, errlen, "password file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		pgsql_err(s, errbuf, errlen, "password file %s is not a regular file",
		    path);
		return -1;
	}
	if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		pgsql_err(s, errbuf, errlen, "password file %s has mode %04o: libpq "
		    "ignores it unless only its owner may read it (chmod 600)", path,
		    (unsigned)(sb.st_mode & 07777));
		return -1;
	}
	if (access(path, R_OK) < 0) {
		pgsql_err(s, errbuf, errlen, "password file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}
