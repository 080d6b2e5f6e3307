/* The store's health (store.h): whether the database answers on a reader connection and
 * holds the schema this binary knows; which backend it is. */
#include "db/schema.h"
#include "db/store_int.h"

static q_def_t Q_APPLIED = {.what = "phiên bản lược đồ",
                            .sql = "SELECT coalesce(max(version),0) FROM schema_migrations"};

int
store_ready(store_t *st, int *applied, int *known)
{
	*known = db_dialect(st) == DB_PG ? pg_migrations[pg_nmigrations - 1].version
	                                 : sqlite_migrations[sqlite_nmigrations - 1].version;
	int64_t v = 0;
	*applied = 0;
	if (db_i64(st, &Q_APPLIED, QARGS(), &v) != 1)
		return -1;
	*applied = (int)v;
	return 0;
}

const char *
store_backend_name(const store_t *st)
{
	return st->drv->name;
}
