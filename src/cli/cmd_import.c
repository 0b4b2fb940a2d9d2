/*
 * cmd_import.c - `tlsrpt import [--no-verify] [-n] [-q] PATH...`:
 * backfill the store from mail and files the admin already has.
 *
 * mailsource.h walks the paths (Maildir, mbox, .eml, .json, .json.gz,
 * directories); each message then meets what the milter does to it: the
 * same recognition from its headers (recognize.h; the envelope recipient
 * that ReportAddresses matches is read from Delivered-To or
 * X-Original-To, as the delivering MTA wrote it), the same
 * authentication (rawmsg.h feeds it to DKIM as libmilter would;
 * verdict_authenticate() decides per AuthMode), the same parser limits
 * (MaxMessageSize per message) and the same store, whose deduplication
 * makes a second import of the same mail store nothing.  Bare report
 * files carry no signature: only --no-verify records them (verified=0).
 * Import adds no tag, so what the tag's "pass" asks beyond
 * authentication (verdict.h: a listed signer, only a report, the
 * recipients) does not apply: an authenticated report is recorded
 * verified, as the milter records its pass and verified reports alike.
 *
 * Provenance: auth_method is the method that authenticated the message
 * ("dkim", "authres"), or "import" for what was recorded unverified;
 * source names the file ("PATH#N part 1 (application/tlsrpt+gzip)" for
 * message N of an mbox); received is the From_ line's date or the file's
 * mtime.
 *
 * Output: one line per input that failed, on stderr; a progress line on a
 * terminal (progress.h); a summary on stdout.  Exit 0 when nothing failed
 * (mail that is not a report is skipped, not failed), 1 when some input
 * failed or the store could not be opened, 2 on a usage error.
 */
#include "cli_config.h"
#include "cmd.h"
#include "dkim_auth.h"
#include "mailsource.h"
#include "progress.h"
#include "rawmsg.h"
#include "recognize.h"
#include "runtime.h"
#include "store.h"
#include "text_safe.h"
#include "tlsrpt.h"
#include "verdict.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_AUTHRES	16		/* as the milter keeps */
#define MAX_REASONS	32

struct import {
	struct runtime *rt;
	struct store *store;
	int no_verify, dry_run, quiet;
	int stop;			/* the store is gone: no point going on */
	struct progress *prog;
	uint64_t done_bytes;
	unsigned long items, messages, report_files, reports, stored,
	    duplicates, unverified, not_reports, failed;
	struct {
		char name[80];
		unsigned long n;
	} reasons[MAX_REASONS];
	size_t n_reasons;
};

/* What the header walk finds in one message. */
struct headers {
	const struct config *cfg;
	unsigned reasons;		/* enum recog_reason */
	int from_seen;
	char from_addr[320];
	char from_domain[256];
	char *authres[MAX_AUTHRES];
	size_t n_authres;
	struct dkim_auth_msg *dkim;	/* the second walk: feed DKIM */
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: tlsrpt [-c FILE] [--db URI] import [--no-verify] "
	    "[-n] [-q] PATH...\n\n"
	    "  PATH            a Maildir, an mbox, a message (.eml), a report\n"
	    "                  (.json, .json.gz), or a directory of them\n"
	    "  --no-verify     record without authentication, marked unverified\n"
	    "                  (bare report files; mail whose DKIM keys rotated)\n"
	    "  -n, --dry-run   parse and authenticate, store nothing\n"
	    "  -q, --quiet     no progress line and no summary\n"
	    "  -h, --help      this text\n");
}

