/*
 * fuzz_sts.c - the `tlsrpt check sts` grammars: sts_policy_check() over
 * a policy file as served by https://mta-sts.DOMAIN/, sts_txt_check()
 * over an _mta-sts TXT record, and sts_mx_match() between the policy's
 * mx patterns and a host taken from the input.
 *
 * Each input goes into an exact-size buffer (ASan sees over-reads).
 * Invariants: return values agree with the worst finding; mx entries
 * are NUL-terminated lower-case text; max_age is -1 or in range; the id
 * fits STS_ID_MAX.
 */
#include "check_findings.h"
#include "fuzz.h"
#include "sts_policy.h"

#include <stdlib.h>
#include <string.h>

static struct sts_policy pol;	/* 16 KiB: not on the fuzzer's stack */

static void
check_policy(const char *data, size_t size)
{
	struct check_report rep;
	size_t i, j;
	int rc;

	check_report_init(&rep);
	check_report_subject(&rep, "policy");
	memset(&pol, 0xa5, sizeof(pol));
	rc = sts_policy_check(data, size, &pol, &rep);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT((rc == -1) == (rep.worst == CHECK_FAIL));
	FUZZ_ASSERT(rep.count > 0);	/* policy-ok or what is wrong */
	fuzz_check_findings(&rep);
	FUZZ_ASSERT(pol.mode <= STS_MODE_ENFORCE);
	FUZZ_ASSERT(sts_mode_name(pol.mode) != NULL);
	FUZZ_ASSERT(pol.max_age == -1 ||
	    (pol.max_age >= 0 && pol.max_age <= STS_MAX_AGE_MAX));
	FUZZ_ASSERT(pol.mx_count <= STS_MX_MAX);
	for (i = 0; i < pol.mx_count; i++) {
		FUZZ_ASSERT(fuzz_text_ok(pol.mx[i], sizeof(pol.mx[i]) - 1));
		for (j = 0; pol.mx[i][j] != '\0'; j++)
			FUZZ_ASSERT(pol.mx[i][j] < 'A' || pol.mx[i][j] > 'Z');
		/* A pattern matches itself unless it is a wildcard. */
		(void)sts_mx_match(pol.mx[i], "mx.example.com");
		(void)sts_mx_match(pol.mx[i], pol.mx[i]);
	}
}

static void
check_txt(const char *data, size_t size)
{
	struct check_report rep;
	char id[STS_ID_MAX + 1];
	int rc;

	check_report_init(&rep);
	check_report_subject(&rep, "txt");
	memset(id, 0x5a, sizeof(id));
	(void)sts_txt_is_candidate(data, size);
	rc = sts_txt_check(data, size, id, &rep);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERT((rc == -1) == (rep.worst == CHECK_FAIL));
	fuzz_check_findings(&rep);
	if (rc == 0)
		FUZZ_ASSERT(memchr(id, '\0', sizeof(id)) != NULL && id[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	check_policy(copy, size);
	check_txt(copy, size);
	free(copy);
	return 0;
}
