/*
 * test_divert.c - the Action decision (divert_choose) for every action
 * and verdict, every store outcome, and the audit header's wording.
 */
#include "testlib.h"
#include "divert.h"

#include <stdlib.h>

static const struct {
	const char *name;
	enum divert_action action;
	enum tag_verdict verdict;
	unsigned reports, stored, duplicates, spooled;
	int store_failed, rcpts_complete;
	enum divert_outcome want;
	const char *why;		/* NULL: none; else a substring */
} cases[] = {
	{ "tag pass", ACTION_TAG, TAG_PASS, 1, 1, 0, 0, 0, 1, DIVERT_TAG, NULL },
	{ "tag fail", ACTION_TAG, TAG_FAIL, 0, 0, 0, 0, 0, 1, DIVERT_TAG, NULL },
	{ "redirect pass", ACTION_REDIRECT, TAG_PASS, 1, 1, 0, 0, 0, 1, DIVERT_REDIRECT, NULL },
	{ "redirect pass, store failed", ACTION_REDIRECT, TAG_PASS, 1, 0, 0, 1, 1, 1,
	  DIVERT_REDIRECT, NULL },
	{ "redirect fail", ACTION_REDIRECT, TAG_FAIL, 0, 0, 0, 0, 0, 1, DIVERT_TAG, NULL },
	{ "redirect fail, recorded unverified", ACTION_REDIRECT, TAG_FAIL, 1, 1, 0, 0, 0, 1,
	  DIVERT_TAG, NULL },
	{ "redirect invalid", ACTION_REDIRECT, TAG_INVALID, 0, 0, 0, 0, 0, 1, DIVERT_TAG, NULL },
	{ "redirect, recipients lost", ACTION_REDIRECT, TAG_PASS, 1, 1, 0, 0, 0, 0,
	  DIVERT_TAG, "not every recipient" },
	{ "discard pass stored", ACTION_DISCARD, TAG_PASS, 1, 1, 0, 0, 0, 1, DIVERT_DISCARD, NULL },
	{ "discard pass duplicate", ACTION_DISCARD, TAG_PASS, 1, 0, 1, 0, 0, 1, DIVERT_DISCARD, NULL },
	{ "discard two reports, one new one known", ACTION_DISCARD, TAG_PASS, 2, 1, 1, 0, 0, 1,
	  DIVERT_DISCARD, NULL },
	{ "discard, store failed and spooled", ACTION_DISCARD, TAG_PASS, 1, 0, 0, 1, 1, 1,
	  DIVERT_TAG, "report spooled" },
	{ "discard, store and spool failed", ACTION_DISCARD, TAG_PASS, 1, 0, 0, 0, 1, 1,
	  DIVERT_TAG, "the store failed" },
	{ "discard, second of two reports failed", ACTION_DISCARD, TAG_PASS, 2, 1, 0, 1, 1, 1,
	  DIVERT_TAG, "the store failed" },
	{ "discard, fewer stored than parsed", ACTION_DISCARD, TAG_PASS, 2, 1, 0, 0, 0, 1,
	  DIVERT_TAG, "not every report" },
	{ "discard fail", ACTION_DISCARD, TAG_FAIL, 1, 1, 0, 0, 0, 1, DIVERT_TAG, NULL },
	{ "discard invalid", ACTION_DISCARD, TAG_INVALID, 0, 0, 0, 0, 0, 1, DIVERT_TAG, NULL },
	/* Authenticated but not trusted (verdict.h): stored, never diverted. */
	{ "redirect verified", ACTION_REDIRECT, TAG_VERIFIED, 1, 1, 0, 0, 0, 1,
	  DIVERT_TAG, NULL },
	{ "discard verified, stored", ACTION_DISCARD, TAG_VERIFIED, 1, 1, 0, 0, 0, 1,
	  DIVERT_TAG, NULL },
	{ "discard verified, duplicate", ACTION_DISCARD, TAG_VERIFIED, 1, 0, 1, 0, 0, 1,
	  DIVERT_TAG, NULL },
};

static void
test_choose(void)
{
	struct config cfg;
	struct verdict v;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		memset(&v, 0, sizeof(v));
		cfg.action = cases[i].action;
		v.verdict = cases[i].verdict;
		v.reports = cases[i].reports;
		v.stored = cases[i].stored;
		v.duplicates = cases[i].duplicates;
		v.spooled = cases[i].spooled;
		v.store_failed = cases[i].store_failed;
		CHECKF(divert_choose(&cfg, &v, cases[i].rcpts_complete, &why) ==
		    cases[i].want, "%s: outcome", cases[i].name);
		if (cases[i].why == NULL)
			CHECKF(why == NULL, "%s: unexpected reason %s", cases[i].name, why);
		else
			CHECKF(why != NULL && strstr(why, cases[i].why) != NULL,
			    "%s: reason %s lacks %s", cases[i].name,
			    why ? why : "(none)", cases[i].why);
	}
}

static void
test_audit(void)
{
	const char *one[] = { "<tlsrpt@example.net>" };
	const char *two[] = { "<a@example.net>", "<b\r\n\x80@example.net>" };
	char buf[64];

	CHECK_INT(divert_audit_value(buf, sizeof(buf), one, 1), 20);
	CHECK_STR(buf, "<tlsrpt@example.net>");
	CHECK(divert_audit_value(buf, sizeof(buf), two, 2) > 0);
	CHECK_STR(buf, "<a@example.net>,\n\t<b???@example.net>");
	CHECK_INT(divert_audit_value(buf, 10, one, 1), -1);
	CHECK_INT(divert_audit_value(buf, 16, two, 2), -1);
	CHECK_INT(divert_audit_value(buf, sizeof(buf), one, 0), 0);
	CHECK_STR(buf, "");
}

static void
test_same_address(void)
{
	CHECK(divert_same_address("<Archive@Example.NET>", "archive@example.net"));
	CHECK(divert_same_address("archive@example.net", "archive@example.net"));
	CHECK(!divert_same_address("<archive@example.net", "archive@example.net"));
	CHECK(!divert_same_address("<archive2@example.net>", "archive@example.net"));
	CHECK(!divert_same_address("<>", "archive@example.net"));
}

int
main(void)
{
	test_choose();
	test_audit();
	test_same_address();
	return test_summary("test_divert");
}
