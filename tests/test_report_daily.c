/*
 * test_report_daily.c - the daily series as C arrays: entries sorted by
 * day then domain, result types in the order they came, the same values
 * read from a model parsed from JSON, and JSON text (whole, through
 * json-c, and streamed) byte for byte what json-c prints for the same
 * model built of json-c objects.
 */
#include "report_daily.h"
#include "text_safe.h"
#include "testlib.h"

#include <json.h>
#include <stdlib.h>
#include <string.h>

/* 2026-01-10 and the days after, as days since the epoch. */
#define DAY0	20463

static const char *const dates[] = { "2026-01-10", "2026-01-11", "2026-01-12" };

/* Entries as added (out of order), with their result types. */
static const struct {
	int day;
	const char *domain;
	long long ok, failed;
} adds[] = {
	{ 2, "b.example", 7, 1 },
	{ 0, "b.example", 5, 2 },
	{ 0, "a.example", 9, 0 },
	{ 1, "z\"q/\\x\n\xc2\x9b.example", 1, 3 },
	{ 0, "ab.example", 4, 4 },
};

static const struct {
	size_t entry;			/* index in adds[] */
	const char *rt;
	long long n;
} types[] = {
	{ 1, "starttls-not-supported", 2 },
	{ 3, "certificate-expired", 1 },
	{ 1, "validation-failure", 3 },
	{ 3, "tlsa-invalid", 2 },
	{ 0, "sts-webpki-invalid", 1 },
	{ 4, "validation-failure", 4 },
};

/* The sorted order of adds[]: by day, then domain. */
static const size_t order[] = { 2, 4, 1, 3, 0 };

/* The top-level series of adds[] and types[], as C arrays. */
static struct json_object *
c_series(void)
{
	struct report_daily *s = report_daily_new(1);
	size_t i;

	for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		CHECK_INT(report_daily_add(s, DAY0 + adds[i].day, adds[i].domain,
		    adds[i].ok, adds[i].failed), (long)i);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		CHECK_INT(report_daily_add_type(s, types[i].entry, types[i].rt,
		    types[i].n), 0);
	CHECK(report_daily_add_type(s, 99, "x", 1) < 0);
	return report_daily_finish(s);
}

/* The same series as json-c objects, sorted as the model shows it. */
static struct json_object *
json_series(void)
{
	struct json_object *arr = json_object_new_array();
	size_t i, j;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		size_t k = order[i];
		struct json_object *o = json_object_new_object(), *rt = json_object_new_object();

		json_object_object_add(o, "date", json_object_new_string(dates[adds[k].day]));
		json_object_object_add(o, "domain", json_object_new_string(adds[k].domain));
		for (j = 0; j < sizeof(types) / sizeof(types[0]); j++)
			if (types[j].entry == k)
				json_object_object_add(rt, types[j].rt,
				    json_object_new_int64(types[j].n));
		json_object_object_add(o, "result_types", rt);
		json_object_object_add(o, "successful", json_object_new_int64(adds[k].ok));
		json_object_object_add(o, "failed", json_object_new_int64(adds[k].failed));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* A domain's days (DAYS of them, added last day first), C or json-c. */
static struct json_object *
domain_series(int c, int days)
{
	struct report_daily *s = c ? report_daily_new(0) : NULL;
	struct json_object *arr = c ? NULL : json_object_new_array();
	int d;

	if (c) {
		for (d = days - 1; d >= 0; d--)
			CHECK(report_daily_add(s, DAY0 + d, "ignored", 10 + d, d) >= 0);
		return report_daily_finish(s);
	}
	for (d = 0; d < days; d++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "date", json_object_new_string(dates[d]));
		json_object_object_add(o, "successful", json_object_new_int64(10 + d));
		json_object_object_add(o, "failed", json_object_new_int64(d));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *
domain(int c, const char *name, int days)
{
	struct json_object *d = json_object_new_object(), *pt = json_object_new_object();

	json_object_object_add(d, "domain", json_object_new_string(name));
	json_object_object_add(d, "reports", json_object_new_int64(3));
	json_object_object_add(d, "daily", domain_series(c, days));
	json_object_object_add(pt, "sts", json_object_new_object());
	json_object_object_add(d, "policy_types", pt);
	json_object_object_add(d, "failure_rate", json_object_new_double_s(0.25, "0.2500"));
	return d;
}

/* A model around the series: C arrays (C) or json-c objects throughout. */
static struct json_object *
model(int c)
{
	struct json_object *m = json_object_new_object(), *doms = json_object_new_array();
	struct json_object *notes = json_object_new_array(), *f = json_object_new_object();

	json_object_object_add(m, "version", json_object_new_int(1));
	json_object_object_add(m, "text", json_object_new_string(
	    "a/b \"q\" \\ \t\x01 \xc3\xa9 \xe2\x80\xae"));
	json_object_object_add(f, "domain", NULL);
	json_object_object_add(f, "on", json_object_new_boolean(1));
	json_object_object_add(m, "filter", f);
	json_object_object_add(m, "empty_object", json_object_new_object());
	json_object_object_add(m, "empty_array", json_object_new_array());
	json_object_array_add(doms, domain(c, "x.example", 3));
	json_object_array_add(doms, domain(c, "y.example", 0));
	json_object_array_add(doms, NULL);
	json_object_array_add(doms, json_object_new_array());
	json_object_object_add(m, "domains", doms);
	json_object_object_add(m, "daily", c ? c_series() : json_series());
	json_object_array_add(notes, json_object_new_string("one"));
	json_object_object_add(m, "notes", notes);
	json_object_object_add(m, "rate", json_object_new_double_s(0.5, "0.5000"));
	return m;
}

static const int flag_sets[] = {
	JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE,
	JSON_C_TO_STRING_PLAIN,
	JSON_C_TO_STRING_SPACED,
	JSON_C_TO_STRING_PRETTY,
	JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB,
};

/* What the CLI printed: json-c's text of M through text_json_fputs(). */
static char *
whole(struct json_object *m, int flags)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	text_json_fputs(fp, json_object_to_json_string_ext(m, flags));
	fclose(fp);
	return out;
}

static char *
streamed(struct json_object *m, int flags)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	CHECK_INT(report_daily_json_write(fp, m, flags), 0);
	fclose(fp);
	return out;
}

