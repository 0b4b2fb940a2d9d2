/*
 * store.c - the storage interface: pick a backend by the URI scheme and
 * forward to it.  See store.h.
 *
 * "sqlite:/var/lib/tlsrpt-milter/tlsrpt.db" and a bare absolute path
 * ("/var/lib/tlsrpt-milter/tlsrpt.db") both mean SQLite.  The scheme is
 * matched without regard to case.  Error messages name the scheme but
 * never echo the whole URI: a later backend's URI may hold a password.
 */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Every backend this build knows, in the order they are tried. */
static const struct store_backend *const backends[] = {
	&store_sqlite_backend,
};

#define N_BACKENDS	(sizeof(backends) / sizeof(backends[0]))

/*
 * The schema version every backend migrates to.  A backend's last
 * migration step must carry this number (each checks it when opening), so
 * bumping it here without adding the steps fails loudly.
 */
#define STORE_SCHEMA_VERSION	1

void
store_seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Length of an RFC 3986 scheme at the start of URI, or 0 when there is none. */
static size_t
scheme_length(const char *uri)
{
	size_t i;

	if (!((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z')))
		return 0;
	for (i = 1; uri[i] != '\0' && uri[i] != ':'; i++) {
		char c = uri[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
			return 0;
	}
	return uri[i] == ':' ? i : 0;
}

static void
list_schemes(char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < N_BACKENDS && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s",
		    i > 0 ? ", " : "", backends[i]->scheme);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

struct store *
store_open(const char *uri, char *errbuf, size_t errlen)
{
	char known[128];
	size_t n, i;

	if (uri == NULL || uri[0] == '\0') {
		store_seterr(errbuf, errlen, "database URI is empty");
		return NULL;
	}
	if (uri[0] == '/')
		return store_sqlite_backend.open(uri, errbuf, errlen);
	if ((n = scheme_length(uri)) == 0) {
		store_seterr(errbuf, errlen, "database URI has no scheme: expected "
		    "scheme:location, such as sqlite:/var/lib/tlsrpt-milter/tlsrpt.db");
		return NULL;
	}
	for (i = 0; i < N_BACKENDS; i++)
		if (strlen(backends[i]->scheme) == n &&
		    strncasecmp(backends[i]->scheme, uri, n) == 0)
			return backends[i]->open(uri + n + 1, errbuf, errlen);
	list_schemes(known, sizeof(known));
	store_seterr(errbuf, errlen, "database URI: unknown scheme \"%.*s\" "
	    "(this build supports: %s)", (int)(n > 64 ? 64 : n), uri, known);
	return NULL;
}

enum store_status
store_put_report(struct store *st, const struct tlsrpt_report *rep,
    const struct store_provenance *prov, char *errbuf, size_t errlen)
{
	if (st == NULL || rep == NULL) {
		store_seterr(errbuf, errlen, "store_put_report: no %s",
		    st == NULL ? "store" : "report");
		return STORE_ERROR;
	}
	return st->backend->put_report(st, rep, prov, errbuf, errlen);
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->backend->close(st);
}

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}
