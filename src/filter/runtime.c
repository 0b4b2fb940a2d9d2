/*
 * runtime.c - the reference-counted current configuration; see runtime.h.
 */
#include "runtime.h"
#include "dkim_auth.h"
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *current;

static void
runtime_free(struct runtime *rt)
{
	if (rt->dkim != NULL)
		dkim_auth_free(rt->dkim);
	config_free(rt->cfg);
	free(rt);
}

struct runtime *
runtime_new(struct config *cfg, char *errbuf, size_t errlen)
{
	struct runtime *rt = calloc(1, sizeof(*rt));

	if (rt == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		config_free(cfg);
		return NULL;
	}
	rt->cfg = cfg;
	tlsrpt_limits_default(&rt->limits);
	rt->limits.max_message_bytes = cfg->max_message_size;
	rt->limits.max_inflated_bytes = cfg->max_inflated_size;
	if (cfg->auth_mode == AUTH_MODE_DKIM &&
	    (rt->dkim = dkim_auth_new(cfg->dkim_key_file[0] != '\0' ?
	    cfg->dkim_key_file : NULL, errbuf, errlen)) == NULL) {
		runtime_free(rt);
		return NULL;
	}
	dkim_auth_set_timeout(rt->dkim, cfg->dkim_timeout);
	return rt;
}

void
runtime_install(struct runtime *rt)
{
	struct runtime *old;

	pthread_mutex_lock(&runtime_lock);
	old = current;
	rt->refs++;
	current = rt;
	pthread_mutex_unlock(&runtime_lock);
	if (old != NULL)
		runtime_release(old);
}

struct runtime *
runtime_acquire(void)
{
	struct runtime *rt;

	pthread_mutex_lock(&runtime_lock);
	if ((rt = current) != NULL)
		rt->refs++;
	pthread_mutex_unlock(&runtime_lock);
	return rt;
}

void
runtime_release(struct runtime *rt)
{
	unsigned left;

	if (rt == NULL)
		return;
	pthread_mutex_lock(&runtime_lock);
	left = --rt->refs;
	pthread_mutex_unlock(&runtime_lock);
	if (left == 0)
		runtime_free(rt);
}

struct store *
config_store_open(const struct config *cfg, char *errbuf, size_t errlen)
{
	struct store_options opt = { .password_file =
	    cfg->database_password_file[0] != '\0' ?
	    cfg->database_password_file : NULL };

	return store_open_with(cfg->database, &opt, errbuf, errlen);
}
