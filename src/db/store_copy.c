/* Moving a deployment (`suotdoi migrate --from sqlite:PATH --to postgres://...`): every row
 * of every table of a SQLite database copied into a new store in one transaction, then each
 * table's row count and checksum compared on both sides.
 *
 * The tables and their columns are read from the source's own schema (sqlite_schema,
 * pragma_table_info), so a table added by a later migration is copied without a change
 * here; both sides must be at the same schema version. Foreign keys are checked at the
 * commit (PostgreSQL: SET CONSTRAINTS ALL DEFERRED over deferrable keys; SQLite:
 * defer_foreign_keys), so the order of tables and of rows (a unit before its parent) does
 * not matter. The checksum is a sum of per-row hashes: it does not depend on the order
 * rows come back in, which differs between the engines' collations. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "db/store_int.h"

typedef struct col {
	char *name;
	int blob;    /* declared BLOB: compared as bytes */
	int integer; /* declared INTEGER */
} col_t;

typedef struct table {
	char *name;
	col_t *cols;
	int ncols;
} table_t;

typedef struct tables {
	table_t *t;
	int n, cap;
} tables_t;

/* The tables the migrations fill with rows of their own (kinds, meta, the national root):
 * replaced by the source's. */
static int
seeded(const char *t)
{
	return !strcmp(t, "meta") || !strcmp(t, "unit_kinds") || !strcmp(t, "units");
}

static q_def_t Q_TABLES = {.what = "đọc danh sách bảng",
                           .sql = "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT "
                                  "LIKE 'sqlite_%' AND name<>'schema_migrations' ORDER BY name"};
static q_def_t Q_COLS = {.what = "đọc các cột",
                         .sql = "SELECT name,upper(type) FROM pragma_table_info(?1) ORDER BY cid"};

static int
table_row(const db_row_t *r, void *p)
{
	tables_t *ts = p;
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? 2 * ts->cap : 32;
		ts->t = xrealloc(ts->t, (size_t)ts->cap * sizeof *ts->t);
	}
	ts->t[ts->n++] = (table_t){.name = xstrdup(row_text(r, 0))};
	return 0;
}

static int
col_row(const db_row_t *r, void *p)
{
	table_t *t = p;
	t->cols = xrealloc(t->cols, (size_t)(t->ncols + 1) * sizeof *t->cols);
	const char *type = row_text(r, 1);
	t->cols[t->ncols++] = (col_t){.name = xstrdup(row_text(r, 0)),
	                              .blob = strstr(type, "BLOB") != NULL,
	                              .integer = strstr(type, "INT") != NULL};
	return 0;
}

static void
tables_free(tables_t *ts)
{
	for (int i = 0; i < ts->n; i++) {
		for (int c = 0; c < ts->t[i].ncols; c++)
			free(ts->t[i].cols[c].name);
		free(ts->t[i].cols);
		free(ts->t[i].name);
	}
	free(ts->t);
}

/* ---- checksums ---- */

typedef struct sum {
	const table_t *t;
	int64_t rows;
	uint64_t sum;
} sum_t;

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int
sum_row(const db_row_t *r, void *p)
{
	sum_t *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int c = 0; c < s->t->ncols; c++) {
		if (row_null(r, c)) {
			h = fnv(h, "\x01N", 2);
		} else if (s->t->cols[c].blob) {
			size_t n;
			const void *b = row_blob(r, c, &n);
			h = fnv(h, b ? b : "", n);
		} else {
			const char *v = row_text(r, c);
			h = fnv(h, v, strlen(v));
		}
		h = fnv(h, "\x1f", 1);
	}
	s->rows++;
	s->sum += h;
	return 0;
}

/* SELECT every column of t, in the source's column order. */
static void
select_all(buf_t *sql, const table_t *t)
{
	buf_reset(sql);
	buf_puts(sql, "SELECT ");
	for (int c = 0; c < t->ncols; c++)
		buf_printf(sql, "%s\"%s\"", c ? "," : "", t->cols[c].name);
	buf_printf(sql, " FROM \"%s\"", t->name);
}

static int
checksum(store_t *st, const table_t *t, sum_t *out)
{
	buf_t sql = BUF_INIT;
	select_all(&sql, t);
	*out = (sum_t){.t = t};
	q_def_t q = {.what = "tính tổng kiểm tra", .sql = buf_cstr(&sql)};
	int rc = db_each_dyn(st, &q, QARGS(), sum_row, out);
	buf_free(&sql);
	return rc;
}

/* ---- the copy ---- */

typedef struct copy {
	store_t *to;
	const table_t *t;
	q_def_t ins;
	qv_t *v;
	int64_t rows;
	int bulk; /* rows go to the driver's bulk load (COPY), not one INSERT each */
	char *err;
	size_t errlen;
} copy_t;

