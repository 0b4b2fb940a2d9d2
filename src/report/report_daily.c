/*
 * report_daily.c - the model's daily series as C arrays (report_daily.h).
 */
#include "report_daily.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array_grow.h"
#include "model_get.h"
#include "report_options.h"
#include "text_safe.h"

#define RD_MAGIC	0x64614c79u
/* Distinct result type names looked up before each is stored again. */
#define RD_RT_CACHE	32

struct rd_entry {
	int32_t day;
	uint32_t dom;			/* offset in the pool */
	uint32_t t0, nt;		/* its types; t0 is its first index while built */
	long long ok, failed;
};

struct rd_type {
	uint32_t entry;			/* while built */
	uint32_t name;			/* offset in the pool */
	long long n;
};

struct report_daily {
	uint32_t magic;
	int with_domain;
	struct rd_entry *e;
	size_t n, cap;
	struct rd_type *t;
	size_t nt, capt;
	char *pool;
	size_t plen, pcap;
	uint32_t rt[RD_RT_CACHE];
	size_t n_rt;
};

struct report_daily *
report_daily_new(int with_domain)
{
	struct report_daily *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->magic = RD_MAGIC;
	s->with_domain = with_domain;
	/* Offset 0 is "". */
	if ((s->pool = malloc(256)) == NULL) {
		free(s);
		return NULL;
	}
	s->pool[0] = '\0';
	s->plen = 1;
	s->pcap = 256;
	return s;
}

void
report_daily_free(struct report_daily *s)
{
	if (s == NULL)
		return;
	free(s->e);
	free(s->t);
	free(s->pool);
	free(s);
}

/* STR into the pool: its offset, or 0 with *BAD set. */
static uint32_t
pool_add(struct report_daily *s, const char *str, int *bad)
{
	size_t len = strlen(str) + 1;
	uint32_t off;
	char *p;

	if (len == 1)
		return 0;
	if (len > UINT32_MAX - s->plen) {
		*bad = 1;
		return 0;
	}
	if ((p = array_grow(s->pool, &s->pcap, s->plen + len, 1)) == NULL) {
		*bad = 1;
		return 0;
	}
	s->pool = p;
	off = (uint32_t)s->plen;
	memcpy(s->pool + s->plen, str, len);
	s->plen += len;
	return off;
}

long
report_daily_add(struct report_daily *s, long day, const char *domain,
    long long successful, long long failed)
{
	struct rd_entry *e;
	int bad = 0;

	if (s == NULL || s->n >= UINT32_MAX)
		return -1;
	if ((e = array_grow(s->e, &s->cap, s->n + 1, sizeof(*e))) == NULL)
		return -1;
	s->e = e;
	e = &s->e[s->n];
	memset(e, 0, sizeof(*e));
	e->day = (int32_t)day;
	e->dom = s->with_domain && domain != NULL ? pool_add(s, domain, &bad) : 0;
	if (bad)
		return -1;
	e->t0 = (uint32_t)s->n;
	e->ok = successful;
	e->failed = failed;
	return (long)s->n++;
}

int
report_daily_add_type(struct report_daily *s, size_t i, const char *rt,
    long long n)
{
	struct rd_type *t;
	size_t k;
	uint32_t name = 0;
	int bad = 0, found = 0;

	if (s == NULL || i >= s->n || rt == NULL)
		return -1;
	/* A handful of names: look them up rather than store each again. */
	for (k = 0; k < s->n_rt && !found; k++)
		if (strcmp(s->pool + s->rt[k], rt) == 0) {
			name = s->rt[k];
			found = 1;
		}
	if (!found) {
		name = pool_add(s, rt, &bad);
		if (bad)
			return -1;
		if (s->n_rt < RD_RT_CACHE)
			s->rt[s->n_rt++] = name;
	}
	if ((t = array_grow(s->t, &s->capt, s->nt + 1, sizeof(*t))) == NULL)
		return -1;
	s->t = t;
	s->t[s->nt].entry = (uint32_t)i;
	s->t[s->nt].name = name;
	s->t[s->nt].n = n;
	s->nt++;
	return 0;
}

/* By day, then by domain: the order of the "date<TAB>domain" keys. */
static const char *sort_pool;

static int
by_day_domain(const void *x, const void *y)
{
	const struct rd_entry *a = x, *b = y;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return strcmp(sort_pool + a->dom, sort_pool + b->dom);
}

