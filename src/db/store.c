/* Opening a store: picks the backend from the spec. */
#include "db/store.h"

#include <stdio.h>
#include <string.h>

int
store_open(const char *spec, store_t **out, char *err, size_t errlen)
{
	if (strncmp(spec, "postgres://", 11) == 0 || strncmp(spec, "postgresql://", 13) == 0)
		return store_pg_open(spec, out, err, errlen);
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	if (*spec == '\0') {
		snprintf(err, errlen, "Thiếu đường dẫn cơ sở dữ liệu: hãy chỉ ra --db ĐƯỜNG_DẪN.");
		return -1;
	}
	return store_sqlite_open(spec, out, err, errlen);
}

