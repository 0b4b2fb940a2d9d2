/*
 * test_mailsource.c - reading the mail admins already have (mailsource.h):
 * mbox From_ splitting and its empty-line separators, >From unquoting
 * (mboxrd), CRLF mboxes, a message over the limit, an empty mbox, a last
 * message cut short, From_ dates, lines and separators across the read
 * buffer, a generated mbox read back exactly; Maildir and directory walks
 * (cur/ and new/ read, tmp/ and Maildir metadata not, Maildir++ folders
 * and plain subdirectories walked, hidden files skipped, name order),
 * kinds by content (tlsrpt_sniff), unreadable paths, and a stop.
 *
 * Files live in a private temporary directory, removed at the end.
 */
#include "mailsource.h"
#include "testlib.h"
#include "tlsrpt.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[1024];
static int serial;

/* What a read handed out. */
struct got {
	struct {
		char *path;
		unsigned long msgno;
		enum tlsrpt_kind kind;
		char *data;
		size_t len;
		int oversize;
		uint64_t raw;
		time_t received;
	} item[64];
	size_t n;
	char errors[4096];
	unsigned n_errors;
	size_t stop_after;		/* 0: never stop */
};

static int
on_item(void *arg, const struct mail_item *it)
{
	struct got *g = arg;

	if (g->n < sizeof(g->item) / sizeof(g->item[0])) {
		g->item[g->n].path = strdup(it->path);
		g->item[g->n].msgno = it->msgno;
		g->item[g->n].kind = it->kind;
		g->item[g->n].data = malloc(it->len + 1);
		memcpy(g->item[g->n].data, it->data, it->len);
		g->item[g->n].data[it->len] = '\0';
		g->item[g->n].len = it->len;
		g->item[g->n].oversize = it->oversize;
		g->item[g->n].raw = it->raw_bytes;
		g->item[g->n].received = it->received;
	}
	g->n++;
	return g->stop_after != 0 && g->n >= g->stop_after;
}

static void
on_error(void *arg, const char *path, const char *why)
{
	struct got *g = arg;
	size_t off = strlen(g->errors);

	snprintf(g->errors + off, sizeof(g->errors) - off, "%s: %s\n", path, why);
	g->n_errors++;
}

static void
got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n && i < sizeof(g->item) / sizeof(g->item[0]); i++) {
		free(g->item[i].path);
		free(g->item[i].data);
	}
	memset(g, 0, sizeof(*g));
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECKF(f != NULL, "fopen %s: %s", path, strerror(errno));
	if (f == NULL)
		return;
	CHECK(fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

/* Read DATA/LEN as an mbox with limit MAX into G; returns the rc. */
static int
read_mbox(const char *data, size_t len, size_t max, struct got *g)
{
	struct mailsource_ops ops = { max, on_item, on_error, g };
	char path[1100];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/mbox-%d", tmpdir, ++serial);
	write_file(path, data, len);
	if ((fd = open(path, O_RDONLY)) < 0) {
		CHECKF(0, "open %s: %s", path, strerror(errno));
		return -1;
	}
	rc = mailsource_read_mbox(fd, path, 1000, &ops);
	close(fd);
	return rc;
}

static uint64_t
raw_sum(const struct got *g)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < g->n; i++)
		sum += g->item[i].raw;
	return sum;
}

/* ---- mbox ------------------------------------------------------------- */