/* Count one failure under REASON and say what failed (NAME) and why. */
static void
fail(struct import *im, const char *name, const char *reason,
    const char *detail)
{
	size_t i;

	im->failed++;
	for (i = 0; i < im->n_reasons; i++)
		if (strcmp(im->reasons[i].name, reason) == 0)
			break;
	if (i == im->n_reasons && i < MAX_REASONS) {
		snprintf(im->reasons[i].name, sizeof(im->reasons[i].name), "%s",
		    reason);
		im->n_reasons++;
	}
	if (i < im->n_reasons)
		im->reasons[i].n++;
	progress_clear(im->prog);
	fputs("tlsrpt: ", stderr);
	text_fputs(stderr, name);
	fputs(": ", stderr);
	text_fputs(stderr, reason);
	if (detail != NULL) {
		fputs(": ", stderr);
		text_fputs(stderr, detail);
	}
	fputc('\n', stderr);
}

static void
on_error(void *arg, const char *path, const char *why)
{
	fail(arg, path, "unreadable", why);
}

static void
on_header(void *arg, const char *name, const char *value)
{
	struct headers *h = arg;

	if (h->dkim != NULL) {
		/* The milter never keeps its own tag header; neither does DKIM. */
		if (strcasecmp(name, h->cfg->tag_header) != 0)
			dkim_auth_header(h->dkim, name, value);
		return;
	}
	if (strcasecmp(name, "Content-Type") == 0 &&
	    recog_content_type_is_tlsrpt(value))
		h->reasons |= RECOG_CONTENT_TYPE;
	else if (recog_is_report_header(name))
		h->reasons |= RECOG_REPORT_HEADER;
	else if (strcasecmp(name, "Authentication-Results") == 0 &&
	    h->n_authres < MAX_AUTHRES &&
	    (h->authres[h->n_authres] = strdup(value)) != NULL)
		h->n_authres++;
	else if ((strcasecmp(name, "Delivered-To") == 0 ||
	    strcasecmp(name, "X-Original-To") == 0) &&
	    recog_address_matches(value, h->cfg->report_addresses,
	    h->cfg->n_report_addresses))
		h->reasons |= RECOG_REPORT_ADDRESS;	/* the envelope, as delivered */
	else if (!h->from_seen && strcasecmp(name, "From") == 0) {
		h->from_seen = 1;
		if (recog_from_address(value, h->from_addr, sizeof(h->from_addr),
		    h->from_domain, sizeof(h->from_domain)) == 0 &&
		    recog_address_matches(h->from_addr, h->cfg->known_reporters,
		    h->cfg->n_known_reporters))
			h->reasons |= RECOG_KNOWN_REPORTER;
	}
}

static void
on_body(void *arg, const unsigned char *data, size_t len)
{
	dkim_auth_body(arg, data, len);
}

static void
headers_free(struct headers *h)
{
	size_t i;

	for (i = 0; i < h->n_authres; i++)
		free(h->authres[i]);
	if (h->dkim != NULL)
		dkim_auth_msg_free(h->dkim);
}

/* Store (or, dry, count) the reports of RES; 0, or -1 when the store broke. */
static int
record(struct import *im, const char *name, const struct tlsrpt_result *res,
    const struct headers *h, const char *signer, int verified, time_t received)
{
	struct store_provenance prov;
	char errbuf[512], source[1200];
	size_t i;

	im->reports += res->n_reports;
	if (im->dry_run)
		return 0;
	memset(&prov, 0, sizeof(prov));
	prov.mail_from = h != NULL && h->from_addr[0] != '\0' ? h->from_addr : NULL;
	prov.dkim_domain = signer != NULL && signer[0] != '\0' ? signer : NULL;
	prov.auth_method = !verified ? "import" :
	    im->rt->cfg->auth_mode == AUTH_MODE_AUTHRES ? "authres" : "dkim";
	prov.received = received;
	prov.verified = verified;
	prov.source = source;
	for (i = 0; i < res->n_reports; i++) {
		const struct tlsrpt_report *rep = &res->reports[i];

		snprintf(source, sizeof(source), "%s%s%s", name,
		    rep->source[0] != '\0' ? " " : "", rep->source);
		switch (store_put_report(im->store, rep, &prov, errbuf,
		    sizeof(errbuf))) {
		case STORE_STORED:
			im->stored++;
			im->unverified += !verified;
			break;
		case STORE_DUPLICATE:
			im->duplicates++;
			break;
		case STORE_ERROR:
			fail(im, name, "store error", errbuf);
			/* A broken handle is not reused; one new try. */
			store_close(im->store);
			if ((im->store = config_store_open(im->rt->cfg, errbuf,
			    sizeof(errbuf))) == NULL) {
				fail(im, "Database", "cannot reopen the store",
				    errbuf);
				im->stop = 1;
				return -1;
			}
			break;
		}
	}
	return 0;
}

