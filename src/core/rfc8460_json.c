/*
 * rfc8460_json.c - RFC 8460 JSON -> report structs; see rfc8460_json.h.
 */
#include "rfc8460_json.h"
#include "core.h"
#include "json_details.h"
#include "json_scan.h"
#include "result_types.h"
#include "rfc3339.h"

#include <json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WARNINGS	32

/* Per-parse state: where we are, for error messages, and the budgets. */
struct walk {
	struct arena *arena;
	const struct tlsrpt_limits *lim;
	struct tlsrpt_report *rep;
	struct tlsrpt_error *err;
	size_t details_seen;
	char path[160];
	/* Inside failure-details[detail_index]: appended to path on error
	 * only, since formatting it per detail costs more than parsing. */
	int in_detail;
	size_t detail_index;
	/* The failure-details arrays json-c did not see (json_details.h). */
	const char *text;
	struct json_span *spans;
	size_t n_spans;
};

int
report_add_warning(struct arena *a, struct tlsrpt_report *rep,
    const char *fmt, ...)
{
	va_list ap;
	char buf[400];
	const char **grown;
	const char *w;

	if (rep->n_warnings > MAX_WARNINGS)
		return 0;
	if (rep->n_warnings == MAX_WARNINGS) {
		w = "further warnings omitted";
	} else {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		w = buf;
	}
	grown = arena_grow(a, rep->warnings, rep->n_warnings,
	    rep->n_warnings + 1, sizeof(*grown));
	if (grown == NULL || (grown[rep->n_warnings] = arena_strdup(a, w)) == NULL)
		return -1;
	rep->warnings = grown;
	rep->n_warnings++;
	return 0;
}