static void
test_split(void)
{
	static const char mbox[] =
	    "From a@example.com Sat Mar  2 06:12:00 2024\n"
	    "Subject: one\n\nbody 1\nFrom here, not a separator\n\n"
	    "From b@example.com Sat Mar  2 06:13:00 2024\n"
	    "Subject: two\n\nbody 2\n\n\n"
	    "From c@example.com Sat Mar  2 06:14:00 2024\n"
	    "Subject: three\n\nbody 3\n";
	struct got g;

	memset(&g, 0, sizeof(g));
	CHECK_INT(read_mbox(mbox, sizeof(mbox) - 1, 1 << 20, &g), 0);
	CHECK_INT(g.n, 3);
	if (g.n == 3) {
		CHECK_STR(g.item[0].data,
		    "Subject: one\n\nbody 1\nFrom here, not a separator\n");
		/* Only the one empty line before From_ is the separator. */
		CHECK_STR(g.item[1].data, "Subject: two\n\nbody 2\n\n");
		CHECK_STR(g.item[2].data, "Subject: three\n\nbody 3\n");
		CHECK_INT(g.item[0].msgno, 1);
		CHECK_INT(g.item[2].msgno, 3);
		CHECK_INT(g.item[1].kind, TLSRPT_KIND_MESSAGE);
		CHECK_INT(g.item[0].oversize, 0);
	}
	CHECK_INT(raw_sum(&g), sizeof(mbox) - 1);
	CHECK_INT(g.n_errors, 0);
	got_free(&g);
}

static void
test_from_date(void)
{
	static const char mbox[] =
	    "From a@example.com Sat Mar  2 06:12:00 2024\nSubject: x\n\nb\n\n"
	    "From MAILER-DAEMON no date here\nSubject: y\n\nb\n";
	struct got g;
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 124;
	tm.tm_mon = 2;
	tm.tm_mday = 2;
	tm.tm_hour = 6;
	tm.tm_min = 12;
	tm.tm_isdst = -1;
	memset(&g, 0, sizeof(g));
	CHECK_INT(read_mbox(mbox, sizeof(mbox) - 1, 1 << 20, &g), 0);
	CHECK_INT(g.n, 2);
	if (g.n == 2) {
		CHECK_INT(g.item[0].received, mktime(&tm));
		CHECK_INT(g.item[1].received, 1000);	/* the file's mtime */
	}
	got_free(&g);
}

static void
test_unquote(void)
{
	static const char mbox[] =
	    "From a@example.com Sat Mar  2 06:12:00 2024\n"
	    "Subject: q\n\n"
	    ">From the start\n"
	    ">>From twice\n"
	    ">Fromage is not quoted\n"
	    " >From indented is not quoted\n"
	    "x>From inside is not quoted\n"
	    ">From the end";
	struct got g;

	memset(&g, 0, sizeof(g));
	CHECK_INT(read_mbox(mbox, sizeof(mbox) - 1, 1 << 20, &g), 0);
	CHECK_INT(g.n, 1);
	if (g.n == 1)
		CHECK_STR(g.item[0].data, "Subject: q\n\n"
		    "From the start\n"
		    ">From twice\n"
		    ">Fromage is not quoted\n"
		    " >From indented is not quoted\n"
		    "x>From inside is not quoted\n"
		    "From the end");
	CHECK_INT(raw_sum(&g), sizeof(mbox) - 1);
	got_free(&g);
}

static void
test_crlf(void)
{
	static const char mbox[] =
	    "From a@example.com Sat Mar  2 06:12:00 2024\r\n"
	    "Subject: one\r\n\r\nbody\r\n>From quoted\r\n\r\n"
	    "From b@example.com Sat Mar  2 06:13:00 2024\r\n"
	    "Subject: two\r\n\r\nbody\r\n\r\n";
	struct got g;

	memset(&g, 0, sizeof(g));
	CHECK_INT(read_mbox(mbox, sizeof(mbox) - 1, 1 << 20, &g), 0);
	CHECK_INT(g.n, 2);
	if (g.n == 2) {
		CHECK_STR(g.item[0].data,
		    "Subject: one\r\n\r\nbody\r\nFrom quoted\r\n");
		CHECK_STR(g.item[1].data, "Subject: two\r\n\r\nbody\r\n");
		CHECK_INT(g.item[1].received != 1000, 1);
	}
	CHECK_INT(raw_sum(&g), sizeof(mbox) - 1);
	got_free(&g);
}