static void
test_text(void)
{
	struct json_object *mc = model(1), *mj = model(0);
	size_t i;

	for (i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		int fl = flag_sets[i];
		char *want = whole(mj, fl), *got;

		/* The placeholders print as the objects would. */
		CHECK_STR(json_object_to_json_string_ext(mc, fl),
		    json_object_to_json_string_ext(mj, fl));
		got = streamed(mc, fl);
		CHECK_STR(got, want);
		free(got);
		/* A model parsed from JSON streams the same. */
		got = streamed(mj, fl);
		CHECK_STR(got, want);
		free(got);
		free(want);
	}
	/* The escapes are there: the test would see a layout of its own. */
	{
		char *t = streamed(mc, flag_sets[0]);

		CHECK_CONTAINS(t, "\"domain\": \"z\\\"q/\\\\x\\n\\u009b.example\"");
		CHECK_CONTAINS(t, "\"daily\": [\n    {\n      \"date\": \"2026-01-10\",\n"
		    "      \"domain\": \"a.example\",\n      \"result_types\": {\n      },\n"
		    "      \"successful\": 9,\n      \"failed\": 0\n    },");
		CHECK_CONTAINS(t, "\"empty_array\": [\n  ],");
		free(t);
	}
	/* Not an object at the root: as json-c prints it. */
	{
		struct json_object *arr = json_object_new_array();
		char *got, *want;

		json_object_array_add(arr, domain(1, "r.example", 2));
		json_object_array_add(arr, json_object_new_string("s"));
		want = whole(arr, flag_sets[0]);
		got = streamed(arr, flag_sets[0]);
		CHECK_STR(got, want);
		free(got);
		free(want);
		json_object_put(arr);
		got = streamed(NULL, flag_sets[0]);
		CHECK_STR(got, "null");
		free(got);
	}
	json_object_put(mc);
	json_object_put(mj);
}

/* The top-level entries of M, read through the accessors. */
static void
check_entries(struct json_object *m)
{
	struct report_daily_entry e;
	size_t i, j, k;
	const char *rt;
	long long n;

	CHECK_INT(report_daily_n(m), sizeof(order) / sizeof(order[0]));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		k = order[i];
		CHECK_INT(report_daily_at(m, i, &e), 0);
		CHECK_STR(e.date, dates[adds[k].day]);
		CHECK_STR(e.domain, adds[k].domain);
		CHECK_INT(e.successful, adds[k].ok);
		CHECK_INT(e.failed, adds[k].failed);
		/* Its types in the order they came. */
		for (j = 0, n = 0; j < sizeof(types) / sizeof(types[0]); j++) {
			const char *name;
			long long cnt;

			if (types[j].entry != k)
				continue;
			CHECK_INT(report_daily_type(&e, (size_t)n, &name, &cnt), 0);
			CHECK_STR(name, types[j].rt);
			CHECK_INT(cnt, types[j].n);
			n++;
		}
		CHECK_INT(e.n_types, n);
		CHECK(report_daily_type(&e, (size_t)n, &rt, &n) < 0);
	}
	CHECK(report_daily_at(m, i, &e) < 0);
}

