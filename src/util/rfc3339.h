/*
 * rfc3339.h - the date-times of a TLS-RPT report.
 *
 * Parses RFC 3339 date-times as reporters really send them: with "Z", an
 * offset, or no zone at all (Microsoft 2023-2024; taken as UTC), with or
 * without fractional seconds, 'T', 't' or ' ' between date and time.
 * Fields are range-checked (month 1-12, day within the month, leap years,
 * second 0-60).  Pure functions, no locale, no TZ.
 */
#ifndef TLSRPT_RFC3339_H
#define TLSRPT_RFC3339_H

#include <stdint.h>
#include <time.h>

/* 0 and *t_r set on success; -1 when S is not such a date-time. */
int rfc3339_parse(const char *s, time_t *t_r);

/* "YYYY-MM-DDTHH:MM:SSZ" into BUF (at least 21 bytes; 32 for odd years). */
void rfc3339_format(time_t t, char *buf, size_t size);

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
 * Hinnant's algorithms; no range limit but int64_t's).
 */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y_r, unsigned *m_r, unsigned *d_r);

#endif
