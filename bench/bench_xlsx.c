/* The national per-unit XLSX export (GET /campaigns/:id/units/VN/matrix) in process, against
 * the floor of the library it uses: the same synthetic grid (one row per reporting unit:
 * code, Vietnamese name, parent name, status, 38 integer columns with some empty cells)
 * written (a) by a minimal raw libxlsxwriter program (constant_memory mode, one
 * worksheet_write_number/worksheet_write_string per cell, nothing else) and (b) by our
 * table writer (table_write_xlsx_rows, rows produced on demand, as the handler does).
 * Reports the p50 of RUNS runs each, the file sizes and the RSS growth of (b); appends
 * key<TAB>value lines (xlsx.rows, xlsx.raw_ms, xlsx.ours_ms, xlsx.raw_bytes, xlsx.ours_bytes,
 * xlsx.ours_rss_kb) to the TSV when given.
 * Usage: bench_xlsx [--rows N] [--out FILE.md] [--tsv FILE.tsv] [--save OURS.xlsx] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "export/table.h"
#include "util.h"

enum { NTEXT = 4, NNUM = 38, NCOLS = NTEXT + NNUM, RUNS = 3 };

/* The grid: text cells as strings (shared between rows like the unit tree's names),
 * numbers as integers with a has-flag. */
typedef struct grid {
	size_t rows;
	char **code, **name;
	const char **parent, **status;
	int64_t *num;       /* rows * NNUM */
	unsigned char *has; /* rows * NNUM */
	char **parents;     /* owned parent names */
	size_t nparents;
} grid_t;

static const char *const places[] = {
        "Phường Đằng Lâm", "Xã Hà Thượng",  "Phường Bến Nghé",  "Xã Tiên Lãng",
        "Thị trấn Đại Từ", "Phường Cát Bi", "Xã Yên Thế",       "Phường Hải An",
        "Xã Đồng Hới",     "Xã Quỳnh Lưu",  "Phường Ngô Quyền", "Xã Mường Tè",
};
static const char *const kinds[] = {"Ủy ban nhân dân", "Trung tâm học tập cộng đồng",
                                    "Trường Mầm non",  "Trường Tiểu học",
                                    "Trường THCS",     "Trường Tiểu học số 2"};
static const char *const statuses[] = {"Đã duyệt", "Đã nộp", "Bản nháp", "Chưa nộp", "Trả lại"};

static void
grid_make(grid_t *g, size_t rows)
{
	g->rows = rows;
	g->code = xmalloc(rows * sizeof *g->code);
	g->name = xmalloc(rows * sizeof *g->name);
	g->parent = xmalloc(rows * sizeof *g->parent);
	g->status = xmalloc(rows * sizeof *g->status);
	g->num = xmalloc(rows * NNUM * sizeof *g->num);
	g->has = xmalloc(rows * NNUM);
	g->nparents = rows / 6 + 1;
	g->parents = xmalloc(g->nparents * sizeof *g->parents);
	for (size_t p = 0; p < g->nparents; p++) {
		buf_t b = BUF_INIT;
		buf_printf(&b, "%s %zu", places[p % (sizeof places / sizeof *places)], p / 12 + 1);
		g->parents[p] = buf_steal(&b, NULL);
	}
	for (size_t r = 0; r < rows; r++) {
		size_t p = r / 6;
		buf_t b = BUF_INIT;
		buf_printf(&b, "B%05zu-%zu", p, r % 6);
		g->code[r] = buf_steal(&b, NULL);
		buf_printf(&b, "%s %s", kinds[r % 6], g->parents[p]);
		g->name[r] = buf_steal(&b, NULL);
		g->parent[r] = g->parents[p];
		uint64_t s = bench_rand() % 100;
		int st = s < 60 ? 0 : s < 80 ? 1 : s < 88 ? 2 : s < 97 ? 3 : 4;
		g->status[r] = statuses[st];
		/* a unit that has not reported has no figures; otherwise ~5% left empty */
		for (size_t c = 0; c < NNUM; c++) {
			size_t k = r * NNUM + c;
			g->has[k] = st != 3 && bench_rand() % 20 != 0;
			uint64_t m = c % 3 == 0 ? 100000 : c % 3 == 1 ? 5000 : 200;
			g->num[k] = g->has[k] ? (int64_t)(bench_rand() % m) : 0;
		}
	}
}

