/*
 * parse.c - the core's entry point: detect the input, run the pipeline.
 *
 * Input kinds, decided by content: gzip (magic 1f 8b), a JSON object
 * ('{' after optional BOM and white space), or a mail message (a header
 * line first, optionally behind an mbox "From " line).  A message may
 * hold several report parts; each one that parses becomes a report, each
 * one that fails becomes a message-level warning, and only a message
 * with no good report at all is an error (the first part's error).
 */
#include "arena.h"
#include "core.h"
#include "inflate.h"
#include "mime.h"
#include "rfc8460_json.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

struct parse_ctx {
	const struct tlsrpt_limits *lim;
	struct tlsrpt_result *res;
	struct tlsrpt_error first;	/* first failed part, for the all-failed case */
	unsigned failed;
};

void
tlsrpt_library_init(void)
{
	g_mime_init();
}

void
tlsrpt_library_shutdown(void)
{
	g_mime_shutdown();
}

void
tlsrpt_result_free(struct tlsrpt_result *result)
{
	if (result != NULL)
		arena_free(result->arena);	/* the result lives in its arena */
}

/* RFC 5322 field name (printable ASCII but ':') then ':'. */
static int
looks_like_header(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 1000; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ':')
			return i > 0;
		if (c < 33 || c > 126)
			return 0;
	}
	return 0;
}

/* One payload: gzip'd or plain JSON, by content, never by label. */
static enum tlsrpt_errcode
parse_payload(const unsigned char *data, size_t len,
    const struct tlsrpt_limits *lim, struct arena *a,
    struct tlsrpt_report *rep, struct tlsrpt_error *err)
{
	enum tlsrpt_errcode code;
	size_t json_len;
	char *json;
	int first;

	if (len == 0)
		return tlsrpt_seterr(err, TLSRPT_E_EMPTY, "empty payload");
	if (is_gzip(data, len)) {
		if ((code = gunzip_bounded(data, len, lim, &json, &json_len,
		    err)) != TLSRPT_OK)
			return code;
		if (tlsrpt_first_byte((unsigned char *)json, json_len) != '{')
			code = tlsrpt_seterr(err, json_len == 0 ? TLSRPT_E_EMPTY :
			    TLSRPT_E_JSON, "gzip payload is not a JSON object");
		else
			code = report_from_json(json, json_len, lim, a, rep, err);
		free(json);
		return code;
	}
	first = tlsrpt_first_byte(data, len);
	if (first == '{' || first == '[' || first == '"')
		return report_from_json((const char *)data, len, lim, a, rep, err);
	return tlsrpt_seterr(err, TLSRPT_E_UNRECOGNIZED,
	    "payload is neither gzip nor JSON (first byte 0x%02x)", data[0]);
}

static struct tlsrpt_report *
new_report(struct tlsrpt_result *res)
{
	struct tlsrpt_report *grown;

	grown = arena_grow(res->arena, res->reports, res->n_reports,
	    res->n_reports + 1, sizeof(*grown));
	if (grown == NULL)
		return NULL;
	res->reports = grown;
	memset(&grown[res->n_reports], 0, sizeof(*grown));
	return &grown[res->n_reports];
}

static int
add_result_warning(struct tlsrpt_result *res, const char *msg)
{
	const char **grown;

	grown = arena_grow(res->arena, res->warnings, res->n_warnings,
	    res->n_warnings + 1, sizeof(*grown));
	if (grown == NULL || (grown[res->n_warnings] = arena_strdup(res->arena,
	    msg)) == NULL)
		return -1;
	res->warnings = grown;
	res->n_warnings++;
	return 0;
}

static enum tlsrpt_errcode
on_report_part(const struct mime_report_part *part, void *vctx)
{
	struct parse_ctx *ctx = vctx;
	struct tlsrpt_result *res = ctx->res;
	struct tlsrpt_report *rep;
	struct tlsrpt_error e;
	enum tlsrpt_errcode code;

	if ((rep = new_report(res)) == NULL)
		return TLSRPT_E_NOMEM;
	if (part->decode_error != TLSRPT_OK)
		code = tlsrpt_seterr(&e, part->decode_error, "%s",
		    part->decode_message);
	else
		code = parse_payload(part->data, part->len, ctx->lim, res->arena,
		    rep, &e);
	if (code == TLSRPT_E_NOMEM)
		return code;
	if (code != TLSRPT_OK) {
		tlsrpt_err_prefix(&e, "part %u (%s)", part->index,
		    part->content_type);
		/* The slot is reused by the next part; the arena keeps the rest. */
		if (ctx->failed++ == 0)
			ctx->first = e;
		return add_result_warning(res, e.message) < 0 ?
		    TLSRPT_E_NOMEM : TLSRPT_OK;
	}
	rep->part_index = part->index;
	if ((rep->source = arena_printf(res->arena, "part %u (%s)", part->index,
	    part->content_type)) == NULL)
		return TLSRPT_E_NOMEM;
	res->n_reports++;
	return TLSRPT_OK;
}

