/*
 * mime.c - report parts of a message, with GMime; see mime.h.
 */
#include "mime.h"
#include "base64.h"
#include "core.h"
#include "inflate.h"

#include <gmime/gmime.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/*
 * Where a node sits, for the RFC 8460 section 5.3 shape: the top, a
 * direct part of the top multipart/report, a part of the one
 * multipart/alternative allowed there, or anywhere else (the shape is
 * already wrong).
 */
enum place { AT_TOP, IN_REPORT, IN_ALTERNATIVE, ELSEWHERE };

struct walk {
	const struct tlsrpt_limits *lim;
	mime_part_fn fn;
	void *ctx;
	unsigned leaves;
	unsigned reports;
	unsigned human;			/* human-readable parts of the report */
	char *shape;			/* first reason it is more than a report */
	size_t shape_size;
	struct tlsrpt_error *err;
};

static const char *const report_types[] = {
	"application/tlsrpt+gzip", "application/tlsrpt+json",
	"application/tlsrpt", NULL
};

/* Labels used around report tooling; trusted only with more evidence. */
static const char *const generic_types[] = {
	"application/gzip", "application/x-gzip", "application/json",
	"application/octet-stream", "application/x-gzip-compressed", NULL
};

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int
contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

static int
filename_says_report(const char *name)
{
	return name != NULL && (ends_with(name, ".json") ||
	    ends_with(name, ".json.gz") || ends_with(name, ".json.gzip") ||
	    contains_nocase(name, "tlsrpt"));
}

/* DMARC aggregate reports travel as application/gzip too. */
static int
filename_says_other(const char *name)
{
	return name != NULL && (contains_nocase(name, ".xml") ||
	    ends_with(name, ".zip"));
}

static int
starts_json_object(const unsigned char *p, size_t len)
{
	return tlsrpt_first_byte(p, len) == '{';
}

/* Does DATA look like a report payload: gzip of JSON, or a JSON object? */
static int
payload_looks_like_report(const unsigned char *data, size_t len)
{
	unsigned char head[64];
	z_stream z;
	int ok;

	if (starts_json_object(data, len))
		return 1;
	if (!is_gzip(data, len))
		return 0;
	/* Inflate a few bytes only: enough to see the opening brace. */
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)data;
	z.avail_in = len > 65536 ? 65536 : (uInt)len;
	z.next_out = head;
	z.avail_out = sizeof(head);
	(void)inflate(&z, Z_SYNC_FLUSH);
	ok = starts_json_object(head, sizeof(head) - z.avail_out);
	inflateEnd(&z);
	return ok;
}

/* The file name, from filename=, name=, or a (folded) Content-Description. */
static char *
part_filename(GMimePart *part)
{
	const char *name = g_mime_part_get_filename(part);
	const char *desc;
	char *copy, *r, *w;

	if (name != NULL && *name != '\0')
		return g_strdup(name);
	desc = g_mime_object_get_header(GMIME_OBJECT(part), "Content-Description");
	if (desc == NULL)
		return NULL;
	/* Unfold and trim: Microsoft folds long names across lines. */
	copy = g_strdup(desc);
	for (r = w = copy; *r != '\0'; r++) {
		if (*r == '\r' || *r == '\n')
			continue;
		if ((*r == ' ' || *r == '\t') && (w == copy || w[-1] == ' '))
			continue;
		*w++ = *r == '\t' ? ' ' : *r;
	}
	while (w > copy && w[-1] == ' ')
		w--;
	*w = '\0';
	return copy;
}

/* Raw (still encoded) bytes of a part's body, in a byte array we own. */
static GByteArray *
raw_content(GMimeDataWrapper *wrapper)
{
	GMimeStream *src = g_mime_data_wrapper_get_stream(wrapper);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;

	g_mime_stream_reset(src);
	g_mime_stream_write_to_stream(src, mem);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_object_unref(mem);
	return bytes;
}

