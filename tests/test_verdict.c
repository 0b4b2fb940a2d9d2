/*
 * test_verdict.c - when an authenticated report may be called "pass"
 * (verdict_trusted), below authentication: the signer is given.
 *
 * First a table of signers, message shapes and envelopes.  Then every
 * whole mail in the public sample corpus (TLSRPT_CORPUS, else
 * TLSRPT_CORPUS_DEFAULT; skipped when absent): the samples carry real
 * reporters' signatures that cannot be verified here (their keys are
 * gone, and the relays changed some), so the signer is taken as the d=
 * of the sample's DKIM-Signature aligned with its From, as a successful
 * verification would have named it.  Each must pass with the default
 * KnownReporters; the synthetic samples, signed by nobody, pass once
 * their From domain is listed.  Each must also be refused when its
 * signer is not listed, so the check is not vacuous.
 */
#include "testlib.h"
#include "align.h"
#include "conf.h"
#include "rawmsg.h"
#include "recognize.h"
#include "runtime.h"
#include "tlsrpt.h"
#include "verdict.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static struct config *defaults;

/* Judge MSG signed by SIGNER under CFG with envelope IN (rt is set here). */
static int
judge(struct config *cfg, struct verdict_input *in, const char *msg,
    size_t len, const char *signer, char *why, size_t why_len)
{
	struct runtime rt;
	struct tlsrpt_result *res = NULL;
	struct tlsrpt_error err;
	int ok;

	memset(&rt, 0, sizeof(rt));
	rt.cfg = cfg;
	in->rt = &rt;
	why[0] = '\0';
	if (tlsrpt_parse(msg, len, NULL, &res, &err) != TLSRPT_OK) {
		snprintf(why, why_len, "does not parse: %.300s", err.message);
		return -1;
	}
	ok = verdict_trusted(in, signer, res, why, why_len);
	tlsrpt_result_free(res);
	return ok;
}

/* ------------------------------------------------------------- the table */

static char *trusted[] = { "noreply-smtp-tls-reporting@google.com",
    "tlsrpt-noreply@microsoft.com", "mail.ru" };
static char *report_addrs[] = { "tlsrpt@*" };

static const struct {
	const char *name;
	const char *fixture;
	const char *signer;
	int report_addresses;		/* ReportAddresses tlsrpt@* */
	int have_envelope;
	unsigned n_rcpts;
	const char *stray;
	const char *want;		/* NULL: pass; else the reason has it */
} rows[] = {
	{ "listed signer, clean", "mime-google.eml", "google.com", 0, 1, 1, NULL, NULL },
	{ "listed by an address entry", "mime-microsoft.eml", "microsoft.com", 0, 0, 0,
	    NULL, NULL },
	{ "listed by a domain entry, subdomain", "mime-google.eml", "corp.mail.ru",
	    0, 1, 1, NULL, NULL },
	{ "unlisted signer", "mime-google.eml", "attacker.example", 0, 1, 1, NULL,
	    "reporter attacker.example not in KnownReporters" },
	{ "lookalike signer", "mime-google.eml", "google.com.attacker.example", 0,
	    1, 1, NULL, "not in KnownReporters" },
	{ "a forwarded report", "mime-forwarded.eml", "google.com", 0, 1, 1, NULL,
	    "not only a report: " },
	{ "multipart/mixed", "mime-mixed.eml", "google.com", 0, 1, 1, NULL,
	    "not only a report: the message is not multipart/report" },
	{ "report addresses only", "mime-google.eml", "google.com", 1, 1, 2, NULL,
	    NULL },
	{ "a stray recipient", "mime-google.eml", "google.com", 1, 1, 2,
	    "<ceo@example.com>", "recipient <ceo@example.com> is not a report address" },
	{ "no envelope with ReportAddresses", "mime-google.eml", "google.com", 1, 0,
	    0, NULL, "no envelope recipient" },
	{ "no recipient seen", "mime-google.eml", "google.com", 1, 1, 0, NULL,
	    "no envelope recipient" },
	{ "signer checked first", "mime-forwarded.eml", "attacker.example", 1, 1,
	    1, "<ceo@example.com>", "not in KnownReporters" },
};

static void
test_table(void)
{
	struct config cfg;
	struct verdict_input in;
	char path[256], why[384], *msg;
	size_t i, len;
	int got;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cfg = *defaults;
		cfg.known_reporters = trusted;
		cfg.n_known_reporters = 3;
		cfg.report_addresses = rows[i].report_addresses ? report_addrs : NULL;
		cfg.n_report_addresses = rows[i].report_addresses ? 1 : 0;
		memset(&in, 0, sizeof(in));
		in.have_envelope = rows[i].have_envelope;
		in.n_rcpts = rows[i].n_rcpts;
		in.stray_rcpt = rows[i].stray;
		snprintf(path, sizeof(path), "tests/fixtures/%s", rows[i].fixture);
		if (!CHECKF((msg = test_read_file(path, &len)) != NULL, "%s: no %s",
		    rows[i].name, path))
			continue;
		got = judge(&cfg, &in, msg, len, rows[i].signer, why, sizeof(why));
		if (rows[i].want == NULL)
			CHECKF(got == 1, "%s: not trusted: %s", rows[i].name, why);
		else if (CHECKF(got == 0, "%s: got %d, want refused", rows[i].name, got))
			CHECK_CONTAINS(why, rows[i].want);
		free(msg);
	}
}