static void
test_oversize(void)
{
	char mbox[4096], big[1000];
	size_t off = 0;
	struct got g;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	off += (size_t)snprintf(mbox + off, sizeof(mbox) - off,
	    "From a Sat Mar  2 06:12:00 2024\nSubject: small\n\nok\n\n");
	off += (size_t)snprintf(mbox + off, sizeof(mbox) - off,
	    "From b Sat Mar  2 06:12:00 2024\nSubject: big\n\n%s\n%s\n\n", big, big);
	off += (size_t)snprintf(mbox + off, sizeof(mbox) - off,
	    "From c Sat Mar  2 06:12:00 2024\nSubject: after\n\nok\n");
	memset(&g, 0, sizeof(g));
	CHECK_INT(read_mbox(mbox, off, 100, &g), 0);
	CHECK_INT(g.n, 3);
	if (g.n == 3) {
		CHECK_INT(g.item[0].oversize, 0);
		CHECK_INT(g.item[1].oversize, 1);
		CHECK_INT(g.item[1].len, 100);
		CHECK(strncmp(g.item[1].data, "Subject: big\n\nxxx", 17) == 0);
		CHECK_INT(g.item[2].oversize, 0);
		CHECK_STR(g.item[2].data, "Subject: after\n\nok\n");
	}
	CHECK_INT(raw_sum(&g), off);
	got_free(&g);
}

static void
test_empty_and_truncated(void)
{
	static const char cut[] =
	    "From a Sat Mar  2 06:12:00 2024\nSubject: whole\n\nok\n\n"
	    "From b Sat Mar  2 06:12:00 2024\nSubject: cut\n"
	    "Content-Type: multipart/report; boundary=\"B\"\n\n--B\nContent-Ty";
	static const char only_from[] = "From a Sat Mar  2 06:12:00 2024";
	struct got g;

	memset(&g, 0, sizeof(g));
	CHECK_INT(read_mbox("", 0, 1 << 20, &g), 0);
	CHECK_INT(g.n, 0);
	CHECK_INT(g.n_errors, 0);
	got_free(&g);

	CHECK_INT(read_mbox(cut, sizeof(cut) - 1, 1 << 20, &g), 0);
	CHECK_INT(g.n, 2);
	if (g.n == 2)
		CHECK_STR(g.item[1].data, "Subject: cut\n"
		    "Content-Type: multipart/report; boundary=\"B\"\n\n--B\nContent-Ty");
	got_free(&g);

	/* Cut inside its From_ line: an empty message, still counted. */
	CHECK_INT(read_mbox(only_from, sizeof(only_from) - 1, 1 << 20, &g), 0);
	CHECK_INT(g.n, 1);
	if (g.n == 1)
		CHECK_INT(g.item[0].len, 0);
	got_free(&g);
}

/*
 * A generated mbox: messages with lines of every length up to beyond the
 * read buffer, some starting "From " or ">From " (quoted on writing, as
 * mboxrd does), read back byte for byte.
 */
static void
test_roundtrip(void)
{
	enum { N = 40 };
	static char *want[N];
	size_t want_len[N], cap = 0, off = 0, i;
	char *mbox;
	unsigned seed = 12345;
	struct got g;

	for (i = 0; i < N; i++) {
		size_t lines = 1 + (seed = seed * 1103515245u + 12345u) % 12, l;
		char *m = malloc(lines * 150100 + 100), *p = m;

		p += sprintf(p, "Subject: message %zu\n\n", i);
		for (l = 0; l < lines; l++) {
			size_t len = (seed = seed * 1103515245u + 12345u) %
			    (i % 7 == 3 ? 150000 : 300);

			switch ((seed >> 16) % 5) {
			case 0:
				p += sprintf(p, "From line %zu", l);
				break;
			case 1:
				p += sprintf(p, ">From line %zu", l);
				break;
			case 2:
				*p++ = '\n';	/* an empty line inside */
				break;
			}
			memset(p, 'a' + (char)(l % 26), len);
			p += len;
			*p++ = '\n';
		}
		want[i] = m;
		want_len[i] = (size_t)(p - m);
		cap += 2 * want_len[i] + 100;	/* quoting adds at most 1/6 */
	}
	mbox = malloc(cap);
	for (i = 0; i < N; i++) {
		const char *p = want[i], *end = want[i] + want_len[i];

		off += (size_t)sprintf(mbox + off, "From gen Sat Mar  2 06:12:00 2024\n");
		while (p < end) {	/* mboxrd: quote ">*From " lines */
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *q = p;

			while (q < nl && *q == '>')
				q++;
			if ((size_t)(nl - q) >= 5 && memcmp(q, "From ", 5) == 0)
				mbox[off++] = '>';
			memcpy(mbox + off, p, (size_t)(nl - p) + 1);
			off += (size_t)(nl - p) + 1;
			p = nl + 1;
		}
		mbox[off++] = '\n';
	}
	memset(&g, 0, sizeof(g));
	CHECK_INT(read_mbox(mbox, off, 16u << 20, &g), 0);
	CHECK_INT(g.n, N);
	for (i = 0; i < N && i < g.n; i++)
		CHECKF(g.item[i].len == want_len[i] &&
		    memcmp(g.item[i].data, want[i], want_len[i]) == 0,
		    "message %zu read back as written (%zu bytes, want %zu)", i,
		    g.item[i].len, want_len[i]);
	CHECK_INT(raw_sum(&g), off);
	got_free(&g);
	for (i = 0; i < N; i++)
		free(want[i]);
	free(mbox);
}