/* Decode the body; on failure fill *code_r and *message_r. */
static GByteArray *
decoded_content(GMimePart *part, enum tlsrpt_errcode *code_r,
    char **message_r)
{
	GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
	GByteArray *raw, *out;
	GMimeStream *mem;
	struct tlsrpt_error e;
	size_t n;

	*code_r = TLSRPT_OK;
	*message_r = NULL;
	if (wrapper == NULL)
		return g_byte_array_new();
	if (g_mime_data_wrapper_get_encoding(wrapper) ==
	    GMIME_CONTENT_ENCODING_BASE64) {
		raw = raw_content(wrapper);
		out = g_byte_array_sized_new(base64_decoded_max(raw->len));
		if ((*code_r = base64_decode_strict((const char *)raw->data,
		    raw->len, out->data, &n, &e)) != TLSRPT_OK) {
			*message_r = g_strdup(e.message);
			g_byte_array_unref(raw);
			g_byte_array_unref(out);
			return NULL;
		}
		g_byte_array_set_size(out, (guint)n);
		g_byte_array_unref(raw);
		return out;
	}
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(wrapper, mem);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	out = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_object_unref(mem);
	return out;
}

/* Remember the first way the message is more than a report. */
static void G_GNUC_PRINTF(2, 3)
not_only_report(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->shape_size == 0 || w->shape[0] != '\0')
		return;
	va_start(ap, fmt);
	g_vsnprintf(w->shape, w->shape_size, fmt, ap);
	va_end(ap);
}

static int
is_human_type(const char *type)
{
	return strcmp(type, "text/plain") == 0 || strcmp(type, "text/html") == 0;
}

/* Sent as a file: Content-Disposition attachment, or a file name. */
static int
is_attachment(GMimePart *part)
{
	GMimeContentDisposition *cd =
	    g_mime_object_get_content_disposition(GMIME_OBJECT(part));
	const char *name = g_mime_part_get_filename(part);

	return (cd != NULL && g_mime_content_disposition_is_attachment(cd)) ||
	    (name != NULL && *name != '\0');
}

/*
 * The shape of a leaf that is not a report part (TYPE, lower case): in
 * the report, at most one human-readable text/plain or text/html part,
 * inline; in its multipart/alternative, only such parts; nothing else.
 */
static void
shape_leaf(struct walk *w, GMimePart *part, const char *type,
    enum place where)
{
	if (where == ELSEWHERE)
		return;		/* judged where the shape went wrong */
	if (!is_human_type(type))
		not_only_report(w, "part %u is %s", w->leaves, type);
	else if (is_attachment(part))
		not_only_report(w, "part %u (%s) is an attachment", w->leaves,
		    type);
	else if (where == IN_REPORT && ++w->human > 1)
		not_only_report(w, "part %u (%s) is a second human-readable part",
		    w->leaves, type);
}

static enum tlsrpt_errcode
visit_leaf(struct walk *w, GMimePart *part, enum place where)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	struct mime_report_part rp;
	enum tlsrpt_errcode code;
	char *type, *filename, *message = NULL;
	GByteArray *body;
	int explicit;

	w->leaves++;
	filename = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	type = g_ascii_strdown(filename != NULL ? filename : "text/plain", -1);
	g_free(filename);
	explicit = in_list(type, report_types);
	if (!explicit && !in_list(type, generic_types)) {
		shape_leaf(w, part, type, where);
		g_free(type);
		return TLSRPT_OK;
	}
	filename = part_filename(part);
	body = decoded_content(part, &code, &message);
	if (!explicit && (filename_says_other(filename) ||
	    (!filename_says_report(filename) && (body == NULL ||
	    !payload_looks_like_report(body->data, body->len))))) {
		code = TLSRPT_OK;	/* some other attachment */
		shape_leaf(w, part, type, where);
		goto done;
	}
	/* A report part belongs directly in the multipart/report. */
	if (where == IN_ALTERNATIVE)
		not_only_report(w, "part %u (%s) is inside multipart/alternative",
		    w->leaves, type);
	if (++w->reports > w->lim->max_report_parts) {
		code = tlsrpt_seterr(w->err, TLSRPT_E_LIMIT_PARTS,
		    "more than %zu report parts in the message",
		    w->lim->max_report_parts);
		goto done;
	}
	memset(&rp, 0, sizeof(rp));
	rp.index = w->leaves;
	rp.content_type = type;
	rp.filename = filename;
	rp.decode_error = code;
	rp.decode_message = message;
	if (body != NULL) {
		rp.data = body->data;
		rp.len = body->len;
	}
	code = w->fn(&rp, w->ctx);