/* Sort the entries and group each one's types, in the order they came. */
static int
sort_series(struct report_daily *s)
{
	uint32_t *where = NULL;
	size_t *at = NULL, i;
	struct rd_type *t = NULL;
	int rc = -1;

	sort_pool = s->pool;
	if (s->n > 1)	/* an empty series has no array at all */
		qsort(s->e, s->n, sizeof(*s->e), by_day_domain);
	if ((where = malloc((s->n + 1) * sizeof(*where))) == NULL ||
	    (at = calloc(s->n + 1, sizeof(*at))) == NULL ||
	    (t = malloc((s->nt + 1) * sizeof(*t))) == NULL)
		goto out;
	for (i = 0; i < s->n; i++) {
		where[s->e[i].t0] = (uint32_t)i;
		s->e[i].nt = 0;
	}
	for (i = 0; i < s->nt; i++)
		s->e[where[s->t[i].entry]].nt++;
	for (i = 0; i < s->n; i++) {
		s->e[i].t0 = (uint32_t)(i ? s->e[i - 1].t0 + s->e[i - 1].nt : 0);
		at[i] = s->e[i].t0;
	}
	for (i = 0; i < s->nt; i++) {
		uint32_t k = where[s->t[i].entry];

		t[at[k]++] = s->t[i];
	}
	free(s->t);
	s->t = t;
	t = NULL;
	rc = 0;
out:
	free(where);
	free(at);
	free(t);
	return rc;
}

/* The series a placeholder owns, or NULL for any other value. */
static const struct report_daily *
series_of(struct json_object *v)
{
	const struct report_daily *s;

	if (v == NULL || !json_object_is_type(v, json_type_array))
		return NULL;
	s = json_object_get_userdata(v);
	return s != NULL && s->magic == RD_MAGIC ? s : NULL;
}

static void
indent(struct printbuf *pb, int level, int flags)
{
	if (flags & JSON_C_TO_STRING_PRETTY) {
		if (flags & JSON_C_TO_STRING_PRETTY_TAB)
			printbuf_memset(pb, -1, '\t', level);
		else
			printbuf_memset(pb, -1, ' ', level * 2);
	}
}

/* TEXT (json-c's text of a value at level 0) as at LEVEL, onto PB. */
static void
append_at(struct printbuf *pb, const char *text, int level, int flags)
{
	const char *nl;

	/* In json-c's text a newline is only ever its layout's. */
	while ((nl = strchr(text, '\n')) != NULL) {
		printbuf_memappend(pb, text, (int)(nl - text + 1));
		indent(pb, level, flags);
		text = nl + 1;
	}
	printbuf_memappend(pb, text, (int)strlen(text));
}

/* Before element (or key) I at LEVEL, as json-c lays them out. */
static void
element_sep(struct printbuf *pb, size_t i, int level, int flags)
{
	if (i > 0) {
		printbuf_strappend(pb, ",");
		if (flags & JSON_C_TO_STRING_PRETTY)
			printbuf_strappend(pb, "\n");
	}
	if ((flags & JSON_C_TO_STRING_SPACED) && !(flags & JSON_C_TO_STRING_PRETTY))
		printbuf_strappend(pb, " ");
	indent(pb, level + 1, flags);
}

/* An array's or object's opening BRACKET ("[", "{"), as json-c writes it. */
static void
open_with(struct printbuf *pb, const char *bracket, int flags)
{
	printbuf_memappend(pb, bracket, 1);
	if (flags & JSON_C_TO_STRING_PRETTY)
		printbuf_strappend(pb, "\n");
}

/* Its closing one after N members at LEVEL: SPACED is " ]" or " }". */
static void
close_with(struct printbuf *pb, size_t n, int level, int flags, const char *spaced)
{
	if (flags & JSON_C_TO_STRING_PRETTY) {
		if (n > 0)
			printbuf_strappend(pb, "\n");
		indent(pb, level, flags);
	}
	if ((flags & JSON_C_TO_STRING_SPACED) && !(flags & JSON_C_TO_STRING_PRETTY))
		printbuf_memappend(pb, spaced, 2);
	else
		printbuf_memappend(pb, spaced + 1, 1);
}

/*
 * The pool's strings as json-c writes them (quoted, escaped), each made
 * once by json-c itself, by offset; NULL while not made.
 */
struct quoted {
	char **at;
	size_t n;
};

static const char *
quoted(struct quoted *q, const struct report_daily *s, uint32_t off, int flags)
{
	struct json_object *js;
	const char *t;

	if (off >= q->n)
		return NULL;
	if (q->at[off] == NULL) {
		if ((js = json_object_new_string(s->pool + off)) == NULL)
			return NULL;
		if ((t = json_object_to_json_string_ext(js, flags)) != NULL)
			q->at[off] = strdup(t);
		json_object_put(js);
	}
	return q->at[off];
}

/* Member I of an object at LEVEL: its key (quoted) as json-c lays it out. */
static void
member(struct printbuf *pb, size_t i, const char *key, int level, int flags)
{
	element_sep(pb, i, level, flags);
	printbuf_memappend(pb, key, (int)strlen(key));
	if (flags & JSON_C_TO_STRING_SPACED)
		printbuf_strappend(pb, ": ");
	else
		printbuf_strappend(pb, ":");
}

