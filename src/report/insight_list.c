/*
 * insight_list.c - building one insight; see insight_list.h.
 */
#include "insight_list.h"
#include "model_get.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct json_object *
insight_new(struct json_object *list, const char *kind, const char *severity,
    const char *domain, const char *first, const char *last)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "severity", json_object_new_string(severity));
	json_object_object_add(o, "domain", domain ? json_object_new_string(domain) : NULL);
	json_object_object_add(o, "title", json_object_new_string(""));
	json_object_object_add(o, "evidence", json_object_new_array());
	json_object_object_add(o, "fix", json_object_new_string(""));
	json_object_object_add(o, "first_date", first ? json_object_new_string(first) : NULL);
	json_object_object_add(o, "last_date", last ? json_object_new_string(last) : NULL);
	json_object_array_add(list, o);
	return o;
}

void
insight_text(struct json_object *o, const char *key, const char *fmt, ...)
{
	char buf[2560];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* Does LINE start with a day, "YYYY-MM-DD"? */
static int
is_day_line(const char *line)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? line[i] != '-' : !isdigit((unsigned char)line[i]))
			return 0;
	return 1;
}

void
insight_evidence(struct json_object *o, const char *fmt, ...)
{
	struct json_object *arr = mval_array(o, "evidence");
	size_t n;
	char buf[1024];
	va_list ap;

	if (arr == NULL)
		return;
	n = json_object_array_length(arr);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && strcmp(buf, json_object_get_string(
	    json_object_array_get_idx(arr, n - 1))) == 0)
		return;
	if (n < INSIGHT_MAX_EVIDENCE) {
		json_object_array_add(arr, json_object_new_string(buf));
		return;
	}
	json_object_object_add(o, "_more", json_object_new_int64(mval_int(o, "_more") + 1));
	if (is_day_line(buf))
		json_object_object_add(o, "_more_days",
		    json_object_new_int64(mval_int(o, "_more_days") + 1));
}

void
insight_evidence_second(struct json_object *o, const char *line)
{
	struct json_object *arr = mval_array(o, "evidence"), *out;
	size_t n, i;

	if (arr == NULL || (n = json_object_array_length(arr)) == 0) {
		insight_evidence(o, "%s", line);
		return;
	}
	out = json_object_new_array();
	json_object_array_add(out, json_object_get(json_object_array_get_idx(arr, 0)));
	json_object_array_add(out, json_object_new_string(line));
	for (i = 1; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);

		if (i + 1 < INSIGHT_MAX_EVIDENCE) {
			json_object_array_add(out, json_object_get(e));
			continue;
		}
		json_object_object_add(o, "_more", json_object_new_int64(mval_int(o, "_more") + 1));
		if (is_day_line(json_object_get_string(e)))
			json_object_object_add(o, "_more_days",
			    json_object_new_int64(mval_int(o, "_more_days") + 1));
	}
	json_object_object_add(o, "evidence", out);
}

void
insight_evidence_end(struct json_object *o)
{
	long long more = mval_int(o, "_more"), days = mval_int(o, "_more_days");
	struct json_object *arr = mval_array(o, "evidence");

	if (more > 0 && arr != NULL) {
		char buf[64];

		snprintf(buf, sizeof(buf), "... and %lld more%s", more,
		    days == more ? (more == 1 ? " day" : " days") : "");
		json_object_array_add(arr, json_object_new_string(buf));
	}
	json_object_object_del(o, "_more");
	json_object_object_del(o, "_more_days");
}

const char *
insight_cmd_name(const char *name, const char *placeholder)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '-' ||
	    strlen(name) > 253)
		return placeholder;
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '.' || name[i] == '_'))
			return placeholder;
	return name;
}

int
insight_severity_rank(const char *s)
{
	return strcmp(s, "critical") == 0 ? 0 : strcmp(s, "warning") == 0 ? 1 : 2;
}

int
insight_order(struct json_object *a, struct json_object *b)
{
	struct insight_rank x, y;

	insight_rank_read(&x, a);
	insight_rank_read(&y, b);
	return insight_rank_cmp(&x, &y);
}

void
insight_rank_read(struct insight_rank *r, struct json_object *o)
{
	r->resolved = strcmp(mval_str(o, "status"), "ongoing") != 0;
	r->severity = insight_severity_rank(mval_str(o, "severity"));
	r->last = mval_str(o, "last_date");
	r->first = mval_str(o, "first_date");
	r->domain = mval_str(o, "domain");
	r->title = mval_str(o, "title");
}

int
insight_rank_cmp_untitled(const struct insight_rank *a, const struct insight_rank *b)
{
	int c = a->resolved - b->resolved;

	if (c == 0)
		c = a->severity - b->severity;
	if (c == 0)
		c = strcmp(b->last, a->last);
	if (c == 0)
		c = strcmp(b->first, a->first);
	if (c == 0)
		c = strcmp(a->domain, b->domain);
	return c;
}

int
insight_rank_cmp(const struct insight_rank *a, const struct insight_rank *b)
{
	int c = insight_rank_cmp_untitled(a, b);

	return c != 0 ? c : strcmp(a->title, b->title);
}
