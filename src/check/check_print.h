/*
 * check_print.h - print the findings of `tlsrpt check` as text or JSON.
 *
 * Text: one line per finding, "LEVEL  SUBJECT: MESSAGE [result-type]",
 * then a summary line.  JSON: one object {"status", "exit", "findings":
 * [{"level", "id", "result_type", "subject", "message"}], "dropped"}.
 * Returns 0, or -1 when out of memory.
 */
#ifndef TLSRPT_CHECK_PRINT_H
#define TLSRPT_CHECK_PRINT_H

#include "check_findings.h"

#include <stdio.h>

int check_print_text(FILE *fp, const struct check_report *rep, int verbose);
int check_print_json(FILE *fp, const struct check_report *rep);

#endif
