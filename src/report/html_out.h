/*
 * html_out.h - text and numbers from the report model into HTML, safely.
 *
 * Every string in a TLS-RPT report comes from mail anyone can send, so
 * every string reaches the page through html_text(): & < > " ' become
 * character references (safe in element content and in quoted attribute
 * values, HTML and inline SVG alike), C0 control characters and DEL
 * become U+FFFD.  html_text_n() also stops after MAX code points and adds
 * an ellipsis, so one hostile name cannot stretch a table over ten
 * screens; it never cuts a UTF-8 sequence in half.  NULL prints nothing.
 *
 * Nothing here reports write errors: they stay in FP's error flag, which
 * the caller checks once at the end.
 */
#ifndef TLSRPT_HTML_OUT_H
#define TLSRPT_HTML_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void html_text(FILE *fp, const char *s);
void html_text_n(FILE *fp, const char *s, size_t max_chars);

/* A count with thousands separators: 1234567 -> "1,234,567". */
void html_count(FILE *fp, int64_t v);

/* A ratio (0.0026) as a percentage: "0.26%", "<0.01%" for tiny ones. */
void html_percent(FILE *fp, double ratio);

#endif
