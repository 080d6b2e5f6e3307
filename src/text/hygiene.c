/* Text hygiene (hygiene.h): one pass over the code points refusing what a stored text must
 * not hold, line breaks made LF, then NFC through utf8proc, trimming, the blank check and
 * the byte limit on what would be stored. */
#include "text/hygiene.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/buf.h"
#include "text/text.h"

/* The bidi embeddings, overrides and isolates: they reorder what follows on screen, so a
 * name can show one thing and be another ("exe.txt" written backwards). */
static int
is_bidi_control(int32_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* Invisible characters that make two names look the same: zero-width space, non-joiner,
 * joiner, word joiner, BOM, soft hyphen, and the bidi marks LRM, RLM, ALM. */
static int
is_invisible(int32_t c)
{
	return (c >= 0x200B && c <= 0x200F) || c == 0x2060 || c == 0xFEFF || c == 0x00AD ||
	       c == 0x061C || (c >= 0x2061 && c <= 0x2064);
}

static int
is_space(int32_t c)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return 1;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

/* Why c may not be in a text under flags, or NULL. */
static const char *
refusal(int32_t c, unsigned flags)
{
	int lines = (flags & TEXT_MULTILINE) != 0;
	if (c < 0x20 && !(lines && (c == '\t' || c == '\n' || c == '\r')))
		return c == '\t' || c == '\n' || c == '\r'
		               ? "có dấu tab hoặc xuống dòng (ô này chỉ "
		                 "nhận một dòng)"
		               : "có ký tự điều khiển";
	if (c == 0x7F || (c >= 0x80 && c <= 0x9F))
		return "có ký tự điều khiển";
	if (is_bidi_control(c))
		return "có ký tự đảo chiều chữ (bidi)";
	if ((c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF))
		return "có ký tự không dùng được trong văn bản";
	if (!lines && (c == 0x2028 || c == 0x2029))
		return "có ký tự xuống dòng (ô này chỉ nhận một dòng)";
	if ((flags & TEXT_NAME) && is_invisible(c))
		return "có ký tự vô hình (như khoảng trắng độ rộng 0)";
	return NULL;
}

int
text_clean(arena_t *a, const char *in, unsigned flags, size_t max_bytes, const char **out,
           const char **why)
{
	*out = NULL;
	*why = NULL;
	if (in == NULL)
		in = "";
	size_t n = strlen(in);
	/* the code points checked, CR and CRLF made LF on the way */
	buf_t b = BUF_INIT;
	size_t pos = 0, nth = 0;
	while (pos < n) {
		int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)in + pos,
		                                      (utf8proc_ssize_t)(n - pos), &c);
		nth++;
		if (k <= 0 || !utf8proc_codepoint_valid(c)) {
			buf_free(&b);
			*why = arena_printf(a, "có byte không phải UTF-8 hợp lệ ở ký tự thứ %zu",
			                    nth);
			return -1;
		}
		if ((flags & TEXT_DROP_INVISIBLE) && is_invisible(c)) {
			pos += (size_t)k;
			continue;
		}
		const char *no = refusal(c, flags);
		if (no != NULL) {
			buf_free(&b);
			*why = arena_printf(a, "%s U+%04X ở ký tự thứ %zu", no, (unsigned)c, nth);
			return -1;
		}
		if (c == '\r') {
			buf_append(&b, "\n", 1);
			if (pos + 1 < n && in[pos + 1] == '\n')
				k++;
		} else
			buf_append(&b, in + pos, (size_t)k);
		pos += (size_t)k;
	}
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t m =
	        utf8proc_map((const utf8proc_uint8_t *)(b.len ? buf_cstr(&b) : ""),
	                     (utf8proc_ssize_t)b.len, &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	buf_free(&b);
	if (m < 0) {
		*why = "có byte không phải UTF-8 hợp lệ";
		return -1;
	}
	const char *s = (flags & TEXT_TRIM) ? text_trim(a, (const char *)nfc)
	                                    : arena_strndup(a, (const char *)nfc, (size_t)m);
	free(nfc);
	if (flags & TEXT_REQUIRED) {
		int blank = 1;
		size_t len = strlen(s);
		for (size_t p = 0; p < len && blank;) {
			int32_t c;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + p,
			                                      (utf8proc_ssize_t)(len - p), &c);
			if (k <= 0)
				break;
			blank = is_space(c);
			p += (size_t)k;
		}
		if (blank) {
			*why = *s ? "chỉ có khoảng trắng" : "đang để trống";
			return -1;
		}
	}
	size_t len = strlen(s);
	if (max_bytes > 0 && len > max_bytes) {
		*why = arena_printf(a, "dài %zu byte, quá giới hạn %zu byte", len, max_bytes);
		return -1;
	}
	*out = strcmp(s, in) == 0 ? in : s;
	return 0;
}

const char *
text_clean_field(arena_t *a, const char *field, const char *in, unsigned flags, size_t max_bytes,
                 const char **out)
{
	const char *why;
	if (text_clean(a, in, flags, max_bytes, out, &why) == 0)
		return NULL;
	const char *todo = strstr(why, "giới hạn") ? "hãy viết ngắn lại"
	                   : strstr(why, "để trống") || strstr(why, "khoảng trắng")
	                           ? "hãy nhập nội dung"
	                           : "hãy gõ lại phần này (đừng dán từ nguồn lạ)";
	return arena_printf(a, "%s: %s; %s.", field, why, todo);
}