static void
number(struct printbuf *pb, long long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lld", n);

	printbuf_memappend(pb, buf, len);
}

/*
 * Entry I of S as json-c prints its object at LEVEL, onto PB, written
 * here rather than built as json-c objects for each of tens of thousands
 * of entries; strings as json-c escapes them (Q).  0 or -1.
 */
static int
entry_json(struct printbuf *pb, const struct report_daily *s, size_t i,
    int level, int flags, struct quoted *q)
{
	const struct rd_entry *e = &s->e[i];
	char date[32];
	size_t k, m = 0;

	open_with(pb, "{", flags);
	report_date((time_t)e->day * REPORT_DAY, date + 1, sizeof(date) - 2);
	date[0] = '"';
	strcat(date, "\"");
	member(pb, m++, "\"date\"", level, flags);
	printbuf_memappend(pb, date, (int)strlen(date));
	if (s->with_domain) {
		const char *d = quoted(q, s, e->dom, flags);

		if (d == NULL)
			return -1;
		member(pb, m++, "\"domain\"", level, flags);
		printbuf_memappend(pb, d, (int)strlen(d));
		member(pb, m++, "\"result_types\"", level, flags);
		open_with(pb, "{", flags);
		for (k = 0; k < e->nt; k++) {
			const char *rt = quoted(q, s, s->t[e->t0 + k].name, flags);

			if (rt == NULL)
				return -1;
			member(pb, k, rt, level + 1, flags);
			number(pb, s->t[e->t0 + k].n);
		}
		close_with(pb, e->nt, level + 1, flags, " }");
	}
	member(pb, m++, "\"successful\"", level, flags);
	number(pb, e->ok);
	member(pb, m++, "\"failed\"", level, flags);
	number(pb, e->failed);
	close_with(pb, m, level, flags, " }");
	return 0;
}

static int
quoted_init(struct quoted *q, const struct report_daily *s)
{
	q->n = s->with_domain ? s->plen : 0;
	q->at = q->n > 0 ? calloc(q->n, sizeof(*q->at)) : NULL;
	return q->n > 0 && q->at == NULL ? -1 : 0;
}

static void
quoted_free(struct quoted *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		free(q->at[i]);
	free(q->at);
}

/* The placeholder's serializer: the series as json-c prints an array. */
static int
serialize(struct json_object *jso, struct printbuf *pb, int level, int flags)
{
	const struct report_daily *s = series_of(jso);
	size_t i, n = s != NULL ? s->n : 0;

	struct quoted q = { NULL, 0 };

	if (s != NULL && quoted_init(&q, s) < 0)
		return -1;
	open_with(pb, "[", flags);
	for (i = 0; i < n; i++) {
		element_sep(pb, i, level, flags);
		if (entry_json(pb, s, i, level + 1, flags, &q) < 0) {
			quoted_free(&q);
			return -1;
		}
	}
	close_with(pb, n, level, flags, " ]");
	quoted_free(&q);
	return 0;
}

static void
release(struct json_object *jso, void *userdata)
{
	(void)jso;
	report_daily_free(userdata);
}

struct json_object *
report_daily_finish(struct report_daily *s)
{
	struct json_object *arr;

	if (s == NULL)
		return NULL;
	if (sort_series(s) < 0 || (arr = json_object_new_array()) == NULL) {
		report_daily_free(s);
		return NULL;
	}
	json_object_set_serializer(arr, serialize, s, release);
	return arr;
}

/* ---- reading ------------------------------------------------------------- */