static enum tlsrpt_errcode
fail(struct walk *w, enum tlsrpt_errcode code, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum tlsrpt_errcode
fail(struct walk *w, enum tlsrpt_errcode code, const char *key,
    const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	char detail[48] = "";

	if (w->in_detail)
		snprintf(detail, sizeof(detail), ".failure-details[%zu]",
		    w->detail_index);
	return tlsrpt_seterr(w->err, code, "report: %s%s%s%s: %s", w->path,
	    detail, w->path[0] != '\0' && key != NULL ? "." : "",
	    key != NULL ? key : "", why);
}

static const char *
type_name(struct json_object *v)
{
	return v == NULL ? "null" : json_type_to_name(json_object_get_type(v));
}

/* First present, non-null member among KEYS (NULL-terminated). */
static struct json_object *
member(struct json_object *obj, const char *const *keys, const char **found_r)
{
	struct json_object *v;

	for (; *keys != NULL; keys++) {
		if (json_object_object_get_ex(obj, *keys, &v) && v != NULL) {
			if (found_r != NULL)
				*found_r = *keys;
			return v;
		}
	}
	return NULL;
}

/*
 * Fields with a natural size, bounded tighter than max_string_bytes: the
 * store indexes them, and no honest report comes near these sizes.
 */
static const struct {
	const char *key;
	size_t max;
	const char *what;
} field_limits[] = {
	{ "policy-domain", 255, "a domain name" },
	{ "mx-host", 255, "a host name or pattern" },
	{ "mx-host-pattern", 255, "a host name or pattern" },
	{ "receiving-mx-hostname", 255, "a host name" },
	{ "receiving-mx-helo", 255, "a host name" },
	{ "sending-mta-ip", 64, "an IP address" },
	{ "receiving-ip", 64, "an IP address" },
	{ "result-type", 64, "a result type" },
	{ "policy-type", 64, "a policy type" },
	{ "organization-name", 1024, "an organization name" },
	{ "report-id", 1024, "a report id" },
	{ "contact-info", 1024, "contact information" },
};

static size_t
field_limit(const char *key, const char **what_r)
{
	size_t i;

	for (i = 0; i < sizeof(field_limits) / sizeof(field_limits[0]); i++)
		if (strcmp(key, field_limits[i].key) == 0) {
			*what_r = field_limits[i].what;
			return field_limits[i].max;
		}
	return 0;
}

/* Copy a JSON string into the arena; "" becomes NULL unless KEEP_EMPTY. */
static enum tlsrpt_errcode
copy_string(struct walk *w, struct json_object *v, const char *key,
    int keep_empty, const char **out_r)
{
	const char *s, *what = "";
	size_t max;
	int len;

	if (!json_object_is_type(v, json_type_string))
		return fail(w, TLSRPT_E_SCHEMA, key, "must be a string, got %s",
		    type_name(v));
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if (len < 0 || memchr(s, '\0', (size_t)len) != NULL)
		return fail(w, TLSRPT_E_SCHEMA, key, "string holds a NUL character");
	if ((size_t)len > w->lim->max_string_bytes)
		return fail(w, TLSRPT_E_LIMIT_STRING, key,
		    "string longer than %zu bytes", w->lim->max_string_bytes);
	if ((max = field_limit(key, &what)) > 0 && (size_t)len > max)
		return fail(w, TLSRPT_E_LIMIT_STRING, key,
		    "%d bytes, too long for %s (at most %zu)", len, what, max);
	if (len == 0 && !keep_empty) {
		*out_r = NULL;
		return TLSRPT_OK;
	}
	if ((*out_r = arena_strndup(w->arena, s, (size_t)len)) == NULL)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	return TLSRPT_OK;
}

static enum tlsrpt_errcode
get_string(struct walk *w, struct json_object *obj, const char *const *keys,
    int required, const char **out_r)
{
	const char *found = keys[0];
	struct json_object *v = member(obj, keys, &found);
	enum tlsrpt_errcode code;

	*out_r = NULL;
	if (v == NULL) {
		if (required)
			return fail(w, TLSRPT_E_SCHEMA, keys[0], "missing");
		return TLSRPT_OK;
	}
	if ((code = copy_string(w, v, found, 0, out_r)) != TLSRPT_OK)
		return code;
	if (*out_r == NULL && required)
		return fail(w, TLSRPT_E_SCHEMA, found, "empty");
	return TLSRPT_OK;
}

/* A session count: a JSON integer in 0..2^53, nothing else. */
static enum tlsrpt_errcode
count_value(struct walk *w, struct json_object *v, const char *key,
    int64_t *out_r)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return fail(w, TLSRPT_E_SCHEMA, key,
		    "must be an integer, got %s", type_name(v));
	n = json_object_get_int64(v);
	/* json-c clamps beyond int64 and keeps big positives as uint64. */
	if (n < 0)
		return fail(w, TLSRPT_E_SCHEMA, key, "negative count %lld",
		    (long long)n);
	if (n == INT64_MAX || n > TLSRPT_MAX_COUNT ||
	    json_object_get_uint64(v) > (uint64_t)TLSRPT_MAX_COUNT)
		return fail(w, TLSRPT_E_SCHEMA, key, "count out of range");
	*out_r = n;
	return TLSRPT_OK;
}

static enum tlsrpt_errcode
get_count(struct walk *w, struct json_object *obj, const char *key,
    int *present_r, int64_t *out_r)
{
	struct json_object *v;
	enum tlsrpt_errcode code;

	*out_r = 0;
	*present_r = 0;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return TLSRPT_OK;
	if ((code = count_value(w, v, key, out_r)) == TLSRPT_OK)
		*present_r = 1;
	return code;
}

static struct json_object *
get_object(struct walk *w, struct json_object *obj, const char *key,
    enum tlsrpt_errcode *code_r)
{
	struct json_object *v;

	*code_r = TLSRPT_OK;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
		*code_r = fail(w, TLSRPT_E_SCHEMA, key, "missing");
		return NULL;
	}
	if (!json_object_is_type(v, json_type_object)) {
		*code_r = fail(w, TLSRPT_E_SCHEMA, key, "must be an object, got %s",
		    type_name(v));
		return NULL;
	}
	return v;
}

static int64_t
add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static enum tlsrpt_errcode
push_string(struct walk *w, const char ***list, size_t *n, const char *s)
{
	const char **grown = arena_grow(w->arena, *list, *n, *n + 1, sizeof(*grown));

	if (grown == NULL)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	grown[(*n)++] = s;
	*list = grown;
	return TLSRPT_OK;
}