/* ---- files and directories ------------------------------------------ */

static void
mk(const char *rel)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	CHECKF(mkdir(path, 0750) == 0, "mkdir %s: %s", path, strerror(errno));
}

static void
put(const char *rel, const char *data)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	write_file(path, data, strlen(data));
}

static const char *
rel(const char *path)
{
	size_t n = strlen(tmpdir);

	return strncmp(path, tmpdir, n) == 0 ? path + n + 1 : path;
}

static void
test_walk(void)
{
	static const char gz[] = "\x1f\x8b\x08\x00rest";
	struct mailsource_ops ops;
	struct got g;
	char top[1200];
	size_t i;
	int rc;

	mk("w");
	mk("w/Maildir");
	mk("w/Maildir/cur");
	mk("w/Maildir/new");
	mk("w/Maildir/tmp");
	mk("w/Maildir/.Reports");
	mk("w/Maildir/.Reports/cur");
	mk("w/Maildir/.Reports/new");
	put("w/Maildir/cur/2:2,S", "Subject: cur 2\n\nb\n");
	put("w/Maildir/cur/1:2,S", "Subject: cur 1\n\nb\n");
	put("w/Maildir/new/3", "Subject: new 3\n\nb\n");
	put("w/Maildir/tmp/4", "Subject: in delivery\n\nb\n");
	put("w/Maildir/dovecot-uidlist", "3 V1 N4\n");
	put("w/Maildir/.Reports/new/5", "Subject: folder 5\n\nb\n");
	mk("w/files");
	put("w/files/a.json", " {\"organization-name\": \"x\"}");
	put("w/files/b.json.gz", gz);
	put("w/files/c.eml", "From: x@example.com\n\nb\n");
	put("w/files/d.mbox", "From x Sat Mar  2 06:12:00 2024\nSubject: m1\n\nb\n\n"
	    "From x Sat Mar  2 06:12:00 2024\nSubject: m2\n\nb\n");
	put("w/files/e.empty", "");
	put("w/files/f.txt", "just some text\n");
	put("w/files/.hidden", "Subject: hidden\n\nb\n");
	mk("w/files/sub");
	put("w/files/sub/g.eml", "Subject: deeper\n\nb\n");

	memset(&g, 0, sizeof(g));
	ops.max = 1 << 20;
	ops.item = on_item;
	ops.error = on_error;
	ops.arg = &g;
	snprintf(top, sizeof(top), "%s/w", tmpdir);
	rc = mailsource_read(top, &ops);
	CHECK_INT(rc, 0);
	CHECK_STR(g.errors, "");
	{
		static const struct {
			const char *path;
			unsigned long msgno;
			enum tlsrpt_kind kind;
		} want[] = {
			{ "w/Maildir/cur/1:2,S", 0, TLSRPT_KIND_MESSAGE },
			{ "w/Maildir/cur/2:2,S", 0, TLSRPT_KIND_MESSAGE },
			{ "w/Maildir/new/3", 0, TLSRPT_KIND_MESSAGE },
			{ "w/Maildir/.Reports/new/5", 0, TLSRPT_KIND_MESSAGE },
			{ "w/files/a.json", 0, TLSRPT_KIND_JSON },
			{ "w/files/b.json.gz", 0, TLSRPT_KIND_GZIP },
			{ "w/files/c.eml", 0, TLSRPT_KIND_MESSAGE },
			{ "w/files/d.mbox", 1, TLSRPT_KIND_MESSAGE },
			{ "w/files/d.mbox", 2, TLSRPT_KIND_MESSAGE },
			{ "w/files/f.txt", 0, TLSRPT_KIND_UNKNOWN },
			{ "w/files/sub/g.eml", 0, TLSRPT_KIND_MESSAGE },
		};
		size_t n = sizeof(want) / sizeof(want[0]);

		CHECK_INT(g.n, n);
		for (i = 0; i < n && i < g.n; i++) {
			CHECK_STR(rel(g.item[i].path), want[i].path);
			CHECK_INT(g.item[i].msgno, want[i].msgno);
			CHECK_INT(g.item[i].kind, want[i].kind);
		}
	}
	/* What the walk reads is what the progress bar counts. */
	CHECK_INT(mailsource_size(top), raw_sum(&g));
	got_free(&g);

	/* A single file, and a stop after the first item. */
	snprintf(top, sizeof(top), "%s/w/files/d.mbox", tmpdir);
	g.stop_after = 1;
	CHECK_INT(mailsource_read(top, &ops), 1);
	CHECK_INT(g.n, 1);
	got_free(&g);

	/* A file over the limit: its head, flagged. */
	snprintf(top, sizeof(top), "%s/w/files/c.eml", tmpdir);
	ops.max = 8;
	CHECK_INT(mailsource_read(top, &ops), 0);
	CHECK_INT(g.n, 1);
	if (g.n == 1) {
		CHECK_INT(g.item[0].oversize, 1);
		CHECK_STR(g.item[0].data, "From: x@");
	}
	got_free(&g);
	ops.max = 1 << 20;

	/* Missing paths: an error naming them, and the rc says so. */
	snprintf(top, sizeof(top), "%s/w/nope", tmpdir);
	CHECK_INT(mailsource_read(top, &ops), -1);
	CHECK_INT(g.n_errors, 1);
	CHECK_CONTAINS(g.errors, "nope: No such file or directory");
	got_free(&g);
}

