/*
 * fuzz_inflate.c - gunzip_bounded(): a report payload from the wire.
 *
 * Invariants: success gives a NUL-terminated buffer no longer than the
 * cap; a failure gives a named code and a non-empty message, no buffer.
 */
#include "fuzz.h"
#include "inflate.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_limits lim;
	struct tlsrpt_error err;
	enum tlsrpt_errcode rc;
	char *out = NULL;
	size_t out_len = (size_t)-1;

	tlsrpt_limits_default(&lim);
	lim.max_inflated_bytes = 2u * 1024 * 1024;
	memset(&err, 0, sizeof(err));
	(void)is_gzip(data, size);
	rc = gunzip_bounded(data, size, &lim, &out, &out_len, &err);
	if (rc == TLSRPT_OK) {
		FUZZ_ASSERT(out != NULL);
		FUZZ_ASSERT(out_len <= lim.max_inflated_bytes);
		FUZZ_ASSERT(out[out_len] == '\0');
		free(out);
		return 0;
	}
	FUZZ_ASSERT(rc > TLSRPT_OK && rc < TLSRPT_E__COUNT);
	FUZZ_ASSERT(err.code == rc && err.message[0] != '\0');
	FUZZ_ASSERT(memchr(err.message, '\0', sizeof(err.message)) != NULL);
	FUZZ_ASSERT(out == NULL);
	return 0;
}
