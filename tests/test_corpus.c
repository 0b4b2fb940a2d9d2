/*
 * test_corpus.c - every public sample report parses as recorded.
 *
 * Reads the corpus in place (TLSRPT_CORPUS, else TLSRPT_CORPUS_DEFAULT:
 * ../shared/corpus/public beside the source tree) and skips cleanly (exit
 * 77) when it is absent.  Expectations come from tests/corpus.expect; the
 * corpus's own EXPECTED.json, computed independently, is a second check.
 */
#include "testlib.h"
#include "tlsrpt.h"

#include <dirent.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 512

struct expectation {
	char path[256];
	char outcome[16];	/* "reports" or "error" */
	char detail[1024];	/* org|id|ok|failed|types, or errcode */
	char message[512];	/* error substring */
	int seen;
};

static struct expectation expect[MAX_FILES];
static size_t n_expect;

static int
load_expectations(void)
{
	size_t len;
	char *buf = test_read_file("tests/corpus.expect", &len), *line, *save;

	if (buf == NULL)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct expectation *e;
		char *f[4] = { NULL, NULL, NULL, NULL }, *p = line;
		int i;

		if (line[0] == '#' || line[0] == '\0' || n_expect == MAX_FILES)
			continue;
		for (i = 0; i < 4 && p != NULL; i++) {
			f[i] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (f[1] == NULL || f[2] == NULL)
			continue;
		e = &expect[n_expect++];
		snprintf(e->path, sizeof(e->path), "%s", f[0]);
		snprintf(e->outcome, sizeof(e->outcome), "%s", f[1]);
		snprintf(e->detail, sizeof(e->detail), "%s", f[2]);
		snprintf(e->message, sizeof(e->message), "%s", f[3] ? f[3] : "");
	}
	free(buf);
	return 0;
}

/* "org|id|ok|failed|type=n,..." for report I, as corpus.expect writes it. */
static void
describe(const struct tlsrpt_report *rep, char *buf, size_t size)
{
	struct { const char *type; long long n; } t[64];
	size_t nt = 0, p, d, k, j;
	int off;

	for (p = 0; p < rep->n_policies; p++)
		for (d = 0; d < rep->policies[p].n_details; d++) {
			const struct tlsrpt_failure_detail *fd =
			    &rep->policies[p].details[d];

			for (k = 0; k < nt && strcmp(t[k].type, fd->result_type); k++)
				;
			if (k == nt && nt < 64) {
				t[nt].type = fd->result_type;
				t[nt++].n = 0;
			}
			if (k < nt)
				t[k].n += fd->failed_session_count;
		}
	/* sort by name, as the expectation lists them */
	for (k = 1; k < nt; k++)
		for (j = k; j > 0 && strcmp(t[j - 1].type, t[j].type) > 0; j--) {
			const char *ts = t[j].type;
			long long tn = t[j].n;

			t[j] = t[j - 1];
			t[j - 1].type = ts;
			t[j - 1].n = tn;
		}
	off = snprintf(buf, size, "%s|%s|%lld|%lld|", rep->organization_name,
	    rep->report_id, (long long)rep->total_successful,
	    (long long)rep->total_failure);
	for (k = 0; k < nt && off > 0 && (size_t)off < size; k++)
		off += snprintf(buf + off, size - (size_t)off, "%s%s=%lld",
		    k ? "," : "", t[k].type, t[k].n);
}

static char *
read_path(const char *path, size_t *len_r)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	*len_r = (size_t)n;
	return buf;
}

