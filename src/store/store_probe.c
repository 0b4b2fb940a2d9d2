/*
 * store_probe.c - the engine-independent part of the probe history
 * (store.h): when a row is due, and the dispatch to the engines, whose
 * own files (store_sqlite_probe.c, store_pgsql_probe.c) hold the SQL.
 */
#include "store_backend.h"
#include "errbuf.h"

#include <string.h>

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
store_probe_same(const struct store_probe_row *a,
    const struct store_probe_row *b)
{
	return same_str(a->domain, b->domain) && same_str(a->mx, b->mx) &&
	    same_str(a->result_type, b->result_type) &&
	    a->starttls == b->starttls &&
	    same_str(a->tls_version, b->tls_version) &&
	    a->cert_not_after == b->cert_not_after &&
	    same_str(a->cert_names, b->cert_names) &&
	    same_str(a->spki_sha256, b->spki_sha256) &&
	    same_str(a->tlsa, b->tlsa) && a->tlsa_dnssec == b->tlsa_dnssec &&
	    a->tlsa_match == b->tlsa_match &&
	    a->sts_covered == b->sts_covered &&
	    same_str(a->tlsrpt_record, b->tlsrpt_record) &&
	    same_str(a->sts_id, b->sts_id) &&
	    same_str(a->sts_mode, b->sts_mode) &&
	    a->sts_max_age == b->sts_max_age &&
	    same_str(a->sts_policy, b->sts_policy);
}

int
store_probe_due(const struct store_probe_row *last,
    const struct store_probe_row *new_row)
{
	if (last == NULL || !store_probe_same(last, new_row))
		return 1;
	return new_row->time - last->time >= STORE_PROBE_HEARTBEAT;
}

void
store_probe_columns(const struct store_columns *c, struct store_probe_row *row)
{
	const void *r = c->row;

	row->time = (time_t)c->num(r, 0);
	row->domain = c->text(r, 1);
	row->mx = c->text(r, 2);
	row->result_type = c->text(r, 3);
	row->starttls = (int)c->num(r, 4);
	row->tls_version = c->text(r, 5);
	row->cert_not_after = (time_t)c->num(r, 6);
	row->cert_names = c->text(r, 7);
	row->spki_sha256 = c->text(r, 8);
	row->tlsa = c->text(r, 9);
	row->tlsa_dnssec = (int)c->num(r, 10);
	row->tlsa_match = (int)c->num(r, 11);
	row->sts_covered = (int)c->num(r, 12);
	row->tlsrpt_record = c->text(r, 13);
	row->sts_id = c->text(r, 14);
	row->sts_mode = c->text(r, 15);
	row->sts_max_age = c->num(r, 16);
	row->sts_policy = c->text(r, 17);
}

int
store_put_probes(struct store *st, const struct store_probe_row *rows,
    size_t n, size_t *stored_r, char *errbuf, size_t errlen)
{
	size_t i;

	*stored_r = 0;
	if (st == NULL || rows == NULL || n == 0 || n > STORE_PROBE_MAX_ROWS) {
		errbuf_printf(errbuf, errlen, "store_put_probes: %s",
		    st == NULL ? "no store" : n > STORE_PROBE_MAX_ROWS ?
		    "too many rows" : "no rows");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (rows[i].domain == NULL || rows[i].mx == NULL ||
		    strcmp(rows[i].domain, rows[0].domain) != 0 ||
		    rows[i].time != rows[0].time) {
			errbuf_printf(errbuf, errlen, "store_put_probes: row %zu "
			    "is not of the run of %s", i, rows[0].domain ?
			    rows[0].domain : "(no domain)");
			return -1;
		}
	return st->backend->put_probes(st, rows, n, stored_r, errbuf, errlen);
}

int
store_query_probes(struct store *st, const struct store_filter *filter,
    const struct store_probe_visitor *visitor, char *errbuf, size_t errlen)
{
	if (st == NULL || filter == NULL || visitor == NULL) {
		errbuf_printf(errbuf, errlen, "store_query_probes: no %s",
		    st == NULL ? "store" : filter == NULL ? "filter" : "visitor");
		return -1;
	}
	return st->backend->query_probes(st, filter, visitor, errbuf, errlen);
}
