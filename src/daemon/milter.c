/*
 * milter.c - the libmilter glue: short callbacks over per-connection state.
 *
 * Headers decide (recognize.h).  Ordinary mail is accepted at
 * end-of-headers, so its body never reaches us, unless it carries a copy
 * of our tag, which must be deleted at end-of-message.  Candidates are
 * buffered up to MaxMessageSize and handed to verdict_decide() once.
 * Nothing here rejects or tempfails: on any trouble the message goes on.
 * A report that passes may then be redirected or discarded (Action, see
 * divert.h); for redirect the envelope recipients are kept from RCPT on,
 * and only when that action is configured.
 */
#include "milter.h"
#include "buf.h"
#include "divert.h"
#include "dkim_auth.h"
#include "log.h"
#include "recognize.h"
#include "runtime.h"
#include "store.h"
#include "verdict.h"

#include <libmilter/mfapi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Authentication-Results kept, topmost first as the MTA passes them: only
 * the topmost with a trusted authserv-id counts (authres.h), and the
 * trusted hop adds its own above what came with the message.
 */
#define MAX_AUTHRES	16

struct message {
	int started;			/* counted in messages_in_flight */
	char qid[64];
	unsigned reasons;		/* enum recog_reason bits */
	unsigned tag_copies;		/* incoming copies of TagHeader */
	unsigned audit_copies;		/* ... and of the audit header */
	int strip_only;			/* not a report: just delete the copies */
	int candidate;			/* a report candidate past its headers */
	int oversize;
	char from_addr[320];
	char from_domain[256];
	/* Each header lives once, as "Name: value\r\n" in text (which the
	 * MIME parse needs anyway); these locate them for DKIM and From. */
	struct header_ref {
		size_t off;		/* into text.data */
		size_t name_len;
		size_t len;		/* the whole line with CRLF */
	} *hdrs;
	size_t n_hdrs, cap_hdrs;
	size_t from_hdr;		/* index + 1 of the first From, 0 = none */
	char *authres[MAX_AUTHRES];	/* Authentication-Results values */
	size_t n_authres;
	struct buf text;		/* header block, blank line, body */
	struct dkim_auth_msg *dkim;
	unsigned n_rcpts_seen;		/* ReportAddresses set: every RCPT */
	char stray_rcpt[DIVERT_MAX_ADDR];	/* the first not among them */
	int has_stray;
	char *rcpts[DIVERT_MAX_RCPTS];	/* Action redirect: the envelope */
	size_t n_rcpts;
	int rcpts_lost;			/* some not kept: redirect withheld */
};

struct connection {
	struct runtime *rt;
	struct store *store;		/* opened on the first report */
	int nr_hdr;			/* MTA takes no reply to headers */
	int can_skip;			/* MTA understands SMFIS_SKIP */
	int keep_rcpts;			/* Action redirect, and the MTA lets us */
	char audit_header[128];		/* TagHeader "-Original-Recipients" */
	struct message msg;
};

static pthread_mutex_t flight_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned in_flight;

unsigned
milter_messages_in_flight(void)
{
	unsigned n;

	pthread_mutex_lock(&flight_lock);
	n = in_flight;
	pthread_mutex_unlock(&flight_lock);
	return n;
}

static void
flight_add(int delta)
{
	pthread_mutex_lock(&flight_lock);
	in_flight += delta;
	pthread_mutex_unlock(&flight_lock);
}

/* Free what one message held; the struct is ready for the next one. */
static void
message_reset(struct message *m)
{
	size_t i, max = m->text.max;

	if (m->started)
		flight_add(-1);
	free(m->hdrs);
	for (i = 0; i < m->n_authres; i++)
		free(m->authres[i]);
	for (i = 0; i < m->n_rcpts; i++)
		free(m->rcpts[i]);
	if (m->dkim != NULL)
		dkim_auth_msg_free(m->dkim);
	buf_reset(&m->text);
	memset(m, 0, sizeof(*m));
	buf_init(&m->text, max);
}

static void
remember_qid(SMFICTX *ctx, struct message *m)
{
	const char *qid;

	if (m->qid[0] == '\0' && (qid = smfi_getsymval(ctx, "i")) != NULL)
		snprintf(m->qid, sizeof(m->qid), "%s", qid);
}

static const char *
qid_of(const struct message *m)
{
	return m->qid[0] != '\0' ? m->qid : NULL;
}

