/*
 * dkim_auth.c - DKIM verification of report messages; see dkim_auth.h.
 *
 * libopendkim does the cryptography.  Keys always come through our own
 * lookup callback (key file or res_nquery), which is where a key record
 * saying s=tlsrpt is made acceptable to libopendkim, and where a DNS
 * failure is told apart from a missing key, and where the deadline stops
 * lookups.  Which signatures libopendkim sees at all is decided here,
 * from a cheap parse of their tags (see dkim_auth.h).  The verdict looks
 * at each of those: header and body hash, no l=, not rsa-sha1, no
 * testing key, d= aligned with From.
 */
#include "dkim_auth.h"
#include "errbuf.h"
#include "align.h"
#include "dns_lookup.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <time.h>

#include <dkim.h>

#define KEY_NAME_MAX	DKIM_MAXHOSTNAMELEN	/* sel._domainkey.domain */
#define KEY_RECORD_MAX	4096	/* longer than any RSA-4096 record */
#define HEADER_MAX	(256 * 1024)	/* one header field, folded */
#define STR_(x)		#x
#define STR(x)		STR_(x)

struct dkim_key {
	char *name;		/* lowercase */
	char *record;		/* TXT text as written */
};

struct dkim_auth {
	DKIM_LIB *lib;
	struct dkim_key *keys;	/* sorted by name; NULL in DNS mode */
	size_t n_keys;
	bool dns;
	unsigned timeout;	/* seconds per message; 0 = none */
};

/* A DKIM-Signature kept for libopendkim, as "Name: value" with CRLF. */
struct kept_sig {
	char *line;
	size_t len;
	bool aligned;
	char d[256];
};

struct dkim_auth_msg {
	struct dkim_auth *da;
	DKIM *dkim;
	DKIM_STAT eoh_stat;
	bool eoh_done;
	bool saw_sig;		/* a DKIM-Signature header went by */
	bool tempfail;		/* a key lookup said "try again" */
	char tempwhy[160];
	char hdrerr[160];	/* the first header libopendkim refused */
	char broken[160];	/* set when the message cannot be verified */
	char from_domain[256];
	struct timespec deadline;	/* CLOCK_MONOTONIC; 0 = none */
	bool timed_out;
	char skipwhy[160];	/* why the first was left out for l=, rsa-sha1 */
	char capwhy[160];	/* ... or for the cap */
	/* Up to DKIM_SIGS_MAX aligned and as many unaligned, in order. */
	struct kept_sig kept[2 * DKIM_SIGS_MAX];
	size_t n_kept, n_aligned;
};

/* A reason per signature, ranked: the closest to passing is reported. */
enum rank { RANK_NONE, RANK_OTHER, RANK_KEY, RANK_BODY, RANK_POLICY };

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* --- the deadline ---------------------------------------------------- */

static bool
has_deadline(const struct dkim_auth_msg *m)
{
	return m->deadline.tv_sec != 0 || m->deadline.tv_nsec != 0;
}

/* Whole seconds left before the deadline (a large number if none). */
static long
seconds_left(const struct dkim_auth_msg *m)
{
	struct timespec now;

	if (!has_deadline(m))
		return 1L << 30;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > m->deadline.tv_sec || (now.tv_sec ==
	    m->deadline.tv_sec && now.tv_nsec >= m->deadline.tv_nsec))
		return 0;
	return (long)(m->deadline.tv_sec - now.tv_sec) -
	    (now.tv_nsec > m->deadline.tv_nsec ? 1 : 0);
}

static bool
expired(struct dkim_auth_msg *m)
{
	struct timespec now;

	if (m->timed_out)
		return true;
	if (!has_deadline(m))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > m->deadline.tv_sec || (now.tv_sec ==
	    m->deadline.tv_sec && now.tv_nsec >= m->deadline.tv_nsec))
		m->timed_out = true;
	return m->timed_out;
}

/* --- key records ------------------------------------------------------ */

static bool
service_ok(const char *v, size_t len)
{
	while (len > 0) {
		const char *colon = memchr(v, ':', len);
		size_t n = colon != NULL ? (size_t)(colon - v) : len;
		size_t a = 0, b = n;

		while (a < b && isspace((unsigned char)v[a]))
			a++;
		while (b > a && isspace((unsigned char)v[b - 1]))
			b--;
		if ((b - a == 6 && strncasecmp(v + a, "tlsrpt", 6) == 0) ||
		    (b - a == 5 && strncasecmp(v + a, "email", 5) == 0) ||
		    (b - a == 1 && v[a] == '*'))
			return true;
		if (colon == NULL)
			break;
		len -= n + 1;
		v += n + 1;
	}
	return false;
}

