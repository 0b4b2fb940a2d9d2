/*
 * fixture_store.c - test tool: parse report files with the core and
 * store them, verified, in the store URI names.  Builds the fixture
 * databases of tests/report.sh without going through mail.
 *   fixture_store URI FILE...
 * A file named NAME@SIGNER.json is stored as signed by SIGNER (the DKIM
 * domain the milter would record); one with "unverified" in its name is
 * stored unverified; any other as verified without a signer.
 */
#include "file_read.h"
#include "store.h"
#include "tlsrpt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	struct store_provenance prov;
	struct store *st;
	char err[512];
	int i, stored = 0, dup = 0;
	char signer[256];

	if (argc < 3) {
		fprintf(stderr, "usage: fixture_store URI FILE...\n");
		return 2;
	}
	tlsrpt_library_init();
	if ((st = store_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "fixture_store: %s\n", err);
		return 1;
	}
	memset(&prov, 0, sizeof(prov));
	prov.auth_method = "fixture";
	prov.source = "fixture_store";
	prov.verified = 1;
	for (i = 2; i < argc; i++) {
		struct tlsrpt_result *res;
		struct tlsrpt_error perr;
		size_t len, k;
		char *data;

		if (file_read_bounded(argv[i], 64 << 20, &data, &len) != 0) {
			fprintf(stderr, "fixture_store: cannot read %s\n", argv[i]);
			return 1;
		}
		if (tlsrpt_parse(data, len, NULL, &res, &perr) != TLSRPT_OK) {
			fprintf(stderr, "fixture_store: %s: %s\n", argv[i], perr.message);
			return 1;
		}
		{
			const char *base = strrchr(argv[i], '/'), *at, *dot;

			base = base != NULL ? base + 1 : argv[i];
			prov.dkim_domain = NULL;
			if ((at = strrchr(base, '@')) != NULL &&
			    (dot = strstr(at, ".json")) != NULL &&
			    (size_t)(dot - at) < sizeof(signer)) {
				snprintf(signer, sizeof(signer), "%.*s",
				    (int)(dot - at - 1), at + 1);
				prov.dkim_domain = signer;
			}
		}
		for (k = 0; k < res->n_reports; k++) {
			prov.verified = strstr(argv[i], "unverified") == NULL;
			switch (store_put_report(st, &res->reports[k], &prov, err, sizeof(err))) {
			case STORE_STORED: stored++; break;
			case STORE_DUPLICATE: dup++; break;
			default:
				fprintf(stderr, "fixture_store: %s: %s\n", argv[i], err);
				return 1;
			}
		}
		tlsrpt_result_free(res);
		free(data);
	}
	store_close(st);
	tlsrpt_library_shutdown();
	printf("stored %d, duplicates %d\n", stored, dup);
	return 0;
}
