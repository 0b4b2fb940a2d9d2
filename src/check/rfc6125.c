/*
 * rfc6125.c - certificate name matching; see rfc6125.h.
 */
#include "rfc6125.h"

#include <string.h>
#include <strings.h>

int
rfc6125_match(const char *name, size_t n, const char *host)
{
	size_t h = strlen(host), rest;
	const char *dot;

	if (n == 0 || memchr(name, '\0', n) != NULL)
		return 0;
	while (h > 0 && host[h - 1] == '.')
		h--;
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (h == 0 || n == 0)
		return 0;
	if (memchr(name, '*', n) == NULL)
		return n == h && strncasecmp(name, host, h) == 0;
	/* Only "*." followed by a name without stars, of two labels or more. */
	if (n < 2 || name[0] != '*' || name[1] != '.' ||
	    memchr(name + 1, '*', n - 1) != NULL)
		return 0;
	rest = n - 1;			/* ".example.com" */
	dot = memchr(name + 2, '.', n - 2);
	if (dot == NULL || dot == name + n - 1)
		return 0;		/* "*.com": too broad */
	dot = memchr(host, '.', h);
	if (dot == NULL || dot == host)
		return 0;
	return (size_t)(host + h - dot) == rest &&
	    strncasecmp(dot, name + 1, rest) == 0;
}
