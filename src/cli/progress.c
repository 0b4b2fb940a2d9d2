/*
 * progress.c - a rate-limited progress line on a terminal; see progress.h.
 */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct progress {
	FILE *fp;
	const char *label;
	uint64_t total;
	double start, last;		/* monotonic seconds */
	size_t width;			/* of the line on screen, to erase it */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "812 B", "45.2 KiB", "1.3 GiB" */
static void
human(char *buf, size_t size, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

void
progress_format(char *buf, size_t size, const char *label, uint64_t done,
    uint64_t total, unsigned long items, double elapsed)
{
	char d[32], t[32], eta[32] = "";
	unsigned pct;
	size_t off;

	if (done > total)
		done = total;		/* a file grew while we read it */
	pct = total > 0 ? (unsigned)(done * 100 / total) : 100;
	human(d, sizeof(d), done);
	human(t, sizeof(t), total);
	if (elapsed >= 1 && done > 0 && done < total) {
		double left = (double)(total - done) * elapsed / (double)done;
		unsigned long s = left > 359999 ? 359999 : (unsigned long)left;

		if (s >= 3600)
			snprintf(eta, sizeof(eta), "  ETA %lu:%02lu:%02lu", s / 3600,
			    s / 60 % 60, s % 60);
		else
			snprintf(eta, sizeof(eta), "  ETA %lu:%02lu", s / 60, s % 60);
	}
	off = (size_t)snprintf(buf, size, "%s %3u%%  %s/%s  %lu item%s", label,
	    pct, d, t, items, items == 1 ? "" : "s");
	if (off < size && elapsed > 0)
		off += (size_t)snprintf(buf + off, size - off, "  %.0f/s",
		    (double)items / elapsed);
	if (off < size)
		snprintf(buf + off, size - off, "%s", eta);
}

struct progress *
progress_new(FILE *fp, const char *label, uint64_t total)
{
	struct progress *p;

	if (!isatty(fileno(fp)) || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->fp = fp;
	p->label = label;
	p->total = total;
	p->start = now();
	p->last = -1;
	return p;
}

void
progress_update(struct progress *p, uint64_t done, unsigned long items)
{
	char line[160];
	double t;
	size_t n;

	if (p == NULL)
		return;
	t = now();
	if (p->last >= 0 && t - p->last < 1.0 / PROGRESS_HZ)
		return;
	p->last = t;
	progress_format(line, sizeof(line), p->label, done, p->total, items,
	    t - p->start);
	n = strlen(line);
	/* Blanks over the tail of a longer previous line. */
	fprintf(p->fp, "\r%s%*s", line, p->width > n ? (int)(p->width - n) : 0,
	    "");
	fflush(p->fp);
	p->width = n;
}

void
progress_clear(struct progress *p)
{
	if (p == NULL || p->width == 0)
		return;
	fprintf(p->fp, "\r%*s\r", (int)p->width, "");
	fflush(p->fp);
	p->width = 0;		/* back at the next update that is due */
}

void
progress_free(struct progress *p)
{
	progress_clear(p);
	free(p);
}
