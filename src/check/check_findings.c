/*
 * check_findings.c - collect the findings of `tlsrpt check`.
 */
#include "check_findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
check_report_init(struct check_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->worst = CHECK_PASS;
}

void
check_report_subject(struct check_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep->subject, sizeof(rep->subject), fmt, ap);
	va_end(ap);
}

void
check_add(struct check_report *rep, enum check_level level, const char *id,
    const char *result_type, const char *fmt, ...)
{
	struct check_finding *f;
	va_list ap;

	if (level > rep->worst)
		rep->worst = level;
	if (rep->count >= CHECK_FINDINGS_MAX) {
		rep->dropped++;
		return;
	}
	f = &rep->items[rep->count++];
	f->level = level;
	f->id = id;
	f->result_type = result_type;
	memcpy(f->subject, rep->subject, sizeof(f->subject));
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

size_t
check_count_from(const struct check_report *rep, size_t from,
    enum check_level level)
{
	size_t i, n = 0;

	for (i = from; i < rep->count; i++)
		if (rep->items[i].level >= level)
			n++;
	return n;
}

const struct check_finding *
check_find(const struct check_report *rep, const char *id)
{
	size_t i;

	for (i = 0; i < rep->count; i++)
		if (strcmp(rep->items[i].id, id) == 0)
			return &rep->items[i];
	return NULL;
}

int
check_exit_status(const struct check_report *rep)
{
	switch (rep->worst) {
	case CHECK_FAIL:
		return 2;
	case CHECK_WARN:
		return 1;
	default:
		return 0;
	}
}

const char *
check_level_name(enum check_level level)
{
	switch (level) {
	case CHECK_PASS:
		return "ok";
	case CHECK_INFO:
		return "info";
	case CHECK_WARN:
		return "warning";
	default:
		return "FAIL";
	}
}
