/*
 * fuzz_message.c - tlsrpt_parse(): a whole message (or bare JSON or gzip),
 * as the milter hands it over at end-of-message.
 *
 * Invariants: OK means at least one report and no error; an error has a
 * named code, a non-empty message and no result.  Each report passes
 * fuzz_check_report().
 */
#include "fuzz.h"
#include "tlsrpt.h"

#include <string.h>

static int initialized;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_limits lim;
	struct tlsrpt_result *res = (void *)1;
	struct tlsrpt_error err;
	enum tlsrpt_errcode rc;
	size_t i;

	if (!initialized) {
		tlsrpt_library_init();
		initialized = 1;
	}
	tlsrpt_limits_default(&lim);
	/* Smaller than the milter's so that bombs cost milliseconds, not seconds. */
	lim.max_inflated_bytes = 4u * 1024 * 1024;
	fuzz_tighten_limits(size, &lim);
	memset(&err, 0x55, sizeof(err));
	rc = tlsrpt_parse((const char *)data, size, &lim, &res, &err);
	FUZZ_ASSERT(rc >= TLSRPT_OK && rc < TLSRPT_E__COUNT);
	FUZZ_ASSERT(tlsrpt_errcode_name(rc) != NULL);
	if (rc != TLSRPT_OK) {
		FUZZ_ASSERT(res == NULL);
		FUZZ_ASSERT(err.code == rc);
		FUZZ_ASSERT(memchr(err.message, '\0', sizeof(err.message)) != NULL);
		FUZZ_ASSERT(err.message[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(res != NULL && res->n_reports >= 1);
	FUZZ_ASSERT(res->n_reports <= lim.max_report_parts);
	for (i = 0; i < res->n_reports; i++)
		fuzz_check_report(&res->reports[i], &lim);
	for (i = 0; i < res->n_warnings; i++)
		FUZZ_ASSERT(res->warnings[i] != NULL && res->warnings[i][0] != '\0');
	tlsrpt_result_free(res);
	return 0;
}
