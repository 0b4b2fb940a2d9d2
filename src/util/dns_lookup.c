/*
 * dns_lookup.c - TXT, MX, A and TLSA through libresolv; see dns_lookup.h.
 */
#include "dns_lookup.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX 65536
#ifndef ns_t_tlsa
#define ns_t_tlsa 52
#endif

int
dns_open(struct dns_ctx *ctx, const char *resolver, int timeout)
{
	memset(ctx, 0, sizeof(*ctx));
	if (res_ninit(&ctx->rs) != 0) {
		snprintf(ctx->err, sizeof(ctx->err), "res_ninit failed");
		return -1;
	}
	ctx->rs.retrans = timeout > 0 ? timeout : 5;
	ctx->rs.retry = 2;
	ctx->rs.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
#ifdef RES_TRUSTAD
	/* Ask for the AD bit and keep it: glibc clears it otherwise. */
	ctx->rs.options |= RES_TRUSTAD;
#endif
	if (resolver != NULL) {
		const char *colon = strrchr(resolver, ':');
		char host[64];
		struct in_addr in;
		long port;
		char *end;

		if (colon == NULL || (size_t)(colon - resolver) >= sizeof(host)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "--resolver wants IPV4:PORT, not \"%s\"", resolver);
			res_nclose(&ctx->rs);
			return -1;
		}
		memcpy(host, resolver, (size_t)(colon - resolver));
		host[colon - resolver] = '\0';
		port = strtol(colon + 1, &end, 10);
		if (inet_pton(AF_INET, host, &in) != 1 || *end != '\0' ||
		    port < 1 || port > 65535) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "--resolver wants IPV4:PORT, not \"%s\"", resolver);
			res_nclose(&ctx->rs);
			return -1;
		}
		ctx->rs.nscount = 1;
		memset(&ctx->rs.nsaddr_list[0], 0, sizeof(ctx->rs.nsaddr_list[0]));
		ctx->rs.nsaddr_list[0].sin_family = AF_INET;
		ctx->rs.nsaddr_list[0].sin_port = htons((unsigned short)port);
		ctx->rs.nsaddr_list[0].sin_addr = in;
	}
	return 0;
}

void
dns_close(struct dns_ctx *ctx)
{
	res_nclose(&ctx->rs);
}

void
dns_set_budget(struct dns_ctx *ctx, unsigned seconds)
{
	unsigned n = ctx->rs.nscount > 0 ? (unsigned)ctx->rs.nscount : 1;

	if (seconds == 0)
		seconds = 1;
	if (seconds >= 3 * n) {
		/* n * t + n * max(1, 2t / n) <= SECONDS with t below. */
		ctx->rs.retry = 2;
		ctx->rs.retrans = (int)(seconds / (n + 2));
		return;
	}
	ctx->rs.retry = 1;
	if (seconds < n)
		ctx->rs.nscount = (int)(n = seconds);
	ctx->rs.retrans = (int)(seconds / n);
}

const char *
dns_status_name(enum dns_status st)
{
	switch (st) {
	case DNS_OK:
		return "found";
	case DNS_NODATA:
		return "no such record";
	case DNS_NXDOMAIN:
		return "no such name (NXDOMAIN)";
	default:
		return "lookup failed";
	}
}

/*
 * Ask NAME/TYPE; on DNS_OK *msg_r is parsed and ANS (malloc'd, freed by
 * the caller) holds the answer.
 */
static enum dns_status
query(struct dns_ctx *ctx, const char *name, int type, unsigned char **ans_r,
    ns_msg *msg_r)
{
	unsigned char *ans;
	int len;

	*ans_r = NULL;
	if ((ans = malloc(ANSWER_MAX)) == NULL) {
		snprintf(ctx->err, sizeof(ctx->err), "out of memory");
		return DNS_ERROR;
	}
	len = res_nquery(&ctx->rs, name, ns_c_in, type, ans, ANSWER_MAX);
	if (len < 0) {
		free(ans);
		switch (ctx->rs.res_h_errno) {
		case HOST_NOT_FOUND:
			return DNS_NXDOMAIN;
		case NO_DATA:
			return DNS_NODATA;
		default:
			snprintf(ctx->err, sizeof(ctx->err), "%s: no answer "
			    "(timeout or SERVFAIL)", name);
			return DNS_ERROR;
		}
	}
	if (ns_initparse(ans, len, msg_r) < 0) {
		free(ans);
		snprintf(ctx->err, sizeof(ctx->err), "%s: malformed answer", name);
		return DNS_ERROR;
	}
	*ans_r = ans;
	return DNS_OK;
}

