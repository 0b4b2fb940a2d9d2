/*
 * mime.h - find the TLS-RPT report parts of a mail message, with GMime.
 *
 * Walks every leaf part (through multiparts and message/rfc822, up to
 * lim->max_mime_depth), numbering leaves from 1 in document order.  A leaf
 * is a report part when labelled application/tlsrpt+gzip, tlsrpt+json or
 * tlsrpt; or labelled application/gzip, x-gzip, json or octet-stream when
 * its file name (filename=, name= or Content-Description) or its payload
 * says report.  Each report part's body is decoded (strict base64, or GMime
 * for quoted-printable and the rest) and handed to FN.
 *
 * FN's data is valid only during the call.  FN returns TLSRPT_OK to go on;
 * anything else stops the walk and is returned.  *n_parts_r counts the
 * report parts found.  No report part at all is not an error here.
 *
 * The walk also judges the shape (RFC 8460 section 5.3): SHAPE_R gets ""
 * when the message is only a report, that is a top-level multipart/report
 * with report-type=tlsrpt whose parts are report parts and at most one
 * inline human-readable part (text/plain or text/html, or one
 * multipart/alternative of those); otherwise the first way it is more
 * ("part 3 is application/octet-stream").  SHAPE_SIZE 0 skips the check.
 */
#ifndef TLSRPT_MIME_H
#define TLSRPT_MIME_H

#include "tlsrpt.h"

struct mime_report_part {
	unsigned index;			/* leaf number, from 1 */
	const char *content_type;	/* lower case "type/subtype" */
	const char *filename;		/* NULL when none */
	const unsigned char *data;	/* decoded body */
	size_t len;
	enum tlsrpt_errcode decode_error;	/* != OK: data is NULL */
	const char *decode_message;
};

typedef enum tlsrpt_errcode (*mime_part_fn)(const struct mime_report_part *part,
    void *ctx);

enum tlsrpt_errcode mime_find_reports(const char *data, size_t len,
    const struct tlsrpt_limits *lim, mime_part_fn fn, void *ctx,
    unsigned *n_parts_r, char *shape_r, size_t shape_size,
    struct tlsrpt_error *err);

#endif
