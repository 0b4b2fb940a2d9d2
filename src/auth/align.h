/*
 * align.h - is a DKIM signing domain entitled to speak for a From domain?
 *
 * Aligned when SIGNER equals FROM_DOMAIN, or is a parent of it within the
 * same registrable domain (public suffix list, via libpsl): d=google.com
 * speaks for noreply@google.com and for x@reports.google.com, but d=com
 * or d=co.uk never does, and d=evil.example never speaks for example.net.
 * Comparison is case-insensitive and ignores one trailing dot.
 * Thread-safe (libpsl's built-in list is read-only).
 */
#ifndef TLSRPT_ALIGN_H
#define TLSRPT_ALIGN_H

int domain_aligned(const char *signer, const char *from_domain);

#endif