/* mx-host: a string or an array of strings; one report keeps "mx: ". */
static enum tlsrpt_errcode
add_mx_host(struct walk *w, struct tlsrpt_policy *pol, struct json_object *v,
    const char *key)
{
	const char *s;
	enum tlsrpt_errcode code;

	if ((code = copy_string(w, v, key, 0, &s)) != TLSRPT_OK || s == NULL)
		return code;
	if (strncasecmp(s, "mx:", 3) == 0)
		s += 3;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return TLSRPT_OK;
	return push_string(w, &pol->mx_hosts, &pol->n_mx_hosts, s);
}

/* Microsoft sends TLSA records as ONE string holding a JSON array. */
static int
expand_encoded_array(struct walk *w, struct tlsrpt_policy *pol, const char *s)
{
	struct json_object *arr;
	size_t i, n;
	int ok = 0;

	while (*s == ' ')
		s++;
	if (*s != '[')
		return 0;
	if ((arr = json_tokener_parse(s)) == NULL)
		return 0;
	if (json_object_is_type(arr, json_type_array)) {
		n = json_object_array_length(arr);
		ok = 1;
		for (i = 0; i < n; i++)
			if (!json_object_is_type(json_object_array_get_idx(arr, i),
			    json_type_string))
				ok = 0;
		for (i = 0; ok && i < n; i++) {
			const char *e;

			if (copy_string(w, json_object_array_get_idx(arr, i),
			    "policy-string", 0, &e) != TLSRPT_OK) {
				ok = -1;
				break;
			}
			if (e != NULL && push_string(w, &pol->policy_strings,
			    &pol->n_policy_strings, e) != TLSRPT_OK) {
				ok = -1;
				break;
			}
		}
	}
	json_object_put(arr);
	return ok;
}

static enum tlsrpt_errcode
add_policy_string(struct walk *w, struct tlsrpt_policy *pol,
    struct json_object *v)
{
	const char *s;
	enum tlsrpt_errcode code;
	int r;

	if ((code = copy_string(w, v, "policy-string", 1, &s)) != TLSRPT_OK)
		return code;
	if ((r = expand_encoded_array(w, pol, s)) != 0)
		return r > 0 ? TLSRPT_OK : w->err->code;
	return push_string(w, &pol->policy_strings, &pol->n_policy_strings, s);
}

/* Apply FN to V, or to each element when V is an array. */
static enum tlsrpt_errcode
for_each_string(struct walk *w, struct tlsrpt_policy *pol,
    struct json_object *v, const char *key,
    enum tlsrpt_errcode (*fn)(struct walk *, struct tlsrpt_policy *,
    struct json_object *, const char *))
{
	enum tlsrpt_errcode code;
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return fn(w, pol, v, key);
	n = json_object_array_length(v);
	for (i = 0; i < n; i++)
		if ((code = fn(w, pol, json_object_array_get_idx(v, i), key)) !=
		    TLSRPT_OK)
			return code;
	return TLSRPT_OK;
}

static enum tlsrpt_errcode
policy_string_fn(struct walk *w, struct tlsrpt_policy *pol,
    struct json_object *v, const char *key)
{
	(void)key;
	return add_policy_string(w, pol, v);
}

static enum tlsrpt_errcode
parse_policy_block(struct walk *w, struct json_object *obj,
    struct tlsrpt_policy *pol)
{
	static const char *const type_k[] = { "policy-type", NULL };
	static const char *const domain_k[] = { "policy-domain", NULL };
	static const char *const mx_k[] = { "mx-host", "mx-host-pattern", NULL };
	static const char *const str_k[] = { "policy-string", NULL };
	struct json_object *v;
	const char *found;
	enum tlsrpt_errcode code;

	if ((code = get_string(w, obj, type_k, 1, &pol->policy_type)) != TLSRPT_OK ||
	    (code = get_string(w, obj, domain_k, 0, &pol->policy_domain)) != TLSRPT_OK)
		return code;
	if ((v = member(obj, str_k, NULL)) != NULL &&
	    (code = for_each_string(w, pol, v, "policy-string",
	    policy_string_fn)) != TLSRPT_OK)
		return code;
	if ((v = member(obj, mx_k, &found)) != NULL &&
	    (code = for_each_string(w, pol, v, found, add_mx_host)) != TLSRPT_OK)
		return code;
	return TLSRPT_OK;
}

/* An optional string member already looked up: NULL means absent. */
static enum tlsrpt_errcode
take_string(struct walk *w, struct json_object *v, const char *key,
    const char **out_r)
{
	*out_r = NULL;
	return v == NULL ? TLSRPT_OK : copy_string(w, v, key, 0, out_r);
}

