/*
 * fuzz_record.c - tlsrpt_record_check(): the `tlsrpt check record`
 * grammar, over TXT text from DNS or the command line.
 *
 * The input is copied into an exact-size buffer (no NUL after it), so an
 * over-read is caught by ASan.  The first byte picks the flags and
 * whether a policy domain is given.
 * Invariants: the return value agrees with the worst finding; at least
 * one finding; every finding has an id and a non-empty printable
 * message; every rua URI lies inside the input.
 */
#include "check_findings.h"
#include "fuzz.h"
#include "tlsrpt_record.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct check_report rep;
	struct tlsrpt_record rec;
	unsigned flags = 0;
	const char *domain = NULL;
	char *copy;
	size_t i;
	int rc;

	if (size > 0) {
		flags = data[0] & 1 ? TLSRPT_RECORD_FROM_DNS : 0;
		domain = data[0] & 2 ? "example.com" : NULL;
		data++;
		size--;
	}
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	check_report_init(&rep);
	check_report_subject(&rep, "record");
	memset(&rec, 0, sizeof(rec));
	(void)tlsrpt_record_is_candidate(copy, size);
	rc = tlsrpt_record_check(copy, size, domain, flags, &rec, &rep);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT((rc == -1) == (rep.worst == CHECK_FAIL));
	FUZZ_ASSERT(rep.count > 0);	/* record-ok or what is wrong */
	fuzz_check_findings(&rep);
	FUZZ_ASSERT(rec.rua_count <= TLSRPT_RUA_MAX);
	for (i = 0; i < rec.rua_count; i++)
		FUZZ_ASSERT(rec.rua[i].off <= size &&
		    rec.rua[i].len <= size - rec.rua[i].off);
	free(copy);
	return 0;
}
