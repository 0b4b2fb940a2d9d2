/*
 * text_safe.h - report strings made safe for a terminal or a log line.
 *
 * Every string in a TLS-RPT report (and in a DNS record or policy that
 * `tlsrpt check` fetched) comes from someone else.  Printed raw, an ESC
 * or CSI can recolour, retitle or rewrite the terminal, a CR/LF can
 * forge a log line, and a bidi override can make "moc.elgoog" read as
 * "google.com".  text_sanitize() keeps printable text, any language's
 * included, byte for byte and makes the rest visible as escapes:
 *
 *   C0 controls (TAB, CR and LF too) and DEL        "\x1b"  (per byte)
 *   bytes that are not UTF-8: raw 0x80-0x9f (which
 *   some terminals read as C1 controls), stray
 *   continuation bytes, overlong forms, surrogates,
 *   truncated sequences                              "\x9b"  (per byte)
 *   C1 controls written in UTF-8 (U+0080-U+009F)    "\u009b"
 *   bidi embeddings, overrides and isolates
 *   (U+202A-U+202E, U+2066-U+2069), the marks
 *   U+200E, U+200F, U+061C, and the line and
 *   paragraph separators U+2028, U+2029             "\u202e"
 *
 * A backslash is kept as it is: the output is for people to read, and a
 * literal "\x1b" typed into a report does no harm on a terminal.
 *
 * text_sanitize() writes at most SIZE bytes (SIZE > 0) with the NUL,
 * never cutting a character or an escape in half, and returns the length
 * written.  text_fputs() writes the whole sanitized string to FP (errors
 * stay in FP's error flag).  text_json_fputs() writes JSON text (as
 * json-c serializes it: every non-ASCII byte is inside a string) with
 * DEL, C1 controls and the characters above as \uXXXX escapes, which
 * every JSON parser reads back to the same string.  Thread-safe; NULL
 * prints as "".
 */
#ifndef TLSRPT_TEXT_SAFE_H
#define TLSRPT_TEXT_SAFE_H

#include <stddef.h>
#include <stdio.h>

size_t text_sanitize(char *buf, size_t size, const char *s);
void text_fputs(FILE *fp, const char *s);
void text_json_fputs(FILE *fp, const char *json);

#endif