/* Parse DATA; on success the result, else the failure is counted. */
static struct tlsrpt_result *
parse(struct import *im, const char *name, const struct mail_item *it)
{
	struct tlsrpt_result *res;
	struct tlsrpt_error err;
	char reason[80];

	if (tlsrpt_parse(it->data, it->len, &im->rt->limits, &res, &err) ==
	    TLSRPT_OK)
		return res;
	if (err.code == TLSRPT_E_NO_REPORT) {
		im->not_reports++;	/* a reporter's other mail */
		return NULL;
	}
	snprintf(reason, sizeof(reason), "invalid report (%s)",
	    tlsrpt_errcode_name(err.code));
	fail(im, name, reason, err.message);
	return NULL;
}

static void
import_file(struct import *im, const char *name, const struct mail_item *it)
{
	struct tlsrpt_result *res;

	im->report_files++;
	if (!im->no_verify) {
		fail(im, name, "report file without DKIM signature", "recorded only "
		    "with --no-verify (unverified)");
		return;
	}
	if (it->oversize) {
		fail(im, name, "larger than MaxMessageSize", NULL);
		return;
	}
	if ((res = parse(im, name, it)) == NULL)
		return;
	record(im, name, res, NULL, NULL, 0, it->received);
	tlsrpt_result_free(res);
}

static void
import_message(struct import *im, const char *name, const struct mail_item *it)
{
	const struct config *cfg = im->rt->cfg;
	struct verdict_input in;
	struct headers h;
	struct tlsrpt_result *res;
	char signer[256] = "", why[256] = "";
	size_t body;
	int verified = 0;

	im->messages++;
	memset(&h, 0, sizeof(h));
	h.cfg = cfg;
	if ((body = rawmsg_headers(it->data, it->len, on_header, &h)) ==
	    (size_t)-1) {
		fail(im, name, "out of memory", NULL);
		goto out;
	}
	if (h.reasons == 0) {
		im->not_reports++;	/* what the milter lets by at its headers */
		goto out;
	}
	if (it->oversize) {
		fail(im, name, "larger than MaxMessageSize", NULL);
		goto out;
	}
	if (!im->no_verify) {
		if (im->rt->dkim != NULL &&
		    (h.dkim = dkim_auth_msg_new(im->rt->dkim, name,
		    h.from_domain)) != NULL) {
			rawmsg_headers(it->data, it->len, on_header, &h);
			dkim_auth_eoh(h.dkim);
			rawmsg_body_crlf(it->data + body, it->len - body, on_body,
			    h.dkim);
		}
		memset(&in, 0, sizeof(in));
		in.rt = im->rt;
		in.from_addr = h.from_addr;
		in.from_domain = h.from_domain;
		in.message = it->data;
		in.len = it->len;
		in.dkim = h.dkim;
		in.authres = (const char *const *)h.authres;
		in.n_authres = h.n_authres;
		verified = verdict_authenticate(&in, signer, sizeof(signer), why,
		    sizeof(why));
		if (!verified && !cfg->record_unverified) {
			fail(im, name, "not authenticated", why);
			goto out;
		}
	}
	if ((res = parse(im, name, it)) == NULL)
		goto out;
	record(im, name, res, &h, signer, verified, it->received);
	tlsrpt_result_free(res);
out:
	headers_free(&h);
}

