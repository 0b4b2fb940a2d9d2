/*
 * runtime.h - the configuration in force and what is built from it.
 *
 * A runtime bundles a loaded config with the objects derived from it (the
 * DKIM verifier and its key table, the parser limits).  The current one is
 * swapped whole on SIGHUP: each milter connection takes a reference at its
 * start and keeps using that runtime until it closes, so a reload never
 * changes the rules under a message in flight, and the old runtime is
 * freed when its last connection is gone.
 */
#ifndef TLSRPT_RUNTIME_H
#define TLSRPT_RUNTIME_H

#include "conf.h"
#include "tlsrpt.h"

struct dkim_auth;

struct runtime {
	struct config *cfg;
	struct dkim_auth *dkim;		/* NULL with AuthMode authres */
	struct tlsrpt_limits limits;
	unsigned refs;			/* guarded by the module's mutex */
};

/* Build from CFG (taking it over); NULL + ERRBUF on error. */
struct runtime *runtime_new(struct config *cfg, char *errbuf, size_t errlen);

/* Make RT current (the module keeps one reference); drops the old one. */
void runtime_install(struct runtime *rt);
/* A counted reference to the current runtime; never NULL once installed. */
struct runtime *runtime_acquire(void);
void runtime_release(struct runtime *rt);

struct store;
/* Open CFG's Database with its DatabasePasswordFile: every caller's way in. */
struct store *config_store_open(const struct config *cfg, char *errbuf,
    size_t errlen);

#endif
