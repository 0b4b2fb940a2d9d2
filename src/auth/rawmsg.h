/*
 * rawmsg.h - a stored mail message handed out the way libmilter hands a
 * message to the filter, so a message read from a file (`tlsrpt import`,
 * tests/dkim_check) meets the same DKIM verification as one the milter
 * sees.
 *
 * Input has LF or CRLF line ends.  Header fields go out one by one: the
 * name, and the value without the one space after the colon, folds kept
 * inside the value as they are in the file (what Postfix sends).  Lines
 * without a colon in the header block are skipped.  The body goes out
 * with CRLF line ends, in chunks of an odd size so that CRLF pairs
 * sometimes straddle two chunks, as they do on the wire.  Pure: no
 * logging; the copies handed to the callbacks live only for the call.
 */
#ifndef TLSRPT_RAWMSG_H
#define TLSRPT_RAWMSG_H

#include <stddef.h>

/*
 * Call FIELD for each header field of MSG/LEN; returns the offset of the
 * body (just after the empty line), or LEN when there is none.  Returns
 * (size_t)-1 when out of memory.
 */
size_t rawmsg_headers(const char *msg, size_t len,
    void (*field)(void *arg, const char *name, const char *value), void *arg);

/* Call CHUNK with BODY/LEN, LF line ends turned into CRLF. */
void rawmsg_body_crlf(const char *body, size_t len,
    void (*chunk)(void *arg, const unsigned char *data, size_t len), void *arg);

#endif