static int
on_item(void *arg, const struct mail_item *it)
{
	struct import *im = arg;
	char name[1100];

	im->items++;
	im->done_bytes += it->raw_bytes;
	if (it->msgno > 0)
		snprintf(name, sizeof(name), "%s#%lu", it->path, it->msgno);
	else
		snprintf(name, sizeof(name), "%s", it->path);
	switch (it->kind) {
	case TLSRPT_KIND_GZIP:
	case TLSRPT_KIND_JSON:
		import_file(im, name, it);
		break;
	case TLSRPT_KIND_MESSAGE:
	case TLSRPT_KIND_MBOX:
		import_message(im, name, it);
		break;
	default:
		im->not_reports++;
		break;
	}
	progress_update(im->prog, im->done_bytes, im->items);
	return im->stop;
}

static void
summary(const struct import *im, double secs)
{
	size_t i;

	printf("import: %lu message%s and %lu report file%s read in %.1f s\n",
	    im->messages, im->messages == 1 ? "" : "s", im->report_files,
	    im->report_files == 1 ? "" : "s", secs);
	if (im->dry_run)
		printf("  reports found:   %lu (dry run: nothing stored)\n",
		    im->reports);
	else {
		printf("  reports stored:  %lu", im->stored);
		if (im->unverified > 0)
			printf(" (%lu unverified)", im->unverified);
		printf("\n  duplicates:      %lu\n", im->duplicates);
	}
	printf("  not reports:     %lu (skipped)\n", im->not_reports);
	printf("  failed:          %lu\n", im->failed);
	for (i = 0; i < im->n_reasons; i++) {
		char name[sizeof(im->reasons[i].name)];

		text_sanitize(name, sizeof(name), im->reasons[i].name);
		printf("    %-40s %lu\n", name, im->reasons[i].n);
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-verify", no_argument, NULL, 'V' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mailsource_ops ops;
	struct import im;
	struct config *cfg;
	char err[512];
	double start = now();
	int c, i, rc = 0;

	memset(&im, 0, sizeof(im));
	optind = 1;
	while ((c = getopt_long(argc, argv, "nqh", opts, NULL)) != -1) {
		switch (c) {
		case 'V':
			im.no_verify = 1;
			break;
		case 'n':
			im.dry_run = 1;
			break;
		case 'q':
			im.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* The mail must then be readable by the daemon's user. */
	if ((cfg = cli_config_as_user(cli_globals.config_path,
	    cli_globals.config_given)) == NULL)
		return 1;
	tlsrpt_library_init();
	if ((im.rt = runtime_new(cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tlsrpt: %s\n", err);
		tlsrpt_library_shutdown();
		return 1;
	}
	im.rt->refs = 1;		/* ours alone: runtime_release() frees it */
	if (!im.dry_run && (im.store = cli_store_open(im.rt->cfg)) == NULL) {
		rc = 1;
		goto out;
	}
	if (!im.quiet && isatty(fileno(stderr))) {
		uint64_t total = 0;

		for (i = optind; i < argc; i++)
			total += mailsource_size(argv[i]);
		im.prog = progress_new(stderr, "import", total);
	}
	memset(&ops, 0, sizeof(ops));
	ops.max = im.rt->cfg->max_message_size;
	ops.item = on_item;
	ops.error = on_error;
	ops.arg = &im;
	for (i = optind; i < argc && !im.stop; i++)
		mailsource_read(argv[i], &ops);
	progress_free(im.prog);
	if (!im.quiet)
		summary(&im, now() - start);
	if (im.failed > 0)
		rc = 1;
	if (fflush(stdout) != 0) {
		fprintf(stderr, "tlsrpt: standard output: %s\n", strerror(errno));
		rc = 1;
	}
out:
	if (im.store != NULL)
		store_close(im.store);
	runtime_release(im.rt);
	tlsrpt_library_shutdown();
	return rc;
}