/*
 * Copy key record IN to OUT, replacing an s= value that names tlsrpt,
 * email or * with "*": libopendkim accepts only email and *.  Other
 * service lists are left for libopendkim to refuse.  0, or -1 if OUT
 * is too small.
 */
static int
rewrite_services(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	while (*in != '\0') {
		const char *semi = strchr(in, ';');
		size_t n = semi != NULL ? (size_t)(semi - in) : strlen(in);
		const char *eq = memchr(in, '=', n);
		const char *copy = in;
		size_t clen = n;

		if (eq != NULL) {
			const char *a = in, *b = eq;

			while (a < b && isspace((unsigned char)*a))
				a++;
			while (b > a && isspace((unsigned char)b[-1]))
				b--;
			if (b - a == 1 && *a == 's' &&
			    service_ok(eq + 1, n - (size_t)(eq + 1 - in))) {
				copy = " s=*";
				clen = 4;
			}
		}
		if (o + clen + 2 > outlen)
			return -1;
		memcpy(out + o, copy, clen);
		o += clen;
		if (semi == NULL)
			break;
		out[o++] = ';';
		in = semi + 1;
	}
	out[o] = '\0';
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dkim_key *)a)->name,
	    ((const struct dkim_key *)b)->name);
}

/*
 * The record part of a key file line: raw text, or zone-file style
 * "quoted" "strings" that are concatenated.  In place; NULL if bad.
 */
static char *
record_text(char *s)
{
	char *o, *start;
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	if (*s != '"')
		return len > 0 ? s : NULL;
	start = o = s;
	while (*s != '\0') {
		if (*s != '"')
			return NULL;
		for (s++; *s != '"'; s++) {
			if (*s == '\0')
				return NULL;
			if (*s == '\\' && s[1] != '\0')
				s++;
			*o++ = *s;
		}
		s++;
		while (isspace((unsigned char)*s))
			s++;
	}
	*o = '\0';
	return o > start ? start : NULL;
}

