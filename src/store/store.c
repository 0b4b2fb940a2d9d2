/*
 * store.c - the storage interface: pick a backend by the URI scheme and
 * forward to it.  See store.h.
 *
 * "sqlite:/var/lib/tlsrpt-milter/tlsrpt.db" and a bare absolute path
 * ("/var/lib/tlsrpt-milter/tlsrpt.db") both mean SQLite;
 * "postgresql://..." and "postgres://..." mean PostgreSQL.  The scheme is
 * matched without regard to case.  Error messages name the scheme but
 * never echo the whole URI: a later backend's URI may hold a password.
 */
#include "store.h"
#include "store_backend.h"
#include "errbuf.h"
#include "result_types.h"

#include <json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every backend this build knows, in the order they are tried. */
static const struct store_backend *const backends[] = {
	&store_sqlite_backend,
	&store_pgsql_backend,
};

#define N_BACKENDS	(sizeof(backends) / sizeof(backends[0]))

/*
 * The schema version every backend migrates to.  A backend's last
 * migration step must carry this number (each checks it when opening), so
 * bumping it here without adding the steps fails loudly.
 */
#define STORE_SCHEMA_VERSION	7

char *
store_json_array(const char *const *strings, size_t n)
{
	struct json_object *arr, *str;
	const char *text;
	char *out = NULL;
	size_t i;

	if ((arr = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((str = json_object_new_string(strings[i] != NULL ?
		    strings[i] : "")) == NULL)
			goto done;
		if (json_object_array_add(arr, str) != 0) {
			json_object_put(str);
			goto done;
		}
	}
	if ((text = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE)) != NULL)
		out = strdup(text);
done:
	json_object_put(arr);
	return out;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
store_policy_domains_key(const struct tlsrpt_report *rep)
{
	char **doms, *out, *p;
	size_t i, n = 0, total = 1;

	if ((doms = calloc(rep->n_policies + 1, sizeof(*doms))) == NULL)
		return NULL;
	for (i = 0; i < rep->n_policies; i++) {
		const char *d = rep->policies[i].policy_domain;

		if (d == NULL || d[0] == '\0')
			continue;
		if ((doms[n] = strdup(d)) == NULL)
			goto fail;
		for (p = doms[n]; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		total += strlen(doms[n]) + 1;
		n++;
	}
	if ((out = malloc(total)) == NULL)
		goto fail;
	qsort(doms, n, sizeof(*doms), cmp_str);
	p = out;
	*p = '\0';
	for (i = 0; i < n; i++) {
		size_t len;

		if (i > 0 && strcmp(doms[i], doms[i - 1]) == 0)
			continue;
		if (p != out)
			*p++ = ',';
		len = strlen(doms[i]);
		memcpy(p, doms[i], len + 1);
		p += len;
	}
	for (i = 0; i < n; i++)
		free(doms[i]);
	free(doms);
	return out;
fail:
	for (i = 0; i < n; i++)
		free(doms[i]);
	free(doms);
	return NULL;
}

int
store_signer_key(const struct store_provenance *prov, char *buf, size_t size)
{
	const char *d;
	size_t i, len;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	if (prov == NULL || !prov->verified || (d = prov->dkim_domain) == NULL)
		return 0;
	if ((len = strlen(d)) >= size)
		return -1;
	/* ASCII only, as lower() in the migration steps */
	for (i = 0; i <= len; i++)
		buf[i] = d[i] >= 'A' && d[i] <= 'Z' ? (char)(d[i] - 'A' + 'a') : d[i];
	return 0;
}

/* Length of an RFC 3986 scheme at the start of URI, or 0 when there is none. */
static size_t
scheme_length(const char *uri)
{
	size_t i;

	if (!((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z')))
		return 0;
	for (i = 1; uri[i] != '\0' && uri[i] != ':'; i++) {
		char c = uri[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
			return 0;
	}
	return uri[i] == ':' ? i : 0;
}

static void
list_schemes(char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < N_BACKENDS && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s",
		    i > 0 ? ", " : "", backends[i]->scheme);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* True when the N bytes at URI spell NAME, in any case. */
static int
scheme_is(const char *name, const char *uri, size_t n)
{
	return name != NULL && strlen(name) == n && strncasecmp(name, uri, n) == 0;
}

struct store *
store_open(const char *uri, char *errbuf, size_t errlen)
{
	return store_open_with(uri, NULL, errbuf, errlen);
}

struct store *
store_open_with(const char *uri, const struct store_options *opt,
    char *errbuf, size_t errlen)
{
	char known[128];
	size_t n, i;

	if (uri == NULL || uri[0] == '\0') {
		errbuf_printf(errbuf, errlen, "database URI is empty");
		return NULL;
	}
	if (uri[0] == '/')
		return store_sqlite_backend.open(uri, opt, errbuf, errlen);
	if ((n = scheme_length(uri)) == 0) {
		errbuf_printf(errbuf, errlen, "database URI has no scheme: expected "
		    "scheme:location, such as sqlite:/var/lib/tlsrpt-milter/tlsrpt.db");
		return NULL;
	}
	for (i = 0; i < N_BACKENDS; i++)
		if (scheme_is(backends[i]->scheme, uri, n) ||
		    scheme_is(backends[i]->alias, uri, n))
			return backends[i]->open(uri + n + 1, opt, errbuf,
			    errlen);
	list_schemes(known, sizeof(known));
	errbuf_printf(errbuf, errlen, "database URI: unknown scheme \"%.*s\" "
	    "(this build supports: %s)", (int)(n > 64 ? 64 : n), uri, known);
	return NULL;
}

/* Fold policy P's details beyond KEEP into OUT (see store.h). */
static int
fold_policy(const struct tlsrpt_policy *p, size_t keep, struct tlsrpt_policy *out,
    struct store_fold *fold)
{
	struct tlsrpt_failure_detail *d;
	size_t i, j, n, types;

	*out = *p;
	if (p->n_details <= keep)
		return 0;
	/* The kept ones, then at most one row per registered type and one more. */
	result_types_all(&types);
	if ((d = calloc(keep + types + 1, sizeof(*d))) == NULL)
		return -1;
	memcpy(d, p->details, keep * sizeof(*d));
	n = keep;
	for (i = keep; i < p->n_details; i++) {
		const struct tlsrpt_failure_detail *src = &p->details[i];
		const char *rt = result_type_is_known(src->result_type) ?
		    src->result_type : STORE_FOLDED_TYPE;

		for (j = keep; j < n && strcmp(d[j].result_type, rt) != 0; j++)
			;
		if (j == n) {
			d[n].result_type = rt;
			fold->rows++;
			n++;
		}
		/* Each count is at most 2^53: the sum of 200,000 cannot wrap. */
		d[j].failed_session_count += src->failed_session_count;
		d[j].folded_details++;
		fold->folded++;
	}
	out->details = d;
	out->n_details = n;
	return 0;
}

const struct tlsrpt_report *
store_fold_report(const struct tlsrpt_report *rep, struct store_fold *fold)
{
	size_t i, total = 0, left = STORE_MAX_DETAILS_PER_REPORT;
	int over = 0;

	memset(fold, 0, sizeof(*fold));
	for (i = 0; i < rep->n_policies; i++) {
		total += rep->policies[i].n_details;
		if (rep->policies[i].n_details > STORE_MAX_DETAILS_PER_POLICY)
			over = 1;
	}
	if (!over && total <= STORE_MAX_DETAILS_PER_REPORT)
		return rep;
	if ((fold->policies = calloc(rep->n_policies + 1,
	    sizeof(*fold->policies))) == NULL)
		return NULL;
	fold->orig = rep;
	fold->rep = *rep;
	fold->rep.policies = fold->policies;
	for (i = 0; i < rep->n_policies; i++) {
		size_t keep = STORE_MAX_DETAILS_PER_POLICY < left ?
		    STORE_MAX_DETAILS_PER_POLICY : left;

		if (fold_policy(&rep->policies[i], keep, &fold->policies[i], fold) < 0) {
			store_fold_free(fold);
			return NULL;
		}
		left -= keep < rep->policies[i].n_details ? keep :
		    rep->policies[i].n_details;
	}
	return &fold->rep;
}

void
store_fold_free(struct store_fold *fold)
{
	size_t i;

	if (fold->policies != NULL) {
		for (i = 0; i < fold->rep.n_policies; i++)
			if (fold->policies[i].details != fold->orig->policies[i].details)
				free(fold->policies[i].details);
		free(fold->policies);
	}
	memset(fold, 0, sizeof(*fold));
}

enum store_status
store_put_report(struct store *st, const struct tlsrpt_report *rep,
    const struct store_provenance *prov, char *errbuf, size_t errlen)
{
	const struct tlsrpt_report *stored;
	struct store_fold fold;
	enum store_status status;

	if (st == NULL || rep == NULL) {
		errbuf_printf(errbuf, errlen, "store_put_report: no %s",
		    st == NULL ? "store" : "report");
		return STORE_ERROR;
	}
	if ((stored = store_fold_report(rep, &fold)) == NULL) {
		errbuf_printf(errbuf, errlen, "store: out of memory");
		return STORE_ERROR;
	}
	status = st->backend->put_report(st, stored, prov, errbuf, errlen);
	if (status == STORE_STORED && fold.folded > 0)
		errbuf_printf(errbuf, errlen, "%lld failure details beyond the first %d "
		    "per policy (%d per report) folded into %zu row(s) by result type",
		    (long long)fold.folded, STORE_MAX_DETAILS_PER_POLICY,
		    STORE_MAX_DETAILS_PER_REPORT, fold.rows);
	store_fold_free(&fold);
	return status;
}

int
store_query(struct store *st, const struct store_filter *filter,
    const struct store_visitor *visitor, char *errbuf, size_t errlen)
{
	if (st == NULL || filter == NULL || visitor == NULL) {
		errbuf_printf(errbuf, errlen, "store_query: no %s",
		    st == NULL ? "store" : filter == NULL ? "filter" : "visitor");
		return -1;
	}
	/* The backend steps in a thread of its own while the visitor works. */
	return store_pipe_query(st->backend->query, st, filter, visitor, errbuf, errlen);
}

int
store_prune(struct store *st, struct store_prune *pr, char *errbuf,
    size_t errlen)
{
	if (st == NULL || pr == NULL) {
		errbuf_printf(errbuf, errlen, "store_prune: no %s",
		    st == NULL ? "store" : "request");
		return -1;
	}
	pr->reports = pr->policies = pr->details = 0;
	pr->batches = pr->keys_expired = pr->longest_ms = pr->probes = 0;
	if (pr->now == 0)
		pr->now = time(NULL);
	if (pr->batch == 0)
		pr->batch = STORE_PRUNE_BATCH;
	return st->backend->prune(st, pr, errbuf, errlen);
}

long long
store_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
store_filter_since(const struct store_filter *filter)
{
	return filter->since > 0 ? (long long)filter->since : INT64_MIN;
}

long long
store_filter_until(const struct store_filter *filter)
{
	return filter->until > 0 ? (long long)filter->until : INT64_MAX;
}

int
store_visit_columns(enum store_row_kind kind, const struct store_columns *c,
    const struct store_visitor *v)
{
	const void *r = c->row;

	switch (kind) {
	case STORE_ROW_REPORT: {
		struct store_report_row row = {
			.id = c->num(r, 0),
			.organization_name = c->text(r, 1),
			.contact_info = c->text(r, 2),
			.report_id = c->text(r, 3),
			.start = (time_t)c->num(r, 4),
			.end = (time_t)c->num(r, 5),
			.received = (time_t)c->num(r, 6),
			.verified = (int)c->num(r, 7),
			.successful = c->num(r, 8),
			.failed = c->num(r, 9),
			.dkim_domain = c->text(r, 10),
		};
		return v->report(v->ctx, &row);
	}
	case STORE_ROW_POLICY: {
		struct store_policy_row row = {
			.id = c->num(r, 0),
			.report = c->num(r, 1),
			.policy_type = c->text(r, 2),
			.policy_domain = c->text(r, 3),
			.mx_hosts = c->text(r, 4),
			.successful = c->num(r, 5),
			.failed = c->num(r, 6),
			.policy_strings = c->text(r, 7),
		};
		return v->policy(v->ctx, &row);
	}
	default: {
		struct store_failure_row row = {
			.policy = c->num(r, 0),
			.result_type = c->text(r, 1),
			.sending_mta_ip = c->text(r, 2),
			.receiving_mx_hostname = c->text(r, 3),
			.receiving_mx_helo = c->text(r, 4),
			.receiving_ip = c->text(r, 5),
			.additional_information = c->text(r, 6),
			.failure_reason_code = c->text(r, 7),
			.failed = c->num(r, 8),
			.folded = c->num(r, 9),
		};
		return v->failure(v->ctx, &row);
	}
	}
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->backend->close(st);
}

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}
