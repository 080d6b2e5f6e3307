/* Whole-file reading for imports and fixtures. */
#ifndef SUOTDOI_FILE_H
#define SUOTDOI_FILE_H

#include <stddef.h>

/* Read path into a fresh NUL-terminated buffer (caller frees). Files above max bytes are
 * refused. -1 with a Vietnamese message in err on failure. */
int file_read_all(const char *path, size_t max, char **data /* OUT */, size_t *len /* OUT */,
                  char *err, size_t errlen);

#endif
