/* The query layer's calls (store_int.h): the one place every statement passes through on
 * its way to a backend, and where a test's fault is injected. */
#include <stdarg.h>
#include <stdio.h>

#include "core/log.h"
#include "db/store_int.h"

static _Thread_local char last_error[512];
static _Atomic int next_slot = 1;

int
db_slot(const q_def_t *q)
{
	q_def_t *m = (q_def_t *)q; /* the slot is the only field that changes */
	int s = atomic_load_explicit(&m->slot, memory_order_acquire);
	if (s)
		return s;
	int fresh = atomic_fetch_add(&next_slot, 1), expected = 0;
	if (atomic_compare_exchange_strong(&m->slot, &expected, fresh))
		return fresh;
	return expected; /* another thread gave it one first (fresh is left unused) */
}

void
db_set_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
}

const char *
db_errmsg(void)
{
	return last_error;
}

int
db_dialect(store_t *st)
{
	return st->drv->dialect;
}

void
store_fault_install(store_t *st, long n)
{
	atomic_store(&st->fault_fired, 0);
	atomic_store(&st->fault_countdown, n);
}

int
store_fault_fired(store_t *st)
{
	return atomic_load(&st->fault_fired);
}

int
store_fault_remove(store_t *st)
{
	atomic_store(&st->fault_countdown, -1);
	return atomic_exchange(&st->fault_fired, 0);
}

/* 1 when this write call is the one a test asked to fail. */
static int
fault_hit(store_t *st)
{
	long c = atomic_load(&st->fault_countdown);
	if (c < 0)
		return 0;
	if (atomic_fetch_sub(&st->fault_countdown, 1) != 0)
		return 0;
	atomic_store(&st->fault_fired, 1);
	db_set_error("lỗi giả lập (kiểm thử)");
	return 1;
}

int64_t
row_i64(const db_row_t *r, int col)
{
	return r->d->i64(r, col);
}

int
row_int(const db_row_t *r, int col)
{
	return (int)r->d->i64(r, col);
}

double
row_f64(const db_row_t *r, int col)
{
	return r->d->f64(r, col);
}

const char *
row_text(const db_row_t *r, int col)
{
	return r->d->text(r, col);
}

const void *
row_blob(const db_row_t *r, int col, size_t *n)
{
	return r->d->blob(r, col, n);
}

int
row_null(const db_row_t *r, int col)
{
	return r->d->isnull(r, col);
}

int
db_each(store_t *st, const q_def_t *q, const qv_t *v, size_t n, db_row_fn row, void *ctx)
{
	return st->drv->run(st, 0, q, 0, v, n, row, ctx, NULL);
}

int
db_each_dyn(store_t *st, const q_def_t *q, const qv_t *v, size_t n, db_row_fn row, void *ctx)
{
	return st->drv->run(st, 0, q, 1, v, n, row, ctx, NULL);
}

static int
one_i64(const db_row_t *r, void *ctx)
{
	*(int64_t *)ctx = row_i64(r, 0);
	return 1;
}

int
db_i64(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *out)
{
	return st->drv->run(st, 0, q, 0, v, n, one_i64, out, NULL);
}

int
db_exec(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *changes)
{
	if (fault_hit(st))
		return DB_ERR;
	return st->drv->run(st, 1, q, 0, v, n, NULL, NULL, changes);
}

int
db_exec_dyn(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *changes)
{
	if (fault_hit(st))
		return DB_ERR;
	return st->drv->run(st, 1, q, 1, v, n, NULL, NULL, changes);
}

int
db_write_each(store_t *st, const q_def_t *q, const qv_t *v, size_t n, db_row_fn row, void *ctx)
{
	if (fault_hit(st))
		return DB_ERR;
	return st->drv->run(st, 1, q, 0, v, n, row, ctx, NULL);
}

int
db_insert(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *id)
{
	if (fault_hit(st))
		return DB_ERR;
	*id = 0;
	int rc = st->drv->run(st, 1, q, 0, v, n, one_i64, id, NULL);
	if (rc == 1)
		return 0;
	if (rc == 0) { /* RETURNING gave no row: a conflict clause skipped the insert */
		log_error("Lỗi cơ sở dữ liệu (%s): không có dòng nào được thêm", q->what);
		return DB_ERR;
	}
	return rc;
}

/* ---- transactions and versions (store.h), through the driver ---- */

int
db_tx_begin(store_t *st, int unsynced)
{
	if (fault_hit(st))
		return -1;
	return st->drv->tx_begin(st, unsynced);
}

int
store_tx_begin(store_t *st)
{
	return db_tx_begin(st, 0);
}

int
store_tx_begin_unsynced(store_t *st)
{
	return db_tx_begin(st, 1);
}

/* A failed commit is rolled back: that level is over either way. */
int
store_tx_commit(store_t *st)
{
	if (fault_hit(st)) {
		st->drv->tx_rollback(st);
		return -1;
	}
	return st->drv->tx_commit(st);
}

void
store_tx_rollback(store_t *st)
{
	st->drv->tx_rollback(st);
}

int
store_sync(store_t *st)
{
	return st->drv->sync(st);
}

void
store_close(store_t *st)
{
	if (st)
		st->drv->close(st);
}

int
store_schema_version(store_t *st, int *applied, int *known)
{
	return st->drv->schema_version(st, applied, known);
}

int64_t
store_external_version(store_t *st)
{
	return st->drv->external_version(st);
}

uint64_t
store_identity_version(store_t *st)
{
	return st->drv->version(st, DB_V_IDENTITY);
}

uint64_t
store_reports_version(store_t *st)
{
	return st->drv->version(st, DB_V_REPORTS);
}

uint64_t
store_notices_version(store_t *st)
{
	return st->drv->version(st, DB_V_NOTICES);
}

uint64_t
store_budget_version(store_t *st)
{
	return st->drv->version(st, DB_V_BUDGET);
}
