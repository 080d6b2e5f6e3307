/* The store's contract, the same checks on each backend: a temporary SQLite file, and
 * PostgreSQL when SUOTDOI_TEST_PG names a server (a libpq URI such as
 * postgresql:///postgres?host=/tmp/x&user=suotdoi; ctest's test_store_backends_pg gets one
 * from the "pg" fixture, tests/pg_cluster.sh, and passes --pg, which makes a missing server
 * a failure rather than a skip). PostgreSQL runs in a database of its own, created here and
 * dropped at the end. The statements are the test's own q_def_t on existing tables (meta,
 * unit_kinds, users, sessions, registry_uploads) and store_units.c's calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "db/store_int.h"

/* ---- the backend under test ---- */

static struct {
	const char *name;
	char spec[1024];  /* what store_open gets */
	char admin[1024]; /* PostgreSQL: the server's URI, for CREATE/DROP DATABASE */
	char dbname[64];
	char dir[64]; /* SQLite: the temporary directory */
	store_t *st;
} g;

/* The URI of database db on the server of uri (postgresql://auth/DB?params). */
static void
uri_with_db(char *out, size_t len, const char *uri, const char *db)
{
	const char *auth = strstr(uri, "://");
	auth = auth ? auth + 3 : uri;
	const char *slash = strchr(auth, '/');
	const char *q = strchr(auth, '?');
	size_t head = slash && (!q || slash < q) ? (size_t)(slash - uri)
	              : q                        ? (size_t)(q - uri)
	                                         : strlen(uri);
	snprintf(out, len, "%.*s/%s%s", (int)head, uri, db, q ? q : "");
}

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void
pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(g.admin);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("PostgreSQL %s: %s", g.admin, PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

static int
setup_sqlite(void **state)
{
	(void)state;
	memset(&g, 0, sizeof g);
	g.name = "sqlite";
	snprintf(g.dir, sizeof g.dir, "/tmp/suotdoi-backends-XXXXXX");
	if (mkdtemp(g.dir) == NULL)
		return -1;
	snprintf(g.spec, sizeof g.spec, "%s/b.db", g.dir);
	char err[512];
	if (store_open(g.spec, &g.st, err, sizeof err) < 0) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown_sqlite(void **state)
{
	(void)state;
	store_close(g.st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", g.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
setup_pg(void **state)
{
	(void)state;
	const char *uri = getenv("SUOTDOI_TEST_PG");
	memset(&g, 0, sizeof g);
	g.name = "postgresql";
	snprintf(g.admin, sizeof g.admin, "%s", uri);
	snprintf(g.dbname, sizeof g.dbname, "t_backends_%d", (int)getpid());
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", g.dbname);
	pg_admin(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", g.dbname);
	pg_admin(sql);
	uri_with_db(g.spec, sizeof g.spec, uri, g.dbname);
	char err[512];
	if (store_open(g.spec, &g.st, err, sizeof err) < 0) {
		fprintf(stderr, "store_open(%s): %s\n", g.spec, err);
		return -1;
	}
	return 0;
}

static int
teardown_pg(void **state)
{
	(void)state;
	store_close(g.st);
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", g.dbname);
	pg_admin(sql);
	return 0;
}

/* ---- statements of the test's own ---- */

static q_def_t Q_META_PUT = {.what = "ghi meta (kiểm thử)",
                             .sql = "INSERT INTO meta(key,value) VALUES(?1,?2)"};
static q_def_t Q_META_GET = {.what = "đọc meta (kiểm thử)",
                             .sql = "SELECT value FROM meta WHERE key=?1"};
static q_def_t Q_KIND_PUT = {.what = "ghi loại đơn vị (kiểm thử)",
                             .sql = "INSERT INTO unit_kinds(code,name,is_locality,sort)"
                                    " VALUES(?1,?2,0,?3)"};
static q_def_t Q_KIND_NAME = {.what = "đọc loại đơn vị (kiểm thử)",
                              .sql = "SELECT name FROM unit_kinds WHERE code=?1"};
static q_def_t Q_KINDS = {.what = "đọc các loại đơn vị (kiểm thử)",
                          .sql = "SELECT code FROM unit_kinds WHERE sort < 1000 ORDER BY sort"};
static q_def_t Q_USER_PUT = {.what = "ghi người dùng (kiểm thử)",
                             .sql = "INSERT INTO users(username,full_name,email,password_hash,"
                                    "created_at,created_by) VALUES(?1,?2,'',?3,?4,?5)"
                                    " RETURNING id"};
static q_def_t Q_USER_GET = {.what = "đọc người dùng (kiểm thử)",
                             .sql = "SELECT username,full_name,created_at,"
                                    "coalesce(created_by,0),created_by IS NULL"
                                    " FROM users WHERE id=?1"};
static q_def_t Q_SESSION_PUT = {.what = "ghi phiên (kiểm thử)",
                                .sql = "INSERT INTO sessions(token_hash,user_id,csrf,"
                                       "created_at,last_seen_at) VALUES(?1,?2,?3,1,1)"
                                       " RETURNING id"};
static q_def_t Q_SESSION_TOKEN = {.what = "đọc phiên (kiểm thử)",
                                  .sql = "SELECT token_hash FROM sessions WHERE id=?1"};
static q_def_t Q_UPLOAD_PUT = {.what = "ghi tệp tải lên (kiểm thử)",
                               .sql = "INSERT INTO registry_uploads(user_id,created_at,as_of,"
                                      "generation,units,merges) VALUES(?1,1,2,3,?2,?3)"
                                      " RETURNING id"};
static q_def_t Q_UPLOAD_GET = {.what = "đọc tệp tải lên (kiểm thử)",
                               .sql = "SELECT units,merges,merges IS NULL,length(units)"
                                      " FROM registry_uploads WHERE id=?1"};
static q_def_t Q_F64 = {.what = "số thực (kiểm thử)", .sql = "SELECT ?1"};

static int64_t
meta_get(store_t *st, const char *key)
{
	int64_t v = -1;
	int rc = db_i64(st, &Q_META_GET, QARGS(QT(key)), &v);
	assert_true(rc == 0 || rc == 1);
	return rc == 1 ? v : -1;
}

static int64_t
new_user(store_t *st, const char *name)
{
	int64_t id = 0;
	assert_int_equal(db_insert(st, &Q_USER_PUT,
	                           QARGS(QT(name), QT(NULL), QT("$x"), QI(1000), QID(0)), &id),
	                 0);
	assert_true(id > 0);
	return id;
}

/* ---- open, migrations ---- */

/* store_external_version once it is no longer v, or v after 3 s: with PostgreSQL another
 * store's commit arrives as a notice, a few milliseconds later. */
static int64_t
external_after(store_t *st, int64_t v)
{
	for (int i = 0; i < 300; i++) {
		int64_t now = store_external_version(st);
		if (now != v)
			return now;
		usleep(10 * 1000);
	}
	return v;
}

static void
test_open(void **state)
{
	(void)state;
	int applied = 0, known = 0;
	assert_int_equal(store_schema_version(g.st, &applied, &known), 0);
	assert_int_equal(applied, known);
	assert_true(known >= 20);
	assert_int_equal(db_dialect(g.st), strcmp(g.name, "sqlite") == 0 ? DB_SQLITE : DB_PG);
	/* opening again applies nothing and agrees */
	store_t *again = NULL;
	char err[512];
	assert_int_equal(store_open(g.spec, &again, err, sizeof err), 0);
	int a2 = 0, k2 = 0;
	assert_int_equal(store_schema_version(again, &a2, &k2), 0);
	assert_int_equal(a2, applied);
	/* the very first commit of the database is another's: it moves too */
	int64_t v0 = store_external_version(g.st);
	assert_int_equal(db_exec(again, &Q_META_PUT, QARGS(QT("o_first"), QI(1)), NULL), 0);
	assert_true(external_after(g.st, v0) != v0);
	store_close(again);
}

/* ---- the unit registry through store_units.c ---- */

struct kinds_seen {
	int n, localities;
	char first[32], first_name[64];
};

static int
on_kind(const store_kind_t *k, void *ctx)
{
	struct kinds_seen *s = ctx;
	if (s->n++ == 0) {
		snprintf(s->first, sizeof s->first, "%s", k->code);
		snprintf(s->first_name, sizeof s->first_name, "%s", k->name);
	}
	s->localities += k->is_locality;
	return 0;
}

struct units_seen {
	int n;
	store_unit_t root;
	char code[16], name[64], kind[32];
};

static int
on_unit(const store_unit_t *u, void *ctx)
{
	struct units_seen *s = ctx;
	if (s->n++ == 0) {
		s->root = *u;
		snprintf(s->code, sizeof s->code, "%s", u->code);
		snprintf(s->name, sizeof s->name, "%s", u->name);
		snprintf(s->kind, sizeof s->kind, "%s", u->kind);
	}
	return 0;
}

static void
test_units_and_kinds(void **state)
{
	(void)state;
	struct kinds_seen k = {0};
	assert_int_equal(store_kinds_each(g.st, on_kind, &k), 0);
	assert_true(k.n >= 27);
	assert_int_equal(k.localities, 11);
	assert_string_equal(k.first, "quoc_gia");
	assert_string_equal(k.first_name, "Quốc gia");
	struct units_seen u = {0};
	assert_int_equal(store_units_each(g.st, on_unit, &u), 0);
	assert_int_equal(u.n, 1);
	assert_int_equal(u.root.id, 1);
	assert_string_equal(u.code, "VN");
	assert_string_equal(u.name, "Việt Nam");
	assert_string_equal(u.kind, "quoc_gia");
	assert_int_equal(u.root.parent_id, 0);
	assert_int_equal(u.root.active, 1);
	assert_int_equal(u.root.valid_from, 0);
	assert_int_equal(u.root.valid_to, STORE_DAY_OPEN);
	assert_int_equal(store_units_generation(g.st), 1);
}

/* ---- every value type through the layer ---- */

static int
copy_text(const db_row_t *r, void *ctx)
{
	snprintf(ctx, 256, "%s", row_text(r, 0));
	return 1;
}

struct user_row {
	char username[64], full_name[64];
	int64_t created_at, created_by;
	int by_null;
};

static int
read_user(const db_row_t *r, void *ctx)
{
	struct user_row *u = ctx;
	snprintf(u->username, sizeof u->username, "%s", row_text(r, 0));
	snprintf(u->full_name, sizeof u->full_name, "%s", row_text(r, 1));
	u->created_at = row_i64(r, 2);
	u->created_by = row_i64(r, 3);
	u->by_null = row_int(r, 4);
	return 1;
}

struct blobs {
	unsigned char a[64], b[64];
	size_t na, nb;
	int a_null, b_null, b_isnull_col;
	int64_t len;
};

static int
read_blob(const db_row_t *r, void *ctx)
{
	struct blobs *b = ctx;
	size_t n;
	const void *p = row_blob(r, 0, &n);
	b->a_null = row_null(r, 0);
	b->na = n;
	if (n)
		memcpy(b->a, p, n < sizeof b->a ? n : sizeof b->a);
	return 1;
}

static int
read_upload(const db_row_t *r, void *ctx)
{
	struct blobs *b = ctx;
	size_t n;
	const void *p = row_blob(r, 0, &n);
	b->na = n;
	if (n)
		memcpy(b->a, p, n < sizeof b->a ? n : sizeof b->a);
	b->a_null = row_null(r, 0);
	p = row_blob(r, 1, &n);
	b->nb = n;
	if (n)
		memcpy(b->b, p, n < sizeof b->b ? n : sizeof b->b);
	b->b_null = row_null(r, 1);
	b->b_isnull_col = row_int(r, 2);
	b->len = row_i64(r, 3);
	return 1;
}

static int
read_f64(const db_row_t *r, void *ctx)
{
	*(double *)ctx = row_f64(r, 0);
	return 1;
}

static void
test_values(void **state)
{
	(void)state;
	/* integers: both extremes, and zero */
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("v_max"), QI(INT64_MAX)), NULL), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("v_min"), QI(INT64_MIN)), NULL), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("v_zero"), QI(0)), NULL), 0);
	assert_true(meta_get(g.st, "v_max") == INT64_MAX);
	assert_true(meta_get(g.st, "v_min") == INT64_MIN);
	assert_true(meta_get(g.st, "v_zero") == 0);
	assert_true(meta_get(g.st, "v_none") == -1); /* no row: db_i64 gives 0 */

	/* text: diacritics and quotes, in a value and in a key */
	const char *name = "Trung tâm học tập cộng đồng 'Ánh Dương' \"số 1\" ?1 -- ; ỹ";
	assert_int_equal(db_exec(g.st, &Q_KIND_PUT, QARGS(QT("k'q?2"), QT(name), QI(5000)), NULL),
	                 0);
	char got[256] = "";
	assert_int_equal(db_each(g.st, &Q_KIND_NAME, QARGS(QT("k'q?2")), copy_text, got), 1);
	assert_string_equal(got, name);

	/* NULL: QID(0) and QTN(NULL) bind NULL, QT(NULL) binds '' */
	int64_t uid = new_user(g.st, "nguyễn.văn.a");
	struct user_row u = {0};
	assert_int_equal(db_each(g.st, &Q_USER_GET, QARGS(QI(uid)), read_user, &u), 1);
	assert_string_equal(u.username, "nguyễn.văn.a");
	assert_string_equal(u.full_name, "");
	assert_int_equal(u.created_at, 1000);
	assert_int_equal(u.created_by, 0);
	assert_int_equal(u.by_null, 1);
	int64_t uid2 = 0;
	assert_int_equal(db_insert(g.st, &Q_USER_PUT,
	                           QARGS(QT("b"), QTN("Bà B"), QT("$x"), QI(-5), QID(uid)), &uid2),
	                 0);
	assert_int_equal(db_each(g.st, &Q_USER_GET, QARGS(QI(uid2)), read_user, &u), 1);
	assert_string_equal(u.full_name, "Bà B");
	assert_int_equal(u.created_at, -5);
	assert_int_equal(u.created_by, uid);
	assert_int_equal(u.by_null, 0);

	/* blobs: bytes with NULs and high bytes; an empty one; NULL */
	const unsigned char bin[] = {0, 1, 0, 0xff, '\\', 'x', 0x80, 0, '\'', 0};
	int64_t sid = 0;
	assert_int_equal(db_insert(g.st, &Q_SESSION_PUT,
	                           QARGS(QB(bin, sizeof bin), QI(uid), QT("csrf")), &sid),
	                 0);
	struct blobs b = {0};
	assert_int_equal(db_each(g.st, &Q_SESSION_TOKEN, QARGS(QI(sid)), read_blob, &b), 1);
	assert_int_equal(b.na, sizeof bin);
	assert_memory_equal(b.a, bin, sizeof bin);
	assert_int_equal(b.a_null, 0);

	int64_t up = 0;
	assert_int_equal(db_insert(g.st, &Q_UPLOAD_PUT,
	                           QARGS(QI(uid), QB(NULL, 0), QB(bin, sizeof bin)), &up),
	                 0);
	memset(&b, 0, sizeof b);
	assert_int_equal(db_each(g.st, &Q_UPLOAD_GET, QARGS(QI(up)), read_upload, &b), 1);
	assert_int_equal(b.na, 0); /* empty, not NULL */
	assert_int_equal(b.a_null, 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.nb, sizeof bin);
	assert_memory_equal(b.b, bin, sizeof bin);
	assert_int_equal(b.b_isnull_col, 0);
	assert_int_equal(db_insert(g.st, &Q_UPLOAD_PUT, QARGS(QI(uid), QB(bin, 3), QNULL), &up), 0);
	memset(&b, 0, sizeof b);
	assert_int_equal(db_each(g.st, &Q_UPLOAD_GET, QARGS(QI(up)), read_upload, &b), 1);
	assert_int_equal(b.na, 3);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.nb, 0);
	assert_int_equal(b.b_null, 1);
	assert_int_equal(b.b_isnull_col, 1);

	/* floating point */
	double f = 0;
	assert_int_equal(db_each(g.st, &Q_F64, QARGS(QF(1234.5678)), read_f64, &f), 1);
	assert_true(f == 1234.5678);
	assert_int_equal(db_each(g.st, &Q_F64, QARGS(QF(-0.125)), read_f64, &f), 1);
	assert_true(f == -0.125);
}

