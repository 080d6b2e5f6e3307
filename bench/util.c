/* Shared benchmark helpers (see util.h). */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "core/buf.h"
#include "core/file.h"

double
bench_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double
bench_pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[(int)(p * (n - 1) + 0.5)];
}

long
bench_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* Synthetic bodies per commune, as the national generator makes them: UBND, TTHTCĐ and
 * four schools. */
static void
national_csv(const unit_tree_t *t, buf_t *out)
{
	static const char *kinds[][2] = {
	        {"ubnd_xa", "Ủy ban nhân dân"},  {"tthtcd", "Trung tâm học tập cộng đồng"},
	        {"truong_mn", "Trường Mầm non"}, {"truong_th", "Trường Tiểu học"},
	        {"truong_thcs", "Trường THCS"},  {"truong_th", "Trường Tiểu học số 2"}};
	buf_puts(out, "code,name,kind,parent_code,locality_code\n");
	for (int32_t i = 0; i < t->n; i++) {
		const unit_t *u = &t->units[i];
		if (u->depth != 3)
			continue;
		const char *place = strchr(u->name, ' ');
		place = place ? place + 1 : u->name;
		for (int k = 0; k < 6; k++)
			buf_printf(out, "B%s-%d,%s %s,%s,%s,%s\n", u->code, k, kinds[k][1], place,
			           kinds[k][0], u->code, u->code);
	}
}

int
bench_units_store(const char *path, int national, store_t **st, unit_tree_t **t)
{
	char err[4096], file[512], *data;
	size_t len;
	units_import_stats_t s;
	*t = NULL;
	snprintf(file, sizeof file, "%s/data/dvhc/units-2025-03-01.csv", TEST_SOURCE_DIR);
	if (store_open(path, st, err, sizeof err) < 0 ||
	    file_read_all(file, 1 << 26, &data, &len, err, sizeof err) < 0)
		goto fail;
	int rc = units_import_csv(*st, data, len, &s, err, sizeof err);
	free(data);
	if (rc < 0 || unit_tree_build(*st, t, err, sizeof err) < 0)
		goto fail;
	if (national) {
		buf_t csv = BUF_INIT;
		national_csv(*t, &csv);
		rc = units_import_csv(*st, csv.data, csv.len, &s, err, sizeof err);
		buf_free(&csv);
		unit_tree_unref(*t);
		*t = NULL;
		if (rc < 0 || unit_tree_build(*st, t, err, sizeof err) < 0)
			goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "%s\n", err);
	return -1;
}

void
bench_report(const char *outpath, const char *text)
{
	fputs(text, stdout);
	FILE *f = outpath ? fopen(outpath, "a") : NULL;
	if (f) {
		fputs(text, f);
		fputc('\n', f);
		fclose(f);
	}
}

uint64_t
bench_rand(void)
{
	static uint64_t rng = 88172645463325252ULL;
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

/* A consistent copy of src (its WAL included) into dst, through a read-only connection. */
int
bench_copy_db(const char *src, const char *dst)
{
	sqlite3 *from = NULL, *to = NULL;
	char uri[1400];
	snprintf(uri, sizeof uri, "file:%s?mode=ro", src);
	int ok = sqlite3_open_v2(uri, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) ==
	                 SQLITE_OK &&
	         sqlite3_open(dst, &to) == SQLITE_OK;
	if (ok) {
		sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
		ok = b && sqlite3_backup_step(b, -1) == SQLITE_DONE;
		if (sqlite3_backup_finish(b) != SQLITE_OK)
			ok = 0;
	}
	/* the store turns WAL on; the baseline does the same */
	if (ok && sqlite3_exec(to, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
		ok = 0;
	if (!ok)
		fprintf(stderr, "copy %s -> %s: %s\n", src, dst, to ? sqlite3_errmsg(to) : "?");
	sqlite3_close(from);
	sqlite3_close(to);
	return ok ? 0 : -1;
}
