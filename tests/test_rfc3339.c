/*
 * test_rfc3339.c - RFC 3339 date-times as reporters send them.
 */
#include "rfc3339.h"
#include "testlib.h"

#include <stdint.h>

struct parse_row {
	const char *input;
	int ok;			/* 1: accepted, 0: rejected */
	long long want;		/* epoch seconds, UTC, when accepted */
};

static const struct parse_row parse_rows[] = {
	/* the epoch and the usual forms */
	{ "1970-01-01T00:00:00Z", 1, 0 },
	{ "2024-01-01T00:00:00Z", 1, 1704067200 },
	{ "2024-01-01T00:00:00z", 1, 1704067200 },
	{ "2024-01-01t00:00:00Z", 1, 1704067200 },
	{ "2024-01-01 00:00:00Z", 1, 1704067200 },
	{ "2023-06-15T13:45:30Z", 1, 1686836730 },
	/* offsets convert to UTC */
	{ "2024-01-01T02:00:00+02:00", 1, 1704067200 },
	{ "2023-06-15T13:45:30+02:00", 1, 1686836730 - 7200 },
	{ "2023-06-15T13:45:30-05:30", 1, 1686836730 + 19800 },
	{ "2023-06-15T13:45:30+00:00", 1, 1686836730 },
	{ "2023-06-15T13:45:30-00:00", 1, 1686836730 },
	{ "2024-01-01T00:00:00+23:59", 1, 1704067200 - 86340 },
	/* no zone: Microsoft 2023-2024, taken as UTC */
	{ "2023-01-10T00:00:00", 1, 1673308800 },
	{ "2023-06-15 13:45:30", 1, 1686836730 },
	/* fractional seconds are dropped */
	{ "2024-01-01T00:00:00.000Z", 1, 1704067200 },
	{ "2024-01-01T00:00:00.999999999Z", 1, 1704067200 },
	{ "2023-06-15T13:45:30.5+02:00", 1, 1686836730 - 7200 },
	{ "2023-01-10T00:00:00.123", 1, 1673308800 },
	/* leap days and the leap second */
	{ "2024-02-29T12:00:00Z", 1, 1709208000 },
	{ "2000-02-29T00:00:00Z", 1, 951782400 },
	{ "2016-12-31T23:59:60Z", 1, 1483228800 },
	{ "2022-12-31T23:59:59Z", 1, 1672531199 },
	{ "1969-12-31T23:59:59Z", 1, -1 },
	{ "9999-12-31T23:59:59Z", 1, 253402300799LL },

	/* rejected */
	{ "", 0, 0 },
	{ "April fools", 0, 0 },
	{ "2023-02-29T00:00:00Z", 0, 0 },	/* not a leap year */
	{ "1900-02-29T00:00:00Z", 0, 0 },	/* century, not a leap year */
	{ "2023-13-01T00:00:00Z", 0, 0 },
	{ "2023-00-01T00:00:00Z", 0, 0 },
	{ "2023-01-00T00:00:00Z", 0, 0 },
	{ "2023-04-31T00:00:00Z", 0, 0 },
	{ "2023-01-32T00:00:00Z", 0, 0 },
	{ "2023-01-01T24:00:00Z", 0, 0 },
	{ "2023-01-01T23:60:00Z", 0, 0 },
	{ "2023-01-01T23:59:61Z", 0, 0 },
	{ "2023-01-01T12:00Z", 0, 0 },		/* missing seconds */
	{ "2023-01-01T12:00", 0, 0 },
	{ "2023-01-01", 0, 0 },			/* date only */
	{ "2023-01-01T", 0, 0 },
	{ "2023-01-01T00:00:00Zjunk", 0, 0 },	/* trailing junk */
	{ "2023-01-01T00:00:00Z ", 0, 0 },
	{ "2023-01-01T00:00:00+02:00x", 0, 0 },
	{ " 2023-01-01T00:00:00Z", 0, 0 },
	{ "2023-01-01X00:00:00Z", 0, 0 },	/* bad separator */
	{ "2023-01-01T00:00:00.Z", 0, 0 },	/* empty fraction */
	{ "2023-01-01T00:00:00+0200", 0, 0 },	/* offset without colon */
	{ "2023-01-01T00:00:00+02", 0, 0 },
	{ "2023-01-01T00:00:00+24:00", 0, 0 },
	{ "2023-01-01T00:00:00+02:60", 0, 0 },
	{ "2023-1-01T00:00:00Z", 0, 0 },	/* one-digit month */
	{ "23-01-01T00:00:00Z", 0, 0 },
	{ "2023/01/01T00:00:00Z", 0, 0 },
	{ "2023-01-01T0:00:00Z", 0, 0 },
	{ "+2023-01-01T00:00:00Z", 0, 0 },
};

struct format_row {
	long long t;
	const char *want;
};

static const struct format_row format_rows[] = {
	{ 0, "1970-01-01T00:00:00Z" },
	{ 1704067200, "2024-01-01T00:00:00Z" },
	{ 1709208000, "2024-02-29T12:00:00Z" },
	{ 1686836730, "2023-06-15T13:45:30Z" },
	{ 1672531199, "2022-12-31T23:59:59Z" },
	{ 951782400, "2000-02-29T00:00:00Z" },
	{ -1, "1969-12-31T23:59:59Z" },
	{ -86400, "1969-12-31T00:00:00Z" },
	{ 253402300799LL, "9999-12-31T23:59:59Z" },
};

int
main(void)
{
	char buf[32];
	size_t i;
	time_t t;
	long long step;

	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		int rc;

		t = (time_t)-12345;
		rc = rfc3339_parse(r->input, &t);
		if (r->ok) {
			CHECKF(rc == 0, "parse \"%s\": rejected, want %lld",
			    r->input, r->want);
			CHECKF(rc != 0 || (long long)t == r->want,
			    "parse \"%s\": got %lld, want %lld", r->input,
			    (long long)t, r->want);
		} else {
			CHECKF(rc == -1, "parse \"%s\": accepted as %lld, want rejection",
			    r->input, (long long)t);
			CHECKF(t == (time_t)-12345, "parse \"%s\": *t_r written on failure",
			    r->input);
		}
	}

	for (i = 0; i < sizeof(format_rows) / sizeof(format_rows[0]); i++) {
		rfc3339_format((time_t)format_rows[i].t, buf, sizeof(buf));
		CHECKF(strcmp(buf, format_rows[i].want) == 0,
		    "format %lld: got \"%s\", want \"%s\"", format_rows[i].t, buf,
		    format_rows[i].want);
		/* and back */
		CHECKF(rfc3339_parse(buf, &t) == 0 && (long long)t == format_rows[i].t,
		    "round trip %lld via \"%s\"", format_rows[i].t, buf);
	}

	/* Round trips over 1900..2100 in odd steps hit every month and day. */
	for (step = -2208988800LL; step < 4102444800LL; step += 86400LL * 13 + 3607) {
		rfc3339_format((time_t)step, buf, sizeof(buf));
		if (!CHECKF(rfc3339_parse(buf, &t) == 0 && (long long)t == step,
		    "round trip %lld via \"%s\"", step, buf))
			break;
	}

	/* A small buffer is truncated, never overrun. */
	memset(buf, 'x', sizeof(buf));
	rfc3339_format(0, buf, 11);
	CHECK_STR(buf, "1970-01-01");
	CHECK(buf[11] == 'x');

	return test_summary("test_rfc3339");
}