static struct json_object *
daily_value(struct json_object *obj)
{
	struct json_object *v = NULL;

	if (obj == NULL || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "daily", &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

size_t
report_daily_n(struct json_object *obj)
{
	struct json_object *v = daily_value(obj);
	const struct report_daily *s = series_of(v);

	if (s != NULL)
		return s->n;
	return v != NULL ? json_object_array_length(v) : 0;
}

int
report_daily_at(struct json_object *obj, size_t i, struct report_daily_entry *e)
{
	struct json_object *v = daily_value(obj), *d, *types = NULL;
	const struct report_daily *s = series_of(v);

	memset(e, 0, sizeof(*e));
	e->date = e->domain = "";
	if (s != NULL) {
		const struct rd_entry *r;

		if (i >= s->n)
			return -1;
		r = &s->e[i];
		report_date((time_t)r->day * REPORT_DAY, e->buf, sizeof(e->buf));
		e->date = e->buf;
		e->domain = s->pool + r->dom;
		e->successful = r->ok;
		e->failed = r->failed;
		e->n_types = r->nt;
		e->s = s;
		e->i = i;
		return 0;
	}
	if (v == NULL || i >= json_object_array_length(v))
		return -1;
	d = json_object_array_get_idx(v, i);
	e->date = mval_str(d, "date");
	e->domain = mval_str(d, "domain");
	e->successful = mval_int(d, "successful");
	e->failed = mval_int(d, "failed");
	if (d != NULL && json_object_is_type(d, json_type_object) &&
	    json_object_object_get_ex(d, "result_types", &types) &&
	    json_object_is_type(types, json_type_object)) {
		e->types = types;
		e->n_types = (size_t)json_object_object_length(types);
	}
	return 0;
}

const char *
report_daily_date(const struct report_daily_entry *e, char *buf, size_t size)
{
	if (e->date != e->buf)
		return e->date;
	snprintf(buf, size, "%s", e->buf);
	return buf;
}

int
report_daily_type(const struct report_daily_entry *e, size_t j,
    const char **rt, long long *n)
{
	if (j >= e->n_types)
		return -1;
	if (e->s != NULL) {
		const struct rd_type *t = &e->s->t[e->s->e[e->i].t0 + j];

		*rt = e->s->pool + t->name;
		*n = t->n;
		return 0;
	}
	json_object_object_foreach(e->types, k, v) {
		if (j-- == 0) {
			*rt = k;
			*n = (long long)json_object_get_int64(v);
			return 0;
		}
	}
	return -1;
}

/* ---- printing ------------------------------------------------------------ */

/* PB's text out through text_json_fputs(), PB emptied; 0 or -1. */
static int
flush_pb(FILE *fp, struct printbuf *pb)
{
	if (pb->bpos > 0)
		text_json_fputs(fp, pb->buf);
	printbuf_reset(pb);
	return ferror(fp) ? -1 : 0;
}

/* V at LEVEL as json-c prints it; arrays element by element. */
static int
write_value(FILE *fp, struct printbuf *pb, struct json_object *v, int level,
    int flags)
{
	const struct report_daily *s = series_of(v);
	const char *text;
	size_t i, n;

	if (v != NULL && json_object_is_type(v, json_type_array)) {
		struct quoted q = { NULL, 0 };
		int rc = 0;

		n = s != NULL ? s->n : json_object_array_length(v);
		if (s != NULL && quoted_init(&q, s) < 0)
			return -1;
		open_with(pb, "[", flags);
		for (i = 0; i < n && rc == 0; i++) {
			element_sep(pb, i, level, flags);
			if (s != NULL)
				rc = entry_json(pb, s, i, level + 1, flags, &q);
			else
				rc = write_value(fp, pb, json_object_array_get_idx(v, i),
				    level + 1, flags);
			if (rc == 0)
				rc = flush_pb(fp, pb);
		}
		quoted_free(&q);
		if (rc == 0)
			close_with(pb, n, level, flags, " ]");
		return rc;
	}
	if (v == NULL) {
		printbuf_strappend(pb, "null");
		return 0;
	}
	if ((text = json_object_to_json_string_ext(v, flags)) == NULL)
		return -1;
	append_at(pb, text, level, flags);
	return 0;
}

int
report_daily_json_write(FILE *fp, struct json_object *model, int flags)
{
	struct printbuf *pb = printbuf_new();
	size_t had = 0;
	int rc = 0;

	if (pb == NULL)
		return -1;
	if (model == NULL || !json_object_is_type(model, json_type_object)) {
		rc = write_value(fp, pb, model, 0, flags);
		if (rc == 0)
			rc = flush_pb(fp, pb);
		printbuf_free(pb);
		return rc;
	}
	/* The root object as json-c lays one out, each value streamed. */
	printbuf_strappend(pb, "{");
	if (flags & JSON_C_TO_STRING_PRETTY)
		printbuf_strappend(pb, "\n");
	json_object_object_foreach(model, key, val) {
		struct json_object *ks;

		element_sep(pb, had++, 0, flags);
		/* The key escaped as json-c escapes a string. */
		if ((ks = json_object_new_string(key)) == NULL) {
			rc = -1;
			break;
		}
		append_at(pb, json_object_to_json_string_ext(ks, flags), 0, flags);
		json_object_put(ks);
		if (flags & JSON_C_TO_STRING_SPACED)
			printbuf_strappend(pb, ": ");
		else
			printbuf_strappend(pb, ":");
		if (write_value(fp, pb, val, 1, flags) < 0 || flush_pb(fp, pb) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		if (flags & JSON_C_TO_STRING_PRETTY) {
			if (had)
				printbuf_strappend(pb, "\n");
			indent(pb, 0, flags);
		}
		if ((flags & JSON_C_TO_STRING_SPACED) && !(flags & JSON_C_TO_STRING_PRETTY))
			printbuf_strappend(pb, " }");
		else
			printbuf_strappend(pb, "}");
		rc = flush_pb(fp, pb);
	}
	printbuf_free(pb);
	return rc;
}