static int
copy_row(const db_row_t *r, void *p)
{
	copy_t *c = p;
	for (int k = 0; k < c->t->ncols; k++) {
		const col_t *col = &c->t->cols[k];
		if (row_null(r, k)) {
			c->v[k] = QNULL;
		} else if (col->blob) {
			size_t n;
			const void *b = row_blob(r, k, &n);
			c->v[k] = QB(b, n);
		} else if (col->integer) {
			c->v[k] = QI(row_i64(r, k));
		} else {
			c->v[k] = QT(row_text(r, k));
		}
	}
	int rc = c->bulk ? c->to->drv->copy_row(c->to, c->v, c->t->ncols)
	                 : db_exec_dyn(c->to, &c->ins, c->v, (size_t)c->t->ncols, NULL);
	if (rc < 0) {
		snprintf(c->err, c->errlen, "Không chép được dòng %" PRId64 " của bảng %s: %s",
		         c->rows + 1, c->t->name, db_errmsg());
		return -1;
	}
	c->rows++;
	return 0;
}

static int
copy_table(store_t *from, store_t *to, const table_t *t, int64_t *rows, char *err, size_t errlen)
{
	buf_t sel = BUF_INIT, ins = BUF_INIT;
	select_all(&sel, t);
	buf_printf(&ins, "INSERT INTO \"%s\"(", t->name);
	for (int c = 0; c < t->ncols; c++)
		buf_printf(&ins, "%s\"%s\"", c ? "," : "", t->cols[c].name);
	buf_puts(&ins, ") VALUES(");
	for (int c = 0; c < t->ncols; c++)
		buf_printf(&ins, "%s?%d", c ? "," : "", c + 1);
	buf_puts(&ins, ")");
	/* explicit ids into identity columns (PostgreSQL's GENERATED BY DEFAULT accepts them;
	 * the sequences are moved past them afterwards) */
	copy_t c = {.to = to,
	            .t = t,
	            .ins = {.what = "chép dòng", .sql = buf_cstr(&ins)},
	            .v = xcalloc((size_t)t->ncols, sizeof(qv_t)),
	            .err = err,
	            .errlen = errlen};
	q_def_t q = {.what = "đọc bảng nguồn", .sql = buf_cstr(&sel)};
	/* PostgreSQL: one COPY per table (the row-by-row INSERTs take minutes at national size) */
	const char **names = NULL;
	if (to->drv->copy_begin) {
		names = xcalloc((size_t)t->ncols, sizeof *names);
		for (int k = 0; k < t->ncols; k++)
			names[k] = t->cols[k].name;
		if (to->drv->copy_begin(to, t->name, names, t->ncols) < 0) {
			snprintf(err, errlen, "Không chép được bảng %s: %s", t->name, db_errmsg());
			free(names);
			free(c.v);
			buf_free(&sel);
			buf_free(&ins);
			return -1;
		}
		c.bulk = 1;
	}
	int rc = db_each_dyn(from, &q, QARGS(), copy_row, &c);
	if (c.bulk && to->drv->copy_end(to, rc == 0) < 0 && rc == 0) {
		snprintf(err, errlen, "Không chép được bảng %s: %s", t->name, db_errmsg());
		rc = -1;
	}
	free(names);
	if (rc < 0 && !*err)
		snprintf(err, errlen, "Không đọc được bảng %s của nguồn: %s", t->name, db_errmsg());
	*rows = c.rows;
	free(c.v);
	buf_free(&sel);
	buf_free(&ins);
	return rc == 0 ? 0 : -1;
}

static int
one_count(const db_row_t *r, void *p)
{
	*(int64_t *)p = row_i64(r, 0);
	return 0;
}

static int
rows_in(store_t *st, const char *table, int64_t *n)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	q_def_t q = {.what = "đếm dòng", .sql = sql};
	*n = -1;
	return db_each_dyn(st, &q, QARGS(), one_count, n) < 0 ? -1 : 0;
}

/* Every table empty but the ones the migrations seed, and units holding only the root. */
static int
target_empty(store_t *to, const tables_t *ts, char *err, size_t errlen)
{
	for (int i = 0; i < ts->n; i++) {
		const char *t = ts->t[i].name;
		int64_t n;
		if (rows_in(to, t, &n) < 0) {
			snprintf(err, errlen,
			         "Cơ sở dữ liệu đích không có bảng %s (%s): hai bên phải cùng "
			         "phiên bản "
			         "cấu trúc.",
			         t, db_errmsg());
			return -1;
		}
		if ((strcmp(t, "units") == 0 && n > 1) || (!seeded(t) && n > 0)) {
			snprintf(err, errlen,
			         "Cơ sở dữ liệu đích không trống (bảng %s có %" PRId64 " dòng): "
			         "suotdoi migrate chỉ chép vào một cơ sở dữ liệu mới tạo.",
			         t, n);
			return -1;
		}
	}
	return 0;
}

static q_def_t Q_DEFER_SQLITE = {.what = "hoãn kiểm tra khóa ngoại",
                                 .sql = "PRAGMA defer_foreign_keys=ON"};
