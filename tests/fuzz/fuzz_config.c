/*
 * fuzz_config.c - config_load(): tlsrpt-milter.conf, read at start and on
 * every SIGHUP.  Not written by strangers, but a typo must never crash a
 * running filter's reload.
 *
 * config_load() takes a path, so the input goes into a memfd opened as
 * /proc/self/fd/N: no file system, nothing left behind.
 * Invariants: either a config or a non-empty error naming the file; a
 * config's strings are set and its lists hold non-empty entries.
 */
#include "conf.h"
#include "fuzz.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void
check_list(char **list, size_t n)
{
	size_t i;

	FUZZ_ASSERT(n == 0 || list != NULL);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(list[i] != NULL && list[i][0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], errbuf[512];
	struct config *cfg;
	int fd;

	if ((fd = memfd_create("fuzz-config", 0)) < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	errbuf[0] = '\0';
	cfg = config_load(path, errbuf, sizeof(errbuf));
	close(fd);
	if (cfg == NULL) {
		FUZZ_ASSERT(memchr(errbuf, '\0', sizeof(errbuf)) != NULL);
		FUZZ_ASSERT(strncmp(errbuf, path, strlen(path)) == 0);
		return 0;
	}
	FUZZ_ASSERT(cfg->socket != NULL && cfg->database != NULL);
	FUZZ_ASSERT(cfg->tag_header != NULL && cfg->tag_header[0] != '\0');
	FUZZ_ASSERT(cfg->max_message_size > 0 && cfg->max_inflated_size > 0);
	check_list(cfg->report_addresses, cfg->n_report_addresses);
	check_list(cfg->known_reporters, cfg->n_known_reporters);
	check_list(cfg->trusted_authserv_ids, cfg->n_trusted_authserv_ids);
	config_free(cfg);
	return 0;
}