/* EXPECTED.json agrees on outcome and totals where it is definite. */
static void
cross_check(struct json_object *independent, const char *path,
    const struct tlsrpt_result *res)
{
	struct json_object *entry, *outcome, *reports, *r, *v;
	size_t i;

	if (independent == NULL ||
	    !json_object_object_get_ex(independent, path, &entry) ||
	    !json_object_object_get_ex(entry, "outcome", &outcome))
		return;
	if (strcmp(json_object_get_string(outcome), "error") == 0) {
		CHECKF(res == NULL, "%s: EXPECTED.json says error", path);
		return;
	}
	if (strcmp(json_object_get_string(outcome), "reports") != 0)
		return;		/* "either" */
	if (!CHECKF(res != NULL, "%s: EXPECTED.json says reports", path) ||
	    !json_object_object_get_ex(entry, "reports", &reports))
		return;
	CHECKF(json_object_array_length(reports) == res->n_reports,
	    "%s: EXPECTED.json report count", path);
	for (i = 0; i < res->n_reports && i < json_object_array_length(reports); i++) {
		r = json_object_array_get_idx(reports, i);
		if (json_object_object_get_ex(r, "successful", &v))
			CHECKF(json_object_get_int64(v) == res->reports[i].total_successful,
			    "%s: successful %lld vs EXPECTED.json %lld", path,
			    (long long)res->reports[i].total_successful,
			    (long long)json_object_get_int64(v));
		if (json_object_object_get_ex(r, "failed", &v))
			CHECKF(json_object_get_int64(v) == res->reports[i].total_failure,
			    "%s: failed %lld vs EXPECTED.json %lld", path,
			    (long long)res->reports[i].total_failure,
			    (long long)json_object_get_int64(v));
		if (json_object_object_get_ex(r, "report-id", &v))
			CHECK_STR(res->reports[i].report_id, json_object_get_string(v));
	}
}

static void
check_file(const char *dir, struct expectation *e, struct json_object *independent)
{
	char path[1024], got[2048];
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	enum tlsrpt_errcode code;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, e->path);
	if ((buf = read_path(path, &len)) == NULL) {
		CHECKF(0, "%s: listed in corpus.expect but unreadable", e->path);
		return;
	}
	code = tlsrpt_parse(buf, len, NULL, &res, &err);
	if (strcmp(e->outcome, "error") == 0) {
		CHECKF(code != TLSRPT_OK, "%s: expected an error, got a report", e->path);
		if (code != TLSRPT_OK) {
			CHECK_STR(tlsrpt_errcode_name(code), e->detail);
			CHECK_CONTAINS(err.message, e->message);
		}
	} else if (CHECKF(code == TLSRPT_OK, "%s: %s", e->path,
	    code == TLSRPT_OK ? "" : err.message)) {
		CHECKF(res->n_reports == 1, "%s: %zu reports", e->path, res->n_reports);
		describe(&res->reports[0], got, sizeof(got));
		CHECKF(strcmp(got, e->detail) == 0, "%s: got %s, want %s", e->path,
		    got, e->detail);
	}
	cross_check(independent, e->path, code == TLSRPT_OK ? res : NULL);
	tlsrpt_result_free(res);
	free(buf);
}

int
main(void)
{
	const char *dir = getenv("TLSRPT_CORPUS");
	struct json_object *independent;
	char path[1024];
	struct dirent *sub, *ent;
	struct stat st;
	DIR *d, *sd;
	size_t i;

	if (dir == NULL)
		dir = getenv("TLSRPT_CORPUS_DEFAULT");
	if (dir == NULL || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("test_corpus: SKIP: no corpus at %s\n", dir ? dir : "(unset)");
		return 77;
	}
	if (load_expectations() < 0) {
		fprintf(stderr, "test_corpus: cannot read tests/corpus.expect\n");
		return 1;
	}
	tlsrpt_library_init();
	snprintf(path, sizeof(path), "%s/EXPECTED.json", dir);
	independent = json_object_from_file(path);
	for (i = 0; i < n_expect; i++)
		check_file(dir, &expect[i], independent);
	json_object_put(independent);

	/* A corpus file nobody recorded an outcome for is a gap, not a pass. */
	if ((d = opendir(dir)) != NULL) {
		while ((sub = readdir(d)) != NULL) {
			if (sub->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, sub->d_name);
			if ((sd = opendir(path)) == NULL)
				continue;
			while ((ent = readdir(sd)) != NULL) {
				char rel[600];

				if (ent->d_name[0] == '.')
					continue;
				snprintf(rel, sizeof(rel), "%s/%s", sub->d_name, ent->d_name);
				for (i = 0; i < n_expect && strcmp(expect[i].path, rel); i++)
					;
				CHECKF(i < n_expect, "%s: no line in tests/corpus.expect", rel);
			}
			closedir(sd);
		}
		closedir(d);
	}
	tlsrpt_library_shutdown();
	return test_summary("test_corpus");
}