/* ---- a unique constraint ---- */

static void
test_unique(void **state)
{
	(void)state;
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("u_once"), QI(1)), NULL), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("u_once"), QI(2)), NULL), DB_UNIQUE);
	assert_true(meta_get(g.st, "u_once") == 1);
	new_user(g.st, "trùng");
	int64_t id = 7;
	assert_int_equal(db_insert(g.st, &Q_USER_PUT,
	                           QARGS(QT("trùng"), QT(""), QT("$x"), QI(1), QNULL), &id),
	                 DB_UNIQUE);
	/* the store goes on after it */
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("u_after"), QI(3)), NULL), 0);
}

/* ---- a row callback running the same query ---- */

struct nest {
	int outer, inner_total, depth;
};

static int
count_row(const db_row_t *r, void *ctx)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static int
nested_row(const db_row_t *r, void *ctx)
{
	struct nest *n = ctx;
	char code[64];
	snprintf(code, sizeof code, "%s", row_text(r, 0));
	n->outer++;
	int inner = 0;
	assert_int_equal(db_each(g.st, &Q_KINDS, QARGS(), count_row, &inner), 0);
	n->inner_total += inner;
	/* the outer row's strings are still good */
	assert_string_equal(row_text(r, 0), code);
	return 0;
}

static void
test_nested(void **state)
{
	(void)state;
	int all = 0;
	assert_int_equal(db_each(g.st, &Q_KINDS, QARGS(), count_row, &all), 0);
	assert_true(all >= 27);
	struct nest n = {0};
	assert_int_equal(db_each(g.st, &Q_KINDS, QARGS(), nested_row, &n), 0);
	assert_int_equal(n.outer, all);
	assert_int_equal(n.inner_total, all * all);
	/* and inside a transaction (reads on the writer) */
	assert_int_equal(store_tx_begin(g.st), 0);
	memset(&n, 0, sizeof n);
	assert_int_equal(db_each(g.st, &Q_KINDS, QARGS(), nested_row, &n), 0);
	assert_int_equal(n.inner_total, all * all);
	store_tx_rollback(g.st);
	/* a callback's non-zero value stops and comes back */
	char first[256];
	assert_int_equal(db_each(g.st, &Q_KINDS, QARGS(), copy_text, first), 1);
	assert_string_equal(first, "quoc_gia");
}

