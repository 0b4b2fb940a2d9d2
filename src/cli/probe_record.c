/*
 * probe_record.c - a check's observations as probe rows; see
 * probe_record.h.
 */
#include "probe_record.h"
#include "check_observed.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* NAME lower-cased without a trailing dot, in BUF. */
static const char *
host_key(const char *name, char *buf, size_t size)
{
	size_t i, n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	buf[n] = '\0';
	return buf;
}

static const char *
or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

time_t
probe_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");

	if (s != NULL && *s != '\0')
		return (time_t)strtoll(s, NULL, 10);
	return time(NULL);
}

int
probe_record(struct store *st, const char *domain,
    const struct check_report *rep, time_t now, size_t *stored_r)
{
	const struct check_observed *obs = rep->obs;
	struct store_probe_row rows[1 + CHECK_OBS_MX_MAX];
	char dom[256], hosts[CHECK_OBS_MX_MAX][256], err[512];
	size_t i, n = 0;

	*stored_r = 0;
	if (obs == NULL)
		return 0;
	host_key(domain, dom, sizeof(dom));
	memset(rows, 0, sizeof(rows));
	rows[0] = (struct store_probe_row){
		.time = now, .domain = dom, .mx = "",
		.result_type = obs->result_type, .starttls = -1,
		.tlsa_match = -1, .sts_covered = -1,
		.tlsrpt_record = obs->has_record ? obs->tlsrpt_record : NULL,
		.sts_id = or_null(obs->sts_id), .sts_mode = obs->sts_mode,
		.sts_max_age = obs->sts_max_age,
		.sts_policy = obs->has_policy ? obs->sts_policy : NULL,
	};
	n = 1;
	for (i = 0; i < obs->mx_count; i++) {
		const struct check_obs_mx *m = &obs->mx[i];

		rows[n++] = (struct store_probe_row){
			.time = now, .domain = dom,
			.mx = host_key(m->host, hosts[i], sizeof(hosts[i])),
			.result_type = m->result_type, .starttls = m->starttls,
			.tls_version = or_null(m->tls_version),
			.cert_not_after = (time_t)m->not_after,
			.cert_names = or_null(m->names),
			.spki_sha256 = or_null(m->spki_sha256),
			.tlsa = m->tlsa_match >= 0 ? m->tlsa : NULL,
			.tlsa_dnssec = m->tlsa_dnssec,
			.tlsa_match = m->tlsa_match,
			.sts_covered = m->sts_covered,
			.sts_max_age = -1,
		};
	}
	if (store_put_probes(st, rows, n, stored_r, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt: recording the probe of %s: %s\n", dom,
		    err);
		return -1;
	}
	return 0;
}