static void
test_read(void)
{
	struct json_object *mc = model(1), *mj = model(0), *parsed;
	struct json_object *m[3];
	struct report_daily_entry e;
	char buf[REPORT_DAILY_DATE_SIZE];
	const char *kept;
	size_t i, d;

	parsed = json_tokener_parse(json_object_to_json_string(mc));
	CHECK(parsed != NULL);
	m[0] = mc;
	m[1] = mj;
	m[2] = parsed;
	for (i = 0; i < 3; i++) {
		struct json_object *doms = json_object_object_get(m[i], "domains");
		struct json_object *x = json_object_array_get_idx(doms, 0);
		struct json_object *y = json_object_array_get_idx(doms, 1);

		check_entries(m[i]);
		/* A domain's series: its days in order, no domain, no types. */
		CHECK_INT(report_daily_n(x), 3);
		for (d = 0; d < 3; d++) {
			CHECK_INT(report_daily_at(x, d, &e), 0);
			CHECK_STR(e.date, dates[d]);
			CHECK_STR(e.domain, "");
			CHECK_INT(e.successful, 10 + (long long)d);
			CHECK_INT(e.failed, d);
			CHECK_INT(e.n_types, 0);
		}
		CHECK_INT(report_daily_n(y), 0);
		CHECK(report_daily_at(y, 0, &e) < 0);
		/* A date kept outlives its entry. */
		CHECK_INT(report_daily_at(x, 2, &e), 0);
		kept = report_daily_date(&e, buf, sizeof(buf));
		CHECK_INT(report_daily_at(x, 0, &e), 0);
		CHECK_STR(kept, "2026-01-12");
	}
	json_object_put(parsed);
	json_object_put(mc);
	json_object_put(mj);
}

static void
test_empty(void)
{
	struct json_object *m = json_object_new_object(), *bad = json_object_new_object();
	struct json_object *arr = json_object_new_object(), *odd;
	struct report_daily_entry e;
	char *got, *want;

	CHECK_INT(report_daily_n(NULL), 0);
	CHECK_INT(report_daily_n(m), 0);
	CHECK(report_daily_at(m, 0, &e) < 0);
	/* "daily" not an array reads as none. */
	json_object_object_add(bad, "daily", json_object_new_string("x"));
	CHECK_INT(report_daily_n(bad), 0);
	/* Entries that are not objects read as "" and 0. */
	odd = json_object_new_array();
	json_object_array_add(odd, json_object_new_int(7));
	json_object_object_add(bad, "daily", odd);
	CHECK_INT(report_daily_n(bad), 1);
	CHECK_INT(report_daily_at(bad, 0, &e), 0);
	CHECK_STR(e.date, "");
	CHECK_INT(e.failed, 0);
	CHECK_INT(e.n_types, 0);
	/* An empty series prints as json-c's empty array. */
	json_object_object_add(m, "daily", report_daily_finish(report_daily_new(1)));
	json_object_object_add(m, "domains", json_object_new_array());
	CHECK_INT(report_daily_n(m), 0);
	json_object_object_add(arr, "daily", json_object_new_array());
	json_object_object_add(arr, "domains", json_object_new_array());
	want = whole(arr, flag_sets[0]);
	got = streamed(m, flag_sets[0]);
	CHECK_STR(got, want);
	CHECK_STR(json_object_to_json_string_ext(m, flag_sets[1]), "{\"daily\":[],\"domains\":[]}");
	free(got);
	free(want);
	/* And an empty model as json-c's empty object. */
	{
		struct json_object *o = json_object_new_object();

		want = whole(o, flag_sets[0]);
		got = streamed(o, flag_sets[0]);
		CHECK_STR(got, want);
		CHECK_STR(got, "{\n}");	/* json-c 0.16's layout */
		free(got);
		free(want);
		json_object_put(o);
	}
	report_daily_free(NULL);
	report_daily_free(report_daily_new(0));
	CHECK(report_daily_finish(NULL) == NULL);
	json_object_put(m);
	json_object_put(bad);
	json_object_put(arr);
}

/* Many entries: the sort holds and the types stay with their entries. */
static void
test_many(void)
{
	struct report_daily *s = report_daily_new(1);
	struct json_object *m = json_object_new_object(), *ph;
	struct report_daily_entry e, prev;
	size_t i, n = 5000;
	int ok = 1;

	for (i = 0; i < n; i++) {
		char dom[32];
		long idx;

		snprintf(dom, sizeof(dom), "d%zu.example", (i * 7919) % 613);
		idx = report_daily_add(s, DAY0 + (long)((i * 104729) % 97), dom,
		    (long long)i, (long long)(i % 5));
		report_daily_add_type(s, (size_t)idx, i % 2 ? "one" : "two", (long long)i);
	}
	ph = report_daily_finish(s);
	CHECK(ph != NULL);
	json_object_object_add(m, "daily", ph);
	CHECK_INT(report_daily_n(m), n);
	memset(&prev, 0, sizeof(prev));
	for (i = 0; i < n && ok; i++) {
		char pd[16], pdom[32];
		const char *rt;
		long long cnt;

		report_daily_at(m, i, &e);
		if (i > 0) {
			int c = strcmp(pd, e.date);

			if (c > 0 || (c == 0 && strcmp(pdom, e.domain) > 0))
				ok = 0;
		}
		/* Each entry's one type is its own: named and counted by its sum. */
		if (e.n_types != 1 || report_daily_type(&e, 0, &rt, &cnt) != 0 ||
		    cnt != e.successful || strcmp(rt, cnt % 2 ? "one" : "two") != 0)
			ok = 0;
		snprintf(pd, sizeof(pd), "%s", e.date);
		snprintf(pdom, sizeof(pdom), "%s", e.domain);
	}
	CHECKF(ok, "entry %zu out of order or with another's types", i);
	json_object_put(m);
}

int
main(void)
{
	test_text();
	test_read();
	test_empty();
	test_many();
	return test_summary("test_report_daily");
}
