/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz/ share.
 *
 * Each fuzz_*.c defines LLVMFuzzerTestOneInput() over one entry point
 * that takes untrusted bytes, and checks cheap invariants on what comes
 * back.  A broken invariant calls abort(), which libFuzzer (and the
 * replay driver, replay.c) report as a crash with the input saved.
 */
#ifndef TLSRPT_FUZZ_H
#define TLSRPT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() with "fuzz: invariant failed: WHY" on stderr unless COND. */
#define FUZZ_ASSERT(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/* True when S (may be NULL) is NUL-terminated valid UTF-8 of at most MAX bytes. */
int fuzz_utf8_ok(const char *s, size_t max);
/* True when S is NUL-terminated within MAX bytes and has no byte < 0x20. */
int fuzz_text_ok(const char *s, size_t max);

struct tlsrpt_report;
struct tlsrpt_limits;
/*
 * One input in seven (by SIZE, so deterministic for an input) gets tight
 * limits, so that every limit's error path is reached too.
 */
void fuzz_tighten_limits(size_t size, struct tlsrpt_limits *lim);
/*
 * A parsed report: counts in 0..2^53, totals the sums over the policies,
 * policies and details within the limits, every string from the JSON
 * NUL-terminated valid UTF-8, warnings non-empty.
 */
void fuzz_check_report(const struct tlsrpt_report *r,
    const struct tlsrpt_limits *lim);

struct check_report;
/* `tlsrpt check` findings: each with an id and a message, none above worst. */
void fuzz_check_findings(const struct check_report *rep);

#endif
