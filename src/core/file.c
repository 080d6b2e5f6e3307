/* Whole-file reading with a size cap. */
#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"

int
file_read_all(const char *path, size_t max, char **data, size_t *len, char *err, size_t errlen)
{
	*data = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "Không mở được tệp %s: %s.", path, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s không phải là một tệp thông thường.", path);
		fclose(f);
		return -1;
	}
	if ((size_t)sb.st_size > max) {
		snprintf(err, errlen, "Tệp %s quá lớn (%lld byte; tối đa %zu byte).", path,
		         (long long)sb.st_size, max);
		fclose(f);
		return -1;
	}
	size_t n = (size_t)sb.st_size;
	char *p = xmalloc(size_add(n, 1));
	if (n && fread(p, 1, n, f) != n) {
		snprintf(err, errlen, "Không đọc được tệp %s.", path);
		free(p);
		fclose(f);
		return -1;
	}
	fclose(f);
	p[n] = '\0';
	*data = p;
	*len = n;
	return 0;
}
