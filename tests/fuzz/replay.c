/*
 * replay.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 *   fuzz_X_replay FILE|DIR...
 *
 * Linked with one fuzz_*.c instead of -fsanitize=fuzzer, so the seed and
 * regression corpora also run in the ordinary, ASan and valgrind builds
 * (tests/fuzz.sh).  Each file is one input; directories are read one
 * level deep.  A broken invariant aborts, as under libFuzzer.  Exit 0
 * after all inputs, 1 when a file cannot be read.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_MAX_INPUT (16u * 1024 * 1024)

static unsigned long n_inputs;

static int
run_file(const char *path)
{
	unsigned char *buf;
	size_t len;
	long size;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    (unsigned long)size > REPLAY_MAX_INPUT || fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: unreadable or over %u bytes\n", path,
		    REPLAY_MAX_INPUT);
		fclose(fp);
		return -1;
	}
	/* Exactly SIZE bytes (at least 1 for malloc): ASan sees over-reads. */
	if ((buf = malloc(size > 0 ? (size_t)size : 1)) == NULL) {
		fclose(fp);
		return -1;
	}
	len = fread(buf, 1, (size_t)size, fp);
	fclose(fp);
	if (len != (size_t)size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		return -1;
	}
	(void)LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	n_inputs++;
	return 0;
}

static int
run_dir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	int rc = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path))
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && run_file(path) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]) < 0)
				rc = 1;
		} else if (run_file(argv[i]) < 0)
			rc = 1;
	}
	printf("%s: %lu inputs replayed\n", argv[0], n_inputs);
	return rc;
}