done:
	if (body != NULL)
		g_byte_array_unref(body);
	g_free(message);
	g_free(filename);
	g_free(type);
	return code;
}

/* Is OBJ's content type TYPE (lower case "type/subtype")? */
static int
has_type(GMimeObject *obj, const char *type)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *t = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	int same = t != NULL && g_ascii_strcasecmp(t, type) == 0;

	g_free(t);
	return same;
}

/*
 * Where the parts of multipart OBJ, found at WHERE, sit; records why the
 * shape is wrong when it is.
 */
static enum place
place_of_parts(struct walk *w, GMimeObject *obj, enum place where)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *rt = ct != NULL ?
	    g_mime_content_type_get_parameter(ct, "report-type") : NULL;

	switch (where) {
	case AT_TOP:
		if (has_type(obj, "multipart/report") && rt != NULL &&
		    g_ascii_strcasecmp(rt, "tlsrpt") == 0)
			return IN_REPORT;
		not_only_report(w, "the message is not multipart/report; "
		    "report-type=tlsrpt");
		return ELSEWHERE;
	case IN_REPORT:
		if (has_type(obj, "multipart/alternative")) {
			if (++w->human > 1)
				not_only_report(w, "a second human-readable part "
				    "(multipart/alternative) after part %u",
				    w->leaves);
			return IN_ALTERNATIVE;
		}
		/* FALLTHROUGH */
	case IN_ALTERNATIVE:
		not_only_report(w, "a nested multipart after part %u", w->leaves);
		return ELSEWHERE;
	case ELSEWHERE:
		break;
	}
	return ELSEWHERE;
}

static enum tlsrpt_errcode
visit(struct walk *w, GMimeObject *obj, unsigned depth, enum place where)
{
	enum tlsrpt_errcode code;
	enum place inside;
	GMimeMessage *inner;
	int i, n;

	if (obj == NULL)
		return TLSRPT_OK;
	if (depth > w->lim->max_mime_depth)
		return tlsrpt_seterr(w->err, TLSRPT_E_LIMIT_MIME_DEPTH,
		    "mime: nesting deeper than %u levels", w->lim->max_mime_depth);
	if (where == AT_TOP && !GMIME_IS_MULTIPART(obj)) {
		not_only_report(w, "the message is not multipart/report; "
		    "report-type=tlsrpt");
		where = ELSEWHERE;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		inside = place_of_parts(w, obj, where);
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++) {
			code = visit(w, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
			    depth + 1, inside);
			if (code != TLSRPT_OK)
				return code;
		}
		return TLSRPT_OK;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		/* A report forwarded as an attachment: parsed, but not only a report. */
		if (where != ELSEWHERE)
			not_only_report(w, "a nested message (message/rfc822) after "
			    "part %u", w->leaves);
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		return inner == NULL ? TLSRPT_OK :
		    visit(w, g_mime_message_get_mime_part(inner), depth + 1,
		    ELSEWHERE);
	}
	if (GMIME_IS_PART(obj))
		return visit_leaf(w, GMIME_PART(obj), where);
	if (where != ELSEWHERE)
		not_only_report(w, "an unknown MIME object after part %u", w->leaves);
	return TLSRPT_OK;
}

/*
 * The message as GMime should see it: the top-level header block reduced
 * to its Content-* and MIME-Version fields, then the body unchanged.
 * Received, DKIM-Signature and the rest are a dozen or more fields that
 * GMime would make into GObjects and tear down again: for a 1 KB report
 * that was most of the parse.  Returns a malloc'd copy (GMime needs its
 * own anyway) or NULL when out of memory.
 */