enum dns_status
dns_txt(struct dns_ctx *ctx, const char *name, struct dns_txt *out)
{
	unsigned char *ans;
	enum dns_status st;
	ns_msg msg;
	ns_rr rr;
	int i, n;

	out->count = 0;
	if ((st = query(ctx, name, ns_t_txt, &ans, &msg)) != DNS_OK)
		return st;
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n && out->count < DNS_RR_MAX; i++) {
		const unsigned char *p, *end;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 ||
		    ns_rr_type(rr) != ns_t_txt)
			continue;
		p = ns_rr_rdata(rr);
		end = p + ns_rr_rdlen(rr);
		memset(&out->rr[out->count], 0, sizeof(out->rr[0]));
		while (p < end) {
			size_t sl = *p++, room;

			if (sl > (size_t)(end - p))
				sl = (size_t)(end - p);
			room = DNS_TXT_MAX - out->rr[out->count].len;
			if (sl > room) {
				out->rr[out->count].truncated = 1;
				sl = room;
			}
			memcpy(out->rr[out->count].text + out->rr[out->count].len,
			    p, sl);
			out->rr[out->count].len += sl;
			out->rr[out->count].strings++;
			p += sl;
		}
		out->rr[out->count].text[out->rr[out->count].len] = '\0';
		out->count++;
	}
	free(ans);
	return out->count > 0 ? DNS_OK : DNS_NODATA;
}

enum dns_status
dns_mx(struct dns_ctx *ctx, const char *name, struct dns_mx *out)
{
	unsigned char *ans;
	enum dns_status st;
	ns_msg msg;
	ns_rr rr;
	int i, n;
	size_t a, b;

	out->count = 0;
	if ((st = query(ctx, name, ns_t_mx, &ans, &msg)) != DNS_OK)
		return st;
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n && out->count < DNS_RR_MAX; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 ||
		    ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		out->rr[out->count].pref = ns_get16(ns_rr_rdata(rr));
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg),
		    ns_rr_rdata(rr) + 2, out->rr[out->count].host,
		    sizeof(out->rr[0].host)) < 0)
			continue;
		out->count++;
	}
	free(ans);
	/* Insertion sort by preference: at most DNS_RR_MAX entries. */
	for (a = 1; a < out->count; a++)
		for (b = a; b > 0 && out->rr[b - 1].pref > out->rr[b].pref; b--) {
			unsigned pref = out->rr[b].pref;
			char host[256];

			memcpy(host, out->rr[b].host, sizeof(host));
			out->rr[b] = out->rr[b - 1];
			out->rr[b - 1].pref = pref;
			memcpy(out->rr[b - 1].host, host, sizeof(host));
		}
	return out->count > 0 ? DNS_OK : DNS_NODATA;
}

enum dns_status
dns_a(struct dns_ctx *ctx, const char *name, char *addr)
{
	unsigned char *ans;
	enum dns_status st;
	ns_msg msg;
	ns_rr rr;
	int i, n;

	addr[0] = '\0';
	if ((st = query(ctx, name, ns_t_a, &ans, &msg)) != DNS_OK)
		return st;
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n; i++)
		if (ns_parserr(&msg, ns_s_an, i, &rr) == 0 &&
		    ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4) {
			inet_ntop(AF_INET, ns_rr_rdata(rr), addr, INET_ADDRSTRLEN);
			break;
		}
	free(ans);
	return addr[0] != '\0' ? DNS_OK : DNS_NODATA;
}

enum dns_status
dns_tlsa(struct dns_ctx *ctx, const char *name, struct dns_tlsa *out)
{
	unsigned char *ans;
	enum dns_status st;
	ns_msg msg;
	ns_rr rr;
	int i, n;

	out->count = 0;
	out->ad = 0;
	if ((st = query(ctx, name, ns_t_tlsa, &ans, &msg)) != DNS_OK)
		return st;
	out->ad = ns_msg_getflag(msg, ns_f_ad);
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n && out->count < DNS_RR_MAX; i++) {
		const unsigned char *p;
		size_t len;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 ||
		    ns_rr_type(rr) != ns_t_tlsa || ns_rr_rdlen(rr) < 4)
			continue;
		p = ns_rr_rdata(rr);
		len = ns_rr_rdlen(rr) - 3;
		if (len > DNS_TLSA_DATA_MAX)
			continue;	/* no certificate is that big here */
		out->rr[out->count].usage = p[0];
		out->rr[out->count].selector = p[1];
		out->rr[out->count].mtype = p[2];
		memcpy(out->rr[out->count].data, p + 3, len);
		out->rr[out->count].len = len;
		out->count++;
	}
	free(ans);
	return out->count > 0 ? DNS_OK : DNS_NODATA;
}
