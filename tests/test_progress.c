/*
 * test_progress.c - the progress line (progress.h): percentage, sizes in
 * binary units, items and their rate, an ETA from the byte rate only once
 * a second has passed and while bytes are left, hours past 60 minutes, a
 * file that grew while read (done > total) and an empty total; and that
 * nothing is drawn off a terminal.
 */
#include "progress.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>

int
main(void)
{
	static const struct {
		uint64_t done, total;
		unsigned long items;
		double elapsed;
		const char *want;
	} rows[] = {
		{ 0, 2048, 0, 0, "import   0%  0 B/2.0 KiB  0 items" },
		{ 512, 1024, 1, 0.5, "import  50%  512 B/1.0 KiB  1 item  2/s" },
		{ 50u << 20, 100u << 20, 1000, 10,
		    "import  50%  50.0 MiB/100.0 MiB  1000 items  100/s  ETA 0:10" },
		{ 1u << 20, 101u << 20, 10, 40,
		    "import   0%  1.0 MiB/101.0 MiB  10 items  0/s  ETA 1:06:40" },
		{ 3000, 2000, 7, 2, "import 100%  2.0 KiB/2.0 KiB  7 items  4/s" },
		{ 0, 0, 0, 1, "import 100%  0 B/0 B  0 items  0/s" },
		{ (uint64_t)3 << 30, (uint64_t)4 << 30, 5, 3,
		    "import  75%  3.0 GiB/4.0 GiB  5 items  2/s  ETA 0:01" },
	};
	char buf[160];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		progress_format(buf, sizeof(buf), "import", rows[i].done,
		    rows[i].total, rows[i].items, rows[i].elapsed);
		CHECK_STR(buf, rows[i].want);
	}
	/* A short buffer is cut, never overrun. */
	memset(buf, 'x', sizeof(buf));
	progress_format(buf, 10, "import", 1, 2, 3, 4);
	CHECK_STR(buf, "import  5");
	CHECK(buf[11] == 'x');
	/* Off a terminal (a file here), there is nothing to draw. */
	{
		FILE *f = tmpfile();

		CHECK(f != NULL);
		if (f != NULL) {
			CHECK(progress_new(f, "import", 10) == NULL);
			fclose(f);
		}
	}
	progress_update(NULL, 1, 1);	/* NULL is a no-op */
	progress_clear(NULL);
	progress_free(NULL);
	return test_summary("test_progress");
}