static void
grid_free(grid_t *g)
{
	for (size_t r = 0; r < g->rows; r++) {
		free(g->code[r]);
		free(g->name[r]);
	}
	for (size_t p = 0; p < g->nparents; p++)
		free(g->parents[p]);
	free(g->code);
	free(g->name);
	free(g->parent);
	free(g->status);
	free(g->num);
	free(g->has);
	free(g->parents);
}

static const char *header[NCOLS];

/* (a) the library's floor: a file on disk, as libxlsxwriter 1.1 only writes to paths */
static int
write_raw(const grid_t *g, const char *path, const char *tmpdir)
{
	lxw_workbook_options opts = {.constant_memory = 1, .tmpdir = (char *)tmpdir};
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "Sheet1") : NULL;
	if (!ws)
		return -1;
	lxw_error rc = LXW_NO_ERROR;
	for (lxw_col_t c = 0; c < NCOLS; c++)
		rc |= worksheet_write_string(ws, 0, c, header[c], NULL);
	for (size_t r = 0; r < g->rows; r++) {
		lxw_row_t row = (lxw_row_t)r + 1;
		rc |= worksheet_write_string(ws, row, 0, g->code[r], NULL);
		rc |= worksheet_write_string(ws, row, 1, g->name[r], NULL);
		rc |= worksheet_write_string(ws, row, 2, g->parent[r], NULL);
		rc |= worksheet_write_string(ws, row, 3, g->status[r], NULL);
		for (size_t c = 0; c < NNUM; c++)
			if (g->has[r * NNUM + c])
				rc |= worksheet_write_number(ws, row, (lxw_col_t)(NTEXT + c),
				                             (double)g->num[r * NNUM + c], NULL);
	}
	return workbook_close(wb) == LXW_NO_ERROR && rc == LXW_NO_ERROR ? 0 : -1;
}

/* (b) our table writer, rows on demand as page_export_matrix produces them */
static void
grid_row(void *ctx, size_t r, table_cell_t *out)
{
	const grid_t *g = ctx;
	out[0] = (table_cell_t){TABLE_TEXT, g->code[r], 0};
	out[1] = (table_cell_t){TABLE_TEXT, g->name[r], 0};
	out[2] = (table_cell_t){TABLE_TEXT, g->parent[r], 0};
	out[3] = (table_cell_t){TABLE_TEXT, g->status[r], 0};
	for (size_t c = 0; c < NNUM; c++) {
		size_t k = r * NNUM + c;
		out[NTEXT + c] = g->has[k] ? (table_cell_t){TABLE_INT, NULL, g->num[k]}
		                           : (table_cell_t){TABLE_EMPTY, NULL, 0};
	}
}