static q_def_t Q_DEFER_PG = {.what = "hoãn kiểm tra khóa ngoại",
                             .sql = "SET CONSTRAINTS ALL DEFERRED"};

int
store_copy(const char *from_spec, const char *to_spec,
           void (*progress)(const char *line, void *ctx), void *ctx, char *err, size_t errlen)
{
	store_t *from = NULL, *to = NULL;
	tables_t ts = {0};
	int ret = -1, in_tx = 0;
	char line[512];
	*err = '\0';
	if (store_open(from_spec, &from, err, errlen) < 0)
		goto out;
	if (db_dialect(from) != DB_SQLITE) {
		snprintf(err, errlen,
		         "Nguồn phải là một cơ sở dữ liệu SQLite (--from sqlite:ĐƯỜNG_DẪN).");
		goto out;
	}
	if (store_open(to_spec, &to, err, errlen) < 0)
		goto out;
	int fa, fk, ta, tk;
	if (store_schema_version(from, &fa, &fk) < 0 || store_schema_version(to, &ta, &tk) < 0) {
		snprintf(err, errlen, "Không đọc được phiên bản cấu trúc: %s", db_errmsg());
		goto out;
	}
	if (fa != ta) {
		snprintf(err, errlen,
		         "Nguồn ở phiên bản cấu trúc %d, đích ở %d: hãy nâng cấp cả hai bằng cùng "
		         "một "
		         "bản suotdoi trước khi chép.",
		         fa, ta);
		goto out;
	}
	if (db_each(from, &Q_TABLES, QARGS(), table_row, &ts) < 0)
		goto dberr;
	for (int i = 0; i < ts.n; i++)
		if (db_each(from, &Q_COLS, QARGS(QT(ts.t[i].name)), col_row, &ts.t[i]) < 0)
			goto dberr;
	if (target_empty(to, &ts, err, errlen) < 0)
		goto out;
	if (store_tx_begin(to) < 0)
		goto dberr;
	in_tx = 1;
	if (db_exec_dyn(to, db_dialect(to) == DB_PG ? &Q_DEFER_PG : &Q_DEFER_SQLITE, QARGS(),
	                NULL) < 0)
		goto dberr;
	/* the seeded rows make way for the source's (children first) */
	static const char *const seeds[] = {"units", "meta", "unit_kinds"};
	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
		char sql[80];
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE 1=1", seeds[i]);
		q_def_t q = {.what = "xóa dòng mặc định", .sql = sql};
		if (db_exec_dyn(to, &q, QARGS(), NULL) < 0)
			goto dberr;
	}
	for (int i = 0; i < ts.n; i++) {
		int64_t rows;
		if (copy_table(from, to, &ts.t[i], &rows, err, errlen) < 0)
			goto out;
		if (progress) {
			snprintf(line, sizeof line, "%-28s %12" PRId64 " dòng", ts.t[i].name, rows);
			progress(line, ctx);
		}
	}
	/* identity sequences past the copied ids */
	if (db_dialect(to) == DB_PG)
		for (int i = 0; i < ts.n; i++) {
			const table_t *t = &ts.t[i];
			if (t->ncols == 0 || strcmp(t->cols[0].name, "id") != 0)
				continue;
			char sql[300];
			snprintf(sql, sizeof sql,
			         "SELECT setval(pg_get_serial_sequence('%s','id'),"
			         " coalesce((SELECT max(id) FROM \"%s\"),0)+1, false)"
			         " WHERE pg_get_serial_sequence('%s','id') IS NOT NULL",
			         t->name, t->name, t->name);
			q_def_t q = {.what = "đặt lại bộ đếm mã", .sql = sql};
			if (db_exec_dyn(to, &q, QARGS(), NULL) < 0)
				goto dberr;
		}
	in_tx = 0;
	if (store_tx_commit(to) < 0)
		goto dberr;
	/* verify: counts and checksums, both sides */
	for (int i = 0; i < ts.n; i++) {
		sum_t a, b;
		if (checksum(from, &ts.t[i], &a) < 0 || checksum(to, &ts.t[i], &b) < 0)
			goto dberr;
		if (a.rows != b.rows || a.sum != b.sum) {
			snprintf(err, errlen,
			         "Kiểm tra sau khi chép không khớp ở bảng %s: nguồn %" PRId64
			         " dòng (tổng kiểm tra %016" PRIx64 "), đích %" PRId64
			         " dòng (%016" PRIx64
			         "). Đừng dùng cơ sở dữ liệu đích; hãy báo lỗi này.",
			         ts.t[i].name, a.rows, a.sum, b.rows, b.sum);
			goto out;
		}
	}
	if (progress) {
		snprintf(line, sizeof line, "Đã chép %d bảng; số dòng và tổng kiểm tra khớp.",
		         ts.n);
		progress(line, ctx);
	}
	ret = 0;
	goto out;
dberr:
	if (!*err)
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg());
out:
	if (in_tx)
		store_tx_rollback(to);
	tables_free(&ts);
	store_close(to);
	store_close(from);
	return ret;
}