/* ---- transactions and savepoints ---- */

static void *
read_elsewhere(void *key)
{
	int64_t v = meta_get(g.st, key);
	return (void *)(intptr_t)v;
}

static void
test_transactions(void **state)
{
	(void)state;
	assert_int_equal(store_tx_begin(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_a"), QI(1)), NULL), 0);
	/* this thread reads its own write; another thread does not see it yet */
	assert_true(meta_get(g.st, "tx_a") == 1);
	pthread_t t;
	void *other;
	assert_int_equal(pthread_create(&t, NULL, read_elsewhere, "tx_a"), 0);
	pthread_join(t, &other);
	assert_true((intptr_t)other == -1);
	assert_int_equal(store_tx_commit(g.st), 0);
	assert_true(meta_get(g.st, "tx_a") == 1);
	assert_int_equal(pthread_create(&t, NULL, read_elsewhere, "tx_a"), 0);
	pthread_join(t, &other);
	assert_true((intptr_t)other == 1);

	assert_int_equal(store_tx_begin(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_b"), QI(2)), NULL), 0);
	store_tx_rollback(g.st);
	assert_true(meta_get(g.st, "tx_b") == -1);

	/* a nested level rolled back keeps the outer one's writes */
	assert_int_equal(store_tx_begin(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_c"), QI(3)), NULL), 0);
	assert_int_equal(store_tx_begin(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_d"), QI(4)), NULL), 0);
	assert_true(meta_get(g.st, "tx_d") == 4);
	store_tx_rollback(g.st);
	assert_true(meta_get(g.st, "tx_d") == -1);
	assert_int_equal(store_tx_begin(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_e"), QI(5)), NULL), 0);
	assert_int_equal(store_tx_commit(g.st), 0);
	/* a refused write inside the transaction undoes only itself (SQLite's rule) */
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_c"), QI(9)), NULL), DB_UNIQUE);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_f"), QI(6)), NULL), 0);
	assert_int_equal(store_tx_commit(g.st), 0);
	assert_true(meta_get(g.st, "tx_c") == 3);
	assert_true(meta_get(g.st, "tx_d") == -1);
	assert_true(meta_get(g.st, "tx_e") == 5);
	assert_true(meta_get(g.st, "tx_f") == 6);
	/* a commit with nothing open fails */
	assert_int_equal(store_tx_commit(g.st), -1);

	/* unsynced, then made durable */
	assert_int_equal(store_tx_begin_unsynced(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("tx_g"), QI(7)), NULL), 0);
	assert_int_equal(store_tx_commit(g.st), 0);
	assert_int_equal(store_sync(g.st), 0);
	assert_true(meta_get(g.st, "tx_g") == 7);
}

/* ---- a test's fault ---- */

static void
test_fault(void **state)
{
	(void)state;
	store_fault_install(g.st, 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("f_a"), QI(1)), NULL), DB_ERR);
	assert_int_equal(store_fault_fired(g.st), 1);
	assert_int_equal(store_fault_remove(g.st), 1);
	assert_true(meta_get(g.st, "f_a") == -1);
	/* reads are not counted */
	store_fault_install(g.st, 1);
	assert_true(meta_get(g.st, "f_a") == -1);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("f_b"), QI(1)), NULL), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("f_c"), QI(1)), NULL), DB_ERR);
	assert_int_equal(store_fault_remove(g.st), 1);
	/* the begin, and the commit (which rolls back) */
	store_fault_install(g.st, 0);
	assert_int_equal(store_tx_begin(g.st), -1);
	store_fault_install(g.st, 2);
	assert_int_equal(store_tx_begin(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("f_d"), QI(1)), NULL), 0);
	assert_int_equal(store_tx_commit(g.st), -1);
	assert_int_equal(store_fault_remove(g.st), 1);
	assert_true(meta_get(g.st, "f_d") == -1);
	assert_int_equal(store_tx_commit(g.st), -1); /* that level is over */
	assert_true(meta_get(g.st, "f_b") == 1);
}