static int
load_keys(struct dkim_auth *da, const char *path, char *errbuf,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0, alloc = 0, i;

	if (f == NULL) {
		errbuf_printf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		char *p = line, *name, *rec, *dk;
		struct dkim_key *k;

		lineno++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		name = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
		rec = record_text(p);
		dk = strstr(name, "._domainkey.");
		if (dk == NULL || dk == name || dk[12] == '\0' ||
		    strlen(name) >= KEY_NAME_MAX) {
			errbuf_printf(errbuf, errlen, "%s:%zu: expected "
			    "SELECTOR._domainkey.DOMAIN, got \"%.60s\"", path,
			    lineno, name);
			goto fail;
		}
		if (rec == NULL || strlen(rec) >= KEY_RECORD_MAX) {
			errbuf_printf(errbuf, errlen, "%s:%zu: %s key record for %s",
			    path, lineno, rec == NULL ? "missing or badly quoted" :
			    "too long a", name);
			goto fail;
		}
		if (da->n_keys == alloc) {
			size_t n = alloc == 0 ? 16 : alloc * 2;
			struct dkim_key *nk = realloc(da->keys,
			    n * sizeof(*nk));

			if (nk == NULL)
				goto nomem;
			da->keys = nk;
			alloc = n;
		}
		k = &da->keys[da->n_keys];
		k->name = strdup(name);
		k->record = strdup(rec);
		if (k->name == NULL || k->record == NULL) {
			free(k->name);
			free(k->record);
			goto nomem;
		}
		lower(k->name);
		da->n_keys++;
	}
	if (ferror(f)) {
		errbuf_printf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* qsort() and bsearch() must not get NULL, even with 0 elements. */
	if (da->n_keys > 1)
		qsort(da->keys, da->n_keys, sizeof(*da->keys), key_cmp);
	for (i = 1; i < da->n_keys; i++)
		if (strcmp(da->keys[i - 1].name, da->keys[i].name) == 0) {
			errbuf_printf(errbuf, errlen, "%s: %s listed twice", path,
			    da->keys[i].name);
			goto fail;
		}
	free(line);
	fclose(f);
	return 0;
nomem:
	errbuf_printf(errbuf, errlen, "%s:%zu: out of memory", path, lineno);
fail:
	free(line);
	fclose(f);
	return -1;
}

/* The record for NAME from the key file; 1 found, 0 not. */
static int
file_lookup(const struct dkim_auth *da, const char *name, char *rec,
    size_t reclen)
{
	struct dkim_key key = { .name = (char *)name }, *k;

	if (da->n_keys == 0)
		return 0;
	k = bsearch(&key, da->keys, da->n_keys, sizeof(*da->keys), key_cmp);
	if (k == NULL)
		return 0;
	snprintf(rec, reclen, "%s", k->record);
	return 1;
}

/*
 * The TXT record at NAME, its strings concatenated, asked within SECONDS.
 * 1 found, 0 no such record, -1 temporary failure (WHY says which).
 * With several TXT records, the first that looks like a DKIM key wins.
 */
static int
dns_key(const char *name, unsigned seconds, char *rec, size_t reclen,
    char *why, size_t whylen)
{
	struct dns_ctx ctx;
	struct dns_txt *txt;
	enum dns_status st;
	size_t i, pick = 0;

	if ((txt = malloc(sizeof(*txt))) == NULL) {
		errbuf_printf(why, whylen, "out of memory");
		return -1;
	}
	if (dns_open(&ctx, NULL, (int)seconds) != 0) {
		errbuf_printf(why, whylen, "%s", ctx.err);
		free(txt);
		return -1;
	}
	dns_set_budget(&ctx, seconds);
	st = dns_txt(&ctx, name, txt);
	dns_close(&ctx);
	if (st == DNS_NXDOMAIN || st == DNS_NODATA) {
		free(txt);
		return 0;
	}
	if (st != DNS_OK) {
		errbuf_printf(why, whylen, "DNS lookup of %s failed: "
		    "SERVFAIL or timeout", name);
		free(txt);
		return -1;
	}
	for (i = 0; i < txt->count; i++)
		if (!txt->rr[i].truncated &&
		    strncmp(txt->rr[i].text, "v=DKIM1", 7) == 0) {
			pick = i;
			break;
		}
	if (txt->rr[pick].truncated)
		rec[0] = '\0';		/* longer than any key: no key */
	else
		snprintf(rec, reclen, "%s", txt->rr[pick].text);
	free(txt);
	return 1;
}

static void
key_name(DKIM_SIGINFO *sig, char *name, size_t len)
{
	const char *sel = (const char *)dkim_sig_getselector(sig);
	const char *dom = (const char *)dkim_sig_getdomain(sig);

	snprintf(name, len, "%s._domainkey.%s", sel != NULL ? sel : "",
	    dom != NULL ? dom : "");
	lower(name);
}

static DKIM_CBSTAT
key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	struct dkim_auth_msg *m = dkim_get_user_context(dkim);
	char name[KEY_NAME_MAX + 32], rec[KEY_RECORD_MAX], why[160];
	int r;

	if (m == NULL)
		return DKIM_CBSTAT_ERROR;
	key_name(sig, name, sizeof(name));
	if (strlen(name) >= KEY_NAME_MAX)
		return DKIM_CBSTAT_NOTFOUND;
	if (m->da->dns) {
		long left = seconds_left(m);

		/* Less than a second is less than the resolver can wait. */
		if (left < 1 || expired(m)) {
			m->timed_out = true;
			return DKIM_CBSTAT_NOTFOUND;
		}
		r = dns_key(name, left < DKIM_DNS_QUERY_SECONDS ? (unsigned)left :
		    DKIM_DNS_QUERY_SECONDS, rec, sizeof(rec), why, sizeof(why));
		if (r < 0 && expired(m))
			return DKIM_CBSTAT_NOTFOUND;
	} else if (expired(m))
		return DKIM_CBSTAT_NOTFOUND;
	else
		r = file_lookup(m->da, name, rec, sizeof(rec));
	if (r < 0) {
		/*
		 * Not DKIM_CBSTAT_TRYAGAIN: libopendkim would stop at this
		 * signature and never check the others.  "Not found" lets it
		 * go on; the verdict turns into TEMPERROR unless another
		 * signature passes.
		 */
		if (!m->tempfail)
			errbuf_printf(m->tempwhy, sizeof(m->tempwhy), "%s", why);
		m->tempfail = true;
		return DKIM_CBSTAT_NOTFOUND;
	}
	if (r == 0)
		return DKIM_CBSTAT_NOTFOUND;
	if (rewrite_services(rec, (char *)buf, buflen) != 0)
		return DKIM_CBSTAT_ERROR;
	return DKIM_CBSTAT_CONTINUE;
}