/* ------------------------------------------------------------ the corpus */

struct sample {
	char from_domain[256];
	char dkim_d[16][256];		/* d= of each DKIM-Signature */
	size_t n_d;
};

/* The d= tag of a DKIM-Signature value into OUT. */
static void
tag_d(const char *value, char *out, size_t size)
{
	const char *p = value, *end;

	out[0] = '\0';
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ';')
			p++;
		if (p[0] == 'd' && (p[1] == '=' || p[1] == ' ')) {
			p = strchr(p, '=') + 1;
			while (*p == ' ')
				p++;
			end = p + strcspn(p, "; \t\r\n");
			snprintf(out, size, "%.*s", (int)(end - p), p);
			return;
		}
		p += strcspn(p, ";");
	}
}

static void
on_field(void *arg, const char *name, const char *value)
{
	struct sample *s = arg;
	char addr[320];

	if (strcasecmp(name, "From") == 0 && s->from_domain[0] == '\0')
		(void)recog_from_address(value, addr, sizeof(addr), s->from_domain,
		    sizeof(s->from_domain));
	else if (strcasecmp(name, "DKIM-Signature") == 0 && s->n_d < 16)
		tag_d(value, s->dkim_d[s->n_d++], sizeof(s->dkim_d[0]));
}

static void
check_sample(const char *path, const char *rel)
{
	struct sample s;
	struct config cfg;
	struct verdict_input in;
	char signer[256], why[384], *list[16], *msg;
	size_t len, i, n;
	FILE *fp;
	int got;

	if ((fp = fopen(path, "rb")) == NULL || (msg = malloc(16 << 20)) == NULL) {
		CHECKF(0, "%s: unreadable", rel);
		if (fp != NULL)
			fclose(fp);
		return;
	}
	len = fread(msg, 1, (16 << 20) - 1, fp);
	fclose(fp);
	msg[len] = '\0';
	memset(&s, 0, sizeof(s));
	rawmsg_headers(msg, len, on_field, &s);
	/* The signer a verification would name: a d= aligned with From. */
	signer[0] = '\0';
	for (i = 0; i < s.n_d && signer[0] == '\0'; i++)
		if (domain_aligned(s.dkim_d[i], s.from_domain))
			snprintf(signer, sizeof(signer), "%s", s.dkim_d[i]);

	cfg = *defaults;
	cfg.report_addresses = NULL;
	cfg.n_report_addresses = 0;
	n = defaults->n_known_reporters < 15 ? defaults->n_known_reporters : 15;
	memcpy(list, defaults->known_reporters, n * sizeof(list[0]));
	if (signer[0] == '\0') {
		/* Synthetic and unsigned: listed here, by its From domain. */
		snprintf(signer, sizeof(signer), "%s", s.from_domain);
		list[n++] = s.from_domain;
	} else
		CHECKF(recog_signer_matches(signer, defaults->known_reporters,
		    defaults->n_known_reporters), "%s: signer %s is not in the "
		    "default KnownReporters", rel, signer);
	cfg.known_reporters = list;
	cfg.n_known_reporters = n;
	memset(&in, 0, sizeof(in));
	got = judge(&cfg, &in, msg, len, signer, why, sizeof(why));
	CHECKF(got == 1, "%s: signed by %s, listed: not a pass: %s", rel, signer,
	    why);

	/* The same sample from a signer nobody listed is refused. */
	cfg.known_reporters = NULL;
	cfg.n_known_reporters = 0;
	got = judge(&cfg, &in, msg, len, signer, why, sizeof(why));
	CHECKF(got == 0 && strstr(why, "not in KnownReporters") != NULL,
	    "%s: unlisted signer %s: got %d (%s)", rel, signer, got, why);
	free(msg);
}

static int
is_eml(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".eml") == 0;
}

static void
test_corpus(const char *dir)
{
	char path[1024], rel[600];
	struct dirent *sub, *ent;
	unsigned seen = 0;
	DIR *d, *sd;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((sub = readdir(d)) != NULL) {
		if (sub->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, sub->d_name);
		if ((sd = opendir(path)) == NULL)
			continue;
		while ((ent = readdir(sd)) != NULL) {
			if (!is_eml(ent->d_name))
				continue;
			snprintf(rel, sizeof(rel), "%s/%s", sub->d_name, ent->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir, rel);
			check_sample(path, rel);
			seen++;
		}
		closedir(sd);
	}
	closedir(d);
	CHECKF(seen > 0, "no whole mail in the corpus at %s", dir);
	printf("test_verdict: %u whole mails in the corpus\n", seen);
}

int
main(void)
{
	const char *dir = getenv("TLSRPT_CORPUS");
	char err[256];
	struct stat st;

	tlsrpt_library_init();
	if ((defaults = config_defaults(err, sizeof(err))) == NULL) {
		fprintf(stderr, "test_verdict: %s\n", err);
		return 1;
	}
	test_table();
	if (dir == NULL)
		dir = getenv("TLSRPT_CORPUS_DEFAULT");
	if (dir != NULL && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		test_corpus(dir);
	else
		/* A part skipped, said so that quickstart counts it. */
		printf("SKIP-PART: test_verdict: corpus: no corpus at %s\n",
		    dir != NULL ? dir : "(unset)");
	config_free(defaults);
	tlsrpt_library_shutdown();
	return test_summary("test_verdict");
}
