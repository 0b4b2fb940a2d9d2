/*
 * authres.c - read an Authentication-Results value (RFC 8601); see
 * authres.h.
 *
 * The grammar, with CFWS (white space, folds and nestable comments)
 * allowed between any two items:
 *
 *   authserv-id [version] ( ";" "none" / 1*( ";" resinfo ) )
 *   resinfo = method["/"version] "=" result ["reason" "=" value]
 *             *(ptype "." property "=" pvalue)
 *
 * A value is a token or a quoted string; a pvalue may also be a bare or
 * quoted local-part "@" domain, or base64 (header.b).  Bare name=value
 * pairs outside the grammar (Microsoft's "action=none") are skipped.
 * Any syntax error anywhere makes the whole value count as no pass.
 */
#include "authres.h"
#include "align.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WORD_MAX 256		/* longest keyword or value we keep */

struct cursor {
	const char *p;
};

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 2045 token characters: no tspecials, no space, no controls. */
static int
is_token(char c)
{
	unsigned char u = (unsigned char)c;

	return u > 0x20 && u < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static int
is_keyword(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Skip white space, folds and (nested (comments)); -1 if one is open. */
static int
skip_cfws(struct cursor *c)
{
	int depth = 0;

	for (;;) {
		char ch = *c->p;

		if (ch == '\0')
			return depth == 0 ? 0 : -1;
		if (depth == 0 && !is_wsp(ch) && ch != '(')
			return 0;
		if (ch == '(')
			depth++;
		else if (ch == ')' && depth > 0)
			depth--;
		else if (ch == '\\' && depth > 0 && c->p[1] != '\0')
			c->p++;		/* quoted-pair inside a comment */
		c->p++;
	}
}

/* Append CH to BUF (size WORD_MAX); an overflow empties the word. */
static void
put(char *buf, size_t *n, int *over, char ch)
{
	if (buf == NULL || *over)
		return;
	if (*n + 1 >= WORD_MAX) {
		*over = 1;
		buf[0] = '\0';
		return;
	}
	buf[(*n)++] = ch;
	buf[*n] = '\0';
}

/* A quoted string at c->p (on the '"'), unescaped onto BUF; 0 or -1. */
static int
read_quoted(struct cursor *c, char *buf, size_t *n, int *over)
{
	c->p++;
	for (;;) {
		char ch = *c->p;

		if (ch == '\0')
			return -1;
		c->p++;
		if (ch == '"')
			return 0;
		if (ch == '\\') {
			if (*c->p == '\0')
				return -1;
			ch = *c->p++;
		}
		put(buf, n, over, ch);
	}
}

/* A keyword into BUF (size WORD_MAX); -1 if there is none. */
static int
read_keyword(struct cursor *c, char *buf)
{
	size_t n = 0;
	int over = 0;

	buf[0] = '\0';
	while (is_keyword(*c->p))
		put(buf, &n, &over, *c->p++);
	return n == 0 && !over ? -1 : 0;
}

/* Step over CH at c->p; -1 if something else is there. */
static int
expect(struct cursor *c, char ch)
{
	if (*c->p != ch)
		return -1;
	c->p++;
	return 0;
}

/* A token or quoted string (authserv-id, reason) into BUF, or NULL. */
static int
read_value(struct cursor *c, char *buf)
{
	size_t n = 0;
	int over = 0;

	if (buf != NULL)
		buf[0] = '\0';
	if (*c->p == '"')
		return read_quoted(c, buf, &n, &over);
	if (!is_token(*c->p))
		return -1;
	while (is_token(*c->p))
		put(buf, &n, &over, *c->p++);
	return 0;
}

/* A property value: runs of non-space and quoted strings; BUF or NULL. */
static int
read_pvalue(struct cursor *c, char *buf)
{
	const char *start = c->p;
	size_t n = 0;
	int over = 0;

	if (buf != NULL)
		buf[0] = '\0';
	while (*c->p != '\0' && !is_wsp(*c->p) && *c->p != ';' &&
	    *c->p != '(') {
		if (*c->p == '"') {
			if (read_quoted(c, buf, &n, &over) != 0)
				return -1;
		} else {
			put(buf, &n, &over, *c->p++);
		}
	}
	return c->p == start ? -1 : 0;
}

/* The authserv-id and optional version; leaves c->p on what follows. */
static int
read_servid(struct cursor *c, char *id)
{
	if (skip_cfws(c) != 0 || read_value(c, id) != 0 || id[0] == '\0')
		return -1;
	if (skip_cfws(c) != 0)
		return -1;
	if (*c->p >= '0' && *c->p <= '9') {
		while (*c->p >= '0' && *c->p <= '9')
			c->p++;
		if (skip_cfws(c) != 0)
			return -1;
	}
	/* "spf=pass ..." (no authserv-id, as Microsoft writes) is no id. */
	if (*c->p != ';' && *c->p != '\0')
		return -1;
	return 0;
}

/* The domain a header.d or header.i names: after the last '@'. */
static const char *
domain_of(const char *v)
{
	const char *at = strrchr(v, '@');

	return at != NULL ? at + 1 : v;
}

/* One resinfo after its ';'; *ALIGNED_R set when it is an aligned pass. */
static int
read_resinfo(struct cursor *c, const char *from_domain, char *domain_r,
    size_t domain_len, int *aligned_r)
{
	char method[WORD_MAX], result[WORD_MAX], ptype[WORD_MAX];
	char prop[WORD_MAX], hd[WORD_MAX], hi[WORD_MAX];
	const char *dom;
	int is_dkim, has_d = 0;

	*aligned_r = 0;
	hd[0] = hi[0] = '\0';
	if (read_keyword(c, method) != 0 || skip_cfws(c) != 0)
		return -1;
	if (strcasecmp(method, "none") == 0 && (*c->p == ';' || *c->p == '\0'))
		return 0;
	if (*c->p == '/') {
		c->p++;
		if (skip_cfws(c) != 0 || read_keyword(c, prop) != 0 ||
		    skip_cfws(c) != 0)
			return -1;
	}
	if (expect(c, '=') != 0 || skip_cfws(c) != 0 ||
	    read_keyword(c, result) != 0)
		return -1;
	is_dkim = strcasecmp(method, "dkim") == 0 &&
	    strcasecmp(result, "pass") == 0;
	for (;;) {
		char *keep = NULL;

		if (skip_cfws(c) != 0)
			return -1;
		if (*c->p == ';' || *c->p == '\0')
			break;
		if (read_keyword(c, ptype) != 0 || skip_cfws(c) != 0)
			return -1;
		if (*c->p == '.') {
			c->p++;
			if (skip_cfws(c) != 0 || read_keyword(c, prop) != 0 ||
			    skip_cfws(c) != 0 || expect(c, '=') != 0 ||
			    skip_cfws(c) != 0)
				return -1;
			if (strcasecmp(ptype, "header") == 0) {
				if (strcasecmp(prop, "d") == 0) {
					keep = hd;
					has_d = 1;
				} else if (strcasecmp(prop, "i") == 0)
					keep = hi;
			}
			if (read_pvalue(c, keep) != 0)
				return -1;
		} else if (*c->p == '=') {
			/* reason=value, or a bare name=value outside RFC 8601 */
			c->p++;
			if (skip_cfws(c) != 0 || read_pvalue(c, NULL) != 0)
				return -1;
		} else {
			return -1;
		}
	}
	if (!is_dkim)
		return 0;
	/* header.d names the signer; header.i only when d is absent. */
	dom = has_d ? hd : domain_of(hi);
	if (domain_aligned(dom, from_domain)) {
		*aligned_r = 1;
		if (domain_r != NULL && domain_len > 0)
			snprintf(domain_r, domain_len, "%s", dom);
	}
	return 0;
}

int
authres_servid(const char *value, char *id_r, size_t id_len)
{
	struct cursor c;
	char id[WORD_MAX];

	if (value == NULL || id_r == NULL || id_len == 0)
		return -1;
	c.p = value;
	if (read_servid(&c, id) != 0 || strlen(id) >= id_len)
		return -1;
	memcpy(id_r, id, strlen(id) + 1);
	return 0;
}

long
authres_trusted_topmost(const char *const *values, size_t n,
    const char *const *trusted, size_t n_trusted)
{
	char id[WORD_MAX];
	size_t i, j;

	if (values == NULL || trusted == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (authres_servid(values[i], id, sizeof(id)) != 0)
			continue;
		for (j = 0; j < n_trusted; j++)
			if (trusted[j] != NULL && strcasecmp(trusted[j], id) == 0)
				return (long)i;
	}
	return -1;
}

int
authres_dkim_pass(const char *value, const char *const *trusted,
    size_t n_trusted, const char *from_domain, char *domain_r,
    size_t domain_len)
{
	struct cursor c;
	char id[WORD_MAX], dom[WORD_MAX], first[WORD_MAX];
	size_t i;

	if (domain_r != NULL && domain_len > 0)
		domain_r[0] = '\0';
	if (value == NULL || from_domain == NULL || trusted == NULL)
		return 0;
	c.p = value;
	if (read_servid(&c, id) != 0)
		return 0;
	for (i = 0; i < n_trusted; i++)
		if (trusted[i] != NULL && strcasecmp(trusted[i], id) == 0)
			break;
	if (i == n_trusted)
		return 0;
	first[0] = '\0';
	while (*c.p == ';') {
		int aligned;

		c.p++;
		if (skip_cfws(&c) != 0)
			return 0;
		if (*c.p == '\0')
			break;		/* a trailing ';' */
		if (read_resinfo(&c, from_domain, dom, sizeof(dom),
		    &aligned) != 0 || skip_cfws(&c) != 0)
			return 0;
		if (aligned && first[0] == '\0')
			memcpy(first, dom, sizeof(first));
	}
	/* The whole value must parse before any pass in it counts. */
	if (*c.p != '\0' || first[0] == '\0')
		return 0;
	if (domain_r != NULL && domain_len > 0)
		snprintf(domain_r, domain_len, "%s", first);
	return 1;
}