/* ---- another process's commits ---- */


static void
test_external_version(void **state)
{
	(void)state;
	store_t *other = NULL;
	char err[512];
	assert_int_equal(store_open(g.spec, &other, err, sizeof err), 0);
	int64_t v0 = store_external_version(g.st);
	assert_true(v0 >= 0);
	/* our own writes, alone and in a transaction: no move */
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("x_a"), QI(1)), NULL), 0);
	assert_int_equal(store_tx_begin(g.st), 0);
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("x_b"), QI(1)), NULL), 0);
	assert_int_equal(store_tx_commit(g.st), 0);
	usleep(300 * 1000); /* time for a notice, were one sent */
	assert_true(store_external_version(g.st) == v0);
	/* the other's: a move, which it does not see itself */
	int64_t o0 = store_external_version(other);
	assert_int_equal(db_exec(other, &Q_META_PUT, QARGS(QT("x_c"), QI(1)), NULL), 0);
	int64_t v1 = external_after(g.st, v0);
	assert_true(v1 != v0);
	usleep(300 * 1000);
	assert_true(store_external_version(other) == o0);
	assert_int_equal(store_tx_begin(other), 0);
	assert_int_equal(db_exec(other, &Q_META_PUT, QARGS(QT("x_d"), QI(1)), NULL), 0);
	assert_int_equal(store_tx_commit(other), 0);
	int64_t v2 = external_after(g.st, v1);
	assert_true(v2 != v1);
	/* a transaction rolled back tells nobody */
	assert_int_equal(store_tx_begin(other), 0);
	assert_int_equal(db_exec(other, &Q_META_PUT, QARGS(QT("x_e"), QI(1)), NULL), 0);
	store_tx_rollback(other);
	usleep(300 * 1000);
	assert_true(store_external_version(g.st) == v2);
	/* the versions pages cache on move with the other's writes to their tables */
	uint64_t id0 = store_identity_version(g.st);
	new_user(other, "máy.khác");
	for (int i = 0; i < 300 && store_identity_version(g.st) == id0; i++) {
		store_external_version(g.st); /* as the app's watcher does, every 100 ms */
		usleep(10 * 1000);
	}
	assert_true(store_identity_version(g.st) != id0);
	/* and we see its rows */
	assert_true(meta_get(g.st, "x_d") == 1);
	store_close(other);
}