static long
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int
main(int argc, char **argv)
{
	const char *outpath = NULL, *tsvpath = NULL, *savepath = NULL;
	size_t rows = 60000;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
		else if (!strcmp(argv[i], "--tsv"))
			tsvpath = argv[i + 1];
		else if (!strcmp(argv[i], "--save"))
			savepath = argv[i + 1];
		else if (!strcmp(argv[i], "--rows"))
			rows = (size_t)strtoul(argv[i + 1], NULL, 10);
	}
	log_set_level(2);
	char dir[] = "/tmp/suotdoi-bench-XXXXXX", path[300];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/raw.xlsx", dir);
	setenv("TMPDIR", dir, 1);

	/* header: the four text columns and 38 item labels of Phụ lục length */
	static char labels[NNUM][80];
	header[0] = "Mã đơn vị";
	header[1] = "Đơn vị";
	header[2] = "Thuộc";
	header[3] = "Trạng thái";
	for (int c = 0; c < NNUM; c++) {
		snprintf(labels[c], sizeof labels[c], "%d.%d. Số người tham gia học tập nhóm %d",
		         c / 6 + 1, c % 6 + 1, c);
		header[NTEXT + c] = labels[c];
	}
	unsigned char numeric[NCOLS] = {0};
	memset(numeric + NTEXT, 1, NNUM);
	grid_t g;
	grid_make(&g, rows);

	double raw[RUNS], ours[RUNS];
	long raw_bytes = 0, ours_bytes = 0, rss_peak = 0;
	/* ours first, so that its RSS growth is not hidden by what the raw runs leave */
	long rss0 = bench_rss_kb();
	for (int k = 0; k < RUNS; k++) {
		table_t t = {"Số liệu 2025 — Việt Nam", header, NCOLS, NULL, rows, numeric};
		buf_t out = BUF_INIT;
		char err[512];
		double t0 = bench_now_ms();
		if (table_write_xlsx_rows(&t, grid_row, &g, &out, err, sizeof err) < 0) {
			fprintf(stderr, "bench_xlsx: %s\n", err);
			return 1;
		}
		ours[k] = bench_now_ms() - t0;
		ours_bytes = (long)out.len;
		long grow = bench_rss_kb() - rss0; /* with the file still held */
		if (grow > rss_peak)
			rss_peak = grow;
		if (savepath && k == 0) {
			FILE *f = fopen(savepath, "wb");
			if (!f || fwrite(out.data, 1, out.len, f) != out.len) {
				perror(savepath);
				return 1;
			}
			fclose(f);
		}
		buf_free(&out);
	}
	long rss_after = bench_rss_kb() - rss0;
	for (int k = 0; k < RUNS; k++) {
		double t0 = bench_now_ms();
		if (write_raw(&g, path, dir) < 0) {
			fprintf(stderr, "bench_xlsx: raw libxlsxwriter failed\n");
			return 1;
		}
		raw[k] = bench_now_ms() - t0;
		raw_bytes = file_size(path);
		unlink(path);
	}
	double raw50 = bench_pct(raw, RUNS, 0.5), ours50 = bench_pct(ours, RUNS, 0.5);

	buf_t rep = BUF_INIT;
	buf_printf(&rep,
	           "National per-unit XLSX export: %zu rows x %d columns (4 text, 38 integer, "
	           "~5%% empty + units not reported), p50 of %d runs\n\n",
	           rows, NCOLS, RUNS);
	buf_printf(&rep, "| figure | suotdoi (table_write_xlsx) | baseline (raw libxlsxwriter, "
	                 "constant memory) | ratio | target |\n");
	buf_printf(&rep, "| --- | --- | --- | --- | --- |\n");
	buf_printf(&rep, "| time p50 | %.0f ms | %.0f ms | %.2fx %s | ≤ 2000 ms |\n", ours50, raw50,
	           ours50 < raw50 ? raw50 / ours50 : ours50 / raw50,
	           ours50 < raw50 ? "faster" : "slower");
	buf_printf(&rep, "| file size | %.2f MB | %.2f MB | %.2fx | |\n", ours_bytes / 1048576.0,
	           raw_bytes / 1048576.0, (double)ours_bytes / (double)raw_bytes);
	buf_printf(&rep,
	           "| RSS growth: peak with the file held / after %d runs | %.1f / %.1f MB | | | "
	           "|\n",
	           RUNS, rss_peak / 1024.0, rss_after / 1024.0);
	bench_report(outpath, rep.data);
	buf_free(&rep);
	if (tsvpath) {
		FILE *f = fopen(tsvpath, "a");
		if (!f) {
			perror(tsvpath);
			return 1;
		}
		fprintf(f, "xlsx.rows\t%zu\nxlsx.raw_ms\t%.1f\nxlsx.ours_ms\t%.1f\n", rows, raw50,
		        ours50);
		fprintf(f, "xlsx.raw_bytes\t%ld\nxlsx.ours_bytes\t%ld\nxlsx.ours_rss_kb\t%ld\n",
		        raw_bytes, ours_bytes, rss_peak);
		fclose(f);
	}
	grid_free(&g);
	rmdir(dir);
	return 0;
}
