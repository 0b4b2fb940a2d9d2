/*
 * divert.c - the Action decision and the audit header; see divert.h.
 */
#include "divert.h"

#include <string.h>
#include <strings.h>

enum divert_outcome
divert_choose(const struct config *cfg, const struct verdict *v,
    int rcpts_complete, const char **why_r)
{
	*why_r = NULL;
	if (v->verdict != TAG_PASS || cfg->action == ACTION_TAG)
		return DIVERT_TAG;
	if (cfg->action == ACTION_REDIRECT) {
		if (!rcpts_complete) {
			*why_r = "not every recipient could be kept (too many, or too long)";
			return DIVERT_TAG;
		}
		return DIVERT_REDIRECT;
	}
	/*
	 * Discard only what the store holds.  A spooled report is on disk
	 * too, but the spool is a waiting room that an admin may empty
	 * (bad/, a lost volume): the mail is the only other copy, so it is
	 * delivered.
	 */
	if (v->store_failed) {
		*why_r = v->spooled > 0 ? "the store failed (report spooled)" :
		    "the store failed";
		return DIVERT_TAG;
	}
	if (v->reports == 0 || v->stored + v->duplicates != v->reports) {
		*why_r = "not every report was stored";
		return DIVERT_TAG;
	}
	return DIVERT_DISCARD;
}

int
divert_audit_value(char *buf, size_t size, const char *const *rcpts, size_t n)
{
	size_t i, off = 0;
	const char *p;

	if (size == 0)
		return -1;
	for (i = 0; i < n; i++) {
		/* ",\n\t" before all but the first, then the address. */
		if (i > 0) {
			if (off + 3 >= size)
				return -1;
			memcpy(buf + off, ",\n\t", 3);
			off += 3;
		}
		for (p = rcpts[i]; *p != '\0'; p++) {
			unsigned char ch = (unsigned char)*p;

			if (off + 1 >= size)
				return -1;
			buf[off++] = ch < 32 || ch > 126 ? '?' : (char)ch;
		}
	}
	buf[off] = '\0';
	return (int)off;
}

int
divert_same_address(const char *rcpt, const char *addr)
{
	size_t len = strlen(rcpt);

	if (len >= 2 && rcpt[0] == '<' && rcpt[len - 1] == '>') {
		rcpt++;
		len -= 2;
	}
	return len == strlen(addr) && strncasecmp(rcpt, addr, len) == 0;
}