/* ---- the leader: one store at a time runs the deployment's chores ---- */

static void
test_leader(void **state)
{
	(void)state;
	store_t *other = NULL;
	char err[512];
	assert_int_equal(store_open(g.spec, &other, err, sizeof err), 0);
	if (db_dialect(g.st) == DB_SQLITE) { /* one machine: every process is */
		assert_int_equal(store_leader(g.st), 1);
		assert_int_equal(store_leader(other), 1);
		store_close(other);
		return;
	}
	/* one of the two within a few seconds (each tries every second), never both */
	int both = 0, one = 0;
	for (int i = 0; i < 400 && !one; i++) {
		int a = store_leader(g.st), b = store_leader(other);
		both |= a && b;
		one = a + b == 1;
		usleep(10 * 1000);
	}
	assert_int_equal(one, 1);
	assert_int_equal(both, 0);
	/* the other leads once the leader is gone (its connection closed) */
	int was_g = store_leader(g.st);
	store_t *third = NULL;
	if (was_g) { /* g.st stays open for the tests after this one: hand over from it */
		assert_int_equal(store_open(g.spec, &third, err, sizeof err), 0);
		store_close(other);
		usleep(2500 * 1000);
		assert_int_equal(store_leader(third), 0);
		assert_int_equal(store_leader(g.st), 1);
		store_close(third);
		return;
	}
	store_close(other);
	int led = 0;
	for (int i = 0; i < 400 && !led; i++) {
		led = store_leader(g.st);
		usleep(10 * 1000);
	}
	assert_int_equal(led, 1);
}