static enum tlsrpt_errcode
parse_message(const char *data, size_t len, struct parse_ctx *ctx,
    struct tlsrpt_error *err)
{
	enum tlsrpt_errcode code;
	unsigned n_parts;
	char shape[160];

	ctx->first.message[0] = '\0';
	code = mime_find_reports(data, len, ctx->lim, on_report_part, ctx,
	    &n_parts, shape, sizeof(shape), err);
	if (code == TLSRPT_E_NOMEM)
		return tlsrpt_seterr(err, code, "out of memory");
	if (code != TLSRPT_OK)
		return code;
	ctx->res->failed_parts = ctx->failed;
	if (shape[0] != '\0' &&
	    (ctx->res->not_only_report = arena_strdup(ctx->res->arena, shape)) == NULL)
		return tlsrpt_seterr(err, TLSRPT_E_NOMEM, "out of memory");
	if (n_parts == 0)
		return tlsrpt_seterr(err, TLSRPT_E_NO_REPORT,
		    "no TLS-RPT report part in the message");
	if (ctx->res->n_reports == 0) {
		*err = ctx->first;
		return err->code;
	}
	return TLSRPT_OK;
}

enum tlsrpt_kind
tlsrpt_sniff(const char *data, size_t len)
{
	const char *nl;
	int first;

	if (len == 0)
		return TLSRPT_KIND_EMPTY;
	first = tlsrpt_first_byte((const unsigned char *)data, len);
	/* '[' and '"' cannot start a header but can start JSON: say what is
	 * wrong with that JSON rather than calling it an odd message. */
	if (is_gzip((const unsigned char *)data, len))
		return TLSRPT_KIND_GZIP;
	if (first == '{' || first == '[' || first == '"')
		return TLSRPT_KIND_JSON;
	/* An mbox "From " separator line is not a header. */
	if (len > 5 && memcmp(data, "From ", 5) == 0)
		return (nl = memchr(data, '\n', len)) != NULL &&
		    looks_like_header(nl + 1, len - (size_t)(nl + 1 - data)) ?
		    TLSRPT_KIND_MBOX : TLSRPT_KIND_UNKNOWN;
	return looks_like_header(data, len) ? TLSRPT_KIND_MESSAGE :
	    TLSRPT_KIND_UNKNOWN;
}

enum tlsrpt_errcode
tlsrpt_parse(const char *data, size_t len, const struct tlsrpt_limits *lim,
    struct tlsrpt_result **result_r, struct tlsrpt_error *err)
{
	struct tlsrpt_limits defaults;
	struct parse_ctx ctx;
	struct tlsrpt_result *res;
	struct tlsrpt_report *rep;
	struct arena *a;
	enum tlsrpt_errcode code;
	enum tlsrpt_kind kind;
	const char *p;

	*result_r = NULL;
	if (lim == NULL) {
		tlsrpt_limits_default(&defaults);
		lim = &defaults;
	}
	if (len == 0)
		return tlsrpt_seterr(err, TLSRPT_E_EMPTY, "empty input");
	if (len > lim->max_message_bytes)
		return tlsrpt_seterr(err, TLSRPT_E_LIMIT_MESSAGE,
		    "input of %zu bytes exceeds the limit of %zu bytes", len,
		    lim->max_message_bytes);
	if ((a = arena_new()) == NULL ||
	    (res = arena_alloc(a, sizeof(*res))) == NULL) {
		arena_free(a);
		return tlsrpt_seterr(err, TLSRPT_E_NOMEM, "out of memory");
	}
	res->arena = a;
	memset(&ctx, 0, sizeof(ctx));
	ctx.lim = lim;
	ctx.res = res;

	kind = tlsrpt_sniff(data, len);
	if (kind == TLSRPT_KIND_GZIP || kind == TLSRPT_KIND_JSON) {
		if ((rep = new_report(res)) == NULL)
			code = tlsrpt_seterr(err, TLSRPT_E_NOMEM, "out of memory");
		else if ((code = parse_payload((const unsigned char *)data, len,
		    lim, a, rep, err)) == TLSRPT_OK) {
			rep->source = "";
			res->n_reports = 1;
			res->not_only_report = "not a mail message";
		}
	} else if (kind == TLSRPT_KIND_MESSAGE || kind == TLSRPT_KIND_MBOX) {
		p = kind == TLSRPT_KIND_MBOX ? (const char *)memchr(data, '\n',
		    len) + 1 : data;
		code = parse_message(p, len - (size_t)(p - data), &ctx, err);
	} else
		code = tlsrpt_seterr(err, TLSRPT_E_UNRECOGNIZED,
		    "input is neither a mail message, JSON nor gzip");
	if (code != TLSRPT_OK) {
		arena_free(a);
		return code;
	}
	*result_r = res;
	return TLSRPT_OK;
}