/*
 * One failure detail.  Its members are visited once (a report may hold
 * 100,000 details, and most alternative spellings are absent, so a
 * lookup per known key would cost more than the walk).
 */
static enum tlsrpt_errcode
parse_detail(struct walk *w, struct json_object *obj,
    struct tlsrpt_failure_detail *d)
{
	struct json_object *rt = NULL, *smi = NULL, *rmh = NULL, *helo = NULL,
	    *rip = NULL, *count = NULL, *info = NULL, *info_alt = NULL,
	    *reason = NULL, *reason_alt = NULL;
	enum tlsrpt_errcode code;

	if (!json_object_is_type(obj, json_type_object))
		return fail(w, TLSRPT_E_SCHEMA, NULL, "must be an object, got %s",
		    type_name(obj));
	json_object_object_foreach(obj, key, val) {
		if (val == NULL)
			continue;	/* JSON null: absent */
		if (strcmp(key, "result-type") == 0)
			rt = val;
		else if (strcmp(key, "failed-session-count") == 0)
			count = val;
		else if (strcmp(key, "sending-mta-ip") == 0)
			smi = val;
		else if (strcmp(key, "receiving-mx-hostname") == 0)
			rmh = val;
		else if (strcmp(key, "receiving-mx-helo") == 0)
			helo = val;
		else if (strcmp(key, "receiving-ip") == 0)
			rip = val;
		else if (strcmp(key, "additional-information") == 0)
			info = val;
		else if (strcmp(key, "additional-info-uri") == 0 ||
		    strcmp(key, "additional-info") == 0)
			info_alt = val;
		else if (strcmp(key, "failure-reason-code") == 0)
			reason = val;
		else if (strcmp(key, "failure-error-code") == 0)
			reason_alt = val;	/* the name in RFC 8460 drafts */
	}
	if (rt == NULL)
		return fail(w, TLSRPT_E_SCHEMA, "result-type", "missing");
	if ((code = copy_string(w, rt, "result-type", 0, &d->result_type)) != TLSRPT_OK)
		return code;
	if (d->result_type == NULL)
		return fail(w, TLSRPT_E_SCHEMA, "result-type", "empty");
	if ((code = take_string(w, smi, "sending-mta-ip", &d->sending_mta_ip)) != TLSRPT_OK ||
	    (code = take_string(w, rmh, "receiving-mx-hostname",
	    &d->receiving_mx_hostname)) != TLSRPT_OK ||
	    (code = take_string(w, helo, "receiving-mx-helo",
	    &d->receiving_mx_helo)) != TLSRPT_OK ||
	    (code = take_string(w, rip, "receiving-ip", &d->receiving_ip)) != TLSRPT_OK ||
	    (code = take_string(w, info != NULL ? info : info_alt,
	    info != NULL ? "additional-information" : "additional-info-uri",
	    &d->additional_information)) != TLSRPT_OK ||
	    (code = take_string(w, reason != NULL ? reason : reason_alt,
	    reason != NULL ? "failure-reason-code" : "failure-error-code",
	    &d->failure_reason_code)) != TLSRPT_OK)
		return code;
	if (count == NULL)
		return fail(w, TLSRPT_E_SCHEMA, "failed-session-count", "missing");
	return count_value(w, count, "failed-session-count",
	    &d->failed_session_count);
}

static enum tlsrpt_errcode
parse_details(struct walk *w, struct json_object *arr, struct tlsrpt_policy *pol,
    size_t base_len)
{
	enum tlsrpt_errcode code;
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array))
		return fail(w, TLSRPT_E_SCHEMA, "failure-details",
		    "must be an array, got %s", type_name(arr));
	n = json_object_array_length(arr);
	if (n > w->lim->max_failure_details - w->details_seen)
		return fail(w, TLSRPT_E_LIMIT_DETAILS, "failure-details",
		    "more than %zu failure details in the report",
		    w->lim->max_failure_details);
	w->details_seen += n;
	pol->details = arena_alloc(w->arena, n * sizeof(*pol->details) + 1);
	if (pol->details == NULL)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	(void)base_len;
	w->in_detail = 1;
	for (i = 0; i < n; i++) {
		w->detail_index = i;
		if ((code = parse_detail(w, json_object_array_get_idx(arr, i),
		    &pol->details[i])) != TLSRPT_OK)
			return code;
		pol->n_details++;
	}
	w->in_detail = 0;
	return TLSRPT_OK;
}