/* ---- the versions pages cache on ---- */

static void
test_versions(void **state)
{
	(void)state;
	uint64_t id0 = store_identity_version(g.st), rep0 = store_reports_version(g.st);
	new_user(g.st, "phiên.bản");
	uint64_t id1 = store_identity_version(g.st);
	assert_true(id1 > id0);
	assert_true(store_reports_version(g.st) == rep0);
	/* a table no version follows */
	assert_int_equal(db_exec(g.st, &Q_META_PUT, QARGS(QT("ver_a"), QI(1)), NULL), 0);
	assert_true(store_identity_version(g.st) == id1);
	/* in a transaction: at the write, and again at its end */
	assert_int_equal(store_tx_begin(g.st), 0);
	new_user(g.st, "phiên.bản.2");
	uint64_t id2 = store_identity_version(g.st);
	assert_true(id2 > id1);
	assert_int_equal(store_tx_commit(g.st), 0);
	assert_true(store_identity_version(g.st) > id2);
}

#define TESTS                                                                                      \
	cmocka_unit_test(test_open), cmocka_unit_test(test_units_and_kinds),                       \
	        cmocka_unit_test(test_values), cmocka_unit_test(test_unique),                      \
	        cmocka_unit_test(test_nested), cmocka_unit_test(test_transactions),                \
	        cmocka_unit_test(test_fault), cmocka_unit_test(test_external_version),             \
	        cmocka_unit_test(test_leader),                                                     \
	        cmocka_unit_test(test_versions)

/* No argument: SQLite, and PostgreSQL too when SUOTDOI_TEST_PG is set. --pg: PostgreSQL
 * only, and SUOTDOI_TEST_PG must be set. */
int
main(int argc, char **argv)
{
	log_set_level(2);
	int pg_only = argc > 1 && strcmp(argv[1], "--pg") == 0;
	const char *uri = getenv("SUOTDOI_TEST_PG");
	if (pg_only && (uri == NULL || *uri == '\0')) {
		fprintf(stderr, "test_store_backends --pg: SUOTDOI_TEST_PG is not set\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {TESTS};
	int failed = 0;
	if (!pg_only)
		failed +=
		        cmocka_run_group_tests_name("sqlite", tests, setup_sqlite, teardown_sqlite);
	if (uri && *uri)
		failed += cmocka_run_group_tests_name("postgresql", tests, setup_pg, teardown_pg);
	return failed;
}
