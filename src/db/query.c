/* The query layer's calls (store_int.h): the one place every statement passes through on
 * its way to a backend, and where a test's fault is injected. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* ---- the versions pages cache on (store_identity_version and its siblings) ---- */

/* Which versions a change to table moves. */
static unsigned
moves_of_table(const char *t, size_t n)
{
#define IS(name) (n == sizeof(name) - 1 && memcmp(t, name, n) == 0)
#define STARTS(pre) (n >= sizeof(pre) - 1 && memcmp(t, pre, sizeof(pre) - 1) == 0)
	unsigned m = 0;
	if (IS("users") || IS("user_roles") || IS("sessions") || IS("api_tokens"))
		m |= 1u << DB_V_IDENTITY;
	if (IS("reports") || IS("campaigns")) /* the review queue's count */
		m |= 1u << DB_V_REPORTS;
	if (IS("notices") || IS("notice_reads")) /* the bell's count */
		m |= 1u << DB_V_NOTICES;
	if (STARTS("budget_") || STARTS("award_") || IS("campaigns")) /* the budget box */
		m |= 1u << DB_V_BUDGET;
	if (IS("reminders") || IS("outbox") || IS("campaign_chase")) /* the chase board's marks */
		m |= 1u << DB_V_CHASE;
	return m;
#undef IS
#undef STARTS
}

static const char *
skip_word(const char *p)
{
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

static int
word_is(const char *p, const char *w)
{
	size_t n = strlen(w);
	return strncasecmp(p, w, n) == 0 && !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/* The versions a write statement moves, from the table it writes: INSERT [OR x] INTO t,
 * REPLACE INTO t, UPDATE [OR x] t, DELETE FROM t. */
static unsigned
moves_of(const char *sql)
{
	const char *p = sql;
	while (isspace((unsigned char)*p))
		p++;
	if (word_is(p, "INSERT") || word_is(p, "REPLACE")) {
		p = skip_word(p);
		if (word_is(p, "OR"))
			p = skip_word(skip_word(p));
		if (word_is(p, "INTO"))
			p = skip_word(p);
	} else if (word_is(p, "UPDATE")) {
		p = skip_word(p);
		if (word_is(p, "OR"))
			p = skip_word(skip_word(p));
	} else if (word_is(p, "DELETE")) {
		p = skip_word(p);
		if (word_is(p, "FROM"))
			p = skip_word(p);
	} else {
		/* anything else (WITH ...): every version, to be safe */
		return (1u << DB_V_COUNT) - 1;
	}
	const char *e = p;
	while (isalnum((unsigned char)*e) || *e == '_')
		e++;
	return moves_of_table(p, (size_t)(e - p));
}

unsigned
db_moves(const q_def_t *q, int dyn)
{
	if (q->quiet)
		return 0;
	if (dyn)
		return moves_of(q->sql);
	q_def_t *w = (q_def_t *)q;
	int c = atomic_load_explicit(&w->moves, memory_order_relaxed);
	if (c == 0) {
		c = (int)moves_of(q->sql) + 1;
		atomic_store_explicit(&w->moves, c, memory_order_relaxed);
	}
	return (unsigned)c - 1;
}

static void
note_write(store_t *st, const q_def_t *q, int dyn)
{
	unsigned m = db_moves(q, dyn);
	if (!m)
		return;
	db_versions_move(st, m);
	atomic_fetch_or(&st->dirty, m);
}

void
db_versions_move(store_t *st, unsigned mask)
{
	for (int k = 0; k < DB_V_COUNT; k++)
		if (mask & (1u << k))
			atomic_fetch_add(&st->versions[k], 1);
}

void
db_tx_ended(store_t *st)
{
	db_versions_move(st, atomic_exchange(&st->dirty, 0));
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

/* Every write: a test's fault first, then the driver on the writer, then the versions. */
static int
write_run(store_t *st, const q_def_t *q, int dyn, const qv_t *v, size_t n, db_row_fn row, void *ctx,
          int64_t *changes)
{
	if (fault_hit(st))
		return DB_ERR;
	int rc = st->drv->run(st, 1, q, dyn, v, n, row, ctx, changes);
	note_write(st, q, dyn);
	return rc;
}

int
db_exec(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *changes)
{
	return write_run(st, q, 0, v, n, NULL, NULL, changes);
}

int
db_exec_dyn(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *changes)
{
	return write_run(st, q, 1, v, n, NULL, NULL, changes);
}

int
db_write_each(store_t *st, const q_def_t *q, const qv_t *v, size_t n, db_row_fn row, void *ctx)
{
	return write_run(st, q, 0, v, n, row, ctx, NULL);
}

int
db_insert(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *id)
{
	*id = 0;
	int rc = write_run(st, q, 0, v, n, one_i64, id, NULL);
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

int
store_leader(store_t *st)
{
	return st->drv->leader ? st->drv->leader(st) : 1;
}

int64_t
store_external_version(store_t *st)
{
	return st->drv->external_version(st);
}

static uint64_t
version(store_t *st, int k)
{
	return atomic_load(&st->versions[k]);
}

uint64_t
store_identity_version(store_t *st)
{
	return version(st, DB_V_IDENTITY);
}

uint64_t
store_reports_version(store_t *st)
{
	return version(st, DB_V_REPORTS);
}

uint64_t
store_notices_version(store_t *st)
{
	return version(st, DB_V_NOTICES);
}

uint64_t
store_budget_version(store_t *st)
{
	return version(st, DB_V_BUDGET);
}

uint64_t
store_chase_version(store_t *st)
{
	return version(st, DB_V_CHASE);
}