static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL |
	    SMFIP_NOUNKNOWN | SMFIP_SKIP | SMFIP_NR_RCPT;
	const unsigned long rcpt_edits = SMFIF_ADDRCPT | SMFIF_DELRCPT;
	struct connection *c;

	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
	*pf2 = *pf3 = 0;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->rt = runtime_acquire()) == NULL) {
		free(c);
		log_warnx("out of memory for a new connection: its mail passes unfiltered");
		*pf1 = f1 & skip;
		return SMFIS_CONTINUE;
	}
	/* Envelope edits are asked for only when Action redirect needs them. */
	if (c->rt->cfg->action == ACTION_REDIRECT) {
		if ((f0 & rcpt_edits) == rcpt_edits) {
			*pf0 |= rcpt_edits;
			c->keep_rcpts = 1;
		} else
			log_warnx("the MTA does not offer recipient changes: "
			    "Action redirect falls back to tag on this connection");
	}
	snprintf(c->audit_header, sizeof(c->audit_header), "%s-Original-Recipients",
	    c->rt->cfg->tag_header);
	/* Recipients matter only for ReportAddresses and redirect. */
	if (c->rt->cfg->n_report_addresses == 0 && !c->keep_rcpts)
		skip |= SMFIP_NORCPT;
	/*
	 * Over TCP, every MTA write that gets no reply leaves data our kernel
	 * acknowledges late (delayed ACK), and the MTA's next small write waits
	 * for that ACK (Nagle): 40 ms a message, seen here with Postfix, whose
	 * DATA-stage macro packet goes out just before the headers.  So over
	 * TCP we answer DATA and every header, and each reply carries the ACK.
	 * On a unix socket there is no such stall, and skipping those replies
	 * saves round trips.
	 */
	if (strncmp(c->rt->cfg->socket, "inet", 4) != 0)
		skip |= SMFIP_NODATA | SMFIP_NR_HDR;
	*pf1 = f1 & skip;
	c->nr_hdr = (*pf1 & SMFIP_NR_HDR) != 0;
	c->can_skip = (*pf1 & SMFIP_SKIP) != 0;
	buf_init(&c->msg.text, c->rt->cfg->max_message_size);
	smfi_setpriv(ctx, c);
	return SMFIS_CONTINUE;
}

/* Only negotiated over TCP: the reply is what matters (see negotiate). */
static sfsistat
mlfi_data(SMFICTX *ctx)
{
	return smfi_getpriv(ctx) == NULL ? SMFIS_ACCEPT : SMFIS_CONTINUE;
}

/*
 * For redirect.  Whether the message is a report is known only at its
 * headers, so every message's recipients are kept until then (ordinary
 * mail drops them at end-of-headers); bounded in number and length.
 */
static void
keep_rcpt(struct message *m, const char *rcpt)
{
	if (m->n_rcpts == DIVERT_MAX_RCPTS || strlen(rcpt) >= DIVERT_MAX_ADDR ||
	    (m->rcpts[m->n_rcpts] = strdup(rcpt)) == NULL)
		m->rcpts_lost = 1;
	else
		m->n_rcpts++;
}

static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct connection *c = smfi_getpriv(ctx);
	const struct config *cfg;

	if (c == NULL)
		return SMFIS_ACCEPT;
	cfg = c->rt->cfg;
	if (c->keep_rcpts && argv[0] != NULL && !c->msg.rcpts_lost)
		keep_rcpt(&c->msg, argv[0]);
	if (argv[0] == NULL || cfg->n_report_addresses == 0)
		return SMFIS_CONTINUE;
	/* A pass needs every recipient to be a report address (verdict.h). */
	c->msg.n_rcpts_seen++;
	if (recog_address_matches(argv[0], cfg->report_addresses,
	    cfg->n_report_addresses))
		c->msg.reasons |= RECOG_REPORT_ADDRESS;
	else if (!c->msg.has_stray) {
		c->msg.has_stray = 1;
		snprintf(c->msg.stray_rcpt, sizeof(c->msg.stray_rcpt), "%s",
		    argv[0]);
	}
	return SMFIS_CONTINUE;
}

