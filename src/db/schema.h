/* The schemas of the backends: versioned migrations, applied in order at open and recorded
 * in schema_migrations. Never edit a released one; append a new one. */
#ifndef SUOTDOI_DB_SCHEMA_H
#define SUOTDOI_DB_SCHEMA_H

struct migration {
	int version;
	const char *name;
	const char *sql;
	/* SQLite: a rebuild of a table others refer to (SQLite cannot change a CHECK in
	 * place) runs with foreign keys off, as SQLite's documented procedure requires, and
	 * commits only if foreign_key_check finds nothing */
	int rebuild;
};

extern const struct migration sqlite_migrations[];
extern const int sqlite_nmigrations;

/* PostgreSQL's (schema_pg.c): it starts at 20, the SQLite schema after its migration 20.
 * A later change is one migration in EACH array with the SAME version number, so that a
 * database of either backend at version N has the same tables. */
extern const struct migration pg_migrations[];
extern const int pg_nmigrations;

#endif
