/* A typed field checked for text typed in a legacy Vietnamese encoding (TCVN3, VNI) and
 * pasted as UTF-8 mojibake: the services refuse such a field with the repaired text, which
 * the form shows in its place and the API returns as a suggestion, so the person confirms
 * it by sending it again (docs/legacy-encodings.md, "What is repaired where"). */
#ifndef SUOTDOI_LEGACY_FIELD_H
#define SUOTDOI_LEGACY_FIELD_H

#include <stddef.h>

#include "core/arena.h"

/* If p[0..n) (valid UTF-8) is detected as TCVN3 or VNI mojibake (legacy_detect): 1 with
 * *repaired (the whole repaired text, NFC) and *notice (Vietnamese: "<what> có vẻ được gõ
 * bằng bảng mã TCVN3; chúng tôi đã đổi sang chữ Unicode: “…”. Hãy kiểm tra rồi bấm Lưu
 * lần nữa.", the repaired text shortened to about 200 bytes) in a. Else 0, outputs
 * untouched. */
int legacy_field_check(arena_t *a, const char *what, const char *p, size_t n,
                       const char **repaired /* OUT */, const char **notice /* OUT */);

#endif