/* Append "Name: value\r\n" to the text and remember where it is. */
static int
keep_header(struct message *m, const char *name, const char *value)
{
	struct header_ref *grown, *h;
	size_t off = m->text.len, nl = strlen(name);

	if (buf_append(&m->text, name, nl) < 0 || buf_append(&m->text, ": ", 2) < 0 ||
	    buf_append(&m->text, value, strlen(value)) < 0 ||
	    buf_append(&m->text, "\r\n", 2) < 0)
		return -1;
	if (m->n_hdrs == m->cap_hdrs) {
		size_t ncap = m->cap_hdrs == 0 ? 32 : m->cap_hdrs * 2;

		if ((grown = realloc(m->hdrs, ncap * sizeof(*grown))) == NULL)
			return -1;
		m->hdrs = grown;
		m->cap_hdrs = ncap;
	}
	h = &m->hdrs[m->n_hdrs++];
	h->off = off;
	h->name_len = nl;
	h->len = m->text.len - off;
	return 0;
}

/* Header I's value, NUL-terminated in place (its CR becomes NUL). */
static char *
header_value(struct message *m, size_t i)
{
	struct header_ref *h = &m->hdrs[i];

	m->text.data[h->off + h->len - 2] = '\0';
	return m->text.data + h->off + h->name_len + 2;
}

static void
header_restore(struct message *m, size_t i)
{
	struct header_ref *h = &m->hdrs[i];

	m->text.data[h->off + h->len - 2] = '\r';
}

static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct connection *c = smfi_getpriv(ctx);
	struct message *m;
	sfsistat next;

	if (c == NULL)
		return SMFIS_ACCEPT;
	m = &c->msg;
	if (!m->started) {
		m->started = 1;
		flight_add(1);
	}
	next = c->nr_hdr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	if (strcasecmp(name, c->rt->cfg->tag_header) == 0) {
		m->tag_copies++;
		return next;	/* forged or stale: never kept, never parsed */
	}
	if (strcasecmp(name, c->audit_header) == 0) {
		m->audit_copies++;
		return next;	/* likewise */
	}
	if (strcasecmp(name, "Content-Type") == 0 &&
	    recog_content_type_is_tlsrpt(value))
		m->reasons |= RECOG_CONTENT_TYPE;
	else if (recog_is_report_header(name))
		m->reasons |= RECOG_REPORT_HEADER;
	else if (c->rt->cfg->auth_mode == AUTH_MODE_AUTHRES &&
	    strcasecmp(name, "Authentication-Results") == 0 &&
	    m->n_authres < MAX_AUTHRES &&
	    (m->authres[m->n_authres] = strdup(value)) != NULL)
		m->n_authres++;
	if (!m->oversize) {
		if (keep_header(m, name, value) < 0)
			m->oversize = 1;
		else if (m->from_hdr == 0 && strcasecmp(name, "From") == 0)
			m->from_hdr = m->n_hdrs;
	}
	return next;
}

/*
 * The From address, parsed only when it matters: for every candidate
 * (DKIM alignment needs its domain), and for other mail only when the
 * header mentions a KnownReporters domain at all, since a full address
 * parse on every message would be most of this filter's cost.
 */
static void
check_from(struct connection *c, struct message *m)
{
	const struct config *cfg = c->rt->cfg;
	const char *value;

	if (m->from_hdr == 0)
		return;
	value = header_value(m, m->from_hdr - 1);
	if ((m->reasons != 0 || recog_may_mention(value, cfg->known_reporters,
	    cfg->n_known_reporters)) &&
	    recog_from_address(value, m->from_addr, sizeof(m->from_addr),
	    m->from_domain, sizeof(m->from_domain)) == 0 &&
	    recog_address_matches(m->from_addr, cfg->known_reporters,
	    cfg->n_known_reporters))
		m->reasons |= RECOG_KNOWN_REPORTER;
	header_restore(m, m->from_hdr - 1);
}

