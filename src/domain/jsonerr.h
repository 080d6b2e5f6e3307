/* jansson's parse errors in Vietnamese, for every reader of JSON documents a person sends
 * (templates, bulk values). */
#ifndef SUOTDOI_JSONERR_H
#define SUOTDOI_JSONERR_H

#include <jansson.h>

/* What went wrong, as a phrase ("tài liệu kết thúc giữa chừng ..."); wrong_shape is said
 * when the document is not of the expected shape (e.g. "tài liệu phải là một đối tượng
 * {...}"). A static string or wrong_shape. */
const char *json_problem_vi(const json_error_t *je, const char *wrong_shape);

#endif