/* --- the library handle ----------------------------------------------- */

struct dkim_auth *
dkim_auth_new(const char *key_file, char *errbuf, size_t errlen)
{
	struct dkim_auth *da = calloc(1, sizeof(*da));
	unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES;

	if (da == NULL) {
		errbuf_printf(errbuf, errlen, "out of memory");
		return NULL;
	}
	da->dns = key_file == NULL;
	if (key_file != NULL && load_keys(da, key_file, errbuf, errlen) != 0)
		goto fail;
	da->lib = dkim_init(NULL, NULL);
	if (da->lib == NULL) {
		errbuf_printf(errbuf, errlen, "dkim_init failed");
		goto fail;
	}
	if (dkim_options(da->lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof(flags)) != DKIM_STAT_OK ||
	    dkim_set_key_lookup(da->lib, key_lookup) != DKIM_STAT_OK) {
		errbuf_printf(errbuf, errlen, "cannot configure libopendkim");
		goto fail;
	}
	return da;
fail:
	dkim_auth_free(da);
	return NULL;
}

void
dkim_auth_set_timeout(struct dkim_auth *da, unsigned seconds)
{
	if (da != NULL)
		da->timeout = seconds;
}

void
dkim_auth_free(struct dkim_auth *da)
{
	size_t i;

	if (da == NULL)
		return;
	if (da->lib != NULL)
		dkim_close(da->lib);
	for (i = 0; i < da->n_keys; i++) {
		free(da->keys[i].name);
		free(da->keys[i].record);
	}
	free(da->keys);
	free(da);
}

/* --- one message ------------------------------------------------------ */