static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
	struct connection *c = smfi_getpriv(ctx);
	struct message *m;
	char why[128];
	size_t i;

	if (c == NULL)
		return SMFIS_ACCEPT;
	m = &c->msg;
	remember_qid(ctx, m);
	check_from(c, m);
	if (m->reasons == 0) {
		if (m->tag_copies == 0 && m->audit_copies == 0) {
			message_reset(m);
			return SMFIS_ACCEPT;	/* ordinary mail: no body for us */
		}
		m->strip_only = 1;
		return SMFIS_CONTINUE;
	}
	log_msg(LOG_DEBUG, qid_of(m), "report candidate (%s) from=<%s>",
	    recog_reason_string(m->reasons, why, sizeof(why)), m->from_addr);
	m->candidate = 1;
	if (!m->oversize && buf_append(&m->text, "\r\n", 2) < 0)
		m->oversize = 1;
	/* DKIM sees the headers only now: ordinary mail never pays for it. */
	if (c->rt->dkim != NULL &&
	    (m->dkim = dkim_auth_msg_new(c->rt->dkim, m->qid,
	    m->from_domain)) != NULL) {
		for (i = 0; i < m->n_hdrs; i++) {
			char name[256];
			struct header_ref *h = &m->hdrs[i];

			if (h->name_len >= sizeof(name))
				continue;	/* no such header is signed */
			memcpy(name, m->text.data + h->off, h->name_len);
			name[h->name_len] = '\0';
			dkim_auth_header(m->dkim, name, header_value(m, i));
			header_restore(m, i);
		}
		dkim_auth_eoh(m->dkim);
	}
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
	struct connection *c = smfi_getpriv(ctx);
	struct message *m;

	if (c == NULL)
		return SMFIS_ACCEPT;
	m = &c->msg;
	if (m->strip_only || m->oversize)
		return c->can_skip ? SMFIS_SKIP : SMFIS_CONTINUE;
	if (buf_append(&m->text, data, len) < 0) {
		/* Too big to be a report: stop buffering, deliver, tag invalid. */
		m->oversize = 1;
		buf_reset(&m->text);
		return c->can_skip ? SMFIS_SKIP : SMFIS_CONTINUE;
	}
	if (m->dkim != NULL)
		dkim_auth_body(m->dkim, data, len);
	return SMFIS_CONTINUE;
}

/* Delete the N incoming copies of header NAME. */
static void
delete_copies(SMFICTX *ctx, const struct message *m, const char *name,
    unsigned n)
{
	unsigned i;

	for (i = n; i >= 1; i--)
		if (smfi_chgheader(ctx, (char *)name, (int)i, NULL) != MI_SUCCESS)
			log_msg(LOG_ERR, qid_of(m), "could not delete incoming %s #%u",
			    name, i);
	if (n > 0)
		log_msg(LOG_NOTICE, qid_of(m), "deleted %u incoming %s header%s",
		    n, name, n == 1 ? "" : "s");
}

/*
 * Action redirect: RedirectTo in, the original recipients out, and their
 * list in the audit header.  In that order, so that any failure leaves
 * the message with more recipients, never none.  0 when redirected.
 */
static int
redirect(SMFICTX *ctx, struct connection *c, const struct verdict *v)
{
	const char *to = c->rt->cfg->redirect_to;
	struct message *m = &c->msg;
	size_t i, size = DIVERT_MAX_RCPTS * (DIVERT_MAX_ADDR + 3) + 1;
	unsigned kept = 0, failed = 0;
	char *audit;

	for (i = 0; i < m->n_rcpts && !divert_same_address(m->rcpts[i], to); i++)
		;
	if (i == m->n_rcpts && smfi_addrcpt(ctx, (char *)to) != MI_SUCCESS) {
		log_msg(LOG_ERR, qid_of(m), "could not add recipient <%s>: "
		    "redirect withheld, delivered with the tag", to);
		return -1;
	}
	if ((audit = malloc(size)) == NULL ||
	    divert_audit_value(audit, size, (const char *const *)m->rcpts,
	    m->n_rcpts) < 0 ||
	    smfi_addheader(ctx, c->audit_header, audit) != MI_SUCCESS)
		log_msg(LOG_ERR, qid_of(m), "could not add the %s header",
		    c->audit_header);
	free(audit);
	for (i = 0; i < m->n_rcpts; i++) {
		if (divert_same_address(m->rcpts[i], to))
			kept++;
		else if (smfi_delrcpt(ctx, m->rcpts[i]) != MI_SUCCESS) {
			log_msg(LOG_ERR, qid_of(m), "could not remove recipient %s",
			    m->rcpts[i]);
			failed++;
		}
	}
	log_msg(LOG_INFO, qid_of(m), "redirected to <%s>: submitter=%s report-id=%s "
	    "(%zu original recipient%s%s%s)", to, v->submitter, v->report_ids,
	    m->n_rcpts, m->n_rcpts == 1 ? "" : "s",
	    kept > 0 ? ", RedirectTo among them" : "",
	    failed > 0 ? ", some could not be removed" : "");
	return 0;
}

