/* The store: every byte of SQL in the project lives under src/db/. Domain code and
 * handlers call these backend-neutral functions; store.c dispatches to a backend
 * (SQLite now; PostgreSQL is added as another `store_ops` without touching callers). */
#ifndef SUOTDOI_STORE_H
#define SUOTDOI_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store_t;

/* A unit as stored. Strings are borrowed for the duration of the callback only. */
typedef struct store_unit {
	int64_t id;
	const char *code;
	const char *name;
	const char *kind;          /* unit_kinds.code */
	int64_t parent_id;         /* 0 for the national root */
	const char *locality_code; /* "" when none */
	const char *email;         /* "" when none */
	const char *phone;         /* "" when none */
	int active;
} store_unit_t;

typedef struct store_kind {
	const char *code;
	const char *name;
	int is_locality; /* 1 for administrative localities (tỉnh, huyện, xã...), 0 for bodies */
	int sort;        /* display order */
} store_kind_t;

/* One row of an import, already validated by the domain layer. */
typedef struct store_unit_change {
	int64_t id; /* existing unit's id; 0 = insert a new unit */
	const char *code;
	const char *name;
	const char *kind;
	const char *parent_code; /* the parent's code (existing or inserted in the same batch) */
	const char *locality_code, *email, *phone; /* "" = none */
	int active;
} store_unit_change_t;

/* Open (creating if needed) and migrate. spec: a file path, "sqlite:PATH", or
 * "postgres://..." (not built yet: an error says so). On error returns -1 with a
 * readable message in err. */
int store_open(const char *spec, store_t **out /* OUT */, char *err, size_t errlen);
void store_close(store_t *st);

/* Highest applied migration version, and how many the binary knows. */
int store_schema_version(store_t *st, int *applied /* OUT */, int *known /* OUT */);

/* Iterate kinds (in sort order) / all units (in id order). The callback returns 0 to
 * go on, non-zero to stop (that value is returned). -1 on a store error. */
int store_kinds_each(store_t *st, int (*cb)(const store_kind_t *k, void *ctx), void *ctx);
int store_units_each(store_t *st, int (*cb)(const store_unit_t *u, void *ctx), void *ctx);

/* A counter bumped by every change to units; readers compare it to know when an
 * in-memory copy is stale. -1 on error. */
int64_t store_units_generation(store_t *st);

/* Apply inserts and updates in ONE transaction: all or nothing. Parents are resolved by
 * code inside the transaction, so a batch may insert a parent and its children.
 * Returns 0, or -1 with err (nothing written). */
int store_units_apply(store_t *st, const store_unit_change_t *rows, size_t n, char *err,
                      size_t errlen);

/* Backend table; a backend fills one and store.c dispatches. Internal to src/db/. */
typedef struct store_ops {
	const char *name;
	void (*close)(store_t *st);
	int (*schema_version)(store_t *st, int *applied, int *known);
	int (*kinds_each)(store_t *st, int (*cb)(const store_kind_t *, void *), void *ctx);
	int (*units_each)(store_t *st, int (*cb)(const store_unit_t *, void *), void *ctx);
	int64_t (*units_generation)(store_t *st);
	int (*units_apply)(store_t *st, const store_unit_change_t *rows, size_t n, char *err,
	                   size_t errlen);
} store_ops_t;

struct store {
	const store_ops_t *ops;
	void *backend;
};

/* Backends (src/db/store_<name>.c). */
int store_sqlite_open(const char *path, store_t **out, char *err, size_t errlen);

#endif
