/* Store dispatch: picks the backend from the spec and forwards each call. */
#include "db/store.h"

#include <stdio.h>
#include <string.h>

int
store_open(const char *spec, store_t **out, char *err, size_t errlen)
{
	if (strncmp(spec, "postgres://", 11) == 0 || strncmp(spec, "postgresql://", 13) == 0) {
		snprintf(err, errlen,
		         "Kho PostgreSQL chưa được hỗ trợ trong bản này; hãy dùng một tệp SQLite "
		         "(ví dụ --db var/suotdoi.db).");
		return -1;
	}
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	if (*spec == '\0') {
		snprintf(err, errlen, "Thiếu đường dẫn cơ sở dữ liệu: hãy chỉ ra --db ĐƯỜNG_DẪN.");
		return -1;
	}
	return store_sqlite_open(spec, out, err, errlen);
}

void
store_close(store_t *st)
{
	if (st)
		st->ops->close(st);
}

int
store_schema_version(store_t *st, int *applied, int *known)
{
	return st->ops->schema_version(st, applied, known);
}

int
store_kinds_each(store_t *st, int (*cb)(const store_kind_t *, void *), void *ctx)
{
	return st->ops->kinds_each(st, cb, ctx);
}

int
store_units_each(store_t *st, int (*cb)(const store_unit_t *, void *), void *ctx)
{
	return st->ops->units_each(st, cb, ctx);
}

int64_t
store_units_generation(store_t *st)
{
	return st->ops->units_generation(st);
}

int
store_units_apply(store_t *st, const store_unit_change_t *rows, size_t n, char *err, size_t errlen)
{
	return st->ops->units_apply(st, rows, n, err, errlen);
}
