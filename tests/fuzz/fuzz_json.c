/*
 * fuzz_json.c - report_from_json() (with json_prescan() in front): the
 * JSON text of one report, after MIME and gunzip.
 *
 * Invariants: success yields a report that passes fuzz_check_report();
 * a failure has a named code and a non-empty message.
 */
#include "arena.h"
#include "fuzz.h"
#include "rfc8460_json.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_limits lim;
	struct tlsrpt_report rep;
	struct tlsrpt_error err;
	enum tlsrpt_errcode rc;
	struct arena *a;

	if ((a = arena_new()) == NULL)
		return 0;
	tlsrpt_limits_default(&lim);
	fuzz_tighten_limits(size, &lim);
	memset(&rep, 0, sizeof(rep));
	memset(&err, 0, sizeof(err));
	rep.source = "";
	rc = report_from_json((const char *)data, size, &lim, a, &rep, &err);
	if (rc == TLSRPT_OK)
		fuzz_check_report(&rep, &lim);
	else {
		FUZZ_ASSERT(rc > TLSRPT_OK && rc < TLSRPT_E__COUNT);
		FUZZ_ASSERT(err.code == rc && err.message[0] != '\0');
		FUZZ_ASSERT(memchr(err.message, '\0', sizeof(err.message)) != NULL);
	}
	arena_free(a);
	return 0;
}
