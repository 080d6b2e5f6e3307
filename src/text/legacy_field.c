/* A typed field checked for TCVN3/VNI mojibake (text/legacy_field.h). */
#include "text/legacy_field.h"

#include <string.h>

#include "core/buf.h"
#include "text/legacy.h"
#include "text/text.h"

#define QUOTED_MAX 200 /* bytes of the repaired text quoted in the notice */

int
legacy_field_check(arena_t *a, const char *what, const char *p, size_t n, const char **repaired,
                   const char **notice)
{
	if (p == NULL || n == 0 || !text_utf8_valid(p, n))
		return 0;
	buf_t out = BUF_INIT;
	legacy_enc_t enc = legacy_suggest(p, n, &out);
	if (enc == LEGACY_NONE || out.len == 0) {
		buf_free(&out);
		return 0;
	}
	const char *r = arena_strndup(a, out.data, out.len);
	buf_free(&out);
	int q = text_utf8_prefix(r, QUOTED_MAX);
	*repaired = r;
	*notice = arena_printf(a,
	                       "%s có vẻ được gõ bằng bảng mã %s; chúng tôi đã đổi sang chữ "
	                       "Unicode: “%.*s%s”. Hãy kiểm tra rồi bấm Lưu lần nữa.",
	                       what, legacy_enc_name(enc), q, r, r[q] ? "…" : "");
	return 1;
}