/*
 * A failure-details array left out of json-c's tree: count its elements
 * (the limit comes first, as for parse_details), then parse them one at
 * a time, so only one detail's tree is alive at once.
 */
static enum tlsrpt_errcode
parse_details_span(struct walk *w, const struct json_span *span,
    struct tlsrpt_policy *pol)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	enum tlsrpt_errcode code = TLSRPT_OK;
	size_t pos = 0, s, e, n = 0, i;
	int more;

	while ((more = json_details_next(w->text, span, &pos, &s, &e)) == 1)
		n++;
	if (more < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_JSON,
		    "json: unexpected character at byte %zu", pos);
	if (n > w->lim->max_failure_details - w->details_seen)
		return fail(w, TLSRPT_E_LIMIT_DETAILS, "failure-details",
		    "more than %zu failure details in the report",
		    w->lim->max_failure_details);
	w->details_seen += n;
	pol->details = arena_alloc(w->arena, n * sizeof(*pol->details) + 1);
	if (pol->details == NULL)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	if ((tok = json_tokener_new_ex((int)w->lim->max_json_depth + 1)) == NULL)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "json: out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	w->in_detail = 1;
	for (i = 0, pos = 0; i < n && code == TLSRPT_OK; i++) {
		json_details_next(w->text, span, &pos, &s, &e);
		json_tokener_reset(tok);
		obj = json_tokener_parse_ex(tok, w->text + s, (int)(e - s));
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_continue ||
		    (jerr == json_tokener_success &&
		    json_tokener_get_parse_end(tok) != e - s))
			code = tlsrpt_seterr(w->err, TLSRPT_E_JSON,
			    "json: unexpected character at byte %zu",
			    s + json_tokener_get_parse_end(tok));
		else if (jerr != json_tokener_success)
			code = tlsrpt_seterr(w->err, jerr == json_tokener_error_depth ?
			    TLSRPT_E_LIMIT_DEPTH : TLSRPT_E_JSON, "json: %s at byte %zu",
			    json_tokener_error_desc(jerr),
			    s + json_tokener_get_parse_end(tok));
		else {
			w->detail_index = i;
			if ((code = parse_detail(w, obj, &pol->details[i])) == TLSRPT_OK)
				pol->n_details++;
		}
		json_object_put(obj);
	}
	json_tokener_free(tok);
	if (code == TLSRPT_OK)
		w->in_detail = 0;
	return code;
}

static enum tlsrpt_errcode
parse_policy(struct walk *w, struct json_object *obj, size_t index,
    struct tlsrpt_policy *pol)
{
	struct json_object *policy, *summary, *details;
	enum tlsrpt_errcode code;
	size_t base_len, i;
	int64_t sum = 0;
	int present;

