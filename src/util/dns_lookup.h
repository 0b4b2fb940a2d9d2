/*
 * dns_lookup.h - the DNS questions `tlsrpt check` asks: TXT, MX, A and
 * TLSA, through libresolv, at the system's resolver or one given as
 * "HOST:PORT" (IPv4 literal), with a timeout.
 *
 * Results are copied into fixed-size caller structs, bounded: at most
 * DNS_RR_MAX records per answer, longer data truncated and flagged.
 * Every function returns a dns_status; on DNS_ERROR the message in
 * ctx->err says why (timeout, SERVFAIL, malformed answer).
 */
#ifndef TLSRPT_DNS_LOOKUP_H
#define TLSRPT_DNS_LOOKUP_H

#include <netinet/in.h>
#include <resolv.h>
#include <stddef.h>

#define DNS_RR_MAX 16
#define DNS_TXT_MAX 4096
#define DNS_TLSA_DATA_MAX 2048

enum dns_status { DNS_OK, DNS_NODATA, DNS_NXDOMAIN, DNS_ERROR };

struct dns_ctx {
	struct __res_state rs;
	char err[160];
};

struct dns_txt {
	size_t count;
	struct {
		char text[DNS_TXT_MAX + 1];	/* strings joined, NUL-ended */
		size_t len;
		unsigned strings;		/* how many <character-string>s */
		int truncated;
	} rr[DNS_RR_MAX];
};

struct dns_mx {
	size_t count;
	struct {
		unsigned pref;
		char host[256];
	} rr[DNS_RR_MAX];
};

struct dns_tlsa {
	size_t count;
	int ad;		/* the resolver said DNSSEC-validated (AD bit) */
	struct {
		unsigned usage, selector, mtype;
		unsigned char data[DNS_TLSA_DATA_MAX];
		size_t len;
	} rr[DNS_RR_MAX];
};

/* RESOLVER NULL: /etc/resolv.conf.  Returns 0, or -1 with ctx->err. */
int dns_open(struct dns_ctx *ctx, const char *resolver, int timeout);
void dns_close(struct dns_ctx *ctx);
/*
 * Fit the resolver's per-try timeout, tries and servers so that one
 * query over UDP takes at most SECONDS (>= 1) in glibc's schedule: each
 * server gets the timeout on the first try, a share of twice it on the
 * second.  Two tries when SECONDS allows, else one.
 */
void dns_set_budget(struct dns_ctx *ctx, unsigned seconds);

enum dns_status dns_txt(struct dns_ctx *ctx, const char *name,
    struct dns_txt *out);
/* MX in preference order. */
enum dns_status dns_mx(struct dns_ctx *ctx, const char *name,
    struct dns_mx *out);
/* The first IPv4 address, as text in ADDR (INET_ADDRSTRLEN bytes). */
enum dns_status dns_a(struct dns_ctx *ctx, const char *name, char *addr);
enum dns_status dns_tlsa(struct dns_ctx *ctx, const char *name,
    struct dns_tlsa *out);

const char *dns_status_name(enum dns_status st);

#endif