static void
test_sniff(void)
{
	static const struct {
		const char *data;
		enum tlsrpt_kind kind;
	} rows[] = {
		{ "", TLSRPT_KIND_EMPTY },
		{ "\x1f\x8b\x08", TLSRPT_KIND_GZIP },
		{ "\xef\xbb\xbf {\"a\":1}", TLSRPT_KIND_JSON },
		{ "\n[1]", TLSRPT_KIND_JSON },
		{ "Subject: x\n\nb", TLSRPT_KIND_MESSAGE },
		{ "From x Sat Mar  2 06:12:00 2024\nSubject: x\n", TLSRPT_KIND_MBOX },
		{ "From x", TLSRPT_KIND_UNKNOWN },
		{ "hello world\n", TLSRPT_KIND_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECKF(tlsrpt_sniff(rows[i].data, strlen(rows[i].data)) ==
		    rows[i].kind, "sniff row %zu", i);
	/* The gzip magic with its NUL-free first bytes, by length. */
	CHECK_INT(tlsrpt_sniff("\x1f\x8b", 2), TLSRPT_KIND_GZIP);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_mailsource.XXXXXX",
	    base != NULL && base[0] != '\0' ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	test_split();
	test_from_date();
	test_unquote();
	test_crlf();
	test_oversize();
	test_empty_and_truncated();
	test_roundtrip();
	test_walk();
	test_sniff();
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return test_summary("test_mailsource");
}