/* After the verdict: tag, and maybe divert (divert.h). */
static sfsistat
act(SMFICTX *ctx, struct connection *c, const struct verdict *v)
{
	const struct config *cfg = c->rt->cfg;
	struct message *m = &c->msg;
	enum divert_outcome o;
	const char *why;

	/* No recipient seen (an MTA that skipped RCPT) is as bad as one lost. */
	o = divert_choose(cfg, v, !m->rcpts_lost && m->n_rcpts > 0, &why);
	if (cfg->action == ACTION_REDIRECT && v->verdict == TAG_PASS &&
	    !c->keep_rcpts) {
		why = "the MTA does not offer recipient changes";
		o = DIVERT_TAG;
	}
	if (why != NULL)
		log_msg(LOG_NOTICE, qid_of(m), "%s withheld (%s): delivered with the tag: "
		    "submitter=%s report-id=%s", config_action_name(cfg->action), why,
		    v->submitter, v->report_ids);
	if (o == DIVERT_DISCARD) {
		log_msg(LOG_INFO, qid_of(m), "discarded: submitter=%s report-id=%s "
		    "(stored %u, duplicate %u)", v->submitter, v->report_ids,
		    v->stored, v->duplicates);
		return SMFIS_DISCARD;
	}
	if (smfi_addheader(ctx, cfg->tag_header, (char *)v->tag) != MI_SUCCESS)
		log_msg(LOG_ERR, qid_of(m), "could not add the %s header",
		    cfg->tag_header);
	if (o == DIVERT_REDIRECT)
		(void)redirect(ctx, c, v);
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_eom(SMFICTX *ctx)
{
	struct connection *c = smfi_getpriv(ctx);
	struct verdict_input in;
	struct verdict v;
	struct message *m;
	sfsistat next;

	if (c == NULL)
		return SMFIS_ACCEPT;
	m = &c->msg;
	remember_qid(ctx, m);
	delete_copies(ctx, m, c->rt->cfg->tag_header, m->tag_copies);
	delete_copies(ctx, m, c->audit_header, m->audit_copies);
	if (m->strip_only) {
		message_reset(m);
		return SMFIS_CONTINUE;
	}
	memset(&in, 0, sizeof(in));
	in.rt = c->rt;
	in.qid = qid_of(m);
	in.from_addr = m->from_addr;
	in.from_domain = m->from_domain;
	in.message = m->text.data;
	in.len = m->text.len;
	in.oversize = m->oversize;
	in.dkim = m->dkim;
	in.authres = (const char *const *)m->authres;
	in.n_authres = m->n_authres;
	in.have_envelope = 1;
	in.n_rcpts = m->n_rcpts_seen;
	in.stray_rcpt = m->has_stray ? m->stray_rcpt : NULL;
	verdict_decide(&in, &c->store, &v);
	next = act(ctx, c, &v);
	message_reset(m);
	return next;
}

/*
 * The MTA gave up on the message, or libmilter did (MilterTimeout, a
 * broken connection, its sweep of idle connections, which calls only
 * close).  Only a report cut off mid-body is news: it is not recorded,
 * and the MTA's default_action decides what happens to it.
 */
static void
message_cut_off(struct message *m)
{
	if (m->candidate)
		log_msg(LOG_NOTICE, qid_of(m), "report candidate from=<%s> ended "
		    "before end-of-message (%zu bytes received): not recorded",
		    m->from_addr, m->text.len);
	message_reset(m);
}

static sfsistat
mlfi_abort(SMFICTX *ctx)
{
	struct connection *c = smfi_getpriv(ctx);

	if (c != NULL)
		message_cut_off(&c->msg);
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_close(SMFICTX *ctx)
{
	struct connection *c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	smfi_setpriv(ctx, NULL);
	message_cut_off(&c->msg);
	if (c->store != NULL)
		store_close(c->store);
	runtime_release(c->rt);
	free(c);
	return SMFIS_CONTINUE;
}

int
milter_register(const char *name)
{
	struct smfiDesc desc;

	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = (char *)name;
	desc.xxfi_version = SMFI_VERSION;
	/* The most we may ask for; negotiate asks for rcpt edits only if used. */
	desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT |
	    SMFIF_DELRCPT;
	desc.xxfi_envrcpt = mlfi_envrcpt;
	desc.xxfi_data = mlfi_data;
	desc.xxfi_header = mlfi_header;
	desc.xxfi_eoh = mlfi_eoh;
	desc.xxfi_body = mlfi_body;
	desc.xxfi_eom = mlfi_eom;
	desc.xxfi_abort = mlfi_abort;
	desc.xxfi_close = mlfi_close;
	desc.xxfi_negotiate = mlfi_negotiate;
	return smfi_register(desc) == MI_SUCCESS ? 0 : -1;
}