struct dkim_auth_msg *
dkim_auth_msg_new(struct dkim_auth *da, const char *id,
    const char *from_domain)
{
	struct dkim_auth_msg *m;
	DKIM_STAT st;

	if (da == NULL || (m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->da = da;
	if (from_domain != NULL)
		snprintf(m->from_domain, sizeof(m->from_domain), "%s", from_domain);
	if (da->timeout > 0) {
		clock_gettime(CLOCK_MONOTONIC, &m->deadline);
		m->deadline.tv_sec += (time_t)da->timeout;
	}
	m->dkim = dkim_verify(da->lib, (const unsigned char *)
	    (id != NULL && id[0] != '\0' ? id : "-"), NULL, &st);
	if (m->dkim == NULL) {
		free(m);
		return NULL;
	}
	dkim_set_user_context(m->dkim, m);
	return m;
}

void
dkim_auth_msg_free(struct dkim_auth_msg *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n_kept; i++)
		free(m->kept[i].line);
	dkim_free(m->dkim);
	free(m);
}

static void
set_broken(struct dkim_auth_msg *m, const char *what)
{
	const char *err = dkim_geterror(m->dkim);

	if (m->broken[0] == '\0')
		errbuf_printf(m->broken, sizeof(m->broken), "%s%s%s", what,
		    err != NULL && err[0] != '\0' ? ": " : "",
		    err != NULL ? err : "");
}

/*
 * The tags of a DKIM-Signature value that decide whether it is worth
 * verifying: a linear scan, no allocation.  D_R gets d= (lowercase, ""
 * if absent or too long); the first occurrence of a tag counts
 * (libopendkim refuses a signature with a tag twice anyway).
 */
struct sig_tags {
	char d[256];
	bool has_l, has_a, has_d;
	bool sha1;
};

static void
sig_tags(const char *v, struct sig_tags *t)
{
	memset(t, 0, sizeof(*t));
	while (*v != '\0') {
		const char *end = strchr(v, ';'), *eq, *a, *b, *x, *y;

		if (end == NULL)
			end = v + strlen(v);
		eq = memchr(v, '=', (size_t)(end - v));
		if (eq != NULL) {
			/* Tag name a..b and value x..y, folding whitespace off. */
			for (a = v; a < eq && isspace((unsigned char)*a); a++)
				;
			for (b = eq; b > a && isspace((unsigned char)b[-1]); b--)
				;
			for (x = eq + 1; x < end && isspace((unsigned char)*x); x++)
				;
			for (y = end; y > x && isspace((unsigned char)y[-1]); y--)
				;
			if (b - a == 1 && *a == 'l')
				t->has_l = true;
			else if (b - a == 1 && *a == 'a' && !t->has_a) {
				t->has_a = true;
				t->sha1 = y - x == 8 && strncasecmp(x, "rsa-sha1", 8) == 0;
			} else if (b - a == 1 && *a == 'd' && !t->has_d) {
				t->has_d = true;
				if ((size_t)(y - x) < sizeof(t->d)) {
					memcpy(t->d, x, (size_t)(y - x));
					t->d[y - x] = '\0';
					lower(t->d);
				}
			}
		}
		if (*end == '\0')
			break;
		v = end + 1;
	}
}

static void skip_sig(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* A signature left out: WHY keeps the first reason of its kind. */
static void
skip_sig(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

#define SKIP_POLICY(m)	(m)->skipwhy, sizeof((m)->skipwhy)
#define SKIP_CAP(m)	(m)->capwhy, sizeof((m)->capwhy)

/* Hand one "Name: value" line (CRLF folds) to libopendkim. */
static void
feed_header(struct dkim_auth_msg *m, const char *name, char *line,
    size_t len)
{
	/*
	 * A refused header (a malformed DKIM-Signature, typically) is left
	 * out; the other signatures are still judged.
	 */
	if (dkim_header(m->dkim, (u_char *)line, len) != DKIM_STAT_OK &&
	    m->hdrerr[0] == '\0')
		errbuf_printf(m->hdrerr, sizeof(m->hdrerr), "%.40s header refused: %s",
		    name, dkim_geterror(m->dkim) != NULL ?
		    dkim_geterror(m->dkim) : "syntax error");
}

/*
 * A DKIM-Signature: keep it for dkim_auth_eoh() in LINE (taken over), or
 * leave it out (LINE freed) when it has l= or a=rsa-sha1 or its kind
 * (aligned, unaligned) already has DKIM_SIGS_MAX.
 */
static void
consider_sig(struct dkim_auth_msg *m, const char *value, char *line,
    size_t len)
{
	struct sig_tags t;
	struct kept_sig *k;
	bool aligned;

	sig_tags(value, &t);
	aligned = t.d[0] != '\0' && m->from_domain[0] != '\0' &&
	    domain_aligned(t.d, m->from_domain);
	if (t.has_l)
		skip_sig(SKIP_POLICY(m), "l= tag present (d=%s)", t.d);
	else if (t.sha1)
		skip_sig(SKIP_POLICY(m), "rsa-sha1 signature (d=%s): not accepted (RFC 8301)",
		    t.d);
	else if ((aligned ? m->n_aligned : m->n_kept - m->n_aligned) >=
	    DKIM_SIGS_MAX)
		skip_sig(SKIP_CAP(m), "more than " STR(DKIM_SIGS_MAX) " DKIM signatures "
		    "(d=%s and later ones left unchecked)", t.d);
	else {
		k = &m->kept[m->n_kept++];
		k->line = line;
		k->len = len;
		k->aligned = aligned;
		snprintf(k->d, sizeof(k->d), "%s", t.d);
		if (aligned)
			m->n_aligned++;
		return;
	}
	free(line);
}

int
dkim_auth_header(struct dkim_auth_msg *m, const char *name,
    const char *value)
{
	size_t nlen, vlen, i, o;
	char *buf;

	if (m == NULL || name == NULL || value == NULL || m->eoh_done)
		return -1;
	if (m->broken[0] != '\0')
		return 0;
	nlen = strlen(name);
	vlen = strlen(value);
	if (nlen + vlen > HEADER_MAX) {
		errbuf_printf(m->broken, sizeof(m->broken), "header %.40s too long",
		    name);
		return 0;
	}
	/*
	 * "Name: value": libmilter eats the one space after the colon.
	 * Postfix hands folds as bare LF; libopendkim wants CRLF.
	 */
	buf = malloc(nlen + 2 + 2 * vlen + 1);
	if (buf == NULL)
		return -1;
	memcpy(buf, name, nlen);
	o = nlen;
	buf[o++] = ':';
	buf[o++] = ' ';
	for (i = 0; i < vlen; i++) {
		if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r'))
			buf[o++] = '\r';
		buf[o++] = value[i];
	}
	buf[o] = '\0';
	if (strcasecmp(name, "DKIM-Signature") == 0) {
		m->saw_sig = true;
		consider_sig(m, value, buf, o);
		return 0;
	}
	/*
	 * Other headers go in now.  libopendkim picks signed headers by name,
	 * bottom-up, so handing it the signatures last (dkim_auth_eoh) keeps
	 * every hash as it was; their order among themselves is kept.
	 */
	feed_header(m, name, buf, o);
	free(buf);
	return 0;
}

int
dkim_auth_eoh(struct dkim_auth_msg *m)
{
	size_t i, unaligned = 0;

	if (m == NULL || m->eoh_done)
		return -1;
	m->eoh_done = true;
	if (m->broken[0] != '\0')
		return 0;
	/* Aligned ones first: the unaligned fill what is left of the cap. */
	for (i = 0; i < m->n_kept; i++) {
		struct kept_sig *k = &m->kept[i];

		if (!k->aligned && unaligned++ >= DKIM_SIGS_MAX - m->n_aligned) {
			skip_sig(SKIP_CAP(m), "more than " STR(DKIM_SIGS_MAX) " DKIM signatures "
			    "(d=%s and later ones left unchecked)", k->d);
			continue;
		}
		feed_header(m, "DKIM-Signature", k->line, k->len);
	}
	m->eoh_stat = dkim_eoh(m->dkim);
	return 0;
}

int
dkim_auth_body(struct dkim_auth_msg *m, const unsigned char *data,
    size_t len)
{
	if (m == NULL || !m->eoh_done)
		return -1;
	if (m->broken[0] != '\0' || m->eoh_stat != DKIM_STAT_OK || len == 0 ||
	    expired(m))
		return 0;
	if (dkim_body(m->dkim, (u_char *)data, len) != DKIM_STAT_OK)
		set_broken(m, "body");
	return 0;
}

/* Judge one signature: RANK_NONE when it is good, else a reason. */
static enum rank
judge(const struct dkim_auth *da, DKIM *dkim, DKIM_SIGINFO *sig,
    const char *from_domain, char *why, size_t whylen)
{
	unsigned int flags = dkim_sig_getflags(sig);
	const char *dom = (const char *)dkim_sig_getdomain(sig);
	int err = dkim_sig_geterror(sig);
	ssize_t signlen = -1;
	dkim_alg_t alg;
	char name[KEY_NAME_MAX + 32];

	if (dom == NULL)
		dom = "";
	if ((flags & DKIM_SIGFLAG_PASSED) == 0 ||
	    (flags & DKIM_SIGFLAG_IGNORE) != 0) {
		if (err == DKIM_SIGERROR_NOKEY) {
			key_name(sig, name, sizeof(name));
			/* Where it looked: a key file is not DNS, and "no key"
			 * alone sends the admin to check the wrong one. */
			errbuf_printf(why, whylen, "no key for %s in %s", name,
			    da->dns ? "DNS" : "DKIMKeyFile");
			return RANK_KEY;
		}
		if (err == DKIM_SIGERROR_KEYFAIL ||
		    err == DKIM_SIGERROR_NOTEMAILKEY ||
		    err == DKIM_SIGERROR_KEYREVOKED ||
		    err == DKIM_SIGERROR_KEYDECODE ||
		    err == DKIM_SIGERROR_KEYTOOSMALL) {
			key_name(sig, name, sizeof(name));
			errbuf_printf(why, whylen, "key %s: %s", name,
			    dkim_sig_geterrorstr(err));
			return RANK_KEY;
		}
		if (err != DKIM_SIGERROR_OK && err != DKIM_SIGERROR_UNKNOWN &&
		    err != DKIM_SIGERROR_BADSIG) {
			errbuf_printf(why, whylen, "signature%s%s: %s",
			    dom[0] != '\0' ? " by " : "", dom,
			    dkim_sig_geterrorstr(err));
			return RANK_OTHER;
		}
		errbuf_printf(why, whylen, "signature by %s did not verify", dom);
		return RANK_OTHER;
	}
	if (dkim_sig_getbh(sig) != DKIM_SIGBH_MATCH) {
		errbuf_printf(why, whylen, "body hash mismatch (d=%s)", dom);
		return RANK_BODY;
	}
	/* Left out before hashing; checked again on what libopendkim saw. */
	if (dkim_sig_getsignalg(sig, &alg) == DKIM_STAT_OK &&
	    alg == DKIM_SIGN_RSASHA1) {
		errbuf_printf(why, whylen, "rsa-sha1 signature (d=%s): not "
		    "accepted (RFC 8301)", dom);
		return RANK_POLICY;
	}
	if ((flags & DKIM_SIGFLAG_TESTKEY) != 0) {
		key_name(sig, name, sizeof(name));
		errbuf_printf(why, whylen, "key %s is in testing mode (t=y): "
		    "treated as unsigned", name);
		return RANK_POLICY;
	}
	/* l= shows both as a tag and as a canonicalisation limit. */
	(void)dkim_sig_getcanonlen(dkim, sig, NULL, NULL, &signlen);
	if (dkim_sig_gettagvalue(sig, false, (u_char *)"l") != NULL ||
	    signlen != (ssize_t)-1) {
		errbuf_printf(why, whylen, "l= tag present (d=%s)", dom);
		return RANK_POLICY;
	}
	if (!domain_aligned(dom, from_domain)) {
		errbuf_printf(why, whylen, "signature by unaligned domain %s", dom);
		return RANK_POLICY;
	}
	return RANK_NONE;
}

enum dkim_verdict
dkim_auth_eom(struct dkim_auth_msg *m, const char *from_domain,
    char *signer, size_t signer_len, char *why, size_t why_len)
{
	DKIM_SIGINFO **sigs = NULL;
	enum rank best = RANK_NONE;
	int nsigs = 0, i;

	errbuf_printf(signer, signer_len, "%s", "");
	errbuf_printf(why, why_len, "%s", "");
	if (m == NULL) {
		errbuf_printf(why, why_len, "no message");
		return DKIM_AUTH_FAIL;
	}
	if (m->broken[0] != '\0') {
		errbuf_printf(why, why_len, "%s", m->broken);
		return DKIM_AUTH_FAIL;
	}
	if (!m->eoh_done)
		dkim_auth_eoh(m);
	if (m->eoh_stat == DKIM_STAT_OK && !expired(m))
		(void)dkim_eom(m->dkim, NULL);
	if (m->eoh_stat != DKIM_STAT_NOSIG &&
	    dkim_getsiglist(m->dkim, &sigs, &nsigs) != DKIM_STAT_OK)
		nsigs = 0;
	for (i = 0; i < nsigs; i++) {
		char r[160];
		enum rank rk = judge(m->da, m->dkim, sigs[i], from_domain, r,
		    sizeof(r));
		const char *dom = (const char *)dkim_sig_getdomain(sigs[i]);

		if (rk == RANK_NONE) {
			errbuf_printf(signer, signer_len, "%s", dom);
			errbuf_printf(why, why_len, "%s", "");
			return DKIM_AUTH_PASS;
		}
		if (i == 0)
			errbuf_printf(signer, signer_len, "%s", dom != NULL ? dom : "");
		if (rk > best) {
			best = rk;
			errbuf_printf(why, why_len, "%s", r);
		}
	}
	if (expired(m)) {
		errbuf_printf(why, why_len, "DKIM check exceeded DKIMTimeout "
		    "(%u s)", m->da->timeout);
		return DKIM_AUTH_FAIL;
	}
	/* What was left out before hashing ranks with the policy failures. */
	if (m->skipwhy[0] != '\0' && best < RANK_POLICY)
		errbuf_printf(why, why_len, "%s", m->skipwhy);
	if (m->tempfail) {
		errbuf_printf(why, why_len, "%s", m->tempwhy);
		return DKIM_AUTH_TEMPERROR;
	}
	/* The cap is the reason only when nothing verified says more. */
	if (why[0] == '\0' && m->capwhy[0] != '\0')
		errbuf_printf(why, why_len, "%s", m->capwhy);
	if (nsigs > 0 || m->skipwhy[0] != '\0' || m->capwhy[0] != '\0')
		return DKIM_AUTH_FAIL;
	if (m->eoh_stat == DKIM_STAT_NOSIG && !m->saw_sig) {
		errbuf_printf(why, why_len, "no DKIM signature");
		return DKIM_AUTH_NONE;
	}
	if (m->eoh_stat == DKIM_STAT_NOSIG)
		errbuf_printf(why, why_len, "no usable DKIM signature%s%s",
		    m->hdrerr[0] != '\0' ? ": " : "", m->hdrerr);
	else
		errbuf_printf(why, why_len, "cannot verify: %s",
		    dkim_geterror(m->dkim) != NULL ?
		    dkim_geterror(m->dkim) : dkim_getresultstr(m->eoh_stat));
	return DKIM_AUTH_FAIL;
}