static char *
content_headers_only(const char *data, size_t len, size_t *out_len_r)
{
	const char *p = data, *end = data + len, *field, *eol;
	char *out, *o;
	int keep;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	o = out;
	while (p < end) {
		/* A blank line ends the header block. */
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))
			break;
		field = p;
		keep = (end - p > 8 && strncasecmp(p, "Content-", 8) == 0) ||
		    (end - p > 13 && strncasecmp(p, "MIME-Version:", 13) == 0);
		/* The field runs to the first line not starting with SP/HT. */
		do {
			eol = memchr(p, '\n', (size_t)(end - p));
			p = eol != NULL ? eol + 1 : end;
		} while (p < end && (*p == ' ' || *p == '\t'));
		if (keep) {
			memcpy(o, field, (size_t)(p - field));
			o += p - field;
		}
	}
	memcpy(o, p, (size_t)(end - p));
	o += end - p;
	*out_len_r = (size_t)(o - out);
	return out;
}

/*
 * Lines that may delimit a MIME part ("--" at the start of a line).  GMime
 * builds an object per part before anything here can count them, so a
 * message of 100,000 tiny parts would cost hundreds of MB: count first.
 */
static size_t
boundary_lines(const char *data, size_t len, size_t stop_after)
{
	const char *p = data, *end = data + len;
	size_t n = 0;

	while (p < end && n <= stop_after) {
		const char *nl;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			n++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p = nl + 1;
	}
	return n;
}

enum tlsrpt_errcode
mime_find_reports(const char *data, size_t len, const struct tlsrpt_limits *lim,
    mime_part_fn fn, void *ctx, unsigned *n_parts_r, char *shape_r,
    size_t shape_size, struct tlsrpt_error *err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeParserOptions *opts;
	GMimeObject *top;
	struct walk w;
	enum tlsrpt_errcode code;

	GByteArray *bytes;
	char *input;
	size_t input_len;

	*n_parts_r = 0;
	if (shape_size > 0)
		shape_r[0] = '\0';
	if (len > G_MAXUINT)
		return tlsrpt_seterr(err, TLSRPT_E_LIMIT_MESSAGE, "mime: too large");
	if (lim->max_mime_parts > 0 &&
	    boundary_lines(data, len, lim->max_mime_parts) > lim->max_mime_parts)
		return tlsrpt_seterr(err, TLSRPT_E_LIMIT_MIME_PARTS,
		    "mime: more than %zu MIME part boundaries", lim->max_mime_parts);
	if ((input = content_headers_only(data, len, &input_len)) == NULL)
		return tlsrpt_seterr(err, TLSRPT_E_NOMEM, "mime: out of memory");
	/* The stream takes the copy over; no second copy. */
	bytes = g_byte_array_new_take((guint8 *)input, input_len);
	stream = g_mime_stream_mem_new_with_byte_array(bytes);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	opts = g_mime_parser_options_new();
	/*
	 * A part, not a GMimeMessage: the top-level headers are read for their
	 * Content-* fields only, and GMime skips parsing From/To/Cc address
	 * lists, which a report never needs (a third of the cost of small
	 * reports).
	 */
	top = g_mime_parser_construct_part(parser, opts);
	g_mime_parser_options_free(opts);
	g_object_unref(parser);
	if (top == NULL)
		return tlsrpt_seterr(err, TLSRPT_E_MIME,
		    "mime: not a parsable message");
	memset(&w, 0, sizeof(w));
	w.lim = lim;
	w.fn = fn;
	w.ctx = ctx;
	w.err = err;
	w.shape = shape_r;
	w.shape_size = shape_size;
	code = visit(&w, top, 0, shape_size > 0 ? AT_TOP : ELSEWHERE);
	*n_parts_r = w.reports;
	g_object_unref(top);
	return code;
}