	base_len = (size_t)snprintf(w->path, sizeof(w->path), "policies[%zu]", index);
	if (!json_object_is_type(obj, json_type_object))
		return fail(w, TLSRPT_E_SCHEMA, NULL, "must be an object, got %s",
		    type_name(obj));
	if ((policy = get_object(w, obj, "policy", &code)) == NULL)
		return code;
	snprintf(w->path + base_len, sizeof(w->path) - base_len, ".policy");
	if ((code = parse_policy_block(w, policy, pol)) != TLSRPT_OK)
		return code;
	w->path[base_len] = '\0';
	if ((summary = get_object(w, obj, "summary", &code)) == NULL)
		return code;
	snprintf(w->path + base_len, sizeof(w->path) - base_len, ".summary");
	if ((code = get_count(w, summary, "total-successful-session-count",
	    &present, &pol->total_successful)) != TLSRPT_OK)
		return code;
	if (!present && report_add_warning(w->arena, w->rep,
	    "%s: total-successful-session-count missing, taken as 0", w->path) < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	if ((code = get_count(w, summary, "total-failure-session-count",
	    &present, &pol->total_failure)) != TLSRPT_OK)
		return code;
	if (!present && report_add_warning(w->arena, w->rep,
	    "%s: total-failure-session-count missing, taken as 0", w->path) < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	w->path[base_len] = '\0';
	if (index < w->n_spans && w->spans[index].end != 0) {
		if ((code = parse_details_span(w, &w->spans[index], pol)) != TLSRPT_OK)
			return code;
	} else if (json_object_object_get_ex(obj, "failure-details", &details) &&
	    details != NULL &&
	    (code = parse_details(w, details, pol, base_len)) != TLSRPT_OK)
		return code;

	/* What real reporters get wrong is reported, not refused. */
	if (pol->policy_domain == NULL &&
	    report_add_warning(w->arena, w->rep, "%s: policy-domain missing",
	    w->path) < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	if (strcmp(pol->policy_type, "sts") != 0 &&
	    strcmp(pol->policy_type, "tlsa") != 0 &&
	    strcmp(pol->policy_type, "no-policy-found") != 0 &&
	    report_add_warning(w->arena, w->rep,
	    "%s: unknown policy-type \"%s\" kept as is", w->path,
	    pol->policy_type) < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	for (i = 0; i < pol->n_details; i++) {
		sum = add_sat(sum, pol->details[i].failed_session_count);
		if (!result_type_is_known(pol->details[i].result_type) &&
		    report_add_warning(w->arena, w->rep,
		    "%s.failure-details[%zu]: unknown result-type \"%s\" kept as is",
		    w->path, i, pol->details[i].result_type) < 0)
			return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM,
			    "report: out of memory");
	}
	if (pol->n_details > 0 && sum != pol->total_failure &&
	    report_add_warning(w->arena, w->rep,
	    "%s: failure-details add up to %lld sessions, summary says %lld",
	    w->path, (long long)sum, (long long)pol->total_failure) < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	return TLSRPT_OK;
}

static enum tlsrpt_errcode
parse_date(struct walk *w, struct json_object *range, const char *key,
    time_t *t_r)
{
	const char *keys[] = { key, NULL };
	const char *s;
	enum tlsrpt_errcode code;

	if ((code = get_string(w, range, keys, 1, &s)) != TLSRPT_OK)
		return code;
	if (rfc3339_parse(s, t_r) < 0)
		return fail(w, TLSRPT_E_SCHEMA, key,
		    "not an RFC 3339 date-time: \"%.40s\"", s);
	return TLSRPT_OK;
}

static enum tlsrpt_errcode
parse_report(struct walk *w, struct json_object *root)
{
	static const char *const org_k[] = { "organization-name", NULL };
	static const char *const contact_k[] = { "contact-info", NULL };
	static const char *const id_k[] = { "report-id", NULL };
	struct tlsrpt_report *rep = w->rep;
	struct json_object *range, *policies;
	enum tlsrpt_errcode code;
	size_t i, n;

	if (!json_object_is_type(root, json_type_object))
		return tlsrpt_seterr(w->err, TLSRPT_E_SCHEMA,
		    "report: top level must be an object, got %s", type_name(root));
	if ((code = get_string(w, root, org_k, 1, &rep->organization_name)) != TLSRPT_OK ||
	    (code = get_string(w, root, contact_k, 0, &rep->contact_info)) != TLSRPT_OK ||
	    (code = get_string(w, root, id_k, 1, &rep->report_id)) != TLSRPT_OK)
		return code;
	if ((range = get_object(w, root, "date-range", &code)) == NULL)
		return code;
	strcpy(w->path, "date-range");
	if ((code = parse_date(w, range, "start-datetime", &rep->start)) != TLSRPT_OK ||
	    (code = parse_date(w, range, "end-datetime", &rep->end)) != TLSRPT_OK)
		return code;
	w->path[0] = '\0';
	if (!json_object_object_get_ex(root, "policies", &policies) ||
	    policies == NULL)
		return fail(w, TLSRPT_E_SCHEMA, "policies", "missing");
	if (!json_object_is_type(policies, json_type_array))
		return fail(w, TLSRPT_E_SCHEMA, "policies",
		    "must be an array, got %s", type_name(policies));
	n = json_object_array_length(policies);
	if (n > w->lim->max_policies)
		return fail(w, TLSRPT_E_LIMIT_POLICIES, "policies",
		    "more than %zu policies", w->lim->max_policies);
	rep->policies = arena_alloc(w->arena, n * sizeof(*rep->policies) + 1);
	if (rep->policies == NULL)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	for (i = 0; i < n; i++) {
		struct tlsrpt_policy *pol = &rep->policies[i];

		if ((code = parse_policy(w, json_object_array_get_idx(policies, i),
		    i, pol)) != TLSRPT_OK)
			return code;
		w->path[0] = '\0';
		rep->n_policies++;
		rep->total_successful = add_sat(rep->total_successful,
		    pol->total_successful);
		rep->total_failure = add_sat(rep->total_failure, pol->total_failure);
	}
	if (n == 0 && report_add_warning(w->arena, rep, "report has no policies") < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	if (rep->end < rep->start && report_add_warning(w->arena, rep,
	    "date-range ends before it starts") < 0)
		return tlsrpt_seterr(w->err, TLSRPT_E_NOMEM, "report: out of memory");
	return TLSRPT_OK;
}

/*
 * Hand json-c the text without the interiors of SPANS: each
 * failure-details array reaches it as "[]".  Offsets in errors are the
 * text's own.
 */
static struct json_object *
parse_skeleton(struct json_tokener *tok, const char *text, size_t len,
    const struct json_span *spans, size_t n_spans, size_t *end_r)
{
	struct json_object *root = NULL;
	size_t from = 0, i;

	for (i = 0; i <= n_spans; i++) {
		size_t to = len;

		if (i < n_spans) {
			if (spans[i].end == 0)
				continue;
			to = spans[i].start + 1;	/* through the '[' */
		}
		root = json_tokener_parse_ex(tok, text + from, (int)(to - from));
		*end_r = from + json_tokener_get_parse_end(tok);
		if (json_tokener_get_error(tok) != json_tokener_continue)
			return root;		/* complete, or an error */
		if (i < n_spans)
			from = spans[i].end - 1;	/* from the ']' */
	}
	return root;
}

enum tlsrpt_errcode
report_from_json(const char *text, size_t len, const struct tlsrpt_limits *lim,
    struct arena *a, struct tlsrpt_report *rep, struct tlsrpt_error *err)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	enum tlsrpt_errcode code;
	struct json_span *spans;
	struct walk w;
	size_t end = 0, n_spans;

	if (len > (size_t)INT32_MAX)
		return tlsrpt_seterr(err, TLSRPT_E_LIMIT_INFLATED,
		    "json: text over 2 GiB");
	if ((code = json_prescan(text, len, lim, err)) != TLSRPT_OK)
		return code;
	if (json_details_locate(text, len, lim->max_policies, &spans, &n_spans) < 0)
		return tlsrpt_seterr(err, TLSRPT_E_NOMEM, "json: out of memory");
	/* The prescan bounded depth already; json-c's limit is the backstop. */
	if ((tok = json_tokener_new_ex((int)lim->max_json_depth + 1)) == NULL) {
		free(spans);
		return tlsrpt_seterr(err, TLSRPT_E_NOMEM, "json: out of memory");
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS);
	root = parse_skeleton(tok, text, len, spans, n_spans, &end);
	jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue || (root == NULL && jerr == json_tokener_success)) {
		json_object_put(root);
		free(spans);
		return tlsrpt_seterr(err, TLSRPT_E_JSON,
		    "json: unexpected end of input");
	}
	if (jerr != json_tokener_success) {
		json_object_put(root);
		free(spans);
		return tlsrpt_seterr(err, jerr == json_tokener_error_depth ?
		    TLSRPT_E_LIMIT_DEPTH : TLSRPT_E_JSON, "json: %s at byte %zu",
		    json_tokener_error_desc(jerr), end);
	}
	while (end < len && strchr(" \t\r\n", text[end]) != NULL && text[end] != '\0')
		end++;
	if (end < len) {
		json_object_put(root);
		free(spans);
		return tlsrpt_seterr(err, TLSRPT_E_JSON,
		    "json: trailing data at byte %zu", end);
	}
	memset(&w, 0, sizeof(w));
	w.arena = a;
	w.lim = lim;
	w.rep = rep;
	w.err = err;
	w.text = text;
	w.spans = spans;
	w.n_spans = n_spans;
	code = parse_report(&w, root);
	json_object_put(root);
	free(spans);
	return code;
}
